/*
 * tlsgen.c - self-signed EC P-256 certificate and key for the demo and first
 * runs (see tlsgen.h). Everything is built with OpenSSL 3 calls; the key
 * never touches the disk outside a 0600 file created exclusively.
 */
#include "tlsgen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define TLSGEN_CN       "kairan-hub demo"
#define TLSGEN_CURVE    "P-256"
#define TLSGEN_MAX_DAYS 36500
#define SERIAL_BYTES    16

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Write a message into err (if any), with OpenSSL's last error appended when
 * its queue holds one; the queue is cleared. */
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	unsigned long e = ERR_peek_last_error();
	va_list ap;
	size_t n;

	if (err && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		n = strlen(err);
		if (e != 0 && n + 3 < errlen) {
			memcpy(err + n, ": ", 3);
			ERR_error_string_n(e, err + n + 2, errlen - n - 2);
		}
	}
	ERR_clear_error();
}

/* Host names go into IA5Strings: accept plain ASCII host-name characters. */
static bool dns_name_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_' || c == '*'))
			return false;
	}
	return true;
}

/* Append one GEN_DNS or GEN_IPADD entry; takes ownership of value. */
static bool san_push(GENERAL_NAMES *gens, int type, ASN1_STRING *value)
{
	GENERAL_NAME *gn = GENERAL_NAME_new();
	bool ok = false;

	if (!gn) {
		ASN1_STRING_free(value);
		goto out;
	}
	GENERAL_NAME_set0_value(gn, type, value);
	if (sk_GENERAL_NAME_push(gens, gn) <= 0) {
		GENERAL_NAME_free(gn);
		goto out;
	}
	ok = true;
out:
	return ok;
}

static bool add_san(X509 *x, const char *const *dns, size_t n_dns, const char *const *ips,
                    size_t n_ips, char *err, size_t errlen)
{
	GENERAL_NAMES *gens = NULL;
	ASN1_STRING *v;
	bool ok = false;

	if (n_dns + n_ips == 0) {
		ok = true;
		goto out;
	}
	gens = GENERAL_NAMES_new();
	if (!gens) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_dns; i++) {
		if (!dns_name_ok(dns[i])) {
			fail(err, errlen, "not a host name: '%.100s'", dns[i] ? dns[i] : "(null)");
			goto out;
		}
		v = ASN1_IA5STRING_new();
		if (!v || !ASN1_STRING_set(v, dns[i], (int)strlen(dns[i]))) {
			ASN1_STRING_free(v);
			fail(err, errlen, "cannot encode host name");
			goto out;
		}
		if (!san_push(gens, GEN_DNS, v)) {
			fail(err, errlen, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < n_ips; i++) {
		v = ips[i] ? a2i_IPADDRESS(ips[i]) : NULL;
		if (!v) {
			fail(err, errlen, "not an IP address: '%.100s'",
			     ips[i] ? ips[i] : "(null)");
			goto out;
		}
		if (!san_push(gens, GEN_IPADD, v)) {
			fail(err, errlen, "out of memory");
			goto out;
		}
	}
	if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT) != 1) {
		fail(err, errlen, "cannot add subjectAltName");
		goto out;
	}
	ok = true;
out:
	GENERAL_NAMES_free(gens);
	return ok;
}

/* Add an extension from its OpenSSL config text, e.g. "critical,CA:TRUE". */
static bool add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
	bool ok = ext && X509_add_ext(x, ext, -1) == 1;

	X509_EXTENSION_free(ext);
	return ok;
}

static bool set_serial(X509 *x)
{
	unsigned char rnd[SERIAL_BYTES];
	BIGNUM *bn = NULL;
	bool ok = false;

	if (RAND_bytes(rnd, (int)sizeof(rnd)) != 1)
		goto out;
	bn = BN_bin2bn(rnd, (int)sizeof(rnd), NULL);
	if (!bn)
		goto out;
	if (BN_is_zero(bn) && !BN_one(bn)) /* a serial must be positive */
		goto out;
	ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
out:
	BN_free(bn);
	return ok;
}

/* Build and sign the certificate for key. New object, or NULL with err set. */
static X509 *make_cert(EVP_PKEY *key, const char *const *dns, size_t n_dns, const char *const *ips,
                       size_t n_ips, int days, char *err, size_t errlen)
{
	X509 *x = X509_new();
	X509_NAME *name;
	X509V3_CTX ctx;
	bool ok = false;

	if (!x || X509_set_version(x, X509_VERSION_3) != 1 || !set_serial(x)) {
		fail(err, errlen, "cannot start certificate");
		goto out;
	}
	if (!X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), days, 0, NULL)) {
		fail(err, errlen, "cannot set validity");
		goto out;
	}
	name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)TLSGEN_CN,
	                               -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 || X509_set_pubkey(x, key) != 1) {
		fail(err, errlen, "cannot set names or public key");
		goto out;
	}
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (!add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE") ||
	    !add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature,keyCertSign") ||
	    !add_ext(x, &ctx, NID_ext_key_usage, "serverAuth") ||
	    !add_ext(x, &ctx, NID_subject_key_identifier, "hash")) {
		fail(err, errlen, "cannot add extensions");
		goto out;
	}
	if (!add_san(x, dns, n_dns, ips, n_ips, err, errlen))
		goto out;
	if (X509_sign(x, key, EVP_sha256()) <= 0) {
		fail(err, errlen, "cannot sign certificate");
		goto out;
	}
	ok = true;
