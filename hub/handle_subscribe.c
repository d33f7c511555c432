/*
 * handle_subscribe.c - `subscribe`, `unsubscribe` and `ack`: live delivery
 * with replay from a cursor and durable, named subscription cursors.
 */
#include <string.h>

#include "handlers.h"
#include "server.h"
#include "store_items.h"
#include "subs.h"

#define SUB_CIRCLES_MAX 256

static const struct kr_field subscribe_fields[] = {
    {"circles", KR_F_ARRAY, false},
    {"since", KR_F_INT, false},
    {"name", KR_F_STRING, false},
    {"filter", KR_F_OBJECT, false},
};

static const struct kr_field ack_fields[] = {
    {"name", KR_F_STRING, true},
    {"cursor", KR_F_INT, true},
};

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static enum kr_err check_name(const json_t *name, char *err, size_t errlen)
{
	size_t n = json_string_length(name);

	if (n == 0 || n > KR_ID_MAX) {
		snprintf(err, errlen, "name must be 1-%d bytes", KR_ID_MAX);
		return KR_EINVAL;
	}
	return KR_OK;
}

/* The circles asked for, or every circle the session may follow. */
static enum kr_err wanted_circles(struct kr_session *s, const json_t *list, int64_t *ids, size_t *n,
                                  json_t *keys, char *err, size_t errlen)
{
	const json_t *c;
	size_t i;

	*n = 0;
	if (!list) {
		size_t count = acl_circle_count(s->srv->acl);

		/* Members: their circles. Anyone: circles that publish CLEAR. */
		for (i = 0; i < count && *n < SUB_CIRCLES_MAX; i++) {
			const struct kr_acl_circle *ac = acl_circle_at(s->srv->acl, i);

			if ((s->authed && policy_role(&s->reader, ac->id) == KR_ROLE_NONE) ||
			    policy_may_follow(&s->reader, ac->id, ac->policy) != KR_OK)
				continue;
			ids[(*n)++] = ac->id;
			json_array_append_new(keys, json_string(ac->key));
		}
		return KR_OK;
	}
	if (json_array_size(list) == 0 || json_array_size(list) > SUB_CIRCLES_MAX) {
		snprintf(err, errlen, "circles must list 1-%d circles", SUB_CIRCLES_MAX);
		return KR_EINVAL;
	}
	json_array_foreach(list, i, c)
	{
		enum kr_err rc;

		if (!json_is_string(c)) {
			snprintf(err, errlen, "circles[%zu] must be a string", i);
			return KR_EINVAL;
		}
		rc = handler_circle(s, json_string_value(c), &ids[*n], err, errlen);
		if (rc != KR_OK)
			return rc;
		(*n)++;
		json_array_append_new(keys, json_string(json_string_value(c)));
	}
	return KR_OK;
}

KR_HANDLER(handle_subscribe)
{
	const json_t *since = json_object_get(env->msg, "since");
	const json_t *name = json_object_get(env->msg, "name");
	int64_t ids[SUB_CIRCLES_MAX], from = -1, head = 0;
	struct kr_filter filter = {0};
	json_t *keys = NULL;
	size_t n;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, subscribe_fields, NF(subscribe_fields), true, err, errlen);
	if (rc != KR_OK)
		goto out;
	if (since && json_integer_value(since) < 0) {
		snprintf(err, errlen, "since must be a cursor >= 0");
		rc = KR_EINVAL;
		goto out;
	}
	if (name && (rc = check_name(name, err, errlen)) != KR_OK)
		goto out;
	keys = json_array();
	if (!keys) {
		rc = KR_EINTERNAL;
		goto out;
	}
	rc = wanted_circles(s, json_object_get(env->msg, "circles"), ids, &n, keys, err, errlen);
	if (rc != KR_OK)
		goto out;
	if (since)
		from = json_integer_value(since);
	else if (name)
		rc =
		    store_sub_cursor_get(s->srv->store, s->user_id, json_string_value(name), &from);
	if (rc != KR_OK)
		goto out;
	/* subs_start() queues nothing itself, so the reply still goes out
	 * before the first delivery. */
	rc = filter_parse(json_object_get(env->msg, "filter"), &filter, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = subs_start(s, ids, n, from, &filter, &head);
	if (rc != KR_OK)
		goto out;
	session_reply(s, json_pack("{s:s, s:s?, s:O, s:I}", "type", "subscribed", "ref", env->id,
	                           "circles", keys, "cursor", (json_int_t)head));
out:
	filter_clear(&filter);
	json_decref(keys);
	return rc;
}

KR_HANDLER(handle_unsubscribe)
{
	enum kr_err rc = kr_fields_check(env->msg, NULL, 0, true, err, errlen);

	if (rc != KR_OK)
		return rc;
	subs_stop(s);
	session_reply(s, kr_msg_reply("unsubscribed", env->id));
	return KR_OK;
}

KR_HANDLER(handle_ack)
{
	const json_t *name = json_object_get(env->msg, "name");
	const json_t *cursor = json_object_get(env->msg, "cursor");
	int64_t head = 0;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, ack_fields, NF(ack_fields), true, err, errlen);
	if (rc != KR_OK || (rc = check_name(name, err, errlen)) != KR_OK)
		return rc;
	rc = store_cursor_max(s->srv->store, &head);
	if (rc != KR_OK)
		return rc;
	if (json_integer_value(cursor) < 0 || json_integer_value(cursor) > head) {
		snprintf(err, errlen, "cursor must be between 0 and the newest cursor (%lld)",
		         (long long)head);
		return KR_EINVAL;
	}
	rc = store_sub_cursor_set(s->srv->store, s->user_id, json_string_value(name),
	                          json_integer_value(cursor));
	if (rc != KR_OK)
		return rc;
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:I}", "type", "acked", "ref", env->id, "name",
	                           json_string_value(name), "cursor", json_integer_value(cursor)));
	return KR_OK;
}
