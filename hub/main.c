/*
 * main.c - kairan-hub: the daemon's command line, and the door to
 * `kairan-hub admin ...`.
 *
 *   kairan-hub --data DIR [--port P] [--config FILE] [--demo]
 *   kairan-hub admin --data DIR ...
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"
#include "config.h"
#include "demo.h"
#include "log.h"
#include "perms.h"
#include "server.h"
#include "store.h"
#include "tlsgen.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* Over a file size limit (RLIMIT_FSIZE) writes fail with EFBIG and the
	 * store reports a full disk, as with ENOSPC, instead of the hub dying. */
	sigaction(SIGXFSZ, &sa, NULL);
}

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: kairan-hub --data DIR [--port P] [--config FILE] [--demo]\n"
	        "       kairan-hub --print-config [--config FILE]\n"
	        "       kairan-hub admin --data DIR ...   (see: kairan-hub admin --help)\n"
	        "\n"
	        "  --data DIR       data directory (SQLite store, TLS files); env KAIRAN_DATA\n"
	        "  --port P         TCP port (overrides the config file; default 8443)\n"
	        "  --config FILE    settings file (see hub/kairan-hub.conf.example)\n"
	        "  --demo           seed demo circles, organisations and users on first run\n"
	        "                   and print the commands to try\n"
	        "  --print-config   print every setting with its value and exit\n");
}

struct options {
	const char *data;
	const char *port;
	const char *config;
	int demo;
	int print_config;
};

/* Returns -1 to continue, else an exit code. */
static int parse_args(int argc, char **argv, struct options *o)
{
	o->data = getenv("KAIRAN_DATA");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			printf("kairan-hub 0.1.0\n");
			return 0;
		} else if (strcmp(a, "--demo") == 0) {
			o->demo = 1;
		} else if (strcmp(a, "--print-config") == 0) {
			o->print_config = 1;
		} else if (strcmp(a, "--data") == 0) {
			slot = &o->data;
		} else if (strcmp(a, "--port") == 0) {
			slot = &o->port;
		} else if (strcmp(a, "--config") == 0) {
			slot = &o->config;
		} else {
			fprintf(stderr, "kairan-hub: unknown argument '%s'\n", a);
			usage(stderr);
			return 2;
		}
		if (slot) {
			if (++i == argc) {
				fprintf(stderr, "kairan-hub: %s needs a value\n", a);
				return 2;
			}
			*slot = argv[i];
		}
	}
	return -1;
}

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Default TLS files in DATA/tls; make a self-signed pair when both are missing. */
static int prepare_tls(struct kr_config *cfg)
{
	static const char *const dns[] = {"localhost"};
	static const char *const ips[] = {"127.0.0.1", "::1"};
	char err[512], *dir = NULL;
	int rc = -1;

	if (!cfg->tls)
		return 0;
	if (cfg->tls_cert && cfg->tls_key)
		return 0;
	dir = path_join(cfg->data_dir, "tls");
	if (!dir)
		goto out;
	if (!cfg->tls_cert)
		cfg->tls_cert = path_join(dir, "cert.pem");
	if (!cfg->tls_key)
		cfg->tls_key = path_join(dir, "key.pem");
	if (!cfg->tls_cert || !cfg->tls_key)
		goto out;
	if (file_exists(cfg->tls_cert) || file_exists(cfg->tls_key)) {
		rc = 0;
		goto out;
	}
	if (!tlsgen_ensure_dir(dir, 0700, err, sizeof(err)) ||
	    !tlsgen_self_signed(cfg->tls_cert, cfg->tls_key, dns, 1, ips, 2, 825, err,
	                        sizeof(err))) {
		kr_log(KR_LOG_ERROR, "cannot create a self-signed certificate: %s", err);
		goto out;
	}
	kr_log(KR_LOG_WARN,
	       "made a self-signed certificate for localhost in %s; clients need --ca %s "
	       "(set tls_cert and tls_key for a real one)",
	       dir, cfg->tls_cert);
	rc = 0;
out:
	free(dir);
	return rc;
}

