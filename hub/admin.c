/*
 * admin.c - `kairan-hub admin`: the operator's commands for the directory
 * (organisations, users, tokens, circles, memberships, roles).
 *
 * One table describes every command: noun, verb, arguments, accepted
 * options, handler and usage line; help is generated from it. The command
 * line is parsed once (flags may appear anywhere after "admin"), checked
 * against the table, and the handler talks to the store through
 * store_dir.h. Admin commands share DATA/kairan.db with a running hub: WAL
 * and the busy timeout absorb the write locks, and the hub notices each
 * commit through PRAGMA data_version, so there is nothing to signal.
 *
 * Output: results on stdout (tokens, tables, or JSON with --json);
 * confirmations and errors on stderr, errors as "kairan-hub admin: ...".
 */
#include "admin.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "kr_error.h"
#include "log.h"
#include "model.h"
#include "store.h"
#include "cpolicy.h"
#include "store_dir.h"
#include "token.h"
#include "utf8.h"

#define PROG      "kairan-hub admin"
#define MAX_WORDS 8  /* noun, verb and up to 3 arguments, with room to report extras */
#define MAX_MULTI 32 /* repetitions of one option */
#define MAX_KEY   64

/* ---- command line ---------------------------------------------------- */

enum opt {
	OPT_DATA,
	OPT_JSON,
	OPT_HELP,
	OPT_NAME,
	OPT_DOMAIN,
	OPT_PERSON,
	OPT_INDUSTRY,
	OPT_EMPLOYEES,
	OPT_ORG,
	OPT_KIND,
	OPT_POLICY,
	OPT_REGION,
	OPT__COUNT
};

#define BIT(o) (1u << (o))

static const struct {
	const char *flag;
	bool value; /* takes a value */
	bool multi; /* may be repeated */
} opt_table[OPT__COUNT] = {
    [OPT_DATA] = {"--data", true, false},         [OPT_JSON] = {"--json", false, false},
    [OPT_HELP] = {"--help", false, false},        [OPT_NAME] = {"--name", true, true},
    [OPT_DOMAIN] = {"--domain", true, true},      [OPT_PERSON] = {"--person", true, true},
    [OPT_INDUSTRY] = {"--industry", true, false}, [OPT_EMPLOYEES] = {"--employees", true, false},
    [OPT_ORG] = {"--org", true, false},           [OPT_KIND] = {"--kind", true, false},
    [OPT_POLICY] = {"--policy", true, false},     [OPT_REGION] = {"--region", true, false},
};

struct cmd;

struct admin {
	const struct cmd *cmd;
	const char *words[MAX_WORDS]; /* noun, verb, arguments (borrowed from argv) */
	size_t n_words;
	struct {
		const char *v[MAX_MULTI];
		size_t n;
	} opt[OPT__COUNT];
	const char *data;
	bool json;
	struct kr_store *st;
	char err[512];
};

typedef int (*cmd_fn)(struct admin *a);

struct cmd {
	const char *noun, *verb;
	size_t nargs;
	unsigned keys; /* bit i: argument i is a key */
	unsigned opts; /* options beyond --data, --json and --help */
	cmd_fn run;
	const char *usage;
	const char *about;
};

/* Argument i of the command (after noun and verb). */
static const char *arg(const struct admin *a, size_t i)
{
	return a->words[2 + i];
}

/* The value of a single-valued option, or NULL. */
static const char *opt1(const struct admin *a, enum opt o)
{
	return a->opt[o].n ? a->opt[o].v[0] : NULL;
}

static bool key_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MAX_KEY)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		          (i > 0 && (c == '.' || c == '_' || c == '-'));

		if (!ok)
			return false;
	}
	return true;
}

/* ---- messages -------------------------------------------------------- */

