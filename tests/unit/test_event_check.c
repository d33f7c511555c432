/*
 * test_event_check.c - an event item's details (hub/event_check.h): the
 * normalised object readers see (times with seconds and in UTC, region,
 * defaults), every refusal with the field it names, the stamp of status,
 * sequence and update time, and merging an update (null removes optional
 * fields, never required ones).
 */
#include <string.h>

#include "check.h"
#include "event_check.h"
#include "tz.h"

/* 2026-11-22T00:00:00Z: "now" for every row. */
#define NOW 1795305600

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);

	if (!v)
		fprintf(stderr, "bad JSON in test: %s: %s\n", text, e.text);
	return v;
}

static void test_accepted(void)
{
	json_t *in = J("{\"prefecture\": \"JP-14\", \"venue\": \"横浜市中区 市民会議室\", "
	               "\"start\": \"2026-12-12T14:00\", \"end\": \"2026-12-12T16:30\", "
	               "\"audience\": \"mixed\", \"capacity\": 40, \"fee\": \"無料\", "
	               "\"cpe_credits\": 1.5, \"language\": \"ja\", "
	               "\"registration_deadline\": \"2026-12-10T17:00\", "
	               "\"organizer\": \"神奈川セキュリティ勉強会\", \"contact\": "
	               "\"https://kanagawa-sec.example/\"}");
	struct kr_event_times t;
	json_t *out = NULL;
	char err[256] = "";

	check_case("full event");
	if (!CHECK_EQ_INT(event_check(KR_KIND_EVENT, in, NOW, &out, &t, err, sizeof(err)), KR_OK)) {
		fprintf(stderr, "  %s\n", err);
		json_decref(in);
		return;
	}
	CHECK_STREQ(json_string_value(json_object_get(out, "prefecture")), "JP-14");
	CHECK_STREQ(json_string_value(json_object_get(out, "region")), "kanto");
	CHECK_STREQ(json_string_value(json_object_get(out, "timezone")), "Asia/Tokyo");
	CHECK_STREQ(json_string_value(json_object_get(out, "start")), "2026-12-12T14:00:00");
	CHECK_STREQ(json_string_value(json_object_get(out, "start_utc")), "2026-12-12T05:00:00Z");
	CHECK_STREQ(json_string_value(json_object_get(out, "end_utc")), "2026-12-12T07:30:00Z");
	CHECK_STREQ(json_string_value(json_object_get(out, "registration_deadline_utc")),
	            "2026-12-10T08:00:00Z");
	CHECK_EQ_INT(json_integer_value(json_object_get(out, "capacity")), 40);
	CHECK(json_number_value(json_object_get(out, "cpe_credits")) == 1.5);
	CHECK_STREQ(json_string_value(json_object_get(out, "venue")), "横浜市中区 市民会議室");
	CHECK_STREQ(json_string_value(json_object_get(out, "contact")),
	            "https://kanagawa-sec.example/");
	CHECK_EQ_INT(t.start, NOW + 20 * 86400 + 5 * 3600);
	CHECK_EQ_INT(t.end - t.start, 9000);
	CHECK_EQ_INT(t.start - t.deadline, 2 * 86400 - 3 * 3600);
	/* The stamp readers see. */
	event_stamp(out, "scheduled", 0, NOW + 1234, 3600);
	CHECK_STREQ(json_string_value(json_object_get(out, "status")), "scheduled");
	CHECK_EQ_INT(json_integer_value(json_object_get(out, "sequence")), 0);
	CHECK_STREQ(json_string_value(json_object_get(out, "updated")), "2026-11-22T00:00:00Z");
	/* What the organiser wrote, again, ready for an update. */
	{
		json_t *input = event_input_fields(out), *again = NULL;

		CHECK_NULL(json_object_get(input, "region"));
		CHECK_NULL(json_object_get(input, "start_utc"));
		CHECK_NULL(json_object_get(input, "status"));
		CHECK_NULL(json_object_get(input, "sequence"));
		CHECK_NULL(json_object_get(input, "updated"));
		CHECK_EQ_INT(event_check(KR_KIND_EVENT, input, NOW, &again, NULL, err, sizeof(err)),
		             KR_OK);
		json_object_del(out, "status");
		json_object_del(out, "sequence");
		json_object_del(out, "updated");
		CHECK(json_equal(again, out));
		json_decref(again);
		json_decref(input);
	}
	json_decref(out);
	json_decref(in);

	/* Minimal, online, another zone: defaults filled, no region. */
	in = J("{\"prefecture\": \"online\", \"start\": \"2027-01-20T09:00\", \"end\": "
	       "\"2027-01-20T09:45:30\", \"timezone\": \"Europe/Berlin\", \"audience\": "
	       "\"executive\"}");
	check_case("online, Berlin");
	if (CHECK_EQ_INT(event_check(KR_KIND_EVENT, in, NOW, &out, &t, err, sizeof(err)), KR_OK)) {
		CHECK_NULL(json_object_get(out, "region"));
		CHECK_STREQ(json_string_value(json_object_get(out, "start_utc")),
		            "2027-01-20T08:00:00Z");
		CHECK_STREQ(json_string_value(json_object_get(out, "end")), "2027-01-20T09:45:30");
		CHECK_EQ_INT(json_integer_value(json_object_get(out, "capacity")), 0);
		CHECK_EQ_INT(t.deadline, 0);
		json_decref(out);
	}
	json_decref(in);
	/* Other kinds without an event object pass with nothing. */
	check_case("threat");
	out = (json_t *)1;
	CHECK_EQ_INT(event_check(KR_KIND_THREAT, NULL, NOW, &out, NULL, err, sizeof(err)), KR_OK);
	CHECK_NULL(out);
	check_case(NULL);
}

