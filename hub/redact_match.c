/*
 * redact_match.c - the matchers for registered terms (names, domains,
 * people), e-mail addresses, URLs under registered or internal hosts, and
 * Japanese postal codes. Each reads the folded text (redact_norm.c) and
 * appends spans; the rules are documented in redact.h.
 */
#include <arpa/inet.h>
#include <string.h>

#include "redact_int.h"

#define SEP_MAX 3 /* separators a space inside a term stands for, at most */

/* ---- registered terms ---- */

/* Past a run of 0..SEP_MAX separators at f[i]: white space (a name may
 * wrap onto the next line), . _ - and ・. */
static size_t skip_sep(const char *f, size_t n, size_t i)
{
	for (int k = 0; k < SEP_MAX; k++) {
		int c = rd_at(f, n, i);

		if (c && strchr(" \t\r\n._-", c))
			i++;
		else if (c == 0xE3 && rd_at(f, n, i + 1) == 0x83 && rd_at(f, n, i + 2) == 0xBB)
			i += 3; /* U+30FB KATAKANA MIDDLE DOT */
		else
			break;
	}
	return i;
}

/* End of term t matched at f[i] (case-insensitive), or 0. */
static size_t term_end(const struct rd_term *t, const char *f, size_t n, size_t i)
{
	for (size_t j = 0; j < t->len; j++) {
		if (t->s[j] == ' ') {
			i = skip_sep(f, n, i);
			continue;
		}
		if (i >= n || rd_lc((unsigned char)f[i]) != (unsigned char)t->s[j])
			return 0;
		i++;
	}
	return i;
}

/* A port ":digits" at f[i]: its length, else 0. */
static size_t port_len(const char *f, size_t n, size_t i)
{
	size_t k = i + 1;

	if (rd_at(f, n, i) != ':')
		return 0;
	while (k - i <= 5 && rd_digit(rd_at(f, n, k)))
		k++;
	return k > i + 1 && !rd_alnum(rd_at(f, n, k)) ? k - i : 0;
}

/* A domain term at [*s, *e): refuse a look-alike label, take the whole host
 * on the left and a port and path on the right (then it is a URL). */
static bool domain_span(const char *f, size_t n, size_t *s, size_t *e, enum rd_kind *kind)
{
	size_t p = *s, q = *e;

	if (p > 0 && rd_label((unsigned char)f[p - 1]))
		return false;
	if (rd_label(rd_at(f, n, q)))
		return false;
	if (p > 0 && f[p - 1] == '.') {
		while (p > 0 && (rd_label((unsigned char)f[p - 1]) || f[p - 1] == '.'))
			p--;
		while (p < *s && (f[p] == '.' || f[p] == '-'))
			p++;
	}
	q += port_len(f, n, q);
	if (rd_at(f, n, q) == '/') {
		q = rd_url_rest_end(f, n, q);
		*kind = RK_URL;
	}
	*s = p;
	*e = q;
	return true;
}

/* Try t at f[i]: 1 matched (span added), 0 not, -1 out of memory. */
static int try_term(const struct rd_term *t, const char *f, size_t n, size_t i,
                    struct rd_spans *out)
{
	enum rd_kind kind = (enum rd_kind)t->kind;
	size_t s = i, e = term_end(t, f, n, i);

	if (e == 0)
		return 0;
	if ((t->flags & RT_LB) && i > 0 && rd_alnum((unsigned char)f[i - 1]))
		return 0;
	if ((t->flags & RT_RB) && rd_alnum(rd_at(f, n, e)))
		return 0;
	if ((t->flags & RT_DOMAIN) && !domain_span(f, n, &s, &e, &kind))
		return 0;
	return rd_spans_add(out, s, e, kind, 0) ? 1 : -1;
}

bool rd_match_terms(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned b = (unsigned)rd_lc((unsigned char)f[i]);
		int got = 0;

		/* longest first: the first match covers the shorter ones */
		for (uint32_t k = r->bucket[b]; k < r->bucket[b + 1] && got == 0; k++)
			got = try_term(&r->terms[k], f, n, i, out);
		if (got < 0)
			return false;
	}
	return true;
}

bool rd_host_registered(const struct kr_redactor *r, const char *host, size_t len)
{
	for (size_t i = 0; i < r->n_terms; i++) {
		const struct rd_term *t = &r->terms[i];
		size_t off;

		if (!(t->flags & RT_DOMAIN) || t->len > len)
			continue;
		off = len - t->len;
		if (off > 0 && host[off - 1] != '.')
			continue;
		if (term_end(t, host + off, t->len, 0) == t->len)
			return true;
	}
	return false;
}

/* ---- e-mail addresses ---- */

