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

int feed_http(struct kr_http_req *q)
{
	struct kr_server *srv = q->srv;
	const struct kr_acl_circle *c = feed_circle(srv, q->path);
	struct feed_ctx f = {srv, NULL, false, (int64_t)time(NULL)};
	json_t *doc = NULL;
	unsigned status = HTTP_STATUS_NOT_FOUND;
	char arg[48];
	const char *inc = http_arg(q, "include_expired", arg, sizeof(arg)) >= 0 ? arg : NULL;

	f.include_expired = inc && (strcmp(inc, "1") == 0 || strcmp(inc, "true") == 0);
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
