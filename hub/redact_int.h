/*
 * redact_int.h - internals shared by the redact*.c files; not for other
 * modules (use redact.h).
 *
 * The pipeline: redact_norm.c folds a text into an ASCII-folded copy with a
 * map back to original byte offsets; the matchers (redact_match.c,
 * redact_phone.c, redact_ip.c, redact_pattern.c) append spans of the folded
 * copy; redact.c drops spans the caller keeps (redact_keep.c), merges
 * overlaps, writes the output and the findings (redact_findings.c).
 */
#ifndef KR_REDACT_INT_H
#define KR_REDACT_INT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "redact.h"

/* What a span is; indexes redact_kinds[]. */
enum rd_kind {
	RK_ORG,
	RK_DOMAIN,
	RK_PERSON,
	RK_EMAIL,
	RK_PHONE,
	RK_POSTCODE,
	RK_INTERNAL_IP,
	RK_URL,
	RK_VICTIM, /* a victim-side indicator value of the same item */
	RK_CUSTOM,
	RK__COUNT
};

struct rd_kind_info {
	const char *name; /* findings kind */
	const char *ja;   /* placeholder in Japanese text */
	const char *en;   /* placeholder otherwise */
	int priority;     /* breaks ties between equally long overlapping spans */
};

extern const struct rd_kind_info redact_kinds[RK__COUNT];

/* A match in the folded text: bytes [s, e). custom indexes r->patterns. */
struct rd_span {
	uint32_t s, e;
	uint16_t kind;
	uint16_t custom;
};

struct rd_spans {
	struct rd_span *v;
	size_t n, cap;
};

/* Append a span; false when memory runs out. */
bool rd_spans_add(struct rd_spans *sp, size_t s, size_t e, enum rd_kind kind, size_t custom);

/* A folded text: f is NUL-terminated, n bytes; map[j] is the original byte
 * offset where the character that produced f[j] starts (for a copied
 * multi-byte character, that offset plus j's position in it); map[n] is the
 * original length. */
struct rd_folded {
	char *f;
	uint32_t *map;
	size_t n;
};

/* Fold valid UTF-8 text (the caller validated it). KR_EINTERNAL on memory. */
enum kr_err rd_fold(const char *text, size_t len, struct rd_folded *out);
void rd_folded_free(struct rd_folded *fd);

/* Term flags. */
#define RT_LB     0x1 /* first character is an ASCII letter/digit: boundary on the left */
#define RT_RB     0x2 /* last character is an ASCII letter/digit: boundary on the right */
#define RT_DOMAIN 0x4 /* a domain: takes the whole host name, and a following path */

/* A registered term, folded and lower-cased; ' ' stands for a separator run. */
struct rd_term {
	char *s;
	uint16_t len;
	uint8_t kind; /* RK_ORG, RK_DOMAIN, RK_PERSON or RK_VICTIM */
	uint8_t flags;
};

struct rd_cidr {
	uint8_t addr[16];
	uint8_t bits;
	bool v6;
};

struct rd_pattern {
	char *kind;        /* "custom:NAME" */
	char *placeholder; /* owned copy */
	regex_t re;
};

struct kr_redactor {
	struct rd_term *terms; /* sorted by first byte */
	size_t n_terms;
	uint32_t bucket[257]; /* terms starting with byte b: [bucket[b], bucket[b + 1]) */
	struct rd_cidr *cidrs;
	size_t n_cidrs;
	struct rd_pattern *patterns;
	size_t n_patterns;
	bool patterns_only; /* ctx->patterns_only: run the custom patterns alone */
};

/* ---- character classes of the folded text ---- */

static inline int rd_lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline bool rd_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool rd_alnum(int c)
{
	return rd_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool rd_hex(int c)
{
	return rd_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A character of a host name label. */
static inline bool rd_label(int c)
{
	return rd_alnum(c) || c == '-' || c == '_';
}

/* f[0..n) equals g[0..n), ASCII case ignored. */
static inline bool rd_ci_eq(const char *f, const char *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rd_lc((unsigned char)f[i]) != rd_lc((unsigned char)g[i]))
			return false;
	return true;
}

/* Byte i of f as an unsigned value; 0 outside [0, n). */
static inline int rd_at(const char *f, size_t n, size_t i)
{
	return i < n ? (unsigned char)f[i] : 0;
}

/* ---- matchers: append spans of f[0..n) to out; false on memory ---- */

typedef bool (*rd_matcher)(const struct kr_redactor *r, const char *f, size_t n,
                           struct rd_spans *out);

bool rd_match_terms(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out);
bool rd_match_email(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out);
bool rd_match_url(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out);
bool rd_match_postcode(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out);
bool rd_match_phone(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out);
bool rd_match_ipv4(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out);
bool rd_match_ipv6(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out);
bool rd_match_custom(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out);

/* Run every matcher over a folded text. */
enum kr_err rd_scan(const struct kr_redactor *r, const struct rd_folded *fd, struct rd_spans *out);

/* ---- shared helpers ---- */

/* End of the URL rest (path, query, fragment) starting at f[i] (a '/', '?'
 * or '#'), trailing punctuation and unbalanced brackets trimmed. */
size_t rd_url_rest_end(const char *f, size_t n, size_t i);

/* True when host[0..len) (folded) is a registered domain or under one. */
bool rd_host_registered(const struct kr_redactor *r, const char *host, size_t len);

/* True when the address (4 or 16 bytes) is internal or in an own range. */
bool rd_addr_internal(const struct kr_redactor *r, const uint8_t *addr, bool v6);

/* Parse "a.b.c.d/n" or "v6/n" (prefix optional) from s[0..len). */
bool rd_cidr_parse(const char *s, size_t len, struct rd_cidr *out);

/* The IPv4 literal "a.b.c.d" at f[i] into addr: its length, 0 when none. */
size_t rd_parse_ipv4(const char *f, size_t n, size_t i, uint8_t addr[4]);

/* Compile and free the custom patterns of ctx into r. */
enum kr_err rd_patterns_compile(struct kr_redactor *r, const struct kr_redact_ctx *ctx, char *err,
                                size_t errlen);
void rd_patterns_free(struct kr_redactor *r);

/* Drop the spans lying wholly inside an occurrence of a kept indicator
 * value. keep is an array (or NULL). KR_EINTERNAL on memory. */
enum kr_err rd_keep_filter(const struct rd_folded *fd, const json_t *keep, struct rd_spans *sp);

/* A merged span of the original text with the kind that names it. */
struct rd_group {
	struct rd_span orig; /* original offsets */
	struct rd_span fold; /* folded offsets, for the aggregation key */
};

/* True when text outside the groups (sorted, not overlapping) has kana,
 * kanji or CJK punctuation. */
bool rd_is_japanese(const char *text, size_t len, const struct rd_group *g, size_t n);

/* Append the findings of one text's groups to findings (an array). */
enum kr_err rd_findings_add(const struct kr_redactor *r, const char *field, const char *text,
                            const struct rd_folded *fd, const struct rd_group *g, size_t n,
                            json_t *findings);

#endif