static bool local_char(int c)
{
	return rd_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* The address around the '@' at f[a]: true with [*s, *e). */
static bool email_at(const char *f, size_t n, size_t a, size_t *s, size_t *e)
{
	size_t l = a, h = a + 1;

	while (l > 0 && local_char((unsigned char)f[l - 1]))
		l--;
	while (l < a && f[l] == '.')
		l++;
	while (h < n && (rd_label((unsigned char)f[h]) || f[h] == '.'))
		h++;
	while (h > a + 1 && (f[h - 1] == '.' || f[h - 1] == '-'))
		h--;
	*s = l;
	*e = h;
	/* a local part, and a host with a dot inside it */
	return l < a && h - a >= 4 && memchr(f + a + 2, '.', h - a - 3) != NULL;
}

bool rd_match_email(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out)
{
	const char *p = f;

	(void)r;
	while ((p = memchr(p, '@', n - (size_t)(p - f))) != NULL) {
		size_t a = (size_t)(p - f), s, e;

		if (email_at(f, n, a, &s, &e) && !rd_spans_add(out, s, e, RK_EMAIL, 0))
			return false;
		p = f + (e > a ? e : a + 1);
	}
	return true;
}

/* ---- URLs ---- */

static bool url_char(int c)
{
	return c > 0x20 && c < 0x7F && !strchr("<>\"`{}|\\^", c);
}

size_t rd_url_rest_end(const char *f, size_t n, size_t i)
{
	size_t e = i;
	int open = 0;

	while (e < n && url_char((unsigned char)f[e])) {
		open += f[e] == '(' ? 1 : f[e] == ')' ? -1 : 0;
		e++;
	}
	while (e > i + 1) {
		char c = f[e - 1];

		if (c == ')' && open < 0)
			open++;
		else if (!strchr(".,;:!?'", c))
			break;
		e--;
	}
	return e;
}

static bool scheme_char(int c)
{
	return rd_alnum(c) || c == '+' || c == '.' || c == '-';
}

static bool authority_char(int c)
{
	return rd_label(c) || c == '.' || c == ':' || c == '@' || c == '[' || c == ']' || c == '%';
}

/* "[v6]" at a[0..len): an internal IPv6 literal? */
static bool bracket_internal(const struct kr_redactor *r, const char *a, size_t len)
{
	const char *close = memchr(a, ']', len);
	size_t v6 = close ? (size_t)(close - a - 1) : 0;
	uint8_t addr[16];
	char buf[48];

	if (v6 == 0 || v6 >= sizeof(buf))
		return false;
	memcpy(buf, a + 1, v6);
	buf[v6] = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1 && rd_addr_internal(r, addr, true);
}

/* Is the host of authority a[0..len) (after any "user@", before any
 * ":port") registered or internal? */
static bool host_own(const struct kr_redactor *r, const char *a, size_t len)
{
	uint8_t addr[4];
	size_t h = 0;

	for (size_t i = len; i-- > 0;) {
		if (a[i] == '@') {
			len -= i + 1;
			a += i + 1;
			break;
		}
	}
	if (len > 2 && a[0] == '[')
		return bracket_internal(r, a, len);
	while (h < len && a[h] != ':')
		h++;
	while (h > 0 && a[h - 1] == '.')
		h--;
	if (h > 0 && rd_parse_ipv4(a, h, 0, addr) == h)
		return rd_addr_internal(r, addr, false);
	return rd_host_registered(r, a, h);
}

/* The URL whose "://" is at f[c]: true with [*s, *e) when its host is own. */
static bool url_at(const struct kr_redactor *r, const char *f, size_t n, size_t c, size_t *s,
                   size_t *e)
{
	size_t b = c, h = c + 3, a;

	while (b > 0 && scheme_char((unsigned char)f[b - 1]))
		b--;
	while (b < c && !rd_alnum((unsigned char)f[b]))
		b++;
	for (a = h; a < n && authority_char((unsigned char)f[a]); a++)
		;
	*s = b;
	*e = a < n && strchr("/?#", f[a]) ? rd_url_rest_end(f, n, a) : a;
	return c - b >= 2 && a > h && host_own(r, f + h, a - h);
}

bool rd_match_url(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out)
{
	const char *p = f;

	while ((p = strstr(p, "://")) != NULL) {
		size_t c = (size_t)(p - f), s, e;

		if (url_at(r, f, n, c, &s, &e)) {
			if (!rd_spans_add(out, s, e, RK_URL, 0))
				return false;
			p = f + e;
			continue;
		}
		p += 3;
	}
	return true;
}

/* ---- postal codes ---- */

/* What introduces a postal code, and whether the span starts at it. */
static const struct {
	const char *mark;
	bool take_mark;
} post_marks[] = {
    {"〒", true},
    {"郵便番号", false},
};

/* "123-4567" or "1234567" at f[i], after up to 3 of ' ' ':' '\t': span
 * [*s, *e). */
static bool postcode_at(const char *f, size_t n, size_t i, size_t *s, size_t *e)
{
	size_t k;

	for (k = 0; k < 3 && rd_at(f, n, i) && strchr(" :\t", rd_at(f, n, i)); k++)
		i++;
	*s = i;
	for (k = 0; k < 3; k++)
		if (!rd_digit(rd_at(f, n, i++)))
			return false;
	if (rd_at(f, n, i) == '-')
		i++;
	for (k = 0; k < 4; k++)
		if (!rd_digit(rd_at(f, n, i++)))
			return false;
	*e = i;
	return !rd_digit(rd_at(f, n, i));
}

bool rd_match_postcode(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out)
{
	(void)r;
	for (size_t m = 0; m < sizeof(post_marks) / sizeof(post_marks[0]); m++) {
		size_t ml = strlen(post_marks[m].mark);
		const char *p = f;

		while ((p = strstr(p, post_marks[m].mark)) != NULL) {
			size_t at = (size_t)(p - f), s, e;

			p += ml;
			if (!postcode_at(f, n, at + ml, &s, &e))
				continue;
			if (!rd_spans_add(out, post_marks[m].take_mark ? at : s, e, RK_POSTCODE, 0))
				return false;
		}
	}
	return true;
}
