/*
 * outq.c - outbound queue (see outq.h).
 */
#include "outq.h"

#include <stdlib.h>

#include "item.h"

static bool push(struct kr_outq *q, struct kr_outq_entry *e)
{
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	q->count++;
	q->bytes += e->len;
	return true;
}

bool outq_push_frame(struct kr_outq *q, char *buf, size_t len)
{
	struct kr_outq_entry *e = calloc(1, sizeof(*e));

	if (!e) {
		free(buf);
		return false;
	}
	e->buf = buf;
	e->len = len;
	return push(q, e);
}

bool outq_push_item(struct kr_outq *q, struct kr_item *it, size_t len)
{
	struct kr_outq_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return false;
	e->item = item_ref(it);
	e->len = len;
	return push(q, e);
}

bool outq_full(const struct kr_outq *q, size_t max_count, size_t max_bytes)
{
	return q->count >= max_count || q->bytes >= max_bytes;
}

struct kr_outq_entry *outq_peek(struct kr_outq *q)
{
	return q->head;
}

void outq_pop(struct kr_outq *q)
{
	struct kr_outq_entry *e = q->head;

	if (!e)
		return;
	q->head = e->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	q->bytes -= e->len;
	item_unref(e->item);
	free(e->buf);
	free(e);
}

void outq_clear(struct kr_outq *q)
{
	while (q->head)
		outq_pop(q);
}
