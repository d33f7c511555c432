/*
 * practice.c - the fields of a practice report: vocabulary, validation and
 * moderators' edits (see practice.h).
 */
#include "practice.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "proto.h"
#include "redact.h"

const char *const kr_practice_texts[3] = {"situation", "steps", "outcome"};

/* Target readers, as the practice collection names its audiences. */
static const char *const readers[] = {"executives", "ciso", "staff"};

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* Industries are the sectors of common/model.h (the major divisions of the
 * Japan Standard Industrial Classification), shared with self-assessments. */
bool practice_industry_known(const char *s)
{
	return s && kr_sector_parse(s) != KR_SECTOR_NONE;
}

const char *practice_industry_list(void)
{
	static char list[256];

	if (!list[0]) {
		for (int v = 1; v <= KR_SECTOR_COUNT; v++) {
			size_t n = strlen(list);

			snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "",
			         kr_sector_name((enum kr_sector)v));
		}
	}
	return list;
}

/* Every member a practice object may have; `required` applies to a whole
 * object (post), never to an edit. */
static const struct kr_field practice_fields[] = {
    {"directive", KR_F_INT, true},     {"industry", KR_F_STRING, true},
    {"size_band", KR_F_STRING, false}, {"readers", KR_F_ARRAY, true},
    {"level", KR_F_INT, true},         {"situation", KR_F_STRING, true},
    {"steps", KR_F_STRING, true},      {"outcome", KR_F_STRING, true},
    {"references", KR_F_ARRAY, false},
};

/* "practice.FIELD: " + the message; returns rc. */
static enum kr_err fail(enum kr_err rc, char *err, size_t errlen, const char *field,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static enum kr_err fail(enum kr_err rc, char *err, size_t errlen, const char *field,
                        const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "practice.%s: %s", field, msg);
	return rc;
}

static enum kr_err check_int(const json_t *v, const char *name, json_int_t max, char *err,
                             size_t errlen)
{
	json_int_t n = json_integer_value(v);

	if (n >= 1 && n <= max)
		return KR_OK;
	return fail(KR_EINVAL, err, errlen, name, "must be an integer 1-%lld", (long long)max);
}

static enum kr_err check_text(const json_t *v, const char *name, char *err, size_t errlen)
{
	size_t len = json_string_length(v);

	if (len == 0 || len > KR_PRACTICE_TEXT_MAX)
		return fail(KR_EINVAL, err, errlen, name, "must be a text of 1-%d bytes",
		            KR_PRACTICE_TEXT_MAX);
	return KR_OK;
}

static enum kr_err check_readers(const json_t *v, char *err, size_t errlen)
{
	const json_t *r, *q;
	size_t i, j;

	if (json_array_size(v) == 0 || json_array_size(v) > NF(readers))
		return fail(KR_EINVAL, err, errlen, "readers",
		            "must name 1-3 target readers (executives, ciso, staff)");
	json_array_foreach(v, i, r)
	{
		if (!json_is_string(r))
			return fail(KR_EINVAL, err, errlen, "readers", "entries must be strings");
		if (!in_list(readers, NF(readers), json_string_value(r)))
			return fail(KR_ELABEL, err, errlen, "readers",
			            "unknown reader '%.32s' (executives, ciso, staff)",
			            json_string_value(r));
		for (j = 0; j < i; j++) {
			q = json_array_get(v, j);
			if (strcmp(json_string_value(q), json_string_value(r)) == 0)
				return fail(KR_EINVAL, err, errlen, "readers",
				            "'%.32s' is listed twice", json_string_value(r));
		}
	}
	return KR_OK;
}

static enum kr_err check_references(const json_t *v, char *err, size_t errlen)
{
	const json_t *r;
	size_t i;

	if (json_array_size(v) > KR_PRACTICE_REFS_MAX)
		return fail(KR_EINVAL, err, errlen, "references", "at most %d references",
		            KR_PRACTICE_REFS_MAX);
	json_array_foreach(v, i, r)
	{
		if (!json_is_string(r) || json_string_length(r) == 0 ||
		    json_string_length(r) > KR_PRACTICE_REF_MAX)
			return fail(KR_EINVAL, err, errlen, "references",
			            "references[%zu] must be a string of 1-%d bytes", i,
			            KR_PRACTICE_REF_MAX);
	}
	return KR_OK;
}

