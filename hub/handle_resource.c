/*
 * handle_resource.c - the regional help directory: `resources` (list),
 * `resource_add` and `resource_remove`. Standing resources per prefecture
 * (consultation desks, expert dispatch programmes, police cybercrime
 * contacts, universities that help local firms) are kept by a circle's
 * organizers and moderators and shown beside that prefecture's events.
 *
 * They are public notices of their circle, not items: they name third
 * parties' public services on purpose and are stored as written (no
 * anonymisation), and who added one is never shown. Any authenticated user
 * sees them, anonymous readers where the circle publishes CLEAR
 * (policy_may_see_resources).
 */
#include <string.h>

#include "acl.h"
#include "event_check.h"
#include "handlers.h"
#include "prefecture.h"
#include "server.h"
#include "store_resources.h"
#include "utf8.h"
#include "txn.h"

#define LIST_MAX   200
#define NAME_MAX_C 200
#define DESC_MAX_C 1000
#define TEXT_MAX_C 200
#define URL_MAX_B  500

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const kinds[] = {"consultation", "dispatch", "police", "university", "other"};

static bool kind_ok(const char *k)
{
	for (size_t i = 0; k && i < NF(kinds); i++)
		if (strcmp(kinds[i], k) == 0)
			return true;
	return false;
}

struct list_ctx {
	struct kr_session *s;
	json_t *out;
};

static int visible(void *ud, int64_t circle_id, json_t *resource)
{
	struct list_ctx *l = ud;

	if (policy_may_see_resources(&l->s->reader, acl_policy(l->s->srv->acl, circle_id)) == KR_OK)
		json_array_append(l->out, resource);
	return 0;
}

enum kr_err handler_resources(struct kr_session *s, const json_t *prefectures, const char *kind,
                              int64_t circle_id, json_t **out)
{
	struct list_ctx l = {s, json_array()};
	enum kr_err rc = l.out ? store_resources_list(s->srv->store, prefectures, kind, circle_id,
	                                              LIST_MAX, visible, &l)
	                       : KR_EINTERNAL;

	*out = NULL;
	if (rc == KR_OK)
		*out = l.out;
	else
		json_decref(l.out);
	return rc;
}

static const struct kr_field list_fields[] = {
    {"region", KR_F_STRING, false},
    {"kind", KR_F_STRING, false},
    {"circle", KR_F_STRING, false},
};

KR_HANDLER(handle_resources)
{
	const char *region = json_string_value(json_object_get(env->msg, "region"));
	const char *kind = json_string_value(json_object_get(env->msg, "kind"));
	const char *circle = json_string_value(json_object_get(env->msg, "circle"));
	json_t *prefs = NULL, *list = NULL;
	int64_t circle_id = 0;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, list_fields, NF(list_fields), true, err, errlen);
	if (rc == KR_OK && kind && !kind_ok(kind)) {
		snprintf(err, errlen,
		         "unknown kind '%.16s' (consultation, dispatch, police, university, other)",
		         kind);
		rc = KR_ELABEL;
	}
	if (rc == KR_OK)
		rc = event_region_filter(region, &prefs, err, errlen);
	if (rc == KR_OK && circle)
		rc = handler_circle(s, circle, &circle_id, err, errlen);
	if (rc == KR_OK)
		rc = handler_resources(s, prefs, kind, circle_id, &list);
	if (rc == KR_OK)
		session_reply(s, json_pack("{s:s, s:s?, s:o}", "type", "resources", "ref", env->id,
		                           "resources", list));
	json_decref(prefs);
	return rc;
}

static const struct kr_field add_fields[] = {
    {"circle", KR_F_STRING, true},       {"prefecture", KR_F_STRING, true},
    {"kind", KR_F_STRING, true},         {"name", KR_F_STRING, true},
    {"description", KR_F_STRING, false}, {"contact", KR_F_STRING, false},
    {"url", KR_F_STRING, false},
};

/* A string field of 1..max characters (bytes when bytes). */
static enum kr_err text_ok(const json_t *msg, const char *field, size_t max, bool bytes, char *err,
                           size_t errlen)
{
	const json_t *v = json_object_get(msg, field);
	size_t n;

	if (!v)
		return KR_OK;
	n = bytes ? json_string_length(v)
	          : kr_utf8_count(json_string_value(v), json_string_length(v));
	if (n == 0 || n > max) {
		snprintf(err, errlen, "%s must be 1-%zu %s", field, max,
		         bytes ? "bytes" : "characters");
		return KR_EINVAL;
	}
	return KR_OK;
}

static bool url_ok(const char *u)
{
	if (!u)
		return true;
	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return false;
	for (; *u; u++)
		if ((unsigned char)*u <= ' ' || (unsigned char)*u >= 0x7f || *u == '"' ||
		    *u == '<' || *u == '>' || *u == '\\')
			return false;
	return true;
}

static enum kr_err check_add(const json_t *msg, char *err, size_t errlen)
{
	const char *pref = json_string_value(json_object_get(msg, "prefecture"));
	const char *kind = json_string_value(json_object_get(msg, "kind"));
	enum kr_err rc = KR_OK;

