/*
 * taxii.c - the TAXII 2.1 read side (see taxii.h and taxii_proto.h).
 */
#include "taxii.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "auth.h"
#include "deny_log.h"
#include "log.h"
#include "policy.h"
#include "reader.h"
#include "server.h"
#include "stix_out.h"
#include "store_dir.h"
#include "store_items.h"
#include "taxii_proto.h"

#define PREFIX        "/taxii2/"
#define API_ROOT_NAME "kairan"
#define API_ROOT      PREFIX API_ROOT_NAME "/"

#define LIMIT_DEFAULT 100  /* objects per page when the client names no limit */
#define LIMIT_MAX     1000 /* the most a client gets, whatever it asks */
#define SCAN_MAX      2000 /* items examined per request (the hub has one thread) */
#define BATCH         64   /* items read from the store at a time */
#define ARG_MAX       4096 /* longest match[...] value */

#define US_PER_S 1000000LL

/* Who asks: the reader the gate judges, and the memberships it points to. */
struct who {
	struct kr_reader r;
	struct kr_membership *m;     /* owned */
	const struct kr_acl_user *u; /* NULL: anonymous */
};

static int reply(struct kr_http_req *q, unsigned status, json_t *doc,
                 const struct kr_http_header *hdrs, size_t n)
{
	return http_reply_json(q, status, TAXII_MEDIA_TYPE, doc, hdrs, n);
}

/* A TAXII error message resource. */
static int fail(struct kr_http_req *q, unsigned status, const char *title, const char *description)
{
	static const struct kr_http_header challenge[] = {
	    {"www-authenticate:", "Basic realm=\"kairan\", Bearer realm=\"kairan\""}};
	char code[8];

	snprintf(code, sizeof(code), "%u", status);
	return reply(q, status,
	             json_pack("{s:s, s:s, s:s}", "title", title, "description", description,
	                       "http_status", code),
	             status == HTTP_STATUS_UNAUTHORIZED ? challenge : NULL,
	             status == HTTP_STATUS_UNAUTHORIZED ? 1 : 0);
}

static int not_found(struct kr_http_req *q, const char *what)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "%s was not found, or you may not read it", what);
	return fail(q, HTTP_STATUS_NOT_FOUND, "Not Found", msg);
}

static int bad_request(struct kr_http_req *q, const char *description)
{
	return fail(q, HTTP_STATUS_BAD_REQUEST, "Bad Request", description);
}

/*
 * Resolve the Authorization header into w: true with w set (without a
 * header, the user of a registered client certificate, else anonymous),
 * or false when the request was answered (401 or 500), *ret then being
 * what the callback returns.
 */
static bool authenticate(struct kr_http_req *q, struct who *w, int *ret)
{
	char authz[1024], user[128], token[256], peer[64];
	unsigned char hash[KR_TOKEN_HASH_LEN];
	enum taxii_cred cred;
	enum kr_err rc;
	int n = http_header(q, WSI_TOKEN_HTTP_AUTHORIZATION, authz, sizeof(authz));

	memset(w, 0, sizeof(*w));
	if (n == -1) {
		/* No header: a registered client certificate (mutual TLS) is
		 * the user; without one the request is anonymous. */
		struct kr_tlsc_info ci;

		rc = auth_cert_user(q->srv, q->wsi, &ci, &w->u);
		if (rc != KR_OK) {
			w->u = NULL;
			return true;
		}
		goto found;
	}
	cred = n < 0 ? TAXII_CRED_BAD
	             : taxii_credentials(authz, user, sizeof(user), token, sizeof(token));
	rc = KR_EAUTH;
	if (cred == TAXII_CRED_BEARER || cred == TAXII_CRED_BASIC)
		rc = auth_token_user(q->srv, token, strlen(token), hash, &w->u);
	if (rc == KR_OK && cred == TAXII_CRED_BASIC && strcmp(user, w->u->name) != 0)
		rc = KR_EAUTH; /* the token is valid, but not this user's */
	OPENSSL_cleanse(token, sizeof(token));
	OPENSSL_cleanse(authz, sizeof(authz));
	if (rc != KR_OK) {
		w->u = NULL;
		if (!lws_get_peer_simple(q->wsi, peer, sizeof(peer)))
			snprintf(peer, sizeof(peer), "?");
		if (rc != KR_EAUTH) {
			kr_log(KR_LOG_ERROR, "taxii %s: cannot check credentials", peer);
			*ret = fail(q, HTTP_STATUS_INTERNAL_SERVER_ERROR, "Internal Error",
			            "the hub could not check your credentials; try again later");
			return false;
		}
		kr_log(KR_LOG_INFO, "taxii %s: authentication failed", peer);
		deny_log_note_http(q->srv, 0, "taxii", "", KR_EAUTH);
		*ret = fail(q, HTTP_STATUS_UNAUTHORIZED, "Unauthorized",
		            "the token is unknown, revoked or expired, or not the user's");
		return false;
	}
found:
	w->r.user_id = w->u->id;
	w->r.org_id = w->u->org_id;
	w->m = acl_memberships(q->srv->acl, w->u->id, &w->r.n);
	w->r.m = w->m;
	if (!w->m)
		w->r.n = 0;
	return true;
}

