/*
 * demo.c - `kairan-hub --demo` (see demo.h): the demo landscape as tables,
 * seeded through store_dir.h in one transaction, and the walkthrough.
 *
 * Tokens are made with token_generate(); the store keeps only their hashes
 * and the plain tokens go to DATA/demo-tokens/USER.token (0600) so the
 * walkthrough's commands can use --token-file.
 */
#include "demo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "model.h"
#include "store_dir.h"
#include "token.h"

#define TOKENS_DIR "demo-tokens"
#define N(a)       (sizeof(a) / sizeof((a)[0]))

/* ---- the landscape --------------------------------------------------- */

static const struct demo_org {
	const char *key, *name_ja, *name_en, *domain_jp, *domain, *person, *industry;
	int64_t employees;
	const char *region; /* ISO 3166-2:JP */
} orgs[] = {
    {"sakura-bank", "さくら銀行", "Sakura Bank", "sakura-bank.example.jp", "sakura-bank.example",
     "田中一郎", "finance", 900, "JP-13"},
    {"fuji-shoken", "富士証券", "Fuji Securities", "fuji-shoken.example.jp",
     "fuji-securities.example", "鈴木花子", "finance", 450, "JP-13"},
    {"kanto-denryoku", "関東電力", "Kanto Electric Power", "kanto-denryoku.example.jp",
     "kanto-power.example", "佐藤健", "energy", 3200, "JP-11"},
    {"isac-jimukyoku", "金融ISAC事務局", "Finance ISAC Secretariat", "fin-isac.example.jp",
     "fin-isac.example", "山本恵", "finance", 12, "JP-13"},
    {"yokohama-seisakusho", "横浜製作所", "Yokohama Works", "yokohama-seisakusho.example.jp",
     "yokohama-works.example", "小林誠", "manufacturing", 85, "JP-14"},
};

static const struct demo_circle {
	const char *key;
	enum kr_circle_kind kind;
	const char *name;
	const char *members[N(orgs)]; /* NULL-terminated unless full; all when everyone */
	bool everyone;
} circles[] = {
    {"fin-isac",
     KR_CIRCLE_SECTOR,
     "金融ISAC",
     {"sakura-bank", "fuji-shoken", "isac-jimukyoku"},
     false},
    {"energy-isac", KR_CIRCLE_SECTOR, "エネルギーISAC", {"kanto-denryoku"}, false},
    {"kanagawa-community",
     KR_CIRCLE_REGIONAL,
     "神奈川セキュリティ勉強会",
     {"yokohama-seisakusho", "sakura-bank", "kanto-denryoku"},
     false},
    {"public", KR_CIRCLE_PUBLIC, "公開情報", {NULL}, true},
};

static const struct demo_user {
	const char *name, *org;
} users[] = {
    {"tanaka", "sakura-bank"},
    {"suzuki", "fuji-shoken"},
    {"sato", "kanto-denryoku"},
    {"yamamoto", "isac-jimukyoku"},
    {"kobayashi", "yokohama-seisakusho"},
    {"takahashi", "sakura-bank"},
};

static const struct demo_role {
	const char *circle, *user;
	enum kr_role role;
} roles[] = {
    {"fin-isac", "yamamoto", KR_ROLE_MODERATOR},
    {"kanagawa-community", "kobayashi", KR_ROLE_ORGANIZER},
    {"fin-isac", "takahashi", KR_ROLE_OBSERVER},
};

static const struct demo_org *org_find(const char *key)
{
	for (size_t i = 0; i < N(orgs); i++)
		if (strcmp(orgs[i].key, key) == 0)
			return &orgs[i];
	return NULL;
}

static bool circle_has(const struct demo_circle *c, const char *org)
{
	if (c->everyone)
		return true;
	for (size_t i = 0; i < N(c->members) && c->members[i]; i++)
		if (strcmp(c->members[i], org) == 0)
			return true;
	return false;
}

