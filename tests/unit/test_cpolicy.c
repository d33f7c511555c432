/*
 * test_cpolicy.c - circle policy files (hub/cpolicy.c).
 *
 *   (a) every JSON file of policies/ and policies/examples/ parses, and each
 *       demo policy names the circle of its file;
 *   (b) broken documents, each one mutation of a valid base, are refused
 *       with "FILE: FIELD: reason" (the expected substring names the field);
 *       documents that only look odd (comments anywhere, empty role lists,
 *       bounds) are accepted;
 *   (c) the built-in default for every circle kind;
 *   (d) cpolicy_to_json() round-trips through cpolicy_parse();
 *   and cpolicy_load_file()'s own errors (missing file, syntax, duplicates).
 *
 * Files are found under KAIRAN_SOURCE_DIR: the compile-time macro (CMake sets
 * it), else the environment variable, else ".".
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "cpolicy.h"

#define FILE_NAME "policies/test.json"

static const char *source_dir(void)
{
#ifdef KAIRAN_SOURCE_DIR
	return KAIRAN_SOURCE_DIR;
#else
	const char *env = getenv("KAIRAN_SOURCE_DIR");

	return env && *env ? env : ".";
#endif
}

/* ---- (a) the shipped policies ------------------------------------------ */

/* Parse every *.json of DIR/sub; demo: also check circle == file name.
 * Returns how many files were found. */
static int check_dir(const char *sub, bool demo)
{
	char dir[1024], path[2048], err[512];
	struct kr_circle_policy *p;
	struct dirent *e;
	int found = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", source_dir(), sub);
	d = opendir(dir);
	if (!CHECK_NOT_NULL(d)) {
		fprintf(stderr, "cannot open %s (set KAIRAN_SOURCE_DIR)\n", dir);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		found++;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		check_case(path);
		p = NULL;
		if (CHECK_EQ_INT(cpolicy_load_file(path, &p, err, sizeof(err)), KR_OK) &&
		    CHECK_NOT_NULL(p)) {
			CHECK_STREQ(p->source, path);
			CHECK(p->tlp_allowed & KR_TLP_BIT(p->tlp_default));
			CHECK(p->k >= 2);
			CHECK_NOT_NULL(p->redact_patterns);
			if (demo)
				CHECK(strlen(p->circle) == len - 5 &&
				      strncmp(p->circle, e->d_name, len - 5) == 0);
		} else {
			fprintf(stderr, "  %s\n", err);
		}
		cpolicy_free(p);
	}
	closedir(d);
	check_case(NULL);
	return found;
}

static void test_shipped_policies(void)
{
	struct kr_circle_policy *p = NULL;
	char path[1024], err[512];

	CHECK(check_dir("policies", true) >= 4);
	CHECK(check_dir("policies/examples", false) >= 4);

	/* The walkthrough relies on these: a GREEN threat in fin-isac goes out at once. */
	snprintf(path, sizeof(path), "%s/policies/fin-isac.json", source_dir());
	if (CHECK_EQ_INT(cpolicy_load_file(path, &p, err, sizeof(err)), KR_OK)) {
		CHECK(!p->moderate[KR_KIND_THREAT]);
		CHECK(p->moderate[KR_KIND_PRACTICE]);
		CHECK(p->post_roles[KR_KIND_THREAT] & KR_ROLE_BIT(KR_ROLE_MEMBER));
		CHECK(p->tlp_allowed & KR_TLP_BIT(KR_TLP_GREEN));
		CHECK(p->tlp_allowed & KR_TLP_BIT(KR_TLP_RED));
		CHECK_EQ_INT(json_array_size(p->redact_patterns), 1);
	}
	cpolicy_free(p);
}

/* ---- (b) broken and odd documents -------------------------------------- */

/* The brief's example: every field, one pattern, comments at two depths. */
static const char base_doc[] =
    "{\"$comment\": \"金融ISAC\","
    " \"circle\": \"fin-isac\","
    " \"tlp\": {\"allowed\": [\"CLEAR\", \"GREEN\", \"AMBER\", \"AMBER+STRICT\", \"RED\"],"
    "         \"default\": \"AMBER\"},"
    " \"post\": {\"threat\": [\"member\", \"moderator\"], \"practice\": [\"member\", "
    "\"moderator\"],"
    "          \"alert\": [\"moderator\"], \"event\": [\"organizer\", \"moderator\"]},"
    " \"moderation\": [\"practice\"],"
    " \"clear_public\": false,"
    " \"forward\": {\"green_in\": true, \"green_out\": true},"
    " \"roster_visible\": false,"
    " \"moderators_see_author\": false,"
    " \"retention_days\": 730,"
    " \"k\": 5,"
    " \"rate_limits\": {\"posts_per_hour\": 60},"
    " \"anonymisation\": {\"level\": \"standard\", \"pseudonym\": \"per-item\","
    "   \"patterns\": [{\"$comment\": \"case number\", \"name\": \"案件番号\","
    "                 \"pattern\": \"SB-[0-9]{6}\", \"placeholder\": \"[案件番号]\"}]}}";

