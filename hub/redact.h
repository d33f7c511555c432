/*
 * redact.h - the anonymiser: scrubs an author's identifying details from an
 * item's text and indicators before it leaves the author, and coarsens the
 * organisation profile (PRODUCT.md, "Anonymisation contract").
 *
 * A pure module: no I/O, no mutable globals. A circle's context (the
 * organisation's registered names, domains, people and address ranges, and
 * the policy's custom patterns) is compiled once into a struct kr_redactor,
 * which is immutable afterwards, may be used from several threads at once,
 * and is reused for every text of every item.
 *
 * What redact_text() removes, and the placeholder it writes (Japanese when
 * the text outside the removed spans has kana, kanji or CJK punctuation, or
 * when nothing but removed spans and punctuation remains of a Japanese
 * text; English otherwise; finding kind in quotes):
 *
 *   "org-name"     [組織] / [ORG]        registered names and short forms
 *   "domain"       [ドメイン] / [DOMAIN]  a registered domain and every host under it
 *   "person"       [人名] / [PERSON]     registered people
 *   "email"        [メール] / [EMAIL]    every e-mail address
 *   "phone"        [電話番号] / [PHONE]  Japanese domestic, +81 and other +CC numbers
 *   "postcode"     [郵便番号] / [POSTCODE] 〒123-4567, 郵便番号 123-4567
 *   "internal-ip"  [内部IP] / [INTERNAL-IP] RFC 1918, loopback, link-local, CGNAT,
 *                  IPv6 ULA/link-local/loopback, and the ctx's own_cidrs
 *   "url"          [URL]                 a URL whose host is registered or internal
 *   "custom:NAME"  the pattern's own placeholder
 *
 * Matching rules (documented here because the tests pin them):
 *  - Text is matched in a folded copy: full-width ASCII U+FF01..U+FF5E as
 *    ASCII, U+3000 and U+00A0 as a space, hyphen look-alikes (ー − ‐ – — ―
 *    ｰ ﹣) as '-' when next to a digit, and the bracketed defanged forms
 *    "[.]" "[dot]" "[@]" "[at]" "[:]", also with () or {} and letters in any
 *    case, as '.', '@', ':'. The output replaces only
 *    the matched span of the original; every other byte is kept exactly.
 *  - Latin letters match case-insensitively (terms, domains, e-mails, URLs).
 *  - Word boundary for terms: an end of a term that is an ASCII letter or
 *    digit matches only where the neighbouring text character is not an
 *    ASCII letter or digit (so "SB" leaves "USB" and "SB2" alone but takes
 *    "SB社" and "(SB)"). CJK and other ends match anywhere.
 *  - A space inside a name or person term matches up to three separators
 *    (space, tab, line break, U+3000, '.', '_', '-', '・') or none:
 *    "佐藤 花子" takes "佐藤花子", "佐藤　花子" and "佐藤・花子", "Sakura
 *    Bank" takes "SakuraBank" and "sakura-bank"; a two-part person term also
 *    matches in the other order ("Hanako Sato" takes "Sato Hanako").
 *  - A domain term takes the whole host name it ends (vpn.sakura.example.jp
 *    for sakura.example.jp) but not a look-alike with a different label
 *    before it (evil-sakura.example.jp); a port and path right after the
 *    host make the span a "url". In sakura.example.jp.evil.example only the
 *    registered part is replaced: the name must not leak.
 *  - Overlapping matches become one placeholder of the longest match's kind
 *    (an e-mail under the organisation's domain is one [EMAIL]); adjacent
 *    matches stay separate placeholders. No replacement splits a character.
 *  - Custom patterns are POSIX EREs matched against the folded text (case
 *    preserved); a match is widened to whole characters.
 *
 * Fuzzing: every entry point accepts arbitrary bytes. A libFuzzer harness is
 *   int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
 *       static struct kr_redactor *r;   (compiled once from a fixed ctx)
 *       char *out = NULL;
 *       if (!r && redact_compile(&ctx, &r, NULL, 0) != KR_OK) abort();
 *       if (redact_text(r, "body", (const char *)d, n, NULL, &out, NULL) == KR_OK)
 *           assert(kr_utf8_valid(out, strlen(out)));
 *       free(out);
 *       return 0;
 *   }
 */
#ifndef KR_REDACT_H
#define KR_REDACT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "kr_error.h"

/* Longest text redact_text() accepts (bytes); longer is KR_ETOOLARGE. */
#define KR_REDACT_TEXT_MAX (16u * 1024u * 1024u)

/* A custom pattern of the circle policy (anonymisation.patterns). Borrowed. */
struct kr_redact_pattern {
	const char *name;        /* findings kind becomes "custom:NAME" */
	const char *pattern;     /* POSIX ERE; must not match the empty string */
	const char *placeholder; /* written instead of the match, any language */
};

/* What to scrub. Every pointer is borrowed for the duration of
 * redact_compile() only; any array may be NULL when its count is 0. */
struct kr_redact_ctx {
	const char *const *names; /* registered organisation names, any language */
	size_t n_names;
	const char *const *domains; /* registered domains ("sakura-bank.example.jp") */
	size_t n_domains;
	const char *const *persons; /* people, "佐藤 花子" / "Hanako Sato" */
	size_t n_persons;
	const char *const *own_cidrs; /* the organisation's own ranges, "203.0.113.0/24" */
	size_t n_own_cidrs;
	const struct kr_redact_pattern *patterns;
	size_t n_patterns;
	/* true: redact_text() applies the custom patterns alone (no registered
	 * terms, e-mail, URL, phone, postcode or address matching), for text
	 * the author publishes as written, such as an event's contact details;
	 * redact_indicators() is unaffected. */
	bool patterns_only;
	/* Victim-side indicator values of the item being scrubbed (anon.c):
	 * mentions of them in its text are replaced too ("victim-indicator"). */
	const char *const *victims;
	size_t n_victims;
};

