/*
 * test_utf8.c - strict UTF-8 validation and code point counting
 * (common/utf8.h): a table of well-formed text (ASCII, Japanese, emoji,
 * full-width forms, every encoding-length boundary) and of ill-formed byte
 * sequences (overlongs, surrogates, beyond U+10FFFF, truncation, stray
 * continuation bytes, NUL).
 */
#include <string.h>

#include "check.h"
#include "utf8.h"

struct utf8_case {
	const char *name;
	const char *bytes;
	size_t len;   /* 0: strlen(bytes) */
	bool valid;   /* expected kr_utf8_valid */
	size_t count; /* expected kr_utf8_count when valid */
};

/* String literals are split after \x escapes so the next character is not
 * read as another hex digit. */
static const struct utf8_case cases[] = {
    /* well-formed */
    {"empty", "", 0, true, 0},
    {"ASCII", "hello, world", 0, true, 12},
    {"ASCII controls", "tab\there\r\n", 0, true, 10},
    {"DEL", "\x7f", 0, true, 1},
    {"Latin-1 e-acute", "caf\xc3\xa9", 0, true, 4},
    {"Japanese kairan", "\xe5\x9b\x9e\xe8\xa6\xa7", 0, true, 2},
    {"Japanese mixed", "TLP:GREEN \xe3\x81\xae\xe5\xa0\xb1\xe5\x91\x8a", 0, true, 13},
    {"emoji 4-byte", "\xf0\x9f\x98\x80", 0, true, 1},
    {"emoji in text", "ok \xf0\x9f\x91\x8d!", 0, true, 5},
    {"full-width at", "\xef\xbc\xa0", 0, true, 1},
    {"full-width phone",
     "\xef\xbc\x90\xef\xbc\x93\xef\xbc\x8d\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94", 0,
     true, 7},
    {"full-width mail",
     "taro\xef\xbc\xa0"
     "example.jp",
     0, true, 15},
    {"U+0080 first 2-byte", "\xc2\x80", 0, true, 1},
    {"U+07FF last 2-byte", "\xdf\xbf", 0, true, 1},
    {"U+0800 first 3-byte", "\xe0\xa0\x80", 0, true, 1},
    {"U+D7FF before surrogates", "\xed\x9f\xbf", 0, true, 1},
    {"U+E000 after surrogates", "\xee\x80\x80", 0, true, 1},
    {"U+FEFF BOM", "\xef\xbb\xbf", 0, true, 1},
    {"U+FFFF last 3-byte", "\xef\xbf\xbf", 0, true, 1},
    {"U+10000 first 4-byte", "\xf0\x90\x80\x80", 0, true, 1},
    {"U+10FFFF last code point", "\xf4\x8f\xbf\xbf", 0, true, 1},
    {"len stops before a bad byte", "abc\xff", 3, true, 3},

    /* overlong encodings */
    {"overlong slash C0 AF", "\xc0\xaf", 0, false, 0},
    {"overlong NUL C0 80", "\xc0\x80", 0, false, 0},
    {"overlong C1 BF", "\xc1\xbf", 0, false, 0},
    {"overlong 3-byte slash", "\xe0\x80\xaf", 0, false, 0},
    {"overlong 3-byte U+07FF", "\xe0\x9f\xbf", 0, false, 0},
    {"overlong 4-byte slash", "\xf0\x80\x80\xaf", 0, false, 0},
    {"overlong 4-byte U+FFFF", "\xf0\x8f\xbf\xbf", 0, false, 0},
    {"overlong 5-byte", "\xf8\x80\x80\x80\xaf", 0, false, 0},

    /* UTF-16 surrogates */
    {"surrogate U+D800", "\xed\xa0\x80", 0, false, 0},
    {"surrogate U+DBFF", "\xed\xaf\xbf", 0, false, 0},
    {"surrogate U+DC00", "\xed\xb0\x80", 0, false, 0},
    {"surrogate U+DFFF", "\xed\xbf\xbf", 0, false, 0},
    {"CESU-8 pair for U+1F600", "\xed\xa0\xbd\xed\xb8\x80", 0, false, 0},

    /* beyond U+10FFFF and impossible lead bytes */
    {"U+110000", "\xf4\x90\x80\x80", 0, false, 0},
    {"lead F5", "\xf5\x80\x80\x80", 0, false, 0},
    {"lead F7", "\xf7\xbf\xbf\xbf", 0, false, 0},
    {"6-byte lead FC", "\xfc\x84\x80\x80\x80\x80", 0, false, 0},
    {"FE", "\xfe", 0, false, 0},
    {"FF", "\xff", 0, false, 0},

    /* truncated sequences */
    {"lone 2-byte lead at end", "ab\xc3", 0, false, 0},
    {"3-byte cut after 1 at end", "ab\xe3", 0, false, 0},
    {"3-byte cut after 2 at end", "ab\xe3\x81", 0, false, 0},
    {"4-byte cut after 3 at end", "ab\xf0\x9f\x98", 0, false, 0},
    {"len cuts a valid 3-byte", "\xe3\x81\x82", 2, false, 0},
    {"len cuts a valid 4-byte", "\xf0\x9f\x98\x80", 3, false, 0},
    {"3-byte then ASCII",
     "\xe3\x81"
     "A",
     0, false, 0},
    {"2-byte then lead", "\xc3\xe3\x81\x82", 0, false, 0},

    /* stray continuation bytes */
    {"lone 80", "\x80", 0, false, 0},
    {"lone BF", "\xbf", 0, false, 0},
    {"continuation in ASCII",
     "a\x80"
     "b",
     0, false, 0},
    {"extra continuation after 2-byte", "\xc3\xa9\xa9", 0, false, 0},
    {"extra continuation after 4-byte", "\xf0\x9f\x98\x80\x80", 0, false, 0},

    /* NUL */
    {"NUL alone", "\0", 1, false, 0},
    {"NUL inside", "a\0b", 3, false, 0},
    {"NUL at end", "abc\0", 4, false, 0},
};

