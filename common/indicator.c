/*
 * indicator.c - kr_ind_normalise() (see indicator.h for the rules): a value
 * is first prepared (white space trimmed, full-width forms folded, defanged
 * forms refanged) into a scratch buffer, then checked and written by its
 * type's rule. Reasons for people name what is wrong, never the value (the
 * caller quotes it).
 */
#include "indicator.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "indicator_int.h"
#include "utf8.h"

/* ---- small helpers ---- */

/* A bounded output buffer; over is set (and nothing written) when full. */
struct buf {
	char *p;
	size_t n, cap;
	bool over;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->over || b->n + n + 1 > b->cap) {
		b->over = true;
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void put_c(struct buf *b, char c)
{
	put(b, &c, 1);
}

enum kr_err kri_fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return KR_EINVAL;
}

#define fail kri_fail

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* A character for a reason: printable ASCII as itself, else its byte. */
static const char *show_char(unsigned char c, char tmp[8])
{
	if (c > 0x20 && c < 0x7F)
		snprintf(tmp, 8, "'%c'", c);
	else if (c == ' ')
		snprintf(tmp, 8, "a space");
	else
		snprintf(tmp, 8, "0x%02X", c);
	return tmp;
}

/* ---- preparation: trim, fold, refang ---- */

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

/* Trim white space (ASCII, U+3000, U+00A0) from both ends of s[0..*n). */
static const char *trim(const char *s, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t a = 0, e = *n;

	for (;;) {
		if (a < e && is_blank(u[a]))
			a++;
		else if (e - a >= 3 && u[a] == 0xE3 && u[a + 1] == 0x80 && u[a + 2] == 0x80)
			a += 3;
		else if (e - a >= 2 && u[a] == 0xC2 && u[a + 1] == 0xA0)
			a += 2;
		else
			break;
	}
	for (;;) {
		if (e > a && is_blank(u[e - 1]))
			e--;
		else if (e - a >= 3 && u[e - 3] == 0xE3 && u[e - 2] == 0x80 && u[e - 1] == 0x80)
			e -= 3;
		else if (e - a >= 2 && u[e - 2] == 0xC2 && u[e - 1] == 0xA0)
			e -= 2;
		else
			break;
	}
	*n = e - a;
	return s + a;
}

/* Hyphen look-alikes read as '-' in CVE ids. */
static bool is_hyphen(uint32_t cp)
{
	return (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212;
}

/* Copy s[0..n) to out with full-width ASCII as ASCII, U+3002/U+FF61 as
 * '.', U+3000/U+00A0 as ' ' and, with hyphens, look-alikes as '-'. */
static void fold(const char *s, size_t n, bool hyphens, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0, k; i < n; i += k) {
		uint32_t cp;

		k = decode(u, i, &cp);
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			put_c(out, (char)(cp - 0xFEE0));
		else if (cp == 0x3002 || cp == 0xFF61)
			put_c(out, '.');
		else if (cp == 0x3000 || cp == 0xA0)
			put_c(out, ' ');
		else if (hyphens && is_hyphen(cp))
			put_c(out, '-');
		else
			put(out, s + i, k);
	}
}

/* Defanged forms, longest first where one is a prefix of another. */
static const struct {
	const char *from, *to;
} fangs[] = {
    {"[://]", "://"}, {"[.]", "."},   {"(.)", "."},  {"{.}", "."},  {"[dot]", "."},
    {"(dot)", "."},   {"{dot}", "."}, {"[:]", ":"},  {"(:)", ":"},  {"[@]", "@"},
    {"(@)", "@"},     {"{@}", "@"},   {"[at]", "@"}, {"(at)", "@"}, {"{at}", "@"},
};

/* One pass of refang() (below). */
static void refang_once(const char *s, size_t n, bool words, struct buf *out)
{
	size_t i = 0;

	while (i < n) {
		size_t k, j;
		bool hit = false;

		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '.') {
			put_c(out, '.');
			i += 2;
			continue;
		}
		for (k = 0; k < sizeof(fangs) / sizeof(fangs[0]); k++) {
			size_t fl = strlen(fangs[k].from);

			if (n - i >= fl && strncasecmp(s + i, fangs[k].from, fl) == 0) {
				while (out->n > 0 && out->p[out->n - 1] == ' ')
					out->n--; /* blanks before a bracketed form */
				out->p[out->n] = '\0';
				put(out, fangs[k].to, strlen(fangs[k].to));
				i += fl;
				while (i < n && s[i] == ' ')
					i++; /* and after it */
				hit = true;
				break;
			}
		}
		if (hit)
			continue;
		if (words && s[i] == ' ' && out->n > 0 && out->p[out->n - 1] != ' ') {
			for (j = i; j < n && s[j] == ' '; j++)
				;
			if (n - j > 3 && strncasecmp(s + j, "dot", 3) == 0 && s[j + 3] == ' ') {
				for (j += 3; j < n && s[j] == ' '; j++)
					;
				if (j < n) {
					put_c(out, '.');
					i = j;
					continue;
				}
			}
		}
		put_c(out, s[i++]);
	}
}