/* The effective role of a demo user in a demo circle, as the hub sees it. */
static enum kr_role role_of(const struct demo_circle *c, const struct demo_user *u)
{
	if (!circle_has(c, u->org))
		return KR_ROLE_NONE;
	for (size_t i = 0; i < N(roles); i++)
		if (strcmp(roles[i].circle, c->key) == 0 && strcmp(roles[i].user, u->name) == 0)
			return roles[i].role;
	return KR_ROLE_MEMBER;
}

/* ---- seeding --------------------------------------------------------- */

static enum kr_err seed_orgs(struct kr_store *st, char *err, size_t errlen)
{
	enum kr_err rc = KR_OK;

	for (size_t i = 0; i < N(orgs) && rc == KR_OK; i++) {
		const struct demo_org *o = &orgs[i];
		const char *names[] = {o->name_ja, o->name_en};
		const char *domains[] = {o->domain_jp, o->domain};
		const char *persons[] = {o->person};
		struct kr_org_terms t = {names, N(names), domains, N(domains), persons, N(persons)};

		rc = store_org_add(st, o->key, &t, o->industry, o->employees, err, errlen);
		if (rc == KR_OK)
			rc = store_org_set_region(st, o->key, o->region);
	}
	return rc;
}

/*
 * Write the compiled-in policy of circle key to DATA/policies/KEY.json and
 * return its absolute path in path (empty when the demo has none for it).
 */
static enum kr_err policy_write(const char *data_dir, const char *key, char *path, size_t len,
                                char *err, size_t errlen)
{
	char name[96], dir[4096], *real = realpath(data_dir, NULL);
	enum kr_err rc = KR_EINTERNAL;
	FILE *f = NULL;

	path[0] = '\0';
	snprintf(name, sizeof(name), "%s.json", key);
	for (size_t i = 0; i < kr_demo_policies_count; i++) {
		if (strcmp(kr_demo_policies[i].name, name) != 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/policies", real ? real : data_dir);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			goto fail;
		snprintf(path, len, "%s/%s", dir, name);
		f = fopen(path, "w");
		if (!f || fputs(kr_demo_policies[i].text, f) == EOF || fclose(f) != 0) {
			f = NULL;
			goto fail;
		}
		f = NULL;
		break;
	}
	rc = KR_OK;
	goto out;
fail:
	snprintf(err, errlen, "cannot write the demo policy %s: %s", name, strerror(errno));
	if (f)
		fclose(f);
out:
	free(real);
	return rc;
}

static enum kr_err seed_circles(struct kr_store *st, const char *data_dir, char *err, size_t errlen)
{
	enum kr_err rc = KR_OK;
	char path[4200];

	for (size_t i = 0; i < N(circles) && rc == KR_OK; i++) {
		const struct demo_circle *c = &circles[i];

		rc = policy_write(data_dir, c->key, path, sizeof(path), err, errlen);
		if (rc == KR_OK)
			rc = store_circle_add(st, c->key, c->kind, c->name, path[0] ? path : NULL,
			                      err, errlen);
		for (size_t j = 0; j < N(orgs) && rc == KR_OK; j++)
			if (circle_has(c, orgs[j].key))
				rc = store_member_add(st, c->key, orgs[j].key, err, errlen);
	}
	return rc;
}

static enum kr_err seed_roles(struct kr_store *st, char *err, size_t errlen)
{
	enum kr_err rc = KR_OK;

	for (size_t i = 0; i < N(roles) && rc == KR_OK; i++)
		rc = store_role_set(st, roles[i].circle, roles[i].user, roles[i].role, err, errlen);
	return rc;
}

/* Open DATA/demo-tokens (created 0700, and made 0700 if it was not) as a
 * directory descriptor; -1 with a message in err. */
static int tokens_dir_open(const char *data_dir, char *err, size_t errlen)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/" TOKENS_DIR, data_dir);
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		goto fail;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (fchmod(fd, 0700) != 0) {
		close(fd);
		goto fail;
	}
	return fd;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return -1;
}

