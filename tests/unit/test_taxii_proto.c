/*
 * test_taxii_proto.c - the pure parts of TAXII 2.1 (hub/taxii_proto.h):
 * timestamps both ways, date_added ordering, Accept negotiation,
 * Authorization parsing, match[...] lists and filters, the `next` token
 * (round trip, tampering, wrong key) and collection ids.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "taxii_proto.h"

#define US 1000000LL

static void test_timestamps(void)
{
	static const struct {
		const char *text;
		bool ok;
		long long us;
	} rows[] = {
	    {"1970-01-01T00:00:00Z", true, 0},
	    {"1970-01-01T00:00:00.000001Z", true, 1},
	    {"2024-05-01T10:00:00Z", true, 1714557600LL * US},
	    {"2024-05-01T10:00:00.5Z", true, 1714557600LL * US + 500000},
	    {"2024-05-01T10:00:00.123456Z", true, 1714557600LL * US + 123456},
	    {"2024-05-01T10:00:00.1234569Z", true, 1714557600LL * US + 123456}, /* rounds down */
	    {"2024-05-01t10:00:00z", true, 1714557600LL * US},
	    {"2024-02-29T00:00:00Z", true, 1709164800LL * US},
	    {"2000-02-29T00:00:00Z", true, 951782400LL * US},
	    {"2016-12-31T23:59:60Z", true, 1483228800LL * US - 1}, /* leap second */
	    {"2023-02-29T00:00:00Z", false, 0},
	    {"1900-02-29T00:00:00Z", false, 0},
	    {"2024-13-01T00:00:00Z", false, 0},
	    {"2024-04-31T00:00:00Z", false, 0},
	    {"2024-05-01T24:00:00Z", false, 0},
	    {"2024-05-01T10:00:00", false, 0},
	    {"2024-05-01T10:00:00+09:00", false, 0},
	    {"2024-05-01 10:00:00Z", false, 0},
	    {"2024-05-01T10:00:00.Z", false, 0},
	    {"2024-05-01T10:00:00ZZ", false, 0},
	    {"1969-12-31T23:59:59Z", false, 0},
	    {"24-05-01T10:00:00Z", false, 0},
	    {"", false, 0},
	};
	char out[TAXII_TS_LEN + 1];
	int64_t us;

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		check_case(rows[i].text);
		us = -7;
		if (CHECK(taxii_ts_parse(rows[i].text, &us) == rows[i].ok) && rows[i].ok)
			CHECK_EQ_INT(us, rows[i].us);
	}
	check_case("format");
	taxii_ts_format(0, out);
	CHECK_STREQ(out, "1970-01-01T00:00:00.000000Z");
	taxii_ts_format(1714557600LL * US + 123, out);
	CHECK_STREQ(out, "2024-05-01T10:00:00.000123Z");
	taxii_ts_format(253402300799LL * US + 999999, out);
	CHECK_STREQ(out, "9999-12-31T23:59:59.999999Z");
	check_case("format, parse round trip");
	for (long long t = 0; t < 4000000000LL; t += 86400LL * 97 + 3671) {
		int64_t back = -1;

		taxii_ts_format(t * US + t % 1000, out);
		if (!CHECK(taxii_ts_parse(out, &back) && back == t * US + t % 1000))
			break;
	}
	check_case(NULL);
	CHECK(!taxii_ts_parse(NULL, &us));
}

static void test_date_added(void)
{
	/* Strictly increasing in cursor while the clock does not go back, and
	 * never earlier than the clock (no finer than the circle's `created`). */
	int64_t hour = 1714557600, prev = -1;
	static const struct {
		int64_t clock, cursor;
	} seq[] = {{0, 1},         {0, 2},          {3600, 3},       {3600, 4},
	           {3600, 999999}, {3600, 1000000}, {3601, 1000001}, {7200, 5000000}};

	check_case("date_added");
	CHECK_EQ_INT(taxii_date_added(hour, 42), hour * US + 42);
	for (size_t i = 0; i < CHECK_N(seq); i++) {
		int64_t d = taxii_date_added(hour + seq[i].clock, seq[i].cursor);

		CHECK(d > prev);
		CHECK(d >= (hour + seq[i].clock) * US);
		prev = d;
	}
}

