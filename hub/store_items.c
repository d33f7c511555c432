/*
 * store_items.c - items, recipients and subscription cursors (see
 * store_items.h).
 */
#include "store_items.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define ITEM_COLUMNS                                                                               \
	"i.cursor, i.id, i.kind, i.circle_id, c.key, i.tlp, i.status, i.title, i.body, "           \
	"i.indicators, i.tags, i.created, i.author_user_id, i.author_org_id, i.created_at, "       \
	"i.forwarded_from, i.pseudonym, i.profile, i.alert, i.practice, i.event "

static const char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

static enum kr_err load_recipients(struct kr_store *st, int64_t cursor, int64_t **out, size_t *n)
{
	static const char sql[] = "SELECT user_id FROM item_recipients WHERE item_cursor = ?1 "
	                          "ORDER BY user_id";
	sqlite3_stmt *s = store_prepare(st, sql);
	int64_t *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, cursor);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			int64_t *g = realloc(v, (cap = cap ? cap * 2 : 4) * sizeof(*v));

			if (!g) {
				free(v);
				sqlite3_reset(s);
				return KR_EINTERNAL;
			}
			v = g;
		}
		v[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return store_err(st, rc);
	}
	*out = v;
	return KR_OK;
}

/* Build an item from a row selected with ITEM_COLUMNS. */
static enum kr_err item_from_row(struct kr_store *st, sqlite3_stmt *s, struct kr_item **out)
{
	struct kr_item_fields f = {0};
	json_t *ind = json_loads(col_text(s, 9), 0, NULL);
	json_t *tags = json_loads(col_text(s, 10), 0, NULL);
	int64_t *recipients = NULL;
	json_t *profile = NULL, *alert = NULL, *practice = NULL, *event = NULL;
	enum kr_err rc = KR_EINTERNAL;

	*out = NULL;
	if (!json_is_array(ind) || !json_is_array(tags))
		goto out;
	f.cursor = sqlite3_column_int64(s, 0);
	f.id = col_text(s, 1);
	f.kind = kr_kind_parse(col_text(s, 2));
	f.circle_id = sqlite3_column_int64(s, 3);
	f.circle_key = col_text(s, 4);
	f.tlp = kr_tlp_parse(col_text(s, 5));
	f.status = kr_status_parse(col_text(s, 6));
	f.title = col_text(s, 7);
	f.body = col_text(s, 8);
	f.indicators = ind;
	f.tags = tags;
	f.created = col_text(s, 11);
	f.author_user_id = sqlite3_column_int64(s, 12);
	f.author_org_id = sqlite3_column_int64(s, 13);
	f.created_at = sqlite3_column_int64(s, 14);
	f.forwarded_from = sqlite3_column_type(s, 15) == SQLITE_NULL ? NULL : col_text(s, 15);
	f.pseudonym = sqlite3_column_type(s, 16) == SQLITE_NULL ? NULL : col_text(s, 16);
	profile =
	    sqlite3_column_type(s, 17) == SQLITE_NULL ? NULL : json_loads(col_text(s, 17), 0, NULL);
	f.profile = profile;
	alert =
	    sqlite3_column_type(s, 18) == SQLITE_NULL ? NULL : json_loads(col_text(s, 18), 0, NULL);
	f.alert = alert;
	practice =
	    sqlite3_column_type(s, 19) == SQLITE_NULL ? NULL : json_loads(col_text(s, 19), 0, NULL);
	f.practice = practice;
	event =
	    sqlite3_column_type(s, 20) == SQLITE_NULL ? NULL : json_loads(col_text(s, 20), 0, NULL);
	f.event = event;
	if (f.tlp == KR_TLP_RED) {
		rc = load_recipients(st, f.cursor, &recipients, &f.n_recipients);
		if (rc != KR_OK)
			goto out;
		f.recipients = recipients;
	}
	*out = item_new(&f);
	rc = *out ? KR_OK : KR_EINTERNAL;
out:
	free(recipients);
	json_decref(profile);
	json_decref(alert);
	json_decref(practice);
	json_decref(event);
	json_decref(ind);
	json_decref(tags);
	return rc;
}

