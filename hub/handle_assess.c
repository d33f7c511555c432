/*
 * handle_assess.c - `assess_submit`, `assess_mine` and `assess_benchmark`:
 * an organisation's self-assessment in a circle, its own history, and the
 * circle's benchmark.
 *
 * What reaches a client: the caller's own organisation's assessments (the
 * organisation is always the session's, never one named in the request)
 * and the aggregates bench.c releases. No other organisation's assessment
 * is ever read here: store_assess_benchmark() keeps the rows to itself.
 * Nothing about an assessment is logged.
 */
#include <time.h>

#include "acl.h"
#include "bench.h"
#include "handlers.h"
#include "server.h"
#include "store_assess.h"
#include "txn.h"

#define NF(a)         (sizeof(a) / sizeof((a)[0]))
#define HISTORY_LIMIT 100

static const struct kr_field submit_fields[] = {
    {"circle", KR_F_STRING, true},
    {"assessment", KR_F_OBJECT, true},
};

static const struct kr_field mine_fields[] = {
    {"circle", KR_F_STRING, true},
    {"history", KR_F_BOOL, false},
};

static const struct kr_field benchmark_fields[] = {
    {"circle", KR_F_STRING, true},
};

static void utc_time(int64_t when, char buf[32])
{
	time_t t = (time_t)when;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * The circle of the request, which the caller's organisation must be a
 * member of. Unknown circles and circles the caller is not in give the same
 * answer, so it reveals nothing about which circles exist.
 */
static enum kr_err assess_circle(struct kr_session *s, const struct kr_envelope *env,
                                 const struct kr_acl_circle **out, char *err, size_t errlen)
{
	const char *key = json_string_value(json_object_get(env->msg, "circle"));
	const struct kr_acl_circle *c = acl_circle_by_key(s->srv->acl, key);

	*out = NULL;
	if (!c || policy_may_see_benchmark(&s->reader, c->id) != KR_OK) {
		snprintf(err, errlen, "you are not a member of circle '%.64s'", key);
		return KR_EFORBIDDEN;
	}
	*out = c;
	return KR_OK;
}

/* When the benchmark first counts an assessment submitted at t. */
static int64_t counted_from(const struct kr_session *s, int64_t t)
{
	int64_t period = s->srv->cfg->benchmark_snapshot_s;

	return bench_cutoff(t, period) + (period > 0 ? period : 1);
}

KR_HANDLER(handle_assess_submit)
{
	const struct kr_acl_circle *c;
	struct kr_assessment a;
	char when[32], from[32];
	int64_t now = (int64_t)time(NULL);
	bool replaced = false;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, submit_fields, NF(submit_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = assess_circle(s, env, &c, err, errlen);
	if (rc != KR_OK)
		return rc;
	if (policy_may_assess(&s->reader, c->id) != KR_OK) {
		snprintf(
		    err, errlen,
		    "as %s of '%.64s' you may not submit an assessment: members and moderators "
		    "submit their organisation's",
		    kr_role_name(policy_role(&s->reader, c->id)), c->key);
		return KR_EFORBIDDEN;
	}
	rc = assess_parse(json_object_get(env->msg, "assessment"), "assessment", &a, err, errlen);
	if (rc != KR_OK)
		return rc;
	/* Audited with the circle only: never a score, the maturity or the
	 * sector (nobody may learn one member's assessment, admins included). */
	rc = txn_begin(s->srv);
	if (rc == KR_OK)
		rc = store_assess_submit(s->srv->store, c->id, s->reader.org_id, s->user_id, &a,
		                         now, &replaced);
	rc = txn_end(s->srv, rc, s->user_id, "assess_submit", c->key,
	             json_pack("{s:s, s:b}", "circle", c->key, "replaced", replaced));
	if (rc != KR_OK) {
		if (!err[0])
			snprintf(err, errlen, "%s",
			         txn_error_text(s->srv, "the assessment could not be stored"));
		return rc;
	}
	utc_time(now, when);
	utc_time(counted_from(s, now), from);
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:s, s:b, s:s}", "type", "assess_submitted",
	                           "ref", env->id, "circle", c->key, "submitted", when, "replaced",
	                           replaced, "counted_from", from));
	return KR_OK;
}

