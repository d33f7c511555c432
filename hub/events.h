/*
 * events.h - what happens around events outside a request: notices to the
 * people concerned and reminders before the start.
 *
 * Notices (an event updated or cancelled, a seat given to someone on the
 * waitlist, a reminder) are kept in the store first and then pushed to
 * every live session of the user as a `notice`, each built through the read
 * gate (reader_event_notice): a user who may no longer read the event is
 * told nothing. A user with no live session gets the notice on the next
 * authentication, unless it expired by then: a reminder is worth nothing
 * once the event has started, the others once it has ended. That is the
 * decision for people offline at reminder time: a reminder waits for them
 * until the start, never later.
 *
 * Reminders go to attending people event_reminder_minutes (configuration)
 * before the start, from one lws timer. The timer is computed from the
 * store (events.start_utc, event_rsvps.reminded_start), at start-up and
 * after every change that can move it, so reminders survive restarts, and a
 * reminder that fell due while the hub was down goes out when it comes back
 * (if the event has not started). The notice and the mark that it was sent
 * are committed together: a reminder is never sent twice for the same
 * start time; a moved event is reminded again.
 */
#ifndef KR_EVENTS_H
#define KR_EVENTS_H

#include <stddef.h>
#include <stdint.h>

struct kr_server;
struct kr_session;

/* Schedule reminders (server start). */
void events_start(struct kr_server *srv);

/* Cancel the timer (server stop). */
void events_stop(struct kr_server *srv);

/* Send the reminders due now and set the timer for the next one; call after
 * anything that may change them (RSVP, promotion, a moved event, SIGHUP). */
void events_schedule(struct kr_server *srv);

/*
 * Tell user_id about the event item_id (event: "event_updated",
 * "event_cancelled", "rsvp_promoted", "event_reminder"; reason may be NULL):
 * kept until expires (UTC seconds), pushed now to the user's live sessions.
 */
void events_notify(struct kr_server *srv, int64_t user_id, const char *item_id, const char *event,
                   const char *reason, int64_t expires);

/* Tell everyone attending or waiting for the event, except except_user. */
void events_notify_people(struct kr_server *srv, const char *item_id, const char *event,
                          const char *reason, int64_t expires, int64_t except_user);

/* Tell each of the promoted users (ids[0..n)) that they now have a seat. */
void events_notify_promoted(struct kr_server *srv, const char *item_id, const int64_t *ids,
                            size_t n, int64_t expires);

/* Deliver the notices kept for s's user (after authentication). */
void events_deliver_pending(struct kr_session *s);

#endif