static void utc_time(int64_t when, char buf[32])
{
	time_t t = (time_t)when;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static enum kr_err insert_recipients(struct kr_store *st, int64_t cursor,
                                     const struct kr_item_new *in)
{
	static const char sql[] =
	    "INSERT OR IGNORE INTO item_recipients (item_cursor, user_id) VALUES (?1, ?2)";

	for (size_t i = 0; i < in->n_recipients; i++) {
		sqlite3_stmt *s = store_prepare(st, sql);
		int rc;

		if (!s)
			return KR_EINTERNAL;
		sqlite3_bind_int64(s, 1, cursor);
		sqlite3_bind_int64(s, 2, in->recipients[i]);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return store_err(st, rc);
	}
	return KR_OK;
}

enum kr_err store_item_insert(struct kr_store *st, const struct kr_item_new *in,
                              struct kr_item **out)
{
	static const char sql[] =
	    "INSERT INTO items (id, kind, circle_id, tlp, status, title, body, indicators, "
	    "tags, author_user_id, author_org_id, created, created_at, forwarded_from, pseudonym, "
	    "profile, alert, practice, event) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
	    "?18, ?19)";
	char id[KR_ITEM_ID_LEN + 1], created[32];
	int64_t created_at = (int64_t)time(NULL);
	char *ind = NULL, *tags = NULL, *profile = NULL, *alert = NULL, *practice = NULL,
	     *event = NULL;
	sqlite3_stmt *s;
	int64_t cursor;
	enum kr_err rc = KR_EINTERNAL;
	int src;

	*out = NULL;
	ind = json_dumps(in->indicators, JSON_COMPACT);
	profile = in->profile ? json_dumps(in->profile, JSON_COMPACT) : NULL;
	alert = in->alert ? json_dumps(in->alert, JSON_COMPACT) : NULL;
	practice = in->practice ? json_dumps(in->practice, JSON_COMPACT) : NULL;
	event = in->event ? json_dumps(in->event, JSON_COMPACT) : NULL;
	tags = json_dumps(in->tags, JSON_COMPACT);
	if (!ind || !tags || (in->alert && !alert) || (in->practice && !practice) ||
	    (in->event && !event) || !item_id_generate(id))
		goto out;
	/* Readers see the creation time only as finely as the policy allows. */
	utc_time(in->created_round > 1 ? created_at - created_at % in->created_round : created_at,
	         created);
	rc = store_begin(st);
	if (rc != KR_OK)
		goto out;
	s = store_prepare(st, sql);
	if (!s) {
		rc = KR_EINTERNAL;
		goto rollback;
	}
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kr_kind_name(in->kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, in->circle_id);
	sqlite3_bind_text(s, 4, kr_tlp_name(in->tlp), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, kr_status_name(in->status), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, in->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, in->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, ind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, tags, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 10, in->author_user_id);
	sqlite3_bind_int64(s, 11, in->author_org_id);
	sqlite3_bind_text(s, 12, created, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 13, created_at);
	if (in->forwarded_from)
		sqlite3_bind_text(s, 14, in->forwarded_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 15, in->pseudonym, -1, SQLITE_STATIC);
	if (profile)
		sqlite3_bind_text(s, 16, profile, -1, SQLITE_STATIC);
	if (alert)
		sqlite3_bind_text(s, 17, alert, -1, SQLITE_STATIC);
	if (practice)
		sqlite3_bind_text(s, 18, practice, -1, SQLITE_STATIC);
	if (event)
		sqlite3_bind_text(s, 19, event, -1, SQLITE_STATIC);
	src = sqlite3_step(s);
	sqlite3_reset(s);
	if (src != SQLITE_DONE) {
		rc = store_err(st, src);
		goto rollback;
	}
	cursor = sqlite3_last_insert_rowid(store_db(st));
	rc = insert_recipients(st, cursor, in);
	if (rc != KR_OK)
		goto rollback;
	rc = store_commit(st);
	if (rc != KR_OK)
		goto out;
	rc = store_item_get(st, id, out);
	goto out;
rollback:
	store_rollback(st);
out:
	free(ind);
	free(tags);
	free(profile);
	free(alert);
	free(practice);
	free(event);
	return rc;
}

enum kr_err store_item_get(struct kr_store *st, const char *id, struct kr_item **out)
{
	static const char sql[] =
	    "SELECT " ITEM_COLUMNS
	    "FROM items i JOIN circles c ON c.id = i.circle_id WHERE i.id = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc;
	int src;

	*out = NULL;
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(s);
	if (src == SQLITE_ROW)
		rc = item_from_row(st, s, out);
	else if (src == SQLITE_DONE)
		rc = KR_ENOTFOUND;
	else
		rc = store_err(st, src);
	sqlite3_reset(s);
	return rc;
}

/*
 * Step a prepared SELECT of ITEM_COLUMNS, handing each row as an item to cb
 * until it returns non-zero; *last (may be NULL) gets the last cursor
 * handed over. Resets the statement.
 */
static enum kr_err each_item(struct kr_store *st, sqlite3_stmt *s, store_item_cb cb, void *ud,
                             int64_t *last)
{
	enum kr_err rc = KR_OK;
	int src;

	while ((src = sqlite3_step(s)) == SQLITE_ROW) {
		struct kr_item *it;
		int stop;

		rc = item_from_row(st, s, &it);
		if (rc != KR_OK)
			break;
		if (last)
			*last = it->cursor;
		stop = cb(ud, it);
		item_unref(it);
		if (stop)
			break;
	}
	if (rc == KR_OK && src != SQLITE_ROW && src != SQLITE_DONE)
		rc = store_err(st, src);
	sqlite3_reset(s);
	return rc;
}

enum kr_err store_items_after(struct kr_store *st, const int64_t *circles, size_t n_circles,
                              int64_t after, int limit, store_item_cb cb, void *ud, int64_t *last)
{
	static const char sql[] =
	    "SELECT " ITEM_COLUMNS "FROM items i JOIN circles c ON c.id = i.circle_id "
	    "WHERE i.cursor > ?1 AND i.circle_id IN (SELECT value FROM json_each(?2)) "
	    "ORDER BY i.cursor LIMIT ?3";
	json_t *ids = json_array();
	char *ids_text = NULL;
	sqlite3_stmt *s;
	enum kr_err rc = KR_EINTERNAL;

	if (!ids)
		return KR_EINTERNAL;
	for (size_t i = 0; i < n_circles; i++)
		json_array_append_new(ids, json_integer(circles[i]));
	ids_text = json_dumps(ids, JSON_COMPACT);
	s = store_prepare(st, sql);
	if (!ids_text || !s)
		goto out;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_text(s, 2, ids_text, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, limit);
	rc = each_item(st, s, cb, ud, last);
out:
	free(ids_text);
	json_decref(ids);
	return rc;
}

enum kr_err store_cursor_max(struct kr_store *st, int64_t *out)
{
	return store_int64(st, "SELECT coalesce(max(cursor), 0) FROM items", NULL, 0, out);
}

enum kr_err store_sub_cursor_get(struct kr_store *st, int64_t user_id, const char *name,
                                 int64_t *cursor)
{
	static const char sql[] = "SELECT cursor FROM sub_cursors WHERE user_id = ?1 AND name = ?2";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	*cursor = 0;
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, user_id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(s);
	if (src == SQLITE_ROW)
		*cursor = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (src == SQLITE_ROW || src == SQLITE_DONE) ? KR_OK : store_err(st, src);
}

enum kr_err store_sub_cursor_set(struct kr_store *st, int64_t user_id, const char *name,
                                 int64_t cursor)
{
	static const char sql[] =
	    "INSERT INTO sub_cursors (user_id, name, cursor) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (user_id, name) DO UPDATE SET cursor = max(cursor, excluded.cursor)";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, user_id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, cursor);
	src = sqlite3_step(s);
	sqlite3_reset(s);
	return src == SQLITE_DONE ? KR_OK : store_err(st, src);
}