static void test_refused(void)
{
	static const struct {
		const char *name, *json;
		enum kr_err want;
		const char *says;
	} rows[] = {
	    {"no prefecture",
	     "{\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:00\",\"audience\":\"mixed\"}",
	     KR_EINVAL, "event.prefecture"},
	    {"prefecture 48",
	     "{\"prefecture\":\"JP-48\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\"}",
	     KR_ELABEL, "JP-48"},
	    {"lower-case prefecture",
	     "{\"prefecture\":\"jp-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\"}",
	     KR_ELABEL, "event.prefecture"},
	    {"Kanagawa",
	     "{\"prefecture\":\"Kanagawa\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\"}",
	     KR_ELABEL, "event.prefecture"},
	    {"audience",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"engineers\"}",
	     KR_ELABEL, "event.audience"},
	    {"offset",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00+09:00\",\"end\":\"2026-12-"
	     "12T16:00\",\"audience\":\"mixed\"}",
	     KR_EINVAL, "event.start"},
	    {"Z",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00Z\",\"audience\":\"mixed\"}",
	     KR_EINVAL, "event.end"},
	    {"end before start",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T13:"
	     "00\",\"audience\":\"mixed\"}",
	     KR_EINVAL, "event.end"},
	    {"zero length",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T14:"
	     "00\",\"audience\":\"mixed\"}",
	     KR_EINVAL, "event.end"},
	    {"32 days",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-01T14:00\",\"end\":\"2027-01-02T14:"
	     "01\",\"audience\":\"mixed\"}",
	     KR_EINVAL, "31 days"},
	    {"already over",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-11-20T14:00\",\"end\":\"2026-11-21T16:"
	     "00\",\"audience\":\"mixed\"}",
	     KR_EINVAL, "ended"},
	    {"deadline after end",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\",\"registration_deadline\":\"2026-12-13T00:00\"}",
	     KR_EINVAL, "registration_deadline"},
	    {"unknown zone",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\",\"timezone\":\"Asia/Yokohama\"}",
	     KR_EINVAL, "event.timezone"},
	    {"zone path",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\",\"timezone\":\"../../etc/passwd\"}",
	     KR_EINVAL, "event.timezone"},
	    {"skipped hour",
	     "{\"prefecture\":\"online\",\"start\":\"2027-03-28T02:30\",\"end\":\"2027-03-28T04:"
	     "00\",\"audience\":\"mixed\",\"timezone\":\"Europe/Berlin\"}",
	     KR_EINVAL, "does not exist"},
	    {"capacity",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\",\"capacity\":-1}",
	     KR_EINVAL, "event.capacity"},
	    {"capacity text",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\",\"capacity\":\"40\"}",
	     KR_EINVAL, "event.capacity"},
	    {"cpe",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\",\"cpe_credits\":101}",
	     KR_EINVAL, "event.cpe_credits"},
	    {"language",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\",\"language\":\"Japanese\"}",
	     KR_EINVAL, "event.language"},
	    {"empty venue",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\",\"venue\":\"\"}",
	     KR_EINVAL, "event.venue"},
	    {"unknown field",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\",\"attendees\":[]}",
	     KR_EFIELD, "attendees"},
	    {"derived field",
	     "{\"prefecture\":\"JP-14\",\"start\":\"2026-12-12T14:00\",\"end\":\"2026-12-12T16:"
	     "00\",\"audience\":\"mixed\",\"sequence\":3}",
	     KR_EFIELD, "sequence"},
	    {"not an object", "[1]", KR_EINVAL, "object"},
	};
	char err[256];

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		json_t *in = J(rows[i].json), *out = NULL;

		check_case(rows[i].name);
		err[0] = '\0';
		CHECK_EQ_INT(event_check(KR_KIND_EVENT, in, NOW, &out, NULL, err, sizeof(err)),
		             rows[i].want);
		CHECK_NULL(out);
		if (!CHECK(strstr(err, rows[i].says) != NULL))
			fprintf(stderr, "  message: %s\n", err);
		json_decref(in);
	}
	check_case("missing on event");
	CHECK_EQ_INT(
	    event_check(KR_KIND_EVENT, NULL, NOW, &(json_t *){NULL}, NULL, err, sizeof(err)),
	    KR_EINVAL);
	check_case("on a threat");
	{
		json_t *in = J("{\"prefecture\":\"JP-14\"}"), *out = NULL;

		CHECK_EQ_INT(event_check(KR_KIND_THREAT, in, NOW, &out, NULL, err, sizeof(err)),
		             KR_EINVAL);
		CHECK(strstr(err, "only events") != NULL);
		json_decref(in);
	}
	check_case(NULL);
}

