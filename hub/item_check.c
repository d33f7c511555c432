/*
 * item_check.c - validation of an item's content fields, shared by `post`
 * and by moderators' edits (see item_check.h).
 */
#include "item_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "practice.h"
#include "utf8.h"

#define TITLE_MAX_CHARS 200
#define BODY_MAX_BYTES  65536
#define INDICATORS_MAX  1000
#define INDICATOR_MAX   2048
#define TAGS_MAX        32
#define TAG_MAX         64

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct kr_field indicator_fields[] = {
    {"type", KR_F_STRING, true},         {"value", KR_F_STRING, true},
    {"role", KR_F_STRING, false},        {"valid_from", KR_F_STRING, false},
    {"valid_until", KR_F_STRING, false},
};

/* "indicators[i]: TYPE 'VALUE': " for an error about one value (quoted as
 * given, at most 64 bytes, never splitting a character). */
static void value_err(char *err, size_t errlen, size_t i, const char *type, const char *value,
                      size_t len, const char *why)
{
	size_t cut = kr_utf8_cut(value, len, 64);

	snprintf(err, errlen, "indicators[%zu]: %s '%.*s%s': %s", i, type, (int)cut, value,
	         cut < len ? "…" : "", why);
	kr_utf8_tidy(err);
}

/* The validity window of indicator i: both ends well-formed, until after from. */
static enum kr_err check_window(const json_t *ind, size_t i, char *err, size_t errlen)
{
	static const char *const ends[] = {"valid_from", "valid_until"};
	int64_t t[2] = {0, 0};
	char why[160];

	for (int k = 0; k < 2; k++) {
		const char *v = json_string_value(json_object_get(ind, ends[k]));

		if (v && kr_ind_time_parse(v, &t[k], why, sizeof(why)) != KR_OK) {
			snprintf(err, errlen, "indicators[%zu]: %s '%.*s': %s", i, ends[k],
			         (int)kr_utf8_cut(v, strlen(v), 40), v, why);
			return KR_EINVAL;
		}
	}
	if (json_object_get(ind, ends[0]) && json_object_get(ind, ends[1]) && t[1] <= t[0]) {
		snprintf(err, errlen, "indicators[%zu]: valid_until must be after valid_from", i);
		return KR_EINVAL;
	}
	return KR_OK;
}

/* One indicator, checked and normalised into *out. */
static enum kr_err check_one(const json_t *ind, size_t i, const struct kr_ind_benign *benign,
                             json_t **out, char *err, size_t errlen)
{
	char e[160], norm[INDICATOR_MAX + KR_IND_OUT_EXTRA];
	const char *type, *value, *role, *why;
	enum kr_ind_type t;
	size_t vlen;
	enum kr_err rc;

	if (json_is_object(ind) && json_object_get(ind, "benign")) {
		snprintf(err, errlen,
		         "indicators[%zu]: 'benign' is set by the hub (from its built-in and "
		         "operator lists), not by the poster",
		         i);
		return KR_EFIELD;
	}
	rc = kr_fields_check(ind, indicator_fields, NF(indicator_fields), false, e, sizeof(e));
	if (rc != KR_OK) {
		snprintf(err, errlen, "indicators[%zu]: %s", i, e);
		return rc;
	}
	type = json_string_value(json_object_get(ind, "type"));
	value = json_string_value(json_object_get(ind, "value"));
	vlen = json_string_length(json_object_get(ind, "value"));
	role = json_object_get(ind, "role") ? json_string_value(json_object_get(ind, "role"))
	                                    : "unknown";
	t = kr_ind_type_parse(type);
	if (!kr_ind_type_name(t)) {
		snprintf(
		    err, errlen,
		    "indicators[%zu]: unknown indicator type '%.32s' (ipv4, ipv6, cidr, domain, "
		    "url, email, md5, sha1, sha256, sha512, cve, asn)",
		    i, type);
		return KR_ELABEL;
	}
	if (!kr_ind_role_name(kr_ind_role_parse(role))) {
		snprintf(err, errlen,
		         "indicators[%zu]: unknown role '%.32s' (attacker, victim, unknown)", i,
		         role);
		return KR_ELABEL;
	}
	if (vlen == 0 || vlen > INDICATOR_MAX) {
		snprintf(err, errlen, "indicators[%zu]: value must be 1-%d bytes", i,
		         INDICATOR_MAX);
		return KR_EINVAL;
	}
	rc = kr_ind_normalise(t, value, vlen, norm, sizeof(norm), e, sizeof(e));
	if (rc != KR_OK) {
		value_err(err, errlen, i, type, value, vlen,
		          rc == KR_EINVAL ? e : "too long once normalised");
		return KR_EINVAL;
	}
	rc = check_window(ind, i, err, errlen);
	if (rc != KR_OK)
		return rc;
	*out = json_pack("{s:s, s:s, s:s}", "type", type, "value", norm, "role", role);
	if (!*out)
		return KR_EINTERNAL;
	if (json_object_get(ind, "valid_from"))
		json_object_set(*out, "valid_from", json_object_get(ind, "valid_from"));
	if (json_object_get(ind, "valid_until"))
		json_object_set(*out, "valid_until", json_object_get(ind, "valid_until"));
	why = kr_ind_benign_reason(benign, t, norm);
	if (why && json_object_set_new(*out, "benign", json_string(why)) != 0) {
		json_decref(*out);
		*out = NULL;
		return KR_EINTERNAL;
	}
	return KR_OK;
}

