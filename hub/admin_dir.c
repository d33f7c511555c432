/*
 * admin_dir.c - `kairan-hub admin` commands for the directory:
 * organisations, users and tokens, circles, memberships and roles.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include <openssl/crypto.h>

#include "admin_int.h"
#include "model.h"
#include "store_certs.h"
#include "store_dir.h"
#include "token.h"
#include "utf8.h"

/* ---- organisations --------------------------------------------------- */

/* ISO 3166-2:JP prefecture codes: JP-01 (Hokkaido) to JP-47 (Okinawa). */
static bool region_valid(const char *r)
{
	int n;

	if (strlen(r) != 5 || strncmp(r, "JP-", 3) != 0 || r[3] < '0' || r[3] > '9' || r[4] < '0' ||
	    r[4] > '9')
		return false;
	n = (r[3] - '0') * 10 + (r[4] - '0');
	return n >= 1 && n <= 47;
}

int cmd_org_add(struct admin *a)
{
	const char *key = adm_arg(a, 0), *emp = adm_opt1(a, OPT_EMPLOYEES),
	           *region = adm_opt1(a, OPT_REGION);
	struct kr_org_terms terms = {
	    a->opt[OPT_NAME].v,   a->opt[OPT_NAME].n,   a->opt[OPT_DOMAIN].v,
	    a->opt[OPT_DOMAIN].n, a->opt[OPT_PERSON].v, a->opt[OPT_PERSON].n,
	};
	int64_t employees = -1;
	enum kr_err rc;
	int ex;

	if (emp) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(emp, &end, 10);
		if (emp[0] < '0' || emp[0] > '9' || *end || errno || v < 0)
			return adm_usage_fail(a, "--employees wants a whole number, not \"%s\"",
			                      emp);
		employees = v;
	}
	if (region && !region_valid(region))
		return adm_usage_fail(
		    a, "--region wants a prefecture code JP-01 ... JP-47, not \"%s\"", region);
	ex = adm_store_need(a);
	if (ex)
		return ex;
	rc = store_org_add(a->st, key, &terms, adm_opt1(a, OPT_INDUSTRY), employees, a->err,
	                   sizeof(a->err));
	if (rc == KR_OK && region)
		rc = store_org_set_region(a->st, key, region);
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot add organisation %s", key);
	return adm_done(a, json_pack("{s:b, s:s}", "ok", 1, "org", key),
	                "organisation %s added (names: %zu, domains: %zu, persons: %zu)", key,
	                terms.n_names, terms.n_domains, terms.n_persons);
}

int cmd_org_list(struct admin *a)
{
	static const struct column cols[] = {
	    {"ORG", "key"},         {"INDUSTRY", "industry"}, {"EMPLOYEES", "employees"},
	    {"USERS", "users"},     {"NAMES", "names"},       {"DOMAINS", "domains"},
	    {"PERSONS", "persons"},
	};
	json_t *list = NULL;
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_org_list(a->st, &list);
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot list organisations");
	return adm_list_print(a, list, cols, sizeof(cols) / sizeof(cols[0]), "no organisations");
}

int cmd_org_remove(struct admin *a)
{
	const char *key = adm_arg(a, 0);
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_org_remove(a->st, key);
	if (rc != KR_OK)
		return adm_fail(
		    a, rc, rc == KR_ENOTFOUND ? "no organisation %s" : "cannot remove %s", key);
	return adm_done(a, json_pack("{s:b, s:s}", "ok", 1, "org", key),
	                "organisation %s removed, with its users, tokens, memberships and roles",
	                key);
}

/* ---- users and tokens ------------------------------------------------ */

/* Print a freshly issued token: alone on stdout (or as JSON), with the
 * explanation on stderr. expires: epoch seconds, 0 for never. Wipes token. */
