/*
 * fuzz_config.c - libFuzzer harness for the hub's configuration file
 * parser (hub/config.h), read from memory with config_load_stream().
 *
 * Properties: never crashes or leaks; a refused file is named with the
 * line and the reason ("fuzz.conf:LINE: ..."), and a file whose lines all
 * fit is never refused as having a line too long; an accepted file's
 * settings, printed as --print-config prints them, read back to the same
 * printout (the secret metrics_token is never printed, so it is left out
 * of the comparison).
 */
#define _GNU_SOURCE /* fmemopen, open_memstream */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define LINE_MAX_BYTES 1022 /* config.c takes lines of up to 1,022 bytes and a newline */

/* The printout of cfg without its secret line; malloc'd. */
static char *printout(const struct kr_config *cfg)
{
	char *buf = NULL, *line, *out;
	size_t len = 0, o = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	config_print(cfg, f);
	fclose(f);
	out = malloc(len + 1);
	if (!out)
		abort();
	for (line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line);

		if (strncmp(line, "metrics_token =", 15) != 0 &&
		    strncmp(line, "# metrics_token =", 17) != 0) {
			memcpy(out + o, line, n);
			o += n;
		}
		line += n;
	}
	out[o] = '\0';
	free(buf);
	return out;
}

static bool lines_fit(const uint8_t *data, size_t size)
{
	size_t start = 0;

	for (size_t i = 0; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			if (i - start > LINE_MAX_BYTES)
				return false;
			start = i + 1;
		}
	}
	return true;
}

/* "fuzz.conf:N: line too long..." (not a setting named so). */
static bool is_too_long(const char *err)
{
	const char *p = err + 10;

	while (*p >= '0' && *p <= '9')
		p++;
	return p > err + 10 && strncmp(p, ": line too long", 15) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kr_config cfg, again;
	char err[1024] = "", *shown = NULL, *shown_again = NULL;
	FILE *f;
	bool ok;

	if (size == 0 || size > 16384)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	config_defaults(&cfg);
	ok = config_load_stream(&cfg, f, "fuzz.conf", err, sizeof(err));
	fclose(f);
	if (!ok) {
		if (strncmp(err, "fuzz.conf:", 10) != 0 || !err[10])
			abort();
		if (is_too_long(err) && lines_fit(data, size))
			abort();
		goto out;
	}
	shown = printout(&cfg);
	f = fmemopen(shown, strlen(shown), "r");
	if (!f)
		abort();
	config_defaults(&again);
	ok = config_load_stream(&again, f, "printed.conf", err, sizeof(err));
	fclose(f);
	if (!ok)
		abort();
	shown_again = printout(&again);
	if (strcmp(shown, shown_again) != 0)
		abort();
	config_free(&again);
out:
	free(shown_again);
	free(shown);
	config_free(&cfg);
	return 0;
}
