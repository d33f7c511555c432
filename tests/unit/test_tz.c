/*
 * test_tz.c - time zones from the system zoneinfo (hub/tz.h): zone names,
 * wall-time parsing, offsets and abbreviations in real zones (Tokyo with no
 * change since 1951, Berlin and New York with DST, Sydney on the southern
 * rule, Kolkata at +05:30), skipped and repeated wall times, transitions,
 * the POSIX TZ footer alone (a "slim" file built here) agreeing with the
 * explicit data hour by hour over five years, and refused input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tz.h"

static int64_t W(const char *s)
{
	int64_t t = 0;

	if (!tz_parse_wall(s, &t)) {
		fprintf(stderr, "bad wall time in test: %s\n", s);
		abort();
	}
	return t;
}

static struct kr_tz *load(const char *name)
{
	struct kr_tz *z = NULL;
	char err[256] = "";

	if (tz_load(name, &z, err, sizeof(err)) != KR_OK)
		fprintf(stderr, "cannot load %s: %s\n", name, err);
	return z;
}

static void test_walls(void)
{
	static const struct {
		const char *in;
		bool ok;
		const char *norm;
	} rows[] = {
	    {"2026-12-12T14:00", true, "2026-12-12T14:00:00"},
	    {"2026-12-12T14:00:30", true, "2026-12-12T14:00:30"},
	    {"2028-02-29T00:00", true, "2028-02-29T00:00:00"},
	    {"1970-01-01T00:00:00", true, "1970-01-01T00:00:00"},
	    {"9999-12-31T23:59:59", true, "9999-12-31T23:59:59"},
	    {"2026-02-29T10:00", false, NULL},
	    {"2026-13-01T10:00", false, NULL},
	    {"2026-12-12T24:00", false, NULL},
	    {"2026-12-12T14:60", false, NULL},
	    {"2026-12-12 14:00", false, NULL},
	    {"2026-12-12T14:00Z", false, NULL},
	    {"2026-12-12T14:00:00+09:00", false, NULL},
	    {"2026-12-12", false, NULL},
	    {"1969-12-31T23:59", false, NULL},
	    {"２０２６-12-12T14:00", false, NULL},
	    {"", false, NULL},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		int64_t t = -1;
		char out[32];

		check_case(rows[i].in);
		CHECK_EQ_INT(tz_parse_wall(rows[i].in, &t), rows[i].ok);
		if (!rows[i].ok)
			continue;
		tz_format_wall(t, out, sizeof(out));
		CHECK_STREQ(out, rows[i].norm);
	}
	check_case(NULL);
	CHECK(!tz_parse_wall(NULL, NULL));
	CHECK_EQ_INT(W("1970-01-02T00:00"), 86400);
	for (int64_t d = -800000; d < 800000; d += 997) {
		int64_t y;
		int m, dd;

		tz_civil_from_days(d, &y, &m, &dd);
		if (!CHECK_EQ_INT(tz_days_from_civil(y, m, dd), d))
			break;
	}
}

static void test_names(void)
{
	static const struct {
		const char *name;
		bool ok;
	} rows[] = {
	    {"Asia/Tokyo", true},
	    {"America/Argentina/Buenos_Aires", true},
	    {"Etc/GMT+9", true},
	    {"UTC", true},
	    {"America/Port-au-Prince", true},
	    {"../etc/passwd", false},
	    {"/etc/passwd", false},
	    {"Asia//Tokyo", false},
	    {"Asia/Tokyo/", false},
	    {"Asia/./Tokyo", false},
	    {"Asia/Tokyo ", false},
	    {"", false},
	    {"アジア/東京", false},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		check_case(rows[i].name);
		CHECK_EQ_INT(tz_name_ok(rows[i].name), rows[i].ok);
	}
	check_case(NULL);
	CHECK(!tz_name_ok(NULL));
}

/* What is in effect at instants in real zones. */
static void test_zones(void)
{
	static const struct {
		const char *zone, *utc;
		int32_t utoff;
		bool dst;
		const char *abbr;
	} rows[] = {
	    {"Asia/Tokyo", "2026-01-15T00:00", 32400, false, "JST"},
	    {"Asia/Tokyo", "2026-07-15T00:00", 32400, false, "JST"},
	    {"Asia/Tokyo", "2090-07-15T00:00", 32400, false, "JST"},
	    {"Europe/Berlin", "2026-01-15T00:00", 3600, false, "CET"},
	    {"Europe/Berlin", "2026-07-15T00:00", 7200, true, "CEST"},
	    {"Europe/Berlin", "2026-03-29T00:59:59", 3600, false, "CET"},
	    {"Europe/Berlin", "2026-03-29T01:00", 7200, true, "CEST"},
	    {"Europe/Berlin", "2060-07-15T00:00", 7200, true, "CEST"},
	    {"America/New_York", "2026-01-15T00:00", -18000, false, "EST"},
	    {"America/New_York", "2026-07-15T00:00", -14400, true, "EDT"},
	    {"America/New_York", "2026-03-08T07:00", -14400, true, "EDT"},
	    {"Australia/Sydney", "2026-01-15T00:00", 39600, true, "AEDT"},
	    {"Australia/Sydney", "2026-07-15T00:00", 36000, false, "AEST"},
	    {"Asia/Kolkata", "2026-07-15T00:00", 19800, false, "IST"},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		struct kr_tz *z = load(rows[i].zone);
		struct kr_tz_info info;
		char name[96];

		snprintf(name, sizeof(name), "%s %s", rows[i].zone, rows[i].utc);
		check_case(name);
		if (!CHECK_NOT_NULL(z))
			continue;
		CHECK_STREQ(tz_name(z), rows[i].zone);
		tz_at(z, W(rows[i].utc), &info);
		CHECK_EQ_INT(info.utoff, rows[i].utoff);
		CHECK_EQ_INT(info.isdst, rows[i].dst);
		CHECK_STREQ(info.abbr, rows[i].abbr);
		tz_free(z);
	}
	check_case(NULL);
}