/*
 * Copy s[0..n) to out with the defanged forms refanged (see indicator.h);
 * words: also " dot " between two non-blank characters. Passes repeat until
 * nothing changes, so that a refanged value refangs to itself ("[[.]]"
 * becomes "[.]" in one pass, "." in two): normalising is idempotent, which
 * correlation by value relies on. Every replacement shortens the text, so
 * this ends after at most n passes.
 */
static void refang(const char *s, size_t n, bool words, struct buf *out)
{
	char *a = malloc(n + 1), *b = malloc(n + 1);
	struct buf cur = {a, 0, n + 1, false};

	if (!a || !b) {
		out->over = true; /* out of memory: reported as too large */
		goto out;
	}
	refang_once(s, n, words, &cur);
	while (!cur.over) {
		struct buf next = {b, 0, n + 1, false};
		char *t;

		refang_once(cur.p, cur.n, words, &next);
		if (next.over || next.n == cur.n)
			break;
		t = a;
		a = b;
		b = t;
		cur = next;
	}
	if (cur.over)
		out->over = true;
	else
		put(out, cur.p, cur.n);
out:
	free(a);
	free(b);
}

/* The first non-ASCII byte of s[0..n), or n. */
static size_t non_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return i;
	return n;
}

/* ---- addresses ---- */

enum kr_err kri_ipv4_parse(const char *s, size_t n, uint8_t a[4], char *why, size_t whylen)
{
	size_t i = 0, parts = 1;

	for (size_t k = 0; k < n; k++)
		parts += s[k] == '.';
	if (memchr(s, '/', n))
		return fail(why, whylen, "has a /prefix: a range is type cidr");
	if (memchr(s, ':', n))
		return fail(why, whylen, "has a ':' (a port, or IPv6?): give the bare address");
	if (parts != 4)
		return fail(why, whylen, "expected four decimal octets a.b.c.d, got %zu", parts);
	for (int o = 0; o < 4; o++) {
		size_t st = i;
		unsigned v = 0;

		for (; i < n && s[i] != '.'; i++) {
			if (!is_digit((unsigned char)s[i]))
				return fail(why, whylen, "octet %d is not a decimal number", o + 1);
			if (v <= 255)
				v = v * 10 + (unsigned)(s[i] - '0');
		}
		if (i == st)
			return fail(why, whylen, "octet %d is empty", o + 1);
		if (v > 255)
			return fail(why, whylen, "octet %d is out of range (0-255)", o + 1);
		if (i - st > 1 && s[st] == '0')
			return fail(why, whylen,
			            "octet %d has a leading zero (ambiguous: some tools read it as "
			            "octal)",
			            o + 1);
		a[o] = (uint8_t)v;
		i++; /* the dot */
	}
	return KR_OK;
}

/* Does s[0..n) look like a dotted quad (digits and three dots)? */
static bool looks_ipv4(const char *s, size_t n)
{
	size_t dots = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.')
			dots++;
		else if (!is_digit((unsigned char)s[i]))
			return false;
	}
	return dots == 3;
}

enum kr_err kri_ipv6_parse(const char *s, size_t n, uint8_t a[16], char *why, size_t whylen)
{
	char tmp[64];

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (memchr(s, '%', n))
		return fail(why, whylen, "a zone index (%%...) is not part of an address");
	if (memchr(s, '/', n))
		return fail(why, whylen, "has a /prefix: a range is type cidr");
	if (!memchr(s, ':', n))
		return fail(why, whylen,
		            looks_ipv4(s, n) ? "looks like an IPv4 address: use type ipv4"
		                             : "not an IPv6 address (no ':')");
	if (n >= sizeof(tmp))
		return fail(why, whylen, "too long for an IPv6 address");
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, a) != 1)
		return fail(why, whylen, "not a valid IPv6 address");
	return KR_OK;
}

