/*
 * fuzz_search.c - libFuzzer harness for the search query parser and the
 * pure search engine (hub/search.h). The bytes up to the first NUL are the
 * query a reader types; the rest, when there is a NUL, is a document's
 * text (title = the first line, body = the rest).
 *
 * Properties: never crashes or leaks; a refused query says why; an
 * accepted one has 1 to KR_SEARCH_TERMS_MAX non-empty terms without
 * control characters, no two equal but for ASCII case; each term quoted
 * for FTS5 unquotes to itself, and the MATCH expression built from them
 * is accepted by SQLite's FTS5 with the trigram tokenizer (user input can
 * never be FTS5 syntax: no error, whatever was typed); a document that
 * matches gets a snippet that is valid UTF-8 with its match markers paired
 * (when the text holds none of its own).
 */
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "search.h"
#include "utf8.h"

static sqlite3 *db;
static sqlite3_stmt *match_stmt;

static void db_open(void)
{
	if (db)
		return;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db,
	                 "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = 'trigram');"
	                 "INSERT INTO t VALUES ('委託先管理の事例', 'supplier audit clause');",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &match_stmt,
	                       NULL) != SQLITE_OK)
		abort();
}

/* s as search_fts_quote() writes it, unquoted: "a""b" -> a"b. */
static void check_quote(const char *term)
{
	char *q = search_fts_quote(term);
	size_t n, o = 0;
	char *u;

	if (!q)
		return;
	n = strlen(q);
	if (n < 2 || q[0] != '"' || q[n - 1] != '"')
		abort();
	u = malloc(n);
	if (!u)
		abort();
	for (size_t i = 1; i + 1 < n; i++) {
		if (q[i] == '"') {
			if (q[i + 1] != '"' || i + 2 >= n)
				abort(); /* a lone quote inside would end the string */
			i++;
		}
		u[o++] = q[i];
	}
	u[o] = '\0';
	if (strcmp(u, term) != 0)
		abort();
	free(u);
	free(q);
}

static void check_query(const struct kr_search_query *q)
{
	char *expr = NULL;
	int rc;

	if (q->n < 1 || q->n > KR_SEARCH_TERMS_MAX)
		abort();
	for (size_t i = 0; i < q->n; i++) {
		const struct kr_search_term *t = &q->terms[i];

		if (!t->text || !t->len || t->len != strlen(t->text) ||
		    !kr_utf8_valid(t->text, t->len) || t->chars != kr_utf8_count(t->text, t->len))
			abort();
		for (size_t j = 0; j < t->len; j++)
			if ((unsigned char)t->text[j] < 0x20 || t->text[j] == 0x7f)
				abort();
		for (size_t j = 0; j < i; j++)
			if (q->terms[j].len == t->len && strcasecmp(q->terms[j].text, t->text) == 0)
				abort();
		check_quote(t->text);
	}
	if (!search_fts_expr(q, &expr))
		return; /* out of memory */
	if (expr) {
		db_open();
		sqlite3_bind_text(match_stmt, 1, expr, -1, SQLITE_STATIC);
		rc = sqlite3_step(match_stmt);
		sqlite3_reset(match_stmt);
		sqlite3_clear_bindings(match_stmt);
		if (rc != SQLITE_ROW)
			abort(); /* FTS5 read the reader's words as syntax */
	}
	free(expr);
}

static void check_doc(const struct kr_search_query *q, const char *text)
{
	struct kr_search_doc d, *one = &d;
	const char *nl = strchr(text, '\n');
	char *title = strndup(text, nl ? (size_t)(nl - text) : strlen(text)), *snip;
	enum kr_search_field f;
	size_t n, open = 0, close = 0;

	if (!title)
		return;
	memset(&d, 0, sizeof(d));
	search_doc_set(&d, KR_SF_TITLE, title);
	if (nl)
		search_doc_set(&d, KR_SF_BODY, nl + 1);
	if (!search_doc_match(&d, q))
		goto out;
	search_rank(&one, 1, q);
	snip = search_snippet(&d, q, &f);
	if (!snip)
		goto out;
	n = strlen(snip);
	if (!kr_utf8_valid(snip, n))
		abort();
	/* The markers are paired, unless the text itself holds « or ». */
	if (!strstr(text, KR_SEARCH_MARK_OPEN) && !strstr(text, KR_SEARCH_MARK_CLOSE)) {
		for (const char *p = snip; (p = strstr(p, KR_SEARCH_MARK_OPEN)); p++)
			open++;
		for (const char *p = snip; (p = strstr(p, KR_SEARCH_MARK_CLOSE)); p++)
			close++;
		if (open != close || open == 0)
			abort();
	}
	free(snip);
out:
	free(title);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t qlen = nul ? (size_t)(nul - (const char *)data) : size;
	struct kr_search_query q;
	char err[256] = "", *doc = NULL;

	if (size > 8192 || !kr_utf8_valid((const char *)data, qlen))
		return 0;
	memset(&q, 0, sizeof(q));
	if (search_parse((const char *)data, qlen, &q, err, sizeof(err)) != KR_OK) {
		if (!err[0] || q.n)
			abort();
		return 0;
	}
	check_query(&q);
	if (nul && kr_utf8_valid(nul + 1, size - qlen - 1)) {
		doc = strndup(nul + 1, size - qlen - 1);
		if (doc)
			check_doc(&q, doc);
	}
	free(doc);
	search_query_clear(&q);
	return 0;
}
