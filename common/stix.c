/*
 * stix.c - STIX 2.1 vocabulary: markings, patterns, ids, times, bundles
 * (see stix.h).
 */
#include "stix.h"

#include <ctype.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

/* ---- TLP marking definitions ------------------------------------------ */

/*
 * TLP 2.0: the OASIS extension's marking definitions
 * (cti-stix-common-objects, extension-definition-specifications/tlp-2.0).
 * TLP 1.0: STIX 2.1 section 7.2.1.4.
 */
static const struct {
	enum kr_tlp tlp;
	const char *v2;   /* TLP 2.0 marking-definition id */
	const char *name; /* its name */
	const char *ext;  /* its extension's tlp_2_0 value */
	const char *v1;   /* TLP 1.0 id read as this TLP, or NULL */
} markings[] = {
    {KR_TLP_CLEAR, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR", "clear",
     "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"}, /* TLP:WHITE */
    {KR_TLP_GREEN, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN", "green",
     "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
    {KR_TLP_AMBER, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER", "amber",
     "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
    {KR_TLP_AMBER_STRICT, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
     "TLP:AMBER+STRICT", "amber+strict", NULL},
    {KR_TLP_RED, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "TLP:RED", "red",
     "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
};

#define N_MARKINGS     (sizeof(markings) / sizeof(markings[0]))
#define TLP2_CREATED   "2022-10-01T00:00:00.000Z"
#define PATTERN_PREFIX "marking-definition--"

const char *kr_stix_tlp_marking_id(enum kr_tlp tlp)
{
	for (size_t i = 0; i < N_MARKINGS; i++)
		if (markings[i].tlp == tlp)
			return markings[i].v2;
	return NULL;
}

enum kr_tlp kr_stix_tlp_from_marking(const char *id, bool *v1)
{
	if (v1)
		*v1 = false;
	if (!id)
		return KR_TLP_NONE;
	for (size_t i = 0; i < N_MARKINGS; i++) {
		if (strcmp(markings[i].v2, id) == 0)
			return markings[i].tlp;
		if (markings[i].v1 && strcmp(markings[i].v1, id) == 0) {
			if (v1)
				*v1 = true;
			return markings[i].tlp;
		}
	}
	return KR_TLP_NONE;
}

json_t *kr_stix_tlp_marking_object(enum kr_tlp tlp)
{
	for (size_t i = 0; i < N_MARKINGS; i++) {
		if (markings[i].tlp != tlp)
			continue;
		return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:{s:s, s:s}}}", "type",
		                 "marking-definition", "spec_version", "2.1", "id", markings[i].v2,
		                 "created", TLP2_CREATED, "name", markings[i].name, "extensions",
		                 KR_STIX_TLP2_EXTENSION, "extension_type", "property-extension",
		                 "tlp_2_0", markings[i].ext);
	}
	return NULL;
}

/* ---- ids ---------------------------------------------------------------- */

/* kairan's UUIDv5 namespace (a random UUID, fixed forever: changing it
 * changes every exported id). */
static const unsigned char kairan_ns[16] = {0x66, 0x4a, 0xff, 0xb8, 0xd3, 0x64, 0x46, 0xbb,
                                            0xa7, 0xa3, 0xfa, 0x7f, 0x81, 0xa1, 0xaa, 0x8e};

int kr_uuid5(const unsigned char ns[16], const void *name, size_t len, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1 &&
	         EVP_DigestUpdate(ctx, ns, 16) == 1 && EVP_DigestUpdate(ctx, name, len) == 1 &&
	         EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen >= 16;
	size_t o = 0;

	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50); /* version 5 */
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[md[i] >> 4];
		out[o++] = hex[md[i] & 15];
	}
	out[o] = '\0';
	return 0;
}

int kr_stix_id(char out[KR_STIX_ID_MAX], const char *type, const char *const *parts, size_t n)
{
	size_t len = 0, off = 0, tlen = strlen(type);
	char uuid[37], *name;
	int rc;

	if (tlen + 2 + 36 >= KR_STIX_ID_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		len += strlen(parts[i]) + 1;
	name = malloc(len ? len : 1);
	if (!name)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);

		memcpy(name + off, parts[i], l);
		off += l;
		if (i + 1 < n)
			name[off++] = '\0';
	}
	rc = kr_uuid5(kairan_ns, name, off, uuid);
	free(name);
	if (rc == 0)
		snprintf(out, KR_STIX_ID_MAX, "%s--%s", type, uuid);
	return rc;
}

