/*
 * geoip.h - where an IP address is, from the operator's MaxMind databases
 * (libmaxminddb): its country and first subdivision (for Japan, the
 * prefecture) from a GeoIP2/GeoLite2 City or Country database, and its
 * autonomous system from a GeoLite2 ASN (or GeoIP2 ISP) database. The hub
 * uses it to add `geo` to IP indicators at post time.
 *
 * Never fatal. A database that is not configured, missing, of the wrong
 * type or corrupt is left out, with a warning (missing) or an error (the
 * rest) naming the setting, the file and libmaxminddb's reason, and lookups
 * answer with what the other one knows. A database found corrupt during a
 * lookup is closed and left out until it is reloaded. geoip_configure()
 * with reload (SIGHUP) reopens the files; one that fails to reopen keeps
 * the database loaded before.
 *
 * Not here: which indicators are enriched is the post path's business
 * (handle_post.c after the anonymiser); guessing a reader's prefecture is
 * its caller's (check `country` is "JP" and `subdivision` is JP-01..JP-47).
 * One service thread uses it; nothing here is thread-safe.
 */
#ifndef KR_GEOIP_H
#define KR_GEOIP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the databases say about one address. Strings are NUL-terminated and
 * empty when unknown. */
struct kr_geo {
	char country[3];     /* ISO 3166-1 alpha-2, "JP": country, else registered_country */
	char subdivision[8]; /* ISO 3166-2, "JP-13": country + '-' + subdivisions[0].iso_code */
	uint32_t asn;        /* autonomous_system_number */
	char as_org[128];    /* autonomous_system_organization, UTF-8, cut at a character */
	bool has_country, has_subdivision, has_asn;
};

/* The two databases the hub can use. */
enum kr_geoip_db { KR_GEOIP_CITY, KR_GEOIP_ASN };

/* What geoip_load() made of a file. */
enum kr_geoip_load {
	KR_GEOIP_LOADED,  /* opened, checked, in use */
	KR_GEOIP_UNSET,   /* no path: the database is not used */
	KR_GEOIP_MISSING, /* the file does not exist */
	KR_GEOIP_BAD,     /* unreadable, corrupt or of the wrong type */
};

struct kr_geoip;

/* A handle with no database: lookups find nothing. NULL when out of memory. */
struct kr_geoip *geoip_new(void);

/* Close every database and free g (NULL is fine). */
void geoip_free(struct kr_geoip *g);

/*
 * Open path as database db, check it, and use it instead of the one loaded
 * before. The check: libmaxminddb opens it (MMDB_open), every search-tree
 * node reads, a sample of its data records decodes, and its metadata
 * database_type fits db (City: a type naming City, Country or Enterprise;
 * ASN: one naming ASN or ISP). path NULL or "" closes db (KR_GEOIP_UNSET).
 * On KR_GEOIP_MISSING and KR_GEOIP_BAD err says why (the file and
 * libmaxminddb's reason) and the database loaded before, if any, stays.
 */
enum kr_geoip_load geoip_load(struct kr_geoip *g, enum kr_geoip_db db, const char *path, char *err,
                              size_t errlen);

/*
 * Load both configured databases (the geoip_city and geoip_asn settings;
 * NULL or "" for none) and log the outcome: info when loaded, a warning
 * when a file is missing, an error when it is unreadable, corrupt or of
 * the wrong type. reload (SIGHUP) says so in the log, and that a database
 * that failed keeps the one loaded before.
 */
void geoip_configure(struct kr_geoip *g, const char *city_path, const char *asn_path, bool reload);

/* Whether database db is loaded and in use. */
bool geoip_has(const struct kr_geoip *g, enum kr_geoip_db db);

/*
 * Look up ip, an IPv4 or IPv6 address as text ("203.0.113.7", "2001:db8::1";
 * nothing else: no host names, no ports, no brackets, no zone). Fills out
 * (zeroed first) with what the loaded databases know and returns true when
 * they know something. False for an address they do not know, text that is
 * not an address, or no database (g may be NULL). A lookup that meets a
 * corrupt database logs an error naming its file and closes it: g is not
 * const for that reason.
 */
bool geoip_lookup(struct kr_geoip *g, const char *ip, struct kr_geo *out);

/*
 * The `geo` object of an indicator: {"country", "asn", "as_org"}, each only
 * when known; NULL when nothing is known (or out of memory).
 */
json_t *geoip_indicator_geo(const struct kr_geo *geo);

/*
 * Add `geo` to each ipv4 and ipv6 indicator of the array (borrowed,
 * modified in place) whose address the databases know, replacing any it
 * had. Other indicators, and addresses nobody knows, are left as they are.
 * Returns how many indicators got `geo`. g or indicators may be NULL.
 */
size_t geoip_enrich(struct kr_geoip *g, json_t *indicators);

#endif
