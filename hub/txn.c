/*
 * txn.c - changes committed with their audit entry (see txn.h).
 */
#include "txn.h"

#include <stdlib.h>

#include "acl.h"
#include "audit.h"
#include "log.h"
#include "server.h"
#include "subs.h"

enum kr_err txn_begin(struct kr_server *srv)
{
	if (store_in_transaction(srv->store)) {
		kr_log(KR_LOG_ERROR, "txn_begin inside a transaction");
		return KR_EINTERNAL;
	}
	srv->held.n = 0;
	return store_begin(srv->store);
}

bool txn_hold_fanout(struct kr_server *srv, struct kr_item *it)
{
	struct kr_held *h = &srv->held;

	if (!store_in_transaction(srv->store))
		return false;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 4;
		struct kr_item **p = realloc(h->items, cap * sizeof(*p));

		if (!p) {
			/* Cannot hold it: subscribers catch up from the store instead. */
			kr_log(KR_LOG_ERROR, "out of memory holding a live push");
			return true;
		}
		h->items = p;
		h->cap = cap;
	}
	h->items[h->n++] = item_ref(it);
	return true;
}

static void release_held(struct kr_server *srv, bool run)
{
	struct kr_held *h = &srv->held;
	size_t n = h->n;

	h->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (run)
			subs_fanout(srv, h->items[i]);
		item_unref(h->items[i]);
	}
}

enum kr_err txn_end(struct kr_server *srv, enum kr_err rc, int64_t user_id, const char *action,
                    const char *subject, json_t *detail)
{
	char actor[32];

	if (rc == KR_OK) {
		audit_actor_user(user_id, actor, sizeof(actor));
		rc = audit_record(srv->store, actor, action, subject ? subject : "", detail, NULL);
	}
	json_decref(detail);
	if (rc == KR_OK) {
		rc = store_commit(srv->store);
	} else {
		store_rollback(srv->store);
	}
	release_held(srv, rc == KR_OK);
	return rc;
}

json_t *txn_item_detail(struct kr_server *srv, const struct kr_item *it)
{
	const struct kr_acl_circle *c = it ? acl_circle(srv->acl, it->meta.circle_id) : NULL;

	if (!it)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:s}", "circle", c ? c->key : "?", "kind",
	                 kr_kind_name(it->meta.kind), "tlp", kr_tlp_name(it->meta.tlp), "status",
	                 kr_status_name(it->meta.status));
}

const char *txn_error_text(struct kr_server *srv, const char *fallback)
{
	return store_last_full(srv->store) ? "the hub's storage is full; nothing was stored"
	                                   : fallback;
}
