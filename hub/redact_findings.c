/*
 * redact_findings.c - what redact_text() reports: one finding per distinct
 * removed value of a text (same kind, same folded case-insensitive text),
 * with every occurrence; and the public summary others may see.
 */
#include <stdlib.h>
#include <string.h>

#include "redact_int.h"

/* ---- findings of one text ---- */

/* A distinct value being counted: its first group and its finding. */
struct agg {
	const struct rd_group *first;
	json_t *occ; /* borrowed from the finding */
	json_t *obj;
};

static const char *kind_name(const struct kr_redactor *r, const struct rd_span *s)
{
	return s->kind == RK_CUSTOM ? r->patterns[s->custom].kind : redact_kinds[s->kind].name;
}

static bool same_value(const struct rd_folded *fd, const struct rd_group *a,
                       const struct rd_group *b)
{
	size_t la = a->fold.e - a->fold.s;

	return a->fold.kind == b->fold.kind && a->fold.custom == b->fold.custom &&
	       la == b->fold.e - b->fold.s && rd_ci_eq(fd->f + a->fold.s, fd->f + b->fold.s, la);
}

/* A new finding for group g; NULL on memory. */
static json_t *finding_new(const struct kr_redactor *r, const char *field, const char *text,
                           const struct rd_group *g)
{
	size_t off = g->orig.s, len = g->orig.e - g->orig.s;

	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:s%, s:[]}", "kind", kind_name(r, &g->orig),
	                 "field", field, "offset", (json_int_t)off, "length", (json_int_t)len,
	                 "count", (json_int_t)0, "original", text + off, len, "occurrences");
}

/* Count group g in its value's finding, making the finding when new. */
static bool count(const struct kr_redactor *r, const char *field, const char *text,
                  const struct rd_folded *fd, const struct rd_group *g, struct agg *a, size_t *na)
{
	size_t j = 0;
	json_t *c;

	while (j < *na && !same_value(fd, a[j].first, g))
		j++;
	if (j == *na) {
		a[j].first = g;
		a[j].obj = finding_new(r, field, text, g);
		if (!a[j].obj)
			return false;
		a[j].occ = json_object_get(a[j].obj, "occurrences");
		(*na)++;
	}
	c = json_object_get(a[j].obj, "count");
	return json_integer_set(c, json_integer_value(c) + 1) == 0 &&
	       json_array_append_new(a[j].occ, json_pack("[I, I]", (json_int_t)g->orig.s,
	                                                 (json_int_t)(g->orig.e - g->orig.s))) == 0;
}

enum kr_err rd_findings_add(const struct kr_redactor *r, const char *field, const char *text,
                            const struct rd_folded *fd, const struct rd_group *g, size_t n,
                            json_t *findings)
{
	struct agg *a = calloc(n + 1, sizeof(*a));
	json_t *local = json_array();
	enum kr_err rc = KR_EINTERNAL;
	size_t na = 0;

	if (!a || !local)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!count(r, field, text, fd, &g[i], a, &na))
			goto out;
	for (size_t j = 0; j < na; j++) {
		if (json_array_append_new(local, a[j].obj) != 0)
			goto out;
		a[j].obj = NULL;
	}
	if (json_array_extend(findings, local) == 0)
		rc = KR_OK;
out:
	for (size_t j = 0; a && j < na; j++)
		json_decref(a[j].obj);
	free(a);
	json_decref(local);
	return rc;
}

/* ---- the summary for others ---- */

/* The entry of out for kind and field, or NULL. */
static json_t *entry(const json_t *out, const char *kind, const char *field)
{
	size_t i;
	json_t *o;

	json_array_foreach(out, i, o)
	{
		if (strcmp(kind, json_string_value(json_object_get(o, "kind"))) == 0 &&
		    strcmp(field, json_string_value(json_object_get(o, "field"))) == 0)
			return o;
	}
	return NULL;
}

/* Add n to kind/field's count in out. False on memory. */
static bool tally(json_t *out, const char *kind, const char *field, json_int_t n)
{
	json_t *o = entry(out, kind, field), *c;

	if (!o)
		return json_array_append_new(out, json_pack("{s:s, s:s, s:I}", "kind", kind,
		                                            "field", field, "count", n)) == 0;
	c = json_object_get(o, "count");
	return json_integer_set(c, json_integer_value(c) + n) == 0;
}

json_t *redact_findings_public(const json_t *findings)
{
	json_t *out = json_is_array(findings) ? json_array() : NULL;
	size_t i;
	json_t *f;

	json_array_foreach(findings, i, f)
	{
		const char *kind = json_string_value(json_object_get(f, "kind"));
		const char *field = json_string_value(json_object_get(f, "field"));
		json_t *c = json_object_get(f, "count");

		if (!out || !kind || !field)
			continue;
		if (!tally(out, kind, field, json_is_integer(c) ? json_integer_value(c) : 1)) {
			json_decref(out);
			out = NULL;
		}
	}
	return out;
}
