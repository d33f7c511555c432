/*
 * store_dir.c - the directory in the store (see store_dir.h): organisations
 * and the terms that identify them, users, token hashes, circles, member
 * organisations and per-circle roles.
 *
 * Every mutation is one transaction. When the caller already holds one (the
 * demo seeds everything at once), the mutation nests inside it as a
 * savepoint, so a failure undoes only that mutation and the caller decides.
 * Reads of more than one statement run inside a read transaction so they see
 * one snapshot even while an admin command commits.
 *
 * The effective role of a user in a circle is its circle_roles row, else
 * "member", but only while its organisation is in circle_orgs; a role row of
 * a non-member organisation grants nothing and is never reported.
 */
#include "store_dir.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "utf8.h"

/* ---- transactions ---------------------------------------------------- */

struct tx {
	bool open;
	bool nested; /* a savepoint inside the caller's transaction */
};

static enum kr_err tx_begin(struct kr_store *st, struct tx *tx)
{
	sqlite3 *db = store_db(st);
	enum kr_err rc;

	tx->nested = !sqlite3_get_autocommit(db);
	if (tx->nested)
		rc = sqlite3_exec(db, "SAVEPOINT store_dir", NULL, NULL, NULL) == SQLITE_OK
		         ? KR_OK
		         : KR_EINTERNAL;
	else
		rc = store_begin(st);
	tx->open = rc == KR_OK;
	return rc;
}

/* Commit when rc is KR_OK, else roll back. Returns the final result. */
static enum kr_err tx_end(struct kr_store *st, struct tx *tx, enum kr_err rc)
{
	sqlite3 *db = store_db(st);

	if (!tx->open)
		return rc;
	tx->open = false;
	if (rc == KR_OK && !tx->nested)
		return store_commit(st);
	if (rc == KR_OK)
		return sqlite3_exec(db, "RELEASE store_dir", NULL, NULL, NULL) == SQLITE_OK
		           ? KR_OK
		           : KR_EINTERNAL;
	if (tx->nested)
		sqlite3_exec(db, "ROLLBACK TO store_dir; RELEASE store_dir", NULL, NULL, NULL);
	else
		store_rollback(st);
	return rc;
}

/* A read snapshot, unless the caller already holds a transaction. */
static bool read_begin(struct kr_store *st)
{
	sqlite3 *db = store_db(st);

	return sqlite3_get_autocommit(db) &&
	       sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

static void read_end(struct kr_store *st, bool began)
{
	if (began)
		sqlite3_exec(store_db(st), "COMMIT", NULL, NULL, NULL);
}

/* ---- small helpers --------------------------------------------------- */

static const char sql_org_id[] = "SELECT id FROM orgs WHERE key = ?1";
static const char sql_circle_id[] = "SELECT id FROM circles WHERE key = ?1";
static const char sql_user_id[] = "SELECT u.id, u.org_id, o.key FROM users u "
                                  "JOIN orgs o ON o.id = u.org_id WHERE u.name = ?1";

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t errlen, const char *fmt,
                                                          ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Run a statement that returns no row and reset it; a SQLite result code. */
static int step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc;
}

/*
 * The id of key through sql ("SELECT id ... WHERE key = ?1"): KR_ENOTFOUND
 * when there is no such row. With org_key non-NULL (the user query), also
 * copies the user's organisation id and key (up to 64 characters).
 */
static enum kr_err lookup(struct kr_store *st, const char *sql, const char *key, int64_t *id,
                          int64_t *org_id, char org_key[65])
{
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc = KR_EINTERNAL;
	int step;

	if (!s)
		goto out;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_DONE) {
		rc = KR_ENOTFOUND;
		goto out;
	}
	if (step != SQLITE_ROW) {
		rc = store_err(st, step);
		goto out;
	}
	*id = sqlite3_column_int64(s, 0);
	if (org_id)
		*org_id = sqlite3_column_int64(s, 1);
	if (org_key)
		snprintf(org_key, 65, "%s", (const char *)sqlite3_column_text(s, 2));
	rc = KR_OK;
out:
	if (s)
		sqlite3_reset(s);
	return rc;
}

static enum kr_err org_id(struct kr_store *st, const char *key, int64_t *id, char *err,
                          size_t errlen)
{
	enum kr_err rc = lookup(st, sql_org_id, key, id, NULL, NULL);

	if (rc == KR_ENOTFOUND)
		set_err(err, errlen, "no organisation %s", key);
	return rc;
}

static enum kr_err circle_id(struct kr_store *st, const char *key, int64_t *id, char *err,
                             size_t errlen)
{
	enum kr_err rc = lookup(st, sql_circle_id, key, id, NULL, NULL);

	if (rc == KR_ENOTFOUND)
		set_err(err, errlen, "no circle %s", key);
	return rc;
}

