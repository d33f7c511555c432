/*
 * handle_events.c - `events`: the events a reader may see, soonest first,
 * filtered by place (a prefecture, a region, online), dates, audience,
 * words and circle. Every event passes the read gate (reader_view), so an
 * anonymous session lists the CLEAR events of circles that publish CLEAR,
 * and nothing else.
 *
 * Each entry carries how many people attend and wait (never who) and, for
 * an authenticated reader, that reader's own RSVP. A listing for a place
 * also carries that place's regional help directory (handle_resource.c).
 *
 * Without a region (or with near), the hub guesses the reader's prefecture
 * from the address it connects from (clientip.h: behind trusted proxies,
 * what they report) in the GeoIP City database (geoip.h), lists that
 * prefecture's events and the online ones, and says it guessed; a reader
 * who gives a region (or "all") is never second-guessed. No guess (no
 * database, an address it does not know, outside Japan): every region.
 */
#include <string.h>
#include <time.h>

#include "acl.h"
#include "event_check.h"
#include "geoip.h"
#include "handlers.h"
#include "prefecture.h"
#include "reader.h"
#include "server.h"
#include "store_events.h"
#include "tz.h"
#include "utf8.h"

#define LIST_DEFAULT 100
#define LIST_MAX     500
#define Q_MAX_CHARS  200
#define Q_MAX_WORDS  8
#define JST          (9 * 3600) /* dates in `from` and `to` are Japanese dates */

#define NF(a) (sizeof(a) / sizeof((a)[0]))

static const struct kr_field events_fields[] = {
    {"region", KR_F_STRING, false}, {"near", KR_F_BOOL, false},       {"from", KR_F_STRING, false},
    {"to", KR_F_STRING, false},     {"audience", KR_F_STRING, false}, {"q", KR_F_STRING, false},
    {"circle", KR_F_STRING, false}, {"limit", KR_F_INT, false},
};

/* "YYYY-MM-DD" (a Japanese date) as the UTC instant that day starts. */
static bool parse_date(const char *s, int64_t *utc)
{
	char buf[24];
	int64_t wall;

	if (!s || strlen(s) != 10)
		return false;
	snprintf(buf, sizeof(buf), "%sT00:00", s);
	if (!tz_parse_wall(buf, &wall))
		return false;
	*utc = wall - JST;
	return true;
}

static enum kr_err check_request(const json_t *msg, struct kr_event_query *q, int64_t *limit,
                                 char *err, size_t errlen)
{
	const char *from = json_string_value(json_object_get(msg, "from"));
	const char *to = json_string_value(json_object_get(msg, "to"));
	const char *aud = json_string_value(json_object_get(msg, "audience"));
	const json_t *words = json_object_get(msg, "q");
	const json_t *lim = json_object_get(msg, "limit");

	q->from = (int64_t)time(NULL);
	if (from && !parse_date(from, &q->from)) {
		snprintf(err, errlen, "from must be a date YYYY-MM-DD");
		return KR_EINVAL;
	}
	if (to && !parse_date(to, &q->to)) {
		snprintf(err, errlen, "to must be a date YYYY-MM-DD");
		return KR_EINVAL;
	}
	if (to)
		q->to += 86400; /* to is inclusive: the whole day */
	if (to && q->to <= q->from) {
		snprintf(err, errlen, "to must not be before from");
		return KR_EINVAL;
	}
	if (aud && strcmp(aud, "technical") && strcmp(aud, "executive") && strcmp(aud, "mixed")) {
		snprintf(err, errlen, "unknown audience '%.16s' (technical, executive, mixed)",
		         aud);
		return KR_ELABEL;
	}
	q->audience = aud;
	if (words &&
	    (json_string_length(words) == 0 ||
	     kr_utf8_count(json_string_value(words), json_string_length(words)) > Q_MAX_CHARS)) {
		snprintf(err, errlen, "q must be 1-%d characters", Q_MAX_CHARS);
		return KR_EINVAL;
	}
	if (lim && (json_integer_value(lim) < 1 || json_integer_value(lim) > LIST_MAX)) {
		snprintf(err, errlen, "limit must be 1-%d", LIST_MAX);
		return KR_EINVAL;
	}
	*limit = lim ? json_integer_value(lim) : LIST_DEFAULT;
	return KR_OK;
}

/* ---- words ---- */

struct words {
	char w[Q_MAX_WORDS][Q_MAX_CHARS * 4 + 1];
	size_t n;
};

/* Split q at ASCII blanks and U+3000 (the ideographic space). */
static void split_words(const char *q, struct words *ws)
{
	ws->n = 0;
	while (q && *q && ws->n < Q_MAX_WORDS) {
		size_t len = 0;

		while (*q == ' ' || *q == '\t' || strncmp(q, "\xe3\x80\x80", 3) == 0)
			q += *q == ' ' || *q == '\t' ? 1 : 3;
		while (q[len] && q[len] != ' ' && q[len] != '\t' &&
		       strncmp(q + len, "\xe3\x80\x80", 3) != 0)
			len++;
		if (len && len < sizeof(ws->w[0])) {
			memcpy(ws->w[ws->n], q, len);
			ws->w[ws->n++][len] = '\0';
		}
		q += len;
	}
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* needle in hay, ASCII letters case-insensitively, other bytes exactly. */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay && *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] &&
		       lower((unsigned char)hay[i]) == lower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/* Every word appears in the title, body, tags or the event's venue,
 * organiser or contact. */
