/*
 * feed.c - the public HTTPS JSON feed (see feed.h).
 */
#include "feed.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "indicator.h"
#include "log.h"
#include "proto.h"
#include "reader.h"
#include "server.h"
#include "store_items.h"

#define FEED_ITEMS  100
#define FEED_PREFIX "/feed/"
#define FEED_SUFFIX ".json"

struct feed_ctx {
	struct kr_server *srv;
	json_t *items;
	bool include_expired; /* ?include_expired=1 */
	int64_t now;
};

/* The view (a reference, stolen) without its expired indicators: a copy
 * when any must go, since the item's own view is shared. NULL on memory. */
static json_t *drop_expired(json_t *view, int64_t now)
{
	const json_t *ind;
	json_t *copy, *kept;
	size_t i, n = 0;

	json_array_foreach(json_object_get(view, "indicators"), i, ind)
	{
		n += kr_ind_expired(ind, now);
	}
	if (n == 0)
		return view;
	copy = json_copy(view);
	kept = json_array();
	json_decref(view);
	if (!copy || !kept)
		goto fail;
	json_array_foreach(json_object_get(copy, "indicators"), i, ind)
	{
		if (!kr_ind_expired(ind, now) && json_array_append(kept, (json_t *)ind) != 0)
			goto fail;
	}
	if (json_object_set_new(copy, "indicators", kept) == 0)
		return copy;
	kept = NULL;
fail:
	json_decref(kept);
	json_decref(copy);
	return NULL;
}

static int feed_one(void *ud, struct kr_item *it)
{
	struct feed_ctx *f = ud;
	json_t *view;

	if (reader_public_view(f->srv, it, &view) != KR_OK)
		return 0;
	if (!f->include_expired)
		view = drop_expired(view, f->now);
	if (view)
		json_array_append_new(f->items, view);
	return 0;
}

/* The circle named by "/feed/KEY.json", if it publishes CLEAR. */
static const struct kr_acl_circle *feed_circle(struct kr_server *srv, const char *uri)
{
	size_t n = strlen(uri), pre = strlen(FEED_PREFIX), suf = strlen(FEED_SUFFIX);
	char key[80];
	const struct kr_acl_circle *c;

	if (n <= pre + suf || n - pre - suf >= sizeof(key) || strncmp(uri, FEED_PREFIX, pre) != 0 ||
	    strcmp(uri + n - suf, FEED_SUFFIX) != 0)
		return NULL;
	memcpy(key, uri + pre, n - pre - suf);
	key[n - pre - suf] = '\0';
	c = acl_circle_by_key(srv->acl, key);
	return c && c->policy->clear_public ? c : NULL;
}

static int send_headers(struct lws *wsi, unsigned status, size_t len)
{
	unsigned char buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start,
	                                  *end = buf + sizeof(buf) - 1;
	static const char nosniff[] = "nosniff";

	if (lws_add_http_common_headers(wsi, status, "application/json; charset=utf-8", len, &p,
	                                end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
	                                (const unsigned char *)nosniff, sizeof(nosniff) - 1, &p,
	                                end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	return 0;
}

int feed_http(struct lws *wsi, struct kr_server *srv, struct kr_http_reply *r, const char *uri)
{
	const struct kr_acl_circle *c;
	struct feed_ctx f = {srv, NULL, false, (int64_t)time(NULL)};
	json_t *doc = NULL;
	unsigned status = HTTP_STATUS_NOT_FOUND;
	char arg[48];
	const char *inc = lws_get_urlarg_by_name(wsi, "include_expired=", arg, (int)sizeof(arg));

	f.include_expired = inc && (strcmp(inc, "1") == 0 || strcmp(inc, "true") == 0);
	feed_http_clear(r);
	server_sync_directory(srv);
	c = feed_circle(srv, uri);
	if (c) {
		f.items = json_array();
		if (f.items &&
		    store_items_latest(srv->store, c->id, FEED_ITEMS, feed_one, &f) == KR_OK) {
			doc = json_pack("{s:s, s:O}", "circle", c->key, "items", f.items);
			status = HTTP_STATUS_OK;
		} else {
			status = HTTP_STATUS_INTERNAL_SERVER_ERROR;
		}
	}
	if (!doc)
		doc = json_pack("{s:s}", "error",
		                status == HTTP_STATUS_NOT_FOUND ? "not_found" : "internal");
	r->body = doc ? kr_msg_dump(doc, LWS_PRE, &r->len) : NULL;
	json_decref(doc);
	json_decref(f.items);
	if (!r->body || send_headers(wsi, status, r->len) != 0)
		return -1;
	lws_callback_on_writable(wsi);
	return 0;
}

int feed_http_writeable(struct lws *wsi, struct kr_http_reply *r)
{
	size_t chunk;
	int final;

	if (!r->body)
		return 0;
	chunk = r->len - r->sent > 16384 ? 16384 : r->len - r->sent;
	final = r->sent + chunk == r->len;
	if (lws_write(wsi, (unsigned char *)r->body + LWS_PRE + r->sent, chunk,
	              final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)chunk)
		return -1;
	r->sent += chunk;
	if (!final) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	feed_http_clear(r);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

void feed_http_clear(struct kr_http_reply *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}