static enum kr_err user_id(struct kr_store *st, const char *name, int64_t *id, int64_t *org,
                           char org_key[65], char *err, size_t errlen)
{
	enum kr_err rc = lookup(st, sql_user_id, name, id, org, org_key);

	if (rc == KR_ENOTFOUND)
		set_err(err, errlen, "no user %s", name);
	return rc;
}

/* Run a one-parameter DELETE in its own transaction; KR_ENOTFOUND when it
 * removed nothing. sql must be a string literal (statement cache key). */
static enum kr_err delete_by_key(struct kr_store *st, const char *sql, const char *key)
{
	struct tx tx = {0};
	sqlite3_stmt *s;
	enum kr_err rc = tx_begin(st, &tx);

	if (rc != KR_OK)
		goto out;
	rc = KR_EINTERNAL;
	s = store_prepare(st, sql);
	if (!s)
		goto out;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = store_err(st, step_done(s));
	if (rc == KR_OK && sqlite3_changes(store_db(st)) == 0)
		rc = KR_ENOTFOUND;
out:
	return tx_end(st, &tx, rc);
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* Append a new reference to arr; false (and no leak) when v is NULL. */
static bool append_new(json_t *arr, json_t *v)
{
	return v && json_array_append_new(arr, v) == 0;
}

/* ---- organisations --------------------------------------------------- */

/* One JSON value (new reference) from the current row of a statement. */
typedef json_t *(*row_fn)(sqlite3_stmt *s);

/*
 * Step a prepared, bound statement and collect row(s) of every row into a
 * new array (*out, new reference). Resets the statement.
 */
static enum kr_err rows_collect(struct kr_store *st, sqlite3_stmt *s, row_fn row, json_t **out)
{
	json_t *arr = json_array();
	enum kr_err rc = KR_EINTERNAL;
	int step;

	*out = NULL;
	if (!arr)
		goto out;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if (!append_new(arr, row(s)))
			goto out;
	rc = store_err(st, step);
	if (rc == KR_OK) {
		*out = arr;
		arr = NULL;
	}
out:
	sqlite3_reset(s);
	json_decref(arr);
	return rc;
}

static const char *const term_kinds[] = {"name", "domain", "person"};

static enum kr_err terms_insert(struct kr_store *st, int64_t org, const char *kind,
                                const char *const *values, size_t n, char *err, size_t errlen)
{
	static const char sql[] = "INSERT INTO org_terms (org_id, kind, value) VALUES (?1, ?2, ?3)";
	enum kr_err rc = KR_OK;

	for (size_t i = 0; i < n && rc == KR_OK; i++) {
		sqlite3_stmt *s;
		int step;

		if (!values[i] || !values[i][0] || !kr_utf8_valid(values[i], strlen(values[i]))) {
			set_err(err, errlen, "empty or invalid %s", kind);
			rc = KR_EINVAL;
			break;
		}
		s = store_prepare(st, sql);
		if (!s) {
			rc = KR_EINTERNAL;
			break;
		}
		sqlite3_bind_int64(s, 1, org);
		sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, values[i], -1, SQLITE_STATIC);
		step = step_done(s);
		rc = store_err(st, step);
		if (rc == KR_EINVAL)
			set_err(err, errlen, "duplicate %s \"%s\"", kind, values[i]);
	}
	return rc;
}

enum kr_err store_org_add(struct kr_store *st, const char *key, const struct kr_org_terms *terms,
                          const char *industry, int64_t employees, char *err, size_t errlen)
{
	static const char sql[] = "INSERT INTO orgs (key, industry, employees) VALUES (?1, ?2, ?3)";
	static const struct kr_org_terms none;
	struct tx tx = {0};
	sqlite3_stmt *s;
	int64_t id = 0;
	enum kr_err rc;

	if (!terms)
		terms = &none;
	rc = tx_begin(st, &tx);
	if (rc != KR_OK)
		goto out;
	rc = lookup(st, sql_org_id, key, &id, NULL, NULL);
	if (rc == KR_OK) {
		set_err(err, errlen, "organisation %s already exists", key);
		rc = KR_EINVAL;
		goto out;
	}
	if (rc != KR_ENOTFOUND)
		goto out;
	if (industry && !kr_utf8_valid(industry, strlen(industry))) {
		set_err(err, errlen, "industry of %s is not valid UTF-8", key);
		rc = KR_EINVAL;
		goto out;
	}
	rc = KR_EINTERNAL;
	s = store_prepare(st, sql);
	if (!s)
		goto out;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (industry)
		sqlite3_bind_text(s, 2, industry, -1, SQLITE_STATIC);
	if (employees >= 0)
		sqlite3_bind_int64(s, 3, employees);
	rc = store_err(st, step_done(s));
	if (rc != KR_OK)
		goto out;
	id = sqlite3_last_insert_rowid(store_db(st));
	rc = terms_insert(st, id, term_kinds[0], terms->names, terms->n_names, err, errlen);
	if (rc == KR_OK)
		rc = terms_insert(st, id, term_kinds[1], terms->domains, terms->n_domains, err,
		                  errlen);
	if (rc == KR_OK)
		rc = terms_insert(st, id, term_kinds[2], terms->persons, terms->n_persons, err,
		                  errlen);
out:
	return tx_end(st, &tx, rc);
}

