/*
 * test_tlsgen.c - the self-signed demo certificate (hub/tlsgen.h): generated
 * into a temporary directory, loaded back with OpenSSL and checked field by
 * field, verified against itself as CA, and used for a real TLS handshake
 * over a memory BIO pair with hostname verification. Also the failure paths:
 * bad SAN entries, bad validity, missing directory, and no stray files.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "check.h"
#include "tlsgen.h"

static const char *const dns[] = {"localhost", "hub.example"};
static const char *const ips[] = {"127.0.0.1", "::1"};

struct paths {
	char dir[64];
	char sub[128];
	char cert[160];
	char key[160];
};

static X509 *load_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x = NULL;

	if (f) {
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	return x;
}

static EVP_PKEY *load_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k = NULL;

	if (f) {
		k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	return k;
}

static int file_mode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* Number of directory entries other than . and .. */
static int dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static bool file_starts_with(const char *path, const char *prefix)
{
	char buf[64] = {0};
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, sizeof(buf), f) && strncmp(buf, prefix, strlen(prefix)) == 0;
	fclose(f);
	return ok;
}

static void test_ensure_dir(const struct paths *p)
{
	char err[256];
	char file[200];
	FILE *f;

	check_case("ensure_dir");
	CHECK(tlsgen_ensure_dir(p->sub, 0700, err, sizeof(err)));
	CHECK_EQ_INT(file_mode(p->sub), 0700);
	CHECK(tlsgen_ensure_dir(p->sub, 0755, err, sizeof(err))); /* exists: fine, unchanged */
	CHECK_EQ_INT(file_mode(p->sub), 0700);

	snprintf(file, sizeof(file), "%s/plain-file", p->dir);
	f = fopen(file, "w");
	if (CHECK_NOT_NULL(f))
		fclose(f);
	err[0] = '\0';
	CHECK(!tlsgen_ensure_dir(file, 0700, err, sizeof(err)));
	CHECK(err[0] != '\0');
	unlink(file);

	snprintf(file, sizeof(file), "%s/missing/child", p->dir);
	err[0] = '\0';
	CHECK(!tlsgen_ensure_dir(file, 0700, err, sizeof(err)));
	CHECK(err[0] != '\0');
	CHECK(!tlsgen_ensure_dir(file, 0700, NULL, 0)); /* no error buffer */
	check_case(NULL);
}

static bool san_has_dns(const GENERAL_NAMES *gens, const char *name)
{
	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gens, i);
		int type;
		const ASN1_STRING *v = GENERAL_NAME_get0_value(gn, &type);

		if (type == GEN_DNS && (size_t)ASN1_STRING_length(v) == strlen(name) &&
		    memcmp(ASN1_STRING_get0_data(v), name, strlen(name)) == 0)
			return true;
	}
	return false;
}

static bool san_has_ip(const GENERAL_NAMES *gens, const unsigned char *ip, int len)
{
	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gens, i);
		int type;
		const ASN1_STRING *v = GENERAL_NAME_get0_value(gn, &type);

		if (type == GEN_IPADD && ASN1_STRING_length(v) == len &&
		    memcmp(ASN1_STRING_get0_data(v), ip, (size_t)len) == 0)
			return true;
	}
	return false;
}

