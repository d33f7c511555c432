/*
 * redact_pattern.c - the circle policy's custom patterns: POSIX extended
 * regular expressions compiled once, matched against the folded text, each
 * match widened to whole UTF-8 characters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact_int.h"
#include "utf8.h"

#define PLACEHOLDER_MAX 64

static bool pattern_fail(char *err, size_t errlen, size_t i, const char *name, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "patterns[%zu] (%s): %s", i, name ? name : "?", why);
	return false;
}

static bool valid_label(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n <= max && kr_utf8_valid(s, n);
}

/* Validate and compile one pattern into p; false with err set. */
static bool compile_one(struct rd_pattern *p, const struct kr_redact_pattern *in, size_t i,
                        char *err, size_t errlen)
{
	char msg[128];
	regmatch_t m;
	int rc;

	if (!valid_label(in->name, PLACEHOLDER_MAX))
		return pattern_fail(err, errlen, i, NULL, "name must be 1-64 bytes of UTF-8");
	if (!valid_label(in->placeholder, PLACEHOLDER_MAX))
		return pattern_fail(err, errlen, i, in->name, "placeholder must be 1-64 bytes");
	if (!in->pattern)
		return pattern_fail(err, errlen, i, in->name, "no pattern");
	rc = regcomp(&p->re, in->pattern, REG_EXTENDED);
	if (rc != 0) {
		regerror(rc, &p->re, msg, sizeof(msg));
		return pattern_fail(err, errlen, i, in->name, msg);
	}
	if (regexec(&p->re, "", 1, &m, 0) == 0) {
		regfree(&p->re);
		return pattern_fail(err, errlen, i, in->name, "matches the empty string");
	}
	return true;
}

static enum kr_err copy_labels(struct rd_pattern *p, const struct kr_redact_pattern *in)
{
	size_t n = strlen("custom:") + strlen(in->name) + 1;

	p->kind = malloc(n);
	p->placeholder = strdup(in->placeholder);
	if (!p->kind || !p->placeholder)
		return KR_EINTERNAL;
	snprintf(p->kind, n, "custom:%s", in->name);
	return KR_OK;
}

enum kr_err rd_patterns_compile(struct kr_redactor *r, const struct kr_redact_ctx *ctx, char *err,
                                size_t errlen)
{
	enum kr_err rc = KR_OK;

	if (ctx->n_patterns == 0)
		goto out;
	rc = KR_EINVAL;
	if (!ctx->patterns)
		goto out;
	rc = KR_EINTERNAL;
	r->patterns = calloc(ctx->n_patterns, sizeof(*r->patterns));
	if (!r->patterns)
		goto out;
	for (size_t i = 0; i < ctx->n_patterns; i++) {
		struct rd_pattern *p = &r->patterns[i];

		rc = KR_EINVAL;
		if (!compile_one(p, &ctx->patterns[i], i, err, errlen))
			goto out;
		r->n_patterns++; /* owns p->re from here on */
		rc = copy_labels(p, &ctx->patterns[i]);
		if (rc != KR_OK)
			goto out;
	}
out:
	return rc;
}

void rd_patterns_free(struct kr_redactor *r)
{
	for (size_t i = 0; i < r->n_patterns; i++) {
		regfree(&r->patterns[i].re);
		free(r->patterns[i].kind);
		free(r->patterns[i].placeholder);
	}
	free(r->patterns);
}

static bool continuation(const char *f, size_t n, size_t i)
{
	return i < n && ((unsigned char)f[i] & 0xC0) == 0x80;
}

/* All matches of one pattern, left to right, not overlapping. */
static bool match_one(const struct rd_pattern *p, size_t idx, const char *f, size_t n,
                      struct rd_spans *out)
{
	size_t pos = 0;
	regmatch_t m;

	while (pos < n && regexec(&p->re, f + pos, 1, &m, pos ? REG_NOTBOL : 0) == 0) {
		size_t s = pos + (size_t)m.rm_so, e = pos + (size_t)m.rm_eo;

		while (s > 0 && continuation(f, n, s))
			s--;
		while (continuation(f, n, e))
			e++;
		if (e > s && !rd_spans_add(out, s, e, RK_CUSTOM, idx))
			return false;
		pos = e > pos ? e : pos + 1;
		while (continuation(f, n, pos))
			pos++;
	}
	return true;
}

bool rd_match_custom(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out)
{
	for (size_t i = 0; i < r->n_patterns; i++)
		if (!match_one(&r->patterns[i], i, f, n, out))
			return false;
	return true;
}