static int token_print(const struct admin *a, const char *user, const char *org, char *token,
                       int64_t expires)
{
	char when[32] = "";
	int ex = adm_commit(a); /* stored (and audited) before it is shown */

	if (ex) {
		OPENSSL_cleanse(token, strlen(token));
		return ex;
	}
	if (expires > 0) {
		time_t t = (time_t)expires;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	if (a->json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "user", user, "org", org, "token", token);

		if (o && when[0])
			json_object_set_new(o, "expires", json_string(when));
		adm_json_print(o);
		json_decref(o);
	} else {
		printf("%s\n", token);
		fprintf(stderr, "token for %s (%s)%s%s; shown once, store it now\n", user, org,
		        when[0] ? ", valid until " : "", when);
	}
	fflush(stdout);
	OPENSSL_cleanse(token, strlen(token));
	return KR_EXIT_OK;
}

/* A new token and its hash; false (message printed) when the RNG fails. */
static bool token_new(char token[KR_TOKEN_LEN + 1], unsigned char hash[KR_TOKEN_HASH_LEN])
{
	if (token_generate(token) && token_hash(token, strlen(token), hash))
		return true;
	fprintf(stderr, PROG ": cannot generate a token (random number generator failed)\n");
	return false;
}

/* --expires into *expires (0 without it). 0 or an exit code (message printed). */
static int expiry_opt(const struct admin *a, int64_t *expires)
{
	const char *v = adm_opt1(a, OPT_EXPIRES);
	char err[256];

	*expires = 0;
	if (v && !token_expiry_parse(v, (int64_t)time(NULL), expires, err, sizeof(err)))
		return adm_usage_fail(a, "--expires: %s", err);
	return 0;
}

/* Give the token just stored its expiry, in the transaction that stored it. */
static enum kr_err expiry_set(struct admin *a, const unsigned char hash[KR_TOKEN_HASH_LEN],
                              int64_t expires, enum kr_err rc)
{
	if (rc == KR_OK && expires > 0)
		rc = store_token_set_expiry(a->st, hash, expires);
	if (rc == KR_OK)
		return store_commit(a->st);
	store_rollback(a->st);
	return rc;
}

int cmd_user_add(struct admin *a)
{
	const char *org = adm_arg(a, 0), *user = adm_arg(a, 1);
	char token[KR_TOKEN_LEN + 1];
	unsigned char hash[KR_TOKEN_HASH_LEN];
	int64_t expires = 0;
	enum kr_err rc;
	int ex = expiry_opt(a, &expires);

	if (!ex)
		ex = adm_store_need(a);
	if (ex)
		return ex;
	if (!token_new(token, hash))
		return (int)kr_err_exit(KR_EINTERNAL);
	rc = store_begin(a->st);
	if (rc == KR_OK)
		rc = expiry_set(a, hash, expires,
		                store_user_add(a->st, org, user, hash, a->err, sizeof(a->err)));
	if (rc != KR_OK) {
		OPENSSL_cleanse(token, sizeof(token));
		return adm_fail(a, rc, "cannot add user %s", user);
	}
	return token_print(a, user, org, token, expires);
}

int cmd_user_list(struct admin *a)
{
	static const struct column cols[] = {
	    {"USER", "user"}, {"ORG", "org"}, {"TOKENS", "tokens"}};
	const char *org = adm_opt1(a, OPT_ORG);
	json_t *list = NULL;
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_user_list(a->st, org, &list);
	if (rc != KR_OK)
		return adm_fail(
		    a, rc, rc == KR_ENOTFOUND ? "no organisation %s" : "cannot list users (%s)",
		    org ? org : "all");
	return adm_list_print(a, list, cols, sizeof(cols) / sizeof(cols[0]), "no users");
}

int cmd_user_remove(struct admin *a)
{
	const char *user = adm_arg(a, 0);
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_user_remove(a->st, user);
	if (rc != KR_OK)
		return adm_fail(a, rc, rc == KR_ENOTFOUND ? "no user %s" : "cannot remove user %s",
		                user);
	return adm_done(a, json_pack("{s:b, s:s}", "ok", 1, "user", user),
	                "user %s removed, with its tokens and roles", user);
}

/* The organisation of user, copied into org (empty when unknown). */
static void user_org(struct admin *a, const char *user, char *org, size_t len)
{
	json_t *list = NULL, *row;
	size_t i;

	org[0] = '\0';
	if (store_user_list(a->st, NULL, &list) != KR_OK)
		return;
	json_array_foreach(list, i, row)
	{
		if (strcmp(json_string_value(json_object_get(row, "user")), user) == 0)
			snprintf(org, len, "%s", json_string_value(json_object_get(row, "org")));
	}
	json_decref(list);
}