static void put_v6(struct buf *b, const uint8_t a[16])
{
	static const uint8_t zero[12] = {0};
	char t[INET6_ADDRSTRLEN];
	unsigned g6 = (unsigned)a[12] << 8 | a[13], g7 = (unsigned)a[14] << 8 | a[15];

	/* inet_ntop writes the deprecated IPv4-compatible ::/96 dotted
	 * ("::0.1.0.2"); RFC 5952 wants hexadecimal there ("::1:2"). */
	if (memcmp(a, zero, 12) == 0 && (g6 | g7) != 0) {
		if (g6)
			snprintf(t, sizeof(t), "::%x:%x", g6, g7);
		else
			snprintf(t, sizeof(t), "::%x", g7);
		put(b, t, strlen(t));
		return;
	}
	if (!inet_ntop(AF_INET6, a, t, sizeof(t))) {
		b->over = true;
		return;
	}
	put(b, t, strlen(t));
}

static void put_v4(struct buf *b, const uint8_t a[4])
{
	char t[16];

	snprintf(t, sizeof(t), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	put(b, t, strlen(t));
}

bool kri_prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xFF << (8 - rest))) == 0;
}

enum kr_err kri_cidr_parse(const char *s, size_t n, struct kri_net *net, char *why, size_t whylen)
{
	const char *slash = memchr(s, '/', n);
	size_t al, pl;
	unsigned bits = 0, max;
	uint8_t masked[16];
	enum kr_err rc;

	if (!slash)
		return fail(why, whylen, "missing /PREFIX (a single address is type ipv4 or ipv6)");
	al = (size_t)(slash - s);
	pl = n - al - 1;
	net->v6 = memchr(s, ':', al) != NULL;
	max = net->v6 ? 128 : 32;
	if (pl == 0)
		return fail(why, whylen, "the prefix after '/' is empty");
	for (size_t i = 0; i < pl; i++) {
		if (!is_digit((unsigned char)slash[1 + i]))
			return fail(why, whylen, "the prefix is not a decimal number");
		if (bits <= max)
			bits = bits * 10 + (unsigned)(slash[1 + i] - '0');
	}
	if (pl > 1 && slash[1] == '0')
		return fail(why, whylen, "the prefix has a leading zero");
	if (bits == 0)
		return fail(why, whylen, "prefix /0 covers every address");
	if (bits > max)
		return fail(why, whylen, "prefix /%u is longer than %u bits", bits, max);
	memset(net->addr, 0, sizeof(net->addr));
	rc = net->v6 ? kri_ipv6_parse(s, al, net->addr, why, whylen)
	             : kri_ipv4_parse(s, al, net->addr, why, whylen);
	if (rc != KR_OK)
		return rc;
	net->bits = (uint8_t)bits;
	memset(masked, 0, sizeof(masked));
	memcpy(masked, net->addr, bits / 8);
	if (bits % 8)
		masked[bits / 8] = (uint8_t)(net->addr[bits / 8] & (0xFF << (8 - bits % 8)));
	if (memcmp(masked, net->addr, net->v6 ? 16 : 4) != 0) {
		char t[INET6_ADDRSTRLEN];

		inet_ntop(net->v6 ? AF_INET6 : AF_INET, masked, t, sizeof(t));
		return fail(why, whylen, "host bits are set: the network is %s/%u", t, bits);
	}
	return KR_OK;
}

/* ---- names ---- */

/* A domain (or a URL's host): see indicator.h. */
static enum kr_err domain_norm(const char *s, size_t n, struct buf *out, char *why, size_t whylen)
{
	size_t labels = 0, i = 0, bad = non_ascii(s, n);
	bool all_digits_last = true, all_numeric = true;
	char t[8];