/* Run a prepared statement to completion; KR_ENOTFOUND when it changed no row. */
static enum kr_err step_changes(struct kr_store *st, sqlite3_stmt *s)
{
	int src = sqlite3_step(s);

	sqlite3_reset(s);
	if (src != SQLITE_DONE)
		return store_err(st, src);
	return sqlite3_changes(store_db(st)) > 0 ? KR_OK : KR_ENOTFOUND;
}

enum kr_err store_item_set_status(struct kr_store *st, int64_t cursor, enum kr_status status,
                                  const char *reason)
{
	static const char sql[] =
	    "UPDATE items SET status = ?2, status_reason = ?3 WHERE cursor = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, cursor);
	sqlite3_bind_text(s, 2, kr_status_name(status), -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(s, 3, reason, -1, SQLITE_TRANSIENT);
	return step_changes(st, s);
}

/* Bind a text or JSON value of edit[field] to parameter i (NULL: keep). */
static void bind_edit(sqlite3_stmt *s, int i, const json_t *edit, const char *field)
{
	const json_t *v = json_object_get(edit, field);
	char *text;

	if (json_is_string(v)) {
		sqlite3_bind_text(s, i, json_string_value(v), -1, SQLITE_TRANSIENT);
	} else if (v && (text = json_dumps(v, JSON_COMPACT)) != NULL) {
		sqlite3_bind_text(s, i, text, -1, SQLITE_TRANSIENT);
		free(text);
	}
}

enum kr_err store_item_edit(struct kr_store *st, int64_t cursor, const json_t *edit)
{
	static const char sql[] =
	    "UPDATE items SET title = coalesce(?2, title), body = coalesce(?3, body), "
	    "indicators = coalesce(?4, indicators), tags = coalesce(?5, tags), "
	    "practice = coalesce(?6, practice) "
	    "WHERE cursor = ?1 AND status = 'pending'";
	sqlite3_stmt *s = store_prepare(st, sql);

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, cursor);
	bind_edit(s, 2, edit, "title");
	bind_edit(s, 3, edit, "body");
	bind_edit(s, 4, edit, "indicators");
	bind_edit(s, 5, edit, "tags");
	bind_edit(s, 6, edit, "practice");
	return step_changes(st, s);
}

