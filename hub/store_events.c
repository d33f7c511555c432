/*
 * store_events.c - events, RSVPs, reminders and kept notices (see
 * store_events.h).
 */
#include "store_events.h"

#include <stdlib.h>
#include <string.h>

const char *kr_rsvp_name(enum kr_rsvp r)
{
	switch (r) {
	case KR_RSVP_ATTENDING:
		return "attending";
	case KR_RSVP_WAITLISTED:
		return "waitlisted";
	case KR_RSVP_NONE:
		break;
	}
	return "none";
}

static enum kr_rsvp rsvp_parse(const unsigned char *s)
{
	if (s && strcmp((const char *)s, "attending") == 0)
		return KR_RSVP_ATTENDING;
	if (s && strcmp((const char *)s, "waitlisted") == 0)
		return KR_RSVP_WAITLISTED;
	return KR_RSVP_NONE;
}

/* Step a statement that returns nothing; reset it. */
static enum kr_err step_done(struct kr_store *st, sqlite3_stmt *s)
{
	int src = sqlite3_step(s);

	sqlite3_reset(s);
	return src == SQLITE_DONE ? KR_OK : store_err(st, src);
}

enum kr_err store_event_state(struct kr_store *st, const char *item_id, struct kr_event_state *out)
{
	static const char sql[] =
	    "SELECT e.start_utc, e.end_utc, coalesce(e.deadline_utc, 0), e.capacity, e.sequence, "
	    "e.cancelled, "
	    "(SELECT count(*) FROM event_rsvps r WHERE r.item_id = e.item_id AND "
	    "r.status = 'attending'), "
	    "(SELECT count(*) FROM event_rsvps r WHERE r.item_id = e.item_id AND "
	    "r.status = 'waitlisted') "
	    "FROM events e WHERE e.item_id = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	memset(out, 0, sizeof(*out));
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, item_id, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(s);
	if (src == SQLITE_ROW) {
		out->start = sqlite3_column_int64(s, 0);
		out->end = sqlite3_column_int64(s, 1);
		out->deadline = sqlite3_column_int64(s, 2);
		out->capacity = sqlite3_column_int64(s, 3);
		out->sequence = sqlite3_column_int64(s, 4);
		out->cancelled = sqlite3_column_int(s, 5) != 0;
		out->attending = sqlite3_column_int64(s, 6);
		out->waitlisted = sqlite3_column_int64(s, 7);
	}
	sqlite3_reset(s);
	if (src == SQLITE_DONE)
		return KR_ENOTFOUND;
	return src == SQLITE_ROW ? KR_OK : store_err(st, src);
}

enum kr_err store_event_change(struct kr_store *st, const struct kr_item *it, const char *title,
                               const char *body, const json_t *tags, const json_t *event,
                               struct kr_item **out)
{
	static const char sql[] = "UPDATE items SET title = ?2, body = ?3, tags = ?4, event = ?5 "
	                          "WHERE cursor = ?1 AND status = 'published' AND kind = 'event'";
	char *tags_text = json_dumps(tags, JSON_COMPACT);
	char *event_text = json_dumps(event, JSON_COMPACT);
	sqlite3_stmt *s;
	enum kr_err rc = KR_EINTERNAL;

	*out = NULL;
	if (!tags_text || !event_text)
		goto out;
	rc = store_begin(st);
	if (rc != KR_OK)
		goto out;
	s = store_prepare(st, sql);
	if (!s) {
		rc = KR_EINTERNAL;
		goto rollback;
	}
	sqlite3_bind_int64(s, 1, it->cursor);
	sqlite3_bind_text(s, 2, title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, body, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, tags_text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, event_text, -1, SQLITE_TRANSIENT);
	rc = step_done(st, s);
	if (rc == KR_OK && sqlite3_changes(store_db(st)) == 0)
		rc = KR_ENOTFOUND;
	if (rc == KR_OK)
		rc = store_item_republish_tx(st, it, KR_TLP_NONE, NULL);
	if (rc != KR_OK)
		goto rollback;
	rc = store_commit(st);
	if (rc == KR_OK)
		rc = store_item_get(st, it->id, out);
	goto out;
rollback:
	store_rollback(st);
out:
	free(tags_text);
	free(event_text);
	return rc;
}

