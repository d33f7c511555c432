/*
 * auth.c - token to user (see auth.h).
 */
#include "auth.h"

#include <string.h>
#include <time.h>

#include "server.h"
#include "store_certs.h"
#include "store_dir.h"

enum kr_err auth_token_user(struct kr_server *srv, const char *token, size_t len,
                            unsigned char hash[KR_TOKEN_HASH_LEN], const struct kr_acl_user **user)
{
	int64_t expires = 0;

	return auth_token_user_ex(srv, token, len, hash, user, &expires);
}

enum kr_err auth_token_user_ex(struct kr_server *srv, const char *token, size_t len,
                               unsigned char hash[KR_TOKEN_HASH_LEN],
                               const struct kr_acl_user **user, int64_t *expires)
{
	int64_t user_id = 0;
	enum kr_err rc = KR_EAUTH;

	*user = NULL;
	*expires = 0;
	if (token && token_well_formed(token, len) && token_hash(token, len, hash))
		rc = store_token_lookup_ex(srv->store, hash, &user_id, expires);
	if (rc != KR_OK)
		return rc;
	*user = acl_user(srv->acl, user_id);
	return *user ? KR_OK : KR_EAUTH;
}

enum kr_err auth_cert_user(struct kr_server *srv, struct lws *wsi, struct kr_tlsc_info *cert,
                           const struct kr_acl_user **user)
{
	int64_t user_id = 0, now = (int64_t)time(NULL);
	enum kr_err rc;

	*user = NULL;
	if (!srv->cfg->tls_client_ca || !tlsc_peer(wsi, cert)) {
		memset(cert, 0, sizeof(*cert));
		return KR_EAUTH;
	}
	/* The handshake checked the validity period; a session outliving it
	 * is closed by session.c. Checked again here all the same. */
	if (now < cert->not_before || now >= cert->not_after)
		return KR_EAUTH;
	rc = store_cert_lookup(srv->store, cert->fp, &user_id);
	if (rc != KR_OK)
		return rc;
	*user = acl_user(srv->acl, user_id);
	return *user ? KR_OK : KR_EAUTH;
}
