/*
 * clientip.h - which address a connection comes from: the TCP peer, or,
 * when the peer is one of the operator's trusted reverse proxies (the
 * trusted_proxies setting: CIDRs), the address the proxies report in
 * X-Forwarded-For.
 *
 * X-Forwarded-For is a list each proxy appends its own peer to, so only its
 * right end is vouched for: walking from the TCP peer leftwards, every hop
 * that is a trusted proxy is skipped and the first address that is not one
 * is the client. Anything a client writes itself sits further left and is
 * never believed; without trusted proxies the header is ignored altogether.
 * An entry that is not an IP address where the walk needs one makes the
 * client unknown (""), never a guess.
 *
 * IPv4-mapped IPv6 addresses ("::ffff:192.0.2.1", as libwebsockets reports
 * IPv4 peers on a dual-stack socket) are written as IPv4.
 *
 * Pure (no I/O) except clientip_of(), which reads the peer and the header
 * of a libwebsockets connection. Used to guess a reader's prefecture
 * (events `near`); never for access decisions.
 */
#ifndef KR_CLIENTIP_H
#define KR_CLIENTIP_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>

#include "kr_error.h"

#define KR_CLIENTIP_MAX 64 /* room for any address as text */

struct kr_proxies;

/*
 * Parse a comma-separated list of addresses and CIDRs ("127.0.0.1,
 * 10.0.0.0/8, ::1, 2001:db8::/32"; spaces allowed). NULL or "" is an empty
 * list (nobody trusted). KR_EINVAL with err naming the bad entry;
 * KR_EINTERNAL on memory. *out: free with clientip_free().
 */
enum kr_err clientip_parse_proxies(const char *spec, struct kr_proxies **out, char *err,
                                   size_t errlen);

void clientip_free(struct kr_proxies *p);

/* Whether addr (text) is inside one of the trusted ranges. */
bool clientip_trusted(const struct kr_proxies *p, const char *addr);

/*
 * The client's address (normalised text) into out: the peer when it is not
 * trusted (or p is NULL or empty); otherwise the right-most entry of xff
 * (may be NULL) that is not trusted, or its left-most when all are. "" when
 * an entry the walk reaches is not an address, or the peer is not one.
 */
void clientip_resolve(const struct kr_proxies *p, const char *peer, const char *xff, char *out,
                      size_t outlen);

/* clientip_resolve() for a connection: its peer and X-Forwarded-For header
 * (read while the handshake's headers are still there). */
void clientip_of(const struct kr_proxies *p, struct lws *wsi, char *out, size_t outlen);

#endif
