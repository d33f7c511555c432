/*
 * config.h - the hub's configuration: one table of settings (name, type,
 * default, limits, reloadable, help), loaded from a `key = value` file and
 * overridden by the command line. hub/kairan-hub.conf.example documents
 * every key.
 */
#ifndef KR_CONFIG_H
#define KR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kr_config {
	char *data_dir; /* --data; not a file setting */
	char *bind;
	int64_t port;
	bool tls;
	char *tls_cert; /* NULL: DATA/tls/cert.pem */
	char *tls_key;  /* NULL: DATA/tls/key.pem */
	int64_t max_frame_bytes;
	int64_t queue_max_messages;
	int64_t queue_max_bytes;
	int64_t auth_timeout_ms;
	int64_t data_poll_ms;
	int64_t history_max;
	char *log_level;
	char *geoip_city;             /* GeoIP2/GeoLite2 City or Country .mmdb, or NULL */
	char *geoip_asn;              /* GeoLite2 ASN .mmdb, or NULL */
	char *benign_file;            /* operator's known-benign indicator values, or NULL */
	int64_t benchmark_snapshot_s; /* assessment benchmark period, aligned to 00:00 JST */

	/* Reminders this long before an event starts. */
	int64_t event_reminder_minutes;
	/* CIDRs of reverse proxies whose X-Forwarded-For is believed, or NULL. */
	char *trusted_proxies;
	int64_t audit_denial_window_s;
	char *metrics_token; /* NULL: /metrics answers loopback clients only */
	bool metrics_local;  /* loopback clients need no token */
	int64_t max_connections_per_ip;
	int64_t rate_user_per_s, rate_user_burst;
	int64_t rate_ip_per_s, rate_ip_burst;
	int64_t frame_timeout_ms;
	int64_t handshake_timeout_s;
	char *tls_client_ca; /* CA bundle for client certificates (mutual TLS), or NULL */
};

/* Fill cfg with the defaults of the settings table. */
void config_defaults(struct kr_config *cfg);

/*
 * Set one setting from text, checking its type and range. Returns false and
 * writes a message naming the key into err when the key is unknown or the
 * value invalid.
 */
bool config_set(struct kr_config *cfg, const char *key, const char *value, char *err,
                size_t errlen);

/*
 * Read a `key = value` file (# comments, blank lines). On error returns
 * false; err names the file, line and key.
 */
bool config_load_file(struct kr_config *cfg, const char *path, char *err, size_t errlen);

/* As config_load_file(), reading from f (left open); path names it in
 * messages. */
bool config_load_stream(struct kr_config *cfg, FILE *f, const char *path, char *err, size_t errlen);

/* Print every setting with its current value (for --print-config). */
void config_print(const struct kr_config *cfg, FILE *out);

void config_free(struct kr_config *cfg);

#endif