/* A compiled context; opaque, immutable, thread-safe to share. */
struct kr_redactor;

/*
 * Compile ctx (NULL: nothing registered; e-mails, phones, postcodes and
 * internal addresses are still scrubbed). On success *out is a new redactor
 * (redact_free). Fails with KR_EINVAL when a term is not valid UTF-8 or
 * shorter than two characters, a CIDR does not parse, or a pattern is not a
 * valid ERE / matches the empty string / has an empty name or placeholder;
 * err (may be NULL) then names the entry, e.g. "persons[2]: too short".
 * KR_EINTERNAL when memory runs out.
 */
enum kr_err redact_compile(const struct kr_redact_ctx *ctx, struct kr_redactor **out, char *err,
                           size_t errlen);

/* Free a redactor; NULL is a no-op. */
void redact_free(struct kr_redactor *r);

/*
 * Scrub one text of len bytes (need not be NUL-terminated). On success *out
 * is a new malloc'd NUL-terminated string owned by the caller; when nothing
 * was found it is a byte-identical copy.
 *
 * field (borrowed, NULL means "text") names the text in findings. keep
 * (borrowed, may be NULL) is an indicators array whose values are left
 * alone where they appear in the text; pass the kept array returned by
 * redact_indicators() (never the author's raw list), so an attacker's
 * e-mail address stays readable in the narrative. Only a match lying wholly
 * inside an occurrence of a kept value is spared.
 *
 * findings (borrowed, may be NULL) gets one new object appended per distinct
 * removed value (same kind and same folded text) of this field:
 *   {"kind", "field", "offset", "length", "count", "original",
 *    "occurrences": [[offset, length], ...]}
 * offsets and lengths are bytes of the ORIGINAL text; offset/length/original
 * are those of the first occurrence. "original" is the removed text: show it
 * to the author only; redact_findings_public() makes the version for others.
 * Nothing is appended unless the call succeeds.
 *
 * Returns KR_EUTF8 when text is not valid UTF-8 (or holds a NUL byte),
 * KR_ETOOLARGE above KR_REDACT_TEXT_MAX, KR_EINVAL when r or out is NULL,
 * text is NULL with len > 0, or keep or findings is not an array,
 * KR_EINTERNAL when memory runs out; *out is then NULL.
 */
enum kr_err redact_text(const struct kr_redactor *r, const char *field, const char *text,
                        size_t len, const json_t *keep, char **out, json_t *findings);

/*
 * Filter an indicators array ([{type, value, role?}], role "attacker",
 * "victim" or absent/"unknown"). Removed, each reported in findings (may be
 * NULL) as {"kind", "field": "indicators", "offset": index in the array,
 * "length": 1, "count": 1, "type", "role", "original": value}:
 *   "own-indicator"    any role, when the value is inside a registered domain
 *                      (domain, host, URL, e-mail) or an internal/own address
 *                      range (ipv4, ipv6, cidr by its network address; also
 *                      defanged forms); for a non-attacker role also when it
 *                      holds anything else redact_text() would remove (a
 *                      registered name or person, a phone number, a custom
 *                      pattern), an e-mail address alone excepted;
 *   "victim-indicator" every other victim-side indicator.
 * Attacker and unknown-role indicators outside all that are kept, in order,
 * byte-identical (deep copies). indicators may be NULL (an empty list).
 * On success *kept is a new reference to a new array.
 * KR_EINVAL when indicators is not an array or an entry is not an object
 * with string "type" and "value" of a known type and role; KR_EINTERNAL on
 * memory; *kept is then NULL and findings unchanged.
 */
enum kr_err redact_indicators(const struct kr_redactor *r, const json_t *indicators, json_t **kept,
                              json_t *findings);

/*
 * The findings summary that may be shown to anyone but the author: one
 * {"kind", "field", "count"} per kind and field, counts summed. Removed
 * text, offsets and lengths (which would hint at the length of a removed
 * name) are left out. New reference; NULL when findings is not an array or
 * memory runs out.
 */
json_t *redact_findings_public(const json_t *findings);

/*
 * The size band of an employee count: "1–49", "50–99", "100–299",
 * "300–499", "500–999", "1,000–4,999" or "5,000+" (en dash U+2013). Static
 * string; NULL when employees < 1 (unknown).
 */
const char *redact_size_band(long employees);

/*
 * The canonical spelling of a size band label: one of the bands above,
 * written with the en dash or with an ASCII hyphen ("500-999"). Static
 * string; NULL when label is NULL or not a band.
 */
const char *redact_size_band_label(const char *label);

/*
 * The coarsened organisation profile others may see. profile (borrowed) is
 * an object with optional "industry" (string), "employees" (integer) and
 * "region" (ISO 3166-2:JP prefecture "JP-13", or one of the region names
 * below); every other member is dropped. Returns a new object with
 * "industry" as given, "size" from redact_size_band(), and, unless strict,
 * "region" coarsened to one of "hokkaido", "tohoku", "kanto", "chubu",
 * "kinki", "chugoku", "shikoku", "kyushu-okinawa" (an unknown region is
 * dropped, never passed through). New reference; NULL when profile is not
 * an object or memory runs out.
 */
json_t *redact_profile(const json_t *profile, bool strict);

#endif
