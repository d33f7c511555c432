/*
 * handle_export.c - `export`: the threats and alerts a reader may have in
 * bulk, as one STIX 2.1 bundle per page (stix_out.c).
 *
 * Items come from the store in cursor order and each passes the read gate
 * for export (reader_export_view: published, never RED, readable by this
 * reader now) before it is turned into STIX. A page ends at `limit` items
 * or at about EXPORT_PAGE_BYTES of STIX, whichever comes first, so a large
 * export is many frames well under the client's CONN_MSG_MAX, never one
 * huge one; `next` and `more` page on like `history`.
 */
#include <time.h>

#include "audit.h"
#include "handlers.h"
#include "log.h"
#include "reader.h"
#include "server.h"
#include "stix.h"
#include "stix_out.h"
#include "store_items.h"

#define EXPORT_DEFAULT_LIMIT 100
#define EXPORT_PAGE_BYTES    (1024 * 1024) /* of STIX objects; one item may exceed it alone */
#define EXPORT_CIRCLES_MAX   256

static const struct kr_field export_fields[] = {
    {"circle", KR_F_STRING, false},
    {"since", KR_F_STRING, false},
    {"include_expired", KR_F_BOOL, false},
    {"limit", KR_F_INT, false},
    {"after", KR_F_INT, false},
};

#define NF(a) (sizeof(a) / sizeof((a)[0]))

struct export_ctx {
	struct kr_session *s;
	json_t *objects;
	int64_t since; /* items created at or after; INT64_MIN: all */
	int64_t now;
	bool include_expired;
	int64_t limit;
	int64_t items; /* exported on this page */
	size_t bytes;  /* of STIX on this page */
	int64_t next;  /* cursor of the last item looked at */
	bool full;     /* stopped with more to come */
	enum kr_err rc;
};

/* The audit entry of one page of an export: who, which circle ("" for all
 * the reader's), how many items. A failure to record it is logged and the
 * export still served (reads go on when the disk is full). */
static void audit_export(struct kr_session *s, const char *circle, int64_t items, bool more)
{
	char actor[32];
	json_t *detail = json_pack("{s:s, s:I, s:b}", "format", "stix", "items", (json_int_t)items,
	                           "more", more);

	audit_actor_user(s->user_id, actor, sizeof(actor));
	audit_record(s->srv->store, actor, "export", circle ? circle : "", detail, NULL);
	json_decref(detail);
}

/* Is the item one an export carries at all (before asking the gate)? */
static bool wanted(const struct export_ctx *x, const struct kr_item *it)
{
	return (it->meta.kind == KR_KIND_THREAT || it->meta.kind == KR_KIND_ALERT) &&
	       it->meta.created_at >= x->since;
}

static int export_one(void *ud, struct kr_item *it)
{
	struct export_ctx *x = ud;
	json_t *view = NULL, *objs;
	size_t len;
	enum kr_err rc;

	if (x->items >= x->limit) {
		x->full = true; /* one more row exists: more = true */
		return 1;
	}
	if (!wanted(x, it) || reader_export_view(x->s, it, &view) != KR_OK) {
		x->next = it->cursor;
		return 0;
	}
	objs = json_array();
	rc = objs ? stix_item_objects(view, x->now, x->include_expired, objs) : KR_EINTERNAL;
	json_decref(view);
	if (rc == KR_EINVAL) { /* a stored item STIX cannot express: leave it out */
		kr_log(KR_LOG_WARN, "export: item %s has no STIX form", it->id);
		json_decref(objs);
		x->next = it->cursor;
		return 0;
	}
	if (rc != KR_OK) {
		json_decref(objs);
		x->rc = rc;
		return 1;
	}
	len = json_dumpb(objs, NULL, 0, JSON_COMPACT);
	if (x->items > 0 && x->bytes + len > EXPORT_PAGE_BYTES) {
		json_decref(objs); /* not consumed: the next page starts with it */
		x->full = true;
		return 1;
	}
	if (json_array_extend(x->objects, objs) != 0) {
		json_decref(objs);
		x->rc = KR_EINTERNAL;
		return 1;
	}
	json_decref(objs);
	x->bytes += len;
	x->items++;
	x->next = it->cursor;
	return 0;
}

/* The circles to export: the one asked for, or every circle s is a member of. */
static enum kr_err export_circles(struct kr_session *s, const char *key, int64_t *ids, size_t *n,
                                  char *err, size_t errlen)
{
	*n = 0;
	if (key)
		return handler_circle(s, key, &ids[(*n)++], err, errlen);
	for (size_t i = 0; i < s->reader.n && *n < EXPORT_CIRCLES_MAX; i++)
		ids[(*n)++] = s->reader.m[i].circle_id;
	return KR_OK;
}

KR_HANDLER(handle_export)
{
	struct export_ctx x = {.s = s, .since = INT64_MIN, .limit = EXPORT_DEFAULT_LIMIT};
	const json_t *since = json_object_get(env->msg, "since");
	const json_t *limit = json_object_get(env->msg, "limit");
	const json_t *after = json_object_get(env->msg, "after");
	int64_t ids[EXPORT_CIRCLES_MAX], last;
	json_t *bundle;
	size_t n = 0;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, export_fields, NF(export_fields), true, err, errlen);
	if (rc != KR_OK)
		return rc;
	if (since && !kr_stix_time_parse(json_string_value(since), &x.since)) {
		snprintf(err, errlen, "since must be a UTC time such as 2026-11-21T00:00:00Z");
		return KR_EINVAL;
	}
	if (after && json_integer_value(after) < 0) {
		snprintf(err, errlen, "after must be a cursor >= 0");
		return KR_EINVAL;
	}
	if (limit && (json_integer_value(limit) < 1 ||
	              json_integer_value(limit) > s->srv->cfg->history_max)) {
		snprintf(err, errlen, "limit must be 1-%lld", (long long)s->srv->cfg->history_max);
		return KR_EINVAL;
	}
	rc = export_circles(s, json_string_value(json_object_get(env->msg, "circle")), ids, &n, err,
	                    errlen);
	if (rc != KR_OK)
		return rc;
	if (limit)
		x.limit = json_integer_value(limit);
	else if (x.limit > s->srv->cfg->history_max)
		x.limit = s->srv->cfg->history_max;
	x.include_expired = json_is_true(json_object_get(env->msg, "include_expired"));
	x.now = (int64_t)time(NULL);
	x.next = after ? json_integer_value(after) : 0;
	x.objects = json_array();
	if (!x.objects)
		return KR_EINTERNAL;
	/* Rows the reader may not export are skipped, so read in batches until
	 * the page is full or the circles are exhausted. */
	while (n > 0 && !x.full && x.rc == KR_OK) {
		int64_t before = x.next;

		last = before;
		rc = store_items_after(s->srv->store, ids, n, before, (int)x.limit + 1, export_one,
		                       &x, &last);
		if (rc != KR_OK || last == before)
			break;
	}
	if (rc == KR_OK)
		rc = x.rc;
	if (rc != KR_OK) {
		json_decref(x.objects);
		return rc;
	}
	bundle = stix_bundle(x.objects);
	if (!bundle)
		return KR_EINTERNAL;
	audit_export(s, json_string_value(json_object_get(env->msg, "circle")), x.items, x.full);
	session_reply(s, json_pack("{s:s, s:s?, s:o, s:I, s:b}", "type", "export", "ref", env->id,
	                           "bundle", bundle, "next", (json_int_t)x.next, "more", x.full));
	return KR_OK;
}
