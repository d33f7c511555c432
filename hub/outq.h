/*
 * outq.h - a connection's outbound queue: reply frames it owns and shared
 * items it holds references to, in send order, with a count and byte total
 * so the caller can bound it.
 *
 * Only reader.c pushes items (outq_push_item): that keeps the policy gate
 * the single door through which an item can reach a connection.
 */
#ifndef KR_OUTQ_H
#define KR_OUTQ_H

#include <stdbool.h>
#include <stddef.h>

struct kr_item;

struct kr_outq_entry {
	struct kr_outq_entry *next;
	struct kr_item *item; /* a reference, or NULL for a frame */
	char *buf;            /* owned frame allocation (LWS_PRE headroom), or NULL */
	size_t len;           /* text length */
};

struct kr_outq {
	struct kr_outq_entry *head, *tail;
	size_t count;
	size_t bytes;
};

/* Queue a frame; takes ownership of buf (allocated with LWS_PRE headroom
 * before the len bytes of text). false when out of memory (buf is freed). */
bool outq_push_frame(struct kr_outq *q, char *buf, size_t len);

/* Queue an item; takes a new reference. len is its frame length. */
bool outq_push_item(struct kr_outq *q, struct kr_item *it, size_t len);

/* True when the queue has reached either limit. */
bool outq_full(const struct kr_outq *q, size_t max_count, size_t max_bytes);

/* Oldest entry, or NULL; borrowed until outq_pop(). */
struct kr_outq_entry *outq_peek(struct kr_outq *q);

/* Remove and free the oldest entry (dropping its item reference). */
void outq_pop(struct kr_outq *q);

/* Free every entry. */
void outq_clear(struct kr_outq *q);

#endif
