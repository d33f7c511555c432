/*
 * ics.c - calendar feeds over HTTPS (see ics.h).
 */
#include "ics.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "acl.h"
#include "auth.h"
#include "event_check.h"
#include "ical.h"
#include "log.h"
#include "reader.h"
#include "server.h"
#include "store_events.h"
#include "store_items.h"

#define ICS_TYPE       "text/calendar; charset=utf-8"
#define FEED_MAX       500
#define FEED_PAST_DAYS 30
#define ARG_BYTES      80

/* Who asks: anonymous, or the owner of a bearer token. */
struct who {
	struct kr_reader r;
	struct kr_membership *m; /* owned */
};

static int text(struct kr_http_req *q, unsigned status, const char *msg)
{
	static const struct kr_http_header challenge[] = {
	    {"www-authenticate:", "Bearer realm=\"kairan\""}};
	size_t n = strlen(msg);
	char *body = malloc(LWS_PRE + n + 1);

	if (!body)
		return -1;
	memcpy(body + LWS_PRE, msg, n + 1);
	return http_reply(q, status, "text/plain; charset=utf-8", body, n,
	                  status == HTTP_STATUS_UNAUTHORIZED ? challenge : NULL,
	                  status == HTTP_STATUS_UNAUTHORIZED ? 1 : 0);
}

/* The Authorization header (Bearer only): true with w set, or false when
 * the request was answered (401, 500) and *ret is what to return. */
static bool authenticate(struct kr_http_req *q, struct who *w, int *ret)
{
	char authz[512];
	unsigned char hash[KR_TOKEN_HASH_LEN];
	const struct kr_acl_user *u = NULL;
	int n = http_header(q, WSI_TOKEN_HTTP_AUTHORIZATION, authz, sizeof(authz));
	enum kr_err rc = KR_EAUTH;
	const char *token = authz + 7;

	memset(w, 0, sizeof(*w));
	if (n == -1)
		return true; /* anonymous: the public listings */
	if (n > 7 && strncasecmp(authz, "Bearer ", 7) == 0) {
		while (*token == ' ')
			token++;
		rc = auth_token_user(q->srv, token, strlen(token), hash, &u);
	}
	OPENSSL_cleanse(authz, sizeof(authz));
	if (rc != KR_OK) {
		*ret = rc == KR_EAUTH
		           ? text(q, HTTP_STATUS_UNAUTHORIZED,
		                  "the token is unknown, revoked or expired\n")
		           : text(q, HTTP_STATUS_INTERNAL_SERVER_ERROR,
		                  "the hub could not check the token; try again later\n");
		return false;
	}
	w->r.user_id = u->id;
	w->r.org_id = u->org_id;
	w->m = acl_memberships(q->srv->acl, u->id, &w->r.n);
	w->r.m = w->m;
	if (!w->m)
		w->r.n = 0;
	return true;
}

struct feed_ctx {
	struct kr_server *srv;
	const struct kr_reader *r;
	json_t *views;
};

static int feed_one(void *ud, struct kr_item *it)
{
	struct feed_ctx *f = ud;
	json_t *view = NULL;

	if (json_array_size(f->views) >= FEED_MAX)
		return 1;
	if (reader_export_view_for(f->srv, f->r, it, &view) == KR_OK)
		json_array_append_new(f->views, view);
	return 0;
}

/* An argument: 0 when absent, 1 when present (in buf), -1 when too long. */
static int arg(struct kr_http_req *q, const char *name, char buf[ARG_BYTES])
{
	int n = http_arg(q, name, buf, ARG_BYTES);

	return n == -1 ? 0 : n < 0 ? -1 : 1;
}

/* The calendar's events for /events.ics, filters from the query string,
 * into views: 1 to go on, else the request was answered and this is what
 * the callback returns. */
