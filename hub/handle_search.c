/*
 * handle_search.c - `search`: full-text search over the items a reader may
 * read, ranked, with snippets.
 *
 * Two passes. First every candidate the index gives (store_items_search():
 * access metadata and indexed texts, no JSON) is put through the read gate
 * (reader_search_may_read()); a denied one is dropped on the spot, so
 * nothing about it is counted, ranked or shown. Of a permitted one only
 * what ranking needs is kept (search.h: term counts and text lengths),
 * which bounds memory by the number of matches, not their size. Then the
 * matches are ranked against each other (BM25F over the reader's own
 * results), and only the best `limit` are fetched whole and, through the
 * gate again (reader_search_view()), turned into results with snippets.
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "practice.h"
#include "reader.h"
#include "search.h"
#include "server.h"
#include "store_items.h"

#define SEARCH_DEFAULT_LIMIT 20
#define SEARCH_MAX_LIMIT     100

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct kr_field search_fields[] = {
    {"q", KR_F_STRING, true},       {"kind", KR_F_STRING, false},
    {"directive", KR_F_INT, false}, {"industry", KR_F_STRING, false},
    {"circle", KR_F_STRING, false}, {"limit", KR_F_INT, false},
};

/* One permitted match: what ranking needs, then its id to fetch it again. */
struct hit {
	struct kr_search_doc doc; /* first: hits are sorted as docs */
	char id[KR_ITEM_ID_LEN + 1];
};

struct search_ctx {
	struct kr_session *s;
	const struct kr_search_query *q;
	struct kr_search_doc **docs; /* each the doc of a struct hit */
	size_t n, cap;
	bool oom;
};

/* The hit a doc of search_ctx.docs belongs to (its first member). */
static struct hit *hit_of(struct kr_search_doc *d)
{
	return (struct hit *)d;
}

/* The tags of a view as one text, separated by spaces (malloc'd; "" when none). */
static char *joined_tags(const json_t *tags)
{
	size_t len = 1, i;
	const json_t *t;
	char *out;

	json_array_foreach(tags, i, t)
	{
		len += json_string_length(t) + 1;
	}
	out = malloc(len);
	if (!out)
		return NULL;
	out[0] = '\0';
	json_array_foreach(tags, i, t)
	{
		if (i)
			strcat(out, " ");
		strcat(out, json_string_value(t));
	}
	return out;
}

/* Point d's texts into a permitted view (tags: into *tags, owned by the caller). */
static bool doc_from_view(struct kr_search_doc *d, const json_t *view, char **tags)
{
	const json_t *practice = json_object_get(view, "practice");

	*tags = joined_tags(json_object_get(view, "tags"));
	if (!*tags)
		return false;
	search_doc_set(d, KR_SF_TITLE, json_string_value(json_object_get(view, "title")));
	search_doc_set(d, KR_SF_TAGS, *tags);
	search_doc_set(d, KR_SF_BODY, json_string_value(json_object_get(view, "body")));
	search_doc_set(d, KR_SF_SITUATION,
	               json_string_value(json_object_get(practice, kr_practice_texts[0])));
	search_doc_set(d, KR_SF_STEPS,
	               json_string_value(json_object_get(practice, kr_practice_texts[1])));
	search_doc_set(d, KR_SF_OUTCOME,
	               json_string_value(json_object_get(practice, kr_practice_texts[2])));
	d->order = json_integer_value(json_object_get(view, "cursor"));
	return true;
}

static int collect(void *ud, const struct kr_search_candidate *cand)
{
	struct search_ctx *c = ud;
	struct hit *h;

	if (reader_search_may_read(c->s, &cand->meta) != KR_OK)
		return 0; /* not the reader's: it leaves no trace */
	h = calloc(1, sizeof(*h));
	if (!h) {
		c->oom = true;
		return 1;
	}
	for (int f = 0; f < KR_SF__COUNT; f++)
		search_doc_set(&h->doc, (enum kr_search_field)f, cand->text[f]);
	h->doc.order = cand->cursor;
	if (!search_doc_match(&h->doc, c->q)) {
		free(h);
		return 0;
	}
	/* Keep counts and lengths only: the texts belong to the store's row. */
	memset(h->doc.text, 0, sizeof(h->doc.text));
	snprintf(h->id, sizeof(h->id), "%s", cand->id);
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct kr_search_doc **g = realloc(c->docs, cap * sizeof(*g));

		if (!g) {
			free(h);
			c->oom = true;
			return 1;
		}
		c->docs = g;
		c->cap = cap;
	}
	c->docs[c->n++] = &h->doc;
	return 0;
}

/* The result for the ranked hit h: fetched again and through the gate again. */
static enum kr_err result(struct search_ctx *c, struct hit *h, json_t *results)
{
	struct kr_search_doc d = {0};
	enum kr_search_field field;
	struct kr_item *it = NULL;
	json_t *view = NULL, *r = NULL;
	const json_t *practice;
	char *tags = NULL, *snippet = NULL;
	enum kr_err rc;

