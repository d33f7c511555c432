/*
 * cmd_share.c - `kairan forward ID --to CIRCLE` (copy a GREEN or CLEAR item
 * into another circle of yours) and `kairan retract ID` (withdraw your own
 * item from every read path).
 */
#include "cmd.h"

static const struct cli_arg forward_args[] = {{"to", true}};

static int forward_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	json_t *r = NULL;
	const char *status;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, forward_args, OPT_COUNT(forward_args), 1, &a);
	if (rc || a.help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	if (a.noperands == 0) {
		rc = cli_usage_error(cmd, CLI_ASK_ITEM_ID);
		goto out;
	}
	if (!a.value[0]) {
		rc = cli_usage_error(cmd, "to which circle? give --to CIRCLE");
		goto out;
	}
	rc = cli_request(cli,
	                 json_pack("{s:s, s:s, s:s}", "type", "forward", "item_id", a.operand[0],
	                           "to", a.value[0]),
	                 "forwarded", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	status = json_string_value(json_object_get(r, "status"));
	fputs("forwarded as ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "item_id")), true);
	printf(" (cursor %" JSON_INTEGER_FORMAT ", ",
	       json_integer_value(json_object_get(r, "cursor")));
	cli_print_text(stdout, status ? status : "?", true);
	fputs(")\n", stdout);
out:
	json_decref(r);
	return rc;
}

static int retract_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	json_t *r = NULL;
	const char *id = NULL;
	int rc;

	rc = cli_item_id_arg(cmd, argc, argv, &id);
	if (rc || !id)
		goto out;
	rc = cli_request(cli, json_pack("{s:s, s:s}", "type", "retract", "item_id", id),
	                 "retracted", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	fputs("retracted ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "item_id")), true);
	fputc('\n', stdout);
out:
	json_decref(r);
	return rc;
}

const struct cli_cmd cmd_forward = {
    "forward",
    "copy a GREEN or CLEAR item into another of your circles",
    "usage: kairan [OPTIONS] forward ID --to CIRCLE\n"
    "\n"
    "Copy the item ID into circle CIRCLE. Only GREEN and CLEAR items can be\n"
    "forwarded, by a member of both circles, when the home circle's policy\n"
    "lets GREEN out and the target's lets GREEN in (else exit 4). The copy\n"
    "keeps the TLP, names the original in forwarded_from and is never made\n"
    "public. Prints the copy's id, cursor and status, e.g.\n"
    "  forwarded as it_0c1d2e3f40516273 (cursor 57, published)\n"
    "The status is pending when the target circle's policy holds the item's\n"
    "kind for its moderators: like any pending item, the copy then reaches\n"
    "nobody but them and the item's author until approved.\n"
    "With --json: {\"item_id\", \"cursor\", \"status\"}.\n"
    "\n"
    "To have an item you cannot forward yourself shared more widely, ask its\n"
    "author: see 'kairan request --help'.\n"
    "\n"
    "Options:\n"
    "  --to CIRCLE  the circle to copy the item into (required)\n"
    "  -h, --help   show this help\n",
    forward_run,
};

const struct cli_cmd cmd_retract = {
    "retract",
    "withdraw one of your items",
    "usage: kairan [OPTIONS] retract ID\n"
    "\n"
    "Withdraw your item ID: it leaves every read path (get, history,\n"
    "subscriptions) and its readers are told it was retracted (exit 4 when\n"
    "you may not retract it). Prints\n"
    "  retracted it_5f2c9a0d1e7b4c21\n"
    "With --json: {\"item_id\"}.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n",
    retract_run,
};
