/*
 * url.c - parse wss:// and ws:// hub addresses (see url.h).
 */
#include "url.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *prefix;
	bool tls;
	int port;
} url_schemes[] = {
    {"wss://", true, 443},
    {"ws://", false, 80},
};

/* Match the scheme; returns the text after "://" or NULL. */
static const char *url_scheme(const char *text, struct url *u)
{
	for (size_t i = 0; i < sizeof(url_schemes) / sizeof(url_schemes[0]); i++) {
		size_t n = strlen(url_schemes[i].prefix);

		if (strncmp(text, url_schemes[i].prefix, n) == 0) {
			u->tls = url_schemes[i].tls;
			u->port = url_schemes[i].port;
			return text + n;
		}
	}
	return NULL;
}

/* Parse ":PORT" digits ending at '/' or the end; returns the rest or NULL. */
static const char *url_port(const char *p, int *port)
{
	long v = 0;
	const char *start = p;

	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p - '0');
		if (v > 65535)
			return NULL;
		p++;
	}
	if (p == start || v < 1 || (*p && *p != '/'))
		return NULL;
	*port = (int)v;
	return p;
}

bool url_parse(const char *text, struct url *u, char *err, size_t errlen)
{
	const char *p, *host, *end;
	size_t hlen;
	bool v6 = false, ok = false;

	memset(u, 0, sizeof(*u));
	p = url_scheme(text, u);
	if (!p) {
		snprintf(err, errlen, "unsupported URL '%s': use wss://HOST:PORT or ws://HOST:PORT",
		         text);
		goto out;
	}
	host = p;
	if (*p == '[') {
		v6 = true;
		host = ++p;
		end = strchr(p, ']');
		if (!end) {
			snprintf(err, errlen, "URL '%s': missing ']' after the IPv6 address", text);
			goto out;
		}
		p = end + 1;
	} else {
		end = p + strcspn(p, ":/?#");
		p = end;
	}
	hlen = (size_t)(end - host);
	if (hlen == 0 || hlen > URL_HOST_MAX || memchr(host, '@', hlen)) {
		snprintf(err, errlen, "URL '%s': missing or invalid host", text);
		goto out;
	}
	memcpy(u->host, host, hlen);
	u->host[hlen] = '\0';
	if (*p == ':') {
		p = url_port(p + 1, &u->port);
		if (!p) {
			snprintf(err, errlen, "URL '%s': the port must be a number from 1 to 65535",
			         text);
			goto out;
		}
	}
	if (*p && *p != '/') {
		snprintf(err, errlen, "URL '%s': unexpected '%c' after the host", text, *p);
		goto out;
	}
	if (strlen(p) > URL_PATH_MAX) {
		snprintf(err, errlen, "URL '%s': the path is too long", text);
		goto out;
	}
	snprintf(u->path, sizeof(u->path), "%s", *p ? p : "/");
	snprintf(u->authority, sizeof(u->authority), v6 ? "[%s]:%d" : "%s:%d", u->host, u->port);
	ok = true;
out:
	return ok;
}
