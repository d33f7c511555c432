/*
 * search.c - queries, matching, ranking and snippets (see search.h).
 */
#define _GNU_SOURCE /* memmem(): glibc's substring search, far faster than a loop */

#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define BM25_K1 1.2
#define BM25_B  0.75

static const char *const field_names[KR_SF__COUNT] = {"title",     "tags",  "body",
                                                      "situation", "steps", "outcome"};

/* How much a match in each text counts (BM25F field weights). */
static const double field_weight[KR_SF__COUNT] = {3.0, 2.0, 1.0, 1.0, 1.0, 1.0};

const char *search_field_name(enum kr_search_field f)
{
	return (unsigned)f < KR_SF__COUNT ? field_names[f] : NULL;
}

/* Bytes of the code point starting at s[0] (valid UTF-8), at most left. */
static size_t cp_len(const char *s, size_t left)
{
	unsigned char c = (unsigned char)s[0];
	size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

	return n < left ? n : left;
}

/* Bytes of the query separator at s (ASCII white space or U+3000), or 0. */
static size_t space_at(const char *s, size_t left)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		return 1;
	if (left >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool eq_fold(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
			return false;
	return true;
}

/* A control character (C0 other than tab, LF, CR; DEL; C1) at s, or not. */
static bool control_at(const char *s, size_t left)
{
	unsigned char c = (unsigned char)s[0];

	if (c == '\t' || c == '\n' || c == '\r')
		return false;
	if (c < 0x20 || c == 0x7f)
		return true;
	return c == 0xc2 && left >= 2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9f;
}

void search_query_clear(struct kr_search_query *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->terms[i].text);
	memset(q, 0, sizeof(*q));
}

/* Add s[0..len) as a term, white space runs made one space and trimmed. */
static enum kr_err add_term(struct kr_search_query *q, const char *s, size_t len, bool phrase,
                            char *err, size_t errlen)
{
	char *t = malloc(len + 1);
	size_t n = 0, i = 0, sp;

	if (!t)
		return KR_EINTERNAL;
	while (i < len) {
		sp = space_at(s + i, len - i);
		if (sp) {
			if (n && t[n - 1] != ' ')
				t[n++] = ' ';
			i += sp;
		} else {
			t[n++] = s[i++];
		}
	}
	while (n && t[n - 1] == ' ')
		n--;
	t[n] = '\0';
	if (n == 0) {
		free(t);
		snprintf(err, errlen, "q: an empty phrase (\"\") matches nothing");
		return KR_EINVAL;
	}
	for (size_t k = 0; k < q->n; k++) {
		if (q->terms[k].len == n && eq_fold(q->terms[k].text, t, n)) {
			free(t); /* said twice: counts once */
			return KR_OK;
		}
	}
	if (q->n == KR_SEARCH_TERMS_MAX) {
		free(t);
		snprintf(err, errlen, "q: at most %d words or phrases", KR_SEARCH_TERMS_MAX);
		return KR_EINVAL;
	}
	q->terms[q->n++] = (struct kr_search_term){t, n, kr_utf8_count(t, n), phrase};
	return KR_OK;
}

enum kr_err search_parse(const char *q, size_t len, struct kr_search_query *out, char *err,
                         size_t errlen)
{
	enum kr_err rc = KR_OK;
	size_t i = 0, j, sp;

	memset(out, 0, sizeof(*out));
	if (!q || kr_utf8_count(q, len) > KR_SEARCH_Q_MAX) {
		snprintf(err, errlen, "q must be 1-%d characters", KR_SEARCH_Q_MAX);
		return KR_EINVAL;
	}
	for (j = 0; j < len; j += cp_len(q + j, len - j)) {
		if (control_at(q + j, len - j)) {
			snprintf(err, errlen, "q must not contain control characters");
			return KR_EINVAL;
		}
	}
	while (rc == KR_OK && i < len) {
		if ((sp = space_at(q + i, len - i)) != 0) {
			i += sp;
		} else if (q[i] == '"') {
			const char *close = memchr(q + i + 1, '"', len - i - 1);

			if (!close) {
				snprintf(err, errlen,
				         "q: a quote (\") is not closed; put phrases in pairs of "
				         "double quotes");
				rc = KR_EINVAL;
				break;
			}
			j = (size_t)(close - q);
			rc = add_term(out, q + i + 1, j - i - 1, true, err, errlen);
			i = j + 1;
		} else {
			for (j = i; j < len && !space_at(q + j, len - j) && q[j] != '"';)
				j += cp_len(q + j, len - j);
			rc = add_term(out, q + i, j - i, false, err, errlen);
			i = j;
		}
	}
	if (rc == KR_OK && out->n == 0) {
		snprintf(err, errlen, "q has no words to search for");
		rc = KR_EINVAL;
	}
	if (rc != KR_OK)
		search_query_clear(out);
	return rc;
}

