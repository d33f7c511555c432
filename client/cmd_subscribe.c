/*
 * cmd_subscribe.c - `kairan subscribe`: stream delivered items as JSON Lines
 * on stdout, for people and for SIEM pipes.
 *
 * Each `deliver` push becomes one compact line, flushed at once; nothing
 * else goes to stdout. `retraction` and `notice` pushes become one line for
 * people on stderr (push.c), or are ignored with --json. With --name the subscription is durable:
 * every item is acknowledged after it was written (so a crash never loses one), and the `acked`
 * replies are taken as they come without holding up delivery. The stream ends after --count items,
 * on SIGINT/SIGTERM (exit 0), or when the connection drops (exit 7). Without any token the
 * subscription is anonymous (public CLEAR items only).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "cmd.h"
#include "push.h"

#define SUB_DRAIN_MS 5000 /* how long to wait for outstanding acks at the end */

static volatile sig_atomic_t sub_stop;

static void sub_on_signal(int sig)
{
	(void)sig;
	sub_stop = 1;
}

struct sub {
	struct conn *conn;
	const char *name; /* --name, borrowed from argv; NULL: no acks */
	json_int_t count; /* --count, 0: unlimited */
	json_int_t seen;  /* items written */
	size_t pending;   /* acks sent and not yet confirmed */
	bool draining;    /* the stream is over: only confirmations matter */
	bool quiet;       /* --json: retractions and notices are not told */
};

/* Write one item as a JSON line, then acknowledge it. Returns 0 or an exit code. */
static int sub_on_deliver(struct sub *s, const json_t *msg)
{
	const json_t *item = json_object_get(msg, "item");
	const json_t *cursor = json_object_get(item, "cursor");
	json_t *ack;

	if (s->draining)
		return KR_EXIT_OK; /* not written, not acked: it comes again next time */
	if (!json_is_object(item) || !json_is_integer(cursor)) {
		cli_error("the hub delivered an item without a cursor");
		return KR_EXIT_SERVER;
	}
	if (json_dumpf(item, stdout, JSON_COMPACT) != 0 || fputc('\n', stdout) == EOF ||
	    fflush(stdout) != 0) {
		cli_error("cannot write the output: %s", strerror(errno));
		return CLI_EXIT_OUTPUT;
	}
	s->seen++;
	if (!s->name)
		return KR_EXIT_OK;
	ack = json_pack("{s:s, s:s, s:O}", "type", "ack", "name", s->name, "cursor", cursor);
	if (!ack || !conn_stamp(s->conn, ack) || conn_send(s->conn, ack) != CONN_OK) {
		json_decref(ack);
		return cli_conn_error(s->conn);
	}
	json_decref(ack);
	s->pending++;
	return KR_EXIT_OK;
}

static int sub_on_acked(struct sub *s, const json_t *msg)
{
	(void)msg;
	if (s->pending > 0)
		s->pending--;
	return KR_EXIT_OK;
}

/* A `retraction` or `notice`: one line on stderr for people; stdout stays items only. */
static int sub_on_push(struct sub *s, const json_t *msg)
{
	if (!s->quiet && !s->draining)
		push_describe(stderr, msg);
	return KR_EXIT_OK;
}

static int sub_on_error(struct sub *s, const json_t *msg)
{
	(void)s;
	return cli_server_error(msg);
}

/* What a running subscription does with each message type. */
static const struct {
	const char *type;
	int (*handle)(struct sub *s, const json_t *msg);
} sub_handlers[] = {
    {"deliver", sub_on_deliver}, {"acked", sub_on_acked}, {"retraction", sub_on_push},
    {"notice", sub_on_push},     {"error", sub_on_error},
};

static int sub_dispatch(struct sub *s, const json_t *msg)
{
	const char *type = json_string_value(json_object_get(msg, "type"));

	for (size_t i = 0; i < sizeof(sub_handlers) / sizeof(sub_handlers[0]); i++)
		if (strcmp(sub_handlers[i].type, type) == 0)
			return sub_handlers[i].handle(s, msg);
	return KR_EXIT_OK; /* a reply this client did not ask for: nothing to do */
}

enum { S_HELP = 1, S_CIRCLE, S_SINCE, S_NAME, S_COUNT };

static const struct opt_spec sub_opts[] = {
    {"help", 'h', false, S_HELP}, {"circle", 0, true, S_CIRCLE}, {"since", 0, true, S_SINCE},
    {"name", 0, true, S_NAME},    {"count", 0, true, S_COUNT},
};

/* Build the `subscribe` request and fill s. Returns 0, -1 for --help, or an exit code. */
static int sub_parse(const struct cli_cmd *cmd, int argc, char **argv, struct sub *s, json_t *req)
{
	struct opt_iter it;
	const char *arg;
	char err[128];
	json_t *circles = NULL;
	json_int_t n = 0;
	int o, rc = KR_EXIT_OK;

	opt_init(&it, argc, argv, 1);
	while (rc == KR_EXIT_OK &&
	       (o = opt_next(&it, sub_opts, OPT_COUNT(sub_opts), &arg, err, sizeof(err)))) {
		if (o == S_HELP) {
			rc = -1;
		} else if (o == S_CIRCLE) {
			rc = cli_check_text(cmd, "--circle", arg);
			if (rc == KR_EXIT_OK && !circles)
				json_object_set_new(req, "circles", circles = json_array());
			if (rc == KR_EXIT_OK)
				json_array_append_new(circles, json_string(arg));
		} else if (o == S_NAME) {
			rc = cli_check_text(cmd, "--name", arg);
			s->name = arg;
			if (rc == KR_EXIT_OK)
				json_object_set_new(req, "name", json_string(arg));
		} else if ((o == S_SINCE || o == S_COUNT) && !cli_parse_uint(arg, &n)) {
			rc = cli_usage_error(cmd, "--%s needs a number, not '%s'",
			                     o == S_SINCE ? "since" : "count", arg);
		} else if (o == S_SINCE) {
			json_object_set_new(req, "since", json_integer(n));
		} else if (o == S_COUNT && n == 0) {
			rc = cli_usage_error(cmd, "--count needs a number of at least 1");
		} else if (o == S_COUNT) {
			s->count = n;
		} else {
			rc = cli_opt_error(cmd, o, arg, err);
		}
	}
	return rc;
}

