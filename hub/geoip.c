/*
 * geoip.c - the operator's MaxMind databases and lookups in them (see
 * geoip.h).
 */
#include "geoip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "utf8.h"

/* Data records decoded in full when a database is opened: enough to catch
 * a broken data section, few enough to keep a reload well under a second. */
#define VERIFY_DATA_MAX 512

struct geodb {
	MMDB_s *mmdb; /* NULL: not in use */
	char *path;
};

struct kr_geoip {
	struct geodb db[2]; /* indexed by enum kr_geoip_db */
};

/* The setting that names each database, for messages. */
static const char *const setting[] = {"geoip_city", "geoip_asn"};

struct kr_geoip *geoip_new(void)
{
	return calloc(1, sizeof(struct kr_geoip));
}

static void db_close(struct geodb *d)
{
	if (d->mmdb) {
		MMDB_close(d->mmdb);
		free(d->mmdb);
	}
	free(d->path);
	d->mmdb = NULL;
	d->path = NULL;
}

void geoip_free(struct kr_geoip *g)
{
	if (!g)
		return;
	db_close(&g->db[KR_GEOIP_CITY]);
	db_close(&g->db[KR_GEOIP_ASN]);
	free(g);
}

bool geoip_has(const struct kr_geoip *g, enum kr_geoip_db db)
{
	return g && g->db[db].mmdb;
}

/* The metadata's database_type, printable ASCII only, for messages. */
static void type_text(const MMDB_s *m, char *out, size_t outlen)
{
	const char *t = m->metadata.database_type ? m->metadata.database_type : "";
	size_t n = 0;

	for (; *t && n + 1 < outlen; t++)
		out[n++] = (*t >= 0x20 && *t < 0x7F) ? *t : '?';
	out[n] = '\0';
}

/*
 * Read every node of the search tree and decode up to VERIFY_DATA_MAX data
 * records in full. MMDB_open() only checks the metadata and the sizes; this
 * finds a broken tree or data section before any lookup meets it. Returns
 * an MMDB_* status.
 */
static int verify(const MMDB_s *m)
{
	uint64_t last = UINT64_MAX;
	size_t decoded = 0;

	if (!m->metadata.database_type ||
	    (m->metadata.ip_version != 4 && m->metadata.ip_version != 6))
		return MMDB_INVALID_METADATA_ERROR;
	for (uint32_t i = 0; i < m->metadata.node_count; i++) {
		MMDB_search_node_s node;
		int rc = MMDB_read_node(m, i, &node);

		if (rc != MMDB_SUCCESS)
			return rc;
		for (int side = 0; side < 2; side++) {
			uint8_t type = side ? node.right_record_type : node.left_record_type;
			MMDB_entry_s e = side ? node.right_record_entry : node.left_record_entry;
			MMDB_entry_data_list_s *list = NULL;

			if (type == MMDB_RECORD_TYPE_INVALID)
				return MMDB_CORRUPT_SEARCH_TREE_ERROR;
			if (type != MMDB_RECORD_TYPE_DATA || decoded == VERIFY_DATA_MAX ||
			    e.offset == last)
				continue;
			last = e.offset;
			decoded++;
			rc = MMDB_get_entry_data_list(&e, &list);
			MMDB_free_entry_data_list(list);
			if (rc != MMDB_SUCCESS)
				return rc;
		}
	}
	return MMDB_SUCCESS;
}

/* Does the database's type fit the slot it was configured for? */
static bool type_fits(enum kr_geoip_db db, const char *type)
{
	if (db == KR_GEOIP_CITY)
		return strstr(type, "City") || strstr(type, "Country") ||
		       strstr(type, "Enterprise");
	return strstr(type, "ASN") || strstr(type, "ISP");
}

