/*
 * server.h - the hub's runtime: the libwebsockets context, the list of live
 * sessions, the store and the current directory snapshot. One service
 * thread runs everything; nothing here is shared across threads.
 */
#ifndef KR_SERVER_H
#define KR_SERVER_H

#include <libwebsockets.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "acl.h"
#include "config.h"
#include "metrics.h"
#include "geoip.h"
#include "store.h"

struct kr_session;
struct kr_item;
struct kr_denials;
struct kr_rate_table;

/* Live pushes held until the transaction of a change commits (txn.h). */
struct kr_held {
	struct kr_item **items;
	size_t n, cap;
};
struct kr_ind_benign;

struct kr_server {
	struct kr_config *cfg;
	struct kr_store *store;
	struct kr_acl *acl; /* current snapshot, replaced on change */
	struct lws_context *ctx;
	struct kr_session *sessions; /* doubly linked */
	size_t n_sessions;
	int64_t data_version;
	lws_sorted_usec_list_t poll_sul;
	uint64_t denials; /* deliveries refused by the gate at send time */
	/* The MaxMind databases (geoip.h); reopened on SIGHUP. */
	struct kr_geoip *geoip;
	void *ssl_ctx;                  /* the vhost's SSL_CTX (NULL with tls = off) */
	int64_t tls_epoch;              /* meta 'tls_epoch' last acted on */
	struct kr_held held;            /* txn.h */
	struct kr_denials *denials_log; /* repeated refusals, counted (denials.h) */
	lws_sorted_usec_list_t denials_sul;
	struct kr_metrics metrics;                 /* metrics.h; served at /metrics */
	struct kr_rate_table *rate_user, *rate_ip; /* throttle.h */
	double start_time;                         /* epoch seconds */
	struct kr_ind_benign *benign; /* the operator's benign_file, re-read on SIGHUP */

	/* The next event reminder (events.c). */
	lws_sorted_usec_list_t event_sul;
	/* The trusted_proxies setting, parsed (clientip.h). */
	struct kr_proxies *proxies;
};

/*
 * Serve until *stop becomes non-zero (set by a signal handler). *reload is
 * set by SIGHUP: the reloadable settings of config_path (may be NULL) are
 * read again. Returns 0 on a clean stop, non-zero when the server could not
 * start (the reason is logged). SIGHUP also reopens the GeoIP databases.
 */
int server_run(struct kr_config *cfg, const char *config_path, struct kr_store *st,
               volatile sig_atomic_t *stop, volatile sig_atomic_t *reload);

/* Re-read the directory now and re-check every live session. */
void server_directory_changed(struct kr_server *srv);

/*
 * Re-read the directory if another process (an admin command) changed the
 * store since the last look. Cheap (one cached PRAGMA); called before every
 * request and every data_poll_ms, so requests always see the current
 * directory and live sessions follow within the poll interval.
 */
void server_sync_directory(struct kr_server *srv);

/*
 * True when s authenticated with a token that has expired since: the
 * session is then closed like a revoked one (auth_failed, "your token
 * expired"). Checked before every request and every data_poll_ms.
 */
bool server_session_expired(struct kr_session *s);

/* Queue msg (a push) on every live session of user_id. Steals msg. */
void server_notify_user(struct kr_server *srv, int64_t user_id, json_t *msg);

#endif
