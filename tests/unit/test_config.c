/*
 * test_config.c - the settings table: defaults, typed values with ranges,
 * and file errors that name the file, line and key.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config.h"

struct set_row {
	const char *key, *value;
	bool ok;
};

static const struct set_row set_rows[] = {
    {"port", "8443", true},
    {"port", "0", false},
    {"port", "65536", false},
    {"port", "84x", false},
    {"port", "", false},
    {"tls", "off", true},
    {"tls", "on", true},
    {"tls", "maybe", false},
    {"bind", "0.0.0.0", true},
    {"log_level", "debug", true},
    {"log_level", "verbose", false},
    {"max_frame_bytes", "1023", false},
    {"max_frame_bytes", "1048576", true},
    {"no_such_key", "1", false},
};

static void test_set(void)
{
	struct kr_config cfg;
	char err[256];

	config_defaults(&cfg);
	CHECK_EQ_INT(cfg.port, 8443);
	CHECK(cfg.tls);
	CHECK_STREQ(cfg.bind, "127.0.0.1");
	CHECK_NULL(cfg.tls_cert);
	CHECK_EQ_INT(cfg.max_frame_bytes, 262144);
	for (size_t i = 0; i < CHECK_N(set_rows); i++) {
		check_case(set_rows[i].key);
		err[0] = '\0';
		CHECK(config_set(&cfg, set_rows[i].key, set_rows[i].value, err, sizeof(err)) ==
		      set_rows[i].ok);
		if (!set_rows[i].ok)
			CHECK(strstr(err, set_rows[i].key) != NULL);
	}
	check_case(NULL);
	CHECK_EQ_INT(cfg.max_frame_bytes, 1048576);
	CHECK_STREQ(cfg.log_level, "debug");
	config_free(&cfg);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static void test_file(void)
{
	char dir[] = "/tmp/kairan-config-XXXXXX", path[64], err[256];
	struct kr_config cfg;

	CHECK_NOT_NULL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/hub.conf", dir);

	config_defaults(&cfg);
	write_file(path, "# comment\n\n  port = 9443  \nbind=0.0.0.0\ntls = off # not a comment\n");
	CHECK(!config_load_file(&cfg, path, err, sizeof(err)));
	CHECK(strstr(err, "hub.conf:5") != NULL);
	CHECK(strstr(err, "tls") != NULL);
	config_free(&cfg);

	config_defaults(&cfg);
	write_file(path, "# comment\n\n  port = 9443  \nbind=0.0.0.0\ntls = off\n");
	CHECK(config_load_file(&cfg, path, err, sizeof(err)));
	CHECK_EQ_INT(cfg.port, 9443);
	CHECK_STREQ(cfg.bind, "0.0.0.0");
	CHECK(!cfg.tls);
	config_free(&cfg);

	config_defaults(&cfg);
	write_file(path, "port 9443\n");
	CHECK(!config_load_file(&cfg, path, err, sizeof(err)));
	CHECK(strstr(err, "hub.conf:1") != NULL);
	config_free(&cfg);

	/* found by fuzz.config: a NUL byte was reported as a line too long */
	config_defaults(&cfg);
	{
		FILE *f = fopen(path, "w");

		fputs("port = 9443\nbind = 127", f);
		fputc('\0', f);
		fputs("0.0.1\n", f);
		fclose(f);
	}
	CHECK(!config_load_file(&cfg, path, err, sizeof(err)));
	CHECK(strstr(err, "hub.conf:2: holds a NUL byte") != NULL);
	config_free(&cfg);

	/* 1,022 bytes fit; 1,023 do not; the last line needs no newline */
	config_defaults(&cfg);
	{
		char line[1100];

		memset(line, ' ', sizeof(line));
		memcpy(line, "bind = x", 8);
		line[1022] = '\0';
		write_file(path, line);
		CHECK(config_load_file(&cfg, path, err, sizeof(err)));
		CHECK_STREQ(cfg.bind, "x");
		line[1022] = ' ';
		line[1023] = '\0';
		write_file(path, line);
		CHECK(!config_load_file(&cfg, path, err, sizeof(err)));
		CHECK(strstr(err, "hub.conf:1: line too long") != NULL);
	}
	config_free(&cfg);

	config_defaults(&cfg);
	CHECK(!config_load_file(&cfg, "/nonexistent/kairan.conf", err, sizeof(err)));
	CHECK(strstr(err, "/nonexistent/kairan.conf") != NULL);
	config_free(&cfg);

	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_set();
	test_file();
	return check_finish();
}