/* "subscribed to a, b" on stderr, from the reply's circles (borrowed). */
static void sub_status(const json_t *circles)
{
	const json_t *c;
	size_t i;

	fputs("subscribed to ", stderr);
	json_array_foreach(circles, i, c)
	{
		const json_t *id = json_is_object(c) ? json_object_get(c, "circle") : c;

		fputs(i ? ", " : "", stderr);
		cli_print_text(stderr, json_string_value(id), true);
	}
	fputs(json_array_size(circles) ? "\n" : "no circle\n", stderr);
}

/* Take messages until --count items were written, a signal, or a failure. */
static int sub_stream(struct sub *s)
{
	json_t *msg = NULL;
	enum conn_status st;
	int rc = KR_EXIT_OK;

	while (rc == KR_EXIT_OK && !(s->count && s->seen >= s->count)) {
		st = conn_recv(s->conn, -1, &msg);
		if (st == CONN_EINTR)
			break;
		if (st != CONN_OK)
			return cli_conn_error(s->conn);
		rc = sub_dispatch(s, msg);
		json_decref(msg);
	}
	/* Wait for the last confirmations; a second signal ends the program. */
	s->draining = true;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	conn_set_interrupt(s->conn, NULL);
	while (rc == KR_EXIT_OK && s->pending > 0) {
		st = conn_recv(s->conn, SUB_DRAIN_MS, &msg);
		if (st != CONN_OK) {
			cli_warn("%zu acknowledgement(s) not confirmed by the hub; those items may "
			         "come again",
			         s->pending);
			break;
		}
		rc = sub_dispatch(s, msg);
		json_decref(msg);
	}
	return rc;
}

static int sub_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct sub s = {0};
	struct sigaction sa;
	json_t *req = json_pack("{s:s}", "type", "subscribe"), *r = NULL;
	int rc;

	rc = req ? sub_parse(cmd, argc, argv, &s, req) : KR_EXIT_SERVER;
	if (rc) {
		rc = rc < 0 ? cli_help(cmd) : rc;
		goto out;
	}
	s.quiet = cli->json;
	rc = cli_session_open_reader(cli, &s.conn);
	if (rc)
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sub_on_signal; /* no SA_RESTART: the poll in lws must wake up */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	conn_set_interrupt(s.conn, &sub_stop);
	rc = cli_call(s.conn, req, "subscribed", &r);
	req = NULL;
	if (rc || sub_stop) {
		rc = sub_stop ? KR_EXIT_OK : cli_anonymous_hint(cli, rc);
		goto out;
	}
	if (!cli->json)
		sub_status(json_object_get(r, "circles"));
	rc = sub_stream(&s);
out:
	json_decref(r);
	json_decref(req);
	conn_close(s.conn);
	return rc;
}

const struct cli_cmd cmd_subscribe = {
    "subscribe",
    "stream items as JSON Lines (for people and SIEM pipes)",
    "usage: kairan [OPTIONS] subscribe [--circle C]... [--since CURSOR] [--name NAME]\n"
    "                                  [--count N]\n"
    "\n"
    "Write each item delivered by the hub on stdout as one line of JSON (JSON\n"
    "Lines), flushed at once. Runs until interrupted (Ctrl-C, SIGTERM: exit 0)\n"
    "or until the connection drops (exit 7). A status line goes to stderr\n"
    "unless --json is given.\n"
    "\n"
    "stdout carries items only, so it can feed a SIEM. Other news from the\n"
    "hub goes to stderr as one line each, unless --json is given (then it is\n"
    "dropped): a retracted item ('retracted it_...': remove it from your\n"
    "copies), permission requests about your items and answers to yours\n"
    "('notice: request pr_...'), and moderation decisions about your items\n"
    "('notice: it_... is now published').\n"
    "\n"
    "Without any token (no --token, --token-file or KAIRAN_TOKEN) the\n"
    "subscription is anonymous: only the CLEAR items of circles that publish\n"
    "CLEAR are delivered. Without --circle it follows every circle that\n"
    "publishes CLEAR; a --circle that does not is refused (exit 4).\n"
    "\n"
    "Options:\n"
    "  --circle C       only this circle; repeat for several (default: all\n"
    "                   your circles; anonymously, every circle that\n"
    "                   publishes CLEAR)\n"
    "  --since CURSOR   first replay stored items after CURSOR, then go live\n"
    "  --name NAME      a durable subscription: each item is acknowledged\n"
    "                   once written, and without --since the stream resumes\n"
    "                   after the last acknowledged item, with no gap\n"
    "  --count N        exit 0 after N items\n"
    "  -h, --help       show this help\n",
    sub_run,
};
