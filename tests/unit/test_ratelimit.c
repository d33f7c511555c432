/*
 * test_ratelimit.c - token buckets (hub/ratelimit.h): a burst is allowed
 * and then refused, tokens come back at the rate, keys are independent,
 * full buckets are forgotten by pruning, a full table makes newcomers share
 * one bucket (bounded memory), rate 0 means no limit, and a lower burst
 * set on reload caps what buckets hold.
 */
#include <stdio.h>

#include "check.h"
#include "ratelimit.h"

static int take_n(struct kr_rate_table *t, const char *key, int n, double now)
{
	int ok = 0;

	for (int i = 0; i < n; i++)
		ok += rate_take(t, key, now);
	return ok;
}

static void test_buckets(void)
{
	struct kr_rate_table *t = rate_table_new(16, 5, 10); /* 5/s, burst 10 */

	check_case("burst then refused");
	CHECK_EQ_INT(take_n(t, "user:1", 30, 100.0), 10);
	check_case("refills at the rate");
	CHECK_EQ_INT(take_n(t, "user:1", 30, 100.4), 2);
	CHECK_EQ_INT(take_n(t, "user:1", 30, 101.4), 5);
	check_case("never more than the burst");
	CHECK_EQ_INT(take_n(t, "user:1", 30, 1000.0), 10);
	check_case("keys are independent");
	CHECK_EQ_INT(take_n(t, "127.0.0.1", 30, 1000.0), 10);
	CHECK_EQ_INT(take_n(t, "user:2", 3, 1000.0), 3);
	check_case("time going backwards gives nothing");
	CHECK_EQ_INT(take_n(t, "user:2", 30, 999.0), 7);

	check_case("pruning forgets full buckets only");
	CHECK_EQ_INT(rate_prune(t, 1000.5), 3);            /* none full yet */
	CHECK_EQ_INT(rate_prune(t, 1002.0), 0);            /* all refilled */
	CHECK_EQ_INT(take_n(t, "user:1", 30, 1002.0), 10); /* as good as new */

	check_case("lower burst on reload caps the buckets");
	rate_table_set(t, 5, 2);
	CHECK_EQ_INT(take_n(t, "user:3", 30, 2000.0), 2);
	check_case("rate 0: no limit");
	rate_table_set(t, 0, 2);
	CHECK_EQ_INT(take_n(t, "user:3", 1000, 2000.0), 1000);
	rate_table_free(t);
	check_case(NULL);
}

static void test_capacity(void)
{
	struct kr_rate_table *t = rate_table_new(4, 1, 2);
	char key[16];

	check_case("a full table of busy keys: newcomers share one bucket");
	for (int i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "10.0.0.%d", i);
		CHECK_EQ_INT(take_n(t, key, 1, 10.0), 1);
	}
	/* Four busy buckets: the next keys go to the shared overflow bucket
	 * (burst 2), so between them only two messages pass. */
	CHECK_EQ_INT(take_n(t, "10.0.0.100", 5, 10.0) + take_n(t, "10.0.0.101", 5, 10.0), 2);
	check_case("the busy ones keep their own buckets");
	CHECK_EQ_INT(take_n(t, "10.0.0.0", 5, 10.0), 1);
	check_case("once they have refilled there is room again");
	CHECK_EQ_INT(take_n(t, "10.0.0.200", 5, 20.0), 2);
	rate_table_free(t);
	check_case(NULL);
}

int main(void)
{
	test_buckets();
	test_capacity();
	return check_finish();
}