static void test_accept(void)
{
	static const struct {
		const char *accept;
		bool ok;
	} rows[] = {
	    {NULL, true},
	    {"", true},
	    {"application/taxii+json;version=2.1", true},
	    {"application/taxii+json; version=2.1", true},
	    {"application/taxii+json;version=\"2.1\"", true},
	    {"Application/TAXII+JSON;Version=2.1", true},
	    {"application/taxii+json", true},
	    {"*/*", true},
	    {"application/*", true},
	    {"text/html, application/taxii+json;version=2.1;q=0.9", true},
	    {"application/json, */*;q=0.1", true},
	    {"application/taxii+json;version=2.0", false},
	    {"application/taxii+json;version=2.0, application/taxii+json;version=2.1", true},
	    {"application/taxii+json;version=2.1;q=0", false},
	    {"application/taxii+json;q=0.000", false},
	    {"*/*;q=0", false},
	    {"application/json", false},
	    {"application/stix+json;version=2.1", false},
	    {"text/*", false},
	    {"application/taxii+jsonx", false},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		check_case(rows[i].accept ? rows[i].accept : "(none)");
		CHECK(taxii_accept_ok(rows[i].accept) == rows[i].ok);
	}
}

static void test_credentials(void)
{
	static const struct {
		const char *authz;
		enum taxii_cred cred;
		const char *user, *token;
	} rows[] = {
	    {NULL, TAXII_CRED_NONE, "", ""},
	    {"Bearer kr_abc", TAXII_CRED_BEARER, "", "kr_abc"},
	    {"bearer   kr_abc  ", TAXII_CRED_BEARER, "", "kr_abc"},
	    {"Basic c3V6dWtpOmtyX2FiYw==", TAXII_CRED_BASIC, "suzuki", "kr_abc"},
	    {"BASIC c3V6dWtpOmtyX2FiYw==", TAXII_CRED_BASIC, "suzuki", "kr_abc"},
	    /* "a:b:c": the user ends at the first colon */
	    {"Basic YTpiOmM=", TAXII_CRED_BASIC, "a", "b:c"},
	    {"Basic c3V6dWtp", TAXII_CRED_BAD, "", ""},           /* "suzuki": no colon */
	    {"Basic OmtyX2FiYw==", TAXII_CRED_BAD, "", ""},       /* ":kr_abc": no user */
	    {"Basic c3V6dWtpOg==", TAXII_CRED_BAD, "", ""},       /* "suzuki:": no token */
	    {"Basic c3V6dWtpOmtyX2FiYw", TAXII_CRED_BAD, "", ""}, /* unpadded */
	    {"Basic c3V6*WtpOmtyX2FiYw==", TAXII_CRED_BAD, "", ""},
	    /* found by fuzz.taxii: '=' that is not the padding at the end */
	    {"Basic YTpiOm=M", TAXII_CRED_BAD, "", ""},
	    {"Basic LGzlZWQ6a3J0X2Fi/0=V", TAXII_CRED_BAD, "", ""},
	    {"Basic YTpi=mM=", TAXII_CRED_BAD, "", ""},
	    {"Basic YTpiOmM=", TAXII_CRED_BASIC, "a", "b:c"},
	    {"Basic YTpiOmNk", TAXII_CRED_BASIC, "a", "b:cd"},
	    {"Basic YTpiOg==", TAXII_CRED_BASIC, "a", "b:"},
	    {"Basic", TAXII_CRED_BAD, "", ""},
	    {"Bearer", TAXII_CRED_BAD, "", ""},
	    {"Bearer a b", TAXII_CRED_BAD, "", ""},
	    /* found by fuzz.taxii: blanks and controls inside a Bearer token */
	    {"Bearer a\tb", TAXII_CRED_BAD, "", ""},
	    {"Bearer kr_\x01"
	     "abc",
	     TAXII_CRED_BAD, "", ""},
	    {"Bearer kr_\xfa", TAXII_CRED_BAD, "", ""},
	    {"Bearer a=b", TAXII_CRED_BAD, "", ""},
	    {"Bearer abc==", TAXII_CRED_BEARER, "", "abc=="},
	    {"Bearer A-._~+/z", TAXII_CRED_BEARER, "", "A-._~+/z"},
	    {"Digest username=x", TAXII_CRED_BAD, "", ""},
	    {"kr_abc", TAXII_CRED_BAD, "", ""},
	    {"", TAXII_CRED_BAD, "", ""},
	};
	char user[64], token[64], small[4];

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		check_case(rows[i].authz ? rows[i].authz : "(none)");
		CHECK_EQ_INT(
		    taxii_credentials(rows[i].authz, user, sizeof(user), token, sizeof(token)),
		    rows[i].cred);
		if (rows[i].cred == TAXII_CRED_BEARER || rows[i].cred == TAXII_CRED_BASIC) {
			CHECK_STREQ(user, rows[i].user);
			CHECK_STREQ(token, rows[i].token);
		}
	}
	check_case("token longer than the buffer");
	CHECK_EQ_INT(taxii_credentials("Bearer kr_abc", user, sizeof(user), small, sizeof(small)),
	             TAXII_CRED_BAD);
	CHECK_EQ_INT(taxii_credentials("Basic c3V6dWtpOmtyX2FiYw==", small, sizeof(small), token,
	                               sizeof(token)),
	             TAXII_CRED_BAD);
	check_case(NULL);
}

