/*
 * stix_import.h - a STIX 2.1 bundle as the kairan posts it becomes (pure:
 * no I/O; `kairan import stix` sends the result through the normal `post`
 * path, so the hub anonymises and checks each one like any other post).
 *
 * What becomes what:
 *
 *   - Every `report` becomes one `threat` item: name -> title (a name over
 *     200 characters is shortened and given in full at the top of the
 *     body), description -> body, labels -> tags, and the indicators and
 *     vulnerabilities in its object_refs -> indicators (each pattern parsed
 *     by kr_stix_pattern_parse(); a vulnerability gives its CVE id).
 *   - Indicators and vulnerabilities that no report refers to become one
 *     extra item per TLP, titled after the bundle, whose body lists their
 *     names and descriptions.
 *   - Objects of other types (identity, malware, relationship, ...) are not
 *     imported; each report that refers to some gets a note. The source's
 *     identities are never copied: the hub gives the post its pseudonym.
 *   - Revoked objects are left out, with a note.
 *
 * Roles: indicator_types malicious-activity, attribution or anonymization ->
 * attacker, compromised -> victim (which the anonymiser then removes),
 * anything else -> unknown.
 *
 * TLP: the most restrictive TLP marking among the report and the objects it
 * brings in. Both the TLP 1.0 (WHITE read as CLEAR) and the TLP 2.0 marking
 * ids are accepted. Everything else fails the whole bundle, naming the
 * object: a marking that is not a TLP marking (kairan cannot honour
 * restrictions it does not know), granular markings, two different TLP
 * markings on one object, a report with no TLP at all (never guessed), RED
 * (a RED item needs named recipients: post it with `kairan post`), an
 * indicator whose pattern_type is not stix or whose pattern is not one of
 * the supported comparisons, a vulnerability without a CVE id, more than
 * 1,000 indicators or 32 labels, a label over 64 bytes, a body over
 * 65,536 bytes.
 */
#ifndef KR_STIX_IMPORT_H
#define KR_STIX_IMPORT_H

#include <jansson.h>

#include "kr_error.h"

/*
 * Convert bundle (borrowed) into items for circle: on KR_OK *posts is a new
 * array of item objects (the `post.item` of schema/PROTOCOL.md, kind
 * threat) in the bundle's order, and *notes a new array of strings saying
 * what was left out and why. On failure both are NULL and err names the
 * object and the reason: KR_EINVAL (the bundle is malformed or unsupported)
 * or KR_EINTERNAL (out of memory).
 */
enum kr_err kr_stix_import(const json_t *bundle, const char *circle, json_t **posts, json_t **notes,
                           char *err, size_t errlen);

#endif
