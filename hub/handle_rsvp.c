/*
 * handle_rsvp.c - `rsvp` (join an event, or with cancel leave it) and
 * `attendees` (who is coming, for the event's organiser only).
 *
 * Anyone authenticated who may read the event (the read gate decides) may
 * RSVP, until it starts or its registration deadline passes. Seats are
 * given atomically by the store (store_rsvp_join); beyond the capacity
 * people join the waitlist, and whoever leaves makes room for the first of
 * it, who is told. An RSVP is not anonymous: the organiser sees the user
 * and organisation of everyone who answered (`attendees`), and nobody else
 * does: the attendee list never appears in the event itself.
 */
#include <stdlib.h>
#include <time.h>

#include "acl.h"
#include "events.h"
#include "handlers.h"
#include "server.h"
#include "store_events.h"
#include "tz.h"
#include "txn.h"

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct kr_field rsvp_fields[] = {
    {"item_id", KR_F_STRING, true},
    {"cancel", KR_F_BOOL, false},
};

/* Why the event takes no new RSVP now, or KR_OK. */
static enum kr_err registration_open(const struct kr_item *it, const struct kr_event_state *st,
                                     int64_t now, char *err, size_t errlen)
{
	const json_t *ev = item_content(it, "event");

	if (st->cancelled) {
		snprintf(err, errlen, "event '%s' was cancelled", it->id);
		return KR_ENOTALLOWED;
	}
	if (now >= st->start) {
		snprintf(err, errlen, "event '%s' has already started", it->id);
		return KR_ENOTALLOWED;
	}
	if (st->deadline && now > st->deadline) {
		snprintf(err, errlen, "registration for event '%s' closed at %s (%s)", it->id,
		         json_string_value(json_object_get(ev, "registration_deadline")),
		         json_string_value(json_object_get(ev, "timezone")));
		return KR_ENOTALLOWED;
	}
	return KR_OK;
}

static void reply_rsvp(struct kr_session *s, const char *ref, const char *id, enum kr_rsvp status,
                       int64_t position)
{
	json_t *msg = json_pack("{s:s, s:s?, s:s, s:s}", "type", "rsvp", "ref", ref, "item_id", id,
	                        "status", kr_rsvp_name(status));

	if (msg && status == KR_RSVP_WAITLISTED)
		json_object_set_new(msg, "position", json_integer(position));
	session_reply(s, msg);
}

/* The audit detail of an RSVP: the event's circle, the answer's status
 * (for a cancellation, the status it had) and how many waiting were
 * promoted; never who else is coming. */
static json_t *rsvp_detail(struct kr_server *srv, const struct kr_item *it, enum kr_rsvp status,
                           size_t promoted)
{
	const struct kr_acl_circle *c = acl_circle(srv->acl, it->meta.circle_id);
	json_t *d =
	    json_pack("{s:s, s:s}", "circle", c ? c->key : "?", "status", kr_rsvp_name(status));

	if (d && promoted)
		json_object_set_new(d, "promoted", json_integer((json_int_t)promoted));
	return d;
}

