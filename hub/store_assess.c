/*
 * store_assess.c - self-assessments in the store (see store_assess.h).
 */
#include "store_assess.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCORE_COLUMNS "d1, d2, d3, d4, d5, d6, d7, d8, d9, d10"

static const char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* Columns maturity, sector, d1..d10 starting at column first. */
static bool row_read(sqlite3_stmt *s, int first, struct kr_assessment *a)
{
	a->maturity = kr_maturity_parse(col_text(s, first));
	a->sector = kr_sector_parse(col_text(s, first + 1));
	for (int d = 0; d < KR_DIRECTIVES; d++)
		a->score[d] = sqlite3_column_int(s, first + 2 + d);
	return a->maturity != KR_MATURITY_NONE && a->sector != KR_SECTOR_NONE;
}

static void utc_time(int64_t when, char buf[32])
{
	time_t t = (time_t)when;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum kr_err store_assess_submit(struct kr_store *st, int64_t circle_id, int64_t org_id,
                                int64_t user_id, const struct kr_assessment *a, int64_t now,
                                bool *replaced)
{
	static const char retire[] = "UPDATE assessments SET current = 0 "
	                             "WHERE circle_id = ?1 AND org_id = ?2 AND current = 1";
	static const char insert[] =
	    "INSERT INTO assessments (circle_id, org_id, submitted_by, submitted_at, maturity, "
	    "sector, " SCORE_COLUMNS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
	const char *m = kr_maturity_name(a->maturity), *sec = kr_sector_name(a->sector);
	sqlite3_stmt *s;
	enum kr_err rc;
	int src;

	*replaced = false;
	if (!m || !sec)
		return KR_EINVAL;
	rc = store_begin(st);
	if (rc != KR_OK)
		return rc;
	s = store_prepare(st, retire);
	if (!s) {
		rc = KR_EINTERNAL;
		goto rollback;
	}
	sqlite3_bind_int64(s, 1, circle_id);
	sqlite3_bind_int64(s, 2, org_id);
	src = sqlite3_step(s);
	sqlite3_reset(s);
	if (src != SQLITE_DONE) {
		rc = store_err(st, src);
		goto rollback;
	}
	*replaced = sqlite3_changes(store_db(st)) > 0;
	s = store_prepare(st, insert);
	if (!s) {
		rc = KR_EINTERNAL;
		goto rollback;
	}
	sqlite3_bind_int64(s, 1, circle_id);
	sqlite3_bind_int64(s, 2, org_id);
	sqlite3_bind_int64(s, 3, user_id);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_text(s, 5, m, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, sec, -1, SQLITE_STATIC);
	for (int d = 0; d < KR_DIRECTIVES; d++)
		sqlite3_bind_int(s, 7 + d, a->score[d]);
	src = sqlite3_step(s);
	sqlite3_reset(s);
	if (src != SQLITE_DONE) {
		rc = store_err(st, src);
		goto rollback;
	}
	return store_commit(st); /* rolls back by itself on failure */
rollback:
	store_rollback(st);
	*replaced = false;
	return rc;
}

enum kr_err store_assess_current(struct kr_store *st, int64_t circle_id, int64_t org_id,
                                 struct kr_assessment *a, int64_t *submitted_at)
{
	static const char sql[] =
	    "SELECT submitted_at, maturity, sector, " SCORE_COLUMNS " FROM assessments "
	    "WHERE circle_id = ?1 AND org_id = ?2 AND current = 1";
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc = KR_ENOTFOUND;
	int src;

	memset(a, 0, sizeof(*a));
	*submitted_at = 0;
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, circle_id);
	sqlite3_bind_int64(s, 2, org_id);
	src = sqlite3_step(s);
	if (src == SQLITE_ROW) {
		*submitted_at = sqlite3_column_int64(s, 0);
		rc = row_read(s, 1, a) ? KR_OK : KR_EINTERNAL;
	} else if (src != SQLITE_DONE) {
		rc = store_err(st, src);
	}
	sqlite3_reset(s);
	if (rc != KR_OK)
		memset(a, 0, sizeof(*a));
	return rc;
}

