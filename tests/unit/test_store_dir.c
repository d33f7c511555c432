/*
 * test_store_dir.c - the directory in the store (hub/store_dir.c), on a real
 * SQLite file in a temporary directory: adding, listing and removing each
 * entity, duplicates refused, effective roles, token lookup and the cascade
 * when an organisation is removed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "log.h"
#include "store.h"
#include "store_dir.h"
#include "token.h"

#define MAX_TERMS 3

static struct kr_store *st;
static char dir[] = "/tmp/kr-test-store-dir-XXXXXX";

static void hash_of(const char *secret, unsigned char h[KR_TOKEN_HASH_LEN])
{
	CHECK(token_hash(secret, strlen(secret), h));
}

static size_t count_set(const char *const *v, size_t max)
{
	size_t n = 0;

	while (n < max && v[n])
		n++;
	return n;
}

static bool err_has(const char *err, const char *want)
{
	return !want || strstr(err, want) != NULL;
}

/* Number of elements of the list a store_*_list call put in *arr (released
 * here), -1 on error. arr is a pointer so that the call runs first. */
static long list_size(enum kr_err rc, json_t **arr)
{
	long n = rc == KR_OK && json_is_array(*arr) ? (long)json_array_size(*arr) : -1;

	json_decref(*arr);
	*arr = NULL;
	return n;
}

/* The object of arr whose field equals value (borrowed), or NULL. */
static json_t *find(json_t *arr, const char *field, const char *value)
{
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o)
	{
		const char *s = json_string_value(json_object_get(o, field));

		if (s && strcmp(s, value) == 0)
			return o;
	}
	return NULL;
}

static void test_orgs(void)
{
	static const struct {
		const char *key;
		const char *names[MAX_TERMS], *domains[MAX_TERMS], *persons[MAX_TERMS];
		const char *industry;
		int64_t employees;
		enum kr_err want;
		const char *err;
	} cases[] = {
	    {"sakura-bank",
	     {"さくら銀行", "Sakura Bank"},
	     {"sakura-bank.example.jp"},
	     {"田中一郎"},
	     "finance",
	     900,
	     KR_OK,
	     NULL},
	    {"fuji-shoken", {"富士証券"}, {0}, {0}, NULL, -1, KR_OK, NULL},
	    {"kanto-denryoku", {"関東電力"}, {0}, {0}, "energy", 3200, KR_OK, NULL},
	    {"sakura-bank", {0}, {0}, {0}, NULL, -1, KR_EINVAL, "sakura-bank"},
	    {"dup-terms", {"X", "X"}, {0}, {0}, NULL, -1, KR_EINVAL, "\"X\""},
	    {"empty-term", {0}, {""}, {0}, NULL, -1, KR_EINVAL, "domain"},
	};
	json_t *list = NULL, *o;

	for (size_t i = 0; i < CHECK_N(cases); i++) {
		struct kr_org_terms t = {
		    cases[i].names,   count_set(cases[i].names, MAX_TERMS),
		    cases[i].domains, count_set(cases[i].domains, MAX_TERMS),
		    cases[i].persons, count_set(cases[i].persons, MAX_TERMS),
		};
		char err[256] = "";

		check_case(cases[i].key);
		CHECK_EQ_INT(store_org_add(st, cases[i].key, &t, cases[i].industry,
		                           cases[i].employees, err, sizeof(err)),
		             cases[i].want);
		CHECK(err_has(err, cases[i].err));
	}
	check_case("org list");
	CHECK_EQ_INT(store_org_list(st, &list), KR_OK);
	CHECK_EQ_INT(json_array_size(list), 3); /* failed adds left nothing behind */
	o = find(list, "key", "sakura-bank");
	CHECK_NOT_NULL(o);
	CHECK_EQ_INT(json_integer_value(json_object_get(o, "employees")), 900);
	CHECK_STREQ(json_string_value(json_object_get(o, "industry")), "finance");
	CHECK_EQ_INT(json_array_size(json_object_get(o, "names")), 2);
	CHECK_STREQ(json_string_value(json_array_get(json_object_get(o, "names"), 0)),
	            "さくら銀行");
	CHECK_EQ_INT(json_array_size(json_object_get(o, "domains")), 1);
	CHECK_EQ_INT(json_array_size(json_object_get(o, "persons")), 1);
	o = find(list, "key", "fuji-shoken");
	CHECK(json_is_null(json_object_get(o, "employees")));
	CHECK(json_is_null(json_object_get(o, "industry")));
	CHECK_EQ_INT(json_integer_value(json_object_get(o, "users")), 0);
	json_decref(list);
	check_case(NULL);
}

