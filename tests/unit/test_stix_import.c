/*
 * test_stix_import.c - a STIX 2.1 bundle as kairan posts (common/stix_import.h):
 * reports with their indicators and vulnerabilities, TLP 1.0 and TLP 2.0
 * markings (the most restrictive wins), roles from indicator_types, labels,
 * indicators no report refers to (one item per TLP), notes about what is
 * left out, and every refusal naming its object.
 *
 * Bundles are written with ` for " to keep the table readable.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "stix_import.h"
#include "utf8.h"

#define G2  "`marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb`" /* TLP 2.0 GREEN */
#define A2  "`marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421`" /* TLP 2.0 AMBER */
#define AS2 "`marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003`" /* AMBER+STRICT */
#define C2  "`marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487`" /* TLP 2.0 CLEAR */
#define R2  "`marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1`" /* TLP 2.0 RED */
#define W1  "`marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9`" /* TLP 1.0 WHITE */
#define G1  "`marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da`" /* TLP 1.0 GREEN */
#define A1  "`marking-definition--f88d31f6-486f-44da-b317-01333bde0b82`" /* TLP 1.0 AMBER */

#define BUNDLE(objs)                                                                               \
	"{`type`:`bundle`,`id`:`bundle--11111111-1111-4111-8111-111111111111`,"                    \
	"`objects`:[" objs "]}"
#define REPORT(id, marks, refs, extra)                                                             \
	"{`type`:`report`,`spec_version`:`2.1`,`id`:`report--" id "`,"                             \
	"`created`:`2026-11-21T22:00:00.000Z`,`modified`:`2026-11-21T22:00:00.000Z`,"              \
	"`name`:`フィッシング`,`description`:`偽ログインページ`,`published`:"        \
	"`2026-11-21T22:00:00.000Z`,`object_marking_refs`:[" marks "],`object_refs`:[" refs        \
	"]" extra "}"
#define IND(id, marks, pattern, extra)                                                             \
	"{`type`:`indicator`,`spec_version`:`2.1`,`id`:`indicator--" id "`,"                       \
	"`created`:`2026-11-21T22:00:00.000Z`,`modified`:`2026-11-21T22:00:00.000Z`,"              \
	"`pattern_type`:`stix`,`valid_from`:`2026-11-21T22:00:00.000Z`,`pattern`:`" pattern        \
	"`,`object_marking_refs`:[" marks "]" extra "}"
#define VULN(id, marks, name, extra)                                                               \
	"{`type`:`vulnerability`,`spec_version`:`2.1`,`id`:`vulnerability--" id "`,"               \
	"`created`:`2026-11-21T22:00:00.000Z`,`modified`:`2026-11-21T22:00:00.000Z`,"              \
	"`name`:`" name "`,`object_marking_refs`:[" marks "]" extra "}"
#define MALWARE(id)                                                                                \
	"{`type`:`malware`,`spec_version`:`2.1`,`id`:`malware--" id "`,"                           \
	"`created`:`2026-11-21T22:00:00.000Z`,`modified`:`2026-11-21T22:00:00.000Z`,"              \
	"`name`:`x`,`is_family`:false}"

#define U1 "aaaaaaaa-0000-4000-8000-000000000001"
#define U2 "aaaaaaaa-0000-4000-8000-000000000002"
#define U3 "aaaaaaaa-0000-4000-8000-000000000003"
#define U4 "aaaaaaaa-0000-4000-8000-000000000004"

struct row {
	const char *name;
	const char *bundle;
	/* on success: "TLP|title|type=value/role,…|tags" per post, joined by "\n" */
	const char *want;
	size_t notes;
	/* on failure: parts of the error */
	const char *err1, *err2;
};

