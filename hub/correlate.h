/*
 * correlate.h - what a reader may learn about an indicator beyond the item in
 * front of it: in how many other items it may read the indicator also
 * appears ("also in N items"), and the circles' sighting aggregates.
 *
 * Counts are taken only over what the reader may read (reader_tally, the
 * read gate), and released only when at least k organisations contributed,
 * k being the strictest policy k of the circles involved
 * (policy_may_release_count). Never which organisation, never which items
 * when withheld. Released sighting aggregates give counts of organisations
 * and days, never times finer than a day.
 */
#ifndef KR_CORRELATE_H
#define KR_CORRELATE_H

#include <jansson.h>

#include "item.h"
#include "kr_error.h"
#include "session.h"

/* At most this many items are examined per indicator (newest first), and
 * correlation covers at most this many indicators of one item. */
#define KR_CORRELATE_CANDIDATES 500
#define KR_CORRELATE_INDICATORS 100

/*
 * Correlation for an item s has just read through reader_view (view is
 * that view): a new array of {"index", "also_in"?, "sightings"?}, one entry
 * per indicator for which something is released (often empty).
 */
enum kr_err correlate_item(struct kr_session *s, struct kr_item *it, const json_t *view,
                           json_t **out);

/*
 * Everything s may learn about one (normalised) indicator: {"items":
 * {"in": N} or {"withheld": true}, "sightings": [{"circle", aggregate
 * or "withheld": true}, one per circle whose sightings s may see]}. New
 * object in *out.
 */
enum kr_err correlate_lookup(struct kr_session *s, const char *type, const char *value,
                             json_t **out);

/*
 * The sighting aggregate of one circle as s may see it: the aggregate
 * object, or {"withheld": true} when fewer than k organisations reported
 * (none included). KR_EFORBIDDEN when s may not see the circle's sightings.
 */
enum kr_err correlate_sightings(struct kr_session *s, int64_t circle_id, const char *type,
                                const char *value, json_t **out);

#endif
