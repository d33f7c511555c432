/*
 * store_items.h - items, RED recipients and durable subscription cursors
 * in the store.
 *
 * Items come back as struct kr_item (item.h) with one reference owned by the
 * caller. Nothing here decides access: callers hand every item to reader.c.
 */
#ifndef KR_STORE_ITEMS_H
#define KR_STORE_ITEMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "item.h"
#include "kr_error.h"
#include "store.h"

/* A new item to insert; pointers borrowed. */
struct kr_item_new {
	enum kr_kind kind;
	int64_t circle_id;
	enum kr_tlp tlp;
	enum kr_status status;
	const char *title;
	const char *body;
	const json_t *indicators;
	const json_t *tags;
	int64_t author_user_id;
	int64_t author_org_id;
	const int64_t *recipients;
	size_t n_recipients;
	const char *forwarded_from; /* NULL unless a forwarded copy */
	const char *pseudonym;      /* required: "anon-" + 8 hex */
	const json_t *profile;      /* coarsened profile, or NULL */
	const json_t *alert;        /* an alert's details, or NULL */
	const json_t *practice;     /* a practice report's fields, or NULL */
	const json_t *event;        /* an event's details, or NULL */
	int64_t created_round;      /* round `created` down to this many seconds (0: none) */
};

/*
 * Insert and commit. Returns only once the item is durable; *out receives
 * the stored item (new reference) with its id, cursor and creation time.
 */
enum kr_err store_item_insert(struct kr_store *st, const struct kr_item_new *in,
                              struct kr_item **out);

/* Fetch by public id. KR_ENOTFOUND when absent. *out: new reference. */
enum kr_err store_item_get(struct kr_store *st, const char *id, struct kr_item **out);

/*
 * Items with cursor > after in any of the circles, in cursor order, at most
 * limit. Each is handed to cb (which takes its own reference if it keeps
 * it); cb returns 0 to continue, non-zero to stop. *last receives the
 * cursor of the last item handed over (unchanged when none).
 */
typedef int (*store_item_cb)(void *ud, struct kr_item *it);
enum kr_err store_items_after(struct kr_store *st, const int64_t *circles, size_t n_circles,
                              int64_t after, int limit, store_item_cb cb, void *ud, int64_t *last);

/* The newest cursor in the store (0 when empty). */
enum kr_err store_cursor_max(struct kr_store *st, int64_t *out);

/* Durable subscription cursor of (user, name); 0 when never acked. */
enum kr_err store_sub_cursor_get(struct kr_store *st, int64_t user_id, const char *name,
                                 int64_t *cursor);
/* Record an ack; the stored cursor only moves forward. */
enum kr_err store_sub_cursor_set(struct kr_store *st, int64_t user_id, const char *name,
                                 int64_t cursor);

/* Change an item's status (retract, reject); reason may be NULL. */
enum kr_err store_item_set_status(struct kr_store *st, int64_t cursor, enum kr_status status,
                                  const char *reason);

/* Apply a moderator's edit ({title?, body?, indicators?, tags?, practice?},
 * already validated; practice whole) to a pending item. KR_ENOTFOUND when
 * not pending. */
enum kr_err store_item_edit(struct kr_store *st, int64_t cursor, const json_t *edit);

/*
 * The steps of store_item_republish() (edit: NULL) inside a transaction the
 * caller began with store_begin() and commits: the item (as it is now in
 * the store) moves to a fresh cursor, with tlp (KR_TLP_NONE keeps it) and
 * reason. For changes that must land together with the move (an event's
 * update). Nothing is committed or rolled back here.
 */
enum kr_err store_item_republish_tx(struct kr_store *st, const struct kr_item *it, enum kr_tlp tlp,
                                    const char *reason);

/*
 * Publish an item under a fresh cursor, in one transaction: apply edit (may
 * be NULL), set tlp (KR_TLP_NONE keeps it), status published, reason. A
 * newly visible item thus sorts after every cursor subscribers have acked,
 * so durable subscriptions never skip it. *out: the item as stored now.
 */