/* ---- discovery, API root, collections -------------------------------- */

static int discovery(struct kr_http_req *q)
{
	return reply(q, HTTP_STATUS_OK,
	             json_pack("{s:s, s:s, s:s, s:[s]}", "title", "kairan hub", "description",
	                       "TAXII 2.1, read only: one collection per circle of this hub that "
	                       "you may read, with the items you may read as STIX 2.1.",
	                       "default", API_ROOT, "api_roots", API_ROOT),
	             NULL, 0);
}

static int api_root(struct kr_http_req *q)
{
	return reply(q, HTTP_STATUS_OK,
	             json_pack("{s:s, s:s, s:[s], s:i}", "title", "kairan", "description",
	                       "The circles of this kairan hub. Read only: objects are posted "
	                       "with the kairan client, not over TAXII.",
	                       "versions", TAXII_MEDIA_TYPE, "max_content_length", 0),
	             NULL, 0);
}

/* The circles' names, as store_circle_list() gives them, or NULL. */
static json_t *circle_names(struct kr_server *srv)
{
	json_t *list = NULL;

	return store_circle_list(srv->store, &list) == KR_OK ? list : NULL;
}

/* The display name of a circle in names (its key when it has none). */
static const char *circle_title(const json_t *names, const char *key)
{
	const json_t *row;
	size_t i;

	json_array_foreach(names, i, row)
	{
		const char *k = json_string_value(json_object_get(row, "circle"));
		const char *name = json_string_value(json_object_get(row, "name"));

		if (k && strcmp(k, key) == 0)
			return name && *name ? name : key;
	}
	return key;
}

/* The collection resource of a circle, or NULL when out of memory. */
static json_t *collection(const struct kr_acl_circle *c, const json_t *names)
{
	const char *kind = kr_circle_kind_name(c->kind);
	char id[37], desc[256];

	if (!taxii_collection_id(c->key, id))
		return NULL;
	snprintf(desc, sizeof(desc),
	         "kairan circle %s (%s): its published threat reports and alerts you may have, "
	         "as STIX 2.1",
	         c->key, kind ? kind : "circle");
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:[s]}", "id", id, "title",
	                 circle_title(names, c->key), "description", desc, "alias", c->key,
	                 "can_read", 1, "can_write", 0, "media_types", STIX_MEDIA_TYPE);
}

/* May w list and read the circle's collection? */
static bool readable(const struct who *w, const struct kr_acl_circle *c)
{
	return policy_may_follow(&w->r, c->id, c->policy) == KR_OK;
}

static int collections(struct kr_http_req *q, const struct who *w)
{
	json_t *list = json_array(), *names = circle_names(q->srv), *doc;
	size_t n = acl_circle_count(q->srv->acl);

	for (size_t i = 0; list && i < n; i++) {
		const struct kr_acl_circle *c = acl_circle_at(q->srv->acl, i);
		json_t *col;

		if (!readable(w, c))
			continue;
		col = collection(c, names);
		if (!col || json_array_append_new(list, col) != 0) {
			json_decref(list);
			list = NULL;
		}
	}
	json_decref(names);
	if (!list)
		return reply(q, HTTP_STATUS_INTERNAL_SERVER_ERROR, NULL, NULL, 0);
	doc = json_object();
	if (doc && json_array_size(list))
		json_object_set(doc, "collections", list);
	json_decref(list);
	return reply(q, HTTP_STATUS_OK, doc, NULL, 0);
}

/* The circle named by a collection id (or its alias, the circle key) that w
 * may read; NULL otherwise, whether or not it exists. */
