/*
 * reader.c - the policy gate on every read path (see reader.h).
 */
#include "reader.h"

#include <libwebsockets.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "log.h"
#include "policy.h"
#include "proto.h"
#include "server.h"

/* The one decision for every read path: this reader, this item, now. An
 * unauthenticated session reads as the anonymous reader (user 0). */
static enum kr_err gate_meta(struct kr_session *s, const struct kr_item_meta *meta)
{
	if (s->closing)
		return KR_EFORBIDDEN;
	return policy_may_read(&s->reader, meta, acl_policy(s->srv->acl, meta->circle_id),
	                       (int64_t)time(NULL));
}

static enum kr_err gate(struct kr_session *s, const struct kr_item *it)
{
	return gate_meta(s, &it->meta);
}

enum reader_push_result reader_push(struct kr_session *s, struct kr_item *it)
{
	size_t len;

	if (gate(s, it) != KR_OK)
		return READER_DENIED;
	if (session_queue_full(s))
		return READER_FULL;
	if (!item_frame(it, &len) || !outq_push_item(&s->q, it, len))
		return READER_FULL; /* out of memory: replay from the store later */
	lws_callback_on_writable(s->wsi);
	return READER_QUEUED;
}

static json_t *recipient_names(struct kr_session *s, const struct kr_item *it)
{
	json_t *names = json_array();

	for (size_t i = 0; names && i < it->meta.n_recipients; i++) {
		const struct kr_acl_user *u = acl_user(s->srv->acl, it->meta.recipients[i]);

		if (u)
			json_array_append_new(names, json_string(u->name));
	}
	return names;
}

enum kr_err reader_view(struct kr_session *s, struct kr_item *it, json_t **out)
{
	enum kr_err rc = gate(s, it);

	*out = NULL;
	if (rc != KR_OK)
		return rc;
	if (it->meta.tlp == KR_TLP_RED && it->meta.author_user_id == s->user_id) {
		*out = json_copy(it->view);
		if (*out)
			json_object_set_new(*out, "recipients", recipient_names(s, it));
	} else {
		*out = json_incref(it->view);
	}
	return *out ? KR_OK : KR_EINTERNAL;
}

enum kr_err reader_export_view(struct kr_session *s, struct kr_item *it, json_t **out)
{
	*out = NULL;
	return s->closing ? KR_EFORBIDDEN : reader_export_view_for(s->srv, &s->reader, it, out);
}

enum kr_err reader_export_view_for(struct kr_server *srv, const struct kr_reader *r,
                                   struct kr_item *it, json_t **out)
{
	enum kr_err rc = policy_may_export(r, &it->meta, acl_policy(srv->acl, it->meta.circle_id),
	                                   (int64_t)time(NULL));

	*out = rc == KR_OK ? json_incref(it->view) : NULL;
	return rc;
}

enum kr_err reader_search_may_read(struct kr_session *s, const struct kr_item_meta *meta)
{
	return gate_meta(s, meta);
}

enum kr_err reader_search_view(struct kr_session *s, struct kr_item *it, json_t **out)
{
	enum kr_err rc = gate(s, it);

	*out = rc == KR_OK ? json_incref(it->view) : NULL;
	return rc;
}

bool reader_may_export_meta(struct kr_server *srv, const struct kr_reader *r,
                            const struct kr_item_meta *meta)
{
	return policy_may_export(r, meta, acl_policy(srv->acl, meta->circle_id),
	                         (int64_t)time(NULL)) == KR_OK;
}

/*
 * The deliver frame of an item for this reader: the shared frame, or for the
 * author of a RED item one of its own that also lists the recipients (*own
 * receives that allocation, freed by the caller). NULL when out of memory.
 */