static void test_users(void)
{
	static const struct {
		const char *org, *user, *secret;
		enum kr_err want;
		const char *err;
	} cases[] = {
	    {"sakura-bank", "tanaka", "tok-tanaka", KR_OK, NULL},
	    {"sakura-bank", "takahashi", "tok-takahashi", KR_OK, NULL},
	    {"fuji-shoken", "suzuki", "tok-suzuki", KR_OK, NULL},
	    {"kanto-denryoku", "sato", "tok-sato", KR_OK, NULL},
	    {"fuji-shoken", "tanaka", "tok-other", KR_EINVAL, "tanaka"},
	    {"fuji-shoken", "ito", "tok-tanaka", KR_EINVAL, "token"},
	    {"no-such-org", "ghost", "tok-ghost", KR_ENOTFOUND, "no-such-org"},
	};
	static const struct {
		const char *org;
		enum kr_err want;
		long n;
	} lists[] = {
	    {NULL, KR_OK, 4},
	    {"sakura-bank", KR_OK, 2},
	    {"kanto-denryoku", KR_OK, 1},
	    {"no-such-org", KR_ENOTFOUND, -1},
	};

	for (size_t i = 0; i < CHECK_N(cases); i++) {
		unsigned char h[KR_TOKEN_HASH_LEN];
		char err[256] = "";

		check_case(cases[i].user);
		hash_of(cases[i].secret, h);
		CHECK_EQ_INT(store_user_add(st, cases[i].org, cases[i].user, h, err, sizeof(err)),
		             cases[i].want);
		CHECK(err_has(err, cases[i].err));
	}
	for (size_t i = 0; i < CHECK_N(lists); i++) {
		json_t *list = NULL;
		enum kr_err rc;

		check_case(lists[i].org ? lists[i].org : "all users");
		rc = store_user_list(st, lists[i].org, &list);
		CHECK_EQ_INT(rc, lists[i].want);
		CHECK_EQ_INT(list_size(rc, &list), lists[i].n);
	}
	check_case(NULL);
}

static void test_circles(void)
{
	static const struct {
		const char *key;
		enum kr_circle_kind kind;
		const char *name;
		enum kr_err want;
	} cases[] = {
	    {"fin-isac", KR_CIRCLE_SECTOR, "金融ISAC", KR_OK},
	    {"energy-isac", KR_CIRCLE_SECTOR, "エネルギーISAC", KR_OK},
	    {"tmp-circle", KR_CIRCLE_REGIONAL, NULL, KR_OK},
	    {"fin-isac", KR_CIRCLE_PUBLIC, NULL, KR_EINVAL},
	    {"no-kind", KR_CIRCLE_NONE, NULL, KR_EINVAL},
	};
	json_t *list = NULL, *o;

	for (size_t i = 0; i < CHECK_N(cases); i++) {
		char err[256] = "";

		check_case(cases[i].key);
		CHECK_EQ_INT(store_circle_add(st, cases[i].key, cases[i].kind, cases[i].name, NULL,
		                              err, sizeof(err)),
		             cases[i].want);
		CHECK(cases[i].want == KR_OK || strstr(err, cases[i].key));
	}
	check_case("circle list");
	CHECK_EQ_INT(store_circle_list(st, &list), KR_OK);
	CHECK_EQ_INT(json_array_size(list), 3);
	o = find(list, "circle", "fin-isac");
	CHECK_STREQ(json_string_value(json_object_get(o, "kind")), "sector");
	CHECK_STREQ(json_string_value(json_object_get(o, "name")), "金融ISAC");
	CHECK(json_is_null(json_object_get(o, "policy")));
	json_decref(list);
	CHECK_EQ_INT(store_circle_remove(st, "tmp-circle"), KR_OK);
	CHECK_EQ_INT(store_circle_remove(st, "tmp-circle"), KR_ENOTFOUND);
	CHECK_EQ_INT(list_size(store_circle_list(st, &list), &list), 2);
	check_case(NULL);
}

