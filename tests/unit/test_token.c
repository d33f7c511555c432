/*
 * test_token.c - bearer tokens (hub/token.h): generated tokens are
 * well-formed and distinct, hashing is SHA-256 of exactly the given bytes,
 * and token_well_formed accepts only "kr_" + 43 base64url characters.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "token.h"

#define N_GENERATED 2000

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void hex_decode(const char *hex, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char byte[3] = {hex[2 * i], hex[2 * i + 1], '\0'};

		out[i] = (unsigned char)strtoul(byte, NULL, 16);
	}
}

static int cmp_token(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void test_generate(void)
{
	static char tokens[N_GENERATED][KR_TOKEN_LEN + 1];
	int bad = 0, dup = 0, tail = 0;

	check_case("generate");
	for (int i = 0; i < N_GENERATED; i++) {
		char *t = tokens[i];
		const char *p;

		memset(t, 'x', KR_TOKEN_LEN + 1);
		if (!CHECK(token_generate(t)))
			return;
		if (strlen(t) != KR_TOKEN_LEN || !token_well_formed(t, strlen(t)))
			bad++;
		/* 32 bytes fill 43 characters with 256 of their 258 bits: the
		 * last character carries 4 data bits and two zero bits. */
		p = strchr(b64url, t[KR_TOKEN_LEN - 1]);
		if (!p || (p - b64url) % 4 != 0)
			tail++;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(tail, 0);
	qsort(tokens, N_GENERATED, sizeof(tokens[0]), cmp_token);
	for (int i = 1; i < N_GENERATED; i++)
		if (strcmp(tokens[i - 1], tokens[i]) == 0)
			dup++;
	CHECK_EQ_INT(dup, 0);
	check_case(NULL);
}