/* Open and check path; *out the database, or an error in err. */
static enum kr_geoip_load db_open(enum kr_geoip_db db, const char *path, MMDB_s **out, char *err,
                                  size_t errlen)
{
	char type[64];
	struct stat st;
	MMDB_s *m;
	int rc;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? KR_GEOIP_MISSING : KR_GEOIP_BAD;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return KR_GEOIP_BAD;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "%s: out of memory", path);
		return KR_GEOIP_BAD;
	}
	errno = 0;
	rc = MMDB_open(path, MMDB_MODE_MMAP, m); /* cleans up after itself on failure */
	if (rc != MMDB_SUCCESS) {
		if (rc == MMDB_IO_ERROR && errno)
			snprintf(err, errlen, "%s: cannot open: %s (%s)", path, MMDB_strerror(rc),
			         strerror(errno));
		else
			snprintf(err, errlen, "%s: cannot open: %s", path, MMDB_strerror(rc));
		free(m);
		return KR_GEOIP_BAD;
	}
	rc = verify(m);
	type_text(m, type, sizeof(type));
	if (rc != MMDB_SUCCESS)
		snprintf(err, errlen, "%s: corrupt database: %s", path, MMDB_strerror(rc));
	else if (!type_fits(db, type))
		snprintf(err, errlen,
		         db == KR_GEOIP_CITY
		             ? "%s: database type '%s' is not a City or Country database "
		               "(GeoLite2-City, GeoIP2-City, GeoLite2-Country, GeoIP2-Country)"
		             : "%s: database type '%s' is not an ASN database (GeoLite2-ASN, "
		               "GeoIP2-ISP)",
		         path, type);
	if (rc != MMDB_SUCCESS || !type_fits(db, type)) {
		MMDB_close(m);
		free(m);
		return KR_GEOIP_BAD;
	}
	*out = m;
	return KR_GEOIP_LOADED;
}

enum kr_geoip_load geoip_load(struct kr_geoip *g, enum kr_geoip_db db, const char *path, char *err,
                              size_t errlen)
{
	struct geodb *d = &g->db[db];
	MMDB_s *m = NULL;
	char *copy;
	enum kr_geoip_load rc;

	if (!path || !*path) {
		db_close(d);
		return KR_GEOIP_UNSET;
	}
	rc = db_open(db, path, &m, err, errlen);
	if (rc != KR_GEOIP_LOADED)
		return rc;
	copy = strdup(path);
	if (!copy) {
		MMDB_close(m);
		free(m);
		snprintf(err, errlen, "%s: out of memory", path);
		return KR_GEOIP_BAD;
	}
	db_close(d);
	d->mmdb = m;
	d->path = copy;
	return KR_GEOIP_LOADED;
}

/* "2024-11-19" from the metadata's build_epoch, or "?" when out of range. */
static void build_date(const MMDB_s *m, char *out, size_t outlen)
{
	time_t t = (time_t)m->metadata.build_epoch;
	struct tm tm;

	if (m->metadata.build_epoch > (uint64_t)INT32_MAX * 4 || !gmtime_r(&t, &tm) ||
	    strftime(out, outlen, "%Y-%m-%d", &tm) == 0)
		snprintf(out, outlen, "?");
}

void geoip_configure(struct kr_geoip *g, const char *city_path, const char *asn_path, bool reload)
{
	static const char *const gives[] = {"country", "ASN"};
	const char *paths[] = {city_path, asn_path};
	const char *when = reload ? "SIGHUP: " : "";

	for (int db = KR_GEOIP_CITY; db <= KR_GEOIP_ASN; db++) {
		bool had = geoip_has(g, (enum kr_geoip_db)db);
		char err[512], type[64], built[16];
		const char *keep = had ? "; keeping the database loaded before" : "";

		switch (geoip_load(g, (enum kr_geoip_db)db, paths[db], err, sizeof(err))) {
		case KR_GEOIP_LOADED:
			type_text(g->db[db].mmdb, type, sizeof(type));
			build_date(g->db[db].mmdb, built, sizeof(built));
			kr_log(KR_LOG_INFO, "%s%s: %s %s (%s, built %s)", when, setting[db],
			       reload ? "reloaded" : "loaded", paths[db], type, built);
			break;
		case KR_GEOIP_UNSET:
			kr_log(KR_LOG_INFO, "%s%s is not set: IP indicators get no %s", when,
			       setting[db], gives[db]);
			break;
		case KR_GEOIP_MISSING:
			kr_log(KR_LOG_WARN, "%s%s: %s%s%s", when, setting[db], err,
			       had ? "" : "; IP indicators get no ", had ? keep : gives[db]);
			break;
		case KR_GEOIP_BAD:
			kr_log(KR_LOG_ERROR, "%s%s: %s%s%s", when, setting[db], err,
			       had ? "" : "; not used: IP indicators get no ",
			       had ? keep : gives[db]);
			break;
		}
	}
}