/* The user's RSVP inside the current transaction (or none). */
static enum kr_err rsvp_get(struct kr_store *st, const char *item_id, int64_t user_id,
                            enum kr_rsvp *status, int64_t *position)
{
	static const char sql[] =
	    "SELECT r.status, CASE WHEN r.status = 'waitlisted' THEN "
	    "(SELECT count(*) FROM event_rsvps w WHERE w.item_id = r.item_id AND "
	    "w.status = 'waitlisted' AND w.seq <= r.seq) ELSE 0 END "
	    "FROM event_rsvps r WHERE r.item_id = ?1 AND r.user_id = ?2";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	*status = KR_RSVP_NONE;
	*position = 0;
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, item_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, user_id);
	src = sqlite3_step(s);
	if (src == SQLITE_ROW) {
		*status = rsvp_parse(sqlite3_column_text(s, 0));
		*position = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return src == SQLITE_ROW || src == SQLITE_DONE ? KR_OK : store_err(st, src);
}

enum kr_err store_rsvp_get(struct kr_store *st, const char *item_id, int64_t user_id,
                           enum kr_rsvp *status, int64_t *position)
{
	return rsvp_get(st, item_id, user_id, status, position);
}

enum kr_err store_rsvp_join(struct kr_store *st, const char *item_id, int64_t user_id, int64_t now,
                            enum kr_rsvp *status, int64_t *position, bool *created)
{
	/* One statement decides the seat: it counts the attending rows and
	 * inserts in the same step, under the write lock of BEGIN IMMEDIATE. */
	static const char sql[] =
	    "INSERT INTO event_rsvps (item_id, user_id, status, created_at) "
	    "SELECT e.item_id, ?2, CASE WHEN (e.capacity = 0 OR (SELECT count(*) FROM "
	    "event_rsvps a WHERE a.item_id = e.item_id AND a.status = 'attending') < e.capacity) "
	    "AND NOT EXISTS (SELECT 1 FROM event_rsvps w WHERE w.item_id = e.item_id AND "
	    "w.status = 'waitlisted') THEN 'attending' ELSE 'waitlisted' END, ?3 "
	    "FROM events e WHERE e.item_id = ?1 AND e.cancelled = 0 "
	    "ON CONFLICT (item_id, user_id) DO NOTHING";
	sqlite3_stmt *s;
	enum kr_err rc;

	*created = false;
	rc = store_begin(st);
	if (rc != KR_OK)
		return rc;
	s = store_prepare(st, sql);
	rc = s ? KR_OK : KR_EINTERNAL;
	if (rc == KR_OK) {
		sqlite3_bind_text(s, 1, item_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 2, user_id);
		sqlite3_bind_int64(s, 3, now);
		rc = step_done(st, s);
	}
	if (rc == KR_OK) {
		*created = sqlite3_changes(store_db(st)) > 0;
		rc = rsvp_get(st, item_id, user_id, status, position);
	}
	if (rc == KR_OK && *status == KR_RSVP_NONE)
		rc = KR_ENOTFOUND; /* not an event, or cancelled */
	if (rc != KR_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st);
}

/* Promote the first waitlisted into free seats, inside the transaction. */
static enum kr_err promote(struct kr_store *st, const char *item_id, int64_t **promoted, size_t *n)
{
	static const char sql[] =
	    "UPDATE event_rsvps SET status = 'attending' WHERE seq = (SELECT w.seq FROM "
	    "event_rsvps w WHERE w.item_id = ?1 AND w.status = 'waitlisted' ORDER BY w.seq "
	    "LIMIT 1) AND EXISTS (SELECT 1 FROM events e WHERE e.item_id = ?1 AND "
	    "e.cancelled = 0 AND (e.capacity = 0 OR (SELECT count(*) FROM event_rsvps a WHERE "
	    "a.item_id = ?1 AND a.status = 'attending') < e.capacity)) RETURNING user_id";
	size_t cap = 0;