/* Where, among the kept indicators, one says the same value; -1 if none. */
static long find_same_value(const json_t *kept, const json_t *ind)
{
	const json_t *k;
	size_t j;

	json_array_foreach(kept, j, k)
	{
		if (kr_ind_same_value(k, ind))
			return (long)j;
	}
	return -1;
}

/* Check indicators and build their normalised copy (role always present). */
enum kr_err item_check_indicators(const json_t *in, const struct kr_ind_benign *benign,
                                  json_t **out, char *err, size_t errlen)
{
	json_t *norm = json_array();
	size_t *from = NULL; /* input position of each kept indicator */
	const json_t *ind;
	size_t i;
	enum kr_err rc = KR_OK;

	if (!norm)
		return KR_EINTERNAL;
	if (json_array_size(in) > INDICATORS_MAX) {
		snprintf(err, errlen, "at most %d indicators per item", INDICATORS_MAX);
		rc = KR_EINVAL;
		goto out;
	}
	from = malloc((json_array_size(in) + 1) * sizeof(*from));
	if (!from) {
		rc = KR_EINTERNAL;
		goto out;
	}
	json_array_foreach(in, i, ind)
	{
		json_t *one = NULL;
		long j;

		rc = check_one(ind, i, benign, &one, err, errlen);
		if (rc != KR_OK)
			goto out;
		j = find_same_value(norm, one);
		if (j >= 0 && kr_ind_same(json_array_get(norm, (size_t)j), one)) {
			json_decref(one); /* the same indicator again: merged */
			continue;
		}
		if (j >= 0) {
			const char *v = json_string_value(json_object_get(one, "value"));

			snprintf(err, errlen,
			         "indicators[%zu]: %s '%.*s' repeats indicators[%zu] with a "
			         "different role or validity window",
			         i, json_string_value(json_object_get(one, "type")),
			         (int)kr_utf8_cut(v, strlen(v), 64), v, from[j]);
			kr_utf8_tidy(err);
			json_decref(one);
			rc = KR_EINVAL;
			goto out;
		}
		from[json_array_size(norm)] = i;
		if (json_array_append_new(norm, one) != 0) {
			rc = KR_EINTERNAL;
			goto out;
		}
	}
out:
	free(from);
	if (rc == KR_OK)
		*out = norm;
	else
		json_decref(norm);
	return rc;
}

enum kr_err item_check_tags(const json_t *tags, char *err, size_t errlen)
{
	const json_t *t;
	size_t i;

	if (json_array_size(tags) > TAGS_MAX) {
		snprintf(err, errlen, "at most %d tags per item", TAGS_MAX);
		return KR_EINVAL;
	}
	json_array_foreach(tags, i, t)
	{
		if (!json_is_string(t) || json_string_length(t) == 0 ||
		    json_string_length(t) > TAG_MAX) {
			snprintf(err, errlen, "tags[%zu] must be a string of 1-%d bytes", i,
			         TAG_MAX);
			return KR_EINVAL;
		}
	}
	return KR_OK;
}

enum kr_err item_check_text(const json_t *item, bool required, char *err, size_t errlen)
{
	const json_t *title = json_object_get(item, "title");
	const json_t *body = json_object_get(item, "body");
	size_t chars = kr_utf8_count(json_string_value(title), json_string_length(title));

	if ((title || required) && (chars == 0 || chars > TITLE_MAX_CHARS)) {
		snprintf(err, errlen, "title must be 1-%d characters", TITLE_MAX_CHARS);
		return KR_EINVAL;
	}
	if (json_string_length(body) > BODY_MAX_BYTES) {
		snprintf(err, errlen, "body must be at most %d bytes", BODY_MAX_BYTES);
		return KR_EINVAL;
	}
	return KR_OK;
}

