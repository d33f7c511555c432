/*
 * admin_out.c - how `kairan-hub admin` talks: messages on stderr, results
 * on stdout as aligned tables (Japanese counted two columns wide) or JSON.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "admin_int.h"

/* ---- messages -------------------------------------------------------- */

static void vmessage(const char *fmt, va_list ap)
{
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* Print a usage error (and the command's usage line); returns exit 2. */
__attribute__((format(printf, 2, 3))) int adm_usage_fail(const struct admin *a, const char *fmt,
                                                         ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	if (a->cmd)
		fprintf(stderr, "usage: " PROG " --data DIR [--json] %s\n", a->cmd->usage);
	fprintf(stderr, "try '" PROG " --help'\n");
	return KR_EXIT_USAGE;
}

/* Print the store's message when it gave one, else fmt; returns the exit
 * code for rc. */
__attribute__((format(printf, 3, 4))) int adm_fail(const struct admin *a, enum kr_err rc,
                                                   const char *fmt, ...)
{
	va_list ap;

	if (a->err[0]) {
		fprintf(stderr, PROG ": %s\n", a->err);
	} else {
		va_start(ap, fmt);
		vmessage(fmt, ap);
		va_end(ap);
	}
	return (int)kr_err_exit(rc);
}

void adm_json_print(json_t *v)
{
	json_dumpf(v, stdout, JSON_COMPACT);
	fputc('\n', stdout);
}

/* Report a successful mutation: obj (a new reference, stolen) on stdout in
 * JSON mode, else the confirmation on stderr. */
__attribute__((format(printf, 3, 4))) int adm_done(const struct admin *a, json_t *obj,
                                                   const char *fmt, ...)
{
	va_list ap;
	int ex = adm_commit(a);

	if (ex) {
		json_decref(obj);
		return ex;
	}
	if (a->json) {
		adm_json_print(obj);
	} else {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	json_decref(obj);
	return KR_EXIT_OK;
}

/* ---- tables ---------------------------------------------------------- */

/* Terminal columns of a code point: 2 for East Asian wide and full-width
 * forms (Japanese names), 0 for controls and combining marks. */
static int cp_width(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x300 && c <= 0x36f) ||
	    (c >= 0x3099 && c <= 0x309a))
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

static size_t text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p) {
		uint32_t c = *p;
		int n = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

		c &= n == 3 ? 0x07 : n == 2 ? 0x0f : n == 1 ? 0x1f : 0xff;
		p++;
		for (; n > 0 && (*p & 0xc0) == 0x80; n--, p++)
			c = c << 6 | (*p & 0x3f);
		w += (size_t)cp_width(c);
	}
	return w;
}

/* One table cell: strings as they are (control characters shown as '?'),
 * numbers in decimal, arrays joined with ", ", anything else "-". */
static void cell_text(const json_t *v, char *buf, size_t len)
{
	size_t i, used = 0;
	json_t *e;

	buf[0] = '\0';
	if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_array(v) && json_array_size(v) > 0) {
		json_array_foreach(v, i, e)
		{
			int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
			                 json_is_string(e) ? json_string_value(e) : "?");

			if (n < 0 || (size_t)n >= len - used)
				break;
			used += (size_t)n;
		}
	} else {
		snprintf(buf, len, "-");
	}
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static const json_t *cell_value(const json_t *row, const struct column *c)
{
	return c->field ? json_object_get(row, c->field) : row;
}

/* Print list (borrowed) as aligned columns on stdout, or a note on stderr
 * when it is empty. */
static void table_print(const json_t *list, const struct column *cols, size_t ncols,
                        const char *empty)
{
	size_t width[8] = {0};
	char buf[1024];
	size_t r;
	json_t *row;

	if (json_array_size(list) == 0) {
		fprintf(stderr, "%s\n", empty);
		return;
	}
	for (size_t c = 0; c < ncols && c < 8; c++) {
		width[c] = text_width(cols[c].header);
		json_array_foreach(list, r, row)
		{
			size_t w;

			cell_text(cell_value(row, &cols[c]), buf, sizeof(buf));
			w = text_width(buf);
			width[c] = w > width[c] ? w : width[c];
		}
	}
	for (size_t c = 0; c < ncols && c < 8; c++)
		printf("%s%*s", cols[c].header,
		       c + 1 < ncols ? (int)(width[c] - text_width(cols[c].header) + 2) : 0, "");
	putchar('\n');
	json_array_foreach(list, r, row)
	{
		for (size_t c = 0; c < ncols && c < 8; c++) {
			cell_text(cell_value(row, &cols[c]), buf, sizeof(buf));
			printf("%s%*s", buf,
			       c + 1 < ncols ? (int)(width[c] - text_width(buf) + 2) : 0, "");
		}
		putchar('\n');
	}
}

/* Print a list (a new reference, stolen) as JSON or as a table. */
int adm_list_print(const struct admin *a, json_t *list, const struct column *cols, size_t ncols,
                   const char *empty)
{
	if (a->json)
		adm_json_print(list);
	else
		table_print(list, cols, ncols, empty);
	json_decref(list);
	return KR_EXIT_OK;
}