/* One change to the base document, at a dotted path ("a.b.0.c": numbers
 * index arrays; "" is the document itself), with a value in JSON text. */
enum op {
	NOP,    /* no change */
	SET,    /* set the path to value; "" replaces the document */
	DEL,    /* remove the path */
	APPEND, /* append value to the array at the path */
	MERGE,  /* update the object at the path with value's fields (two changes that
	         * only make sense together, such as a contradiction) */
};

struct broken_row {
	const char *name;
	enum op op;
	const char *path, *value;
	const char *want; /* the message, after "FILE: ", starts with this */
};

/* A row's op, path and value. */
#define S(p, v)   SET, p, v
#define D(p)      DEL, p, NULL
#define A(p, v)   APPEND, p, v
#define M(p, v)   MERGE, p, v
#define NONE      NOP, NULL, NULL
#define LONG65    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""
#define KEY64     "\"0.b_c-daaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""
#define NO_GREEN  "[\"CLEAR\", \"AMBER\", \"AMBER+STRICT\", \"RED\"]"
#define NO_CLEAR  "[\"GREEN\", \"AMBER\"]"
#define NOT_INT   "expected an integer from "
#define UNKNOWN_F "unknown field (expected: "

static const struct broken_row broken[] = {
    /* missing fields, at every depth */
    {"missing circle", D("circle"), "circle: required field is missing"},
    {"missing tlp", D("tlp"), "tlp: required field is missing"},
    {"missing tlp.allowed", D("tlp.allowed"), "tlp.allowed: required field is missing"},
    {"missing tlp.default", D("tlp.default"), "tlp.default: required field is missing"},
    {"missing post", D("post"), "post: required field is missing"},
    {"missing moderation", D("moderation"), "moderation: required field is missing"},
    {"missing clear_public", D("clear_public"), "clear_public: required field is missing"},
    {"missing forward", D("forward"), "forward: required field is missing"},
    {"missing green_in", D("forward.green_in"), "forward.green_in: required field"},
    {"missing green_out", D("forward.green_out"), "forward.green_out: required field"},
    {"missing roster_visible", D("roster_visible"), "roster_visible: required field"},
    {"missing moderators_see_author", D("moderators_see_author"),
     "moderators_see_author: required field"},
    {"missing retention_days", D("retention_days"), "retention_days: required field"},
    {"missing k", D("k"), "k: required field is missing"},
    {"missing rate_limits", D("rate_limits"), "rate_limits: required field is missing"},
    {"missing posts_per_hour", D("rate_limits.posts_per_hour"),
     "rate_limits.posts_per_hour: required field is missing"},
    {"missing anonymisation", D("anonymisation"), "anonymisation: required field"},
    {"missing level", D("anonymisation.level"), "anonymisation.level: required field"},
    {"missing pseudonym", D("anonymisation.pseudonym"), "anonymisation.pseudonym: required field"},
    {"missing pattern name", D("anonymisation.patterns.0.name"),
     "anonymisation.patterns[0].name: required field is missing"},
    {"missing placeholder", D("anonymisation.patterns.0.placeholder"),
     "anonymisation.patterns[0].placeholder: required field is missing"},

    /* unknown fields, at every depth */
    {"unknown field", S("colour", "\"blue\""), "colour: " UNKNOWN_F "circle, tlp, post"},
    {"misspelt field", S("retention_day", "730"), "retention_day: " UNKNOWN_F},
    {"unknown in tlp", S("tlp.fallback", "\"GREEN\""),
     "tlp.fallback: " UNKNOWN_F "allowed, default)"},
    {"unknown in forward", S("forward.amber_out", "true"),
     "forward.amber_out: " UNKNOWN_F "green_in, green_out)"},
    {"unknown in rate_limits", S("rate_limits.posts_per_day", "100"),
     "rate_limits.posts_per_day: " UNKNOWN_F "posts_per_hour)"},
    {"unknown in anonymisation", S("anonymisation.scrub_emails", "true"),
     "anonymisation.scrub_emails: " UNKNOWN_F "level, pseudonym, patterns)"},
    {"unknown in pattern", S("anonymisation.patterns.0.flags", "\"i\""),
     "anonymisation.patterns[0].flags: " UNKNOWN_F "name, pattern, placeholder)"},

    /* wrong types */
    {"document is an array", S("", "[]"), "expected an object, got an array"},
    {"circle not a string", S("circle", "7"), "circle: expected a string, got an integer"},
    {"tlp not an object", S("tlp", "[\"AMBER\"]"), "tlp: expected an object, got an array"},
    {"allowed not an array", S("tlp.allowed", "\"AMBER\""),
     "tlp.allowed: expected an array of TLPs, got a string"},
    {"allowed holds a number", S("tlp.allowed.1", "2"),
     "tlp.allowed[1]: expected a string (CLEAR, GREEN, AMBER, AMBER+STRICT, RED), got an integer"},
    {"default not a string", S("tlp.default", "null"), "tlp.default: expected a string"},
    {"post not an object", S("post", "[\"threat\"]"), "post: expected an object"},
    {"role list not an array", S("post.threat", "\"member\""),
     "post.threat: expected an array of roles, got a string"},
    {"moderation not an array", S("moderation", "{}"),
     "moderation: expected an array of kinds, got an object"},
    {"clear_public a string", S("clear_public", "\"false\""),
     "clear_public: expected true or false, got a string"},
    {"clear_public a number", S("clear_public", "0"), "clear_public: expected true or false"},
    {"forward a boolean", S("forward", "true"), "forward: expected an object, got a boolean"},
    {"roster_visible null", S("roster_visible", "null"), "roster_visible: expected true or"},
    {"retention a string", S("retention_days", "\"730\""),
     "retention_days: " NOT_INT "0 to 36500, got a string"},
    {"k a fraction", S("k", "5.0"), "k: " NOT_INT "2 to 1000, got a decimal number"},
    {"rate_limits a number", S("rate_limits", "60"), "rate_limits: expected an object"},
    {"level a number", S("anonymisation.level", "1"),
     "anonymisation.level: expected a string (standard, strict), got an integer"},
    {"patterns an object", S("anonymisation.patterns", "{}"),
     "anonymisation.patterns: expected an array of {name, pattern, placeholder}"},
    {"pattern entry a string", S("anonymisation.patterns.0", "\"SB-[0-9]{6}\""),
     "anonymisation.patterns[0]: expected an object, got a string"},

    /* labels */
    {"unknown TLP", A("tlp.allowed", "\"WHITE\""),
     "tlp.allowed[5]: unknown TLP \"WHITE\" (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)"},
    {"lowercase TLP", S("tlp.default", "\"amber\""), "tlp.default: unknown TLP \"amber\""},
    {"no TLP allowed", S("tlp.allowed", "[]"), "tlp.allowed: must list at least one TLP"},
    {"duplicate TLP", A("tlp.allowed", "\"RED\""), "tlp.allowed[5]: duplicate TLP \"RED\""},
    {"default not allowed", S("tlp.allowed", "[\"CLEAR\", \"GREEN\", \"RED\"]"),
     "tlp.default: AMBER is not in tlp.allowed"},
    {"unknown kind", S("post.incident", "[\"member\"]"),
     "post.incident: unknown kind \"incident\" (threat, practice, alert, event)"},
    {"assessment in post", S("post.assessment", "[\"member\"]"),
     "post.assessment: assessment is never posted as an item"},
    {"unknown role", A("post.alert", "\"admin\""),
     "post.alert[1]: unknown role \"admin\" (member, moderator, organizer)"},
    {"observer posts", A("post.threat", "\"observer\""),
     "post.threat[2]: observer is a read-only role and may not post"},
    {"duplicate role", A("post.threat", "\"member\""), "post.threat[2]: duplicate role \"member\""},
    {"unknown moderated kind", A("moderation", "\"news\""), "moderation[1]: unknown kind \"news\""},
    {"duplicate moderated kind", A("moderation", "\"practice\""),
     "moderation[1]: duplicate kind \"practice\""},
    {"assessment moderated", S("moderation", "[\"assessment\"]"),
     "moderation[0]: assessment is never posted as an item"},
    {"unknown level", S("anonymisation.level", "\"paranoid\""),
     "anonymisation.level: unknown anonymisation level \"paranoid\" (standard, strict)"},
    {"unknown pseudonym", S("anonymisation.pseudonym", "\"per-user\""),
     "anonymisation.pseudonym: unknown pseudonym scheme \"per-user\" (per-item, per-circle)"},

    /* ranges and syntax */
    {"k 1", S("k", "1"), "k: " NOT_INT "2 to 1000, got 1"},
    {"k 1001", S("k", "1001"), "k: " NOT_INT "2 to 1000, got 1001"},
    {"k huge", S("k", "9223372036854775807"), "k: " NOT_INT "2 to 1000, got 92233720"},
    {"retention -1", S("retention_days", "-1"), "retention_days: " NOT_INT "0 to 36500, got -1"},
    {"retention 36501", S("retention_days", "36501"), "retention_days: " NOT_INT},
    {"posts_per_hour -1", S("rate_limits.posts_per_hour", "-1"),
     "rate_limits.posts_per_hour: " NOT_INT "0 to 100000, got -1"},
    {"posts_per_hour 100001", S("rate_limits.posts_per_hour", "100001"),
     "rate_limits.posts_per_hour: " NOT_INT "0 to 100000, got 100001"},
    {"circle with a space", S("circle", "\"fin isac\""), "circle: invalid circle key \"fin isac\""},
    {"circle uppercase", S("circle", "\"Fin-ISAC\""), "circle: invalid circle key"},
    {"circle empty", S("circle", "\"\""), "circle: invalid circle key"},
    {"circle starts with a dash", S("circle", "\"-fin\""), "circle: invalid circle key"},
    {"circle of 65", S("circle", LONG65), "circle: invalid circle key"},
    {"circle in kanji", S("circle", "\"金融\""), "circle: invalid circle key"},
    {"circle with NUL", S("circle", "\"fin\\u0000x\""), "circle: contains a NUL character"},
    {"bad regex", S("anonymisation.patterns.0.pattern", "\"SB-[0-9\""),
     "anonymisation.patterns[0].pattern: invalid regular expression \"SB-[0-9\": "},
    {"bad regex repetition", S("anonymisation.patterns.0.pattern", "\"SB-{2,1}\""),
     "anonymisation.patterns[0].pattern: invalid regular expression"},
    {"regex matching nothing", S("anonymisation.patterns.0.pattern", "\"[0-9]*\""),
     "anonymisation.patterns[0].pattern: \"[0-9]*\" matches the empty string"},
    {"empty regex", S("anonymisation.patterns.0.pattern", "\"\""),
     "anonymisation.patterns[0].pattern: must be 1 to 1024 bytes long, got 0"},
    {"empty name", S("anonymisation.patterns.0.name", "\"\""),
     "anonymisation.patterns[0].name: must be 1 to 64 bytes long, got 0"},
    {"placeholder of 65", S("anonymisation.patterns.0.placeholder", LONG65),
     "anonymisation.patterns[0].placeholder: must be 1 to 64 bytes long, got 65"},
    {"name of 22 kanji",
     S("anonymisation.patterns.0.name", "\"" /* 66 bytes */
                                        "金融金融金融金融金融金融金融金融金融金融金融\""),
     "anonymisation.patterns[0].name: must be 1 to 64 bytes long, got 66"},
    {"name with NUL", S("anonymisation.patterns.0.name", "\"a\\u0000b\""),
     "anonymisation.patterns[0].name: contains a NUL character"},
    {"second pattern broken",
     A("anonymisation.patterns", "{\"name\": \"x\", \"pattern\": \"(\","
                                 " \"placeholder\": \"[x]\"}"),
     "anonymisation.patterns[1].pattern: invalid regular expression \"(\""},

    /* contradictions */
    {"clear_public without CLEAR",
     M("",
       "{\"clear_public\": true, \"tlp\": {\"allowed\": " NO_CLEAR ", \"default\": \"AMBER\"}}"),
     "clear_public: true, but CLEAR is not in tlp.allowed"},
    {"green_in without GREEN", S("tlp.allowed", NO_GREEN),
     "forward.green_in: true, but GREEN is not in tlp.allowed"},
    {"green_out without GREEN",
     M("", "{\"tlp\": {\"allowed\": " NO_GREEN
           ", \"default\": \"AMBER\"}, \"forward\": {\"green_in\": false, \"green_out\": true}}"),
     "forward.green_out: true, but GREEN is not in tlp.allowed"},
};