static void vmessage(const char *fmt, va_list ap)
{
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Print a usage error (and the command's usage line); returns exit 2. */
__attribute__((format(printf, 2, 3))) static int usage_fail(const struct admin *a, const char *fmt,
                                                            ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	if (a->cmd)
		fprintf(stderr, "usage: " PROG " --data DIR [--json] %s\n", a->cmd->usage);
	fprintf(stderr, "try '" PROG " --help'\n");
	return KR_EXIT_USAGE;
}

/* Print the store's message when it gave one, else fmt; returns the exit
 * code for rc. */
__attribute__((format(printf, 3, 4))) static int fail(const struct admin *a, enum kr_err rc,
                                                      const char *fmt, ...)
{
	va_list ap;

	if (a->err[0]) {
		fprintf(stderr, PROG ": %s\n", a->err);
	} else {
		va_start(ap, fmt);
		vmessage(fmt, ap);
		va_end(ap);
	}
	return (int)kr_err_exit(rc);
}

static void json_print(json_t *v)
{
	json_dumpf(v, stdout, JSON_COMPACT);
	fputc('\n', stdout);
}

/* Report a successful mutation: obj (a new reference, stolen) on stdout in
 * JSON mode, else the confirmation on stderr. */
__attribute__((format(printf, 3, 4))) static int done(const struct admin *a, json_t *obj,
                                                      const char *fmt, ...)
{
	va_list ap;

	if (a->json) {
		json_print(obj);
	} else {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	json_decref(obj);
	return KR_EXIT_OK;
}

/* ---- tables ---------------------------------------------------------- */

/* Terminal columns of a code point: 2 for East Asian wide and full-width
 * forms (Japanese names), 0 for controls and combining marks. */
static int cp_width(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x300 && c <= 0x36f) ||
	    (c >= 0x3099 && c <= 0x309a))
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

static size_t text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p) {
		uint32_t c = *p;
		int n = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

		c &= n == 3 ? 0x07 : n == 2 ? 0x0f : n == 1 ? 0x1f : 0xff;
		p++;
		for (; n > 0 && (*p & 0xc0) == 0x80; n--, p++)
			c = c << 6 | (*p & 0x3f);
		w += (size_t)cp_width(c);
	}
	return w;
}

/* One table cell: strings as they are (control characters shown as '?'),
 * numbers in decimal, arrays joined with ", ", anything else "-". */
static void cell_text(const json_t *v, char *buf, size_t len)
{
	size_t i, used = 0;
	json_t *e;

	buf[0] = '\0';
	if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_array(v) && json_array_size(v) > 0) {
		json_array_foreach(v, i, e)
		{
			int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
			                 json_is_string(e) ? json_string_value(e) : "?");

			if (n < 0 || (size_t)n >= len - used)
				break;
			used += (size_t)n;
		}
	} else {
		snprintf(buf, len, "-");
	}
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

struct column {
	const char *header;
	const char *field; /* NULL: the element itself */
};

static const json_t *cell_value(const json_t *row, const struct column *c)
{
	return c->field ? json_object_get(row, c->field) : row;
}

/* Print list (borrowed) as aligned columns on stdout, or a note on stderr
 * when it is empty. */
static void table_print(const json_t *list, const struct column *cols, size_t ncols,
                        const char *empty)
{
	size_t width[8] = {0};
	char buf[1024];
	size_t r;
	json_t *row;

	if (json_array_size(list) == 0) {
		fprintf(stderr, "%s\n", empty);
		return;
	}
	for (size_t c = 0; c < ncols && c < 8; c++) {
		width[c] = text_width(cols[c].header);
		json_array_foreach(list, r, row)
		{
			size_t w;

			cell_text(cell_value(row, &cols[c]), buf, sizeof(buf));
			w = text_width(buf);
			width[c] = w > width[c] ? w : width[c];
		}
	}
	for (size_t c = 0; c < ncols && c < 8; c++)
		printf("%s%*s", cols[c].header,
		       c + 1 < ncols ? (int)(width[c] - text_width(cols[c].header) + 2) : 0, "");
	putchar('\n');
	json_array_foreach(list, r, row)
	{
		for (size_t c = 0; c < ncols && c < 8; c++) {
			cell_text(cell_value(row, &cols[c]), buf, sizeof(buf));
			printf("%s%*s", buf,
			       c + 1 < ncols ? (int)(width[c] - text_width(buf) + 2) : 0, "");
		}
		putchar('\n');
	}
}

/* Print a list (a new reference, stolen) as JSON or as a table. */
static int list_print(const struct admin *a, json_t *list, const struct column *cols, size_t ncols,
                      const char *empty)
{
	if (a->json)
		json_print(list);
	else
		table_print(list, cols, ncols, empty);
	json_decref(list);
	return KR_EXIT_OK;
}

/* ---- store ----------------------------------------------------------- */

/* Open DATA/kairan.db, creating DATA (mode 0700) when missing. 0 or an
 * exit code. */
