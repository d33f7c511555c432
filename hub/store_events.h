/*
 * store_events.h - events in the store: their state for RSVPs, changes
 * (update, cancel) that move the item to a fresh cursor, RSVPs with
 * capacity and waitlist, reminders, notices kept for people who were not
 * connected, and the candidates of an events listing.
 *
 * Nothing here decides access: callers hand every item to reader.c. The
 * capacity is enforced by SQL alone (one statement inside BEGIN
 * IMMEDIATE), so it holds whatever the callers do.
 */
#ifndef KR_STORE_EVENTS_H
#define KR_STORE_EVENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "item.h"
#include "kr_error.h"
#include "store.h"
#include "store_items.h"

/* An event's state (the events row and its RSVP counts). Times UTC. */
struct kr_event_state {
	int64_t start, end;
	int64_t deadline; /* 0: none */
	int64_t capacity; /* 0: unlimited */
	int64_t attending, waitlisted;
	int64_t sequence;
	bool cancelled;
};

/* KR_ENOTFOUND when item_id is not an event. */
enum kr_err store_event_state(struct kr_store *st, const char *item_id, struct kr_event_state *out);

/*
 * Replace a published event's title, body, tags and event object, and move
 * it to a fresh cursor (so subscribers receive the new version), in one
 * transaction. *out: the item as stored now. KR_ENOTFOUND when it is no
 * longer published.
 */
enum kr_err store_event_change(struct kr_store *st, const struct kr_item *it, const char *title,
                               const char *body, const json_t *tags, const json_t *event,
                               struct kr_item **out);

enum kr_rsvp { KR_RSVP_NONE = 0, KR_RSVP_ATTENDING, KR_RSVP_WAITLISTED };

/* "attending", "waitlisted" or "none". */
const char *kr_rsvp_name(enum kr_rsvp r);

/*
 * RSVP user_id to the event, atomically: attending while a seat is free
 * (capacity 0: always) and nobody waits, otherwise on the waitlist. An
 * existing RSVP stays as it is (*created false). *position: the place on
 * the waitlist (1 = next), 0 when attending.
 */
enum kr_err store_rsvp_join(struct kr_store *st, const char *item_id, int64_t user_id, int64_t now,
                            enum kr_rsvp *status, int64_t *position, bool *created);

/* The user's RSVP (KR_RSVP_NONE when there is none) and waitlist position. */
enum kr_err store_rsvp_get(struct kr_store *st, const char *item_id, int64_t user_id,
                           enum kr_rsvp *status, int64_t *position);

/*
 * Withdraw the user's RSVP (*was: what it was; KR_RSVP_NONE and nothing
 * changed when there was none) and, in the same transaction, move the first
 * people of the waitlist into the free seats. *promoted (malloc'd, free it;
 * may be NULL with *n 0) lists their user ids in order.
 */
enum kr_err store_rsvp_cancel(struct kr_store *st, const char *item_id, int64_t user_id,
                              enum kr_rsvp *was, int64_t **promoted, size_t *n);

/* Move waitlisted people into free seats (after the capacity grew). */
enum kr_err store_rsvp_promote(struct kr_store *st, const char *item_id, int64_t **promoted,
                               size_t *n);

/* Every RSVP of an event: attending first, then the waitlist, each in order
 * of arrival; position counts within each list from 1. cb returns non-zero
 * to stop. */
typedef int (*store_rsvp_cb)(void *ud, int64_t user_id, enum kr_rsvp status, int64_t position,
                             int64_t created_at);
enum kr_err store_rsvps(struct kr_store *st, const char *item_id, store_rsvp_cb cb, void *ud);

/* ---- reminders ---- */

/*
 * Attending RSVPs due a reminder at now with lead seconds of warning: the
 * event is published and not cancelled, start - lead <= now < start, and no
 * reminder was sent for this start time. cb(ud, item_id, user_id, start).
 */
typedef int (*store_reminder_cb)(void *ud, const char *item_id, int64_t user_id, int64_t start);
enum kr_err store_reminders_due(struct kr_store *st, int64_t now, int64_t lead,
                                store_reminder_cb cb, void *ud);

/* Record that the reminder for this start time was sent (or kept). */
enum kr_err store_reminder_mark(struct kr_store *st, const char *item_id, int64_t user_id,
                                int64_t start);

/* When the next reminder falls due after now (0 when none is waiting). */
enum kr_err store_reminder_next(struct kr_store *st, int64_t now, int64_t lead, int64_t *when);

/* ---- notices kept for their next connection ---- */

/* Keep a notice for user_id until expires; *id receives its id. */
enum kr_err store_notice_add(struct kr_store *st, int64_t user_id, const char *item_id,
                             const char *event, const char *reason, int64_t now, int64_t expires,
                             int64_t *id);

/* The user's undelivered, unexpired notices, oldest first (expired ones are
 * dropped). cb(ud, id, item_id, event, reason (may be NULL)). */
typedef int (*store_notice_cb)(void *ud, int64_t id, const char *item_id, const char *event,
                               const char *reason);
enum kr_err store_notices_pending(struct kr_store *st, int64_t user_id, int64_t now,
                                  store_notice_cb cb, void *ud);

/* The notice was delivered (or can never be): it is not offered again. */
enum kr_err store_notice_done(struct kr_store *st, int64_t id);

/* ---- listing ---- */

/* What an events listing asks the store for (the gate still decides). */
struct kr_event_query {
	const json_t *prefectures; /* array of "JP-xx"/"online", or NULL: every place */
	int64_t from;              /* events that end after from */
	int64_t to;                /* ... and start before to (0: no limit) */
	const char *audience;      /* NULL: any */
	int64_t circle_id;         /* 0: any */
};

/*
 * Published events matching q in start order (then item id), after the
 * event (after_start, after_id) (NULL after_id: from the first), at most
 * limit, handed to cb. *last_start and last_id (out) tell where
 * the page stopped, for the next call.
 */
enum kr_err store_events_query(struct kr_store *st, const struct kr_event_query *q,
                               int64_t after_start, const char *after_id, int limit,
                               store_item_cb cb, void *ud, int64_t *last_start,
                               char last_id[KR_ITEM_ID_LEN + 1]);

#endif
