/*
 * indicator_time.c - the validity window of an indicator (see indicator.h):
 * strict RFC 3339 UTC times, the expiry rule, and when two indicators are
 * the same. Calendar arithmetic is done here (proleptic Gregorian), so the
 * rule does not depend on the process's time zone.
 */
#include <stdio.h>
#include <string.h>

#include "indicator.h"
#include "indicator_int.h"

#define SHAPE "expected an RFC 3339 UTC time YYYY-MM-DDTHH:MM:SSZ (e.g. 2025-04-30T15:00:00Z)"

/* Days from 1970-01-01 to y-m-d (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void kr_ind_time_format(int64_t t, char out[21])
{
	int64_t z = (t >= 0 ? t : t - 86399) / 86400, secs = t - z * 86400, era;
	unsigned doe, yoe, doy, mp, d, m;
	int64_t y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0 || y > 9999) {
		snprintf(out, 21, "%s", y < 0 ? "0000-01-01T00:00:00Z" : "9999-12-31T23:59:59Z");
		return;
	}
	snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y % 10000u, m % 13u, d % 32u,
	         (unsigned)(secs / 3600) % 24u, (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}

static bool leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The number of `width` digits at s, or -1. */
static int num(const char *s, int width)
{
	int v = 0;

	for (int i = 0; i < width; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Does s start with YYYY-MM-DD? */
static bool date_shape(const char *s, size_t n)
{
	return n >= 10 && num(s, 4) >= 0 && s[4] == '-' && num(s + 5, 2) >= 0 && s[7] == '-' &&
	       num(s + 8, 2) >= 0;
}

/* Does s start with YYYY-MM-DD?HH:MM:SS (any separator)? */
static bool datetime_shape(const char *s, size_t n)
{
	return n >= 19 && date_shape(s, n) && num(s + 11, 2) >= 0 && s[13] == ':' &&
	       num(s + 14, 2) >= 0 && s[16] == ':' && num(s + 17, 2) >= 0;
}

/* Check the fields of YYYY-MM-DD?HH:MM:SS and compute the time. */
static enum kr_err fields(const char *s, int64_t *out, char *why, size_t whylen)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = num(s, 4), mo = num(s + 5, 2), d = num(s + 8, 2);
	int h = num(s + 11, 2), mi = num(s + 14, 2), se = num(s + 17, 2);

	if (y < 1970)
		return kri_fail(why, whylen, "year %04d is before 1970", y);
	if (mo < 1 || mo > 12)
		return kri_fail(why, whylen, "month %02d does not exist", mo);
	if (d < 1 || (unsigned)d > mdays[mo - 1] + (mo == 2 && leap((unsigned)y)))
		return kri_fail(why, whylen, "day %02d does not exist in %04d-%02d", d, y, mo);
	if (h > 23)
		return kri_fail(why, whylen, "hour %02d does not exist (00-23)", h);
	if (mi > 59)
		return kri_fail(why, whylen, "minute %02d does not exist (00-59)", mi);
	if (se == 60)
		return kri_fail(why, whylen, "second 60 (a leap second) is not accepted");
	if (se > 59)
		return kri_fail(why, whylen, "second %02d does not exist (00-59)", se);
	*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
	return KR_OK;
}

enum kr_err kr_ind_time_parse(const char *s, int64_t *out, char *why, size_t whylen)
{
	size_t n = s ? strlen(s) : 0, i;
	int64_t t;
	enum kr_err rc;

	if (why && whylen)
		why[0] = '\0';
	if (n == 20 && datetime_shape(s, n) && s[10] == 'T' && s[19] == 'Z')
		return fields(s, out, why, whylen);
	if (n == 10 && date_shape(s, n))
		return kri_fail(why, whylen,
		                "a date alone is not a time: give YYYY-MM-DDTHH:MM:SSZ (e.g. "
		                "%.10sT00:00:00Z)",
		                s);
	if (!datetime_shape(s, n))
		return kri_fail(why, whylen, "%s", SHAPE);
	if (s[10] != 'T' || (n == 20 && s[19] == 'z'))
		return kri_fail(why, whylen,
		                "write it as YYYY-MM-DDTHH:MM:SSZ, with an upper-case T and Z");
	rc = fields(s, &t, why, whylen);
	if (rc != KR_OK)
		return rc;
	for (i = 19; i < n && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')); i++)
		;
	if (n == 19)
		return kri_fail(why, whylen, "no time zone: give the time in UTC, ending in Z");
	if (i == n - 6 && (s[i] == '+' || s[i] == '-') && num(s + i + 1, 2) >= 0 &&
	    s[i + 3] == ':' && num(s + i + 4, 2) >= 0) {
		int64_t off = (int64_t)num(s + i + 1, 2) * 3600 + num(s + i + 4, 2) * 60;
		char utc[21];

		kr_ind_time_format(s[i] == '+' ? t - off : t + off, utc);
		return kri_fail(why, whylen, "give the time in UTC, ending in Z: %s", utc);
	}
	if (s[19] == '.')
		return kri_fail(why, whylen,
		                "fractions of a second are not accepted: give whole seconds, "
		                "ending in Z");
	return kri_fail(why, whylen, "%s", SHAPE);
}

bool kr_ind_expired(const json_t *indicator, int64_t now)
{
	const char *until = json_string_value(json_object_get(indicator, "valid_until"));
	int64_t t;

	return until && kr_ind_time_parse(until, &t, NULL, 0) == KR_OK && t < now;
}

/* Equal strings, or both absent. */
static bool same_opt(const json_t *a, const json_t *b, const char *key, const char *dflt)
{
	const char *x = json_string_value(json_object_get(a, key));
	const char *y = json_string_value(json_object_get(b, key));

	x = x ? x : dflt;
	y = y ? y : dflt;
	return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

bool kr_ind_same_value(const json_t *a, const json_t *b)
{
	return json_is_object(a) && json_is_object(b) && same_opt(a, b, "type", NULL) &&
	       same_opt(a, b, "value", NULL);
}

bool kr_ind_same(const json_t *a, const json_t *b)
{
	return kr_ind_same_value(a, b) && same_opt(a, b, "role", "unknown") &&
	       same_opt(a, b, "valid_from", NULL) && same_opt(a, b, "valid_until", NULL);
}