static void test_lists(void)
{
	char buf[1024];
	struct taxii_list l;

	check_case("lists");
	snprintf(buf, sizeof(buf), "indicator, report ,identity");
	CHECK(taxii_list_split(buf, &l));
	CHECK_EQ_INT(l.n, 3);
	CHECK_STREQ(l.v[0], "indicator");
	CHECK_STREQ(l.v[1], "report");
	CHECK_STREQ(l.v[2], "identity");
	snprintf(buf, sizeof(buf), "indicator");
	CHECK(taxii_list_split(buf, &l) && l.n == 1);
	snprintf(buf, sizeof(buf), "indicator,,report");
	CHECK(!taxii_list_split(buf, &l));
	snprintf(buf, sizeof(buf), "indicator,");
	CHECK(!taxii_list_split(buf, &l));
	snprintf(buf, sizeof(buf), " ");
	CHECK(!taxii_list_split(buf, &l));
	buf[0] = '\0';
	for (int i = 0; i <= TAXII_LIST_MAX; i++)
		strcat(buf, i ? ",x" : "x");
	CHECK(!taxii_list_split(buf, &l));
	check_case(NULL);
}

static void test_matches(void)
{
	json_t *ind = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "indicator", "spec_version",
	                        "2.1", "id", "indicator--1", "created", "2024-05-01T10:00:00.000Z",
	                        "modified", "2024-05-01T11:00:00.000Z");
	json_t *mark =
	    json_pack("{s:s, s:s, s:s, s:s}", "type", "marking-definition", "spec_version", "2.1",
	              "id", "marking-definition--2", "created", "2022-10-01T00:00:00.000Z");
	static const struct {
		const char *type, *id, *version, *spec;
		bool ind, mark;
	} rows[] = {
	    {NULL, NULL, NULL, NULL, true, true},
	    {"indicator", NULL, NULL, NULL, true, false},
	    {"report,indicator", NULL, NULL, NULL, true, false},
	    {"marking-definition", NULL, NULL, NULL, false, true},
	    {"Indicator", NULL, NULL, NULL, false, false},
	    {NULL, "indicator--1", NULL, NULL, true, false},
	    {NULL, "indicator--1,marking-definition--2", NULL, NULL, true, true},
	    {"report", "indicator--1", NULL, NULL, false, false},
	    {NULL, NULL, "last", NULL, true, true},
	    {NULL, NULL, "first", NULL, true, true},
	    {NULL, NULL, "all", NULL, true, true},
	    {NULL, NULL, "2024-05-01T11:00:00Z", NULL, true, false},
	    {NULL, NULL, "2024-05-01T11:00:00.000000Z", NULL, true, false},
	    {NULL, NULL, "2024-05-01T10:00:00Z", NULL, false, false}, /* created, not the version */
	    {NULL, NULL, "2022-10-01T00:00:00Z,2024-05-01T11:00:00Z", NULL, true, true},
	    {NULL, NULL, NULL, "2.1", true, true},
	    {NULL, NULL, NULL, "2.0", false, false},
	};
	char type[256], id[256], version[256], spec[256];

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		struct taxii_filter f = {0};
		char name[64];

		snprintf(name, sizeof(name), "match row %zu", i);
		check_case(name);
		if (rows[i].type) {
			snprintf(type, sizeof(type), "%s", rows[i].type);
			CHECK(taxii_list_split(type, &f.type));
		}
		if (rows[i].id) {
			snprintf(id, sizeof(id), "%s", rows[i].id);
			CHECK(taxii_list_split(id, &f.id));
		}
		if (rows[i].version) {
			snprintf(version, sizeof(version), "%s", rows[i].version);
			CHECK(taxii_list_split(version, &f.version));
			CHECK(taxii_versions_valid(&f.version));
		}
		if (rows[i].spec) {
			snprintf(spec, sizeof(spec), "%s", rows[i].spec);
			CHECK(taxii_list_split(spec, &f.spec_version));
		}
		CHECK(taxii_object_matches(&f, ind) == rows[i].ind);
		CHECK(taxii_object_matches(&f, mark) == rows[i].mark);
	}
	check_case("versions");
	{
		struct taxii_list l;

		snprintf(version, sizeof(version), "latest");
		CHECK(taxii_list_split(version, &l) && !taxii_versions_valid(&l));
		snprintf(version, sizeof(version), "first,2024-05-01T11:00:00Z");
		CHECK(taxii_list_split(version, &l) && taxii_versions_valid(&l));
	}
	CHECK_STREQ(taxii_object_version(ind), "2024-05-01T11:00:00.000Z");
	CHECK_STREQ(taxii_object_version(mark), "2022-10-01T00:00:00.000Z");
	check_case(NULL);
	json_decref(ind);
	json_decref(mark);
}