/*
 * Write token + "\n" to USER.token in dir (mode 0600, created exclusively,
 * never through a symlink). A file already there is removed first: the
 * store has no organisation, so it is left from an earlier store and
 * authenticates nobody.
 */
static enum kr_err token_file_write(int dir, const char *data_dir, const char *user,
                                    const char *token, char *err, size_t errlen)
{
	char name[96], line[KR_TOKEN_LEN + 2];
	size_t len = (size_t)snprintf(line, sizeof(line), "%s\n", token), off = 0;
	enum kr_err rc = KR_EINTERNAL;
	int fd = -1;

	snprintf(name, sizeof(name), "%s.token", user);
	if (unlinkat(dir, name, 0) != 0 && errno != ENOENT)
		goto fail;
	fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0)
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, line + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	rc = KR_OK;
	goto out;
fail:
	snprintf(err, errlen, "%s/" TOKENS_DIR "/%s: %s", data_dir, name, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	OPENSSL_cleanse(line, sizeof(line));
	return rc;
}

/* Add every user with a fresh token; written[i] records the token files
 * made, so a failure can remove them. */
static enum kr_err seed_users(struct kr_store *st, int dir, const char *data_dir,
                              bool written[N(users)], char *err, size_t errlen)
{
	char token[KR_TOKEN_LEN + 1];
	unsigned char hash[KR_TOKEN_HASH_LEN];
	enum kr_err rc = KR_OK;

	for (size_t i = 0; i < N(users) && rc == KR_OK; i++) {
		if (!token_generate(token) || !token_hash(token, strlen(token), hash)) {
			snprintf(err, errlen, "cannot generate a token");
			rc = KR_EINTERNAL;
			break;
		}
		rc = store_user_add(st, users[i].org, users[i].name, hash, err, errlen);
		if (rc == KR_OK)
			rc = token_file_write(dir, data_dir, users[i].name, token, err, errlen);
		written[i] = rc == KR_OK;
	}
	OPENSSL_cleanse(token, sizeof(token));
	return rc;
}

/* True when the store already holds an organisation (or cannot tell). */
static enum kr_err store_has_orgs(struct kr_store *st, bool *any, char *err, size_t errlen)
{
	json_t *list = NULL;
	enum kr_err rc = store_org_list(st, &list);

	*any = rc != KR_OK || json_array_size(list) > 0;
	if (rc != KR_OK)
		snprintf(err, errlen, "cannot read the organisations: %s", kr_err_code(rc));
	json_decref(list);
	return rc;
}

enum kr_err demo_seed(struct kr_store *st, const char *data_dir, bool *seeded, char *err,
                      size_t errlen)
{
	bool written[N(users)] = {false}, any = true, in_tx = false;
	enum kr_err rc;
	int dir = -1;

	*seeded = false;
	/* Check and seed under one write lock: two hubs starting at once seed once. */
	rc = store_begin(st);
	if (rc != KR_OK) {
		snprintf(err, errlen, "cannot start a transaction");
		goto out;
	}
	in_tx = true;
	rc = store_has_orgs(st, &any, err, errlen);
	if (rc != KR_OK || any)
		goto out;
	dir = tokens_dir_open(data_dir, err, errlen);
	if (dir < 0) {
		rc = KR_EINTERNAL;
		goto out;
	}
	rc = seed_orgs(st, err, errlen);
	if (rc == KR_OK)
		rc = seed_circles(st, data_dir, err, errlen);
	if (rc == KR_OK)
		rc = seed_users(st, dir, data_dir, written, err, errlen);
	if (rc == KR_OK)
		rc = seed_roles(st, err, errlen);
	if (rc != KR_OK)
		goto out;
	in_tx = false;
	rc = store_commit(st); /* rolls back by itself on failure */
	if (rc != KR_OK)
		snprintf(err, errlen, "cannot commit the demo data");
	*seeded = rc == KR_OK;
out:
	if (in_tx)
		store_rollback(st);
	for (size_t i = 0; i < N(users) && rc != KR_OK && dir >= 0; i++) {
		char name[96];

		snprintf(name, sizeof(name), "%s.token", users[i].name);
		if (written[i])
			unlinkat(dir, name, 0);
	}
	if (dir >= 0)
		close(dir);
	return rc;
}