static const struct kr_acl_circle *find_collection(struct kr_server *srv, const struct who *w,
                                                   const char *ref)
{
	size_t n = acl_circle_count(srv->acl);
	char id[37];

	for (size_t i = 0; i < n; i++) {
		const struct kr_acl_circle *c = acl_circle_at(srv->acl, i);

		if (strcmp(c->key, ref) == 0 ||
		    (taxii_collection_id(c->key, id) && strcmp(id, ref) == 0)) {
			if (readable(w, c))
				return c;
			/* answered 404 like a missing one; the trail knows better */
			deny_log_note_http(srv, w->u ? w->u->id : 0, "taxii", c->key,
			                   KR_EFORBIDDEN);
			return NULL;
		}
	}
	return NULL;
}

/* ---- objects and manifest --------------------------------------------- */

/* A request's filter parameters, with the buffers its lists point into. */
struct params {
	struct taxii_filter f;
	int64_t limit;
	char added_after[64], next[128];
	bool has_next;
	char type[ARG_MAX], id[ARG_MAX], version[ARG_MAX], spec_version[ARG_MAX];
	unsigned char digest[8];
};

/* Read one match[...] argument into buf and split it; an error text or NULL. */
static const char *list_arg(struct kr_http_req *q, const char *name, char *buf,
                            struct taxii_list *l, char *canon, size_t *used, size_t cap)
{
	int n = http_arg(q, name, buf, ARG_MAX);
	int w;

	l->n = 0;
	if (n == -2)
		return "a match[...] parameter is too long";
	w = snprintf(canon + *used, cap - *used, "%s=%s\n", name, n >= 0 ? buf : "");
	*used += w > 0 && (size_t)w < cap - *used ? (size_t)w : 0;
	if (n < 0)
		return NULL;
	return taxii_list_split(buf, l) ? NULL
	                                : "a match[...] parameter has an empty value or too many";
}

/* Parse the query of an objects/manifest request; an error text or NULL. */
static const char *read_params(struct kr_http_req *q, struct params *p, const char *object_id)
{
	char limit[32];
	char canon[4 * ARG_MAX + 256];
	size_t used = 0;
	const char *err;
	int n;

	memset(&p->f, 0, sizeof(p->f));
	p->limit = LIMIT_DEFAULT;
	n = http_arg(q, "limit", limit, sizeof(limit));
	if (n == -2)
		return "limit must be a positive integer";
	if (n >= 0) {
		char *end;
		long long v = strtoll(limit, &end, 10);

		if (!*limit || *end || v < 1)
			return "limit must be a positive integer";
		p->limit = v > LIMIT_MAX ? LIMIT_MAX : v;
	}
	n = http_arg(q, "added_after", p->added_after, sizeof(p->added_after));
	if (n == -2 || (n >= 0 && !taxii_ts_parse(p->added_after, &p->f.added_after)))
		return "added_after must be a timestamp such as 2024-05-01T10:00:00.000000Z";
	p->f.has_added_after = n >= 0;
	used += (size_t)snprintf(canon, sizeof(canon), "added_after=%s\nobject=%s\n",
	                         n >= 0 ? p->added_after : "", object_id ? object_id : "");
	n = http_arg(q, "next", p->next, sizeof(p->next));
	if (n == -2)
		return "next is not valid for this request";
	p->has_next = n >= 0;
	if ((err = list_arg(q, "match[type]", p->type, &p->f.type, canon, &used, sizeof(canon))) ||
	    (err = list_arg(q, "match[id]", p->id, &p->f.id, canon, &used, sizeof(canon))) ||
	    (err = list_arg(q, "match[version]", p->version, &p->f.version, canon, &used,
	                    sizeof(canon))) ||
	    (err = list_arg(q, "match[spec_version]", p->spec_version, &p->f.spec_version, canon,
	                    &used, sizeof(canon))))
		return err;
	if (!taxii_versions_valid(&p->f.version))
		return "match[version] takes first, last, all or timestamps";
	if (object_id) { /* objects/{object-id}/: that object only */
		p->f.id.v[0] = object_id;
		p->f.id.n = 1;
	}
	taxii_filter_digest(canon, used, p->digest);
	return NULL;
}

/*
 * Is an item of this kind in a collection at all (before the gate asks about
 * this reader)? Threats and alerts, as in the `export` message: practices
 * and events are not threat intelligence.
 */
static bool listed_kind(enum kr_kind kind)
{
	return kind == KR_KIND_THREAT || kind == KR_KIND_ALERT;
}