/* Wall times to instants, including ones a clock change skips or repeats. */
static void test_wall_to_utc(void)
{
	static const struct {
		const char *zone, *wall, *utc; /* utc NULL: does not exist */
	} rows[] = {
	    {"Asia/Tokyo", "2026-12-12T14:00", "2026-12-12T05:00:00"},
	    {"Asia/Tokyo", "2027-01-01T00:00", "2026-12-31T15:00:00"},
	    {"Europe/Berlin", "2026-07-01T18:30", "2026-07-01T16:30:00"},
	    {"Europe/Berlin", "2026-03-29T02:30", NULL},
	    {"Europe/Berlin", "2026-03-29T03:00", "2026-03-29T01:00:00"},
	    {"Europe/Berlin", "2026-10-25T02:30", "2026-10-25T00:30:00"},
	    {"Europe/Berlin", "2026-10-25T03:00", "2026-10-25T02:00:00"},
	    {"America/New_York", "2026-03-08T02:15", NULL},
	    {"America/New_York", "2026-11-01T01:30", "2026-11-01T05:30:00"},
	    {"Australia/Sydney", "2026-10-04T02:30", NULL},
	    {"Asia/Kolkata", "2026-12-12T09:00", "2026-12-12T03:30:00"},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		struct kr_tz *z = load(rows[i].zone);
		int64_t utc = 0;
		char name[96], out[32];
		enum kr_err rc;

		snprintf(name, sizeof(name), "%s %s", rows[i].zone, rows[i].wall);
		check_case(name);
		if (!CHECK_NOT_NULL(z))
			continue;
		rc = tz_wall_to_utc(z, W(rows[i].wall), &utc);
		CHECK_EQ_INT(rc, rows[i].utc ? KR_OK : KR_EINVAL);
		if (rows[i].utc && rc == KR_OK) {
			tz_format_wall(utc, out, sizeof(out));
			CHECK_STREQ(out, rows[i].utc);
		}
		tz_free(z);
	}
	check_case(NULL);
}

