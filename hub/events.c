/*
 * events.c - event notices and reminders (see events.h).
 */
#include "events.h"

#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "reader.h"
#include "server.h"
#include "session.h"
#include "store_events.h"

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/* {status, position?} of the user's RSVP, or NULL when none / unknown. */
static json_t *rsvp_object(struct kr_store *st, const char *item_id, int64_t user_id)
{
	enum kr_rsvp r;
	int64_t pos;

	if (store_rsvp_get(st, item_id, user_id, &r, &pos) != KR_OK)
		return NULL;
	if (r == KR_RSVP_WAITLISTED)
		return json_pack("{s:s, s:I}", "status", kr_rsvp_name(r), "position",
		                 (json_int_t)pos);
	return json_pack("{s:s}", "status", kr_rsvp_name(r));
}

/*
 * Push a notice to every live session of the user, each through the gate.
 * True when it is done with: delivered, or the user is connected but may
 * not read the event (it never will be), or the event is gone. False when
 * the user has no live session: keep it.
 */
static bool push_notice(struct kr_server *srv, int64_t user_id, const char *item_id,
                        const char *event, const char *reason)
{
	struct kr_item *it = NULL;
	json_t *rsvp = NULL;
	bool connected = false;
	enum kr_err rc = store_item_get(srv->store, item_id, &it);

	if (rc == KR_ENOTFOUND)
		return true;
	if (rc != KR_OK)
		return false;
	rsvp = rsvp_object(srv->store, item_id, user_id);
	for (struct kr_session *s = srv->sessions; s; s = s->next) {
		json_t *msg = NULL;

		if (!s->authed || s->user_id != user_id || s->closing)
			continue;
		connected = true;
		if (reader_event_notice(s, it, event, rsvp, reason, &msg) == KR_OK)
			session_reply(s, msg);
	}
	json_decref(rsvp);
	item_unref(it);
	return connected;
}

void events_notify(struct kr_server *srv, int64_t user_id, const char *item_id, const char *event,
                   const char *reason, int64_t expires)
{
	int64_t id = 0;

	if (store_notice_add(srv->store, user_id, item_id, event, reason, now_s(), expires, &id) !=
	    KR_OK) {
		kr_log(KR_LOG_ERROR, "events: cannot keep a %s notice about %s", event, item_id);
		return;
	}
	if (push_notice(srv, user_id, item_id, event, reason))
		store_notice_done(srv->store, id);
}

static int collect_person(void *ud, int64_t user_id, enum kr_rsvp status, int64_t position,
                          int64_t created_at)
{
	(void)status;
	(void)position;
	(void)created_at;
	json_array_append_new(ud, json_integer(user_id));
	return 0;
}

void events_notify_people(struct kr_server *srv, const char *item_id, const char *event,
                          const char *reason, int64_t expires, int64_t except_user)
{
	json_t *people = json_array(), *v;
	size_t i;

	if (!people || store_rsvps(srv->store, item_id, collect_person, people) != KR_OK) {
		kr_log(KR_LOG_ERROR, "events: cannot list the people of %s", item_id);
		json_decref(people);
		return;
	}
	json_array_foreach(people, i, v)
	{
		if (json_integer_value(v) != except_user)
			events_notify(srv, json_integer_value(v), item_id, event, reason, expires);
	}
	json_decref(people);
}

void events_notify_promoted(struct kr_server *srv, const char *item_id, const int64_t *ids,
                            size_t n, int64_t expires)
{
	for (size_t i = 0; i < n; i++)
		events_notify(srv, ids[i], item_id, "rsvp_promoted", NULL, expires);
	if (n)
		events_schedule(srv);
}

static int collect_notice(void *ud, int64_t id, const char *item_id, const char *event,
                          const char *reason)
{
	json_array_append_new(ud, json_pack("{s:I, s:s, s:s, s:s*}", "id", (json_int_t)id,
	                                    "item_id", item_id, "event", event, "reason", reason));
	return 0;
}

void events_deliver_pending(struct kr_session *s)
{
	struct kr_server *srv = s->srv;
	json_t *list = json_array(), *n;
	size_t i;

	if (!list ||
	    store_notices_pending(srv->store, s->user_id, now_s(), collect_notice, list) != KR_OK) {
		json_decref(list);
		return;
	}
	json_array_foreach(list, i, n)
	{
		if (push_notice(srv, s->user_id, json_string_value(json_object_get(n, "item_id")),
		                json_string_value(json_object_get(n, "event")),
		                json_string_value(json_object_get(n, "reason"))))
			store_notice_done(srv->store, json_integer_value(json_object_get(n, "id")));
	}
	json_decref(list);
}

/* ---- reminders ---- */

static int collect_due(void *ud, const char *item_id, int64_t user_id, int64_t start)
{
	json_array_append_new(ud, json_pack("{s:s, s:I, s:I}", "item_id", item_id, "user",
	                                    (json_int_t)user_id, "start", (json_int_t)start));
	return 0;
}

/* Keep the reminder and mark it sent in one transaction; then push it. */
static void remind(struct kr_server *srv, const char *item_id, int64_t user_id, int64_t start)
{
	int64_t id = 0;
	enum kr_err rc = store_begin(srv->store);

	if (rc == KR_OK)
		rc = store_notice_add(srv->store, user_id, item_id, "event_reminder", NULL, now_s(),
		                      start, &id);
	if (rc == KR_OK)
		rc = store_reminder_mark(srv->store, item_id, user_id, start);
	if (rc == KR_OK)
		rc = store_commit(srv->store);
	else
		store_rollback(srv->store);
	if (rc != KR_OK) {
		kr_log(KR_LOG_ERROR, "events: cannot record the reminder of %s", item_id);
		return;
	}
	if (push_notice(srv, user_id, item_id, "event_reminder", NULL))
		store_notice_done(srv->store, id);
}

static void reminder_due(lws_sorted_usec_list_t *sul)
{
	events_schedule(lws_container_of(sul, struct kr_server, event_sul));
}

void events_schedule(struct kr_server *srv)
{
	int64_t now = now_s(), lead = srv->cfg->event_reminder_minutes * 60, next = 0;
	json_t *due = json_array(), *d;
	size_t i;

	lws_sul_cancel(&srv->event_sul);
	if (due && store_reminders_due(srv->store, now, lead, collect_due, due) == KR_OK) {
		json_array_foreach(due, i, d)
		{
			remind(srv, json_string_value(json_object_get(d, "item_id")),
			       json_integer_value(json_object_get(d, "user")),
			       json_integer_value(json_object_get(d, "start")));
		}
		if (json_array_size(due))
			kr_log(KR_LOG_INFO, "events: %zu reminders sent", json_array_size(due));
	}
	json_decref(due);
	if (store_reminder_next(srv->store, now, lead, &next) != KR_OK) {
		kr_log(KR_LOG_ERROR, "events: cannot find the next reminder; retrying in a minute");
		next = now + 60;
	}
	if (next > now && srv->ctx)
		lws_sul_schedule(srv->ctx, 0, &srv->event_sul, reminder_due,
		                 (lws_usec_t)(next - now) * LWS_US_PER_SEC);
}

void events_start(struct kr_server *srv)
{
	events_schedule(srv);
}

void events_stop(struct kr_server *srv)
{
	lws_sul_cancel(&srv->event_sul);
}
