/*
 * ind_guess.c - guess an indicator's type from its shape (see ind_guess.h).
 * Checks run from the most specific shape to the least: CVE ids, AS
 * numbers, hashes by length, URLs, e-mail addresses, CIDR blocks, IPv6 and
 * IPv4 addresses, and finally domain names.
 */
#include "ind_guess.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

static bool all_of(const char *s, size_t n, int (*cls)(int))
{
	for (size_t i = 0; i < n; i++)
		if (!cls((unsigned char)s[i]))
			return false;
	return n > 0;
}

static bool contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return true;
	return false;
}

static bool is_cve(const char *v)
{
	size_t n = strlen(v);

	return n >= 13 && strncasecmp(v, "CVE-", 4) == 0 && all_of(v + 4, 4, isdigit) &&
	       v[8] == '-' && all_of(v + 9, n - 9, isdigit);
}

static bool is_asn(const char *v)
{
	return strncasecmp(v, "AS", 2) == 0 && all_of(v + 2, strlen(v + 2), isdigit);
}

static enum kr_ind_type hash_type(const char *v)
{
	size_t n = strlen(v);

	if (!all_of(v, n, isxdigit))
		return KR_IND_NONE;
	switch (n) {
	case 32:
		return KR_IND_MD5;
	case 40:
		return KR_IND_SHA1;
	case 64:
		return KR_IND_SHA256;
	case 128:
		return KR_IND_SHA512;
	default:
		return KR_IND_NONE;
	}
}

/* Digits, dots and the defanged dot forms only. */
static bool ipv4_shape(const char *v, size_t n)
{
	size_t dots = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i] == '.' || v[i] == '[' || v[i] == ']' || v[i] == '(' || v[i] == ')')
			dots += v[i] == '.';
		else if (!isdigit((unsigned char)v[i]))
			return false;
	}
	return dots == 3;
}

static bool ipv6_shape(const char *v, size_t n)
{
	size_t colons = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i] == ':')
			colons++;
		else if (!isxdigit((unsigned char)v[i]) && v[i] != '.')
			return false;
	}
	return colons >= 2;
}

static bool has_label_char(const char *v)
{
	for (; *v; v++)
		if (isalpha((unsigned char)*v) || (unsigned char)*v >= 0x80)
			return true;
	return false;
}

enum kr_ind_type kr_ind_guess_type(const char *v)
{
	const char *slash;
	enum kr_ind_type h;

	if (!v || !*v || strchr(v, ' '))
		return KR_IND_NONE;
	if (is_cve(v))
		return KR_IND_CVE;
	if (is_asn(v))
		return KR_IND_ASN;
	if ((h = hash_type(v)) != KR_IND_NONE)
		return h;
	if (strstr(v, "://") || strstr(v, "[://]") || contains_ci(v, "hxxp"))
		return KR_IND_URL;
	if (strchr(v, '@') || contains_ci(v, "[@]") || contains_ci(v, "(at)"))
		return KR_IND_EMAIL;
	slash = strchr(v, '/');
	if (slash) {
		size_t n = (size_t)(slash - v);

		return (all_of(slash + 1, strlen(slash + 1), isdigit) &&
		        (ipv4_shape(v, n) || ipv6_shape(v, n)))
		           ? KR_IND_CIDR
		           : KR_IND_NONE;
	}
	if (ipv6_shape(v, strlen(v)))
		return KR_IND_IPV6;
	if (ipv4_shape(v, strlen(v)))
		return KR_IND_IPV4;
	if ((strchr(v, '.') || contains_ci(v, "[.]") || contains_ci(v, "(dot)")) &&
	    has_label_char(v))
		return KR_IND_DOMAIN;
	return KR_IND_NONE;
}
