/*
 * redact_keep.c - sparing what the caller keeps: a match lying wholly
 * inside an occurrence of a kept indicator's value (normally an attacker's
 * address or domain, already visible in the kept indicators) is dropped
 * before the matches are merged, so the narrative stays readable.
 */
#include <stdlib.h>

#include "redact_int.h"
#include "utf8.h"

/* Does an occurrence of v (folded) cover the span s? */
static bool covered(const struct rd_folded *fd, const struct rd_span *s, const char *v, size_t vl)
{
	size_t p = s->e >= vl ? s->e - vl : 0;

	if (vl < s->e - s->s)
		return false;
	for (; p <= s->s && p + vl <= fd->n; p++)
		if (rd_ci_eq(fd->f + p, v, vl))
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
