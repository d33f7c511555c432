/*
 * cmd_events.c - `kairan events`: the events you may see, soonest first,
 * one line each, filtered by place, dates, audience, words and circle.
 * Works without a token too (public CLEAR listings).
 */
#include <string.h>

#include "cmd.h"
#include "prefecture.h"

enum { E_HELP = 1, E_REGION, E_FROM, E_TO, E_AUDIENCE, E_Q, E_CIRCLE, E_LIMIT, E_NEAR };

static const struct opt_spec events_opts[] = {
    {"help", 'h', false, E_HELP},  {"region", 0, true, E_REGION},     {"from", 0, true, E_FROM},
    {"to", 0, true, E_TO},         {"audience", 0, true, E_AUDIENCE}, {"q", 0, true, E_Q},
    {"circle", 0, true, E_CIRCLE}, {"limit", 0, true, E_LIMIT},       {"near", 0, false, E_NEAR},
};

/* The message field of each valued option, by its id. */
static const char *const events_keys[] = {
    [E_REGION] = "region",     [E_FROM] = "from", [E_TO] = "to",
    [E_AUDIENCE] = "audience", [E_Q] = "q",       [E_CIRCLE] = "circle",
};

/* Build the `events` request from the command line: 0, -1 for --help, or
 * an exit code. */
static int events_request(const struct cli_cmd *cmd, int argc, char **argv, json_t **req)
{
	struct opt_iter it;
	const char *arg;
	char err[128];
	json_int_t n;
	int o, rc = KR_EXIT_OK;

	*req = json_pack("{s:s}", "type", "events");
	if (!*req)
		return KR_EXIT_SERVER;
	opt_init(&it, argc, argv, 1);
	while (rc == KR_EXIT_OK &&
	       (o = opt_next(&it, events_opts, OPT_COUNT(events_opts), &arg, err, sizeof(err)))) {
		if (o == E_HELP) {
			rc = -1;
		} else if (o == E_NEAR) {
			json_object_set_new(*req, "near", json_true());
		} else if (o == E_LIMIT) {
			if (!cli_parse_uint(arg, &n))
				rc = cli_usage_error(cmd, "--limit needs a number, not '%s'", arg);
			else
				json_object_set_new(*req, "limit", json_integer(n));
		} else if (o > 0 && o < E_LIMIT && events_keys[o]) {
			rc = cli_check_text(cmd, "an option", arg);
			if (rc == KR_EXIT_OK)
				json_object_set_new(*req, events_keys[o], json_string(arg));
		} else {
			rc = cli_opt_error(cmd, o, arg, err);
		}
	}
	if (rc == KR_EXIT_OK && json_object_get(*req, "near") && json_object_get(*req, "region"))
		rc = cli_usage_error(cmd, "give --region or --near, not both");
	if (rc) {
		json_decref(*req);
		*req = NULL;
	}
	return rc;
}

/* "2026-12-12 14:00–16:30" (the end's date too when it differs). */
static void print_when(const json_t *ev)
{
	const char *s = json_string_value(json_object_get(ev, "start"));
	const char *e = json_string_value(json_object_get(ev, "end"));
	const char *zone = json_string_value(json_object_get(ev, "timezone"));
	char buf[96];

	if (!s || !e || strlen(s) < 16 || strlen(e) < 16) {
		cli_print_cell(stdout, "?", 24);
		return;
	}
	if (strncmp(s, e, 10) == 0)
		snprintf(buf, sizeof(buf), "%.10s %.5s–%.5s", s, s + 11, e + 11);
	else
		snprintf(buf, sizeof(buf), "%.10s %.5s–%.5s %.5s", s, s + 11, e + 5, e + 11);
	cli_print_cell(stdout, buf, 24);
	if (zone && strcmp(zone, "Asia/Tokyo") != 0) {
		fputs("(", stdout);
		cli_print_text(stdout, zone, true);
		fputs(") ", stdout);
	}
}

static void print_place(const json_t *ev)
{
	const char *pref = json_string_value(json_object_get(ev, "prefecture"));
	const struct kr_prefecture *p = kr_prefecture_by_code(pref);

	cli_print_cell(stdout, p ? p->ja : "オンライン", 10);
}