/* ---- times -------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Read exactly n digits at *p into *v. */
static bool digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return false;
		*v = *v * 10 + (**p - '0');
	}
	return true;
}

bool kr_stix_time_parse(const char *s, int64_t *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, sec;
	const char *p = s;

	if (!s || !digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d) || *p++ != 'T' || !digits(&p, 2, &h) || *p++ != ':' ||
	    !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &sec))
		return false;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (p[0] != 'Z' || p[1] != '\0')
		return false;
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)))
		return false;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return true;
}

void kr_stix_time_format(int64_t t, char out[KR_STIX_TIME_LEN + 1])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	/* civil_from_days (H. Hinnant) */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	if (y < 0 || y > 9999) { /* not representable: clamp rather than overflow the buffer */
		snprintf(out, KR_STIX_TIME_LEN + 1, "%s",
		         y < 0 ? "0000-01-01T00:00:00.000Z" : "9999-12-31T23:59:59.000Z");
		return;
	}
	char buf[64]; /* ranges are known here, not to the compiler's truncation check */

	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.000Z", (int)y, (int)m, (int)d,
	         (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	memcpy(out, buf, KR_STIX_TIME_LEN);
	out[KR_STIX_TIME_LEN] = '\0';
}

/* ---- patterns: building ----------------------------------------------- */

/* "[OBJ:PATH OP 'escaped value']" as a new string. */
static char *pattern_string(const char *path, const char *op, const char *value)
{
	size_t n = strlen(path) + strlen(op) + 8, o;
	char *out;

	for (const char *p = value; *p; p++)
		n += (*p == '\'' || *p == '\\') ? 2 : 1;
	out = malloc(n);
	if (!out)
		return NULL;
	o = (size_t)snprintf(out, n, "[%s %s '", path, op);
	for (const char *p = value; *p; p++) {
		if (*p == '\'' || *p == '\\')
			out[o++] = '\\';
		out[o++] = *p;
	}
	out[o++] = '\'';
	out[o++] = ']';
	out[o] = '\0';
	return out;
}

/* An ASN value ("AS64496", "as64496", "ASN64496" or "64496") as a number. */
static bool asn_number(const char *v, uint64_t *n)
{
	if (strncasecmp(v, "ASN", 3) == 0)
		v += 3;
	else if (strncasecmp(v, "AS", 2) == 0)
		v += 2;
	if (!*v || strlen(v) > 10)
		return false;
	*n = 0;
	for (; *v; v++) {
		if (!isdigit((unsigned char)*v))
			return false;
		*n = *n * 10 + (uint64_t)(*v - '0');
	}
	return *n <= UINT32_MAX;
}

char *kr_stix_pattern(enum kr_ind_type type, const char *value)
{
	bool v6 = value && strchr(value, ':') != NULL;
	uint64_t asn;
	char buf[64];

	if (!value || !*value)
		return NULL;
	switch (type) {
	case KR_IND_IPV4:
		return pattern_string("ipv4-addr:value", "=", value);
	case KR_IND_IPV6:
		return pattern_string("ipv6-addr:value", "=", value);
	case KR_IND_CIDR:
		return pattern_string(v6 ? "ipv6-addr:value" : "ipv4-addr:value", "ISSUBSET",
		                      value);
	case KR_IND_DOMAIN:
		return pattern_string("domain-name:value", "=", value);
	case KR_IND_URL:
		return pattern_string("url:value", "=", value);
	case KR_IND_EMAIL:
		return pattern_string("email-addr:value", "=", value);
	case KR_IND_MD5:
		return pattern_string("file:hashes.MD5", "=", value);
	case KR_IND_SHA1:
		return pattern_string("file:hashes.'SHA-1'", "=", value);
	case KR_IND_SHA256:
		return pattern_string("file:hashes.'SHA-256'", "=", value);
	case KR_IND_SHA512:
		return pattern_string("file:hashes.'SHA-512'", "=", value);
	case KR_IND_ASN:
		if (!asn_number(value, &asn))
			return NULL;
		snprintf(buf, sizeof(buf), "[autonomous-system:number = %" PRIu64 "]", asn);
		return strdup(buf);
	case KR_IND_CVE:
	case KR_IND_NONE:
		break;
	}
	return NULL;
}

/* ---- patterns: parsing ------------------------------------------------- */

#define PATH_MAX_PARTS 4

