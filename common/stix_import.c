/*
 * stix_import.c - a STIX 2.1 bundle as kairan posts (see stix_import.h).
 */
#include "stix_import.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "stix.h"
#include "utf8.h"

#define TITLE_MAX      200   /* characters */
#define BODY_MAX       65536 /* bytes */
#define INDICATORS_MAX 1000
#define TAGS_MAX       32
#define TAG_MAX        64 /* bytes */

struct imp {
	const char *circle;
	json_t *index; /* id -> object (borrowed from the bundle) */
	json_t *used;  /* ids of indicators and vulnerabilities some report refers to */
	json_t *posts, *notes;
	char *err;
	size_t errlen;
	bool oom; /* the failure was running out of memory, not the bundle */
};

/* One item being built: its indicators (deduplicated) and TLP so far. */
struct post {
	json_t *indicators;
	json_t *seen; /* "type\nvalue" -> true */
	enum kr_tlp tlp;
};

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The message of a refusal: "ID: what". Values quoted with "%.80s" may be
 * cut inside a character: what is left of it is removed, so the message
 * stays text. Running out of memory is told apart by the flag, never by
 * the text (an id may well contain "out of memory"). */
static bool bad(struct imp *im, const char *id, const char *fmt, const char *a, const char *b)
{
	char what[400];

	if (strcmp(fmt, "out of memory") == 0)
		im->oom = true;
	snprintf(what, sizeof(what), fmt, a ? a : "", b ? b : "");
	snprintf(im->err, im->errlen, "%.80s: %s", id ? id : "(no id)", what);
	kr_utf8_scrub(im->err);
	return false;
}

static bool note(struct imp *im, const char *fmt, const char *a, const char *b)
{
	char text[400];

	snprintf(text, sizeof(text), fmt, a ? a : "", b ? b : "");
	kr_utf8_scrub(text); /* json_string() takes only UTF-8 */
	if (json_array_append_new(im->notes, json_string(text)) == 0)
		return true;
	im->oom = true;
	snprintf(im->err, im->errlen, "out of memory");
	return false;
}

/*
 * The TLP an object's markings give (KR_TLP_NONE when it has none). Fails
 * on markings that are not TLP, granular markings and contradictions.
 */
static bool object_tlp(struct imp *im, const json_t *o, enum kr_tlp *tlp)
{
	const char *id = str(o, "id");
	const json_t *refs = json_object_get(o, "object_marking_refs"), *ref;
	size_t i;

	*tlp = KR_TLP_NONE;
	if (json_object_get(o, "granular_markings"))
		return bad(im, id, "granular markings are not supported (mark the whole object)",
		           NULL, NULL);
	if (refs && !json_is_array(refs))
		return bad(im, id, "object_marking_refs must be a list", NULL, NULL);
	json_array_foreach(refs, i, ref)
	{
		enum kr_tlp t = kr_stix_tlp_from_marking(json_string_value(ref), NULL);

		if (t == KR_TLP_NONE)
			return bad(
			    im, id,
			    "unknown marking definition '%.80s' (kairan accepts the TLP 1.0 and "
			    "TLP 2.0 marking definitions only)",
			    json_is_string(ref) ? json_string_value(ref) : "(not a string)", NULL);
		if (*tlp != KR_TLP_NONE && *tlp != t)
			return bad(im, id, "carries two different TLP markings (%s and %s)",
			           kr_tlp_name(*tlp), kr_tlp_name(t));
		*tlp = t;
	}
	return true;
}

/* Merge an object's TLP into the post's: the most restrictive wins. */
static bool post_tlp(struct imp *im, struct post *p, const json_t *o)
{
	enum kr_tlp t;

	if (!object_tlp(im, o, &t))
		return false;
	if (t > p->tlp) /* the enum runs from CLEAR to RED */
		p->tlp = t;
	return true;
}

