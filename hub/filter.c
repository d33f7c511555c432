/*
 * filter.c - subscription filters (see filter.h).
 */
#include "filter.h"

#include <stdio.h>
#include <string.h>

#include "prefecture.h"
#include "proto.h"

#define LIST_MAX    32
#define KEYWORD_MAX 128

static const struct kr_field filter_fields[] = {
    {"kinds", KR_F_ARRAY, false},    {"min_severity", KR_F_STRING, false},
    {"tags", KR_F_ARRAY, false},     {"indicator_types", KR_F_ARRAY, false},
    {"keywords", KR_F_ARRAY, false}, {"regions", KR_F_ARRAY, false},
};

static bool region_known(const char *r)
{
	return kr_region_known(r);
}

/* A list of 1-32 strings of 1-max bytes; label (may be NULL) says which
 * labels are allowed, returning the bit of each (or 0 for free text). */
static enum kr_err parse_list(const json_t *list, const char *name, size_t max,
                              int (*label)(const char *), unsigned *bits, char *err, size_t errlen)
{
	const json_t *v;
	size_t i;

	if (json_array_size(list) == 0 || json_array_size(list) > LIST_MAX) {
		snprintf(err, errlen, "filter.%s must list 1-%d entries", name, LIST_MAX);
		return KR_EINVAL;
	}
	json_array_foreach(list, i, v)
	{
		size_t n = json_string_length(v);
		int b;

		if (!json_is_string(v) || n == 0 || n > max) {
			snprintf(err, errlen, "filter.%s[%zu] must be a string of 1-%zu bytes",
			         name, i, max);
			return KR_EINVAL;
		}
		if (!label)
			continue;
		b = label(json_string_value(v));
		if (b <= 0) {
			snprintf(err, errlen, "filter.%s[%zu]: unknown label '%.32s'", name, i,
			         json_string_value(v));
			return KR_ELABEL;
		}
		*bits |= 1u << (unsigned)b;
	}
	return KR_OK;
}

static int kind_label(const char *s)
{
	enum kr_kind k = kr_kind_parse(s);

	/* Self-assessments are never items anyone receives. */
	return k == KR_KIND_ASSESSMENT ? 0 : (int)k;
}

static int ind_label(const char *s)
{
	return (int)kr_ind_type_parse(s);
}

static int region_label(const char *s)
{
	return region_known(s) ? 1 : 0;
}

enum kr_err filter_parse(const json_t *obj, struct kr_filter *f, char *err, size_t errlen)
{
	const json_t *sev = json_object_get(obj, "min_severity");
	unsigned ignored = 0;
	enum kr_err rc;

	memset(f, 0, sizeof(*f));
	if (!obj)
		return KR_OK;
	rc = kr_fields_check(obj, filter_fields, sizeof(filter_fields) / sizeof(filter_fields[0]),
	                     false, err, errlen);
	if (rc == KR_OK && json_object_get(obj, "kinds"))
		rc = parse_list(json_object_get(obj, "kinds"), "kinds", 16, kind_label, &f->kinds,
		                err, errlen);
	if (rc == KR_OK && json_object_get(obj, "indicator_types"))
		rc = parse_list(json_object_get(obj, "indicator_types"), "indicator_types", 16,
		                ind_label, &f->indicator_types, err, errlen);
	if (rc == KR_OK && json_object_get(obj, "tags"))
		rc = parse_list(json_object_get(obj, "tags"), "tags", 64, NULL, &ignored, err,
		                errlen);
	if (rc == KR_OK && json_object_get(obj, "keywords"))
		rc = parse_list(json_object_get(obj, "keywords"), "keywords", KEYWORD_MAX, NULL,
		                &ignored, err, errlen);
	if (rc == KR_OK && json_object_get(obj, "regions"))
		rc = parse_list(json_object_get(obj, "regions"), "regions", 32, region_label,
		                &ignored, err, errlen);
	if (rc == KR_OK && sev) {
		f->min_severity = kr_severity_parse(json_string_value(sev));
		if (f->min_severity == KR_SEV_NONE) {
			snprintf(err, errlen, "filter.min_severity: unknown severity '%.32s'",
			         json_string_value(sev));
			rc = KR_ELABEL;
		}
	}
	if (rc != KR_OK)
		return rc;
	f->tags = json_incref(json_object_get(obj, "tags"));
	f->keywords = json_incref(json_object_get(obj, "keywords"));
	f->regions = json_incref(json_object_get(obj, "regions"));
	f->active = true;
	return KR_OK;
}

/* ASCII case-insensitive substring search (other bytes compare exactly). */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] &&
		       (hay[i] == needle[i] ||
		        ((unsigned char)(hay[i] | 0x20) == (unsigned char)(needle[i] | 0x20) &&
		         ((hay[i] | 0x20) >= 'a' && (hay[i] | 0x20) <= 'z'))))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

static bool any_string_in(const json_t *wanted, const json_t *have)
{
	const json_t *w, *h;
	size_t i, j;

	json_array_foreach(wanted, i, w)
	{
		json_array_foreach(have, j, h)
		{
			if (json_equal((json_t *)w, (json_t *)h))
				return true;
		}
	}
	return false;
}

static bool any_keyword(const json_t *keywords, const struct kr_item *it)
{
	const char *title = json_string_value(item_content(it, "title"));
	const char *body = json_string_value(item_content(it, "body"));
	const json_t *k;
	size_t i;

	json_array_foreach(keywords, i, k)
	{
		if ((title && contains(title, json_string_value(k))) ||
		    (body && contains(body, json_string_value(k))))
			return true;
	}
	return false;
}

static bool any_indicator(unsigned types, const struct kr_item *it)
{
	const json_t *ind;
	size_t i;

	json_array_foreach(item_content(it, "indicators"), i, ind)
	{
		enum kr_ind_type t =
		    kr_ind_type_parse(json_string_value(json_object_get(ind, "type")));

		if (t != KR_IND_NONE && (types & (1u << (unsigned)t)))
			return true;
	}
	return false;
}

bool filter_match(const struct kr_filter *f, const struct kr_item *it)
{
	const json_t *region;

	if (!f || !f->active)
		return true;
	if (f->kinds && !(f->kinds & (1u << (unsigned)it->meta.kind)))
		return false;
	if (f->min_severity != KR_SEV_NONE &&
	    (it->severity == KR_SEV_NONE || it->severity < f->min_severity))
		return false;
	if (f->tags && !any_string_in(f->tags, item_content(it, "tags")))
		return false;
	if (f->indicator_types && !any_indicator(f->indicator_types, it))
		return false;
	if (f->keywords && !any_keyword(f->keywords, it))
		return false;
	if (f->regions) {
		const json_t *r;
		size_t i;
		bool found = false;

		region = json_object_get(item_content(it, "profile"), "region");
		json_array_foreach(f->regions, i, r) found =
		    found || (region && json_equal((json_t *)r, (json_t *)region));
		if (!found)
			return false;
	}
	return true;
}

void filter_clear(struct kr_filter *f)
{
	json_decref(f->tags);
	json_decref(f->keywords);
	json_decref(f->regions);
	memset(f, 0, sizeof(*f));
}