static void check_fields(X509 *x)
{
	static const unsigned char v4[4] = {127, 0, 0, 1};
	static const unsigned char v6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	char cn[64] = "";
	BIGNUM *serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	int day = 0, sec = 0;

	check_case("fields");
	CHECK_EQ_INT(X509_get_version(x), X509_VERSION_3);
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	CHECK_STREQ(cn, "kairan-hub demo");
	CHECK_EQ_INT(X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)), 0);
	CHECK_EQ_INT(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);
	if (CHECK_NOT_NULL(serial)) {
		CHECK(!BN_is_negative(serial) && !BN_is_zero(serial));
		/* 128 random bits: fewer than 64 significant ones happens 1 in 2^64. */
		CHECK(BN_num_bits(serial) > 64 && BN_num_bits(serial) <= 128);
	}

	/* Valid since about an hour ago, until about 30 days from now. */
	CHECK(X509_cmp_current_time(X509_get0_notBefore(x)) < 0);
	CHECK(ASN1_TIME_diff(&day, &sec, X509_get0_notBefore(x), NULL));
	CHECK(day == 0 && sec >= 3590 && sec <= 3700);
	CHECK(ASN1_TIME_diff(&day, &sec, NULL, X509_get0_notAfter(x)));
	CHECK(day == 29 || (day == 30 && sec <= 0));

	CHECK(X509_get_extension_flags(x) & EXFLAG_CA);
	CHECK_EQ_INT(X509_get_pathlen(x), -1);
	CHECK_EQ_INT(X509_get_key_usage(x), KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN);
	CHECK_EQ_INT(X509_get_extended_key_usage(x), XKU_SSL_SERVER);
	CHECK_NOT_NULL(X509_get0_subject_key_id(x));

	check_case("subjectAltName");
	if (CHECK_NOT_NULL(gens)) {
		CHECK_EQ_INT(sk_GENERAL_NAME_num(gens), 4);
		CHECK(san_has_dns(gens, "localhost"));
		CHECK(san_has_dns(gens, "hub.example"));
		CHECK(san_has_ip(gens, v4, 4));
		CHECK(san_has_ip(gens, v6, 16));
	}
	CHECK_EQ_INT(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	CHECK_EQ_INT(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	CHECK_EQ_INT(X509_check_ip_asc(x, "::1", 0), 1);
	CHECK(X509_check_host(x, "evil.example", 0, 0, NULL) != 1);
	CHECK(X509_check_ip_asc(x, "127.0.0.2", 0) != 1);
	check_case(NULL);

	GENERAL_NAMES_free(gens);
	BN_free(serial);
}

/* Verify the certificate as a TLS server certificate for host, with itself
 * as the only trust anchor. Returns the X509_V_* result (X509_V_OK on
 * success), or -1 when the check could not be set up. */
static int verify_self(X509 *x, const char *host)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = -1;

	if (store && ctx && X509_STORE_add_cert(store, x) == 1 &&
	    X509_STORE_CTX_init(ctx, store, x, NULL) == 1 &&
	    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER) == 1 &&
	    X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), host, 0) == 1)
		rc = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

/* A TLS handshake between a server using the files and a client that trusts
 * only the certificate and checks the host name, over an in-memory pipe. */
static bool handshake(const struct paths *p, const char *host)
{
	SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	SSL *srv = NULL, *cli = NULL;
	BIO *sbio = NULL, *cbio = NULL;
	bool ok = false;

	if (!sctx || !cctx || SSL_CTX_use_certificate_file(sctx, p->cert, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_use_PrivateKey_file(sctx, p->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_load_verify_locations(cctx, p->cert, NULL) != 1)
		goto out;
	SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
	srv = SSL_new(sctx);
	cli = SSL_new(cctx);
	if (!srv || !cli || BIO_new_bio_pair(&sbio, 0, &cbio, 0) != 1)
		goto out;
	SSL_set_bio(srv, sbio, sbio);
	SSL_set_bio(cli, cbio, cbio);
	SSL_set_tlsext_host_name(cli, host);
	SSL_set1_host(cli, host);
	SSL_set_accept_state(srv);
	SSL_set_connect_state(cli);
	for (int i = 0; i < 20; i++) {
		int c = SSL_do_handshake(cli);
		int s = SSL_do_handshake(srv);

		if (c == 1 && s == 1) {
			ok = SSL_get_verify_result(cli) == X509_V_OK;
			break;
		}
		if ((c != 1 && SSL_get_error(cli, c) != SSL_ERROR_WANT_READ) ||
		    (s != 1 && SSL_get_error(srv, s) != SSL_ERROR_WANT_READ))
			break;
	}
out:
	SSL_free(cli);
	SSL_free(srv);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	ERR_clear_error();
	return ok;
}

static void test_generate(const struct paths *p)
{
	char err[256] = "";
	X509 *x = NULL, *x2 = NULL;
	EVP_PKEY *k = NULL;

	check_case("generate");
	if (!CHECK(tlsgen_self_signed(p->cert, p->key, dns, 2, ips, 2, 30, err, sizeof(err)))) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK_EQ_INT(file_mode(p->key), 0600);
	CHECK_EQ_INT(file_mode(p->cert), 0644);
	CHECK(file_starts_with(p->key, "-----BEGIN PRIVATE KEY-----")); /* PKCS#8 */
	CHECK(file_starts_with(p->cert, "-----BEGIN CERTIFICATE-----"));
	CHECK_EQ_INT(dir_entries(p->sub), 2); /* no temporary file left */

	x = load_cert(p->cert);
	k = load_key(p->key);
	if (CHECK_NOT_NULL(x) && CHECK_NOT_NULL(k)) {
		CHECK(EVP_PKEY_is_a(k, "EC"));
		CHECK_EQ_INT(EVP_PKEY_get_bits(k), 256);
		CHECK_EQ_INT(X509_check_private_key(x, k), 1);
		check_fields(x);
		check_case("verify");
		CHECK_EQ_INT(verify_self(x, "localhost"), X509_V_OK);
		CHECK_EQ_INT(verify_self(x, "evil.example"), X509_V_ERR_HOSTNAME_MISMATCH);
		check_case("handshake");
		CHECK(handshake(p, "localhost"));
		CHECK(!handshake(p, "evil.example"));
	}

	/* Generating again replaces both files with a new key and serial. */
	check_case("regenerate");
	CHECK(tlsgen_self_signed(p->cert, p->key, dns, 1, ips, 1, 1, err, sizeof(err)));
	x2 = load_cert(p->cert);
	if (CHECK_NOT_NULL(x2) && x) {
		CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(x), X509_get0_serialNumber(x2)) != 0);
		CHECK(X509_check_private_key(x2, k) != 1);
	}
	CHECK_EQ_INT(file_mode(p->key), 0600);
	CHECK_EQ_INT(dir_entries(p->sub), 2);
	ERR_clear_error();
	check_case(NULL);

	X509_free(x);
	X509_free(x2);
	EVP_PKEY_free(k);
}

