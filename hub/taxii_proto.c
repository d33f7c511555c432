/*
 * taxii_proto.c - pure TAXII 2.1 helpers (see taxii_proto.h).
 */
#include "taxii_proto.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stix.h"

#define US_PER_S 1000000LL

/* kairan's UUIDv5 namespace for collection ids (schema/PROTOCOL.md). */
static const unsigned char collection_ns[16] = {0xff, 0x96, 0x4e, 0x3b, 0xa3, 0x93, 0x49, 0x4d,
                                                0xab, 0x9d, 0xe7, 0x93, 0xd1, 0xa9, 0x7d, 0xc1};

int64_t taxii_date_added(int64_t clock_seconds, int64_t cursor)
{
	return clock_seconds * US_PER_S + cursor;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

void taxii_ts_format(int64_t us, char out[TAXII_TS_LEN + 1])
{
	int64_t secs = us >= 0 ? us / US_PER_S : 0, frac = us >= 0 ? us % US_PER_S : 0;
	int64_t days = secs / 86400, rem = secs % 86400, y, m, d;
	char tmp[96]; /* wide enough for any int, so no truncation warning */

	civil_from_days(days, &y, &m, &d);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", (int)(y % 10000), (int)m,
	         (int)d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)frac);
	snprintf(out, TAXII_TS_LEN + 1, "%.*s", TAXII_TS_LEN, tmp);
}

/* n decimal digits at s into *v; false unless all are digits. */
static bool digits(const char *s, int n, int64_t *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

bool taxii_ts_parse(const char *s, int64_t *us)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t y, mo, d, h, mi, se, frac = 0, scale = US_PER_S;
	const char *p;
	bool leap;

	if (!s || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &se))
		return false;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 60)
		return false;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		for (; isdigit((unsigned char)*p); p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
	}
	if ((*p != 'Z' && *p != 'z') || p[1] != '\0')
		return false;
	if (se == 60) /* a leap second: the next second's start, as POSIX time does */
		se = 59, frac = US_PER_S - 1;
	*us = ((days_from_civil(y, mo, d) * 86400) + h * 3600 + mi * 60 + se) * US_PER_S + frac;
	return true;
}

/* Trim spaces and tabs in place around [*s, *e). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

static bool span_is(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(e - s) == n && strncasecmp(s, word, n) == 0;
}

/* A q value of zero ("0", "0.", "0.000")? */
static bool q_zero(const char *s, const char *e)
{
	if (s == e || *s != '0')
		return false;
	for (s++; s < e; s++)
		if (*s != '.' && *s != '0')
			return false;
	return true;
}

/* One media range [s, e) of an Accept header. */
static bool range_ok(const char *s, const char *e)
{
	const char *semi = memchr(s, ';', (size_t)(e - s)), *ms = s, *me = semi ? semi : e;
	bool taxii, version_ok = true;

	trim(&ms, &me);
	taxii = span_is(ms, me, "application/taxii+json");
	if (!taxii && !span_is(ms, me, "*/*") && !span_is(ms, me, "application/*"))
		return false;
	while (semi) {
		const char *ps = semi + 1, *pe, *eq, *ks, *ke, *vs, *ve;

		semi = memchr(ps, ';', (size_t)(e - ps));
		pe = semi ? semi : e;
		eq = memchr(ps, '=', (size_t)(pe - ps));
		if (!eq)
			continue;
		ks = ps, ke = eq, vs = eq + 1, ve = pe;
		trim(&ks, &ke);
		trim(&vs, &ve);
		if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"')
			vs++, ve--;
		if (span_is(ks, ke, "q") && q_zero(vs, ve))
			return false;
		if (taxii && span_is(ks, ke, "version"))
			version_ok = span_is(vs, ve, "2.1");
	}
	return version_ok;
}

bool taxii_accept_ok(const char *accept)
{
	const char *s = accept, *e;
	bool any = false;

	if (!accept)
		return true;
	for (; *s; s = *e ? e + 1 : e) {
		const char *rs, *re;

		e = strchr(s, ',');
		if (!e)
			e = s + strlen(s);
		rs = s, re = e;
		trim(&rs, &re);
		if (rs == re)
			continue;
		any = true;
		if (range_ok(rs, re))
			return true;
	}
	return !any; /* an empty header asks for nothing in particular */
}

