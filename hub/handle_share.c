/*
 * handle_share.c - widening an item's reach: `forward` (a member of both
 * circles copies a GREEN or CLEAR item into another circle) and permission
 * requests (`request`, `requests`, `decide`): a reader asks the author, who
 * grants or refuses, and neither learns who the other is.
 */
#include <string.h>
#include <time.h>

#include "acl.h"
#include "anon.h"
#include "handlers.h"
#include "log.h"
#include "reader.h"
#include "server.h"
#include "store_items.h"
#include "store_requests.h"
#include "subs.h"
#include "txn.h"
#include "utf8.h"

#define REASON_MAX_CHARS 1000

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static int64_t now(void)
{
	return (int64_t)time(NULL);
}

/* Load an item the session may read: KR_ENOTFOUND or KR_EFORBIDDEN otherwise. */
static enum kr_err readable_item(struct kr_session *s, const char *id, struct kr_item **out,
                                 char *err, size_t errlen)
{
	json_t *view = NULL;
	enum kr_err rc = store_item_get(s->srv->store, id, out);

	if (rc == KR_ENOTFOUND)
		snprintf(err, errlen, "no item '%.32s'", id);
	if (rc != KR_OK)
		return rc;
	rc = reader_view(s, *out, &view);
	json_decref(view);
	if (rc == KR_EFORBIDDEN)
		snprintf(err, errlen, "you may not read item '%.32s'", id);
	if (rc != KR_OK) {
		item_unref(*out);
		*out = NULL;
	}
	return rc;
}

static enum kr_err check_reason(const json_t *reason, char *err, size_t errlen)
{
	if (reason && kr_utf8_count(json_string_value(reason), json_string_length(reason)) >
	                  REASON_MAX_CHARS) {
		snprintf(err, errlen, "reason must be at most %d characters", REASON_MAX_CHARS);
		return KR_EINVAL;
	}
	return KR_OK;
}

/*
 * Copy it into circle to_id on behalf of reader r (the forwarder, or the
 * author granting a request). The copy keeps kind, TLP, content and the
 * original's author (never shown), and links to the original.
 */
static enum kr_err forward_copy(struct kr_session *s, const struct kr_reader *r, struct kr_item *it,
                                int64_t to_id, struct kr_item **copy, char *err, size_t errlen)
{
	const struct kr_circle_policy *to = acl_policy(s->srv->acl, to_id);
	const char *root = it->id;
	struct kr_item_new in = {0};
	char pseudonym[KR_PSEUDONYM_LEN + 1];
	json_t *profile = NULL;
	bool exists = false;
	enum kr_err rc;

	rc = store_item_copy_exists(s->srv->store, root, to_id, &exists);
	if (rc == KR_OK && exists) {
		snprintf(err, errlen, "item '%s' was already forwarded there", it->id);
		return KR_EINVAL;
	}
	if (rc != KR_OK)
		return rc;
	in.kind = it->meta.kind;
	in.circle_id = to_id;
	in.tlp = it->meta.tlp;
	in.status = policy_needs_moderation(r, to_id, in.kind, to) ? KR_STATUS_PENDING
	                                                           : KR_STATUS_PUBLISHED;
	in.title = json_string_value(item_content(it, "title"));
	in.body = json_string_value(item_content(it, "body"));
	in.indicators = item_content(it, "indicators");
	in.tags = item_content(it, "tags");
	in.author_user_id = it->meta.author_user_id;
	in.author_org_id = it->meta.author_org_id;
	in.forwarded_from = root;
	/* A copy gets a fresh pseudonym (a stable one would link items that were
	 * unlinkable at home) and follows the target circle's anonymisation. */
	if (!anon_pseudonym_fresh(pseudonym))
		return KR_EINTERNAL;
	in.pseudonym = pseudonym;
	profile = json_deep_copy(item_content(it, "profile"));
	if (profile && to->anonymisation == KR_ANON_STRICT)
		json_object_del(profile, "region");
	in.profile = profile;
	in.created_round = anon_created_round(to);
	in.alert = item_content(it, "alert");
	in.practice = item_content(it, "practice");
	rc = store_item_insert(s->srv->store, &in, copy);
	json_decref(profile);
	if (rc == KR_OK && (*copy)->meta.status == KR_STATUS_PUBLISHED)
		subs_fanout(s->srv, *copy);
	return rc;
}

