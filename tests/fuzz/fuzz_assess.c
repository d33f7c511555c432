/*
 * fuzz_assess.c - libFuzzer harness for the self-assessment checker
 * (hub/assess.h): the file a member writes for `kairan assess submit`
 * (any JSON) goes through assess_parse() as the hub does with the
 * `assessment` of assess_submit.
 *
 * Properties: never crashes or leaks; a refusal says why, names the
 * assessment's field, and leaves nothing filled in; an accepted one has
 * every score from 1.0 to 5.0 in tenths and a known maturity and sector,
 * and its JSON form (what the member is shown) parses back to exactly the
 * same assessment, and to the same JSON again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct kr_assessment zero;
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	json_t *shown = NULL, *shown_again = NULL;
	struct kr_assessment a, b;
	char err[256] = "";

	if (!doc)
		return 0;
	memset(&a, 0x5a, sizeof(a));
	if (assess_parse(doc, "assessment", &a, err, sizeof(err)) != KR_OK) {
		if (!err[0] || strncmp(err, "assessment", 10) != 0 || memcmp(&a, &zero, sizeof(a)))
			abort();
		goto out;
	}
	for (int d = 0; d < KR_DIRECTIVES; d++)
		if (a.score[d] < KR_SCORE_MIN || a.score[d] > KR_SCORE_MAX)
			abort();
	shown = assess_to_json(&a);
	if (!shown || assess_parse(shown, "shown", &b, err, sizeof(err)) != KR_OK ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	shown_again = assess_to_json(&b);
	if (!json_equal(shown, shown_again))
		abort();
out:
	json_decref(shown_again);
	json_decref(shown);
	json_decref(doc);
	return 0;
}
