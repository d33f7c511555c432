/*
 * store_resources.c - the regional help directory (see store_resources.h).
 */
#include "store_resources.h"

#include <openssl/rand.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define COLUMNS                                                                                    \
	"r.id, r.circle_id, c.key, r.prefecture, r.kind, r.name, r.description, r.contact, "       \
	"r.url, r.created "

static const char *col(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static json_t *from_row(sqlite3_stmt *s)
{
	json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", col(s, 0), "circle",
	                      col(s, 2), "prefecture", col(s, 3), "kind", col(s, 4), "name",
	                      col(s, 5), "created", col(s, 9));
	static const struct {
		int col;
		const char *key;
	} optional[] = {{6, "description"}, {7, "contact"}, {8, "url"}};

	for (size_t i = 0; r && i < sizeof(optional) / sizeof(optional[0]); i++)
		if (sqlite3_column_type(s, optional[i].col) != SQLITE_NULL)
			json_object_set_new(r, optional[i].key,
			                    json_string(col(s, optional[i].col)));
	return r;
}

static bool new_id(char out[KR_RESOURCE_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[8];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return false;
	memcpy(out, "rs_", 3);
	for (size_t i = 0; i < sizeof(raw); i++) {
		out[3 + 2 * i] = hex[raw[i] >> 4];
		out[4 + 2 * i] = hex[raw[i] & 15];
	}
	out[KR_RESOURCE_ID_LEN] = '\0';
	return true;
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

enum kr_err store_resource_add(struct kr_store *st, const struct kr_resource_new *in, json_t **out)
{
	static const char ins[] =
	    "INSERT INTO resources (id, circle_id, prefecture, kind, name, description, contact, "
	    "url, added_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	static const char get[] = "SELECT " COLUMNS "FROM resources r JOIN circles c ON c.id = "
	                          "r.circle_id WHERE r.id = ?1";
	char id[KR_RESOURCE_ID_LEN + 1];
	sqlite3_stmt *s = store_prepare(st, ins);
	int src;

	*out = NULL;
	if (!s || !new_id(id))
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, in->circle_id);
	sqlite3_bind_text(s, 3, in->prefecture, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, in->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, in->name, -1, SQLITE_TRANSIENT);
	bind_opt(s, 6, in->description);
	bind_opt(s, 7, in->contact);
	bind_opt(s, 8, in->url);
	sqlite3_bind_int64(s, 9, in->added_by);
	src = sqlite3_step(s);
	sqlite3_reset(s);
	if (src != SQLITE_DONE)
		return store_err(st, src);
	s = store_prepare(st, get);
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(s);
	if (src == SQLITE_ROW)
		*out = from_row(s);
	sqlite3_reset(s);
	if (src != SQLITE_ROW)
		return src == SQLITE_DONE ? KR_EINTERNAL : store_err(st, src);
	return *out ? KR_OK : KR_EINTERNAL;
}

enum kr_err store_resources_list(struct kr_store *st, const json_t *prefectures, const char *kind,
                                 int64_t circle_id, int limit, store_resource_cb cb, void *ud)
{
	static const char sql[] =
	    "SELECT " COLUMNS "FROM resources r JOIN circles c ON c.id = r.circle_id "
	    "WHERE (?1 IS NULL OR r.prefecture IN (SELECT value FROM json_each(?1))) "
	    "AND (?2 IS NULL OR r.kind = ?2) AND (?3 = 0 OR r.circle_id = ?3) "
	    "ORDER BY r.prefecture, r.kind, r.name, r.id LIMIT ?4";
	char *prefs = prefectures ? json_dumps(prefectures, JSON_COMPACT) : NULL;
	sqlite3_stmt *s = store_prepare(st, sql);
	json_t *rows = json_array(), *row;
	enum kr_err rc = KR_OK;
	size_t i;
	int src;

	if (!s || !rows || (prefectures && !prefs)) {
		rc = KR_EINTERNAL;
		goto out;
	}
	bind_opt(s, 1, prefs);
	bind_opt(s, 2, kind);
	sqlite3_bind_int64(s, 3, circle_id);
	sqlite3_bind_int(s, 4, limit);
	while ((src = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(rows, json_pack("{s:I, s:o}", "circle",
		                                      (json_int_t)sqlite3_column_int64(s, 1),
		                                      "resource", from_row(s)));
	sqlite3_reset(s);
	if (src != SQLITE_DONE) {
		rc = store_err(st, src);
		goto out;
	}
	json_array_foreach(rows, i, row)
	{
		if (cb(ud, json_integer_value(json_object_get(row, "circle")),
		       json_object_get(row, "resource")))
			break;
	}
out:
	json_decref(rows);
	free(prefs);
	return rc;
}

enum kr_err store_resource_circle(struct kr_store *st, const char *id, int64_t *circle_id)
{
	static const char sql[] = "SELECT circle_id FROM resources WHERE id = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	*circle_id = 0;
	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(s);
	if (src == SQLITE_ROW)
		*circle_id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (src == SQLITE_DONE)
		return KR_ENOTFOUND;
	return src == SQLITE_ROW ? KR_OK : store_err(st, src);
}

enum kr_err store_resource_remove(struct kr_store *st, const char *id)
{
	static const char sql[] = "DELETE FROM resources WHERE id = ?1";
	sqlite3_stmt *s = store_prepare(st, sql);
	int src;

	if (!s)
		return KR_EINTERNAL;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	src = sqlite3_step(s);
	sqlite3_reset(s);
	if (src != SQLITE_DONE)
		return store_err(st, src);
	return sqlite3_changes(store_db(st)) > 0 ? KR_OK : KR_ENOTFOUND;
}