static void test_members(void)
{
	static const struct {
		const char *circle, *org;
		enum kr_err want;
		const char *err;
	} cases[] = {
	    {"fin-isac", "sakura-bank", KR_OK, NULL},
	    {"fin-isac", "fuji-shoken", KR_OK, NULL},
	    {"energy-isac", "kanto-denryoku", KR_OK, NULL},
	    {"fin-isac", "sakura-bank", KR_EINVAL, "sakura-bank"},
	    {"no-circle", "sakura-bank", KR_ENOTFOUND, "no-circle"},
	    {"fin-isac", "no-org", KR_ENOTFOUND, "no-org"},
	};
	json_t *list = NULL;

	for (size_t i = 0; i < CHECK_N(cases); i++) {
		char err[256] = "";

		check_case(cases[i].org);
		CHECK_EQ_INT(store_member_add(st, cases[i].circle, cases[i].org, err, sizeof(err)),
		             cases[i].want);
		CHECK(err_has(err, cases[i].err));
	}
	check_case("member list");
	CHECK_EQ_INT(store_member_list(st, "fin-isac", &list), KR_OK);
	CHECK_EQ_INT(json_array_size(list), 2);
	CHECK_STREQ(json_string_value(json_array_get(list, 0)), "fuji-shoken");
	CHECK_STREQ(json_string_value(json_array_get(list, 1)), "sakura-bank");
	json_decref(list);
	CHECK_EQ_INT(store_member_list(st, "no-circle", &list), KR_ENOTFOUND);
	CHECK_NULL(list);
	check_case(NULL);
}

/* Effective roles as the hub's snapshot sees them. */
struct walk_seen {
	char users[16][32];
	char circles[16][32];
	char roles[64][96]; /* "circle user role" */
	size_t n_roles;
};

static void on_user(void *ud, int64_t id, const char *name, int64_t org_id, const char *org_key)
{
	struct walk_seen *w = ud;

	(void)org_id;
	(void)org_key;
	if (id > 0 && id < 16)
		snprintf(w->users[id], sizeof(w->users[id]), "%s", name);
}

static void on_circle(void *ud, int64_t id, const char *key, enum kr_circle_kind kind,
                      const char *policy_file)
{
	struct walk_seen *w = ud;

	(void)kind;
	(void)policy_file;
	if (id > 0 && id < 16)
		snprintf(w->circles[id], sizeof(w->circles[id]), "%s", key);
}

static void on_role(void *ud, int64_t circle_id, int64_t user_id, enum kr_role role)
{
	struct walk_seen *w = ud;

	if (circle_id > 0 && circle_id < 16 && user_id > 0 && user_id < 16 && w->n_roles < 64) {
		char line[sizeof(w->roles[0])];

		snprintf(line, sizeof(line), "%s %s %s", w->circles[circle_id], w->users[user_id],
		         kr_role_name(role));
		memcpy(w->roles[w->n_roles++], line, sizeof(line));
	}
}

/* The effective role of user in circle: through store_role_list (the admin
 * view) and through store_dir_walk (the hub's view); both must agree. */