	if (n == 0)
		return fail(why, whylen, "the name is empty");
	if (bad < n)
		return fail(why, whylen,
		            "non-ASCII characters: give the punycode form (xn--...); the hub "
		            "does not convert internationalised names");
	if (memchr(s, '@', n))
		return fail(why, whylen, "has an '@': an address is type email");
	if (memchr(s, '/', n) || memchr(s, ':', n))
		return fail(why, whylen,
		            "a domain has no scheme, port or path (a URL is type url)");
	if (s[n - 1] == '.')
		n--; /* the root */
	if (n == 0 || n > 253)
		return fail(why, whylen, n ? "longer than 253 characters" : "the name is empty");
	while (i <= n) {
		size_t st = i;
		bool digits = true;

		for (; i < n && s[i] != '.'; i++) {
			int c = lower((unsigned char)s[i]);

			if (c == '*')
				return fail(why, whylen, "wildcards ('*') are not accepted");
			if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_')
				return fail(why, whylen,
				            "%s is not allowed in a domain (letters, digits, '-', "
				            "'_')",
				            show_char((unsigned char)s[i], t));
			digits = digits && is_digit(c);
		}
		labels++;
		if (i == st)
			return fail(why, whylen,
			            "label %zu is empty (a leading dot or two dots in a row)",
			            labels);
		if (i - st > 63)
			return fail(why, whylen, "label %zu is longer than 63 characters", labels);
		if (s[st] == '-' || s[i - 1] == '-')
			return fail(why, whylen, "label %zu begins or ends with '-'", labels);
		for (size_t k = st; k < i; k++)
			put_c(out, (char)lower((unsigned char)s[k]));
		if (i < n)
			put_c(out, '.');
		all_digits_last = digits;
		all_numeric = all_numeric && digits;
		i++;
	}
	if (labels == 4 && all_numeric)
		return fail(why, whylen, "looks like an IPv4 address: use type ipv4");
	if (labels < 2)
		return fail(why, whylen,
		            "a single label is not a domain (expected e.g. evil.example)");
	if (all_digits_last)
		return fail(why, whylen, "the last label is all digits");
	return KR_OK;
}

/* RFC 5322 atext, plus '.' between atoms. */
static bool atext(int c)
{
	return is_alpha(c) || is_digit(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static enum kr_err email_norm(const char *s, size_t n, struct buf *out, char *why, size_t whylen)
{
	const char *at = memchr(s, '@', n);
	size_t ll, ats = 0;
	char t[8], dwhy[160];

	for (size_t i = 0; i < n; i++)
		ats += s[i] == '@';
	if (ats != 1)
		return fail(why, whylen,
		            ats ? "more than one '@'"
		                : "no '@' (the defanged forms [@], (@), [at] and (at) are read)");
	ll = (size_t)(at - s);
	if (ll == 0 || ll > 64)
		return fail(why, whylen, "the local part (before '@') must be 1-64 characters");
	if (s[0] == '"')
		return fail(why, whylen, "quoted local parts are not accepted");
	if (non_ascii(s, ll) < ll)
		return fail(why, whylen, "the local part must be ASCII");
	for (size_t i = 0; i < ll; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' && (i == 0 || i == ll - 1 || s[i + 1] == '.'))
			return fail(why, whylen,
			            "the local part begins or ends with '.' or has '..'");
		if (c != '.' && !atext(c))
			return fail(why, whylen, "%s is not allowed in the local part",
			            show_char(c, t));
	}
	put(out, s, ll + 1);
	if (domain_norm(at + 1, n - ll - 1, out, dwhy, sizeof(dwhy)) != KR_OK)
		return fail(why, whylen, "domain: %s", dwhy);
	if (out->n > 254)
		return fail(why, whylen, "longer than 254 characters");
	return KR_OK;
}

/* ---- URLs ---- */

/* The scheme's defanged spellings. */
static const struct {
	const char *from, *to;
} schemes[] = {{"hxxps", "https"}, {"hxxp", "http"}, {"fxps", "ftps"}, {"fxp", "ftp"}};

/* Host and port of a URL's authority (after any userinfo). */
static enum kr_err host_port(const char *s, size_t n, struct buf *out, char *why, size_t whylen)
{
	const char *colon = NULL, *hend;
	char hwhy[160];
	enum kr_err rc;

	if (n == 0)
		return fail(why, whylen, "no host after '://'");
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);
		uint8_t a[16];

		if (!close)
			return fail(why, whylen, "host: '[' without ']'");
		if (kri_ipv6_parse(s + 1, (size_t)(close - s - 1), a, hwhy, sizeof(hwhy)) != KR_OK)
			return fail(why, whylen, "host: %s", hwhy);
		put_c(out, '[');
		put_v6(out, a);
		put_c(out, ']');
		hend = close + 1;
		if (hend < s + n && *hend != ':')
			return fail(why, whylen, "host: unexpected text after ']'");
		colon = hend < s + n ? hend : NULL;
	} else {
		colon = memchr(s, ':', n);
		hend = colon ? colon : s + n;
		if (looks_ipv4(s, (size_t)(hend - s))) {
			uint8_t a[4];

			rc = kri_ipv4_parse(s, (size_t)(hend - s), a, hwhy, sizeof(hwhy));
			if (rc == KR_OK)
				put_v4(out, a);
		} else {
			rc = domain_norm(s, (size_t)(hend - s), out, hwhy, sizeof(hwhy));
		}
		if (rc != KR_OK)
			return fail(why, whylen, "host: %s", hwhy);
	}
	if (colon) {
		const char *p = colon + 1, *e = s + n;
		unsigned long port = 0;
		char t[8];

		if (p == e)
			return fail(why, whylen, "empty port after ':'");
		for (; p < e; p++) {
			if (!is_digit((unsigned char)*p))
				return fail(why, whylen, "the port is not a number");
			if (port <= 65535)
				port = port * 10 + (unsigned long)(*p - '0');
		}
		if (port == 0 || port > 65535)
			return fail(why, whylen, "port out of range (1-65535)");
		snprintf(t, sizeof(t), ":%lu", port);
		put(out, t, strlen(t));
	}
	return KR_OK;
}

