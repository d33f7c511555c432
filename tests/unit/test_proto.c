/*
 * test_proto.c - the wire protocol v1 envelope and error codes
 * (common/proto.h, common/kr_error.h): which frames are refused with which
 * error, when the request id survives for the error's `ref`, field tables,
 * reply and error shapes, and the error -> wire code -> exit code mapping
 * of schema/PROTOCOL.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kr_error.h"
#include "proto.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID65 ID64 "x"

static void test_envelope(void)
{
	static const struct {
		const char *name;
		const char *frame;
		size_t len; /* 0: strlen(frame) */
		enum kr_err want;
		const char *type; /* on success */
		const char *id;   /* id on success, or recovered id on failure; NULL: none */
	} cases[] = {
	    {"valid with id", "{\"type\":\"whoami\",\"id\":\"a1\"}", 0, KR_OK, "whoami", "a1"},
	    {"valid without id", "{\"type\":\"whoami\"}", 0, KR_OK, "whoami", NULL},
	    {"valid with fields", "{\"type\":\"get\",\"id\":\"q\",\"item_id\":\"it_1\"}", 0, KR_OK,
	     "get", "q"},
	    {"whitespace around", " \n{ \"type\" : \"whoami\" }\n ", 0, KR_OK, "whoami", NULL},
	    {"id of 64", "{\"type\":\"x\",\"id\":\"" ID64 "\"}", 0, KR_OK, "x", ID64},
	    {"Japanese id", "{\"type\":\"x\",\"id\":\"\xe5\x9b\x9e\xe8\xa6\xa7\"}", 0, KR_OK, "x",
	     "\xe5\x9b\x9e\xe8\xa6\xa7"},
	    {"escaped id", "{\"type\":\"x\",\"id\":\"\\u56de\"}", 0, KR_OK, "x", "\xe5\x9b\x9e"},
	    {"Japanese type text", "{\"type\":\"\xe5\x9b\x9e\"}", 0, KR_OK, "\xe5\x9b\x9e", NULL},

	    {"not JSON", "hello", 0, KR_EJSON, NULL, NULL},
	    {"empty frame", "", 0, KR_EJSON, NULL, NULL},
	    {"truncated object", "{\"type\":\"whoami\"", 0, KR_EJSON, NULL, NULL},
	    {"trailing garbage", "{\"type\":\"whoami\"} {}", 0, KR_EJSON, NULL, NULL},
	    {"two objects", "{\"type\":\"a\"}{\"type\":\"b\"}", 0, KR_EJSON, NULL, NULL},
	    {"array", "[{\"type\":\"whoami\",\"id\":\"a\"}]", 0, KR_EJSON, NULL, NULL},
	    {"string", "\"whoami\"", 0, KR_EJSON, NULL, NULL},
	    {"number", "42", 0, KR_EJSON, NULL, NULL},
	    {"null", "null", 0, KR_EJSON, NULL, NULL},
	    {"duplicate type", "{\"type\":\"a\",\"id\":\"d1\",\"type\":\"b\"}", 0, KR_EJSON, NULL,
	     NULL},
	    {"duplicate id", "{\"type\":\"a\",\"id\":\"d1\",\"id\":\"d2\"}", 0, KR_EJSON, NULL,
	     NULL},
	    {"NUL escape", "{\"type\":\"x\",\"id\":\"n1\",\"body\":\"a\\u0000b\"}", 0, KR_EJSON,
	     NULL, NULL},
	    {"lone surrogate escape", "{\"type\":\"x\",\"id\":\"s1\",\"body\":\"\\ud800\"}", 0,
	     KR_EJSON, NULL, NULL},
	    {"single quotes", "{'type':'whoami'}", 0, KR_EJSON, NULL, NULL},

	    {"missing type", "{\"id\":\"r1\"}", 0, KR_EINVAL, NULL, "r1"},
	    {"missing type, no id", "{}", 0, KR_EINVAL, NULL, NULL},
	    {"type number", "{\"type\":5,\"id\":\"r2\"}", 0, KR_EINVAL, NULL, "r2"},
	    {"type null", "{\"type\":null,\"id\":\"r3\"}", 0, KR_EINVAL, NULL, "r3"},
	    {"type object", "{\"type\":{},\"id\":\"r4\"}", 0, KR_EINVAL, NULL, "r4"},
	    {"id number", "{\"type\":\"x\",\"id\":5}", 0, KR_EINVAL, NULL, NULL},
	    {"id null", "{\"type\":\"x\",\"id\":null}", 0, KR_EINVAL, NULL, NULL},
	    {"id array", "{\"type\":\"x\",\"id\":[\"a\"]}", 0, KR_EINVAL, NULL, NULL},
	    {"id empty", "{\"type\":\"x\",\"id\":\"\"}", 0, KR_EINVAL, NULL, NULL},
	    {"id of 65", "{\"type\":\"x\",\"id\":\"" ID65 "\"}", 0, KR_EINVAL, NULL, NULL},

	    {"invalid UTF-8 in id", "{\"type\":\"x\",\"id\":\"a\xff\"}", 0, KR_EUTF8, NULL, NULL},
	    {"overlong in body", "{\"type\":\"x\",\"id\":\"u1\",\"b\":\"\xc0\xaf\"}", 0, KR_EUTF8,
	     NULL, NULL},
	    {"surrogate bytes", "{\"type\":\"x\",\"b\":\"\xed\xa0\x80\"}", 0, KR_EUTF8, NULL, NULL},
	    {"truncated UTF-8 at end", "{\"type\":\"x\"}\xe3\x81", 0, KR_EUTF8, NULL, NULL},
	    {"raw NUL byte", "{\"type\":\"x\"}\0", 13, KR_EUTF8, NULL, NULL},
	    {"raw NUL in string", "{\"type\":\"x\0y\"}", 14, KR_EUTF8, NULL, NULL},
	};

	for (size_t i = 0; i < CHECK_N(cases); i++) {
		struct kr_envelope env;
		char idbuf[KR_ID_MAX + 1];
		char err[256] = "";
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].frame);
		enum kr_err got;

		check_case(cases[i].name);
		memset(idbuf, 0, sizeof(idbuf));
		got = kr_envelope_parse(cases[i].frame, len, &env, idbuf, err, sizeof(err));
		if (!CHECK_EQ_INT(got, cases[i].want))
			fprintf(stderr, "  got %s: %s\n", kr_err_code(got), err);
		CHECK_STREQ(env.id, cases[i].id);
		if (got == KR_OK) {
			CHECK(json_is_object(env.msg));
			CHECK_STREQ(env.type, cases[i].type);
			kr_envelope_clear(&env);
			CHECK_NULL(env.msg);
		} else {
			CHECK_NULL(env.msg);
			CHECK(err[0] != '\0');
			/* A recovered id lives in the caller's buffer, not in freed JSON. */
			if (env.id)
				CHECK(env.id == idbuf);
		}
	}
	check_case(NULL);
}