static const struct kr_field forward_fields[] = {
    {"item_id", KR_F_STRING, true},
    {"to", KR_F_STRING, true},
};

KR_HANDLER(handle_forward)
{
	const char *to_key = json_string_value(json_object_get(env->msg, "to"));
	struct kr_item *it = NULL, *copy = NULL;
	int64_t to_id = 0;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, forward_fields, NF(forward_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = readable_item(s, json_string_value(json_object_get(env->msg, "item_id")), &it,
		                   err, errlen);
	if (rc == KR_OK)
		rc = handler_circle(s, to_key, &to_id, err, errlen);
	if (rc != KR_OK)
		goto out;
	rc = policy_may_forward(&s->reader, &it->meta, acl_policy(s->srv->acl, it->meta.circle_id),
	                        to_id, acl_policy(s->srv->acl, to_id), now());
	if (rc == KR_EFORBIDDEN)
		snprintf(err, errlen, "forwarding needs membership of both circles");
	else if (rc != KR_OK && it->meta.kind == KR_KIND_EVENT)
		snprintf(err, errlen, "events are not forwarded: post the event in each circle");
	else if (rc != KR_OK)
		snprintf(err, errlen, "TLP %s items may not be forwarded from here to '%.64s'",
		         kr_tlp_name(it->meta.tlp), to_key);
	if (rc == KR_OK) {
		json_t *detail;

		rc = txn_begin(s->srv);
		if (rc == KR_OK)
			rc = forward_copy(s, &s->reader, it, to_id, &copy, err, errlen);
		detail = txn_item_detail(s->srv, copy);
		if (detail)
			json_object_set_new(detail, "from", json_string(it->id));
		rc = txn_end(s->srv, rc, s->user_id, "forward", copy ? copy->id : NULL, detail);
		if (rc == KR_EINTERNAL)
			snprintf(err, errlen, "%s",
			         txn_error_text(s->srv, "the copy could not be stored"));
	}
	if (rc == KR_OK)
		session_reply(s, json_pack("{s:s, s:s?, s:s, s:I, s:s}", "type", "forwarded", "ref",
		                           env->id, "item_id", copy->id, "cursor",
		                           (json_int_t)copy->cursor, "status",
		                           kr_status_name(copy->meta.status)));
out:
	item_unref(it);
	item_unref(copy);
	return rc;
}

static const struct kr_field request_fields[] = {
    {"item_id", KR_F_STRING, true}, {"action", KR_F_STRING, true},  {"to", KR_F_STRING, false},
    {"tlp", KR_F_STRING, false},    {"reason", KR_F_STRING, false},
};

/* Check what is asked: a circle of the requester's for forward, a more open
 * TLP the circle uses for lower_tlp. */
static enum kr_err check_request(struct kr_session *s, const json_t *msg, struct kr_item *it,
                                 int64_t *to_id, enum kr_tlp *tlp, char *err, size_t errlen)
{
	const char *action = json_string_value(json_object_get(msg, "action"));
	const json_t *to = json_object_get(msg, "to"), *t = json_object_get(msg, "tlp");
	const bool fwd = strcmp(action, "forward") == 0;

	if (!fwd && strcmp(action, "lower_tlp") != 0) {
		snprintf(err, errlen, "unknown action '%.32s' (forward, lower_tlp)", action);
		return KR_ELABEL;
	}
	if (fwd ? (!to || t) : (!t || to)) {
		snprintf(err, errlen,
		         fwd ? "forward takes 'to' and no 'tlp'"
		             : "lower_tlp takes 'tlp' and no 'to'");
		return KR_EINVAL;
	}
	if (it->meta.author_user_id == s->user_id) {
		snprintf(err, errlen, "this is your own item: act on it directly");
		return KR_EINVAL;
	}
	if (fwd) {
		if (it->meta.kind == KR_KIND_EVENT) {
			snprintf(err, errlen, "events are not forwarded");
			return KR_ENOTALLOWED;
		}
		if (it->meta.tlp != KR_TLP_GREEN && it->meta.tlp != KR_TLP_CLEAR) {
			snprintf(err, errlen, "%s items are never forwarded; ask to lower the TLP",
			         kr_tlp_name(it->meta.tlp));
			return KR_ENOTALLOWED;
		}
		if (handler_circle(s, json_string_value(to), to_id, err, errlen) != KR_OK ||
		    policy_role(&s->reader, *to_id) == KR_ROLE_NONE) {
			snprintf(err, errlen, "you can only ask to forward into your own circles");
			return KR_EFORBIDDEN;
		}
		return KR_OK;
	}
	*tlp = kr_tlp_parse(json_string_value(t));
	if (*tlp == KR_TLP_NONE) {
		snprintf(err, errlen, "unknown TLP '%.32s'", json_string_value(t));
		return KR_ELABEL;
	}
	if (policy_may_lower(&it->meta, *tlp, acl_policy(s->srv->acl, it->meta.circle_id)) !=
	    KR_OK) {
		snprintf(err, errlen, "%s is not a more open TLP that this circle uses",
		         kr_tlp_name(*tlp));
		return KR_ENOTALLOWED;
	}
	return KR_OK;
}

KR_HANDLER(handle_request)
{
	struct kr_request req = {0};
	struct kr_item *it = NULL;
	char id[KR_REQUEST_ID_LEN + 1];
	enum kr_tlp tlp = KR_TLP_NONE;
	int64_t to_id = 0;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, request_fields, NF(request_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = check_reason(json_object_get(env->msg, "reason"), err, errlen);
	if (rc == KR_OK)
		rc = readable_item(s, json_string_value(json_object_get(env->msg, "item_id")), &it,
		                   err, errlen);
	if (rc == KR_OK)
		rc = check_request(s, env->msg, it, &to_id, &tlp, err, errlen);
	if (rc == KR_OK)
		rc = store_request_add(s->srv->store, it->cursor, s->user_id,
		                       json_string_value(json_object_get(env->msg, "action")),
		                       to_id, tlp,
		                       json_string_value(json_object_get(env->msg, "reason")), id);
	if (rc == KR_OK)
		rc = store_request_get(s->srv->store, id, &req);
	if (rc != KR_OK)
		goto out;
	session_reply(s, json_pack("{s:s, s:s?, s:s}", "type", "requested", "ref", env->id,
	                           "request_id", id));
	server_notify_user(s->srv, it->meta.author_user_id,
	                   json_pack("{s:s, s:s, s:O}", "type", "notice", "event",
	                             "permission_request", "request", req.view));
out:
	store_request_clear(&req);
	item_unref(it);
	return rc;
}

KR_HANDLER(handle_requests)
{
	json_t *to_me = NULL, *mine = NULL;
	enum kr_err rc = kr_fields_check(env->msg, NULL, 0, true, err, errlen);

	if (rc == KR_OK)
		rc = store_requests_for(s->srv->store, s->user_id, &to_me, &mine);
	if (rc == KR_OK)
		session_reply(s, json_pack("{s:s, s:s?, s:O, s:O}", "type", "requests", "ref",
		                           env->id, "to_me", to_me, "mine", mine));
	json_decref(to_me);
	json_decref(mine);
	return rc;
}

/* Carry out a granted request as its author (the session s). */
static enum kr_err grant(struct kr_session *s, const struct kr_request *req, char *err,
                         size_t errlen)
{
	struct kr_item *it = NULL, *done = NULL;
	enum kr_err rc = store_item_get(s->srv->store, req->item_id, &it);

	if (rc != KR_OK)
		goto out;
	if (it->meta.status != KR_STATUS_PUBLISHED) {
		snprintf(err, errlen, "the item is no longer published");
		rc = KR_EINVAL;
	} else if (strcmp(req->action, "forward") == 0) {
		/* The author grants; the requester, checked when asking, is the
		 * member of the target circle. The circles' rules still apply. */
		rc = policy_forward_allowed(&it->meta, acl_policy(s->srv->acl, it->meta.circle_id),
		                            req->to_circle_id,
		                            acl_policy(s->srv->acl, req->to_circle_id));
		if (rc != KR_OK)
			snprintf(err, errlen, "the circles' policies do not allow this forward");
		else
			rc = forward_copy(s, &s->reader, it, req->to_circle_id, &done, err, errlen);
	} else {
		rc = policy_may_lower(&it->meta, req->tlp,
		                      acl_policy(s->srv->acl, it->meta.circle_id));
		if (rc != KR_OK)
			snprintf(err, errlen, "the circle's policy does not allow this TLP");
		else
			rc = store_item_republish(s->srv->store, it, req->tlp, NULL, NULL, &done);
		if (rc == KR_OK)
			subs_fanout(s->srv, done);
	}
out:
	item_unref(it);
	item_unref(done);
	return rc;
}

static const struct kr_field decide_fields[] = {
    {"request_id", KR_F_STRING, true},
    {"decision", KR_F_STRING, true},
    {"reason", KR_F_STRING, false},
};

KR_HANDLER(handle_decide)
{
	const char *id = json_string_value(json_object_get(env->msg, "request_id"));
	const char *decision = json_string_value(json_object_get(env->msg, "decision"));
	const char *reason = json_string_value(json_object_get(env->msg, "reason"));
	struct kr_request req = {0}, after = {0};
	bool yes = false;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, decide_fields, NF(decide_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = check_reason(json_object_get(env->msg, "reason"), err, errlen);
	if (rc != KR_OK)
		return rc;
	yes = strcmp(decision, "grant") == 0;
	if (!yes && strcmp(decision, "refuse") != 0) {
		snprintf(err, errlen, "unknown decision '%.32s' (grant, refuse)", decision);
		return KR_ELABEL;
	}
	rc = store_request_get(s->srv->store, id, &req);
	/* Only the author learns that a request exists. */
	if (rc == KR_OK && req.author_user_id != s->user_id)
		rc = KR_ENOTFOUND;
	if (rc == KR_ENOTFOUND)
		snprintf(err, errlen, "no request '%.32s' about your items", id);
	if (rc == KR_OK && strcmp(req.status, "pending") != 0) {
		snprintf(err, errlen, "request '%s' was already %s", id, req.status);
		rc = KR_EINVAL;
	}
	if (rc == KR_OK) {
		/* Carrying out a grant, recording the decision and its audit entry
		 * commit together. */
		rc = txn_begin(s->srv);
		if (rc == KR_OK && yes)
			rc = grant(s, &req, err, errlen);
		if (rc == KR_OK)
			rc = store_request_decide(s->srv->store, id, yes, reason);
		rc = txn_end(s->srv, rc, s->user_id, "decide", id,
		             json_pack("{s:s, s:s, s:s}", "item", req.item_id, "action", req.action,
		                       "decision", decision));
		if (rc == KR_EINTERNAL)
			snprintf(err, errlen, "%s",
			         txn_error_text(s->srv, "the decision could not be stored"));
	}
	if (rc == KR_OK)
		rc = store_request_get(s->srv->store, id, &after);
	if (rc == KR_OK) {
		session_reply(s, json_pack("{s:s, s:s?, s:s, s:s}", "type", "decided", "ref",
		                           env->id, "request_id", id, "decision", decision));
		server_notify_user(s->srv, req.requester_user_id,
		                   json_pack("{s:s, s:s, s:O}", "type", "notice", "event",
		                             "permission_decision", "request", after.view));
	}
	store_request_clear(&req);
	store_request_clear(&after);
	return rc;
}
