/*
 * handle_moderate.c - the secretariat's review: `moderation` lists a
 * circle's pending queue, `moderate` edits (to mask what the author
 * missed), approves or rejects an item. The author is told; only approved
 * items are delivered, under a fresh cursor.
 */
#include <string.h>

#include "acl.h"
#include "anon.h"
#include "geoip.h"
#include "handlers.h"
#include "item_check.h"
#include "practice.h"
#include "reader.h"
#include "server.h"
#include "store_items.h"
#include "subs.h"
#include "txn.h"
#include "utf8.h"

#define QUEUE_MAX        500
#define REASON_MAX_CHARS 1000

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct kr_field moderation_fields[] = {
    {"circle", KR_F_STRING, true},
};

struct queue_ctx {
	struct kr_session *s;
	json_t *items;
};

static int queue_one(void *ud, struct kr_item *it)
{
	struct queue_ctx *q = ud;
	json_t *view;

	if (reader_review_view(q->s, it, true, &view) == KR_OK)
		json_array_append_new(q->items, view);
	return 0;
}

KR_HANDLER(handle_moderation)
{
	const char *key = json_string_value(json_object_get(env->msg, "circle"));
	struct queue_ctx q = {s, NULL};
	int64_t circle_id;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, moderation_fields, NF(moderation_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = handler_circle(s, key, &circle_id, err, errlen);
	if (rc == KR_OK && policy_may_moderate(&s->reader, circle_id) != KR_OK) {
		snprintf(err, errlen, "only moderators of '%.64s' see its queue", key);
		rc = KR_EFORBIDDEN;
	}
	if (rc != KR_OK)
		return rc;
	q.items = json_array();
	rc = q.items ? store_items_pending(s->srv->store, circle_id, QUEUE_MAX, queue_one, &q)
	             : KR_EINTERNAL;
	if (rc == KR_OK)
		session_reply(s, json_pack("{s:s, s:s?, s:s, s:O}", "type", "moderation", "ref",
		                           env->id, "circle", key, "items", q.items));
	json_decref(q.items);
	return rc;
}

static const struct kr_field moderate_fields[] = {
    {"item_id", KR_F_STRING, true},
    {"decision", KR_F_STRING, true},
    {"reason", KR_F_STRING, false},
    {"edit", KR_F_OBJECT, false},
};

enum decision { APPROVE, REJECT, EDIT, UNKNOWN };

static enum decision parse_decision(const char *d)
{
	static const char *const names[] = {"approve", "reject", "edit"};

	for (int i = 0; i < 3; i++)
		if (strcmp(names[i], d) == 0)
			return (enum decision)i;
	return UNKNOWN;
}

/* Decision, reason and edit must fit together; *edit gets the checked edit. */
static enum kr_err check_moderate(const struct kr_server *srv, const json_t *msg, enum decision d,
                                  json_t **edit, char *err, size_t errlen)
{
	const json_t *reason = json_object_get(msg, "reason");
	const json_t *e = json_object_get(msg, "edit");

	*edit = NULL;
	if (d == UNKNOWN) {
		snprintf(err, errlen, "unknown decision (approve, reject, edit)");
		return KR_ELABEL;
	}
	if (reason && kr_utf8_count(json_string_value(reason), json_string_length(reason)) >
	                  REASON_MAX_CHARS) {
		snprintf(err, errlen, "reason must be at most %d characters", REASON_MAX_CHARS);
		return KR_EINVAL;
	}
	if ((d == EDIT && !e) || (d == REJECT && e)) {
		snprintf(err, errlen,
		         d == EDIT ? "edit needs an 'edit' object" : "a rejection takes no 'edit'");
		return KR_EINVAL;
	}
	return e ? item_check_edit(e, srv->benign, edit, err, errlen) : KR_OK;
}

/*
 * An edit of a practice report's fields replaces some of them: make edit
 * (our own checked copy) carry the whole object after the edit, checked
 * again as a whole. Other kinds carry no practice object.
 */
static enum kr_err merge_practice(const struct kr_item *it, json_t *edit, char *err, size_t errlen)
{
	const json_t *change = json_object_get(edit, "practice");
	json_t *merged = NULL;
	enum kr_err rc;

	if (!change)
		return KR_OK;
	if (it->meta.kind != KR_KIND_PRACTICE) {
		snprintf(err, errlen, "only practice items carry a 'practice' object");
		return KR_EINVAL;
	}
	rc = practice_merge(item_content(it, "practice"), change, &merged, err, errlen);
	if (rc == KR_OK && json_object_set_new(edit, "practice", merged) != 0)
		rc = KR_EINTERNAL;
	return rc;
}

/*
 * A moderator's replacements are scrubbed like a new post by the item's
 * author: the author organisation's registered names, contact details,
 * internal addresses and the policy's patterns go, victim-side indicators
 * are dropped, so an edit cannot bring back what the author's post had
 * removed. The fields not edited are what is stored (scrubbed already).
 * Edited indicators then get GeoIP data as posted ones do.
 */
static enum kr_err scrub_edit(struct kr_session *s, const struct kr_item *it, json_t *edit,
                              char *err, size_t errlen)
{
	const struct kr_circle_policy *cp = acl_policy(s->srv->acl, it->meta.circle_id);
	const json_t *title = json_object_get(edit, "title"), *body = json_object_get(edit, "body");
	const json_t *inds = json_object_get(edit, "indicators"),
	             *tags = json_object_get(edit, "tags");
	const json_t *practice = json_object_get(edit, "practice");
	struct kr_anon a = {0};
	enum kr_err rc;

	if (!cp)
		return KR_EFORBIDDEN;
	rc = anon_item(s->srv->store, it->meta.author_org_id, it->meta.circle_id, cp,
	               title ? json_string_value(title)
	                     : json_string_value(item_content(it, "title")),
	               body ? json_string_value(body) : json_string_value(item_content(it, "body")),
	               inds ? inds : item_content(it, "indicators"),
	               tags ? tags : item_content(it, "tags"), NULL, practice, &a, err, errlen);
	if (rc == KR_OK &&
	    ((title && json_object_set_new(edit, "title", json_string(a.title))) ||
	     (body && json_object_set_new(edit, "body", json_string(a.body))) ||
	     (inds && json_object_set(edit, "indicators", a.indicators)) ||
	     (tags && json_object_set(edit, "tags", a.tags)) ||
	     (practice && a.practice && json_object_set(edit, "practice", a.practice))))
		rc = KR_EINTERNAL;
	if (rc == KR_OK && inds)
		geoip_enrich(s->srv->geoip, json_object_get(edit, "indicators"));
	anon_clear(&a);
	return rc;
}

/* Apply the decision to the pending item; *out: the item afterwards. */
static enum kr_err apply(struct kr_session *s, struct kr_item *it, enum decision d,
                         const json_t *edit, const char *reason, struct kr_item **out)
{
	struct kr_store *st = s->srv->store;
	enum kr_err rc;

	switch (d) {
	case APPROVE:
		rc = store_item_republish(st, it, KR_TLP_NONE, reason, edit, out);
		if (rc == KR_OK)
			subs_fanout(s->srv, *out);
		return rc;
	case REJECT:
		rc = store_item_set_status(st, it->cursor, KR_STATUS_REJECTED, reason);
		break;
	case EDIT:
		rc = store_item_edit(st, it->cursor, edit);
		break;
	default:
		return KR_EINTERNAL;
	}
	return rc == KR_OK ? store_item_get(st, it->id, out) : rc;
}

KR_HANDLER(handle_moderate)
{
	const char *id = json_string_value(json_object_get(env->msg, "item_id"));
	const char *reason = json_string_value(json_object_get(env->msg, "reason"));
	struct kr_item *it = NULL, *after = NULL;
	json_t *edit = NULL, *view = NULL;
	enum decision d = UNKNOWN;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, moderate_fields, NF(moderate_fields), true, err, errlen);
	if (rc == KR_OK) {
		d = parse_decision(json_string_value(json_object_get(env->msg, "decision")));
		rc = check_moderate(s->srv, env->msg, d, &edit, err, errlen);
	}
	if (rc == KR_OK)
		rc = store_item_get(s->srv->store, id, &it);
	if (rc == KR_OK && reader_review_view(s, it, false, &view) != KR_OK)
		rc = KR_ENOTFOUND; /* not pending, or not a moderator there */
	if (rc == KR_ENOTFOUND)
		snprintf(err, errlen, "no pending item '%.32s' in a circle you moderate", id);
	if (rc == KR_OK && edit)
		rc = merge_practice(it, edit, err, errlen);
	if (rc == KR_OK && edit)
		rc = scrub_edit(s, it, edit, err, errlen);
	if (rc == KR_OK) {
		/* The decision and its audit entry commit together; an approved
		 * item reaches subscribers only after that. */
		json_t *detail;

		rc = txn_begin(s->srv);
		if (rc == KR_OK)
			rc = apply(s, it, d, edit, reason, &after);
		detail = txn_item_detail(s->srv, after);
		if (detail)
			json_object_set_new(
			    detail, "decision",
			    json_string(json_string_value(json_object_get(env->msg, "decision"))));
		rc = txn_end(s->srv, rc, s->user_id, "moderate", id, detail);
		if (rc == KR_EINTERNAL)
			snprintf(err, errlen, "%s",
			         txn_error_text(s->srv, "the decision could not be stored"));
	}
	if (rc != KR_OK)
		goto out;
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:s}", "type", "moderated", "ref", env->id,
	                           "item_id", id, "status", kr_status_name(after->meta.status)));
	/* The author is told of every decision, edits included. */
	server_notify_user(s->srv, it->meta.author_user_id,
	                   json_pack("{s:s, s:s, s:s, s:s, s:s*}", "type", "notice", "event",
	                             "moderation", "item_id", id, "status",
	                             kr_status_name(after->meta.status), "reason", reason));
out:
	json_decref(edit);
	json_decref(view);
	item_unref(it);
	item_unref(after);
	return rc;
}