enum kr_err store_org_remove(struct kr_store *st, const char *key)
{
	static const char sql[] = "DELETE FROM orgs WHERE key = ?1";

	return delete_by_key(st, sql, key);
}

/* Fill the "names", "domains" and "persons" arrays of one organisation. */
static enum kr_err org_terms_json(struct kr_store *st, int64_t org, json_t *obj)
{
	static const char sql[] = "SELECT kind, value FROM org_terms WHERE org_id = ?1 "
	                          "ORDER BY kind, rowid";
	static const char *const fields[] = {"names", "domains", "persons"};
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc = KR_EINTERNAL;
	int step;

	if (!s)
		goto out;
	for (size_t i = 0; i < 3; i++)
		if (json_object_set_new(obj, fields[i], json_array()) != 0)
			goto out;
	sqlite3_bind_int64(s, 1, org);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *kind = col_text(s, 0);

		for (size_t i = 0; i < 3; i++)
			if (strcmp(kind, term_kinds[i]) == 0 &&
			    !append_new(json_object_get(obj, fields[i]),
			                json_string(col_text(s, 1))))
				goto out;
	}
	rc = store_err(st, step);
out:
	if (s)
		sqlite3_reset(s);
	return rc;
}

enum kr_err store_org_list(struct kr_store *st, json_t **out)
{
	static const char sql[] =
	    "SELECT o.id, o.key, o.industry, o.employees, "
	    "(SELECT count(*) FROM users u WHERE u.org_id = o.id) FROM orgs o ORDER BY o.key";
	bool snap = read_begin(st);
	json_t *arr = json_array();
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc = KR_EINTERNAL;
	int step;

	*out = NULL;
	if (!arr || !s)
		goto out;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *o = json_pack("{s:s, s:s?, s:o, s:I}", "key", col_text(s, 1), "industry",
		                      col_text(s, 2), "employees",
		                      sqlite3_column_type(s, 3) == SQLITE_NULL
		                          ? json_null()
		                          : json_integer(sqlite3_column_int64(s, 3)),
		                      "users", (json_int_t)sqlite3_column_int64(s, 4));

		if (!append_new(arr, o))
			goto out;
		if (org_terms_json(st, sqlite3_column_int64(s, 0), o) != KR_OK)
			goto out;
	}
	rc = store_err(st, step);
	if (rc == KR_OK) {
		*out = arr;
		arr = NULL;
	}
out:
	if (s)
		sqlite3_reset(s);
	read_end(st, snap);
	json_decref(arr);
	return rc;
}

/* ---- users and tokens ------------------------------------------------ */

static enum kr_err token_insert(struct kr_store *st, int64_t user,
                                const unsigned char hash[KR_TOKEN_HASH_LEN])
{
	static const char sql[] = "INSERT INTO tokens (user_id, hash) VALUES (?1, ?2)";
	sqlite3_stmt *s = store_prepare(st, sql);

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, user);
	sqlite3_bind_blob(s, 2, hash, KR_TOKEN_HASH_LEN, SQLITE_STATIC);
	return store_err(st, step_done(s));
}

enum kr_err store_user_add(struct kr_store *st, const char *org_key, const char *user,
                           const unsigned char hash[KR_TOKEN_HASH_LEN], char *err, size_t errlen)
{
	static const char sql[] = "INSERT INTO users (name, org_id) VALUES (?1, ?2)";
	char existing_org[65];
	struct tx tx = {0};
	sqlite3_stmt *s;
	int64_t org = 0, id = 0;
	enum kr_err rc = tx_begin(st, &tx);

	if (rc != KR_OK)
		goto out;
	rc = org_id(st, org_key, &org, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = lookup(st, sql_user_id, user, &id, NULL, existing_org);
	if (rc == KR_OK) {
		set_err(err, errlen, "user %s already exists (organisation %s)", user,
		        existing_org);
		rc = KR_EINVAL;
		goto out;
	}
	if (rc != KR_ENOTFOUND)
		goto out;
	rc = KR_EINTERNAL;
	s = store_prepare(st, sql);
	if (!s)
		goto out;
	sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, org);
	rc = store_err(st, step_done(s));
	if (rc != KR_OK)
		goto out;
	rc = token_insert(st, sqlite3_last_insert_rowid(store_db(st)), hash);
	if (rc == KR_EINVAL)
		set_err(err, errlen, "token of %s is already registered", user);
out:
	return tx_end(st, &tx, rc);
}