	*promoted = NULL;
	*n = 0;
	for (;;) {
		sqlite3_stmt *s = store_prepare(st, sql);
		int64_t uid = 0;
		int src;

		if (!s)
			return KR_EINTERNAL;
		sqlite3_bind_text(s, 1, item_id, -1, SQLITE_TRANSIENT);
		src = sqlite3_step(s);
		if (src == SQLITE_ROW) {
			uid = sqlite3_column_int64(s, 0);
			src = sqlite3_step(s);
		}
		sqlite3_reset(s);
		if (src != SQLITE_DONE)
			return store_err(st, src);
		if (!uid)
			return KR_OK;
		if (*n == cap) {
			int64_t *g =
			    realloc(*promoted, (cap = cap ? cap * 2 : 4) * sizeof(int64_t));

			if (!g)
				return KR_EINTERNAL;
			*promoted = g;
		}
		(*promoted)[(*n)++] = uid;
	}
}

enum kr_err store_rsvp_cancel(struct kr_store *st, const char *item_id, int64_t user_id,
                              enum kr_rsvp *was, int64_t **promoted, size_t *n)
{
	static const char sql[] = "DELETE FROM event_rsvps WHERE item_id = ?1 AND user_id = ?2";
	sqlite3_stmt *s;
	int64_t position;
	enum kr_err rc;

	*promoted = NULL;
	*n = 0;
	rc = store_begin(st);
	if (rc != KR_OK)
		return rc;
	rc = rsvp_get(st, item_id, user_id, was, &position);
	if (rc == KR_OK && *was != KR_RSVP_NONE) {
		s = store_prepare(st, sql);
		rc = s ? KR_OK : KR_EINTERNAL;
		if (rc == KR_OK) {
			sqlite3_bind_text(s, 1, item_id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(s, 2, user_id);
			rc = step_done(st, s);
		}
		if (rc == KR_OK)
			rc = promote(st, item_id, promoted, n);
	}
	if (rc != KR_OK) {
		store_rollback(st);
		free(*promoted);
		*promoted = NULL;
		*n = 0;
		return rc;
	}
	rc = store_commit(st);
	if (rc != KR_OK) {
		free(*promoted);
		*promoted = NULL;
		*n = 0;
	}
	return rc;
}

enum kr_err store_rsvp_promote(struct kr_store *st, const char *item_id, int64_t **promoted,
                               size_t *n)
{
	enum kr_err rc = store_begin(st);

	*promoted = NULL;
	*n = 0;
	if (rc == KR_OK)
		rc = promote(st, item_id, promoted, n);
	if (rc == KR_OK)
		rc = store_commit(st);
	else
		store_rollback(st);
	if (rc != KR_OK) {
		free(*promoted);
		*promoted = NULL;
		*n = 0;
	}
	return rc;
}

enum kr_err store_rsvps(struct kr_store *st, const char *item_id, store_rsvp_cb cb, void *ud)
{
	static const char sql[] =
	    "SELECT user_id, status, row_number() OVER (PARTITION BY status ORDER BY seq), "
	    "created_at FROM event_rsvps WHERE item_id = ?1 "
	    "ORDER BY status = 'waitlisted', seq";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, item_id, -1, SQLITE_TRANSIENT);
	while ((src = sqlite3_step(s)) == SQLITE_ROW)
		if (cb(ud, sqlite3_column_int64(s, 0), rsvp_parse(sqlite3_column_text(s, 1)),
		       sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3)))
			break;
	sqlite3_reset(s);
	return src == SQLITE_ROW || src == SQLITE_DONE ? KR_OK : store_err(st, src);
}

