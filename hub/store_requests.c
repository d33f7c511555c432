/*
 * store_requests.c - permission requests (see store_requests.h).
 */
#include "store_requests.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#define REQUEST_COLUMNS                                                                            \
	"r.id, i.id, r.item_cursor, r.requester_user_id, i.author_user_id, r.action, "             \
	"r.to_circle_id, c.key, r.tlp, r.reason, r.status, r.decision_reason, r.created "
#define REQUEST_FROM                                                                               \
	"FROM permission_requests r JOIN items i ON i.cursor = r.item_cursor "                     \
	"LEFT JOIN circles c ON c.id = r.to_circle_id "

static const char *col(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i); /* NULL for SQL NULL */
}

/* The wire view of the row: no requester, no author. New reference. */
static json_t *row_view(sqlite3_stmt *s)
{
	return json_pack("{s:s, s:s, s:s, s:s*, s:s*, s:s*, s:s, s:s*, s:s}", "request_id",
	                 col(s, 0), "item_id", col(s, 1), "action", col(s, 5), "to", col(s, 7),
	                 "tlp", col(s, 8), "reason", col(s, 9), "status", col(s, 10),
	                 "decision_reason", col(s, 11), "created", col(s, 12));
}

static int request_id(char out[KR_REQUEST_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[8];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return 0;
	memcpy(out, "pr_", 3);
	for (size_t i = 0; i < sizeof(raw); i++) {
		out[3 + 2 * i] = hex[raw[i] >> 4];
		out[4 + 2 * i] = hex[raw[i] & 15];
	}
	out[KR_REQUEST_ID_LEN] = '\0';
	return 1;
}

enum kr_err store_request_add(struct kr_store *st, int64_t item_cursor, int64_t requester,
                              const char *action, int64_t to_circle_id, enum kr_tlp tlp,
                              const char *reason, char out[KR_REQUEST_ID_LEN + 1])
{
	static const char sql[] = "INSERT INTO permission_requests (id, item_cursor, "
	                          "requester_user_id, action, to_circle_id, tlp, reason) "
	                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	if (!s || !request_id(out))
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, out, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, item_cursor);
	sqlite3_bind_int64(s, 3, requester);
	sqlite3_bind_text(s, 4, action, -1, SQLITE_TRANSIENT);
	if (to_circle_id > 0)
		sqlite3_bind_int64(s, 5, to_circle_id);
	if (tlp != KR_TLP_NONE)
		sqlite3_bind_text(s, 6, kr_tlp_name(tlp), -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(s, 7, reason, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(s);
	sqlite3_reset(s);
	return src == SQLITE_DONE ? KR_OK : store_err(st, src);
}

enum kr_err store_request_get(struct kr_store *st, const char *id, struct kr_request *out)
{
	static const char sql[] = "SELECT " REQUEST_COLUMNS REQUEST_FROM "WHERE r.id = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc = KR_ENOTFOUND;
	int src;

	memset(out, 0, sizeof(*out));
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(s);
	if (src == SQLITE_ROW) {
		snprintf(out->id, sizeof(out->id), "%s", col(s, 0));
		snprintf(out->item_id, sizeof(out->item_id), "%s", col(s, 1));
		out->item_cursor = sqlite3_column_int64(s, 2);
		out->requester_user_id = sqlite3_column_int64(s, 3);
		out->author_user_id = sqlite3_column_int64(s, 4);
		snprintf(out->action, sizeof(out->action), "%s", col(s, 5));
		out->to_circle_id = sqlite3_column_int64(s, 6);
		out->tlp = kr_tlp_parse(col(s, 8));
		snprintf(out->status, sizeof(out->status), "%s", col(s, 10));
		out->view = row_view(s);
		rc = out->view ? KR_OK : KR_EINTERNAL;
	} else if (src != SQLITE_DONE) {
		rc = store_err(st, src);
	}
	sqlite3_reset(s);
	return rc;
}

void store_request_clear(struct kr_request *r)
{
	json_decref(r->view);
	memset(r, 0, sizeof(*r));
}

enum kr_err store_request_decide(struct kr_store *st, const char *id, bool grant,
                                 const char *reason)
{
	static const char sql[] = "UPDATE permission_requests SET status = ?2, "
	                          "decision_reason = ?3 WHERE id = ?1 AND status = 'pending'";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, grant ? "granted" : "refused", -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(s, 3, reason, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(s);
	sqlite3_reset(s);
	if (src != SQLITE_DONE)
		return store_err(st, src);
	return sqlite3_changes(store_db(st)) ? KR_OK : KR_ENOTFOUND;
}

static enum kr_err list(struct kr_store *st, const char *sql, int64_t user_id, json_t **out)
{
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	*out = json_array();
	if (!s || !*out)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, user_id);
	while ((src = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(*out, row_view(s));
	sqlite3_reset(s);
	return src == SQLITE_DONE ? KR_OK : store_err(st, src);
}

enum kr_err store_requests_for(struct kr_store *st, int64_t user_id, json_t **to_me, json_t **mine)
{
	static const char sql_to_me[] =
	    "SELECT " REQUEST_COLUMNS REQUEST_FROM
	    "WHERE i.author_user_id = ?1 ORDER BY r.rowid DESC LIMIT 200";
	static const char sql_mine[] = "SELECT " REQUEST_COLUMNS REQUEST_FROM
	                               "WHERE r.requester_user_id = ?1 ORDER BY r.rowid DESC "
	                               "LIMIT 200";
	enum kr_err rc = list(st, sql_to_me, user_id, to_me);

	if (rc == KR_OK)
		rc = list(st, sql_mine, user_id, mine);
	return rc;
}

enum kr_err store_requests_close(struct kr_store *st, int64_t item_cursor, const char *reason,
                                 json_t **closed)
{
	static const char sql_list[] = "SELECT r.id, r.requester_user_id " REQUEST_FROM
	                               "WHERE r.item_cursor = ?1 AND r.status = 'pending'";
	static const char sql_close[] =
	    "UPDATE permission_requests SET status = 'refused', decision_reason = ?2 "
	    "WHERE item_cursor = ?1 AND status = 'pending'";
	sqlite3_stmt *s = store_prepare(st, sql_list);
	int src;

	*closed = json_array();
	if (!s || !*closed)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, item_cursor);
	while ((src = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(*closed, json_pack("{s:s, s:I}", "id", col(s, 0), "requester",
		                                         (json_int_t)sqlite3_column_int64(s, 1)));
	sqlite3_reset(s);
	if (src != SQLITE_DONE)
		return store_err(st, src);
	s = store_prepare(st, sql_close);
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, item_cursor);
	sqlite3_bind_text(s, 2, reason, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(s);
	sqlite3_reset(s);
	return src == SQLITE_DONE ? KR_OK : store_err(st, src);
}
