/*
 * tls_client.h - client certificates (mutual TLS): what the hub needs to
 * let a certificate stand for a user.
 *
 *   - reading a certificate file for registration (`kairan-hub admin user
 *     cert USER add FILE.pem`): its SHA-256 fingerprint, subject and
 *     validity;
 *   - the operator's CA bundle (tls_client_ca): checking it, and making the
 *     server ask every client for a certificate, optionally, and verify any
 *     it gets against that bundle (an expired or untrusted one fails the
 *     TLS handshake; none at all is fine: tokens still work);
 *   - the verified certificate a connection presented.
 *
 * Which user a fingerprint stands for is the store's (store_certs.h), and
 * when a session may use it is handle_auth.c's and session.c's. The
 * certificate and key the hub itself serves are tls.h's.
 */
#ifndef KR_TLS_CLIENT_H
#define KR_TLS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "tls.h"

#define KR_TLSC_SUBJECT_MAX 256

/* A certificate as the hub keeps it. */
struct kr_tlsc_info {
	char fp[KR_TLS_FP_LEN + 1];        /* SHA-256 of the DER form, lower-case hex */
	char subject[KR_TLSC_SUBJECT_MAX]; /* RFC 2253, UTF-8, cut to fit */
	int64_t not_before, not_after;     /* epoch seconds */
};

/*
 * Read the first PEM certificate of path into *out. false with a message
 * for people naming the file in err when it cannot be read or holds no
 * certificate. Validity is reported, not judged.
 */
bool tlsc_file_info(const char *path, struct kr_tlsc_info *out, char *err, size_t errlen);

/*
 * Check the CA bundle path: readable, holding at least one PEM
 * certificate. *count (may be NULL) receives how many. false with a
 * message naming the file in err.
 */
bool tlsc_ca_check(const char *path, int *count, char *err, size_t errlen);

/*
 * Make ssl_ctx (a server SSL_CTX) ask clients for a certificate issued by
 * the CAs of ca_path, and verify any certificate a client sends against
 * exactly those CAs (chain, validity period, purpose "TLS client"); a
 * client that sends none is still served. Calling it again (SIGHUP)
 * replaces the CAs; connections already open are not affected. false with
 * a message in err, the previous CAs then kept.
 */
bool tlsc_ctx_require(void *ssl_ctx, const char *ca_path, char *err, size_t errlen);

/*
 * The certificate the peer of wsi presented and the TLS handshake verified:
 * true with *out set; false when it presented none (or the connection has
 * no TLS).
 */
bool tlsc_peer(struct lws *wsi, struct kr_tlsc_info *out);

/*
 * Normalise a fingerprint as people write it: 64 hexadecimal digits, any
 * case, optionally in pairs separated by ':' (as `openssl x509 -fingerprint
 * -sha256` prints, also with its "sha256 Fingerprint=" prefix). Writes the
 * lower-case form into fp (KR_TLS_FP_LEN + 1 bytes); false when text is
 * not one.
 */
bool tlsc_fp_parse(const char *text, char fp[KR_TLS_FP_LEN + 1]);

/* t (epoch seconds) as YYYY-MM-DDTHH:MM:SSZ into out (at least 21 bytes). */
void tlsc_time_text(int64_t t, char *out, size_t outlen);

#endif