out:
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/*
 * Write the contents of the memory BIO pem to a new file next to path,
 * created exclusively with mode 0600 and then set to `mode`, and synced.
 * Returns its malloc'd name (the caller renames or unlinks it and frees the
 * name), or NULL with err set and nothing left behind.
 */
static char *write_temp(const char *path, mode_t mode, BIO *pem, char *err, size_t errlen)
{
	unsigned char rnd[6];
	size_t cap = strlen(path) + 2 * sizeof(rnd) + 8;
	char *tmp = malloc(cap), *data = NULL;
	long n = BIO_get_mem_data(pem, &data);
	int fd = -1;
	bool ok = false;

	if (!tmp || n <= 0 || RAND_bytes(rnd, (int)sizeof(rnd)) != 1) {
		fail(err, errlen, "cannot prepare %s", path);
		goto out;
	}
	snprintf(tmp, cap, "%s.tmp-%02x%02x%02x%02x%02x%02x", path, rnd[0], rnd[1], rnd[2], rnd[3],
	         rnd[4], rnd[5]);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fail(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, mode) != 0 || !write_all(fd, data, (size_t)n) || fsync(fd) != 0) {
		fail(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		fail(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	ok = true;
out:
	if (fd >= 0)
		close(fd);
	if (!ok && tmp) {
		unlink(tmp);
		free(tmp);
		tmp = NULL;
	}
	return tmp;
}

bool tlsgen_self_signed(const char *cert_path, const char *key_path, const char *const *dns_names,
                        size_t n_dns, const char *const *ips, size_t n_ips, int days, char *err,
                        size_t errlen)
{
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	BIO *key_pem = NULL, *cert_pem = NULL;
	char *key_tmp = NULL, *cert_tmp = NULL;
	bool ok = false;

	ERR_clear_error();
	if (err && errlen > 0)
		err[0] = '\0';
	if (!cert_path || !key_path || strcmp(cert_path, key_path) == 0) {
		fail(err, errlen, "certificate and key need two different paths");
		goto out;
	}
	if ((n_dns && !dns_names) || (n_ips && !ips)) {
		fail(err, errlen, "missing subjectAltName list");
		goto out;
	}
	if (days < 1 || days > TLSGEN_MAX_DAYS) {
		fail(err, errlen, "validity must be 1-%d days, not %d", TLSGEN_MAX_DAYS, days);
		goto out;
	}
	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", TLSGEN_CURVE);
	if (!key) {
		fail(err, errlen, "cannot generate an EC %s key", TLSGEN_CURVE);
		goto out;
	}
	x = make_cert(key, dns_names, n_dns, ips, n_ips, days, err, errlen);
	if (!x)
		goto out;
	key_pem = BIO_new(BIO_s_secmem());
	cert_pem = BIO_new(BIO_s_mem());
	if (!key_pem || !cert_pem ||
	    PEM_write_bio_PKCS8PrivateKey(key_pem, key, NULL, NULL, 0, NULL, NULL) != 1 ||
	    PEM_write_bio_X509(cert_pem, x) != 1) {
		fail(err, errlen, "cannot encode PEM");
		goto out;
	}
	key_tmp = write_temp(key_path, 0600, key_pem, err, errlen);
	if (!key_tmp)
		goto out;
	cert_tmp = write_temp(cert_path, 0644, cert_pem, err, errlen);
	if (!cert_tmp)
		goto out;
	if (rename(key_tmp, key_path) != 0) {
		fail(err, errlen, "cannot rename %s to %s: %s", key_tmp, key_path, strerror(errno));
		goto out;
	}
	free(key_tmp);
	key_tmp = NULL;
	if (rename(cert_tmp, cert_path) != 0) {
		fail(err, errlen, "cannot rename %s to %s: %s", cert_tmp, cert_path,
		     strerror(errno));
		goto out;
	}
	free(cert_tmp);
	cert_tmp = NULL;
	ok = true;
out:
	if (key_tmp) {
		unlink(key_tmp);
		free(key_tmp);
	}
	if (cert_tmp) {
		unlink(cert_tmp);
		free(cert_tmp);
	}
	BIO_free(key_pem);
	BIO_free(cert_pem);
	X509_free(x);
	EVP_PKEY_free(key);
	ERR_clear_error();
	return ok;
}

bool tlsgen_ensure_dir(const char *path, mode_t mode, char *err, size_t errlen)
{
	struct stat st;
	bool ok = false;

	if (mkdir(path, mode) == 0) {
		if (chmod(path, mode) != 0) {
			fail(err, errlen, "cannot set mode of %s: %s", path, strerror(errno));
			goto out;
		}
		ok = true;
		goto out;
	}
	if (errno != EEXIST) {
		fail(err, errlen, "cannot create directory %s: %s", path, strerror(errno));
		goto out;
	}
	if (stat(path, &st) != 0) {
		fail(err, errlen, "cannot stat %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		fail(err, errlen, "%s exists and is not a directory", path);
		goto out;
	}
	ok = true;
out:
	return ok;
}