static const struct row rows[] = {
    {"TLP 2.0 report with indicators and a CVE",
     BUNDLE(REPORT(U1, G2, "`indicator--" U2 "`,`vulnerability--" U3 "`",
                   ",`labels`:[`phishing`,`銀行`]") "," IND(U2, G2,
                                                            "[domain-name:value = 'a.example' OR "
                                                            "ipv4-addr:value = '198.51.100.7']",
                                                            ",`indicator_types`:[`malicious-"
                                                            "activity`]") "," VULN(U3, G2,
                                                                                   "CVE-2024-3400",
                                                                                   "")),
     "GREEN|フィッシング|domain=a.example/attacker,ipv4=198.51.100.7/attacker,cve=CVE-2024-3400/"
     "unknown|phishing,銀行",
     0, NULL, NULL},
    {"TLP 1.0 WHITE reads as CLEAR",
     BUNDLE(REPORT(U1, W1, "`indicator--" U2 "`",
                   "") "," IND(U2, W1, "[url:value = 'http://x.example/it\\\\'s']", "")),
     "CLEAR|フィッシング|url=http://x.example/it's/unknown|", 0, NULL, NULL},
    {"TLP 1.0 GREEN and AMBER; the most restrictive wins",
     BUNDLE(REPORT(U1, G1, "`indicator--" U2 "`", "") "," IND(
         U2, A1, "[file:hashes.'SHA-256' = 'cc']", ",`indicator_types`:[`compromised`]")),
     "AMBER|フィッシング|sha256=cc/victim|", 0, NULL, NULL},
    {"a CLEAR report with an AMBER+STRICT indicator is AMBER+STRICT",
     BUNDLE(REPORT(U1, C2, "`indicator--" U2 "`",
                   "") "," IND(U2, AS2, "[autonomous-system:number = 64496]", "")),
     "AMBER+STRICT|フィッシング|asn=AS64496/unknown|", 0, NULL, NULL},
    {"an unmarked indicator takes the report's TLP",
     BUNDLE(REPORT(U1, A2, "`indicator--" U2 "`",
                   "") "," IND(U2, "", "[email-addr:value = 'x@y.example']", "")),
     "AMBER|フィッシング|email=x@y.example/unknown|", 0, NULL, NULL},
    {"a report without indicators; other referenced objects are noted",
     BUNDLE(REPORT(U1, G2, "`malware--" U2 "`,`identity--" U3 "`", "") "," MALWARE(U2)),
     "GREEN|フィッシング||", 1, NULL, NULL},
    {"indicators no report refers to: one item per TLP",
     BUNDLE(IND(
         U1, G2, "[ipv4-addr:value = '198.51.100.0/24']",
         ",`name`:`C2 range`,`description`:`seen in May`") "," IND(U2, A2,
                                                                   "[url:value = "
                                                                   "'http://b.example/']",
                                                                   "") "," IND(U3, G2,
                                                                               "[ipv4-addr:value = "
                                                                               "'198.51.100.9']",
                                                                               "")),
     "GREEN|STIX bundle--11111111-1111-4111-8111-111111111111: 2 "
     "indicators|cidr=198.51.100.0/24/unknown,ipv4=198.51.100.9/unknown|\n"
     "AMBER|STIX bundle--11111111-1111-4111-8111-111111111111: 1 "
     "indicator|url=http://b.example//unknown|",
     0, NULL, NULL},
    {"revoked objects are left out with a note",
     BUNDLE(REPORT(U1, G2, "`indicator--" U2 "`,`indicator--" U3 "`", "") "," IND(
         U2, G2, "[ipv4-addr:value = '198.51.100.7']",
         ",`revoked`:true") "," IND(U3, G2, "[ipv4-addr:value = '198.51.100.8']", "")),
     "GREEN|フィッシング|ipv4=198.51.100.8/unknown|", 1, NULL, NULL},
    {"duplicate indicators are posted once",
     BUNDLE(REPORT(U1, G2, "`indicator--" U2 "`,`indicator--" U3 "`", "") "," IND(
         U2, G2, "[ipv4-addr:value = '198.51.100.7']",
         "") "," IND(U3, G2,
                     "[ipv4-addr:value = '198.51.100.7'] OR [ipv4-addr:value = '198.51.100.7']",
                     "")),
     "GREEN|フィッシング|ipv4=198.51.100.7/unknown|", 0, NULL, NULL},
    {"the newest version of an object wins",
     BUNDLE(REPORT(U1, G2, "`indicator--" U2 "`", "") "," IND(
         U2, G2, "[ipv4-addr:value = '198.51.100.1']",
         ",`modified`:`2026-11-23T00:00:00.000Z`") "," IND(U2, G2,
                                                           "[ipv4-addr:value = '198.51.100.2']",
                                                           "")),
     "GREEN|フィッシング|ipv4=198.51.100.1/unknown|", 0, NULL, NULL},
    {"a vulnerability's CVE from its external reference",
     BUNDLE(REPORT(U1, G2, "`vulnerability--" U2 "`", "") "," VULN(
         U2, G2, "PAN-OS GlobalProtect",
         ",`external_references`:[{`source_name`:`cve`,`external_id`:`cve-2024-3400`}]")),
     "GREEN|フィッシング|cve=CVE-2024-3400/unknown|", 0, NULL, NULL},

    /* refusals */
    {"not a bundle", "{`type`:`report`}", NULL, 0, "not a STIX bundle", NULL},
    {"a list", "[1]", NULL, 0, "not a STIX bundle", NULL},
    {"no objects", "{`type`:`bundle`,`id`:`bundle--11111111-1111-4111-8111-111111111111`}", NULL, 0,
     "has no objects", NULL},
    {"no bundle id", "{`type`:`bundle`,`objects`:[]}", NULL, 0, "no id", NULL},
    {"an object without id", BUNDLE("{`type`:`report`}"), NULL, 0, "objects[0]",
     "string type and id"},
    {"unknown marking",
     BUNDLE(REPORT(U1, "`marking-definition--aaaaaaaa-0000-4000-8000-00000000000f`", "", "")), NULL,
     0, "report--" U1, "unknown marking definition"},
    {"unknown marking on an indicator",
     BUNDLE(REPORT(U1, G2, "`indicator--" U2 "`",
                   "") "," IND(U2, G2 ",`marking-definition--aaaaaaaa-0000-4000-8000-00000000000f`",
                               "[ipv4-addr:value = '198.51.100.1']", "")),
     NULL, 0, "indicator--" U2, "unknown marking definition"},
    {"granular markings",
     BUNDLE(
         REPORT(U1, G2, "", ",`granular_markings`:[{`marking_ref`:" A2 ",`selectors`:[`name`]}]")),
     NULL, 0, "report--" U1, "granular markings"},
    {"two TLPs on one object", BUNDLE(REPORT(U1, G2 "," A2, "", "")), NULL, 0, "report--" U1,
     "two different TLP markings"},
    {"no TLP at all",
     BUNDLE(REPORT(U1, "", "`indicator--" U2 "`", "") "," IND(U2, "",
                                                              "[ipv4-addr:value = '1.2.3.4']", "")),
     NULL, 0, "report--" U1, "no TLP marking"},
    {"RED", BUNDLE(REPORT(U1, R2, "", "")), NULL, 0, "report--" U1, "RED"},
    {"RED indicator in a GREEN report",
     BUNDLE(REPORT(U1, G2, "`indicator--" U2 "`", "") "," IND(U2, R2,
                                                              "[ipv4-addr:value = '1.2.3.4']", "")),
     NULL, 0, "report--" U1, "RED"},
    {"an unreferenced indicator without TLP",
     BUNDLE(IND(U1, "", "[ipv4-addr:value = '1.2.3.4']", "")), NULL, 0, "indicator--" U1,
     "no TLP marking"},
    {"a yara indicator",
     BUNDLE(REPORT(U1, G2, "`indicator--" U2 "`", "") "," IND(U2, G2, "rule x {}",
                                                              ",`pattern_type`:`yara`")),
     NULL, 0, "indicator--" U2, "pattern_type 'yara'"},
    {"an unsupported pattern",
     BUNDLE(REPORT(U1, G2, "`indicator--" U2 "`", "") "," IND(
         U2, G2, "[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '1.2.3.5']", "")),
     NULL, 0, "indicator--" U2, "AND is not supported"},
    {"a SHA3-256 hash", BUNDLE(IND(U1, G2, "[file:hashes.'SHA3-256' = 'dd']", "")), NULL, 0,
     "indicator--" U1, "SHA3-256"},
    {"a vulnerability without CVE",
     BUNDLE(REPORT(U1, G2, "`vulnerability--" U2 "`", "") "," VULN(U2, G2, "Log4Shell", "")), NULL,
     0, "vulnerability--" U2, "no CVE id"},
    {"a label over 64 bytes",
     BUNDLE(REPORT(U1, G2, "",
                   ",`labels`:[`"
                   "12345678901234567890123456789012345678901234567890123456789012345`]")),
     NULL, 0, "report--" U1, "1-64 bytes"},
    {"33 labels",
     BUNDLE(REPORT(U1, G2, "",
                   ",`labels`:[`1`,`2`,`3`,`4`,`5`,`6`,`7`,`8`,`9`,`10`,`11`,`12`,`13`,`14`,"
                   "`15`,`16`,`17`,`18`,`19`,`20`,`21`,`22`,`23`,`24`,`25`,`26`,`27`,`28`,`29`,"
                   "`30`,`31`,`32`,`33`]")),
     NULL, 0, "report--" U1, "32 labels"},
    {"nothing to import", BUNDLE(MALWARE(U1)), NULL, 0, "nothing to import", NULL},
    /* found by fuzz.stix_import: an id that happens to say "out of memory"
     * made a refusal of the bundle an internal error (exit 7, not 6) */
    {"an id saying out of memory is still the bundle's fault",
     BUNDLE(REPORT(U1, G2, "`indicator--out of memory`",
                   "") ",{`type`:`indicator`,`id`:`indicator--out of memory`,`pattern_type`:"
                       "`stix`,`pattern`:`[x:y = 'z']`,`object_marking_refs`:[" G2 "]}"),
     NULL, 0, "indicator--out of memory", "not a supported comparison"},
    {"a report without a name",
     BUNDLE("{`type`:`report`,`id`:`report--" U1 "`,`object_marking_refs`:[" G2 "]}"), NULL, 0,
     "report--" U1, "has no name"},
};

