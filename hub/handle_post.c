/*
 * handle_post.c - `post`: validate a new item, check the poster's right to
 * post it, commit it, acknowledge only after the commit, then fan it out.
 */
#include <string.h>
#include <time.h>

#include "acl.h"
#include "handlers.h"
#include "item_check.h"
#include "log.h"
#include "server.h"
#include "store_items.h"
#include "subs.h"
#include "utf8.h"

#define RECIPIENTS_MAX 256

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct kr_field post_fields[] = {
    {"item", KR_F_OBJECT, true},
};

static const struct kr_field item_fields[] = {
    {"kind", KR_F_STRING, true}, {"circle", KR_F_STRING, true},
    {"tlp", KR_F_STRING, true},  {"title", KR_F_STRING, true},
    {"body", KR_F_STRING, true}, {"indicators", KR_F_ARRAY, false},
    {"tags", KR_F_ARRAY, false}, {"recipients", KR_F_ARRAY, false},
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
	int64_t now = (int64_t)time(NULL), count = 0;
	enum kr_err rc;

	if (cp->posts_per_hour <= 0)
		return KR_OK;
	rc = store_posts_since(s->srv->store, s->user_id, circle_id, now - 3600, &count);
	if (rc != KR_OK)
		return rc;
	if (count >= cp->posts_per_hour) {
		snprintf(err, errlen, "this circle allows %d posts per hour; try again later",
		         cp->posts_per_hour);
		return KR_ERATELIMIT;
	}
	return KR_OK;
}

KR_HANDLER(handle_post)
{
	const json_t *item = json_object_get(env->msg, "item");
	const json_t *tags;
	json_t *indicators = NULL, *empty = json_array();
	int64_t recipients[RECIPIENTS_MAX];
	struct kr_item_new in = {0};
	struct kr_item *stored = NULL;
	const struct kr_circle_policy *cp;
	const char *circle_key;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, post_fields, NF(post_fields), true, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = kr_fields_check(item, item_fields, NF(item_fields), false, err, errlen);
	if (rc != KR_OK)
		goto out;
	in.kind = kr_kind_parse(json_string_value(json_object_get(item, "kind")));
	in.tlp = kr_tlp_parse(json_string_value(json_object_get(item, "tlp")));
	circle_key = json_string_value(json_object_get(item, "circle"));
	rc = KR_ELABEL;
	if (in.tlp == KR_TLP_NONE) {
		snprintf(err, errlen,
		         "unknown TLP '%.32s' (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)",
		         json_string_value(json_object_get(item, "tlp")));
		goto out;
	}
	if (in.kind == KR_KIND_NONE || in.kind == KR_KIND_ASSESSMENT) {
		snprintf(err, errlen, "unknown kind '%.32s' (threat, practice, alert, event)",
		         json_string_value(json_object_get(item, "kind")));
		goto out;
	}
	rc = item_check_text(item, true, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = handler_circle(s, circle_key, &in.circle_id, err, errlen);
	if (rc != KR_OK)
		goto out;
	cp = acl_policy(s->srv->acl, in.circle_id);
	rc = policy_may_post(&s->reader, in.circle_id, in.kind, in.tlp, cp);
	if (rc == KR_EFORBIDDEN) {
		snprintf(err, errlen, "your role in '%.64s' may not post %s items", circle_key,
		         kr_kind_name(in.kind));
		goto out;
	}
	if (rc != KR_OK) {
		snprintf(err, errlen, "the policy of '%.64s' does not use TLP %s", circle_key,
		         kr_tlp_name(in.tlp));
		goto out;
	}
	rc = check_rate(s, in.circle_id, cp, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = item_check_indicators(json_object_get(item, "indicators"), &indicators, err, errlen);
	if (rc != KR_OK)
		goto out;
	tags = json_object_get(item, "tags");
	rc = item_check_tags(tags, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = check_recipients(s, json_object_get(item, "recipients"), in.tlp, in.circle_id,
	                      recipients, &in.n_recipients, err, errlen);
	if (rc != KR_OK)
		goto out;
	in.status = policy_needs_moderation(&s->reader, in.circle_id, in.kind, cp)
	                ? KR_STATUS_PENDING
	                : KR_STATUS_PUBLISHED;
	in.title = json_string_value(json_object_get(item, "title"));
	in.body = json_string_value(json_object_get(item, "body"));
	in.indicators = indicators;
	in.tags = tags ? tags : empty;
	in.author_user_id = s->user_id;
	in.author_org_id = s->reader.org_id;
	in.recipients = recipients;
	rc = store_item_insert(s->srv->store, &in, &stored);
	if (rc != KR_OK) {
		snprintf(err, errlen, "the item could not be stored; nothing was posted");
		goto out;
	}
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:I, s:s}", "type", "posted", "ref", env->id,
	                           "item_id", stored->id, "cursor", (json_int_t)stored->cursor,
	                           "status", kr_status_name(stored->meta.status)));
	if (stored->meta.status == KR_STATUS_PUBLISHED)
		subs_fanout(s->srv, stored);
out:
	item_unref(stored);
	json_decref(indicators);
	json_decref(empty);
	return rc;
}
