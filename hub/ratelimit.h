/*
 * ratelimit.h - token buckets for the hub's message rate limits: one per
 * user and one per client address, kept across that user's or address's
 * connections. A bucket holds up to `burst` tokens and gains `rate` per
 * second; every message takes one, and a message that finds the bucket
 * empty is refused (too_fast) without being handled.
 *
 * Pure bookkeeping with the time passed in (table-tested); server.c owns
 * the tables. Memory is bounded: buckets that have refilled completely are
 * forgotten (a full bucket is the same as none), and when the table is
 * full a new key shares a bucket with the others that overflowed.
 */
#ifndef KR_RATELIMIT_H
#define KR_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>

#define KR_RATE_KEY_MAX 64

struct kr_rate_table;

/* A table of at most capacity buckets of rate tokens/second, burst deep.
 * rate <= 0 means no limit (every take succeeds). */
struct kr_rate_table *rate_table_new(size_t capacity, double rate, double burst);
void rate_table_free(struct kr_rate_table *t);

/* Change rate and burst (on reload); buckets keep their tokens, capped. */
void rate_table_set(struct kr_rate_table *t, double rate, double burst);

/* Take one token from key's bucket at time now (seconds, monotonic). */
bool rate_take(struct kr_rate_table *t, const char *key, double now);

/* Forget buckets that are full again by now; returns how many remain. */
size_t rate_prune(struct kr_rate_table *t, double now);

#endif
