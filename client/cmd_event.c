/*
 * cmd_event.c - events from the attendee's and the organiser's side:
 *
 *	rsvp ID [--cancel]                 take a seat (or the waitlist), or leave
 *	event update ID [FILE] [--title T] [--venue V] [--start T] [--end T]
 *	                   [--capacity N]  the organiser changes the event
 *	event cancel ID [--reason TEXT]    the organiser calls it off
 *	event attendees ID                 who is coming (the organiser only)
 *
 * Events are posted with `kairan post FILE` (kind event) and listed with
 * `kairan events`. The `event` subcommands are struct cli_cmd named
 * "event WORD", like `moderate`'s.
 */
#include <string.h>

#include "cmd.h"

/* ---- rsvp --------------------------------------------------------------- */

enum { R_HELP = 1, R_CANCEL };

static const struct opt_spec rsvp_opts[] = {
    {"help", 'h', false, R_HELP},
    {"cancel", 0, false, R_CANCEL},
};

static int rsvp_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	const char *id = NULL, *arg, *status;
	bool cancel = false;
	struct opt_iter it;
	json_t *req, *r = NULL;
	char err[128];
	int o, rc = KR_EXIT_OK;

	opt_init(&it, argc, argv, 1);
	while (rc == KR_EXIT_OK &&
	       (o = opt_next(&it, rsvp_opts, OPT_COUNT(rsvp_opts), &arg, err, sizeof(err)))) {
		if (o == R_HELP)
			return cli_help(cmd);
		if (o == R_CANCEL)
			cancel = true;
		else if (o == OPT_OPERAND && !id)
			rc = cli_check_text(cmd, "the event ID", id = arg);
		else
			rc = cli_opt_error(cmd, o, arg, err);
	}
	if (rc)
		return rc;
	if (!id)
		return cli_usage_error(cmd, "which event? give its ID, e.g. it_5f2c9a0d1e7b4c21");
	req = json_pack("{s:s, s:s}", "type", "rsvp", "item_id", id);
	if (req && cancel)
		json_object_set_new(req, "cancel", json_true());
	rc = cli_request(cli, req, "rsvp", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	status = json_string_value(json_object_get(r, "status"));
	if (status && strcmp(status, "none") == 0) {
		fputs("cancelled your RSVP for ", stdout);
		cli_print_text(stdout, id, true);
	} else {
		cli_print_text(stdout, status ? status : "?", true);
		fputc(' ', stdout);
		cli_print_text(stdout, id, true);
		if (json_object_get(r, "position"))
			printf(" (position %" JSON_INTEGER_FORMAT " on the waitlist)",
			       json_integer_value(json_object_get(r, "position")));
	}
	fputc('\n', stdout);
out:
	json_decref(r);
	return rc;
}

const struct cli_cmd cmd_rsvp = {
    "rsvp",
    "answer an event: take a seat, or join its waitlist",
    "usage: kairan [OPTIONS] rsvp ID [--cancel]\n"
    "\n"
    "Answer the event ID (see 'kairan events'): you get a seat while there is\n"
    "one, otherwise a place on the waitlist; when someone leaves, the first on\n"
    "the waitlist gets the seat and is told. Prints e.g.\n"
    "  attending it_7d3e21a09bc4f508\n"
    "  waitlisted it_7d3e21a09bc4f508 (position 3 on the waitlist)\n"
    "Answering again changes nothing. With --cancel, withdraw your answer\n"
    "(exit 5 when you had none). New answers are refused (exit 4) once the\n"
    "event is cancelled, has started, or its registration closed.\n"
    "\n"
    "An RSVP is not anonymous: the event's organiser sees your user name and\n"
    "organisation, and nobody else does. Attendees are reminded before the\n"
    "start and told about changes ('kairan subscribe' prints these notices;\n"
    "notices that arrive while you are not connected wait for your next\n"
    "connection).\n"
    "With --json: {\"item_id\", \"status\", \"position\"?}.\n"
    "\n"
    "Options:\n"
    "  --cancel    withdraw your answer\n"
    "  -h, --help  show this help\n",
    rsvp_run,
};

/* ---- event update --------------------------------------------------------- */

static const struct cli_arg update_args[] = {
    {"title", true}, {"venue", true}, {"start", true}, {"end", true}, {"capacity", false},
};

