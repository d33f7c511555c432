/*
 * token.c - bearer tokens (see token.h): 32 bytes from OpenSSL's CSPRNG,
 * written as "kr_" + unpadded base64url, and hashed with SHA-256 for the
 * store. The raw random bytes are wiped once they are encoded.
 */
#include "token.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define TOKEN_PREFIX     "kr_"
#define TOKEN_PREFIX_LEN 3
#define TOKEN_RAW_LEN    32
#define TOKEN_B64_LEN    43 /* ceil(32 * 8 / 6), no padding */

_Static_assert(KR_TOKEN_LEN == TOKEN_PREFIX_LEN + TOKEN_B64_LEN, "token length");

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Encode n bytes as unpadded base64url into out (NUL-terminated); returns
 * the number of characters written. out needs ceil(n * 4 / 3) + 1 bytes. */
static size_t b64url_encode(const unsigned char *in, size_t n, char *out)
{
	size_t o = 0, i = 0;

	for (; i + 3 <= n; i += 3) {
		unsigned long v =
		    (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];

		out[o++] = b64url[(v >> 18) & 0x3F];
		out[o++] = b64url[(v >> 12) & 0x3F];
		out[o++] = b64url[(v >> 6) & 0x3F];
		out[o++] = b64url[v & 0x3F];
	}
	if (n - i == 1) {
		unsigned long v = (unsigned long)in[i] << 16;

		out[o++] = b64url[(v >> 18) & 0x3F];
		out[o++] = b64url[(v >> 12) & 0x3F];
	} else if (n - i == 2) {
		unsigned long v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;

		out[o++] = b64url[(v >> 18) & 0x3F];
		out[o++] = b64url[(v >> 12) & 0x3F];
		out[o++] = b64url[(v >> 6) & 0x3F];
	}
	out[o] = '\0';
	return o;
}

static bool b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

bool token_generate(char out[KR_TOKEN_LEN + 1])
{
	unsigned char raw[TOKEN_RAW_LEN];
	bool ok = false;

	out[0] = '\0';
	if (RAND_bytes(raw, (int)sizeof(raw)) != 1)
		goto out;
	memcpy(out, TOKEN_PREFIX, TOKEN_PREFIX_LEN);
	if (b64url_encode(raw, sizeof(raw), out + TOKEN_PREFIX_LEN) != TOKEN_B64_LEN) {
		out[0] = '\0';
		goto out;
	}
	ok = true;
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	return ok;
}

bool token_hash(const char *token, size_t len, unsigned char hash[KR_TOKEN_HASH_LEN])
{
	unsigned int n = 0;
	bool ok = false;

	if (!token && len > 0)
		goto out;
	if (EVP_Digest(token ? token : "", len, hash, &n, EVP_sha256(), NULL) != 1)
		goto out;
	ok = n == KR_TOKEN_HASH_LEN;
out:
	return ok;
}

bool token_well_formed(const char *s, size_t len)
{
	bool ok = false;

	if (!s || len != KR_TOKEN_LEN)
		goto out;
	if (memcmp(s, TOKEN_PREFIX, TOKEN_PREFIX_LEN) != 0)
		goto out;
	for (size_t i = TOKEN_PREFIX_LEN; i < len; i++)
		if (!b64url_char(s[i]))
			goto out;
	ok = true;
out:
	return ok;
}

/* ---- expiry ---------------------------------------------------------- */

#define EXPIRY_MAX_SECONDS (10LL * 366 * 86400)

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* n decimal digits at s into *v; false unless all are digits. */
static bool digits(const char *s, int n, int64_t *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* A date or date-time (see token.h) into epoch seconds. */
static bool parse_date(const char *s, int64_t *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t n = strlen(s);
	int64_t y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;

	if (n < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap(y)))
		return false;
	if (n > 10) {
		const char *t = s + 10;

		if (n < 20 || t[0] != 'T' || !digits(t + 1, 2, &h) || t[3] != ':' ||
		    !digits(t + 4, 2, &mi) || t[6] != ':' || !digits(t + 7, 2, &sec))
			return false;
		if (h > 23 || mi > 59 || sec > 59)
			return false;
		t += 9;
		if (strcmp(t, "Z") == 0) {
			sign = 0;
		} else if (strlen(t) == 6 && (t[0] == '+' || t[0] == '-') &&
		           digits(t + 1, 2, &oh) && t[3] == ':' && digits(t + 4, 2, &om) &&
		           oh <= 14 && om <= 59) {
			sign = t[0] == '+' ? 1 : -1;
		} else {
			return false;
		}
	}
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	       sign * (oh * 3600 + om * 60);
	return true;
}

/* A duration (see token.h) into seconds. */
static bool parse_duration(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	int64_t v = 0, unit;

	if (n < 2 || n > 12)
		return false;
	switch (s[n - 1]) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	case 'w':
		unit = 7 * 86400;
		break;
	default:
		return false;
	}
	if (!digits(s, (int)n - 1, &v) || v <= 0 || v > EXPIRY_MAX_SECONDS / unit + 1)
		return false;
	*out = v * unit;
	return true;
}

bool token_expiry_parse(const char *s, int64_t now, int64_t *out, char *err, size_t errlen)
{
	int64_t v = 0;

	*out = 0;
	if (s && parse_duration(s, &v)) {
		v += now;
	} else if (!s || !parse_date(s, &v)) {
		snprintf(
		    err, errlen,
		    "expiry '%.40s' is neither a duration (30d, 12h, 90m, 2w, 3600s) nor a date "
		    "(2026-03-31, 2026-03-31T18:00:00+09:00)",
		    s ? s : "");
		return false;
	}
	if (v <= now) {
		snprintf(err, errlen, "expiry '%.40s' is not in the future", s);
		return false;
	}
	if (v - now > EXPIRY_MAX_SECONDS) {
		snprintf(err, errlen, "expiry '%.40s' is more than 10 years away", s);
		return false;
	}
	*out = v;
	return true;
}
