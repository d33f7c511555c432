/*
 * test_post_rate.c - store_posts_reached(), the store side of a circle's
 * posts_per_hour: exactly "at least limit posts by this user to this
 * circle since then", whichever of its two counts answers. Forwarded
 * copies, other users, other circles and older posts do not count; a
 * limit of 0 is never reached.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "item.h"
#include "store.h"
#include "store_dir.h"
#include "store_items.h"
#include "token.h"

static struct kr_store *st;
static char dir[] = "/tmp/kr-test-post-rate-XXXXXX";

static int64_t id_of(const char *sql, const char *key)
{
	sqlite3_stmt *s = NULL;
	int64_t id = -1;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			id = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return id;
}

/* Post one item as user into circle; forwarded_from makes it a copy. */
static void post(int64_t user, int64_t org, int64_t circle, const char *forwarded_from)
{
	json_t *empty = json_array();
	struct kr_item_new in = {
	    .kind = KR_KIND_THREAT,
	    .circle_id = circle,
	    .tlp = KR_TLP_GREEN,
	    .status = KR_STATUS_PUBLISHED,
	    .title = "rate",
	    .body = "a post",
	    .indicators = empty,
	    .tags = empty,
	    .author_user_id = user,
	    .author_org_id = org,
	    .forwarded_from = forwarded_from,
	    .pseudonym = "anon-00000001",
	};
	struct kr_item *it = NULL;

	CHECK_EQ_INT(store_item_insert(st, &in, &it), KR_OK);
	item_unref(it);
	json_decref(empty);
}

static bool reached(int64_t user, int64_t circle, int64_t since, int64_t limit)
{
	bool r = true;

	CHECK_EQ_INT(store_posts_reached(st, user, circle, since, limit, &r), KR_OK);
	return r;
}

int main(void)
{
	char err[256];
	unsigned char hash[KR_TOKEN_HASH_LEN];
	int64_t u1, u2, org, c1, c2, now = (int64_t)time(NULL);

	if (!mkdtemp(dir) || store_open(dir, &st, err, sizeof(err)) != KR_OK) {
		fprintf(stderr, "cannot open a store in %s: %s\n", dir, err);
		return 1;
	}
	CHECK_EQ_INT(store_org_add(st, "o1", NULL, NULL, 0, err, sizeof(err)), KR_OK);
	CHECK_EQ_INT(store_circle_add(st, "c1", KR_CIRCLE_SECTOR, "c1", NULL, err, sizeof(err)),
	             KR_OK);
	CHECK_EQ_INT(store_circle_add(st, "c2", KR_CIRCLE_SECTOR, "c2", NULL, err, sizeof(err)),
	             KR_OK);
	CHECK(token_hash("secret-1", 8, hash));
	CHECK_EQ_INT(store_user_add(st, "o1", "u1", hash, err, sizeof(err)), KR_OK);
	CHECK(token_hash("secret-2", 8, hash));
	CHECK_EQ_INT(store_user_add(st, "o1", "u2", hash, err, sizeof(err)), KR_OK);
	u1 = id_of("SELECT id FROM users WHERE name = ?1", "u1");
	u2 = id_of("SELECT id FROM users WHERE name = ?1", "u2");
	org = id_of("SELECT id FROM orgs WHERE key = ?1", "o1");
	c1 = id_of("SELECT id FROM circles WHERE key = ?1", "c1");
	c2 = id_of("SELECT id FROM circles WHERE key = ?1", "c2");
	CHECK(u1 > 0 && u2 > 0 && org > 0 && c1 > 0 && c2 > 0);

	check_case("nothing posted");
	CHECK(!reached(u1, c1, now - 3600, 1));
	CHECK(!reached(u1, c1, now - 3600, 0));

	check_case("two posts of u1 in c1, two posts an hour and more ago");
	post(u1, org, c1, NULL);
	post(u1, org, c1, NULL);
	post(u1, org, c1, NULL);
	post(u1, org, c1, NULL);
	CHECK_EQ_INT(sqlite3_exec(store_db(st),
	                          "UPDATE items SET created_at = created_at - 7200 WHERE cursor IN "
	                          "(SELECT cursor FROM items ORDER BY cursor LIMIT 2)",
	                          NULL, NULL, NULL),
	             SQLITE_OK);
	CHECK(reached(u1, c1, now - 3600, 1));
	CHECK(reached(u1, c1, now - 3600, 2));
	CHECK(!reached(u1, c1, now - 3600, 3));
	CHECK(reached(u1, c1, now - 3 * 3600, 4));
	CHECK(!reached(u1, c1, now - 3600, 0)); /* no limit */

	check_case("forwarded copies are not posts: the index count is not the answer");
	post(u1, org, c1, "it_0000000000000001");
	post(u1, org, c1, "it_0000000000000002");
	CHECK(!reached(u1, c1, now - 3600, 3)); /* the index holds 4, the posts are 2 */
	CHECK(!reached(u1, c1, now - 3600, 4));
	post(u1, org, c1, NULL);
	CHECK(reached(u1, c1, now - 3600, 3));
	CHECK(!reached(u1, c1, now - 3600, 4));

	check_case("other users and circles count apart");
	post(u2, org, c1, NULL);
	post(u1, org, c2, NULL);
	CHECK(!reached(u1, c1, now - 3600, 4));
	CHECK(reached(u2, c1, now - 3600, 1));
	CHECK(!reached(u2, c1, now - 3600, 2));
	CHECK(reached(u1, c2, now - 3600, 1));
	CHECK(!reached(u2, c2, now - 3600, 1));
	check_case(NULL);

	store_close(st);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		CHECK(system(cmd) == 0);
	}
	return check_finish();
}