static void test_failures(const struct paths *p)
{
	static const char *const bad_ip[] = {"127.0.0.1", "not-an-ip"};
	static const char *const bad_dns[] = {"localhost", "bad name"};
	static const char *const empty_dns[] = {""};
	static const char *const null_ip[] = {NULL};
	static const char *const big_ip[] = {"256.0.0.1"};
	static const char *const kanji_dns[] = {"\xe5\x9b\x9e.example"};
	static const struct {
		const char *name;
		const char *const *dns;
		size_t n_dns;
		const char *const *ips;
		size_t n_ips;
		int days;
	} cases[] = {
	    {"bad IP", dns, 1, bad_ip, 2, 30},        {"IP 256.0.0.1", dns, 1, big_ip, 1, 30},
	    {"NULL IP", dns, 1, null_ip, 1, 30},      {"space in host", bad_dns, 2, ips, 1, 30},
	    {"empty host", empty_dns, 1, ips, 1, 30}, {"non-ASCII host", kanji_dns, 1, ips, 1, 30},
	    {"NULL list", NULL, 1, ips, 1, 30},       {"0 days", dns, 1, ips, 1, 0},
	    {"negative days", dns, 1, ips, 1, -5},    {"too many days", dns, 1, ips, 1, 36501},
	};
	char cert[200], key[200], err[256];

	snprintf(cert, sizeof(cert), "%s/f-cert.pem", p->dir);
	snprintf(key, sizeof(key), "%s/f-key.pem", p->dir);
	for (size_t i = 0; i < CHECK_N(cases); i++) {
		check_case(cases[i].name);
		err[0] = '\0';
		CHECK(!tlsgen_self_signed(cert, key, cases[i].dns, cases[i].n_dns, cases[i].ips,
		                          cases[i].n_ips, cases[i].days, err, sizeof(err)));
		CHECK(err[0] != '\0');
		CHECK(access(cert, F_OK) != 0 && access(key, F_OK) != 0);
	}

	check_case("same path");
	CHECK(!tlsgen_self_signed(key, key, dns, 1, ips, 1, 30, err, sizeof(err)));
	check_case("missing directory");
	snprintf(cert, sizeof(cert), "%s/missing/cert.pem", p->dir);
	snprintf(key, sizeof(key), "%s/missing/key.pem", p->dir);
	err[0] = '\0';
	CHECK(!tlsgen_self_signed(cert, key, dns, 1, ips, 1, 30, err, sizeof(err)));
	CHECK(err[0] != '\0');
	check_case("tiny error buffer");
	CHECK(!tlsgen_self_signed(cert, key, dns, 1, ips, 1, 0, err, 4));
	CHECK(strlen(err) < 4);
	check_case("no SAN at all");
	snprintf(cert, sizeof(cert), "%s/n-cert.pem", p->dir);
	snprintf(key, sizeof(key), "%s/n-key.pem", p->dir);
	CHECK(tlsgen_self_signed(cert, key, NULL, 0, NULL, 0, 1, err, sizeof(err)));
	unlink(cert);
	unlink(key);

	check_case("no stray files");
	CHECK_EQ_INT(dir_entries(p->dir), 1); /* only the tls subdirectory */
	check_case(NULL);
}

int main(void)
{
	struct paths p;

	snprintf(p.dir, sizeof(p.dir), "%s", "/tmp/kairan-tlsgen-XXXXXX");
	if (!CHECK_NOT_NULL(mkdtemp(p.dir)))
		return check_finish();
	snprintf(p.sub, sizeof(p.sub), "%s/tls", p.dir);
	snprintf(p.cert, sizeof(p.cert), "%s/cert.pem", p.sub);
	snprintf(p.key, sizeof(p.key), "%s/key.pem", p.sub);

	test_ensure_dir(&p);
	test_generate(&p);
	test_failures(&p);

	unlink(p.cert);
	unlink(p.key);
	rmdir(p.sub);
	CHECK(rmdir(p.dir) == 0);
	return check_finish();
}
