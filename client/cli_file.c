/*
 * cli_file.c - JSON objects read from a file or standard input: the item of
 * `kairan post` and the edit of `kairan moderate` (see cli_load_object() in
 * cli.h).
 *
 * Locally a file is only checked to be UTF-8 text holding one JSON object;
 * its fields are the hub's to judge, and its error is what the user sees.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "utf8.h"

#define FILE_MAX CONN_MSG_MAX

/* Read all of f into a malloc'd buffer (*buf, *len). Returns 0 or an errno value. */
static int file_slurp(FILE *f, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *b = NULL, *p;
	int rc = 0;

	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > FILE_MAX + 1)
				cap = FILE_MAX + 1;
			if (n == cap) {
				rc = EFBIG;
				goto out;
			}
			p = realloc(b, cap);
			if (!p) {
				rc = ENOMEM;
				goto out;
			}
			b = p;
		}
		n += fread(b + n, 1, cap - n, f);
		if (ferror(f)) {
			rc = errno ? errno : EIO;
			goto out;
		}
		if (feof(f))
			break;
	}
	*buf = b;
	*len = n;
	b = NULL;
out:
	free(b);
	return rc;
}

int cli_load_object(const struct cli_cmd *cmd, const char *path, const char *what, json_t **obj)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL, *text;
	size_t len = 0;
	json_error_t jerr;
	int e, rc = KR_EXIT_USAGE;

	*obj = NULL;
	if (!f) {
		cli_error("cannot read %s: %s", name, strerror(errno));
		goto out;
	}
	e = file_slurp(f, &buf, &len);
	if (e) {
		cli_error("cannot read %s: %s", name,
		          e == EFBIG ? "larger than 16 MiB" : strerror(e));
		goto out;
	}
	text = buf;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) { /* a BOM, as some editors write */
		text += 3;
		len -= 3;
	}
	if (!kr_utf8_valid(text, len)) {
		cli_error("%s is not UTF-8 text (or contains NUL bytes)", name);
		goto out;
	}
	*obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*obj) {
		cli_error("%s: line %d, column %d: %s", name, jerr.line, jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(*obj)) {
		json_decref(*obj);
		*obj = NULL;
		cli_error("%s must hold one JSON object, %s (see 'kairan %s --help')", name, what,
		          cmd->name);
		goto out;
	}
	rc = KR_EXIT_OK;
out:
	free(buf);
	if (f && f != stdin)
		fclose(f);
	return rc;
}
