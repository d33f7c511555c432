/*
 * stix_out.c - STIX 2.1 objects for items, as a reader sees them (see
 * stix_out.h; markings, patterns, ids and bundles are common/stix.c).
 *
 * Per item, all with created and modified = the item's `created`, spec_version
 * 2.1 and object_marking_refs = [the TLP 2.0 marking of the item's TLP]:
 *
 *   identity      name = the item's pseudonym, identity_class organization
 *                 (every kairan author posts for a member organisation; the
 *                 pseudonym stands for it, never names it)
 *   report        name = title, description = body, published = created,
 *                 report_types [threat-report] for threats and alerts,
 *                 labels = tags (and severity:LEVEL for an alert),
 *                 external_references [{kairan, item id}], object_refs = its
 *                 indicators and vulnerabilities, else the identity
 *   indicator     one per indicator with a pattern: name = value, pattern,
 *                 pattern_type stix, pattern_version 2.1, valid_from = the
 *                 indicator's valid_from or else the item's created,
 *                 valid_until when it has one, indicator_types
 *                 [malicious-activity] for role attacker, [compromised] for
 *                 victim, labels = tags
 *   vulnerability one per cve indicator (STIX has no observable for a CVE):
 *                 name = the CVE id, external_references [{cve, id}]
 *
 * Ids are UUIDv5 of (item id, role[, type, value]), so the same item gives
 * the same objects every time. An indicator whose validity window has ended
 * at `now` is left out unless include_expired; one whose window is empty
 * (valid_until not after valid_from) or unreadable is always left out, since
 * STIX cannot express it and it never applied.
 */
#include "stix_out.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "indicator.h"
#include "stix.h"

/* What every object of one item shares. */
struct item_ctx {
	const char *item_id;
	char created[KR_STIX_TIME_LEN + 1];
	int64_t created_at;
	const char *marking;
	char identity[KR_STIX_ID_MAX];
	const json_t *tags;
};

