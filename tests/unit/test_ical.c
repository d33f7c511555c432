/*
 * test_ical.c - iCalendar output (hub/ical.h): TEXT escaping, folding at 75
 * octets without splitting a UTF-8 sequence (Japanese text at every offset
 * around the boundary), CRLF line ends, and whole calendars: one VTIMEZONE
 * per TZID (Asia/Tokyo a single +0900 STANDARD, Europe/Berlin with its clock
 * changes), UID, DTSTAMP, SEQUENCE, STATUS, TLP in SUMMARY and CLASS, and an
 * undescribable zone refused.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ical.h"
#include "utf8.h"

static void test_escape(void)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
	    {"plain", "plain"},
	    {"a,b;c", "a\\,b\\;c"},
	    {"back\\slash", "back\\\\slash"},
	    {"line\nbreak", "line\\nbreak"},
	    {"crlf\r\nend", "crlf\\nend"},
	    {"lone\rcr", "lone\\ncr"},
	    {"tab\tkept", "tab\tkept"},
	    {"bell\x07 del\x7f", "bell  del "},
	    {"勉強会、定員40名；無料", "勉強会、定員40名；無料"},
	    {"会場: 横浜, 3F; 申込\\不要", "会場: 横浜\\, 3F\\; 申込\\\\不要"},
	    {"", ""},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		char *out = ical_escape(rows[i].in);

		check_case(rows[i].in);
		CHECK_STREQ(out, rows[i].out);
		free(out);
	}
	check_case(NULL);
}

/* Folded text: every physical line at most 75 octets and valid UTF-8, every
 * continuation starting with one space, CRLF after each, and unfolding
 * (removing CRLF + space) gives the line back. */
static bool fold_ok(const char *line, const char *folded)
{
	size_t n = strlen(folded), start = 0;
	char *unfolded = malloc(n + 1);
	size_t u = 0;
	bool ok = unfolded != NULL, first = true;

	while (ok && start < n) {
		const char *crlf = strstr(folded + start, "\r\n");
		size_t len = crlf ? (size_t)(crlf - folded - start) : 0;

		ok = crlf && len <= 75 && kr_utf8_valid(folded + start, len) &&
		     (first || folded[start] == ' ');
		if (!ok)
			break;
		memcpy(unfolded + u, folded + start + (first ? 0 : 1), len - (first ? 0 : 1));
		u += len - (first ? 0 : 1);
		start += len + 2;
		first = false;
	}
	if (ok) {
		unfolded[u] = '\0';
		ok = strcmp(unfolded, line) == 0;
	}
	free(unfolded);
	return ok;
}

static void test_fold(void)
{
	static const char *const pieces[] = {"a", "勉", "😀", "é"}; /* 1, 3, 4, 2 bytes */
	char line[1024], name[64];
	int lines;

	/* Exactly 75 octets: one line; 76: two. */
	memset(line, 'x', 75);
	line[75] = '\0';
	{
		char *f = ical_fold(line);

		check_case("75 octets");
		CHECK(f && strlen(f) == 77 && strcmp(f + 75, "\r\n") == 0);
		free(f);
		line[75] = 'y';
		line[76] = '\0';
		f = ical_fold(line);
		check_case("76 octets");
		CHECK(f && strcmp(f + 75, "\r\n y\r\n") == 0);
		CHECK(fold_ok(line, f));
		free(f);
	}
	/* Every mix of prefix length and character width around the boundary. */
	for (size_t p = 0; p < CHECK_N(pieces); p++) {
		for (size_t prefix = 0; prefix < 8; prefix++) {
			for (size_t reps = 1; reps < 120; reps += 7) {
				char *f;

				memset(line, 'S', prefix);
				line[prefix] = '\0';
				strcat(line, "SUMMARY:");
				for (size_t r = 0; r < reps && strlen(line) < 900; r++)
					strcat(line, pieces[p]);
				snprintf(name, sizeof(name), "fold %s x%zu after %zu", pieces[p],
				         reps, prefix);
				check_case(name);
				f = ical_fold(line);
				CHECK(f && fold_ok(line, f));
				free(f);
			}
		}
	}
	/* A Japanese title survives, and is cut at a character boundary. */
	strcpy(line, "SUMMARY:中小企業のためのセキュリティ勉強会（横浜・12月）ランサムウェア対策と"
	             "バックアップの実践、経営層向けセッション付き");
	{
		char *f = ical_fold(line);

		check_case("japanese title");
		CHECK(f && fold_ok(line, f));
		lines = 0;
		for (const char *c = f; c && (c = strstr(c, "\r\n")); c += 2)
			lines++;
		CHECK(lines >= 3);
		free(f);
	}
	check_case(NULL);
}

