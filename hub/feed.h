/*
 * feed.h - the plain HTTPS JSON feed of public CLEAR items:
 *   GET /feed/CIRCLE.json  ->  {"circle": ..., "items": [newest 100]}
 * for circles whose policy publishes CLEAR; 404 for everything else, the
 * same for an unknown circle as for a closed one. Every item passes the
 * reader gate as the anonymous reader. Indicators whose valid_until has
 * passed (kr_ind_expired) are left out of each item unless the query has
 * include_expired=1.
 */
#ifndef KR_FEED_H
#define KR_FEED_H

#include <libwebsockets.h>

struct kr_server;

/* The pending HTTP response of one connection (in its per-session data). */
struct kr_http_reply {
	char *body; /* owned, LWS_PRE headroom before the text */
	size_t len;
	size_t sent;
};

/* Answer an HTTP request for uri (LWS_CALLBACK_HTTP). Returns what the
 * callback returns. */
int feed_http(struct lws *wsi, struct kr_server *srv, struct kr_http_reply *r, const char *uri);

/* Write the body (LWS_CALLBACK_HTTP_WRITEABLE). Returns what the callback returns. */
int feed_http_writeable(struct lws *wsi, struct kr_http_reply *r);

/* Release the reply (connection closed or transaction done). */
void feed_http_clear(struct kr_http_reply *r);

#endif
