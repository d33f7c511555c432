/*
 * store_sightings.c - sighting reports and their aggregate (see
 * store_sightings.h).
 */
#include "store_sightings.h"

#include <string.h>

enum kr_err store_sighting_add(struct kr_store *st, int64_t circle_id, int64_t org_id,
                               int64_t user_id, const char *type, const char *value,
                               bool false_positive, int64_t now)
{
	static const char sql[] =
	    "INSERT INTO sightings (circle_id, org_id, user_id, type, value, false_positive, "
	    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, circle_id);
	sqlite3_bind_int64(s, 2, org_id);
	sqlite3_bind_int64(s, 3, user_id);
	sqlite3_bind_text(s, 4, type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 6, false_positive ? 1 : 0);
	sqlite3_bind_int64(s, 7, now);
	src = sqlite3_step(s);
	sqlite3_reset(s);
	return src == SQLITE_DONE ? KR_OK : store_err(st, src);
}

/*
 * Per organisation its latest report decides whether it counts as seeing the
 * indicator or as calling it a false positive (SQLite takes the bare column
 * false_positive from the row holding max(id)).
 */
enum kr_err store_sighting_tally(struct kr_store *st, int64_t circle_id, const char *type,
                                 const char *value, struct kr_sighting_tally *out)
{
	static const char sql[] =
	    "WITH r AS (SELECT * FROM sightings WHERE circle_id = ?1 AND type = ?2 AND value = "
	    "?3), "
	    "latest AS (SELECT org_id, false_positive AS fp, max(id) FROM r GROUP BY org_id) "
	    "SELECT (SELECT count(*) FROM latest), "
	    "(SELECT count(*) FROM latest WHERE fp = 0), "
	    "(SELECT count(*) FROM latest WHERE fp = 1), "
	    "(SELECT count(*) FROM r), "
	    "(SELECT coalesce(min(created_at), 0) FROM r WHERE false_positive = 0), "
	    "(SELECT coalesce(max(created_at), 0) FROM r WHERE false_positive = 0)";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	memset(out, 0, sizeof(*out));
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_int64(s, 1, circle_id);
	sqlite3_bind_text(s, 2, type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, value, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(s);
	if (src == SQLITE_ROW) {
		out->orgs = sqlite3_column_int64(s, 0);
		out->seen_by = sqlite3_column_int64(s, 1);
		out->false_positive = sqlite3_column_int64(s, 2);
		out->reports = sqlite3_column_int64(s, 3);
		out->first_seen = sqlite3_column_int64(s, 4);
		out->last_seen = sqlite3_column_int64(s, 5);
	}
	sqlite3_reset(s);
	return src == SQLITE_ROW ? KR_OK : store_err(st, src);
}
