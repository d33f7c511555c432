/*
 * test_audit_chain.c - the audit trail's hash chain (hub/audit_chain.h):
 * the canonical form and hash against vectors computed independently
 * (Python hashlib), and a table of tamperings -- edited, re-hashed,
 * deleted, swapped, inserted, truncated at either end, appended by hand --
 * each of which the verifier must report at the right entry with the right
 * reason, while the untouched chain passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_chain.h"
#include "check.h"

#define N_ROWS 8

/* A chain held in memory: rows plus the strings they point to. */
struct chain {
	struct kr_audit_row row[N_ROWS + 2];
	char detail[N_ROWS + 2][64];
	char subject[N_ROWS + 2][32];
	char prev[N_ROWS + 2][KR_AUDIT_HASH_LEN + 1];
	char hash[N_ROWS + 2][KR_AUDIT_HASH_LEN + 1];
	size_t n;
};

/* Recompute row i's hash from its fields (what someone who edits the file
 * and knows the algorithm would do). */
static void rehash(struct chain *c, size_t i)
{
	CHECK(audit_row_hash(&c->row[i], c->hash[i]));
	c->row[i].hash = c->hash[i];
}

static void build(struct chain *c)
{
	memset(c, 0, sizeof(*c));
	c->n = N_ROWS;
	for (size_t i = 0; i < N_ROWS; i++) {
		struct kr_audit_row *r = &c->row[i];

		snprintf(c->detail[i], sizeof(c->detail[i]), "{\"circle\":\"fin-isac\",\"n\":%zu}",
		         i);
		snprintf(c->subject[i], sizeof(c->subject[i]), "it_%016zx", i + 1);
		snprintf(c->prev[i], sizeof(c->prev[i]), "%s",
		         i ? c->hash[i - 1] : KR_AUDIT_GENESIS);
		r->seq = (int64_t)i + 1;
		r->time = "2026-04-01T09:00:00Z";
		r->actor = i % 2 ? "admin" : "user:3";
		r->action = i % 3 ? "post" : "denied";
		r->subject = c->subject[i];
		r->detail = c->detail[i];
		r->prev_hash = c->prev[i];
		rehash(c, i);
	}
}

static void drop(struct chain *c, size_t i)
{
	memmove(&c->row[i], &c->row[i + 1], (c->n - i - 1) * sizeof(c->row[0]));
	c->n--;
}

/* Tamperings; each gets a freshly built chain. */
static void t_none(struct chain *c)
{
	(void)c;
}
static void t_edit_detail(struct chain *c)
{
	c->row[3].detail = "{\"circle\":\"energy-isac\",\"n\":3}";
}
static void t_edit_actor(struct chain *c)
{
	c->row[0].actor = "admin";
}
static void t_edit_time(struct chain *c)
{
	c->row[5].time = "2026-04-01T09:00:01Z";
}
static void t_edit_rehash(struct chain *c)
{
	c->row[2].subject = "it_ffffffffffffffff";
	rehash(c, 2);
}
static void t_edit_rehash_first(struct chain *c)
{
	c->row[0].action = "nothing";
	rehash(c, 0);
}
static void t_edit_prev(struct chain *c)
{
	c->row[4].prev_hash = KR_AUDIT_GENESIS;
}
static void t_delete_middle(struct chain *c)
{
	drop(c, 4);
}
static void t_delete_first(struct chain *c)
{
	drop(c, 0);
}
static void t_delete_renumber(struct chain *c)
{
	drop(c, 4);
	for (size_t i = 4; i < c->n; i++)
		c->row[i].seq--;
}
static void t_swap_contents(struct chain *c)
{
	struct kr_audit_row t = c->row[2];

	c->row[2] = c->row[3];
	c->row[3] = t;
	c->row[2].seq = 3;
	c->row[3].seq = 4;
}
static void t_swap_and_rehash(struct chain *c)
{
	t_swap_contents(c);
	rehash(c, 2);
	rehash(c, 3);
}
static void t_insert_middle(struct chain *c)
{
	memmove(&c->row[4], &c->row[3], (c->n - 3) * sizeof(c->row[0]));
	c->n++;
	for (size_t i = 4; i < c->n; i++)
		c->row[i].seq++;
	c->row[3].action = "admin user add";
	c->row[3].prev_hash = c->hash[2];
	rehash(c, 3);
}
static void t_duplicate(struct chain *c)
{
	c->row[c->n] = c->row[c->n - 1];
	c->n++;
}
static void t_truncate_tail(struct chain *c)
{
	c->n -= 2;
}
static void t_truncate_all(struct chain *c)
{
	c->n = 0;
}
static void t_append_forged(struct chain *c)
{
	size_t i = c->n++;

	c->row[i] = c->row[i - 1];
	c->row[i].seq = (int64_t)i + 1;
	c->row[i].action = "admin org remove";
	c->row[i].prev_hash = c->hash[i - 1];
	rehash(c, i);
}

