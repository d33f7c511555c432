/*
 * txn.h - a handler's change, committed together with its audit entry;
 * the live pushes the change causes go out only once both are on disk.
 *
 *   rc = txn_begin(s->srv);
 *   if (rc == KR_OK) rc = store_...(...);          (may commit inside: nested)
 *   rc = txn_end(s->srv, rc, s->user_id, "post", item_id, detail);
 *
 * txn_end() appends the entry and commits when rc is KR_OK, else rolls
 * back; subs_fanout() calls made in between are held and run after the
 * commit (dropped after a rollback), so no reader ever sees a change that
 * was not stored. Not for admin.c (its own transaction per command).
 */
#ifndef KR_TXN_H
#define KR_TXN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "item.h"
#include "kr_error.h"

struct kr_server;

/* Open the transaction (KR_OK), or fail with nothing begun. */
enum kr_err txn_begin(struct kr_server *srv);

/*
 * Finish what txn_begin() opened: when rc is KR_OK, append the audit entry
 * (actor user:<user_id>, action, subject, detail: stolen, may be NULL) and
 * commit; then run the held fanouts. Otherwise roll back and drop them.
 * Returns rc, or the failure of the audit entry or the commit (then
 * nothing of the change is stored).
 */
enum kr_err txn_end(struct kr_server *srv, enum kr_err rc, int64_t user_id, const char *action,
                    const char *subject, json_t *detail);

/* For subs_fanout(): true when it is inside a txn and it was held (a
 * reference is taken); the caller then does nothing now. */
bool txn_hold_fanout(struct kr_server *srv, struct kr_item *it);

/* The audit detail of a change to item it: {"circle", "kind", "tlp",
 * "status"} as they are in it (new reference; NULL when it is NULL). */
json_t *txn_item_detail(struct kr_server *srv, const struct kr_item *it);

/* A reply's error text when a txn failed because the disk is full, else
 * fallback. */
const char *txn_error_text(struct kr_server *srv, const char *fallback);

#endif