static json_t *event_item(const char *id, const char *tlp, const char *zone, const char *start,
                          const char *start_utc, const char *end, const char *end_utc,
                          const char *status)
{
	json_t *ev = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:i, s:s}",
	                       "prefecture", "JP-14", "region", "kanto", "timezone", zone, "start",
	                       start, "start_utc", start_utc, "end", end, "end_utc", end_utc,
	                       "audience", "technical", "capacity", 40, "status", status,
	                       "sequence", 2, "updated", "2026-11-21T22:00:00Z");

	json_object_set_new(ev, "venue",
	                    json_string("横浜市中区 市民会議室 3F, 会議室A; 受付\\1F"));
	json_object_set_new(ev, "contact", json_string("https://kanagawa-sec.example/study"));
	if (strcmp(status, "cancelled") == 0)
		json_object_set_new(ev, "cancel_reason", json_string("講師急病のため"));
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:[s,s], s:s, s:s, s:o}",
	                 "id", id, "cursor", 5, "kind", "event", "circle", "kanagawa-community",
	                 "tlp", tlp, "status", "published", "title",
	                 "中小企業のためのセキュリティ勉強会（横浜・12月）：ランサムウェア対策と"
	                 "バックアップの実践",
	                 "body", "経営者向け30分、担当者向けハンズオン60分。\n持ち物: ノートPC",
	                 "indicators", "tags", "study-group", "smb,ransomware", "created",
	                 "2026-11-21T22:00:00Z", "pseudonym", "anon-3c9d0e12", "event", ev);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void test_calendar(void)
{
	json_t *events = json_array();
	char *out = NULL, err[256] = "";
	size_t len = 0;

	json_array_append_new(events, event_item("it_00000000000000a1", "CLEAR", "Asia/Tokyo",
	                                         "2026-12-12T14:00:00", "2026-12-12T05:00:00Z",
	                                         "2026-12-12T16:30:00", "2026-12-12T07:30:00Z",
	                                         "scheduled"));
	/* Berlin, across the end of summer time (25 October 2026). */
	json_array_append_new(events, event_item("it_00000000000000b2", "GREEN", "Europe/Berlin",
	                                         "2026-10-24T18:00:00", "2026-10-24T16:00:00Z",
	                                         "2026-10-26T12:00:00", "2026-10-26T11:00:00Z",
	                                         "cancelled"));
	check_case("calendar");
	if (!CHECK_EQ_INT(
	        ical_calendar(events, "kairan: JP-14, technical", 16, &out, &len, err, sizeof(err)),
	        KR_OK)) {
		fprintf(stderr, "  %s\n", err);
		json_decref(events);
		return;
	}
	{
		const char *c = out + 16;
		char *nul = memchr(c, '\0', len);

		CHECK(nul == NULL || (size_t)(nul - c) == len);
		CHECK_EQ_INT(strlen(c), len);
		/* Every line ends in CRLF: no bare LF, no bare CR. */
		for (size_t i = 0; i < len; i++) {
			if (c[i] == '\n' && (i == 0 || c[i - 1] != '\r')) {
				CHECK(!"bare LF");
				break;
			}
			if (c[i] == '\r' && c[i + 1] != '\n') {
				CHECK(!"bare CR");
				break;
			}
		}
		CHECK(strncmp(c, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) == 0);
		CHECK(len > 17 && strcmp(c + len - 15, "END:VCALENDAR\r\n") == 0);
		CHECK_EQ_INT(count(c, "BEGIN:VEVENT\r\n"), 2);
		CHECK_EQ_INT(count(c, "BEGIN:VTIMEZONE\r\n"), 2);
		CHECK_EQ_INT(count(c, "TZID:Asia/Tokyo\r\n"), 1);
		CHECK_EQ_INT(count(c, "TZID:Europe/Berlin\r\n"), 1);
		/* Tokyo: one STANDARD observance, +0900, JST. */
		CHECK(strstr(c, "TZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
		                "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\n"
		                "END:STANDARD\r\nEND:VTIMEZONE\r\n") != NULL);
		/* Berlin: summer time since 29 March, standard time from 25 October. */
		CHECK(strstr(c,
		             "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\n"
		             "TZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT\r\n") != NULL);
		CHECK(strstr(c,
		             "BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\n"
		             "TZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\n") != NULL);
		CHECK(strstr(c, "DTSTART;TZID=Asia/Tokyo:20261212T140000\r\n") != NULL);
		CHECK(strstr(c, "DTEND;TZID=Europe/Berlin:20261026T120000\r\n") != NULL);
		CHECK(strstr(c, "UID:it_00000000000000a1@kairan\r\n") != NULL);
		CHECK_EQ_INT(count(c, "DTSTAMP:20261121T220000Z\r\n"), 2);
		CHECK_EQ_INT(count(c, "SEQUENCE:2\r\n"), 2);
		CHECK_EQ_INT(count(c, "STATUS:CONFIRMED\r\n"), 1);
		CHECK_EQ_INT(count(c, "STATUS:CANCELLED\r\n"), 1);
		CHECK(strstr(c, "SUMMARY:[TLP:GREEN] ") != NULL);
		CHECK(strstr(c, "CLASS:PUBLIC\r\n") && strstr(c, "CLASS:PRIVATE\r\n"));
		CHECK(strstr(c, "CATEGORIES:technical,study-group,smb\\,ransomware\r\n") != NULL);
		CHECK(strstr(c, "URL:https://kanagawa-sec.example/study\r\n") != NULL);
		CHECK(strstr(c, "X-WR-CALNAME:kairan: JP-14\\, technical\r\n") != NULL);
		/* Escaped, then folded: unfold and find the venue as escaped TEXT. */
		{
			char *unfolded = malloc(len + 1);
			size_t u = 0;

			for (size_t i = 0; unfolded && i < len; i++) {
				if (c[i] == '\r' && c[i + 1] == '\n' && c[i + 2] == ' ') {
					i += 2;
					continue;
				}
				unfolded[u++] = c[i];
			}
			if (CHECK_NOT_NULL(unfolded)) {
				unfolded[u] = '\0';
				CHECK(strstr(unfolded,
				             "横浜市中区 市民会議室 3F\\, 会議室A\\; 受付\\\\1F") !=
				      NULL);
				CHECK(strstr(unfolded,
				             "SUMMARY:中小企業のためのセキュリティ勉強会（横浜・12"
				             "月）：ランサムウェア対策とバックアップの実践\r\n") !=
				      NULL);
				CHECK(strstr(unfolded, "持ち物: ノートPC") != NULL);
				CHECK(strstr(unfolded, "中止 / Cancelled: 講師急病のため") != NULL);
			}
			free(unfolded);
		}
		/* No physical line is longer than 75 octets. */
		for (const char *l = c; *l;) {
			const char *e = strstr(l, "\r\n");

			if (!CHECK(e && e - l <= 75))
				break;
			l = e + 2;
		}
	}
	free(out);
	/* A zone that cannot be described fails the whole calendar. */
	json_object_set_new(json_object_get(json_array_get(events, 0), "event"), "timezone",
	                    json_string("Mars/Olympus_Mons"));
	check_case("unknown zone");
	out = (char *)1;
	CHECK_EQ_INT(ical_calendar(events, NULL, 0, &out, &len, err, sizeof(err)), KR_EINVAL);
	CHECK_NULL(out);
	/* Not an event. */
	json_object_del(json_array_get(events, 1), "event");
	json_array_remove(events, 0);
	check_case("not an event");
	CHECK_EQ_INT(ical_calendar(events, NULL, 0, &out, &len, err, sizeof(err)), KR_EINVAL);
	check_case("empty");
	json_array_clear(events);
	CHECK_EQ_INT(ical_calendar(events, NULL, 0, &out, &len, err, sizeof(err)), KR_OK);
	CHECK(out &&
	      strcmp(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kairan//kairan-hub//JA"
	                  "\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n") == 0);
	free(out);
	check_case(NULL);
	json_decref(events);
}

int main(void)
{
	test_escape();
	test_fold();
	test_calendar();
	return check_finish();
}