/* Put the flags of an update into req (and its `event` object). */
static int update_flags(const struct cli_cmd *cmd, const struct cli_args *a, json_t *req)
{
	static const char *const ev_keys[] = {NULL, "venue", "start", "end", "capacity"};
	json_t *ev = json_object_get(req, "event");
	json_int_t n;

	if (a->value[0])
		json_object_set_new(req, "title", json_string(a->value[0]));
	for (size_t i = 1; i < OPT_COUNT(update_args); i++) {
		json_t *v;

		if (!a->value[i])
			continue;
		if (i == 4) {
			if (!cli_parse_uint(a->value[i], &n))
				return cli_usage_error(cmd, "--capacity needs a number, not '%s'",
				                       a->value[i]);
			v = json_integer(n);
		} else {
			v = json_string(a->value[i]);
		}
		if (!json_is_object(ev)) {
			ev = json_object();
			json_object_set_new(req, "event", ev);
		}
		json_object_set_new(ev, ev_keys[i], v);
	}
	return KR_EXIT_OK;
}

static int update_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	json_t *req = NULL, *r = NULL;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, update_args, OPT_COUNT(update_args), 2, &a);
	if (rc || a.help)
		return rc ? rc : cli_help(cmd);
	if (a.noperands == 0)
		return cli_usage_error(cmd, "which event? give its ID");
	if (a.noperands == 2) {
		rc = cli_load_object(cmd, a.operand[1], "the change", &req);
		if (rc)
			return rc;
	} else {
		req = json_object();
	}
	rc = update_flags(cmd, &a, req);
	if (rc == KR_EXIT_OK && json_object_size(req) == 0)
		rc = cli_usage_error(cmd, "what changes? give a FILE or --title, --venue, --start, "
		                          "--end, --capacity");
	if (rc) {
		json_decref(req);
		return rc;
	}
	json_object_set_new(req, "type", json_string("event_update"));
	json_object_set_new(req, "item_id", json_string(a.operand[0]));
	rc = cli_request(cli, req, "event_updated", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	fputs("updated ", stdout);
	cli_print_text(stdout, a.operand[0], true);
	printf(" (sequence %" JSON_INTEGER_FORMAT ", cursor %" JSON_INTEGER_FORMAT
	       "); everyone attending or waiting was told\n",
	       json_integer_value(json_object_get(r, "sequence")),
	       json_integer_value(json_object_get(r, "cursor")));
out:
	json_decref(r);
	return rc;
}

static const struct cli_cmd ev_update = {
    "event update",
    "change an event you organise",
    "usage: kairan [OPTIONS] event update ID [FILE] [--title T] [--venue V]\n"
    "           [--start T] [--end T] [--capacity N]\n"
    "\n"
    "Change the event ID, which you posted. FILE (\"-\": standard input) is a\n"
    "JSON object with any of title, body, tags and event (the event fields to\n"
    "change, e.g. {\"event\": {\"venue\": \"5F\", \"fee\": null}}: null removes an\n"
    "optional field); the options change single fields. Times are local, in\n"
    "the event's time zone: 2026-12-12T15:00. The capacity may grow (the\n"
    "waitlist gets the new seats first) but not fall below the people already\n"
    "attending. Everyone attending or waiting is told; calendars see a new\n"
    "sequence. Prints e.g.\n"
    "  updated it_7d3e21a09bc4f508 (sequence 1, cursor 61); ...\n"
    "With --json: {\"item_id\", \"cursor\", \"sequence\", \"redactions\"}.\n"
    "\n"
    "Options:\n"
    "  --title T     a new title\n"
    "  --venue V     a new venue\n"
    "  --start T     a new start (local time)\n"
    "  --end T       a new end (local time)\n"
    "  --capacity N  seats (0: no limit)\n"
    "  -h, --help    show this help\n",
    update_run,
};

/* ---- event cancel ----------------------------------------------------------- */

static const struct cli_arg cancel_args[] = {{"reason", true}};

