/*
 * handle_sight.c - `sight`: a member reports that its organisation saw an
 * indicator (or that it is a false positive) to one circle; `lookup`: what
 * the reader may learn about one indicator. Both answer with counts released
 * only under the k rule (correlate.h); neither names an organisation.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "correlate.h"
#include "handlers.h"
#include "indicator.h"
#include "server.h"
#include "store_sightings.h"
#include "txn.h"

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct kr_field indicator_fields[] = {
    {"type", KR_F_STRING, true},
    {"value", KR_F_STRING, true},
};

#define VALUE_MAX 2048 /* as in post (item_check.c) */

/*
 * Validate and normalise the message's `indicator` by the rules posts follow
 * (common/indicator.h). *out: a new {type, value} object with the normalised
 * value.
 */
static enum kr_err indicator_arg(const json_t *msg, json_t **out, char *err, size_t errlen)
{
	const json_t *in = json_object_get(msg, "indicator");
	const char *type_name, *value;
	char norm[VALUE_MAX + KR_IND_OUT_EXTRA], why[160], e[224];
	enum kr_ind_type type;
	size_t len;
	enum kr_err rc;

	*out = NULL;
	rc = kr_fields_check(in, indicator_fields, NF(indicator_fields), true, e, sizeof(e));
	if (rc != KR_OK) {
		snprintf(err, errlen, "indicator: %s", e);
		return rc;
	}
	type_name = json_string_value(json_object_get(in, "type"));
	value = json_string_value(json_object_get(in, "value"));
	len = json_string_length(json_object_get(in, "value"));
	type = kr_ind_type_parse(type_name);
	if (type == KR_IND_NONE) {
		snprintf(err, errlen, "indicator: unknown indicator type '%.32s'", type_name);
		return KR_ELABEL;
	}
	if (len == 0 || len > VALUE_MAX) {
		snprintf(err, errlen, "indicator: value must be 1-%d bytes", VALUE_MAX);
		return KR_EINVAL;
	}
	rc = kr_ind_normalise(type, value, len, norm, sizeof(norm), why, sizeof(why));
	if (rc != KR_OK) {
		snprintf(err, errlen, "indicator: %s '%.64s': %s", type_name, value, why);
		return rc == KR_ETOOLARGE ? KR_EINVAL : rc;
	}
	*out = json_pack("{s:s, s:s}", "type", type_name, "value", norm);
	return *out ? KR_OK : KR_EINTERNAL;
}

static const struct kr_field sight_fields[] = {
    {"circle", KR_F_STRING, true},
    {"indicator", KR_F_OBJECT, true},
    {"false_positive", KR_F_BOOL, false},
};

KR_HANDLER(handle_sight)
{
	const char *key = json_string_value(json_object_get(env->msg, "circle"));
	bool fp = json_is_true(json_object_get(env->msg, "false_positive"));
	const struct kr_acl_circle *c;
	json_t *ind = NULL, *agg = NULL;
	int64_t circle_id;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, sight_fields, NF(sight_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = handler_circle(s, key, &circle_id, err, errlen);
	if (rc != KR_OK)
		return rc;
	c = acl_circle(s->srv->acl, circle_id);
	if (policy_may_sight(&s->reader, circle_id, c->policy) != KR_OK) {
		snprintf(err, errlen, "your role in '%.64s' may not report sightings", key);
		return KR_EFORBIDDEN;
	}
	rc = indicator_arg(env->msg, &ind, err, errlen);
	if (rc == KR_OK) {
		/* Audited with the circle and the indicator's type only: never its
		 * value (what an organisation saw is for the k rule to release). */
		rc = txn_begin(s->srv);
		if (rc == KR_OK)
			rc = store_sighting_add(s->srv->store, circle_id, s->reader.org_id,
			                        s->user_id,
			                        json_string_value(json_object_get(ind, "type")),
			                        json_string_value(json_object_get(ind, "value")),
			                        fp, (int64_t)time(NULL));
		rc = txn_end(s->srv, rc, s->user_id, "sight", key,
		             json_pack("{s:s, s:s, s:b}", "circle", key, "type",
		                       json_string_value(json_object_get(ind, "type")),
		                       "false_positive", fp));
		if (rc != KR_OK && !err[0])
			snprintf(err, errlen, "%s",
			         txn_error_text(s->srv, "the sighting could not be stored"));
	}
	if (rc == KR_OK)
		rc = correlate_sightings(s, circle_id,
		                         json_string_value(json_object_get(ind, "type")),
		                         json_string_value(json_object_get(ind, "value")), &agg);
	if (rc == KR_OK)
		session_reply(s, json_pack("{s:s, s:s?, s:s, s:O, s:b, s:o}", "type", "sighted",
		                           "ref", env->id, "circle", key, "indicator", ind,
		                           "false_positive", fp, "sightings", agg));
	json_decref(ind);
	return rc;
}

static const struct kr_field lookup_fields[] = {
    {"indicator", KR_F_OBJECT, true},
};

KR_HANDLER(handle_lookup)
{
	json_t *ind = NULL, *result = NULL;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, lookup_fields, NF(lookup_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = indicator_arg(env->msg, &ind, err, errlen);
	if (rc == KR_OK)
		rc = correlate_lookup(s, json_string_value(json_object_get(ind, "type")),
		                      json_string_value(json_object_get(ind, "value")), &result);
	if (rc == KR_OK) {
		json_object_set_new(result, "type", json_string("lookup"));
		if (env->id)
			json_object_set_new(result, "ref", json_string(env->id));
		json_object_set(result, "indicator", ind);
		session_reply(s, result);
	}
	json_decref(ind);
	return rc;
}
