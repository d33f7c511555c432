/*
 * cmd_post.c - `kairan post FILE|-`: send an item (a JSON object, the
 * `post.item` of schema/PROTOCOL.md) to the hub.
 *
 * Locally the file is only checked to be UTF-8 text holding one JSON object;
 * the fields are the hub's to judge, and its error is what the user sees.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "utf8.h"

#define POST_FILE_MAX CONN_MSG_MAX

/* Read all of f into a malloc'd buffer (*buf, *len). Returns 0 or an errno value. */
static int post_slurp(FILE *f, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *b = NULL, *p;
	int rc = 0;

	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > POST_FILE_MAX + 1)
				cap = POST_FILE_MAX + 1;
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

/* Load the item from path ("-": standard input). Returns 0 or an exit code. */
static int post_load(const struct cli_cmd *cmd, const char *path, json_t **item)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL, *text;
	size_t len = 0;
	json_error_t jerr;
	int e, rc = KR_EXIT_USAGE;

	*item = NULL;
	if (!f) {
		cli_error("cannot read %s: %s", name, strerror(errno));
		goto out;
	}
	e = post_slurp(f, &buf, &len);
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
	*item = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*item) {
		cli_error("%s: line %d, column %d: %s", name, jerr.line, jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(*item)) {
		json_decref(*item);
		*item = NULL;
		cli_error("%s must hold one JSON object, the item (see 'kairan %s --help')", name,
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

static int post_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct conn *c = NULL;
	json_t *item = NULL, *r = NULL, *body = NULL;
	const char *path = NULL;
	bool help;
	int rc;

	rc = cli_parse_operand(cmd, argc, argv, &path, &help);
	if (rc || help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	if (!path) {
		rc = cli_usage_error(cmd, "which file? give FILE, or '-' for standard input");
		goto out;
	}
	rc = post_load(cmd, path, &item);
	if (rc)
		goto out;
	rc = cli_session_open(cli, &c);
	if (rc)
		goto out;
	rc = cli_call(c, json_pack("{s:s, s:O}", "type", "post", "item", item), "posted", &r);
	if (rc)
		goto out;
	if (cli->json) {
		body = cli_reply_body(r);
		cli_print_json(body);
		goto out;
	}
	fputs("posted ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "item_id")), true);
	printf(" (cursor %" JSON_INTEGER_FORMAT ", ",
	       json_integer_value(json_object_get(r, "cursor")));
	cli_print_text(stdout, json_string_value(json_object_get(r, "status")), true);
	fputs(")\n", stdout);
out:
	json_decref(body);
	json_decref(r);
	json_decref(item);
	conn_close(c);
	return rc;
}

const struct cli_cmd cmd_post = {
    "post",
    "post a threat report, practice, alert or event from a JSON file",
    "usage: kairan [OPTIONS] post FILE|-\n"
    "\n"
    "Post an item to its circle. FILE ('-' for standard input) holds the item\n"
    "as one JSON object in UTF-8, for example:\n"
    "\n"
    "  {\"kind\": \"threat\", \"circle\": \"fin-isac\", \"tlp\": \"GREEN\",\n"
    "   \"title\": \"...\", \"body\": \"...\",\n"
    "   \"indicators\": [{\"type\": \"domain\", \"value\": \"login.example\",\n"
    "                   \"role\": \"attacker\"}],\n"
    "   \"tags\": [\"phishing\"]}\n"
    "\n"
    "Fields: kind (threat, practice, alert, event), circle, tlp (CLEAR, GREEN,\n"
    "AMBER, AMBER+STRICT, RED), title, body; optionally indicators ({type,\n"
    "value, role}), tags and, for RED only and required there, recipients\n"
    "(user names in the circle). The hub checks the item; its answer names\n"
    "the new item, its cursor and its status (published, or pending when the\n"
    "circle's moderators review it first), e.g.\n"
    "  posted it_5f2c9a0d1e7b4c21 (cursor 12, published)\n"
    "With --json: {\"item_id\", \"cursor\", \"status\"}.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n",
    post_run,
};