static char *deliver_text(struct kr_session *s, struct kr_item *it, size_t *len, char **own)
{
	json_t *view = NULL, *msg;

	*own = NULL;
	if (it->meta.tlp != KR_TLP_RED || it->meta.author_user_id != s->user_id)
		return item_frame(it, len);
	if (reader_view(s, it, &view) != KR_OK)
		return NULL;
	msg = json_pack("{s:s, s:o}", "type", "deliver", "item", view);
	*own = msg ? kr_msg_dump(msg, LWS_PRE, len) : NULL;
	json_decref(msg);
	return *own ? *own + LWS_PRE : NULL;
}

enum kr_err reader_review_view(struct kr_session *s, struct kr_item *it, bool with_author,
                               json_t **out)
{
	const struct kr_circle_policy *cp = acl_policy(s->srv->acl, it->meta.circle_id);
	const struct kr_acl_user *author;
	enum kr_err rc;

	*out = NULL;
	rc = s->closing ? KR_EFORBIDDEN : policy_may_review(&s->reader, &it->meta, cp);
	if (rc != KR_OK)
		return rc;
	*out = json_copy(it->view);
	if (!*out)
		return KR_EINTERNAL;
	author = acl_user(s->srv->acl, it->meta.author_user_id);
	if (with_author && cp->moderators_see_author && author)
		json_object_set_new(*out, "author_org", json_string(author->org_key));
	return KR_OK;
}

enum kr_err reader_public_view(struct kr_server *srv, struct kr_item *it, json_t **out)
{
	static const struct kr_reader anonymous = {0, 0, NULL, 0};
	enum kr_err rc = policy_may_read(
	    &anonymous, &it->meta, acl_policy(srv->acl, it->meta.circle_id), (int64_t)time(NULL));

	*out = rc == KR_OK ? json_incref(it->view) : NULL;
	return rc;
}

enum kr_err reader_event_notice(struct kr_session *s, struct kr_item *it, const char *event,
                                const json_t *rsvp, const char *reason, json_t **out)
{
	json_t *view = NULL;
	enum kr_err rc = reader_view(s, it, &view);

	*out = NULL;
	if (rc != KR_OK)
		return rc;
	*out = json_pack("{s:s, s:s, s:s, s:o, s:O*, s:s*}", "type", "notice", "event", event,
	                 "item_id", it->id, "item", view, "rsvp", rsvp, "reason", reason);
	return *out ? KR_OK : KR_EINTERNAL;
}

void reader_notify_retraction(struct kr_server *srv, const struct kr_item *before)
{
	for (struct kr_session *s = srv->sessions; s; s = s->next) {
		if (!s->sub.active || gate(s, before) != KR_OK)
			continue;
		session_reply(s,
		              json_pack("{s:s, s:s}", "type", "retraction", "item_id", before->id));
	}
}

#define BATCH_MAX_ITEMS 64
#define BATCH_MAX_BYTES (256 * 1024)
#define BATCH_HEAD      "{\"type\":\"deliver\",\"items\":["
#define BATCH_TAIL      "]}"

/* Is this queued item one that can share a batch (no per-reader variant)? */
static bool batchable(const struct kr_session *s, const struct kr_item *it)
{
	return !(it->meta.tlp == KR_TLP_RED && it->meta.author_user_id == s->user_id);
}

/*
 * Collect the queued items at the head of the queue that may go out
 * together: the gate is asked for each (denied ones are dropped), and the
 * run stops at a reply frame, a per-reader variant or the batch limits.
 */
static size_t batch_collect(struct kr_session *s, struct kr_item **items, size_t *bytes)
{
	struct kr_outq_entry *e;
	size_t n = 0;

	*bytes = 0;
	for (e = outq_peek(&s->q); e && e->item && n < BATCH_MAX_ITEMS; e = e->next) {
		size_t len;

		if (!batchable(s, e->item) || gate(s, e->item) != KR_OK)
			break;
		if (!item_view_text(e->item, &len) || (n && *bytes + len > BATCH_MAX_BYTES))
			break;
		items[n++] = e->item;
		*bytes += len + 1;
	}
	return n;
}

