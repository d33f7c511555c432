/*
 * redact.c - the scrubbing engine behind redact_text() (see redact.h):
 * fold the text once, run the matchers of one table over the folded copy,
 * spare what the caller keeps, merge overlapping matches into one group
 * named after its longest match, and write the output, replacing only the
 * groups' original bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "redact_int.h"
#include "utf8.h"

/* Priority breaks ties between equally long overlapping matches. */
const struct rd_kind_info redact_kinds[RK__COUNT] = {
    [RK_ORG] = {"org-name", "[組織]", "[ORG]", 1},
    [RK_DOMAIN] = {"domain", "[ドメイン]", "[DOMAIN]", 3},
    [RK_PERSON] = {"person", "[人名]", "[PERSON]", 2},
    [RK_EMAIL] = {"email", "[メール]", "[EMAIL]", 7},
    [RK_PHONE] = {"phone", "[電話番号]", "[PHONE]", 5},
    [RK_POSTCODE] = {"postcode", "[郵便番号]", "[POSTCODE]", 4},
    [RK_INTERNAL_IP] = {"internal-ip", "[内部IP]", "[INTERNAL-IP]", 6},
    [RK_URL] = {"url", "[URL]", "[URL]", 8},
    [RK_VICTIM] = {"victim-indicator", "[被害側の指標]", "[VICTIM-INDICATOR]", 9},
    [RK_CUSTOM] = {"custom", NULL, NULL, 0},
};

/* Every matcher, run in this order over each text. */
static const rd_matcher matchers[] = {
    rd_match_terms, rd_match_email, rd_match_url,  rd_match_postcode,
    rd_match_phone, rd_match_ipv4,  rd_match_ipv6, rd_match_custom,
};

bool rd_spans_add(struct rd_spans *sp, size_t s, size_t e, enum rd_kind kind, size_t custom)
{
	if (sp->n == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 32;
		struct rd_span *v = realloc(sp->v, cap * sizeof(*v));

		if (!v)
			return false;
		sp->v = v;
		sp->cap = cap;
	}
	sp->v[sp->n++] =
	    (struct rd_span){(uint32_t)s, (uint32_t)e, (uint16_t)kind, (uint16_t)custom};
	return true;
}

enum kr_err rd_scan(const struct kr_redactor *r, const struct rd_folded *fd, struct rd_spans *out)
{
	for (size_t i = 0; i < sizeof(matchers) / sizeof(matchers[0]); i++)
		if ((!r->patterns_only || matchers[i] == rd_match_custom) &&
		    !matchers[i](r, fd->f, fd->n, out))
			return KR_EINTERNAL;
	return KR_OK;
}

static int span_cmp(const void *a, const void *b)
{
	const struct rd_span *x = a, *y = b;

	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->e > y->e ? -1 : x->e < y->e;
}

/* Does x name a group better than the current best? */
static bool better(const struct rd_span *x, const struct rd_span *best)
{
	uint32_t lx = x->e - x->s, lb = best->e - best->s;

	if (lx != lb)
		return lx > lb;
	return redact_kinds[x->kind].priority > redact_kinds[best->kind].priority;
}

/* Merge overlapping spans into groups (g has room for sp->n); returns how
 * many. Adjacent spans stay apart. */
static size_t merge(const struct rd_folded *fd, struct rd_spans *sp, struct rd_group *g)
{
	struct rd_span best = {0};
	size_t n = 0;

	if (sp->n > 1)
		qsort(sp->v, sp->n, sizeof(*sp->v), span_cmp);
	for (size_t i = 0; i < sp->n; i++) {
		const struct rd_span *x = &sp->v[i];

		if (n > 0 && x->s < g[n - 1].fold.e) {
			if (x->e > g[n - 1].fold.e)
				g[n - 1].fold.e = x->e;
			if (better(x, &best))
				best = *x;
		} else {
			g[n++].fold = *x;
			best = *x;
		}
		g[n - 1].fold.kind = best.kind;
		g[n - 1].fold.custom = best.custom;
	}
	for (size_t i = 0; i < n; i++) {
		g[i].orig = g[i].fold;
		g[i].orig.s = fd->map[g[i].fold.s];
		g[i].orig.e = fd->map[g[i].fold.e];
	}
	return n;
}

static const char *placeholder(const struct kr_redactor *r, const struct rd_span *s, bool ja)
{
	if (s->kind == RK_CUSTOM)
		return r->patterns[s->custom].placeholder;
	return ja ? redact_kinds[s->kind].ja : redact_kinds[s->kind].en;
}

/* The output: text with each group replaced by its placeholder. */
static char *render(const struct kr_redactor *r, const char *text, size_t len,
                    const struct rd_group *g, size_t n, bool ja)
{
	size_t size = len + 1, at = 0, o = 0;
	char *out;

	for (size_t i = 0; i < n; i++)
		size += strlen(placeholder(r, &g[i].orig, ja)) - (g[i].orig.e - g[i].orig.s);
	out = malloc(size);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *ph = placeholder(r, &g[i].orig, ja);
		size_t pl = strlen(ph);

		memcpy(out + o, text + at, g[i].orig.s - at);
		o += g[i].orig.s - at;
		memcpy(out + o, ph, pl);
		o += pl;
		at = g[i].orig.e;
	}
	memcpy(out + o, text + at, len - at);
	out[o + len - at] = '\0';
	return out;
}

static enum kr_err check_args(const struct kr_redactor *r, const char *text, size_t len,
                              const json_t *keep, char **out, const json_t *findings)
{
	if (!out || !r || (!text && len) || (keep && !json_is_array(keep)) ||
	    (findings && !json_is_array(findings)))
		return KR_EINVAL;
	if (len > KR_REDACT_TEXT_MAX)
		return KR_ETOOLARGE;
	return text && !kr_utf8_valid(text, len) ? KR_EUTF8 : KR_OK;
}

enum kr_err redact_text(const struct kr_redactor *r, const char *field, const char *text,
                        size_t len, const json_t *keep, char **out, json_t *findings)
{
	struct rd_folded fd = {0};
	struct rd_spans sp = {0};
	struct rd_group *g = NULL;
	enum kr_err rc = check_args(r, text, len, keep, out, findings);
	size_t n;
	bool ja;

	if (out)
		*out = NULL;
	if (rc != KR_OK)
		goto out;
	text = text ? text : "";
	if ((rc = rd_fold(text, len, &fd)) != KR_OK || (rc = rd_scan(r, &fd, &sp)) != KR_OK ||
	    (rc = rd_keep_filter(&fd, keep, &sp)) != KR_OK)
		goto out;
	rc = KR_EINTERNAL;
	g = malloc((sp.n + 1) * sizeof(*g));
	if (!g)
		goto out;
	n = merge(&fd, &sp, g);
	ja = rd_is_japanese(text, len, g, n);
	*out = render(r, text, len, g, n, ja);
	if (!*out)
		goto out;
	rc = findings ? rd_findings_add(r, field ? field : "text", text, &fd, g, n, findings)
	              : KR_OK;
	if (rc != KR_OK) {
		free(*out);
		*out = NULL;
	}
out:
	free(g);
	free(sp.v);
	rd_folded_free(&fd);
	return rc;
}