static void test_tamperings(void)
{
	static const struct {
		const char *name;
		void (*tamper)(struct chain *);
		int64_t bad;     /* first bad entry, 0: intact */
		const char *why; /* in the message */
		int64_t checked; /* entries found intact before it (-1: bad - 1) */
	} cases[] = {
	    {"intact", t_none, 0, NULL, -1},
	    {"detail edited", t_edit_detail, 4, "entry 4 was edited", -1},
	    {"actor of the first edited", t_edit_actor, 1, "entry 1 was edited", -1},
	    {"time edited", t_edit_time, 6, "entry 6 was edited", -1},
	    {"edited and re-hashed", t_edit_rehash, 4, "entry 4 does not follow entry 3", -1},
	    {"first edited and re-hashed", t_edit_rehash_first, 2,
	     "entry 2 does not follow entry 1", -1},
	    {"prev_hash edited", t_edit_prev, 5, "entry 5 does not follow entry 4", -1},
	    {"middle deleted", t_delete_middle, 5, "entry 5 is missing: entry 6 comes next", -1},
	    {"first deleted", t_delete_first, 1, "the oldest entries were deleted", -1},
	    {"deleted and renumbered", t_delete_renumber, 5, "entry 5 does not follow entry 4", -1},
	    {"two swapped", t_swap_contents, 3, "entry 3 does not follow entry 2", -1},
	    {"swapped and re-hashed", t_swap_and_rehash, 3, "entry 3 does not follow entry 2", -1},
	    {"inserted in the middle", t_insert_middle, 5, "entry 5 does not follow entry 4", -1},
	    {"last repeated", t_duplicate, 8, "entry 8 appears again after entry 8", 8},
	    {"newest two cut off", t_truncate_tail, 7, "entries 7 to 8 are missing", -1},
	    {"everything deleted", t_truncate_all, 1, "entries 1 to 8 are missing", -1},
	    {"forged entry appended", t_append_forged, 9, "entry 9 was never written", 9},
	};
	static struct chain c;
	char why[256];

	for (size_t k = 0; k < CHECK_N(cases); k++) {
		struct kr_audit_walk w;
		bool ok = true;

		check_case(cases[k].name);
		build(&c);
		cases[k].tamper(&c);
		audit_walk_init(&w);
		why[0] = '\0';
		for (size_t i = 0; i < c.n && ok; i++)
			ok = audit_walk_step(&w, &c.row[i], why, sizeof(why));
		if (ok)
			ok = audit_walk_end(&w, N_ROWS, why, sizeof(why));
		CHECK_EQ_INT(ok, cases[k].bad == 0);
		CHECK_EQ_INT(w.bad_seq, cases[k].bad);
		if (cases[k].why && !CHECK(strstr(why, cases[k].why) != NULL))
			fprintf(stderr, "  message: %s\n", why);
		if (cases[k].bad == 0)
			CHECK_EQ_INT(w.checked, N_ROWS);
		else
			CHECK_EQ_INT(w.checked,
			             cases[k].checked >= 0 ? cases[k].checked : cases[k].bad - 1);
	}

	/* Re-hashing the newest entry after an edit keeps the chain valid: only
	 * its head hash changes, which is why verify prints the head hash for
	 * the operator to compare with a copy kept elsewhere. */
	check_case("newest edited and re-hashed");
	{
		struct kr_audit_walk w;
		char head[KR_AUDIT_HASH_LEN + 1];
		bool ok = true;

		build(&c);
		snprintf(head, sizeof(head), "%s", c.hash[N_ROWS - 1]);
		c.row[N_ROWS - 1].detail = "{}";
		rehash(&c, N_ROWS - 1);
		audit_walk_init(&w);
		for (size_t i = 0; i < c.n && ok; i++)
			ok = audit_walk_step(&w, &c.row[i], why, sizeof(why));
		CHECK(ok && audit_walk_end(&w, N_ROWS, why, sizeof(why)));
		CHECK(strcmp(w.prev, head) != 0);
	}

	check_case("empty trail");
	{
		struct kr_audit_walk w;

		audit_walk_init(&w);
		CHECK(audit_walk_end(&w, 0, why, sizeof(why)));
		CHECK(audit_walk_end(&w, -1, why, sizeof(why)));
		CHECK_STREQ(w.prev, KR_AUDIT_GENESIS);
	}
	check_case(NULL);
}

static void test_vectors(void)
{
	struct kr_audit_row r = {7,
	                         "2026-04-01T09:00:00Z",
	                         "user:3",
	                         "post",
	                         "it_0123456789abcdef",
	                         "{\"circle\":\"fin-isac\",\"kind\":\"threat\"}",
	                         KR_AUDIT_GENESIS,
	                         ""};
	struct kr_audit_row odd = {1, "t", "管理者", "a\nb", "", "{}", KR_AUDIT_GENESIS, ""};
	char h[KR_AUDIT_HASH_LEN + 1];
	size_t len = 0;
	char *canon;

	check_case("canonical form");
	canon = audit_canonical(&r, &len);
	if (CHECK_NOT_NULL(canon)) {
		CHECK_STREQ(canon,
		            "kairan-audit-v1\n1:7\n20:2026-04-01T09:00:00Z\n6:user:3\n4:post\n"
		            "19:it_0123456789abcdef\n37:{\"circle\":\"fin-isac\",\"kind\":"
		            "\"threat\"}\n64:" KR_AUDIT_GENESIS "\n");
		CHECK_EQ_INT(len, strlen(canon));
	}
	free(canon);
	check_case("hash");
	CHECK(audit_row_hash(&r, h));
	CHECK_STREQ(h, "93e11b203aa0b9bf0887ae9da15ad6c68d01c40f50c5e220afb9b667fd1a2012");
	check_case("UTF-8, newline and empty fields");
	CHECK(audit_row_hash(&odd, h));
	CHECK_STREQ(h, "6be1073a02b548d302af146cdb58fecc16b7e8c3ae2eefb1812420f9d778fd75");
	/* Length prefixes: moving a byte from one field to the next changes the hash. */
	check_case("field boundaries");
	{
		struct kr_audit_row a = r, b = r;
		char ha[KR_AUDIT_HASH_LEN + 1], hb[KR_AUDIT_HASH_LEN + 1];

		a.actor = "user:3p";
		a.action = "ost";
		CHECK(audit_row_hash(&a, ha) && audit_row_hash(&b, hb));
		CHECK(strcmp(ha, hb) != 0);
	}
	check_case(NULL);
}

int main(void)
{
	test_vectors();
	test_tamperings();
	return check_finish();
}
