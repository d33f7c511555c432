/*
 * test_assess.c - a self-assessment as a document (hub/assess.c): one table
 * of JSON inputs with the error code and the words the message must
 * contain; the JSON form; the sector and maturity vocabulary
 * (common/model.c); and who may submit and who may see the benchmark
 * (policy_may_assess, policy_may_see_benchmark).
 */
#include <string.h>

#include "assess.h"
#include "check.h"
#include "policy.h"

#define ALL30             "\"1\":3,\"2\":3,\"3\":3,\"4\":3,\"5\":3,\"6\":3,\"7\":3,\"8\":3,\"9\":3,\"10\":3"
#define DOC(scores, rest) "{\"scores\":{" scores "}" rest "}"
#define OK_REST           ",\"maturity\":\"B\",\"sector\":\"finance\""

static const struct {
	const char *name, *json;
	enum kr_err rc;
	const char *msg; /* a substring of the message; NULL when rc is KR_OK */
} rows[] = {
    {"valid, integers", DOC(ALL30, OK_REST), KR_OK, NULL},
    {"7.0 written as 0.7e1 is out of range",
     DOC("\"1\":1.0,\"2\":1.5,\"3\":2.2,\"4\":3.3,\"5\":4.4,\"6\":5.0,\"7\":0.7e1,\"8\":4.9,"
         "\"9\":1.1,\"10\":3.7",
         OK_REST),
     KR_EINVAL, "scores.7: 7 is out of range"},
    {"valid, every field",
     DOC("\"1\":1.0,\"2\":1.5,\"3\":2.2,\"4\":3.3,\"5\":4.4,\"6\":5.0,\"7\":0.1e1,\"8\":4.9,"
         "\"9\":1.1,\"10\":3.7",
         ",\"maturity\":\"C\",\"sector\":\"manufacturing\""),
     KR_OK, NULL},
    {"3.25 refused",
     DOC("\"1\":3,\"2\":3,\"3\":3,\"4\":3.25,\"5\":3,\"6\":3,\"7\":3,\"8\":3,\"9\":3,\"10\":3",
         OK_REST),
     KR_EINVAL, "scores.4: 3.25 has more than one decimal"},
    {"nearly one decimal",
     DOC("\"1\":3.1000001,\"2\":3,\"3\":3,\"4\":3,\"5\":3,\"6\":3,\"7\":3,\"8\":3,\"9\":3,"
         "\"10\":3",
         OK_REST),
     KR_EINVAL, "scores.1: 3.1000001 has more than one decimal"},
    {"above 5",
     DOC("\"1\":3,\"2\":5.1,\"3\":3,\"4\":3,\"5\":3,\"6\":3,\"7\":3,\"8\":3,\"9\":3,\"10\":3",
         OK_REST),
     KR_EINVAL, "scores.2: 5.1 is out of range; scores are 1.0 to 5.0"},
    {"below 1",
     DOC("\"1\":3,\"2\":3,\"3\":0.9,\"4\":3,\"5\":3,\"6\":3,\"7\":3,\"8\":3,\"9\":3,\"10\":3",
         OK_REST),
     KR_EINVAL, "scores.3: 0.9 is out of range"},
    {"zero",
     DOC("\"1\":0,\"2\":3,\"3\":3,\"4\":3,\"5\":3,\"6\":3,\"7\":3,\"8\":3,\"9\":3,\"10\":3",
         OK_REST),
     KR_EINVAL, "scores.1: 0 is out of range"},
    {"negative",
     DOC("\"1\":-3,\"2\":3,\"3\":3,\"4\":3,\"5\":3,\"6\":3,\"7\":3,\"8\":3,\"9\":3,\"10\":3",
         OK_REST),
     KR_EINVAL, "scores.1: -3 is out of range"},
    {"string score",
     DOC("\"1\":\"3.5\",\"2\":3,\"3\":3,\"4\":3,\"5\":3,\"6\":3,\"7\":3,\"8\":3,\"9\":3,\"10\":3",
         OK_REST),
     KR_EINVAL, "scores.1: must be a number from 1.0 to 5.0, not a string"},
    {"null score",
     DOC("\"1\":null,\"2\":3,\"3\":3,\"4\":3,\"5\":3,\"6\":3,\"7\":3,\"8\":3,\"9\":3,\"10\":3",
         OK_REST),
     KR_EINVAL, "not null"},
    {"boolean score",
     DOC("\"1\":true,\"2\":3,\"3\":3,\"4\":3,\"5\":3,\"6\":3,\"7\":3,\"8\":3,\"9\":3,\"10\":3",
         OK_REST),
     KR_EINVAL, "not a boolean"},
    {"missing directive 7",
     DOC("\"1\":3,\"2\":3,\"3\":3,\"4\":3,\"5\":3,\"6\":3,\"8\":3,\"9\":3,\"10\":3", OK_REST),
     KR_EINVAL, "scores: directive 7 is missing"},
    {"extra directive 11", DOC(ALL30 ",\"11\":3", OK_REST), KR_EFIELD,
     "scores: '11' is not a directive"},
    {"directive 0", DOC(ALL30 ",\"0\":3", OK_REST), KR_EFIELD, "'0' is not a directive"},
    {"zero-padded key",
     DOC("\"01\":3,\"2\":3,\"3\":3,\"4\":3,\"5\":3,\"6\":3,\"7\":3,\"8\":3,\"9\":3,\"10\":3",
         OK_REST),
     KR_EFIELD, "'01' is not a directive"},
    {"Japanese key", DOC(ALL30 ",\"指示1\":3", OK_REST), KR_EFIELD, "is not a directive"},
    {"scores as an array", "{\"scores\":[3,3,3,3,3,3,3,3,3,3]" OK_REST "}", KR_EINVAL,
     "scores: must be an object"},
    {"no scores", "{\"maturity\":\"A\",\"sector\":\"finance\"}", KR_EINVAL, "scores: missing"},
    {"no maturity", DOC(ALL30, ",\"sector\":\"finance\""), KR_EINVAL,
     "maturity: missing (A, B or C)"},
    {"maturity D", DOC(ALL30, ",\"maturity\":\"D\",\"sector\":\"finance\""), KR_ELABEL,
     "maturity: unknown category 'D'"},
    {"maturity lower case", DOC(ALL30, ",\"maturity\":\"a\",\"sector\":\"finance\""), KR_ELABEL,
     "unknown category 'a'"},
    {"maturity number", DOC(ALL30, ",\"maturity\":1,\"sector\":\"finance\""), KR_EINVAL,
     "maturity: must be a string"},
    {"no sector", DOC(ALL30, ",\"maturity\":\"A\""), KR_EINVAL, "sector: missing"},
    {"unknown sector", DOC(ALL30, ",\"maturity\":\"A\",\"sector\":\"banking\""), KR_ELABEL,
     "sector: unknown sector 'banking' (one of: agriculture, construction"},
    {"Japanese sector label on the wire", DOC(ALL30, ",\"maturity\":\"A\",\"sector\":\"金融\""),
     KR_ELABEL, "unknown sector"},
    {"unknown field", DOC(ALL30, OK_REST ",\"note\":\"x\""), KR_EFIELD, "unknown field 'note'"},
    {"org named inside", DOC(ALL30, OK_REST ",\"org\":\"sakura-bank\""), KR_EFIELD,
     "unknown field 'org'"},
    {"not an object", "[1,2]", KR_EINVAL, "must be an object"},
};

