/*
 * search.h - full-text search, the pure part: what a query means, how it
 * becomes an SQLite FTS5 expression that user input cannot break, whether a
 * document matches, how matches are ranked and how a snippet is cut.
 *
 * Query syntax (PROTOCOL.md, "Search"): words separated by white space
 * (ASCII or the ideographic space U+3000), all of which must occur; a part
 * in double quotes is one phrase, matched as written (runs of white space
 * inside it count as one space). Matching is substring matching,
 * case-insensitive for ASCII letters, so Japanese needs no dictionary: a
 * term of three or more characters is looked up in the trigram index, a
 * shorter one (監査, 委託) by scanning the candidates' text.
 *
 * Ranking is BM25F computed here over the documents the caller hands in,
 * which are only those the reader may read: nothing the reader may not see
 * (no corpus statistic of SQLite's bm25()) shifts the order. Every result
 * contains every term, so inverse document frequency is the same for each
 * and drops out; what counts is how often the terms occur, where (title 3,
 * tags 2, other texts 1) and in how long a text.
 *
 * No I/O: store_items.c runs the candidate query, reader.c decides access,
 * handle_search.c puts them together.
 */
#ifndef KR_SEARCH_H
#define KR_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kr_error.h"

#define KR_SEARCH_Q_MAX       200 /* characters of a query */
#define KR_SEARCH_TERMS_MAX   8   /* words and phrases of a query */
#define KR_SEARCH_INDEXED_MIN 3   /* characters the trigram index needs */
#define KR_SEARCH_SNIPPET     120 /* characters of a snippet's window */
#define KR_SEARCH_LEAD        30  /* characters shown before the first match */

/* Snippet markers around each match: « and » (U+00AB, U+00BB). */
#define KR_SEARCH_MARK_OPEN  "\xc2\xab"
#define KR_SEARCH_MARK_CLOSE "\xc2\xbb"

struct kr_search_term {
	char *text;   /* owned, NUL-terminated */
	size_t len;   /* bytes */
	size_t chars; /* code points */
	bool phrase;  /* given in quotes */
};

struct kr_search_query {
	struct kr_search_term terms[KR_SEARCH_TERMS_MAX];
	size_t n;
};

/*
 * Parse q (valid UTF-8, len bytes) into its terms. Duplicates (equal but for
 * ASCII case) count once. KR_EINVAL with a message for people when q is
 * empty or has no words, is longer than KR_SEARCH_Q_MAX characters, holds a
 * control character, an unterminated quote or an empty phrase, or has more
 * than KR_SEARCH_TERMS_MAX terms. Release with search_query_clear().
 */
enum kr_err search_parse(const char *q, size_t len, struct kr_search_query *out, char *err,
                         size_t errlen);

void search_query_clear(struct kr_search_query *q);

/* Whether the trigram index can look the term up (>= 3 characters). */
bool search_term_indexed(const struct kr_search_term *t);

/*
 * s as an FTS5 string: in double quotes, each double quote doubled, so
 * nothing in it (AND, OR, NOT, NEAR, column filters, *, ^, parentheses) is
 * syntax. malloc'd; NULL when out of memory.
 */
char *search_fts_quote(const char *s);

/*
 * The FTS5 MATCH expression of the query's indexed terms: each quoted with
 * search_fts_quote(), separated by spaces (all must match). *out is NULL
 * when no term is long enough for the index (the caller then scans). false
 * when out of memory.
 */
bool search_fts_expr(const struct kr_search_query *q, char **out);

/* Occurrences of needle in hay (non-overlapping, left to right, ASCII
 * letters compared without case). An empty needle occurs 0 times. */
size_t search_count(const char *hay, size_t hlen, const char *needle, size_t nlen);

/* The texts of a document, in the order snippets prefer them after the
 * title (which the result shows anyway). */
enum kr_search_field {
	KR_SF_TITLE,
	KR_SF_TAGS,
	KR_SF_BODY,
	KR_SF_SITUATION,
	KR_SF_STEPS,
	KR_SF_OUTCOME,
	KR_SF__COUNT
};

/* "title", "tags", "body", "situation", "steps", "outcome". */
const char *search_field_name(enum kr_search_field f);

/* One candidate: its texts (borrowed, NULL when absent), then what
 * search_doc_match() and search_rank() found. */
struct kr_search_doc {
	const char *text[KR_SF__COUNT];
	size_t len[KR_SF__COUNT];
	size_t chars[KR_SF__COUNT];
	unsigned tf[KR_SF__COUNT][KR_SEARCH_TERMS_MAX];
	double score;
	int64_t order; /* ties: larger first (the cursor: newer first) */
};

/* Set a text of the document (borrowed; NULL leaves the field absent). */
void search_doc_set(struct kr_search_doc *d, enum kr_search_field f, const char *text);

/* Count every term in every text; true when each term occurs somewhere. */
bool search_doc_match(struct kr_search_doc *d, const struct kr_search_query *q);

/* Score the matching documents against each other (BM25F, see above). */
void search_rank(struct kr_search_doc *const *docs, size_t n, const struct kr_search_query *q);

/* qsort() order of struct kr_search_doc pointers: best score first, then
 * larger order first. */
int search_doc_cmp(const void *a, const void *b);

/*
 * The snippet of a matching document: a window of about KR_SEARCH_SNIPPET
 * characters of its best text (the one with most matches, the title only
 * when nothing else matches) starting KR_SEARCH_LEAD characters before the
 * first match, each match between KR_SEARCH_MARK_OPEN and _CLOSE, "…" where
 * text was cut, white space runs as one space. Never splits a character.
 * *field receives the text's field. malloc'd; NULL when out of memory.
 */
char *search_snippet(const struct kr_search_doc *d, const struct kr_search_query *q,
                     enum kr_search_field *field);

#endif
