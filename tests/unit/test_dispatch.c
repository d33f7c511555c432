/*
 * test_dispatch.c - walks the message table: every entry has a handler and
 * an access class, nothing that writes works without authentication, and
 * types are unique. A new message type cannot slip in
 * without a decision about who may use it.
 */
#include <string.h>

#include "check.h"
#include "dispatch.h"

int main(void)
{
	CHECK(kr_dispatch_count > 0);
	for (size_t i = 0; i < kr_dispatch_count; i++) {
		const struct kr_dispatch_entry *e = &kr_dispatch_table[i];

		check_case(e->type);
		CHECK_NOT_NULL(e->type);
		CHECK_NOT_NULL(e->fn);
		CHECK(e->access != KR_ACCESS_UNSET);
		CHECK(e->access >= KR_ACCESS_SESSION && e->access <= KR_ACCESS_AGGREGATE);
		/* Without a token only `auth` and reads (which the gate answers
		 * as the anonymous reader) may run; nothing that writes. */
		if (e->access == KR_ACCESS_SESSION)
			CHECK(!e->needs_auth);
		if (e->access == KR_ACCESS_WRITE)
			CHECK(e->needs_auth);
		/* Aggregates (the assessment benchmark) are for circle members:
		 * never for the anonymous reader, whatever a policy publishes. */
		if (e->access == KR_ACCESS_AGGREGATE)
			CHECK(e->needs_auth);
		if (!e->needs_auth)
			CHECK(e->access == KR_ACCESS_SESSION || e->access == KR_ACCESS_READ ||
			      strcmp(e->type, "unsubscribe") == 0);
		for (size_t j = i + 1; j < kr_dispatch_count; j++)
			CHECK(strcmp(e->type, kr_dispatch_table[j].type) != 0);
	}
	check_case(NULL);
	return check_finish();
}
