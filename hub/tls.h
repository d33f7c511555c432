/*
 * tls.h - the hub's TLS material at run time: checking a certificate and
 * key pair before it is used, its fingerprint for the log, and swapping a
 * new pair into the running server without a restart (SIGHUP, or
 * `kairan-hub admin tls reload`). Connections already open keep the
 * certificate they were made with; new ones get the new one.
 *
 * It does not make certificates (tlsgen.h) nor decide when to reload
 * (server.c).
 */
#ifndef KR_TLS_H
#define KR_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <libwebsockets.h>

#define KR_TLS_FP_LEN 64 /* SHA-256 of the certificate, lower-case hex */

/*
 * Load cert (PEM chain) and key (PEM) and check that the key belongs to
 * the first certificate and that the certificate is within its validity
 * period. On success writes the certificate's SHA-256 fingerprint into fp
 * (KR_TLS_FP_LEN + 1 bytes, may be NULL) and returns true; otherwise false
 * with a message for people, naming the file, in err.
 */
bool tls_pair_check(const char *cert, const char *key, char *fp, char *err, size_t errlen);

/*
 * Make the running server serve cert and key (the paths it was started
 * with) from now on. The pair is checked first; a bad pair is refused with
 * a message in err and the certificate in force is kept. ssl_ctx is the
 * vhost's SSL_CTX (server.c keeps it from libwebsockets' callback): the
 * pair is handed to lws_tls_cert_updated(), and loaded into ssl_ctx
 * directly when that did not take. fp as for tls_pair_check(). Returns
 * true when the certificate in force is the new one.
 */
bool tls_reload(struct lws_context *ctx, void *ssl_ctx, const char *cert, const char *key, char *fp,
                char *err, size_t errlen);

/* The SHA-256 fingerprint of the certificate ssl_ctx serves into fp
 * (KR_TLS_FP_LEN + 1 bytes); false when it has none. */
bool tls_ctx_fingerprint(void *ssl_ctx, char *fp);

/* Refuse anything older than TLS 1.2 on ssl_ctx. false on failure. */
bool tls_ctx_harden(void *ssl_ctx);

#endif