static void test_parse(void)
{
	for (size_t i = 0; i < CHECK_N(rows); i++) {
		json_error_t jerr;
		json_t *doc = json_loads(rows[i].json, JSON_DECODE_ANY, &jerr);
		struct kr_assessment a;
		char err[512] = "";
		enum kr_err rc;

		check_case(rows[i].name);
		if (!CHECK_NOT_NULL(doc)) {
			fprintf(stderr, "  bad test JSON: %s\n", jerr.text);
			continue;
		}
		rc = assess_parse(doc, "assessment", &a, err, sizeof(err));
		CHECK_EQ_INT(rc, rows[i].rc);
		if (rows[i].msg && !CHECK(strstr(err, rows[i].msg) != NULL))
			fprintf(stderr, "  message: %s\n", err);
		if (rows[i].rc != KR_OK)
			CHECK(strncmp(err, "assessment", 10) == 0); /* names the field */
		if (rc != KR_OK) {
			static const struct kr_assessment zero;

			CHECK(memcmp(&a, &zero, sizeof(a)) == 0); /* nothing half-filled */
		}
		json_decref(doc);
	}
	check_case(NULL);
}

static void test_values_and_json(void)
{
	json_t *doc = json_loads(DOC("\"1\":1.0,\"2\":1.5,\"3\":2.2,\"4\":3.3,\"5\":4.4,\"6\":5.0,"
	                             "\"7\":1,\"8\":4.9,\"9\":1.1,\"10\":3.7",
	                             ",\"maturity\":\"C\",\"sector\":\"manufacturing\""),
	                         0, NULL);
	static const int want[KR_DIRECTIVES] = {10, 15, 22, 33, 44, 50, 10, 49, 11, 37};
	struct kr_assessment a;
	char err[256];
	json_t *out;
	struct kr_assessment b;

	check_case("values");
	CHECK_EQ_INT(assess_parse(doc, "assessment", &a, err, sizeof(err)), KR_OK);
	CHECK_MEMEQ(a.score, want, sizeof(want));
	CHECK_EQ_INT(a.maturity, KR_MATURITY_C);
	CHECK_EQ_INT(a.sector, KR_SECTOR_MANUFACTURING);
	out = assess_to_json(&a);
	CHECK_NOT_NULL(out);
	CHECK_STREQ(json_string_value(json_object_get(out, "sector")), "manufacturing");
	CHECK(json_real_value(json_object_get(json_object_get(out, "scores"), "4")) == 3.3);
	CHECK_EQ_INT(json_object_size(json_object_get(out, "scores")), 10);
	/* round trip */
	CHECK_EQ_INT(assess_parse(out, "assessment", &b, err, sizeof(err)), KR_OK);
	CHECK_MEMEQ(&a, &b, sizeof(a));
	/* every score on the scale round-trips through JSON text */
	for (int t = KR_SCORE_MIN; t <= KR_SCORE_MAX; t++) {
		json_t *v = assess_score_json(t);
		char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
		json_t *w = json_loads(text, JSON_DECODE_ANY, NULL);

		CHECK(json_real_value(w) * 10.0 == (double)t);
		CHECK(strlen(text) == 3); /* "3.2", never "3.2000000000000002" */
		json_decref(w);
		free(text);
		json_decref(v);
	}
	json_decref(out);
	json_decref(doc);
}