static int cancel_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	json_t *req, *r = NULL;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, cancel_args, OPT_COUNT(cancel_args), 1, &a);
	if (rc || a.help)
		return rc ? rc : cli_help(cmd);
	if (a.noperands == 0)
		return cli_usage_error(cmd, "which event? give its ID");
	req = json_pack("{s:s, s:s}", "type", "event_cancel", "item_id", a.operand[0]);
	if (req && a.value[0])
		json_object_set_new(req, "reason", json_string(a.value[0]));
	rc = cli_request(cli, req, "event_cancelled", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	fputs("cancelled ", stdout);
	cli_print_text(stdout, a.operand[0], true);
	printf(" (sequence %" JSON_INTEGER_FORMAT "); everyone attending or waiting was told\n",
	       json_integer_value(json_object_get(r, "sequence")));
out:
	json_decref(r);
	return rc;
}

static const struct cli_cmd ev_cancel = {
    "event cancel",
    "call off an event you organise",
    "usage: kairan [OPTIONS] event cancel ID [--reason TEXT]\n"
    "\n"
    "Cancel the event ID, which you posted. It stays listed, marked\n"
    "cancelled (calendars show it cancelled), takes no more RSVPs and can no\n"
    "longer change; everyone attending or waiting is told, with the reason.\n"
    "With --json: {\"item_id\", \"cursor\", \"sequence\"}.\n"
    "\n"
    "Options:\n"
    "  --reason TEXT  why, for the people who were coming (published)\n"
    "  -h, --help     show this help\n",
    cancel_run,
};

/* ---- event attendees -------------------------------------------------------- */

static void attendees_print(const json_t *people, bool waitlist)
{
	const json_t *p;
	size_t i;

	json_array_foreach(people, i, p)
	{
		printf("  %3" JSON_INTEGER_FORMAT "  ",
		       waitlist ? json_integer_value(json_object_get(p, "position"))
		                : (json_int_t)i + 1);
		cli_print_cell(stdout, json_string_value(json_object_get(p, "user")), 20);
		cli_print_cell(stdout, json_string_value(json_object_get(p, "org")), 24);
		cli_print_text(stdout, json_string_value(json_object_get(p, "since")), true);
		fputc('\n', stdout);
	}
}

static int attendees_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	json_t *r = NULL;
	const char *id = NULL;
	json_int_t cap;
	int rc;

	rc = cli_item_id_arg(cmd, argc, argv, &id);
	if (rc || !id)
		return rc;
	rc = cli_request(cli, json_pack("{s:s, s:s}", "type", "attendees", "item_id", id),
	                 "attendees", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	cap = json_integer_value(json_object_get(r, "capacity"));
	printf("attending: %zu", json_array_size(json_object_get(r, "attending")));
	if (cap > 0)
		printf(" of %" JSON_INTEGER_FORMAT, cap);
	fputc('\n', stdout);
	attendees_print(json_object_get(r, "attending"), false);
	printf("waitlist: %zu\n", json_array_size(json_object_get(r, "waitlist")));
	attendees_print(json_object_get(r, "waitlist"), true);
out:
	json_decref(r);
	return rc;
}

static const struct cli_cmd ev_attendees = {
    "event attendees",
    "who is coming to an event you organise",
    "usage: kairan [OPTIONS] event attendees ID\n"
    "\n"
    "List who answered the event ID: those attending, in order of arrival,\n"
    "then the waitlist, next first; user, organisation and when they\n"
    "answered. Only the event's organiser may see this (exit 4 for everyone\n"
    "else).\n"
    "With --json: {\"item_id\", \"capacity\", \"attending\", \"waitlist\"}.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n",
    attendees_run,
};

/* ---- the sub-dispatch ---------------------------------------------------------- */

static const struct cli_subcmd ev_table[] = {
    {"update", &ev_update},
    {"cancel", &ev_cancel},
    {"attendees", &ev_attendees},
};

static int ev_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_group_run(cli, cmd, argc, argv, ev_table,
	                     sizeof(ev_table) / sizeof(ev_table[0]));
}

const struct cli_cmd cmd_event = {
    "event",
    "change, cancel or see who comes to an event you organise",
    "usage: kairan [OPTIONS] event SUBCOMMAND [ARGS]\n"
    "\n"
    "For the organiser of an event: the user who posted it ('kairan post FILE'\n"
    "with kind event), while still an organiser of its circle.\n"
    "\n"
    "Subcommands:\n",
    ev_run,
};