static void test_fields(void)
{
	static const struct kr_field spec[] = {
	    {"item", KR_F_OBJECT, true}, {"limit", KR_F_INT, false},  {"name", KR_F_STRING, false},
	    {"flag", KR_F_BOOL, false},  {"tags", KR_F_ARRAY, false},
	};
	static const struct {
		const char *name;
		const char *json;
		bool envelope;
		enum kr_err want;
		const char *field; /* must appear in err on failure */
	} cases[] = {
	    {"required only", "{\"item\":{}}", false, KR_OK, NULL},
	    {"all fields", "{\"item\":{},\"limit\":5,\"name\":\"n\",\"flag\":false,\"tags\":[]}",
	     false, KR_OK, NULL},
	    {"envelope allowed", "{\"type\":\"post\",\"id\":\"1\",\"item\":{}}", true, KR_OK, NULL},
	    {"type without envelope", "{\"type\":\"post\",\"item\":{}}", false, KR_EFIELD, "type"},
	    {"id without envelope", "{\"id\":\"1\",\"item\":{}}", false, KR_EFIELD, "id"},
	    {"unknown field", "{\"item\":{},\"bogus\":1}", false, KR_EFIELD, "bogus"},
	    {"unknown with envelope", "{\"type\":\"t\",\"item\":{},\"ref\":null}", true, KR_EFIELD,
	     "ref"},
	    {"case matters", "{\"Item\":{},\"item\":{}}", false, KR_EFIELD, "Item"},
	    {"object as array", "{\"item\":[]}", false, KR_EINVAL, "item"},
	    {"object as null", "{\"item\":null}", false, KR_EINVAL, "item"},
	    {"int as string", "{\"item\":{},\"limit\":\"5\"}", false, KR_EINVAL, "limit"},
	    {"int as real", "{\"item\":{},\"limit\":1.5}", false, KR_EINVAL, "limit"},
	    {"int as bool", "{\"item\":{},\"limit\":true}", false, KR_EINVAL, "limit"},
	    {"string as number", "{\"item\":{},\"name\":7}", false, KR_EINVAL, "name"},
	    {"string as null", "{\"item\":{},\"name\":null}", false, KR_EINVAL, "name"},
	    {"bool as int", "{\"item\":{},\"flag\":1}", false, KR_EINVAL, "flag"},
	    {"bool as string", "{\"item\":{},\"flag\":\"true\"}", false, KR_EINVAL, "flag"},
	    {"array as object", "{\"item\":{},\"tags\":{}}", false, KR_EINVAL, "tags"},
	    {"missing required", "{}", false, KR_EINVAL, "item"},
	    {"missing required with envelope", "{\"type\":\"post\",\"id\":\"2\"}", true, KR_EINVAL,
	     "item"},
	    {"missing required, optional given", "{\"limit\":3}", false, KR_EINVAL, "item"},
	    {"not an object", "[]", false, KR_EINVAL, NULL},
	};
	static const struct {
		const char *name;
		const char *json;
		enum kr_err want;
	} empty_spec[] = {
	    {"no fields: envelope only", "{\"type\":\"whoami\",\"id\":\"3\"}", KR_OK},
	    {"no fields: type only", "{\"type\":\"whoami\"}", KR_OK},
	    {"no fields: extra", "{\"type\":\"whoami\",\"x\":1}", KR_EFIELD},
	};

	for (size_t i = 0; i < CHECK_N(cases); i++) {
		json_t *obj = json_loads(cases[i].json, 0, NULL);
		char err[256] = "";
		enum kr_err got;

		check_case(cases[i].name);
		if (!CHECK_NOT_NULL(obj))
			continue;
		got =
		    kr_fields_check(obj, spec, CHECK_N(spec), cases[i].envelope, err, sizeof(err));
		if (!CHECK_EQ_INT(got, cases[i].want))
			fprintf(stderr, "  got %s: %s\n", kr_err_code(got), err);
		if (cases[i].want != KR_OK)
			CHECK(err[0] != '\0');
		if (cases[i].field && !CHECK(strstr(err, cases[i].field) != NULL))
			fprintf(stderr, "  message: %s\n", err);
		json_decref(obj);
	}
	for (size_t i = 0; i < CHECK_N(empty_spec); i++) {
		json_t *obj = json_loads(empty_spec[i].json, 0, NULL);
		char err[256] = "";

		check_case(empty_spec[i].name);
		if (!CHECK_NOT_NULL(obj))
			continue;
		CHECK_EQ_INT(kr_fields_check(obj, NULL, 0, true, err, sizeof(err)),
		             empty_spec[i].want);
		json_decref(obj);
	}
	check_case(NULL);
}

