/*
 * web.h - the web client's static files, served on the hub's own port.
 *
 * The page (client/web/: HTML, CSS, plain ES modules) is compiled into the
 * hub at build time by hub/web_embed.cmake, so a running hub reads no
 * files for it and serves exactly what was built. Two kinds of path are
 * the web client's: `/` (index.html) and `/app/NAME`, where NAME is the
 * exact name of an embedded file. A path is never mapped onto the file
 * system, so there is nothing to traverse: any other spelling (`..`, `//`,
 * a trailing slash, a different case, an encoded byte) names no asset and
 * is 404.
 *
 * Every reply of these routes carries the page's Content-Security-Policy
 * (WEB_CSP: scripts, styles and images from this origin only, websockets
 * to this origin only, no inline code, Trusted Types so that no string
 * ever becomes markup, no framing) and is cached only with revalidation:
 * `Cache-Control: no-cache` with a strong ETag (a prefix of the file's
 * SHA-256), answered `304` when `If-None-Match` holds it.
 *
 * Not here: what the page does (client/web/), the websocket protocol it
 * speaks (schema/PROTOCOL.md), the headers every HTTP reply carries
 * (http.c).
 */
#ifndef KR_WEB_H
#define KR_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

/* One embedded file of client/web/. */
struct kr_web_asset {
	const char *name;          /* "app.js": the file name, [A-Za-z0-9._-] */
	const unsigned char *data; /* its bytes (followed by a NUL not counted in len) */
	size_t len;
	const char *etag; /* "\"<32 hex digits>\"", quoted as it goes on the wire */
};

/* The embedded files in name order (generated: web_assets.c). */
extern const struct kr_web_asset kr_web_assets[];
extern const size_t kr_web_assets_count;

/* The policy of every page and asset reply. connect-src 'self' admits
 * wss:// to this host and port only (CSP Level 3: 'self' matches the
 * secure websocket scheme of an https origin). */
#define WEB_CSP                                                                                    \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "                \
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "        \
	"require-trusted-types-for 'script'; trusted-types 'none'"

/* The path prefix of the assets; "/" alone is index.html. */
#define WEB_PREFIX "/app/"

/* The asset the request path names, or NULL: "/" is index.html, "/app/NAME"
 * the asset named exactly NAME; every other path (including "/app/",
 * "/app/x/y", "/app/../x") is NULL. */
const struct kr_web_asset *web_asset_for_path(const char *path);

/* The Content-Type for a file name, by its extension (.html, .css, .js,
 * .svg); NULL for any other. */
const char *web_content_type(const char *name);

/* Whether an If-None-Match header value (a comma-separated list of entity
 * tags, weak ones W/"..." included, or "*") matches etag (quoted), by the
 * weak comparison RFC 9110 prescribes for If-None-Match. NULL: false. */
bool web_etag_matches(const char *if_none_match, const char *etag);

/* The route handler for "/" and "/app/". */
int web_http(struct kr_http_req *q);

#endif