/* One page of a listing being built. */
struct page {
	struct kr_server *srv;
	const struct who *w;
	const struct taxii_filter *f;
	enum taxii_mode mode;
	int64_t limit;
	struct taxii_pos start; /* where this page begins */
	int64_t clock;          /* publication clock before the current item */
	int64_t resume_from;    /* the position after the last item handled */
	int64_t resume_clock;
	json_t *out;
	int64_t n;
	int64_t first_us, last_us;
	size_t scanned;
	bool stop, more, failed;
	struct taxii_pos next;
};

/* The seconds of a `created` timestamp, or -1. */
static int64_t created_seconds(const char *created)
{
	int64_t us;

	return taxii_ts_parse(created, &us) ? us / US_PER_S : -1;
}

static void advance(struct page *pg, int64_t cursor, int64_t clock)
{
	pg->clock = clock;
	pg->resume_from = cursor + 1;
	pg->resume_clock = clock;
}

static void continue_at(struct page *pg, int64_t from, uint32_t skip, int64_t clock)
{
	pg->more = true;
	pg->stop = true;
	pg->next = pg->start;
	pg->next.from = from;
	pg->next.skip = skip;
	pg->next.clock = clock;
}

/* Append one object (or its manifest record) to the page. */
static void emit(struct page *pg, json_t *obj, int64_t date_us)
{
	char date[TAXII_TS_LEN + 1];
	json_t *rec;

	if (pg->mode == TAXII_MODE_MANIFEST) {
		taxii_ts_format(date_us, date);
		rec = json_pack("{s:O?, s:s, s:s?, s:s}", "id", json_object_get(obj, "id"),
		                "date_added", date, "version", taxii_object_version(obj),
		                "media_type", STIX_MEDIA_TYPE);
	} else {
		rec = json_incref(obj);
	}
	if (!rec || json_array_append_new(pg->out, rec) != 0) {
		pg->failed = pg->stop = true;
		return;
	}
	if (pg->n++ == 0)
		pg->first_us = date_us;
	pg->last_us = date_us;
}

/* Emit the matching objects of one readable item, from skip on. */
static void item_objects(struct page *pg, int64_t cursor, json_t *objects, int64_t clock_after,
                         int64_t date_us)
{
	uint32_t skip = cursor == pg->start.from ? pg->start.skip : 0, k = 0;
	size_t i;
	json_t *obj;

	json_array_foreach(objects, i, obj)
	{
		if (!taxii_object_matches(pg->f, obj))
			continue;
		if (k++ < skip)
			continue;
		if (pg->n >= pg->limit) {
			/* The page is full and this item has more: the next page starts here. */
			continue_at(pg, cursor, k - 1, pg->clock);
			return;
		}
		emit(pg, obj, date_us);
		if (pg->stop)
			return;
	}
	advance(pg, cursor, clock_after);
}

static int page_item(void *ud, struct kr_item *it)
{
	struct page *pg = ud;
	json_t *view = NULL, *objects = NULL;
	int64_t created, clock_after, date_us;
	enum kr_err rc;

	if (pg->stop)
		return 1;
	pg->scanned++;
	rc = listed_kind(it->meta.kind) ? reader_export_view_for(pg->srv, &pg->w->r, it, &view)
	                                : KR_EFORBIDDEN;
	if (rc == KR_EFORBIDDEN) {
		advance(pg, it->cursor, pg->clock);
		goto budget;
	}
	if (rc != KR_OK) {
		pg->failed = pg->stop = true;
		return 1;
	}
	created = created_seconds(json_string_value(json_object_get(view, "created")));
	clock_after = created > pg->clock ? created : pg->clock;
	date_us = taxii_date_added(clock_after, it->cursor);
	if (pg->f->has_added_after && date_us <= pg->f->added_after) {
		advance(pg, it->cursor, clock_after);
		goto done;
	}
	/* The item's TLP marking definition first, so that every page carries
	 * the definitions its objects refer to. */
	objects = json_array();
	rc = objects && json_array_append_new(objects, stix_marking_definition(it->meta.tlp)) == 0
	         ? stix_item_objects(view, pg->start.now, false, objects)
	         : KR_EINTERNAL;
	if (rc != KR_OK) {
		kr_log(rc == KR_EINVAL ? KR_LOG_WARN : KR_LOG_ERROR,
		       "taxii: item %s has no STIX form; left out", it->id);
		if (rc != KR_EINVAL) {
			pg->failed = pg->stop = true;
			goto done;
		}
		advance(pg, it->cursor, clock_after);
		goto done;
	}
	item_objects(pg, it->cursor, objects, clock_after, date_us);
done:
	json_decref(objects);
	json_decref(view);
budget:
	if (!pg->stop && pg->scanned >= SCAN_MAX) /* more may follow: the client asks again */
		continue_at(pg, pg->resume_from, 0, pg->resume_clock);
	return pg->stop ? 1 : 0;
}