static void test_hash(void)
{
	static const struct {
		const char *name;
		const char *text;
		size_t len;
		const char *sha256;
	} cases[] = {
	    {"empty", "", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	    {"abc", "abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	    {"only len bytes", "abcdef", 3,
	     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	    {"token text", "kr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_0", KR_TOKEN_LEN,
	     "406b48cbef2d613d46cedb90bc41c0e204b966e4a3b83ebbf079a64a2c204b58"},
	};
	unsigned char got[KR_TOKEN_HASH_LEN], again[KR_TOKEN_HASH_LEN], want[KR_TOKEN_HASH_LEN];
	char tok[KR_TOKEN_LEN + 1];

	for (size_t i = 0; i < CHECK_N(cases); i++) {
		check_case(cases[i].name);
		hex_decode(cases[i].sha256, want, sizeof(want));
		memset(got, 0, sizeof(got));
		if (CHECK(token_hash(cases[i].text, cases[i].len, got)))
			CHECK_MEMEQ(got, want, sizeof(want));
	}

	check_case("deterministic");
	CHECK(token_generate(tok));
	CHECK(token_hash(tok, strlen(tok), got));
	CHECK(token_hash(tok, strlen(tok), again));
	CHECK_MEMEQ(got, again, sizeof(got));
	tok[KR_TOKEN_LEN - 1] = tok[KR_TOKEN_LEN - 1] == 'A' ? 'B' : 'A';
	CHECK(token_hash(tok, strlen(tok), again));
	CHECK(memcmp(got, again, sizeof(got)) != 0);

	check_case("NULL with bytes");
	CHECK(!token_hash(NULL, 5, got));
	check_case(NULL);
}

static void test_well_formed(void)
{
	static const struct {
		const char *name;
		const char *s;
		size_t len; /* 0: strlen(s) */
		bool ok;
	} cases[] = {
	    {"A...", "kr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, true},
	    {"whole alphabet", "kr_abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE", 0, true},
	    {"dash and underscore", "kr_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-", 0, true},
	    {"uppercase prefix", "KR_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, false},
	    {"dash prefix", "kr-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, false},
	    {"no prefix", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, false},
	    {"one short", "kr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, false},
	    {"one long", "kr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, false},
	    {"padding", "kr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 0, false},
	    {"plus", "kr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", 0, false},
	    {"slash", "kr_AAAAAAAAAA/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, false},
	    {"space", "kr_AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA", 0, false},
	    {"dot", "kr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.", 0, false},
	    {"newline", "kr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 0, false},
	    {"non-ASCII", "kr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xc3\xa9", 0, false},
	    {"embedded NUL", "kr_AAAAAAAAAAAAAAAAAAAA\0AAAAAAAAAAAAAAAAAAAAAA", KR_TOKEN_LEN,
	     false},
	    {"len shorter than text", "kr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	     KR_TOKEN_LEN - 1, false},
	    {"empty", "", 0, false},
	    {"prefix only", "kr_", 0, false},
	};

	for (size_t i = 0; i < CHECK_N(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].s);

		check_case(cases[i].name);
		CHECK_EQ_INT(token_well_formed(cases[i].s, len), cases[i].ok);
	}

	/* Every character outside the alphabet, at the first, a middle and the
	 * last position of an otherwise good token, at exactly the right length. */
	check_case("bad character");
	for (int c = 0; c < 256; c++) {
		static const size_t pos[] = {3, 24, KR_TOKEN_LEN - 1};
		char tok[KR_TOKEN_LEN + 1];

		if (c != 0 && strchr(b64url, c))
			continue;
		for (size_t k = 0; k < CHECK_N(pos); k++) {
			memset(tok, 'A', KR_TOKEN_LEN);
			memcpy(tok, "kr_", 3);
			tok[KR_TOKEN_LEN] = '\0';
			tok[pos[k]] = (char)c;
			if (!CHECK(!token_well_formed(tok, KR_TOKEN_LEN)))
				fprintf(stderr, "  character 0x%02x at %zu accepted\n", c, pos[k]);
		}
	}
	check_case("NULL");
	CHECK(!token_well_formed(NULL, KR_TOKEN_LEN));
	check_case(NULL);
}

static void test_expiry(void)
{
	/* now = 2026-01-01T00:00:00Z */
	static const int64_t now = 1767225600;
	static const struct {
		const char *name;
		const char *s;
		bool ok;
		int64_t want; /* epoch seconds when ok */
	} cases[] = {
	    {"seconds", "3600s", true, now + 3600},
	    {"minutes", "90m", true, now + 5400},
	    {"hours", "12h", true, now + 43200},
	    {"days", "30d", true, now + 30 * 86400},
	    {"weeks", "2w", true, now + 14 * 86400},
	    {"date", "2026-03-31", true, 1774915200},
	    {"date-time Z", "2026-03-31T18:00:00Z", true, 1774915200 + 18 * 3600},
	    {"date-time +09:00", "2026-03-31T18:00:00+09:00", true, 1774915200 + 9 * 3600},
	    {"date-time -05:30", "2026-01-01T00:00:00-05:30", true, now + 5 * 3600 + 1800},
	    {"leap day", "2028-02-29", true, 1835395200},
	    {"ten years of days", "3650d", true, now + 3650 * 86400},
	    {"not a leap year", "2027-02-29", false, 0},
	    {"month 13", "2026-13-01", false, 0},
	    {"day 32", "2026-01-32", false, 0},
	    {"hour 24", "2026-03-31T24:00:00Z", false, 0},
	    {"no zone", "2026-03-31T18:00:00", false, 0},
	    {"bad zone", "2026-03-31T18:00:00+0900", false, 0},
	    {"past date", "2025-12-31", false, 0},
	    {"now", "2026-01-01T00:00:00Z", false, 0},
	    {"zero duration", "0d", false, 0},
	    {"negative", "-1d", false, 0},
	    {"no unit", "30", false, 0},
	    {"unknown unit", "3y", false, 0},
	    {"unit only", "d", false, 0},
	    {"fraction", "1.5d", false, 0},
	    {"too far", "11000d", false, 0},
	    {"too far date", "2040-01-01", false, 0},
	    {"huge number", "99999999999d", false, 0},
	    {"space", "30 d", false, 0},
	    {"empty", "", false, 0},
	    {"words", "tomorrow", false, 0},
	};
	char err[256];

	for (size_t i = 0; i < CHECK_N(cases); i++) {
		int64_t got = -1;
		bool ok;

		check_case(cases[i].name);
		err[0] = '\0';
		ok = token_expiry_parse(cases[i].s, now, &got, err, sizeof(err));
		CHECK_EQ_INT(ok, cases[i].ok);
		if (cases[i].ok)
			CHECK_EQ_INT(got, cases[i].want);
		else
			CHECK(err[0] != '\0' && got == 0);
	}
	check_case("NULL");
	CHECK(!token_expiry_parse(NULL, now, &(int64_t){0}, err, sizeof(err)));
	check_case(NULL);
}

int main(void)
{
	test_generate();
	test_hash();
	test_well_formed();
	test_expiry();
	return check_finish();
}
