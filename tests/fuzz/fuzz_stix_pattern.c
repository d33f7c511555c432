/*
 * fuzz_stix_pattern.c - libFuzzer harness for STIX patterns
 * (common/stix.h), both ways. The first byte picks the direction:
 *
 *   even: the rest is a pattern from someone else's bundle (a JSON string:
 *         valid UTF-8, no NUL) for kr_stix_pattern_parse();
 *   odd:  the second byte picks an indicator type and the rest is a value
 *         for kr_stix_pattern(), whose pattern must parse back.
 *
 * Properties: never crashes or leaks; a refusal says why, in valid UTF-8
 * (and never "out of memory"); every indicator parsed is {type, value} of a known type,
 * and, when the value is valid for its type (the hub refuses the others),
 * writing it as a pattern again and parsing that gives exactly the same
 * one indicator (what import reads, export writes the same way).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "indicator.h"
#include "stix.h"
#include "utf8.h"

#define VALUE_MAX 4096

/* The pattern of (type, value), a value valid for its type, normalised
 * (kairan writes patterns only for the indicators it stores, which are
 * validated and normalised), must parse to exactly [{type, value}]. */
static void roundtrip(enum kr_ind_type type, const char *value)
{
	char norm[VALUE_MAX + KR_IND_OUT_EXTRA], why[160];
	char *pattern, err[256] = "";
	json_t *again = NULL;
	const json_t *one;

	if (kr_ind_normalise(type, value, strlen(value), norm, sizeof(norm), why, sizeof(why)) !=
	    KR_OK)
		return;
	value = norm; /* as the hub stores it, the only form export writes */
	pattern = kr_stix_pattern(type, value);
	if (!pattern)
		return; /* no pattern for it (cve) */
	if (kr_stix_pattern_parse(pattern, &again, err, sizeof(err)) != KR_OK)
		abort();
	one = json_array_get(again, 0);
	if (json_array_size(again) != 1 ||
	    strcmp(json_string_value(json_object_get(one, "type")), kr_ind_type_name(type)) != 0 ||
	    strcmp(json_string_value(json_object_get(one, "value")), value) != 0)
		abort();
	json_decref(again);
	free(pattern);
}

static void parse(const char *pattern)
{
	char err[256] = "";
	json_t *out = (json_t *)1, *ind;
	size_t i;

	if (kr_stix_pattern_parse(pattern, &out, err, sizeof(err)) != KR_OK) {
		if (out || !err[0] || strncmp(err, "out of memory", 13) == 0 ||
		    !kr_utf8_valid(err, strlen(err)))
			abort();
		return;
	}
	if (!json_is_array(out) || json_array_size(out) == 0)
		abort();
	json_array_foreach(out, i, ind)
	{
		const char *t = json_string_value(json_object_get(ind, "type"));
		const char *v = json_string_value(json_object_get(ind, "value"));
		enum kr_ind_type type = t ? kr_ind_type_parse(t) : KR_IND_NONE;

		if (json_object_size(ind) != 2 || type == KR_IND_NONE || !v || !*v)
			abort();
		roundtrip(type, v);
	}
	json_decref(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 2 || size - 2 > VALUE_MAX)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	if (data[0] % 2 == 0) {
		if (!kr_utf8_valid((const char *)data + 1, size - 1)) {
			free(text);
			return 0;
		}
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		parse(text);
	} else if (kr_utf8_valid((const char *)data + 2, size - 2)) {
		memcpy(text, data + 2, size - 2);
		text[size - 2] = '\0';
		if (*text)
			roundtrip((enum kr_ind_type)(1 + data[1] % KR_IND_SHA512), text);
	}
	free(text);
	return 0;
}
