/*
 * assess.c - a self-assessment document (see assess.h).
 */
#include "assess.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define SCALE_HINT "scores are 1.0 to 5.0 in steps of 0.1"

/* The directive named by a key of `scores` ("1".."10"), 0 when none. */
static int directive_of(const char *key)
{
	char buf[4];

	for (int d = 1; d <= KR_DIRECTIVES; d++) {
		snprintf(buf, sizeof(buf), "%d", d);
		if (strcmp(key, buf) == 0)
			return d;
	}
	return 0;
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		break;
	}
	return "null";
}

/* One score: a number from 1.0 to 5.0 with at most one decimal -> tenths. */
static enum kr_err score_parse(const json_t *v, const char *what, int d, int *tenths, char *err,
                               size_t errlen)
{
	double x, t;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 1 || i > 5) {
			snprintf(err, errlen, "%s.scores.%d: %lld is out of range; " SCALE_HINT,
			         what, d, (long long)i);
			return KR_EINVAL;
		}
		*tenths = (int)i * 10;
		return KR_OK;
	}
	if (!json_is_real(v)) {
		snprintf(err, errlen, "%s.scores.%d: must be a number from 1.0 to 5.0, not %s",
		         what, d, json_kind(v));
		return KR_EINVAL;
	}
	x = json_real_value(v);
	t = round(x * 10.0);
	if (!isfinite(x) || fabs(x * 10.0 - t) > 1e-9) {
		snprintf(err, errlen, "%s.scores.%d: %.10g has more than one decimal; " SCALE_HINT,
		         what, d, x);
		return KR_EINVAL;
	}
	if (t < KR_SCORE_MIN || t > KR_SCORE_MAX) {
		snprintf(err, errlen, "%s.scores.%d: %.10g is out of range; " SCALE_HINT, what, d,
		         x);
		return KR_EINVAL;
	}
	*tenths = (int)t;
	return KR_OK;
}

static enum kr_err scores_parse(const json_t *scores, const char *what, int out[KR_DIRECTIVES],
                                char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	if (!json_is_object(scores)) {
		snprintf(err, errlen,
		         "%s.scores: must be an object of directive number to score, e.g. "
		         "{\"1\": 3.5, ..., \"10\": 2.0}, not %s",
		         what, json_kind(scores));
		return KR_EINVAL;
	}
	json_object_foreach((json_t *)scores, key, v)
	{
		if (!directive_of(key)) {
			snprintf(
			    err, errlen,
			    "%s.scores: '%.32s' is not a directive; the directives are \"1\" to "
			    "\"10\"",
			    what, key);
			return KR_EFIELD;
		}
	}
	for (int d = 1; d <= KR_DIRECTIVES; d++) {
		char k[4];
		enum kr_err rc;

		snprintf(k, sizeof(k), "%d", d);
		v = json_object_get(scores, k);
		if (!v) {
			snprintf(
			    err, errlen,
			    "%s.scores: directive %d is missing; every directive 1 to 10 needs a "
			    "score",
			    what, d);
			return KR_EINVAL;
		}
		rc = score_parse(v, what, d, &out[d - 1], err, errlen);
		if (rc != KR_OK)
			return rc;
	}
	return KR_OK;
}

/* A required string field of obj: KR_OK with *s set, or KR_EINVAL. */
static enum kr_err string_field(const json_t *obj, const char *what, const char *name,
                                const char *expect, const char **s, char *err, size_t errlen)
{
	const json_t *v = json_object_get(obj, name);

	if (!v) {
		snprintf(err, errlen, "%s.%s: missing (%s)", what, name, expect);
		return KR_EINVAL;
	}
	if (!json_is_string(v)) {
		snprintf(err, errlen, "%s.%s: must be a string (%s), not %s", what, name, expect,
		         json_kind(v));
		return KR_EINVAL;
	}
	*s = json_string_value(v);
	return KR_OK;
}

enum kr_err assess_parse(const json_t *obj, const char *what, struct kr_assessment *out, char *err,
                         size_t errlen)
{
	static const char *const fields[] = {"scores", "maturity", "sector"};
	const char *key, *s = NULL;
	json_t *v;
	enum kr_err rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(obj)) {
		snprintf(err, errlen, "%s: must be an object {scores, maturity, sector}, not %s",
		         what, obj ? json_kind(obj) : "missing");
		return KR_EINVAL;
	}
	json_object_foreach((json_t *)obj, key, v)
	{
		bool known = false;

		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			known = known || strcmp(key, fields[i]) == 0;
		if (!known) {
			snprintf(
			    err, errlen,
			    "%s: unknown field '%.64s' (an assessment has scores, maturity and "
			    "sector)",
			    what, key);
			return KR_EFIELD;
		}
	}
	if (!json_object_get(obj, "scores")) {
		snprintf(err, errlen, "%s.scores: missing (a score for each directive 1 to 10)",
		         what);
		return KR_EINVAL;
	}
	rc = scores_parse(json_object_get(obj, "scores"), what, out->score, err, errlen);
	if (rc == KR_OK)
		rc = string_field(obj, what, "maturity", "A, B or C", &s, err, errlen);
	if (rc == KR_OK && (out->maturity = kr_maturity_parse(s)) == KR_MATURITY_NONE) {
		snprintf(err, errlen, "%s.maturity: unknown category '%.32s' (A, B or C)", what, s);
		rc = KR_ELABEL;
	}
	if (rc == KR_OK)
		rc = string_field(obj, what, "sector", "a sector code such as finance", &s, err,
		                  errlen);
	if (rc == KR_OK && (out->sector = kr_sector_parse(s)) == KR_SECTOR_NONE) {
		char list[256] = "";

		for (int i = 1; i <= KR_SECTOR_COUNT; i++) {
			size_t len = strlen(list);

			snprintf(list + len, sizeof(list) - len, "%s%s", i > 1 ? ", " : "",
			         kr_sector_name((enum kr_sector)i));
		}
		snprintf(err, errlen, "%s.sector: unknown sector '%.32s' (one of: %s)", what, s,
		         list);
		rc = KR_ELABEL;
	}
	if (rc != KR_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

json_t *assess_score_json(int tenths)
{
	return json_real((double)tenths / 10.0);
}

json_t *assess_scores_json(const int score[KR_DIRECTIVES])
{
	json_t *o = json_object();

	for (int d = 1; o && d <= KR_DIRECTIVES; d++) {
		char k[4];

		snprintf(k, sizeof(k), "%d", d);
		if (json_object_set_new(o, k, assess_score_json(score[d - 1])) != 0) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

json_t *assess_to_json(const struct kr_assessment *a)
{
	const char *m = kr_maturity_name(a->maturity), *sec = kr_sector_name(a->sector);

	if (!m || !sec)
		return NULL;
	return json_pack("{s:o, s:s, s:s}", "scores", assess_scores_json(a->score), "maturity", m,
	                 "sector", sec);
}