/* msg equals the JSON text want (key order does not matter). */
static bool json_matches(const json_t *msg, const char *want)
{
	json_t *w = json_loads(want, 0, NULL);
	bool ok = w && msg && json_equal((json_t *)msg, w);

	if (!ok) {
		char *got = msg ? json_dumps(msg, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

		fprintf(stderr, "  got  %s\n  want %s\n", got ? got : "(null)", want);
		free(got);
	}
	json_decref(w);
	return ok;
}

static void test_messages(void)
{
	json_t *m;
	char *buf;
	size_t len = 0;

	check_case("reply with ref");
	m = kr_msg_reply("posted", "abc");
	CHECK(json_matches(m, "{\"type\":\"posted\",\"ref\":\"abc\"}"));
	json_decref(m);

	check_case("reply with null ref");
	m = kr_msg_reply("unsubscribed", NULL);
	CHECK(json_matches(m, "{\"type\":\"unsubscribed\",\"ref\":null}"));
	CHECK(json_is_null(json_object_get(m, "ref")));
	json_decref(m);

	check_case("error with ref");
	m = kr_msg_error("r9", KR_EFORBIDDEN, "you may not see this");
	CHECK(json_matches(m, "{\"type\":\"error\",\"ref\":\"r9\",\"code\":\"forbidden\","
	                      "\"message\":\"you may not see this\"}"));
	json_decref(m);

	check_case("error with null ref");
	m = kr_msg_error(NULL, KR_EJSON, "malformed");
	CHECK(json_matches(m, "{\"type\":\"error\",\"ref\":null,\"code\":\"invalid_json\","
	                      "\"message\":\"malformed\"}"));
	json_decref(m);

	check_case("error without message");
	m = kr_msg_error("r1", KR_ENOTFOUND, NULL);
	CHECK_EQ_INT(json_object_size(m), 4);
	CHECK_STREQ(json_string_value(json_object_get(m, "code")), "not_found");
	CHECK(json_is_string(json_object_get(m, "message")));
	CHECK(json_string_length(json_object_get(m, "message")) > 0);
	json_decref(m);

	check_case("dump with headroom");
	m = kr_msg_reply("acked", "\xe5\x9b\x9e");
	buf = kr_msg_dump(m, 16, &len);
	if (CHECK_NOT_NULL(buf)) {
		CHECK_EQ_INT(len, strlen(buf + 16));
		CHECK_STREQ(buf + 16, "{\"type\":\"acked\",\"ref\":\"\xe5\x9b\x9e\"}");
		free(buf);
	}
	buf = kr_msg_dump(m, 0, &len);
	if (CHECK_NOT_NULL(buf)) {
		CHECK_EQ_INT(len, strlen(buf));
		free(buf);
	}
	json_decref(m);
	check_case(NULL);
}

static void test_errors(void)
{
	/* The table of schema/PROTOCOL.md, "Errors". */
	static const struct {
		enum kr_err e;
		const char *code;
		enum kr_exit exit;
	} table[] = {
	    {KR_EJSON, "invalid_json", 6},
	    {KR_EUTF8, "invalid_utf8", 6},
	    {KR_ETOOLARGE, "too_large", 6},
	    {KR_ETYPE, "unknown_type", 6},
	    {KR_EFIELD, "unknown_field", 6},
	    {KR_EINVAL, "invalid_field", 6},
	    {KR_ELABEL, "unknown_label", 6},
	    {KR_EAUTHREQ, "auth_required", 3},
	    {KR_EAUTH, "auth_failed", 3},
	    {KR_EFORBIDDEN, "forbidden", 4},
	    {KR_ENOTFOUND, "not_found", 5},
	    {KR_ENOTALLOWED, "not_allowed", 4},
	    {KR_ERATELIMIT, "rate_limited", 7},
	    {KR_EOVERLOADED, "overloaded", 7},
	    {KR_EINTERNAL, "internal", 7},
	    {KR_ETOOFAST, "too_fast", 7},
	    {KR_ECONNLIMIT, "too_many_connections", 7},
	    {KR_ETIMEOUT, "timeout", 7},
	};
	bool listed[KR_ERR__COUNT] = {false};

	for (size_t i = 0; i < CHECK_N(table); i++) {
		check_case(table[i].code);
		CHECK_STREQ(kr_err_code(table[i].e), table[i].code);
		CHECK_EQ_INT(kr_err_from_code(table[i].code), table[i].e);
		CHECK_EQ_INT(kr_err_exit(table[i].e), table[i].exit);
		if ((unsigned)table[i].e < KR_ERR__COUNT)
			listed[table[i].e] = true;
	}

	/* Every error value is in the documented table, has a code of its own
	 * and round-trips through kr_err_from_code. */
	check_case("every kr_err");
	for (int e = 1; e < KR_ERR__COUNT; e++) {
		const char *code = kr_err_code((enum kr_err)e);

		if (!CHECK(listed[e]))
			fprintf(stderr, "  kr_err %d (%s) is not in PROTOCOL.md's table\n", e,
			        code);
		if (!CHECK_NOT_NULL(code))
			continue;
		CHECK(code[0] != '\0');
		CHECK_EQ_INT(kr_err_from_code(code), e);
		CHECK(kr_err_exit((enum kr_err)e) != KR_EXIT_OK);
		for (int f = 0; f < KR_ERR__COUNT; f++)
			if (f != e && !CHECK(strcmp(code, kr_err_code((enum kr_err)f)) != 0))
				fprintf(stderr, "  %d and %d share \"%s\"\n", e, f, code);
	}

	check_case("KR_OK");
	CHECK_EQ_INT(kr_err_exit(KR_OK), KR_EXIT_OK);
	CHECK_NOT_NULL(kr_err_code(KR_OK));

	check_case("unknown codes");
	CHECK_EQ_INT(kr_err_from_code(NULL), KR_EINTERNAL);
	CHECK_EQ_INT(kr_err_from_code(""), KR_EINTERNAL);
	CHECK_EQ_INT(kr_err_from_code("bogus"), KR_EINTERNAL);
	CHECK_EQ_INT(kr_err_from_code("INVALID_JSON"), KR_EINTERNAL);
	CHECK_EQ_INT(kr_err_from_code("invalid_json "), KR_EINTERNAL);

	check_case("out of range");
	CHECK_STREQ(kr_err_code(KR_ERR__COUNT), "internal");
	CHECK_STREQ(kr_err_code((enum kr_err)1000), "internal");
	CHECK_EQ_INT(kr_err_exit(KR_ERR__COUNT), KR_EXIT_SERVER);

	check_case("exit codes");
	CHECK_EQ_INT(KR_EXIT_OK, 0);
	CHECK_EQ_INT(KR_EXIT_USAGE, 2);
	CHECK_EQ_INT(KR_EXIT_AUTH, 3);
	CHECK_EQ_INT(KR_EXIT_FORBIDDEN, 4);
	CHECK_EQ_INT(KR_EXIT_NOTFOUND, 5);
	CHECK_EQ_INT(KR_EXIT_REJECTED, 6);
	CHECK_EQ_INT(KR_EXIT_SERVER, 7);
	check_case(NULL);
}

int main(void)
{
	test_envelope();
	test_fields();
	test_messages();
	test_errors();
	return check_finish();
}
