/*
 * test_filter.c - subscription filters (hub/filter.c): parsing, with its
 * errors, and one allowed and one filtered-out row per field.
 */
#include <string.h>

#include "check.h"
#include "filter.h"
#include "item.h"

/* An item: kind, severity (or NULL), tags, indicator types, text, region. */
static struct kr_item *make(enum kr_kind kind, const char *severity, const char *tags_json,
                            const char *ind_json, const char *title, const char *region)
{
	json_t *tags = json_loads(tags_json, 0, NULL), *ind = json_loads(ind_json, 0, NULL);
	json_t *profile =
	    region ? json_pack("{s:s, s:s}", "industry", "finance", "region", region) : NULL;
	json_t *alert = severity ? json_pack("{s:s}", "severity", severity) : NULL;
	struct kr_item_fields f = {
	    .cursor = 1,
	    .id = "it_0123456789abcdef",
	    .kind = kind,
	    .circle_id = 1,
	    .circle_key = "fin-isac",
	    .tlp = KR_TLP_GREEN,
	    .status = KR_STATUS_PUBLISHED,
	    .title = title,
	    .body = "本文: Phishing kit seen on 203.0.113.45",
	    .indicators = ind,
	    .tags = tags,
	    .created = "2026-11-21T22:00:00Z",
	    .pseudonym = "anon-00000001",
	    .profile = profile,
	    .alert = alert,
	};
	struct kr_item *it = item_new(&f);

	json_decref(tags);
	json_decref(ind);
	json_decref(profile);
	json_decref(alert);
	return it;
}

struct row {
	const char *name;
	const char *filter; /* JSON */
	bool pass;          /* for the sample item */
};

/* The sample: a high alert tagged vpn, with an ipv4 indicator, from kanto. */
static const struct row rows[] = {
    {"no filter", "{}", true},
    {"kinds allowed", "{\"kinds\":[\"alert\",\"threat\"]}", true},
    {"kinds filtered", "{\"kinds\":[\"threat\"]}", false},
    {"severity at", "{\"min_severity\":\"high\"}", true},
    {"severity below", "{\"min_severity\":\"medium\"}", true},
    {"severity above", "{\"min_severity\":\"critical\"}", false},
    {"tags allowed", "{\"tags\":[\"ransomware\",\"vpn\"]}", true},
    {"tags filtered", "{\"tags\":[\"ransomware\"]}", false},
    {"indicator types allowed", "{\"indicator_types\":[\"ipv4\"]}", true},
    {"indicator types filtered", "{\"indicator_types\":[\"sha256\",\"url\"]}", false},
    {"keyword in title, any case", "{\"keywords\":[\"cve-2024\"]}", true},
    {"keyword in body, Japanese", "{\"keywords\":[\"本文\"]}", true},
    {"keyword missing", "{\"keywords\":[\"ransomware\"]}", false},
    {"region allowed", "{\"regions\":[\"kanto\",\"kinki\"]}", true},
    {"region filtered", "{\"regions\":[\"kinki\"]}", false},
    {"two fields, both pass", "{\"kinds\":[\"alert\"],\"tags\":[\"vpn\"]}", true},
    {"two fields, one fails", "{\"kinds\":[\"alert\"],\"tags\":[\"x\"]}", false},
};

static void test_match(void)
{
	struct kr_item *it =
	    make(KR_KIND_ALERT, "high", "[\"vpn\"]",
	         "[{\"type\":\"ipv4\",\"value\":\"203.0.113.45\",\"role\":\"attacker\"}]",
	         "VPN機器の脆弱性 CVE-2024-3400 の悪用", "kanto");
	struct kr_item *threat = make(KR_KIND_THREAT, NULL, "[]", "[]", "no severity", NULL);
	char err[256];

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		json_t *doc = json_loads(rows[i].filter, 0, NULL);
		struct kr_filter f;

		check_case(rows[i].name);
		CHECK_EQ_INT(filter_parse(doc, &f, err, sizeof(err)), KR_OK);
		CHECK(filter_match(&f, it) == rows[i].pass);
		filter_clear(&f);
		json_decref(doc);
	}
	check_case("non-alerts never pass a severity filter");
	{
		json_t *doc = json_loads("{\"min_severity\":\"info\"}", 0, NULL);
		struct kr_filter f;

		CHECK_EQ_INT(filter_parse(doc, &f, err, sizeof(err)), KR_OK);
		CHECK(!filter_match(&f, threat));
		filter_clear(&f);
		json_decref(doc);
	}
	check_case("a region filter needs a region");
	{
		json_t *doc = json_loads("{\"regions\":[\"kanto\"]}", 0, NULL);
		struct kr_filter f;

		CHECK_EQ_INT(filter_parse(doc, &f, err, sizeof(err)), KR_OK);
		CHECK(!filter_match(&f, threat));
		filter_clear(&f);
		json_decref(doc);
	}
	check_case(NULL);
	CHECK(filter_match(NULL, it));
	item_unref(it);
	item_unref(threat);
}

struct bad {
	const char *filter;
	enum kr_err want;
	const char *field;
};

static const struct bad bads[] = {
    {"{\"kind\":[\"alert\"]}", KR_EFIELD, "kind"},
    {"{\"kinds\":\"alert\"}", KR_EINVAL, "kinds"},
    {"{\"kinds\":[]}", KR_EINVAL, "kinds"},
    {"{\"kinds\":[\"memo\"]}", KR_ELABEL, "kinds[0]"},
    {"{\"kinds\":[\"assessment\"]}", KR_ELABEL, "kinds[0]"},
    {"{\"min_severity\":\"urgent\"}", KR_ELABEL, "min_severity"},
    {"{\"min_severity\":3}", KR_EINVAL, "min_severity"},
    {"{\"indicator_types\":[\"ipv4\",\"mac\"]}", KR_ELABEL, "indicator_types[1]"},
    {"{\"regions\":[\"JP-13\"]}", KR_ELABEL, "regions[0]"},
    {"{\"keywords\":[\"\"]}", KR_EINVAL, "keywords[0]"},
    {"{\"tags\":[1]}", KR_EINVAL, "tags[0]"},
};

static void test_parse_errors(void)
{
	char err[256];

	for (size_t i = 0; i < CHECK_N(bads); i++) {
		json_t *doc = json_loads(bads[i].filter, 0, NULL);
		struct kr_filter f;

		check_case(bads[i].filter);
		err[0] = '\0';
		CHECK_EQ_INT(filter_parse(doc, &f, err, sizeof(err)), bads[i].want);
		CHECK(strstr(err, bads[i].field) != NULL);
		CHECK(!f.active);
		filter_clear(&f);
		json_decref(doc);
	}
	check_case(NULL);
}

int main(void)
{
	test_match();
	test_parse_errors();
	return check_finish();
}