/* Documents that are odd but valid; check() looks at the result. */
struct odd_row {
	const char *name;
	enum op op;
	const char *path, *value;
	bool (*check)(const struct kr_circle_policy *p);
};

static bool no_alert(const struct kr_circle_policy *p)
{
	return p->post_roles[KR_KIND_ALERT] == 0 && p->post_roles[KR_KIND_THREAT] != 0;
}

static bool no_patterns(const struct kr_circle_policy *p)
{
	return p->redact_patterns && json_array_size(p->redact_patterns) == 0;
}

static bool one_pattern(const struct kr_circle_policy *p)
{
	json_t *e = json_array_get(p->redact_patterns, 0);

	return json_array_size(p->redact_patterns) == 1 &&
	       strcmp(json_string_value(json_object_get(e, "placeholder")), "[案件番号]") == 0 &&
	       json_object_size(e) == 3; /* the "$comment" is not kept */
}

static bool lower_bounds(const struct kr_circle_policy *p)
{
	return p->k == 2 && p->retention_days == 0 && p->posts_per_hour == 0;
}

static bool upper_bounds(const struct kr_circle_policy *p)
{
	return p->k == 1000 && p->retention_days == 36500 && p->posts_per_hour == 100000;
}

static bool only_red(const struct kr_circle_policy *p)
{
	return p->tlp_allowed == KR_TLP_BIT(KR_TLP_RED) && p->tlp_default == KR_TLP_RED &&
	       !p->forward_green_in && !p->forward_green_out;
}