/* The statements of a republication, in order; ?1 old cursor, ?2 new cursor. */
static const char sql_mark_old[] = "UPDATE items SET id = id || '~' WHERE cursor = ?1";
static const char sql_copy[] =
    "INSERT INTO items (id, kind, circle_id, tlp, status, title, body, indicators, tags, "
    "author_user_id, author_org_id, created, created_at, forwarded_from, status_reason, "
    "pseudonym, profile, alert, practice, event) "
    "SELECT ?2, kind, circle_id, coalesce(?3, tlp), 'published', title, body, indicators, "
    "tags, author_user_id, author_org_id, created, created_at, forwarded_from, ?4, pseudonym, "
    "profile, alert, practice, event "
    "FROM items WHERE cursor = ?1";
static const char sql_move_recipients[] =
    "UPDATE item_recipients SET item_cursor = ?2 WHERE item_cursor = ?1";
static const char sql_move_requests[] =
    "UPDATE permission_requests SET item_cursor = ?2 WHERE item_cursor = ?1";
static const char sql_drop_old[] = "DELETE FROM items WHERE cursor = ?1";
static const char sql_drop_recipients[] = "DELETE FROM item_recipients WHERE item_cursor = ?1 AND "
                                          "(SELECT tlp FROM items WHERE cursor = ?1) <> 'RED'";

static enum kr_err run2(struct kr_store *st, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	src = sqlite3_step(s);
	sqlite3_reset(s);
	return src == SQLITE_DONE ? KR_OK : store_err(st, src);
}

