/*
 * deny_log.c - refusals into the audit trail (see deny_log.h).
 */
#include "deny_log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "denials.h"
#include "log.h"
#include "server.h"
#include "session.h"

#define DENY_WINDOWS   4096 /* open windows kept; more close the oldest early */
#define DENY_FLUSH_SEC 1

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static void iso(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int64_t write_entry(void *ud, const struct kr_denial_entry *e)
{
	struct kr_server *srv = ud;
	char first[32], last[32];
	int64_t seq = 0;
	json_t *detail;

	iso(e->first, first);
	iso(e->last, last);
	detail = json_pack("{s:s, s:s, s:I, s:s, s:s}", "message", e->type, "code", e->code,
	                   "count", (json_int_t)e->count, "first", first, "last", last);
	if (detail && e->summary && e->first_seq > 0)
		json_object_set_new(detail, "repeat_of", json_integer(e->first_seq));
	if (!detail ||
	    audit_record(srv->store, e->actor, "denied", e->subject, detail, &seq) != KR_OK)
		seq = 0; /* logged by audit_record */
	json_decref(detail);
	return seq;
}

/* An id-shaped value: 1-64 bytes of [A-Za-z0-9._~:-]. */
static bool id_like(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = s ? json_string_length(v) : 0;

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("._~:-", c)))
			return false;
	}
	return true;
}

/* The id the request named, or "" (the first of these that looks like one). */
static void subject_of(const json_t *msg, char *out, size_t outlen)
{
	static const char *const fields[] = {"item_id", "request_id", "circle", "to"};
	const json_t *circles = json_object_get(msg, "circles"), *v;
	size_t i, at = 0;

	out[0] = '\0';
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		v = json_object_get(msg, fields[i]);
		if (id_like(v)) {
			snprintf(out, outlen, "%s", json_string_value(v));
			return;
		}
	}
	v = json_object_get(json_object_get(msg, "item"), "circle"); /* post */
	if (id_like(v)) {
		snprintf(out, outlen, "%s", json_string_value(v));
		return;
	}
	json_array_foreach(circles, i, v)
	{
		int n;

		if (!id_like(v) || i >= 8)
			continue;
		n = snprintf(out + at, outlen - at, "%s%s", at ? "," : "", json_string_value(v));
		if (n < 0 || (size_t)n >= outlen - at) {
			out[at] = '\0';
			return;
		}
		at += (size_t)n;
	}
}

static void flush_timer(lws_sorted_usec_list_t *sul)
{
	struct kr_server *srv = lws_container_of(sul, struct kr_server, denials_sul);

	denials_flush(srv->denials_log, now_s(), false, write_entry, srv);
	lws_sul_schedule(srv->ctx, 0, &srv->denials_sul, flush_timer,
	                 DENY_FLUSH_SEC * LWS_US_PER_SEC);
}

void deny_log_start(struct kr_server *srv)
{
	srv->denials_log = denials_new(DENY_WINDOWS, srv->cfg->audit_denial_window_s);
	if (!srv->denials_log) {
		kr_log(KR_LOG_ERROR, "out of memory: refusals are not audited");
		return;
	}
	lws_sul_schedule(srv->ctx, 0, &srv->denials_sul, flush_timer,
	                 DENY_FLUSH_SEC * LWS_US_PER_SEC);
}

void deny_log_note(struct kr_session *s, const char *type, const json_t *msg, enum kr_err code)
{
	struct kr_server *srv = s->srv;
	char actor[32] = "anonymous", subject[KR_DENIAL_KEY_MAX + 1];

	if (!srv->denials_log || store_in_transaction(srv->store))
		return;
	if (s->authed)
		audit_actor_user(s->user_id, actor, sizeof(actor));
	subject_of(msg, subject, sizeof(subject));
	denials_note(srv->denials_log, actor, type, subject, kr_err_code(code), now_s(),
	             write_entry, srv);
}

void deny_log_note_http(struct kr_server *srv, int64_t user_id, const char *type,
                        const char *subject, enum kr_err code)
{
	char actor[32] = "anonymous", subj[KR_DENIAL_KEY_MAX + 1];
	json_t *v = json_string(subject ? subject : "");

	if (!srv->denials_log || store_in_transaction(srv->store)) {
		json_decref(v);
		return;
	}
	if (user_id > 0)
		audit_actor_user(user_id, actor, sizeof(actor));
	snprintf(subj, sizeof(subj), "%s", id_like(v) ? subject : "");
	json_decref(v);
	denials_note(srv->denials_log, actor, type, subj, kr_err_code(code), now_s(), write_entry,
	             srv);
}

void deny_log_stop(struct kr_server *srv)
{
	if (!srv->denials_log)
		return;
	lws_sul_cancel(&srv->denials_sul);
	denials_flush(srv->denials_log, now_s(), true, write_entry, srv);
	denials_free(srv->denials_log);
	srv->denials_log = NULL;
}
