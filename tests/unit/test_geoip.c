/*
 * test_geoip.c - the GeoIP module against MaxMind's own test databases
 * (tests/data/maxmind-test-data) and the small Japanese ones
 * tests/tools/make_mmdb.pl writes: lookups of IPv4 and IPv6 addresses,
 * strict address parsing, bounded copies, the `geo` object and indicator
 * enrichment; missing files, databases of the wrong type and every corrupt
 * file MaxMind ships refused with the file and libmaxminddb's reason, the
 * previous database kept; corruption met during lookups logged and the
 * database dropped. Runs under ASan/UBSan like every unit test.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "geoip.h"
#include "utf8.h"

#define MM_DATA KAIRAN_SOURCE_DIR "/tests/data/maxmind-test-data/test-data/"
#define MM_BAD  KAIRAN_SOURCE_DIR "/tests/data/maxmind-test-data/bad-data/libmaxminddb/"

static char tmpdir[] = "/tmp/kairan-geoip-XXXXXX";
static char gen_city[512], gen_asn[512];

/* ---- helpers ------------------------------------------------------------ */

static void path_in(char *out, size_t n, const char *dir, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static bool copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[8192];
	size_t n;
	bool ok = in && out;

	while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		ok = fwrite(buf, 1, n, out) == n;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		ok = false;
	return ok;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Overwrite len bytes at off of path, in place (the file keeps its inode,
 * so a database mapped from it sees the change). */
static bool scribble(const char *path, long off, long len, unsigned char byte)
{
	int fd = open(path, O_WRONLY);
	unsigned char buf[4096];
	bool ok = fd >= 0 && lseek(fd, off, SEEK_SET) == off;

	memset(buf, byte, sizeof(buf));
	while (ok && len > 0) {
		size_t n = len > (long)sizeof(buf) ? sizeof(buf) : (size_t)len;

		ok = write(fd, buf, n) == (ssize_t)n;
		len -= (long)n;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

/* stderr (the hub's log) captured into a file while a test step runs. */
struct capture {
	int saved;
	char path[600];
};

static void capture_start(struct capture *c)
{
	int fd;

	path_in(c->path, sizeof(c->path), tmpdir, "stderr.txt");
	fflush(stderr);
	c->saved = dup(2);
	fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
}

/* Stop capturing; the captured text (malloc'd, NUL-terminated). */
static char *capture_end(struct capture *c)
{
	FILE *f;
	char *text = calloc(1, 65536);

	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	f = fopen(c->path, "r");
	if (f && text)
		(void)!fread(text, 1, 65535, f);
	if (f)
		fclose(f);
	return text;
}

static bool contains(const char *hay, const char *needle)
{
	return hay && needle && strstr(hay, needle) != NULL;
}

/* ---- lookups -------------------------------------------------------------- */

struct lookup_row {
	const char *ip;
	bool found;
	const char *country, *subdivision; /* "" when absent */
	uint32_t asn;                      /* 0 when absent */
	const char *as_org;                /* "" when absent */
};

static void check_lookups(struct kr_geoip *g, const struct lookup_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct lookup_row *r = &rows[i];
		struct kr_geo geo;

		check_case(r->ip);
		memset(&geo, 0x5A, sizeof(geo)); /* lookup must clear it */
		CHECK(geoip_lookup(g, r->ip, &geo) == r->found);
		CHECK_STREQ(geo.country, r->country);
		CHECK(geo.has_country == (r->country[0] != '\0'));
		CHECK_STREQ(geo.subdivision, r->subdivision);
		CHECK(geo.has_subdivision == (r->subdivision[0] != '\0'));
		CHECK_EQ_INT(geo.asn, r->asn);
		CHECK(geo.has_asn == (r->asn != 0));
		CHECK_STREQ(geo.as_org, r->as_org);
	}
	check_case(NULL);
}

/* MaxMind's test databases (values as SOURCE.txt and MaxMind's source JSON
 * give them). */
static const struct lookup_row maxmind_rows[] = {
    {"81.2.69.142", true, "GB", "GB-ENG", 0, ""},
    {"216.160.83.56", true, "US", "US-WA", 209, ""}, /* ASN without an organisation */
    {"175.16.199.0", true, "CN", "CN-22", 0, ""},
    {"1.128.0.1", true, "", "", 1221, "Telstra Pty Ltd"},
    {"1.159.255.255", true, "", "", 1221, "Telstra Pty Ltd"}, /* end of 1.128.0.0/11 */
    {"89.160.20.112", true, "SE", "SE-E", 29518, "Bredband2 AB"},
    {"2001:218::1", true, "JP", "", 0, ""}, /* country, no subdivision */
    {"2c0f:ff00::1", true, "", "", 237, "Merit Network Inc."},
    {"::ffff:81.2.69.142", true, "GB", "GB-ENG", 0, ""}, /* IPv4-mapped */
    {"::81.2.69.142", true, "GB", "GB-ENG", 0, ""},      /* IPv4-compatible */
    {"8.8.8.8", false, "", "", 0, ""},
    {"2001:db8::1", false, "", "", 0, ""},
};

/* The Japanese databases of tests/tools/make_mmdb.pl. */
static const struct lookup_row japan_rows[] = {
    {"203.0.113.5", true, "JP", "JP-13", 2497, "Internet Initiative Japan Inc."},
    {"198.51.100.23", true, "JP", "JP-14", 4713, "NTT Communications Corporation"},
    {"2001:db8:27::1", true, "JP", "JP-27", 2516, "KDDI CORPORATION"},
    {"2001:DB8:27:0:0:0:0:ab", true, "JP", "JP-27", 2516, "KDDI CORPORATION"},
    {"::ffff:203.0.113.200", true, "JP", "JP-13", 2497, "Internet Initiative Japan Inc."},
    {"203.0.114.1", false, "", "", 0, ""},
    {"2001:db8:28::1", false, "", "", 0, ""},
};

/* Not an address: nothing is looked up. */
static const char *const not_ips[] = {
    "",
    "1",
    "1.2.3",
    "01.2.3.4",
    "1.2.3.4.5",
    "256.1.1.1",
    "0x7f.0.0.1",
    " 203.0.113.5",
    "203.0.113.5 ",
    "203.0.113.5:443",
    "203.0.113.5/24",
    "[2001:db8:27::1]",
    "2001:db8:27::1%eth0",
    "2001:db8:27::g",
    "2001:db8:27:::1",
    "203[.]0[.]113[.]5",
    "www.example.jp",
    "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255.255",
    "203.0.113.5\n",
};

static void test_maxmind_lookups(void)
{
	struct kr_geoip *g = geoip_new();
	char err[512];

	CHECK_NOT_NULL(g);
	CHECK(geoip_load(g, KR_GEOIP_CITY, MM_DATA "GeoIP2-City-Test.mmdb", err, sizeof(err)) ==
	      KR_GEOIP_LOADED);
	CHECK(geoip_load(g, KR_GEOIP_ASN, MM_DATA "GeoLite2-ASN-Test.mmdb", err, sizeof(err)) ==
	      KR_GEOIP_LOADED);
	CHECK(geoip_has(g, KR_GEOIP_CITY) && geoip_has(g, KR_GEOIP_ASN));
	check_lookups(g, maxmind_rows, CHECK_N(maxmind_rows));

	/* GeoLite2-City and a Country database fill the same slot. */
	CHECK(geoip_load(g, KR_GEOIP_CITY, MM_DATA "GeoLite2-City-Test.mmdb", err, sizeof(err)) ==
	      KR_GEOIP_LOADED);
	check_lookups(g, maxmind_rows, 3);
	CHECK(geoip_load(g, KR_GEOIP_CITY, MM_DATA "GeoLite2-Country-Test.mmdb", err,
	                 sizeof(err)) == KR_GEOIP_LOADED);
	{
		static const struct lookup_row country_only[] = {
		    {"81.2.69.142", true, "GB", "", 0, ""},
		    {"2001:480::1", true, "US", "", 0, ""},
		    {"1.128.0.1", true, "", "", 1221, "Telstra Pty Ltd"},
		};
		check_lookups(g, country_only, CHECK_N(country_only));
	}
	geoip_free(g);
}

static void test_japan_lookups(void)
{
	struct kr_geoip *g = geoip_new();
	struct kr_geo geo;
	char err[512];
	size_t len;

	CHECK(geoip_load(g, KR_GEOIP_CITY, gen_city, err, sizeof(err)) == KR_GEOIP_LOADED);
	CHECK(geoip_load(g, KR_GEOIP_ASN, gen_asn, err, sizeof(err)) == KR_GEOIP_LOADED);
	check_lookups(g, japan_rows, CHECK_N(japan_rows));

	/* registered_country stands in when there is no country. */
	CHECK(geoip_lookup(g, "192.0.2.1", &geo));
	CHECK_STREQ(geo.country, "JP");
	CHECK(!geo.has_subdivision && geo.subdivision[0] == '\0');
	/* A 200-byte organisation is cut to fit, at a character boundary. */
	CHECK_EQ_INT(geo.asn, 64500);
	len = strlen(geo.as_org);
	CHECK(len < sizeof(geo.as_org));
	CHECK_EQ_INT(len, 2 + 3 * 41); /* "X " and 41 three-byte characters */
	CHECK(kr_utf8_valid(geo.as_org, len));
	CHECK(strncmp(geo.as_org, "X 回覧回覧", strlen("X 回覧回覧")) == 0);

	for (size_t i = 0; i < CHECK_N(not_ips); i++) {
		check_case(not_ips[i]);
		CHECK(!geoip_lookup(g, not_ips[i], &geo));
		CHECK(!geo.has_country && !geo.has_asn && geo.country[0] == '\0');
	}
	check_case(NULL);
	CHECK(!geoip_lookup(g, NULL, &geo));
	CHECK(!geoip_lookup(NULL, "203.0.113.5", &geo));
	{
		char huge[4096];

		memset(huge, '1', sizeof(huge) - 1);
		huge[sizeof(huge) - 1] = '\0';
		CHECK(!geoip_lookup(g, huge, &geo));
	}
	geoip_free(g);
}

/* Only one of the two databases: the other's fields stay empty. */
static void test_one_database(void)
{
	struct kr_geoip *g = geoip_new();
	struct kr_geo geo;
	char err[512];

	CHECK(geoip_load(g, KR_GEOIP_ASN, gen_asn, err, sizeof(err)) == KR_GEOIP_LOADED);
	CHECK(!geoip_has(g, KR_GEOIP_CITY));
	CHECK(geoip_lookup(g, "203.0.113.5", &geo));
	CHECK(!geo.has_country && geo.has_asn && geo.asn == 2497);
	CHECK(geoip_load(g, KR_GEOIP_CITY, gen_city, err, sizeof(err)) == KR_GEOIP_LOADED);
	CHECK(geoip_load(g, KR_GEOIP_ASN, NULL, err, sizeof(err)) == KR_GEOIP_UNSET);
	CHECK(!geoip_has(g, KR_GEOIP_ASN));
	CHECK(geoip_lookup(g, "203.0.113.5", &geo));
	CHECK(geo.has_country && !geo.has_asn && geo.asn == 0 && geo.as_org[0] == '\0');
	CHECK(geoip_load(g, KR_GEOIP_CITY, "", err, sizeof(err)) == KR_GEOIP_UNSET);
	CHECK(!geoip_lookup(g, "203.0.113.5", &geo));
	geoip_free(g);
	geoip_free(NULL);
}

/* ---- the geo object and enrichment ---------------------------------------- */

static void test_enrich(void)
{
	struct kr_geoip *g = geoip_new();
	char err[512], *text;
	json_t *inds;
	struct kr_geo none = {0};

	CHECK_NULL(geoip_indicator_geo(&none));
	inds = json_loads("[{\"type\":\"ipv4\",\"value\":\"203.0.113.5\",\"role\":\"attacker\"},"
	                  "{\"type\":\"ipv6\",\"value\":\"2001:db8:27::1\",\"role\":\"unknown\"},"
	                  "{\"type\":\"ipv4\",\"value\":\"8.8.8.8\",\"role\":\"attacker\"},"
	                  "{\"type\":\"cidr\",\"value\":\"203.0.113.0/24\",\"role\":\"attacker\"},"
	                  "{\"type\":\"domain\",\"value\":\"203.0.113.5\",\"role\":\"attacker\"},"
	                  "{\"type\":\"ipv4\",\"value\":\"not an address\",\"role\":\"attacker\"},"
	                  "{\"type\":\"ipv4\",\"value\":\"192.0.2.9\",\"role\":\"attacker\"},"
	                  "{\"type\":\"ipv4\",\"value\":\"198.51.100.23\",\"role\":\"attacker\","
	                  "\"geo\":{\"country\":\"XX\"}}]",
	                  0, NULL);
	CHECK_NOT_NULL(inds);
	CHECK_EQ_INT(geoip_enrich(g, inds), 0); /* no database: nothing changes */
	CHECK_EQ_INT(geoip_enrich(NULL, inds), 0);
	CHECK_NULL(json_object_get(json_array_get(inds, 0), "geo"));

	CHECK(geoip_load(g, KR_GEOIP_CITY, gen_city, err, sizeof(err)) == KR_GEOIP_LOADED);
	CHECK(geoip_load(g, KR_GEOIP_ASN, gen_asn, err, sizeof(err)) == KR_GEOIP_LOADED);
	CHECK_EQ_INT(geoip_enrich(g, NULL), 0);
	CHECK_EQ_INT(geoip_enrich(g, inds), 4);
	text = json_dumps(inds, JSON_COMPACT | JSON_ENSURE_ASCII);
	CHECK_STREQ(text,
	            "[{\"type\":\"ipv4\",\"value\":\"203.0.113.5\",\"role\":\"attacker\","
	            "\"geo\":{\"country\":\"JP\",\"asn\":2497,"
	            "\"as_org\":\"Internet Initiative Japan Inc.\"}},"
	            "{\"type\":\"ipv6\",\"value\":\"2001:db8:27::1\",\"role\":\"unknown\","
	            "\"geo\":{\"country\":\"JP\",\"asn\":2516,\"as_org\":\"KDDI CORPORATION\"}},"
	            "{\"type\":\"ipv4\",\"value\":\"8.8.8.8\",\"role\":\"attacker\"},"
	            "{\"type\":\"cidr\",\"value\":\"203.0.113.0/24\",\"role\":\"attacker\"},"
	            "{\"type\":\"domain\",\"value\":\"203.0.113.5\",\"role\":\"attacker\"},"
	            "{\"type\":\"ipv4\",\"value\":\"not an address\",\"role\":\"attacker\"},"
	            "{\"type\":\"ipv4\",\"value\":\"192.0.2.9\",\"role\":\"attacker\","
	            "\"geo\":{\"country\":\"JP\",\"asn\":64500,\"as_org\":\"X "
	            "\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7"
	            "\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7"
	            "\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7"
	            "\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7\\u56DE\\u89A7"
	            "\\u56DE\"}},"
	            "{\"type\":\"ipv4\",\"value\":\"198.51.100.23\",\"role\":\"attacker\","
	            "\"geo\":{\"country\":\"JP\",\"asn\":4713,"
	            "\"as_org\":\"NTT Communications Corporation\"}}]");
	free(text);

	/* Only the parts found: ASN only, country only. */
	{
		struct kr_geo a = {.asn = 209, .has_asn = true};
		struct kr_geo c = {.country = "GB",
		                   .subdivision = "GB-ENG",
		                   .has_country = true,
		                   .has_subdivision = true};
		json_t *o = geoip_indicator_geo(&a);

		text = json_dumps(o, JSON_COMPACT);
		CHECK_STREQ(text, "{\"asn\":209}");
		free(text);
		json_decref(o);
		o = geoip_indicator_geo(&c);
		text = json_dumps(o, JSON_COMPACT);
		CHECK_STREQ(text, "{\"country\":\"GB\"}");
		free(text);
		json_decref(o);
	}
	json_decref(inds);
	geoip_free(g);
}

/* ---- databases that cannot be used ---------------------------------------- */

struct bad_row {
	const char *file; /* under bad-data/ or test-data/ */
	const char *why;  /* in the error message */
};

/*
 * Every corrupt file of MaxMind's bad-data set, and the broken ones of its
 * test-data set: refused with the reason libmaxminddb gives (MMDB_strerror)
 * when it finds one, else for their type (they are all "Test" databases).
 */
static const struct bad_row bad_rows[] = {
    {MM_BAD "libmaxminddb-corrupt-search-tree.mmdb",
     "corrupt database: The MaxMind DB file's search tree is corrupt"},
    {MM_BAD "libmaxminddb-deep-array-nesting.mmdb",
     "corrupt database: The MaxMind DB file's data section contains bad data"},
    {MM_BAD "libmaxminddb-deep-nesting.mmdb",
     "corrupt database: The MaxMind DB file's data section contains bad data"},
    {MM_BAD "libmaxminddb-empty-array-last-in-metadata.mmdb", "database type 'Test'"},
    {MM_BAD "libmaxminddb-empty-map-last-in-metadata.mmdb", "database type 'Test'"},
    {MM_BAD "libmaxminddb-metadata-marker-only.mmdb",
     "cannot open: The lookup path does not match"},
    {MM_BAD "libmaxminddb-offset-integer-overflow.mmdb",
     "cannot open: The MaxMind DB file's data section contains bad data"},
    {MM_BAD "libmaxminddb-oversized-array.mmdb", "contains bad data"},
    {MM_BAD "libmaxminddb-oversized-map.mmdb", "contains bad data"},
    {MM_BAD "libmaxminddb-separator-record-max-left.mmdb", "contains bad data"},
    {MM_BAD "libmaxminddb-separator-record-min-left.mmdb", "contains bad data"},
    {MM_BAD "libmaxminddb-separator-record-min-right.mmdb", "contains bad data"},
    {MM_BAD "libmaxminddb-uint64-max-epoch.mmdb", "database type 'Test'"},
    {MM_DATA "GeoIP2-City-Test-Broken-Double-Format.mmdb", "contains bad data"},
    {MM_DATA "MaxMind-DB-test-broken-search-tree-24.mmdb",
     "corrupt database: The MaxMind DB file's search tree is corrupt"},
};

static void test_bad_files(void)
{
	struct kr_geoip *g = geoip_new();
	struct kr_geo geo;
	char err[512];
	size_t listed = 0;
	DIR *d;
	struct dirent *e;

	for (size_t i = 0; i < CHECK_N(bad_rows); i++) {
		for (int db = KR_GEOIP_CITY; db <= KR_GEOIP_ASN; db++) {
			check_case(bad_rows[i].file);
			err[0] = '\0';
			CHECK(geoip_load(g, (enum kr_geoip_db)db, bad_rows[i].file, err,
			                 sizeof(err)) == KR_GEOIP_BAD);
			CHECK(contains(err, bad_rows[i].file));
			if (!CHECK(contains(err, bad_rows[i].why)))
				fprintf(stderr, "  message: %s\n", err);
			CHECK(!geoip_has(g, (enum kr_geoip_db)db));
		}
	}
	check_case(NULL);
	CHECK(!geoip_lookup(g, "81.2.69.142", &geo));

	/* The table covers the whole bad-data directory. */
	d = opendir(MM_BAD);
	CHECK_NOT_NULL(d);
	while (d && (e = readdir(d)) != NULL) {
		bool found = false;

		if (!strstr(e->d_name, ".mmdb"))
			continue;
		listed++;
		for (size_t i = 0; i < CHECK_N(bad_rows); i++)
			found = found || contains(bad_rows[i].file, e->d_name);
		check_case(e->d_name);
		CHECK(found);
	}
	check_case(NULL);
	if (d)
		closedir(d);
	CHECK_EQ_INT(listed, 13);
	geoip_free(g);
}

static void test_unusable_files(void)
{
	struct kr_geoip *g = geoip_new();
	char err[512], empty[600], garbage[600], truncated[600], missing[600];
	FILE *f;

	path_in(empty, sizeof(empty), tmpdir, "empty.mmdb");
	path_in(garbage, sizeof(garbage), tmpdir, "garbage.mmdb");
	path_in(truncated, sizeof(truncated), tmpdir, "truncated.mmdb");
	path_in(missing, sizeof(missing), tmpdir, "no-such.mmdb");
	f = fopen(empty, "w");
	CHECK(f && fclose(f) == 0);
	f = fopen(garbage, "w");
	CHECK(f && fputs("これはデータベースではありません\n", f) >= 0 && fclose(f) == 0);
	CHECK(copy_file(gen_city, truncated) && truncate(truncated, file_size(gen_city) / 2) == 0);

	CHECK(geoip_load(g, KR_GEOIP_CITY, missing, err, sizeof(err)) == KR_GEOIP_MISSING);
	CHECK(contains(err, missing) && contains(err, "No such file"));
	CHECK(geoip_load(g, KR_GEOIP_CITY, tmpdir, err, sizeof(err)) == KR_GEOIP_BAD);
	CHECK(contains(err, "not a regular file"));
	CHECK(geoip_load(g, KR_GEOIP_CITY, empty, err, sizeof(err)) == KR_GEOIP_BAD);
	CHECK(contains(err, empty));
	CHECK(geoip_load(g, KR_GEOIP_CITY, garbage, err, sizeof(err)) == KR_GEOIP_BAD);
	CHECK(contains(err, garbage) &&
	      contains(err, "cannot open: The MaxMind DB file contains invalid metadata"));
	CHECK(geoip_load(g, KR_GEOIP_CITY, truncated, err, sizeof(err)) == KR_GEOIP_BAD);
	CHECK(contains(err, truncated) &&
	      contains(err, "cannot open: The MaxMind DB file contains invalid metadata"));

	/* A database of the wrong type, in either slot. */
	CHECK(geoip_load(g, KR_GEOIP_ASN, gen_city, err, sizeof(err)) == KR_GEOIP_BAD);
	CHECK(contains(err, gen_city) && contains(err, "'GeoLite2-City' is not an ASN database"));
	CHECK(geoip_load(g, KR_GEOIP_CITY, gen_asn, err, sizeof(err)) == KR_GEOIP_BAD);
	CHECK(contains(err, "'GeoLite2-ASN' is not a City or Country database"));
	CHECK(geoip_load(g, KR_GEOIP_ASN, MM_DATA "GeoLite2-Country-Test.mmdb", err, sizeof(err)) ==
	      KR_GEOIP_BAD);
	CHECK(!geoip_has(g, KR_GEOIP_CITY) && !geoip_has(g, KR_GEOIP_ASN));
	geoip_free(g);
}

/* A failed (re)load keeps what was loaded before. */
static void test_reload_keeps_previous(void)
{
	struct kr_geoip *g = geoip_new();
	struct kr_geo geo;
	char err[512], missing[600];
	struct capture cap;
	char *log;

	path_in(missing, sizeof(missing), tmpdir, "gone.mmdb");
	capture_start(&cap);
	geoip_configure(g, gen_city, missing, false);
	log = capture_end(&cap);
	CHECK(contains(log, "info: geoip_city: loaded"));
	CHECK(contains(log, "warn: geoip_asn: "));
	CHECK(contains(log, missing));
	CHECK(contains(log, "IP indicators get no ASN"));
	free(log);
	CHECK(geoip_has(g, KR_GEOIP_CITY) && !geoip_has(g, KR_GEOIP_ASN));

	CHECK(geoip_load(g, KR_GEOIP_ASN, gen_asn, err, sizeof(err)) == KR_GEOIP_LOADED);
	capture_start(&cap);
	geoip_configure(g, missing, MM_BAD "libmaxminddb-oversized-map.mmdb", true);
	log = capture_end(&cap);
	CHECK(contains(log, "warn: SIGHUP: geoip_city: "));
	CHECK(contains(log, "error: SIGHUP: geoip_asn: "));
	CHECK(contains(log, "libmaxminddb-oversized-map.mmdb: corrupt database: The MaxMind DB "
	                    "file's data section contains bad data"));
	CHECK(contains(log, "keeping the database loaded before"));
	free(log);
	CHECK(geoip_has(g, KR_GEOIP_CITY) && geoip_has(g, KR_GEOIP_ASN));
	CHECK(geoip_lookup(g, "203.0.113.5", &geo));
	CHECK(geo.has_subdivision && strcmp(geo.subdivision, "JP-13") == 0 && geo.asn == 2497);

	capture_start(&cap);
	geoip_configure(g, NULL, "", true);
	log = capture_end(&cap);
	CHECK(contains(log, "geoip_city is not set"));
	free(log);
	CHECK(!geoip_has(g, KR_GEOIP_CITY) && !geoip_has(g, KR_GEOIP_ASN));
	geoip_free(g);
}

/*
 * A database that checked out when it was opened and breaks later (written
 * into in place): lookups meet the corruption, log it with the file and
 * libmaxminddb's reason, and drop that database; the other one still
 * answers.
 */
static void test_corrupt_during_lookups(void)
{
	struct kr_geoip *g = geoip_new();
	char city[600], asn[600], err[512];
	struct kr_geo geo;
	struct capture cap;
	char *log;
	bool found;

	path_in(city, sizeof(city), tmpdir, "city-live.mmdb");
	path_in(asn, sizeof(asn), tmpdir, "asn-live.mmdb");
	CHECK(copy_file(gen_city, city) && copy_file(gen_asn, asn));
	CHECK(geoip_load(g, KR_GEOIP_CITY, city, err, sizeof(err)) == KR_GEOIP_LOADED);
	CHECK(geoip_load(g, KR_GEOIP_ASN, asn, err, sizeof(err)) == KR_GEOIP_LOADED);

	/* The City search tree (the first bytes) becomes all ones: records
	 * that point past the end of the file. */
	CHECK(scribble(city, 0, 1024, 0xFF));
	capture_start(&cap);
	found = geoip_lookup(g, "203.0.113.5", &geo);
	log = capture_end(&cap);
	CHECK(found);
	CHECK(!geo.has_country && geo.has_asn && geo.asn == 2497);
	CHECK(contains(log, "error: geoip_city: "));
	CHECK(contains(log, city));
	CHECK(contains(log, "search tree"));
	free(log);
	CHECK(!geoip_has(g, KR_GEOIP_CITY) && geoip_has(g, KR_GEOIP_ASN));

	/* The ASN data section (after the tree and its 16-byte separator)
	 * becomes all ones. */
	{
		long tree = 229 * 7; /* node_count x 28-bit records x 2 / 8 */

		CHECK(scribble(asn, tree + 16, 512, 0xFF));
	}
	capture_start(&cap);
	found = geoip_lookup(g, "203.0.113.5", &geo);
	log = capture_end(&cap);
	CHECK(!found && !geo.has_asn && geo.asn == 0 && geo.as_org[0] == '\0');
	CHECK(contains(log, "error: geoip_asn: "));
	CHECK(contains(log, asn));
	free(log);
	CHECK(!geoip_has(g, KR_GEOIP_ASN));
	geoip_free(g);
}

int main(void)
{
	char cmd[1200];

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	path_in(gen_city, sizeof(gen_city), tmpdir, "kairan-City-Test.mmdb");
	path_in(gen_asn, sizeof(gen_asn), tmpdir, "kairan-ASN-Test.mmdb");
	snprintf(cmd, sizeof(cmd), "perl '%s/tests/tools/make_mmdb.pl' '%s'", KAIRAN_SOURCE_DIR,
	         tmpdir);
	if (system(cmd) != 0 || file_size(gen_city) <= 0 || file_size(gen_asn) <= 0) {
		fprintf(stderr,
		        "cannot build the test databases: %s (scripts/deps.sh test "
		        "installs libmaxmind-db-writer-perl)\n",
		        cmd);
		return 1;
	}
	test_maxmind_lookups();
	test_japan_lookups();
	test_one_database();
	test_enrich();
	test_bad_files();
	test_unusable_files();
	test_reload_keeps_previous();
	test_corrupt_during_lookups();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_finish();
}
