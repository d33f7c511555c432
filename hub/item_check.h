/*
 * item_check.h - validation of an item's content: title, body, indicators
 * and tags. Used by `post` and by moderators' edits, so both obey the same
 * limits (documented in schema/PROTOCOL.md).
 */
#ifndef KR_ITEM_CHECK_H
#define KR_ITEM_CHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "indicator.h"
#include "kr_error.h"
#include "model.h"
#include "proto.h"

/* Title (1-200 characters) and body (at most 64 KiB) of an item object;
 * with required false, absent fields pass. */
enum kr_err item_check_text(const json_t *item, bool required, char *err, size_t errlen);

/*
 * Check an indicators array; on success *out is a new normalised copy in
 * which every indicator carries its role. Each value is validated and
 * normalised (common/indicator.h); an invalid one is refused with its
 * position and reason ("indicators[3]: ipv4 '300.1.2.3': octet 1 is out of
 * range (0-255)"), and so is a malformed validity window. A known-benign
 * value gets "benign": reason (built-in list, then benign, which may be
 * NULL); a poster's own "benign" is refused. An indicator that repeats an
 * earlier one after normalisation (same type, value, role and window) is
 * merged into it; one that repeats only the type and value is refused.
 */
enum kr_err item_check_indicators(const json_t *in, const struct kr_ind_benign *benign,
                                  json_t **out, char *err, size_t errlen);

/* Check a tags array (NULL passes). */
enum kr_err item_check_tags(const json_t *tags, char *err, size_t errlen);

/* Check a moderator's edit {title?, body?, indicators?, tags?, practice?}
 * (at least one field; practice: some of its fields, see practice.h); on
 * success *out is a new normalised copy (indicators as above, benign as
 * there). Whether the item may carry a practice is for the caller, who
 * knows its kind, to check. */
enum kr_err item_check_edit(const json_t *edit, const struct kr_ind_benign *benign, json_t **out,
                            char *err, size_t errlen);

/* An alert's details: required (with a known severity) on alerts, refused
 * on every other kind. */
enum kr_err item_check_alert(enum kr_kind kind, const json_t *alert, char *err, size_t errlen);

#endif
