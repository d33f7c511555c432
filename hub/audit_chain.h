/*
 * audit_chain.h - the hash chain of the audit trail, as pure functions:
 * the canonical form of an entry, its hash, and a verifier that walks
 * entries in order and names the first one that is not what was written.
 *
 * Each entry's hash is SHA-256 over its canonical form, which includes the
 * previous entry's hash; the first entry follows KR_AUDIT_GENESIS. Editing
 * any field of an entry changes its hash; deleting, inserting or
 * reordering entries breaks the sequence numbers or the links; recomputing
 * the hashes after an edit breaks the link of the next entry. Cutting off
 * the newest entries is caught only against a count kept elsewhere (the
 * store keeps one in meta, audit.c) or a head hash the operator recorded.
 *
 * No I/O here: audit.c reads and writes the rows.
 */
#ifndef KR_AUDIT_CHAIN_H
#define KR_AUDIT_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KR_AUDIT_HASH_LEN 64 /* lower-case hex of SHA-256 */
#define KR_AUDIT_GENESIS  "0000000000000000000000000000000000000000000000000000000000000000"

/* One entry as stored; strings borrowed, none NULL. */
struct kr_audit_row {
	int64_t seq; /* 1, 2, 3, ... */
	const char *time;
	const char *actor;
	const char *action;
	const char *subject;
	const char *detail; /* JSON text exactly as stored */
	const char *prev_hash;
	const char *hash;
};

/*
 * The canonical form hashed for r (its hash field is not part of it):
 * "kairan-audit-v1\n" then, for seq (decimal), time, actor, action,
 * subject, detail and prev_hash in that order, "<byte length>:<bytes>\n".
 * Length prefixes make the form unambiguous whatever the fields contain.
 * Returns a malloc'd string (length in *len), or NULL when out of memory.
 */
char *audit_canonical(const struct kr_audit_row *r, size_t *len);

/* SHA-256 of audit_canonical(r) as hex into out (KR_AUDIT_HASH_LEN + 1
 * bytes). false when out of memory or the digest failed. */
bool audit_row_hash(const struct kr_audit_row *r, char *out);

/* The state of a walk over the chain, oldest entry first. */
struct kr_audit_walk {
	int64_t next_seq;                 /* the sequence number expected next */
	char prev[KR_AUDIT_HASH_LEN + 1]; /* hash of the last good entry */
	int64_t checked;                  /* entries verified so far */
	int64_t bad_seq;                  /* the first bad entry (0: none yet) */
};

/* Start a walk at the first entry (seq 1, KR_AUDIT_GENESIS). */
void audit_walk_init(struct kr_audit_walk *w);

/*
 * Check the next entry read. true when it is the entry expected and
 * intact; false otherwise, with w->bad_seq set and a message for people in
 * why, naming the entry and what is wrong with it: missing entries (a gap
 * or a deleted first entry), an edited entry (hash does not match its
 * contents), an entry that does not follow the one before (inserted,
 * reordered or re-hashed). Stop at the first false.
 */
bool audit_walk_step(struct kr_audit_walk *w, const struct kr_audit_row *r, char *why,
                     size_t whylen);

/*
 * After the last entry: expected is how many entries were written (the
 * count kept beside the chain; negative when unknown). false, with why,
 * when entries are missing at the end (or more exist than were written).
 */
bool audit_walk_end(struct kr_audit_walk *w, int64_t expected, char *why, size_t whylen);

#endif