/* Refuse to run with the data directory, the store or the TLS key open to
 * group or others. */
static bool private_files(const struct kr_config *cfg)
{
	static const char *const store_files[] = {"kairan.db", "kairan.db-wal", "kairan.db-shm"};
	char err[1024], *p;
	bool ok = perms_private(cfg->data_dir, "the data directory", true, true, err, sizeof(err));

	for (size_t i = 0; ok && i < sizeof(store_files) / sizeof(store_files[0]); i++) {
		p = path_join(cfg->data_dir, store_files[i]);
		ok = p && perms_private(p, "the store", false, false, err, sizeof(err));
		free(p);
	}
	if (ok && cfg->tls && cfg->tls_key)
		ok = perms_private(cfg->tls_key, "the TLS private key", false, true, err,
		                   sizeof(err));
	if (!ok)
		fprintf(stderr, "kairan-hub: refusing to start: %s\n", err);
	return ok;
}

/* Where the client binary probably is, for the demo's printed commands. */
static void client_hint(char *out, size_t n)
{
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 32);
	char *slash;

	snprintf(out, n, "kairan");
	if (len <= 0)
		return;
	self[len] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return;
	strcpy(slash, "/../client/kairan");
	if (access(self, X_OK) == 0) {
		char *real = realpath(self, NULL);

		if (real) {
			snprintf(out, n, "%s", real);
			free(real);
		}
	}
}

static int run(const struct options *o)
{
	struct kr_config cfg;
	struct kr_store *st = NULL;
	char err[512], hint[4096];
	int rc = 1;

	config_defaults(&cfg);
	if (o->config && !config_load_file(&cfg, o->config, err, sizeof(err))) {
		fprintf(stderr, "kairan-hub: %s\n", err);
		goto out;
	}
	if (o->port && !config_set(&cfg, "port", o->port, err, sizeof(err))) {
		fprintf(stderr, "kairan-hub: --port: %s\n", err);
		rc = 2;
		goto out;
	}
	if (o->print_config) {
		config_print(&cfg, stdout);
		rc = 0;
		goto out;
	}
	if (!o->data) {
		fprintf(stderr, "kairan-hub: --data DIR is required\n");
		usage(stderr);
		rc = 2;
		goto out;
	}
	kr_log_set_level((enum kr_log_level)kr_log_level_parse(cfg.log_level));
	cfg.data_dir = strdup(o->data);
	if (!cfg.data_dir || !tlsgen_ensure_dir(cfg.data_dir, 0700, err, sizeof(err))) {
		fprintf(stderr, "kairan-hub: data directory %s: %s\n", o->data, err);
		goto out;
	}
	if (prepare_tls(&cfg) != 0)
		goto out;
	if (!private_files(&cfg))
		goto out;
	if (store_open(cfg.data_dir, &st, err, sizeof(err)) != KR_OK) {
		fprintf(stderr, "kairan-hub: %s\n", err);
		goto out;
	}
	if (o->demo) {
		bool seeded = false;

		if (demo_seed(st, cfg.data_dir, &seeded, err, sizeof(err)) != KR_OK) {
			fprintf(stderr, "kairan-hub: demo: %s\n", err);
			goto out;
		}
		client_hint(hint, sizeof(hint));
		demo_print(stdout, cfg.data_dir, "localhost", (int)cfg.port, cfg.tls, hint, seeded);
		fflush(stdout);
	}
	install_signals();
	rc = server_run(&cfg, o->config, st, &stop_requested, &reload_requested);
out:
	store_close(st);
	config_free(&cfg);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = {0};
	int rc;

	umask(KR_UMASK); /* the store, its journal files, keys: owner only */
	if (argc > 1 && strcmp(argv[1], "admin") == 0)
		return admin_main(argc - 1, argv + 1);
	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	return run(&o);
}
