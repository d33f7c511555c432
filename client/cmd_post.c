/*
 * cmd_post.c - `kairan post FILE|-`: send an item (a JSON object, the
 * `post.item` of schema/PROTOCOL.md) to the hub.
 *
 * Locally the file is only checked to be UTF-8 text holding one JSON object
 * (cli_load_object()); the fields are the hub's to judge, and its error is
 * what the user sees.
 */
#include "cmd.h"

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
	rc = cli_load_object(cmd, path, "the item", &item);
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