/* kr_utf8_scrub: what is left of characters cut by "%.Ns" goes, text stays. */
static void test_scrub(void)
{
	static const struct {
		const char *name, *in, *out;
	} rows[] = {
	    {"empty", "", ""},
	    {"ASCII", "report--1: label", "report--1: label"},
	    {"Japanese", "報告--あいう", "報告--あいう"},
	    {"cut after one byte", "id-\xe3: x", "id-: x"},
	    {"cut after two bytes", "id-\xe3\x81: x", "id-: x"},
	    {"cut at the end", "あい\xe3\x81", "あい"},
	    {"stray continuation",
	     "a\x81"
	     "b",
	     "ab"},
	    {"overlong",
	     "a\xc0\xaf"
	     "b",
	     "ab"},
	    {"surrogate",
	     "a\xed\xa0\x80"
	     "b",
	     "ab"},
	    {"four bytes kept",
	     "a\xf0\x9f\x8d\xa3"
	     "b",
	     "a\xf0\x9f\x8d\xa3"
	     "b"},
	    {"four bytes cut",
	     "a\xf0\x9f\x8d"
	     "b",
	     "ab"},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		char buf[64];

		check_case(rows[i].name);
		snprintf(buf, sizeof(buf), "%s", rows[i].in);
		kr_utf8_scrub(buf);
		CHECK_STREQ(buf, rows[i].out);
		CHECK(kr_utf8_valid(buf, strlen(buf)) || !buf[0]);
	}
	check_case(NULL);
}

int main(void)
{
	test_scrub();
	for (size_t i = 0; i < CHECK_N(cases); i++) {
		const struct utf8_case *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->bytes);

		check_case(c->name);
		CHECK_EQ_INT(kr_utf8_valid(c->bytes, len), c->valid);
		if (c->valid)
			CHECK_EQ_INT(kr_utf8_count(c->bytes, len), c->count);
	}

	/* Every single byte: valid alone exactly when it is ASCII other than NUL. */
	check_case("single bytes");
	for (int b = 0; b < 256; b++) {
		char s[1] = {(char)b};

		if (!CHECK_EQ_INT(kr_utf8_valid(s, 1), b >= 0x01 && b <= 0x7f))
			fprintf(stderr, "  byte 0x%02x\n", b);
	}

	/* Every code point, encoded by hand: valid unless a surrogate. */
	check_case("all code points");
	unsigned long wrong = 0; /* first code point classified wrongly */
	for (unsigned long cp = 1; cp <= 0x10FFFF; cp++) {
		unsigned char s[4];
		size_t n;
		bool want = !(cp >= 0xD800 && cp <= 0xDFFF);

		if (cp < 0x80) {
			s[0] = (unsigned char)cp;
			n = 1;
		} else if (cp < 0x800) {
			s[0] = (unsigned char)(0xC0 | cp >> 6);
			s[1] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 2;
		} else if (cp < 0x10000) {
			s[0] = (unsigned char)(0xE0 | cp >> 12);
			s[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			s[2] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 3;
		} else {
			s[0] = (unsigned char)(0xF0 | cp >> 18);
			s[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
			s[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			s[3] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 4;
		}
		if (kr_utf8_valid((const char *)s, n) != want ||
		    (want && kr_utf8_count((const char *)s, n) != 1)) {
			wrong = cp;
			break;
		}
	}
	CHECK_EQ_INT(wrong, 0);
	check_case(NULL);
	return check_finish();
}
