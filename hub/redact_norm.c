/*
 * redact_norm.c - the folded copy every matcher reads (see redact_int.h):
 * full-width ASCII as ASCII, wide and no-break spaces as ' ', hyphen
 * look-alikes next to a digit as '-', defanged "[.]"/"[dot]"/"[@]"/"[at]"/
 * "[:]" (and with () or {}) as one character; everything else copied byte
 * for byte. Also the language test
 * that chooses Japanese or English placeholders.
 */
#include <stdlib.h>
#include <string.h>

#include "redact_int.h"

/* Code points folded to one ASCII byte: [lo, hi] -> lo - delta ... */
struct fold_range {
	uint32_t lo, hi;
	uint32_t to; /* ASCII of lo; the range maps in order */
};

static const struct fold_range fold_ranges[] = {
    {0xFF01, 0xFF5E, 0x21}, /* full-width ASCII */
    {0x3000, 0x3000, ' '},  /* ideographic space */
    {0x00A0, 0x00A0, ' '},  /* no-break space */
};

/* Hyphen look-alikes, '-' only next to a digit (ー is also a kana vowel mark). */
static const uint32_t hyphens[] = {
    0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x30FC, 0xFF70, 0xFE63,
};

/* Decode the code point at s[i] of valid UTF-8; returns its byte length. */
static size_t decode(const unsigned char *s, size_t i, uint32_t *cp)
{
	unsigned char c = s[i];
	size_t n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
	uint32_t v = n == 0 ? c : n == 1 ? (c & 0x1Fu) : n == 2 ? (c & 0x0Fu) : (c & 0x07u);

	for (size_t k = 1; k <= n; k++)
		v = (v << 6) | (s[i + k] & 0x3Fu);
	*cp = v;
	return n + 1;
}

static bool is_hyphen(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(hyphens) / sizeof(hyphens[0]); i++)
		if (hyphens[i] == cp)
			return true;
	return false;
}

