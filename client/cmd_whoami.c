/*
 * cmd_whoami.c - `kairan whoami` (who the token belongs to) and
 * `kairan circles` (the circles the user is in, with kind, role and the
 * TLPs each circle's policy allows).
 */
#include "cmd.h"

/* Open a session, send {"type": type} and expect a reply of the same type. */
static int whoami_ask(const struct cli *cli, const char *type, json_t **reply)
{
	struct conn *c = NULL;
	int rc;

	*reply = NULL;
	rc = cli_session_open(cli, &c);
	if (rc)
		goto out;
	rc = cli_call(c, json_pack("{s:s}", "type", type), type, reply);
out:
	conn_close(c);
	return rc;
}

static int whoami_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	json_t *r = NULL, *body = NULL;
	bool help;
	int rc;

	rc = cli_parse_none(cmd, argc, argv, &help);
	if (rc || help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	rc = whoami_ask(cli, "whoami", &r);
	if (rc)
		goto out;
	if (cli->json) {
		body = cli_reply_body(r);
		cli_print_json(body);
		goto out;
	}
	fputs("user ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "user")), true);
	fputs(" (organisation ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "org")), true);
	fputs(")\n", stdout);
out:
	json_decref(body);
	json_decref(r);
	return rc;
}

/* Width of the widest value of field in the circles, at least min. */
static int circles_width(const json_t *circles, const char *field, int min)
{
	const json_t *c;
	size_t i;
	int w = min;

	json_array_foreach(circles, i, c)
	{
		int n = cli_text_width(json_string_value(json_object_get(c, field)));

		if (n > w)
			w = n;
	}
	return w;
}

/* The TLPs of an array (borrowed) as "CLEAR,GREEN", or "-" when there are none. */
static void circles_tlps(const json_t *tlps)
{
	const json_t *t;
	size_t i;

	if (json_array_size(tlps) == 0)
		fputc('-', stdout);
	json_array_foreach(tlps, i, t)
	{
		fputs(i ? "," : "", stdout);
		cli_print_text(stdout, json_string_value(t), true);
	}
}

/* The circles (borrowed) as a table for people. */
static void circles_print(const json_t *circles)
{
	const json_t *c;
	size_t i;
	int wc = circles_width(circles, "circle", 6) + 2;
	int wk = circles_width(circles, "kind", 4) + 2;
	int wr = circles_width(circles, "role", 4) + 2;
	int wd = circles_width(circles, "tlp_default", 11) + 2;

	printf("%-*s%-*s%-*s%-*s%s\n", wc, "CIRCLE", wk, "KIND", wr, "ROLE", wd, "TLP-DEFAULT",
	       "TLP-ALLOWED");
	json_array_foreach(circles, i, c)
	{
		const char *def = json_string_value(json_object_get(c, "tlp_default"));

		cli_print_cell(stdout, json_string_value(json_object_get(c, "circle")), wc);
		cli_print_cell(stdout, json_string_value(json_object_get(c, "kind")), wk);
		cli_print_cell(stdout, json_string_value(json_object_get(c, "role")), wr);
		cli_print_cell(stdout, def ? def : "-", wd);
		circles_tlps(json_object_get(c, "tlp_allowed"));
		fputc('\n', stdout);
	}
}

static int circles_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	json_t *r = NULL;
	bool help;
	int rc;

	rc = cli_parse_none(cmd, argc, argv, &help);
	if (rc || help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	rc = whoami_ask(cli, "circles", &r);
	if (rc)
		goto out;
	if (cli->json)
		cli_print_json(json_object_get(r, "circles"));
	else
		circles_print(json_object_get(r, "circles"));
out:
	json_decref(r);
	return rc;
}

const struct cli_cmd cmd_whoami = {
    "whoami",
    "show the user and organisation of your token",
    "usage: kairan [OPTIONS] whoami\n"
    "\n"
    "Show the user and the organisation your token belongs to, e.g.\n"
    "  user tanaka (organisation sakura-bank)\n"
    "With --json: {\"user\": ..., \"org\": ...}.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n",
    whoami_run,
};

const struct cli_cmd cmd_circles = {
    "circles",
    "list your circles and your role in each",
    "usage: kairan [OPTIONS] circles\n"
    "\n"
    "List the circles you belong to, with the circle's kind, your role\n"
    "(member, moderator, organizer, observer), and the TLPs its policy offers\n"
    "by default (TLP-DEFAULT) and allows (TLP-ALLOWED). 'kairan post' never\n"
    "applies the default: an item always names its TLP.\n"
    "With --json: an array of {\"circle\", \"kind\", \"role\", \"tlp_default\",\n"
    "\"tlp_allowed\"}.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n",
    circles_run,
};