static int store_need(struct admin *a)
{
	struct stat sb;
	enum kr_err rc;

	if (mkdir(a->data, 0700) != 0 && errno != EEXIST)
		return fail(a, KR_EINTERNAL, "cannot create data directory %s: %s", a->data,
		            strerror(errno));
	if (stat(a->data, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return fail(a, KR_EINTERNAL, "%s is not a directory", a->data);
	rc = store_open(a->data, &a->st, a->err, sizeof(a->err));
	if (rc != KR_OK)
		return fail(a, rc, "cannot open the store in %s", a->data);
	return 0;
}

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

static int cmd_org_add(struct admin *a)
{
	const char *key = arg(a, 0), *emp = opt1(a, OPT_EMPLOYEES), *region = opt1(a, OPT_REGION);
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
			return usage_fail(a, "--employees wants a whole number, not \"%s\"", emp);
		employees = v;
	}
	if (region && !region_valid(region))
		return usage_fail(a, "--region wants a prefecture code JP-01 ... JP-47, not \"%s\"",
		                  region);
	ex = store_need(a);
	if (ex)
		return ex;
	rc = store_org_add(a->st, key, &terms, opt1(a, OPT_INDUSTRY), employees, a->err,
	                   sizeof(a->err));
	if (rc == KR_OK && region)
		rc = store_org_set_region(a->st, key, region);
	if (rc != KR_OK)
		return fail(a, rc, "cannot add organisation %s", key);
	return done(a, json_pack("{s:b, s:s}", "ok", 1, "org", key),
	            "organisation %s added (names: %zu, domains: %zu, persons: %zu)", key,
	            terms.n_names, terms.n_domains, terms.n_persons);
}

static int cmd_org_list(struct admin *a)
{
	static const struct column cols[] = {
	    {"ORG", "key"},         {"INDUSTRY", "industry"}, {"EMPLOYEES", "employees"},
	    {"USERS", "users"},     {"NAMES", "names"},       {"DOMAINS", "domains"},
	    {"PERSONS", "persons"},
	};
	json_t *list = NULL;
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	rc = store_org_list(a->st, &list);
	if (rc != KR_OK)
		return fail(a, rc, "cannot list organisations");
	return list_print(a, list, cols, sizeof(cols) / sizeof(cols[0]), "no organisations");
}

static int cmd_org_remove(struct admin *a)
{
	const char *key = arg(a, 0);
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	rc = store_org_remove(a->st, key);
	if (rc != KR_OK)
		return fail(a, rc, rc == KR_ENOTFOUND ? "no organisation %s" : "cannot remove %s",
		            key);
	return done(a, json_pack("{s:b, s:s}", "ok", 1, "org", key),
	            "organisation %s removed, with its users, tokens, memberships and roles", key);
}

/* ---- users and tokens ------------------------------------------------ */

/* Print a freshly issued token: alone on stdout (or as JSON), with the
 * explanation on stderr. Wipes token. */
static int token_print(const struct admin *a, const char *user, const char *org, char *token)
{
	if (a->json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "user", user, "org", org, "token", token);

		json_print(o);
		json_decref(o);
	} else {
		printf("%s\n", token);
		fprintf(stderr, "token for %s (%s); shown once, store it now\n", user, org);
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

static int cmd_user_add(struct admin *a)
{
	const char *org = arg(a, 0), *user = arg(a, 1);
	char token[KR_TOKEN_LEN + 1];
	unsigned char hash[KR_TOKEN_HASH_LEN];
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	if (!token_new(token, hash))
		return (int)kr_err_exit(KR_EINTERNAL);
	rc = store_user_add(a->st, org, user, hash, a->err, sizeof(a->err));
	if (rc != KR_OK) {
		OPENSSL_cleanse(token, sizeof(token));
		return fail(a, rc, "cannot add user %s", user);
	}
	return token_print(a, user, org, token);
}

static int cmd_user_list(struct admin *a)
{
	static const struct column cols[] = {
	    {"USER", "user"}, {"ORG", "org"}, {"TOKENS", "tokens"}};
	const char *org = opt1(a, OPT_ORG);
	json_t *list = NULL;
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	rc = store_user_list(a->st, org, &list);
	if (rc != KR_OK)
		return fail(a, rc,
		            rc == KR_ENOTFOUND ? "no organisation %s" : "cannot list users (%s)",
		            org ? org : "all");
	return list_print(a, list, cols, sizeof(cols) / sizeof(cols[0]), "no users");
}

static int cmd_user_remove(struct admin *a)
{
	const char *user = arg(a, 0);
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	rc = store_user_remove(a->st, user);
	if (rc != KR_OK)
		return fail(a, rc, rc == KR_ENOTFOUND ? "no user %s" : "cannot remove user %s",
		            user);
	return done(a, json_pack("{s:b, s:s}", "ok", 1, "user", user),
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

static int cmd_user_token(struct admin *a)
{
	const char *user = arg(a, 0);
	char token[KR_TOKEN_LEN + 1], org[MAX_KEY + 1];
	unsigned char hash[KR_TOKEN_HASH_LEN];
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	if (!token_new(token, hash))
		return (int)kr_err_exit(KR_EINTERNAL);
	rc = store_token_add(a->st, user, hash);
	if (rc != KR_OK) {
		OPENSSL_cleanse(token, sizeof(token));
		return fail(a, rc, rc == KR_ENOTFOUND ? "no user %s" : "cannot add a token for %s",
		            user);
	}
	user_org(a, user, org, sizeof(org));
	return token_print(a, user, org, token);
}

static int cmd_user_revoke(struct admin *a)
{
	const char *user = arg(a, 0);
	enum kr_err rc;
	int n = 0, ex = store_need(a);

	if (ex)
		return ex;
	rc = store_token_revoke_all(a->st, user, &n);
	if (rc != KR_OK)
		return fail(a, rc, rc == KR_ENOTFOUND ? "no user %s" : "cannot revoke tokens of %s",
		            user);
	return done(a, json_pack("{s:b, s:s, s:i}", "ok", 1, "user", user, "revoked", n),
	            "revoked %d token%s of %s", n, n == 1 ? "" : "s", user);
}

/* ---- circles --------------------------------------------------------- */

/* An absolute version of path (new string), so the hub finds the file
 * whatever its working directory; NULL when out of memory or cwd unknown. */
static char *absolute(const char *file)
{
	char cwd[4096], *path;
	size_t len;

	if (file[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return NULL;
	len = strlen(file) + (file[0] == '/' ? 0 : strlen(cwd) + 1) + 1;
	path = malloc(len);
	if (path)
		snprintf(path, len, "%s%s%s", file[0] == '/' ? "" : cwd, file[0] == '/' ? "" : "/",
		         file);
	return path;
}

/*
 * Validate a policy file for circle (NULL: any circle) and return its
 * absolute path (new string), or NULL with the reason printed (naming the
 * file and the field) and *ex set.
 */
static char *policy_path(const char *file, const char *circle, int *ex)
{
	struct kr_circle_policy *p = NULL;
	char err[512], *path = absolute(file);
	enum kr_err rc;

	*ex = (int)kr_err_exit(KR_EINTERNAL);
	if (!path) {
		fprintf(stderr, PROG ": cannot resolve %s: %s\n", file, strerror(errno));
		return NULL;
	}
	if (access(path, R_OK) != 0) {
		fprintf(stderr, PROG ": policy file %s: %s\n", file, strerror(errno));
		*ex = (int)kr_err_exit(KR_ENOTFOUND);
		goto fail;
	}
	rc = cpolicy_load_file(path, &p, err, sizeof(err));
	if (rc == KR_OK && circle && strcmp(p->circle, circle) != 0) {
		snprintf(err, sizeof(err), "%s: circle: the file is for circle '%s', not '%s'",
		         path, p->circle, circle);
		rc = KR_EINVAL;
	}
	cpolicy_free(p);
	if (rc == KR_OK)
		return path;
	fprintf(stderr, PROG ": %s\n", err);
	*ex = (int)kr_err_exit(rc);
fail:
	free(path);
	return NULL;
}

static int cmd_circle_add(struct admin *a)
{
	const char *key = arg(a, 0), *kind_s = opt1(a, OPT_KIND), *policy = opt1(a, OPT_POLICY);
	enum kr_circle_kind kind = kind_s ? kr_circle_kind_parse(kind_s) : KR_CIRCLE_SECTOR;
	char *path = NULL;
	enum kr_err rc;
	int ex = 0;

	if (kind == KR_CIRCLE_NONE)
		return usage_fail(a,
		                  "unknown circle kind \"%s\" (allowed: sector, cross-sector, "
		                  "regional, public)",
		                  kind_s);
	if (policy) {
		path = policy_path(policy, key, &ex);
		if (!path)
			goto out;
	}
	ex = store_need(a);
	if (ex)
		goto out;
	rc = store_circle_add(a->st, key, kind, opt1(a, OPT_NAME), path, a->err, sizeof(a->err));
	if (rc != KR_OK) {
		ex = fail(a, rc, "cannot add circle %s", key);
		goto out;
	}
	ex = done(a,
	          json_pack("{s:b, s:s, s:s, s:s?}", "ok", 1, "circle", key, "kind",
	                    kr_circle_kind_name(kind), "policy", path),
	          "circle %s (%s) added%s%s", key, kr_circle_kind_name(kind),
	          path ? " with policy " : "", path ? path : "");
out:
	free(path);
	return ex;
}

static int cmd_circle_list(struct admin *a)
{
	static const struct column cols[] = {
	    {"CIRCLE", "circle"}, {"KIND", "kind"},     {"ORGS", "orgs"},
	    {"NAME", "name"},     {"POLICY", "policy"},
	};
	json_t *list = NULL;
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	rc = store_circle_list(a->st, &list);
	if (rc != KR_OK)
		return fail(a, rc, "cannot list circles");
	return list_print(a, list, cols, sizeof(cols) / sizeof(cols[0]), "no circles");
}

static int cmd_circle_remove(struct admin *a)
{
	const char *key = arg(a, 0);
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	rc = store_circle_remove(a->st, key);
	if (rc == KR_ENOTFOUND)
		return fail(a, rc, "no circle %s", key);
	if (rc == KR_EINVAL)
		return fail(a, rc, "circle %s still holds items and cannot be removed", key);
	if (rc != KR_OK)
		return fail(a, rc, "cannot remove circle %s", key);
	return done(a, json_pack("{s:b, s:s}", "ok", 1, "circle", key),
	            "circle %s removed, with its memberships and roles", key);
}

/* ---- memberships and roles ------------------------------------------- */

static int cmd_member_add(struct admin *a)
{
	const char *circle = arg(a, 0), *org = arg(a, 1);
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	rc = store_member_add(a->st, circle, org, a->err, sizeof(a->err));
	if (rc != KR_OK)
		return fail(a, rc, "cannot add %s to %s", org, circle);
	return done(a, json_pack("{s:b, s:s, s:s}", "ok", 1, "circle", circle, "org", org),
	            "%s is now a member of %s; its users hold the role member there", org, circle);
}

/* Which of the two was missing, for store_member_remove's KR_ENOTFOUND. */
static int member_missing(struct admin *a, const char *circle, const char *org)
{
	json_t *list = NULL;
	enum kr_err rc = store_member_list(a->st, circle, &list);

	json_decref(list);
	if (rc == KR_ENOTFOUND)
		return fail(a, rc, "no circle %s", circle);
	list = NULL;
	rc = store_user_list(a->st, org, &list);
	json_decref(list);
	if (rc == KR_ENOTFOUND)
		return fail(a, rc, "no organisation %s", org);
	return fail(a, KR_ENOTFOUND, "%s is not a member of %s", org, circle);
}

static int cmd_member_remove(struct admin *a)
{
	const char *circle = arg(a, 0), *org = arg(a, 1);
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	rc = store_member_remove(a->st, circle, org);
	if (rc == KR_ENOTFOUND)
		return member_missing(a, circle, org);
	if (rc != KR_OK)
		return fail(a, rc, "cannot remove %s from %s", org, circle);
	return done(a, json_pack("{s:b, s:s, s:s}", "ok", 1, "circle", circle, "org", org),
	            "%s is no longer a member of %s; its users lost their roles and access there",
	            org, circle);
}

static int cmd_member_list(struct admin *a)
{
	static const struct column cols[] = {{"ORG", NULL}};
	const char *circle = arg(a, 0);
	json_t *list = NULL;
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	rc = store_member_list(a->st, circle, &list);
	if (rc != KR_OK)
		return fail(a, rc,
		            rc == KR_ENOTFOUND ? "no circle %s" : "cannot list members of %s",
		            circle);
	return list_print(a, list, cols, 1, "no member organisations");
}

static int cmd_role_set(struct admin *a)
{
	const char *circle = arg(a, 0), *user = arg(a, 1), *role_s = arg(a, 2);
	enum kr_role role = kr_role_parse(role_s);
	enum kr_err rc;
	int ex;

	if (role == KR_ROLE_NONE)
		return usage_fail(a,
		                  "unknown role \"%s\" (allowed: member, moderator, organizer, "
		                  "observer)",
		                  role_s);
	ex = store_need(a);
	if (ex)
		return ex;
	rc = store_role_set(a->st, circle, user, role, a->err, sizeof(a->err));
	if (rc != KR_OK)
		return fail(a, rc, "cannot set the role of %s in %s", user, circle);
	return done(a,
	            json_pack("{s:b, s:s, s:s, s:s}", "ok", 1, "circle", circle, "user", user,
	                      "role", kr_role_name(role)),
	            "%s is now %s of %s", user, kr_role_name(role), circle);
}

static int cmd_role_list(struct admin *a)
{
	static const struct column cols[] = {{"USER", "user"}, {"ORG", "org"}, {"ROLE", "role"}};
	const char *circle = arg(a, 0);
	json_t *list = NULL;
	enum kr_err rc;
	int ex = store_need(a);

	if (ex)
		return ex;
	rc = store_role_list(a->st, circle, &list);
	if (rc != KR_OK)
		return fail(a, rc, rc == KR_ENOTFOUND ? "no circle %s" : "cannot list roles of %s",
		            circle);
	return list_print(a, list, cols, sizeof(cols) / sizeof(cols[0]),
	                  "no users in member organisations");
}

/* ---- the command table ----------------------------------------------- */

/* ---- circle policies -------------------------------------------------- */

static int cmd_policy_set(struct admin *a)
{
	const char *circle = arg(a, 0);
	char *path = NULL;
	enum kr_err rc;
	int ex;

	path = policy_path(arg(a, 1), circle, &ex);
	if (!path)
		return ex;
	ex = store_need(a);
	if (ex)
		goto out;
	rc = store_circle_set_policy(a->st, circle, path);
	if (rc != KR_OK) {
		ex =
		    fail(a, rc, rc == KR_ENOTFOUND ? "no circle %s" : "cannot set the policy of %s",
		         circle);
		goto out;
	}
	ex = done(a, json_pack("{s:b, s:s, s:s}", "ok", 1, "circle", circle, "policy", path),
	          "circle %s now follows %s; a running hub applies it at once", circle, path);
out:
	free(path);
	return ex;
}

static int cmd_policy_check(struct admin *a)
{
	int ex;
	char *path = policy_path(arg(a, 0), NULL, &ex);

	if (!path)
		return ex;
	ex =
	    done(a, json_pack("{s:b, s:s}", "ok", 1, "policy", path), "%s is a valid policy", path);
	free(path);
	return ex;
}

/* The circles of the store with their policy files (new reference). */
static int circles_load(struct admin *a, json_t **list)
{
	int ex = store_need(a);
	enum kr_err rc;

	if (ex)
		return ex;
	rc = store_circle_list(a->st, list);
	return rc == KR_OK ? 0 : fail(a, rc, "cannot list circles");
}

static int cmd_policy_show(struct admin *a)
{
	const char *circle = arg(a, 0), *file = NULL;
	struct kr_circle_policy *p = NULL;
	json_t *list = NULL, *c, *out;
	enum kr_err rc = KR_ENOTFOUND;
	char err[512] = "";
	size_t i;
	int ex = circles_load(a, &list);

	if (ex)
		return ex;
	json_array_foreach(list, i, c)
	{
		if (strcmp(json_string_value(json_object_get(c, "circle")), circle) != 0)
			continue;
		file = json_string_value(json_object_get(c, "policy"));
		p = file ? NULL
		         : cpolicy_default(circle, kr_circle_kind_parse(json_string_value(
		                                       json_object_get(c, "kind"))));
		rc = file ? cpolicy_load_file(file, &p, err, sizeof(err))
		          : (p ? KR_OK : KR_EINTERNAL);
		break;
	}
	if (rc != KR_OK) {
		snprintf(a->err, sizeof(a->err), "%s", err);
		ex = fail(a, rc, !err[0] ? "no circle %s" : "policy of %s", circle);
		goto out;
	}
	out = cpolicy_to_json(p);
	json_object_set_new(out, "$source", json_string(file ? file : "(built-in default)"));
	json_print(out);
	json_decref(out);
out:
	cpolicy_free(p);
	json_decref(list);
	return ex;
}

static int cmd_policy_reload(struct admin *a)
{
	json_t *list = NULL, *c;
	size_t i, files = 0, bad = 0;
	enum kr_err rc;
	int ex = circles_load(a, &list);

	if (ex)
		return ex;
	json_array_foreach(list, i, c)
	{
		const char *file = json_string_value(json_object_get(c, "policy"));
		struct kr_circle_policy *p = NULL;
		char err[512];

		if (!file)
			continue;
		files++;
		if (cpolicy_load_file(file, &p, err, sizeof(err)) != KR_OK) {
			fprintf(stderr, PROG ": %s\n", err);
			bad++;
		}
		cpolicy_free(p);
	}
	json_decref(list);
	if (bad) {
		fprintf(stderr,
		        PROG ": %zu of %zu policies refused; nothing reloaded, the hub keeps "
		             "the policies in force\n",
		        bad, files);
		return (int)kr_err_exit(KR_EINVAL);
	}
	rc = store_policy_epoch_bump(a->st);
	if (rc != KR_OK)
		return fail(a, rc, "cannot signal the reload");
	return done(a, json_pack("{s:b, s:I}", "ok", 1, "policies", (json_int_t)files),
	            "%zu policy file%s valid; a running hub re-reads them now", files,
	            files == 1 ? "" : "s");
}

static const struct cmd commands[] = {
    {"org", "add", 1, 1,
     BIT(OPT_NAME) | BIT(OPT_DOMAIN) | BIT(OPT_PERSON) | BIT(OPT_INDUSTRY) | BIT(OPT_EMPLOYEES) |
         BIT(OPT_REGION),
     cmd_org_add,
     "org add KEY [--name ALIAS]... [--domain D]... [--person NAME]... [--industry X] "
     "[--employees N] [--region JP-NN]",
     "add a member organisation with the names, domains and people that identify it"},
    {"org", "list", 0, 0, 0, cmd_org_list, "org list", "list organisations"},
    {"org", "remove", 1, 1, 0, cmd_org_remove, "org remove KEY",
     "remove an organisation with its users, tokens, memberships and roles"},
    {"user", "add", 2, 3, 0, cmd_user_add, "user add ORG USER",
     "add a user to an organisation and print its first token (once)"},
    {"user", "list", 0, 0, BIT(OPT_ORG), cmd_user_list, "user list [--org ORG]",
     "list users and how many valid tokens each holds"},
    {"user", "remove", 1, 1, 0, cmd_user_remove, "user remove USER",
     "remove a user with its tokens and roles"},
    {"user", "token", 1, 1, 0, cmd_user_token, "user token USER",
     "issue an additional token for a user and print it (once)"},
    {"user", "revoke", 1, 1, 0, cmd_user_revoke, "user revoke USER",
     "revoke every token of a user"},
    {"circle", "add", 1, 1, BIT(OPT_KIND) | BIT(OPT_NAME) | BIT(OPT_POLICY), cmd_circle_add,
     "circle add ID [--kind sector|cross-sector|regional|public] [--name NAME] "
     "[--policy FILE]",
     "add a circle (kind defaults to sector; without --policy it follows the built-in "
     "default for its kind)"},
    {"circle", "list", 0, 0, 0, cmd_circle_list, "circle list", "list circles"},
    {"circle", "remove", 1, 1, 0, cmd_circle_remove, "circle remove ID",
     "remove a circle that holds no items"},
    {"member", "add", 2, 3, 0, cmd_member_add, "member add CIRCLE ORG",
     "admit an organisation to a circle"},
    {"member", "remove", 2, 3, 0, cmd_member_remove, "member remove CIRCLE ORG",
     "remove an organisation from a circle; its users lose access at once"},
    {"member", "list", 1, 1, 0, cmd_member_list, "member list CIRCLE",
     "list the member organisations of a circle"},
    {"role", "set", 3, 3, 0, cmd_role_set,
     "role set CIRCLE USER member|moderator|organizer|observer",
     "set a user's role in a circle its organisation belongs to"},
    {"role", "list", 1, 1, 0, cmd_role_list, "role list CIRCLE",
     "list every user of the circle's member organisations with its role"},
    {"policy", "set", 2, 1, 0, cmd_policy_set, "policy set CIRCLE FILE",
     "validate FILE and make it the circle's policy (applied at once)"},
    {"policy", "show", 1, 1, 0, cmd_policy_show, "policy show CIRCLE",
     "print the policy in force for a circle (its file, or the built-in default)"},
    {"policy", "check", 1, 0, 0, cmd_policy_check, "policy check FILE",
     "validate a policy file without changing anything"},
    {"policy", "reload", 0, 0, 0, cmd_policy_reload, "policy reload",
     "validate every circle's policy file, then make a running hub re-read them"},
};

static const size_t n_commands = sizeof(commands) / sizeof(commands[0]);

static bool noun_known(const char *noun)
{
	for (size_t i = 0; i < n_commands; i++)
		if (strcmp(commands[i].noun, noun) == 0)
			return true;
	return false;
}

static const struct cmd *cmd_find(const char *noun, const char *verb)
{
	for (size_t i = 0; i < n_commands; i++)
		if (strcmp(commands[i].noun, noun) == 0 && strcmp(commands[i].verb, verb) == 0)
			return &commands[i];
	return NULL;
}

/* Help for every command, one noun's, or one command's (NULL for all). */
static void help_print(FILE *f, const char *noun, const char *verb)
{
	fprintf(f, "usage: " PROG " --data DIR [--json] NOUN VERB [ARGS] [OPTIONS]\n\n");
	if (!noun)
		fprintf(f, "Manage the hub's directory in DIR/kairan.db: organisations, users and "
		           "their tokens,\ncircles, member organisations and roles. Works whether "
		           "or not the hub is\nrunning; a running hub applies every change at "
		           "once.\n\n");
	fprintf(f, "Commands:\n");
	for (size_t i = 0; i < n_commands; i++) {
		const struct cmd *c = &commands[i];

		if ((!noun || strcmp(c->noun, noun) == 0) && (!verb || strcmp(c->verb, verb) == 0))
			fprintf(f, "  %s\n      %s\n", c->usage, c->about);
	}
	fprintf(f, "\nOptions:\n"
	           "  --data DIR  the hub's data directory (default $KAIRAN_DATA); created with "
	           "mode 0700\n"
	           "  --json      machine-readable output on stdout: lists as JSON arrays, "
	           "results as objects\n"
	           "  --help      this text; also after a noun or command\n\n"
	           "Keys (organisation, user and circle ids) match ^[a-z0-9][a-z0-9._-]{0,63}$.\n"
	           "Exit status: 0 ok, 2 usage, 5 not found, 6 invalid or duplicate, 7 store "
	           "error.\n");
}

/* ---- parsing and dispatch -------------------------------------------- */

/* Split argv into words and options. 0, or an exit code (message printed). */
static int args_parse(struct admin *a, int argc, char **argv)
{
	bool words_only = false;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i], *eq, *val = NULL;
		size_t flen;
		int o;

		if (words_only || s[0] != '-' || s[1] == '\0') {
			if (a->n_words == MAX_WORDS)
				return usage_fail(a, "too many arguments");
			a->words[a->n_words++] = s;
			continue;
		}
		if (strcmp(s, "--") == 0) {
			words_only = true;
			continue;
		}
		if (strcmp(s, "-h") == 0)
			s = "--help";
		eq = strchr(s, '=');
		flen = eq ? (size_t)(eq - s) : strlen(s);
		for (o = 0; o < OPT__COUNT; o++)
			if (strlen(opt_table[o].flag) == flen &&
			    strncmp(opt_table[o].flag, s, flen) == 0)
				break;
		if (o == OPT__COUNT)
			return usage_fail(a, "unknown option %.*s", (int)flen, s);
		if (opt_table[o].value) {
			val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!val)
				return usage_fail(a, "%s needs a value", opt_table[o].flag);
		} else if (eq) {
			return usage_fail(a, "%s takes no value", opt_table[o].flag);
		}
		if (a->opt[o].n > 0 && !opt_table[o].multi && opt_table[o].value)
			return usage_fail(a, "%s given twice", opt_table[o].flag);
		if (a->opt[o].n == MAX_MULTI)
			return usage_fail(a, "too many %s", opt_table[o].flag);
		a->opt[o].v[a->opt[o].n++] = val;
	}
	return 0;
}

static int key_fail(const struct admin *a, const char *key)
{
	return usage_fail(a,
	                  "\"%s\" is not a valid key: use lower-case letters, digits, '.', '_' "
	                  "and '-', starting with a letter or digit, at most %d characters",
	                  key, MAX_KEY);
}

/* Check the words and options against the command table. 0 or an exit code. */
static int args_check(struct admin *a)
{
	const char *noun = a->n_words > 0 ? a->words[0] : NULL;
	const char *verb = a->n_words > 1 ? a->words[1] : NULL;
	const struct cmd *c;

	if (!noun)
		return usage_fail(a, "missing command (org, user, circle, member or role)");
	if (!noun_known(noun))
		return usage_fail(a, "unknown command \"%s\" (org, user, circle, member or role)",
		                  noun);
	c = verb ? cmd_find(noun, verb) : NULL;
	if (!c) {
		fprintf(stderr, PROG ": %s \"%s\"; one of:\n",
		        verb ? "unknown verb" : "missing verb", verb ? verb : noun);
		help_print(stderr, noun, NULL);
		return KR_EXIT_USAGE;
	}
	a->cmd = c;
	if (a->n_words - 2 != c->nargs)
		return usage_fail(a, "%s %s takes %zu argument%s", c->noun, c->verb, c->nargs,
		                  c->nargs == 1 ? "" : "s");
	for (int o = OPT_NAME; o < OPT__COUNT; o++)
		if (a->opt[o].n && !(c->opts & BIT(o)))
			return usage_fail(a, "%s does not apply to %s %s", opt_table[o].flag,
			                  c->noun, c->verb);
	for (size_t i = 0; i < c->nargs; i++)
		if ((c->keys & (1u << i)) && !key_valid(arg(a, i)))
			return key_fail(a, arg(a, i));
	if (opt1(a, OPT_ORG) && !key_valid(opt1(a, OPT_ORG)))
		return key_fail(a, opt1(a, OPT_ORG));
	return 0;
}

/* Every argument and option value must be UTF-8 (names are stored and
 * shown as text). 0 or an exit code. */
static int args_utf8(const struct admin *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!kr_utf8_valid(argv[i], strlen(argv[i])))
			return usage_fail(a, "argument %d is not valid UTF-8", i);
	return 0;
}

int admin_main(int argc, char **argv)
{
	struct admin *a = calloc(1, sizeof(*a));
	int ex = KR_EXIT_SERVER;

	if (!a)
		goto out;
	/* Migration notes and the like are the hub's business, not the operator's. */
	kr_log_set_level(KR_LOG_WARN);
	ex = args_parse(a, argc, argv);
	if (ex)
		goto out;
	ex = args_utf8(a, argc, argv);
	if (ex)
		goto out;
	if (a->opt[OPT_HELP].n) {
		const char *noun = a->n_words > 0 ? a->words[0] : NULL;
		const char *verb = a->n_words > 1 ? a->words[1] : NULL;

		if (noun && !noun_known(noun))
			ex = usage_fail(a, "unknown command \"%s\"", noun);
		else if (verb && !cmd_find(noun, verb))
			ex = usage_fail(a, "unknown verb \"%s %s\"", noun, verb);
		else
			help_print(stdout, noun, verb);
		goto out;
	}
	ex = args_check(a);
	if (ex)
		goto out;
	a->json = a->opt[OPT_JSON].n > 0;
	a->data = opt1(a, OPT_DATA);
	if (!a->data || !a->data[0])
		a->data = getenv("KAIRAN_DATA");
	if (!a->data || !a->data[0]) {
		ex = usage_fail(a, "--data DIR is required (or set KAIRAN_DATA)");
		goto out;
	}
	ex = a->cmd->run(a);
out:
	if (a)
		store_close(a->st);
	free(a);
	fflush(stdout);
	return ex;
}
