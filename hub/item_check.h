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

#include "kr_error.h"
#include "model.h"
#include "proto.h"

/* Title (1-200 characters) and body (at most 64 KiB) of an item object;
 * with required false, absent fields pass. */
enum kr_err item_check_text(const json_t *item, bool required, char *err, size_t errlen);

/* Check an indicators array; on success *out is a new normalised copy in
 * which every indicator carries its role. */
enum kr_err item_check_indicators(const json_t *in, json_t **out, char *err, size_t errlen);

/* Check a tags array (NULL passes). */
enum kr_err item_check_tags(const json_t *tags, char *err, size_t errlen);

/* Check a moderator's edit {title?, body?, indicators?, tags?, practice?}
 * (at least one field; practice: some of its fields, see practice.h); on
 * success *out is a new normalised copy. Whether the item may carry a
 * practice is for the caller, who knows its kind, to check. */
enum kr_err item_check_edit(const json_t *edit, json_t **out, char *err, size_t errlen);

/* An alert's details: required (with a known severity) on alerts, refused
 * on every other kind. */
enum kr_err item_check_alert(enum kr_kind kind, const json_t *alert, char *err, size_t errlen);

#endif
