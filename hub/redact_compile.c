/*
 * redact_compile.c - turns a struct kr_redact_ctx into a struct kr_redactor
 * (see redact.h): terms folded, lower-cased and bucketed by first byte so
 * one pass over a text tries only the terms that can start at each byte;
 * own CIDRs parsed; custom patterns compiled (redact_pattern.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact_int.h"
#include "utf8.h"

#define TERM_MAX_BYTES 1024

/* One list of the ctx and what its terms are. */
struct term_list {
	const char *label; /* for messages */
	enum rd_kind kind;
	const char *const *v;
	size_t n;
};

/* Growing array of terms while compiling. */
struct term_buf {
	struct rd_term *v;
	size_t n, cap;
};

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Lower-case, collapse space runs to one ' ' and trim, in place. */
static size_t squeeze(char *s, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		if (is_space(s[i])) {
			if (j > 0 && s[j - 1] != ' ')
				s[j++] = ' ';
			continue;
		}
		s[j++] = (char)rd_lc((unsigned char)s[i]);
	}
	while (j > 0 && s[j - 1] == ' ')
		j--;
	s[j] = '\0';
	return j;
}

/* Domains: drop a leading "*." or "." and a trailing ".". */
static size_t trim_domain(char *s, size_t n)
{
	size_t skip = 0;

	if (n >= 2 && s[0] == '*' && s[1] == '.')
		skip = 2;
	else if (n >= 1 && s[0] == '.')
		skip = 1;
	memmove(s, s + skip, n - skip + 1);
	n -= skip;
	if (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
	return n;
}

static bool push(struct term_buf *b, char *s, size_t len, enum rd_kind kind)
{
	struct rd_term *t;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct rd_term *v = realloc(b->v, cap * sizeof(*v));

		if (!v)
			return false;
		b->v = v;
		b->cap = cap;
	}
	t = &b->v[b->n++];
	t->s = s;
	t->len = (uint16_t)len;
	t->kind = (uint8_t)kind;
	t->flags = (uint8_t)((rd_alnum((unsigned char)s[0]) ? RT_LB : 0) |
	                     (rd_alnum((unsigned char)s[len - 1]) ? RT_RB : 0) |
	                     (kind == RK_DOMAIN ? RT_DOMAIN : 0));
	return true;
}

/* "A B" -> "B A" as a second term of the same kind. */
static bool push_reversed(struct term_buf *b, const char *s, size_t len, enum rd_kind kind)
{
	const char *sp = memchr(s, ' ', len);
	size_t a, rest;
	char *r;

	if (!sp || memchr(sp + 1, ' ', len - (size_t)(sp + 1 - s)))
		return true; /* not exactly two parts */
	a = (size_t)(sp - s);
	rest = len - a - 1;
	r = malloc(len + 1);
	if (!r)
		return false;
	memcpy(r, sp + 1, rest);
	r[rest] = ' ';
	memcpy(r + rest + 1, s, a);
	r[len] = '\0';
	if (push(b, r, len, kind))
		return true;
	free(r);
	return false;
}

/* Normalise one term into *s (new string). KR_EINVAL with the reason in
 * *why, or KR_EINTERNAL. */
static enum kr_err normalise(const char *raw, enum rd_kind kind, char **s, size_t *len,
                             const char **why)
{
	struct rd_folded fd = {0};
	enum kr_err rc = KR_EINVAL;
	size_t n = raw ? strlen(raw) : 0;

	*why = n > TERM_MAX_BYTES ? "longer than 1024 bytes" : "not valid UTF-8";
	if (!raw || n > TERM_MAX_BYTES || !kr_utf8_valid(raw, n))
		goto out;
	rc = rd_fold(raw, n, &fd);
	if (rc != KR_OK)
		goto out;
	rc = KR_EINVAL;
	n = squeeze(fd.f, fd.n);
	if (kind == RK_DOMAIN)
		n = trim_domain(fd.f, n);
	*why = "too short (at least 2 characters)";
	if (kr_utf8_count(fd.f, n) < 2)
		goto out;
	*why = "a domain has no spaces";
	if (kind == RK_DOMAIN && memchr(fd.f, ' ', n))
		goto out;
	*s = fd.f;
	*len = n;
	fd.f = NULL;
	rc = KR_OK;
out:
	rd_folded_free(&fd);
	return rc;
}

static enum kr_err add_list(struct term_buf *b, const struct term_list *l, char *err, size_t errlen)
{
	enum kr_err rc = KR_OK;
	const char *why;
	size_t len = 0;