static enum kr_err copy_item(struct kr_store *st, int64_t old, const char *id, enum kr_tlp tlp,
                             const char *reason, int64_t *fresh)
{
	sqlite3_stmt *s = store_prepare(st, sql_copy);
	enum kr_err rc;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, old);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_TRANSIENT);
	if (tlp != KR_TLP_NONE)
		sqlite3_bind_text(s, 3, kr_tlp_name(tlp), -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(s, 4, reason, -1, SQLITE_TRANSIENT);
	rc = step_changes(st, s);
	*fresh = sqlite3_last_insert_rowid(store_db(st));
	return rc;
}

enum kr_err store_item_republish_tx(struct kr_store *st, const struct kr_item *it, enum kr_tlp tlp,
                                    const char *reason)
{
	int64_t old = it->cursor, fresh = 0;
	enum kr_err rc = run2(st, sql_mark_old, old, 0);

	if (rc == KR_OK)
		rc = copy_item(st, old, it->id, tlp, reason, &fresh);
	if (rc == KR_OK)
		rc = run2(st, sql_move_recipients, old, fresh);
	if (rc == KR_OK)
		rc = run2(st, sql_move_requests, old, fresh);
	if (rc == KR_OK)
		rc = run2(st, sql_drop_old, old, 0);
	if (rc == KR_OK)
		rc = run2(st, sql_drop_recipients, fresh, 0);
	return rc;
}

enum kr_err store_item_republish(struct kr_store *st, const struct kr_item *it, enum kr_tlp tlp,
                                 const char *reason, const json_t *edit, struct kr_item **out)
{
	enum kr_err rc;

	*out = NULL;
	rc = store_begin(st);
	if (rc != KR_OK)
		return rc;
	if (edit)
		rc = store_item_edit(st, it->cursor, edit);
	if (rc == KR_OK)
		rc = store_item_republish_tx(st, it, tlp, reason);
	if (rc != KR_OK) {
		store_rollback(st);
		return rc;
	}
	rc = store_commit(st);
	return rc == KR_OK ? store_item_get(st, it->id, out) : rc;
}

enum kr_err store_items_pending(struct kr_store *st, int64_t circle_id, int limit, store_item_cb cb,
                                void *ud)
{
	static const char sql[] =
	    "SELECT " ITEM_COLUMNS "FROM items i JOIN circles c ON c.id = i.circle_id "
	    "WHERE i.circle_id = ?1 AND i.status = 'pending' "
	    "ORDER BY i.cursor LIMIT ?2";
	sqlite3_stmt *s = store_prepare(st, sql);

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, circle_id);
	sqlite3_bind_int(s, 2, limit);
	return each_item(st, s, cb, ud, NULL);
}

/* count(*) of one of the two queries below, at most limit. */
static enum kr_err count_upto(struct kr_store *st, const char *sql, int64_t user_id,
                              int64_t circle_id, int64_t since, int64_t limit, int64_t *count)
{
	const int64_t args[] = {user_id, circle_id, since, limit};

	return store_int64(st, sql, args, 4, count);
}

enum kr_err store_posts_reached(struct kr_store *st, int64_t user_id, int64_t circle_id,
                                int64_t since, int64_t limit, bool *reached)
{
	/* Every column in items_by_author: answered from the index. It also
	 * counts forwarded copies, so it is never below the real count. */
	static const char upper[] =
	    "SELECT count(*) FROM (SELECT 1 FROM items WHERE author_user_id = ?1 AND "
	    "circle_id = ?2 AND created_at >= ?3 LIMIT ?4)";
	static const char exact[] =
	    "SELECT count(*) FROM (SELECT 1 FROM items WHERE author_user_id = ?1 AND "
	    "circle_id = ?2 AND created_at >= ?3 AND forwarded_from IS NULL LIMIT ?4)";
	int64_t n = 0;
	enum kr_err rc;

	*reached = false;
	if (limit <= 0)
		return KR_OK;
	rc = count_upto(st, upper, user_id, circle_id, since, limit, &n);
	if (rc == KR_OK && n >= limit)
		rc = count_upto(st, exact, user_id, circle_id, since, limit, &n);
	*reached = rc == KR_OK && n >= limit;
	return rc;
}

