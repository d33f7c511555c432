/*
 * cmd_moderate.c - `kairan moderate SUBCOMMAND`: the circle moderators'
 * review of pending items, with its own dispatch table of subcommands:
 *
 *	list --circle C            the pending queue (message `moderation`)
 *	show ID                    one item, pending ones too (message `get`)
 *	approve ID [--reason T] [--edit FILE]
 *	reject ID --reason T       (message `moderate`, reply `moderated`)
 *	edit ID --edit FILE [--reason T]
 *
 * Each subcommand is a struct cli_cmd named "moderate WORD", so usage errors
 * and --help read "kairan moderate WORD".
 */
#include <string.h>

#include "cmd.h"

/* ---- list ----------------------------------------------------------- */

static const struct cli_arg mod_list_args[] = {{"circle", true}};

/* Width of the widest "author_org" of the items, 0 when none has one. */
static int mod_author_width(const json_t *items)
{
	const json_t *it;
	size_t i;
	int w = 0;

	json_array_foreach(items, i, it)
	{
		const char *s = json_string_value(json_object_get(it, "author_org"));

		if (s && cli_text_width(s) + 2 > w)
			w = cli_text_width(s) + 2;
	}
	return w && w < 12 ? 12 : w; /* at least "AUTHOR-ORG  " */
}

/* The pending items (borrowed) as a table: ITEM KIND TLP [AUTHOR-ORG] TITLE. */
static void mod_list_print(const json_t *r)
{
	const json_t *items = json_object_get(r, "items"), *it;
	int wa = mod_author_width(items);
	size_t i;

	if (json_array_size(items) == 0) {
		fputs("nothing waits for moderation in ", stderr);
		cli_print_text(stderr, json_string_value(json_object_get(r, "circle")), true);
		fputc('\n', stderr);
		return;
	}
	printf("%-21s%-10s%-14s", "ITEM", "KIND", "TLP");
	if (wa)
		printf("%-*s", wa, "AUTHOR-ORG");
	printf("TITLE\n");
	json_array_foreach(items, i, it)
	{
		const char *org = json_string_value(json_object_get(it, "author_org"));

		cli_print_cell(stdout, json_string_value(json_object_get(it, "id")), 21);
		cli_print_cell(stdout, json_string_value(json_object_get(it, "kind")), 10);
		cli_print_cell(stdout, json_string_value(json_object_get(it, "tlp")), 14);
		if (wa)
			cli_print_cell(stdout, org ? org : "-", wa);
		cli_print_text(stdout, json_string_value(json_object_get(it, "title")), true);
		fputc('\n', stdout);
	}
}

static int mod_list_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	json_t *r = NULL;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, mod_list_args, OPT_COUNT(mod_list_args), 0, &a);
	if (rc || a.help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	if (!a.value[0]) {
		rc = cli_usage_error(cmd, "which circle? give --circle C");
		goto out;
	}
	rc = cli_request(cli, json_pack("{s:s, s:s}", "type", "moderation", "circle", a.value[0]),
	                 "moderation", &r);
	if (rc)
		goto out;
	if (cli->json)
		cli_print_body(r);
	else
		mod_list_print(r);
out:
	json_decref(r);
	return rc;
}

/* ---- show ----------------------------------------------------------- */

static int mod_show_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	json_t *r = NULL;
	const char *id = NULL;
	int rc;

	rc = cli_item_id_arg(cmd, argc, argv, &id);
	if (rc || !id)
		goto out;
	rc = cli_request(cli, json_pack("{s:s, s:s}", "type", "get", "item_id", id), "item", &r);
	if (rc)
		goto out;
	if (cli->json)
		cli_print_json(json_object_get(r, "item"));
	else
		cli_print_item(json_object_get(r, "item"));
out:
	json_decref(r);
	return rc;
}

/* ---- approve, reject, edit ------------------------------------------- */

/* What one deciding subcommand sends and requires. */
struct mod_decision {
	const char *decision; /* the `moderate` message's decision */
	const char *done;     /* the output's verb, e.g. "approved" */
	bool need_reason;     /* --reason is required */
	bool need_edit;       /* --edit is required */
	bool take_edit;       /* --edit is accepted */
};

static const struct mod_decision mod_approve_d = {"approve", "approved", false, false, true};
static const struct mod_decision mod_reject_d = {"reject", "rejected", true, false, false};
static const struct mod_decision mod_edit_d = {"edit", "edited", false, true, true};

enum { MD_REASON, MD_EDIT };

static const struct cli_arg mod_decide_args[] = {
    [MD_REASON] = {"reason", true},
    [MD_EDIT] = {"edit", false},
};

/* Build the `moderate` message for d from the arguments. Returns 0 or an exit code. */
static int mod_decide_build(const struct cli_cmd *cmd, const struct mod_decision *d,
                            const struct cli_args *a, json_t **req)
{
	json_t *edit = NULL;
	int rc;

	*req = NULL;
	if (a->noperands == 0)
		return cli_usage_error(cmd, CLI_ASK_ITEM_ID);
	if (d->need_reason && !a->value[MD_REASON])
		return cli_usage_error(cmd, "why? give --reason TEXT");
	if (d->need_edit && !a->value[MD_EDIT])
		return cli_usage_error(cmd, "what changes? give --edit FILE");
	if (!d->take_edit && a->value[MD_EDIT])
		return cli_usage_error(cmd, "--edit does not go with %s", d->decision);
	if (a->value[MD_EDIT]) {
		rc = cli_load_object(cmd, a->value[MD_EDIT], "the edit", &edit);
		if (rc)
			return rc;
	}
	*req = json_pack("{s:s, s:s, s:s}", "type", "moderate", "item_id", a->operand[0],
	                 "decision", d->decision);
	if (*req && a->value[MD_REASON])
		json_object_set_new(*req, "reason", json_string(a->value[MD_REASON]));
	if (*req && edit)
		json_object_set(*req, "edit", edit);
	json_decref(edit);
	return KR_EXIT_OK;
}

