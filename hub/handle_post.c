/*
 * handle_post.c - `post`: validate a new item, check the poster's right to
 * post it, anonymise it, add GeoIP data to the IP indicators it keeps,
 * commit it, acknowledge only after the commit, then fan it out.
 */
#include <string.h>
#include <time.h>

#include "acl.h"
#include "anon.h"
#include "geoip.h"
#include "handlers.h"
#include "event_check.h"
#include "item_check.h"
#include "log.h"
#include "practice.h"
#include "server.h"
#include "store_items.h"
#include "subs.h"
#include "txn.h"
#include "utf8.h"

#define RECIPIENTS_MAX 256

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct kr_field item_fields[] = {
    {"kind", KR_F_STRING, true},   {"circle", KR_F_STRING, true},
    {"tlp", KR_F_STRING, true},    {"title", KR_F_STRING, true},
    {"body", KR_F_STRING, true},   {"indicators", KR_F_ARRAY, false},
    {"tags", KR_F_ARRAY, false},   {"recipients", KR_F_ARRAY, false},
    {"alert", KR_F_OBJECT, false}, {"practice", KR_F_OBJECT, false},
    {"event", KR_F_OBJECT, false},
};

/* RED needs named recipients who are members of the circle; others none. */
static enum kr_err check_recipients(struct kr_session *s, const json_t *list, enum kr_tlp tlp,
                                    int64_t circle_id, int64_t *ids, size_t *n, char *err,
                                    size_t errlen)
{
	const json_t *r;
	size_t i;

	*n = 0;
	if (tlp != KR_TLP_RED) {
		if (list) {
			snprintf(err, errlen, "recipients are only for TLP RED items");
			return KR_EINVAL;
		}
		return KR_OK;
	}
	if (json_array_size(list) == 0 || json_array_size(list) > RECIPIENTS_MAX) {
		snprintf(err, errlen, "a RED item needs 1-%d recipients", RECIPIENTS_MAX);
		return KR_EINVAL;
	}
	json_array_foreach(list, i, r)
	{
		const struct kr_acl_user *u = acl_user_by_name(s->srv->acl, json_string_value(r));

		/* Unknown users and non-members get the same answer. */
		if (!u ||
		    policy_may_receive_red(acl_role(s->srv->acl, u->id, circle_id)) != KR_OK) {
			snprintf(err, errlen, "recipients[%zu] is not a member of this circle", i);
			return KR_EINVAL;
		}
		ids[(*n)++] = u->id;
	}
	return KR_OK;
}

/* The circle's posts-per-hour limit for this user. */
static enum kr_err check_rate(struct kr_session *s, int64_t circle_id,
                              const struct kr_circle_policy *cp, char *err, size_t errlen)
{
	bool reached = false;
	enum kr_err rc;

	if (cp->posts_per_hour <= 0)
		return KR_OK;
	rc = store_posts_reached(s->srv->store, s->user_id, circle_id, (int64_t)time(NULL) - 3600,
	                         cp->posts_per_hour, &reached);
	if (rc != KR_OK)
		return rc;
	if (reached) {
		snprintf(err, errlen, "this circle allows %d posts per hour; try again later",
		         cp->posts_per_hour);
		return KR_ERATELIMIT;
	}
	return KR_OK;
}

/* Kind and TLP labels: unknown ones are refused, never defaulted. */
static enum kr_err check_labels(const json_t *item, struct kr_item_new *in, char *err,
                                size_t errlen)
{
	in->kind = kr_kind_parse(json_string_value(json_object_get(item, "kind")));
	in->tlp = kr_tlp_parse(json_string_value(json_object_get(item, "tlp")));
	if (in->tlp == KR_TLP_NONE) {
		snprintf(err, errlen,
		         "unknown TLP '%.32s' (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)",
		         json_string_value(json_object_get(item, "tlp")));
		return KR_ELABEL;
	}
	if (in->kind == KR_KIND_NONE || in->kind == KR_KIND_ASSESSMENT) {
		snprintf(err, errlen, "unknown kind '%.32s' (threat, practice, alert, event)",
		         json_string_value(json_object_get(item, "kind")));
		return KR_ELABEL;
	}
	return KR_OK;
}

/* May this session post this to the circle, now? */
static enum kr_err check_rights(struct kr_session *s, const char *circle_key,
                                const struct kr_item_new *in, const struct kr_circle_policy *cp,
                                char *err, size_t errlen)
{
	enum kr_err rc = policy_may_post(&s->reader, in->circle_id, in->kind, in->tlp, cp);

	if (rc == KR_EFORBIDDEN)
		snprintf(err, errlen, "your role in '%.64s' may not post %s items", circle_key,
		         kr_kind_name(in->kind));
	else if (rc != KR_OK)
		snprintf(err, errlen, "the policy of '%.64s' does not use TLP %s", circle_key,
		         kr_tlp_name(in->tlp));
	return rc == KR_OK ? check_rate(s, in->circle_id, cp, err, errlen) : rc;
}

/* The `preview` reply: exactly what recipients would receive, and what was
 * removed (the author's own text), with nothing stored. */