enum kr_err store_item_copy_exists(struct kr_store *st, const char *original_id, int64_t circle_id,
                                   bool *exists)
{
	static const char sql[] = "SELECT 1 FROM items WHERE forwarded_from = ?1 AND "
	                          "circle_id = ?2 AND status <> 'retracted' LIMIT 1";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	*exists = false;
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, original_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, circle_id);
	src = sqlite3_step(s);
	*exists = src == SQLITE_ROW;
	sqlite3_reset(s);
	return (src == SQLITE_ROW || src == SQLITE_DONE) ? KR_OK : store_err(st, src);
}

enum kr_err store_items_latest(struct kr_store *st, int64_t circle_id, int limit, store_item_cb cb,
                               void *ud)
{
	static const char sql[] =
	    "SELECT " ITEM_COLUMNS "FROM items i JOIN circles c ON c.id = i.circle_id "
	    "WHERE i.circle_id = ?1 AND i.status = 'published' "
	    "AND i.tlp = 'CLEAR' AND i.forwarded_from IS NULL "
	    "ORDER BY i.cursor DESC LIMIT ?2";
	sqlite3_stmt *s = store_prepare(st, sql);

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, circle_id);
	sqlite3_bind_int(s, 2, limit);
	return each_item(st, s, cb, ud, NULL);
}

enum kr_err store_items_with_indicator(struct kr_store *st, const char *type, const char *value,
                                       int limit, store_item_cb cb, void *ud)
{
	static const char sql[] =
	    "SELECT " ITEM_COLUMNS "FROM item_indicators x "
	    "JOIN items i ON i.cursor = x.item_cursor JOIN circles c ON c.id = i.circle_id "
	    "WHERE x.type = ?1 AND x.value = ?2 ORDER BY x.item_cursor DESC LIMIT ?3";
	sqlite3_stmt *s = store_prepare(st, sql);

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, limit);
	return each_item(st, s, cb, ud, NULL);
}

enum kr_err store_item_stamps(struct kr_store *st, int64_t circle_id, int64_t after,
                              store_stamp_cb cb, void *ud)
{
	static const char sql[] =
	    "SELECT cursor, tlp, kind, author_user_id, author_org_id, created_at, "
	    "forwarded_from IS NOT NULL, created FROM items "
	    "WHERE circle_id = ?1 AND cursor > ?2 AND status = 'published' ORDER BY cursor";
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc = KR_OK;
	int src;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, circle_id);
	sqlite3_bind_int64(s, 2, after);
	while ((src = sqlite3_step(s)) == SQLITE_ROW) {
		struct kr_item_stamp row = {0};
		int64_t *recipients = NULL;
		int stop;

		row.cursor = sqlite3_column_int64(s, 0);
		row.meta = (struct kr_item_meta){
		    .tlp = kr_tlp_parse(col_text(s, 1)),
		    .status = KR_STATUS_PUBLISHED,
		    .kind = kr_kind_parse(col_text(s, 2)),
		    .circle_id = circle_id,
		    .author_user_id = sqlite3_column_int64(s, 3),
		    .author_org_id = sqlite3_column_int64(s, 4),
		    .created_at = sqlite3_column_int64(s, 5),
		    .forwarded = sqlite3_column_int(s, 6) != 0,
		};
		row.created = col_text(s, 7);
		if (row.meta.tlp == KR_TLP_RED) {
			rc = load_recipients(st, row.cursor, &recipients, &row.meta.n_recipients);
			if (rc != KR_OK)
				break;
			row.meta.recipients = recipients;
		}
		stop = cb(ud, &row);
		free(recipients);
		if (stop)
			break;
	}
	if (rc == KR_OK && src != SQLITE_ROW && src != SQLITE_DONE)
		rc = store_err(st, src);
	sqlite3_reset(s);
	return rc;
}

