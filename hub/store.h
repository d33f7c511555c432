/*
 * store.h - the SQLite store: opening, migrations, transactions and the
 * prepared-statement cache. The directory (store_dir.h) and items
 * (store_items.h) build on it; no other module writes SQL.
 *
 * The store is one file, DATA/kairan.db, in WAL mode with synchronous=FULL,
 * so a commit that returned is on disk. Admin commands open the same file
 * from another process while the hub runs; busy_timeout absorbs the brief
 * write locks, and the hub notices their changes through
 * store_data_version().
 */
#ifndef KR_STORE_H
#define KR_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kr_error.h"

struct kr_store;

/*
 * Open (creating if needed) DIR/kairan.db and apply pending migrations.
 * On failure returns an error and writes a message for people into err.
 * The caller owns *out and releases it with store_close().
 */
enum kr_err store_open(const char *dir, struct kr_store **out, char *err, size_t errlen);

void store_close(struct kr_store *st);

/*
 * A cached prepared statement for sql, reset and with bindings cleared.
 * sql must be a string literal (its address is the cache key). Borrowed:
 * the store finalises it. NULL on failure (logged).
 */
sqlite3_stmt *store_prepare(struct kr_store *st, const char *sql);

/* The raw handle, for store_*.c files only. */
sqlite3 *store_db(struct kr_store *st);

/*
 * Transactions. store_begin() opens one (BEGIN IMMEDIATE: the write lock is
 * taken at once, so concurrent writers queue on busy_timeout) or, inside
 * one already opened here, a savepoint: a caller can wrap store functions
 * that open their own transaction and commit them together with its own
 * writes (the audit entry of a change). store_commit() ends the innermost
 * level (RELEASE, or COMMIT at the outermost; a failed COMMIT is rolled
 * back); store_rollback() undoes the innermost level only.
 */
enum kr_err store_begin(struct kr_store *st);
enum kr_err store_commit(struct kr_store *st);
void store_rollback(struct kr_store *st);

/* True while a store_begin() is open. */
bool store_in_transaction(struct kr_store *st);

struct kr_hist;
/* How long write transactions took, BEGIN to COMMIT (for /metrics). */
const struct kr_hist *store_write_latency(struct kr_store *st);

/* True when the last failure of the store was a full disk (SQLITE_FULL,
 * ENOSPC, EFBIG, EDQUOT): nothing was stored, and space must be freed. */
bool store_last_full(struct kr_store *st);

/* Map a SQLite result code to a kairan error (constraint -> KR_EINVAL...). */
enum kr_err store_err(struct kr_store *st, int rc);

/*
 * PRAGMA data_version: changes whenever another connection (an admin
 * command) committed a change. Returns -1 on error.
 */
int64_t store_data_version(struct kr_store *st);

/* A hub-wide counter of the meta table (0 when the key has no row yet). */
enum kr_err store_meta_get(struct kr_store *st, const char *key, int64_t *value);

/*
 * Run sql (cached) with the n integers args bound to ?1..?n and read the
 * first column of its first row into *out (0 when there is no row). For
 * counts, maxima and other single-number queries.
 */
enum kr_err store_int64(struct kr_store *st, const char *sql, const int64_t *args, size_t n,
                        int64_t *out);

/* Add one to a hub-wide counter of the meta table (creating it at 1), so a
 * running hub notices (data_version) and acts on the new value. */
enum kr_err store_meta_bump(struct kr_store *st, const char *key);

/* The newest schema version this binary knows (number of migrations). */
int store_schema_version(void);

/*
 * A 32-byte secret of the hub (e.g. "pseudonym", the key of stable
 * pseudonyms), made from OpenSSL's RNG on first use and kept in the store.
 */
enum kr_err store_secret(struct kr_store *st, const char *name, unsigned char out[32]);

/*
 * The schema version a migration file brings a store to: the number its
 * name starts with ("0009_events.sql" -> 9); 0 when the name does not start
 * with digits and '_'. PRAGMA user_version holds the newest applied.
 */
int store_migration_version(const char *name);

#endif
