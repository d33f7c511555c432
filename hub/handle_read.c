/*
 * handle_read.c - `get` and `history`: stored items, each passed through
 * the reader gate (reader_view) before it is put in a reply.
 */
#include "correlate.h"
#include "handlers.h"
#include "reader.h"
#include "server.h"
#include "store_items.h"

#define HISTORY_DEFAULT_LIMIT 100

static const struct kr_field get_fields[] = {
    {"item_id", KR_F_STRING, true},
};

static const struct kr_field history_fields[] = {
    {"circle", KR_F_STRING, true},
    {"since", KR_F_INT, false},
    {"limit", KR_F_INT, false},
};

#define NF(a) (sizeof(a) / sizeof((a)[0]))

KR_HANDLER(handle_get)
{
	const char *id;
	struct kr_item *it = NULL;
	json_t *view = NULL, *correlation = NULL;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, get_fields, NF(get_fields), true, err, errlen);
	if (rc != KR_OK)
		return rc;
	id = json_string_value(json_object_get(env->msg, "item_id"));
	rc = store_item_get(s->srv->store, id, &it);
	if (rc == KR_ENOTFOUND) {
		snprintf(err, errlen, "no item '%.32s'", id);
		goto out;
	}
	if (rc != KR_OK)
		goto out;
	rc = reader_view(s, it, &view);
	if (rc == KR_OK) /* a reader (not a moderator reviewing) learns the correlation */
		rc = correlate_item(s, it, view, &correlation);
	else if (rc == KR_EFORBIDDEN && reader_review_view(s, it, false, &view) == KR_OK)
		rc = KR_OK; /* a moderator looking at a pending item */
	if (rc == KR_EFORBIDDEN) {
		snprintf(err, errlen, "you may not read item '%.32s'", id);
		goto out;
	}
	if (rc != KR_OK)
		goto out;
	if (json_array_size(correlation) == 0) {
		json_decref(correlation);
		correlation = NULL;
	}
	session_reply(s, json_pack("{s:s, s:s?, s:O, s:O*}", "type", "item", "ref", env->id, "item",
	                           view, "correlation", correlation));
out:
	json_decref(view);
	json_decref(correlation);
	item_unref(it);
	return rc;
}

struct history_ctx {
	struct kr_session *s;
	json_t *items;
	int64_t limit;
	int64_t next;
	int full;
};

static int history_one(void *ud, struct kr_item *it)
{
	struct history_ctx *h = ud;
	json_t *view;

	if ((int64_t)json_array_size(h->items) >= h->limit) {
		h->full = 1; /* one more readable row exists: more = true */
		return 1;
	}
	h->next = it->cursor;
	if (reader_view(h->s, it, &view) == KR_OK)
		json_array_append_new(h->items, view);
	return 0;
}

KR_HANDLER(handle_history)
{
	struct history_ctx h = {s, NULL, HISTORY_DEFAULT_LIMIT, 0, 0};
	const json_t *since, *limit;
	const char *circle_key;
	int64_t circle_id, last = 0;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, history_fields, NF(history_fields), true, err, errlen);
	if (rc != KR_OK)
		return rc;
	since = json_object_get(env->msg, "since");
	limit = json_object_get(env->msg, "limit");
	if (since && json_integer_value(since) < 0) {
		snprintf(err, errlen, "since must be a cursor >= 0");
		return KR_EINVAL;
	}
	if (limit && (json_integer_value(limit) < 1 ||
	              json_integer_value(limit) > s->srv->cfg->history_max)) {
		snprintf(err, errlen, "limit must be 1-%lld", (long long)s->srv->cfg->history_max);
		return KR_EINVAL;
	}
	circle_key = json_string_value(json_object_get(env->msg, "circle"));
	rc = handler_circle(s, circle_key, &circle_id, err, errlen);
	if (rc != KR_OK)
		return rc;
	if (limit)
		h.limit = json_integer_value(limit);
	else if (h.limit > s->srv->cfg->history_max)
		h.limit = s->srv->cfg->history_max;
	h.next = since ? json_integer_value(since) : 0;
	h.items = json_array();
	if (!h.items)
		return KR_EINTERNAL;
	/* Rows the reader may not see are skipped, so read in batches until the
	 * page is full or the circle is exhausted. */
	do {
		int64_t before = h.next;

		last = before;
		rc = store_items_after(s->srv->store, &circle_id, 1, before, (int)h.limit + 1,
		                       history_one, &h, &last);
		if (rc != KR_OK || last == before)
			break;
	} while (!h.full);
	if (rc != KR_OK) {
		json_decref(h.items);
		return rc;
	}
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:o, s:I, s:b}", "type", "history", "ref",
	                           env->id, "circle", circle_key, "items", h.items, "next",
	                           (json_int_t)h.next, "more", h.full));
	return KR_OK;
}