static void test_merge(void)
{
	json_t *input =
	    J("{\"prefecture\":\"JP-14\",\"venue\":\"A\",\"start\":\"2026-12-12T14:00\","
	      "\"end\":\"2026-12-12T16:00\",\"audience\":\"mixed\",\"fee\":\"無料\"}");
	json_t *upd = J("{\"venue\":\"B\",\"fee\":null,\"capacity\":10}");
	json_t *bad = J("{\"start\":null}"), *unknown = J("{\"seats\":3}");
	char err[256];

	check_case("merge");
	CHECK_EQ_INT(event_merge(input, upd, err, sizeof(err)), KR_OK);
	CHECK_STREQ(json_string_value(json_object_get(input, "venue")), "B");
	CHECK_NULL(json_object_get(input, "fee"));
	CHECK_EQ_INT(json_integer_value(json_object_get(input, "capacity")), 10);
	CHECK_EQ_INT(event_merge(input, bad, err, sizeof(err)), KR_EINVAL);
	CHECK(strstr(err, "event.start") != NULL);
	CHECK_EQ_INT(event_merge(input, unknown, err, sizeof(err)), KR_EFIELD);
	CHECK_STREQ(json_string_value(json_object_get(input, "start")), "2026-12-12T14:00");
	check_case(NULL);
	json_decref(input);
	json_decref(upd);
	json_decref(bad);
	json_decref(unknown);
}

int main(void)
{
	test_accepted();
	test_refused();
	test_merge();
	return check_finish();
}