static bool strict_per_circle(const struct kr_circle_policy *p)
{
	return p->anonymisation == KR_ANON_STRICT && p->pseudonym == KR_PSEUDONYM_PER_CIRCLE;
}

static bool all_moderated(const struct kr_circle_policy *p)
{
	return p->moderate[KR_KIND_THREAT] && p->moderate[KR_KIND_PRACTICE] &&
	       p->moderate[KR_KIND_ALERT] && p->moderate[KR_KIND_EVENT] &&
	       !p->moderate[KR_KIND_ASSESSMENT] && !p->moderate[KR_KIND_NONE];
}

static bool is_base(const struct kr_circle_policy *p)
{
	return strcmp(p->circle, "fin-isac") == 0 && p->tlp_default == KR_TLP_AMBER &&
	       p->post_roles[KR_KIND_EVENT] ==
	           (KR_ROLE_BIT(KR_ROLE_ORGANIZER) | KR_ROLE_BIT(KR_ROLE_MODERATOR)) &&
	       p->moderate[KR_KIND_PRACTICE] && !p->moderate[KR_KIND_THREAT] && p->k == 5 &&
	       p->retention_days == 730 && p->posts_per_hour == 60 && p->forward_green_in &&
	       p->forward_green_out && !p->clear_public && !p->roster_visible &&
	       !p->moderators_see_author && p->post_roles[KR_KIND_ASSESSMENT] == 0;
}

