/*
 * test_denials.c - counting repeated refusals (hub/denials.h): the first
 * refusal of a window is written at once, repeats within the window only
 * counted, the window's summary written when it ends (or on a forced
 * flush), different keys kept apart, and the table bounded.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "denials.h"

#define MAX_OUT 64

struct out {
	struct {
		char key[512];
		long long count, first, last, first_seq;
		bool summary;
	} e[MAX_OUT];
	int n;
	int64_t next_seq;
};

static int64_t writer(void *ud, const struct kr_denial_entry *e)
{
	struct out *o = ud;

	if (o->n < MAX_OUT) {
		snprintf(o->e[o->n].key, sizeof(o->e[o->n].key), "%s|%s|%s|%s", e->actor, e->type,
		         e->subject, e->code);
		o->e[o->n].count = e->count;
		o->e[o->n].first = e->first;
		o->e[o->n].last = e->last;
		o->e[o->n].first_seq = e->first_seq;
		o->e[o->n].summary = e->summary;
		o->n++;
	}
	return ++o->next_seq + 100;
}

static void test_window(void)
{
	struct kr_denials *d = denials_new(16, 60);
	static struct out o;

	memset(&o, 0, sizeof(o));
	check_case("first refusal written at once");
	denials_note(d, "user:3", "get", "it_1", "forbidden", 1000, writer, &o);
	CHECK_EQ_INT(o.n, 1);
	CHECK_STREQ(o.e[0].key, "user:3|get|it_1|forbidden");
	CHECK_EQ_INT(o.e[0].count, 1);
	CHECK(!o.e[0].summary);

	check_case("repeats in the window only counted");
	for (int i = 1; i <= 999; i++)
		denials_note(d, "user:3", "get", "it_1", "forbidden", 1000 + i % 50, writer, &o);
	CHECK_EQ_INT(o.n, 1);
	check_case("flush before the window ends writes nothing");
	CHECK_EQ_INT(denials_flush(d, 1059, false, writer, &o), 1);
	CHECK_EQ_INT(o.n, 1);

	check_case("other keys are separate windows");
	denials_note(d, "user:4", "get", "it_1", "forbidden", 1010, writer, &o);
	denials_note(d, "user:3", "history", "it_1", "forbidden", 1010, writer, &o);
	denials_note(d, "user:3", "get", "it_2", "forbidden", 1010, writer, &o);
	denials_note(d, "user:3", "get", "it_1", "not_allowed", 1010, writer, &o);
	CHECK_EQ_INT(o.n, 5);

	check_case("summary when the window ends");
	CHECK_EQ_INT(denials_flush(d, 1060, false, writer, &o), 4);
	CHECK_EQ_INT(o.n, 6);
	CHECK_STREQ(o.e[5].key, "user:3|get|it_1|forbidden");
	CHECK(o.e[5].summary);
	CHECK_EQ_INT(o.e[5].count, 999);
	CHECK_EQ_INT(o.e[5].first, 1001);
	CHECK_EQ_INT(o.e[5].last, 1049);
	CHECK_EQ_INT(o.e[5].first_seq, 101);

	check_case("a window without repeats closes silently");
	CHECK_EQ_INT(denials_flush(d, 1070, false, writer, &o), 0);
	CHECK_EQ_INT(o.n, 6);

	check_case("after the window a refusal is written again");
	denials_note(d, "user:3", "get", "it_1", "forbidden", 1100, writer, &o);
	CHECK_EQ_INT(o.n, 7);
	CHECK(!o.e[6].summary);

	check_case("a refusal after the window ended but before a flush");
	denials_note(d, "user:3", "get", "it_1", "forbidden", 1101, writer, &o);
	denials_note(d, "user:3", "get", "it_1", "forbidden", 1161, writer, &o);
	CHECK_EQ_INT(o.n, 9);
	CHECK(o.e[7].summary && o.e[7].count == 1 && o.e[7].first == 1101);
	CHECK(!o.e[8].summary && o.e[8].first == 1161);

	check_case("forced flush writes every open summary");
	denials_note(d, "user:3", "get", "it_1", "forbidden", 1162, writer, &o);
	denials_note(d, "anonymous", "get", "", "forbidden", 1162, writer, &o);
	denials_note(d, "anonymous", "get", "", "forbidden", 1163, writer, &o);
	CHECK_EQ_INT(o.n, 10);
	CHECK_EQ_INT(denials_flush(d, 1163, true, writer, &o), 0);
	CHECK_EQ_INT(o.n, 12);
	denials_free(d);
	check_case(NULL);
}

static void test_bounded(void)
{
	struct kr_denials *d = denials_new(4, 60);
	static struct out o;
	char subject[16];

	memset(&o, 0, sizeof(o));
	check_case("full table closes the oldest window");
	for (int i = 0; i < 4; i++) {
		snprintf(subject, sizeof(subject), "it_%d", i);
		denials_note(d, "user:1", "get", subject, "forbidden", 100 + i, writer, &o);
		denials_note(d, "user:1", "get", subject, "forbidden", 100 + i, writer, &o);
	}
	CHECK_EQ_INT(o.n, 4);
	denials_note(d, "user:1", "get", "it_new", "forbidden", 110, writer, &o);
	/* it_0's summary (1 repeat), then it_new's first refusal. */
	CHECK_EQ_INT(o.n, 6);
	CHECK_STREQ(o.e[4].key, "user:1|get|it_0|forbidden");
	CHECK(o.e[4].summary && o.e[4].count == 1);
	CHECK_STREQ(o.e[5].key, "user:1|get|it_new|forbidden");
	CHECK_EQ_INT(denials_flush(d, 110, false, writer, &o), 4);

	check_case("long keys are cut on a character boundary");
	{
		char longsub[400];

		memset(longsub, 0, sizeof(longsub));
		for (int i = 0; i < 130; i++)
			memcpy(longsub + i * 3, "\xe6\x9c\xac", 3); /* 本 */
		denials_note(d, "user:1", "get", longsub, "forbidden", 111, writer, &o);
		/* it_1's summary (the table was full), then this first refusal. */
		CHECK_EQ_INT(o.n, 8);
		/* "user:1|get|" + 42 whole characters (126 bytes) + "|forbidden" */
		CHECK_EQ_INT(strlen(o.e[7].key), 11 + 126 + 10);
	}
	denials_free(d);
	check_case(NULL);
}

int main(void)
{
	test_window();
	test_bounded();
	return check_finish();
}