KR_HANDLER(handle_assess_mine)
{
	const struct kr_acl_circle *c;
	json_t *list = NULL, *first, *reply;
	bool history;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, mine_fields, NF(mine_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = assess_circle(s, env, &c, err, errlen);
	if (rc != KR_OK)
		return rc;
	history = json_is_true(json_object_get(env->msg, "history"));
	rc = store_assess_history(s->srv->store, c->id, s->reader.org_id,
	                          history ? HISTORY_LIMIT : 1, &list);
	if (rc != KR_OK)
		return rc;
	first = json_array_get(list, 0);
	if (first && !json_is_true(json_object_get(first, "current")))
		first = NULL; /* cannot happen: the newest row is the current one */
	reply = json_pack("{s:s, s:s?, s:s, s:O?}", "type", "assess_mine", "ref", env->id, "circle",
	                  c->key, "current", first);
	if (reply && history && json_object_set(reply, "history", list) != 0) {
		json_decref(reply);
		reply = NULL;
	}
	json_decref(list);
	if (!reply)
		return KR_EINTERNAL;
	session_reply(s, reply);
	return KR_OK;
}

/* The caller's organisation's current assessment beside the benchmark, or
 * JSON null. counted: whether it is the one the snapshot holds. */
static enum kr_err mine_entry(struct kr_session *s, int64_t circle_id, int64_t cutoff, json_t **out)
{
	struct kr_assessment a;
	int64_t at;
	char when[32];
	enum kr_err rc = store_assess_current(s->srv->store, circle_id, s->reader.org_id, &a, &at);

	*out = NULL;
	if (rc == KR_ENOTFOUND) {
		*out = json_null();
		return KR_OK;
	}
	if (rc != KR_OK)
		return rc;
	utc_time(at, when);
	*out = assess_to_json(&a);
	if (!*out || json_object_set_new(*out, "submitted", json_string(when)) != 0 ||
	    json_object_set_new(*out, "counted", json_boolean(at < cutoff)) != 0) {
		json_decref(*out);
		*out = NULL;
		return KR_EINTERNAL;
	}
	return KR_OK;
}

KR_HANDLER(handle_assess_benchmark)
{
	const struct kr_acl_circle *c;
	struct kr_bench b;
	int64_t period = s->srv->cfg->benchmark_snapshot_s;
	int64_t cutoff = bench_cutoff((int64_t)time(NULL), period);
	char as_of[32], next[32];
	json_t *reply, *mine = NULL;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, benchmark_fields, NF(benchmark_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = assess_circle(s, env, &c, err, errlen);
	if (rc != KR_OK)
		return rc;
	rc = store_assess_benchmark(s->srv->store, c->id, cutoff, c->policy->k, &b);
	if (rc == KR_OK)
		rc = mine_entry(s, c->id, cutoff, &mine);
	if (rc != KR_OK)
		return rc;
	utc_time(cutoff, as_of);
	utc_time(cutoff + (period > 0 ? period : 1), next);
	/* The envelope first, so `type` leads the frame. */
	reply = json_pack("{s:s, s:s?, s:s, s:s, s:s}", "type", "assess_benchmark", "ref", env->id,
	                  "circle", c->key, "as_of", as_of, "next", next);
	if (!reply) {
		json_decref(mine);
		return KR_EINTERNAL;
	}
	if (json_object_update_new(reply, bench_to_json(&b)) != 0 ||
	    json_object_set_new(reply, "mine", mine) != 0) {
		json_decref(reply);
		return KR_EINTERNAL;
	}
	session_reply(s, reply);
	return KR_OK;
}