bool search_term_indexed(const struct kr_search_term *t)
{
	return t->chars >= KR_SEARCH_INDEXED_MIN;
}

char *search_fts_quote(const char *s)
{
	size_t n = 0;
	char *out, *p;

	for (const char *c = s; *c; c++)
		n += *c == '"' ? 2 : 1;
	out = malloc(n + 3);
	if (!out)
		return NULL;
	p = out;
	*p++ = '"';
	for (const char *c = s; *c; c++) {
		if (*c == '"')
			*p++ = '"';
		*p++ = *c;
	}
	*p++ = '"';
	*p = '\0';
	return out;
}

bool search_fts_expr(const struct kr_search_query *q, char **out)
{
	size_t cap = 1, used = 0;
	char *expr;

	*out = NULL;
	for (size_t i = 0; i < q->n; i++)
		if (search_term_indexed(&q->terms[i]))
			cap += 2 * q->terms[i].len + 3;
	if (cap == 1)
		return true; /* nothing the index can look up */
	expr = malloc(cap);
	if (!expr)
		return false;
	for (size_t i = 0; i < q->n; i++) {
		char *quoted;

		if (!search_term_indexed(&q->terms[i]))
			continue;
		quoted = search_fts_quote(q->terms[i].text);
		if (!quoted) {
			free(expr);
			return false;
		}
		used += (size_t)snprintf(expr + used, cap - used, "%s%s", used ? " " : "", quoted);
		free(quoted);
	}
	*out = expr;
	return true;
}

static bool has_ascii_letter(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fold((unsigned char)s[i]) != (unsigned char)s[i] ||
		    (s[i] >= 'a' && s[i] <= 'z'))
			return true;
	return false;
}

size_t search_count(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	unsigned char first;
	size_t n = 0, i = 0;

	if (!hay || !needle || nlen == 0 || nlen > hlen)
		return 0;
	if (!has_ascii_letter(needle, nlen)) {
		/* Nothing to fold (Japanese, digits, signs): the C library's search. */
		const char *p = hay, *end = hay + hlen, *m;

		while ((size_t)(end - p) >= nlen &&
		       (m = memmem(p, (size_t)(end - p), needle, nlen))) {
			n++;
			p = m + nlen;
		}
		return n;
	}
	first = fold((unsigned char)needle[0]);
	while (i + nlen <= hlen) {
		if (fold((unsigned char)hay[i]) == first && eq_fold(hay + i, needle, nlen)) {
			n++;
			i += nlen;
		} else {
			i++;
		}
	}
	return n;
}

void search_doc_set(struct kr_search_doc *d, enum kr_search_field f, const char *text)
{
	d->text[f] = text;
	d->len[f] = text ? strlen(text) : 0;
	d->chars[f] = text ? kr_utf8_count(text, d->len[f]) : 0;
}

bool search_doc_match(struct kr_search_doc *d, const struct kr_search_query *q)
{
	bool all = true;

	for (size_t t = 0; t < q->n; t++) {
		unsigned found = 0;

		for (int f = 0; f < KR_SF__COUNT; f++) {
			d->tf[f][t] = (unsigned)search_count(d->text[f], d->len[f],
			                                     q->terms[t].text, q->terms[t].len);
			found += d->tf[f][t];
		}
		all = all && found > 0;
	}
	return all;
}

