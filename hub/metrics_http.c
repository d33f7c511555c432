/*
 * metrics_http.c - GET /metrics (see metrics_http.h).
 */
#include "metrics_http.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "log.h"
#include "metrics.h"
#include "server.h"
#include "session.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

static bool loopback(struct lws *wsi)
{
	char peer[64];

	if (!lws_get_peer_simple(wsi, peer, sizeof(peer)))
		return false;
	return strcmp(peer, "127.0.0.1") == 0 || strcmp(peer, "::1") == 0 ||
	       strcmp(peer, "::ffff:127.0.0.1") == 0;
}

/* Authorization: Bearer <metrics_token>, compared through SHA-256 in
 * constant time. */
static bool token_ok(struct kr_http_req *q)
{
	const char *want = q->srv->cfg->metrics_token;
	unsigned char a[32], b[32];
	char authz[512];
	int n;
	bool ok;

	if (!want)
		return false;
	n = http_header(q, WSI_TOKEN_HTTP_AUTHORIZATION, authz, sizeof(authz));
	if (n < 7 || strncmp(authz, "Bearer ", 7) != 0)
		return false;
	ok = EVP_Digest(authz + 7, (size_t)n - 7, a, NULL, EVP_sha256(), NULL) == 1 &&
	     EVP_Digest(want, strlen(want), b, NULL, EVP_sha256(), NULL) == 1 &&
	     CRYPTO_memcmp(a, b, sizeof(a)) == 0;
	OPENSSL_cleanse(authz, sizeof(authz));
	return ok;
}

static void gather(struct kr_server *srv, struct kr_metrics_gauges *g)
{
	int64_t audit = 0;

	memset(g, 0, sizeof(*g));
	g->connections_open = srv->n_sessions;
	for (struct kr_session *s = srv->sessions; s; s = s->next) {
		g->authenticated += s->authed;
		g->subscribers += s->sub.active;
		g->catching_up += s->sub.active && !s->sub.live;
		g->queue_messages += s->q.count;
		g->queue_bytes += s->q.bytes;
		if (s->q.count > g->queue_max_messages)
			g->queue_max_messages = s->q.count;
	}
	g->gate_denials = srv->denials;
	g->start_time = srv->start_time;
	g->store = store_write_latency(srv->store);
	if (store_meta_get(srv->store, "audit_seq", &audit) == KR_OK && audit > 0)
		g->audit_entries = (uint64_t)audit;
}

int metrics_http(struct kr_http_req *q)
{
	struct kr_metrics_gauges g;
	size_t len = 0;
	char *text, *body;

	if (strcmp(q->path, "/metrics") != 0)
		return http_reply_json(q, HTTP_STATUS_NOT_FOUND, "application/json; charset=utf-8",
		                       json_pack("{s:s}", "error", "not_found"), NULL, 0);
	if (!((q->srv->cfg->metrics_local && loopback(q->wsi)) || token_ok(q)))
		return http_reply_json(q, HTTP_STATUS_FORBIDDEN, "application/json; charset=utf-8",
		                       json_pack("{s:s}", "error", "forbidden"), NULL, 0);
	gather(q->srv, &g);
	text = metrics_render(&q->srv->metrics, &g, &len);
	body = text ? malloc(LWS_PRE + len) : NULL;
	if (!body) {
		free(text);
		return http_reply_json(q, HTTP_STATUS_INTERNAL_SERVER_ERROR,
		                       "application/json; charset=utf-8", NULL, NULL, 0);
	}
	memcpy(body + LWS_PRE, text, len);
	free(text);
	return http_reply(q, HTTP_STATUS_OK, CONTENT_TYPE, body, len, NULL, 0);
}
