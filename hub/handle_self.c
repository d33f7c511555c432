/*
 * handle_self.c - `whoami` and `circles`: the caller's own identity and
 * circle roles. Nothing about other users or organisations is returned.
 */
#include "acl.h"
#include "handlers.h"
#include "server.h"
#include "store_dir.h"

KR_HANDLER(handle_whoami)
{
	const struct kr_acl_user *u = acl_user(s->srv->acl, s->user_id);
	enum kr_err rc = kr_fields_check(env->msg, NULL, 0, true, err, errlen);

	if (rc != KR_OK)
		return rc;
	if (!u) {
		snprintf(err, errlen, "this user no longer exists");
		return KR_EAUTH;
	}
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:s}", "type", "whoami", "ref", env->id,
	                           "user", u->name, "org", u->org_key));
	return KR_OK;
}

static json_t *tlp_list(unsigned allowed)
{
	json_t *list = json_array();

	for (int t = KR_TLP_CLEAR; list && t <= KR_TLP_RED; t++)
		if (allowed & KR_TLP_BIT(t))
			json_array_append_new(list, json_string(kr_tlp_name((enum kr_tlp)t)));
	return list;
}

/* One entry of the `circles` reply: the circle, the caller's role, its TLPs. */
static json_t *circle_entry(const struct kr_acl_circle *c, enum kr_role role)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:s}", "circle", c->key, "kind",
	                 kr_circle_kind_name(c->kind), "role", kr_role_name(role), "tlp_allowed",
	                 tlp_list(c->policy->tlp_allowed), "tlp_default",
	                 kr_tlp_name(c->policy->tlp_default));
}

KR_HANDLER(handle_circles)
{
	enum kr_err rc = kr_fields_check(env->msg, NULL, 0, true, err, errlen);
	json_t *list;

	if (rc != KR_OK)
		return rc;
	list = json_array();
	for (size_t i = 0; list && i < s->reader.n; i++) {
		const struct kr_acl_circle *c = acl_circle(s->srv->acl, s->reader.m[i].circle_id);

		if (!c || !kr_role_name(s->reader.m[i].role))
			continue;
		json_array_append_new(list, circle_entry(c, s->reader.m[i].role));
	}
	if (!list)
		return KR_EINTERNAL;
	session_reply(
	    s, json_pack("{s:s, s:s?, s:o}", "type", "circles", "ref", env->id, "circles", list));
	return KR_OK;
}

enum kr_err handler_circle(struct kr_session *s, const char *key, int64_t *circle_id, char *err,
                           size_t errlen)
{
	const struct kr_acl_circle *c = acl_circle_by_key(s->srv->acl, key);

	if (!c || policy_may_follow(&s->reader, c->id, c->policy) != KR_OK) {
		snprintf(err, errlen, "you are not a member of circle '%.64s'", key);
		return KR_EFORBIDDEN;
	}
	*circle_id = c->id;
	return KR_OK;
}

static const struct kr_field roster_fields[] = {
    {"circle", KR_F_STRING, true},
};

KR_HANDLER(handle_roster)
{
	const char *key = json_string_value(json_object_get(env->msg, "circle"));
	const struct kr_acl_circle *c;
	json_t *orgs = NULL;
	int64_t circle_id;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, roster_fields, 1, true, err, errlen);
	if (rc == KR_OK)
		rc = handler_circle(s, key, &circle_id, err, errlen);
	if (rc != KR_OK)
		return rc;
	c = acl_circle(s->srv->acl, circle_id);
	if (policy_may_see_roster(&s->reader, circle_id, c->policy) != KR_OK) {
		snprintf(err, errlen, "the policy of '%.64s' keeps its roster hidden", key);
		return KR_EFORBIDDEN;
	}
	rc = store_member_list(s->srv->store, key, &orgs);
	if (rc != KR_OK)
		return rc;
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:o}", "type", "roster", "ref", env->id,
	                           "circle", key, "orgs", orgs));
	return KR_OK;
}
