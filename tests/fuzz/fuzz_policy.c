/*
 * fuzz_policy.c - libFuzzer harness for the circle policy loader: the JSON
 * a secretariat writes goes through cpolicy_parse(). Properties: never
 * crashes or leaks; every refusal names what is wrong; an accepted policy
 * survives cpolicy_to_json() and parses back to the same JSON (the
 * round trip `admin policy show` relies on).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpolicy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	struct kr_circle_policy *p = NULL, *again = NULL;
	json_t *shown = NULL, *shown_again = NULL;
	char err[256] = "";

	if (!doc)
		return 0;
	if (cpolicy_parse(doc, "fuzz.json", &p, err, sizeof(err)) != KR_OK) {
		if (p || !err[0])
			abort();
		goto out;
	}
	shown = cpolicy_to_json(p);
	if (!shown || cpolicy_parse(shown, "shown.json", &again, err, sizeof(err)) != KR_OK)
		abort();
	shown_again = cpolicy_to_json(again);
	if (!json_equal(shown, shown_again))
		abort();
out:
	json_decref(shown_again);
	json_decref(shown);
	cpolicy_free(again);
	cpolicy_free(p);
	json_decref(doc);
	return 0;
}
