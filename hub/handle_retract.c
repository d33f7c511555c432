/*
 * handle_retract.c - `retract`: the author withdraws an item. It leaves
 * every read path at once, and subscribers who could read it are told.
 */
#include "handlers.h"
#include "reader.h"
#include "server.h"
#include "store_items.h"
#include "store_requests.h"
#include "txn.h"

static const struct kr_field retract_fields[] = {
    {"item_id", KR_F_STRING, true},
};

/* Pending permission requests about a retracted item are refused, and each
 * requester is told (still without learning who the author is). */
static void close_requests(struct kr_session *s, const struct kr_item *it)
{
	json_t *closed = NULL, *c;
	size_t i;

	if (store_requests_close(s->srv->store, it->cursor, "the item was retracted", &closed) !=
	    KR_OK) {
		json_decref(closed);
		return;
	}
	json_array_foreach(closed, i, c)
	{
		struct kr_request req;

		if (store_request_get(s->srv->store, json_string_value(json_object_get(c, "id")),
		                      &req) != KR_OK)
			continue;
		server_notify_user(s->srv, json_integer_value(json_object_get(c, "requester")),
		                   json_pack("{s:s, s:s, s:O}", "type", "notice", "event",
		                             "permission_decision", "request", req.view));
		store_request_clear(&req);
	}
	json_decref(closed);
}

KR_HANDLER(handle_retract)
{
	const char *id = json_string_value(json_object_get(env->msg, "item_id"));
	struct kr_item *it = NULL;
	json_t *view = NULL;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, retract_fields, 1, true, err, errlen);
	if (rc == KR_OK)
		rc = store_item_get(s->srv->store, id, &it);
	if (rc == KR_ENOTFOUND)
		snprintf(err, errlen, "no item '%.32s'", id);
	if (rc != KR_OK)
		goto out;
	/* Readers who are not the author learn only that they may not. */
	if (it->meta.author_user_id != s->user_id) {
		rc = reader_view(s, it, &view) == KR_OK ? KR_EFORBIDDEN : KR_ENOTFOUND;
		snprintf(err, errlen,
		         rc == KR_EFORBIDDEN ? "only the author may retract an item"
		                             : "no item '%.32s'",
		         id);
		goto out;
	}
	if (it->meta.status == KR_STATUS_RETRACTED) {
		snprintf(err, errlen, "item '%.32s' is already retracted", id);
		rc = KR_EINVAL;
		goto out;
	}
	rc = txn_begin(s->srv);
	if (rc == KR_OK)
		rc = store_item_set_status(s->srv->store, it->cursor, KR_STATUS_RETRACTED, NULL);
	rc = txn_end(s->srv, rc, s->user_id, "retract", id, txn_item_detail(s->srv, it));
	if (rc != KR_OK) {
		snprintf(err, errlen, "%s",
		         txn_error_text(s->srv, "the item could not be retracted"));
		goto out;
	}
	session_reply(
	    s, json_pack("{s:s, s:s?, s:s}", "type", "retracted", "ref", env->id, "item_id", id));
	close_requests(s, it);
	if (it->meta.status == KR_STATUS_PUBLISHED)
		reader_notify_retraction(s->srv, it);
out:
	json_decref(view);
	item_unref(it);
	return rc;
}