KR_HANDLER(handle_rsvp)
{
	const char *id = json_string_value(json_object_get(env->msg, "item_id"));
	bool cancel = json_is_true(json_object_get(env->msg, "cancel"));
	int64_t now = (int64_t)time(NULL), position = 0, *promoted = NULL;
	struct kr_event_state state;
	struct kr_item *it = NULL;
	enum kr_rsvp status = KR_RSVP_NONE;
	size_t n_promoted = 0;
	bool created = false;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, rsvp_fields, NF(rsvp_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = handler_event(s, id, false, &it, err, errlen);
	if (rc == KR_OK)
		rc = store_event_state(s->srv->store, id, &state);
	if (rc != KR_OK)
		goto out;
	if (cancel) {
		rc = txn_begin(s->srv);
		if (rc == KR_OK)
			rc = store_rsvp_cancel(s->srv->store, id, s->user_id, &status, &promoted,
			                       &n_promoted);
		if (rc == KR_OK && status == KR_RSVP_NONE) {
			snprintf(err, errlen, "you have no RSVP for event '%.32s'", id);
			rc = KR_ENOTFOUND;
		}
		rc = txn_end(s->srv, rc, s->user_id, "rsvp_cancel", id,
		             rsvp_detail(s->srv, it, status, n_promoted));
		if (rc != KR_OK && !err[0])
			snprintf(err, errlen, "%s",
			         txn_error_text(s->srv, "the RSVP could not be cancelled"));
		if (rc != KR_OK)
			goto out;
		reply_rsvp(s, env->id, id, KR_RSVP_NONE, 0);
		events_notify_promoted(s->srv, id, promoted, n_promoted, state.end);
		goto out;
	}
	rc = registration_open(it, &state, now, err, errlen);
	if (rc == KR_OK) {
		rc = txn_begin(s->srv);
		if (rc == KR_OK)
			rc = store_rsvp_join(s->srv->store, id, s->user_id, now, &status, &position,
			                     &created);
		rc =
		    txn_end(s->srv, rc, s->user_id, "rsvp", id, rsvp_detail(s->srv, it, status, 0));
		if (rc != KR_OK && rc != KR_ENOTFOUND && !err[0])
			snprintf(err, errlen, "%s",
			         txn_error_text(s->srv, "the RSVP could not be stored"));
	}
	if (rc == KR_ENOTFOUND) { /* cancelled between the two reads: not possible, but say so */
		snprintf(err, errlen, "event '%.32s' takes no RSVPs", id);
		rc = KR_ENOTALLOWED;
	}
	if (rc != KR_OK)
		goto out;
	reply_rsvp(s, env->id, id, status, position);
	if (created && status == KR_RSVP_ATTENDING)
		events_schedule(s->srv); /* a reminder may already be due */
out:
	free(promoted);
	item_unref(it);
	return rc;
}

static const struct kr_field attendees_fields[] = {
    {"item_id", KR_F_STRING, true},
};

struct people_ctx {
	struct kr_server *srv;
	json_t *attending, *waitlist;
};

static int add_person(void *ud, int64_t user_id, enum kr_rsvp status, int64_t position,
                      int64_t created_at)
{
	struct people_ctx *p = ud;
	const struct kr_acl_user *u = acl_user(p->srv->acl, user_id);
	char since[24];
	json_t *row;

	if (!u) /* the user was removed */
		return 0;
	tz_format_wall(created_at, since, sizeof(since) - 1);
	since[19] = 'Z';
	since[20] = '\0';
	row = json_pack("{s:s, s:s, s:s}", "user", u->name, "org", u->org_key, "since", since);
	if (row && status == KR_RSVP_WAITLISTED)
		json_object_set_new(row, "position", json_integer(position));
	json_array_append_new(status == KR_RSVP_WAITLISTED ? p->waitlist : p->attending, row);
	return 0;
}

KR_HANDLER(handle_attendees)
{
	const char *id = json_string_value(json_object_get(env->msg, "item_id"));
	struct people_ctx p = {s->srv, json_array(), json_array()};
	struct kr_event_state state;
	struct kr_item *it = NULL;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, attendees_fields, NF(attendees_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = handler_event(s, id, true, &it, err, errlen);
	if (rc == KR_OK)
		rc = store_event_state(s->srv->store, id, &state);
	if (rc == KR_OK)
		rc = p.attending && p.waitlist ? store_rsvps(s->srv->store, id, add_person, &p)
		                               : KR_EINTERNAL;
	if (rc == KR_OK)
		session_reply(s, json_pack("{s:s, s:s?, s:s, s:I, s:O, s:O}", "type", "attendees",
		                           "ref", env->id, "item_id", id, "capacity",
		                           (json_int_t)state.capacity, "attending", p.attending,
		                           "waitlist", p.waitlist));
	json_decref(p.attending);
	json_decref(p.waitlist);
	item_unref(it);
	return rc;
}