struct pparse {
	const char *s, *p;
	char *err;
	size_t errlen;
	json_t *out;
};

struct comparison {
	char type[32];               /* object type, e.g. ipv4-addr */
	char *parts[PATH_MAX_PARTS]; /* property path, unescaped, owned */
	size_t nparts;
	char op[16]; /* "=", "ISSUBSET", ... */
	char *str;   /* string literal, unescaped, owned */
	bool is_int; /* an integer literal instead */
	long long num;
};

static void comparison_free(struct comparison *c)
{
	for (size_t i = 0; i < c->nparts; i++)
		free(c->parts[i]);
	free(c->str);
}

static bool fail(struct pparse *pp, const char *what)
{
	snprintf(pp->err, pp->errlen, "%s at offset %zu", what, (size_t)(pp->p - pp->s));
	return false;
}

static void skip_ws(struct pparse *pp)
{
	while (*pp->p == ' ' || *pp->p == '\t' || *pp->p == '\n' || *pp->p == '\r')
		pp->p++;
}

/* A keyword (upper-case letters) at p, without consuming it; "" when none. */
static size_t keyword_len(const char *p)
{
	size_t n = 0;

	while (p[n] >= 'A' && p[n] <= 'Z')
		n++;
	return (p[n] && (isalnum((unsigned char)p[n]) || p[n] == '_')) ? 0 : n;
}

static bool keyword_is(const char *p, const char *kw)
{
	size_t n = keyword_len(p);

	return n == strlen(kw) && strncmp(p, kw, n) == 0;
}

/* A quoted string literal at p: its unescaped text, malloc'd. */
static bool string_literal(struct pparse *pp, char **out)
{
	const char *q;
	size_t n = 0;
	char *s;

	if (*pp->p != '\'')
		return fail(pp, "expected a quoted string");
	for (q = pp->p + 1; *q && *q != '\''; q++) {
		if (*q == '\\') {
			q++;
			if (*q != '\'' && *q != '\\')
				return fail(pp, "only \\' and \\\\ may be escaped in a string");
		}
		n++;
	}
	if (*q != '\'')
		return fail(pp, "unterminated string");
	s = malloc(n + 1);
	if (!s)
		return fail(pp, "out of memory");
	n = 0;
	for (q = pp->p + 1; *q != '\''; q++) {
		if (*q == '\\')
			q++;
		s[n++] = *q;
	}
	s[n] = '\0';
	pp->p = q + 1;
	*out = s;
	return true;
}

/* A path component: an identifier without hyphen, or a string literal. */
static bool path_part(struct pparse *pp, struct comparison *c)
{
	size_t n = 0;

	if (c->nparts == PATH_MAX_PARTS)
		return fail(pp, "object path too long");
	if (*pp->p == '\'')
		return string_literal(pp, &c->parts[c->nparts++]);
	while (isalnum((unsigned char)pp->p[n]) || pp->p[n] == '_')
		n++;
	if (n == 0 || !isalpha((unsigned char)pp->p[0]))
		return fail(pp, "expected a property name");
	c->parts[c->nparts] = strndup(pp->p, n);
	if (!c->parts[c->nparts])
		return fail(pp, "out of memory");
	c->nparts++;
	pp->p += n;
	return true;
}

/* OBJECT-TYPE:path OP literal */
static bool comparison(struct pparse *pp, struct comparison *c)
{
	size_t n = 0;

	skip_ws(pp);
	while ((pp->p[n] >= 'a' && pp->p[n] <= 'z') || isdigit((unsigned char)pp->p[n]) ||
	       pp->p[n] == '-')
		n++;
	if (n == 0 || n >= sizeof(c->type) || pp->p[n] != ':')
		return fail(pp, "expected an object path such as ipv4-addr:value");
	memcpy(c->type, pp->p, n);
	c->type[n] = '\0';
	pp->p += n + 1;
	if (!path_part(pp, c))
		return false;
	while (*pp->p == '.' || *pp->p == '[') {
		if (*pp->p == '[')
			return fail(pp, "list indexes in object paths are not supported");
		pp->p++;
		if (!path_part(pp, c))
			return false;
	}
	skip_ws(pp);
	if (*pp->p == '=') {
		snprintf(c->op, sizeof(c->op), "=");
		pp->p++;
	} else if (keyword_is(pp->p, "ISSUBSET")) {
		snprintf(c->op, sizeof(c->op), "ISSUBSET");
		pp->p += 8;
	} else {
		return fail(pp, "only the operators = and ISSUBSET are supported");
	}
	skip_ws(pp);
	if (*pp->p == '\'')
		return string_literal(pp, &c->str);
	if (*pp->p == '-' || isdigit((unsigned char)*pp->p)) {
		char *end;

		c->num = strtoll(pp->p, &end, 10);
		if (end == pp->p || *end == '.')
			return fail(pp, "expected an integer");
		c->is_int = true;
		pp->p = end;
		return true;
	}
	return fail(pp, "expected a string or an integer");
}

