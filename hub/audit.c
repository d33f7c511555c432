/*
 * audit.c - the audit trail in the store (see audit.h).
 */
#include "audit.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

void audit_actor_user(int64_t user_id, char *out, size_t outlen)
{
	snprintf(out, outlen, "user:%" PRId64, user_id);
}

/* s cut to at most KR_AUDIT_FIELD_MAX bytes on a UTF-8 character boundary,
 * into buf. */
static const char *bounded(const char *s, char *buf)
{
	size_t n = strlen(s);

	if (n <= KR_AUDIT_FIELD_MAX)
		return s;
	n = KR_AUDIT_FIELD_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

static void now_text(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The next entry's number and the hash it follows. The count in meta wins
 * over the last row: appending after entries were cut off leaves the gap
 * visible to audit verify instead of hiding it. */
static enum kr_err chain_head(struct kr_store *st, int64_t *next, char *prev)
{
	static const char sql[] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
	sqlite3_stmt *s = store_prepare(st, sql);
	int64_t last = 0, written = 0;
	enum kr_err rc;
	int step;

	memcpy(prev, KR_AUDIT_GENESIS, KR_AUDIT_HASH_LEN + 1);
	if (!s)
		return KR_EINTERNAL;
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(s, 1);

		last = sqlite3_column_int64(s, 0);
		if (h && strlen(h) == KR_AUDIT_HASH_LEN)
			memcpy(prev, h, KR_AUDIT_HASH_LEN + 1);
	}
	sqlite3_reset(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return store_err(st, step);
	rc = store_meta_get(st, "audit_seq", &written);
	*next = (written > last ? written : last) + 1;
	return rc;
}

static enum kr_err append(struct kr_store *st, const struct kr_audit_row *r)
{
	static const char ins[] = "INSERT INTO audit (seq, time, actor, action, subject, detail, "
	                          "prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	static const char count[] = "INSERT INTO meta (key, value) VALUES ('audit_seq', ?1) "
	                            "ON CONFLICT (key) DO UPDATE SET value = ?1";
	sqlite3_stmt *s = store_prepare(st, ins);
	int step;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, r->seq);
	sqlite3_bind_text(s, 2, r->time, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, r->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, r->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, r->detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, r->prev_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, r->hash, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step != SQLITE_DONE)
		return store_err(st, step);
	s = store_prepare(st, count);
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, r->seq);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	return step == SQLITE_DONE ? KR_OK : store_err(st, step);
}

enum kr_err audit_record(struct kr_store *st, const char *actor, const char *action,
                         const char *subject, const json_t *detail, int64_t *seq)
{
	char t[32], prev[KR_AUDIT_HASH_LEN + 1], hash[KR_AUDIT_HASH_LEN + 1];
	char b_actor[KR_AUDIT_FIELD_MAX + 1], b_action[KR_AUDIT_FIELD_MAX + 1],
	    b_subject[KR_AUDIT_FIELD_MAX + 1];
	char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	struct kr_audit_row r = {0};
	bool own = !store_in_transaction(st);
	enum kr_err rc = KR_EINTERNAL;

	if (detail && !text)
		goto out;
	rc = own ? store_begin(st) : KR_OK;
	if (rc != KR_OK)
		goto out;
	rc = chain_head(st, &r.seq, prev);
	now_text(t);
	r.time = t;
	r.actor = bounded(actor ? actor : "", b_actor);
	r.action = bounded(action ? action : "", b_action);
	r.subject = bounded(subject ? subject : "", b_subject);
	r.detail = text ? text : "{}";
	r.prev_hash = prev;
	if (rc == KR_OK && !audit_row_hash(&r, hash))
		rc = KR_EINTERNAL;
	r.hash = hash;
	if (rc == KR_OK)
		rc = append(st, &r);
	if (own) {
		if (rc == KR_OK)
			rc = store_commit(st);
		else
			store_rollback(st);
	}
	if (rc == KR_OK && seq)
		*seq = r.seq;
out:
	if (rc != KR_OK)
		kr_log(KR_LOG_ERROR, "audit: cannot record %s %s: %s", r.action ? r.action : action,
		       r.subject ? r.subject : "", kr_err_code(rc));
	free(text);
	return rc;
}

static const char *col(sqlite3_stmt *s, int i)
{
	const char *v = (const char *)sqlite3_column_text(s, i);

	return v ? v : "";
}

static void row_of(sqlite3_stmt *s, struct kr_audit_row *r)
{
	r->seq = sqlite3_column_int64(s, 0);
	r->time = col(s, 1);
	r->actor = col(s, 2);
	r->action = col(s, 3);
	r->subject = col(s, 4);
	r->detail = col(s, 5);
	r->prev_hash = col(s, 6);
	r->hash = col(s, 7);
}

#define AUDIT_COLUMNS "seq, time, actor, action, subject, detail, prev_hash, hash "

enum kr_err audit_rows(struct kr_store *st, int64_t since_seq, const char *since_time,
                       int64_t limit, bool newest_first, audit_row_cb cb, void *ud)
{
	static const char oldest[] = "SELECT " AUDIT_COLUMNS "FROM audit WHERE seq >= ?1 AND "
	                             "(?2 IS NULL OR time >= ?2) ORDER BY seq LIMIT ?3";
	static const char newest[] =
	    "SELECT * FROM (SELECT " AUDIT_COLUMNS "FROM audit WHERE seq >= ?1 AND "
	    "(?2 IS NULL OR time >= ?2) ORDER BY seq DESC LIMIT ?3) ORDER BY seq";
	sqlite3_stmt *s = store_prepare(st, newest_first ? newest : oldest);
	struct kr_audit_row r;
	int step;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, since_seq);
	if (since_time)
		sqlite3_bind_text(s, 2, since_time, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, limit > 0 ? limit : -1);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		row_of(s, &r);
		if (cb(ud, &r))
			break;
	}
	sqlite3_reset(s);
	return step == SQLITE_ROW || step == SQLITE_DONE ? KR_OK : store_err(st, step);
}

struct verify_ctx {
	struct kr_audit_walk w;
	struct kr_audit_report *out;
};

static int verify_row(void *ud, const struct kr_audit_row *r)
{
	struct verify_ctx *v = ud;

	return audit_walk_step(&v->w, r, v->out->why, sizeof(v->out->why)) ? 0 : 1;
}

enum kr_err audit_verify(struct kr_store *st, struct kr_audit_report *out)
{
	struct verify_ctx v = {.out = out};
	sqlite3 *db = store_db(st);
	bool snap =
	    sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	enum kr_err rc;

	memset(out, 0, sizeof(*out));
	audit_walk_init(&v.w);
	rc = store_meta_get(st, "audit_seq", &out->written);
	if (rc == KR_OK)
		rc = audit_rows(st, INT64_MIN, NULL, 0, false, verify_row, &v);
	if (snap)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != KR_OK)
		return rc;
	if (!v.w.bad_seq)
		audit_walk_end(&v.w, out->written, out->why, sizeof(out->why));
	out->ok = v.w.bad_seq == 0;
	out->bad_seq = v.w.bad_seq;
	out->entries = v.w.checked;
	memcpy(out->head, v.w.prev, KR_AUDIT_HASH_LEN + 1);
	return KR_OK;
}
