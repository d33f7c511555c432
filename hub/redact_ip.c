/*
 * redact_ip.c - internal and own IP addresses: the literal parsers, the
 * table of internal ranges, CIDR parsing for own_cidrs and indicators, and
 * the IPv4/IPv6 text matchers. Public addresses are left alone: in a threat
 * report they are usually the attacker's.
 */
#include <arpa/inet.h>
#include <string.h>

#include "redact_int.h"

#define V6_TEXT_MAX 45 /* longest IPv6 literal, with embedded IPv4 */

struct range4 {
	uint8_t net[4];
	uint8_t bits;
};

/* Internal IPv4 ranges: RFC 1918, loopback, link-local, CGNAT (RFC 6598). */
static const struct range4 internal4[] = {
    {{10, 0, 0, 0}, 8},  {{172, 16, 0, 0}, 12},  {{192, 168, 0, 0}, 16},
    {{127, 0, 0, 0}, 8}, {{169, 254, 0, 0}, 16}, {{100, 64, 0, 0}, 10},
};

/* True when the first bits bits of a and b agree. */
static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xFF << (8 - rest))) == 0;
}

static bool internal_v4(const uint8_t *a)
{
	for (size_t i = 0; i < sizeof(internal4) / sizeof(internal4[0]); i++)
		if (prefix_eq(a, internal4[i].net, internal4[i].bits))
			return true;
	return false;
}

/* ULA fc00::/7, link-local fe80::/10, loopback ::1; v4-mapped by its IPv4. */
static bool internal_v6(const uint8_t *a)
{
	static const uint8_t loopback[16] = {[15] = 1};
	static const uint8_t mapped[12] = {[10] = 0xFF, [11] = 0xFF};

	if ((a[0] & 0xFE) == 0xFC || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80))
		return true;
	if (memcmp(a, loopback, 16) == 0)
		return true;
	return memcmp(a, mapped, 12) == 0 && internal_v4(a + 12);
}

static bool in_own(const struct kr_redactor *r, const uint8_t *addr, bool v6)
{
	for (size_t i = 0; i < r->n_cidrs; i++) {
		const struct rd_cidr *c = &r->cidrs[i];

		if (c->v6 == v6 && prefix_eq(addr, c->addr, c->bits))
			return true;
		if (!c->v6 && v6 && addr[10] == 0xFF && addr[11] == 0xFF &&
		    memcmp(addr, (const uint8_t[10]){0}, 10) == 0 &&
		    prefix_eq(addr + 12, c->addr, c->bits))
			return true;
	}
	return false;
}

bool rd_addr_internal(const struct kr_redactor *r, const uint8_t *addr, bool v6)
{
	return (v6 ? internal_v6(addr) : internal_v4(addr)) || in_own(r, addr, v6);
}

size_t rd_parse_ipv4(const char *f, size_t n, size_t i, uint8_t addr[4])
{
	size_t start = i;

	for (int k = 0; k < 4; k++) {
		unsigned v = 0, d = 0;

		if (k > 0 && rd_at(f, n, i++) != '.')
			return 0;
		while (d < 3 && rd_digit(rd_at(f, n, i))) {
			v = v * 10 + (unsigned)(f[i++] - '0');
			d++;
		}
		if (d == 0 || v > 255 || rd_digit(rd_at(f, n, i)))
			return 0;
		addr[k] = (uint8_t)v;
	}
	return i - start;
}

/* "/N" with 0 <= N <= max at f[i]: its length, else 0. */
static size_t prefix_len(const char *f, size_t n, size_t i, unsigned max, unsigned *bits)
{
	unsigned v = 0;
	size_t d = 0;

	if (rd_at(f, n, i) != '/')
		return 0;
	while (d < 3 && rd_digit(rd_at(f, n, i + 1 + d)))
		v = v * 10 + (unsigned)(f[i + 1 + d++] - '0');
	if (d == 0 || v > max || rd_alnum(rd_at(f, n, i + 1 + d)))
		return 0;
	*bits = v;
	return d + 1;
}