static bool matches(const json_t *view, const struct words *ws)
{
	static const char *const ev_fields[] = {"venue", "organizer", "contact"};
	const json_t *ev = json_object_get(view, "event"), *t;

	for (size_t i = 0; i < ws->n; i++) {
		bool hit = contains(json_string_value(json_object_get(view, "title")), ws->w[i]) ||
		           contains(json_string_value(json_object_get(view, "body")), ws->w[i]);
		size_t k;

		for (size_t f = 0; !hit && f < NF(ev_fields); f++)
			hit = contains(json_string_value(json_object_get(ev, ev_fields[f])),
			               ws->w[i]);
		json_array_foreach(json_object_get(view, "tags"), k, t)
		{
			hit = hit || contains(json_string_value(t), ws->w[i]);
		}
		if (!hit)
			return false;
	}
	return true;
}

/* ---- collecting ---- */

struct list_ctx {
	struct kr_session *s;
	const struct words *words;
	json_t *events;
	int64_t limit;
	bool more;
};

static int list_one(void *ud, struct kr_item *it)
{
	struct list_ctx *l = ud;
	struct kr_event_state st;
	json_t *view = NULL, *entry;

	if (reader_view(l->s, it, &view) != KR_OK)
		return 0;
	if (!matches(view, l->words) || store_event_state(l->s->srv->store, it->id, &st) != KR_OK) {
		json_decref(view);
		return 0;
	}
	if ((int64_t)json_array_size(l->events) >= l->limit) {
		json_decref(view);
		l->more = true; /* one more readable event exists */
		return 1;
	}
	entry = json_pack("{s:o, s:I, s:I}", "item", view, "attending", (json_int_t)st.attending,
	                  "waitlisted", (json_int_t)st.waitlisted);
	if (entry && l->s->authed) {
		enum kr_rsvp r = KR_RSVP_NONE;
		int64_t pos = 0;

		if (store_rsvp_get(l->s->srv->store, it->id, l->s->user_id, &r, &pos) == KR_OK &&
		    r != KR_RSVP_NONE)
			json_object_set_new(entry, "rsvp",
			                    r == KR_RSVP_WAITLISTED
			                        ? json_pack("{s:s, s:I}", "status", kr_rsvp_name(r),
			                                    "position", (json_int_t)pos)
			                        : json_pack("{s:s}", "status", kr_rsvp_name(r)));
	}
	json_array_append_new(l->events, entry);
	return 0;
}

/* Fill l->events from the store, in pages, until full or exhausted. */
static enum kr_err collect(struct kr_store *st, const struct kr_event_query *q, struct list_ctx *l)
{
	char last_id[KR_ITEM_ID_LEN + 1] = "";
	int64_t last_start = 0;
	enum kr_err rc = KR_OK;
	bool first = true;

	while (rc == KR_OK && !l->more) {
		char before[KR_ITEM_ID_LEN + 1];

		snprintf(before, sizeof(before), "%s", last_id);
		rc = store_events_query(st, q, last_start, first ? NULL : before, (int)l->limit + 1,
		                        list_one, l, &last_start, last_id);
		if (strcmp(before, last_id) == 0)
			break; /* nothing more in the store */
		first = false;
	}
	return rc;
}

/* The prefecture s connects from, per the GeoIP database; NULL when unknown. */
static const struct kr_prefecture *guess_prefecture(struct kr_session *s)
{
	struct kr_geo g;

	if (!s->client[0] || !geoip_lookup(s->srv->geoip, s->client, &g) || !g.has_subdivision ||
	    strcmp(g.country, "JP") != 0)
		return NULL;
	return kr_prefecture_by_code(g.subdivision);
}

KR_HANDLER(handle_events)
{
	const char *region = json_string_value(json_object_get(env->msg, "region"));
	const char *circle = json_string_value(json_object_get(env->msg, "circle"));
	struct kr_event_query q = {0};
	struct list_ctx l = {s, NULL, NULL, 0, false};
	const struct kr_prefecture *guessed = NULL;
	json_t *resources = NULL;
	struct words words;
	json_t *prefs = NULL, *reply;
	enum kr_err rc;

	rc = kr_fields_check(env->msg, events_fields, NF(events_fields), true, err, errlen);
	if (rc == KR_OK)
		rc = check_request(env->msg, &q, &l.limit, err, errlen);
	if (rc == KR_OK && region && json_is_true(json_object_get(env->msg, "near"))) {
		snprintf(err, errlen, "give region or near, not both");
		rc = KR_EINVAL;
	}
	if (rc == KR_OK)
		rc = event_region_filter(region, &prefs, err, errlen);
	if (rc == KR_OK && !region && (guessed = guess_prefecture(s)) != NULL) {
		prefs = json_pack("[s, s]", guessed->code, "online");
		rc = prefs ? KR_OK : KR_EINTERNAL;
	}
	if (rc == KR_OK && circle)
		rc = handler_circle(s, circle, &q.circle_id, err, errlen);
	if (rc != KR_OK)
		goto out;
	q.prefectures = prefs;
	split_words(json_string_value(json_object_get(env->msg, "q")), &words);
	l.words = &words;
	l.events = json_array();
	rc = l.events ? collect(s->srv->store, &q, &l) : KR_EINTERNAL;
	if (rc != KR_OK)
		goto out;
	reply = json_pack("{s:s, s:s?, s:O, s:b, s:b}", "type", "events", "ref", env->id, "events",
	                  l.events, "more", l.more, "region_guessed", guessed != NULL);
	if (reply && (region || guessed))
		json_object_set_new(reply, "region", json_string(region ? region : guessed->code));
	/* The help directory of the places listed, beside their events. */
	if (reply && prefs && handler_resources(s, prefs, NULL, 0, &resources) == KR_OK)
		json_object_set_new(reply, "resources", resources);
	session_reply(s, reply);
out:
	json_decref(prefs);
	json_decref(l.events);
	return rc;
}
