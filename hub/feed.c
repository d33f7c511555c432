/*
 * feed.c - the public HTTPS JSON feed (see feed.h).
 */
#include "feed.h"

#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "log.h"
#include "reader.h"
#include "server.h"
#include "store_items.h"

#define FEED_ITEMS  100
#define FEED_PREFIX "/feed/"
#define FEED_SUFFIX ".json"

struct feed_ctx {
	struct kr_server *srv;
	json_t *items;
};

static int feed_one(void *ud, struct kr_item *it)
{
	struct feed_ctx *f = ud;
	json_t *view;

	if (reader_public_view(f->srv, it, &view) == KR_OK)
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

int feed_http(struct kr_http_req *q)
{
	struct kr_server *srv = q->srv;
	const struct kr_acl_circle *c = feed_circle(srv, q->path);
	struct feed_ctx f = {srv, NULL};
	json_t *doc = NULL;
	unsigned status = HTTP_STATUS_NOT_FOUND;

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
	json_decref(f.items);
	return http_reply_json(q, status, "application/json; charset=utf-8", doc, NULL, 0);
}
