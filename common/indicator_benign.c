/*
 * indicator_benign.c - known-benign values (see kr_ind_benign_reason() in
 * indicator.h): the built-in tables, the operator's list, and how a value
 * of each type is matched against both.
 */
#include <stdlib.h>
#include <string.h>

#include "indicator.h"
#include "indicator_int.h"
#include "utf8.h"

#define REASON_MAX     200
#define REASON_DEFAULT "on the hub operator's list"

#define DOC4  "documentation range (RFC 5737)"
#define DOC6  "documentation range (RFC 3849)"
#define DOC6B "documentation range (RFC 9637)"
#define GOOG  "public DNS resolver (Google)"
#define CLFL  "public DNS resolver (Cloudflare)"
#define QUAD9 "public DNS resolver (Quad9)"
#define ODNS  "public DNS resolver (OpenDNS)"

/* Built-in ranges and addresses, most specific first. */
static const struct {
	const char *cidr;
	const char *why;
} builtin_nets[] = {
    {"8.8.8.8/32", GOOG},
    {"8.8.4.4/32", GOOG},
    {"1.1.1.1/32", CLFL},
    {"1.0.0.1/32", CLFL},
    {"9.9.9.9/32", QUAD9},
    {"149.112.112.112/32", QUAD9},
    {"208.67.222.222/32", ODNS},
    {"208.67.220.220/32", ODNS},
    {"192.0.2.0/24", DOC4},
    {"198.51.100.0/24", DOC4},
    {"203.0.113.0/24", DOC4},
    {"127.0.0.0/8", "loopback (RFC 1122)"},
    {"0.0.0.0/8", "this-network range, also a sinkhole answer (RFC 1122)"},
    {"255.255.255.255/32", "limited broadcast (RFC 919)"},
    {"224.0.0.0/4", "multicast (RFC 5771)"},
    {"198.18.0.0/15", "benchmarking range (RFC 2544)"},
    {"240.0.0.0/4", "reserved range (RFC 1112)"},
    {"2001:4860:4860::8888/128", GOOG},
    {"2001:4860:4860::8844/128", GOOG},
    {"2606:4700:4700::1111/128", CLFL},
    {"2606:4700:4700::1001/128", CLFL},
    {"2620:fe::fe/128", QUAD9},
    {"2620:fe::9/128", QUAD9},
    {"2620:119:35::35/128", ODNS},
    {"2620:119:53::53/128", ODNS},
    {"2001:db8::/32", DOC6},
    {"3fff::/20", DOC6B},
    {"::1/128", "loopback (RFC 4291)"},
    {"::/128", "unspecified address (RFC 4291)"},
    {"ff00::/8", "multicast (RFC 4291)"},
};

#define RFC2606  "example domain (RFC 2606)"
#define RFC2606T "reserved top-level domain (RFC 2606)"
#define JPRS     "example domain (reserved by JPRS)"

/* Built-in domains: each matches itself and every name under it. */
static const struct {
	const char *name;
	const char *why;
} builtin_domains[] = {
    {"example.com", RFC2606},
    {"example.net", RFC2606},
    {"example.org", RFC2606},
    {"test", RFC2606T},
    {"example", RFC2606T},
    {"invalid", RFC2606T},
    {"localhost", RFC2606T},
    {"local", "local network name (RFC 6762)"},
    {"home.arpa", "local network name (RFC 8375)"},
    {"example.jp", JPRS},
    {"example.ac.jp", JPRS},
    {"example.ad.jp", JPRS},
    {"example.co.jp", JPRS},
    {"example.ed.jp", JPRS},
    {"example.go.jp", JPRS},
    {"example.gr.jp", JPRS},
    {"example.lg.jp", JPRS},
    {"example.ne.jp", JPRS},
    {"example.or.jp", JPRS},
};