	if (!kr_prefecture_by_code(pref)) {
		snprintf(err, errlen, "unknown prefecture '%.16s' (JP-01 ... JP-47)", pref);
		return KR_ELABEL;
	}
	if (!kind_ok(kind)) {
		snprintf(err, errlen,
		         "unknown kind '%.16s' (consultation, dispatch, police, university, other)",
		         kind);
		return KR_ELABEL;
	}
	if (rc == KR_OK)
		rc = text_ok(msg, "name", NAME_MAX_C, false, err, errlen);
	if (rc == KR_OK)
		rc = text_ok(msg, "description", DESC_MAX_C, false, err, errlen);
	if (rc == KR_OK)
		rc = text_ok(msg, "contact", TEXT_MAX_C, false, err, errlen);
	if (rc == KR_OK)
		rc = text_ok(msg, "url", URL_MAX_B, true, err, errlen);
	if (rc == KR_OK && !url_ok(json_string_value(json_object_get(msg, "url")))) {
		snprintf(err, errlen, "url must be an http:// or https:// URL without spaces");
		rc = KR_EINVAL;
	}
	return rc;
}

KR_HANDLER(handle_resource_add)
{
	const json_t *m = env->msg;
	const char *circle = json_string_value(json_object_get(m, "circle"));
	struct kr_resource_new in = {0};
	json_t *res = NULL;
	enum kr_err rc;

	rc = kr_fields_check(m, add_fields, NF(add_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = check_add(m, err, errlen);
	if (rc == KR_OK)
		rc = handler_circle(s, circle, &in.circle_id, err, errlen);
	if (rc == KR_OK && policy_may_manage_resources(&s->reader, in.circle_id) != KR_OK) {
		snprintf(err, errlen,
		         "only organizers and moderators of '%.64s' keep its help "
		         "directory",
		         circle);
		rc = KR_EFORBIDDEN;
	}
	if (rc != KR_OK)
		return rc;
	in.prefecture = json_string_value(json_object_get(m, "prefecture"));
	in.kind = json_string_value(json_object_get(m, "kind"));
	in.name = json_string_value(json_object_get(m, "name"));
	in.description = json_string_value(json_object_get(m, "description"));
	in.contact = json_string_value(json_object_get(m, "contact"));
	in.url = json_string_value(json_object_get(m, "url"));
	in.added_by = s->user_id;
	/* Audited with its circle, prefecture and kind; the entry's name and
	 * contact are the directory's, not the trail's. */
	rc = txn_begin(s->srv);
	if (rc == KR_OK)
		rc = store_resource_add(s->srv->store, &in, &res);
	rc = txn_end(s->srv, rc, s->user_id, "resource_add",
	             json_string_value(json_object_get(res, "id")),
	             json_pack("{s:s, s:s, s:s}", "circle", circle, "prefecture", in.prefecture,
	                       "kind", in.kind));
	if (rc != KR_OK && !err[0])
		snprintf(err, errlen, "%s",
		         txn_error_text(s->srv, "the resource could not be stored"));
	if (rc != KR_OK) {
		json_decref(res);
		res = NULL;
	}
	if (rc == KR_OK)
		session_reply(s, json_pack("{s:s, s:s?, s:o}", "type", "resource_added", "ref",
		                           env->id, "resource", res));
	return rc;
}

static const struct kr_field remove_fields[] = {
    {"resource_id", KR_F_STRING, true},
};

KR_HANDLER(handle_resource_remove)
{
	const char *id = json_string_value(json_object_get(env->msg, "resource_id"));
	int64_t circle_id = 0;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, remove_fields, NF(remove_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = store_resource_circle(s->srv->store, id, &circle_id);
	if (rc == KR_ENOTFOUND)
		snprintf(err, errlen, "no resource '%.32s'", id);
	if (rc == KR_OK && policy_may_manage_resources(&s->reader, circle_id) != KR_OK) {
		snprintf(err, errlen,
		         "only organizers and moderators of its circle remove a resource");
		rc = KR_EFORBIDDEN;
	}
	if (rc == KR_OK) {
		const struct kr_acl_circle *c = acl_circle(s->srv->acl, circle_id);

		rc = txn_begin(s->srv);
		if (rc == KR_OK)
			rc = store_resource_remove(s->srv->store, id);
		rc = txn_end(s->srv, rc, s->user_id, "resource_remove", id,
		             json_pack("{s:s}", "circle", c ? c->key : "?"));
		if (rc == KR_ENOTFOUND)
			snprintf(err, errlen, "no resource '%.32s'", id);
		else if (rc != KR_OK && !err[0])
			snprintf(err, errlen, "%s",
			         txn_error_text(s->srv, "the resource could not be removed"));
	}
	if (rc == KR_OK)
		session_reply(s, json_pack("{s:s, s:s?, s:s}", "type", "resource_removed", "ref",
		                           env->id, "resource_id", id));
	return rc;
}