static void test_vocabulary(void)
{
	check_case("sectors");
	for (int i = 1; i <= KR_SECTOR_COUNT; i++) {
		const char *code = kr_sector_name((enum kr_sector)i);
		const char *ja = kr_sector_label_ja((enum kr_sector)i);

		CHECK_NOT_NULL(code);
		CHECK_NOT_NULL(ja);
		CHECK_EQ_INT(kr_sector_parse(code), i);
		CHECK_EQ_INT(kr_sector_from_text(code), i);
		CHECK_EQ_INT(kr_sector_from_text(ja), i);
		CHECK_EQ_INT(kr_sector_parse(ja), KR_SECTOR_NONE); /* the wire takes codes */
	}
	CHECK_NULL(kr_sector_name(KR_SECTOR_NONE));
	CHECK_NULL(kr_sector_name((enum kr_sector)(KR_SECTOR_COUNT + 1)));
	CHECK_EQ_INT(kr_sector_from_text("金融・保険"), KR_SECTOR_FINANCE);
	CHECK_EQ_INT(kr_sector_from_text("金融業・保険業"), KR_SECTOR_FINANCE);
	CHECK_EQ_INT(kr_sector_from_text("it-telecom"), KR_SECTOR_IT_TELECOM);
	CHECK_EQ_INT(kr_sector_from_text("金融"), KR_SECTOR_NONE); /* exact labels only */
	for (int i = 1; i <= KR_SECTOR_COUNT; i++)
		CHECK_EQ_INT(kr_sector_from_text(kr_sector_jsic_ja((enum kr_sector)i)), i);
	CHECK_EQ_INT(kr_sector_from_text("Finance"), KR_SECTOR_NONE);
	CHECK_EQ_INT(kr_sector_from_text(NULL), KR_SECTOR_NONE);
	CHECK_EQ_INT(kr_sector_from_text(""), KR_SECTOR_NONE);
	check_case("maturity");
	CHECK_EQ_INT(kr_maturity_parse("A"), KR_MATURITY_A);
	CHECK_EQ_INT(kr_maturity_parse("C"), KR_MATURITY_C);
	CHECK_EQ_INT(kr_maturity_parse("D"), KR_MATURITY_NONE);
	CHECK_EQ_INT(kr_maturity_parse("b"), KR_MATURITY_NONE);
	CHECK_STREQ(kr_maturity_name(KR_MATURITY_B), "B");
	check_case("directives");
	for (int d = 1; d <= KR_DIRECTIVES; d++)
		CHECK_NOT_NULL(kr_directive_label_ja(d));
	CHECK_NULL(kr_directive_label_ja(0));
	CHECK_NULL(kr_directive_label_ja(11));
	CHECK_STREQ(kr_directive_label_ja(7), "緊急対応体制");
}