#define EMPTY "hash of an empty file"
#define EICAR "EICAR anti-virus test file"
#define SHA512_EMPTY                                                                               \
	"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2" \
	"8"                                                                                        \
	"77eec2f63b931bd47417a81a538327af927da3e"
#define SHA512_EICAR                                                                               \
	"cc805d5fab1fd71a4ab352a9c533e65fb2d5b885518f4e565e68847223b8e6b85cb48f3afad842726d99239c" \
	"9"                                                                                        \
	"e36505c64b0dc9a061d9e507d833277ada336ab"

static const struct {
	enum kr_ind_type t;
	const char *value;
	const char *why;
} builtin_values[] = {
    {KR_IND_MD5, "d41d8cd98f00b204e9800998ecf8427e", EMPTY},
    {KR_IND_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", EMPTY},
    {KR_IND_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", EMPTY},
    {KR_IND_SHA512, SHA512_EMPTY, EMPTY},
    {KR_IND_MD5, "44d88612fea8a8f36de82e1278abb02f", EICAR},
    {KR_IND_SHA1, "3395856ce81f2b7382dee72602f798b642f14140", EICAR},
    {KR_IND_SHA256, "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f", EICAR},
    {KR_IND_SHA512, SHA512_EICAR, EICAR},
};

static const struct {
	uint32_t lo, hi;
	const char *why;
} builtin_asns[] = {
    {23456, 23456, "AS_TRANS placeholder (RFC 6793)"},
    {64496, 64511, "documentation AS number (RFC 5398)"},
    {65536, 65551, "documentation AS number (RFC 5398)"},
    {64512, 65534, "private-use AS number (RFC 6996)"},
    {4200000000u, 4294967294u, "private-use AS number (RFC 6996)"},
    {65535, 65535, "reserved AS number (RFC 7300)"},
    {4294967295u, 4294967295u, "reserved AS number (RFC 7300)"},
};

/* One entry of an operator's list. */
struct entry {
	enum kr_ind_type t;
	char *value; /* normalised */
	char *why;
	struct kri_net net; /* ipv4, ipv6, cidr */
};

struct kr_ind_benign {
	struct entry *v;
	size_t n, cap;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- addresses ---- */

static const char *net_builtin(const struct kri_net *x)
{
	for (size_t i = 0; i < N(builtin_nets); i++) {
		struct kri_net r;
		const char *c = builtin_nets[i].cidr;

		if (kri_cidr_parse(c, strlen(c), &r, NULL, 0) != KR_OK) /* /128 of ::1 etc. */
			continue;
		if (r.v6 == x->v6 && r.bits <= x->bits && kri_prefix_eq(x->addr, r.addr, r.bits))
			return builtin_nets[i].why;
	}
	return NULL;
}

static const char *net_listed(const struct kr_ind_benign *l, const struct kri_net *x)
{
	for (size_t i = 0; l && i < l->n; i++) {
		const struct entry *e = &l->v[i];

		if ((e->t == KR_IND_IPV4 || e->t == KR_IND_IPV6 || e->t == KR_IND_CIDR) &&
		    e->net.v6 == x->v6 && e->net.bits <= x->bits &&
		    kri_prefix_eq(x->addr, e->net.addr, e->net.bits))
			return e->why;
	}
	return NULL;
}

/* An address or range, and an IPv4-mapped IPv6 one also by its IPv4. */
static const char *net_reason(const struct kr_ind_benign *l, const struct kri_net *x)
{
	static const uint8_t mapped[12] = {[10] = 0xFF, [11] = 0xFF};
	const char *why = net_builtin(x);

	if (!why)
		why = net_listed(l, x);
	if (!why && x->v6 && x->bits >= 96 && memcmp(x->addr, mapped, 12) == 0) {
		struct kri_net v4 = {{0}, (uint8_t)(x->bits - 96), false};

		memcpy(v4.addr, x->addr + 12, 4);
		why = net_reason(l, &v4);
	}
	return why;
}

/* The net of an ipv4, ipv6 or cidr value (normalised); false otherwise. */
static bool value_net(enum kr_ind_type t, const char *v, size_t n, struct kri_net *x)
{
	memset(x, 0, sizeof(*x));
	switch (t) {
	case KR_IND_IPV4:
		x->bits = 32;
		return kri_ipv4_parse(v, n, x->addr, NULL, 0) == KR_OK;
	case KR_IND_IPV6:
		x->bits = 128;
		x->v6 = true;
		return kri_ipv6_parse(v, n, x->addr, NULL, 0) == KR_OK;
	case KR_IND_CIDR:
		return kri_cidr_parse(v, n, x, NULL, 0) == KR_OK;
	default:
		return false;
	}
}

/* ---- names ---- */

static bool name_eq(const char *a, size_t an, const char *b)
{
	return strlen(b) == an && memcmp(a, b, an) == 0;
}

/* A domain (lower case) equal to or under a listed one. */
static const char *domain_reason(const struct kr_ind_benign *l, const char *d, size_t n)
{
	for (size_t s = 0; s < n;) {
		for (size_t i = 0; i < N(builtin_domains); i++)
			if (name_eq(d + s, n - s, builtin_domains[i].name))
				return builtin_domains[i].why;
		for (size_t i = 0; l && i < l->n; i++)
			if (l->v[i].t == KR_IND_DOMAIN && name_eq(d + s, n - s, l->v[i].value))
				return l->v[i].why;
		while (s < n && d[s] != '.')
			s++;
		s++;
	}
	return NULL;
}

/* A URL's host: an IPv4, a bracketed IPv6 or a domain. */
static const char *url_reason(const struct kr_ind_benign *l, const char *u)
{
	const char *h = strstr(u, "://"), *e, *at;
	struct kri_net x;

	if (!h)
		return NULL;
	h += 3;
	e = h + strcspn(h, "/?#");
	at = memchr(h, '@', (size_t)(e - h));
	while (at) { /* the last '@' of the authority */
		h = at + 1;
		at = memchr(h, '@', (size_t)(e - h));
	}
	if (*h == '[') {
		const char *close = memchr(h, ']', (size_t)(e - h));

		return close && value_net(KR_IND_IPV6, h + 1, (size_t)(close - h - 1), &x)
		           ? net_reason(l, &x)
		           : NULL;
	}
	e = h + strcspn(h, ":/?#");
	if (value_net(KR_IND_IPV4, h, (size_t)(e - h), &x))
		return net_reason(l, &x);
	return domain_reason(l, h, (size_t)(e - h));
}

/* ---- the list ---- */

static const char *exact_reason(const struct kr_ind_benign *l, enum kr_ind_type t, const char *v)
{
	for (size_t i = 0; i < N(builtin_values); i++)
		if (builtin_values[i].t == t && strcmp(builtin_values[i].value, v) == 0)
			return builtin_values[i].why;
	for (size_t i = 0; l && i < l->n; i++)
		if (l->v[i].t == t && strcmp(l->v[i].value, v) == 0)
			return l->v[i].why;
	return NULL;
}

const char *kr_ind_benign_reason(const struct kr_ind_benign *list, enum kr_ind_type t,
                                 const char *value)
{
	const char *why, *at;
	struct kri_net x;
	uint32_t asn;

	if (!value)
		return NULL;
	why = exact_reason(list, t, value);
	if (why)
		return why;
	switch (t) {
	case KR_IND_IPV4:
	case KR_IND_IPV6:
	case KR_IND_CIDR:
		return value_net(t, value, strlen(value), &x) ? net_reason(list, &x) : NULL;
	case KR_IND_DOMAIN:
		return domain_reason(list, value, strlen(value));
	case KR_IND_URL:
		return url_reason(list, value);
	case KR_IND_EMAIL:
		at = strrchr(value, '@');
		return at ? domain_reason(list, at + 1, strlen(at + 1)) : NULL;
	case KR_IND_ASN:
		if (kri_asn_parse(value, strlen(value), &asn, NULL, 0) != KR_OK)
			return NULL;
		for (size_t i = 0; i < N(builtin_asns); i++)
			if (asn >= builtin_asns[i].lo && asn <= builtin_asns[i].hi)
				return builtin_asns[i].why;
		return NULL;
	default:
		return NULL;
	}
}

struct kr_ind_benign *kr_ind_benign_new(void)
{
	return calloc(1, sizeof(struct kr_ind_benign));
}

void kr_ind_benign_free(struct kr_ind_benign *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].value);
		free(list->v[i].why);
	}
	free(list->v);
	free(list);
}

