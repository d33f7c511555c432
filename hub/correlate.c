/*
 * correlate.c - correlation counts and sighting aggregates under the k rule
 * (see correlate.h).
 */
#include "correlate.h"

#include <stdlib.h>
#include <time.h>

#include "acl.h"
#include "policy.h"
#include "reader.h"
#include "server.h"
#include "store_items.h"
#include "store_sightings.h"

/* Candidate items carrying one indicator, with their references. */
struct candidates {
	struct kr_item **v;
	size_t n, cap;
	int64_t skip; /* cursor already in v[0] */
};

static int collect(void *ud, struct kr_item *it)
{
	struct candidates *c = ud;

	if (it->cursor == c->skip)
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct kr_item **g = realloc(c->v, cap * sizeof(*g));

		if (!g)
			return 1;
		c->v = g;
		c->cap = cap;
	}
	c->v[c->n++] = item_ref(it);
	return 0;
}

static void candidates_clear(struct candidates *c)
{
	for (size_t i = 0; i < c->n; i++)
		item_unref(c->v[i]);
	free(c->v);
	*c = (struct candidates){0};
}

/*
 * Tally the items s may read that carry (type, value), with first (may be
 * NULL) counted among them.
 */
static enum kr_err tally(struct kr_session *s, struct kr_item *first, const char *type,
                         const char *value, struct reader_tally *t)
{
	struct candidates c = {0};
	enum kr_err rc = KR_OK;

	if (first) {
		if (collect(&c, first) != 0)
			rc = KR_EINTERNAL;
		c.skip = first->cursor; /* the store's copy of it comes again */
	}
	if (rc == KR_OK)
		rc = store_items_with_indicator(s->srv->store, type, value, KR_CORRELATE_CANDIDATES,
		                                collect, &c);
	if (rc == KR_OK)
		reader_tally(s, c.v, c.n, t);
	candidates_clear(&c);
	return rc;
}

static void day(int64_t when, char buf[16])
{
	time_t t = (time_t)when;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 16, "%Y-%m-%d", &tm);
}

enum kr_err correlate_sightings(struct kr_session *s, int64_t circle_id, const char *type,
                                const char *value, json_t **out)
{
	const struct kr_circle_policy *cp = acl_policy(s->srv->acl, circle_id);
	struct kr_sighting_tally t;
	char first[16], last[16];
	enum kr_err rc;

	*out = NULL;
	if (policy_may_see_sightings(&s->reader, circle_id, cp) != KR_OK)
		return KR_EFORBIDDEN;
	rc = store_sighting_tally(s->srv->store, circle_id, type, value, &t);
	if (rc != KR_OK)
		return rc;
	if (!policy_may_release_count(t.orgs, cp->k)) {
		*out = json_pack("{s:b}", "withheld", 1);
	} else {
		day(t.first_seen, first);
		day(t.last_seen, last);
		*out =
		    json_pack("{s:I, s:I, s:I, s:s?, s:s?}", "reports", (json_int_t)t.reports,
		              "seen_by", (json_int_t)t.seen_by, "false_positive",
		              (json_int_t)t.false_positive, "first_seen",
		              t.first_seen ? first : NULL, "last_seen", t.last_seen ? last : NULL);
	}
	return *out ? KR_OK : KR_EINTERNAL;
}

/* One indicator of the item: also_in and the item circle's sightings, each
 * only when released. *entry stays NULL when nothing is. */
static enum kr_err correlate_one(struct kr_session *s, struct kr_item *it, size_t index,
                                 const json_t *ind, json_t **entry)
{
	const char *type = json_string_value(json_object_get(ind, "type"));
	const char *value = json_string_value(json_object_get(ind, "value"));
	struct reader_tally t;
	json_t *sight = NULL;
	enum kr_err rc;

	*entry = NULL;
	if (!type || !value)
		return KR_OK;
	rc = tally(s, it, type, value, &t);
	if (rc != KR_OK)
		return rc;
	if (correlate_sightings(s, it->meta.circle_id, type, value, &sight) == KR_OK &&
	    json_object_get(sight, "withheld")) {
		json_decref(sight);
		sight = NULL;
	}
	if (t.items > 1 && policy_may_release_count((int64_t)t.orgs, t.k)) {
		*entry = json_pack("{s:I, s:I}", "index", (json_int_t)index, "also_in",
		                   (json_int_t)(t.items - 1));
	} else if (sight) {
		*entry = json_pack("{s:I}", "index", (json_int_t)index);
	} else {
		return KR_OK;
	}
	if (*entry && sight)
		json_object_set_new(*entry, "sightings", sight);
	else
		json_decref(sight);
	return *entry ? KR_OK : KR_EINTERNAL;
}

enum kr_err correlate_item(struct kr_session *s, struct kr_item *it, const json_t *view,
                           json_t **out)
{
	const json_t *inds = json_object_get(view, "indicators");
	const json_t *ind;
	size_t i;

	*out = json_array();
	if (!*out)
		return KR_EINTERNAL;
	json_array_foreach(inds, i, ind)
	{
		json_t *entry;
		enum kr_err rc;

		if (i >= KR_CORRELATE_INDICATORS)
			break;
		rc = correlate_one(s, it, i, ind, &entry);
		if (rc != KR_OK) {
			json_decref(*out);
			*out = NULL;
			return rc;
		}
		if (entry)
			json_array_append_new(*out, entry);
	}
	return KR_OK;
}

enum kr_err correlate_lookup(struct kr_session *s, const char *type, const char *value,
                             json_t **out)
{
	struct reader_tally t;
	json_t *items, *sightings;
	enum kr_err rc;

	*out = NULL;
	rc = tally(s, NULL, type, value, &t);
	if (rc != KR_OK)
		return rc;
	items = policy_may_release_count((int64_t)t.orgs, t.k)
	            ? json_pack("{s:I}", "in", (json_int_t)t.items)
	            : json_pack("{s:b}", "withheld", 1);
	sightings = json_array();
	for (size_t i = 0; items && sightings && i < s->reader.n; i++) {
		const struct kr_acl_circle *c = acl_circle(s->srv->acl, s->reader.m[i].circle_id);
		json_t *agg;

		if (!c || correlate_sightings(s, c->id, type, value, &agg) != KR_OK)
			continue;
		json_object_set_new(agg, "circle", json_string(c->key));
		json_array_append_new(sightings, agg);
	}
	if (items && sightings)
		*out = json_pack("{s:o, s:o}", "items", items, "sightings", sightings);
	else {
		json_decref(items);
		json_decref(sightings);
	}
	return *out ? KR_OK : KR_EINTERNAL;
}
