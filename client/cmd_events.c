/*
 * cmd_events.c - `kairan events`: the events you may see, soonest first,
 * one line each, filtered by place, dates, audience, words and circle.
 * Works without a token too (public CLEAR listings).
 */
#include <string.h>

#include "cmd.h"
#include "prefecture.h"

static const struct cli_arg events_args[] = {
    {"region", true}, {"from", true},   {"to", true},     {"audience", true},
    {"q", true},      {"circle", true}, {"limit", false},
};

enum { A_REGION, A_FROM, A_TO, A_AUDIENCE, A_Q, A_CIRCLE, A_LIMIT };

static const char *const events_keys[] = {"region", "from", "to", "audience", "q", "circle"};

/* Build the `events` request from the command line. */
static int events_request(const struct cli_cmd *cmd, const struct cli_args *a, json_t **req)
{
	json_int_t n;

	*req = json_pack("{s:s}", "type", "events");
	for (size_t i = 0; *req && i < sizeof(events_keys) / sizeof(events_keys[0]); i++)
		if (a->value[i])
			json_object_set_new(*req, events_keys[i], json_string(a->value[i]));
	if (a->value[A_LIMIT]) {
		if (!cli_parse_uint(a->value[A_LIMIT], &n)) {
			json_decref(*req);
			*req = NULL;
			return cli_usage_error(cmd, "--limit needs a number, not '%s'",
			                       a->value[A_LIMIT]);
		}
		json_object_set_new(*req, "limit", json_integer(n));
	}
	return *req ? KR_EXIT_OK : KR_EXIT_SERVER;
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
}

static int events_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	struct conn *c = NULL;
	json_t *req = NULL, *r = NULL;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, events_args, OPT_COUNT(events_args), 0, &a);
	if (rc || a.help)
		return rc ? rc : cli_help(cmd);
	rc = events_request(cmd, &a, &req);
	if (rc)
		return rc;
	rc = cli_session_open_reader(cli, &c);
	if (rc)
		goto out;
	rc = cli_call(c, req, "events", &r);
	req = NULL;
	if (rc) {
		cli_anonymous_hint(cli, rc);
		goto out;
	}
	if (cli->json)
		cli_print_body(r);
	else
		events_print(r);
out:
	json_decref(req);
	json_decref(r);
	conn_close(c);
	return rc;
}

const struct cli_cmd cmd_events = {
    "events",
    "list study groups and seminars, soonest first",
    "usage: kairan [OPTIONS] events [--region R] [--from DATE] [--to DATE]\n"
    "           [--audience A] [--q WORDS] [--circle C] [--limit N]\n"
    "\n"
    "List the events you may see that have not ended, soonest first, one per\n"
    "line: date and time (local to the event; the zone is shown when it is\n"
    "not Asia/Tokyo), prefecture, audience, seats taken (taken/capacity,\n"
    "+waiting), the event's ID and title, and your own RSVP. A cancelled event\n"
    "is marked [CANCELLED]. Answer one with 'kairan rsvp ID'; see all of it\n"
    "with 'kairan get ID'.\n"
    "With --json: {\"events\": [{\"item\", \"attending\", \"waitlisted\",\n"
    "\"rsvp\"?}], \"more\", \"region\"?, \"region_guessed\"}.\n"
    "\n"
    "Without any token (no --token, --token-file or KAIRAN_TOKEN) the hub is\n"
    "asked anonymously: the public CLEAR listings only.\n"
    "\n"
    "Options:\n"
    "  --region R    JP-01 ... JP-47 (e.g. JP-14 for Kanagawa), a region\n"
    "                (hokkaido, tohoku, kanto, chubu, kinki, chugoku, shikoku,\n"
    "                kyushu-okinawa), online, or all\n"
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