/* ---- the walkthrough ------------------------------------------------- */

/* Print s as one shell word, quoted only when it needs to be. */
static void shell_word(FILE *out, const char *s)
{
	bool plain = s[0] != '\0';

	for (const char *p = s; *p && plain; p++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		               "@%+=:,./_-",
		               *p) != NULL;
	if (plain) {
		fputs(s, out);
		return;
	}
	fputc('\'', out);
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", out);
		else
			fputc(*p, out);
	}
	fputc('\'', out);
}

struct walk {
	FILE *out;
	const char *data_dir, *host, *client;
	int port;
	bool tls;
};

/* "CLIENT --url ... [--ca ...] --token-file DATA/demo-tokens/USER.token" */
static void client_prefix(const struct walk *w, const char *user)
{
	char path[4096];

	fputs("     ", w->out);
	shell_word(w->out, w->client);
	fprintf(w->out, " --url %s://%s:%d", w->tls ? "wss" : "ws", w->host, w->port);
	if (w->tls) {
		snprintf(path, sizeof(path), "%s/tls/cert.pem", w->data_dir);
		fputs(" --ca ", w->out);
		shell_word(w->out, path);
	}
	snprintf(path, sizeof(path), "%s/" TOKENS_DIR "/%s.token", w->data_dir, user);
	fputs(" --token-file ", w->out);
	shell_word(w->out, path);
}

static void print_circles(FILE *out)
{
	fprintf(out, "Circles and their member organisations:\n");
	for (size_t i = 0; i < N(circles); i++) {
		const struct demo_circle *c = &circles[i];
		bool first = true;

		fprintf(out, "  %-19s %s (%s): ", c->key, c->name, kr_circle_kind_name(c->kind));
		if (c->everyone)
			fputs("every organisation", out);
		for (size_t j = 0; !c->everyone && j < N(c->members) && c->members[j]; j++) {
			const struct demo_org *o = org_find(c->members[j]);

			fprintf(out, "%s%s %s", first ? "" : ", ", o->name_ja, o->name_en);
			first = false;
		}
		fputc('\n', out);
	}
}

/* "moderator of fin-isac; member of public" for one user. */
static void print_roles(FILE *out, const struct demo_user *u)
{
	static const enum kr_role order[] = {KR_ROLE_MODERATOR, KR_ROLE_ORGANIZER, KR_ROLE_OBSERVER,
	                                     KR_ROLE_MEMBER};
	bool first_role = true;

	for (size_t r = 0; r < N(order); r++) {
		bool first = true;

		for (size_t i = 0; i < N(circles); i++) {
			if (role_of(&circles[i], u) != order[r])
				continue;
			if (first)
				fprintf(out, "%s%s of ", first_role ? "" : "; ",
				        kr_role_name(order[r]));
			fprintf(out, "%s%s", first ? "" : ", ", circles[i].key);
			first = first_role = false;
		}
	}
}

/* The first line of DATA/demo-tokens/USER.token into buf ("" when unreadable). */
static void token_read(const char *data_dir, const char *user, char *buf, size_t len)
{
	char path[4096];
	FILE *f;

	buf[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/" TOKENS_DIR "/%s.token", data_dir, user) >=
	    (int)sizeof(path))
		return;
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	fclose(f);
}