size_t kr_ind_benign_count(const struct kr_ind_benign *list)
{
	return list ? list->n : 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A malloc'd copy of s[0..n). */
static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

enum kr_err kr_ind_benign_add(struct kr_ind_benign *list, const char *line, size_t len, char *why,
                              size_t whylen)
{
	size_t i = 0, ts, te, vs, ve, rs, re;
	char type[16], vwhy[160], *norm = NULL;
	enum kr_ind_type t;
	struct entry e = {0};

	if (!list)
		return KR_EINTERNAL;
	if (!kr_utf8_valid(line, len))
		return kri_fail(why, whylen, "not valid UTF-8 text");
	while (i < len && blank(line[i]))
		i++;
	if (i == len || line[i] == '#')
		return KR_OK;
	for (ts = i; i < len && !blank(line[i]); i++)
		;
	te = i;
	while (i < len && blank(line[i]))
		i++;
	for (vs = i; i < len && !blank(line[i]); i++)
		;
	ve = i;
	while (i < len && blank(line[i]))
		i++;
	snprintf(type, sizeof(type), "%.*s", (int)kr_utf8_cut(line + ts, te - ts, 15), line + ts);
	t = te - ts < sizeof(type) ? kr_ind_type_parse(type) : KR_IND_NONE;
	if (t == KR_IND_NONE)
		return kri_fail(why, whylen,
		                "unknown type '%.32s' (ipv4 ipv6 cidr domain url email md5 sha1 "
		                "sha256 sha512 cve asn)",
		                type);
	if (ve == vs)
		return kri_fail(why, whylen, "expected TYPE VALUE [# reason]: no value");
	if (i < len && line[i] != '#')
		return kri_fail(why, whylen,
		                "expected TYPE VALUE [# reason]: unexpected text after the value");
	rs = i < len ? i + 1 : len;
	re = len;
	while (rs < re && blank(line[rs]))
		rs++;
	while (re > rs && blank(line[re - 1]))
		re--;
	if (re - rs > REASON_MAX)
		return kri_fail(why, whylen, "the reason is longer than %d bytes", REASON_MAX);
	norm = malloc(ve - vs + KR_IND_OUT_EXTRA);
	if (!norm)
		return KR_EINTERNAL;
	if (kr_ind_normalise(t, line + vs, ve - vs, norm, ve - vs + KR_IND_OUT_EXTRA, vwhy,
	                     sizeof(vwhy)) != KR_OK) {
		free(norm);
		return kri_fail(why, whylen, "%s '%.*s': %s", type,
		                (int)kr_utf8_cut(line + vs, ve - vs, 64), line + vs, vwhy);
	}
	e.t = t;
	e.value = norm;
	e.why = re > rs ? dup_n(line + rs, re - rs) : dup_n(REASON_DEFAULT, strlen(REASON_DEFAULT));
	value_net(t, norm, strlen(norm), &e.net);
	if (e.why && list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct entry *v = realloc(list->v, cap * sizeof(*v));

		if (v) {
			list->v = v;
			list->cap = cap;
		}
	}
	if (!e.why || list->n == list->cap) {
		free(e.value);
		free(e.why);
		return KR_EINTERNAL;
	}
	list->v[list->n++] = e;
	return KR_OK;
}