/* ` -> " */
static json_t *load(const char *text)
{
	char *s = strdup(text);
	json_error_t e;
	json_t *j;

	for (char *p = s; *p; p++)
		if (*p == '`')
			*p = '"';
	j = json_loads(s, 0, &e); /* a later key wins: the macros override fields that way */
	if (!j)
		fprintf(stderr, "bad test JSON: %s at %d: %s\n", e.text, e.position, s);
	free(s);
	return j;
}

/* A post as "TLP|title|type=value/role,…|tag,…". */
static void describe(const json_t *post, char *out, size_t n)
{
	const json_t *x;
	size_t i, o;

	o = (size_t)snprintf(out, n, "%s|%s|", json_string_value(json_object_get(post, "tlp")),
	                     json_string_value(json_object_get(post, "title")));
	json_array_foreach(json_object_get(post, "indicators"), i, x)
	{
		o += (size_t)snprintf(out + o, n - o, "%s%s=%s/%s", i ? "," : "",
		                      json_string_value(json_object_get(x, "type")),
		                      json_string_value(json_object_get(x, "value")),
		                      json_string_value(json_object_get(x, "role")));
	}
	o += (size_t)snprintf(out + o, n - o, "|");
	json_array_foreach(json_object_get(post, "tags"), i, x)
	{
		o += (size_t)snprintf(out + o, n - o, "%s%s", i ? "," : "", json_string_value(x));
	}
}

