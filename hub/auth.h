/*
 * auth.h - who a bearer token or a client certificate belongs to, for
 * every way a client presents one: the websocket `auth` message
 * (handle_auth.c) and, for HTTP, the Authorization header or the
 * connection's certificate (taxii.c).
 *
 * Tokens are compared only through their SHA-256 hash, against the store
 * (revoked and expired tokens are gone from it), and the user must still be
 * in the hub's current directory snapshot. Nothing here counts failures or
 * closes connections: callers do.
 */
#ifndef KR_AUTH_H
#define KR_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "acl.h"
#include "kr_error.h"
#include "tls_client.h"
#include "token.h"

struct kr_server;

/*
 * Resolve token (len bytes) to its user: KR_OK with *user (borrowed from
 * the current snapshot) and hash; KR_EAUTH when the token is malformed,
 * unknown, revoked or expired or its user is gone; KR_EINTERNAL (or
 * another store error) when the store could not answer.
 */
enum kr_err auth_token_user(struct kr_server *srv, const char *token, size_t len,
                            unsigned char hash[KR_TOKEN_HASH_LEN], const struct kr_acl_user **user);

/* As auth_token_user(); *expires receives when the token expires (epoch
 * seconds, 0: never), for sessions that outlive a request. */
enum kr_err auth_token_user_ex(struct kr_server *srv, const char *token, size_t len,
                               unsigned char hash[KR_TOKEN_HASH_LEN],
                               const struct kr_acl_user **user, int64_t *expires);

/*
 * The user whose registered client certificate the peer of wsi presented
 * (mutual TLS, tls_client_ca): KR_OK with *user (borrowed) and the
 * certificate in *cert; KR_EAUTH when it presented none, or one that is
 * past its validity or registered to nobody (*cert is then set when it
 * presented one, else its fp is ""), or the user is gone; another error
 * when the store could not answer.
 */
enum kr_err auth_cert_user(struct kr_server *srv, struct lws *wsi, struct kr_tlsc_info *cert,
                           const struct kr_acl_user **user);

#endif
