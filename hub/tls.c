/*
 * tls.c - TLS material at run time (see tls.h): pair checks, fingerprints
 * and reloading the certificate of the running server.
 */
#include "tls.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "log.h"

/* The last OpenSSL error as text (or "unknown error"), clearing the queue. */
static const char *ossl_reason(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (e)
		ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "unknown error");
	ERR_clear_error();
	return buf;
}

static bool x509_fingerprint(X509 *x, char *fp)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!x || X509_digest(x, EVP_sha256(), md, &n) != 1 || n * 2 != KR_TLS_FP_LEN)
		return false;
	for (unsigned int i = 0; i < n; i++)
		snprintf(fp + 2 * i, 3, "%02x", md[i]);
	return true;
}

bool tls_pair_check(const char *cert, const char *key, char *fp, char *err, size_t errlen)
{
	char why[256];
	X509 *x = NULL;
	EVP_PKEY *pk = NULL;
	FILE *f = NULL;
	bool ok = false;

	f = fopen(cert, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read the certificate %s", cert);
		goto out;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x) {
		snprintf(err, errlen, "%s holds no PEM certificate (%s)", cert,
		         ossl_reason(why, sizeof(why)));
		goto out;
	}
	f = fopen(key, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read the private key %s", key);
		goto out;
	}
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!pk) {
		snprintf(err, errlen, "%s holds no PEM private key (%s)", key,
		         ossl_reason(why, sizeof(why)));
		goto out;
	}
	if (X509_check_private_key(x, pk) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "the key %s does not belong to the certificate %s", key,
		         cert);
		goto out;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
		snprintf(err, errlen, "the certificate %s has expired", cert);
		goto out;
	}
	if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0) {
		snprintf(err, errlen, "the certificate %s is not valid yet", cert);
		goto out;
	}
	ok = !fp || x509_fingerprint(x, fp);
	if (!ok)
		snprintf(err, errlen, "cannot compute the fingerprint of %s", cert);
out:
	X509_free(x);
	EVP_PKEY_free(pk);
	return ok;
}

bool tls_ctx_fingerprint(void *ssl_ctx, char *fp)
{
	return ssl_ctx && x509_fingerprint(SSL_CTX_get0_certificate(ssl_ctx), fp);
}

bool tls_ctx_harden(void *ssl_ctx)
{
	return ssl_ctx && SSL_CTX_set_min_proto_version(ssl_ctx, TLS1_2_VERSION) == 1;
}

/* Load the pair into ssl_ctx ourselves. */
static bool load_direct(SSL_CTX *c, const char *cert, const char *key, char *err, size_t errlen)
{
	char why[256];

	if (SSL_CTX_use_certificate_chain_file(c, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(c) != 1) {
		snprintf(err, errlen, "cannot load %s and %s: %s", cert, key,
		         ossl_reason(why, sizeof(why)));
		return false;
	}
	return true;
}

bool tls_reload(struct lws_context *ctx, void *ssl_ctx, const char *cert, const char *key, char *fp,
                char *err, size_t errlen)
{
	char want[KR_TLS_FP_LEN + 1], have[KR_TLS_FP_LEN + 1];

	if (!tls_pair_check(cert, key, want, err, errlen))
		return false;
	lws_tls_cert_updated(ctx, cert, key, NULL, 0, NULL, 0);
	ERR_clear_error();
	if (ssl_ctx && !(tls_ctx_fingerprint(ssl_ctx, have) && strcmp(have, want) == 0)) {
		kr_log(KR_LOG_DEBUG,
		       "lws_tls_cert_updated() left the old certificate in force; "
		       "loading %s directly",
		       cert);
		if (!load_direct(ssl_ctx, cert, key, err, errlen))
			return false;
	}
	if (!ssl_ctx || !tls_ctx_fingerprint(ssl_ctx, have) || strcmp(have, want) != 0) {
		snprintf(err, errlen, "the server did not take the new certificate %s", cert);
		return false;
	}
	if (fp)
		memcpy(fp, want, KR_TLS_FP_LEN + 1);
	return true;
}