enum kr_err store_user_remove(struct kr_store *st, const char *user)
{
	static const char sql[] = "DELETE FROM users WHERE name = ?1";

	return delete_by_key(st, sql, user);
}

static json_t *user_row(sqlite3_stmt *s)
{
	return json_pack("{s:s, s:s, s:I}", "user", col_text(s, 0), "org", col_text(s, 1), "tokens",
	                 (json_int_t)sqlite3_column_int64(s, 2));
}

enum kr_err store_user_list(struct kr_store *st, const char *org_key, json_t **out)
{
	/* "tokens" counts the tokens that still authenticate. */
	static const char sql[] =
	    "SELECT u.name, o.key, (SELECT count(*) FROM tokens t WHERE t.user_id = u.id "
	    "AND t.revoked = 0 AND (t.expires IS NULL "
	    "OR t.expires > strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))) "
	    "FROM users u JOIN orgs o ON o.id = u.org_id "
	    "WHERE ?1 IS NULL OR o.key = ?1 ORDER BY o.key, u.name";
	bool snap = read_begin(st);
	sqlite3_stmt *s;
	int64_t org = 0;
	enum kr_err rc = KR_OK;

	*out = NULL;
	if (org_key)
		rc = org_id(st, org_key, &org, NULL, 0);
	s = rc == KR_OK ? store_prepare(st, sql) : NULL;
	if (rc == KR_OK && !s)
		rc = KR_EINTERNAL;
	if (rc == KR_OK) {
		if (org_key)
			sqlite3_bind_text(s, 1, org_key, -1, SQLITE_STATIC);
		rc = rows_collect(st, s, user_row, out);
	}
	read_end(st, snap);
	return rc;
}

enum kr_err store_token_add(struct kr_store *st, const char *user,
                            const unsigned char hash[KR_TOKEN_HASH_LEN])
{
	struct tx tx = {0};
	int64_t id = 0;
	enum kr_err rc = tx_begin(st, &tx);

	if (rc != KR_OK)
		goto out;
	rc = user_id(st, user, &id, NULL, NULL, NULL, 0);
	if (rc == KR_OK)
		rc = token_insert(st, id, hash);
out:
	return tx_end(st, &tx, rc);
}

enum kr_err store_token_revoke_all(struct kr_store *st, const char *user, int *count)
{
	static const char sql[] =
	    "UPDATE tokens SET revoked = 1 WHERE user_id = ?1 AND revoked = 0";
	struct tx tx = {0};
	sqlite3_stmt *s;
	int64_t id = 0;
	enum kr_err rc = tx_begin(st, &tx);

	*count = 0;
	if (rc != KR_OK)
		goto out;
	rc = user_id(st, user, &id, NULL, NULL, NULL, 0);
	if (rc != KR_OK)
		goto out;
	rc = KR_EINTERNAL;
	s = store_prepare(st, sql);
	if (!s)
		goto out;
	sqlite3_bind_int64(s, 1, id);
	rc = store_err(st, step_done(s));
	if (rc == KR_OK)
		*count = sqlite3_changes(store_db(st));
out:
	rc = tx_end(st, &tx, rc);
	if (rc != KR_OK)
		*count = 0;
	return rc;
}

enum kr_err store_token_lookup(struct kr_store *st, const unsigned char hash[KR_TOKEN_HASH_LEN],
                               int64_t *user_id)
{
	int64_t expires = 0;

	return store_token_lookup_ex(st, hash, user_id, &expires);
}

/* Into next (n + 1 bytes), the smallest blob greater than every 32-byte
 * hash that starts with the n-byte prefix: prefix + 1 as a big-endian
 * number, or n + 1 bytes of 0xFF when prefix is all 0xFF. Its length. */
static size_t prefix_next(const unsigned char *prefix, unsigned char *next, size_t n)
{
	memcpy(next, prefix, n);
	for (size_t i = n; i-- > 0;) {
		if (++next[i] != 0)
			return n;
	}
	memset(next, 0xFF, n + 1);
	return n + 1;
}

