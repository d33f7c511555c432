/*
 * indicator.h - indicators of compromise as values: validation and
 * normalisation of each type, the known-benign verdict, and the validity
 * window. Shared by the hub (which judges every posted indicator) and the
 * client (which shows the author what the hub will make of them).
 *
 * A pure module: no I/O, no clock, no mutable globals. A benign list is
 * built once (kr_ind_benign_add per line) and read-only afterwards.
 *
 * What kr_ind_normalise() accepts and writes, per type (the rules are
 * documented here because the unit tests pin them):
 *
 *   every type  surrounding white space (ASCII, U+3000, U+00A0) dropped;
 *               full-width ASCII (U+FF01-U+FF5E) read as ASCII, and the
 *               ideographic full stops U+3002, U+FF61 as '.' (except in a
 *               URL's path, query and fragment, which are kept as written).
 *   defanged    (ipv4, ipv6, cidr, domain, url, email) refanged, ASCII case
 *               ignored: "[.]" "(.)" "{.}" "[dot]" "(dot)" "{dot}" "\." and
 *               " dot " between two non-blank characters -> "."; "[:]" "(:)"
 *               -> ":"; "[://]" -> "://"; "[@]" "(@)" "{@}" "[at]" "(at)"
 *               "{at}" -> "@"; blanks around a bracketed form go with it.
 *               A URL's scheme "hxxp" "hxxps" "hXXp"... -> http(s), "fxp"
 *               "fxps" -> ftp(s). A bare " at " is NOT refanged (prose).
 *   ipv4        strict dotted quad: four decimal octets 0-255; a leading
 *               zero ("010") is refused, since tools disagree on whether it
 *               is octal. Output is the same quad.
 *   ipv6        inet_pton(); one pair of brackets may surround it; a zone
 *               ("%eth0") is refused. Output is inet_ntop(), the RFC 5952
 *               form (lower case, longest zero run as "::", IPv4-mapped as
 *               "::ffff:192.0.2.1"), except that the deprecated
 *               IPv4-compatible ::/96 is written in hexadecimal ("::1:2").
 *   cidr        ADDRESS/PREFIX, v4 prefix 1-32, v6 1-128, no leading zero.
 *               Host bits set are REFUSED (the reason names the network):
 *               "192.0.2.7/24" may mean the host or the network, and only
 *               the author knows which.
 *   domain      ASCII only: a label with any other character is refused
 *               (give the punycode "xn--" form; the hub converts no IDNs).
 *               Lower-cased, one trailing dot removed; 2+ labels of 1-63
 *               letters, digits, '-' (not at a label's ends) and '_'; at
 *               most 253 characters; the last label not all digits.
 *   url         SCHEME://[USERINFO@]HOST[:PORT][PATH][?QUERY][#FRAGMENT]:
 *               scheme and host lower-cased, host a domain (rules above),
 *               an IPv4 quad or a bracketed IPv6 (canonical), port 1-65535
 *               without leading zeros; userinfo, path, query and fragment
 *               kept byte for byte but for refanging (no white space or
 *               control characters).
 *   email       LOCAL@DOMAIN: the local part kept as written (1-64 of the
 *               RFC 5322 dot-atom characters; quoted forms are refused), the
 *               domain by the domain rules; at most 254 characters.
 *   md5 sha1 sha256 sha512  32, 40, 64, 128 hex digits, lower-cased.
 *   cve         CVE-YYYY-NNNN (4 to 19 digits, year from 1999), upper-cased;
 *               hyphen look-alikes (U+2010-U+2015, U+2212) read as '-'.
 *   asn         "AS64500", "as64500", "ASN 64500", "64500" or asdot
 *               "AS1.10" -> "AS64500" / "AS65546"; 1-4294967295 (AS0 is
 *               refused, RFC 7607).
 */
#ifndef KR_INDICATOR_H
#define KR_INDICATOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kr_error.h"
#include "model.h"

/* Room kr_ind_normalise() may need beyond the input's length ("123" ->
 * "AS123"; an IPv6 address written short may print longer). */
#define KR_IND_OUT_EXTRA 48

