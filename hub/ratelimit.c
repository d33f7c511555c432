/*
 * ratelimit.c - token buckets (see ratelimit.h): an open-addressing hash
 * table of keys, linear probing, pruned by rebuilding.
 */
#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>

#define OVERFLOW_KEY "\x01overflow" /* no user id or address looks like this */

struct bucket {
	char key[KR_RATE_KEY_MAX + 1]; /* "" when the slot is free */
	double tokens, last;
};

struct kr_rate_table {
	struct bucket *b;
	size_t slots, used, capacity;
	double rate, burst;
	double pruned; /* when the table was last pruned for room */
};

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603ULL & (size_t)-1;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (1099511628211ULL & (size_t)-1);
	return h;
}

struct kr_rate_table *rate_table_new(size_t capacity, double rate, double burst)
{
	struct kr_rate_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->capacity = capacity ? capacity : 1;
	t->slots = t->capacity * 2 + 1; /* load factor <= 1/2 */
	t->b = calloc(t->slots, sizeof(*t->b));
	if (!t->b) {
		free(t);
		return NULL;
	}
	rate_table_set(t, rate, burst);
	return t;
}

void rate_table_free(struct kr_rate_table *t)
{
	if (!t)
		return;
	free(t->b);
	free(t);
}

void rate_table_set(struct kr_rate_table *t, double rate, double burst)
{
	t->rate = rate;
	t->burst = burst < 1 ? 1 : burst;
	for (size_t i = 0; i < t->slots; i++)
		if (t->b[i].key[0] && t->b[i].tokens > t->burst)
			t->b[i].tokens = t->burst;
}

/* The slot of key, or the free slot where it would go. */
static struct bucket *find(struct kr_rate_table *t, const char *key)
{
	size_t i = hash(key) % t->slots;

	while (t->b[i].key[0] && strcmp(t->b[i].key, key) != 0)
		i = (i + 1) % t->slots;
	return &t->b[i];
}

static void refill(const struct kr_rate_table *t, struct bucket *b, double now)
{
	if (now > b->last) {
		b->tokens += (now - b->last) * t->rate;
		if (b->tokens > t->burst)
			b->tokens = t->burst;
		b->last = now;
	}
}

bool rate_take(struct kr_rate_table *t, const char *key, double now)
{
	char k[KR_RATE_KEY_MAX + 1];
	struct bucket *b;

	if (t->rate <= 0)
		return true;
	strncpy(k, key && key[0] ? key : "?", KR_RATE_KEY_MAX);
	k[KR_RATE_KEY_MAX] = '\0';
	b = find(t, k);
	if (!b->key[0]) {
		/* Full: prune for room at most once a second (pruning walks the
		 * whole table), else the newcomers share one bucket. */
		if (t->used >= t->capacity &&
		    (now - t->pruned < 1.0 || rate_prune(t, now) >= t->capacity)) {
			memcpy(k, OVERFLOW_KEY, sizeof(OVERFLOW_KEY));
			b = find(t, k);
		} else {
			b = find(t, k); /* pruning moved the slots */
		}
		if (!b->key[0]) {
			memcpy(b->key, k, sizeof(b->key));
			b->tokens = t->burst;
			b->last = now;
			t->used++;
		}
	}
	refill(t, b, now);
	if (b->tokens < 1)
		return false;
	b->tokens -= 1;
	return true;
}

size_t rate_prune(struct kr_rate_table *t, double now)
{
	struct bucket *old = t->b, *fresh = calloc(t->slots, sizeof(*fresh));

	if (!fresh)
		return t->used;
	t->pruned = now;
	t->b = fresh;
	t->used = 0;
	for (size_t i = 0; i < t->slots; i++) {
		struct bucket *b = &old[i], *to;

		if (!b->key[0])
			continue;
		refill(t, b, now);
		if (b->tokens >= t->burst)
			continue; /* full again: forget it */
		to = find(t, b->key);
		*to = *b;
		t->used++;
	}
	free(old);
	return t->used;
}