static void test_rows(void)
{
	for (size_t i = 0; i < CHECK_N(rows); i++) {
		json_t *bundle = load(rows[i].bundle), *posts = NULL, *notes = NULL, *p;
		char err[512] = "", got[2048] = "";
		enum kr_err rc;
		size_t j;

		check_case(rows[i].name);
		if (!CHECK_NOT_NULL(bundle))
			continue;
		rc = kr_stix_import(bundle, "fin-isac", &posts, &notes, err, sizeof(err));
		if (!rows[i].want) {
			CHECK_EQ_INT(rc, KR_EINVAL);
			CHECK_NULL(posts);
			CHECK_NULL(notes);
			if (!CHECK(strstr(err, rows[i].err1) != NULL) ||
			    (rows[i].err2 && !CHECK(strstr(err, rows[i].err2) != NULL)))
				fprintf(stderr, "  error was: %s\n", err);
			json_decref(bundle);
			continue;
		}
		if (!CHECK_EQ_INT(rc, KR_OK))
			fprintf(stderr, "  error was: %s\n", err);
		json_array_foreach(posts, j, p)
		{
			size_t n = strlen(got);

			if (j)
				got[n++] = '\n';
			describe(p, got + n, sizeof(got) - n);
			CHECK_STREQ(json_string_value(json_object_get(p, "kind")), "threat");
			CHECK_STREQ(json_string_value(json_object_get(p, "circle")), "fin-isac");
			CHECK(json_is_string(json_object_get(p, "body")));
			CHECK_EQ_INT(json_object_size(p), 7);
		}
		CHECK_STREQ(got, rows[i].want);
		CHECK_EQ_INT(json_array_size(notes), rows[i].notes);
		json_decref(posts);
		json_decref(notes);
		json_decref(bundle);
	}
	check_case(NULL);
}