static bool long_key(const struct kr_circle_policy *p)
{
	return strlen(p->circle) == 64;
}

static const struct odd_row odd[] = {
    {"the base itself", NONE, is_base},
    {"comment at the top", S("$anything", "{\"circle\": 1}"), is_base},
    {"comment in tlp", S("tlp.$comment", "\"AMBER by default\""), is_base},
    {"comment in post", S("post.$comment_alert", "[1, 2]"), is_base},
    {"comment in forward", S("forward.$", "null"), is_base},
    {"comment in rate_limits", S("rate_limits.$comment", "\"per user\""), is_base},
    {"comment in anonymisation", S("anonymisation.$comment", "{}"), is_base},
    {"comment in a pattern", NONE, one_pattern},
    {"kind not listed", D("post.alert"), no_alert},
    {"empty role list", S("post.alert", "[]"), no_alert},
    {"patterns omitted", D("anonymisation.patterns"), no_patterns},
    {"patterns empty", S("anonymisation.patterns", "[]"), no_patterns},
    {"only RED",
     M("", "{\"tlp\": {\"allowed\": [\"RED\"], \"default\": \"RED\"}, \"forward\": {\"green_in\": "
           "false, \"green_out\": false}}"),
     only_red},
    {"strict per-circle",
     M("anonymisation", "{\"level\": \"strict\", \"pseudonym\": \"per-circle\"}"),
     strict_per_circle},
    {"everything moderated", S("moderation", "[\"event\", \"alert\", \"practice\", \"threat\"]"),
     all_moderated},
    {"64-character key", S("circle", KEY64), long_key},
};

/* The value at a dotted path, its parent and last segment. Borrowed. */
static json_t *walk_to(json_t *doc, const char *path, json_t **parent, char *last, size_t len)
{
	char buf[256], *seg, *save = NULL, *next;
	json_t *node = doc;

	*parent = NULL;
	snprintf(buf, sizeof(buf), "%s", path);
	for (seg = strtok_r(buf, ".", &save); seg; seg = next) {
		next = strtok_r(NULL, ".", &save);
		*parent = node;
		snprintf(last, len, "%s", seg);
		if (json_is_array(node))
			node = json_array_get(node, (size_t)strtoul(seg, NULL, 10));
		else
			node = json_object_get(node, seg);
		if (!node && next)
			return NULL;
	}
	return node;
}

/* Apply one change to *doc (owned; may be replaced). false when the row is broken. */
static bool mutate(json_t **doc, enum op op, const char *path, const char *text)
{
	json_t *parent = NULL, *node = *doc, *value = NULL;
	json_error_t jerr;
	char last[64] = "";
	bool ok = op == NOP;

	if (op == NOP)
		goto out;
	if (text) {
		value = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		if (!value) {
			fprintf(stderr, "bad test value %s: %s\n", text, jerr.text);
			goto out;
		}
	}
	if (path[0] != '\0')
		node = walk_to(*doc, path, &parent, last, sizeof(last));
	switch (op) {
	case SET:
		if (!parent) {
			json_decref(*doc);
			*doc = json_incref(value);
			ok = true;
		} else if (json_is_array(parent)) {
			ok = json_array_set(parent, strtoul(last, NULL, 10), value) == 0;
		} else {
			ok = json_object_set(parent, last, value) == 0;
		}
		break;
	case DEL:
		if (json_is_array(parent))
			ok = node && json_array_remove(parent, strtoul(last, NULL, 10)) == 0;
		else
			ok = node && json_object_del(parent, last) == 0;
		break;
	case APPEND:
		ok = json_array_append(node, value) == 0;
		break;
	case MERGE:
		ok = json_object_update(node, value) == 0;
		break;
	case NOP:
		break;
	}
out:
	json_decref(value);
	return ok;
}

