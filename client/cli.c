/*
 * cli.c - output helpers, error reporting and exit codes shared by the
 * `kairan` subcommands (see cli.h; the session with the hub is in
 * cli_session.c).
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* Global options a user may put after the subcommand by mistake. */
static const char *const cli_global_names[] = {
    "--url", "--token", "--token-file", "--ca", "--insecure", "--json", "--version",
};

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("kairan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("kairan: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kairan %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* the synopsis: the usage text up to its first blank line */
	fprintf(stderr, "\n%.*s", (int)(strstr(cmd->usage, "\n\n") - cmd->usage + 1), cmd->usage);
	fprintf(stderr, "Run 'kairan %s --help' for more.\n", cmd->name);
	return KR_EXIT_USAGE;
}

int cli_help(const struct cli_cmd *cmd)
{
	fputs(cmd->usage, stdout);
	return KR_EXIT_OK;
}

int cli_opt_error(const struct cli_cmd *cmd, int rc, const char *arg, const char *err)
{
	size_t n;

	if (rc == OPT_OPERAND)
		return cli_usage_error(cmd, "unexpected argument '%s'", arg);
	n = strcspn(arg, "=");
	for (size_t i = 0; i < sizeof(cli_global_names) / sizeof(cli_global_names[0]); i++) {
		if (strlen(cli_global_names[i]) == n && strncmp(arg, cli_global_names[i], n) == 0)
			return cli_usage_error(cmd, "%s is a global option: put it before '%s'",
			                       cli_global_names[i], cmd->name);
	}
	return cli_usage_error(cmd, "%s", err);
}

int cli_server_error(const json_t *msg)
{
	const char *code = json_string_value(json_object_get(msg, "code"));
	const char *text = json_string_value(json_object_get(msg, "message"));

	fprintf(stderr, "kairan: %s: ", code ? code : "internal");
	cli_print_text(stderr, text ? text : "(no message)", true);
	fputc('\n', stderr);
	return kr_err_exit(kr_err_from_code(code));
}

int cli_conn_error(const struct conn *conn)
{
	cli_error("%s", conn_errmsg(conn));
	return KR_EXIT_SERVER;
}

int cli_parse_operand(const struct cli_cmd *cmd, int argc, char **argv, const char **operand,
                      bool *help)
{
	static const struct opt_spec spec[] = {{"help", 'h', false, 1}};
	struct opt_iter it;
	const char *arg;
	char err[128];
	int o;

	*help = false;
	if (operand)
		*operand = NULL;
	opt_init(&it, argc, argv, 1);
	while ((o = opt_next(&it, spec, OPT_COUNT(spec), &arg, err, sizeof(err))) != OPT_DONE) {
		if (o == 1) {
			*help = true;
		} else if (o == OPT_OPERAND && operand && !*operand) {
			*operand = arg;
		} else {
			return cli_opt_error(cmd, o, arg, err);
		}
	}
	return KR_EXIT_OK;
}

int cli_parse_none(const struct cli_cmd *cmd, int argc, char **argv, bool *help)
{
	return cli_parse_operand(cmd, argc, argv, NULL, help);
}

int cli_item_id_arg(const struct cli_cmd *cmd, int argc, char **argv, const char **id)
{
	bool help;
	int rc = cli_parse_operand(cmd, argc, argv, id, &help);

	if (rc || help) {
		*id = NULL;
		return rc ? rc : cli_help(cmd);
	}
	if (!*id)
		return cli_usage_error(cmd, CLI_ASK_ITEM_ID);
	rc = cli_check_text(cmd, "the ID", *id);
	if (rc)
		*id = NULL;
	return rc;
}

int cli_check_text(const struct cli_cmd *cmd, const char *what, const char *arg)
{
	if (kr_utf8_valid(arg, strlen(arg)))
		return KR_EXIT_OK;
	return cli_usage_error(cmd, "%s is not valid UTF-8 text", what);
}

bool cli_parse_uint(const char *s, json_int_t *v)
{
	json_int_t n = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > (INT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (*s - '0');
	}
	*v = n;
	return true;
}

void cli_print_json(const json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	fputc('\n', stdout);
}

json_t *cli_reply_body(const json_t *reply)
{
	json_t *body = json_copy((json_t *)reply);

	if (body) {
		json_object_del(body, "type");
		json_object_del(body, "ref");
	}
	return body;
}

void cli_print_body(const json_t *reply)
{
	json_t *body = cli_reply_body(reply);

	cli_print_json(body);
	json_decref(body);
}

/* Length of the UTF-8 sequence at s (1-4) and its code point, or 0 if invalid. */
static size_t cli_utf8_decode(const unsigned char *s, uint32_t *cp)
{
	size_t len;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

/* Control and bidirectional-override characters a terminal must not get raw. */
static bool cli_is_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* East Asian wide and fullwidth characters: two columns on a terminal. */
static bool cli_is_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	       (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	       (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	       (cp >= 0x20000 && cp <= 0x3fffd);
}

/*
 * cli_print_text() of s to f, or only measure when f is NULL. Returns the
 * columns a terminal gives the oneline form (escapes count as printed).
 */
static int cli_text_walk(FILE *f, const char *s, bool oneline)
{
	const unsigned char *p = (const unsigned char *)s;
	int cols = 0;

	while (p && *p) {
		uint32_t cp = 0;
		size_t len = cli_utf8_decode(p, &cp);

		if (len == 0) {
			cols += 4;
			if (f)
				fprintf(f, "\\x%02x", *p);
			p++;
			continue;
		}
		if (cp == '\n' || cp == '\t') {
			cols += 1;
			if (f)
				fputc(oneline ? ' ' : (int)cp, f);
		} else if (cli_is_unsafe(cp)) {
			cols += cp < 0x80 ? 4 : 6;
			if (f)
				fprintf(f, cp < 0x80 ? "\\x%02x" : "\\u%04x", (unsigned)cp);
		} else {
			cols += cli_is_wide(cp) ? 2 : 1;
			if (f)
				fwrite(p, 1, len, f);
		}
		p += len;
	}
	return cols;
}

void cli_print_text(FILE *f, const char *s, bool oneline)
{
	cli_text_walk(f, s, oneline);
}

int cli_text_width(const char *s)
{
	return cli_text_walk(NULL, s, true);
}

void cli_print_cell(FILE *f, const char *s, int width)
{
	int n = cli_text_walk(f, s, true);

	for (; n < width; n++)
		fputc(' ', f);
}

int cli_finish(int rc)
{
	errno = 0;
	if ((fflush(stdout) != 0 || ferror(stdout)) && rc == KR_EXIT_OK) {
		cli_error("cannot write the output%s%s", errno ? ": " : "",
		          errno ? strerror(errno) : "");
		rc = CLI_EXIT_OUTPUT;
	}
	return rc;
}