/*
 * Validate and normalise one value of type t: in[0..len) (UTF-8, need not be
 * NUL-terminated) -> out (NUL-terminated, outlen >= len + KR_IND_OUT_EXTRA
 * is always enough). Returns KR_OK; KR_EINVAL when the value is not a valid
 * t, why (may be NULL) then gets the reason for people, without the value,
 * e.g. "octet 1 is out of range (0-255)"; KR_ELABEL for an unknown t;
 * KR_ETOOLARGE when out is too small. out is always NUL-terminated when
 * outlen > 0.
 */
enum kr_err kr_ind_normalise(enum kr_ind_type t, const char *in, size_t len, char *out,
                             size_t outlen, char *why, size_t whylen);

/* ---- known-benign values ---- */

/* An operator's list of benign values; opaque. */
struct kr_ind_benign;

/* A new, empty list; NULL when out of memory. */
struct kr_ind_benign *kr_ind_benign_new(void);

void kr_ind_benign_free(struct kr_ind_benign *list);

/*
 * Add one line of an operator's list file: "TYPE VALUE [# reason]" (blank
 * lines and lines starting with '#' are skipped). VALUE is normalised as
 * above; a reason (at most 200 bytes of UTF-8) defaults to "on the hub
 * operator's list". KR_EINVAL with why (no file or line number) when the
 * line does not parse; KR_EINTERNAL when memory runs out.
 */
enum kr_err kr_ind_benign_add(struct kr_ind_benign *list, const char *line, size_t len, char *why,
                              size_t whylen);

/* Number of values in the list (0 for NULL). */
size_t kr_ind_benign_count(const struct kr_ind_benign *list);

/*
 * Why a NORMALISED value of type t is known to be benign, or NULL. The
 * built-in list is consulted first, then list (may be NULL):
 *   built in: the documentation ranges (RFC 5737, RFC 3849, RFC 9637),
 *     loopback, "this network", multicast, broadcast, benchmarking and
 *     reserved IPv4, the unspecified IPv6 address; the public resolvers of
 *     Google, Cloudflare, Quad9 and OpenDNS (v4 and v6); example domains
 *     (RFC 2606 example.com/.net/.org and the reserved TLDs .test
 *     .example .invalid .localhost, RFC 6762 .local, RFC 8375 home.arpa,
 *     JPRS's example.jp and example.co.jp-style names) and everything
 *     under them; the hashes of the empty file and the EICAR test file;
 *     documentation, private-use and reserved AS numbers.
 *   matching: an address in a listed range or equal to a listed address
 *     (IPv4-mapped IPv6 by its IPv4); a CIDR wholly inside a listed range;
 *     a domain equal to or under a listed domain; a URL by its host, an
 *     e-mail address by its domain; every value also by exact equality.
 * Internal addresses (RFC 1918, CGNAT, link-local, ULA) are not listed:
 * the anonymiser removes them before anything is stored.
 * The returned string is static or owned by list.
 */
const char *kr_ind_benign_reason(const struct kr_ind_benign *list, enum kr_ind_type t,
                                 const char *value);

/* ---- validity window ---- */

/*
 * Parse an RFC 3339 UTC time of exactly the form YYYY-MM-DDTHH:MM:SSZ
 * (years 1970-9999) into seconds since the epoch. Anything else (a date
 * alone, an offset, fractions, a lower-case t or z, an impossible date) is
 * KR_EINVAL with why; for an offset the reason gives the UTC equivalent.
 */
enum kr_err kr_ind_time_parse(const char *s, int64_t *out, char *why, size_t whylen);

/* t as YYYY-MM-DDTHH:MM:SSZ (out needs 21 bytes). */
void kr_ind_time_format(int64_t t, char out[21]);

/*
 * True when the indicator object has a valid_until (in the form above)
 * earlier than now (seconds since the epoch). Indicators without one, or
 * with one that does not parse, never expire. A valid_from in the future
 * does not make an indicator expired.
 */
bool kr_ind_expired(const json_t *indicator, int64_t now);

/* True when two indicator objects say the same thing: equal type, value,
 * role (absent = "unknown"), valid_from and valid_until. */
bool kr_ind_same(const json_t *a, const json_t *b);

/* True when they have the same type and value (whatever else differs). */
bool kr_ind_same_value(const json_t *a, const json_t *b);

#endif