	rc = store_item_get(c->s->srv->store, h->id, &it);
	if (rc == KR_OK && reader_search_view(c->s, it, &view) != KR_OK)
		rc = KR_EFORBIDDEN;
	if (rc != KR_OK)
		goto out;
	rc = KR_EINTERNAL;
	if (!doc_from_view(&d, view, &tags))
		goto out;
	search_doc_match(&d, c->q);
	snippet = search_snippet(&d, c->q, &field);
	if (!snippet)
		goto out;
	r = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:s, s:s}", "id", json_object_get(view, "id"),
	              "title", json_object_get(view, "title"), "kind",
	              json_object_get(view, "kind"), "circle", json_object_get(view, "circle"),
	              "tlp", json_object_get(view, "tlp"), "created",
	              json_object_get(view, "created"), "snippet", snippet, "field",
	              search_field_name(field));
	/* A practice report also tells its directive and industry. */
	practice = json_object_get(view, "practice");
	if (r && practice &&
	    (json_object_set(r, "directive", json_object_get(practice, "directive")) != 0 ||
	     json_object_set(r, "industry", json_object_get(practice, "industry")) != 0)) {
		json_decref(r);
		r = NULL;
	}
	if (r && json_array_append_new(results, r) == 0)
		rc = KR_OK;
out:
	free(snippet);
	free(tags);
	json_decref(view);
	item_unref(it);
	return rc;
}

/* The optional filters of the request into q. */
static enum kr_err filters(struct kr_session *s, const json_t *msg, struct kr_store_search *q,
                           int *limit, char *err, size_t errlen)
{
	const json_t *kind = json_object_get(msg, "kind");
	const json_t *directive = json_object_get(msg, "directive");
	const json_t *industry = json_object_get(msg, "industry");
	const json_t *circle = json_object_get(msg, "circle");
	const json_t *lim = json_object_get(msg, "limit");

	if (kind) {
		q->kind = kr_kind_parse(json_string_value(kind));
		if (q->kind == KR_KIND_NONE || q->kind == KR_KIND_ASSESSMENT) {
			snprintf(err, errlen,
			         "unknown kind '%.32s' (threat, practice, alert, event)",
			         json_string_value(kind));
			return KR_ELABEL;
		}
	}
	if (directive) {
		if (json_integer_value(directive) < 1 ||
		    json_integer_value(directive) > KR_PRACTICE_DIRECTIVES) {
			snprintf(err, errlen, "directive must be 1-%d", KR_PRACTICE_DIRECTIVES);
			return KR_EINVAL;
		}
		q->directive = (int)json_integer_value(directive);
	}
	if (industry) {
		if (!practice_industry_known(json_string_value(industry))) {
			snprintf(err, errlen, "unknown industry '%.32s' (%s)",
			         json_string_value(industry), practice_industry_list());
			return KR_ELABEL;
		}
		q->industry = json_string_value(industry);
	}
	*limit = SEARCH_DEFAULT_LIMIT;
	if (lim) {
		if (json_integer_value(lim) < 1 || json_integer_value(lim) > SEARCH_MAX_LIMIT) {
			snprintf(err, errlen, "limit must be 1-%d", SEARCH_MAX_LIMIT);
			return KR_EINVAL;
		}
		*limit = (int)json_integer_value(lim);
	}
	return circle ? handler_circle(s, json_string_value(circle), &q->circle_id, err, errlen)
	              : KR_OK;
}

/* The query's terms as the hub understood them. */
static json_t *terms_json(const struct kr_search_query *q)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < q->n; i++)
		json_array_append_new(a, json_string(q->terms[i].text));
	return a;
}

KR_HANDLER(handle_search)
{
	const json_t *qv = json_object_get(env->msg, "q");
	struct kr_search_query query = {0};
	struct kr_store_search sq = {0};
	struct search_ctx c = {s, &query, NULL, 0, 0, false};
	json_t *results = NULL;
	char *fts = NULL;
	int limit = 0;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, search_fields, NF(search_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = search_parse(json_string_value(qv), json_string_length(qv), &query, err,
		                  errlen);
	if (rc == KR_OK)
		rc = filters(s, env->msg, &sq, &limit, err, errlen);
	if (rc != KR_OK)
		goto out;
	/* Terms the trigram index can look up narrow the candidates; the
	 * shorter ones are checked in the candidates' text (search_doc_match). */
	if (!search_fts_expr(&query, &fts)) {
		rc = KR_EINTERNAL;
		goto out;
	}
	sq.fts = fts;
	rc = store_items_search(s->srv->store, &sq, collect, &c);
	if (rc == KR_OK && c.oom)
		rc = KR_EINTERNAL;
	if (rc != KR_OK)
		goto out;
	search_rank(c.docs, c.n, &query);
	if (c.n > 1)
		qsort(c.docs, c.n, sizeof(*c.docs), search_doc_cmp);
	results = json_array();
	if (!results) {
		rc = KR_EINTERNAL;
		goto out;
	}
	for (size_t i = 0; i < c.n && (int)json_array_size(results) < limit; i++) {
		rc = result(&c, hit_of(c.docs[i]), results);
		if (rc == KR_EINTERNAL)
			goto out;
		rc = KR_OK; /* gone since the first pass: not shown */
	}
	session_reply(s, json_pack("{s:s, s:s?, s:o, s:I, s:O}", "type", "search", "ref", env->id,
	                           "terms", terms_json(&query), "total", (json_int_t)c.n, "results",
	                           results));
out:
	for (size_t i = 0; i < c.n; i++)
		free(hit_of(c.docs[i]));
	free(c.docs);
	json_decref(results);
	free(fts);
	search_query_clear(&query);
	return rc;
}
