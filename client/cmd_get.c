/*
 * cmd_get.c - `kairan get ID` (one item, for people or as JSON) and
 * `kairan history --circle C` (a circle's items in cursor order, a page at a
 * time). Both work without a token too, as anonymous read-only sessions.
 */
#include "cmd.h"

static int get_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct conn *c = NULL;
	json_t *r = NULL;
	const char *id = NULL;
	int rc;

	rc = cli_item_id_arg(cmd, argc, argv, &id);
	if (rc || !id)
		goto out;
	rc = cli_session_open_reader(cli, &c);
	if (rc)
		goto out;
	rc = cli_call(c, json_pack("{s:s, s:s}", "type", "get", "item_id", id), "item", &r);
	if (rc) {
		cli_anonymous_hint(cli, rc);
		goto out;
	}
	if (cli->json) {
		json_t *item = json_object_get(r, "item");

		if (json_object_get(r, "correlation"))
			json_object_set(item, "correlation", json_object_get(r, "correlation"));
		cli_print_json(item);
	} else {
		cli_print_item(json_object_get(r, "item"));
		cli_print_correlation(json_object_get(r, "item"),
		                      json_object_get(r, "correlation"));
	}
out:
	json_decref(r);
	conn_close(c);
	return rc;
}

enum { H_HELP = 1, H_CIRCLE, H_SINCE, H_LIMIT };

static const struct opt_spec history_opts[] = {
    {"help", 'h', false, H_HELP},
    {"circle", 0, true, H_CIRCLE},
    {"since", 0, true, H_SINCE},
    {"limit", 0, true, H_LIMIT},
};

/* Build the `history` request from the command line. Returns 0 or an exit code. */
static int history_parse(const struct cli_cmd *cmd, int argc, char **argv, json_t **req)
{
	struct opt_iter it;
	const char *arg;
	char err[128];
	json_int_t n;
	int o, rc = KR_EXIT_OK;

	*req = json_pack("{s:s}", "type", "history");
	opt_init(&it, argc, argv, 1);
	while (rc == KR_EXIT_OK &&
	       (o = opt_next(&it, history_opts, OPT_COUNT(history_opts), &arg, err, sizeof(err)))) {
		if (o == H_HELP) {
			rc = -1;
		} else if (o == H_CIRCLE) {
			rc = cli_check_text(cmd, "--circle", arg);
			if (rc == KR_EXIT_OK)
				json_object_set_new(*req, "circle", json_string(arg));
		} else if ((o == H_SINCE || o == H_LIMIT) && !cli_parse_uint(arg, &n)) {
			rc = cli_usage_error(cmd, "--%s needs a number, not '%s'",
			                     o == H_SINCE ? "since" : "limit", arg);
		} else if (o == H_SINCE || o == H_LIMIT) {
			json_object_set_new(*req, o == H_SINCE ? "since" : "limit",
			                    json_integer(n));
		} else {
			rc = cli_opt_error(cmd, o, arg, err);
		}
	}
	if (rc == KR_EXIT_OK && !json_is_string(json_object_get(*req, "circle")))
		rc = cli_usage_error(cmd, "which circle? give --circle C");
	if (rc) {
		json_decref(*req);
		*req = NULL;
	}
	return rc < 0 ? cli_help(cmd) : rc;
}

static void history_print(const json_t *r)
{
	const json_t *items = json_object_get(r, "items"), *item;
	size_t i;

	json_array_foreach(items, i, item)
	{
		printf("%8" JSON_INTEGER_FORMAT "  ",
		       json_integer_value(json_object_get(item, "cursor")));
		cli_print_cell(stdout, json_string_value(json_object_get(item, "tlp")), 14);
		cli_print_cell(stdout, json_string_value(json_object_get(item, "kind")), 10);
		cli_print_text(stdout, json_string_value(json_object_get(item, "title")), true);
		fputc('\n', stdout);
	}
	if (json_is_true(json_object_get(r, "more"))) {
		fputs("more: kairan history --circle ", stderr);
		cli_print_text(stderr, json_string_value(json_object_get(r, "circle")), true);
		fprintf(stderr, " --since %" JSON_INTEGER_FORMAT "\n",
		        json_integer_value(json_object_get(r, "next")));
	}
}

static int history_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct conn *c = NULL;
	json_t *req = NULL, *r = NULL, *body = NULL;
	int rc;

	rc = history_parse(cmd, argc, argv, &req);
	if (rc || !req)
		goto out;
	rc = cli_session_open_reader(cli, &c);
	if (rc)
		goto out;
	rc = cli_call(c, req, "history", &r);
	req = NULL;
	if (rc) {
		cli_anonymous_hint(cli, rc);
		goto out;
	}
	if (cli->json) {
		body = cli_reply_body(r);
		cli_print_json(body);
	} else {
		history_print(r);
	}
out:
	json_decref(body);
	json_decref(r);
	json_decref(req);
	conn_close(c);
	return rc;
}

const struct cli_cmd cmd_get = {
    "get",
    "show one item",
    "usage: kairan [OPTIONS] get ID\n"
    "\n"
    "Show the item ID (e.g. it_5f2c9a0d1e7b4c21): title, TLP, circle, kind,\n"
    "status, creation time, the original of a forwarded copy, tags, body and\n"
    "indicators (each with \"benign: REASON\" when the hub knows the value to\n"
    "be benign, and its validity window, \"(expired)\" once it has passed; IP\n"
    "addresses with the country and autonomous system the hub found for them,\n"
    "e.g. \"(JP, AS2497 ...)\"). An alert also shows its severity (info, low,\n"
    "medium, high, critical), and after the body its recommended action, the\n"
    "affected products and its references (CVE ids, items, advisories' URLs).\n"
    "A practice report shows its directive, industry, size band, readers and\n"
    "level, and after the body its situation, steps, outcome and references.\n"
    "Where other items you may read carry the same indicator, and at least\n"
    "k organisations contributed them, each indicator says \"also in N other\n"
    "items\"; the circle's sightings of it appear once k organisations have\n"
    "reported them (see `kairan sight`).\n"
    "With --json: the item object, with the hub's `correlation` list added\n"
    "when there is one.\n"
    "\n"
    "Without any token (no --token, --token-file or KAIRAN_TOKEN) the hub is\n"
    "asked anonymously: only CLEAR items of circles that publish CLEAR can be\n"
    "read that way; anything else fails with exit 3 or 4.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n",
    get_run,
};

const struct cli_cmd cmd_history = {
    "history",
    "list a circle's items, oldest first",
    "usage: kairan [OPTIONS] history --circle C [--since CURSOR] [--limit N]\n"
    "\n"
    "List the items of circle C you may read, in cursor order, one per line:\n"
    "cursor, TLP, kind and title. When there are more, a hint on stderr gives\n"
    "the --since to use for the next page.\n"
    "With --json: {\"circle\", \"items\", \"next\", \"more\"}.\n"
    "\n"
    "Without any token (no --token, --token-file or KAIRAN_TOKEN) the hub is\n"
    "asked anonymously: only a circle that publishes CLEAR can be read that\n"
    "way, and only its CLEAR items.\n"
    "\n"
    "Options:\n"
    "  --circle C       the circle (required)\n"
    "  --since CURSOR   only items after this cursor\n"
    "  --limit N        at most N items (1-500; the hub's default is 100)\n"
    "  -h, --help       show this help\n",
    history_run,
};
