/*
 * web.c - the web client's static files (see web.h).
 */
#include "web.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"

#define INDEX_NAME "index.html"

static const struct {
	const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *web_content_type(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;

	for (size_t i = 0; dot && i < N(types); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

static const struct kr_web_asset *by_name(const char *name)
{
	for (size_t i = 0; i < kr_web_assets_count; i++)
		if (strcmp(kr_web_assets[i].name, name) == 0)
			return &kr_web_assets[i];
	return NULL;
}

const struct kr_web_asset *web_asset_for_path(const char *path)
{
	size_t pre = strlen(WEB_PREFIX);

	if (!path)
		return NULL;
	if (strcmp(path, "/") == 0)
		return by_name(INDEX_NAME);
	if (strncmp(path, WEB_PREFIX, pre) != 0 || path[pre] == '\0')
		return NULL;
	/* Only the exact name of an embedded file: names are [A-Za-z0-9._-]
	 * (web_embed.cmake), so a '/', '\\', '%' or NUL never matches one. */
	return by_name(path + pre);
}

/* The next entity tag of an If-None-Match list at *p: its opaque part
 * (between the quotes, W/ dropped) in [*tag, *tag + *len); false at the end
 * or on anything malformed. */
static bool next_tag(const char **p, const char **tag, size_t *len)
{
	const char *s = *p, *end;

	while (*s == ' ' || *s == '\t' || *s == ',')
		s++;
	if (*s == '\0')
		return false;
	if (s[0] == 'W' && s[1] == '/')
		s += 2;
	if (*s != '"')
		return false;
	end = strchr(s + 1, '"');
	if (!end)
		return false;
	*tag = s + 1;
	*len = (size_t)(end - s - 1);
	*p = end + 1;
	return true;
}

bool web_etag_matches(const char *if_none_match, const char *etag)
{
	const char *p = if_none_match, *tag, *want;
	size_t len, want_len;

	if (!p || !etag)
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '*' && p[strspn(p + 1, " \t") + 1] == '\0')
		return true;
	want = etag[0] == '"' ? etag + 1 : etag;
	want_len = strlen(want);
	if (want_len > 0 && want[want_len - 1] == '"')
		want_len--;
	while (next_tag(&p, &tag, &len))
		if (len == want_len && memcmp(tag, want, len) == 0)
			return true;
	return false;
}

/* The headers of every page and asset reply, and of the 404 of these
 * routes; etag and cache-control are added per reply. */
static const struct kr_http_header page_headers[] = {
    {"content-security-policy:", WEB_CSP},
    {"x-frame-options:", "DENY"},
    {"cross-origin-opener-policy:", "same-origin"},
    {"cross-origin-resource-policy:", "same-origin"},
    {"permissions-policy:", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"},
};

#define N_PAGE N(page_headers)

static char *copy_body(const void *data, size_t len)
{
	char *body = malloc(LWS_PRE + len + 1);

	if (body && len)
		memcpy(body + LWS_PRE, data, len);
	return body;
}

int web_http(struct kr_http_req *q)
{
	const struct kr_web_asset *a = web_asset_for_path(q->path);
	struct kr_http_header hdrs[N_PAGE + 2];
	static const char not_found[] = "not found\n";
	char inm[512];
	char *body;

	memcpy(hdrs, page_headers, sizeof(page_headers));
	if (!a || !web_content_type(a->name)) {
		body = copy_body(not_found, sizeof(not_found) - 1);
		if (!body)
			return -1;
		return http_reply(q, HTTP_STATUS_NOT_FOUND, "text/plain; charset=utf-8", body,
		                  sizeof(not_found) - 1, hdrs, N_PAGE);
	}
	hdrs[N_PAGE] = (struct kr_http_header){"cache-control:", "no-cache"};
	hdrs[N_PAGE + 1] = (struct kr_http_header){"etag:", a->etag};
	if (http_header(q, WSI_TOKEN_HTTP_IF_NONE_MATCH, inm, sizeof(inm)) > 0 &&
	    web_etag_matches(inm, a->etag)) {
		body = copy_body(NULL, 0);
		if (!body)
			return -1;
		return http_reply(q, HTTP_STATUS_NOT_MODIFIED, web_content_type(a->name), body, 0,
		                  hdrs, N_PAGE + 2);
	}
	body = copy_body(a->data, a->len);
	if (!body) {
		kr_log(KR_LOG_ERROR, "web %s: out of memory", q->path);
		return -1;
	}
	return http_reply(q, HTTP_STATUS_OK, web_content_type(a->name), body, a->len, hdrs,
	                  N_PAGE + 2);
}