enum kr_err store_token_lookup_ex(struct kr_store *st, const unsigned char hash[KR_TOKEN_HASH_LEN],
                                  int64_t *user_id, int64_t *expires)
{
	/* The index finds candidates by the first TOKEN_SELECTOR_LEN bytes of the
	 * hash only (a range on the UNIQUE index); the whole hash is then
	 * compared in constant time, so lookup timing depends on the selector
	 * alone. */
	static const char sql[] =
	    "SELECT user_id, hash, coalesce(CAST(strftime('%s', expires) AS INTEGER), 0) "
	    "FROM tokens WHERE hash >= ?1 AND hash < ?2 AND revoked = 0 "
	    "AND (expires IS NULL OR expires > strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
	enum { TOKEN_SELECTOR_LEN = 8 };
	unsigned char next[TOKEN_SELECTOR_LEN + 1];
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc = KR_EINTERNAL;
	int step;

	*user_id = 0;
	*expires = 0;
	if (!s)
		goto out;
	sqlite3_bind_blob(s, 1, hash, TOKEN_SELECTOR_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, next, (int)prefix_next(hash, next, TOKEN_SELECTOR_LEN),
	                  SQLITE_STATIC);
	rc = KR_EAUTH;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const void *h = sqlite3_column_blob(s, 1);

		if (sqlite3_column_bytes(s, 1) == KR_TOKEN_HASH_LEN && h &&
		    CRYPTO_memcmp(h, hash, KR_TOKEN_HASH_LEN) == 0 && rc == KR_EAUTH) {
			*user_id = sqlite3_column_int64(s, 0);
			*expires = sqlite3_column_int64(s, 2);
			rc = KR_OK;
		}
	}
	if (step != SQLITE_DONE) {
		rc = store_err(st, step);
		*user_id = 0;
	}
out:
	if (s)
		sqlite3_reset(s);
	return rc;
}

enum kr_err store_token_set_expiry(struct kr_store *st, const unsigned char hash[KR_TOKEN_HASH_LEN],
                                   int64_t expires)
{
	static const char sql[] = "UPDATE tokens SET expires = strftime('%Y-%m-%dT%H:%M:%SZ', ?2, "
	                          "'unixepoch') WHERE hash = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);
	int step;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_blob(s, 1, hash, KR_TOKEN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, expires);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step != SQLITE_DONE)
		return store_err(st, step);
	return sqlite3_changes(store_db(st)) == 1 ? KR_OK : KR_ENOTFOUND;
}

/* ---- circles --------------------------------------------------------- */

enum kr_err store_circle_add(struct kr_store *st, const char *key, enum kr_circle_kind kind,
                             const char *name, const char *policy_file, char *err, size_t errlen)
{
	static const char sql[] =
	    "INSERT INTO circles (key, kind, name, policy_file) VALUES (?1, ?2, ?3, ?4)";
	const char *kind_name = kr_circle_kind_name(kind);
	struct tx tx = {0};
	sqlite3_stmt *s;
	int64_t id = 0;
	enum kr_err rc;

	rc = KR_EINVAL;
	if (!kind_name) {
		set_err(err, errlen, "circle %s: unknown circle kind", key);
		goto out;
	}
	if ((name && !kr_utf8_valid(name, strlen(name))) ||
	    (policy_file && !kr_utf8_valid(policy_file, strlen(policy_file)))) {
		set_err(err, errlen, "circle %s: name or policy file is not valid UTF-8", key);
		goto out;
	}
	rc = tx_begin(st, &tx);
	if (rc != KR_OK)
		goto out;
	rc = lookup(st, sql_circle_id, key, &id, NULL, NULL);
	if (rc == KR_OK) {
		set_err(err, errlen, "circle %s already exists", key);
		rc = KR_EINVAL;
		goto out;
	}
	if (rc != KR_ENOTFOUND)
		goto out;
	rc = KR_EINTERNAL;
	s = store_prepare(st, sql);
	if (!s)
		goto out;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind_name, -1, SQLITE_STATIC);
	if (name)
		sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
	if (policy_file)
		sqlite3_bind_text(s, 4, policy_file, -1, SQLITE_STATIC);
	rc = store_err(st, step_done(s));
out:
	return tx_end(st, &tx, rc);
}

/* Fails with KR_EINVAL while items still name the circle as their home. */
enum kr_err store_circle_remove(struct kr_store *st, const char *key)
{
	static const char sql[] = "DELETE FROM circles WHERE key = ?1";

	return delete_by_key(st, sql, key);
}

