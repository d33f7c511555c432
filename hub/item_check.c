/*
 * item_check.c - validation of an item's content fields, shared by `post`
 * and by moderators' edits (see item_check.h).
 */
#include "item_check.h"

#include <stdio.h>

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
    {"type", KR_F_STRING, true},
    {"value", KR_F_STRING, true},
    {"role", KR_F_STRING, false},
};

/* Check indicators and build their normalised copy (role always present). */
enum kr_err item_check_indicators(const json_t *in, json_t **out, char *err, size_t errlen)
{
	json_t *norm = json_array();
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
	json_array_foreach(in, i, ind)
	{
		char e[160];
		const char *type, *value, *role;
		size_t vlen;

		rc = kr_fields_check(ind, indicator_fields, NF(indicator_fields), false, e,
		                     sizeof(e));
		if (rc != KR_OK) {
			snprintf(err, errlen, "indicators[%zu]: %s", i, e);
			goto out;
		}
		type = json_string_value(json_object_get(ind, "type"));
		value = json_string_value(json_object_get(ind, "value"));
		vlen = json_string_length(json_object_get(ind, "value"));
		role = json_object_get(ind, "role")
		           ? json_string_value(json_object_get(ind, "role"))
		           : "unknown";
		if (!kr_ind_type_name(kr_ind_type_parse(type))) {
			snprintf(err, errlen, "indicators[%zu]: unknown indicator type '%.32s'", i,
			         type);
			rc = KR_ELABEL;
			goto out;
		}
		if (!kr_ind_role_name(kr_ind_role_parse(role))) {
			snprintf(
			    err, errlen,
			    "indicators[%zu]: unknown role '%.32s' (attacker, victim, unknown)", i,
			    role);
			rc = KR_ELABEL;
			goto out;
		}
		if (vlen == 0 || vlen > INDICATOR_MAX) {
			snprintf(err, errlen, "indicators[%zu]: value must be 1-%d bytes", i,
			         INDICATOR_MAX);
			rc = KR_EINVAL;
			goto out;
		}
		json_array_append_new(
		    norm, json_pack("{s:s, s:s, s:s}", "type", type, "value", value, "role", role));
	}
out:
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

enum kr_err item_check_edit(const json_t *edit, json_t **out, char *err, size_t errlen)
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
		rc = item_check_indicators(json_object_get(edit, "indicators"), &indicators, err,
		                           errlen);
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
