/*
 * tls_client.c - client certificates (see tls_client.h).
 */
#define _DEFAULT_SOURCE /* timegm(): glibc's UTC struct tm to time_t */
#include "tls_client.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include "log.h"
#include "utf8.h"

/* The last OpenSSL error as text (or "no PEM certificate"), clearing the queue. */
static const char *ossl_reason(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (e)
		ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "no PEM certificate");
	ERR_clear_error();
	return buf;
}

static bool asn1_epoch(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return false;
	*out = (int64_t)timegm(&tm);
	return true;
}

/* The subject in RFC 2253 form, UTF-8 kept as it is when it is valid. */
static void subject_text(X509 *x, char *out, size_t outlen)
{
	unsigned long flags[2] = {XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB, XN_FLAG_RFC2253};

	out[0] = '\0';
	for (int i = 0; i < 2; i++) {
		BIO *b = BIO_new(BIO_s_mem());
		char *p = NULL;
		long n;

		if (!b)
			return;
		if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0, flags[i]) < 0) {
			BIO_free(b);
			continue;
		}
		n = BIO_get_mem_data(b, &p);
		if (n >= 0 && p && kr_utf8_valid(p, (size_t)n)) {
			size_t keep = kr_utf8_cut(p, (size_t)n, outlen - 1);

			memcpy(out, p, keep);
			out[keep] = '\0';
			BIO_free(b);
			return;
		}
		BIO_free(b);
	}
	ERR_clear_error();
}

/* Fill *out from x; false when the fingerprint or times cannot be read. */
static bool info_of(X509 *x, struct kr_tlsc_info *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	memset(out, 0, sizeof(*out));
	if (X509_digest(x, EVP_sha256(), md, &n) != 1 || n * 2 != KR_TLS_FP_LEN)
		return false;
	for (unsigned int i = 0; i < n; i++)
		snprintf(out->fp + 2 * i, 3, "%02x", md[i]);
	subject_text(x, out->subject, sizeof(out->subject));
	return asn1_epoch(X509_get0_notBefore(x), &out->not_before) &&
	       asn1_epoch(X509_get0_notAfter(x), &out->not_after);
}

bool tlsc_file_info(const char *path, struct kr_tlsc_info *out, char *err, size_t errlen)
{
	char why[256];
	FILE *f = fopen(path, "r");
	X509 *x;
	bool ok;

	if (!f) {
		snprintf(err, errlen, "cannot read the certificate %s", path);
		return false;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x) {
		snprintf(err, errlen, "%s holds no PEM certificate (%s)", path,
		         ossl_reason(why, sizeof(why)));
		return false;
	}
	ok = info_of(x, out);
	X509_free(x);
	ERR_clear_error();
	if (!ok)
		snprintf(err, errlen, "cannot read the fingerprint and validity of %s", path);
	return ok;
}

bool tlsc_ca_check(const char *path, int *count, char *err, size_t errlen)
{
	char why[256];
	FILE *f = fopen(path, "r");
	X509 *x;
	int n = 0;

	if (count)
		*count = 0;
	if (!f) {
		snprintf(err, errlen, "tls_client_ca: cannot read %s", path);
		return false;
	}
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		n++;
		X509_free(x);
	}
	fclose(f);
	if (n == 0) {
		snprintf(err, errlen, "tls_client_ca: %s holds no PEM certificate (%s)", path,
		         ossl_reason(why, sizeof(why)));
		return false;
	}
	ERR_clear_error(); /* the read past the last certificate */
	if (count)
		*count = n;
	return true;
}

/* The address of the peer of ssl, for the log. */
static void peer_text(SSL *ssl, char *out, size_t outlen)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	int fd = ssl ? SSL_get_fd(ssl) : -1;
	char host[INET6_ADDRSTRLEN] = "?";

	snprintf(out, outlen, "?");
	if (fd < 0 || getpeername(fd, (struct sockaddr *)&sa, &len) != 0)
		return;
	if (sa.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, host, sizeof(host));
	else if (sa.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, host, sizeof(host));
	snprintf(out, outlen, "%s", host);
}

/* OpenSSL's verdict stands; a refusal is logged with its reason (the
 * client only sees an alert). */