/* Check one member (name, value) and put its normalised value into out. */
static enum kr_err check_member(const char *name, const json_t *v, json_t *out, char *err,
                                size_t errlen)
{
	enum kr_err rc = KR_OK;
	const char *band;

	if (strcmp(name, "directive") == 0) {
		rc = check_int(v, name, KR_PRACTICE_DIRECTIVES, err, errlen);
	} else if (strcmp(name, "level") == 0) {
		rc = check_int(v, name, KR_PRACTICE_LEVELS, err, errlen);
	} else if (strcmp(name, "industry") == 0) {
		if (!practice_industry_known(json_string_value(v))) {
			snprintf(err, errlen, "practice.industry: unknown industry '%.32s' (%s)",
			         json_string_value(v), practice_industry_list());
			rc = KR_ELABEL;
		}
	} else if (strcmp(name, "size_band") == 0) {
		band = redact_size_band_label(json_string_value(v));
		if (!band) {
			snprintf(err, errlen,
			         "practice.size_band: unknown size band '%.32s' (1–49, 50–99, "
			         "100–299, 300–499, 500–999, 1,000–4,999, 5,000+)",
			         json_string_value(v));
			return KR_ELABEL;
		}
		return json_object_set_new(out, name, json_string(band)) == 0 ? KR_OK
		                                                              : KR_EINTERNAL;
	} else if (strcmp(name, "readers") == 0) {
		rc = check_readers(v, err, errlen);
	} else if (strcmp(name, "references") == 0) {
		rc = check_references(v, err, errlen);
	} else {
		rc = check_text(v, name, err, errlen);
	}
	if (rc != KR_OK)
		return rc;
	return json_object_set_new(out, name, json_deep_copy(v)) == 0 ? KR_OK : KR_EINTERNAL;
}

/* Check obj (whole when complete, else an edit) into a new normalised copy. */
static enum kr_err check(const json_t *obj, bool complete, json_t **out, char *err, size_t errlen)
{
	struct kr_field spec[NF(practice_fields)];
	json_t *norm = NULL;
	const char *name;
	const json_t *v;
	char e[200];
	enum kr_err rc;

	*out = NULL;
	memcpy(spec, practice_fields, sizeof(spec));
	for (size_t i = 0; !complete && i < NF(spec); i++)
		spec[i].required = false;
	rc = kr_fields_check(obj, spec, NF(spec), false, e, sizeof(e));
	if (rc != KR_OK) {
		snprintf(err, errlen, "practice: %s", e);
		return rc;
	}
	if (!complete && json_object_size(obj) == 0) {
		snprintf(err, errlen, "practice: an edit must change at least one field");
		return KR_EINVAL;
	}
	norm = json_object();
	if (!norm)
		return KR_EINTERNAL;
	/* In table order, so the first problem reported does not depend on the
	 * order of the members in the message. */
	for (size_t i = 0; i < NF(practice_fields); i++) {
		name = practice_fields[i].name;
		v = json_object_get(obj, name);
		if (v && (rc = check_member(name, v, norm, err, errlen)) != KR_OK) {
			json_decref(norm);
			return rc;
		}
	}
	*out = norm;
	return KR_OK;
}

enum kr_err practice_check(enum kr_kind kind, const json_t *practice, json_t **out, char *err,
                           size_t errlen)
{
	*out = NULL;
	if (kind != KR_KIND_PRACTICE) {
		if (!practice)
			return KR_OK;
		snprintf(err, errlen, "only practice items carry a 'practice' object");
		return KR_EINVAL;
	}
	if (!json_is_object(practice)) {
		snprintf(err, errlen,
		         "a practice item needs a 'practice' object (directive, industry, readers, "
		         "level, situation, steps, outcome)");
		return KR_EINVAL;
	}
	return check(practice, true, out, err, errlen);
}

enum kr_err practice_check_edit(const json_t *edit, json_t **out, char *err, size_t errlen)
{
	return check(edit, false, out, err, errlen);
}

enum kr_err practice_merge(const json_t *current, const json_t *edit, json_t **out, char *err,
                           size_t errlen)
{
	json_t *merged = json_is_object(current) ? json_deep_copy(current) : json_object();
	enum kr_err rc;

	*out = NULL;
	if (!merged || json_object_update(merged, (json_t *)edit) != 0) {
		json_decref(merged);
		return KR_EINTERNAL;
	}
	rc = practice_check(KR_KIND_PRACTICE, merged, out, err, errlen);
	json_decref(merged);
	return rc;
}