static bool copy_span(const char *s, size_t n, char *out, size_t len)
{
	if (n >= len)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* RFC 6750's b64token (token68): ALPHA DIGIT - . _ ~ + / then '=' only at
 * the end. A blank or control character inside is no Bearer token. */
static bool token68(const char *s, const char *e)
{
	const char *p = s;

	while (p < e && (isalnum((unsigned char)*p) || strchr("-._~+/", *p)) && *p)
		p++;
	while (p < e && *p == '=')
		p++;
	return p == e && p > s;
}

/* Decode standard base64 (with padding) into out; its length, or -1. */
static int b64_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
	int len;
	size_t pad = 0;

	if (n == 0 || n % 4 != 0 || n / 4 * 3 > cap)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/' &&
		    !(s[i] == '=' && (i == n - 1 || (i == n - 2 && s[n - 1] == '='))))
			return -1; /* '=' only as the padding at the end */
	len = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	if (len < 0)
		return -1;
	if (s[n - 1] == '=')
		pad++;
	if (s[n - 2] == '=')
		pad++;
	return len - (int)pad;
}

enum taxii_cred taxii_credentials(const char *authz, char *user, size_t ulen, char *token,
                                  size_t tlen)
{
	const char *s, *e, *sp;
	unsigned char raw[512];
	const char *colon;
	int n;

	if (ulen)
		user[0] = '\0';
	if (tlen)
		token[0] = '\0';
	if (!authz)
		return TAXII_CRED_NONE;
	s = authz;
	e = s + strlen(s);
	trim(&s, &e);
	sp = memchr(s, ' ', (size_t)(e - s));
	if (!sp)
		return TAXII_CRED_BAD;
	if (span_is(s, sp, "Bearer")) {
		s = sp + 1;
		trim(&s, &e);
		if (s == e || !token68(s, e) || !copy_span(s, (size_t)(e - s), token, tlen))
			return TAXII_CRED_BAD;
		return TAXII_CRED_BEARER;
	}
	if (!span_is(s, sp, "Basic"))
		return TAXII_CRED_BAD;
	s = sp + 1;
	trim(&s, &e);
	n = b64_decode(s, (size_t)(e - s), raw, sizeof(raw) - 1);
	if (n <= 0 || memchr(raw, '\0', (size_t)n))
		return TAXII_CRED_BAD;
	raw[n] = '\0';
	colon = strchr((const char *)raw, ':');
	if (!colon || colon == (const char *)raw ||
	    !copy_span((const char *)raw, (size_t)(colon - (const char *)raw), user, ulen) ||
	    !copy_span(colon + 1, strlen(colon + 1), token, tlen) || !token[0])
		return TAXII_CRED_BAD;
	return TAXII_CRED_BASIC;
}

bool taxii_list_split(char *text, struct taxii_list *out)
{
	char *s = text;

	out->n = 0;
	for (;;) {
		char *comma = strchr(s, ','), *e = comma ? comma : s + strlen(s);
		const char *vs = s, *ve = e;

		trim(&vs, &ve);
		if (vs == ve || out->n == TAXII_LIST_MAX)
			return false;
		*(char *)ve = '\0';
		out->v[out->n++] = vs;
		if (!comma)
			return true;
		s = comma + 1;
	}
}

static bool version_keyword(const char *v)
{
	return strcmp(v, "first") == 0 || strcmp(v, "last") == 0 || strcmp(v, "all") == 0;
}

bool taxii_versions_valid(const struct taxii_list *versions)
{
	int64_t us;

	for (size_t i = 0; i < versions->n; i++)
		if (!version_keyword(versions->v[i]) && !taxii_ts_parse(versions->v[i], &us))
			return false;
	return true;
}

const char *taxii_object_version(const json_t *obj)
{
	const char *v = json_string_value(json_object_get(obj, "modified"));

	return v ? v : json_string_value(json_object_get(obj, "created"));
}

static bool in_list(const struct taxii_list *l, const char *v)
{
	for (size_t i = 0; v && i < l->n; i++)
		if (strcmp(l->v[i], v) == 0)
			return true;
	return false;
}

static bool version_matches(const struct taxii_list *l, const char *version)
{
	int64_t want, have;

	if (!l->n)
		return true;
	if (!version || !taxii_ts_parse(version, &have))
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (version_keyword(l->v[i]) || (taxii_ts_parse(l->v[i], &want) && want == have))
			return true;
	return false;
}

bool taxii_object_matches(const struct taxii_filter *f, const json_t *obj)
{
	const char *spec = json_string_value(json_object_get(obj, "spec_version"));

	if (f->type.n && !in_list(&f->type, json_string_value(json_object_get(obj, "type"))))
		return false;
	if (f->id.n && !in_list(&f->id, json_string_value(json_object_get(obj, "id"))))
		return false;
	if (f->spec_version.n && !in_list(&f->spec_version, spec ? spec : "2.0"))
		return false;
	return version_matches(&f->version, taxii_object_version(obj));
}