static const struct kr_field edit_fields[] = {
    {"title", KR_F_STRING, false},     {"body", KR_F_STRING, false},
    {"indicators", KR_F_ARRAY, false}, {"tags", KR_F_ARRAY, false},
    {"practice", KR_F_OBJECT, false},
};

enum kr_err item_check_edit(const json_t *edit, const struct kr_ind_benign *benign, json_t **out,
                            char *err, size_t errlen)
{
	json_t *norm = NULL, *indicators = NULL, *practice = NULL;
	enum kr_err rc;

	*out = NULL;
	rc = kr_fields_check(edit, edit_fields, NF(edit_fields), false, err, errlen);
	if (rc == KR_OK && json_object_size(edit) == 0) {
		snprintf(err, errlen,
		         "edit must change at least one of title, body, indicators, tags, "
		         "practice");
		rc = KR_EINVAL;
	}
	if (rc == KR_OK)
		rc = item_check_text(edit, false, err, errlen);
	if (rc == KR_OK)
		rc = item_check_tags(json_object_get(edit, "tags"), err, errlen);
	if (rc == KR_OK && json_object_get(edit, "indicators"))
		rc = item_check_indicators(json_object_get(edit, "indicators"), benign, &indicators,
		                           err, errlen);
	if (rc == KR_OK && json_object_get(edit, "practice"))
		rc = practice_check_edit(json_object_get(edit, "practice"), &practice, err, errlen);
	if (rc != KR_OK)
		goto out;
	norm = json_copy((json_t *)edit);
	if (!norm || (indicators && json_object_set(norm, "indicators", indicators) != 0) ||
	    (practice && json_object_set(norm, "practice", practice) != 0)) {
		rc = KR_EINTERNAL;
		goto out;
	}
	*out = norm;
	norm = NULL;
out:
	json_decref(norm);
	json_decref(indicators);
	json_decref(practice);
	return rc;
}

static const struct kr_field alert_fields[] = {
    {"severity", KR_F_STRING, true},
    {"references", KR_F_ARRAY, false},
    {"affected_products", KR_F_ARRAY, false},
    {"recommended_action", KR_F_STRING, false},
};

#define ALERT_LIST_MAX   32
#define ALERT_ENTRY_MAX  256
#define ALERT_ACTION_MAX 4096

static enum kr_err check_list(const json_t *list, const char *name, char *err, size_t errlen)
{
	const json_t *v;
	size_t i;

	if (json_array_size(list) > ALERT_LIST_MAX) {
		snprintf(err, errlen, "alert.%s: at most %d entries", name, ALERT_LIST_MAX);
		return KR_EINVAL;
	}
	json_array_foreach(list, i, v)
	{
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > ALERT_ENTRY_MAX) {
			snprintf(err, errlen, "alert.%s[%zu] must be a string of 1-%d bytes", name,
			         i, ALERT_ENTRY_MAX);
			return KR_EINVAL;
		}
	}
	return KR_OK;
}

enum kr_err item_check_alert(enum kr_kind kind, const json_t *alert, char *err, size_t errlen)
{
	const json_t *sev = json_object_get(alert, "severity");
	const json_t *action = json_object_get(alert, "recommended_action");
	enum kr_err rc;

	if (kind != KR_KIND_ALERT) {
		if (!alert)
			return KR_OK;
		snprintf(err, errlen, "only alerts carry an 'alert' object");
		return KR_EINVAL;
	}
	if (!alert) {
		snprintf(err, errlen, "an alert needs an 'alert' object with its severity");
		return KR_EINVAL;
	}
	rc = kr_fields_check(alert, alert_fields, NF(alert_fields), false, err, errlen);
	if (rc != KR_OK)
		return rc;
	if (!kr_severity_name(kr_severity_parse(json_string_value(sev)))) {
		snprintf(err, errlen,
		         "alert.severity: unknown severity '%.32s' (info, low, medium, "
		         "high, critical)",
		         json_string_value(sev));
		return KR_ELABEL;
	}
	if (action && json_string_length(action) > ALERT_ACTION_MAX) {
		snprintf(err, errlen, "alert.recommended_action: at most %d bytes",
		         ALERT_ACTION_MAX);
		return KR_EINVAL;
	}
	rc = check_list(json_object_get(alert, "references"), "references", err, errlen);
	return rc == KR_OK ? check_list(json_object_get(alert, "affected_products"),
	                                "affected_products", err, errlen)
	                   : rc;
}