/* ---- reminders ---- */

#define REMINDER_WHERE                                                                             \
	"FROM event_rsvps r JOIN events e ON e.item_id = r.item_id JOIN items i ON i.id = "        \
	"e.item_id WHERE r.status = 'attending' AND e.cancelled = 0 AND i.status = 'published' "   \
	"AND (r.reminded_start IS NULL OR r.reminded_start <> e.start_utc) "

enum kr_err store_reminders_due(struct kr_store *st, int64_t now, int64_t lead,
                                store_reminder_cb cb, void *ud)
{
	static const char sql[] = "SELECT r.item_id, r.user_id, e.start_utc " REMINDER_WHERE
	                          "AND e.start_utc - ?2 <= ?1 AND e.start_utc > ?1 "
	                          "ORDER BY e.start_utc, r.seq";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, lead);
	while ((src = sqlite3_step(s)) == SQLITE_ROW) {
		char id[KR_ITEM_ID_LEN + 1];

		snprintf(id, sizeof(id), "%s", (const char *)sqlite3_column_text(s, 0));
		if (cb(ud, id, sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2)))
			break;
	}
	sqlite3_reset(s);
	return src == SQLITE_ROW || src == SQLITE_DONE ? KR_OK : store_err(st, src);
}

enum kr_err store_reminder_mark(struct kr_store *st, const char *item_id, int64_t user_id,
                                int64_t start)
{
	static const char sql[] =
	    "UPDATE event_rsvps SET reminded_start = ?3 WHERE item_id = ?1 AND user_id = ?2";
	sqlite3_stmt *s = store_prepare(st, sql);

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, item_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, user_id);
	sqlite3_bind_int64(s, 3, start);
	return step_done(st, s);
}

enum kr_err store_reminder_next(struct kr_store *st, int64_t now, int64_t lead, int64_t *when)
{
	static const char sql[] =
	    "SELECT coalesce(min(e.start_utc - ?2), 0) " REMINDER_WHERE "AND e.start_utc - ?2 > ?1";
	const int64_t args[] = {now, lead};

	return store_int64(st, sql, args, 2, when);
}

/* ---- notices ---- */

enum kr_err store_notice_add(struct kr_store *st, int64_t user_id, const char *item_id,
                             const char *event, const char *reason, int64_t now, int64_t expires,
                             int64_t *id)
{
	static const char sql[] =
	    "INSERT INTO event_notices (user_id, item_id, event, reason, created_at, expires_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *s = store_prepare(st, sql);
	enum kr_err rc;

	*id = 0;
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, user_id);
	sqlite3_bind_text(s, 2, item_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, event, -1, SQLITE_TRANSIENT);
	if (reason)
		sqlite3_bind_text(s, 4, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, now);
	sqlite3_bind_int64(s, 6, expires);
	rc = step_done(st, s);
	if (rc == KR_OK)
		*id = sqlite3_last_insert_rowid(store_db(st));
	return rc;
}

enum kr_err store_notices_pending(struct kr_store *st, int64_t user_id, int64_t now,
                                  store_notice_cb cb, void *ud)
{
	static const char drop[] = "DELETE FROM event_notices WHERE user_id = ?1 AND "
	                           "(delivered = 1 OR expires_at <= ?2)";
	static const char sql[] = "SELECT id, item_id, event, reason FROM event_notices "
	                          "WHERE user_id = ?1 AND delivered = 0 ORDER BY id";
	sqlite3_stmt *s = store_prepare(st, drop);
	enum kr_err rc;
	int src;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, user_id);
	sqlite3_bind_int64(s, 2, now);
	rc = step_done(st, s);
	if (rc != KR_OK || !(s = store_prepare(st, sql)))
		return rc != KR_OK ? rc : KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, user_id);
	while ((src = sqlite3_step(s)) == SQLITE_ROW) {
		char id[KR_ITEM_ID_LEN + 1], ev[32];
		const unsigned char *reason = sqlite3_column_text(s, 3);
		char *r = reason ? strdup((const char *)reason) : NULL;
		int stop;

		snprintf(id, sizeof(id), "%s", (const char *)sqlite3_column_text(s, 1));
		snprintf(ev, sizeof(ev), "%s", (const char *)sqlite3_column_text(s, 2));
		stop = cb(ud, sqlite3_column_int64(s, 0), id, ev, r);
		free(r);
		if (stop)
			break;
	}
	sqlite3_reset(s);
	return src == SQLITE_ROW || src == SQLITE_DONE ? KR_OK : store_err(st, src);
}

