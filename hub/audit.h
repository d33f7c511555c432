/*
 * audit.h - the audit trail in the store: appending entries to the hash
 * chain (audit_chain.h) and reading them back to show or verify.
 *
 * Who records what:
 *   - admin commands that change something: admin.c, one entry per
 *     command, committed with the change (actor "admin");
 *   - posts, forwards, retractions, moderation decisions, decisions on
 *     permission requests, sightings, self-assessment submissions (the
 *     circle only, never a score), event updates and cancellations, RSVPs,
 *     the help directory's additions and removals: their handlers, through
 *     txn.h, in the same transaction as the change (actor "user:<id>");
 *   - refusals (forbidden, not_allowed; TAXII's too): denials.h through
 *     deny_log.h, repeated ones counted;
 *   - exports: the export handler calls audit_record() (see below).
 *
 * An entry's detail carries ids, circle, kind, TLP, decision and counts
 * only: never an item's title, body, indicators or tags, nor anything the
 * anonymiser would remove.
 */
#ifndef KR_AUDIT_H
#define KR_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "audit_chain.h"
#include "kr_error.h"
#include "store.h"

/* The longest actor, action and subject stored (longer ones are cut). */
#define KR_AUDIT_FIELD_MAX 128

/*
 * Append an entry: now, actor ("user:<id>", "anonymous", "admin"), action
 * (what was done: "post", "retract", "admin org add", "denied", ...),
 * subject (the id it was done to, "" when none) and detail (a JSON object,
 * borrowed, may be NULL; serialised with sorted keys). Runs inside the
 * caller's open transaction (store_begin) when there is one, so the entry
 * commits or rolls back with the change it records; otherwise in its own.
 * *seq (may be NULL) receives the entry's number.
 *
 * For an export message: after the export is produced, call
 *   audit_record(st, actor, "export", circle_key, detail, NULL)
 * with detail {"format": "stix", "items": N, "tlp": [...]}.
 */
enum kr_err audit_record(struct kr_store *st, const char *actor, const char *action,
                         const char *subject, const json_t *detail, int64_t *seq);

/* "user:<id>" into out (at least 32 bytes): the actor of a user's change. */
void audit_actor_user(int64_t user_id, char *out, size_t outlen);

/* Called with each entry read; return non-zero to stop. */
typedef int (*audit_row_cb)(void *ud, const struct kr_audit_row *r);

/*
 * Hand entries to cb in sequence order: those with seq >= since_seq and
 * time >= since_time (NULL: any), at most limit (<= 0: all). With
 * newest_first, the newest `limit` entries matching, still in sequence
 * order.
 */
enum kr_err audit_rows(struct kr_store *st, int64_t since_seq, const char *since_time,
                       int64_t limit, bool newest_first, audit_row_cb cb, void *ud);

/* The result of audit_verify(). */
struct kr_audit_report {
	bool ok;
	int64_t entries;                  /* entries verified intact */
	int64_t written;                  /* entries the hub wrote (meta audit_seq) */
	int64_t bad_seq;                  /* the first bad entry, 0 when ok */
	char head[KR_AUDIT_HASH_LEN + 1]; /* hash of the last intact entry */
	char why[256];                    /* what is wrong, for people */
};

/* Walk the whole trail in one read snapshot and check every link. */
enum kr_err audit_verify(struct kr_store *st, struct kr_audit_report *out);

#endif