static json_t *base(void)
{
	json_error_t jerr;
	json_t *doc = json_loads(base_doc, JSON_REJECT_DUPLICATES, &jerr);

	if (!doc)
		fprintf(stderr, "base document: line %d: %s\n", jerr.line, jerr.text);
	return doc;
}

static void test_broken(void)
{
	char err[512], want[512];

	CHECK(CHECK_N(broken) >= 30);
	for (size_t i = 0; i < CHECK_N(broken); i++) {
		const struct broken_row *r = &broken[i];
		struct kr_circle_policy *p = (struct kr_circle_policy *)1;
		json_t *doc = base();

		check_case(r->name);
		snprintf(want, sizeof(want), FILE_NAME ": %s", r->want);
		if (CHECK(mutate(&doc, r->op, r->path, r->value))) {
			CHECK_EQ_INT(cpolicy_parse(doc, FILE_NAME, &p, err, sizeof(err)),
			             KR_EINVAL);
			CHECK_NULL(p);
			if (!CHECK(strstr(err, want) == err))
				fprintf(stderr, "  got:  %s\n  want: %s\n", err, want);
		}
		json_decref(doc);
	}
	check_case(NULL);
}

static void test_odd(void)
{
	char err[512];

	for (size_t i = 0; i < CHECK_N(odd); i++) {
		const struct odd_row *r = &odd[i];
		struct kr_circle_policy *p = NULL;
		json_t *doc = base();

		check_case(r->name);
		if (CHECK(mutate(&doc, r->op, r->path, r->value))) {
			if (!CHECK_EQ_INT(cpolicy_parse(doc, FILE_NAME, &p, err, sizeof(err)),
			                  KR_OK))
				fprintf(stderr, "  %s\n", err);
			else if (r->check)
				CHECK(r->check(p));
		}
		cpolicy_free(p);
		json_decref(doc);
	}
	check_case(NULL);
}

/* Rows whose check needs a third change: bounds of posts_per_hour. */
static void test_bounds(void)
{
	static const struct {
		const char *k, *retention, *rate;
		bool (*check)(const struct kr_circle_policy *p);
	} rows[] = {{"2", "0", "0", lower_bounds}, {"1000", "36500", "100000", upper_bounds}};
	char err[512];

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		struct kr_circle_policy *p = NULL;
		json_t *doc = base();

		check_case(rows[i].k);
		json_object_set_new(doc, "k", json_loads(rows[i].k, JSON_DECODE_ANY, NULL));
		json_object_set_new(doc, "retention_days",
		                    json_loads(rows[i].retention, JSON_DECODE_ANY, NULL));
		json_object_set_new(json_object_get(doc, "rate_limits"), "posts_per_hour",
		                    json_loads(rows[i].rate, JSON_DECODE_ANY, NULL));
		if (CHECK_EQ_INT(cpolicy_parse(doc, NULL, &p, err, sizeof(err)), KR_OK)) {
			CHECK(rows[i].check(p));
			CHECK_STREQ(p->source, "(document)");
		}
		cpolicy_free(p);
		json_decref(doc);
	}
	check_case(NULL);
}

/* 64 patterns are fine, 65 are not; a NULL document and a tiny buffer. */
static void test_limits(void)
{
	struct kr_circle_policy *p = NULL;
	json_t *doc = base(),
	       *pats = json_object_get(json_object_get(doc, "anonymisation"), "patterns");
	char err[512], tiny[8];

	check_case("64 patterns");
	while (json_array_size(pats) < 64)
		json_array_append(pats, json_array_get(pats, 0));
	CHECK_EQ_INT(cpolicy_parse(doc, FILE_NAME, &p, err, sizeof(err)), KR_OK);
	CHECK(p && json_array_size(p->redact_patterns) == 64);
	cpolicy_free(p);
	p = NULL;

	check_case("65 patterns");
	json_array_append(pats, json_array_get(pats, 0));
	CHECK_EQ_INT(cpolicy_parse(doc, FILE_NAME, &p, err, sizeof(err)), KR_EINVAL);
	CHECK(strstr(err, FILE_NAME ": anonymisation.patterns: at most 64 patterns, got 65") ==
	      err);

	check_case("tiny and absent error buffers");
	CHECK_EQ_INT(cpolicy_parse(doc, FILE_NAME, &p, tiny, sizeof(tiny)), KR_EINVAL);
	CHECK_EQ_INT(strlen(tiny), sizeof(tiny) - 1);
	CHECK_EQ_INT(cpolicy_parse(doc, FILE_NAME, &p, NULL, 0), KR_EINVAL);

	check_case("no document");
	CHECK_EQ_INT(cpolicy_parse(NULL, FILE_NAME, &p, err, sizeof(err)), KR_EINVAL);
	CHECK_NULL(p);
	json_decref(doc);
	check_case(NULL);
}

