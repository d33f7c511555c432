/*
 * denials.h - refusals for the audit trail, counted instead of repeated.
 *
 * A refusal (forbidden, not_allowed) is recorded at once the first time a
 * (actor, message type, subject, code) is refused; repeats of it within
 * the window that starts then are only counted, and when the window ends a
 * summary entry records how many there were and when the first and last
 * came. Entries are never updated, so the hash chain stays verifiable: a
 * storm of identical refusals costs two entries per window, and a crash
 * loses at most the counts of open windows (their first refusal is on
 * disk).
 *
 * This module is the bookkeeping only (pure, table-tested): it tells the
 * caller what to write through callbacks; server.c writes the entries.
 * Memory is bounded: when the table is full, the oldest windows are closed
 * early (their summaries emitted).
 */
#ifndef KR_DENIALS_H
#define KR_DENIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KR_DENIAL_KEY_MAX 128 /* actor, type, subject and code are cut to this */

/* What to write: the first refusal of a window (count 1, first == last), or
 * a window's summary (count repeats after the first, first/last their
 * times, first_seq the entry of the first refusal, 0 if unknown). */
struct kr_denial_entry {
	const char *actor;
	const char *type; /* the message type refused */
	const char *subject;
	const char *code; /* "forbidden", "not_allowed" */
	int64_t count;
	int64_t first, last; /* epoch seconds */
	int64_t first_seq;
	bool summary;
};

/* Write the entry; return its audit sequence number (0 if it failed). */
typedef int64_t (*kr_denial_write)(void *ud, const struct kr_denial_entry *e);

struct kr_denials;

/* A table for at most `capacity` open windows of `window` seconds. */
struct kr_denials *denials_new(size_t capacity, int64_t window);
void denials_free(struct kr_denials *d);

/* One refusal at time now: written through w when it opens a window, else
 * counted. */
void denials_note(struct kr_denials *d, const char *actor, const char *type, const char *subject,
                  const char *code, int64_t now, kr_denial_write w, void *ud);

/* Close the windows that ended by now (every window with force), writing
 * the summaries of those with repeats. Returns how many windows are still
 * open. */
size_t denials_flush(struct kr_denials *d, int64_t now, bool force, kr_denial_write w, void *ud);

#endif
