/*
 * denials.c - counting repeated refusals (see denials.h). A small table
 * searched linearly: it holds at most `capacity` windows, and refusals are
 * rare next to the work they refuse.
 */
#include "denials.h"

#include <stdlib.h>
#include <string.h>

struct window {
	char actor[KR_DENIAL_KEY_MAX + 1];
	char type[KR_DENIAL_KEY_MAX + 1];
	char subject[KR_DENIAL_KEY_MAX + 1];
	char code[KR_DENIAL_KEY_MAX + 1];
	int64_t opened; /* the first refusal, written at once */
	int64_t first_seq;
	int64_t repeats; /* counted since */
	int64_t first, last;
};

struct kr_denials {
	struct window *w;
	size_t n, cap;
	int64_t window;
};

struct kr_denials *denials_new(size_t capacity, int64_t window)
{
	struct kr_denials *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->cap = capacity ? capacity : 1;
	d->window = window > 0 ? window : 1;
	d->w = calloc(d->cap, sizeof(*d->w));
	if (!d->w) {
		free(d);
		return NULL;
	}
	return d;
}

void denials_free(struct kr_denials *d)
{
	if (!d)
		return;
	free(d->w);
	free(d);
}

static void copy_key(char *dst, const char *src)
{
	size_t n = strlen(src ? src : "");

	if (n > KR_DENIAL_KEY_MAX) {
		n = KR_DENIAL_KEY_MAX;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

static void close_window(struct kr_denials *d, size_t i, kr_denial_write w, void *ud)
{
	struct window *x = &d->w[i];

	if (x->repeats > 0) {
		struct kr_denial_entry e = {x->actor, x->type, x->subject,   x->code, x->repeats,
		                            x->first, x->last, x->first_seq, true};

		w(ud, &e);
	}
	d->w[i] = d->w[--d->n];
}

void denials_note(struct kr_denials *d, const char *actor, const char *type, const char *subject,
                  const char *code, int64_t now, kr_denial_write w, void *ud)
{
	struct window key, *x;
	size_t oldest = 0;

	copy_key(key.actor, actor);
	copy_key(key.type, type);
	copy_key(key.subject, subject);
	copy_key(key.code, code);
	for (size_t i = 0; i < d->n; i++) {
		x = &d->w[i];
		if (strcmp(x->actor, key.actor) || strcmp(x->type, key.type) ||
		    strcmp(x->subject, key.subject) || strcmp(x->code, key.code))
			continue;
		if (now < x->opened + d->window) {
			if (x->repeats++ == 0)
				x->first = now;
			x->last = now;
			return;
		}
		close_window(d, i, w, ud); /* ended: a new window starts below */
		break;
	}
	if (d->n == d->cap) {
		for (size_t i = 1; i < d->n; i++)
			if (d->w[i].opened < d->w[oldest].opened)
				oldest = i;
		close_window(d, oldest, w, ud);
	}
	x = &d->w[d->n++];
	*x = key;
	x->opened = now;
	x->repeats = 0;
	x->first = x->last = now;
	{
		struct kr_denial_entry e = {x->actor, x->type, x->subject, x->code, 1,
		                            now,      now,     0,          false};

		x->first_seq = w(ud, &e);
	}
}

size_t denials_flush(struct kr_denials *d, int64_t now, bool force, kr_denial_write w, void *ud)
{
	for (size_t i = 0; i < d->n;) {
		if (force || now >= d->w[i].opened + d->window)
			close_window(d, i, w, ud); /* moves the last one into i */
		else
			i++;
	}
	return d->n;
}
