/*
 * config.c - the settings table and its file parser (see config.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

enum setting_type { SET_STR, SET_INT, SET_BOOL, SET_LOGLEVEL, SET_SECRET };

#define SECRET_MIN_LEN 32 /* a SET_SECRET value: never printed, at least this long */

struct setting {
	const char *name;
	enum setting_type type;
	size_t offset;
	const char *def; /* NULL: unset */
	int64_t min, max;
	bool reloadable;
	const char *help;
};

#define OFF(f) offsetof(struct kr_config, f)

static const struct setting settings[] = {
    {"bind", SET_STR, OFF(bind), "127.0.0.1", 0, 0, false,
     "address to listen on; 0.0.0.0 for every interface"},
    {"port", SET_INT, OFF(port), "8443", 1, 65535, false, "TCP port"},
    {"tls", SET_BOOL, OFF(tls), "on", 0, 0, false,
     "serve wss:// (on) or plain ws:// (off: only behind a TLS proxy)"},
    {"tls_cert", SET_STR, OFF(tls_cert), NULL, 0, 0, false,
     "certificate chain (PEM); default DATA/tls/cert.pem, self-signed if missing"},
    {"tls_key", SET_STR, OFF(tls_key), NULL, 0, 0, false,
     "private key (PEM); default DATA/tls/key.pem"},
    {"max_frame_bytes", SET_INT, OFF(max_frame_bytes), "262144", 1024, 64 << 20, false,
     "largest message accepted, after reassembly of fragments"},
    {"queue_max_messages", SET_INT, OFF(queue_max_messages), "1024", 8, 1 << 20, true,
     "per-connection send queue limit (messages)"},
    {"queue_max_bytes", SET_INT, OFF(queue_max_bytes), "4194304", 65536, 1LL << 32, true,
     "per-connection send queue limit (bytes)"},
    {"auth_timeout_ms", SET_INT, OFF(auth_timeout_ms), "10000", 100, 600000, true,
     "a connection must authenticate within this time"},
    {"data_poll_ms", SET_INT, OFF(data_poll_ms), "200", 10, 60000, false,
     "how often the hub looks for changes made by `kairan-hub admin`"},
    {"history_max", SET_INT, OFF(history_max), "500", 1, 10000, true,
     "most items one history request returns"},
    {"log_level", SET_LOGLEVEL, OFF(log_level), "info", 0, 0, true, "error, warn, info or debug"},
    {"geoip_city", SET_STR, OFF(geoip_city), NULL, 0, 0, true,
     "GeoIP2/GeoLite2 City or Country database (.mmdb): country of IP indicators"},
    {"geoip_asn", SET_STR, OFF(geoip_asn), NULL, 0, 0, true,
     "GeoLite2 ASN database (.mmdb): autonomous system of IP indicators"},
    {"benign_file", SET_STR, OFF(benign_file), NULL, 0, 0, true,
     "known-benign indicator values, one 'TYPE VALUE [# reason]' per line; flagged, not dropped"},
    {"benchmark_snapshot_s", SET_INT, OFF(benchmark_snapshot_s), "86400", 1, 30 * 86400, true,
     "the assessment benchmark counts assessments as they stood at the start of each period "
     "of this many seconds (aligned to 00:00 JST)"},
    {"event_reminder_minutes", SET_INT, OFF(event_reminder_minutes), "1440", 1, 20160, true,
     "remind attendees this many minutes before an event starts"},
    {"trusted_proxies", SET_STR, OFF(trusted_proxies), NULL, 0, 0, false,
     "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed"},
    {"audit_denial_window_s", SET_INT, OFF(audit_denial_window_s), "60", 1, 86400, false,
     "identical refusals within this many seconds are one audit entry plus a count"},
    {"metrics_token", SET_SECRET, OFF(metrics_token), NULL, 0, 0, false,
     "bearer token for GET /metrics from other hosts (at least 32 characters); unset: none"},
    {"metrics_local", SET_BOOL, OFF(metrics_local), "on", 0, 0, false,
     "GET /metrics from 127.0.0.1 or ::1 needs no token (off behind a local proxy)"},
    {"max_connections_per_ip", SET_INT, OFF(max_connections_per_ip), "256", 1, 1000000, true,
     "websocket connections one client address may hold; more get too_many_connections"},
    {"rate_user_per_s", SET_INT, OFF(rate_user_per_s), "1000", 0, 1000000, true,
     "messages per second one user may send, over all its connections (0: no limit)"},
    {"rate_user_burst", SET_INT, OFF(rate_user_burst), "10000", 1, 1000000, true,
     "messages a user may send at once before rate_user_per_s applies"},
    {"rate_ip_per_s", SET_INT, OFF(rate_ip_per_s), "0", 0, 1000000, true,
     "messages per second one client address may send (0: no limit; behind a reverse "
     "proxy every client has the proxy's address)"},
    {"rate_ip_burst", SET_INT, OFF(rate_ip_burst), "2000", 1, 1000000, true,
     "messages an address may send at once before rate_ip_per_s applies"},
    {"frame_timeout_ms", SET_INT, OFF(frame_timeout_ms), "10000", 100, 600000, true,
     "a message that was begun must be complete within this time"},
    {"handshake_timeout_s", SET_INT, OFF(handshake_timeout_s), "10", 1, 300, false,
     "a connection must finish its TLS handshake and websocket upgrade within this time"},
    {"tls_client_ca", SET_STR, OFF(tls_client_ca), NULL, 0, 0, false,
     "CA bundle (PEM) for client certificates: when set, clients may present a certificate "
     "issued by one of these CAs and registered with `admin user cert` instead of a token "
     "(the file is re-read on SIGHUP)"},
};

