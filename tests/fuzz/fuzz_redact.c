/*
 * fuzz_redact.c - libFuzzer harness for the anonymiser: any report text
 * goes through redact_text() with an organisation's registered names,
 * domains, people, ranges and a custom pattern. Properties: never crashes
 * or leaks; the output is valid UTF-8; no registered name, domain or
 * person, nor the victim-side value, survives in it (the anonymisation
 * contract, PRODUCT.md): Japanese terms nowhere, ASCII terms nowhere as a
 * word of their own (the engine matches ASCII terms at word boundaries, so
 * that "SB" does not eat "USB").
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "utf8.h"

static const char *const names[] = {"さくら銀行", "Sakura Bank", "SakuraBK"};
static const char *const domains[] = {"sakura-bank.example.jp"};
static const char *const persons[] = {"佐藤 花子", "Hanako Sato"};
static const char *const cidrs[] = {"203.0.113.0/25", "2001:db8:5a::/48"};
static const struct kr_redact_pattern patterns[] = {{"case", "SB-[0-9]{6}", "[案件番号]"}};
static const char *const victims[] = {"198.51.100.99"};
static const struct kr_redact_ctx ctx = {
    .names = names,
    .n_names = 3,
    .domains = domains,
    .n_domains = 1,
    .persons = persons,
    .n_persons = 2,
    .own_cidrs = cidrs,
    .n_own_cidrs = 2,
    .patterns = patterns,
    .n_patterns = 1,
    .victims = victims,
    .n_victims = 1,
};

static struct kr_redactor *redactor;

/* A full-width letter or digit (U+FF10-FF19, FF21-FF3A, FF41-FF5A) at p,
 * which the engine folds to ASCII before it looks for word boundaries. */
static bool fullwidth_alnum(const unsigned char *p)
{
	return p[0] == 0xEF && ((p[1] == 0xBC && ((p[2] >= 0x90 && p[2] <= 0x99) ||
	                                          (p[2] >= 0xA1 && p[2] <= 0xBA))) ||
	                        (p[1] == 0xBD && p[2] >= 0x81 && p[2] <= 0x9A));
}

/* Does term occur in text as a word: no letter or digit (ASCII or
 * full-width) right before or after it? */
static bool survives_as_word(const char *text, const char *term)
{
	size_t n = strlen(term);

	for (const char *p = strstr(text, term); p; p = strstr(p + 1, term)) {
		const unsigned char *b = (const unsigned char *)p, *e = b + n;
		bool before =
		    p > text && (isalnum(b[-1]) || (p - text >= 3 && fullwidth_alnum(b - 3)));
		bool after = isalnum(*e) || (*e && e[1] && fullwidth_alnum(e));

		if (!before && !after)
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	char *out = NULL;

	if (!redactor && redact_compile(&ctx, &redactor, err, sizeof(err)) != KR_OK)
		abort();
	if (redact_text(redactor, "body", (const char *)data, size, NULL, &out, NULL) != KR_OK)
		return 0; /* invalid UTF-8 or too large: refused, nothing to check */
	if (!kr_utf8_valid(out, strlen(out)))
		abort();
	if (strstr(out, names[0]) || strstr(out, persons[0]))
		abort();
	if (survives_as_word(out, names[1]) || survives_as_word(out, names[2]) ||
	    survives_as_word(out, domains[0]) || survives_as_word(out, persons[1]) ||
	    survives_as_word(out, victims[0]))
		abort();
	free(out);
	return 0;
}