static int mod_decide(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv,
                      const struct mod_decision *d)
{
	struct cli_args a;
	json_t *req = NULL, *r = NULL;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, mod_decide_args, OPT_COUNT(mod_decide_args), 1, &a);
	if (rc || a.help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	rc = mod_decide_build(cmd, d, &a, &req);
	if (rc)
		goto out;
	rc = cli_request(cli, req, "moderated", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	printf("%s ", d->done);
	cli_print_text(stdout, json_string_value(json_object_get(r, "item_id")), true);
	fputs(" (", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "status")), true);
	fputs(")\n", stdout);
out:
	json_decref(r);
	return rc;
}

static int mod_approve_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	return mod_decide(cli, cmd, argc, argv, &mod_approve_d);
}

static int mod_reject_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	return mod_decide(cli, cmd, argc, argv, &mod_reject_d);
}

static int mod_edit_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	return mod_decide(cli, cmd, argc, argv, &mod_edit_d);
}

#define MOD_EDIT_HELP                                                                              \
	"FILE ('-' for standard input) holds a JSON object with any of title,\n"                   \
	"body, indicators and tags, which replace the item's, e.g.\n"                              \
	"  {\"title\": \"...\", \"body\": \"... (company name removed) ...\"}\n"

static const struct cli_cmd mod_list = {
    "moderate list",
    "the pending queue of a circle",
    "usage: kairan [OPTIONS] moderate list --circle C\n"
    "\n"
    "List the items waiting for moderation in circle C, oldest first: ITEM,\n"
    "KIND, TLP, the author's organisation (AUTHOR-ORG, only where the\n"
    "circle's policy shows it to moderators) and TITLE.\n"
    "With --json: {\"circle\", \"items\"}.\n"
    "\n"
    "Options:\n"
    "  --circle C  the circle (required)\n"
    "  -h, --help  show this help\n",
    mod_list_run,
};

static const struct cli_cmd mod_show = {
    "moderate show",
    "show one item, pending ones included",
    "usage: kairan [OPTIONS] moderate show ID\n"
    "\n"
    "Show the item ID as 'kairan get' does; as a moderator of its circle you\n"
    "see it while it is pending.\n"
    "With --json: the item object.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n",
    mod_show_run,
};

static const struct cli_cmd mod_approve = {
    "moderate approve",
    "publish a pending item, edited or not",
    "usage: kairan [OPTIONS] moderate approve ID [--reason TEXT] [--edit FILE]\n"
    "\n"
    "Publish the pending item ID: it is delivered like a new item. With\n"
    "--edit, the changes in FILE are applied first.\n"
    "\n" MOD_EDIT_HELP "\n"
    "Prints e.g. 'approved it_5f2c9a0d1e7b4c21 (published)'.\n"
    "With --json: {\"item_id\", \"status\"}.\n"
    "\n"
    "Options:\n"
    "  --reason TEXT  a note for the author\n"
    "  --edit FILE    changes to apply before publishing\n"
    "  -h, --help     show this help\n",
    mod_approve_run,
};

static const struct cli_cmd mod_reject = {
    "moderate reject",
    "refuse a pending item",
    "usage: kairan [OPTIONS] moderate reject ID --reason TEXT\n"
    "\n"
    "Refuse the pending item ID: it is never published, and its author is\n"
    "told why. Prints e.g. 'rejected it_5f2c9a0d1e7b4c21 (rejected)'.\n"
    "With --json: {\"item_id\", \"status\"}.\n"
    "\n"
    "Options:\n"
    "  --reason TEXT  why, for the author (required)\n"
    "  -h, --help     show this help\n",
    mod_reject_run,
};

static const struct cli_cmd mod_edit = {
    "moderate edit",
    "change a pending item and keep it pending",
    "usage: kairan [OPTIONS] moderate edit ID --edit FILE [--reason TEXT]\n"
    "\n"
    "Change the pending item ID (e.g. to mask a company name) without\n"
    "publishing it yet.\n"
    "\n" MOD_EDIT_HELP "\n"
    "Prints e.g. 'edited it_5f2c9a0d1e7b4c21 (pending)'.\n"
    "With --json: {\"item_id\", \"status\"}.\n"
    "\n"
    "Options:\n"
    "  --edit FILE    the changes (required)\n"
    "  --reason TEXT  a note for the author\n"
    "  -h, --help     show this help\n",
    mod_edit_run,
};

/* ---- the sub-dispatch ----------------------------------------------- */

static const struct cli_subcmd mod_table[] = {
    {"list", &mod_list},     {"show", &mod_show}, {"approve", &mod_approve},
    {"reject", &mod_reject}, {"edit", &mod_edit},
};

static int mod_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_group_run(cli, cmd, argc, argv, mod_table,
	                     sizeof(mod_table) / sizeof(mod_table[0]));
}

const struct cli_cmd cmd_moderate = {
    "moderate",
    "review a circle's pending items (moderators)",
    "usage: kairan [OPTIONS] moderate SUBCOMMAND [ARGS]\n"
    "\n"
    "Review the items that wait for moderation in the circles you moderate:\n"
    "items of the kinds a circle's policy holds back reach nobody but their\n"
    "author until a moderator approves them.\n"
    "\n"
    "Subcommands:\n",
    mod_run,
};