/* ---- load_file's own errors ----------------------------------------------- */

static void test_load_file(void)
{
	static const struct {
		const char *name, *text, *want;
	} rows[] = {
	    {"syntax error", "{\n  \"circle\": \"x\",\n  \"k\": ,\n}", ": line 3, column "},
	    {"duplicate key", "{\"k\": 5, \"k\": 6}", "duplicate object key"},
	    {"empty file", "", ": line "},
	    {"not an object", "[1]", ": expected an object, got an array"},
	};
	char path[] = "/tmp/test_cpolicy_XXXXXX", err[512];
	struct kr_circle_policy *p = NULL;
	FILE *f;
	int fd;

	check_case("missing file");
	CHECK_EQ_INT(cpolicy_load_file("/nonexistent/policy.json", &p, err, sizeof(err)),
	             KR_ENOTFOUND);
	CHECK_NULL(p);
	CHECK(strstr(err, "/nonexistent/policy.json: cannot open: ") == err);

	fd = mkstemp(path);
	if (!CHECK(fd >= 0))
		return;
	close(fd);
	for (size_t i = 0; i < CHECK_N(rows); i++) {
		check_case(rows[i].name);
		f = fopen(path, "w");
		if (!CHECK_NOT_NULL(f))
			break;
		fputs(rows[i].text, f);
		fclose(f);
		CHECK_EQ_INT(cpolicy_load_file(path, &p, err, sizeof(err)), KR_EINVAL);
		CHECK_NULL(p);
		CHECK(strncmp(err, path, strlen(path)) == 0);
		if (!CHECK(strstr(err, rows[i].want) != NULL))
			fprintf(stderr, "  got: %s\n", err);
	}
	unlink(path);
	check_case(NULL);
}

/* ---- (c) defaults ----------------------------------------------------------- */

#define MEMBER_MOD (KR_ROLE_BIT(KR_ROLE_MEMBER) | KR_ROLE_BIT(KR_ROLE_MODERATOR))
#define ORG_MOD    (KR_ROLE_BIT(KR_ROLE_ORGANIZER) | KR_ROLE_BIT(KR_ROLE_MODERATOR))
#define ALL_TLPS                                                                                   \
	(KR_TLP_BIT(KR_TLP_CLEAR) | KR_TLP_BIT(KR_TLP_GREEN) | KR_TLP_BIT(KR_TLP_AMBER) |          \
	 KR_TLP_BIT(KR_TLP_AMBER_STRICT) | KR_TLP_BIT(KR_TLP_RED))

static void test_defaults(void)
{
	static const struct {
		enum kr_circle_kind kind;
		enum kr_tlp tlp_default;
		bool clear_public;
	} rows[] = {
	    {KR_CIRCLE_SECTOR, KR_TLP_AMBER, false},
	    {KR_CIRCLE_CROSS_SECTOR, KR_TLP_AMBER, false},
	    {KR_CIRCLE_REGIONAL, KR_TLP_AMBER, false},
	    {KR_CIRCLE_PUBLIC, KR_TLP_CLEAR, true},
	};
	char err[512];

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		struct kr_circle_policy *p = cpolicy_default("c1", rows[i].kind), *q = NULL;
		json_t *j;

		check_case(kr_circle_kind_name(rows[i].kind));
		if (!CHECK_NOT_NULL(p))
			continue;
		CHECK_STREQ(p->circle, "c1");
		CHECK_STREQ(p->source, "(default)");
		CHECK_EQ_INT(p->tlp_allowed, ALL_TLPS);
		CHECK_EQ_INT(p->tlp_default, rows[i].tlp_default);
		CHECK_EQ_INT(p->post_roles[KR_KIND_THREAT], MEMBER_MOD);
		CHECK_EQ_INT(p->post_roles[KR_KIND_PRACTICE], MEMBER_MOD);
		CHECK_EQ_INT(p->post_roles[KR_KIND_ALERT], KR_ROLE_BIT(KR_ROLE_MODERATOR));
		CHECK_EQ_INT(p->post_roles[KR_KIND_EVENT], ORG_MOD);
		CHECK_EQ_INT(p->post_roles[KR_KIND_ASSESSMENT], 0);
		CHECK_EQ_INT(p->post_roles[KR_KIND_NONE], 0);
		for (int k = 0; k < KR_KIND_SLOTS; k++)
			CHECK(!p->moderate[k]);
		CHECK_EQ_INT(p->clear_public, rows[i].clear_public);
		CHECK(!p->forward_green_in && !p->forward_green_out);
		CHECK(!p->roster_visible && !p->moderators_see_author);
		CHECK_EQ_INT(p->retention_days, 0);
		CHECK_EQ_INT(p->k, 5);
		CHECK_EQ_INT(p->posts_per_hour, 60);
		CHECK_EQ_INT(p->anonymisation, KR_ANON_STANDARD);
		CHECK_EQ_INT(p->pseudonym, KR_PSEUDONYM_PER_ITEM);
		CHECK(json_is_array(p->redact_patterns) &&
		      json_array_size(p->redact_patterns) == 0);
		/* a default is a valid policy */
		j = cpolicy_to_json(p);
		CHECK_EQ_INT(cpolicy_parse(j, "(default)", &q, err, sizeof(err)), KR_OK);
		json_decref(j);
		cpolicy_free(q);
		cpolicy_free(p);
	}
	check_case("unknown kind or no circle");
	CHECK_NULL(cpolicy_default("c1", KR_CIRCLE_NONE));
	CHECK_NULL(cpolicy_default("c1", (enum kr_circle_kind)99));
	CHECK_NULL(cpolicy_default(NULL, KR_CIRCLE_SECTOR));
	cpolicy_free(NULL);
	CHECK_NULL(cpolicy_to_json(NULL));
	check_case(NULL);
}