/* A lookup met corruption in db: say so once and stop using it. */
static void broken(struct kr_geoip *g, enum kr_geoip_db db, int rc)
{
	kr_log(KR_LOG_ERROR,
	       "%s: %s: corrupt database: %s; not used until it is replaced and the hub "
	       "reloads (SIGHUP)",
	       setting[db], g->db[db].path, MMDB_strerror(rc));
	db_close(&g->db[db]);
}

/* The record of sa in db: 1 found, 0 not there, -1 corrupt (db closed). */
static int find(struct kr_geoip *g, enum kr_geoip_db db, const struct sockaddr *sa,
                MMDB_entry_s *out)
{
	MMDB_lookup_result_s r;
	int rc = MMDB_SUCCESS;

	if (!g->db[db].mmdb)
		return 0;
	r = MMDB_lookup_sockaddr(g->db[db].mmdb, sa, &rc);
	if (rc == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return 0;
	if (rc != MMDB_SUCCESS) {
		broken(g, db, rc);
		return -1;
	}
	if (!r.found_entry)
		return 0;
	*out = r.entry;
	return 1;
}

/* The value at path in e when it has the type wanted: 1 found, 0 absent
 * (no such key, another type), -1 corrupt (db closed). */
static int value(struct kr_geoip *g, enum kr_geoip_db db, MMDB_entry_s *e, const char *const *path,
                 MMDB_entry_data_s *out)
{
	int rc = MMDB_aget_value(e, out, path);

	if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
	    rc == MMDB_INVALID_LOOKUP_PATH_ERROR)
		return 0;
	if (rc != MMDB_SUCCESS) {
		broken(g, db, rc);
		return -1;
	}
	return out->has_data ? 1 : 0;
}

