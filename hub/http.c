/*
 * http.c - plain HTTPS requests: the route table and the reply helpers
 * (see http.h).
 */
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed.h"
#include "ics.h"
#include "log.h"
#include "metrics_http.h"
#include "proto.h"
#include "server.h"
#include "taxii.h"
#include "web.h"

#define CHUNK_BYTES 16384

static const struct {
	const char *prefix;
	kr_http_handler handler;
} routes[] = {
    {"/feed/", feed_http},
    {"/taxii2/", taxii_http},
    {"/events", ics_http},
    {"/metrics", metrics_http},
    /* the web client's assets; "/" itself is its page too (see http_request) */
    {WEB_PREFIX, web_http},
};

#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

static bool is_get(struct lws *wsi)
{
	char *uri = NULL;
	int len = 0;

	return lws_http_get_uri_and_method(wsi, &uri, &len) == LWSHUMETH_GET;
}

int http_request(struct lws *wsi, struct kr_server *srv, struct kr_http_reply *r, const char *path)
{
	struct kr_http_req q = {wsi, srv, r, path ? path : ""};
	static const struct kr_http_header allow[] = {{"allow:", "GET"}};

	http_clear(r);
	server_sync_directory(srv);
	if (!is_get(wsi)) {
		r->close = true; /* any request body stays unread: do not reuse the connection */
		return http_reply_json(&q, HTTP_STATUS_METHOD_NOT_ALLOWED,
		                       "application/json; charset=utf-8",
		                       json_pack("{s:s}", "error", "method_not_allowed"), allow, 1);
	}
	if (strcmp(q.path, "/") == 0) /* the web client's page: "/" alone, not as a prefix */
		return web_http(&q);
	for (size_t i = 0; i < N_ROUTES; i++)
		if (strncmp(q.path, routes[i].prefix, strlen(routes[i].prefix)) == 0)
			return routes[i].handler(&q);
	return http_reply_json(&q, HTTP_STATUS_NOT_FOUND, "application/json; charset=utf-8",
	                       json_pack("{s:s}", "error", "not_found"), NULL, 0);
}

static int add_header(struct lws *wsi, const struct kr_http_header *h, unsigned char **p,
                      unsigned char *end)
{
	return lws_add_http_header_by_name(wsi, (const unsigned char *)h->name,
	                                   (const unsigned char *)h->value, (int)strlen(h->value),
	                                   p, end);
}

/* Whether hdrs sets the header name ("cache-control:"), in any case. */
static bool has_header(const struct kr_http_header *hdrs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(hdrs[i].name, name) == 0)
			return true;
	return false;
}

int http_reply(struct kr_http_req *q, unsigned status, const char *content_type, char *body,
               size_t len, const struct kr_http_header *hdrs, size_t n_hdrs)
{
	unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start,
	                                   *end = buf + sizeof(buf) - 1;
	static const struct kr_http_header always[] = {
	    {"x-content-type-options:", "nosniff"},
	    {"referrer-policy:", "no-referrer"},
	};
	static const struct kr_http_header unless_given[] = {
	    {"cache-control:", "no-store"},
	    {"content-security-policy:", HTTP_DEFAULT_CSP},
	};
	struct kr_http_reply *r = q->reply;

	free(r->body);
	r->body = body;
	r->len = body ? len : 0;
	r->sent = 0;
	if (lws_add_http_common_headers(q->wsi, status, content_type, r->len, &p, end))
		return -1;
	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		if (add_header(q->wsi, &always[i], &p, end))
			return -1;
	for (size_t i = 0; i < sizeof(unless_given) / sizeof(unless_given[0]); i++)
		if (!has_header(hdrs, n_hdrs, unless_given[i].name) &&
		    add_header(q->wsi, &unless_given[i], &p, end))
			return -1;
	for (size_t i = 0; i < n_hdrs; i++)
		if (add_header(q->wsi, &hdrs[i], &p, end))
			return -1;
	if (lws_finalize_write_http_header(q->wsi, start, &p, end))
		return -1;
	lws_callback_on_writable(q->wsi);
	return 0;
}

int http_reply_json(struct kr_http_req *q, unsigned status, const char *content_type, json_t *doc,
                    const struct kr_http_header *hdrs, size_t n_hdrs)
{
	size_t len = 0;
	char *body = doc ? kr_msg_dump(doc, LWS_PRE, &len) : NULL;

	json_decref(doc);
	if (!body) {
		kr_log(KR_LOG_ERROR, "http %s: out of memory building the reply", q->path);
		body = kr_msg_dump(json_pack("{s:s}", "error", "internal"), LWS_PRE, &len);
		status = HTTP_STATUS_INTERNAL_SERVER_ERROR;
		content_type = "application/json; charset=utf-8";
		hdrs = NULL;
		n_hdrs = 0;
		if (!body)
			return -1;
	}
	return http_reply(q, status, content_type, body, len, hdrs, n_hdrs);
}

/* Copy every fragment of header h that starts with prefix (prefix
 * stripped), joined with commas, into buf: as http_arg(). */
static int copy_fragments(struct lws *wsi, enum lws_token_indexes h, const char *prefix, char *buf,
                          size_t len)
{
	int total = lws_hdr_total_length(wsi, h), n;
	size_t pre = strlen(prefix), used = 0;
	bool found = false;
	char *frag;

	if (len == 0)
		return -2;
	buf[0] = '\0';
	if (total <= 0)
		return -1;
	frag = malloc((size_t)total + 1);
	if (!frag)
		return -2;
	/* Every fragment fits in the header's total length: -1 means no more. */
	for (int idx = 0; (n = lws_hdr_copy_fragment(wsi, frag, total + 1, h, idx)) >= 0; idx++) {
		size_t vlen = (size_t)n - pre;

		if ((size_t)n < pre || strncmp(frag, prefix, pre) != 0)
			continue;
		if (used + vlen + (found ? 1 : 0) >= len) {
			free(frag);
			return -2;
		}
		if (found)
			buf[used++] = ',';
		memcpy(buf + used, frag + pre, vlen);
		used += vlen;
		buf[used] = '\0';
		found = true;
	}
	free(frag);
	return found ? (int)used : -1;
}

int http_arg(struct kr_http_req *q, const char *name, char *buf, size_t len)
{
	char prefix[64];

	if (snprintf(prefix, sizeof(prefix), "%s=", name) >= (int)sizeof(prefix))
		return -1;
	return copy_fragments(q->wsi, WSI_TOKEN_HTTP_URI_ARGS, prefix, buf, len);
}

int http_header(struct kr_http_req *q, enum lws_token_indexes h, char *buf, size_t len)
{
	int n = lws_hdr_total_length(q->wsi, h);

	if (n <= 0)
		return -1;
	if ((size_t)n >= len)
		return -2;
	return lws_hdr_copy(q->wsi, buf, (int)len, h) < 0 ? -2 : n;
}

int http_writeable(struct lws *wsi, struct kr_http_reply *r)
{
	size_t chunk;
	int final;
	bool close;

	if (!r->body)
		return 0;
	chunk = r->len - r->sent > CHUNK_BYTES ? CHUNK_BYTES : r->len - r->sent;
	final = r->sent + chunk == r->len;
	if (lws_write(wsi, (unsigned char *)r->body + LWS_PRE + r->sent, chunk,
	              final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)chunk)
		return -1;
	r->sent += chunk;
	if (!final) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	close = r->close;
	http_clear(r);
	if (close)
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

void http_clear(struct kr_http_reply *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}