/* One history row (submitted_at, current, user name or NULL, maturity, sector, d1..d10). */
static json_t *history_entry(sqlite3_stmt *s)
{
	struct kr_assessment a;
	char when[32];
	json_t *o;

	if (!row_read(s, 3, &a))
		return NULL;
	utc_time(sqlite3_column_int64(s, 0), when);
	o = assess_to_json(&a);
	if (o && (json_object_set_new(o, "submitted", json_string(when)) != 0 ||
	          json_object_set_new(o, "current", json_boolean(sqlite3_column_int(s, 1))) != 0 ||
	          (sqlite3_column_type(s, 2) != SQLITE_NULL &&
	           json_object_set_new(o, "submitted_by", json_string(col_text(s, 2))) != 0))) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

enum kr_err store_assess_history(struct kr_store *st, int64_t circle_id, int64_t org_id,
                                 size_t limit, json_t **out)
{
	static const char sql[] =
	    "SELECT a.submitted_at, a.current, u.name, a.maturity, a.sector, " SCORE_COLUMNS
	    " FROM assessments a "
	    "LEFT JOIN users u ON u.id = a.submitted_by AND u.org_id = a.org_id "
	    "WHERE a.circle_id = ?1 AND a.org_id = ?2 ORDER BY a.id DESC LIMIT ?3";
	sqlite3_stmt *s = store_prepare(st, sql);
	json_t *list = json_array();
	int src;

	*out = NULL;
	if (!s || !list) {
		json_decref(list);
		return KR_EINTERNAL;
	}
	sqlite3_bind_int64(s, 1, circle_id);
	sqlite3_bind_int64(s, 2, org_id);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)limit);
	while ((src = sqlite3_step(s)) == SQLITE_ROW) {
		if (json_array_append_new(list, history_entry(s)) != 0) {
			src = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_reset(s);
	if (src != SQLITE_DONE) {
		json_decref(list);
		return src == SQLITE_NOMEM ? KR_EINTERNAL : store_err(st, src);
	}
	*out = list;
	return KR_OK;
}

enum kr_err store_assess_benchmark(struct kr_store *st, int64_t circle_id, int64_t cutoff,
                                   int policy_k, struct kr_bench *out)
{
	/* Per member organisation, its newest assessment submitted before the
	 * cutoff; an organisation that left the circle is not counted. */
	static const char sql[] =
	    "SELECT a.maturity, a.sector, " SCORE_COLUMNS " FROM assessments a "
	    "JOIN circle_orgs m ON m.circle_id = a.circle_id AND m.org_id = a.org_id "
	    "WHERE a.circle_id = ?1 AND a.id = (SELECT max(b.id) FROM assessments b "
	    "WHERE b.circle_id = a.circle_id AND b.org_id = a.org_id AND b.submitted_at < ?2)";
	sqlite3_stmt *s = store_prepare(st, sql);
	struct kr_bench_row *rows = NULL;
	size_t n = 0, cap = 0;
	enum kr_err rc = KR_OK;
	int src;

	memset(out, 0, sizeof(*out));
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, circle_id);
	sqlite3_bind_int64(s, 2, cutoff);
	while ((src = sqlite3_step(s)) == SQLITE_ROW) {
		struct kr_assessment a;

		if (n == cap) {
			struct kr_bench_row *g =
			    realloc(rows, (cap = cap ? cap * 2 : 32) * sizeof(*g));

			if (!g) {
				rc = KR_EINTERNAL;
				break;
			}
			rows = g;
		}
		if (!row_read(s, 0, &a)) {
			rc = KR_EINTERNAL; /* a label the hub never writes: fail closed */
			break;
		}
		memcpy(rows[n].score, a.score, sizeof(a.score));
		rows[n].maturity = a.maturity;
		rows[n].sector = a.sector;
		n++;
	}
	sqlite3_reset(s);
	if (rc == KR_OK && src != SQLITE_DONE)
		rc = store_err(st, src);
	if (rc == KR_OK)
		bench_compute(rows, n, policy_k, out);
	if (rows)
		memset(rows, 0, cap * sizeof(*rows));
	free(rows);
	return rc;
}