/* {type, spec_version, id, created, modified[, created_by_ref], object_marking_refs} */
static json_t *base(const struct item_ctx *c, const char *type, const char *id, bool by)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s]}", "type", type, "spec_version",
	                      "2.1", "id", id, "created", c->created, "modified", c->created,
	                      "object_marking_refs", c->marking);

	if (o && by && json_object_set_new(o, "created_by_ref", json_string(c->identity)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static bool cve_id(const char *v, char out[32])
{
	size_t n = strlen(v), i;

	if (n < 13 || n >= 32 || strncasecmp(v, "CVE-", 4) != 0 || v[8] != '-')
		return false;
	for (i = 0; i < n; i++)
		out[i] = (char)toupper((unsigned char)v[i]);
	out[n] = '\0';
	for (i = 4; i < n; i++)
		if (i != 8 && !isdigit((unsigned char)v[i]))
			return false;
	return true;
}

/* The indicator's window as STIX times; false when it never applied. */
static bool window(const struct item_ctx *c, const json_t *ind, char from[KR_STIX_TIME_LEN + 1],
                   char until[KR_STIX_TIME_LEN + 1])
{
	const json_t *vf = json_object_get(ind, "valid_from"),
	             *vu = json_object_get(ind, "valid_until");
	int64_t f = c->created_at, u;

	until[0] = '\0';
	if (vf && !kr_stix_time_parse(json_string_value(vf), &f))
		return false;
	kr_stix_time_format(f, from);
	if (!vu)
		return true;
	if (!kr_stix_time_parse(json_string_value(vu), &u) || u <= f)
		return false;
	kr_stix_time_format(u, until);
	return true;
}

/* Append (once) the object for one indicator and its id to refs. */
static enum kr_err one_indicator(const struct item_ctx *c, const json_t *ind, json_t *objects,
                                 json_t *refs, json_t *seen)
{
	const char *type = json_string_value(json_object_get(ind, "type"));
	const char *value = json_string_value(json_object_get(ind, "value"));
	const char *role = json_string_value(json_object_get(ind, "role"));
	enum kr_ind_type t = kr_ind_type_parse(type);
	char id[KR_STIX_ID_MAX], cve[32], from[KR_STIX_TIME_LEN + 1], until[KR_STIX_TIME_LEN + 1];
	char *pattern = NULL;
	json_t *o = NULL;

	if (!value || t == KR_IND_NONE || !window(c, ind, from, until))
		return KR_OK;
	if (t == KR_IND_CVE) {
		const char *parts[] = {c->item_id, "vulnerability", cve};

		if (!cve_id(value, cve))
			return KR_OK;
		if (kr_stix_id(id, "vulnerability", parts, 3) != 0)
			return KR_EINTERNAL;
		if (json_object_get(seen, id))
			return KR_OK;
		o = base(c, "vulnerability", id, true);
		if (!o || json_object_set_new(o, "name", json_string(cve)) != 0 ||
		    json_object_set_new(
		        o, "external_references",
		        json_pack("[{s:s, s:s}]", "source_name", "cve", "external_id", cve)) != 0)
			goto oom;
	} else {
		const char *parts[] = {c->item_id, "indicator", type, value};

		pattern = kr_stix_pattern(t, value);
		if (!pattern)
			return KR_OK; /* not expressible (e.g. an ASN that is not a number) */
		if (kr_stix_id(id, "indicator", parts, 4) != 0)
			goto oom;
		if (json_object_get(seen, id)) {
			free(pattern);
			return KR_OK;
		}
		o = base(c, "indicator", id, true);
		if (!o || json_object_set_new(o, "name", json_string(value)) != 0 ||
		    json_object_set_new(o, "pattern", json_string(pattern)) != 0 ||
		    json_object_set_new(o, "pattern_type", json_string("stix")) != 0 ||
		    json_object_set_new(o, "pattern_version", json_string("2.1")) != 0 ||
		    json_object_set_new(o, "valid_from", json_string(from)) != 0 ||
		    (until[0] && json_object_set_new(o, "valid_until", json_string(until)) != 0))
			goto oom;
		if (role && (strcmp(role, "attacker") == 0 || strcmp(role, "victim") == 0) &&
		    json_object_set_new(o, "indicator_types",
		                        json_pack("[s]", strcmp(role, "attacker") == 0
		                                             ? "malicious-activity"
		                                             : "compromised")) != 0)
			goto oom;
		if (json_array_size(c->tags) &&
		    json_object_set(o, "labels", (json_t *)c->tags) != 0)
			goto oom;
	}
	free(pattern);
	if (json_object_set_new(seen, id, json_true()) != 0 ||
	    json_array_append_new(refs, json_string(id)) != 0 ||
	    json_array_append_new(objects, o) != 0)
		return KR_EINTERNAL;
	return KR_OK;
oom:
	free(pattern);
	json_decref(o);
	return KR_EINTERNAL;
}

static json_t *report(const struct item_ctx *c, const json_t *view, json_t *refs)
{
	const char *kind = json_string_value(json_object_get(view, "kind"));
	const char *body = json_string_value(json_object_get(view, "body"));
	const char *sev =
	    json_string_value(json_object_get(json_object_get(view, "alert"), "severity"));
	const char *parts[] = {c->item_id, "report"};
	char id[KR_STIX_ID_MAX];
	json_t *r, *labels = json_copy((json_t *)c->tags);

	if (!labels || kr_stix_id(id, "report", parts, 2) != 0) {
		json_decref(labels);
		return NULL;
	}
	if (sev)
		json_array_append_new(labels, json_sprintf("severity:%s", sev));
	r = base(c, "report", id, true);
	if (!r || json_object_set(r, "name", json_object_get(view, "title")) != 0 ||
	    (body && *body && json_object_set_new(r, "description", json_string(body)) != 0) ||
	    json_object_set_new(r, "published", json_string(c->created)) != 0 ||
	    json_object_set_new(r, "external_references",
	                        json_pack("[{s:s, s:s}]", "source_name", "kairan", "external_id",
	                                  c->item_id)) != 0 ||
	    json_object_set(r, "object_refs", refs) != 0)
		goto fail;
	if (kind && (strcmp(kind, "threat") == 0 || strcmp(kind, "alert") == 0) &&
	    json_object_set_new(r, "report_types", json_pack("[s]", "threat-report")) != 0)
		goto fail;
	if (json_array_size(labels) && json_object_set(r, "labels", labels) != 0)
		goto fail;
	json_decref(labels);
	return r;
fail:
	json_decref(labels);
	json_decref(r);
	return NULL;
}

enum kr_err stix_item_objects(const json_t *view, int64_t now, bool include_expired,
                              json_t *objects)
{
	struct item_ctx c = {0};
	const char *parts[2], *created = json_string_value(json_object_get(view, "created"));
	const char *pseudonym = json_string_value(json_object_get(view, "pseudonym"));
	const json_t *indicators = json_object_get(view, "indicators"), *ind;
	json_t *refs = NULL, *seen = NULL, *own = NULL, *o;
	enum kr_err rc = KR_EINTERNAL;
	size_t i;

	c.item_id = json_string_value(json_object_get(view, "id"));
	c.marking =
	    kr_stix_tlp_marking_id(kr_tlp_parse(json_string_value(json_object_get(view, "tlp"))));
	c.tags = json_object_get(view, "tags");
	if (!c.item_id || !c.marking || !pseudonym ||
	    !json_is_string(json_object_get(view, "title")) ||
	    !kr_stix_time_parse(created, &c.created_at) || (c.tags && !json_is_array(c.tags)) ||
	    !json_is_array(objects))
		return KR_EINVAL;
	kr_stix_time_format(c.created_at, c.created);
	parts[0] = c.item_id;
	parts[1] = "identity";
	if (kr_stix_id(c.identity, "identity", parts, 2) != 0)
		return KR_EINTERNAL;
	refs = json_array();
	seen = json_object();
	own = json_array(); /* this item's objects; appended to objects only when complete */
	if (!refs || !seen || !own)
		goto out;
	o = base(&c, "identity", c.identity, false);
	if (!o || json_object_set_new(o, "name", json_string(pseudonym)) != 0 ||
	    json_object_set_new(o, "identity_class", json_string("organization")) != 0 ||
	    json_object_set_new(o, "description",
	                        json_string("An anonymous author in kairan: a pseudonym that "
	                                    "stands for a member organisation")) != 0 ||
	    json_array_append_new(own, o) != 0)
		goto out;
	json_array_foreach(indicators, i, ind)
	{
		if (!include_expired && kr_ind_expired(ind, now))
			continue;
		rc = one_indicator(&c, ind, own, refs, seen);
		if (rc != KR_OK)
			goto out;
		rc = KR_EINTERNAL;
	}
	if (json_array_size(refs) == 0 && json_array_append_new(refs, json_string(c.identity)) != 0)
		goto out;
	o = report(&c, view, refs);
	/* report second, after its identity and before its indicators */
	if (!o || json_array_insert_new(own, 1, o) != 0)
		goto out;
	if (json_array_extend(objects, own) != 0)
		goto out;
	rc = KR_OK;
out:
	json_decref(refs);
	json_decref(seen);
	json_decref(own);
	return rc;
}

json_t *stix_marking_definition(enum kr_tlp tlp)
{
	return kr_stix_tlp_marking_object(tlp);
}

json_t *stix_bundle(json_t *objects)
{
	return kr_stix_bundle(objects);
}