static const char *role_of(const char *circle, const char *user, bool *agree)
{
	static char role[32];
	struct walk_seen *w = calloc(1, sizeof(*w));
	struct kr_dir_visitor v = {w, on_user, on_circle, NULL, on_role};
	json_t *list = NULL, *o;
	const char *from_list = NULL, *from_walk = NULL;
	char prefix[80];

	*agree = false;
	if (!w || store_role_list(st, circle, &list) != KR_OK)
		goto out;
	o = find(list, "user", user);
	from_list = o ? json_string_value(json_object_get(o, "role")) : NULL;
	if (store_dir_walk(st, &v) != KR_OK)
		goto out;
	snprintf(prefix, sizeof(prefix), "%s %s ", circle, user);
	for (size_t i = 0; i < w->n_roles; i++)
		if (strncmp(w->roles[i], prefix, strlen(prefix)) == 0)
			from_walk = w->roles[i] + strlen(prefix);
	*agree = (!from_list && !from_walk) ||
	         (from_list && from_walk && strcmp(from_list, from_walk) == 0);
	snprintf(role, sizeof(role), "%s", from_list ? from_list : "");
out:
	json_decref(list);
	free(w);
	return from_list ? role : NULL;
}

static void test_roles(void)
{
	static const struct {
		const char *circle, *user;
		enum kr_role role;
		enum kr_err want;
		const char *err;
	} sets[] = {
	    {"fin-isac", "takahashi", KR_ROLE_OBSERVER, KR_OK, NULL},
	    {"fin-isac", "takahashi", KR_ROLE_MODERATOR, KR_OK, NULL}, /* replaces */
	    {"fin-isac", "sato", KR_ROLE_MODERATOR, KR_EINVAL, "kanto-denryoku"},
	    {"fin-isac", "ghost", KR_ROLE_MEMBER, KR_ENOTFOUND, "ghost"},
	    {"no-circle", "tanaka", KR_ROLE_MEMBER, KR_ENOTFOUND, "no-circle"},
	    {"fin-isac", "suzuki", KR_ROLE_NONE, KR_EINVAL, NULL},
	};
	static const struct {
		const char *circle, *user, *role;
	} effective[] = {
	    {"fin-isac", "tanaka", "member"},   {"fin-isac", "takahashi", "moderator"},
	    {"fin-isac", "suzuki", "member"},   {"fin-isac", "sato", NULL},
	    {"energy-isac", "sato", "member"},  {"energy-isac", "tanaka", NULL},
	    {"energy-isac", "takahashi", NULL},
	};
	json_t *list = NULL;
	bool agree;

	for (size_t i = 0; i < CHECK_N(sets); i++) {
		char err[256] = "";

		check_case(sets[i].user);
		CHECK_EQ_INT(store_role_set(st, sets[i].circle, sets[i].user, sets[i].role, err,
		                            sizeof(err)),
		             sets[i].want);
		CHECK(err_has(err, sets[i].err));
	}
	for (size_t i = 0; i < CHECK_N(effective); i++) {
		check_case(effective[i].user);
		CHECK_STREQ(role_of(effective[i].circle, effective[i].user, &agree),
		            effective[i].role);
		CHECK(agree);
	}
	check_case("role list");
	CHECK_EQ_INT(list_size(store_role_list(st, "fin-isac", &list), &list), 3);
	CHECK_EQ_INT(store_role_list(st, "no-circle", &list), KR_ENOTFOUND);

	/* Leaving the circle drops the role: re-admitted, takahashi is a member. */
	check_case("member remove drops role");
	CHECK_EQ_INT(store_member_remove(st, "fin-isac", "sakura-bank"), KR_OK);
	CHECK_NULL(role_of("fin-isac", "takahashi", &agree));
	CHECK(agree);
	CHECK_EQ_INT(store_member_remove(st, "fin-isac", "sakura-bank"), KR_ENOTFOUND);
	CHECK_EQ_INT(store_member_remove(st, "no-circle", "sakura-bank"), KR_ENOTFOUND);
	CHECK_EQ_INT(store_member_add(st, "fin-isac", "sakura-bank", NULL, 0), KR_OK);
	CHECK_STREQ(role_of("fin-isac", "takahashi", &agree), "member");
	CHECK(agree);
	CHECK_EQ_INT(store_role_set(st, "fin-isac", "takahashi", KR_ROLE_OBSERVER, NULL, 0), KR_OK);
	check_case(NULL);
}

