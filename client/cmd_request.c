/*
 * cmd_request.c - permission requests (PROTOCOL.md, "TLP, circles and
 * policies"): `kairan request` asks an item's author to forward it or lower
 * its TLP, `kairan requests` lists the requests about your items and those
 * you made, `kairan decide` grants or refuses one. The hub keeps both sides
 * anonymous to each other.
 */
#include <string.h>

#include "cmd.h"

enum { RQ_FORWARD_TO, RQ_LOWER_TLP, RQ_REASON };

static const struct cli_arg request_args[] = {
    [RQ_FORWARD_TO] = {"forward-to", true},
    [RQ_LOWER_TLP] = {"lower-tlp", true},
    [RQ_REASON] = {"reason", true},
};

/* Build the `request` message from the parsed arguments. Returns 0 or an exit code. */
static int request_build(const struct cli_cmd *cmd, const struct cli_args *a, json_t **req)
{
	const char *to = a->value[RQ_FORWARD_TO], *tlp = a->value[RQ_LOWER_TLP];

	*req = NULL;
	if (a->noperands == 0)
		return cli_usage_error(cmd, CLI_ASK_ITEM_ID);
	if (!to == !tlp)
		return cli_usage_error(cmd, "give exactly one of --forward-to CIRCLE and "
		                            "--lower-tlp TLP");
	*req = json_pack("{s:s, s:s, s:s}", "type", "request", "item_id", a->operand[0], "action",
	                 to ? "forward" : "lower_tlp");
	if (*req)
		json_object_set_new(*req, to ? "to" : "tlp", json_string(to ? to : tlp));
	if (*req && a->value[RQ_REASON])
		json_object_set_new(*req, "reason", json_string(a->value[RQ_REASON]));
	return KR_EXIT_OK;
}

static int request_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	json_t *req = NULL, *r = NULL;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, request_args, OPT_COUNT(request_args), 1, &a);
	if (rc || a.help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	rc = request_build(cmd, &a, &req);
	if (rc)
		goto out;
	rc = cli_request(cli, req, "requested", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	fputs("requested ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "request_id")), true);
	fputc('\n', stdout);
out:
	json_decref(r);
	return rc;
}

/* A string field of a request object, or "-" when it has none. */
static const char *requests_str(const json_t *rq, const char *field)
{
	const char *s = json_string_value(json_object_get(rq, field));

	return s ? s : "-";
}

/* The request's id: "request_id", or "id" as a fallback. */
static const char *requests_id(const json_t *rq)
{
	const char *s = json_string_value(json_object_get(rq, "request_id"));

	return s ? s : requests_str(rq, "id");
}

static const char *requests_item(const json_t *rq)
{
	return requests_str(rq, "item_id");
}

static const char *requests_action(const json_t *rq)
{
	return requests_str(rq, "action");
}

/* What the request asks for: the circle for a forward, the TLP to lower to. */
static const char *requests_target(const json_t *rq)
{
	const char *action = json_string_value(json_object_get(rq, "action"));

	return requests_str(rq, action && strcmp(action, "lower_tlp") == 0 ? "tlp" : "to");
}

static const char *requests_status(const json_t *rq)
{
	return requests_str(rq, "status");
}

static const char *requests_reason(const json_t *rq)
{
	const char *s = json_string_value(json_object_get(rq, "reason"));

	return s ? s : "";
}

/* The columns of the `requests` tables; the last one is not padded. */
static const struct {
	const char *header;
	const char *(*value)(const json_t *rq);
} requests_cols[] = {
    {"REQUEST", requests_id},    {"ITEM", requests_item},     {"ACTION", requests_action},
    {"TARGET", requests_target}, {"STATUS", requests_status}, {"REASON", requests_reason},
};

#define REQUESTS_NCOLS (sizeof(requests_cols) / sizeof(requests_cols[0]))

/* The author's explanation of a decision, on a line of its own under the row. */
static void requests_answer(const json_t *rq)
{
	const char *s = json_string_value(json_object_get(rq, "decision_reason"));

	if (!s || !*s)
		return;
	fputs("    answer: ", stdout);
	cli_print_text(stdout, s, true);
	fputc('\n', stdout);
}

/* One table of request objects (borrowed) under a heading; "(none)" when empty. */
static void requests_table(const char *heading, const json_t *list)
{
	int width[REQUESTS_NCOLS];
	const json_t *rq;
	size_t i;

	printf("%s\n", heading);
	if (json_array_size(list) == 0) {
		fputs("  (none)\n", stdout);
		return;
	}
	for (size_t c = 0; c < REQUESTS_NCOLS; c++) {
		width[c] = cli_text_width(requests_cols[c].header);
		json_array_foreach(list, i, rq)
		{
			int n = cli_text_width(requests_cols[c].value(rq));

			width[c] = n > width[c] ? n : width[c];
		}
	}
	fputs("  ", stdout);
	for (size_t c = 0; c < REQUESTS_NCOLS; c++)
		cli_print_cell(stdout, requests_cols[c].header,
		               c + 1 < REQUESTS_NCOLS ? width[c] + 2 : 0);
	fputc('\n', stdout);
	json_array_foreach(list, i, rq)
	{
		fputs("  ", stdout);
		for (size_t c = 0; c < REQUESTS_NCOLS; c++)
			cli_print_cell(stdout, requests_cols[c].value(rq),
			               c + 1 < REQUESTS_NCOLS ? width[c] + 2 : 0);
		fputc('\n', stdout);
		requests_answer(rq);
	}
}

static int requests_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	json_t *r = NULL;
	bool help;
	int rc;

	rc = cli_parse_none(cmd, argc, argv, &help);
	if (rc || help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	rc = cli_request(cli, json_pack("{s:s}", "type", "requests"), "requests", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	requests_table("Requests about your items:", json_object_get(r, "to_me"));
	fputc('\n', stdout);
	requests_table("Requests you made:", json_object_get(r, "mine"));
out:
	json_decref(r);
	return rc;
}

/* The decisions `decide` takes (as typed and as sent) and how its output says them. */
static const struct {
	const char *word, *done;
} decide_words[] = {
    {"grant", "granted"},
    {"refuse", "refused"},
};

#define DECIDE_NWORDS (sizeof(decide_words) / sizeof(decide_words[0]))

/* "granted pr_..." for people; an unknown decision is printed as the hub sent it. */
static void decide_print(const json_t *r)
{
	const char *decision = json_string_value(json_object_get(r, "decision")), *done = NULL;

	for (size_t i = 0; decision && i < DECIDE_NWORDS; i++)
		if (strcmp(decision, decide_words[i].word) == 0)
			done = decide_words[i].done;
	if (done)
		fputs(done, stdout);
	else
		cli_print_text(stdout, decision, true);
	fputc(' ', stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "request_id")), true);
	fputc('\n', stdout);
}

static const struct cli_arg decide_args[] = {{"reason", true}};

static int decide_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	json_t *req = NULL, *r = NULL;
	const char *decision = NULL;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, decide_args, OPT_COUNT(decide_args), 2, &a);
	if (rc || a.help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	if (a.noperands < 2) {
		rc = cli_usage_error(cmd, "give the request's ID and grant or refuse");
		goto out;
	}
	for (size_t i = 0; i < DECIDE_NWORDS; i++)
		if (strcmp(a.operand[1], decide_words[i].word) == 0)
			decision = decide_words[i].word;
	if (!decision) {
		rc = cli_usage_error(cmd, "'%s' is not a decision: grant or refuse", a.operand[1]);
		goto out;
	}
	req = json_pack("{s:s, s:s, s:s}", "type", "decide", "request_id", a.operand[0], "decision",
	                decision);
	if (req && a.value[0])
		json_object_set_new(req, "reason", json_string(a.value[0]));
	rc = cli_request(cli, req, "decided", &r);
	if (rc)
		goto out;
	if (cli->json)
		cli_print_body(r);
	else
		decide_print(r);
out:
	json_decref(r);
	return rc;
}