static void print_entry(const json_t *entry)
{
	const json_t *item = json_object_get(entry, "item");
	const json_t *ev = json_object_get(item, "event");
	const json_t *rsvp = json_object_get(entry, "rsvp");
	json_int_t cap = json_integer_value(json_object_get(ev, "capacity"));
	const char *status = json_string_value(json_object_get(ev, "status"));
	char seats[48];

	print_when(ev);
	print_place(ev);
	cli_print_cell(stdout, json_string_value(json_object_get(ev, "audience")), 10);
	if (cap > 0)
		snprintf(seats, sizeof(seats), "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT,
		         json_integer_value(json_object_get(entry, "attending")), cap);
	else
		snprintf(seats, sizeof(seats), "%" JSON_INTEGER_FORMAT,
		         json_integer_value(json_object_get(entry, "attending")));
	if (json_integer_value(json_object_get(entry, "waitlisted")) > 0)
		snprintf(seats + strlen(seats), sizeof(seats) - strlen(seats),
		         "+%" JSON_INTEGER_FORMAT,
		         json_integer_value(json_object_get(entry, "waitlisted")));
	cli_print_cell(stdout, seats, 9);
	cli_print_cell(stdout, json_string_value(json_object_get(item, "id")), 21);
	if (status && strcmp(status, "cancelled") == 0)
		fputs("[CANCELLED] ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(item, "title")), true);
	if (json_is_object(rsvp)) {
		fputs(" (you: ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(rsvp, "status")), true);
		if (json_object_get(rsvp, "position"))
			printf(" #%" JSON_INTEGER_FORMAT,
			       json_integer_value(json_object_get(rsvp, "position")));
		fputc(')', stdout);
	}
	fputc('\n', stdout);
}

/* Where the list is for, on stderr, when the hub guessed it (or could not). */
static void events_where(const json_t *r, bool near)
{
	const char *region = json_string_value(json_object_get(r, "region"));
	const struct kr_prefecture *p = kr_prefecture_by_code(region);

	if (json_is_true(json_object_get(r, "region_guessed")) && p)
		fprintf(stderr,
		        "near you (guessed from your address): %s %s (%s) and online; "
		        "give --region to choose\n",
		        p->code, p->ja, p->en);
	else if (near)
		fputs("could not tell where you are from your address: every region is listed "
		      "(give --region)\n",
		      stderr);
}

static void events_print(const json_t *r)
{
	const json_t *entries = json_object_get(r, "events"), *e;
	size_t i;

	json_array_foreach(entries, i, e)
	{
		print_entry(e);
	}
	if (json_array_size(entries) == 0)
		fputs("no events match\n", stderr);
	if (json_is_true(json_object_get(r, "more")))
		fputs("more events match: narrow the search or raise --limit\n", stderr);
	if (json_array_size(json_object_get(r, "resources")) > 0) {
		fputs("\n地域の相談先 / help nearby:\n", stdout);
		resources_print(json_object_get(r, "resources"));
	}
}

static int events_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct conn *c = NULL;
	json_t *req = NULL, *r = NULL;
	bool near;
	int rc;

	rc = events_request(cmd, argc, argv, &req);
	if (rc)
		return rc < 0 ? cli_help(cmd) : rc;
	near = json_is_true(json_object_get(req, "near"));
	rc = cli_session_open_reader(cli, &c);
	if (rc)
		goto out;
	rc = cli_call(c, req, "events", &r);
	req = NULL;
	if (rc) {
		cli_anonymous_hint(cli, rc);
		goto out;
	}
	if (cli->json) {
		cli_print_body(r);
	} else {
		events_where(r, near);
		events_print(r);
	}
out:
	json_decref(req);
	json_decref(r);
	conn_close(c);
	return rc;
}

const struct cli_cmd cmd_events = {
    "events",
    "list study groups and seminars, soonest first",
    "usage: kairan [OPTIONS] events [--region R | --near] [--from DATE] [--to DATE]\n"
    "           [--audience A] [--q WORDS] [--circle C] [--limit N]\n"
    "\n"
    "List the events you may see that have not ended, soonest first, one per\n"
    "line: date and time (local to the event; the zone is shown when it is\n"
    "not Asia/Tokyo), prefecture, audience, seats taken (taken/capacity,\n"
    "+waiting), the event's ID and title, and your own RSVP. A cancelled event\n"
    "is marked [CANCELLED]. Answer one with 'kairan rsvp ID'; see all of it\n"
    "with 'kairan get ID'. A listing for a place is followed by that place's\n"
    "regional help directory (see 'kairan resources').\n"
    "With --json: {\"events\": [{\"item\", \"attending\", \"waitlisted\",\n"
    "\"rsvp\"?}], \"more\", \"region\"?, \"region_guessed\", \"resources\"?}.\n"
    "\n"
    "Without --region (or with --near) the hub guesses your prefecture from\n"
    "the address you connect from and lists its events and the online ones;\n"
    "stderr says which prefecture it guessed, or that it could not tell (then\n"
    "every region is listed). --region all lists every region.\n"
    "\n"
    "Without any token (no --token, --token-file or KAIRAN_TOKEN) the hub is\n"
    "asked anonymously: the public CLEAR listings only.\n"
    "\n"
    "Options:\n"
    "  --region R    JP-01 ... JP-47 (e.g. JP-14 for Kanagawa), a region\n"
    "                (hokkaido, tohoku, kanto, chubu, kinki, chugoku, shikoku,\n"
    "                kyushu-okinawa), online, or all\n"
    "  --near        near me: the prefecture the hub guesses from my address\n"
    "  --from DATE   events that end on or after DATE (YYYY-MM-DD, Japan)\n"
    "  --to DATE     events that start on or before DATE\n"
    "  --audience A  technical, executive or mixed\n"
    "  --q WORDS     words that must all appear (title, description, tags,\n"
    "                venue, organiser, contact)\n"
    "  --circle C    only this circle's events\n"
    "  --limit N     at most N events (1-500; the hub's default is 100)\n"
    "  -h, --help    show this help\n",
    events_run,
};