static int64_t user_id_of(const char *secret)
{
	unsigned char h[KR_TOKEN_HASH_LEN];
	int64_t id = -1;

	hash_of(secret, h);
	if (store_token_lookup(st, h, &id) != KR_OK)
		return -1;
	return id;
}

static void set_expiry(const char *secret, const char *expires)
{
	unsigned char h[KR_TOKEN_HASH_LEN];
	sqlite3_stmt *s = NULL;

	hash_of(secret, h);
	CHECK_EQ_INT(sqlite3_prepare_v2(store_db(st),
	                                "UPDATE tokens SET expires = ?1 WHERE hash = ?2", -1, &s,
	                                NULL),
	             SQLITE_OK);
	sqlite3_bind_text(s, 1, expires, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, h, KR_TOKEN_HASH_LEN, SQLITE_STATIC);
	CHECK_EQ_INT(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

static void test_tokens(void)
{
	unsigned char h[KR_TOKEN_HASH_LEN];
	json_t *list = NULL;
	int count = -1;
	int64_t tanaka;

	check_case("lookup");
	tanaka = user_id_of("tok-tanaka");
	CHECK(tanaka > 0);
	CHECK(user_id_of("tok-suzuki") > 0);
	CHECK(user_id_of("tok-suzuki") != tanaka);
	hash_of("tok-unknown", h);
	CHECK_EQ_INT(store_token_lookup(st, h, &tanaka), KR_EAUTH);

	check_case("second token");
	hash_of("tok-tanaka-2", h);
	CHECK_EQ_INT(store_token_add(st, "tanaka", h), KR_OK);
	CHECK_EQ_INT(store_token_add(st, "tanaka", h), KR_EINVAL);
	CHECK_EQ_INT(store_token_add(st, "ghost", h), KR_ENOTFOUND);
	CHECK_EQ_INT(user_id_of("tok-tanaka-2"), user_id_of("tok-tanaka"));
	CHECK_EQ_INT(store_user_list(st, "sakura-bank", &list), KR_OK);
	CHECK_EQ_INT(json_integer_value(json_object_get(find(list, "user", "tanaka"), "tokens")),
	             2);
	json_decref(list);

	check_case("revoke");
	CHECK_EQ_INT(store_token_revoke_all(st, "tanaka", &count), KR_OK);
	CHECK_EQ_INT(count, 2);
	CHECK_EQ_INT(user_id_of("tok-tanaka"), -1);
	CHECK_EQ_INT(user_id_of("tok-tanaka-2"), -1);
	CHECK(user_id_of("tok-takahashi") > 0); /* same org, untouched */
	CHECK_EQ_INT(store_token_revoke_all(st, "tanaka", &count), KR_OK);
	CHECK_EQ_INT(count, 0);
	CHECK_EQ_INT(store_token_revoke_all(st, "ghost", &count), KR_ENOTFOUND);

	check_case("expiry");
	set_expiry("tok-suzuki", "2000-01-01T00:00:00Z");
	CHECK_EQ_INT(user_id_of("tok-suzuki"), -1);
	set_expiry("tok-suzuki", "2999-01-01T00:00:00Z");
	CHECK(user_id_of("tok-suzuki") > 0);
	check_case(NULL);
}

/* A caller's transaction around several mutations: one failing mutation is
 * undone alone, the caller's commit keeps the rest. */
static void test_nested(void)
{
	json_t *list = NULL;

	check_case("nested");
	CHECK_EQ_INT(store_begin(st), KR_OK);
	CHECK_EQ_INT(store_org_add(st, "yokohama-seisakusho", NULL, NULL, 85, NULL, 0), KR_OK);
	CHECK_EQ_INT(store_org_add(st, "yokohama-seisakusho", NULL, NULL, 85, NULL, 0), KR_EINVAL);
	CHECK_EQ_INT(store_commit(st), KR_OK);
	CHECK_EQ_INT(list_size(store_org_list(st, &list), &list), 4);
	CHECK_EQ_INT(store_org_remove(st, "yokohama-seisakusho"), KR_OK);
	check_case(NULL);
}

static long count_rows(const char *sql)
{
	sqlite3_stmt *s = NULL;
	long n = -1;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void test_removals(void)
{
	json_t *list = NULL;

	check_case("org remove cascades");
	CHECK_EQ_INT(count_rows("SELECT count(*) FROM circle_roles"), 1);
	CHECK_EQ_INT(store_org_remove(st, "sakura-bank"), KR_OK);
	CHECK_EQ_INT(store_org_remove(st, "sakura-bank"), KR_ENOTFOUND);
	CHECK_EQ_INT(store_user_list(st, "sakura-bank", &list), KR_ENOTFOUND);
	CHECK_EQ_INT(list_size(store_user_list(st, NULL, &list), &list), 2);
	CHECK_EQ_INT(store_member_list(st, "fin-isac", &list), KR_OK);
	CHECK_EQ_INT(json_array_size(list), 1);
	CHECK_STREQ(json_string_value(json_array_get(list, 0)), "fuji-shoken");
	json_decref(list);
	CHECK_EQ_INT(user_id_of("tok-takahashi"), -1);
	CHECK_EQ_INT(count_rows("SELECT count(*) FROM circle_roles"), 0);
	CHECK_EQ_INT(count_rows("SELECT count(*) FROM org_terms"), 2);
	CHECK_EQ_INT(count_rows("SELECT count(*) FROM tokens"), 2);

	check_case("user remove");
	CHECK_EQ_INT(store_user_remove(st, "suzuki"), KR_OK);
	CHECK_EQ_INT(store_user_remove(st, "suzuki"), KR_ENOTFOUND);
	CHECK_EQ_INT(user_id_of("tok-suzuki"), -1);

	check_case("circle with items stays");
	CHECK(count_rows("INSERT INTO items (id, kind, circle_id, tlp, status, title, body, "
	                 "author_user_id, author_org_id, created) SELECT 'it-1', 'threat', id, "
	                 "'GREEN', 'published', 't', 'b', 1, 1, 'now' FROM circles "
	                 "WHERE key = 'energy-isac' RETURNING 1") == 1);
	CHECK_EQ_INT(store_circle_remove(st, "energy-isac"), KR_EINVAL);
	CHECK_EQ_INT(store_circle_remove(st, "fin-isac"), KR_OK);
	CHECK_EQ_INT(store_member_list(st, "fin-isac", &list), KR_ENOTFOUND);
	CHECK_EQ_INT(count_rows("SELECT count(*) FROM circle_orgs"), 1);
	check_case(NULL);
}

static void remove_dir(void)
{
	static const char *const files[] = {"kairan.db", "kairan.db-wal", "kairan.db-shm"};
	char path[128];

	for (size_t i = 0; i < CHECK_N(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	char err[256];

	kr_log_set_level(KR_LOG_WARN);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	if (!CHECK_EQ_INT(store_open(dir, &st, err, sizeof(err)), KR_OK)) {
		fprintf(stderr, "store_open: %s\n", err);
		goto out;
	}
	test_orgs();
	test_users();
	test_circles();
	test_members();
	test_roles();
	test_tokens();
	test_nested();
	test_removals();
out:
	store_close(st);
	remove_dir();
	return check_finish();
}
