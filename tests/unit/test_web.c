/*
 * test_web.c - the web client's static files (hub/web.h): which paths name
 * an asset (exact names only, so no spelling reaches anything else), the
 * content type of every embedded file, the embedded bytes and ETags against
 * client/web/ on disk, and If-None-Match matching.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "check.h"
#include "web.h"

static void test_paths(void)
{
	static const struct {
		const char *path, *asset; /* NULL: no asset */
	} rows[] = {
	    {"/", "index.html"},
	    {"/app/index.html", "index.html"},
	    {"/app/app.js", "app.js"},
	    {"/app/app.css", "app.css"},
	    {"/app/favicon.svg", "favicon.svg"},
	    {"", NULL},
	    {"//", NULL},
	    {"/index.html", NULL},
	    {"/app", NULL},
	    {"/app/", NULL},
	    {"/app//app.js", NULL},
	    {"/app/./app.js", NULL},
	    {"/app/../app/app.js", NULL},
	    {"/app/../../etc/passwd", NULL},
	    {"/app/..%2f..%2fetc%2fpasswd", NULL},
	    {"/app/%2e%2e/%2e%2e/etc/passwd", NULL},
	    {"/app/..\\..\\etc\\passwd", NULL},
	    {"/app/app.js/", NULL},
	    {"/app/app.js/x", NULL},
	    {"/app/APP.JS", NULL},
	    {"/app/app.js%00.html", NULL},
	    {"/app/app.js ", NULL},
	    {"/app/.git/config", NULL},
	    {"/app/README.md", NULL},
	    {"/app/nope.js", NULL},
	    {"/appx/app.js", NULL},
	    {"/APP/app.js", NULL},
	    {"app/app.js", NULL},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct kr_web_asset *a = web_asset_for_path(rows[i].path);

		check_case(rows[i].path);
		if (rows[i].asset)
			CHECK(a != NULL && strcmp(a->name, rows[i].asset) == 0);
		else
			CHECK(a == NULL);
	}
	check_case("NULL");
	CHECK(web_asset_for_path(NULL) == NULL);
	check_case(NULL);
}

static void test_types(void)
{
	static const struct {
		const char *name, *type;
	} rows[] = {
	    {"index.html", "text/html; charset=utf-8"},
	    {"app.css", "text/css; charset=utf-8"},
	    {"app.js", "text/javascript; charset=utf-8"},
	    {"favicon.svg", "image/svg+xml"},
	    {"README.md", NULL},
	    {"app.js.map", NULL},
	    {"html", NULL},
	    {"x.HTML", NULL},
	    {"", NULL},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *t = web_content_type(rows[i].name);

		check_case(rows[i].name);
		if (rows[i].type)
			CHECK(t != NULL && strcmp(t, rows[i].type) == 0);
		else
			CHECK(t == NULL);
	}
	check_case(NULL);
	CHECK(web_content_type(NULL) == NULL);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Every embedded asset is the file in client/web, byte for byte, with its
 * SHA-256 prefix as ETag and a content type; every servable file there is
 * embedded; names are sorted and plain. */
static void test_embedded(void)
{
	char dir[4096], path[8192], etag[64];
	size_t servable = 0;
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/client/web", KAIRAN_SOURCE_DIR);
	CHECK(kr_web_assets_count >= 10);
	for (size_t i = 0; i < kr_web_assets_count; i++) {
		const struct kr_web_asset *a = &kr_web_assets[i];
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;
		size_t len = 0;
		char *disk;

		check_case(a->name);
		CHECK(web_content_type(a->name) != NULL);
		CHECK(strspn(a->name,
		             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
		      strlen(a->name));
		CHECK(a->name[0] != '.');
		if (i > 0)
			CHECK(strcmp(kr_web_assets[i - 1].name, a->name) < 0);
		snprintf(path, sizeof(path), "%s/%s", dir, a->name);
		disk = slurp(path, &len);
		CHECK(disk != NULL);
		if (!disk)
			continue;
		CHECK_EQ_INT(a->len, len);
		CHECK(a->len == len && memcmp(a->data, disk, len) == 0);
		CHECK(a->data[a->len] == '\0');
		CHECK(EVP_Digest(disk, len, md, &mdlen, EVP_sha256(), NULL) == 1);
		etag[0] = '"';
		for (unsigned int b = 0; b < 16; b++)
			snprintf(etag + 1 + 2 * b, 3, "%02x", md[b]);
		etag[33] = '"';
		etag[34] = '\0';
		CHECK_STREQ(a->etag, etag);
		free(disk);
	}
	check_case(NULL);
	d = opendir(dir);
	CHECK(d != NULL);
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !web_content_type(e->d_name))
			continue;
		servable++;
		check_case(e->d_name);
		snprintf(path, sizeof(path), "/app/%s", e->d_name);
		CHECK(web_asset_for_path(path) != NULL);
	}
	check_case(NULL);
	if (d)
		closedir(d);
	CHECK_EQ_INT(servable, kr_web_assets_count);
}

static void test_etags(void)
{
	static const struct {
		const char *header;
		bool match;
	} rows[] = {
	    {"\"abc\"", true},
	    {"W/\"abc\"", true},
	    {"\"x\", \"abc\"", true},
	    {"\"x\",W/\"abc\"", true},
	    {" \"abc\" ", true},
	    {"*", true},
	    {" * ", true},
	    {"*x", false},
	    {"\"abcd\"", false},
	    {"\"ab\"", false},
	    {"abc", false},
	    {"\"abc", false},
	    {"", false},
	    {"\"\"", false},
	    {"W/abc", false},
	    {"\"x\" junk \"abc\"", false},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		check_case(rows[i].header);
		CHECK(web_etag_matches(rows[i].header, "\"abc\"") == rows[i].match);
	}
	check_case(NULL);
	CHECK(!web_etag_matches(NULL, "\"abc\""));
	CHECK(!web_etag_matches("\"abc\"", NULL));
}

int main(void)
{
	test_paths();
	test_types();
	test_embedded();
	test_etags();
	return check_finish();
}
