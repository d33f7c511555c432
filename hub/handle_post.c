/*
 * handle_post.c - `post`: validate a new item, check the poster's right to
 * post it, commit it, acknowledge only after the commit, then fan it out.
 */
#include <string.h>

#include "acl.h"
#include "handlers.h"
#include "log.h"
#include "server.h"
#include "store_items.h"
#include "subs.h"
#include "utf8.h"

#define TITLE_MAX_CHARS 200
#define BODY_MAX_BYTES  65536
#define INDICATORS_MAX  1000
#define INDICATOR_MAX   2048
#define TAGS_MAX        32
#define TAG_MAX         64
#define RECIPIENTS_MAX  256

static const struct kr_field post_fields[] = {
    {"item", KR_F_OBJECT, true},
};

static const struct kr_field item_fields[] = {
    {"kind", KR_F_STRING, true}, {"circle", KR_F_STRING, true},
    {"tlp", KR_F_STRING, true},  {"title", KR_F_STRING, true},
    {"body", KR_F_STRING, true}, {"indicators", KR_F_ARRAY, false},
    {"tags", KR_F_ARRAY, false}, {"recipients", KR_F_ARRAY, false},
};

static const struct kr_field indicator_fields[] = {
    {"type", KR_F_STRING, true},
    {"value", KR_F_STRING, true},
    {"role", KR_F_STRING, false},
};

#define NF(a) (sizeof(a) / sizeof((a)[0]))

/* Check indicators and build their normalised copy (role always present). */
static enum kr_err check_indicators(const json_t *in, json_t **out, char *err, size_t errlen)
{
	json_t *norm = json_array();
	const json_t *ind;
	size_t i;
	enum kr_err rc = KR_OK;

	if (!norm)
		return KR_EINTERNAL;
	if (json_array_size(in) > INDICATORS_MAX) {
		snprintf(err, errlen, "at most %d indicators per item", INDICATORS_MAX);
		rc = KR_EINVAL;
		goto out;
	}
	json_array_foreach(in, i, ind)
	{
		char e[160];
		const char *type, *value, *role;
		size_t vlen;

		rc = kr_fields_check(ind, indicator_fields, NF(indicator_fields), false, e,
		                     sizeof(e));
		if (rc != KR_OK) {
			snprintf(err, errlen, "indicators[%zu]: %s", i, e);
			goto out;
		}
		type = json_string_value(json_object_get(ind, "type"));
		value = json_string_value(json_object_get(ind, "value"));
		vlen = json_string_length(json_object_get(ind, "value"));
		role = json_object_get(ind, "role")
		           ? json_string_value(json_object_get(ind, "role"))
		           : "unknown";
		if (!kr_ind_type_name(kr_ind_type_parse(type))) {
			snprintf(err, errlen, "indicators[%zu]: unknown indicator type '%.32s'", i,
			         type);
			rc = KR_ELABEL;
			goto out;
		}
		if (!kr_ind_role_name(kr_ind_role_parse(role))) {
			snprintf(
			    err, errlen,
			    "indicators[%zu]: unknown role '%.32s' (attacker, victim, unknown)", i,
			    role);
			rc = KR_ELABEL;
			goto out;
		}
		if (vlen == 0 || vlen > INDICATOR_MAX) {
			snprintf(err, errlen, "indicators[%zu]: value must be 1-%d bytes", i,
			         INDICATOR_MAX);
			rc = KR_EINVAL;
			goto out;
		}
		json_array_append_new(
		    norm, json_pack("{s:s, s:s, s:s}", "type", type, "value", value, "role", role));
	}
out:
	if (rc == KR_OK)
		*out = norm;
	else
		json_decref(norm);
	return rc;
}

static enum kr_err check_tags(const json_t *tags, char *err, size_t errlen)
{
	const json_t *t;
	size_t i;

	if (json_array_size(tags) > TAGS_MAX) {
		snprintf(err, errlen, "at most %d tags per item", TAGS_MAX);
		return KR_EINVAL;
	}
	json_array_foreach(tags, i, t)
	{
		if (!json_is_string(t) || json_string_length(t) == 0 ||
		    json_string_length(t) > TAG_MAX) {
			snprintf(err, errlen, "tags[%zu] must be a string of 1-%d bytes", i,
			         TAG_MAX);
			return KR_EINVAL;
		}
	}
	return KR_OK;
}

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

static enum kr_err check_text(const json_t *item, char *err, size_t errlen)
{
	const json_t *title = json_object_get(item, "title");
	const json_t *body = json_object_get(item, "body");
	size_t chars = kr_utf8_count(json_string_value(title), json_string_length(title));

	if (chars == 0 || chars > TITLE_MAX_CHARS) {
		snprintf(err, errlen, "title must be 1-%d characters", TITLE_MAX_CHARS);
		return KR_EINVAL;
	}
	if (json_string_length(body) > BODY_MAX_BYTES) {
		snprintf(err, errlen, "body must be at most %d bytes", BODY_MAX_BYTES);
		return KR_EINVAL;
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
	rc = check_text(item, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = handler_circle(s, circle_key, &in.circle_id, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = policy_may_post(&s->reader, in.circle_id, in.kind, in.tlp);
	if (rc != KR_OK) {
		snprintf(err, errlen, "your role in '%.64s' may not post %s items", circle_key,
		         kr_kind_name(in.kind));
		goto out;
	}
	rc = check_indicators(json_object_get(item, "indicators"), &indicators, err, errlen);
	if (rc != KR_OK)
		goto out;
	tags = json_object_get(item, "tags");
	rc = check_tags(tags, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = check_recipients(s, json_object_get(item, "recipients"), in.tlp, in.circle_id,
	                      recipients, &in.n_recipients, err, errlen);
	if (rc != KR_OK)
		goto out;
	in.status = KR_STATUS_PUBLISHED;
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
	subs_fanout(s->srv, stored);
out:
	item_unref(stored);
	json_decref(indicators);
	json_decref(empty);
	return rc;
}