static bool digit_cp(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

static bool next_is_digit(const unsigned char *s, size_t len, size_t i);

/* The ASCII byte the non-ASCII cp folds to, or -1 to copy it. prev_digit:
 * the folded character before is a digit; s[next] starts the next one. */
static int fold_cp(uint32_t cp, bool prev_digit, const unsigned char *s, size_t len, size_t next)
{
	for (size_t i = 0; i < sizeof(fold_ranges) / sizeof(fold_ranges[0]); i++)
		if (cp >= fold_ranges[i].lo && cp <= fold_ranges[i].hi)
			return (int)(fold_ranges[i].to + (cp - fold_ranges[i].lo));
	if (is_hyphen(cp) && (prev_digit || next_is_digit(s, len, next)))
		return '-';
	return -1;
}

/* Inside a defanging bracket pair: what stands for '.', '@' and ':'. */
static const struct {
	const char *in;
	char to;
} defanged[] = {{".", '.'}, {"dot", '.'}, {"@", '@'}, {"at", '@'}, {":", ':'}};

/* After emitting a closing bracket at f[j - 1]: "[.]" "(.)" "{.}" "[dot]"
 * "(dot)" "{dot}" "[@]" "(@)" "{@}" "[at]" "(at)" "{at}" "[:]" "(:)" "{:}"
 * (letters in any case) collapse into the character they stand for, mapped
 * to the opening bracket. These are the bracketed forms the indicator
 * normaliser refangs (common/indicator.h); its word form " dot " is not
 * folded here, since it would also fold organisation names like "Polka Dot". */
static void undefang(struct rd_folded *fd)
{
	char *f = fd->f;
	size_t j = fd->n;
	char open;

	open = f[j - 1] == ']' ? '[' : f[j - 1] == ')' ? '(' : f[j - 1] == '}' ? '{' : 0;
	if (!open)
		return;
	for (size_t k = 0; k < sizeof(defanged) / sizeof(defanged[0]); k++) {
		size_t l = strlen(defanged[k].in);

		if (j < l + 2 || f[j - l - 2] != open ||
		    !rd_ci_eq(f + j - l - 1, defanged[k].in, l))
			continue;
		f[j - l - 2] = defanged[k].to;
		fd->n = j - l - 1;
		return;
	}
}

static void emit(struct rd_folded *fd, char c, size_t orig)
{
	fd->f[fd->n] = c;
	fd->map[fd->n] = (uint32_t)orig;
	fd->n++;
	if (c == ']' || c == ')' || c == '}')
		undefang(fd);
}

static bool next_is_digit(const unsigned char *s, size_t len, size_t i)
{
	uint32_t cp;

	if (i >= len)
		return false;
	decode(s, i, &cp);
	return digit_cp(cp);
}

enum kr_err rd_fold(const char *text, size_t len, struct rd_folded *out)
{
	const unsigned char *s = (const unsigned char *)text;
	enum kr_err rc = KR_EINTERNAL;
	size_t i, k;

	out->n = 0;
	out->f = malloc(len + 1);
	out->map = malloc((len + 1) * sizeof(*out->map));
	if (!out->f || !out->map)
		goto out;
	for (i = 0; i < len; i += k) {
		uint32_t cp;
		bool prev;
		int c;

		if (s[i] < 0x80) {
			emit(out, text[i], i);
			k = 1;
			continue;
		}
		k = decode(s, i, &cp);
		prev = out->n > 0 && rd_digit(out->f[out->n - 1]);
		c = fold_cp(cp, prev, s, len, i + k);
		if (c >= 0) {
			emit(out, (char)c, i);
			continue;
		}
		for (size_t b = 0; b < k; b++)
			emit(out, text[i + b], i + b);
	}
	out->f[out->n] = '\0';
	out->map[out->n] = (uint32_t)len;
	rc = KR_OK;
out:
	if (rc != KR_OK)
		rd_folded_free(out);
	return rc;
}

void rd_folded_free(struct rd_folded *fd)
{
	free(fd->f);
	free(fd->map);
	fd->f = NULL;
	fd->map = NULL;
	fd->n = 0;
}

/* Kana, kanji and CJK punctuation: what makes a text Japanese. */
static const struct {
	uint32_t lo, hi;
} ja_ranges[] = {
    {0x3001, 0x303F},   /* CJK symbols and punctuation (not U+3000) */
    {0x3040, 0x30FF},   /* hiragana, katakana */
    {0x31F0, 0x31FF},   /* katakana phonetic extensions */
    {0x3400, 0x4DBF},   /* CJK extension A */
    {0x4E00, 0x9FFF},   /* CJK unified ideographs */
    {0xF900, 0xFAFF},   /* CJK compatibility ideographs */
    {0xFF66, 0xFF9F},   /* half-width katakana */
    {0x20000, 0x3FFFF}, /* CJK extensions B.. */
};

static bool ja_cp(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(ja_ranges) / sizeof(ja_ranges[0]); i++)
		if (cp >= ja_ranges[i].lo && cp <= ja_ranges[i].hi)
			return true;
	return false;
}

/* Scan text outside the groups: true at the first Japanese character;
 * *latin tells whether an ASCII letter was seen. */
static bool ja_outside(const char *text, size_t len, const struct rd_group *g, size_t n,
                       bool *latin)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t k = 0, i = 0;

	*latin = false;
	while (i < len) {
		uint32_t cp;

		if (k < n && i >= g[k].orig.s) {
			i = g[k++].orig.e;
			continue;
		}
		i += decode(s, i, &cp);
		if (cp >= 0x3000 && ja_cp(cp))
			return true;
		*latin = *latin || (rd_alnum((int)cp) && !rd_digit((int)cp));
	}
	return false;
}

/* The language of what remains; a text that was nothing but removed
 * matches (and punctuation) keeps the language of what it was. */
bool rd_is_japanese(const char *text, size_t len, const struct rd_group *g, size_t n)
{
	bool latin;

	if (ja_outside(text, len, g, n, &latin))
		return true;
	return !latin && n > 0 && ja_outside(text, len, NULL, 0, &latin);
}
