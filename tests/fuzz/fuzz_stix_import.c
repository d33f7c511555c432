/*
 * fuzz_stix_import.c - libFuzzer harness for the STIX 2.1 import converter
 * (common/stix_import.h): a bundle file from outside the community, as
 * `kairan import stix FILE` reads it (any JSON), becomes posts.
 *
 * Properties: never crashes or leaks; a refusal is KR_EINVAL (the fuzzer
 * never runs out of memory), gives no posts and no notes and says why,
 * naming the object, in valid UTF-8 (it is printed to a terminal); an
 * accepted bundle gives threat items
 * of the circle, each with a TLP label other than RED, a title and body
 * within the hub's limits (item_check_text), tags the hub accepts
 * (item_check_tags), at most 1,000 indicators each {type, value, role} of
 * known vocabulary, and notes that are strings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "item_check.h"
#include "model.h"
#include "stix_import.h"
#include "utf8.h"

#define CIRCLE "fuzz-circle"

static void check_post(const json_t *post)
{
	char err[512] = "";
	const json_t *inds = json_object_get(post, "indicators"), *ind;
	const char *tlp = json_string_value(json_object_get(post, "tlp"));
	size_t i;

	if (!json_is_object(post) ||
	    strcmp(json_string_value(json_object_get(post, "kind")), "threat") != 0 ||
	    strcmp(json_string_value(json_object_get(post, "circle")), CIRCLE) != 0 || !tlp ||
	    kr_tlp_parse(tlp) == KR_TLP_NONE || kr_tlp_parse(tlp) == KR_TLP_RED)
		abort();
	if (item_check_text(post, true, err, sizeof(err)) != KR_OK)
		abort();
	if (item_check_tags(json_object_get(post, "tags"), err, sizeof(err)) != KR_OK)
		abort();
	if (!json_is_array(inds) || json_array_size(inds) > 1000)
		abort();
	json_array_foreach(inds, i, ind)
	{
		const char *t = json_string_value(json_object_get(ind, "type"));
		const char *v = json_string_value(json_object_get(ind, "value"));
		const char *r = json_string_value(json_object_get(ind, "role"));

		if (!t || kr_ind_type_parse(t) == KR_IND_NONE || !v || !*v || !r ||
		    (strcmp(r, "attacker") != 0 && strcmp(r, "victim") != 0 &&
		     strcmp(r, "unknown") != 0))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *bundle = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	json_t *posts = (json_t *)1, *notes = (json_t *)1, *v;
	char err[512] = "";
	enum kr_err rc;
	size_t i;

	if (!bundle)
		return 0;
	rc = kr_stix_import(bundle, CIRCLE, &posts, &notes, err, sizeof(err));
	if (rc != KR_OK) {
		/* The fuzzer never runs out of memory: every refusal is the bundle's. */
		if (rc != KR_EINVAL || posts || notes || !err[0] ||
		    !kr_utf8_valid(err, strlen(err)))
			abort();
		goto out;
	}
	if (!json_is_array(posts) || !json_is_array(notes))
		abort();
	json_array_foreach(posts, i, v) check_post(v);
	json_array_foreach(notes, i, v)
	{
		if (!json_is_string(v))
			abort();
	}
	json_decref(posts);
	json_decref(notes);
out:
	json_decref(bundle);
	return 0;
}