static bool add_indicator(struct imp *im, struct post *p, const char *type, const char *value,
                          const char *role, const char *id)
{
	char *key;
	size_t n = strlen(type) + strlen(value) + 2;
	bool ok;

	key = malloc(n);
	if (!key)
		return bad(im, id, "out of memory", NULL, NULL);
	snprintf(key, n, "%s\n%s", type, value);
	ok = true;
	if (!json_object_get(p->seen, key)) {
		if (json_array_size(p->indicators) == INDICATORS_MAX)
			ok = bad(im, id, "more than 1000 indicators for one item", NULL, NULL);
		else if (json_object_set_new(p->seen, key, json_true()) != 0 ||
		         json_array_append_new(p->indicators,
		                               json_pack("{s:s, s:s, s:s}", "type", type, "value",
		                                         value, "role", role)) != 0)
			ok = bad(im, id, "out of memory", NULL, NULL);
	}
	free(key);
	return ok;
}

/* The kairan role an indicator's indicator_types imply. */
static const char *indicator_role(const json_t *o)
{
	const json_t *t;
	size_t i;
	bool attacker = false, victim = false;

	json_array_foreach(json_object_get(o, "indicator_types"), i, t)
	{
		const char *s = json_string_value(t);

		if (!s)
			continue;
		if (strcmp(s, "malicious-activity") == 0 || strcmp(s, "attribution") == 0 ||
		    strcmp(s, "anonymization") == 0)
			attacker = true;
		else if (strcmp(s, "compromised") == 0)
			victim = true;
	}
	if (attacker && !victim)
		return "attacker";
	if (victim && !attacker)
		return "victim";
	return "unknown";
}

static bool from_indicator(struct imp *im, struct post *p, const json_t *o)
{
	const char *id = str(o, "id"), *ptype = str(o, "pattern_type"), *role = indicator_role(o);
	char perr[200];
	json_t *inds = NULL, *ind;
	size_t i;
	bool ok = true;

	if (!ptype || strcmp(ptype, "stix") != 0)
		return bad(im, id, "pattern_type '%.40s' is not supported (only stix patterns)",
		           ptype ? ptype : "(none)", NULL);
	if (!str(o, "pattern"))
		return bad(im, id, "has no pattern", NULL, NULL);
	if (kr_stix_pattern_parse(str(o, "pattern"), &inds, perr, sizeof(perr)) != KR_OK)
		return bad(im, id, "unsupported pattern: %s", perr, NULL);
	json_array_foreach(inds, i, ind)
	{
		if (!(ok = add_indicator(im, p, str(ind, "type"), str(ind, "value"), role, id)))
			break;
	}
	json_decref(inds);
	return ok && post_tlp(im, p, o);
}

static bool cve_like(const char *s)
{
	size_t n = 0;

	if (!s || strncasecmp(s, "CVE-", 4) != 0)
		return false;
	s += 4;
	for (n = 0; isdigit((unsigned char)s[n]); n++)
		;
	if (n != 4 || s[4] != '-')
		return false;
	s += 5;
	for (n = 0; isdigit((unsigned char)s[n]); n++)
		;
	return n >= 4 && n <= 19 && s[n] == '\0';
}

static bool from_vulnerability(struct imp *im, struct post *p, const json_t *o)
{
	const char *id = str(o, "id"), *cve = NULL;
	const json_t *ref;
	char upper[32];
	size_t i;

	if (cve_like(str(o, "name")))
		cve = str(o, "name");
	json_array_foreach(json_object_get(o, "external_references"), i, ref)
	{
		const char *src = str(ref, "source_name");

		if (!cve && src && strcasecmp(src, "cve") == 0 && cve_like(str(ref, "external_id")))
			cve = str(ref, "external_id");
	}
	if (!cve)
		return bad(im, id, "has no CVE id (in its name or an external reference 'cve')",
		           NULL, NULL);
	for (i = 0; cve[i] && i + 1 < sizeof(upper); i++)
		upper[i] = (char)toupper((unsigned char)cve[i]);
	upper[i] = '\0';
	return add_indicator(im, p, "cve", upper, "unknown", id) && post_tlp(im, p, o);
}

/* Characters (code points) in UTF-8 text. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The byte length of the first max characters of s. */
static size_t utf8_prefix(const char *s, size_t max)
{
	size_t n = 0, i = 0;

	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max)
			break;
	}
	return i;
}