static enum kr_err url_norm(const char *s, size_t n, struct buf *out, char *why, size_t whylen)
{
	char scratch[KRI_SCRATCH];
	struct buf pre = {scratch, 0, sizeof(scratch), false};
	const char *dslash = NULL, *auth, *ae, *rest;
	size_t sl = 0, i;
	enum kr_err rc;
	char t[8];

	/* The authority ends at the first '/', '?' or '#' after "//". */
	for (i = 0; i + 1 < n; i++)
		if (s[i] == '/' && s[i + 1] == '/') {
			dslash = s + i;
			break;
		}
	if (!dslash)
		return fail(why, whylen, "missing SCHEME:// (e.g. https://evil.example/)");
	for (rest = dslash + 2; rest < s + n && *rest != '/' && *rest != '?' && *rest != '#';
	     rest++)
		;
	/* Scheme and authority: folded and refanged; the rest only refanged. */
	{
		char f[KRI_SCRATCH];
		struct buf fb = {f, 0, sizeof(f), false};

		fold(s, (size_t)(rest - s), false, &fb);
		if (fb.over)
			return KR_ETOOLARGE;
		for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
			size_t l = strlen(schemes[i].from);

			if (fb.n > l && strncasecmp(f, schemes[i].from, l) == 0 &&
			    (f[l] == ':' || f[l] == '[' || f[l] == '(')) {
				put(&pre, schemes[i].to, strlen(schemes[i].to));
				sl = l;
				break;
			}
		}
		refang(f + sl, fb.n - sl, false, &pre);
	}
	if (pre.over)
		return KR_ETOOLARGE;
	/* scheme */
	for (i = 0; i < pre.n && (is_alpha((unsigned char)scratch[i]) ||
	                          (i > 0 && (is_digit((unsigned char)scratch[i]) ||
	                                     strchr("+.-", scratch[i]) != NULL)));
	     i++)
		;
	if (i == 0 || pre.n - i < 3 || strncmp(scratch + i, "://", 3) != 0)
		return fail(why, whylen, "missing SCHEME:// (e.g. https://evil.example/)");
	for (size_t k = 0; k < i; k++)
		put_c(out, (char)lower((unsigned char)scratch[k]));
	put(out, "://", 3);
	auth = scratch + i + 3;
	ae = scratch + pre.n;
	{
		/* userinfo: up to the last '@' of the authority, kept as written */
		const char *at = NULL;

		for (const char *p = auth; p < ae; p++)
			if (*p == '@')
				at = p;
		if (at) {
			for (const char *p = auth; p < at; p++)
				if ((unsigned char)*p <= 0x20 || *p == 0x7F)
					return fail(why, whylen, "the user part has %s",
					            show_char((unsigned char)*p, t));
			put(out, auth, (size_t)(at - auth) + 1);
			auth = at + 1;
		}
	}
	rc = host_port(auth, (size_t)(ae - auth), out, why, whylen);
	if (rc != KR_OK)
		return rc;
	/* path, query, fragment: refanged, otherwise kept byte for byte */
	{
		size_t before = out->n;

		refang(rest, (size_t)(s + n - rest), false, out);
		for (i = before; i < out->n; i++) {
			unsigned char c = (unsigned char)out->p[i];

			if (c <= 0x20 || c == 0x7F)
				return fail(why, whylen,
				            "the path has %s (percent-encode it, e.g. %%20)",
				            show_char(c, t));
		}
	}
	return KR_OK;
}

