/*
 * store_certs.c - client certificates registered to users (see
 * store_certs.h). Each function is one statement or runs inside the
 * caller's transaction (admin commands hold one), so no partial change is
 * ever left behind.
 */
#include "store_certs.h"

#include <stdio.h>
#include <string.h>

static const char sql_user[] = "SELECT id FROM users WHERE name = ?1";

static const char *col_text(sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	return t ? t : "";
}

/* The id of user: KR_ENOTFOUND (err says) when there is none. */
static enum kr_err user_id(struct kr_store *st, const char *user, int64_t *id, char *err,
                           size_t errlen)
{
	sqlite3_stmt *s = store_prepare(st, sql_user);
	enum kr_err rc = KR_EINTERNAL;
	int step;

	*id = 0;
	if (!s)
		return rc;
	sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		rc = KR_OK;
	} else if (step == SQLITE_DONE) {
		rc = KR_ENOTFOUND;
		if (err)
			snprintf(err, errlen, "no user %s", user);
	} else {
		rc = store_err(st, step);
	}
	sqlite3_reset(s);
	return rc;
}

/* Who holds fp already: KR_OK with its name in owner, KR_ENOTFOUND. */
static enum kr_err holder(struct kr_store *st, const char *fp, char *owner, size_t len)
{
	static const char sql[] =
	    "SELECT u.name FROM user_certs c JOIN users u ON u.id = c.user_id "
	    "WHERE c.fingerprint = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc = KR_EINTERNAL;
	int step;

	if (!s)
		return rc;
	sqlite3_bind_text(s, 1, fp, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		snprintf(owner, len, "%s", col_text(s, 0));
		rc = KR_OK;
	} else {
		rc = step == SQLITE_DONE ? KR_ENOTFOUND : store_err(st, step);
	}
	sqlite3_reset(s);
	return rc;
}

enum kr_err store_cert_add(struct kr_store *st, const char *user, const struct kr_tlsc_info *c,
                           char *err, size_t errlen)
{
	static const char sql[] =
	    "INSERT INTO user_certs (fingerprint, user_id, subject, not_after) "
	    "VALUES (?1, ?2, ?3, ?4)";
	char owner[128], not_after[32];
	sqlite3_stmt *s;
	int64_t uid = 0;
	enum kr_err rc = user_id(st, user, &uid, err, errlen);
	int step;

	if (rc != KR_OK)
		return rc;
	rc = holder(st, c->fp, owner, sizeof(owner));
	if (rc == KR_OK) {
		snprintf(err, errlen, "the certificate sha256 %s is already registered to %s%s",
		         c->fp, owner, strcmp(owner, user) == 0 ? "" : "; remove it there first");
		return KR_EINVAL;
	}
	if (rc != KR_ENOTFOUND)
		return rc;
	s = store_prepare(st, sql);
	if (!s)
		return KR_EINTERNAL;
	tlsc_time_text(c->not_after, not_after, sizeof(not_after));
	sqlite3_bind_text(s, 1, c->fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, uid);
	sqlite3_bind_text(s, 3, c->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, not_after, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	return store_err(st, step);
}

enum kr_err store_cert_remove(struct kr_store *st, const char *user, const char *fp, char *err,
                              size_t errlen)
{
	static const char sql[] = "DELETE FROM user_certs WHERE fingerprint = ?1 AND user_id = ?2";
	sqlite3_stmt *s;
	int64_t uid = 0;
	enum kr_err rc = user_id(st, user, &uid, err, errlen);
	int step;

	if (rc != KR_OK)
		return rc;
	s = store_prepare(st, sql);
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, uid);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	rc = store_err(st, step);
	if (rc == KR_OK && sqlite3_changes(store_db(st)) == 0) {
		snprintf(err, errlen, "user %s has no certificate sha256 %s", user, fp);
		rc = KR_ENOTFOUND;
	}
	return rc;
}

enum kr_err store_cert_remove_all(struct kr_store *st, const char *user, int *count)
{
	static const char sql[] = "DELETE FROM user_certs WHERE user_id = ?1";
	sqlite3_stmt *s;
	int64_t uid = 0;
	enum kr_err rc = user_id(st, user, &uid, NULL, 0);
	int step;

	*count = 0;
	if (rc != KR_OK)
		return rc;
	s = store_prepare(st, sql);
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, uid);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	rc = store_err(st, step);
	if (rc == KR_OK)
		*count = sqlite3_changes(store_db(st));
	return rc;
}

enum kr_err store_cert_list(struct kr_store *st, const char *user, json_t **out)
{
	static const char sql[] = "SELECT u.name, c.fingerprint, c.subject, c.not_after, c.created "
	                          "FROM user_certs c JOIN users u ON u.id = c.user_id "
	                          "WHERE ?1 IS NULL OR u.id = ?1 ORDER BY c.created, c.rowid";
	sqlite3_stmt *s;
	int64_t uid = 0;
	enum kr_err rc = KR_OK;
	int step;

	*out = NULL;
	if (user)
		rc = user_id(st, user, &uid, NULL, 0);
	if (rc != KR_OK)
		return rc;
	s = store_prepare(st, sql);
	*out = json_array();
	if (!s || !*out) {
		json_decref(*out);
		*out = NULL;
		return KR_EINTERNAL;
	}
	if (user)
		sqlite3_bind_int64(s, 1, uid);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s}", "user", col_text(s, 0),
		                        "fingerprint", col_text(s, 1), "subject", col_text(s, 2),
		                        "not_after", col_text(s, 3), "added", col_text(s, 4));

		if (!row || json_array_append_new(*out, row) != 0) {
			step = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_reset(s);
	rc = step == SQLITE_DONE ? KR_OK : store_err(st, step);
	if (rc != KR_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

enum kr_err store_cert_lookup(struct kr_store *st, const char *fp, int64_t *user_id_out)
{
	static const char sql[] = "SELECT user_id FROM user_certs WHERE fingerprint = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc;
	int step;

	*user_id_out = 0;
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, fp, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		*user_id_out = sqlite3_column_int64(s, 0);
		rc = KR_OK;
	} else {
		rc = step == SQLITE_DONE ? KR_EAUTH : store_err(st, step);
	}
	sqlite3_reset(s);
	return rc;
}
