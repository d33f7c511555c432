/*
 * redact_findings.c - what redact_text() reports: one finding per distinct
 * removed value of a text (same kind, same folded case-insensitive text),
 * with every occurrence; the public summary others may see; and the keep
 * filter that spares the values of kept indicators.
 */
#include <stdlib.h>
#include <string.h>

#include "redact_int.h"
#include "utf8.h"

/* ---- sparing kept indicator values ---- */

static bool ci_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rd_lc((unsigned char)a[i]) != rd_lc((unsigned char)b[i]))
			return false;
	return true;
}

/* Does an occurrence of v (folded) cover the span s? */
static bool covered(const struct rd_folded *fd, const struct rd_span *s, const char *v, size_t vl)
{
	size_t p = s->e >= vl ? s->e - vl : 0;

	if (vl < s->e - s->s)
		return false;
	for (; p <= s->s && p + vl <= fd->n; p++)
		if (ci_eq(fd->f + p, v, vl))
			return true;
	return false;
}

/* Mark (kind = RK__COUNT) the spans one kept value covers. */
static enum kr_err spare(const struct rd_folded *fd, const json_t *ind, struct rd_spans *sp)
{
	const json_t *v = json_is_object(ind) ? json_object_get(ind, "value") : NULL;
	struct rd_folded kv = {0};
	enum kr_err rc = KR_OK;

	if (!json_is_string(v) || !kr_utf8_valid(json_string_value(v), json_string_length(v)))
		goto out;
	rc = rd_fold(json_string_value(v), json_string_length(v), &kv);
	if (rc != KR_OK || kv.n == 0)
		goto out;
	for (size_t i = 0; i < sp->n; i++)
		if (sp->v[i].kind != RK__COUNT && covered(fd, &sp->v[i], kv.f, kv.n))
			sp->v[i].kind = RK__COUNT;
out:
	rd_folded_free(&kv);
	return rc;
}

enum kr_err rd_keep_filter(const struct rd_folded *fd, const json_t *keep, struct rd_spans *sp)
{
	enum kr_err rc = KR_OK;
	size_t i, n = 0;
	json_t *ind;

	if (!keep || sp->n == 0)
		return KR_OK;
	json_array_foreach(keep, i, ind)
	{
		rc = spare(fd, ind, sp);
		if (rc != KR_OK)
			return rc;
	}
	for (i = 0; i < sp->n; i++)
		if (sp->v[i].kind != RK__COUNT)
			sp->v[n++] = sp->v[i];
	sp->n = n;
	return rc;
}

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
	       la == b->fold.e - b->fold.s && ci_eq(fd->f + a->fold.s, fd->f + b->fold.s, la);
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

json_t *redact_findings_public(const json_t *findings)
{
	json_t *out = json_is_array(findings) ? json_array() : NULL;
	size_t i, j;
	json_t *f, *o;

	json_array_foreach(findings, i, f)
	{
		const char *kind = json_string_value(json_object_get(f, "kind"));
		const char *field = json_string_value(json_object_get(f, "field"));
		json_t *c = json_object_get(f, "count");
		json_int_t n = json_is_integer(c) ? json_integer_value(c) : 1;

		if (!out || !kind || !field)
			continue;
		json_array_foreach(out, j, o)
		{
			if (strcmp(kind, json_string_value(json_object_get(o, "kind"))) == 0 &&
			    strcmp(field, json_string_value(json_object_get(o, "field"))) == 0)
				break;
		}
		if (j < json_array_size(out)) {
			c = json_object_get(o, "count");
			json_integer_set(c, json_integer_value(c) + n);
		} else if (json_array_append_new(out, json_pack("{s:s, s:s, s:I}", "kind", kind,
		                                                "field", field, "count", n)) != 0) {
			json_decref(out);
			out = NULL;
		}
	}
	return out;
}
