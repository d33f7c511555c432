/*
 * proto.c - envelope parsing, field checking and reply builders (see proto.h).
 */
#include "proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static const char *ftype_name(enum kr_ftype t)
{
	switch (t) {
	case KR_F_STRING:
		return "a string";
	case KR_F_INT:
		return "an integer";
	case KR_F_BOOL:
		return "a boolean";
	case KR_F_ARRAY:
		return "an array";
	case KR_F_OBJECT:
		return "an object";
	}
	return "?";
}

static bool ftype_matches(const json_t *v, enum kr_ftype t)
{
	switch (t) {
	case KR_F_STRING:
		return json_is_string(v);
	case KR_F_INT:
		return json_is_integer(v);
	case KR_F_BOOL:
		return json_is_boolean(v);
	case KR_F_ARRAY:
		return json_is_array(v);
	case KR_F_OBJECT:
		return json_is_object(v);
	}
	return false;
}

/* Copy a usable id out of a rejected message so the error can carry it. */
static const char *recover_id(const json_t *msg, char idbuf[KR_ID_MAX + 1])
{
	const json_t *id = json_object_get(msg, "id");
	size_t n;

	if (!json_is_string(id))
		return NULL;
	n = json_string_length(id);
	if (n == 0 || n > KR_ID_MAX)
		return NULL;
	memcpy(idbuf, json_string_value(id), n);
	idbuf[n] = '\0';
	return idbuf;
}

enum kr_err kr_envelope_parse(const char *buf, size_t len, struct kr_envelope *env,
                              char idbuf[KR_ID_MAX + 1], char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *msg = NULL, *type, *id;
	enum kr_err rc;

	memset(env, 0, sizeof(*env));
	if (!kr_utf8_valid(buf, len)) {
		snprintf(err, errlen, "frame is not valid UTF-8");
		return KR_EUTF8;
	}
	msg = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!msg) {
		snprintf(err, errlen, "malformed JSON at position %d: %s", jerr.position,
		         jerr.text);
		return KR_EJSON;
	}
	if (!json_is_object(msg)) {
		snprintf(err, errlen, "a message must be a JSON object");
		rc = KR_EJSON;
		goto fail;
	}
	env->id = recover_id(msg, idbuf);
	id = json_object_get(msg, "id");
	if (id && !env->id) {
		snprintf(err, errlen, "field 'id' must be a string of 1-%d characters", KR_ID_MAX);
		rc = KR_EINVAL;
		goto fail;
	}
	type = json_object_get(msg, "type");
	if (!json_is_string(type)) {
		snprintf(err, errlen, "field 'type' is required and must be a string");
		rc = KR_EINVAL;
		goto fail;
	}
	env->msg = msg;
	env->type = json_string_value(type);
	env->id = id ? json_string_value(id) : NULL;
	return KR_OK;
fail:
	json_decref(msg);
	return rc;
}

void kr_envelope_clear(struct kr_envelope *env)
{
	json_decref(env->msg);
	memset(env, 0, sizeof(*env));
}

enum kr_err kr_fields_check(const json_t *obj, const struct kr_field *spec, size_t n, bool envelope,
                            char *err, size_t errlen)
{
	const char *key;
	json_t *val;

	if (!json_is_object(obj)) {
		snprintf(err, errlen, "expected an object");
		return KR_EINVAL;
	}
	json_object_foreach((json_t *)obj, key, val)
	{
		bool known = envelope && (strcmp(key, "type") == 0 || strcmp(key, "id") == 0);

		for (size_t i = 0; i < n && !known; i++) {
			if (strcmp(spec[i].name, key) != 0)
				continue;
			known = true;
			if (!ftype_matches(val, spec[i].type)) {
				snprintf(err, errlen, "field '%s' must be %s", key,
				         ftype_name(spec[i].type));
				return KR_EINVAL;
			}
		}
		if (!known) {
			snprintf(err, errlen, "unknown field '%.64s'", key);
			return KR_EFIELD;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (spec[i].required && !json_object_get(obj, spec[i].name)) {
			snprintf(err, errlen, "field '%s' is required", spec[i].name);
			return KR_EINVAL;
		}
	}
	return KR_OK;
}

json_t *kr_msg_reply(const char *type, const char *ref)
{
	return json_pack("{s:s, s:s?}", "type", type, "ref", ref);
}

json_t *kr_msg_error(const char *ref, enum kr_err e, const char *message)
{
	return json_pack("{s:s, s:s?, s:s, s:s}", "type", "error", "ref", ref, "code",
	                 kr_err_code(e), "message", message ? message : kr_err_code(e));
}

/* Reals (benchmark means, one decimal) print as 3.2, not 3.2000000000000002. */
#define DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

char *kr_msg_dump(const json_t *msg, size_t pre, size_t *len)
{
	size_t n = json_dumpb(msg, NULL, 0, DUMP_FLAGS);
	char *buf;

	if (n == 0)
		return NULL;
	buf = malloc(pre + n + 1);
	if (!buf)
		return NULL;
	if (json_dumpb(msg, buf + pre, n, DUMP_FLAGS) != n) {
		free(buf);
		return NULL;
	}
	buf[pre + n] = '\0';
	*len = n;
	return buf;
}