/* Walk the circle from pg->start until the page is full and one more
 * matching object is seen, the circle ends, or the scan budget is spent. */
static enum kr_err fill_page(struct page *pg)
{
	int64_t after = pg->start.from - 1, last;
	enum kr_err rc = KR_OK;

	pg->clock = pg->start.clock;
	pg->resume_from = pg->start.from;
	pg->resume_clock = pg->start.clock;
	while (!pg->stop) {
		last = after;
		rc = store_items_after(pg->srv->store, &pg->start.circle_id, 1, after, BATCH,
		                       page_item, pg, &last);
		if (rc != KR_OK || last == after)
			break;
		after = last;
	}
	if (rc == KR_OK && pg->failed)
		rc = KR_EINTERNAL;
	return rc;
}

/* The seek for added_after: the first position whose date_added is later. */
struct seek {
	struct kr_server *srv;
	const struct who *w;
	int64_t after_us;
	int64_t clock;
	int64_t from;
	bool found;
};

static int seek_row(void *ud, const struct kr_item_stamp *st)
{
	struct seek *sk = ud;
	int64_t clock = sk->clock;

	if (listed_kind(st->meta.kind) && reader_may_export_meta(sk->srv, &sk->w->r, &st->meta)) {
		int64_t created = created_seconds(st->created);

		if (created > clock)
			clock = created;
	}
	if (taxii_date_added(clock, st->cursor) > sk->after_us) {
		sk->from = st->cursor;
		sk->found = true;
		return 1; /* sk->clock stays the clock before this row */
	}
	sk->clock = clock;
	sk->from = st->cursor + 1;
	return 0;
}

static enum kr_err seek(struct kr_server *srv, const struct who *w, int64_t circle_id,
                        int64_t after_us, struct taxii_pos *pos)
{
	struct seek sk = {srv, w, after_us, 0, 1, false};
	enum kr_err rc = store_item_stamps(srv->store, circle_id, 0, seek_row, &sk);

	pos->from = sk.from;
	pos->clock = sk.clock;
	return rc;
}

static int listing(struct kr_http_req *q, const struct who *w, const struct kr_acl_circle *c,
                   enum taxii_mode mode, const char *object_id)
{
	struct params *p = calloc(1, sizeof(*p));
	struct page pg = {0};
	unsigned char key[32];
	char next[TAXII_NEXT_LEN + 1], first[TAXII_TS_LEN + 1], last[TAXII_TS_LEN + 1];
	struct kr_http_header hdrs[2];
	const char *err;
	json_t *doc = NULL;
	enum kr_err rc;
	int ret;

	if (!p)
		return reply(q, HTTP_STATUS_INTERNAL_SERVER_ERROR, NULL, NULL, 0);
	err = read_params(q, p, object_id);
	if (err) {
		ret = bad_request(q, err);
		goto out;
	}
	if (store_secret(q->srv->store, "taxii-next", key) != KR_OK) {
		ret = fail(q, HTTP_STATUS_INTERNAL_SERVER_ERROR, "Internal Error",
		           "the hub could not read its paging key; try again later");
		goto out;
	}
	pg.srv = q->srv;
	pg.w = w;
	pg.f = &p->f;
	pg.mode = mode;
	pg.limit = p->limit;
	if (p->has_next) {
		if (!taxii_next_decode(key, p->next, &pg.start) || pg.start.mode != mode ||
		    pg.start.circle_id != c->id || pg.start.user_id != (w->u ? w->u->id : 0) ||
		    memcmp(pg.start.filter, p->digest, sizeof(p->digest)) != 0) {
			ret = bad_request(q, "next is not valid for this request: repeat the "
			                     "request's other parameters unchanged, or start over");
			goto out;
		}
	} else {
		pg.start = (struct taxii_pos){.mode = mode,
		                              .circle_id = c->id,
		                              .user_id = w->u ? w->u->id : 0,
		                              .from = 1,
		                              .now = (int64_t)time(NULL)};
		memcpy(pg.start.filter, p->digest, sizeof(p->digest));
		if (p->f.has_added_after &&
		    seek(q->srv, w, c->id, p->f.added_after, &pg.start) != KR_OK) {
			ret = fail(q, HTTP_STATUS_INTERNAL_SERVER_ERROR, "Internal Error",
			           "the hub could not read the collection; try again later");
			goto out;
		}
	}
	pg.out = json_array();
	rc = pg.out ? fill_page(&pg) : KR_EINTERNAL;
	if (rc != KR_OK) {
		ret = fail(q, HTTP_STATUS_INTERNAL_SERVER_ERROR, "Internal Error",
		           "the hub could not read the collection; try again later");
		goto out;
	}
	if (mode == TAXII_MODE_OBJECT && pg.n == 0 && !pg.more && !p->has_next) {
		ret = not_found(q, "the object");
		goto out;
	}
	doc = json_pack("{s:b}", "more", pg.more);
	if (doc && pg.more) {
		if (!taxii_next_encode(key, &pg.next, next)) {
			json_decref(doc);
			doc = NULL;
		} else {
			json_object_set_new(doc, "next", json_string(next));
		}
	}
	if (doc && pg.n)
		json_object_set(doc, "objects", pg.out);
	if (pg.n) {
		taxii_ts_format(pg.first_us, first);
		taxii_ts_format(pg.last_us, last);
		hdrs[0] = (struct kr_http_header){"x-taxii-date-added-first:", first};
		hdrs[1] = (struct kr_http_header){"x-taxii-date-added-last:", last};
	}
	ret = reply(q, doc ? HTTP_STATUS_OK : HTTP_STATUS_INTERNAL_SERVER_ERROR, doc, hdrs,
	            pg.n ? 2 : 0);
out:
	json_decref(pg.out);
	OPENSSL_cleanse(key, sizeof(key));
	free(p);
	return ret;
}

