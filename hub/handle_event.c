/*
 * handle_event.c - `event_update` and `event_cancel`: an event's organiser
 * changes or calls off an event. The change is anonymised like a post,
 * committed together with a fresh cursor (so subscribers receive the new
 * version), the calendar sequence goes up, and everyone attending or on the
 * waitlist gets a notice. A larger capacity gives seats to the waitlist.
 */
#include <string.h>
#include <time.h>

#include "acl.h"
#include "anon.h"
#include "event_check.h"
#include "events.h"
#include "handlers.h"
#include "item_check.h"
#include "reader.h"
#include "server.h"
#include "store_events.h"
#include "subs.h"
#include "utf8.h"
#include "txn.h"

#define REASON_MAX_CHARS 1000

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

enum kr_err handler_event(struct kr_session *s, const char *id, bool organise, struct kr_item **out,
                          char *err, size_t errlen)
{
	struct kr_item *it = NULL;
	json_t *view = NULL;
	bool readable;
	enum kr_err rc = store_item_get(s->srv->store, id, &it);

	*out = NULL;
	if (rc == KR_ENOTFOUND)
		snprintf(err, errlen, "no item '%.32s'", id);
	if (rc != KR_OK)
		return rc;
	readable = reader_view(s, it, &view) == KR_OK;
	json_decref(view);
	if (!readable) {
		snprintf(err, errlen, "you may not read item '%.32s'", id);
		rc = KR_EFORBIDDEN;
	} else if (it->meta.kind != KR_KIND_EVENT) {
		snprintf(err, errlen, "item '%.32s' is not an event", id);
		rc = KR_EINVAL;
	} else if (organise &&
	           policy_may_organise(&s->reader, &it->meta,
	                               acl_policy(s->srv->acl, it->meta.circle_id)) != KR_OK) {
		snprintf(err, errlen, "only the organiser of event '%.32s' may do this", id);
		rc = KR_EFORBIDDEN;
	} else if (organise && it->meta.status != KR_STATUS_PUBLISHED) {
		snprintf(err, errlen, "event '%.32s' is %s; only published events change", id,
		         kr_status_name(it->meta.status));
		rc = KR_EINVAL;
	}
	if (rc == KR_OK)
		*out = it;
	else
		item_unref(it);
	return rc;
}

/* The text of a stored item's field, or "" (for rebuilding its content). */
static const char *content_text(const struct kr_item *it, const char *field)
{
	const char *v = json_string_value(item_content(it, field));

	return v ? v : "";
}

static const struct kr_field update_fields[] = {
    {"item_id", KR_F_STRING, true}, {"title", KR_F_STRING, false}, {"body", KR_F_STRING, false},
    {"tags", KR_F_ARRAY, false},    {"event", KR_F_OBJECT, false},
};

/* The merged, checked and normalised event of an update. */
static enum kr_err merged_event(const struct kr_item *it, const json_t *update,
                                const struct kr_event_state *state, json_t **out,
                                struct kr_event_times *times, char *err, size_t errlen)
{
	json_t *input = event_input_fields(item_content(it, "event"));
	const json_t *cap;
	enum kr_err rc = input ? KR_OK : KR_EINTERNAL;

	*out = NULL;
	if (rc == KR_OK && update)
		rc = event_merge(input, update, err, errlen);
	if (rc == KR_OK)
		rc = event_check(KR_KIND_EVENT, input, now_s(), out, times, err, errlen);
	json_decref(input);
	if (rc != KR_OK)
		return rc;
	cap = json_object_get(*out, "capacity");
	if (json_integer_value(cap) > 0 && json_integer_value(cap) < state->attending) {
		snprintf(err, errlen,
		         "event.capacity: %lld people are already attending; the capacity cannot "
		         "go below that",
		         (long long)state->attending);
		json_decref(*out);
		*out = NULL;
		return KR_EINVAL;
	}
	return KR_OK;
}

/* The audit detail of a change to an event: the item's circle, kind, TLP
 * and status and the event's new sequence; never its text. */
static json_t *event_detail(struct kr_server *srv, const struct kr_item *stored, int64_t sequence)
{
	json_t *d = txn_item_detail(srv, stored);

	if (d)
		json_object_set_new(d, "sequence", json_integer(sequence));
	return d;
}