/* ---- hashes, CVE, ASN ---- */

static const struct {
	enum kr_ind_type t;
	size_t len;
	const char *name;
} hashes[] = {
    {KR_IND_MD5, 32, "md5"},
    {KR_IND_SHA1, 40, "sha1"},
    {KR_IND_SHA256, 64, "sha256"},
    {KR_IND_SHA512, 128, "sha512"},
};

static enum kr_err hash_norm(enum kr_ind_type t, const char *s, size_t n, struct buf *out,
                             char *why, size_t whylen)
{
	size_t want = 0;
	const char *other = NULL;
	char c8[8];

	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		if (hashes[i].t == t)
			want = hashes[i].len;
		else if (hashes[i].len == n)
			other = hashes[i].name;
	}
	for (size_t i = 0; i < n; i++)
		if (!is_hex((unsigned char)s[i]))
			return fail(why, whylen, "character %zu (%s) is not a hexadecimal digit",
			            i + 1, show_char((unsigned char)s[i], c8));
	if (n != want)
		return fail(why, whylen, "expected %zu hexadecimal digits, got %zu%s%s%s", want, n,
		            other ? " (the length of a " : "", other ? other : "",
		            other ? ")" : "");
	for (size_t i = 0; i < n; i++)
		put_c(out, (char)lower((unsigned char)s[i]));
	return KR_OK;
}

static enum kr_err cve_norm(const char *s, size_t n, struct buf *out, char *why, size_t whylen)
{
	static const char shape[] = "expected CVE-YYYY-NNNN (4 to 19 digits, e.g. CVE-2024-3400)";
	unsigned year = 0;
	size_t digits;

	if (n < 13 || strncasecmp(s, "CVE-", 4) != 0 || s[8] != '-')
		return fail(why, whylen, "%s", shape);
	for (size_t i = 4; i < 8; i++) {
		if (!is_digit((unsigned char)s[i]))
			return fail(why, whylen, "%s", shape);
		year = year * 10 + (unsigned)(s[i] - '0');
	}
	digits = n - 9;
	if (digits < 4 || digits > 19)
		return fail(why, whylen, "%s", shape);
	for (size_t i = 9; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return fail(why, whylen, "%s", shape);
	if (year < 1999)
		return fail(why, whylen, "year %u is before the first CVE year (1999)", year);
	for (size_t i = 0; i < n; i++)
		put_c(out, (char)upper((unsigned char)s[i]));
	return KR_OK;
}

/* Decimal s[0..n) into *v (at most max); false when not digits or too big. */
static bool decimal(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	*v = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
		if (*v > max)
			return false;
	}
	return true;
}

enum kr_err kri_asn_parse(const char *s, size_t n, uint32_t *asn, char *why, size_t whylen)
{
	static const char shape[] = "expected AS followed by a number (e.g. AS64500)";
	const char *dot;
	uint64_t v, hi, lo;

	if (n >= 3 && strncasecmp(s, "ASN", 3) == 0) {
		s += 3;
		n -= 3;
	} else if (n >= 2 && strncasecmp(s, "AS", 2) == 0) {
		s += 2;
		n -= 2;
	}
	if (n > 0 && s[0] == ' ') {
		s++;
		n--;
	}
	dot = memchr(s, '.', n);
	if (dot) {
		size_t hl = (size_t)(dot - s);

		if (!decimal(s, hl, 65535, &hi) || !decimal(dot + 1, n - hl - 1, 65535, &lo))
			return fail(why, whylen, "asdot form X.Y needs two numbers 0-65535");
		v = hi * 65536 + lo;
	} else if (!decimal(s, n, UINT64_C(99999999999), &v)) {
		return fail(why, whylen, "%s", shape);
	}
	if (v == 0)
		return fail(why, whylen, "AS0 is reserved (RFC 7607) and never a valid origin");
	if (v > UINT32_MAX)
		return fail(why, whylen, "out of range (1-4294967295)");
	*asn = (uint32_t)v;
	return KR_OK;
}

/* ---- the entry point ---- */