static void test_text(void)
{
	char name[700] = "", err[256];
	json_t *bundle, *posts = NULL, *notes = NULL;
	const char *title, *body;
	char *text;
	size_t n;

	/* 210 three-byte characters: the title keeps 199 and an ellipsis, the
	 * body starts with the whole name */
	for (int i = 0; i < 210; i++)
		strcat(name, "あ");
	n = strlen(BUNDLE(REPORT(U1, G2, "", ""))) + sizeof(name);
	text = malloc(n);
	snprintf(text, n, "%s", BUNDLE(REPORT(U1, G2, "", "")));
	bundle = load(text);
	json_object_set_new(json_array_get(json_object_get(bundle, "objects"), 0), "name",
	                    json_string(name));
	CHECK_EQ_INT(kr_stix_import(bundle, "c", &posts, &notes, err, sizeof(err)), KR_OK);
	title = json_string_value(json_object_get(json_array_get(posts, 0), "title"));
	body = json_string_value(json_object_get(json_array_get(posts, 0), "body"));
	CHECK_EQ_INT(strlen(title), 199 * 3 + 3);
	CHECK(strcmp(title + 199 * 3, "…") == 0);
	CHECK(strncmp(body, name, strlen(name)) == 0);
	CHECK(strcmp(body + strlen(name), "\n\n偽ログインページ") == 0);
	json_decref(posts);
	json_decref(notes);
	json_decref(bundle);
	free(text);

	/* the leftover item lists names and descriptions */
	bundle = load(BUNDLE(IND(U1, G2, "[ipv4-addr:value = '198.51.100.0/24']",
	                         ",`name`:`C2 range`,`description`:`seen in May`")));
	CHECK_EQ_INT(kr_stix_import(bundle, "c", &posts, &notes, err, sizeof(err)), KR_OK);
	body = json_string_value(json_object_get(json_array_get(posts, 0), "body"));
	CHECK(strstr(body, "- C2 range: seen in May\n") != NULL);
	json_decref(posts);
	json_decref(notes);
	json_decref(bundle);
	(void)U4;
}

/* Found by fuzz.stix_import: ids quoted with "%.80s" (or "%.60s") cut
 * inside a character made invalid UTF-8, which turned a note or the title
 * of the leftover item into "out of memory" (the whole import refused as
 * an internal error) and a refusal into a message that is not text. */
static void test_cut_ids(void)
{
	char id[200] = "", err[512], text[4096];
	json_t *bundle, *posts = NULL, *notes = NULL;
	const char *title, *note;

	for (int i = 0; i < 40; i++)
		strcat(id, "あ"); /* 120 bytes: any cut at 80 or 60 bytes may split one */

	check_case("a note about a report with a long non-ASCII id");
	snprintf(text, sizeof(text), "%s",
	         BUNDLE(REPORT(U1, G2, "`malware--" U2 "`", "") "," MALWARE(U2)));
	bundle = load(text);
	json_object_set_new(json_array_get(json_object_get(bundle, "objects"), 0), "id",
	                    json_sprintf("report-%s", id));
	CHECK_EQ_INT(kr_stix_import(bundle, "c", &posts, &notes, err, sizeof(err)), KR_OK);
	CHECK_EQ_INT(json_array_size(notes), 1);
	note = json_string_value(json_array_get(notes, 0));
	CHECK(note && strstr(note, "referenced objects not imported: malware") != NULL);
	json_decref(posts);
	json_decref(notes);
	json_decref(bundle);
	posts = notes = NULL;

	check_case("the leftover item of a bundle with a long non-ASCII id");
	bundle = load(BUNDLE(IND(U1, G2, "[ipv4-addr:value = '198.51.100.7']", "")));
	json_object_set_new(bundle, "id", json_sprintf("bundle--xy%s", id));
	CHECK_EQ_INT(kr_stix_import(bundle, "c", &posts, &notes, err, sizeof(err)), KR_OK);
	title = json_string_value(json_object_get(json_array_get(posts, 0), "title"));
	CHECK(title && strncmp(title, "STIX bundle--xyあ", strlen("STIX bundle--xyあ")) == 0);
	CHECK(title && strstr(title, ": 1 indicator") != NULL);
	json_decref(posts);
	json_decref(notes);
	json_decref(bundle);
	posts = notes = NULL;

	check_case("a refusal naming a long non-ASCII id");
	bundle = load(BUNDLE(REPORT(U1, G2, "", ",`labels`:[``]")));
	json_object_set_new(json_array_get(json_object_get(bundle, "objects"), 0), "id",
	                    json_sprintf("report--xy%s", id));
	CHECK_EQ_INT(kr_stix_import(bundle, "c", &posts, &notes, err, sizeof(err)), KR_EINVAL);
	CHECK(kr_utf8_valid(err, strlen(err)));
	CHECK(strstr(err, "report--xyあ") == err);
	CHECK(strstr(err, ": label '' must be 1-64 bytes") != NULL);
	json_decref(bundle);
	check_case(NULL);
}

int main(void)
{
	test_rows();
	test_text();
	test_cut_ids();
	return check_finish();
}