/* Finish one item: title, body, tags and TLP checks; append it to posts. */
static bool emit(struct imp *im, const char *id, struct post *p, const char *name,
                 const char *description, json_t *tags)
{
	json_t *item;
	char *title = NULL, *body = NULL;
	size_t dlen = description ? strlen(description) : 0;
	bool ok = false;

	if (p->tlp == KR_TLP_NONE)
		return bad(im, id, "has no TLP marking (kairan never guesses a TLP)", NULL, NULL);
	if (p->tlp == KR_TLP_RED)
		return bad(im, id,
		           "is TLP:RED: import posts no RED items (a RED item needs named "
		           "recipients: post it with kairan post)",
		           NULL, NULL);
	if (utf8_chars(name) > TITLE_MAX) {
		size_t cut = utf8_prefix(name, TITLE_MAX - 1), nl = strlen(name);

		title = malloc(cut + 4);
		body = malloc(nl + 2 + dlen + 1);
		if (!title || !body)
			goto oom;
		memcpy(title, name, cut);
		memcpy(title + cut, "\xe2\x80\xa6", 4); /* … */
		snprintf(body, nl + 2 + dlen + 1, "%s%s%s", name, dlen ? "\n\n" : "",
		         dlen ? description : "");
	} else {
		title = strdup(name);
		body = strdup(description ? description : "");
		if (!title || !body)
			goto oom;
	}
	if (strlen(body) > BODY_MAX) {
		bad(im, id, "description is over 65,536 bytes", NULL, NULL);
		goto out;
	}
	item = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:O}", "kind", "threat", "circle",
	                 im->circle, "tlp", kr_tlp_name(p->tlp), "title", title, "body", body,
	                 "indicators", p->indicators, "tags", tags);
	if (!item || json_array_append_new(im->posts, item) != 0)
		goto oom;
	ok = true;
	goto out;
oom:
	bad(im, id, "out of memory", NULL, NULL);
out:
	free(title);
	free(body);
	return ok;
}

static bool report_tags(struct imp *im, const json_t *r, json_t *tags)
{
	const char *id = str(r, "id");
	const json_t *l;
	size_t i;

	if (json_array_size(json_object_get(r, "labels")) > TAGS_MAX)
		return bad(im, id, "has more than 32 labels (kairan keeps at most 32 tags)", NULL,
		           NULL);
	json_array_foreach(json_object_get(r, "labels"), i, l)
	{
		size_t n = json_string_length(l);

		if (!json_is_string(l) || n == 0 || n > TAG_MAX)
			return bad(im, id, "label '%.80s' must be 1-64 bytes", json_string_value(l),
			           NULL);
		if (json_array_append(tags, (json_t *)l) != 0)
			return bad(im, id, "out of memory", NULL, NULL);
	}
	return true;
}

static bool is_type(const json_t *o, const char *type)
{
	const char *t = str(o, "type");

	return t && strcmp(t, type) == 0;
}

static bool is_revoked(const json_t *o)
{
	return json_is_true(json_object_get(o, "revoked"));
}

static bool from_report(struct imp *im, const json_t *r)
{
	const char *id = str(r, "id"), *name = str(r, "name");
	struct post p = {json_array(), json_object(), KR_TLP_NONE};
	json_t *tags = json_array(), *skipped = json_object();
	const json_t *ref;
	size_t i;
	bool ok = false;

	if (!p.indicators || !p.seen || !tags || !skipped) {
		bad(im, id, "out of memory", NULL, NULL);
		goto out;
	}
	if (!name || !*name) {
		bad(im, id, "has no name (it becomes the title)", NULL, NULL);
		goto out;
	}
	if (json_object_get(r, "description") && !str(r, "description")) {
		bad(im, id, "description must be a string", NULL, NULL);
		goto out;
	}
	if (!post_tlp(im, &p, r) || !report_tags(im, r, tags))
		goto out;
	json_array_foreach(json_object_get(r, "object_refs"), i, ref)
	{
		const char *rid = json_string_value(ref);
		const json_t *o = rid ? json_object_get(im->index, rid) : NULL;
		bool step = true;

		if (!o) {
			json_object_set_new(skipped, "(not in the bundle)", json_true());
			continue;
		}
		if (is_revoked(o)) {
			json_object_set_new(skipped, "(revoked)", json_true());
			continue;
		}
		if (is_type(o, "indicator"))
			step = from_indicator(im, &p, o);
		else if (is_type(o, "vulnerability"))
			step = from_vulnerability(im, &p, o);
		else
			json_object_set_new(skipped, str(o, "type"), json_true());
		if (!step)
			goto out;
	}
	if (json_object_size(skipped)) {
		const char *k;
		json_t *v;
		char list[256] = "";

		json_object_foreach(skipped, k, v)
		{
			size_t n = strlen(list);

			snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "", k);
		}
		if (!note(im, "%.80s: referenced objects not imported: %s", id, list))
			goto out;
	}
	ok = emit(im, id, &p, name, str(r, "description"), tags);