#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

static const struct setting *find(const char *name)
{
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

static bool apply(struct kr_config *cfg, const struct setting *s, const char *v, char *err,
                  size_t errlen)
{
	void *field = (char *)cfg + s->offset;
	char *end;
	long long n;

	switch (s->type) {
	case SET_LOGLEVEL:
		if (kr_log_level_parse(v) < 0) {
			snprintf(err, errlen, "%s: expected error, warn, info or debug, got '%s'",
			         s->name, v);
			return false;
		}
		/* fall through */
	case SET_SECRET:
		if (s->type == SET_SECRET && strlen(v) < SECRET_MIN_LEN) {
			snprintf(err, errlen,
			         "%s: use at least %d characters (openssl rand -hex 32)", s->name,
			         SECRET_MIN_LEN);
			return false;
		}
		/* fall through */
	case SET_STR: {
		char *copy = strdup(v);

		if (!copy) {
			snprintf(err, errlen, "%s: out of memory", s->name);
			return false;
		}
		free(*(char **)field);
		*(char **)field = copy;
		return true;
	}
	case SET_BOOL:
		if (strcmp(v, "on") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0) {
			*(bool *)field = true;
		} else if (strcmp(v, "off") == 0 || strcmp(v, "false") == 0 ||
		           strcmp(v, "no") == 0) {
			*(bool *)field = false;
		} else {
			snprintf(err, errlen, "%s: expected on or off, got '%s'", s->name, v);
			return false;
		}
		return true;
	case SET_INT:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || end == v || *end || n < s->min || n > s->max) {
			snprintf(err, errlen, "%s: expected an integer from %lld to %lld, got '%s'",
			         s->name, (long long)s->min, (long long)s->max, v);
			return false;
		}
		*(int64_t *)field = n;
		return true;
	}
	return false;
}

void config_defaults(struct kr_config *cfg)
{
	char err[128];

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (settings[i].def && !apply(cfg, &settings[i], settings[i].def, err, sizeof(err)))
			kr_log(KR_LOG_ERROR, "config default: %s", err);
}

bool config_set(struct kr_config *cfg, const char *key, const char *value, char *err, size_t errlen)
{
	const struct setting *s = find(key);

	if (!s) {
		snprintf(err, errlen, "unknown setting '%s'", key);
		return false;
	}
	return apply(cfg, s, value, err, errlen);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

bool config_load_file(struct kr_config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	ok = config_load_stream(cfg, f, path, err, errlen);
	fclose(f);
	return ok;
}

#define LINE_MAX_BYTES 1022 /* a line's text, without its newline */

bool config_load_stream(struct kr_config *cfg, FILE *f, const char *path, char *err, size_t errlen)
{
	char *line = NULL, e[256];
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;
	bool ok = false;

	while ((n = getline(&line, &cap, f)) >= 0) {
		char *p, *eq, *key, *val;
		size_t len = (size_t)n;

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > LINE_MAX_BYTES) {
			snprintf(err, errlen, "%s:%d: line too long (over %d bytes)", path, lineno,
			         LINE_MAX_BYTES);
			goto out;
		}
		if (memchr(line, '\0', len)) { /* fgets() took this for a long line */
			snprintf(err, errlen, "%s:%d: holds a NUL byte (is this a text file?)",
			         path, lineno);
			goto out;
		}
		p = trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		eq = strchr(p, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected 'key = value'", path, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		if (!config_set(cfg, key, val, e, sizeof(e))) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, e);
			goto out;
		}
	}
	ok = !ferror(f);
	if (!ok)
		snprintf(err, errlen, "%s:%d: read error", path, lineno + 1);
out:
	free(line);
	return ok;
}

void config_print(const struct kr_config *cfg, FILE *out)
{
	for (size_t i = 0; i < N_SETTINGS; i++) {
		const struct setting *s = &settings[i];
		const void *field = (const char *)cfg + s->offset;

		fprintf(out, "# %s%s\n", s->help, s->reloadable ? " (reloadable)" : "");
		switch (s->type) {
		case SET_STR:
		case SET_LOGLEVEL:
			fprintf(out, "%s = %s\n", s->name,
			        *(char *const *)field ? *(char *const *)field : "");
			break;
		case SET_SECRET:
			fprintf(out, "%s%s = %s\n", *(char *const *)field ? "# " : "", s->name,
			        *(char *const *)field ? "(set; not shown)" : "");
			break;
		case SET_BOOL:
			fprintf(out, "%s = %s\n", s->name, *(const bool *)field ? "on" : "off");
			break;
		case SET_INT:
			fprintf(out, "%s = %lld\n", s->name, (long long)*(const int64_t *)field);
			break;
		}
	}
}

void config_free(struct kr_config *cfg)
{
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (settings[i].type == SET_STR || settings[i].type == SET_LOGLEVEL ||
		    settings[i].type == SET_SECRET)
			free(*(char **)((char *)cfg + settings[i].offset));
	free(cfg->data_dir);
	memset(cfg, 0, sizeof(*cfg));
}