static void print_tokens(FILE *out, const char *data_dir)
{
	char token[KR_TOKEN_LEN + 8];

	fprintf(out,
	        "\nDemo users and their tokens. They are shown this once and will not be printed\n"
	        "again; they are also in %s/" TOKENS_DIR "/USER.token (mode 0600).\n",
	        data_dir);
	fprintf(out, "  %-10s %-20s %-46s %s\n", "USER", "ORG", "TOKEN", "ROLES");
	for (size_t i = 0; i < N(users); i++) {
		token_read(data_dir, users[i].name, token, sizeof(token));
		fprintf(out, "  %-10s %-20s %-46s ", users[i].name, users[i].org,
		        token[0] ? token : "(unreadable)");
		print_roles(out, &users[i]);
		fputc('\n', out);
	}
	OPENSSL_cleanse(token, sizeof(token));
}

void demo_print(FILE *out, const char *data_dir, const char *host, int port, bool tls,
                const char *client_cmd, bool seeded)
{
	struct walk w = {out, data_dir, host, client_cmd ? client_cmd : "kairan", port, tls};
	char abs[4096], cwd[2048];

	/* Absolute paths, so the commands work from any directory. */
	if (data_dir[0] != '/' && getcwd(cwd, sizeof(cwd))) {
		snprintf(abs, sizeof(abs), "%s/%s", cwd, data_dir);
		w.data_dir = data_dir = abs;
	}
	if (!host || !host[0] || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0)
		w.host = "localhost";
	fprintf(out, "\nkairan demo - 回覧: security communities circulate what they know.\n\n");
	print_circles(out);
	if (seeded)
		print_tokens(out, data_dir);
	else
		fprintf(out,
		        "\nThe demo data was already there; each user's token is in\n"
		        "%s/" TOKENS_DIR "/USER.token (tanaka, suzuki, sato, yamamoto, kobayashi, "
		        "takahashi).\n",
		        data_dir);

	fprintf(out, "\nTry it (from the source tree, where client/examples/ lives):\n\n"
	             "1. In a second terminal, suzuki of 富士証券 (Fuji Securities) follows "
	             "金融ISAC:\n\n");
	client_prefix(&w, "suzuki");
	fprintf(out, " subscribe --circle fin-isac\n\n"
	             "2. In a third terminal, tanaka of さくら銀行 (Sakura Bank) posts a GREEN "
	             "threat report\n"
	             "   written in Japanese. suzuki sees it at once, and nothing in what suzuki\n"
	             "   receives names its author. post prints the new item's ID.\n\n");
	client_prefix(&w, "tanaka");
	fprintf(out, " post --yes client/examples/threat-green.json\n\n"
	             "3. sato of 関東電力 (Kanto Electric Power) is not in 金融ISAC, and GREEN "
	             "stays with\n"
	             "   its members: both commands are refused with \"forbidden\".\n\n");
	client_prefix(&w, "sato");
	fprintf(out, " get <ID printed by post>\n");
	client_prefix(&w, "sato");
	fprintf(out, " history --circle fin-isac\n\n"
	             "4. Change the directory while the hub runs; it applies the change at once. "
	             "After\n\n"
	             "     kairan-hub admin --data ");
	shell_word(out, data_dir);
	fprintf(out,
	        " member add fin-isac kanto-denryoku\n\n"
	        "   sato's history of fin-isac works; `member remove fin-isac "
	        "kanto-denryoku` takes it back.\n"
	        "   yamamoto (金融ISAC事務局) moderates fin-isac, takahashi only reads it, and\n"
	        "   kobayashi (横浜製作所) organises events for kanagawa-community.\n\n");
	fprintf(out,
	        "5. Or use the web client: open %s://%s:%d/ in a browser and sign in with the\n"
	        "   contents of a token file above (the self-signed certificate needs a\n"
	        "   one-time exception, or trust %s/tls/cert.pem).\n\n",
	        w.tls ? "https" : "http", w.host, w.port, data_dir);
}
