/*
 * throttle.h - what keeps one client from tying up the hub: connections per
 * address, message rates per user and per address (token buckets,
 * ratelimit.h), and a deadline for completing a message once begun. Each
 * refusal has its own error code (too_many_connections, too_fast,
 * timeout). The TLS handshake and websocket upgrade deadline is
 * libwebsockets' timeout_secs (handshake_timeout_s), the authentication
 * deadline auth_timeout_ms (server.c), and a connection silent for 60 s is
 * pinged and then dropped (server.c's keepalive).
 *
 * A circle's posts_per_hour (handle_post.c, rate_limited) is separate: it
 * is the circle's rule, these protect the hub.
 */
#ifndef KR_THROTTLE_H
#define KR_THROTTLE_H

#include <stdbool.h>

struct kr_server;
struct kr_session;

/* Make the rate tables from the configuration (false: out of memory). */
bool throttle_start(struct kr_server *srv);
/* Apply reloaded rate settings. */
void throttle_reload(struct kr_server *srv);
void throttle_stop(struct kr_server *srv);

/* A new connection: false when its address already holds
 * max_connections_per_ip (the session is then being closed with
 * too_many_connections). */
bool throttle_connection(struct kr_session *s);

/* One message from s: false when its user's or its address's bucket is
 * empty (the caller answers too_fast and drops the message). */
bool throttle_message(struct kr_session *s);

/* Part of a message arrived (done: it is now complete): the deadline for
 * completing it is started or cleared. */
void throttle_frame(struct kr_session *s, bool done);

#endif