static int feed(struct kr_http_req *q, const struct who *w, json_t *views, char *name,
                size_t namelen)
{
	char region[ARG_BYTES], audience[ARG_BYTES], circle[ARG_BYTES], err[200];
	int has_region = arg(q, "region", region), has_aud = arg(q, "audience", audience);
	int has_circle = arg(q, "circle", circle);
	struct kr_event_query eq = {0};
	struct feed_ctx f = {q->srv, &w->r, views};
	char last_id[KR_ITEM_ID_LEN + 1] = "";
	int64_t last_start = 0;
	json_t *prefs = NULL;
	bool first = true;
	enum kr_err rc;

	if (has_region < 0 || has_aud < 0 || has_circle < 0)
		return text(q, HTTP_STATUS_BAD_REQUEST, "an argument is too long\n");
	if (has_aud && strcmp(audience, "technical") && strcmp(audience, "executive") &&
	    strcmp(audience, "mixed"))
		return text(q, HTTP_STATUS_BAD_REQUEST,
		            "audience must be technical, executive or mixed\n");
	if (event_region_filter(has_region ? region : NULL, &prefs, err, sizeof(err)) != KR_OK) {
		strcat(err, "\n");
		return text(q, HTTP_STATUS_BAD_REQUEST, err);
	}
	if (has_circle) {
		const struct kr_acl_circle *c = acl_circle_by_key(q->srv->acl, circle);

		if (!c || policy_may_follow(&w->r, c->id, c->policy) != KR_OK) {
			json_decref(prefs);
			return text(q, HTTP_STATUS_NOT_FOUND,
			            "no such circle, or you may not read it\n");
		}
		eq.circle_id = c->id;
	}
	eq.prefectures = prefs;
	eq.audience = has_aud ? audience : NULL;
	eq.from = (int64_t)time(NULL) - FEED_PAST_DAYS * 86400;
	do {
		char before[KR_ITEM_ID_LEN + 1];

		snprintf(before, sizeof(before), "%s", last_id);
		rc = store_events_query(q->srv->store, &eq, last_start, first ? NULL : before,
		                        FEED_MAX, feed_one, &f, &last_start, last_id);
		if (strcmp(before, last_id) == 0)
			break;
		first = false;
	} while (rc == KR_OK && json_array_size(views) < FEED_MAX);
	json_decref(prefs);
	if (rc != KR_OK)
		return text(q, HTTP_STATUS_INTERNAL_SERVER_ERROR,
		            "the hub could not read events\n");
	snprintf(name, namelen, "kairan events%s%s%s%s%s%s", has_region ? " " : "",
	         has_region ? region : "", has_aud ? " " : "", has_aud ? audience : "",
	         has_circle ? " " : "", has_circle ? circle : "");
	return 1;
}

/* /events/ITEM_ID.ics: the event, if this reader may have it (1 to go on,
 * as feed()). */
static int single(struct kr_http_req *q, const struct who *w, const char *file, json_t *views)
{
	char id[KR_ITEM_ID_LEN + 1];
	struct kr_item *it = NULL;
	json_t *view = NULL;
	size_t n = strlen(file);

	if (n != KR_ITEM_ID_LEN + 4 || strcmp(file + KR_ITEM_ID_LEN, ".ics") != 0)
		return text(q, HTTP_STATUS_NOT_FOUND, "not found\n");
	memcpy(id, file, KR_ITEM_ID_LEN);
	id[KR_ITEM_ID_LEN] = '\0';
	if (store_item_get(q->srv->store, id, &it) == KR_OK && it->meta.kind == KR_KIND_EVENT &&
	    reader_export_view_for(q->srv, &w->r, it, &view) == KR_OK)
		json_array_append_new(views, view);
	item_unref(it);
	if (json_array_size(views) == 0)
		return text(q, HTTP_STATUS_NOT_FOUND, "no such event, or you may not read it\n");
	return 1;
}

int ics_http(struct kr_http_req *q)
{
	struct who w;
	json_t *views = json_array();
	char name[300] = "kairan", err[200];
	char *body = NULL;
	size_t len = 0;
	int ret = 0;

	if (!views)
		return -1;
	if (strcmp(q->path, "/events.ics") != 0 && strncmp(q->path, "/events/", 8) != 0) {
		json_decref(views);
		return text(q, HTTP_STATUS_NOT_FOUND, "not found\n");
	}
	if (!authenticate(q, &w, &ret)) {
		json_decref(views);
		return ret;
	}
	if (strcmp(q->path, "/events.ics") == 0) {
		ret = feed(q, &w, views, name, sizeof(name));
	} else {
		ret = single(q, &w, q->path + 8, views);
		snprintf(name, sizeof(name), "kairan %.40s", q->path + 8);
	}
	if (ret == 1) {
		if (ical_calendar(views, name, LWS_PRE, &body, &len, err, sizeof(err)) == KR_OK) {
			ret = http_reply(q, HTTP_STATUS_OK, ICS_TYPE, body, len, NULL, 0);
		} else {
			kr_log(KR_LOG_ERROR, "calendar feed %s: %s", q->path, err);
			ret = text(q, HTTP_STATUS_INTERNAL_SERVER_ERROR,
			           "the hub could not write this calendar\n");
		}
	}
	free(w.m);
	json_decref(views);
	return ret;
}
