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

int main(void)
{
	test_generate();
	test_hash();
	test_well_formed();
	return check_finish();
}
