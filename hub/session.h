/*
 * session.h - one websocket connection: who it is, what it has half
 * received, what waits to be sent, and what it follows.
 *
 * The struct lives in libwebsockets' per-session allocation (zeroed at
 * connect, freed after LWS_CALLBACK_CLOSED); session_destroy() releases
 * everything it points to.
 */
#ifndef KR_SESSION_H
#define KR_SESSION_H

#include <jansson.h>
#include <libwebsockets.h>
#include <stdbool.h>
#include <stdint.h>

#include "clientip.h"
#include "kr_error.h"
#include "http.h"
#include "filter.h"
#include "outq.h"
#include "policy.h"
#include "store_dir.h"

struct kr_server;

/* What a session follows (subs.c). */
struct kr_sub {
	bool active;
	bool live;        /* false: catching up from the store */
	int64_t *circles; /* sorted circle ids, owned */
	size_t n_circles;
	int64_t catchup;         /* replay items with cursor > catchup */
	int64_t last_queued;     /* cursor of the newest item queued */
	struct kr_filter filter; /* what of the readable items it wants */
};

struct kr_session {
	struct kr_server *srv;
	struct lws *wsi;
	struct kr_session *prev, *next;
	char peer[64];
	/* Where the client is: peer, or behind trusted proxies what they report
	 * (clientip.h); "" when unknown. For guessing a region, never access. */
	char client[KR_CLIENTIP_MAX];

	bool authed;
	int64_t user_id;
	unsigned char token_hash[KR_TOKEN_HASH_LEN];
	int64_t token_expires;             /* epoch seconds; 0: the token never expires */
	struct kr_membership *memberships; /* owned, sorted by circle */
	struct kr_reader reader;           /* points into memberships */
	/* Authenticated by a client certificate (mutual TLS) instead of a
	 * token: its fingerprint, registered in the store, and its expiry
	 * (also in token_expires, so the session ends when it passes). */
	bool via_cert;
	char cert_fp[65];
	lws_sorted_usec_list_t auth_sul;
	int auth_failures;
	lws_sorted_usec_list_t frame_sul; /* deadline of a message begun (throttle.h) */
	bool rx_open;                     /* a message is partly received */

	char *rx; /* reassembly buffer for fragmented messages */
	size_t rx_len, rx_cap;
	bool rx_too_large;
	bool rx_paused;

	struct kr_outq q;
	bool closing; /* close once the queue has drained */

	struct kr_sub sub;

	struct kr_http_reply http; /* plain HTTP requests (http.c) */
};

/* Attach a freshly connected session to the server. */
void session_init(struct kr_session *s, struct kr_server *srv, struct lws *wsi);

/* Release everything the session owns and unlink it. */
void session_destroy(struct kr_session *s);

/*
 * Queue a reply. Steals the reference to msg. Reading from the peer is
 * paused while the queue is over its limits (it resumes as it drains), so
 * a client that does not read cannot grow it without bound.
 */
void session_reply(struct kr_session *s, json_t *msg);

/* Queue an error reply (ref may be NULL). */
void session_error(struct kr_session *s, const char *ref, enum kr_err e, const char *message);

/* Queue a final error (ref null) and close once it is sent. */
void session_close(struct kr_session *s, enum kr_err e, const char *message);

/*
 * Mark the session authenticated as user_id and compute its memberships
 * from the server's current directory snapshot.
 */
void session_login(struct kr_session *s, int64_t user_id,
                   const unsigned char hash[KR_TOKEN_HASH_LEN]);

/*
 * As session_login(), for a session whose TLS client certificate fp
 * (registered to user_id) authenticated it; not_after is when the
 * certificate expires (epoch seconds).
 */
void session_login_cert(struct kr_session *s, int64_t user_id, const char *fp, int64_t not_after);

/*
 * Re-check the session against the current snapshot and store: false when
 * its user, token or certificate registration is gone or expired (the
 * caller closes it); otherwise memberships are recomputed and the
 * subscription is narrowed to what it may follow.
 */
bool session_refresh(struct kr_session *s);

/* True when the send queue has reached its configured limits. */
bool session_queue_full(const struct kr_session *s);

#endif