/* An ISO code of 1..max characters [A-Z0-9] (letters only if alpha). */
static bool iso_code(const MMDB_entry_data_s *d, size_t max, bool alpha)
{
	if (d->type != MMDB_DATA_TYPE_UTF8_STRING || d->data_size == 0 || d->data_size > max)
		return false;
	for (uint32_t i = 0; i < d->data_size; i++) {
		char c = d->utf8_string[i];

		if (!(c >= 'A' && c <= 'Z') && (alpha || !(c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* Country (or registered country) and first subdivision; -1 corrupt. */
static int city(struct kr_geoip *g, MMDB_entry_s *e, struct kr_geo *out)
{
	static const char *const country[] = {"country", "iso_code", NULL};
	static const char *const registered[] = {"registered_country", "iso_code", NULL};
	static const char *const subdivision[] = {"subdivisions", "0", "iso_code", NULL};
	MMDB_entry_data_s d;
	int rc = value(g, KR_GEOIP_CITY, e, country, &d);

	if (rc == 0 || (rc == 1 && !iso_code(&d, 2, true)))
		rc = value(g, KR_GEOIP_CITY, e, registered, &d);
	if (rc < 0)
		return -1;
	if (rc == 0 || d.data_size != 2 || !iso_code(&d, 2, true))
		return 0;
	memcpy(out->country, d.utf8_string, 2);
	out->country[2] = '\0';
	out->has_country = true;
	rc = value(g, KR_GEOIP_CITY, e, subdivision, &d);
	if (rc == 1 && iso_code(&d, 3, false)) {
		/* "JP" "-" up to three characters: at most 7 bytes and the NUL. */
		snprintf(out->subdivision, sizeof(out->subdivision), "%s-%.*s", out->country,
		         (int)d.data_size, d.utf8_string);
		out->has_subdivision = true;
	}
	return rc < 0 ? -1 : 0;
}

/* Copy a UTF-8 string of n bytes into out, cut at a character boundary. */
static void copy_utf8(char *out, size_t outlen, const char *s, size_t n)
{
	if (!kr_utf8_valid(s, n)) {
		out[0] = '\0';
		return;
	}
	if (n >= outlen) {
		n = outlen - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--; /* s[n] would be the first byte cut: back to a lead byte */
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

/* Autonomous system number and organisation; -1 corrupt. */
static int asn(struct kr_geoip *g, MMDB_entry_s *e, struct kr_geo *out)
{
	static const char *const number[] = {"autonomous_system_number", NULL};
	static const char *const org[] = {"autonomous_system_organization", NULL};
	MMDB_entry_data_s d;
	uint64_t n;
	int rc = value(g, KR_GEOIP_ASN, e, number, &d);

	if (rc <= 0)
		return rc;
	switch (d.type) {
	case MMDB_DATA_TYPE_UINT16:
		n = d.uint16;
		break;
	case MMDB_DATA_TYPE_UINT32:
		n = d.uint32;
		break;
	case MMDB_DATA_TYPE_UINT64:
		n = d.uint64;
		break;
	default:
		return 0;
	}
	if (n == 0 || n > UINT32_MAX)
		return 0;
	out->asn = (uint32_t)n;
	out->has_asn = true;
	rc = value(g, KR_GEOIP_ASN, e, org, &d);
	if (rc == 1 && d.type == MMDB_DATA_TYPE_UTF8_STRING)
		copy_utf8(out->as_org, sizeof(out->as_org), d.utf8_string, d.data_size);
	return rc < 0 ? -1 : 0;
}

/* Strictly an IPv4 or IPv6 literal, as a socket address. */
static bool parse_ip(const char *ip, struct sockaddr_storage *ss)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (!ip || strnlen(ip, INET6_ADDRSTRLEN + 1) > INET6_ADDRSTRLEN)
		return false;
	if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		return true;
	}
	return false;
}

bool geoip_lookup(struct kr_geoip *g, const char *ip, struct kr_geo *out)
{
	struct sockaddr_storage ss;
	MMDB_entry_s e;

	memset(out, 0, sizeof(*out));
	if (!g || (!g->db[KR_GEOIP_CITY].mmdb && !g->db[KR_GEOIP_ASN].mmdb) || !parse_ip(ip, &ss))
		return false;
	if (find(g, KR_GEOIP_CITY, (const struct sockaddr *)&ss, &e) == 1 && city(g, &e, out) < 0)
		memset(out, 0, sizeof(*out)); /* nothing from a corrupt database */
	if (find(g, KR_GEOIP_ASN, (const struct sockaddr *)&ss, &e) == 1 && asn(g, &e, out) < 0) {
		out->asn = 0;
		out->as_org[0] = '\0';
		out->has_asn = false;
	}
	return out->has_country || out->has_asn;
}

json_t *geoip_indicator_geo(const struct kr_geo *geo)
{
	json_t *o;

	if (!geo->has_country && !geo->has_asn)
		return NULL;
	o = json_object();
	if (!o)
		return NULL;
	if (geo->has_country)
		json_object_set_new(o, "country", json_string(geo->country));
	if (geo->has_asn)
		json_object_set_new(o, "asn", json_integer((json_int_t)geo->asn));
	if (geo->has_asn && geo->as_org[0])
		json_object_set_new(o, "as_org", json_string(geo->as_org));
	return o;
}

size_t geoip_enrich(struct kr_geoip *g, json_t *indicators)
{
	json_t *ind;
	size_t i, n = 0;

	if (!geoip_has(g, KR_GEOIP_CITY) && !geoip_has(g, KR_GEOIP_ASN))
		return 0;
	json_array_foreach(indicators, i, ind)
	{
		const char *type = json_string_value(json_object_get(ind, "type"));
		struct kr_geo geo;
		json_t *o;

		if (!type || (strcmp(type, "ipv4") != 0 && strcmp(type, "ipv6") != 0))
			continue;
		if (!geoip_lookup(g, json_string_value(json_object_get(ind, "value")), &geo))
			continue;
		o = geoip_indicator_geo(&geo);
		if (o && json_object_set_new(ind, "geo", o) == 0)
			n++;
	}
	return n;
}