static void reply_preview(struct kr_session *s, const char *ref, const char *circle_key,
                          const struct kr_item_new *in, const struct kr_anon *a)
{
	char created[32];
	time_t t = time(NULL);
	struct tm tm;
	json_t *item;

	t -= t % a->created_round;
	gmtime_r(&t, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	item = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:s, s:s}", "kind",
	                 kr_kind_name(in->kind), "circle", circle_key, "tlp", kr_tlp_name(in->tlp),
	                 "status", kr_status_name(in->status), "title", a->title, "body", a->body,
	                 "indicators", a->indicators, "tags", a->tags, "created", created,
	                 "pseudonym", a->pseudonym);
	if (item && a->profile)
		json_object_set(item, "profile", a->profile);
	if (item && a->alert)
		json_object_set(item, "alert", a->alert);
	if (item && a->practice)
		json_object_set(item, "practice", a->practice);
	if (item && a->event)
		json_object_set(item, "event", a->event);
	session_reply(s,
	              json_pack("{s:s, s:s?, s:o, s:O, s:O}", "type", "preview", "ref", ref, "item",
	                        item, "removed", a->removed, "redactions", a->redactions));
}

static const struct kr_field post_fields[] = {
    {"item", KR_F_OBJECT, true},
    {"preview", KR_F_BOOL, false},
};

KR_HANDLER(handle_post)
{
	const json_t *item = json_object_get(env->msg, "item");
	json_t *indicators = NULL, *practice = NULL, *event = NULL;
	int64_t recipients[RECIPIENTS_MAX];
	struct kr_item_new in = {0};
	struct kr_item *stored = NULL;
	struct kr_anon anon = {0};
	const struct kr_circle_policy *cp = NULL;
	const char *circle_key = json_string_value(json_object_get(item, "circle"));
	enum kr_err rc;

	rc = kr_fields_check(env->msg, post_fields, NF(post_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = kr_fields_check(item, item_fields, NF(item_fields), false, err, errlen);
	if (rc == KR_OK)
		rc = check_labels(item, &in, err, errlen);
	if (rc == KR_OK)
		rc = item_check_text(item, true, err, errlen);
	if (rc == KR_OK)
		rc = handler_circle(s, circle_key, &in.circle_id, err, errlen);
	if (rc == KR_OK) {
		cp = acl_policy(s->srv->acl, in.circle_id);
		rc = check_rights(s, circle_key, &in, cp, err, errlen);
	}
	if (rc == KR_OK)
		rc = item_check_indicators(json_object_get(item, "indicators"), s->srv->benign,
		                           &indicators, err, errlen);
	if (rc == KR_OK)
		rc = item_check_tags(json_object_get(item, "tags"), err, errlen);
	if (rc == KR_OK)
		rc = item_check_alert(in.kind, json_object_get(item, "alert"), err, errlen);
	if (rc == KR_OK)
		rc = practice_check(in.kind, json_object_get(item, "practice"), &practice, err,
		                    errlen);
	if (rc == KR_OK)
		rc = event_check(in.kind, json_object_get(item, "event"), (int64_t)time(NULL),
		                 &event, NULL, err, errlen);
	if (rc == KR_OK)
		rc = check_recipients(s, json_object_get(item, "recipients"), in.tlp, in.circle_id,
		                      recipients, &in.n_recipients, err, errlen);
	if (rc == KR_OK)
		rc = anon_item(s->srv->store, s->reader.org_id, in.circle_id, cp,
		               json_string_value(json_object_get(item, "title")),
		               json_string_value(json_object_get(item, "body")), indicators,
		               json_object_get(item, "tags"), json_object_get(item, "alert"),
		               practice, &anon, err, errlen);
	if (rc == KR_OK && event) {
		event_stamp(event, "scheduled", 0, (int64_t)time(NULL), anon.created_round);
		rc = anon_event(s->srv->store, s->reader.org_id, cp, event, &anon, err, errlen);
	}
	if (rc != KR_OK)
		goto out;
	geoip_enrich(s->srv->geoip, anon.indicators); /* what is kept, as stored */
	in.status = policy_needs_moderation(&s->reader, in.circle_id, in.kind, cp)
	                ? KR_STATUS_PENDING
	                : KR_STATUS_PUBLISHED;
	if (json_is_true(json_object_get(env->msg, "preview"))) {
		reply_preview(s, env->id, circle_key, &in, &anon);
		goto out;
	}
	in.title = anon.title;
	in.body = anon.body;
	in.indicators = anon.indicators;
	in.tags = anon.tags;
	in.author_user_id = s->user_id;
	in.author_org_id = s->reader.org_id;
	in.recipients = recipients;
	in.pseudonym = anon.pseudonym;
	in.profile = anon.profile;
	in.created_round = anon.created_round;
	in.alert = anon.alert;
	in.practice = anon.practice;
	in.event = anon.event;
	rc = txn_begin(s->srv);
	if (rc == KR_OK)
		rc = store_item_insert(s->srv->store, &in, &stored);
	rc = txn_end(s->srv, rc, s->user_id, "post", stored ? stored->id : NULL,
	             json_pack("{s:s, s:s, s:s, s:s}", "circle", circle_key, "kind",
	                       kr_kind_name(in.kind), "tlp", kr_tlp_name(in.tlp), "status",
	                       kr_status_name(in.status)));
	if (rc != KR_OK) {
		snprintf(
		    err, errlen, "%s",
		    txn_error_text(s->srv, "the item could not be stored; nothing was posted"));
		goto out;
	}
	session_reply(
	    s, json_pack("{s:s, s:s?, s:s, s:I, s:s, s:O}", "type", "posted", "ref", env->id,
	                 "item_id", stored->id, "cursor", (json_int_t)stored->cursor, "status",
	                 kr_status_name(stored->meta.status), "redactions", anon.redactions));
	if (stored->meta.status == KR_STATUS_PUBLISHED)
		subs_fanout(s->srv, stored);
out:
	anon_clear(&anon);
	item_unref(stored);
	json_decref(indicators);
	json_decref(practice);
	json_decref(event);
	return rc;
}
