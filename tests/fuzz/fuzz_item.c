/*
 * fuzz_item.c - libFuzzer harness for an item's content checks: the
 * `item` object of a post (any JSON) goes through item_check_text(),
 * item_check_tags() and item_check_indicators() (indicator validation and
 * normalisation). Properties: never crashes or leaks; a refusal names what
 * is wrong; accepted indicators come back as an array of the same length
 * with type, value and role each.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "item_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *item = json_loadb((const char *)data, size, 0, NULL);
	json_t *inds, *norm = NULL, *one;
	char err[256] = "";
	size_t i;

	if (!json_is_object(item))
		goto out;
	if (item_check_text(item, true, err, sizeof(err)) != KR_OK && !err[0])
		abort();
	err[0] = '\0';
	if (json_is_array(json_object_get(item, "tags")) &&
	    item_check_tags(json_object_get(item, "tags"), err, sizeof(err)) != KR_OK && !err[0])
		abort();
	inds = json_object_get(item, "indicators");
	if (!json_is_array(inds))
		goto out;
	err[0] = '\0';
	if (item_check_indicators(inds, NULL, &norm, err, sizeof(err)) != KR_OK) {
		if (!err[0])
			abort();
		goto out;
	}
	if (json_array_size(norm) > json_array_size(inds))
		abort();
	json_array_foreach(norm, i, one)
	{
		if (!json_is_string(json_object_get(one, "type")) ||
		    !json_is_string(json_object_get(one, "value")) ||
		    !json_is_string(json_object_get(one, "role")))
			abort();
	}
out:
	json_decref(norm);
	json_decref(item);
	return 0;
}
