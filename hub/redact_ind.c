/*
 * redact_ind.c - redact_indicators() (see redact.h): each indicator value is
 * folded and scanned by the same matchers as a text, and the matches decide
 * whether it points into the author's own organisation; its role decides
 * the rest. Kept indicators are deep copies, byte-identical.
 */
#include <stdlib.h>

#include "model.h"
#include "redact_int.h"
#include "utf8.h"

enum verdict { KEEP, OWN, VICTIM };

/* One indicator, checked. */
struct ind {
	const char *type;
	const char *value;
	size_t len;
	enum kr_ind_role role;
};

static enum kr_err ind_read(const json_t *o, struct ind *in)
{
	const json_t *t = json_object_get(o, "type"), *v = json_object_get(o, "value");
	const json_t *role = json_object_get(o, "role");

	if (!json_is_object(o) || !json_is_string(t) || !json_is_string(v))
		return KR_EINVAL;
	in->type = json_string_value(t);
	in->value = json_string_value(v);
	in->len = json_string_length(v);
	in->role = role ? kr_ind_role_parse(json_string_value(role)) : KR_INDROLE_UNKNOWN;
	if (kr_ind_type_parse(in->type) == KR_IND_NONE || in->role == KR_INDROLE_NONE ||
	    !kr_utf8_valid(in->value, in->len))
		return KR_EINVAL;
	return KR_OK;
}

/* What the matches in a value say, given the indicator's role. */
static enum verdict judge(const struct rd_spans *sp, enum kr_ind_role role)
{
	bool own = false, named = false;

	for (size_t i = 0; i < sp->n; i++) {
		switch (sp->v[i].kind) {
		case RK_DOMAIN:
		case RK_URL:
		case RK_INTERNAL_IP:
			own = true;
			break;
		case RK_EMAIL: /* an address alone says nothing about whose it is */
			break;
		default:
			named = true;
		}
	}
	if (own)
		return OWN;
	if (role == KR_INDROLE_VICTIM)
		return VICTIM;
	return role != KR_INDROLE_ATTACKER && named ? OWN : KEEP;
}

static enum kr_err classify(const struct kr_redactor *r, const struct ind *in, enum verdict *v)
{
	struct rd_folded fd = {0};
	struct rd_spans sp = {0};
	enum kr_err rc = rd_fold(in->value, in->len, &fd);

	if (rc == KR_OK)
		rc = rd_scan(r, &fd, &sp);
	if (rc == KR_OK)
		*v = judge(&sp, in->role);
	free(sp.v);
	rd_folded_free(&fd);
	return rc;
}

static json_t *finding(const struct ind *in, enum verdict v, size_t index)
{
	return json_pack("{s:s, s:s, s:I, s:i, s:i, s:s, s:s, s:s%}", "kind",
	                 v == OWN ? "own-indicator" : "victim-indicator", "field", "indicators",
	                 "offset", (json_int_t)index, "length", 1, "count", 1, "type", in->type,
	                 "role", kr_ind_role_name(in->role), "original", in->value, in->len);
}

/* Sort one indicator into kept or found. */
static enum kr_err one(const struct kr_redactor *r, const json_t *o, size_t index, json_t *kept,
                       json_t *found)
{
	enum verdict v = KEEP;
	struct ind in;
	enum kr_err rc = ind_read(o, &in);

	if (rc == KR_OK)
		rc = classify(r, &in, &v);
	if (rc != KR_OK)
		return rc;
	if (v == KEEP)
		return json_array_append_new(kept, json_deep_copy(o)) == 0 ? KR_OK : KR_EINTERNAL;
	return json_array_append_new(found, finding(&in, v, index)) == 0 ? KR_OK : KR_EINTERNAL;
}

enum kr_err redact_indicators(const struct kr_redactor *r, const json_t *indicators, json_t **kept,
                              json_t *findings)
{
	json_t *out = NULL, *found = NULL, *o;
	enum kr_err rc = KR_EINVAL;
	size_t i;

	if (kept)
		*kept = NULL;
	if (!r || !kept || (indicators && !json_is_array(indicators)) ||
	    (findings && !json_is_array(findings)))
		goto out;
	rc = KR_EINTERNAL;
	out = json_array();
	found = json_array();
	if (!out || !found)
		goto out;
	rc = KR_OK;
	json_array_foreach(indicators, i, o)
	{
		rc = one(r, o, i, out, found);
		if (rc != KR_OK)
			goto out;
	}
	if (findings && json_array_extend(findings, found) != 0) {
		rc = KR_EINTERNAL;
		goto out;
	}
	*kept = out;
	out = NULL;
out:
	json_decref(out);
	json_decref(found);
	return rc;
}
