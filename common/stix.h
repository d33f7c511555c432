/*
 * stix.h - the STIX 2.1 vocabulary kairan shares between hub and client:
 * TLP marking-definition ids, STIX patterns for kairan indicators (both
 * ways), deterministic ids (UUIDv5), STIX timestamps and bundles.
 *
 * Pure: no I/O, no access decisions. What a reader may export is decided by
 * the hub's read gate before anything here sees an item; how a bundle
 * becomes posts is stix_import.h.
 *
 * TLP markings. kairan labels items with TLP 2.0 and exports the marking
 * definitions of the OASIS TLP 2.0 extension (KR_STIX_TLP2_EXTENSION). On
 * import it also accepts the TLP 1.0 marking definitions of STIX 2.1
 * section 7.2.1.4, with WHITE read as CLEAR (TLP 2.0 renamed it).
 *
 * Patterns. One indicator becomes one comparison in one observation:
 *
 *	ipv4    [ipv4-addr:value = '198.51.100.7']
 *	ipv6    [ipv6-addr:value = '2001:db8::7']
 *	cidr    [ipv4-addr:value ISSUBSET '198.51.100.0/24'] (ipv6-addr for IPv6)
 *	domain  [domain-name:value = 'login.example']
 *	url     [url:value = 'https://login.example/a']
 *	email   [email-addr:value = 'info@login.example']
 *	md5     [file:hashes.MD5 = '44d8...']
 *	sha1    [file:hashes.'SHA-1' = '3395...']
 *	sha256  [file:hashes.'SHA-256' = '275a...']
 *	asn     [autonomous-system:number = 64496]
 *	cve     none: STIX has no cyber-observable for a CVE. A CVE is exported
 *	        as a `vulnerability` object (name and external reference
 *	        "cve"), referenced by the report instead of an indicator.
 *
 * Inside a string literal ' and \ are escaped as \' and \\. The parser reads
 * back exactly these comparisons (also `=` with a CIDR value, hash names
 * without the hyphen, and SHA-512, which kairan has no type for and so
 * refuses), joined by OR inside one observation or between observations.
 */
#ifndef KR_STIX_H
#define KR_STIX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kr_error.h"
#include "model.h"

/* The OASIS TLP 2.0 marking extension's definition id. */
#define KR_STIX_TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

/* "marking-definition--" + 36 */
#define KR_STIX_ID_MAX 64
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" */
#define KR_STIX_TIME_LEN 24

/* The TLP 2.0 marking-definition id of tlp; static string, NULL for *_NONE. */
const char *kr_stix_tlp_marking_id(enum kr_tlp tlp);

/*
 * The TLP of a marking-definition id: the TLP 2.0 ids, and the TLP 1.0 ids
 * (WHITE -> CLEAR, GREEN, AMBER, RED). Anything else (other markings, NULL)
 * -> KR_TLP_NONE. *v1, when not NULL, tells whether it was a TLP 1.0 id.
 */
enum kr_tlp kr_stix_tlp_from_marking(const char *id, bool *v1);

/*
 * The TLP 2.0 marking-definition object for tlp, exactly as the OASIS
 * extension publishes it (type, spec_version, id, created, name, extensions).
 * New reference, or NULL for *_NONE or when out of memory.
 */
json_t *kr_stix_tlp_marking_object(enum kr_tlp tlp);

/*
 * UUIDv5 (RFC 4122 section 4.3, SHA-1) of name in namespace ns, written
 * as 36 lower-case characters and a NUL to out. 0, or -1 when SHA-1 failed.
 */
int kr_uuid5(const unsigned char ns[16], const void *name, size_t len, char out[37]);

/*
 * A STIX id "TYPE--UUIDv5" derived from the parts (joined with NUL bytes,
 * so ("ab","c") and ("a","bc") differ) in kairan's own namespace. out has
 * KR_STIX_ID_MAX bytes; type must be shorter than 26 characters. 0 or -1.
 */
int kr_stix_id(char out[KR_STIX_ID_MAX], const char *type, const char *const *parts, size_t n);

/*
 * Parse "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (UTC, as kairan and STIX write
 * times) into seconds since the epoch (the fraction is dropped). false when
 * s is not exactly that or not a real date.
 */
bool kr_stix_time_parse(const char *s, int64_t *out);

/* Write t as a STIX timestamp with milliseconds ("…T22:00:00.000Z"). */
void kr_stix_time_format(int64_t t, char out[KR_STIX_TIME_LEN + 1]);

/*
 * The STIX pattern of one kairan indicator (type as in model.h, value as
 * stored). New malloc'd string, or NULL when the type has no pattern (cve)
 * or the value cannot be expressed (an ASN that is not a number), or when
 * out of memory.
 */
char *kr_stix_pattern(enum kr_ind_type type, const char *value);

/*
 * Parse a STIX pattern of the forms above into kairan indicators: a new
 * array of {"type", "value"} objects (new reference) in *out. KR_EINVAL
 * with err saying what is not supported (another object type or property,
 * AND, FOLLOWEDBY, qualifiers, other operators, a syntax error and where).
 */
enum kr_err kr_stix_pattern_parse(const char *pattern, json_t **out, char *err, size_t errlen);

/*
 * A bundle of objects (steals the reference; NULL is out of memory): every
 * object once (the first of several with one id), preceded by the TLP 2.0
 * marking-definition objects that their object_marking_refs name and the
 * objects do not already contain. The bundle id is a UUIDv5 of the object
 * ids, so the same objects give the same bundle; an empty bundle has no
 * `objects` (STIX requires at least one when present). New reference, or
 * NULL when out of memory.
 */
json_t *kr_stix_bundle(json_t *objects);

#endif