out:
	json_decref(p.indicators);
	json_decref(p.seen);
	json_decref(tags);
	json_decref(skipped);
	return ok;
}

/* Indicators and vulnerabilities no report refers to: one item per TLP. */
static bool leftovers(struct imp *im, const json_t *objects, const char *bundle_id)
{
	struct post per[KR_TLP_RED + 1];
	json_t *text[KR_TLP_RED + 1] = {NULL};
	size_t count[KR_TLP_RED + 1] = {0}, i;
	const json_t *o;
	bool ok = true;

	memset(per, 0, sizeof(per));
	json_array_foreach(objects, i, o)
	{
		struct post one = {json_array(), json_object(), KR_TLP_NONE};
		const char *id = str(o, "id");
		bool step;
		size_t j;
		const json_t *ind;

		if (!(is_type(o, "indicator") || is_type(o, "vulnerability")) ||
		    json_object_get(im->used, id) || is_revoked(o) ||
		    json_object_get(im->index, id) != o) {
			json_decref(one.indicators);
			json_decref(one.seen);
			continue;
		}
		/* Convert it alone first, to learn its own TLP. */
		step = one.indicators && one.seen &&
		       (is_type(o, "indicator") ? from_indicator(im, &one, o)
		                                : from_vulnerability(im, &one, o));
		if (step && one.tlp == KR_TLP_NONE)
			step = bad(im, id, "has no TLP marking (kairan never guesses a TLP)", NULL,
			           NULL);
		if (step && one.tlp == KR_TLP_RED)
			step = bad(im, id,
			           "is TLP:RED: import posts no RED items (a RED item needs named "
			           "recipients: post it with kairan post)",
			           NULL, NULL);
		if (step && !per[one.tlp].indicators) {
			per[one.tlp] = (struct post){json_array(), json_object(), one.tlp};
			text[one.tlp] = json_array();
			if (!per[one.tlp].indicators || !per[one.tlp].seen || !text[one.tlp])
				step = bad(im, id, "out of memory", NULL, NULL);
		}
		json_array_foreach(one.indicators, j, ind)
		{
			if (!step)
				break;
			step = add_indicator(im, &per[one.tlp], str(ind, "type"), str(ind, "value"),
			                     str(ind, "role"), id);
		}
		if (step) {
			const char *nm = str(o, "name"), *desc = str(o, "description");

			count[one.tlp]++;
			if (nm || desc)
				json_array_append_new(text[one.tlp],
				                      json_sprintf("- %s%s%s", nm ? nm : "",
				                                   nm && desc ? ": " : "",
				                                   desc ? desc : ""));
		}
		json_decref(one.indicators);
		json_decref(one.seen);
		if (!step) {
			ok = false;
			goto out;
		}
	}
	for (int t = KR_TLP_CLEAR; t <= KR_TLP_RED && ok; t++) {
		char title[160];
		json_t *tags, *line;
		size_t j, blen = 0;
		char *body;

		if (!per[t].indicators)
			continue;
		snprintf(title, sizeof(title), "STIX %.60s: %zu indicator%s", bundle_id, count[t],
		         count[t] == 1 ? "" : "s");
		kr_utf8_scrub(title); /* %.60s may cut a character of the id */
		json_array_foreach(text[t], j, line) blen += json_string_length(line) + 1;
		body = malloc(blen + 200);
		tags = json_array();
		if (!body || !tags) {
			free(body);
			json_decref(tags);
			ok = bad(im, bundle_id, "out of memory", NULL, NULL);
			break;
		}
		snprintf(body, 200, "Indicators that no report in STIX %.60s refers to.\n",
		         bundle_id);
		kr_utf8_scrub(body);
		blen = strlen(body);
		json_array_foreach(text[t], j, line)
		{
			memcpy(body + blen, json_string_value(line), json_string_length(line));
			blen += json_string_length(line);
			body[blen++] = '\n';
		}
		body[blen] = '\0';
		ok = emit(im, bundle_id, &per[t], title, body, tags);
		free(body);
		json_decref(tags);
	}
out:
	for (int t = 0; t <= KR_TLP_RED; t++) {
		json_decref(per[t].indicators);
		json_decref(per[t].seen);
		json_decref(text[t]);
	}
	return ok;
}

