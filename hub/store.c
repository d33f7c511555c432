/*
 * store.c - SQLite file, migrations, transactions and statement cache.
 */
#include "store.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "log.h"
#include "metrics.h"
#include "migrations.h"

#define STMT_CACHE 256

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct kr_store {
	sqlite3 *db;
	struct stmt_slot cache[STMT_CACHE];
	int depth;      /* store_begin() nesting: 0 none, 1 a transaction, >1 savepoints */
	bool last_full; /* the last failure was a full disk */
	struct timespec tx_start;
	struct kr_hist writes; /* write transactions, BEGIN to COMMIT (metrics.h) */
};

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK && err)
		snprintf(err, errlen, "%s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc;
}

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

int store_migration_version(const char *name)
{
	int v = 0;

	if (!name || name[0] < '0' || name[0] > '9')
		return 0;
	for (; *name >= '0' && *name <= '9'; name++) {
		if (v > 99999)
			return 0;
		v = v * 10 + (*name - '0');
	}
	return *name == '_' ? v : 0;
}

/*
 * Bring the store up to the newest embedded migration. A store's
 * user_version is the number of the last migration applied to it (its file
 * name's number), so a gap in the numbering or a migration that lands from
 * another branch later never shifts what a version means. The embedded
 * files must be numbered strictly increasing; anything else refuses to open.
 */
static enum kr_err migrate(sqlite3 *db, char *err, size_t errlen)
{
	int have = user_version(db), prev = 0, newest;
	char sql[64];

	for (size_t i = 0; i < kr_migrations_count; i++) {
		int v = store_migration_version(kr_migrations[i].name);

		if (v <= prev) {
			snprintf(err, errlen, "migration %s: not numbered after the one before it",
			         kr_migrations[i].name);
			return KR_EINTERNAL;
		}
		prev = v;
	}
	newest = prev;
	if (have < 0) {
		snprintf(err, errlen, "cannot read schema version: %s", sqlite3_errmsg(db));
		return KR_EINTERNAL;
	}
	if (have > newest) {
		snprintf(err, errlen, "store has schema version %d, newer than this hub (%d)", have,
		         newest);
		return KR_EINTERNAL;
	}
	for (size_t i = 0; i < kr_migrations_count; i++) {
		int v = store_migration_version(kr_migrations[i].name);
		char e[256];

		if (v <= have)
			continue;
		if (exec(db, "BEGIN IMMEDIATE", e, sizeof(e)) != SQLITE_OK)
			goto fail;
		/* Another process may have migrated while we waited for the lock. */
		if (user_version(db) >= v) {
			exec(db, "COMMIT", NULL, 0);
			continue;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
		if (exec(db, kr_migrations[i].sql, e, sizeof(e)) != SQLITE_OK ||
		    exec(db, sql, e, sizeof(e)) != SQLITE_OK ||
		    exec(db, "COMMIT", e, sizeof(e)) != SQLITE_OK) {
			exec(db, "ROLLBACK", NULL, 0);
			goto fail;
		}
		kr_log(KR_LOG_INFO, "store: applied migration %s", kr_migrations[i].name);
		continue;
	fail:
		snprintf(err, errlen, "migration %s failed: %s", kr_migrations[i].name, e);
		return KR_EINTERNAL;
	}
	return KR_OK;
}

enum kr_err store_open(const char *dir, struct kr_store **out, char *err, size_t errlen)
{
	struct kr_store *st = calloc(1, sizeof(*st));
	char path[4096];
	char e[256];
	enum kr_err rc = KR_EINTERNAL;

