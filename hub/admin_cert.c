/*
 * admin_cert.c - `kairan-hub admin user cert USER add|remove|list`: the
 * client certificates that authenticate a user over mutual TLS.
 *
 * A certificate is registered by the SHA-256 fingerprint of its DER form
 * (the same as `openssl x509 -noout -fingerprint -sha256`); the hub
 * verifies it against tls_client_ca at each TLS handshake, so registering
 * one that no configured CA issued makes nobody able to use it. A running
 * hub closes the sessions of a certificate once it is removed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "admin_int.h"
#include "store_certs.h"
#include "tls_client.h"

int cmd_user_cert_add(struct admin *a)
{
	const char *user = adm_arg(a, 0), *file = adm_arg(a, 1);
	struct kr_tlsc_info ci;
	char why[512], until[32];
	enum kr_err rc;
	int ex;

	if (!tlsc_file_info(file, &ci, why, sizeof(why)))
		return adm_usage_fail(a, "%s", why);
	tlsc_time_text(ci.not_after, until, sizeof(until));
	if (ci.not_after <= (int64_t)time(NULL))
		return adm_fail(
		    a, KR_EINVAL,
		    "the certificate %s expired on %s; the hub would refuse it (nothing "
		    "was registered)",
		    file, until);
	if (ci.not_before > (int64_t)time(NULL)) {
		char from[32];

		tlsc_time_text(ci.not_before, from, sizeof(from));
		fprintf(stderr, PROG ": warning: the certificate %s is not valid before %s\n", file,
		        from);
	}
	ex = adm_store_need(a);
	if (ex)
		return ex;
	rc = store_cert_add(a->st, user, &ci, a->err, sizeof(a->err));
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot register the certificate %s to %s", file, user);
	return adm_done(a,
	                json_pack("{s:s, s:s, s:s, s:s}", "user", user, "fingerprint", ci.fp,
	                          "subject", ci.subject, "not_after", until),
	                "registered certificate sha256 %s (%s, valid until %s) to %s", ci.fp,
	                ci.subject[0] ? ci.subject : "no subject", until, user);
}

int cmd_user_cert_remove(struct admin *a)
{
	const char *user = adm_arg(a, 0), *which = adm_arg(a, 1);
	char fp[KR_TLS_FP_LEN + 1], why[512];
	struct kr_tlsc_info ci;
	enum kr_err rc;
	int ex;

	if (!tlsc_fp_parse(which, fp)) {
		if (access(which, R_OK) != 0)
			return adm_usage_fail(
			    a,
			    "\"%s\" is neither a SHA-256 fingerprint (64 hexadecimal "
			    "digits, with or without ':') nor a readable certificate "
			    "file",
			    which);
		if (!tlsc_file_info(which, &ci, why, sizeof(why)))
			return adm_usage_fail(a, "%s", why);
		memcpy(fp, ci.fp, sizeof(fp));
	}
	ex = adm_store_need(a);
	if (ex)
		return ex;
	rc = store_cert_remove(a->st, user, fp, a->err, sizeof(a->err));
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot remove the certificate of %s", user);
	return adm_done(a, json_pack("{s:b, s:s, s:s}", "ok", 1, "user", user, "fingerprint", fp),
	                "removed certificate sha256 %s of %s", fp, user);
}

int cmd_user_cert_list(struct admin *a)
{
	static const struct column cols[] = {
	    {"FINGERPRINT (SHA-256)", "fingerprint"},
	    {"SUBJECT", "subject"},
	    {"VALID UNTIL", "not_after"},
	    {"ADDED", "added"},
	};
	const char *user = adm_arg(a, 0);
	json_t *list = NULL;
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_cert_list(a->st, user, &list);
	if (rc != KR_OK)
		return adm_fail(
		    a, rc, rc == KR_ENOTFOUND ? "no user %s" : "cannot list certificates", user);
	return adm_list_print(a, list, cols, sizeof(cols) / sizeof(cols[0]),
	                      "(no client certificates)");
}