/* Index the bundle's objects by id; the newest `modified` of an id wins. */
static bool index_objects(struct imp *im, const json_t *objects)
{
	const json_t *o;
	size_t i;

	json_array_foreach(objects, i, o)
	{
		const char *id = str(o, "id"), *type = str(o, "type");
		const json_t *prev;
		char where[32];

		snprintf(where, sizeof(where), "objects[%zu]", i);
		if (!json_is_object(o) || !id || !type)
			return bad(im, where, "every object needs a string type and id", NULL,
			           NULL);
		prev = json_object_get(im->index, id);
		if (prev && str(prev, "modified") && str(o, "modified") &&
		    strcmp(str(prev, "modified"), str(o, "modified")) >= 0)
			continue;
		if (json_object_set(im->index, id, (json_t *)o) != 0)
			return bad(im, id, "out of memory", NULL, NULL);
	}
	return true;
}

enum kr_err kr_stix_import(const json_t *bundle, const char *circle, json_t **posts, json_t **notes,
                           char *err, size_t errlen)
{
	struct imp im = {circle,       json_object(), json_object(), json_array(),
	                 json_array(), err,           errlen,        false};
	const json_t *objects = json_object_get(bundle, "objects"), *o, *ref;
	const char *bid = str(bundle, "id");
	size_t i, j;
	bool ok = false;

	*posts = *notes = NULL;
	err[0] = '\0';
	if (!im.index || !im.used || !im.posts || !im.notes) {
		im.oom = true;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (!json_is_object(bundle) || !is_type(bundle, "bundle")) {
		snprintf(err, errlen, "not a STIX bundle (its type must be \"bundle\")");
		goto out;
	}
	if (!bid || strncmp(bid, "bundle--", 8) != 0) {
		snprintf(err, errlen, "the bundle has no id \"bundle--…\"");
		goto out;
	}
	if (!json_is_array(objects) || json_array_size(objects) == 0) {
		snprintf(err, errlen, "%.80s has no objects", bid);
		kr_utf8_scrub(err);
		goto out;
	}
	if (!index_objects(&im, objects))
		goto out;
	/* What the reports bring in; the rest is a leftover. */
	json_array_foreach(objects, i, o)
	{
		if (!is_type(o, "report") || json_object_get(im.index, str(o, "id")) != o)
			continue;
		json_array_foreach(json_object_get(o, "object_refs"), j, ref)
		{
			if (json_is_string(ref))
				json_object_set_new(im.used, json_string_value(ref), json_true());
		}
	}
	json_array_foreach(objects, i, o)
	{
		if (!is_type(o, "report") || json_object_get(im.index, str(o, "id")) != o)
			continue;
		if (is_revoked(o)) {
			if (!note(&im, "%.80s is revoked: not imported", str(o, "id"), NULL))
				goto out;
			continue;
		}
		if (!from_report(&im, o))
			goto out;
	}
	if (!leftovers(&im, objects, bid))
		goto out;
	if (json_array_size(im.posts) == 0) {
		snprintf(err, errlen,
		         "nothing to import: %.80s has no reports, indicators or vulnerabilities",
		         bid);
		kr_utf8_scrub(err);
		goto out;
	}
	ok = true;
out:
	json_decref(im.index);
	json_decref(im.used);
	if (ok) {
		*posts = im.posts;
		*notes = im.notes;
		return KR_OK;
	}
	json_decref(im.posts);
	json_decref(im.notes);
	if (!err[0]) {
		im.oom = true;
		snprintf(err, errlen, "out of memory");
	}
	return im.oom ? KR_EINTERNAL : KR_EINVAL;
}
