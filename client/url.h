/*
 * url.h - parse the hub address given to `kairan --url`.
 *
 * Only websocket URLs are accepted: wss://HOST[:PORT][/PATH] (TLS, default
 * port 443) and ws://HOST[:PORT][/PATH] (plain, default port 80). HOST may be
 * a name, an IPv4 address or a bracketed IPv6 address. User information
 * ("user@host") is refused: credentials travel in the `auth` message only.
 */
#ifndef KAIRAN_URL_H
#define KAIRAN_URL_H

#include <stdbool.h>
#include <stddef.h>

#define URL_HOST_MAX 255
#define URL_PATH_MAX 1024

struct url {
	bool tls;                         /* wss:// */
	int port;                         /* 1-65535 */
	char host[URL_HOST_MAX + 1];      /* without brackets for IPv6 */
	char authority[URL_HOST_MAX + 9]; /* host[:port] as sent in the Host header */
	char path[URL_PATH_MAX + 1];      /* starts with '/' */
};

/*
 * Parse text into *u. Returns true on success; on failure returns false and
 * writes a message for people naming the problem into err.
 */
bool url_parse(const char *text, struct url *u, char *err, size_t errlen);

#endif