void taxii_filter_digest(const char *canonical, size_t len, unsigned char out[8])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)canonical, len, md);
	memcpy(out, md, 8);
}

#define POS_BYTES 54
#define MAC_BYTES 16

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put64(unsigned char *p, int64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)((uint64_t)v >> (8 * i));
}

static int64_t get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return (int64_t)v;
}

static void pos_pack(const struct taxii_pos *p, unsigned char b[POS_BYTES])
{
	b[0] = 1; /* token format */
	b[1] = (unsigned char)p->mode;
	for (int i = 0; i < 4; i++)
		b[2 + i] = (unsigned char)(p->skip >> (8 * i));
	put64(b + 6, p->circle_id);
	put64(b + 14, p->user_id);
	put64(b + 22, p->from);
	put64(b + 30, p->clock);
	put64(b + 38, p->now);
	memcpy(b + 46, p->filter, 8);
}

static bool mac(const unsigned char key[32], const unsigned char *b, size_t n,
                unsigned char out[MAC_BYTES])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!HMAC(EVP_sha256(), key, 32, b, n, md, &len) || len < MAC_BYTES)
		return false;
	memcpy(out, md, MAC_BYTES);
	return true;
}

bool taxii_next_encode(const unsigned char key[32], const struct taxii_pos *p,
                       char out[TAXII_NEXT_LEN + 1])
{
	unsigned char b[POS_BYTES + MAC_BYTES];
	size_t o = 0;

	pos_pack(p, b);
	if (!mac(key, b, POS_BYTES, b + POS_BYTES))
		return false;
	/* 70 bytes: 23 groups of 3 and one byte left (2 characters, no padding). */
	for (size_t i = 0; i < sizeof(b); i += 3) {
		uint32_t v = (uint32_t)b[i] << 16;
		size_t left = sizeof(b) - i;

		if (left > 1)
			v |= (uint32_t)b[i + 1] << 8;
		if (left > 2)
			v |= b[i + 2];
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		if (left > 1)
			out[o++] = b64url[v >> 6 & 63];
		if (left > 2)
			out[o++] = b64url[v & 63];
	}
	out[o] = '\0';
	return o == TAXII_NEXT_LEN;
}

static int b64url_value(char c)
{
	const char *p = c ? strchr(b64url, c) : NULL;

	return p ? (int)(p - b64url) : -1;
}

bool taxii_next_decode(const unsigned char key[32], const char *token, struct taxii_pos *p)
{
	unsigned char b[POS_BYTES + MAC_BYTES], want[MAC_BYTES];
	size_t o = 0;

	if (!token || strlen(token) != TAXII_NEXT_LEN)
		return false;
	for (size_t i = 0; i < TAXII_NEXT_LEN; i += 4) {
		size_t chars = TAXII_NEXT_LEN - i < 4 ? TAXII_NEXT_LEN - i : 4;
		uint32_t v = 0;

		for (size_t j = 0; j < 4; j++) {
			int x = j < chars ? b64url_value(token[i + j]) : 0;

			if (x < 0)
				return false;
			v = v << 6 | (uint32_t)x;
		}
		for (size_t j = 0; j + 1 < chars && o < sizeof(b); j++)
			b[o++] = (unsigned char)(v >> (16 - 8 * j));
	}
	if (o != sizeof(b) || !mac(key, b, POS_BYTES, want) ||
	    CRYPTO_memcmp(want, b + POS_BYTES, MAC_BYTES) != 0 || b[0] != 1)
		return false;
	/* The last character carries 4 unused bits: only the canonical
	 * spelling is the token, so that one token has one text. */
	if (b64url_value(token[TAXII_NEXT_LEN - 1]) & 0x0f)
		return false;
	p->mode = (enum taxii_mode)b[1];
	p->skip = 0;
	for (int i = 0; i < 4; i++)
		p->skip |= (uint32_t)b[2 + i] << (8 * i);
	p->circle_id = get64(b + 6);
	p->user_id = get64(b + 14);
	p->from = get64(b + 22);
	p->clock = get64(b + 30);
	p->now = get64(b + 38);
	memcpy(p->filter, b + 46, 8);
	return true;
}

bool taxii_collection_id(const char *circle_key, char out[37])
{
	out[0] = '\0';
	return kr_uuid5(collection_ns, circle_key, strlen(circle_key), out) == 0;
}