static void test_next(void)
{
	unsigned char key[32], other[32];
	struct taxii_pos
	    p = {TAXII_MODE_MANIFEST,     7, 42, 123456789012LL, 3, 1714557600, 1714560000,
	         {1, 2, 3, 4, 5, 6, 7, 8}},
	    back;
	char tok[TAXII_NEXT_LEN + 1], bad[TAXII_NEXT_LEN + 2];

	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)i, other[i] = (unsigned char)(i + 1);
	check_case("next round trip");
	CHECK(taxii_next_encode(key, &p, tok));
	CHECK_EQ_INT(strlen(tok), TAXII_NEXT_LEN);
	CHECK(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	      TAXII_NEXT_LEN);
	memset(&back, 0, sizeof(back));
	CHECK(taxii_next_decode(key, tok, &back));
	CHECK_EQ_INT(back.mode, p.mode);
	CHECK_EQ_INT(back.circle_id, p.circle_id);
	CHECK_EQ_INT(back.user_id, p.user_id);
	CHECK_EQ_INT(back.from, p.from);
	CHECK_EQ_INT(back.skip, p.skip);
	CHECK_EQ_INT(back.clock, p.clock);
	CHECK_EQ_INT(back.now, p.now);
	CHECK_MEMEQ(back.filter, p.filter, 8);
	check_case("next with another key");
	CHECK(!taxii_next_decode(other, tok, &back));
	check_case("next tampered");
	for (size_t i = 0; i < TAXII_NEXT_LEN; i++) {
		memcpy(bad, tok, sizeof(tok));
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		if (!CHECK(!taxii_next_decode(key, bad, &back)))
			break;
	}
	check_case("next truncated or extended");
	memcpy(bad, tok, sizeof(tok));
	bad[TAXII_NEXT_LEN - 1] = '\0';
	CHECK(!taxii_next_decode(key, bad, &back));
	snprintf(bad, sizeof(bad), "%sA", tok);
	CHECK(!taxii_next_decode(key, bad, &back));
	CHECK(!taxii_next_decode(key, "", &back));
	CHECK(!taxii_next_decode(key, NULL, &back));
	check_case("filter digest");
	{
		unsigned char a[8], b[8], c[8];

		taxii_filter_digest("match[type]=indicator\n", 22, a);
		taxii_filter_digest("match[type]=indicator\n", 22, b);
		taxii_filter_digest("match[type]=report\n", 19, c);
		CHECK(memcmp(a, b, 8) == 0);
		CHECK(memcmp(a, c, 8) != 0);
	}
	check_case(NULL);
}

static void test_collection_id(void)
{
	char a[37], b[37];

	check_case("collection id");
	/* uuid.uuid5(UUID("ff964e3b-a393-494d-ab9d-e793d1a97dc1"), "fin-isac") */
	CHECK(taxii_collection_id("fin-isac", a));
	CHECK_STREQ(a, "33ba94ea-4723-5e19-a8de-158613dd413d");
	CHECK(taxii_collection_id("energy-isac", b));
	CHECK(strcmp(a, b) != 0);
	CHECK_EQ_INT(strlen(b), 36);
	CHECK(b[14] == '5');
	check_case(NULL);
}

int main(void)
{
	test_timestamps();
	test_date_added();
	test_accept();
	test_credentials();
	test_lists();
	test_matches();
	test_next();
	test_collection_id();
	return check_finish();
}