void search_rank(struct kr_search_doc *const *docs, size_t n, const struct kr_search_query *q)
{
	double avg[KR_SF__COUNT] = {0};

	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < KR_SF__COUNT; f++)
			avg[f] += (double)docs[i]->chars[f];
	for (int f = 0; f < KR_SF__COUNT; f++)
		avg[f] /= (double)n;
	for (size_t i = 0; i < n; i++) {
		struct kr_search_doc *d = docs[i];

		d->score = 0;
		for (size_t t = 0; t < q->n; t++) {
			double tfw = 0;

			for (int f = 0; f < KR_SF__COUNT; f++) {
				if (d->tf[f][t] == 0 || avg[f] <= 0)
					continue;
				tfw += field_weight[f] * d->tf[f][t] /
				       (1 - BM25_B + BM25_B * (double)d->chars[f] / avg[f]);
			}
			d->score += tfw * (BM25_K1 + 1) / (tfw + BM25_K1);
		}
	}
}

int search_doc_cmp(const void *a, const void *b)
{
	const struct kr_search_doc *x = *(const struct kr_search_doc *const *)a;
	const struct kr_search_doc *y = *(const struct kr_search_doc *const *)b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->order != y->order)
		return x->order > y->order ? -1 : 1;
	return 0;
}

/* Bytes of the longest term matching at s (left bytes remain), or 0. */
static size_t term_at(const struct kr_search_query *q, const char *s, size_t left)
{
	size_t best = 0;

	for (size_t t = 0; t < q->n; t++) {
		size_t n = q->terms[t].len;

		if (n > best && n <= left && eq_fold(s, q->terms[t].text, n))
			best = n;
	}
	return best;
}

/* The text a snippet is cut from: most matches, the title last. */
static enum kr_search_field best_field(const struct kr_search_doc *d, size_t nterms)
{
	static const enum kr_search_field order[] = {KR_SF_BODY, KR_SF_SITUATION, KR_SF_STEPS,
	                                             KR_SF_OUTCOME, KR_SF_TAGS};
	enum kr_search_field best = KR_SF_TITLE;
	unsigned most = 0;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		unsigned n = 0;

		for (size_t t = 0; t < nterms; t++)
			n += d->tf[order[i]][t];
		if (n > most) {
			most = n;
			best = order[i];
		}
	}
	return best;
}

struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *g = realloc(b->p, cap);

		if (!g) {
			b->oom = true;
			return;
		}
		b->p = g;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static bool ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *search_snippet(const struct kr_search_doc *d, const struct kr_search_query *q,
                     enum kr_search_field *field)
{
	enum kr_search_field f = best_field(d, q->n);
	const char *s = d->text[f] ? d->text[f] : "";
	size_t len = d->len[f], first = len, start, end, p, n;
	struct buf b = {0};

	*field = f;
	/* The first match. */
	for (p = 0; p < len; p += cp_len(s + p, len - p)) {
		if (term_at(q, s + p, len - p)) {
			first = p;
			break;
		}
	}
	if (first == len)
		first = 0;
	/* Back KR_SEARCH_LEAD characters, forward to the window's end. */
	start = first;
	for (n = 0; start > 0 && n < KR_SEARCH_LEAD; n++) {
		do
			start--;
		while (start > 0 && ((unsigned char)s[start] & 0xc0) == 0x80);
	}
	end = start;
	for (n = 0; end < len && n < KR_SEARCH_SNIPPET; n++)
		end += cp_len(s + end, len - end);
	if (start > 0)
		put(&b, "\xe2\x80\xa6", 3); /* … */
	for (p = start; p < end;) {
		size_t m = term_at(q, s + p, len - p);

		if (m) {
			put(&b, KR_SEARCH_MARK_OPEN, 2);
			put(&b, s + p, m);
			put(&b, KR_SEARCH_MARK_CLOSE, 2);
			p += m;
			if (p > end)
				end = p; /* a match is never cut */
		} else if (ascii_space(s[p])) {
			while (p < len && ascii_space(s[p]))
				p++;
			if (b.len && b.p[b.len - 1] != ' ')
				put(&b, " ", 1);
		} else {
			m = cp_len(s + p, len - p);
			put(&b, s + p, m);
			p += m;
		}
	}
	if (p < len)
		put(&b, "\xe2\x80\xa6", 3);
	else if (!b.p)
		put(&b, "", 0);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