/* Does s[0..n) hold "://"? */
static bool has_scheme_sep(const char *s, size_t n)
{
	for (size_t i = 0; i + 3 <= n; i++)
		if (memcmp(s + i, "://", 3) == 0)
			return true;
	return false;
}

enum kr_err kr_ind_normalise(enum kr_ind_type t, const char *in, size_t len, char *out,
                             size_t outlen, char *why, size_t whylen)
{
	char scratch[KRI_SCRATCH], s2[KRI_SCRATCH];
	struct buf o = {out, 0, outlen, false};
	struct buf f = {scratch, 0, sizeof(scratch), false};
	struct buf r = {s2, 0, sizeof(s2), false};
	const char *s;
	size_t n = len;
	enum kr_err rc = KR_OK;

	if (outlen)
		out[0] = '\0';
	if (why && whylen)
		why[0] = '\0';
	if (!kr_ind_type_name(t))
		return KR_ELABEL;
	if (!in || !kr_utf8_valid(in, len))
		return fail(why, whylen, "not valid UTF-8 text");
	if (len >= KRI_SCRATCH / 2)
		return fail(why, whylen, "longer than %d bytes", KRI_SCRATCH / 2 - 1);
	s = trim(in, &n);
	if (n == 0)
		return fail(why, whylen, "the value is empty");
	if (t == KR_IND_URL) {
		rc = url_norm(s, n, &o, why, whylen);
		goto out;
	}
	fold(s, n, t == KR_IND_CVE, &f);
	s = trim(scratch, &f.n);
	n = f.n;
	switch (t) {
	case KR_IND_IPV4:
	case KR_IND_IPV6:
	case KR_IND_CIDR:
	case KR_IND_DOMAIN:
	case KR_IND_EMAIL:
		refang(s, n, true, &r);
		s = s2;
		n = r.n;
		break;
	default:
		break;
	}
	if (f.over || r.over)
		return KR_ETOOLARGE;
	if (t != KR_IND_DOMAIN && t != KR_IND_EMAIL && non_ascii(s, n) < n)
		return fail(why, whylen, "has a character that is not ASCII");
	for (size_t i = 0; i < n && t != KR_IND_ASN && t != KR_IND_EMAIL; i++)
		if (is_blank((unsigned char)s[i]) || (unsigned char)s[i] < 0x20)
			return fail(why, whylen, "has white space or a control character inside");
	switch (t) {
	case KR_IND_IPV4: {
		uint8_t a[4];

		rc = kri_ipv4_parse(s, n, a, why, whylen);
		if (rc == KR_OK)
			put_v4(&o, a);
		break;
	}
	case KR_IND_IPV6: {
		uint8_t a[16];

		rc = kri_ipv6_parse(s, n, a, why, whylen);
		if (rc == KR_OK)
			put_v6(&o, a);
		break;
	}
	case KR_IND_CIDR: {
		struct kri_net net;
		char p[8];

		rc = kri_cidr_parse(s, n, &net, why, whylen);
		if (rc != KR_OK)
			break;
		if (net.v6)
			put_v6(&o, net.addr);
		else
			put_v4(&o, net.addr);
		snprintf(p, sizeof(p), "/%u", net.bits);
		put(&o, p, strlen(p));
		break;
	}
	case KR_IND_DOMAIN:
		if (has_scheme_sep(s, n))
			rc = fail(why, whylen, "looks like a URL: use type url");
		else
			rc = domain_norm(s, n, &o, why, whylen);
		break;
	case KR_IND_EMAIL:
		rc = email_norm(s, n, &o, why, whylen);
		break;
	case KR_IND_MD5:
	case KR_IND_SHA1:
	case KR_IND_SHA256:
	case KR_IND_SHA512:
		rc = hash_norm(t, s, n, &o, why, whylen);
		break;
	case KR_IND_CVE:
		rc = cve_norm(s, n, &o, why, whylen);
		break;
	case KR_IND_ASN: {
		uint32_t asn;
		char a[16];

		rc = kri_asn_parse(s, n, &asn, why, whylen);
		if (rc == KR_OK) {
			snprintf(a, sizeof(a), "AS%u", (unsigned)asn);
			put(&o, a, strlen(a));
		}
		break;
	}
	default:
		rc = KR_ELABEL;
	}
out:
	if (rc == KR_OK && o.over)
		rc = KR_ETOOLARGE;
	if (rc != KR_OK && outlen)
		out[0] = '\0';
	return rc;
}