#define CIRCLE 10
#define OTHER  11

static void test_policy(void)
{
	static const struct kr_membership member[] = {{CIRCLE, KR_ROLE_MEMBER}};
	static const struct kr_membership moderator[] = {{CIRCLE, KR_ROLE_MODERATOR}};
	static const struct kr_membership organizer[] = {{CIRCLE, KR_ROLE_ORGANIZER}};
	static const struct kr_membership observer[] = {{CIRCLE, KR_ROLE_OBSERVER}};
	static const struct kr_membership elsewhere[] = {{OTHER, KR_ROLE_MEMBER}};
	static const struct {
		const char *name;
		struct kr_reader r;
		enum kr_err submit, see;
	} who[] = {
	    {"member", {1, 100, member, 1}, KR_OK, KR_OK},
	    {"moderator", {2, 200, moderator, 1}, KR_OK, KR_OK},
	    {"organizer", {3, 300, organizer, 1}, KR_EFORBIDDEN, KR_OK},
	    {"observer", {4, 100, observer, 1}, KR_EFORBIDDEN, KR_OK},
	    {"member elsewhere", {5, 400, elsewhere, 1}, KR_EFORBIDDEN, KR_EFORBIDDEN},
	    {"removed", {6, 100, NULL, 0}, KR_EFORBIDDEN, KR_EFORBIDDEN},
	    {"anonymous", {0, 0, NULL, 0}, KR_EFORBIDDEN, KR_EFORBIDDEN},
	    {"anonymous with a membership (never happens)",
	     {0, 0, member, 1},
	     KR_EFORBIDDEN,
	     KR_EFORBIDDEN},
	    {"no organisation", {7, 0, member, 1}, KR_EFORBIDDEN, KR_EFORBIDDEN},
	};

	for (size_t i = 0; i < CHECK_N(who); i++) {
		check_case(who[i].name);
		CHECK_EQ_INT(policy_may_assess(&who[i].r, CIRCLE), who[i].submit);
		CHECK_EQ_INT(policy_may_see_benchmark(&who[i].r, CIRCLE), who[i].see);
		CHECK_EQ_INT(policy_may_assess(&who[i].r, 99), KR_EFORBIDDEN);
		CHECK_EQ_INT(policy_may_see_benchmark(&who[i].r, 99), KR_EFORBIDDEN);
	}
	check_case("NULL reader");
	CHECK_EQ_INT(policy_may_assess(NULL, CIRCLE), KR_EFORBIDDEN);
	CHECK_EQ_INT(policy_may_see_benchmark(NULL, CIRCLE), KR_EFORBIDDEN);
}

int main(void)
{
	test_parse();
	test_values_and_json();
	test_vocabulary();
	test_policy();
	return check_finish();
}