/* ---- routing ------------------------------------------------------------ */

#define MAX_SEGMENTS 6

/* Split the path after PREFIX into segments (a trailing '/' is optional).
 * Returns the count, or -1 for an empty segment or too many. */
static int segments(const char *path, char *buf, size_t len, const char *seg[MAX_SEGMENTS])
{
	int n = 0;
	char *s;

	if (snprintf(buf, len, "%s", path + strlen(PREFIX)) >= (int)len)
		return -1;
	s = buf;
	while (*s) {
		char *slash = strchr(s, '/');

		if (slash == s || n == MAX_SEGMENTS)
			return -1;
		seg[n++] = s;
		if (!slash)
			break;
		*slash = '\0';
		s = slash + 1;
	}
	return n;
}

static int route(struct kr_http_req *q, const struct who *w)
{
	const char *seg[MAX_SEGMENTS];
	const struct kr_acl_circle *c;
	char buf[512];
	int n = segments(q->path, buf, sizeof(buf), seg);

	if (n == 0)
		return discovery(q);
	if (n < 0 || strcmp(seg[0], API_ROOT_NAME) != 0)
		return not_found(q, "the API root");
	if (n == 1)
		return api_root(q);
	if (strcmp(seg[1], "collections") != 0)
		return not_found(q, "the resource");
	if (n == 2)
		return collections(q, w);
	c = find_collection(q->srv, w, seg[2]);
	if (!c)
		return not_found(q, "the collection");
	if (n == 3) {
		json_t *names = circle_names(q->srv), *col = collection(c, names);

		json_decref(names);

		return reply(q, col ? HTTP_STATUS_OK : HTTP_STATUS_INTERNAL_SERVER_ERROR, col, NULL,
		             0);
	}
	if (n == 4 && strcmp(seg[3], "objects") == 0)
		return listing(q, w, c, TAXII_MODE_OBJECTS, NULL);
	if (n == 4 && strcmp(seg[3], "manifest") == 0)
		return listing(q, w, c, TAXII_MODE_MANIFEST, NULL);
	if (n == 5 && strcmp(seg[3], "objects") == 0)
		return listing(q, w, c, TAXII_MODE_OBJECT, seg[4]);
	return not_found(q, "the resource");
}

int taxii_http(struct kr_http_req *q)
{
	char accept[1024];
	struct who w;
	int n, ret;

	if (!authenticate(q, &w, &ret))
		return ret;
	n = http_header(q, WSI_TOKEN_HTTP_ACCEPT, accept, sizeof(accept));
	if (n == -2 || !taxii_accept_ok(n >= 0 ? accept : NULL))
		ret = fail(q, HTTP_STATUS_NOT_ACCEPTABLE, "Not Acceptable",
		           "this server answers with " TAXII_MEDIA_TYPE " only");
	else
		ret = route(q, &w);
	free(w.m);
	return ret;
}