	*out = NULL;
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return KR_EINTERNAL;
	}
	snprintf(path, sizeof(path), "%s/kairan.db", dir);
	if (sqlite3_open_v2(path, &st->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		         st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_extended_result_codes(st->db, 1);
	if (exec(st->db, "PRAGMA journal_mode = WAL", e, sizeof(e)) != SQLITE_OK ||
	    exec(st->db, "PRAGMA synchronous = FULL", e, sizeof(e)) != SQLITE_OK ||
	    exec(st->db, "PRAGMA foreign_keys = ON", e, sizeof(e)) != SQLITE_OK) {
		snprintf(err, errlen, "cannot configure %s: %s", path, e);
		goto out;
	}
	rc = migrate(st->db, err, errlen);
	if (rc != KR_OK)
		goto out;
	*out = st;
	st = NULL;
out:
	store_close(st);
	return rc;
}

void store_close(struct kr_store *st)
{
	if (!st)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close(st->db);
	free(st);
}

sqlite3_stmt *store_prepare(struct kr_store *st, const char *sql)
{
	int i;

	for (i = 0; i < STMT_CACHE && st->cache[i].sql; i++) {
		if (st->cache[i].sql == sql) {
			sqlite3_reset(st->cache[i].stmt);
			sqlite3_clear_bindings(st->cache[i].stmt);
			return st->cache[i].stmt;
		}
	}
	if (i == STMT_CACHE) {
		kr_log(KR_LOG_ERROR, "store: statement cache full; raise STMT_CACHE");
		return NULL;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->cache[i].stmt,
	                       NULL) != SQLITE_OK) {
		kr_log(KR_LOG_ERROR, "store: cannot prepare statement: %s", sqlite3_errmsg(st->db));
		return NULL;
	}
	st->cache[i].sql = sql;
	return st->cache[i].stmt;
}

sqlite3 *store_db(struct kr_store *st)
{
	return st->db;
}

/* Remember whether a failing result code means the disk is full. SQLite
 * reports ENOSPC as SQLITE_FULL, but a write over the file size limit
 * (EFBIG) or quota (EDQUOT) as SQLITE_IOERR_WRITE, and does not always
 * keep the errno: errno_after is errno read right after the failing call
 * (successful system calls leave it alone), used when SQLite has none. */
static void note_result(struct kr_store *st, int rc, int errno_after)
{
	int sys = sqlite3_system_errno(st->db);

	if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
		return;
	if (sys == 0)
		sys = errno_after;
	st->last_full = (rc & 0xff) == SQLITE_FULL ||
	                ((rc & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EFBIG
#ifdef EDQUOT
	                                                 || sys == EDQUOT
#endif
	                                                 ));
}

static enum kr_err exec_tx(struct kr_store *st, const char *sql)
{
	int rc, e;

	errno = 0;
	rc = exec(st->db, sql, NULL, 0);
	e = errno;
	note_result(st, rc == SQLITE_OK ? rc : sqlite3_extended_errcode(st->db), e);
	return rc == SQLITE_OK ? KR_OK : KR_EINTERNAL;
}

enum kr_err store_begin(struct kr_store *st)
{
	char sql[32];
	enum kr_err rc;

	if (st->depth == 0 && !sqlite3_get_autocommit(st->db))
		return KR_EINTERNAL; /* a transaction not opened here */
	if (st->depth == 0) {
		st->last_full = false;
		clock_gettime(CLOCK_MONOTONIC, &st->tx_start);
		rc = exec_tx(st, "BEGIN IMMEDIATE");
	} else {
		snprintf(sql, sizeof(sql), "SAVEPOINT kr_%d", st->depth);
		rc = exec_tx(st, sql);
	}
	if (rc == KR_OK)
		st->depth++;
	return rc;
}

enum kr_err store_commit(struct kr_store *st)
{
	char sql[32];
	enum kr_err rc;