const struct cli_cmd cmd_request = {
    "request",
    "ask an item's author to forward it or lower its TLP",
    "usage: kairan [OPTIONS] request ID --forward-to CIRCLE [--reason TEXT]\n"
    "       kairan [OPTIONS] request ID --lower-tlp TLP [--reason TEXT]\n"
    "\n"
    "Ask the author of item ID to forward it to CIRCLE (a circle you belong\n"
    "to) or to lower its TLP to TLP (CLEAR, GREEN, AMBER, AMBER+STRICT). The\n"
    "author sees the request without learning who asked, and grants or\n"
    "refuses it with 'kairan decide'; you learn the answer without learning\n"
    "who the author is ('kairan requests', or a notice while subscribed).\n"
    "Prints the request's id, e.g.\n"
    "  requested pr_3a4b5c6d7e8f9012\n"
    "With --json: {\"request_id\"}.\n"
    "\n"
    "Options (exactly one of --forward-to and --lower-tlp):\n"
    "  --forward-to CIRCLE  ask for a copy in CIRCLE\n"
    "  --lower-tlp TLP      ask for the item's TLP to be lowered to TLP\n"
    "  --reason TEXT        why, for the author\n"
    "  -h, --help           show this help\n",
    request_run,
};

const struct cli_cmd cmd_requests = {
    "requests",
    "list permission requests about your items and those you made",
    "usage: kairan [OPTIONS] requests\n"
    "\n"
    "Print two tables: the requests about your items (to answer with 'kairan\n"
    "decide') and the requests you made, each with the columns\n"
    "  REQUEST ITEM ACTION TARGET STATUS REASON\n"
    "ACTION is forward (TARGET: the circle) or lower_tlp (TARGET: the TLP);\n"
    "STATUS is pending, granted or refused; REASON is the requester's. The\n"
    "author's explanation of a decision follows on a line 'answer: ...'.\n"
    "Neither side is named.\n"
    "With --json: {\"to_me\": [...], \"mine\": [...]}, the request objects as\n"
    "the hub sends them.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n",
    requests_run,
};

const struct cli_cmd cmd_decide = {
    "decide",
    "grant or refuse a permission request about your item",
    "usage: kairan [OPTIONS] decide REQUEST_ID grant|refuse [--reason TEXT]\n"
    "\n"
    "Answer a request about one of your items (see 'kairan requests'). On\n"
    "grant the hub forwards the item for you or lowers its TLP; either way\n"
    "the requester gets your decision without learning who you are. Prints\n"
    "  granted pr_3a4b5c6d7e8f9012\n"
    "With --json: {\"request_id\", \"decision\"}.\n"
    "\n"
    "Options:\n"
    "  --reason TEXT  why, for the requester\n"
    "  -h, --help     show this help\n",
    decide_run,
};
