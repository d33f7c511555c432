/*
 * store_certs.h - client certificates registered to users, in the store:
 * which user a certificate stands for, by the SHA-256 fingerprint of its
 * DER form (lower-case hex, tls_client.h). One certificate stands for one
 * user; a user may have several (renewals overlap).
 *
 * The store never judges a certificate: the TLS handshake verified it
 * against tls_client_ca before anything here is asked. Removing a user
 * removes its certificates with it.
 */
#ifndef KR_STORE_CERTS_H
#define KR_STORE_CERTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "kr_error.h"
#include "store.h"
#include "tls_client.h"

/*
 * Register the certificate described by c to user. KR_ENOTFOUND when there
 * is no such user; KR_EINVAL when the certificate is already registered
 * (to this user or another, named in err). Runs inside the caller's
 * transaction when one is open.
 */
enum kr_err store_cert_add(struct kr_store *st, const char *user, const struct kr_tlsc_info *c,
                           char *err, size_t errlen);

/* Remove the registration of fingerprint fp from user; KR_ENOTFOUND when
 * there is no such user or the user has no such certificate (err says). */
enum kr_err store_cert_remove(struct kr_store *st, const char *user, const char *fp, char *err,
                              size_t errlen);

/* Remove every certificate of user; *count receives how many.
 * KR_ENOTFOUND when there is no such user. */
enum kr_err store_cert_remove_all(struct kr_store *st, const char *user, int *count);

/* The certificates of user (NULL: every user) as a new JSON array of
 * {"user", "fingerprint", "subject", "not_after", "added"}, oldest first. */
enum kr_err store_cert_list(struct kr_store *st, const char *user, json_t **out);

/*
 * The user a fingerprint stands for: KR_OK with *user_id; KR_EAUTH when no
 * user has it; another error when the store could not answer.
 */
enum kr_err store_cert_lookup(struct kr_store *st, const char *fp, int64_t *user_id);

#endif