bool rd_cidr_parse(const char *s, size_t len, struct rd_cidr *out)
{
	char buf[V6_TEXT_MAX + 1];
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	unsigned bits;

	if (alen == 0 || alen > V6_TEXT_MAX)
		return false;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(out, 0, sizeof(*out));
	out->v6 = memchr(buf, ':', alen) != NULL;
	if (inet_pton(out->v6 ? AF_INET6 : AF_INET, buf, out->addr) != 1)
		return false;
	bits = out->v6 ? 128 : 32;
	if (slash && prefix_len(s, len, alen, bits, &bits) != len - alen)
		return false;
	out->bits = (uint8_t)bits;
	return true;
}

/* An IPv4 literal may start at f[i]: not inside a word or a dotted number. */
static bool v4_start(const char *f, size_t i)
{
	return rd_digit((unsigned char)f[i]) &&
	       (i == 0 || (!rd_alnum((unsigned char)f[i - 1]) && f[i - 1] != '.'));
}

bool rd_match_ipv4(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t a[4];
		unsigned bits;
		size_t len, e;

		if (!v4_start(f, i) || (len = rd_parse_ipv4(f, n, i, a)) == 0)
			continue;
		e = i + len;
		if (rd_alnum(rd_at(f, n, e)) ||
		    (rd_at(f, n, e) == '.' && rd_digit(rd_at(f, n, e + 1))))
			continue;
		e += prefix_len(f, n, e, 32, &bits);
		if (rd_addr_internal(r, a, false) && !rd_spans_add(out, i, e, RK_INTERNAL_IP, 0))
			return false;
		i = e - 1;
	}
	return true;
}

static bool v6_char(int c)
{
	return rd_hex(c) || c == ':' || c == '.';
}

/* Trim a run [s, *e) of IPv6 characters to a literal: no trailing '.', no
 * lone trailing ':'. */
static void v6_trim(const char *f, size_t s, size_t *e)
{
	while (*e > s && f[*e - 1] == '.')
		(*e)--;
	if (*e - s >= 2 && f[*e - 1] == ':' && f[*e - 2] != ':')
		(*e)--;
}

/* The run [s, e) as an internal IPv6 literal: span end (with "/N"), or 0. */
static size_t v6_literal(const struct kr_redactor *r, const char *f, size_t n, size_t s, size_t e)
{
	char buf[V6_TEXT_MAX + 1];
	uint8_t a[16];
	unsigned bits;
	size_t end = e;

	v6_trim(f, s, &e);
	if (e - s < 2 || e - s > V6_TEXT_MAX)
		return 0;
	memcpy(buf, f + s, e - s);
	buf[e - s] = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1 || !rd_addr_internal(r, a, true))
		return 0;
	if (e != end)
		return e;
	if (rd_at(f, n, e) == '%' && rd_label(rd_at(f, n, e + 1))) {
		e++; /* a zone: fe80::1%eth0 */
		while (rd_label(rd_at(f, n, e)))
			e++;
		return e;
	}
	return e + prefix_len(f, n, e, 128, &bits);
}

bool rd_match_ipv6(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i, colons = 0, end;
		int prev = i ? (unsigned char)f[i - 1] : ' ';

		if (!(rd_hex((unsigned char)f[i]) || f[i] == ':') || rd_alnum(prev) ||
		    prev == ':' || prev == '.') {
			i++;
			continue;
		}
		while (j < n && v6_char((unsigned char)f[j]))
			colons += f[j++] == ':';
		end = 0;
		if (colons >= 2 && !rd_alnum(rd_at(f, n, j)) && rd_at(f, n, j) != '_')
			end = v6_literal(r, f, n, i, j);
		if (end && !rd_spans_add(out, i, end, RK_INTERNAL_IP, 0))
			return false;
		i = end > j ? end : j;
	}
	return true;
}
