/*
 * cmd_roster.c - `kairan roster --circle C`: the member organisations of a
 * circle, where its policy lets you see them.
 */
#include "cmd.h"

static const struct cli_arg roster_args[] = {{"circle", true}};

static int roster_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	json_t *r = NULL;
	const json_t *org;
	size_t i;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, roster_args, OPT_COUNT(roster_args), 0, &a);
	if (rc || a.help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	if (!a.value[0]) {
		rc = cli_usage_error(cmd, "which circle? give --circle C");
		goto out;
	}
	rc = cli_request(cli, json_pack("{s:s, s:s}", "type", "roster", "circle", a.value[0]),
	                 "roster", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	json_array_foreach(json_object_get(r, "orgs"), i, org)
	{
		cli_print_text(stdout, json_string_value(org), true);
		fputc('\n', stdout);
	}
out:
	json_decref(r);
	return rc;
}

const struct cli_cmd cmd_roster = {
    "roster",
    "list a circle's member organisations",
    "usage: kairan [OPTIONS] roster --circle C\n"
    "\n"
    "Print the keys of the organisations that are members of circle C, one\n"
    "per line. A circle's roster is hidden from its members unless its\n"
    "policy shows it (else exit 4); the circle's moderators always see it.\n"
    "With --json: {\"circle\", \"orgs\"}.\n"
    "\n"
    "Options:\n"
    "  --circle C  the circle (required)\n"
    "  -h, --help  show this help\n",
    roster_run,
};
