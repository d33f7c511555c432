/*
 * test_practice.c - the fields of a practice report (hub/practice.c): one
 * row per rule, accepted and refused, with the error code and the field the
 * message names; the size band's canonical spelling; moderators' partial
 * edits and their merge.
 */
#include <string.h>

#include "check.h"
#include "practice.h"
#include "redact.h"

/* A complete, valid practice object; %s is spliced in as extra members or
 * replaces nothing when empty. */
#define BASE                                                                                       \
	"\"directive\": 7, \"industry\": \"finance\", \"readers\": [\"executives\", \"ciso\"], "   \
	"\"level\": 2, \"situation\": \"委託先でインシデントが発生\", "               \
	"\"steps\": \"契約条項を見直した\", \"outcome\": \"報告が翌日に届いた\""

struct row {
	const char *name;
	enum kr_kind kind;
	const char *json; /* the practice object; NULL: absent */
	enum kr_err rc;
	const char *in_err; /* a substring of the message, when refused */
};

static const struct row rows[] = {
    {"complete", KR_KIND_PRACTICE, "{" BASE "}", KR_OK, NULL},
    {"with size band and references", KR_KIND_PRACTICE,
     "{" BASE ", \"size_band\": \"500–999\", \"references\": [\"https://www.meti.go.jp/\"]}", KR_OK,
     NULL},
    {"every reader", KR_KIND_PRACTICE,
     "{\"directive\": 1, \"industry\": \"energy\", \"readers\": [\"staff\", \"ciso\", "
     "\"executives\"], \"level\": 3, \"situation\": \"s\", \"steps\": \"t\", \"outcome\": "
     "\"o\"}",
     KR_OK, NULL},
    {"directive 10", KR_KIND_PRACTICE,
     "{\"directive\": 10, \"industry\": \"other\", \"readers\": [\"staff\"], \"level\": 1, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_OK, NULL},
    /* required on practice items, refused on the others */
    {"missing on practice", KR_KIND_PRACTICE, NULL, KR_EINVAL, "needs a 'practice' object"},
    {"not an object", KR_KIND_PRACTICE, "[1]", KR_EINVAL, "needs a 'practice' object"},
    {"on a threat", KR_KIND_THREAT, "{" BASE "}", KR_EINVAL, "only practice items"},
    {"on an alert", KR_KIND_ALERT, "{}", KR_EINVAL, "only practice items"},
    {"absent on a threat", KR_KIND_THREAT, NULL, KR_OK, NULL},
    /* members */
    {"unknown member", KR_KIND_PRACTICE, "{" BASE ", \"company\": \"X\"}", KR_EFIELD, "company"},
    {"directive missing", KR_KIND_PRACTICE,
     "{\"industry\": \"finance\", \"readers\": [\"ciso\"], \"level\": 2, \"situation\": \"s\", "
     "\"steps\": \"t\", \"outcome\": \"o\"}",
     KR_EINVAL, "directive"},
    {"outcome missing", KR_KIND_PRACTICE,
     "{\"directive\": 7, \"industry\": \"finance\", \"readers\": [\"ciso\"], \"level\": 2, "
     "\"situation\": \"s\", \"steps\": \"t\"}",
     KR_EINVAL, "outcome"},
    {"directive 0", KR_KIND_PRACTICE,
     "{\"directive\": 0, \"industry\": \"finance\", \"readers\": [\"ciso\"], \"level\": 2, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_EINVAL, "practice.directive: must be an integer 1-10"},
    {"directive 11", KR_KIND_PRACTICE,
     "{\"directive\": 11, \"industry\": \"finance\", \"readers\": [\"ciso\"], \"level\": 2, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_EINVAL, "practice.directive"},
    {"directive as text", KR_KIND_PRACTICE,
     "{\"directive\": \"7\", \"industry\": \"finance\", \"readers\": [\"ciso\"], \"level\": 2, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_EINVAL, "directive"},
    {"directive as a real", KR_KIND_PRACTICE,
     "{\"directive\": 7.0, \"industry\": \"finance\", \"readers\": [\"ciso\"], \"level\": 2, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_EINVAL, "directive"},
    {"level 4", KR_KIND_PRACTICE,
     "{\"directive\": 7, \"industry\": \"finance\", \"readers\": [\"ciso\"], \"level\": 4, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_EINVAL, "practice.level: must be an integer 1-3"},
    {"unknown industry", KR_KIND_PRACTICE,
     "{\"directive\": 7, \"industry\": \"banking\", \"readers\": [\"ciso\"], \"level\": 2, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_ELABEL, "unknown industry 'banking'"},
    {"industry in capitals", KR_KIND_PRACTICE,
     "{\"directive\": 7, \"industry\": \"Finance\", \"readers\": [\"ciso\"], \"level\": 2, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_ELABEL, "industry"},
    {"unknown size band", KR_KIND_PRACTICE, "{" BASE ", \"size_band\": \"about 900\"}", KR_ELABEL,
     "unknown size band"},
    {"a head count is no band", KR_KIND_PRACTICE, "{" BASE ", \"size_band\": \"900\"}", KR_ELABEL,
     "size_band"},
    {"no readers", KR_KIND_PRACTICE,
     "{\"directive\": 7, \"industry\": \"finance\", \"readers\": [], \"level\": 2, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_EINVAL, "practice.readers"},
    {"unknown reader", KR_KIND_PRACTICE,
     "{\"directive\": 7, \"industry\": \"finance\", \"readers\": [\"board\"], \"level\": 2, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_ELABEL, "unknown reader 'board'"},
    {"reader twice", KR_KIND_PRACTICE,
     "{\"directive\": 7, \"industry\": \"finance\", \"readers\": [\"ciso\", \"ciso\"], "
     "\"level\": 2, \"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_EINVAL, "listed twice"},
    {"reader not a string", KR_KIND_PRACTICE,
     "{\"directive\": 7, \"industry\": \"finance\", \"readers\": [1], \"level\": 2, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_EINVAL, "readers"},
    {"readers not a list", KR_KIND_PRACTICE,
     "{\"directive\": 7, \"industry\": \"finance\", \"readers\": \"ciso\", \"level\": 2, "
     "\"situation\": \"s\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_EINVAL, "readers"},
    {"empty situation", KR_KIND_PRACTICE,
     "{\"directive\": 7, \"industry\": \"finance\", \"readers\": [\"ciso\"], \"level\": 2, "
     "\"situation\": \"\", \"steps\": \"t\", \"outcome\": \"o\"}",
     KR_EINVAL, "practice.situation: must be a text of 1-16384 bytes"},
    {"empty reference", KR_KIND_PRACTICE, "{" BASE ", \"references\": [\"\"]}", KR_EINVAL,
     "references[0]"},
    {"reference not a string", KR_KIND_PRACTICE, "{" BASE ", \"references\": [7]}", KR_EINVAL,
     "references[0]"},
};

static json_t *load(const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;

	if (text && !v)
		fprintf(stderr, "bad test JSON: %s\n", text);
	return v;
}

static void test_rows(void)
{
	for (size_t i = 0; i < CHECK_N(rows); i++) {
		const struct row *r = &rows[i];
		json_t *in = load(r->json), *out = NULL;
		char err[256] = "";
		enum kr_err rc;

		check_case(r->name);
		rc = practice_check(r->kind, in, &out, err, sizeof(err));
		CHECK_EQ_INT(rc, r->rc);
		if (r->in_err && !CHECK(strstr(err, r->in_err) != NULL))
			fprintf(stderr, "  message: %s\n", err);
		if (rc == KR_OK && r->kind == KR_KIND_PRACTICE) {
			CHECK(json_equal(in, out));
		} else {
			CHECK_NULL(out);
		}
		json_decref(in);
		json_decref(out);
	}
	check_case(NULL);
}

/* A size band typed with an ASCII hyphen is stored with the en dash. */
static void test_size_band_spelling(void)
{
	static const struct {
		const char *given, *stored;
	} bands[] = {
	    {"1-49", "1–49"},       {"50–99", "50–99"},
	    {"100-299", "100–299"}, {"300-499", "300–499"},
	    {"500-999", "500–999"}, {"1,000-4,999", "1,000–4,999"},
	    {"5,000+", "5,000+"},   {"1,000–4,999", "1,000–4,999"},
	};

	for (size_t i = 0; i < CHECK_N(bands); i++) {
		json_t *in = json_loads("{" BASE "}", 0, NULL), *out = NULL;
		char err[256] = "";

		check_case(bands[i].given);
		json_object_set_new(in, "size_band", json_string(bands[i].given));
		CHECK_EQ_INT(practice_check(KR_KIND_PRACTICE, in, &out, err, sizeof(err)), KR_OK);
		CHECK_STREQ(json_string_value(json_object_get(out, "size_band")), bands[i].stored);
		json_decref(in);
		json_decref(out);
	}
	for (const char *const *bad =
	         (const char *const[]){"500--999", "500", "1000-4999", "5000+", "-", "", NULL};
	     *bad; bad++) {
		check_case(*bad);
		CHECK_NULL(redact_size_band_label(*bad));
	}
	check_case(NULL);
}

static void test_industries(void)
{
	static const char *const known[] = {"finance",    "energy",     "manufacturing",
	                                    "it-telecom", "healthcare", "government",
	                                    "other"};

	for (size_t i = 0; i < CHECK_N(known); i++) {
		check_case(known[i]);
		CHECK(practice_industry_known(known[i]));
		CHECK(strstr(practice_industry_list(), known[i]) != NULL);
	}
	check_case(NULL);
	CHECK(!practice_industry_known(NULL));
	CHECK(!practice_industry_known(""));
	CHECK(!practice_industry_known("banking"));
	CHECK(!practice_industry_known("finance "));
}

/* A moderator replaces some fields; the result is checked as a whole. */
static void test_edit_and_merge(void)
{
	static const struct {
		const char *name, *edit;
		enum kr_err check_rc, merge_rc;
		const char *field, *value; /* a text member after the merge */
	} edits[] = {
	    {"steps", "{\"steps\": \"[組織]の契約を見直した\"}", KR_OK, KR_OK, "steps",
	     "[組織]の契約を見直した"},
	    {"labels", "{\"directive\": 3, \"industry\": \"energy\"}", KR_OK, KR_OK, "situation",
	     "委託先でインシデントが発生"},
	    {"empty edit", "{}", KR_EINVAL, KR_OK, NULL, NULL},
	    {"unknown member", "{\"author\": \"x\"}", KR_EFIELD, KR_OK, NULL, NULL},
	    {"bad directive", "{\"directive\": 12}", KR_EINVAL, KR_OK, NULL, NULL},
	    {"bad reader", "{\"readers\": [\"board\"]}", KR_ELABEL, KR_OK, NULL, NULL},
	    {"empty text", "{\"outcome\": \"\"}", KR_EINVAL, KR_OK, NULL, NULL},
	};
	json_t *current = json_loads("{" BASE "}", 0, NULL);

	for (size_t i = 0; i < CHECK_N(edits); i++) {
		json_t *edit = json_loads(edits[i].edit, 0, NULL), *norm = NULL, *merged = NULL;
		char err[256] = "";

		check_case(edits[i].name);
		CHECK_EQ_INT(practice_check_edit(edit, &norm, err, sizeof(err)), edits[i].check_rc);
		if (edits[i].check_rc == KR_OK) {
			CHECK_EQ_INT(practice_merge(current, norm, &merged, err, sizeof(err)),
			             edits[i].merge_rc);
			CHECK_STREQ(json_string_value(json_object_get(merged, edits[i].field)),
			            edits[i].value);
			CHECK_EQ_INT(json_object_size(merged), json_object_size(current));
		} else {
			CHECK_NULL(norm);
		}
		json_decref(edit);
		json_decref(norm);
		json_decref(merged);
	}
	check_case("an item stored without fields gets only a complete object");
	{
		json_t *edit = json_pack("{s:s}", "steps", "x"), *merged = NULL;
		char err[256] = "";

		CHECK_EQ_INT(practice_merge(NULL, edit, &merged, err, sizeof(err)), KR_EINVAL);
		CHECK_NULL(merged);
		json_decref(edit);
	}
	check_case(NULL);
	json_decref(current);
}

int main(void)
{
	test_rows();
	test_size_band_spelling();
	test_industries();
	test_edit_and_merge();
	return check_finish();
}
