/*
 * server.c - the libwebsockets server: connection lifecycle, frame
 * reassembly, writes from the WRITEABLE callback, the auth deadline, the
 * directory poll that makes admin changes (revocations above all) take
 * effect at once, and the service loop.
 */
#include "server.h"

#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benign.h"
#include "clientip.h"
#include "deny_log.h"
#include "dispatch.h"
#include "events.h"
#include "feed.h"
#include "throttle.h"
#include "http.h"
#include "log.h"
#include "reader.h"
#include "session.h"
#include "subs.h"
#include "tls.h"
#include "tls_client.h"

#define RX_KEEP_BYTES 16384 /* reassembly buffers above this are freed after use */

static void rx_reset(struct kr_session *s)
{
	s->rx_len = 0;
	s->rx_too_large = false;
	if (s->rx_cap > RX_KEEP_BYTES) {
		free(s->rx);
		s->rx = NULL;
		s->rx_cap = 0;
	}
}

static bool rx_append(struct kr_session *s, const void *in, size_t len)
{
	size_t max = (size_t)s->srv->cfg->max_frame_bytes;

	if (s->rx_len + len > max)
		return false;
	if (s->rx_len + len > s->rx_cap) {
		size_t cap = s->rx_cap ? s->rx_cap : 1024;
		char *p;

		while (cap < s->rx_len + len)
			cap *= 2;
		if (cap > max)
			cap = max;
		p = realloc(s->rx, cap);
		if (!p)
			return false;
		s->rx = p;
		s->rx_cap = cap;
	}
	memcpy(s->rx + s->rx_len, in, len);
	s->rx_len += len;
	return true;
}

static void on_receive(struct kr_session *s, const void *in, size_t len)
{
	char msg[96];

	if (s->closing)
		return;
	/* A whole message in one piece (the usual case) is handled where lws
	 * holds it: no copy, and an idle connection keeps no buffer. */
	if (s->rx_len == 0 && !s->rx_too_large && lws_is_final_fragment(s->wsi) &&
	    lws_remaining_packet_payload(s->wsi) == 0 &&
	    len <= (size_t)s->srv->cfg->max_frame_bytes) {
		throttle_frame(s, true);
		dispatch_frame(s, in, len);
		return;
	}
	if (!s->rx_too_large && !rx_append(s, in, len)) {
		s->rx_too_large = true;
		s->rx_len = 0;
	}
	if (!lws_is_final_fragment(s->wsi) || lws_remaining_packet_payload(s->wsi) > 0) {
		throttle_frame(s, false);
		return;
	}
	throttle_frame(s, true);
	if (s->rx_too_large) {
		snprintf(msg, sizeof(msg), "message exceeds max_frame_bytes (%lld)",
		         (long long)s->srv->cfg->max_frame_bytes);
		session_error(s, NULL, KR_ETOOLARGE, msg);
	} else {
		dispatch_frame(s, s->rx, s->rx_len);
	}
	rx_reset(s);
}

static int on_writeable(struct kr_session *s)
{
	const struct kr_config *cfg = s->srv->cfg;

	if (reader_write(s) < 0)
		return -1;
	if (!outq_peek(&s->q)) {
		if (s->closing) {
			lws_close_reason(s->wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, NULL, 0);
			return -1;
		}
		subs_catch_up(s);
	}
	if (s->rx_paused && s->q.count < (size_t)cfg->queue_max_messages / 2 &&
	    s->q.bytes < (size_t)cfg->queue_max_bytes / 2) {
		lws_rx_flow_control(s->wsi, 1);
		s->rx_paused = false;
	}
	if (outq_peek(&s->q))
		lws_callback_on_writable(s->wsi);
	return 0;
}

static void auth_deadline(lws_sorted_usec_list_t *sul)
{
	struct kr_session *s = lws_container_of(sul, struct kr_session, auth_sul);

	if (!s->authed)
		session_close(s, KR_EAUTHREQ, "no authentication within the deadline");
}