/* Write several items as one `deliver` with `items`; pops them. */
static int write_batch(struct kr_session *s, struct kr_item **items, size_t n, size_t bytes)
{
	const size_t head = sizeof(BATCH_HEAD) - 1, tail = sizeof(BATCH_TAIL) - 1;
	char *buf = malloc(LWS_PRE + head + bytes + tail);
	size_t off = LWS_PRE + head;
	int rc;

	if (!buf)
		return -1;
	memcpy(buf + LWS_PRE, BATCH_HEAD, head);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *text = item_view_text(items[i], &len);

		if (i)
			buf[off++] = ',';
		memcpy(buf + off, text, len);
		off += len;
	}
	memcpy(buf + off, BATCH_TAIL, tail);
	off += tail;
	rc = lws_write(s->wsi, (unsigned char *)buf + LWS_PRE, off - LWS_PRE, LWS_WRITE_TEXT);
	free(buf);
	s->srv->metrics.deliver_frames++;
	s->srv->metrics.items_delivered += n;
	for (size_t i = 0; i < n; i++)
		outq_pop(&s->q);
	return rc < (int)(off - LWS_PRE) ? -1 : 1;
}

int reader_write(struct kr_session *s)
{
	struct kr_item *batch[BATCH_MAX_ITEMS];
	struct kr_outq_entry *e;

	while ((e = outq_peek(&s->q)) != NULL) {
		char *text, *own = NULL;
		size_t len, n;
		int written;

		if (e->item) {
			if (gate(s, e->item) != KR_OK) {
				s->srv->denials++;
				outq_pop(&s->q);
				continue;
			}
			/* Several waiting items go out as one frame. */
			n = batch_collect(s, batch, &len);
			if (n > 1)
				return write_batch(s, batch, n, len);
			text = deliver_text(s, e->item, &len, &own);
			if (!text) {
				kr_log(KR_LOG_ERROR, "session %s: out of memory", s->peer);
				return -1;
			}
		} else {
			text = e->buf + LWS_PRE;
			len = e->len;
		}
		written = lws_write(s->wsi, (unsigned char *)text, len, LWS_WRITE_TEXT);
		if (e->item) {
			s->srv->metrics.deliver_frames++;
			s->srv->metrics.items_delivered++;
		}
		outq_pop(&s->q);
		free(own);
		if (written < (int)len) {
			kr_log(KR_LOG_INFO, "session %s: write failed", s->peer);
			return -1;
		}
		return 1;
	}
	return 0;
}

/* The id an item was first published under: its own, or the original's for
 * a forwarded copy. */
static const char *origin_id(const struct kr_item *it)
{
	const char *from = json_string_value(json_object_get(it->view, "forwarded_from"));

	return from ? from : it->id;
}

static bool seen_origin(struct kr_item *const *items, size_t upto, const bool *counted,
                        const char *origin)
{
	for (size_t j = 0; j < upto; j++)
		if (counted[j] && strcmp(origin_id(items[j]), origin) == 0)
			return true;
	return false;
}

static bool seen_org(struct kr_item *const *items, size_t upto, const bool *counted, int64_t org)
{
	for (size_t j = 0; j < upto; j++)
		if (counted[j] && items[j]->meta.author_org_id == org)
			return true;
	return false;
}

void reader_tally(struct kr_session *s, struct kr_item *const *items, size_t n,
                  struct reader_tally *out)
{
	bool *counted = calloc(n ? n : 1, sizeof(*counted));

	memset(out, 0, sizeof(*out));
	if (!counted)
		return; /* out of memory: nothing to tell */
	for (size_t i = 0; i < n; i++) {
		const struct kr_circle_policy *cp =
		    acl_policy(s->srv->acl, items[i]->meta.circle_id);

		if (!cp || gate(s, items[i]) != KR_OK)
			continue;
		if (cp->k > out->k)
			out->k = cp->k;
		if (!seen_org(items, i, counted, items[i]->meta.author_org_id))
			out->orgs++;
		if (!seen_origin(items, i, counted, origin_id(items[i])))
			out->items++;
		counted[i] = true;
	}
	free(counted);
}
