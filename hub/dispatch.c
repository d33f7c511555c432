/*
 * dispatch.c - message table and dispatcher (see dispatch.h).
 */
#include "dispatch.h"

#include <string.h>

#include "deny_log.h"
#include "handlers.h"
#include "throttle.h"
#include "log.h"
#include "server.h"

/* {type, handler, access class, needs auth}. Only reads may run without a
 * token: the gate then reads as the anonymous user, who sees nothing but
 * CLEAR items of circles whose policy publishes CLEAR. */
const struct kr_dispatch_entry kr_dispatch_table[] = {
    {"auth", handle_auth, KR_ACCESS_SESSION, false},
    {"whoami", handle_whoami, KR_ACCESS_SELF, true},
    {"circles", handle_circles, KR_ACCESS_SELF, true},
    {"roster", handle_roster, KR_ACCESS_READ, true},
    {"post", handle_post, KR_ACCESS_WRITE, true},
    {"get", handle_get, KR_ACCESS_READ, false},
    {"history", handle_history, KR_ACCESS_READ, false},
    {"subscribe", handle_subscribe, KR_ACCESS_READ, false},
    {"unsubscribe", handle_unsubscribe, KR_ACCESS_SELF, false},
    {"ack", handle_ack, KR_ACCESS_SELF, true},
    {"forward", handle_forward, KR_ACCESS_WRITE, true},
    {"retract", handle_retract, KR_ACCESS_WRITE, true},
    {"request", handle_request, KR_ACCESS_WRITE, true},
    {"requests", handle_requests, KR_ACCESS_SELF, true},
    {"decide", handle_decide, KR_ACCESS_WRITE, true},
    {"moderation", handle_moderation, KR_ACCESS_READ, true},
    {"moderate", handle_moderate, KR_ACCESS_WRITE, true},
    {"sight", handle_sight, KR_ACCESS_WRITE, true},
    {"lookup", handle_lookup, KR_ACCESS_READ, true},
    {"event_update", handle_event_update, KR_ACCESS_WRITE, true},
    {"event_cancel", handle_event_cancel, KR_ACCESS_WRITE, true},
    {"rsvp", handle_rsvp, KR_ACCESS_WRITE, true},
    {"attendees", handle_attendees, KR_ACCESS_READ, true},
    {"events", handle_events, KR_ACCESS_READ, false},
    {"resources", handle_resources, KR_ACCESS_READ, false},
    {"resource_add", handle_resource_add, KR_ACCESS_WRITE, true},
    {"resource_remove", handle_resource_remove, KR_ACCESS_WRITE, true},
    {"export", handle_export, KR_ACCESS_READ, true},
    {"search", handle_search, KR_ACCESS_READ, false},
    {"assess_submit", handle_assess_submit, KR_ACCESS_SELF, true},
    {"assess_mine", handle_assess_mine, KR_ACCESS_SELF, true},
    {"assess_benchmark", handle_assess_benchmark, KR_ACCESS_AGGREGATE, true},
};

const size_t kr_dispatch_count = sizeof(kr_dispatch_table) / sizeof(kr_dispatch_table[0]);

static const struct kr_dispatch_entry *lookup(const char *type)
{
	for (size_t i = 0; i < kr_dispatch_count; i++)
		if (strcmp(kr_dispatch_table[i].type, type) == 0)
			return &kr_dispatch_table[i];
	return NULL;
}

void dispatch_frame(struct kr_session *s, const char *buf, size_t len)
{
	struct kr_envelope env;
	const struct kr_dispatch_entry *e;
	char idbuf[KR_ID_MAX + 1];
	char err[256] = "";
	bool allowed = throttle_message(s); /* every frame pays, even malformed ones */
	enum kr_err rc;

	rc = kr_envelope_parse(buf, len, &env, idbuf, err, sizeof(err));
	if (rc == KR_OK && !allowed) {
		counters_add(&s->srv->metrics.in, "too_fast", 1);
		session_error(s, env.id, KR_ETOOFAST,
		              "you are sending messages too fast; slow down");
		goto out;
	}
	if (rc != KR_OK) {
		counters_add(&s->srv->metrics.in, "invalid", 1);
		session_error(s, env.id, rc, err);
		return;
	}
	server_sync_directory(s->srv);
	server_session_expired(s);
	if (s->closing) /* the change just read revoked this session, or it expired */
		goto out;
	e = lookup(env.type);
	counters_add(&s->srv->metrics.in, e ? e->type : "unknown", 1);
	if (!e) {
		snprintf(err, sizeof(err), "unknown message type '%.64s'", env.type);
		rc = KR_ETYPE;
	} else if (e->access == KR_ACCESS_UNSET) {
		snprintf(err, sizeof(err), "message type has no access class");
		rc = KR_EFORBIDDEN; /* fail closed */
	} else if (e->needs_auth && !s->authed) {
		snprintf(err, sizeof(err), "authenticate first with an 'auth' message");
		rc = KR_EAUTHREQ;
	} else {
		if (!s->authed)
			lws_sul_cancel(&s->auth_sul); /* an anonymous reader: keep it */
		rc = e->fn(s, &env, err, sizeof(err));
	}
	if (rc != KR_OK) {
		if (rc == KR_EFORBIDDEN || rc == KR_ENOTALLOWED)
			deny_log_note(s, env.type, env.msg, rc);
		if (rc == KR_EFORBIDDEN)
			kr_log(KR_LOG_DEBUG, "session %s: %s denied: %s", s->peer, env.type, err);
		session_error(s, env.id, rc, err[0] ? err : NULL);
	}
out:
	kr_envelope_clear(&env);
}