static void test_transitions(void)
{
	struct kr_tz *tokyo = load("Asia/Tokyo"), *berlin = load("Europe/Berlin");
	struct kr_tz *sydney = load("Australia/Sydney");
	struct kr_tz_transition tr;
	char out[32];

	if (!CHECK_NOT_NULL(tokyo) || !CHECK_NOT_NULL(berlin) || !CHECK_NOT_NULL(sydney))
		goto out;
	/* Tokyo: nothing since 1951. */
	CHECK(!tz_next_transition(tokyo, W("1970-01-01T00:00"), &tr));
	if (CHECK(tz_prev_transition(tokyo, W("2026-12-12T00:00"), &tr))) {
		CHECK(tr.utc < tz_days_from_civil(1952, 1, 1) * 86400);
		CHECK_EQ_INT(tr.to.utoff, 32400);
		CHECK_EQ_INT(tr.from, 36000);
		CHECK_STREQ(tr.to.abbr, "JST");
	}
	/* Berlin 2026: CEST from 29 March 01:00 UTC, CET from 25 October 01:00 UTC. */
	if (CHECK(tz_next_transition(berlin, W("2026-01-01T00:00"), &tr))) {
		tz_format_wall(tr.utc, out, sizeof(out));
		CHECK_STREQ(out, "2026-03-29T01:00:00");
		CHECK_EQ_INT(tr.from, 3600);
		CHECK_EQ_INT(tr.to.utoff, 7200);
		CHECK(tr.to.isdst);
		CHECK(tz_next_transition(berlin, tr.utc, &tr));
		tz_format_wall(tr.utc, out, sizeof(out));
		CHECK_STREQ(out, "2026-10-25T01:00:00");
		CHECK_STREQ(tr.to.abbr, "CET");
	}
	if (CHECK(tz_prev_transition(berlin, W("2026-03-29T01:00"), &tr))) {
		tz_format_wall(tr.utc, out, sizeof(out));
		CHECK_STREQ(out, "2026-03-29T01:00:00");
	}
	if (CHECK(tz_prev_transition(berlin, W("2026-03-29T00:59:59"), &tr))) {
		tz_format_wall(tr.utc, out, sizeof(out));
		CHECK_STREQ(out, "2025-10-26T01:00:00");
	}
	/* Far beyond the explicit data of any file: the footer's rule. */
	if (CHECK(tz_next_transition(berlin, W("2077-06-01T00:00"), &tr))) {
		tz_format_wall(tr.utc, out, sizeof(out));
		CHECK_STREQ(out, "2077-10-31T01:00:00");
	}
	/* Sydney: DST ends in April, starts in October. */
	if (CHECK(tz_next_transition(sydney, W("2026-01-01T00:00"), &tr))) {
		tz_format_wall(tr.utc, out, sizeof(out));
		CHECK_STREQ(out, "2026-04-04T16:00:00");
		CHECK_EQ_INT(tr.to.utoff, 36000);
	}
out:
	tz_free(tokyo);
	tz_free(berlin);
	tz_free(sydney);
}

/* A version 2 TZif file with no transitions, one type and footer: what a
 * "slim" zone looks like once its explicit data has run out. */
static size_t slim_tzif(unsigned char *buf, const char *abbr, int32_t utoff, bool isdst,
                        const char *footer, char version, uint32_t leaps)
{
	size_t n = 0, alen = strlen(abbr) + 1;

	for (int v = 0; v < 2; v++) {
		uint32_t counts[6] = {0, 0, leaps, 0, 1, (uint32_t)alen};

		memcpy(buf + n, "TZif", 4);
		buf[n + 4] = (unsigned char)version;
		memset(buf + n + 5, 0, 15);
		n += 20;
		for (int i = 0; i < 6; i++) {
			buf[n++] = (unsigned char)(counts[i] >> 24);
			buf[n++] = (unsigned char)(counts[i] >> 16);
			buf[n++] = (unsigned char)(counts[i] >> 8);
			buf[n++] = (unsigned char)counts[i];
		}
		buf[n++] = (unsigned char)((uint32_t)utoff >> 24);
		buf[n++] = (unsigned char)((uint32_t)utoff >> 16);
		buf[n++] = (unsigned char)((uint32_t)utoff >> 8);
		buf[n++] = (unsigned char)utoff;
		buf[n++] = isdst;
		buf[n++] = 0;
		memcpy(buf + n, abbr, alen);
		n += alen;
		for (uint32_t l = 0; l < leaps; l++) {
			memset(buf + n, 0, v ? 12 : 8);
			n += v ? 12 : 8;
		}
	}
	n += (size_t)sprintf((char *)buf + n, "\n%s\n", footer);
	return n;
}