enum kr_err store_notice_done(struct kr_store *st, int64_t id)
{
	static const char sql[] = "UPDATE event_notices SET delivered = 1 WHERE id = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, id);
	return step_done(st, s);
}

/* ---- listing ---- */

enum kr_err store_events_query(struct kr_store *st, const struct kr_event_query *q,
                               int64_t after_start, const char *after_id, int limit,
                               store_item_cb cb, void *ud, int64_t *last_start,
                               char last_id[KR_ITEM_ID_LEN + 1])
{
	static const char sql[] =
	    "SELECT e.start_utc, e.item_id FROM events e JOIN items i ON i.id = e.item_id "
	    "WHERE i.status = 'published' AND e.end_utc > ?1 AND (?2 = 0 OR e.start_utc < ?2) "
	    "AND (?3 IS NULL OR e.prefecture IN (SELECT value FROM json_each(?3))) "
	    "AND (?4 IS NULL OR e.audience = ?4) AND (?5 = 0 OR i.circle_id = ?5) "
	    "AND (e.start_utc > ?6 OR (e.start_utc = ?6 AND e.item_id > ?7)) "
	    "ORDER BY e.start_utc, e.item_id LIMIT ?8";
	char *prefs = q->prefectures ? json_dumps(q->prefectures, JSON_COMPACT) : NULL;
	sqlite3_stmt *s = store_prepare(st, sql);
	json_t *ids = json_array();
	enum kr_err rc = KR_OK;
	size_t i;
	json_t *v;
	int src;

	if (!s || !ids || (q->prefectures && !prefs)) {
		rc = KR_EINTERNAL;
		goto out;
	}
	sqlite3_bind_int64(s, 1, q->from);
	sqlite3_bind_int64(s, 2, q->to);
	if (prefs)
		sqlite3_bind_text(s, 3, prefs, -1, SQLITE_TRANSIENT);
	if (q->audience)
		sqlite3_bind_text(s, 4, q->audience, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, q->circle_id);
	sqlite3_bind_int64(s, 6, after_id ? after_start : INT64_MIN);
	sqlite3_bind_text(s, 7, after_id ? after_id : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 8, limit);
	/* Collect the ids first: loading each item runs other statements. */
	while ((src = sqlite3_step(s)) == SQLITE_ROW) {
		*last_start = sqlite3_column_int64(s, 0);
		snprintf(last_id, KR_ITEM_ID_LEN + 1, "%s",
		         (const char *)sqlite3_column_text(s, 1));
		json_array_append_new(ids, json_string(last_id));
	}
	sqlite3_reset(s);
	if (src != SQLITE_DONE) {
		rc = store_err(st, src);
		goto out;
	}
	json_array_foreach(ids, i, v)
	{
		struct kr_item *it = NULL;
		int stop;

		rc = store_item_get(st, json_string_value(v), &it);
		if (rc == KR_ENOTFOUND) {
			rc = KR_OK;
			continue;
		}
		if (rc != KR_OK)
			break;
		stop = cb(ud, it);
		item_unref(it);
		if (stop)
			break;
	}
out:
	json_decref(ids);
	free(prefs);
	return rc;
}
