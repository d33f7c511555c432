/*
 * fuzz_indicator.c - libFuzzer harness for indicator validation and
 * normalisation (common/indicator.h): the first byte picks the type, the
 * rest is the value. Properties: never crashes or leaks; a refusal says
 * why; an accepted value normalises to itself again (idempotence: what the
 * hub stores is already in its final form, so correlation by value works),
 * and its benign check and type guess run on it without trouble.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ind_guess.h"
#include "indicator.h"

#define VALUE_MAX 2048

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[VALUE_MAX + KR_IND_OUT_EXTRA], again[VALUE_MAX + KR_IND_OUT_EXTRA];
	char why[160] = "";
	enum kr_ind_type type;
	enum kr_err rc;

	if (size < 1 || size - 1 > VALUE_MAX)
		return 0;
	type = (enum kr_ind_type)(1 + data[0] % KR_IND_SHA512);
	rc = kr_ind_normalise(type, (const char *)data + 1, size - 1, out, sizeof(out), why,
	                      sizeof(why));
	if (rc != KR_OK) {
		if (rc == KR_EINVAL && !why[0])
			abort();
		return 0;
	}
	why[0] = '\0';
	if (kr_ind_normalise(type, out, strlen(out), again, sizeof(again), why, sizeof(why)) !=
	        KR_OK ||
	    strcmp(out, again) != 0)
		abort();
	(void)kr_ind_benign_reason(NULL, type, out);
	(void)kr_ind_guess_type(out);
	return 0;
}