static json_t *circle_row(sqlite3_stmt *s)
{
	return json_pack("{s:s, s:s, s:s?, s:s?, s:I}", "circle", col_text(s, 0), "kind",
	                 col_text(s, 1), "name", col_text(s, 2), "policy", col_text(s, 3), "orgs",
	                 (json_int_t)sqlite3_column_int64(s, 4));
}

enum kr_err store_circle_list(struct kr_store *st, json_t **out)
{
	static const char sql[] = "SELECT c.key, c.kind, c.name, c.policy_file, "
	                          "(SELECT count(*) FROM circle_orgs co WHERE co.circle_id = c.id) "
	                          "FROM circles c ORDER BY c.key";
	sqlite3_stmt *s = store_prepare(st, sql);

	*out = NULL;
	return s ? rows_collect(st, s, circle_row, out) : KR_EINTERNAL;
}

/* ---- memberships and roles ------------------------------------------- */

enum kr_err store_member_add(struct kr_store *st, const char *circle, const char *org, char *err,
                             size_t errlen)
{
	static const char sql[] = "INSERT INTO circle_orgs (circle_id, org_id) VALUES (?1, ?2)";
	struct tx tx = {0};
	sqlite3_stmt *s;
	int64_t cid = 0, oid = 0;
	enum kr_err rc = tx_begin(st, &tx);

	if (rc != KR_OK)
		goto out;
	rc = circle_id(st, circle, &cid, err, errlen);
	if (rc == KR_OK)
		rc = org_id(st, org, &oid, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = KR_EINTERNAL;
	s = store_prepare(st, sql);
	if (!s)
		goto out;
	sqlite3_bind_int64(s, 1, cid);
	sqlite3_bind_int64(s, 2, oid);
	rc = store_err(st, step_done(s));
	if (rc == KR_EINVAL)
		set_err(err, errlen, "%s is already a member of %s", org, circle);
out:
	return tx_end(st, &tx, rc);
}

/* KR_ENOTFOUND for an unknown circle or organisation, or when the
 * organisation is not a member. */
enum kr_err store_member_remove(struct kr_store *st, const char *circle, const char *org)
{
	static const char sql_member[] =
	    "DELETE FROM circle_orgs WHERE circle_id = ?1 AND org_id = ?2";
	static const char sql_roles[] = "DELETE FROM circle_roles WHERE circle_id = ?1 AND "
	                                "user_id IN (SELECT id FROM users WHERE org_id = ?2)";
	struct tx tx = {0};
	sqlite3_stmt *s;
	int64_t cid = 0, oid = 0;
	enum kr_err rc = tx_begin(st, &tx);

	if (rc != KR_OK)
		goto out;
	rc = circle_id(st, circle, &cid, NULL, 0);
	if (rc == KR_OK)
		rc = org_id(st, org, &oid, NULL, 0);
	if (rc != KR_OK)
		goto out;
	rc = KR_EINTERNAL;
	s = store_prepare(st, sql_member);
	if (!s)
		goto out;
	sqlite3_bind_int64(s, 1, cid);
	sqlite3_bind_int64(s, 2, oid);
	rc = store_err(st, step_done(s));
	if (rc != KR_OK)
		goto out;
	if (sqlite3_changes(store_db(st)) == 0) {
		rc = KR_ENOTFOUND;
		goto out;
	}
	rc = KR_EINTERNAL;
	s = store_prepare(st, sql_roles);
	if (!s)
		goto out;
	sqlite3_bind_int64(s, 1, cid);
	sqlite3_bind_int64(s, 2, oid);
	rc = store_err(st, step_done(s));
out:
	return tx_end(st, &tx, rc);
}

/* List the rows of sql (bound to the circle's id) for a circle key. */
static enum kr_err circle_rows(struct kr_store *st, const char *sql, const char *circle, row_fn row,
                               json_t **out)
{
	bool snap = read_begin(st);
	sqlite3_stmt *s;
	int64_t cid = 0;
	enum kr_err rc;

	*out = NULL;
	rc = circle_id(st, circle, &cid, NULL, 0);
	s = rc == KR_OK ? store_prepare(st, sql) : NULL;
	if (rc == KR_OK && !s)
		rc = KR_EINTERNAL;
	if (rc == KR_OK) {
		sqlite3_bind_int64(s, 1, cid);
		rc = rows_collect(st, s, row, out);
	}
	read_end(st, snap);
	return rc;
}

static json_t *member_row(sqlite3_stmt *s)
{
	return json_string(col_text(s, 0));
}

enum kr_err store_member_list(struct kr_store *st, const char *circle, json_t **out)
{
	static const char sql[] =
	    "SELECT o.key FROM circle_orgs co JOIN orgs o ON o.id = co.org_id "
	    "WHERE co.circle_id = ?1 ORDER BY o.key";

	return circle_rows(st, sql, circle, member_row, out);
}

enum kr_err store_role_set(struct kr_store *st, const char *circle, const char *user,
                           enum kr_role role, char *err, size_t errlen)
{
	static const char sql_member[] = "SELECT 1 FROM circle_orgs WHERE circle_id = ?1 "
	                                 "AND org_id = ?2";
	static const char sql_set[] = "INSERT INTO circle_roles (circle_id, user_id, role) "
	                              "VALUES (?1, ?2, ?3) ON CONFLICT (circle_id, user_id) "
	                              "DO UPDATE SET role = excluded.role";
	const char *role_name = kr_role_name(role);
	char org_key[65];
	struct tx tx = {0};
	sqlite3_stmt *s;
	int64_t cid = 0, uid = 0, oid = 0;
	enum kr_err rc;
	int step;

	rc = KR_EINVAL;
	if (!role_name) {
		set_err(err, errlen, "unknown role for %s in %s", user, circle);
		goto out;
	}
	rc = tx_begin(st, &tx);
	if (rc != KR_OK)
		goto out;
	rc = circle_id(st, circle, &cid, err, errlen);
	if (rc == KR_OK)
		rc = user_id(st, user, &uid, &oid, org_key, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = KR_EINTERNAL;
	s = store_prepare(st, sql_member);
	if (!s)
		goto out;
	sqlite3_bind_int64(s, 1, cid);
	sqlite3_bind_int64(s, 2, oid);
	step = step_done(s);
	if (step == SQLITE_DONE) {
		set_err(err, errlen,
		        "%s's organisation %s is not a member of %s; add it first "
		        "(member add %s %s)",
		        user, org_key, circle, circle, org_key);
		rc = KR_EINVAL;
		goto out;
	}
	if (step != SQLITE_ROW) {
		rc = store_err(st, step);
		goto out;
	}
	s = store_prepare(st, sql_set);
	if (!s)
		goto out;
	sqlite3_bind_int64(s, 1, cid);
	sqlite3_bind_int64(s, 2, uid);
	sqlite3_bind_text(s, 3, role_name, -1, SQLITE_STATIC);
	rc = store_err(st, step_done(s));
out:
	return tx_end(st, &tx, rc);
}

/* Effective roles: every user of every member organisation, with its
 * explicit role or "member". ?1 NULL for every circle. */
static const char sql_roles[] =
    "SELECT co.circle_id, u.id, u.name, o.key, coalesce(r.role, 'member') "
    "FROM circle_orgs co JOIN orgs o ON o.id = co.org_id JOIN users u ON u.org_id = o.id "
    "LEFT JOIN circle_roles r ON r.circle_id = co.circle_id AND r.user_id = u.id "
    "WHERE ?1 IS NULL OR co.circle_id = ?1 ORDER BY co.circle_id, o.key, u.name";

static json_t *role_row(sqlite3_stmt *s)
{
	return json_pack("{s:s, s:s, s:s}", "user", col_text(s, 2), "org", col_text(s, 3), "role",
	                 col_text(s, 4));
}

enum kr_err store_role_list(struct kr_store *st, const char *circle, json_t **out)
{
	return circle_rows(st, sql_roles, circle, role_row, out);
}

/* ---- the hub's snapshot ---------------------------------------------- */

static enum kr_err walk_users(struct kr_store *st, const struct kr_dir_visitor *v)
{
	static const char sql[] =
	    "SELECT u.id, u.name, u.org_id, o.key FROM users u JOIN orgs o ON o.id = u.org_id";
	sqlite3_stmt *s = store_prepare(st, sql);
	int step;

	if (!s)
		return KR_EINTERNAL;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		v->user(v->ud, sqlite3_column_int64(s, 0), col_text(s, 1),
		        sqlite3_column_int64(s, 2), col_text(s, 3));
	sqlite3_reset(s);
	return store_err(st, step);
}

/* A circle of an unknown kind is still reported, with KR_CIRCLE_NONE, so
 * the policy gate fails closed on it. */
static enum kr_err walk_circles(struct kr_store *st, const struct kr_dir_visitor *v)
{
	static const char sql[] = "SELECT id, key, kind, policy_file FROM circles";
	sqlite3_stmt *s = store_prepare(st, sql);
	int step;

	if (!s)
		return KR_EINTERNAL;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		v->circle(v->ud, sqlite3_column_int64(s, 0), col_text(s, 1),
		          kr_circle_kind_parse(col_text(s, 2)),
		          sqlite3_column_type(s, 3) == SQLITE_NULL ? NULL : col_text(s, 3));
	sqlite3_reset(s);
	return store_err(st, step);
}

static enum kr_err walk_members(struct kr_store *st, const struct kr_dir_visitor *v)
{
	static const char sql[] = "SELECT circle_id, org_id FROM circle_orgs";
	sqlite3_stmt *s = store_prepare(st, sql);
	int step;

	if (!s)
		return KR_EINTERNAL;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		v->member(v->ud, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
	sqlite3_reset(s);
	return store_err(st, step);
}

/* Effective roles only; an unparseable role is skipped (no role at all). */
static enum kr_err walk_roles(struct kr_store *st, const struct kr_dir_visitor *v)
{
	sqlite3_stmt *s = store_prepare(st, sql_roles);
	int step;

	if (!s)
		return KR_EINTERNAL;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		enum kr_role role = kr_role_parse(col_text(s, 4));

		if (role != KR_ROLE_NONE)
			v->role(v->ud, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
			        role);
	}
	sqlite3_reset(s);
	return store_err(st, step);
}

enum kr_err store_dir_walk(struct kr_store *st, const struct kr_dir_visitor *v)
{
	bool snap = read_begin(st);
	enum kr_err rc = KR_OK;

	if (v->user)
		rc = walk_users(st, v);
	if (rc == KR_OK && v->circle)
		rc = walk_circles(st, v);
	if (rc == KR_OK && v->member)
		rc = walk_members(st, v);
	if (rc == KR_OK && v->role)
		rc = walk_roles(st, v);
	read_end(st, snap);
	return rc;
}

enum kr_err store_circle_set_policy(struct kr_store *st, const char *key, const char *policy_file)
{
	static const char sql[] = "UPDATE circles SET policy_file = ?2 WHERE key = ?1";
	struct tx tx = {0};
	sqlite3_stmt *s;
	enum kr_err rc = tx_begin(st, &tx);

	if (rc != KR_OK)
		goto out;
	rc = KR_EINTERNAL;
	s = store_prepare(st, sql);
	if (!s)
		goto out;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (policy_file)
		sqlite3_bind_text(s, 2, policy_file, -1, SQLITE_STATIC);
	rc = store_err(st, step_done(s));
	if (rc == KR_OK && sqlite3_changes(store_db(st)) == 0)
		rc = KR_ENOTFOUND;
out:
	return tx_end(st, &tx, rc);
}

enum kr_err store_policy_epoch_bump(struct kr_store *st)
{
	static const char sql[] = "UPDATE meta SET value = value + 1 WHERE key = 'policy_epoch'";
	struct tx tx = {0};
	sqlite3_stmt *s;
	enum kr_err rc = tx_begin(st, &tx);

	if (rc != KR_OK)
		goto out;
	rc = KR_EINTERNAL;
	s = store_prepare(st, sql);
	if (!s)
		goto out;
	rc = store_err(st, step_done(s));
out:
	return tx_end(st, &tx, rc);
}

enum kr_err store_org_identity(struct kr_store *st, int64_t org_id, json_t **out)
{
	static const char sql[] = "SELECT key, industry, employees, region FROM orgs WHERE id = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);
	json_t *obj = NULL;
	enum kr_err rc = KR_EINTERNAL;
	int step;

	*out = NULL;
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, org_id);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		obj = json_pack("{s:s}", "key", col_text(s, 0));
		if (obj && sqlite3_column_type(s, 1) != SQLITE_NULL)
			json_object_set_new(obj, "industry", json_string(col_text(s, 1)));
		if (obj && sqlite3_column_type(s, 2) != SQLITE_NULL)
			json_object_set_new(obj, "employees",
			                    json_integer(sqlite3_column_int64(s, 2)));
		if (obj && sqlite3_column_type(s, 3) != SQLITE_NULL)
			json_object_set_new(obj, "region", json_string(col_text(s, 3)));
	}
	sqlite3_reset(s);
	if (step == SQLITE_DONE)
		return KR_ENOTFOUND;
	if (step != SQLITE_ROW)
		return store_err(st, step);
	rc = obj ? org_terms_json(st, org_id, obj) : KR_EINTERNAL;
	if (rc == KR_OK)
		*out = obj;
	else
		json_decref(obj);
	return rc;
}

enum kr_err store_org_set_region(struct kr_store *st, const char *key, const char *region)
{
	static const char sql[] = "UPDATE orgs SET region = ?2 WHERE key = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC);
	rc = store_err(st, step_done(s));
	if (rc == KR_OK && sqlite3_changes(store_db(st)) == 0)
		rc = KR_ENOTFOUND;
	return rc;
}