int cmd_user_token(struct admin *a)
{
	const char *user = adm_arg(a, 0);
	char token[KR_TOKEN_LEN + 1], org[MAX_KEY + 1];
	unsigned char hash[KR_TOKEN_HASH_LEN];
	int64_t expires = 0;
	enum kr_err rc;
	int ex = expiry_opt(a, &expires);

	if (!ex)
		ex = adm_store_need(a);
	if (ex)
		return ex;
	if (!token_new(token, hash))
		return (int)kr_err_exit(KR_EINTERNAL);
	rc = store_begin(a->st);
	if (rc == KR_OK)
		rc = expiry_set(a, hash, expires, store_token_add(a->st, user, hash));
	if (rc != KR_OK) {
		OPENSSL_cleanse(token, sizeof(token));
		return adm_fail(
		    a, rc, rc == KR_ENOTFOUND ? "no user %s" : "cannot add a token for %s", user);
	}
	user_org(a, user, org, sizeof(org));
	return token_print(a, user, org, token, expires);
}

int cmd_user_revoke(struct admin *a)
{
	const char *user = adm_arg(a, 0);
	enum kr_err rc;
	int n = 0, certs = 0, ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_token_revoke_all(a->st, user, &n);
	if (rc == KR_OK) /* a certificate is a credential too */
		rc = store_cert_remove_all(a->st, user, &certs);
	if (rc != KR_OK)
		return adm_fail(
		    a, rc, rc == KR_ENOTFOUND ? "no user %s" : "cannot revoke tokens of %s", user);
	if (certs)
		return adm_done(a,
		                json_pack("{s:b, s:s, s:i, s:i}", "ok", 1, "user", user, "revoked",
		                          n, "certificates", certs),
		                "revoked %d token%s and %d client certificate%s of %s", n,
		                n == 1 ? "" : "s", certs, certs == 1 ? "" : "s", user);
	return adm_done(a, json_pack("{s:b, s:s, s:i}", "ok", 1, "user", user, "revoked", n),
	                "revoked %d token%s of %s", n, n == 1 ? "" : "s", user);
}

int cmd_circle_add(struct admin *a)
{
	const char *key = adm_arg(a, 0), *kind_s = adm_opt1(a, OPT_KIND),
	           *policy = adm_opt1(a, OPT_POLICY);
	enum kr_circle_kind kind = kind_s ? kr_circle_kind_parse(kind_s) : KR_CIRCLE_SECTOR;
	char *path = NULL;
	enum kr_err rc;
	int ex = 0;

	if (kind == KR_CIRCLE_NONE)
		return adm_usage_fail(a,
		                      "unknown circle kind \"%s\" (allowed: sector, cross-sector, "
		                      "regional, public)",
		                      kind_s);
	if (policy) {
		path = adm_policy_path(policy, key, &ex);
		if (!path)
			goto out;
	}
	ex = adm_store_need(a);
	if (ex)
		goto out;
	rc =
	    store_circle_add(a->st, key, kind, adm_opt1(a, OPT_NAME), path, a->err, sizeof(a->err));
	if (rc != KR_OK) {
		ex = adm_fail(a, rc, "cannot add circle %s", key);
		goto out;
	}
	ex = adm_done(a,
	              json_pack("{s:b, s:s, s:s, s:s?}", "ok", 1, "circle", key, "kind",
	                        kr_circle_kind_name(kind), "policy", path),
	              "circle %s (%s) added%s%s", key, kr_circle_kind_name(kind),
	              path ? " with policy " : "", path ? path : "");
out:
	free(path);
	return ex;
}

int cmd_circle_list(struct admin *a)
{
	static const struct column cols[] = {
	    {"CIRCLE", "circle"}, {"KIND", "kind"},     {"ORGS", "orgs"},
	    {"NAME", "name"},     {"POLICY", "policy"},
	};
	json_t *list = NULL;
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_circle_list(a->st, &list);
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot list circles");
	return adm_list_print(a, list, cols, sizeof(cols) / sizeof(cols[0]), "no circles");
}