static bool emit(struct pparse *pp, const char *type, const char *value)
{
	if (json_array_append_new(pp->out, json_pack("{s:s, s:s}", "type", type, "value", value)))
		return fail(pp, "out of memory");
	return true;
}

static bool part_is(const struct comparison *c, size_t i, const char *name)
{
	return c->nparts > i && strcmp(c->parts[i], name) == 0;
}

/* Normalise a hash name: upper-case without '-' ("SHA-256" -> "SHA256"). */
static void hash_key(const char *in, char *out, size_t n)
{
	size_t o = 0;

	for (; *in && o + 1 < n; in++)
		if (*in != '-')
			out[o++] = (char)toupper((unsigned char)*in);
	out[o] = '\0';
}

/* Map one comparison to a kairan indicator. */
static bool map(struct pparse *pp, const struct comparison *c)
{
	bool eq = strcmp(c->op, "=") == 0, str = c->str && *c->str;
	char msg[160];

	if ((strcmp(c->type, "ipv4-addr") == 0 || strcmp(c->type, "ipv6-addr") == 0) &&
	    c->nparts == 1 && part_is(c, 0, "value") && str) {
		bool v6 = c->type[3] == '6';

		if (strchr(c->str, '/'))
			return emit(pp, "cidr", c->str);
		return emit(pp, v6 ? "ipv6" : "ipv4", c->str);
	}
	if (c->nparts == 1 && part_is(c, 0, "value") && eq && str) {
		if (strcmp(c->type, "domain-name") == 0)
			return emit(pp, "domain", c->str);
		if (strcmp(c->type, "url") == 0)
			return emit(pp, "url", c->str);
		if (strcmp(c->type, "email-addr") == 0)
			return emit(pp, "email", c->str);
	}
	if (strcmp(c->type, "file") == 0 && c->nparts == 2 && part_is(c, 0, "hashes") && eq &&
	    str) {
		char key[16];

		hash_key(c->parts[1], key, sizeof(key));
		if (strcmp(key, "MD5") == 0)
			return emit(pp, "md5", c->str);
		if (strcmp(key, "SHA1") == 0)
			return emit(pp, "sha1", c->str);
		if (strcmp(key, "SHA256") == 0)
			return emit(pp, "sha256", c->str);
		if (strcmp(key, "SHA512") == 0)
			return emit(pp, "sha512", c->str);
		snprintf(msg, sizeof(msg),
		         "file hash '%.32s' has no kairan indicator type (MD5, "
		         "SHA-1, SHA-256 and SHA-512 do)",
		         c->parts[1]);
		snprintf(pp->err, pp->errlen, "%s", msg);
		return false;
	}
	if (strcmp(c->type, "autonomous-system") == 0 && c->nparts == 1 &&
	    part_is(c, 0, "number") && eq && c->is_int) {
		char buf[32];

		if (c->num < 0 || c->num > (long long)UINT32_MAX) {
			snprintf(pp->err, pp->errlen, "AS number %lld out of range", c->num);
			return false;
		}
		snprintf(buf, sizeof(buf), "AS%lld", c->num);
		return emit(pp, "asn", buf);
	}
	snprintf(msg, sizeof(msg), "'%.32s:%.32s%s' %s %s is not a supported comparison", c->type,
	         c->nparts ? c->parts[0] : "", c->nparts > 1 ? ".…" : "", c->op,
	         c->is_int ? "an integer" : (str ? "a string" : "an empty string"));
	snprintf(pp->err, pp->errlen, "%s", msg);
	return false;
}

/* '[' comparison (OR comparison)* ']' */
static bool observation(struct pparse *pp)
{
	skip_ws(pp);
	if (*pp->p != '[')
		return fail(pp, "expected '['");
	pp->p++;
	for (;;) {
		struct comparison c = {0};
		bool ok = comparison(pp, &c) && map(pp, &c);

		comparison_free(&c);
		if (!ok)
			return false;
		skip_ws(pp);
		if (*pp->p == ']') {
			pp->p++;
			return true;
		}
		if (keyword_is(pp->p, "AND"))
			return fail(pp, "AND is not supported (only OR)");
		if (!keyword_is(pp->p, "OR"))
			return fail(pp, "expected OR or ']'");
		pp->p += 2;
	}
}