static int verify_log(int ok, X509_STORE_CTX *x)
{
	char peer[INET6_ADDRSTRLEN + 1], subject[KR_TLSC_SUBJECT_MAX];
	X509 *cur;

	if (ok)
		return ok;
	cur = X509_STORE_CTX_get_current_cert(x);
	subject[0] = '\0';
	if (cur)
		subject_text(cur, subject, sizeof(subject));
	peer_text(X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx()), peer,
	          sizeof(peer));
	kr_log(KR_LOG_INFO, "TLS: refused the client certificate of %s (%s, depth %d): %s", peer,
	       subject[0] ? subject : "no subject", X509_STORE_CTX_get_error_depth(x),
	       X509_verify_cert_error_string(X509_STORE_CTX_get_error(x)));
	return ok;
}

bool tlsc_ctx_require(void *ssl_ctx, const char *ca_path, char *err, size_t errlen)
{
	static const unsigned char sid_ctx[] = "kairan-hub";
	char why[256];
	SSL_CTX *ctx = ssl_ctx;
	X509_STORE *store;
	STACK_OF(X509_NAME) * names;

	if (!ctx) {
		snprintf(err, errlen, "no TLS context to configure");
		return false;
	}
	if (!tlsc_ca_check(ca_path, NULL, err, errlen))
		return false;
	store = X509_STORE_new();
	if (!store || X509_STORE_load_file(store, ca_path) != 1) {
		snprintf(err, errlen, "tls_client_ca: cannot load %s (%s)", ca_path,
		         ossl_reason(why, sizeof(why)));
		X509_STORE_free(store);
		return false;
	}
	names = SSL_load_client_CA_file(ca_path);
	if (!names) {
		snprintf(err, errlen, "tls_client_ca: cannot read the CA names of %s (%s)", ca_path,
		         ossl_reason(why, sizeof(why)));
		X509_STORE_free(store);
		return false;
	}
	/* Peer certificates are verified against this store only; the
	 * hub's own chain is built from its certificate file as before. */
	SSL_CTX_set0_verify_cert_store(ctx, store);
	SSL_CTX_set_client_CA_list(ctx, names);
	/* Ask, verify what comes, and fail the handshake on a bad certificate
	 * (OpenSSL's own verdict: the callback only logs it); no certificate
	 * at all is not a failure (no SSL_VERIFY_FAIL_IF_NO_PEER_CERT). */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, verify_log);
	SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
	/* No resumption: every connection's certificate is verified afresh
	 * against the CAs in force (a resumed session would skip that). */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* ... and no TLS 1.2 renegotiation: the certificate a session was
	 * authenticated with stays the connection's. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_num_tickets(ctx, 0);
	ERR_clear_error();
	return true;
}

bool tlsc_peer(struct lws *wsi, struct kr_tlsc_info *out)
{
	SSL *ssl = wsi ? lws_get_ssl(wsi) : NULL;
	X509 *x = ssl ? SSL_get1_peer_certificate(ssl) : NULL;
	bool ok;

	if (!x)
		return false;
	ok = SSL_get_verify_result(ssl) == X509_V_OK && info_of(x, out);
	X509_free(x);
	ERR_clear_error();
	return ok;
}

bool tlsc_fp_parse(const char *text, char fp[KR_TLS_FP_LEN + 1])
{
	static const char prefix[] = "sha256 fingerprint=";
	size_t n = 0, i = 0, len = strlen(text);
	bool colons;

	if (len >= sizeof(prefix) - 1 && strncasecmp(text, prefix, sizeof(prefix) - 1) == 0)
		i = sizeof(prefix) - 1;
	colons = len > i + 2 && text[i + 2] == ':';
	for (; text[i]; i++) {
		unsigned char c = (unsigned char)text[i];

		if (colons && n > 0 && n % 2 == 0 && n < KR_TLS_FP_LEN) {
			if (c != ':')
				return false;
			i++;
			c = (unsigned char)text[i];
		}
		if (!isxdigit(c) || n == KR_TLS_FP_LEN)
			return false;
		fp[n++] = (char)tolower(c);
	}
	fp[n] = '\0';
	return n == KR_TLS_FP_LEN;
}

void tlsc_time_text(int64_t t, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, outlen, "?");
}
