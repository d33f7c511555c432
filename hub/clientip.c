/*
 * clientip.c - the client's address behind trusted proxies (see clientip.h).
 */
#include "clientip.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XFF_MAX     2048
#define ENTRIES_MAX 64

struct range {
	unsigned char addr[16];
	int bits;
	bool v6;
};

struct kr_proxies {
	struct range *r;
	size_t n;
};

/* Parse an address (IPv4, IPv6, IPv4-mapped IPv6 as IPv4). */
static bool parse_addr(const char *s, unsigned char addr[16], bool *v6)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (inet_pton(AF_INET, s, addr) == 1) {
		*v6 = false;
		return true;
	}
	if (inet_pton(AF_INET6, s, addr) != 1)
		return false;
	*v6 = memcmp(addr, mapped, 12) != 0;
	if (!*v6)
		memmove(addr, addr + 12, 4);
	return true;
}

static bool in_range(const struct range *r, const unsigned char *addr, bool v6)
{
	int full = r->bits / 8, rest = r->bits % 8;

	if (r->v6 != v6 || memcmp(r->addr, addr, (size_t)full) != 0)
		return false;
	return rest == 0 || ((r->addr[full] ^ addr[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

/* Copy s[0..n) trimmed of blanks into out; false when it does not fit. */
static bool trimmed(const char *s, size_t n, char *out, size_t outlen)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= outlen)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

enum kr_err clientip_parse_proxies(const char *spec, struct kr_proxies **out, char *err,
                                   size_t errlen)
{
	struct kr_proxies *p = calloc(1, sizeof(*p));
	const char *s = spec ? spec : "";

	*out = NULL;
	if (!p)
		return KR_EINTERNAL;
	while (*s) {
		const char *comma = strchr(s, ',');
		const char *e0 = s;
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		char entry[80], *slash = NULL;
		struct range r = {{0}, 0, false};
		struct range *g;
		bool ok = trimmed(s, n, entry, sizeof(entry));

		s += n + (comma ? 1 : 0);
		if (ok && !entry[0] && !comma)
			break; /* nothing after a trailing comma, or only blanks */
		if (ok && (slash = strchr(entry, '/')) != NULL)
			*slash = '\0';
		ok = ok && parse_addr(entry, r.addr, &r.v6);
		r.bits = r.v6 ? 128 : 32;
		if (ok && slash) {
			char *end;
			long bits = strtol(slash + 1, &end, 10);

			ok = slash[1] && !*end && bits >= 0 && bits <= r.bits;
			r.bits = (int)bits;
		}
		if (!ok) {
			snprintf(err, errlen, "trusted_proxies: '%.*s' is not an address or CIDR",
			         (int)(n > 60 ? 60 : n), e0);
			clientip_free(p);
			return KR_EINVAL;
		}
		g = realloc(p->r, (p->n + 1) * sizeof(*g));
		if (!g) {
			clientip_free(p);
			return KR_EINTERNAL;
		}
		p->r = g;
		p->r[p->n++] = r;
	}
	*out = p;
	return KR_OK;
}

void clientip_free(struct kr_proxies *p)
{
	if (!p)
		return;
	free(p->r);
	free(p);
}

static bool trusted(const struct kr_proxies *p, const unsigned char *addr, bool v6)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (in_range(&p->r[i], addr, v6))
			return true;
	return false;
}

bool clientip_trusted(const struct kr_proxies *p, const char *addr)
{
	unsigned char a[16];
	bool v6;

	return addr && parse_addr(addr, a, &v6) && trusted(p, a, v6);
}

/* addr as normalised text into out. */
static void unparse(const unsigned char *addr, bool v6, char *out, size_t outlen)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, addr, buf, sizeof(buf)))
		buf[0] = '\0';
	snprintf(out, outlen, "%s", buf);
}

void clientip_resolve(const struct kr_proxies *p, const char *peer, const char *xff, char *out,
                      size_t outlen)
{
	const char *starts[ENTRIES_MAX];
	size_t lens[ENTRIES_MAX], n = 0;
	unsigned char addr[16];
	bool v6;

	out[0] = '\0';
	if (!peer || !parse_addr(peer, addr, &v6))
		return;
	if (!trusted(p, addr, v6) || !xff) {
		unparse(addr, v6, out, outlen);
		return;
	}
	/* Split the header; more entries than we keep: the leftmost are dropped,
	 * which only matters when every hop to their right is trusted. */
	for (const char *s = xff; *s;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		if (n == ENTRIES_MAX) {
			memmove(starts, starts + 1, (ENTRIES_MAX - 1) * sizeof(*starts));
			memmove(lens, lens + 1, (ENTRIES_MAX - 1) * sizeof(*lens));
			n--;
		}
		starts[n] = s;
		lens[n++] = len;
		s += len + (comma ? 1 : 0);
	}
	while (n--) {
		char entry[KR_CLIENTIP_MAX];

		if (!trimmed(starts[n], lens[n], entry, sizeof(entry)) ||
		    !parse_addr(entry, addr, &v6))
			return; /* not an address where one is needed: unknown */
		if (!trusted(p, addr, v6))
			break;
	}
	unparse(addr, v6, out, outlen); /* the first untrusted, or the left-most */
}

void clientip_of(const struct kr_proxies *p, struct lws *wsi, char *out, size_t outlen)
{
	char peer[KR_CLIENTIP_MAX], xff[XFF_MAX];
	int total;

	out[0] = '\0';
	if (!lws_get_peer_simple(wsi, peer, sizeof(peer)))
		return;
	if (!clientip_trusted(p, peer)) {
		clientip_resolve(p, peer, NULL, out, outlen);
		return;
	}
	total = lws_hdr_total_length(wsi, WSI_TOKEN_X_FORWARDED_FOR);
	if (total >= (int)sizeof(xff))
		return; /* a header this long from a proxy: unknown */
	if (total > 0 && lws_hdr_copy(wsi, xff, sizeof(xff), WSI_TOKEN_X_FORWARDED_FOR) < 0)
		return;
	clientip_resolve(p, peer, total > 0 ? xff : NULL, out, outlen);
}
