/*
 * subs.c - subscriptions, fan-out and catch-up (see subs.h).
 */
#include "subs.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reader.h"
#include "server.h"
#include "store_items.h"
#include "txn.h"

#define CATCHUP_BATCH 64

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int follows(const struct kr_sub *sub, int64_t circle_id)
{
	return sub->n_circles &&
	       bsearch(&circle_id, sub->circles, sub->n_circles, sizeof(int64_t), cmp_i64) != NULL;
}

enum kr_err subs_start(struct kr_session *s, const int64_t *circles, size_t n, int64_t since,
                       struct kr_filter *filter, int64_t *head)
{
	int64_t *copy = malloc((n ? n : 1) * sizeof(int64_t));
	enum kr_err rc;

	if (!copy)
		return KR_EINTERNAL;
	rc = store_cursor_max(s->srv->store, head);
	if (rc != KR_OK) {
		free(copy);
		return rc;
	}
	if (n) {
		memcpy(copy, circles, n * sizeof(int64_t));
		qsort(copy, n, sizeof(int64_t), cmp_i64);
	}
	subs_stop(s);
	s->sub.active = true;
	s->sub.circles = copy;
	s->sub.n_circles = n;
	s->sub.filter = *filter;
	memset(filter, 0, sizeof(*filter));
	if (since < 0) {
		s->sub.live = true;
		s->sub.last_queued = *head;
	} else {
		s->sub.live = false;
		s->sub.catchup = since;
	}
	lws_callback_on_writable(s->wsi);
	return KR_OK;
}

void subs_stop(struct kr_session *s)
{
	free(s->sub.circles);
	filter_clear(&s->sub.filter);
	memset(&s->sub, 0, sizeof(s->sub));
}

void subs_refresh(struct kr_session *s)
{
	size_t keep = 0;

	for (size_t i = 0; i < s->sub.n_circles; i++)
		if (policy_may_follow(&s->reader, s->sub.circles[i],
		                      acl_policy(s->srv->acl, s->sub.circles[i])) == KR_OK)
			s->sub.circles[keep++] = s->sub.circles[i];
	s->sub.n_circles = keep;
}

void subs_fanout(struct kr_server *srv, struct kr_item *it)
{
	if (txn_hold_fanout(srv, it)) /* sent once its transaction commits */
		return;
	for (struct kr_session *s = srv->sessions; s; s = s->next) {
		/* Anonymous subscribers too: the gate decides what they see. */
		if (!s->sub.active || !s->sub.live || s->closing ||
		    !follows(&s->sub, it->meta.circle_id) || !filter_match(&s->sub.filter, it))
			continue;
		switch (reader_push(s, it)) {
		case READER_QUEUED:
			s->sub.last_queued = it->cursor;
			break;
		case READER_FULL:
			/* Too far behind: stop pushing, replay from the store. */
			s->sub.live = false;
			s->sub.catchup = s->sub.last_queued;
			kr_log(KR_LOG_DEBUG, "session %s: queue full, catching up from %lld",
			       s->peer, (long long)s->sub.catchup);
			break;
		case READER_DENIED:
			break;
		}
	}
}

struct catchup_ctx {
	struct kr_session *s;
	int seen;
	int full;
};

static int catchup_one(void *ud, struct kr_item *it)
{
	struct catchup_ctx *c = ud;

	c->seen++;
	if (filter_match(&c->s->sub.filter, it) && reader_push(c->s, it) == READER_FULL) {
		c->full = 1;
		return 1;
	}
	c->s->sub.catchup = it->cursor;
	c->s->sub.last_queued = it->cursor;
	return 0;
}

void subs_catch_up(struct kr_session *s)
{
	struct catchup_ctx c = {s, 0, 0};
	int64_t last = s->sub.catchup;
	enum kr_err rc;

	if (!s->sub.active || s->sub.live || s->closing)
		return;
	if (s->sub.n_circles == 0) {
		s->sub.live = true;
		return;
	}
	rc = store_items_after(s->srv->store, s->sub.circles, s->sub.n_circles, s->sub.catchup,
	                       CATCHUP_BATCH, catchup_one, &c, &last);
	if (rc != KR_OK) {
		kr_log(KR_LOG_ERROR, "session %s: catch-up failed: %s", s->peer, kr_err_code(rc));
		return;
	}
	if (!c.full && c.seen < CATCHUP_BATCH)
		s->sub.live = true; /* reached the newest item: continue live */
	else
		lws_callback_on_writable(s->wsi);
}
