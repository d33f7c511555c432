/*
 * handle_self.c - `whoami` and `circles`: the caller's own identity and
 * circle roles. Nothing about other users or organisations is returned.
 */
#include "acl.h"
#include "handlers.h"
#include "server.h"

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
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "circle", c->key, "kind",
		                                      kr_circle_kind_name(c->kind), "role",
		                                      kr_role_name(s->reader.m[i].role)));
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

	if (!c || policy_may_follow(&s->reader, c->id) != KR_OK) {
		snprintf(err, errlen, "you are not a member of circle '%.64s'", key);
		return KR_EFORBIDDEN;
	}
	*circle_id = c->id;
	return KR_OK;
}