/* With tls_client_ca: ask clients for a certificate and verify it against
 * the bundle as it is now (at start, and again on reload). */
static bool server_client_ca(struct kr_server *srv, const char *why)
{
	char err[512];

	if (!srv->cfg->tls_client_ca)
		return true;
	if (!tlsc_ctx_require(srv->ssl_ctx, srv->cfg->tls_client_ca, err, sizeof(err))) {
		kr_log(KR_LOG_ERROR, "%s: %s", why, err);
		return false;
	}
	return true;
}

static int callback_kairan(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                           size_t len)
{
	struct kr_server *srv = lws_context_user(lws_get_context(wsi));
	struct kr_session *s = user;

	switch (reason) {
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS:
		/* user is the vhost's SSL_CTX, not a session. */
		srv->ssl_ctx = user;
		if (!tls_ctx_harden(user)) {
			kr_log(KR_LOG_ERROR, "cannot restrict TLS to version 1.2 or newer");
			return 1;
		}
		return server_client_ca(srv, "cannot start") ? 0 : 1;
	case LWS_CALLBACK_ESTABLISHED:
		session_init(s, srv, wsi);
		srv->metrics.connections++;
		if (!throttle_connection(s))
			return 0;
		lws_sul_schedule(srv->ctx, 0, &s->auth_sul, auth_deadline,
		                 srv->cfg->auth_timeout_ms * LWS_US_PER_MS);
		kr_log(KR_LOG_DEBUG, "session %s: connected", s->peer);
		return 0;
	case LWS_CALLBACK_RECEIVE:
		if (s->srv)
			on_receive(s, in, len);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return s->srv ? on_writeable(s) : 0;
	case LWS_CALLBACK_CLOSED:
		kr_log(KR_LOG_DEBUG, "session %s: closed", s->peer);
		session_destroy(s);
		return 0;
	case LWS_CALLBACK_HTTP:
		return s ? http_request(wsi, srv, &s->http, (const char *)in) : -1;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return s ? http_writeable(wsi, &s->http) : -1;
	case LWS_CALLBACK_HTTP_BODY:
		return 0; /* no route takes a body: it is refused (405) and dropped */
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		lws_callback_on_writable(wsi); /* the refusal waits for the body's end */
		return 0;
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (s)
			http_clear(&s->http);
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* rx_buffer_size 1024: lws gives each connection a receive buffer of this
 * size for as long as it lives; larger messages arrive in pieces and are
 * reassembled by on_receive(). 4096 cost 3 KiB more per idle connection
 * (BENCHMARKS.md). */
static const struct lws_protocols protocols[] = {
    {KR_SUBPROTOCOL, callback_kairan, sizeof(struct kr_session), 1024, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* Keepalive: ping a connection idle for 30 s, drop it after 60 s of silence. */
static const lws_retry_bo_t keepalive = {
    .secs_since_valid_ping = 30,
    .secs_since_valid_hangup = 60,
};

void server_directory_changed(struct kr_server *srv)
{
	struct kr_acl *acl = NULL;
	char err[512];
	enum kr_err rc = acl_load(srv->store, srv->acl, &acl, err, sizeof(err));

	if (rc != KR_OK) {
		kr_log(KR_LOG_ERROR, "cannot reload the directory: %s", err);
		return;
	}
	acl_free(srv->acl);
	srv->acl = acl;
	for (struct kr_session *s = srv->sessions; s; s = s->next) {
		if (s->authed && !session_refresh(s)) {
			kr_log(KR_LOG_INFO, "session %s: credentials revoked; closing", s->peer);
			session_close(s, KR_EAUTH, "your credentials were revoked");
		}
		lws_callback_on_writable(s->wsi);
	}
}

bool server_session_expired(struct kr_session *s)
{
	if (!s->authed || s->token_expires <= 0 || (int64_t)time(NULL) < s->token_expires)
		return false;
	if (!session_refresh(s)) { /* fails closed: nothing more is delivered */
		kr_log(KR_LOG_INFO, "session %s: %s expired; closing", s->peer,
		       s->via_cert ? "client certificate" : "token");
		session_close(s, KR_EAUTH,
		              s->via_cert ? "your client certificate expired"
		                          : "your token expired");
		lws_callback_on_writable(s->wsi);
		return true;
	}
	return false; /* the store says it is still valid (expiry moved) */
}

/* Serve the certificate and key files as they are now (SIGHUP, or
 * `kairan-hub admin tls reload`); a bad pair is refused and the one in
 * force kept. */
static void reload_tls(struct kr_server *srv, const char *why)
{
	char fp[KR_TLS_FP_LEN + 1], err[512];

	if (!srv->cfg->tls || !srv->ctx)
		return;
	if (!tls_reload(srv->ctx, srv->ssl_ctx, srv->cfg->tls_cert, srv->cfg->tls_key, fp, err,
	                sizeof(err))) {
		kr_log(KR_LOG_ERROR, "%s: %s; keeping the certificate in force", why, err);
		return;
	}
	kr_log(KR_LOG_INFO, "%s: serving certificate %s (sha256 %s)", why, srv->cfg->tls_cert, fp);
	if (srv->cfg->tls_client_ca && server_client_ca(srv, why))
		kr_log(KR_LOG_INFO, "%s: client certificates verified against %s", why,
		       srv->cfg->tls_client_ca);
}

void server_sync_directory(struct kr_server *srv)
{
	int64_t v = store_data_version(srv->store), epoch = 0;

	if (v >= 0 && v != srv->data_version) {
		srv->data_version = v;
		server_directory_changed(srv);
		if (store_meta_get(srv->store, "tls_epoch", &epoch) == KR_OK &&
		    epoch != srv->tls_epoch) {
			srv->tls_epoch = epoch;
			reload_tls(srv, "admin tls reload");
		}
	}
}

void server_notify_user(struct kr_server *srv, int64_t user_id, json_t *msg)
{
	for (struct kr_session *s = srv->sessions; msg && s; s = s->next)
		if (s->authed && s->user_id == user_id && !s->closing)
			session_reply(s, json_incref(msg));
	json_decref(msg);
}

static void poll_directory(lws_sorted_usec_list_t *sul)
{
	struct kr_server *srv = lws_container_of(sul, struct kr_server, poll_sul);

	server_sync_directory(srv);
	for (struct kr_session *s = srv->sessions; s; s = s->next)
		server_session_expired(s);
	lws_sul_schedule(srv->ctx, 0, &srv->poll_sul, poll_directory,
	                 srv->cfg->data_poll_ms * LWS_US_PER_MS);
}

static void lws_to_log(int level, const char *line)
{
	size_t n = strlen(line);

	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	kr_log(level == LLL_ERR ? KR_LOG_ERROR : KR_LOG_WARN, "lws: %.*s", (int)n, line);
}

/* Read benign_file into srv->benign; false (logged) when it is refused. */
static bool load_benign(struct kr_server *srv, const char *path, const char *when)
{
	struct kr_ind_benign *list = NULL;
	char err[512];

	if (benign_load(path, &list, err, sizeof(err)) != KR_OK) {
		kr_log(KR_LOG_ERROR, "%s: benign_file %s", when, err);
		return false;
	}
	kr_ind_benign_free(srv->benign);
	srv->benign = list;
	if (path && *path)
		kr_log(KR_LOG_INFO, "benign_file %s: %zu values", path, kr_ind_benign_count(list));
	return true;
}

/* SIGHUP: the operator's benign list again (perhaps from another file);
 * a refused file keeps the previous list and path. */
static void reload_benign(struct kr_server *srv, struct kr_config *fresh)
{
	if (!load_benign(srv, fresh->benign_file, "SIGHUP")) {
		kr_log(KR_LOG_ERROR, "SIGHUP: keeping the previous benign list");
		return;
	}
	free(srv->cfg->benign_file);
	srv->cfg->benign_file = fresh->benign_file;
	fresh->benign_file = NULL;
}

/* Re-read the reloadable settings after SIGHUP. */
static void reload_config(struct kr_server *srv, const char *path)
{
	struct kr_config fresh;
	char err[512];

	if (!path) {
		kr_log(KR_LOG_INFO, "SIGHUP: no --config file to reload");
		return;
	}
	config_defaults(&fresh);
	if (!config_load_file(&fresh, path, err, sizeof(err))) {
		kr_log(KR_LOG_ERROR, "SIGHUP: %s; keeping the previous settings", err);
		config_free(&fresh);
		return;
	}
	srv->cfg->queue_max_messages = fresh.queue_max_messages;
	srv->cfg->queue_max_bytes = fresh.queue_max_bytes;
	srv->cfg->auth_timeout_ms = fresh.auth_timeout_ms;
	srv->cfg->history_max = fresh.history_max;
	srv->cfg->event_reminder_minutes = fresh.event_reminder_minutes;
	srv->cfg->max_connections_per_ip = fresh.max_connections_per_ip;
	srv->cfg->rate_user_per_s = fresh.rate_user_per_s;
	srv->cfg->rate_user_burst = fresh.rate_user_burst;
	srv->cfg->rate_ip_per_s = fresh.rate_ip_per_s;
	srv->cfg->rate_ip_burst = fresh.rate_ip_burst;
	srv->cfg->frame_timeout_ms = fresh.frame_timeout_ms;
	throttle_reload(srv);
	free(srv->cfg->log_level);
	srv->cfg->log_level = fresh.log_level;
	fresh.log_level = NULL;
	kr_log_set_level((enum kr_log_level)kr_log_level_parse(srv->cfg->log_level));
	free(srv->cfg->geoip_city);
	srv->cfg->geoip_city = fresh.geoip_city;
	fresh.geoip_city = NULL;
	free(srv->cfg->geoip_asn);
	srv->cfg->geoip_asn = fresh.geoip_asn;
	fresh.geoip_asn = NULL;
	reload_benign(srv, &fresh);
	config_free(&fresh);
	kr_log(KR_LOG_INFO, "SIGHUP: reloaded %s", path);
}

static int create_context(struct kr_server *srv, const char *cert, const char *key)
{
	struct lws_context_creation_info info;

	memset(&info, 0, sizeof(info));
	info.port = (int)srv->cfg->port;
	info.iface = srv->cfg->bind;
	info.protocols = protocols;
	info.user = srv;
	info.retry_and_idle_policy = &keepalive;
	/* TLS handshake and websocket upgrade must be done within this; a
	 * connection that sends nothing at all is held to it by the idle
	 * timeout of its header table (10 s by default). */
	info.timeout_secs = (unsigned int)srv->cfg->handshake_timeout_s;
	info.timeout_secs_ah_idle = (unsigned int)srv->cfg->handshake_timeout_s;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	/* HTTP/1.1 only, no HTTP/2: libwebsockets 4.1 offers websockets over
	 * HTTP/2 (RFC 8441, which browsers use), and writes the HTTP/2 frame
	 * header of a websocket message over 64 KiB 3 bytes in front of the
	 * LWS_PRE headroom every frame of the hub has: a heap overflow. */
	info.alpn = "http/1.1";
	if (srv->cfg->tls) {
		info.ssl_cert_filepath = cert;
		info.ssl_private_key_filepath = key;
		/* TLS 1.2 or newer only. */
		info.ssl_options_set = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
	}
	srv->ctx = lws_create_context(&info);
	return srv->ctx ? 0 : -1;
}

int server_run(struct kr_config *cfg, const char *config_path, struct kr_store *st,
               volatile sig_atomic_t *stop, volatile sig_atomic_t *reload)
{
	struct kr_server srv = {.cfg = cfg, .store = st};
	char err[512];
	int rc = 1;

	lws_set_log_level(LLL_ERR | LLL_WARN, lws_to_log);
	if (acl_load(st, NULL, &srv.acl, err, sizeof(err)) != KR_OK) {
		kr_log(KR_LOG_ERROR, "cannot start: %s", err);
		return 1;
	}
	srv.data_version = store_data_version(st);
	if (!load_benign(&srv, cfg->benign_file, "cannot start")) {
		acl_free(srv.acl);
		return 1;
	}
	srv.start_time = (double)time(NULL);
	if (!throttle_start(&srv)) {
		kr_log(KR_LOG_ERROR, "cannot start: out of memory");
		goto out;
	}
	if (store_meta_get(st, "tls_epoch", &srv.tls_epoch) != KR_OK)
		srv.tls_epoch = 0;
	srv.geoip = geoip_new();
	if (!srv.geoip) {
		kr_log(KR_LOG_ERROR, "cannot start: out of memory");
		goto out;
	}
	geoip_configure(srv.geoip, cfg->geoip_city, cfg->geoip_asn, false);
	if (clientip_parse_proxies(cfg->trusted_proxies, &srv.proxies, err, sizeof(err)) != KR_OK) {
		kr_log(KR_LOG_ERROR, "cannot start: %s", err);
		goto out;
	}
	if (!cfg->tls)
		kr_log(KR_LOG_WARN, "TLS is off (tls = off): tokens and reports cross the network "
		                    "in clear; use this only behind a TLS-terminating proxy");
	if (cfg->tls_client_ca) {
		int n = 0;

		if (!cfg->tls) {
			kr_log(KR_LOG_ERROR, "cannot start: tls_client_ca needs tls = on");
			goto out;
		}
		if (!tlsc_ca_check(cfg->tls_client_ca, &n, err, sizeof(err))) {
			kr_log(KR_LOG_ERROR, "cannot start: %s", err);
			goto out;
		}
		kr_log(KR_LOG_INFO,
		       "client certificates: verified against %s (%d CA certificate%s); registered "
		       "ones authenticate their users",
		       cfg->tls_client_ca, n, n == 1 ? "" : "s");
	}
	if (create_context(&srv, cfg->tls_cert, cfg->tls_key) != 0) {
		kr_log(KR_LOG_ERROR, "cannot listen on %s:%lld (see the lws messages above)",
		       cfg->bind, (long long)cfg->port);
		goto out;
	}
	lws_sul_schedule(srv.ctx, 0, &srv.poll_sul, poll_directory,
	                 cfg->data_poll_ms * LWS_US_PER_MS);
	events_start(&srv);
	deny_log_start(&srv);
	kr_log(KR_LOG_INFO, "listening on %s://%s:%lld", cfg->tls ? "wss" : "ws", cfg->bind,
	       (long long)cfg->port);
	if (cfg->tls) {
		char fp[KR_TLS_FP_LEN + 1];

		if (!srv.ssl_ctx || !tls_ctx_fingerprint(srv.ssl_ctx, fp)) {
			kr_log(KR_LOG_ERROR,
			       "cannot start: TLS is on but no certificate is in force");
			goto out;
		}
		kr_log(KR_LOG_INFO, "serving certificate %s (sha256 %s), TLS 1.2 or newer",
		       cfg->tls_cert, fp);
	}
	while (!*stop) {
		if (*reload) {
			*reload = 0;
			reload_config(&srv, config_path);
			geoip_configure(srv.geoip, cfg->geoip_city, cfg->geoip_asn, true);
			server_directory_changed(&srv); /* circle policies too */
			events_schedule(&srv); /* event_reminder_minutes may have changed */
			reload_tls(&srv, "SIGHUP");
		}
		if (lws_service(srv.ctx, 0) < 0)
			break;
	}
	kr_log(KR_LOG_INFO, "shutting down (%zu connections)", srv.n_sessions);
	rc = 0;
out:
	deny_log_stop(&srv);
	lws_sul_cancel(&srv.poll_sul);
	events_stop(&srv);
	if (srv.ctx)
		lws_context_destroy(srv.ctx);
	acl_free(srv.acl);
	free(srv.held.items);
	throttle_stop(&srv);
	geoip_free(srv.geoip);
	kr_ind_benign_free(srv.benign);
	clientip_free(srv.proxies);
	return rc;
}
