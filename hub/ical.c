/*
 * ical.c - iCalendar text of events (see ical.h).
 */
#include "ical.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefecture.h"
#include "tz.h"

#define FOLD_AT    75
#define EPOCH_1970 0
#define MAX_ZONES  32
#define MAX_TRANS  400 /* clock changes in one VTIMEZONE (a 31-day event spans few) */

/* ---- a growing buffer ---- */

struct buf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	if (s)
		buf_add(b, s, strlen(s));
}

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		b->failed = true;
	else
		buf_add(b, tmp, (size_t)n);
}

/* ---- escaping and folding ---- */

static void escape_into(struct buf *b, const char *t)
{
	for (; t && *t; t++) {
		unsigned char c = (unsigned char)*t;

		if (c == '\\' || c == ';' || c == ',') {
			char e[2] = {'\\', (char)c};

			buf_add(b, e, 2);
		} else if (c == '\r' && t[1] == '\n') {
			continue; /* CRLF: one newline */
		} else if (c == '\n' || c == '\r') {
			buf_add(b, "\\n", 2);
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			buf_add(b, " ", 1);
		} else {
			buf_add(b, t, 1);
		}
	}
}

char *ical_escape(const char *text)
{
	struct buf b = {0};

	buf_add(&b, "", 0);
	escape_into(&b, text);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static void fold_into(struct buf *b, const char *line)
{
	size_t n = strlen(line), at = 0, room = FOLD_AT;

	while (n - at > room) {
		size_t cut = at + room;

		/* Back off to the start of a UTF-8 sequence. */
		while (cut > at && ((unsigned char)line[cut] & 0xc0) == 0x80)
			cut--;
		buf_add(b, line + at, cut - at);
		buf_add(b, "\r\n ", 3);
		at = cut;
		room = FOLD_AT - 1;
	}
	buf_add(b, line + at, n - at);
	buf_add(b, "\r\n", 2);
}

char *ical_fold(const char *line)
{
	struct buf b = {0};

	fold_into(&b, line ? line : "");
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* A content line: name (with its parameters), ':' and an escaped TEXT value. */
static void prop_text(struct buf *out, const char *name, const char *text)
{
	struct buf line = {0};

	buf_str(&line, name);
	buf_add(&line, ":", 1);
	escape_into(&line, text);
	if (line.failed)
		out->failed = true;
	else
		fold_into(out, line.s);
	free(line.s);
}

/* A content line whose value is written as is (dates, numbers, URIs). */
static void prop_raw(struct buf *out, const char *name, const char *value)
{
	struct buf line = {0};

	buf_str(&line, name);
	buf_add(&line, ":", 1);
	buf_str(&line, value);
	if (line.failed)
		out->failed = true;
	else
		fold_into(out, line.s);
	free(line.s);
}

/* ---- times ---- */

/* "2026-12-12T14:00:00[Z]" as "20261212T140000[Z]"; false when malformed. */
static bool basic_time(const char *t, char out[20])
{
	size_t n = t ? strlen(t) : 0;

	if ((n != 19 && n != 20) || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
	    t[16] != ':')
		return false;
	snprintf(out, 20, "%.4s%.2s%.2sT%.2s%.2s%.2s%s", t, t + 5, t + 8, t + 11, t + 14, t + 17,
	         n == 20 ? "Z" : "");
	return true;
}

/* "2026-12-12T05:00:00Z" as seconds since the epoch. */
static bool utc_seconds(const char *t, int64_t *out)
{
	char wall[20];

	if (!t || strlen(t) != 20 || t[19] != 'Z')
		return false;
	memcpy(wall, t, 19);
	wall[19] = '\0';
	return tz_parse_wall(wall, out);
}

static void wall_basic(int64_t wall, char out[20])
{
	char ext[24];

	tz_format_wall(wall, ext, sizeof(ext));
	basic_time(ext, out);
}

/* +hhmm or +hhmmss */
static void utc_offset(int32_t off, char out[12])
{
	int32_t a = off < 0 ? -off : off;

	if (a % 60)
		snprintf(out, 12, "%c%02d%02d%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60,
		         a % 60);
	else
		snprintf(out, 12, "%c%02d%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

/* ---- VTIMEZONE ---- */

struct zone_use {
	char name[KR_TZ_NAME_MAX + 1];
	int64_t first, last; /* UTC range of the events that use it */
};

static void observance(struct buf *b, int64_t onset_wall, int32_t from, const struct kr_tz_info *to)
{
	char when[20], off[12];

	buf_str(b, to->isdst ? "BEGIN:DAYLIGHT\r\n" : "BEGIN:STANDARD\r\n");
	wall_basic(onset_wall, when);
	prop_raw(b, "DTSTART", when);
	utc_offset(from, off);
	prop_raw(b, "TZOFFSETFROM", off);
	utc_offset(to->utoff, off);
	prop_raw(b, "TZOFFSETTO", off);
	if (to->abbr[0])
		prop_text(b, "TZNAME", to->abbr);
	buf_str(b, to->isdst ? "END:DAYLIGHT\r\n" : "END:STANDARD\r\n");
}

static enum kr_err vtimezone(struct buf *b, const struct zone_use *u, char *err, size_t errlen)
{
	struct kr_tz *z = NULL;
	struct kr_tz_transition tr;
	struct kr_tz_info info;
	char e[200];
	int64_t t;
	int n = 0;
	enum kr_err rc = tz_load(u->name, &z, e, sizeof(e));

	if (rc != KR_OK) {
		snprintf(err, errlen, "%s", e);
		return rc;
	}
	buf_str(b, "BEGIN:VTIMEZONE\r\n");
	prop_raw(b, "TZID", u->name);
	tz_at(z, u->first, &info);
	if (tz_prev_transition(z, u->first, &tr) && tr.utc >= EPOCH_1970)
		observance(b, tr.utc + tr.from, tr.from, &tr.to);
	else
		observance(b, EPOCH_1970, info.utoff, &info);
	for (t = u->first; n < MAX_TRANS && tz_next_transition(z, t, &tr) && tr.utc <= u->last;
	     n++, t = tr.utc)
		observance(b, tr.utc + tr.from, tr.from, &tr.to);
	buf_str(b, "END:VTIMEZONE\r\n");
	tz_free(z);
	return KR_OK;
}

/* ---- VEVENT ---- */

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void detail(struct buf *d, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	buf_str(d, "\n");
	buf_str(d, label);
	buf_str(d, ": ");
	buf_str(d, value);
}

/* The body and the event's details, as one text. */
static void description(struct buf *d, const json_t *item, const json_t *ev)
{
	const struct kr_prefecture *p = kr_prefecture_by_code(str(ev, "prefecture"));
	const json_t *cpe = json_object_get(ev, "cpe_credits");
	char tmp[64];

	buf_str(d, str(item, "body"));
	buf_str(d, "\n");
	snprintf(tmp, sizeof(tmp), "%.16s – %.16s", str(ev, "start"), str(ev, "end"));
	for (char *c = tmp; *c; c++)
		if (*c == 'T')
			*c = ' ';
	detail(d, "日時 / When", tmp);
	detail(d, "タイムゾーン / Time zone", str(ev, "timezone"));
	detail(d, "場所 / Place", p ? p->ja : "オンライン / online");
	detail(d, "会場 / Venue", str(ev, "venue"));
	detail(d, "対象 / Audience", str(ev, "audience"));
	if (json_integer_value(json_object_get(ev, "capacity")) > 0) {
		snprintf(tmp, sizeof(tmp), "%lld",
		         (long long)json_integer_value(json_object_get(ev, "capacity")));
		detail(d, "定員 / Capacity", tmp);
	}
	detail(d, "参加費 / Fee", str(ev, "fee"));
	if (json_is_number(cpe)) {
		snprintf(tmp, sizeof(tmp), "%g", json_number_value(cpe));
		detail(d, "CPE", tmp);
	}
	detail(d, "言語 / Language", str(ev, "language"));
	detail(d, "申込締切 / Register by", str(ev, "registration_deadline"));
	detail(d, "主催 / Organizer", str(ev, "organizer"));
	detail(d, "連絡先 / Contact", str(ev, "contact"));
	detail(d, "中止 / Cancelled", str(ev, "cancel_reason"));
	detail(d, "TLP", str(item, "tlp"));
	snprintf(tmp, sizeof(tmp), "kairan rsvp %.32s", str(item, "id"));
	detail(d, "参加登録 / RSVP", tmp);
}

static bool is_url(const char *s)
{
	if (!s || (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '"' || *s == '<' || *s == '>' || *s == '\\' ||
		    (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static enum kr_err vevent(struct buf *b, const json_t *item, char *err, size_t errlen)
{
	const json_t *ev = json_object_get(item, "event"), *t;
	const char *tlp = str(item, "tlp"), *zone = str(ev, "timezone");
	struct buf tmp = {0};
	char stamp[20], created[20], start[20], end[20], name[96];
	size_t i;

	if (!json_is_object(ev) || !str(item, "id") || !zone ||
	    !basic_time(str(ev, "updated"), stamp) || !basic_time(str(item, "created"), created) ||
	    !basic_time(str(ev, "start"), start) || !basic_time(str(ev, "end"), end)) {
		snprintf(err, errlen, "item '%.32s' is not an event", str(item, "id"));
		return KR_EINVAL;
	}
	buf_str(b, "BEGIN:VEVENT\r\n");
	buf_printf(&tmp, "%s@kairan", str(item, "id"));
	prop_text(b, "UID", tmp.s);
	tmp.len = 0;
	prop_raw(b, "DTSTAMP", stamp);
	prop_raw(b, "CREATED", created);
	prop_raw(b, "LAST-MODIFIED", stamp);
	buf_printf(&tmp, "%lld", (long long)json_integer_value(json_object_get(ev, "sequence")));
	prop_raw(b, "SEQUENCE", tmp.s);
	tmp.len = 0;
	prop_raw(b, "STATUS",
	         str(ev, "status") && strcmp(str(ev, "status"), "cancelled") == 0 ? "CANCELLED"
	                                                                          : "CONFIRMED");
	if (tlp && strcmp(tlp, "CLEAR") != 0)
		buf_printf(&tmp, "[TLP:%s] ", tlp);
	buf_str(&tmp, str(item, "title"));
	prop_text(b, "SUMMARY", tmp.s ? tmp.s : "");
	tmp.len = 0;
	description(&tmp, item, ev);
	prop_text(b, "DESCRIPTION", tmp.s ? tmp.s : "");
	tmp.len = 0;
	{
		const struct kr_prefecture *p = kr_prefecture_by_code(str(ev, "prefecture"));

		buf_str(&tmp, p ? p->ja : "オンライン");
		if (str(ev, "venue")) {
			buf_str(&tmp, " ");
			buf_str(&tmp, str(ev, "venue"));
		}
		prop_text(b, "LOCATION", tmp.s);
		tmp.len = 0;
	}
	snprintf(name, sizeof(name), "DTSTART;TZID=%s", zone);
	prop_raw(b, name, start);
	snprintf(name, sizeof(name), "DTEND;TZID=%s", zone);
	prop_raw(b, name, end);
	prop_raw(b, "CLASS", tlp && strcmp(tlp, "CLEAR") == 0 ? "PUBLIC" : "PRIVATE");
	/* CATEGORIES: each value escaped, separated by unescaped commas. */
	buf_str(&tmp, "CATEGORIES:");
	escape_into(&tmp, str(ev, "audience"));
	json_array_foreach(json_object_get(item, "tags"), i, t)
	{
		buf_add(&tmp, ",", 1);
		escape_into(&tmp, json_string_value(t));
	}
	if (!tmp.failed)
		fold_into(b, tmp.s);
	tmp.len = 0;
	if (is_url(str(ev, "contact")))
		prop_raw(b, "URL", str(ev, "contact"));
	if (tlp)
		prop_raw(b, "X-KAIRAN-TLP", tlp);
	buf_str(b, "END:VEVENT\r\n");
	if (tmp.failed)
		b->failed = true;
	free(tmp.s);
	return KR_OK;
}

/* Record that an event uses its zone between its start and end. */
static enum kr_err use_zone(struct zone_use *zones, size_t *n, const json_t *ev, char *err,
                            size_t errlen)
{
	const char *zone = str(ev, "timezone");
	int64_t s, e;
	size_t i;

	if (!zone || !tz_name_ok(zone) || !utc_seconds(str(ev, "start_utc"), &s) ||
	    !utc_seconds(str(ev, "end_utc"), &e)) {
		snprintf(err, errlen, "an event without valid times or time zone");
		return KR_EINVAL;
	}
	for (i = 0; i < *n && strcmp(zones[i].name, zone) != 0; i++)
		;
	if (i == *n) {
		if (*n == MAX_ZONES) {
			snprintf(err, errlen, "more than %d time zones in one calendar", MAX_ZONES);
			return KR_EINVAL;
		}
		snprintf(zones[i].name, sizeof(zones[i].name), "%s", zone);
		zones[i].first = s;
		zones[i].last = e;
		(*n)++;
	}
	if (s < zones[i].first)
		zones[i].first = s;
	if (e > zones[i].last)
		zones[i].last = e;
	return KR_OK;
}

enum kr_err ical_calendar(const json_t *events, const char *name, size_t pre, char **out,
                          size_t *len, char *err, size_t errlen)
{
	struct zone_use zones[MAX_ZONES];
	struct buf b = {0};
	size_t nz = 0, i;
	const json_t *item;
	enum kr_err rc = KR_OK;

	*out = NULL;
	*len = 0;
	json_array_foreach(events, i, item)
	{
		if (rc == KR_OK)
			rc = use_zone(zones, &nz, json_object_get(item, "event"), err, errlen);
	}
	if (rc != KR_OK)
		return rc;
	for (size_t left = pre; left;) { /* headroom for the caller (LWS_PRE) */
		static const char zero[64];
		size_t k = left < sizeof(zero) ? left : sizeof(zero);

		buf_add(&b, zero, k);
		left -= k;
	}
	buf_str(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kairan//kairan-hub//JA\r\n"
	            "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
	if (name)
		prop_text(&b, "X-WR-CALNAME", name);
	for (i = 0; rc == KR_OK && i < nz; i++)
		rc = vtimezone(&b, &zones[i], err, errlen);
	json_array_foreach(events, i, item)
	{
		if (rc == KR_OK)
			rc = vevent(&b, item, err, errlen);
	}
	buf_str(&b, "END:VCALENDAR\r\n");
	if (rc == KR_OK && b.failed)
		rc = KR_EINTERNAL;
	if (rc != KR_OK) {
		free(b.s);
		return rc;
	}
	*out = b.s;
	*len = b.len - pre;
	return KR_OK;
}