/* The candidates of a search: access metadata, then the indexed texts. */
#define SEARCH_COLUMNS                                                                             \
	"i.cursor, i.id, i.kind, i.circle_id, i.tlp, i.status, i.author_user_id, "                 \
	"i.author_org_id, i.created_at, i.forwarded_from IS NOT NULL, "                            \
	"f.title, f.tags, f.body, f.situation, f.steps, f.outcome "

/* ?1 the MATCH expression (first variant only), then the filters. */
#define SEARCH_FILTERS                                                                             \
	"i.status = 'published' "                                                                  \
	"AND (?2 IS NULL OR i.kind = ?2) AND (?3 IS NULL OR i.circle_id = ?3) "                    \
	"AND (?4 IS NULL OR json_extract(i.practice, '$.directive') = ?4) "                        \
	"AND (?5 IS NULL OR json_extract(i.practice, '$.industry') = ?5)"

/* Hand the candidate in the current row of s to cb; its return value, or
 * -1 when the recipients of a RED item could not be read. */
static int search_row(struct kr_store *st, sqlite3_stmt *s, store_candidate_cb cb, void *ud)
{
	struct kr_search_candidate c = {0};
	int64_t *recipients = NULL;
	int stop;

	c.cursor = sqlite3_column_int64(s, 0);
	c.id = col_text(s, 1);
	c.meta = (struct kr_item_meta){
	    .kind = kr_kind_parse(col_text(s, 2)),
	    .circle_id = sqlite3_column_int64(s, 3),
	    .tlp = kr_tlp_parse(col_text(s, 4)),
	    .status = kr_status_parse(col_text(s, 5)),
	    .author_user_id = sqlite3_column_int64(s, 6),
	    .author_org_id = sqlite3_column_int64(s, 7),
	    .created_at = sqlite3_column_int64(s, 8),
	    .forwarded = sqlite3_column_int(s, 9) != 0,
	};
	for (int i = 0; i < 6; i++)
		c.text[i] = (const char *)sqlite3_column_text(s, 10 + i);
	if (c.meta.tlp == KR_TLP_RED) {
		if (load_recipients(st, c.cursor, &recipients, &c.meta.n_recipients) != KR_OK)
			return -1;
		c.meta.recipients = recipients;
	}
	stop = cb(ud, &c);
	free(recipients);
	return stop;
}

enum kr_err store_items_search(struct kr_store *st, const struct kr_store_search *q,
                               store_candidate_cb cb, void *ud)
{
	static const char sql_match[] =
	    "SELECT " SEARCH_COLUMNS "FROM items_fts f JOIN items i ON i.cursor = f.rowid "
	    "WHERE items_fts MATCH ?1 AND " SEARCH_FILTERS;
	static const char sql_scan[] =
	    "SELECT " SEARCH_COLUMNS "FROM items_fts f JOIN items i ON i.cursor = f.rowid "
	    "WHERE ?1 IS NULL AND " SEARCH_FILTERS;
	sqlite3_stmt *s = store_prepare(st, q->fts ? sql_match : sql_scan);
	enum kr_err rc = KR_OK;
	int src, stop;

	if (!s)
		return KR_EINTERNAL;
	if (q->fts)
		sqlite3_bind_text(s, 1, q->fts, -1, SQLITE_TRANSIENT);
	if (q->kind != KR_KIND_NONE)
		sqlite3_bind_text(s, 2, kr_kind_name(q->kind), -1, SQLITE_STATIC);
	if (q->circle_id > 0)
		sqlite3_bind_int64(s, 3, q->circle_id);
	if (q->directive > 0)
		sqlite3_bind_int(s, 4, q->directive);
	if (q->industry)
		sqlite3_bind_text(s, 5, q->industry, -1, SQLITE_TRANSIENT);
	while ((src = sqlite3_step(s)) == SQLITE_ROW) {
		stop = search_row(st, s, cb, ud);
		if (stop < 0)
			rc = KR_EINTERNAL;
		if (stop)
			break;
	}
	if (rc == KR_OK && src != SQLITE_ROW && src != SQLITE_DONE)
		rc = store_err(st, src);
	sqlite3_reset(s);
	return rc;
}