/* The footer alone gives the same answers as the full file, hour by hour. */
static void test_footer_matches_data(void)
{
	static const struct {
		const char *zone, *footer, *abbr;
		int32_t utoff;
	} rows[] = {
	    {"Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3", "CET", 3600},
	    {"America/New_York", "EST5EDT,M3.2.0,M11.1.0", "EST", -18000},
	    {"Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3", "AEST", 36000},
	    {"Asia/Tokyo", "JST-9", "JST", 32400},
	    {"Asia/Kolkata", "IST-5:30", "IST", 19800},
	    {"America/Nuuk", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "-02", -7200},
	};
	unsigned char buf[512];

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		struct kr_tz *full = load(rows[i].zone), *slim = NULL;
		size_t n =
		    slim_tzif(buf, rows[i].abbr, rows[i].utoff, false, rows[i].footer, '2', 0);
		char err[256] = "";
		int mismatches = 0;

		check_case(rows[i].zone);
		if (!CHECK_NOT_NULL(full) ||
		    !CHECK_EQ_INT(tz_parse("slim", buf, n, &slim, err, sizeof(err)), KR_OK)) {
			fprintf(stderr, "  %s\n", err);
			tz_free(full);
			continue;
		}
		for (int64_t t = W("2025-01-01T00:00"); t < W("2030-01-01T00:00"); t += 3600) {
			struct kr_tz_info a, b;

			tz_at(full, t, &a);
			tz_at(slim, t, &b);
			if (a.utoff != b.utoff || a.isdst != b.isdst || strcmp(a.abbr, b.abbr))
				mismatches++;
		}
		CHECK_EQ_INT(mismatches, 0);
		/* And the same transitions. */
		for (int64_t t = W("2025-01-01T00:00"), k = 0; k < 8; k++) {
			struct kr_tz_transition a, b;
			bool ha = tz_next_transition(full, t, &a),
			     hb = tz_next_transition(slim, t, &b);

			CHECK_EQ_INT(ha, hb);
			if (!ha || !hb)
				break;
			CHECK_EQ_INT(a.utc, b.utc);
			CHECK_EQ_INT(a.from, b.from);
			CHECK_EQ_INT(a.to.utoff, b.to.utoff);
			t = a.utc;
		}
		tz_free(full);
		tz_free(slim);
	}
	check_case(NULL);
}

static void test_refused(void)
{
	static const char *const names[] = {
	    "Mars/Olympus_Mons", "../../etc/passwd", "Asia", "asia/tokyo", "", "Asia/Tokyo\n",
	};
	static const char *const footers[] = {
	    "JS-9", "JST", "JST-9JDT,M3.5", "JST-9JDT,M13.1.0,M10.5.0", "<JST-9", "JST-99",
	};
	unsigned char buf[512];
	struct kr_tz *z = NULL;
	char err[256];
	size_t n;

	for (size_t i = 0; i < CHECK_N(names); i++) {
		check_case(names[i]);
		err[0] = '\0';
		CHECK_EQ_INT(tz_load(names[i], &z, err, sizeof(err)), KR_EINVAL);
		CHECK_NULL(z);
		CHECK(err[0] != '\0');
	}
	for (size_t i = 0; i < CHECK_N(footers); i++) {
		check_case(footers[i]);
		n = slim_tzif(buf, "JST", 32400, false, footers[i], '2', 0);
		CHECK_EQ_INT(tz_parse("bad", buf, n, &z, err, sizeof(err)), KR_EINVAL);
		CHECK_NULL(z);
	}
	check_case("version 1");
	n = slim_tzif(buf, "JST", 32400, false, "JST-9", '\0', 0);
	CHECK_EQ_INT(tz_parse("v1", buf, n, &z, err, sizeof(err)), KR_EINVAL);
	check_case("leap seconds");
	n = slim_tzif(buf, "JST", 32400, false, "JST-9", '2', 1);
	CHECK_EQ_INT(tz_parse("leaps", buf, n, &z, err, sizeof(err)), KR_EINVAL);
	CHECK(strstr(err, "leap") != NULL);
	check_case("truncated");
	n = slim_tzif(buf, "JST", 32400, false, "JST-9", '2', 0);
	for (size_t cut = 0; cut < 60; cut += 7) {
		CHECK_EQ_INT(tz_parse("cut", buf, cut, &z, err, sizeof(err)), KR_EINVAL);
		CHECK_NULL(z);
	}
	check_case("not TZif");
	CHECK_EQ_INT(tz_parse("text",
	                      (const unsigned char *)"hello, world, this is not a zone file "
	                                             "at all, not even close",
	                      60, &z, err, sizeof(err)),
	             KR_EINVAL);
	check_case("slim ok");
	n = slim_tzif(buf, "JST", 32400, false, "JST-9", '2', 0);
	if (CHECK_EQ_INT(tz_parse("ok", buf, n, &z, err, sizeof(err)), KR_OK)) {
		struct kr_tz_info info;

		tz_at(z, 0, &info);
		CHECK_EQ_INT(info.utoff, 32400);
		tz_free(z);
	}
	check_case(NULL);
}

int main(void)
{
	test_walls();
	test_names();
	test_zones();
	test_wall_to_utc();
	test_transitions();
	test_footer_matches_data();
	test_refused();
	return check_finish();
}
