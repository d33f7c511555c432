/*
 * reader.h - the single door through which items reach clients.
 *
 * Every read path ends here: live push and replay (reader_push, checked
 * again by reader_write at the moment the frame goes out), get/history
 * (reader_view), bulk export (reader_export_view) and search
 * (reader_search_view). Each asks policy_may_read() for this reader and this
 * item; nothing else in the hub serialises an item for a connection.
 */
#ifndef KR_READER_H
#define KR_READER_H

#include <jansson.h>
#include <stdbool.h>

#include "item.h"
#include "kr_error.h"
#include "session.h"

enum reader_push_result {
	READER_QUEUED, /* queued; will be checked again when sent */
	READER_DENIED, /* this reader may not see it: nothing queued */
	READER_FULL,   /* queue at its limits: nothing queued, replay later */
};

/* Queue an item for delivery to s (takes its own reference). */
enum reader_push_result reader_push(struct kr_session *s, struct kr_item *it);

/*
 * The item as s may see it: KR_OK with *out a new reference, or
 * KR_EFORBIDDEN. The author of a RED item also sees its recipients.
 */
enum kr_err reader_view(struct kr_session *s, struct kr_item *it, json_t **out);

/*
 * The item as s may have it in a bulk export (the `export` message, TAXII):
 * KR_OK with *out a new reference, or KR_EFORBIDDEN. Stricter than
 * reader_view(): published items only and never RED (policy_may_export()).
 */
enum kr_err reader_export_view(struct kr_session *s, struct kr_item *it, json_t **out);

/*
 * reader_export_view() for a reader that is not a websocket session (TAXII
 * over HTTPS): r is built from the current directory snapshot (acl.h).
 */
enum kr_err reader_export_view_for(struct kr_server *srv, const struct kr_reader *r,
                                   struct kr_item *it, json_t **out);

/*
 * Whether an item with this metadata is one r may have in bulk, without its
 * content: for values derived from the set of items a reader may have
 * (TAXII's date_added), so that they never depend on items it may not.
 */
bool reader_may_export_meta(struct kr_server *srv, const struct kr_reader *r,
                            const struct kr_item_meta *meta);

/*
 * Search, first pass: may s read the candidate with this access metadata
 * (the same decision as for the item itself)? KR_OK or KR_EFORBIDDEN.
 * Search matches, counts and ranks only the candidates this allows, so one
 * the reader may not read leaves no trace in anything the reader is shown.
 */
enum kr_err reader_search_may_read(struct kr_session *s, const struct kr_item_meta *meta);

/*
 * Search, second pass: a result as s may see it, asked again for each item
 * shown: KR_OK with *out a new reference to its reader view (never with RED
 * recipients), or KR_EFORBIDDEN and *out NULL. Results and their snippets
 * are built from this view only.
 */
enum kr_err reader_search_view(struct kr_session *s, struct kr_item *it, json_t **out);

/*
 * A pending item as a moderator of its circle reviews it: KR_OK with *out a
 * new reference, or KR_EFORBIDDEN. with_author (the moderation queue only)
 * adds `author_org` where the circle's policy lets moderators see the
 * author. RED recipients are never shown to moderators.
 */
enum kr_err reader_review_view(struct kr_session *s, struct kr_item *it, bool with_author,
                               json_t **out);

/*
 * The item as an anonymous reader sees it (the public HTTPS feed): KR_OK
 * with *out a new reference, or KR_EFORBIDDEN.
 */
enum kr_err reader_public_view(struct kr_server *srv, struct kr_item *it, json_t **out);

/*
 * Tell every subscriber that could read the item (as it was before its
 * retraction: before) that it is withdrawn.
 */
void reader_notify_retraction(struct kr_server *srv, const struct kr_item *before);

/*
 * Send the next frame of s's queue (one lws_write, from the WRITEABLE
 * callback only). Queued items the reader may no longer see (access revoked
 * since they were queued) are dropped here. Returns 1 when a frame was
 * written, 0 when the queue is empty, -1 when the connection failed.
 */
int reader_write(struct kr_session *s);

/*
 * What a reader may learn about a set of items without seeing them (the
 * correlation counts): of items[0..n), how many s may read, a forwarded copy
 * and its original counting once; how many distinct organisations authored
 * those; and the strictest (largest) k among their circles' policies. The
 * items themselves are not shown.
 */
struct reader_tally {
	size_t items;
	size_t orgs;
	int k;
};
void reader_tally(struct kr_session *s, struct kr_item *const *items, size_t n,
                  struct reader_tally *out);

#endif
