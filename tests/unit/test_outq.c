/*
 * test_outq.c - the outbound queue: order, accounting, limits, and that
 * items are referenced while queued and released when popped or cleared
 * (AddressSanitizer catches a leak or a double release).
 */
#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "item.h"
#include "outq.h"

/* Queue a copy of text as a frame. */
static bool push_text(struct kr_outq *q, const char *text)
{
	char *buf = malloc(LWS_PRE + strlen(text) + 1);

	strcpy(buf + LWS_PRE, text);
	return outq_push_frame(q, buf, strlen(text));
}

static struct kr_item *make_item(int64_t cursor)
{
	json_t *empty = json_array();
	struct kr_item_fields f = {
	    .cursor = cursor,
	    .id = "it_0123456789abcdef",
	    .kind = KR_KIND_THREAT,
	    .circle_id = 1,
	    .circle_key = "fin-isac",
	    .tlp = KR_TLP_GREEN,
	    .status = KR_STATUS_PUBLISHED,
	    .title = "テスト",
	    .body = "本文",
	    .indicators = empty,
	    .tags = empty,
	    .created = "2026-11-21T22:00:00Z",
	    .author_user_id = 1,
	    .author_org_id = 1,
	};
	struct kr_item *it = item_new(&f);

	json_decref(empty);
	return it;
}

int main(void)
{
	struct kr_outq q = {0};
	struct kr_item *it = make_item(7);
	size_t ilen;
	const char *text;

	CHECK_NOT_NULL(it);
	text = item_frame(it, &ilen);
	CHECK(text && strstr(text, "\"type\":\"deliver\"") && !strstr(text, "author"));

	CHECK_NULL(outq_peek(&q));
	CHECK(push_text(&q, "one"));
	CHECK(outq_push_item(&q, it, ilen));
	CHECK(push_text(&q, "three"));
	CHECK_EQ_INT(q.count, 3);
	CHECK_EQ_INT(q.bytes, 3 + ilen + 5);
	CHECK_EQ_INT(it->refs, 2);

	/* Limits: count or bytes, whichever is reached first. */
	CHECK(outq_full(&q, 3, 1 << 20));
	CHECK(!outq_full(&q, 4, 1 << 20));
	CHECK(outq_full(&q, 100, q.bytes));
	CHECK(!outq_full(&q, 100, q.bytes + 1));

	/* FIFO order. */
	CHECK_STREQ(outq_peek(&q)->buf + LWS_PRE, "one");
	outq_pop(&q);
	CHECK(outq_peek(&q)->item == it);
	outq_pop(&q);
	CHECK_EQ_INT(it->refs, 1);
	CHECK_STREQ(outq_peek(&q)->buf + LWS_PRE, "three");
	CHECK_EQ_INT(q.count, 1);

	/* Clearing releases queued item references. */
	CHECK(outq_push_item(&q, it, ilen));
	CHECK(outq_push_item(&q, it, ilen));
	CHECK_EQ_INT(it->refs, 3);
	outq_clear(&q);
	CHECK_EQ_INT(it->refs, 1);
	CHECK_EQ_INT(q.count, 0);
	CHECK_EQ_INT(q.bytes, 0);
	CHECK_NULL(outq_peek(&q));
	outq_pop(&q); /* popping an empty queue is harmless */
	item_unref(it);
	return check_finish();
}