	if (st->depth > 1) {
		st->depth--;
		snprintf(sql, sizeof(sql), "RELEASE kr_%d", st->depth);
		rc = exec_tx(st, sql);
		if (rc != KR_OK) {
			kr_log(KR_LOG_ERROR, "store: release failed: %s", sqlite3_errmsg(st->db));
			snprintf(sql, sizeof(sql), "ROLLBACK TO kr_%d", st->depth);
			exec(st->db, sql, NULL, 0);
		}
		return rc;
	}
	st->depth = 0;
	rc = exec_tx(st, "COMMIT");
	hist_observe(&st->writes, since(&st->tx_start));
	if (rc != KR_OK) {
		kr_log(KR_LOG_ERROR, "store: commit failed: %s%s", sqlite3_errmsg(st->db),
		       st->last_full ? " (the disk is full)" : "");
		if (!sqlite3_get_autocommit(st->db))
			exec(st->db, "ROLLBACK", NULL, 0);
	}
	return rc;
}

void store_rollback(struct kr_store *st)
{
	char sql[64];

	if (st->depth > 1) {
		st->depth--;
		snprintf(sql, sizeof(sql), "ROLLBACK TO kr_%d; RELEASE kr_%d", st->depth,
		         st->depth);
		exec(st->db, sql, NULL, 0);
		return;
	}
	st->depth = 0;
	if (!sqlite3_get_autocommit(st->db))
		exec(st->db, "ROLLBACK", NULL, 0);
}

bool store_in_transaction(struct kr_store *st)
{
	return st->depth > 0;
}

const struct kr_hist *store_write_latency(struct kr_store *st)
{
	return &st->writes;
}

bool store_last_full(struct kr_store *st)
{
	return st->last_full;
}

enum kr_err store_err(struct kr_store *st, int rc)
{
	note_result(st, rc, errno);
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return KR_OK;
	case SQLITE_CONSTRAINT:
		return KR_EINVAL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return KR_EOVERLOADED;
	default:
		kr_log(KR_LOG_ERROR, "store: %s", sqlite3_errmsg(st->db));
		return KR_EINTERNAL;
	}
}

int64_t store_data_version(struct kr_store *st)
{
	static const char sql[] = "PRAGMA data_version";
	sqlite3_stmt *s = store_prepare(st, sql);
	int64_t v = -1;

	if (s && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	if (s)
		sqlite3_reset(s);
	return v;
}

enum kr_err store_int64(struct kr_store *st, const char *sql, const int64_t *args, size_t n,
                        int64_t *out)
{
	sqlite3_stmt *s = store_prepare(st, sql);
	int step;

	*out = 0;
	if (!s)
		return KR_EINTERNAL;
	for (size_t i = 0; i < n; i++)
		sqlite3_bind_int64(s, (int)i + 1, args[i]);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return step == SQLITE_ROW || step == SQLITE_DONE ? KR_OK : store_err(st, step);
}

enum kr_err store_meta_get(struct kr_store *st, const char *key, int64_t *value)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);
	int step;

	*value = 0;
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*value = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return step == SQLITE_ROW || step == SQLITE_DONE ? KR_OK : store_err(st, step);
}

enum kr_err store_meta_bump(struct kr_store *st, const char *key)
{
	static const char sql[] = "INSERT INTO meta (key, value) VALUES (?1, 1) "
	                          "ON CONFLICT (key) DO UPDATE SET value = value + 1";
	sqlite3_stmt *s = store_prepare(st, sql);
	int step;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	return step == SQLITE_DONE ? KR_OK : store_err(st, step);
}

int store_schema_version(void)
{
	return (int)kr_migrations_count;
}

enum kr_err store_secret(struct kr_store *st, const char *name, unsigned char out[32])
{
	static const char get[] = "SELECT value FROM secrets WHERE name = ?1";
	static const char put[] = "INSERT OR IGNORE INTO secrets (name, value) VALUES (?1, ?2)";
	enum kr_err rc = KR_EINTERNAL;

	for (int attempt = 0; attempt < 2; attempt++) {
		sqlite3_stmt *s = store_prepare(st, get);
		unsigned char fresh[32];
		int step;

		if (!s)
			return KR_EINTERNAL;
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		step = sqlite3_step(s);
		if (step == SQLITE_ROW && sqlite3_column_bytes(s, 0) == 32) {
			memcpy(out, sqlite3_column_blob(s, 0), 32);
			sqlite3_reset(s);
			return KR_OK;
		}
		sqlite3_reset(s);
		if (step != SQLITE_DONE && step != SQLITE_ROW)
			return store_err(st, step);
		/* First use: make it, then read back whichever insert won. */
		s = store_prepare(st, put);
		if (!s || RAND_bytes(fresh, sizeof(fresh)) != 1)
			return KR_EINTERNAL;
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 2, fresh, sizeof(fresh), SQLITE_TRANSIENT);
		step = sqlite3_step(s);
		sqlite3_reset(s);
		if (step != SQLITE_DONE)
			return store_err(st, step);
	}
	return rc;
}