/* ---- (d) round trip ------------------------------------------------------------ */

static bool same_policy(const struct kr_circle_policy *a, const struct kr_circle_policy *b)
{
	return strcmp(a->circle, b->circle) == 0 && a->tlp_allowed == b->tlp_allowed &&
	       a->tlp_default == b->tlp_default &&
	       memcmp(a->post_roles, b->post_roles, sizeof(a->post_roles)) == 0 &&
	       memcmp(a->moderate, b->moderate, sizeof(a->moderate)) == 0 &&
	       a->clear_public == b->clear_public && a->forward_green_in == b->forward_green_in &&
	       a->forward_green_out == b->forward_green_out &&
	       a->roster_visible == b->roster_visible &&
	       a->moderators_see_author == b->moderators_see_author &&
	       a->retention_days == b->retention_days && a->k == b->k &&
	       a->posts_per_hour == b->posts_per_hour && a->anonymisation == b->anonymisation &&
	       a->pseudonym == b->pseudonym && json_equal(a->redact_patterns, b->redact_patterns);
}

static void round_trip(const char *name, const struct kr_circle_policy *p)
{
	struct kr_circle_policy *q = NULL;
	json_t *j = cpolicy_to_json(p), *k = NULL;
	char err[512];

	check_case(name);
	if (!CHECK_NOT_NULL(j))
		return;
	if (CHECK_EQ_INT(cpolicy_parse(j, name, &q, err, sizeof(err)), KR_OK)) {
		CHECK(same_policy(p, q));
		k = cpolicy_to_json(q);
		CHECK(json_equal(j, k));
		/* the shape of a file: every top-level field, no comment */
		CHECK_EQ_INT(json_object_size(j), 12);
		CHECK_EQ_INT(json_object_size(json_object_get(j, "post")), 4);
	} else {
		fprintf(stderr, "  %s\n", err);
	}
	json_decref(k);
	json_decref(j);
	cpolicy_free(q);
}

static void test_round_trip(void)
{
	static const char *const files[] = {
	    "policies/fin-isac.json",
	    "policies/energy-isac.json",
	    "policies/kanagawa-community.json",
	    "policies/public.json",
	    "policies/examples/sector-isac.json",
	    "policies/examples/cross-sector.json",
	    "policies/examples/regional-community.json",
	    "policies/examples/public.json",
	};
	struct kr_circle_policy *p;
	char path[1024], err[512];
	json_t *doc = base();

	for (size_t i = 0; i < CHECK_N(files); i++) {
		p = NULL;
		snprintf(path, sizeof(path), "%s/%s", source_dir(), files[i]);
		check_case(files[i]);
		if (CHECK_EQ_INT(cpolicy_load_file(path, &p, err, sizeof(err)), KR_OK))
			round_trip(files[i], p);
		cpolicy_free(p);
	}
	p = NULL;
	/* a kind left out of "post" comes back as an empty list, meaning the same */
	json_object_del(json_object_get(doc, "post"), "alert");
	if (CHECK_EQ_INT(cpolicy_parse(doc, "base", &p, err, sizeof(err)), KR_OK)) {
		json_t *j = cpolicy_to_json(p);

		round_trip("base without alert", p);
		CHECK_EQ_INT(json_array_size(json_object_get(json_object_get(j, "post"), "alert")),
		             0);
		json_decref(j);
	}
	cpolicy_free(p);
	json_decref(doc);
	check_case(NULL);
}

int main(void)
{
	test_shipped_policies();
	test_broken();
	test_odd();
	test_bounds();
	test_limits();
	test_load_file();
	test_defaults();
	test_round_trip();
	return check_finish();
}
