/*
 * http.h - the hub's plain HTTPS requests: everything on the port that is
 * not a websocket upgrade.
 *
 * A route table maps a path prefix to a handler (the public feed under
 * /feed/, TAXII 2.1 under /taxii2/, the web client under /app/ and "/"
 * itself); any other path is 404 and any method but GET is 405. Handlers read the request through
 * the helpers below (query arguments, request headers) and answer with http_reply() or
 * http_reply_json(): the status line and headers go out at once, the body
 * is kept and written from the HTTP_WRITEABLE callback in chunks.
 *
 * Nothing here decides access or touches items: handlers do that, through
 * reader.c.
 */
#ifndef KR_HTTP_H
#define KR_HTTP_H

#include <jansson.h>
#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

struct kr_server;

/* The pending HTTP response of one connection (in its per-session data). */
struct kr_http_reply {
	char *body; /* owned, LWS_PRE headroom before the text */
	size_t len;
	size_t sent;
	bool close; /* close the connection once sent (no keep-alive) */
};

/* One request being answered; valid during the handler call only. */
struct kr_http_req {
	struct lws *wsi;
	struct kr_server *srv;
	struct kr_http_reply *reply;
	const char *path; /* URL path, decoded, without the query */
};

/* The policy of every reply that is not a page: it loads nothing, runs
 * nothing, may not be framed (JSON, calendars, metrics opened in a
 * browser stay inert). */
#define HTTP_DEFAULT_CSP                                                                           \
	"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/* An extra response header; name ends with ':' ("x-taxii-date-added-first:"). */
struct kr_http_header {
	const char *name;
	const char *value;
};

/* A route handler: returns what the lws callback returns (0, or -1 to close). */
typedef int (*kr_http_handler)(struct kr_http_req *q);

/* Answer the request for path (LWS_CALLBACK_HTTP). Returns what the callback returns. */
int http_request(struct lws *wsi, struct kr_server *srv, struct kr_http_reply *r, const char *path);

/* Write the next chunk of the body (LWS_CALLBACK_HTTP_WRITEABLE). */
int http_writeable(struct lws *wsi, struct kr_http_reply *r);

/* Release the reply (connection closed or transaction done). */
void http_clear(struct kr_http_reply *r);

/*
 * Send status and headers and keep body (len bytes after LWS_PRE bytes of
 * headroom; stolen, may be NULL with len 0) for the WRITEABLE callback.
 * Every reply carries Content-Type, Content-Length, X-Content-Type-Options:
 * nosniff, Referrer-Policy: no-referrer, Cache-Control: no-store and
 * Content-Security-Policy: HTTP_DEFAULT_CSP, plus hdrs; a Cache-Control or
 * Content-Security-Policy in hdrs replaces the default one (the web
 * client's pages, web.h). Returns 0, or -1 when the headers could not be
 * written (the connection is then closed).
 */
int http_reply(struct kr_http_req *q, unsigned status, const char *content_type, char *body,
               size_t len, const struct kr_http_header *hdrs, size_t n_hdrs);

/* http_reply() with doc serialised as compact JSON (steals doc; NULL: 500). */
int http_reply_json(struct kr_http_req *q, unsigned status, const char *content_type, json_t *doc,
                    const struct kr_http_header *hdrs, size_t n_hdrs);

/*
 * The query argument `name` ("limit", "match[type]"), URL-decoded, copied
 * into buf. Returns its length, -1 when absent, -2 when longer than
 * len - 1 (a caller must refuse that rather than ignore the argument).
 * When the argument is repeated the values are joined with commas.
 */
int http_arg(struct kr_http_req *q, const char *name, char *buf, size_t len);

/* A request header (WSI_TOKEN_HTTP_AUTHORIZATION, ...) into buf: its
 * length, -1 when absent, -2 when longer than len - 1. */
int http_header(struct kr_http_req *q, enum lws_token_indexes h, char *buf, size_t len);

#endif