int cmd_circle_remove(struct admin *a)
{
	const char *key = adm_arg(a, 0);
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_circle_remove(a->st, key);
	if (rc == KR_ENOTFOUND)
		return adm_fail(a, rc, "no circle %s", key);
	if (rc == KR_EINVAL)
		return adm_fail(a, rc, "circle %s still holds items and cannot be removed", key);
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot remove circle %s", key);
	return adm_done(a, json_pack("{s:b, s:s}", "ok", 1, "circle", key),
	                "circle %s removed, with its memberships and roles", key);
}

/* ---- memberships and roles ------------------------------------------- */

int cmd_member_add(struct admin *a)
{
	const char *circle = adm_arg(a, 0), *org = adm_arg(a, 1);
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_member_add(a->st, circle, org, a->err, sizeof(a->err));
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot add %s to %s", org, circle);
	return adm_done(a, json_pack("{s:b, s:s, s:s}", "ok", 1, "circle", circle, "org", org),
	                "%s is now a member of %s; its users hold the role member there", org,
	                circle);
}

/* Which of the two was missing, for store_member_remove's KR_ENOTFOUND. */
static int member_missing(struct admin *a, const char *circle, const char *org)
{
	json_t *list = NULL;
	enum kr_err rc = store_member_list(a->st, circle, &list);

	json_decref(list);
	if (rc == KR_ENOTFOUND)
		return adm_fail(a, rc, "no circle %s", circle);
	list = NULL;
	rc = store_user_list(a->st, org, &list);
	json_decref(list);
	if (rc == KR_ENOTFOUND)
		return adm_fail(a, rc, "no organisation %s", org);
	return adm_fail(a, KR_ENOTFOUND, "%s is not a member of %s", org, circle);
}

int cmd_member_remove(struct admin *a)
{
	const char *circle = adm_arg(a, 0), *org = adm_arg(a, 1);
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_member_remove(a->st, circle, org);
	if (rc == KR_ENOTFOUND)
		return member_missing(a, circle, org);
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot remove %s from %s", org, circle);
	return adm_done(
	    a, json_pack("{s:b, s:s, s:s}", "ok", 1, "circle", circle, "org", org),
	    "%s is no longer a member of %s; its users lost their roles and access there", org,
	    circle);
}

int cmd_member_list(struct admin *a)
{
	static const struct column cols[] = {{"ORG", NULL}};
	const char *circle = adm_arg(a, 0);
	json_t *list = NULL;
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_member_list(a->st, circle, &list);
	if (rc != KR_OK)
		return adm_fail(a, rc,
		                rc == KR_ENOTFOUND ? "no circle %s" : "cannot list members of %s",
		                circle);
	return adm_list_print(a, list, cols, 1, "no member organisations");
}

int cmd_role_set(struct admin *a)
{
	const char *circle = adm_arg(a, 0), *user = adm_arg(a, 1), *role_s = adm_arg(a, 2);
	enum kr_role role = kr_role_parse(role_s);
	enum kr_err rc;
	int ex;

	if (role == KR_ROLE_NONE)
		return adm_usage_fail(a,
		                      "unknown role \"%s\" (allowed: member, moderator, organizer, "
		                      "observer)",
		                      role_s);
	ex = adm_store_need(a);
	if (ex)
		return ex;
	rc = store_role_set(a->st, circle, user, role, a->err, sizeof(a->err));
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot set the role of %s in %s", user, circle);
	return adm_done(a,
	                json_pack("{s:b, s:s, s:s, s:s}", "ok", 1, "circle", circle, "user", user,
	                          "role", kr_role_name(role)),
	                "%s is now %s of %s", user, kr_role_name(role), circle);
}

int cmd_role_list(struct admin *a)
{
	static const struct column cols[] = {{"USER", "user"}, {"ORG", "org"}, {"ROLE", "role"}};
	const char *circle = adm_arg(a, 0);
	json_t *list = NULL;
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_role_list(a->st, circle, &list);
	if (rc != KR_OK)
		return adm_fail(
		    a, rc, rc == KR_ENOTFOUND ? "no circle %s" : "cannot list roles of %s", circle);
	return adm_list_print(a, list, cols, sizeof(cols) / sizeof(cols[0]),
	                      "no users in member organisations");
}
