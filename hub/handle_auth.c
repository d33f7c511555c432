/*
 * handle_auth.c - `auth`: exchange a bearer token, or the client
 * certificate of the connection (mutual TLS), for an authenticated
 * session. Tokens are compared only through their SHA-256 hash, in
 * constant time (store_token_lookup_ex); an expired token is refused like
 * a revoked one. Without "token", the certificate the TLS handshake
 * verified against tls_client_ca is looked up by its fingerprint; one
 * registered to nobody is refused like an unknown token (the connection
 * may still send a token).
 */
#include <string.h>

#include "acl.h"
#include "events.h"
#include "auth.h"
#include "handlers.h"
#include "log.h"
#include "server.h"

#define AUTH_MAX_FAILURES 5

static const struct kr_field auth_fields[] = {
    {"token", KR_F_STRING, false},
};

/* One more failed attempt; the session closes after AUTH_MAX_FAILURES. */
static void auth_failed(struct kr_session *s)
{
	if (++s->auth_failures >= AUTH_MAX_FAILURES) {
		kr_log(KR_LOG_WARN, "session %s: %d failed authentications; closing", s->peer,
		       s->auth_failures);
		s->closing = true;
	}
}

/* `auth` without a token: the connection's client certificate. */
static enum kr_err auth_by_cert(struct kr_session *s, const struct kr_envelope *env, char *err,
                                size_t errlen)
{
	struct kr_tlsc_info ci;
	const struct kr_acl_user *u;
	enum kr_err rc = auth_cert_user(s->srv, s->wsi, &ci, &u);

	if (rc != KR_OK) {
		if (rc == KR_EAUTH && !s->srv->cfg->tls_client_ca)
			snprintf(err, errlen,
			         "no token given (this hub takes no client certificates)");
		else if (rc == KR_EAUTH && !ci.fp[0])
			snprintf(
			    err, errlen,
			    "no token given, and the connection presented no client certificate");
		else if (rc == KR_EAUTH)
			snprintf(
			    err, errlen,
			    "the client certificate sha256 %s is not registered to any user (or "
			    "is not valid now); send a token, or ask the hub's operator to "
			    "register it",
			    ci.fp);
		auth_failed(s);
		return rc;
	}
	session_login_cert(s, u->id, ci.fp, ci.not_after);
	kr_log(KR_LOG_INFO, "session %s: authenticated as %s (%s) by client certificate sha256 %s",
	       s->peer, u->name, u->org_key, ci.fp);
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:s, s:s}", "type", "auth_ok", "ref", env->id,
	                           "user", u->name, "org", u->org_key, "via", "certificate"));
	events_deliver_pending(s);
	return KR_OK;
}

KR_HANDLER(handle_auth)
{
	const json_t *tok;
	unsigned char hash[KR_TOKEN_HASH_LEN];
	const struct kr_acl_user *u;
	int64_t expires = 0;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, auth_fields, 1, true, err, errlen);
	if (rc != KR_OK)
		return rc;
	if (s->authed) {
		snprintf(err, errlen, "this session is already authenticated");
		return KR_EINVAL;
	}
	tok = json_object_get(env->msg, "token");
	if (!tok)
		return auth_by_cert(s, env, err, errlen);
	rc = auth_token_user_ex(s->srv, json_string_value(tok), json_string_length(tok), hash, &u,
	                        &expires);
	if (rc != KR_OK) {
		if (rc == KR_EAUTH)
			snprintf(err, errlen, "the token is unknown, revoked or expired");
		auth_failed(s);
		return rc;
	}
	session_login(s, u->id, hash);
	s->token_expires = expires; /* server.c closes the session when it passes */
	kr_log(KR_LOG_INFO, "session %s: authenticated as %s (%s)", s->peer, u->name, u->org_key);
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:s, s:s}", "type", "auth_ok", "ref", env->id,
	                           "user", u->name, "org", u->org_key, "via", "token"));
	events_deliver_pending(s); /* event notices kept while the user was away */
	return KR_OK;
}
