/*
 * event_check.h - the `event` object of an event item: what an organiser
 * may write (schema/PROTOCOL.md, post.item.event) and the normalised form
 * readers see, with the times also in UTC.
 *
 * An organiser gives the start, end and registration deadline as local
 * wall-clock times ("2026-12-12T14:00") in the event's time zone (an IANA
 * name checked against the system zoneinfo, Asia/Tokyo when not given); the
 * hub keeps them as written (with seconds) and adds their UTC instants
 * (start_utc, end_utc, registration_deadline_utc, "2026-12-12T05:00:00Z").
 * A wall time a clock change skips is refused.
 *
 * Not here: who may post or change an event (policy.c), anonymisation of
 * its free text (anon.c), its status and sequence (set by the post, update
 * and cancel handlers), storage (store_events.c).
 */
#ifndef KR_EVENT_CHECK_H
#define KR_EVENT_CHECK_H

#include <jansson.h>
#include <stdint.h>

#include "kr_error.h"
#include "model.h"

#define KR_EVENT_TZ_DEFAULT "Asia/Tokyo"

/* The UTC instants of a checked event (seconds since the epoch). */
struct kr_event_times {
	int64_t start, end;
	int64_t deadline; /* 0 when there is none */
};

/*
 * Check the `event` object of an item of this kind: required on events,
 * refused on every other kind (NULL then passes with *out NULL). now is the
 * current time: an event that has already ended is refused.
 *
 * On success *out (events only) is a new object with the fields written
 * (prefecture, venue?, start, end, timezone, audience, capacity,
 * fee?, cpe_credits?, language?, registration_deadline?, organizer?,
 * contact?), times normalised to "YYYY-MM-DDTHH:MM:SS", timezone and
 * capacity always present, plus region (prefectures only) and the UTC
 * instants; times (may be NULL) receives them. KR_EINVAL / KR_ELABEL /
 * KR_EFIELD with err naming the field ("event.start: ...") otherwise.
 */
enum kr_err event_check(enum kr_kind kind, const json_t *event, int64_t now, json_t **out,
                        struct kr_event_times *times, char *err, size_t errlen);

/*
 * Set what the hub keeps on an event object (modified): status
 * ("scheduled" or "cancelled"), sequence (the iCalendar SEQUENCE, up by one
 * on every change) and updated (when it last changed, UTC, rounded down to
 * round seconds so that it says no more about its author than the item's
 * `created`).
 */
void event_stamp(json_t *event, const char *status, int64_t sequence, int64_t updated,
                 int64_t round);

/*
 * The fields an organiser wrote, from a stored event object (borrowed): a
 * new object without the derived ones (region, the UTC instants, status,
 * sequence, updated, cancel_reason), ready to be merged with an update.
 */
json_t *event_input_fields(const json_t *stored);

/*
 * Merge an update (borrowed: a partial event object, where JSON null
 * removes an optional field) into input (modified). KR_EINVAL when the
 * update tries to remove a required field.
 */
enum kr_err event_merge(json_t *input, const json_t *update, char *err, size_t errlen);

/*
 * The places a listing's region filter stands for: *out a new array of
 * prefecture codes and/or "online" (a prefecture code or "online": itself; a
 * region name such as "kanto": its prefectures), or NULL for NULL or "all"
 * (no filter). KR_ELABEL (err says why) for anything else.
 */
enum kr_err event_region_filter(const char *region, json_t **out, char *err, size_t errlen);

#endif