enum kr_err store_item_republish(struct kr_store *st, const struct kr_item *it, enum kr_tlp tlp,
                                 const char *reason, const json_t *edit, struct kr_item **out);

/* Pending items of a circle, oldest first, at most limit, handed to cb. */
enum kr_err store_items_pending(struct kr_store *st, int64_t circle_id, int limit, store_item_cb cb,
                                void *ud);

/*
 * Whether the user posted at least limit items to the circle since (epoch
 * seconds); forwarded copies are not posts. *reached is false for limit <= 0.
 * Counts no further than limit, and from the author index alone unless
 * that count reaches it (only then are rows read to leave out forwarded
 * copies): a busy poster's check costs index entries, not rows.
 */
enum kr_err store_posts_reached(struct kr_store *st, int64_t user_id, int64_t circle_id,
                                int64_t since, int64_t limit, bool *reached);

/* Whether a live copy of original_id was already forwarded into the circle. */
enum kr_err store_item_copy_exists(struct kr_store *st, const char *original_id, int64_t circle_id,
                                   bool *exists);

/* Published CLEAR items a circle published itself (no forwarded copies),
 * newest first, at most limit, handed to cb (who may see them is still for
 * reader.c to decide): the candidates for the public feed. */
enum kr_err store_items_latest(struct kr_store *st, int64_t circle_id, int limit, store_item_cb cb,
                               void *ud);

/*
 * Items carrying the indicator (type and normalised value), newest first,
 * at most limit, handed to cb: the candidates for correlation (who may count
 * which of them is for reader.c to decide). Any status; the gate drops the
 * ones not published.
 */
enum kr_err store_items_with_indicator(struct kr_store *st, const char *type, const char *value,
                                       int limit, store_item_cb cb, void *ud);

/*
 * What the gate needs to know about a published item, and the creation
 * time readers see (`created`, as stored), without building the item.
 */
struct kr_item_stamp {
	int64_t cursor;
	const char *created;      /* borrowed for the callback */
	struct kr_item_meta meta; /* recipients borrowed for the callback */
};

/*
 * Published items of one circle with cursor > after, in cursor order, as
 * stamps handed to cb (0: continue, non-zero: stop). Cheap: no content is
 * read. For values derived from what a reader may see (TAXII date_added);
 * the caller asks reader.c about each.
 */
typedef int (*store_stamp_cb)(void *ud, const struct kr_item_stamp *st);
enum kr_err store_item_stamps(struct kr_store *st, int64_t circle_id, int64_t after,
                              store_stamp_cb cb, void *ud);
/* What a search asks the store for; unset members (NULL, 0) do not filter. */
struct kr_store_search {
	const char *fts; /* FTS5 MATCH expression (search.h), or NULL: every indexed item */
	enum kr_kind kind;
	int64_t circle_id;
	int directive;        /* practice.directive */
	const char *industry; /* practice.industry */
};

/*
 * One candidate of a search: what the read gate needs to know about the
 * item, and its indexed texts as stored (scrubbed) in the order of
 * search.h's enum kr_search_field: title, tags (separated by spaces), body,
 * situation, steps, outcome (NULL when absent). Borrowed until the callback
 * returns.
 */
struct kr_search_candidate {
	int64_t cursor;
	const char *id;
	struct kr_item_meta meta; /* with its recipients when RED */
	const char *text[6];
};

/* Receives each candidate; returns 0 to go on, non-zero to stop. */
typedef int (*store_candidate_cb)(void *ud, const struct kr_search_candidate *c);

/*
 * The candidates of a search: published items in the full-text index
 * (migration 0006) that match q, in no particular order, handed to cb. A
 * superset of the results: search.c decides whether each term really
 * occurs, and who may see an item is for reader.c to decide. Reads no item
 * as a whole (no JSON), so that a query matching thousands of items costs
 * little more than reading their texts.
 */
enum kr_err store_items_search(struct kr_store *st, const struct kr_store_search *q,
                               store_candidate_cb cb, void *ud);

#endif
