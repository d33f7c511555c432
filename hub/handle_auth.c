/*
 * handle_auth.c - `auth`: exchange a bearer token for an authenticated
 * session. Tokens are compared only through their SHA-256 hash, in
 * constant time (store_token_lookup_ex); an expired token is refused like
 * a revoked one.
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
    {"token", KR_F_STRING, true},
};

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
	rc = auth_token_user_ex(s->srv, json_string_value(tok), json_string_length(tok), hash, &u,
	                        &expires);
	if (rc != KR_OK) {
		if (rc == KR_EAUTH)
			snprintf(err, errlen, "the token is unknown, revoked or expired");
		if (++s->auth_failures >= AUTH_MAX_FAILURES) {
			kr_log(KR_LOG_WARN, "session %s: %d failed authentications; closing",
			       s->peer, s->auth_failures);
			s->closing = true;
		}
		return rc;
	}
	session_login(s, u->id, hash);
	s->token_expires = expires; /* server.c closes the session when it passes */
	kr_log(KR_LOG_INFO, "session %s: authenticated as %s (%s)", s->peer, u->name, u->org_key);
	session_reply(s, json_pack("{s:s, s:s?, s:s, s:s}", "type", "auth_ok", "ref", env->id,
	                           "user", u->name, "org", u->org_key));
	events_deliver_pending(s); /* event notices kept while the user was away */
	return KR_OK;
}