enum kr_err kr_stix_pattern_parse(const char *pattern, json_t **out, char *err, size_t errlen)
{
	struct pparse pp = {pattern, pattern, err, errlen, json_array()};

	*out = NULL;
	if (!pp.out)
		return KR_EINTERNAL;
	if (!pattern) {
		snprintf(err, errlen, "no pattern");
		goto bad;
	}
	for (;;) {
		if (!observation(&pp))
			goto bad;
		skip_ws(&pp);
		if (!*pp.p)
			break;
		if (keyword_is(pp.p, "OR")) {
			pp.p += 2;
			continue;
		}
		if (keyword_is(pp.p, "AND") || keyword_is(pp.p, "FOLLOWEDBY")) {
			fail(&pp, "only OR may join observations");
			goto bad;
		}
		if (keyword_is(pp.p, "WITHIN") || keyword_is(pp.p, "REPEATS") ||
		    keyword_is(pp.p, "START")) {
			fail(&pp, "qualifiers (WITHIN, REPEATS, START/STOP) are not supported");
			goto bad;
		}
		fail(&pp, "unexpected text after ']'");
		goto bad;
	}
	*out = pp.out;
	return KR_OK;
bad:
	json_decref(pp.out);
	kr_utf8_scrub(err); /* names quoted with "%.32s" may have been cut */
	return KR_EINVAL;
}

/* ---- bundles ------------------------------------------------------------ */

json_t *kr_stix_bundle(json_t *objects)
{
	json_t *seen = json_object(), *marks = json_array(), *rest = json_array(), *bundle = NULL;
	bool want[N_MARKINGS + 1] = {false};
	char *ids = NULL, uuid[37], bid[KR_STIX_ID_MAX];
	size_t idlen = 0, i;
	json_t *o;

	if (!objects || !seen || !marks || !rest)
		goto out;
	json_array_foreach(objects, i, o)
	{
		const char *id = json_string_value(json_object_get(o, "id")), *type;
		const json_t *ref;
		size_t j;

		if (!id || json_object_get(seen, id))
			continue;
		if (json_object_set_new(seen, id, json_true()) != 0)
			goto out;
		type = json_string_value(json_object_get(o, "type"));
		if (json_array_append(
		        type && strcmp(type, "marking-definition") == 0 ? marks : rest, o) != 0)
			goto out;
		json_array_foreach(json_object_get(o, "object_marking_refs"), j, ref)
		{
			bool v1;
			enum kr_tlp t = kr_stix_tlp_from_marking(json_string_value(ref), &v1);

			if (t != KR_TLP_NONE && !v1)
				want[t] = true;
		}
	}
	for (int t = KR_TLP_CLEAR; t <= KR_TLP_RED; t++) {
		if (!want[t] || json_object_get(seen, kr_stix_tlp_marking_id((enum kr_tlp)t)))
			continue;
		if (json_array_append_new(marks, kr_stix_tlp_marking_object((enum kr_tlp)t)) != 0)
			goto out;
	}
	if (json_array_extend(marks, rest) != 0)
		goto out;
	/* The bundle's id: a UUIDv5 of its object ids, one per line. */
	json_array_foreach(marks, i, o)
	{
		const char *id = json_string_value(json_object_get(o, "id"));
		size_t l = strlen(id);
		char *p = realloc(ids, idlen + l + 1);

		if (!p)
			goto out;
		ids = p;
		memcpy(ids + idlen, id, l);
		idlen += l;
		ids[idlen++] = '\n';
	}
	if (kr_uuid5(kairan_ns, ids ? ids : "", idlen, uuid) != 0)
		goto out;
	snprintf(bid, sizeof(bid), "bundle--%s", uuid);
	bundle = json_pack("{s:s, s:s}", "type", "bundle", "id", bid);
	if (bundle && json_array_size(marks) && json_object_set(bundle, "objects", marks) != 0) {
		json_decref(bundle);
		bundle = NULL;
	}
out:
	free(ids);
	json_decref(seen);
	json_decref(marks);
	json_decref(rest);
	json_decref(objects);
	return bundle;
}