	if (l->n > 0 && !l->v) {
		if (err && errlen)
			snprintf(err, errlen, "%s: NULL with a count of %zu", l->label, l->n);
		return KR_EINVAL;
	}
	for (size_t i = 0; i < l->n && rc == KR_OK; i++) {
		char *s = NULL;

		rc = normalise(l->v[i], l->kind, &s, &len, &why);
		if (rc == KR_EINVAL && err && errlen)
			snprintf(err, errlen, "%s[%zu]: %s", l->label, i, why);
		if (rc != KR_OK)
			break;
		rc = KR_EINTERNAL;
		if (!push(b, s, len, l->kind)) {
			free(s);
			break;
		}
		if (l->kind == RK_PERSON && !push_reversed(b, s, len, l->kind))
			break;
		rc = KR_OK;
	}
	return rc;
}

/* Sort by first byte, longer first, so a bucket tries the longest term first. */
static int term_cmp(const void *a, const void *b)
{
	const struct rd_term *x = a, *y = b;
	int fx = (unsigned char)x->s[0], fy = (unsigned char)y->s[0];

	if (fx != fy)
		return fx - fy;
	return (int)y->len - (int)x->len;
}

static void build_buckets(struct kr_redactor *r)
{
	size_t t = 0;

	if (r->n_terms > 1)
		qsort(r->terms, r->n_terms, sizeof(*r->terms), term_cmp);
	for (unsigned b = 0; b < 256; b++) {
		r->bucket[b] = (uint32_t)t;
		while (t < r->n_terms && (unsigned char)r->terms[t].s[0] == b)
			t++;
	}
	r->bucket[256] = (uint32_t)t;
}

static enum kr_err compile_terms(struct kr_redactor *r, const struct kr_redact_ctx *c, char *err,
                                 size_t errlen)
{
	const struct term_list lists[] = {
	    {"names", RK_ORG, c->names, c->n_names},
	    {"domains", RK_DOMAIN, c->domains, c->n_domains},
	    {"persons", RK_PERSON, c->persons, c->n_persons},
	    {"victims", RK_VICTIM, c->victims, c->n_victims},
	};
	struct term_buf b = {0};
	enum kr_err rc = KR_OK;

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]) && rc == KR_OK; i++)
		rc = add_list(&b, &lists[i], err, errlen);
	r->terms = b.v;
	r->n_terms = b.n;
	if (rc == KR_OK)
		build_buckets(r);
	return rc;
}

static enum kr_err compile_cidrs(struct kr_redactor *r, const struct kr_redact_ctx *c, char *err,
                                 size_t errlen)
{
	enum kr_err rc = KR_EINTERNAL;

	if (c->n_own_cidrs == 0)
		return KR_OK;
	rc = KR_EINVAL;
	if (!c->own_cidrs)
		goto out;
	rc = KR_EINTERNAL;
	r->cidrs = calloc(c->n_own_cidrs, sizeof(*r->cidrs));
	if (!r->cidrs)
		goto out;
	rc = KR_EINVAL;
	for (size_t i = 0; i < c->n_own_cidrs; i++) {
		const char *s = c->own_cidrs[i];

		if (!s || !rd_cidr_parse(s, strlen(s), &r->cidrs[i])) {
			if (err && errlen)
				snprintf(err, errlen, "own_cidrs[%zu]: not an address or CIDR", i);
			goto out;
		}
		r->n_cidrs++;
	}
	rc = KR_OK;
out:
	return rc;
}

enum kr_err redact_compile(const struct kr_redact_ctx *ctx, struct kr_redactor **out, char *err,
                           size_t errlen)
{
	static const struct kr_redact_ctx empty = {0};
	struct kr_redactor *r = NULL;
	enum kr_err rc = KR_EINVAL;

	if (!out)
		goto out;
	*out = NULL;
	rc = KR_EINTERNAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		goto out;
	if (!ctx)
		ctx = &empty;
	rc = compile_terms(r, ctx, err, errlen);
	if (rc == KR_OK)
		rc = compile_cidrs(r, ctx, err, errlen);
	if (rc == KR_OK)
		rc = rd_patterns_compile(r, ctx, err, errlen);
	r->patterns_only = ctx->patterns_only;
	if (rc == KR_OK) {
		*out = r;
		r = NULL;
	}
out:
	redact_free(r);
	return rc;
}

void redact_free(struct kr_redactor *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_terms; i++)
		free(r->terms[i].s);
	free(r->terms);
	free(r->cidrs);
	rd_patterns_free(r);
	free(r);
}
