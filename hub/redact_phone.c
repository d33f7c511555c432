/*
 * redact_phone.c - telephone numbers in the folded text (full-width digits,
 * hyphens and brackets already folded to ASCII):
 *
 *   domestic   03-1234-5678, 0120-123-456, 090-1234-5678, (03)1234-5678,
 *              03(1234)5678, 0312345678: a leading 0 (not 00), 10 digits,
 *              11 for 050/070/080/090 (and 0800)
 *   +81        +81-3-1234-5678, +81 90 1234 5678, +81 (0)3-1234-5678: 9
 *              national digits, 10 for mobile/IP prefixes
 *   +1         +1 415 555 0100: 11 digits
 *   other +CC  +44 20 7946 0958: 8 to 15 digits
 *
 * Groups are separated by up to two of space, '-', '.', ')' ("(+81)3-..."),
 * or by brackets. A number must not touch a letter or digit on either side,
 * nor follow a digit and '.', '-' or '/' (dates, versions and IP
 * addresses), nor go on with '-' or '.' and more digits.
 */
#include <string.h>

#include "redact_int.h"

#define PH_GROUPS 8
#define PH_DIGITS 20
#define E164_MAX  15
#define PH_NONE   ((size_t)-1) /* no length fits: not a number */

struct phone {
	char d[PH_DIGITS + 4]; /* digits, a "(0)" trunk prefix left out; zero-filled */
	size_t nd;
	size_t end[PH_GROUPS]; /* text end of each group */
	size_t cum[PH_GROUPS]; /* digits up to the end of each group */
	size_t ng;
	bool plus;
};

/* May a number start at f[i]? */
static bool phone_start(const char *f, size_t n, size_t i)
{
	int c = (unsigned char)f[i], next = rd_at(f, n, i + 1),
	    prev = i ? (unsigned char)f[i - 1] : 0;

	if (c == '+' ? !rd_digit(next) : c == '(' ? next != '0' && next != '+' : c != '0')
		return false;
	if (rd_alnum(prev) || prev == '+')
		return false;
	return !(prev && strchr(".-/_", prev) && i >= 2 && rd_digit((unsigned char)f[i - 2]));
}

/* One group at f[i] ("123" or "(123)"): digits appended; its end, or 0. */
static size_t phone_group(const char *f, size_t n, size_t i, struct phone *p)
{
	bool paren = rd_at(f, n, i) == '(';
	size_t s = i + paren, k = s;

	while (rd_digit(rd_at(f, n, k)) && k - s < E164_MAX)
		k++;
	if (k == s || rd_digit(rd_at(f, n, k)) || (paren && rd_at(f, n, k) != ')'))
		return 0;
	/* "+81 (0)3 ...": the bracketed trunk 0 is not dialled */
	if (!(paren && p->plus && p->ng == 1 && k - s == 1 && f[s] == '0')) {
		for (size_t j = s; j < k && p->nd < PH_DIGITS; j++)
			p->d[p->nd++] = f[j];
	}
	return k + paren;
}

static void phone_parse(const char *f, size_t n, size_t i, struct phone *p)
{
	memset(p, 0, sizeof(*p));
	i += f[i] == '(' && rd_at(f, n, i + 1) == '+'; /* "(+81)" */
	p->plus = f[i] == '+';
	i += p->plus;
	while (p->ng < PH_GROUPS) {
		size_t e = phone_group(f, n, i, p), sep = 0;

		if (e == 0)
			break;
		p->end[p->ng] = e;
		p->cum[p->ng++] = p->nd;
		while (sep < 2 && rd_at(f, n, e + sep) && strchr(" -.)", rd_at(f, n, e + sep)))
			sep++;
		if (!rd_digit(rd_at(f, n, e + sep)) && rd_at(f, n, e + sep) != '(')
			break;
		i = e + sep;
	}
}

static bool mobile(const char *d)
{
	return d[0] && strchr("5789", d[0]) && d[1] == '0';
}

/* Digits the number must have; 0 for "any of 8..15" (other countries),
 * PH_NONE when it cannot be a number. */
static size_t phone_target(const struct phone *p)
{
	const char *d = p->d;
	size_t k;

	if (!p->plus)
		return d[0] == '0' && d[1] != '0' ? (mobile(d + 1) ? 11 : 10) : PH_NONE;
	if (d[0] == '8' && d[1] == '1') {
		k = d[2] == '0' ? 3 : 2; /* "+81-03-..." written with the trunk 0 */
		return k + (mobile(d + k) ? 10 : 9);
	}
	return d[0] == '1' ? 11 : 0;
}

/* Nothing may follow but a separator, punctuation or non-ASCII text. */
static bool phone_stop(const char *f, size_t n, size_t e)
{
	int c = rd_at(f, n, e);

	if (rd_alnum(c))
		return false;
	return !((c == '-' || c == '.') && rd_digit(rd_at(f, n, e + 1)));
}

/* Text end of the number parsed into p: the longest run of groups with the
 * right digit count that stops cleanly (a space-separated number may
 * follow), or 0. */
static size_t phone_end(const char *f, size_t n, const struct phone *p)
{
	size_t target = phone_target(p);

	for (size_t g = p->ng; g-- > 0;) {
		bool fits = target ? p->cum[g] == target : p->cum[g] >= 8 && p->cum[g] <= E164_MAX;

		if (fits && phone_stop(f, n, p->end[g]))
			return p->end[g];
	}
	return 0;
}

bool rd_match_phone(const struct kr_redactor *r, const char *f, size_t n, struct rd_spans *out)
{
	struct phone p;

	(void)r;
	for (size_t i = 0; i < n; i++) {
		size_t e;

		if (!phone_start(f, n, i))
			continue;
		phone_parse(f, n, i, &p);
		e = phone_end(f, n, &p);
		if (e == 0)
			continue;
		if (!rd_spans_add(out, i, e, RK_PHONE, 0))
			return false;
		i = e - 1;
	}
	return true;
}