KR_HANDLER(handle_event_update)
{
	const char *id = json_string_value(json_object_get(env->msg, "item_id"));
	const json_t *msg = env->msg;
	const struct kr_circle_policy *cp;
	struct kr_event_state state;
	struct kr_event_times times;
	struct kr_item *it = NULL, *stored = NULL;
	struct kr_anon anon = {0};
	json_t *event = NULL;
	int64_t *promoted = NULL;
	size_t n_promoted = 0;
	enum kr_err rc;

	rc = kr_fields_check(msg, update_fields, NF(update_fields), true, err, errlen);
	if (rc == KR_OK && !json_object_get(msg, "title") && !json_object_get(msg, "body") &&
	    !json_object_get(msg, "tags") && !json_object_get(msg, "event")) {
		snprintf(err, errlen,
		         "event_update must change at least one of title, body, tags, "
		         "event");
		rc = KR_EINVAL;
	}
	if (rc == KR_OK)
		rc = item_check_text(msg, false, err, errlen);
	if (rc == KR_OK)
		rc = item_check_tags(json_object_get(msg, "tags"), err, errlen);
	if (rc == KR_OK)
		rc = handler_event(s, id, true, &it, err, errlen);
	if (rc == KR_OK)
		rc = store_event_state(s->srv->store, id, &state);
	if (rc == KR_OK && state.cancelled) {
		snprintf(err, errlen, "event '%.32s' was cancelled; it cannot be changed", id);
		rc = KR_EINVAL;
	}
	if (rc == KR_OK)
		rc = merged_event(it, json_object_get(msg, "event"), &state, &event, &times, err,
		                  errlen);
	if (rc != KR_OK)
		goto out;
	cp = acl_policy(s->srv->acl, it->meta.circle_id);
	rc = anon_item(
	    s->srv->store, s->reader.org_id, it->meta.circle_id, cp,
	    json_object_get(msg, "title") ? json_string_value(json_object_get(msg, "title"))
	                                  : content_text(it, "title"),
	    json_object_get(msg, "body") ? json_string_value(json_object_get(msg, "body"))
	                                 : content_text(it, "body"),
	    item_content(it, "indicators"),
	    json_object_get(msg, "tags") ? json_object_get(msg, "tags") : item_content(it, "tags"),
	    NULL, NULL, &anon, err, errlen); /* no alert, no practice */
	if (rc == KR_OK) {
		event_stamp(event, "scheduled", state.sequence + 1, now_s(), anon.created_round);
		rc = anon_event(s->srv->store, s->reader.org_id, cp, event, &anon, err, errlen);
	}
	if (rc == KR_OK) {
		rc = txn_begin(s->srv);
		if (rc == KR_OK)
			rc = store_event_change(s->srv->store, it, anon.title, anon.body, anon.tags,
			                        anon.event, &stored);
		rc = txn_end(s->srv, rc, s->user_id, "event_update", id,
		             event_detail(s->srv, stored, state.sequence + 1));
		if (rc != KR_OK && !err[0])
			snprintf(err, errlen, "%s",
			         txn_error_text(s->srv, "the event could not be changed"));
	}
	if (rc != KR_OK)
		goto out;
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:I, s:I, s:O}", "type", "event_updated",
	                           "ref", env->id, "item_id", id, "cursor",
	                           (json_int_t)stored->cursor, "sequence",
	                           (json_int_t)state.sequence + 1, "redactions", anon.redactions));
	subs_fanout(s->srv, stored);
	events_notify_people(s->srv, id, "event_updated", NULL, times.end, s->user_id);
	if (store_rsvp_promote(s->srv->store, id, &promoted, &n_promoted) == KR_OK)
		events_notify_promoted(s->srv, id, promoted, n_promoted, times.end);
	events_schedule(s->srv); /* the start may have moved */
out:
	free(promoted);
	anon_clear(&anon);
	json_decref(event);
	item_unref(stored);
	item_unref(it);
	return rc;
}

static const struct kr_field cancel_fields[] = {
    {"item_id", KR_F_STRING, true},
    {"reason", KR_F_STRING, false},
};

KR_HANDLER(handle_event_cancel)
{
	const char *id = json_string_value(json_object_get(env->msg, "item_id"));
	const json_t *reason = json_object_get(env->msg, "reason");
	struct kr_event_state state;
	struct kr_item *it = NULL, *stored = NULL;
	struct kr_anon anon = {0};
	json_t *event = NULL;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, cancel_fields, NF(cancel_fields), true, err, errlen);
	if (rc == KR_OK && reason &&
	    kr_utf8_count(json_string_value(reason), json_string_length(reason)) >
	        REASON_MAX_CHARS) {
		snprintf(err, errlen, "reason must be at most %d characters", REASON_MAX_CHARS);
		rc = KR_EINVAL;
	}
	if (rc == KR_OK)
		rc = handler_event(s, id, true, &it, err, errlen);
	if (rc == KR_OK)
		rc = store_event_state(s->srv->store, id, &state);
	if (rc == KR_OK && state.cancelled) {
		snprintf(err, errlen, "event '%.32s' is already cancelled", id);
		rc = KR_EINVAL;
	}
	if (rc != KR_OK)
		goto out;
	event = json_deep_copy(item_content(it, "event"));
	anon.removed = json_array();
	if (!event || !anon.removed) {
		rc = KR_EINTERNAL;
		goto out;
	}
	if (reason && json_string_length(reason))
		json_object_set(event, "cancel_reason", (json_t *)reason);
	event_stamp(event, "cancelled", state.sequence + 1, now_s(),
	            anon_created_round(acl_policy(s->srv->acl, it->meta.circle_id)));
	rc = anon_event(s->srv->store, s->reader.org_id,
	                acl_policy(s->srv->acl, it->meta.circle_id), event, &anon, err, errlen);
	if (rc == KR_OK) {
		rc = txn_begin(s->srv);
		if (rc == KR_OK)
			rc = store_event_change(s->srv->store, it, content_text(it, "title"),
			                        content_text(it, "body"), item_content(it, "tags"),
			                        anon.event, &stored);
		rc = txn_end(s->srv, rc, s->user_id, "event_cancel", id,
		             event_detail(s->srv, stored, state.sequence + 1));
		if (rc != KR_OK && !err[0])
			snprintf(err, errlen, "%s",
			         txn_error_text(s->srv, "the event could not be cancelled"));
	}
	if (rc != KR_OK)
		goto out;
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:I, s:I}", "type", "event_cancelled", "ref",
	                           env->id, "item_id", id, "cursor", (json_int_t)stored->cursor,
	                           "sequence", (json_int_t)state.sequence + 1));
	subs_fanout(s->srv, stored);
	events_notify_people(s->srv, id, "event_cancelled",
	                     json_string_value(json_object_get(anon.event, "cancel_reason")),
	                     state.end, s->user_id);
	events_schedule(s->srv);
out:
	anon_clear(&anon);
	json_decref(event);
	item_unref(stored);
	item_unref(it);
	return rc;
}
