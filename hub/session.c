/*
 * session.c - connection state (see session.h).
 */
#include "session.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "log.h"
#include "proto.h"
#include "server.h"
#include "store_certs.h"
#include "subs.h"

void session_init(struct kr_session *s, struct kr_server *srv, struct lws *wsi)
{
	s->srv = srv;
	s->wsi = wsi;
	s->next = srv->sessions;
	if (srv->sessions)
		srv->sessions->prev = s;
	srv->sessions = s;
	srv->n_sessions++;
	if (lws_get_peer_simple(wsi, s->peer, sizeof(s->peer)) == NULL)
		snprintf(s->peer, sizeof(s->peer), "?");
	clientip_of(srv->proxies, wsi, s->client, sizeof(s->client));
}

void session_destroy(struct kr_session *s)
{
	struct kr_server *srv = s->srv;

	if (!srv)
		return;
	lws_sul_cancel(&s->auth_sul);
	lws_sul_cancel(&s->frame_sul);
	if (s->prev)
		s->prev->next = s->next;
	else
		srv->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	srv->n_sessions--;
	subs_stop(s);
	outq_clear(&s->q);
	free(s->rx);
	free(s->memberships);
	memset(s, 0, sizeof(*s));
}

bool session_queue_full(const struct kr_session *s)
{
	const struct kr_config *cfg = s->srv->cfg;

	return outq_full(&s->q, (size_t)cfg->queue_max_messages, (size_t)cfg->queue_max_bytes);
}

void session_reply(struct kr_session *s, json_t *msg)
{
	size_t len;
	char *buf = msg ? kr_msg_dump(msg, LWS_PRE, &len) : NULL;

	counters_add(&s->srv->metrics.out, json_string_value(json_object_get(msg, "type")), 1);
	json_decref(msg);
	if (!buf || !outq_push_frame(&s->q, buf, len)) {
		kr_log(KR_LOG_ERROR, "session %s: out of memory queueing a reply; closing",
		       s->peer);
		s->closing = true;
	}
	if (session_queue_full(s) && !s->rx_paused) {
		lws_rx_flow_control(s->wsi, 0);
		s->rx_paused = true;
	}
	lws_callback_on_writable(s->wsi);
}

void session_error(struct kr_session *s, const char *ref, enum kr_err e, const char *message)
{
	counters_add(&s->srv->metrics.errors, kr_err_code(e), 1);
	session_reply(s, kr_msg_error(ref, e, message));
}

void session_close(struct kr_session *s, enum kr_err e, const char *message)
{
	if (s->closing)
		return;
	session_error(s, NULL, e, message);
	s->closing = true;
}

static void rebuild_reader(struct kr_session *s)
{
	free(s->memberships);
	s->memberships = acl_memberships(s->srv->acl, s->user_id, &s->reader.n);
	s->reader.m = s->memberships;
	if (!s->memberships)
		s->reader.n = 0;
}

void session_login(struct kr_session *s, int64_t user_id,
                   const unsigned char hash[KR_TOKEN_HASH_LEN])
{
	const struct kr_acl_user *u = acl_user(s->srv->acl, user_id);

	s->authed = true;
	s->user_id = user_id;
	memcpy(s->token_hash, hash, KR_TOKEN_HASH_LEN);
	s->reader.user_id = user_id;
	s->reader.org_id = u ? u->org_id : 0;
	rebuild_reader(s);
	lws_sul_cancel(&s->auth_sul);
}

void session_login_cert(struct kr_session *s, int64_t user_id, const char *fp, int64_t not_after)
{
	static const unsigned char no_token[KR_TOKEN_HASH_LEN];

	session_login(s, user_id, no_token);
	s->via_cert = true;
	snprintf(s->cert_fp, sizeof(s->cert_fp), "%s", fp);
	s->token_expires = not_after > 0 ? not_after : 1;
}

/* Does the session's token or certificate still stand for its user? */
static bool credential_valid(struct kr_session *s)
{
	int64_t uid = 0;

	if (s->via_cert)
		return (int64_t)time(NULL) < s->token_expires &&
		       store_cert_lookup(s->srv->store, s->cert_fp, &uid) == KR_OK &&
		       uid == s->user_id;
	return store_token_lookup_ex(s->srv->store, s->token_hash, &uid, &s->token_expires) ==
	           KR_OK &&
	       uid == s->user_id;
}

bool session_refresh(struct kr_session *s)
{
	const struct kr_acl_user *u;

	if (!s->authed)
		return true;
	/* Any failure to confirm the user and its token or certificate,
	 * including a store error, ends the session: access fails closed. */
	u = acl_user(s->srv->acl, s->user_id);
	if (!u || !credential_valid(s)) {
		/* Fail closed at once: no membership, nothing deliverable. */
		free(s->memberships);
		s->memberships = NULL;
		s->reader = (struct kr_reader){0};
		s->authed = false;
		return false;
	}
	s->reader.org_id = u->org_id;
	rebuild_reader(s);
	subs_refresh(s);
	return true;
}
