/*
 * cmd_subscribe.c - `kairan subscribe`: stream delivered items as JSON Lines
 * on stdout, for people and for SIEM pipes.
 *
 * Each delivered item becomes one compact line, flushed at once; nothing
 * else goes to stdout. A `deliver` push carries one `item` or a batch of
 * `items` in cursor order: each is its own line, in that order. `retraction`
 * and `notice` pushes become one line for people on stderr (push.c), or are
 * ignored with --json. With --name the subscription is durable: once the
 * items of a push are written, the cursor of the last one is acknowledged,
 * once (so a crash never loses one), and the `acked` replies are taken as
 * they come without holding up delivery. --count N stops after exactly N
 * items, even inside a batch; only what was written is acknowledged.
 *
 * The filter options (--kind, --min-severity, --tag, --indicator-type,
 * --keyword, --region) become `subscribe.filter` (PROTOCOL.md, "Filters"),
 * which the hub evaluates per item. Kinds, severities and indicator types
 * are checked here first against model.h's vocabularies, so a typo is a
 * usage error before any connection; regions are the hub's to judge.
 *
 * The stream ends after --count items, on SIGINT/SIGTERM (exit 0, at any
 * point: connecting, streaming, waiting to reconnect), or when the
 * connection drops (exit 7). With --follow a drop, a failure to reach the
 * hub or a hub failure (anything of exit 7) is followed instead by a new
 * session after a backoff (sub_backoff(): 0.5 s doubling up to 30 s,
 * jittered, back to 0.5 s once subscribed again): authenticated again and
 * subscribed again where the output stopped (sub_request()), with status
 * lines on stderr. Refusals (exit 3, 4, 6) still end it. Without any token
 * the subscription is anonymous (public CLEAR items only).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "model.h"
#include "push.h"

#define SUB_DRAIN_MS    5000 /* how long to wait for outstanding acks at the end */
#define SUB_BACKOFF_MIN 0.5  /* seconds before the first reconnection */
#define SUB_BACKOFF_MAX 30.0 /* longest wait between two attempts */
#define SUB_JITTER      0.2  /* each wait is its base +-20 %, never above the maximum */
#define SUB_NAP_MS      100  /* longest single sleep of a backoff: signals are seen this fast */

/* sub_stream() and the handlers: the connection failed; conn_errmsg() says why (untold). */
#define SUB_LOST (-1)

static volatile sig_atomic_t sub_stop;

static void sub_on_signal(int sig)
{
	(void)sig;
	sub_stop = 1;
}

struct sub {
	const struct cli *cli; /* the global options, with intr = &sub_stop */
	struct conn *conn;     /* the session; NULL between two of them */
	json_t *req;           /* `subscribe` as the command line asks for it (owned) */
	const char *name;      /* --name, borrowed from argv; NULL: no acks */
	json_int_t count;      /* --count, 0: unlimited */
	json_int_t seen;       /* items written, over all sessions */
	bool follow;           /* --follow: reconnect instead of exiting 7 */
	bool subscribed;       /* a subscription was made at least once */
	bool have_start;       /* start holds the first `subscribed.cursor` */
	json_int_t start;
	bool have_last; /* last holds the cursor of the last item written */
	json_int_t last;
	json_int_t confirmed; /* the highest cursor the hub confirmed acknowledging (0: none) */
	size_t pending;       /* acks sent on this session and not yet confirmed */
	bool draining;        /* the stream is over: only confirmations matter */
	bool quiet;           /* --json: retractions, notices, first status line not told */
};

static bool sub_done(const struct sub *s)
{
	return s->count && s->seen >= s->count;
}

/* Send `ack` of cursor (borrowed) under --name, without waiting. Returns 0 or an exit code. */
static int sub_ack(struct sub *s, const json_t *cursor)
{
	json_t *ack =
	    json_pack("{s:s, s:s, s:O}", "type", "ack", "name", s->name, "cursor", cursor);
	int rc = SUB_LOST;

	if (!ack || !conn_stamp(s->conn, ack)) {
		cli_error("out of memory");
		rc = KR_EXIT_SERVER;
	} else if (conn_send(s->conn, ack) == CONN_OK) {
		s->pending++;
		rc = KR_EXIT_OK;
	}
	json_decref(ack);
	return rc;
}

/* One item (borrowed) as a compact JSON line, flushed. Returns 0 or an exit code. */
static int sub_write(const json_t *item)
{
	if (json_dumpf(item, stdout, JSON_COMPACT) != 0 || fputc('\n', stdout) == EOF ||
	    fflush(stdout) != 0) {
		cli_error("cannot write the output: %s", strerror(errno));
		return CLI_EXIT_OUTPUT;
	}
	return KR_EXIT_OK;
}

/*
 * Write the items of a `deliver` push (its `item`, or its `items` in order)
 * as JSON lines, stopping at --count, then acknowledge the last one written,
 * once, with --name. Returns 0 or an exit code.
 */
static int sub_on_deliver(struct sub *s, const json_t *msg)
{
	const json_t *one = json_object_get(msg, "item");
	const json_t *batch = json_object_get(msg, "items");
	const json_t *cursor = NULL;
	size_t n = one ? 1 : json_array_size(batch);
	int rc = KR_EXIT_OK;

	if (s->draining)
		return KR_EXIT_OK; /* not written, not acked: it comes again next time */
	if (!one && !json_is_array(batch)) {
		cli_error("the hub delivered neither an item nor items");
		return KR_EXIT_SERVER;
	}
	for (size_t i = 0; rc == KR_EXIT_OK && i < n && !sub_done(s); i++) {
		const json_t *item = one ? one : json_array_get(batch, i);
		const json_t *c = json_object_get(item, "cursor");

		if (!json_is_object(item) || !json_is_integer(c)) {
			cli_error("the hub delivered an item without a cursor");
			rc = KR_EXIT_SERVER;
			break;
		}
		rc = sub_write(item);
		if (rc)
			break;
		s->seen++;
		s->last = json_integer_value(c);
		s->have_last = true;
		cursor = c;
	}
	if (cursor && s->name) {
		int ack = sub_ack(s, cursor);

		rc = rc ? rc : ack;
	}
	return rc;
}

static int sub_on_acked(struct sub *s, const json_t *msg)
{
	const json_t *cursor = json_object_get(msg, "cursor");

	if (s->pending > 0)
		s->pending--;
	if (json_is_integer(cursor) && json_integer_value(cursor) > s->confirmed)
		s->confirmed = json_integer_value(cursor);
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

/* The i-th label (from 1) of a vocabulary of model.h; NULL past its end. */
static const char *sub_kind_label(int i)
{
	/* up to event: assessments have their own path and are never delivered */
	return i <= KR_KIND_EVENT ? kr_kind_name((enum kr_kind)i) : NULL;
}

static const char *sub_severity_label(int i)
{
	return kr_severity_name((enum kr_severity)i);
}

static const char *sub_ind_type_label(int i)
{
	return kr_ind_type_name((enum kr_ind_type)i);
}

/* The filter options, each filling one field of `subscribe.filter`. */
static const struct sub_filter_opt {
	const char *option;          /* the long option, without "--" */
	const char *field;           /* its field in subscribe.filter */
	bool list;                   /* repeatable, an array; else given once, a string */
	const char *(*label)(int i); /* the labels it takes (sub_kind_label()); NULL: any text */
} sub_filter_opts[] = {
    {"kind", "kinds", true, sub_kind_label},
    {"min-severity", "min_severity", false, sub_severity_label},
    {"tag", "tags", true, NULL},
    {"indicator-type", "indicator_types", true, sub_ind_type_label},
    {"keyword", "keywords", true, NULL},
    {"region", "regions", true, NULL},
};

#define SUB_NFILTERS (sizeof(sub_filter_opts) / sizeof(sub_filter_opts[0]))

enum { S_HELP = 1, S_CIRCLE, S_SINCE, S_NAME, S_COUNT, S_FOLLOW, S_FILTER };

/* The other options; filter option i gets the id S_FILTER + i (sub_parse()). */
static const struct opt_spec sub_opts[] = {
    {"help", 'h', false, S_HELP}, {"circle", 0, true, S_CIRCLE}, {"since", 0, true, S_SINCE},
    {"name", 0, true, S_NAME},    {"count", 0, true, S_COUNT},   {"follow", 0, false, S_FOLLOW},
};

#define SUB_NOPTS (sizeof(sub_opts) / sizeof(sub_opts[0]))

/*
 * Add the value arg of filter option f to filter (borrowed). Labels are
 * checked against f->label; every value must be non-empty UTF-8 text.
 * Returns 0 or KR_EXIT_USAGE after printing why.
 */
static int sub_filter_add(const struct cli_cmd *cmd, const struct sub_filter_opt *f,
                          const char *arg, json_t *filter)
{
	char what[32], labels[256];
	size_t used = 0;
	json_t *list;
	int rc;

	snprintf(what, sizeof(what), "--%s", f->option);
	rc = cli_check_text(cmd, what, arg);
	if (rc)
		return rc;
	if (!*arg)
		return cli_usage_error(cmd, "%s needs a value", what);
	if (f->label) {
		const char *l;
		bool known = false;

		labels[0] = '\0';
		for (int i = 1; (l = f->label(i)) != NULL; i++) {
			known = known || strcmp(l, arg) == 0;
			if (used < sizeof(labels))
				used += (size_t)snprintf(labels + used, sizeof(labels) - used,
				                         "%s%s", i > 1 ? ", " : "", l);
		}
		if (!known)
			return cli_usage_error(cmd, "unknown %s '%s' (one of: %s)", what, arg,
			                       labels);
	}
	if (!f->list) {
		if (json_object_get(filter, f->field))
			return cli_usage_error(cmd, "%s given twice", what);
		json_object_set_new(filter, f->field, json_string(arg));
		return KR_EXIT_OK;
	}
	list = json_object_get(filter, f->field);
	if (!list)
		json_object_set_new(filter, f->field, list = json_array());
	json_array_append_new(list, json_string(arg));
	return KR_EXIT_OK;
}

/*
 * Build the `subscribe` request (into req, borrowed) and fill s from the
 * command line. Returns 0, -1 for --help, or an exit code.
 */
static int sub_parse(const struct cli_cmd *cmd, int argc, char **argv, struct sub *s, json_t *req)
{
	struct opt_spec opts[SUB_NOPTS + SUB_NFILTERS];
	struct opt_iter it;
	const char *arg;
	char err[128];
	json_t *circles = NULL, *filter = json_object();
	json_int_t n = 0;
	int o, rc = KR_EXIT_OK;

	if (!filter) {
		cli_error("out of memory");
		return KR_EXIT_SERVER;
	}
	memcpy(opts, sub_opts, sizeof(sub_opts));
	for (size_t i = 0; i < SUB_NFILTERS; i++)
		opts[SUB_NOPTS + i] =
		    (struct opt_spec){sub_filter_opts[i].option, 0, true, S_FILTER + (int)i};
	opt_init(&it, argc, argv, 1);
	while (rc == KR_EXIT_OK &&
	       (o = opt_next(&it, opts, OPT_COUNT(opts), &arg, err, sizeof(err)))) {
		if (o == S_HELP) {
			rc = -1;
		} else if (o >= S_FILTER) {
			rc = sub_filter_add(cmd, &sub_filter_opts[o - S_FILTER], arg, filter);
		} else if (o == S_FOLLOW) {
			s->follow = true;
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
	if (rc == KR_EXIT_OK && json_object_size(filter) > 0)
		json_object_set(req, "filter", filter);
	json_decref(filter);
	return rc;
}

/*
 * The `subscribe` request for the next session (new reference, NULL when
 * out of memory): the command line's at first. Once subscribed, the next
 * one continues where the output stopped. After an item was written: with
 * --name from the hub's durable cursor (no since; sub_reack() made sure it
 * covers the last item written), without --name with since = that item's
 * cursor. Before any was: the first subscription again, starting where it
 * started (its --since, else with --name the durable cursor, else the
 * cursor the hub had when first subscribed).
 */
static json_t *sub_request(const struct sub *s)
{
	json_t *req = json_copy(s->req);

	if (!req || !s->subscribed)
		return req;
	if (s->name && s->have_last)
		json_object_del(req, "since");
	else if (!s->name && s->have_last)
		json_object_set_new(req, "since", json_integer(s->last));
	else if (!s->name && s->have_start && !json_object_get(req, "since"))
		json_object_set_new(req, "since", json_integer(s->start));
	return req;
}

/*
 * With --name, before subscribing again: acknowledge the last item written
 * once more when the hub had not confirmed it (its ack may have been lost
 * with the old connection), so that the durable cursor resumes right after
 * it. Returns 0 or an exit code (told).
 */
static int sub_reack(struct sub *s)
{
	json_t *r = NULL;
	int rc;

	if (!s->name || !s->have_last || s->last <= s->confirmed)
		return KR_EXIT_OK;
	rc = cli_call(s->conn,
	              json_pack("{s:s, s:s, s:I}", "type", "ack", "name", s->name, "cursor",
	                        (json_int_t)s->last),
	              "acked", &r);
	if (rc == KR_EXIT_OK)
		sub_on_acked(s, r);
	json_decref(r);
	return rc;
}

/* "[re]subscribed to a, b" on stderr, from the reply's circles (borrowed). */
static void sub_status(const char *what, const json_t *circles)
{
	const json_t *c;
	size_t i;

	fprintf(stderr, "%s to ", what);
	json_array_foreach(circles, i, c)
	{
		const json_t *id = json_is_object(c) ? json_object_get(c, "circle") : c;

		fputs(i ? ", " : "", stderr);
		cli_print_text(stderr, json_string_value(id), true);
	}
	fputs(json_array_size(circles) ? "\n" : "no circle\n", stderr);
}

/*
 * Open a session (s->conn), acknowledge again what the last one may have
 * left unconfirmed, and subscribe with sub_request(); tell it on stderr
 * ("subscribed to ..." unless --json, "resubscribed to ..." always).
 * Returns 0, or an exit code (told; untold when sub_stop interrupted it).
 */
static int sub_start(struct sub *s)
{
	json_t *r = NULL;
	const json_t *cursor;
	int rc;

	rc = cli_session_open_reader(s->cli, &s->conn);
	if (rc == KR_EXIT_OK)
		rc = sub_reack(s);
	if (rc == KR_EXIT_OK)
		rc = cli_call(s->conn, sub_request(s), "subscribed", &r);
	if (rc)
		return cli_anonymous_hint(s->cli, rc);
	cursor = json_object_get(r, "cursor");
	if (!s->subscribed && json_is_integer(cursor)) {
		s->start = json_integer_value(cursor);
		s->have_start = true;
	}
	if (s->subscribed || !s->quiet)
		sub_status(s->subscribed ? "resubscribed" : "subscribed",
		           json_object_get(r, "circles"));
	s->subscribed = true;
	json_decref(r);
	return KR_EXIT_OK;
}

/*
 * Take messages until --count items were written, a signal, or a failure.
 * Returns 0, SUB_LOST, or an exit code (told).
 */
static int sub_stream(struct sub *s)
{
	json_t *msg = NULL;
	enum conn_status st;
	int rc = KR_EXIT_OK;

	while (rc == KR_EXIT_OK && !sub_done(s)) {
		st = conn_recv(s->conn, -1, &msg);
		if (st == CONN_EINTR)
			break;
		if (st != CONN_OK)
			return SUB_LOST;
		rc = sub_dispatch(s, msg);
		json_decref(msg);
	}
	return rc;
}

/* At the end: wait for the last confirmations; a second signal ends the program. */
static int sub_drain(struct sub *s)
{
	json_t *msg = NULL;
	int rc = KR_EXIT_OK;

	s->draining = true;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	conn_set_interrupt(s->conn, NULL);
	while (rc == KR_EXIT_OK && s->pending > 0) {
		if (conn_recv(s->conn, SUB_DRAIN_MS, &msg) != CONN_OK) {
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

static int64_t sub_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The next wait before reconnecting, in seconds: *base (SUB_BACKOFF_MIN at
 * first) +-SUB_JITTER, at most SUB_BACKOFF_MAX; *base doubles, up to
 * SUB_BACKOFF_MAX.
 */
static double sub_backoff(double *base)
{
	double r = (double)random() / 2147483647.0; /* random() is 0 .. 2^31-1 */
	double wait = *base * (1.0 - SUB_JITTER + 2.0 * SUB_JITTER * r);

	*base = *base * 2 < SUB_BACKOFF_MAX ? *base * 2 : SUB_BACKOFF_MAX;
	return wait < SUB_BACKOFF_MAX ? wait : SUB_BACKOFF_MAX;
}

/* Sleep secs seconds, or less when a signal comes. Returns false when one came. */
static bool sub_sleep(double secs)
{
	int64_t end = sub_now_ms() + (int64_t)(secs * 1000);

	while (!sub_stop) {
		int64_t left = end - sub_now_ms();
		struct timespec ts = {0, 0};

		if (left <= 0)
			break;
		ts.tv_nsec = (long)(left < SUB_NAP_MS ? left : SUB_NAP_MS) * 1000000L;
		nanosleep(&ts, NULL);
	}
	return !sub_stop;
}

/*
 * Subscribe and stream; with --follow, start again after a backoff whenever
 * the connection fails or the hub fails (exit 7), until --count items, a
 * signal, or any other failure. Returns 0 (then s->conn is the session the
 * stream ended on, or NULL when a signal came between two sessions) or an
 * exit code (told).
 */
static int sub_loop(struct sub *s)
{
	double base = SUB_BACKOFF_MIN, wait;
	bool lost;
	int rc;

	for (;;) {
		rc = sub_start(s);
		if (rc == KR_EXIT_OK) {
			base = SUB_BACKOFF_MIN;
			rc = sub_stream(s);
		}
		if (sub_stop || rc == KR_EXIT_OK)
			return KR_EXIT_OK;
		if (rc == SUB_LOST && !s->follow)
			return cli_conn_error(s->conn);
		if (!s->follow || (rc != SUB_LOST && rc != KR_EXIT_SERVER))
			return rc;
		lost = rc == SUB_LOST;
		wait = sub_backoff(&base);
		if (lost)
			cli_error("connection lost: %s; reconnecting in %.1f s",
			          conn_errmsg(s->conn), wait);
		else
			cli_error("%s in %.1f s", s->subscribed ? "reconnecting" : "retrying",
			          wait);
		conn_close(s->conn);
		s->conn = NULL;
		s->pending = 0; /* sub_reack() covers what they acknowledged */
		if (!sub_sleep(wait)) {
			if (s->name && s->have_last && s->last > s->confirmed)
				cli_warn("the acknowledgement of cursor %" JSON_INTEGER_FORMAT
				         " was not confirmed by the hub; items from there may come "
				         "again",
				         s->last);
			return KR_EXIT_OK;
		}
	}
}

static int sub_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli c = *cli;
	struct sub s = {0};
	struct sigaction sa;
	int rc;

	c.intr = &sub_stop;
	s.cli = &c;
	s.quiet = cli->json;
	s.req = json_pack("{s:s}", "type", "subscribe");
	rc = s.req ? sub_parse(cmd, argc, argv, &s, s.req) : KR_EXIT_SERVER;
	if (rc) {
		rc = rc < 0 ? cli_help(cmd) : rc;
		goto out;
	}
	srandom((unsigned)time(NULL) ^ ((unsigned)getpid() << 16));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sub_on_signal; /* no SA_RESTART: the poll in lws must wake up */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = sub_loop(&s);
	if (rc == KR_EXIT_OK && s.conn)
		rc = sub_drain(&s);
out:
	json_decref(s.req);
	conn_close(s.conn);
	return rc;
}

const struct cli_cmd cmd_subscribe = {
    "subscribe",
    "stream items as JSON Lines (SIEM pipes: --name --follow)",
    "usage: kairan [OPTIONS] subscribe [--circle C]... [--since CURSOR] [--name NAME]\n"
    "                                  [--count N] [--follow] [FILTER]...\n"
    "\n"
    "Write each item delivered by the hub on stdout as one line of JSON (JSON\n"
    "Lines), flushed at once, in cursor order. Runs until interrupted (Ctrl-C,\n"
    "SIGTERM: exit 0) or until the connection drops (exit 7; with --follow it\n"
    "reconnects instead). A status line goes to stderr unless --json is given.\n"
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
    "Filters (FILTER above) are evaluated by the hub, item by item, on live\n"
    "items and on replayed ones (--since, --name) alike, after it checked\n"
    "that you may read them. An item is delivered only when it passes every\n"
    "filter given; a filter given several times passes when any of its values\n"
    "matches. With --name, an item filtered out still counts as read: the\n"
    "durable subscription moves past it with the next item acknowledged.\n"
    "  --kind K            the item is of kind K: threat, practice, alert,\n"
    "                      event\n"
    "  --min-severity S    the item is an alert of severity S or higher: info,\n"
    "                      low, medium, high, critical (other kinds never pass)\n"
    "  --tag T             the item has the tag T\n"
    "  --indicator-type T  the item has an indicator of type T: ipv4, ipv6,\n"
    "                      cidr, domain, url, email, md5, sha1, sha256, sha512,\n"
    "                      cve, asn\n"
    "  --keyword W         the title or body contains W (ASCII letters in any\n"
    "                      case)\n"
    "  --region R          the author's organisation is in region R (the\n"
    "                      item's profile.region): hokkaido, tohoku, kanto,\n"
    "                      chubu, kinki, chugoku, shikoku, kyushu-okinawa\n"
    "\n"
    "--follow keeps the stream going through network failures and hub\n"
    "restarts: when the connection drops (or the hub cannot be reached, or\n"
    "fails), kairan waits (0.5 s, doubling up to 30 s, with some jitter),\n"
    "connects and authenticates again and subscribes again with the same\n"
    "circles and filters, and the output goes on where it stopped, with no\n"
    "gap: with --name from the durable subscription's cursor, without it\n"
    "after the last item written. It says so on stderr, never on stdout:\n"
    "  kairan: connection lost: ...; reconnecting in 2.0 s\n"
    "  resubscribed to fin-isac\n"
    "A refusal still ends it: a revoked token (exit 3), a circle you may not\n"
    "read (exit 4), a filter the hub refuses (exit 6). Ctrl-C and SIGTERM\n"
    "end it at any point, waiting to reconnect included (exit 0).\n"
    "\n"
    "--follow with --name is the mode for piping into a SIEM: run it as a\n"
    "service; it rides out hub restarts and network failures, and when\n"
    "kairan itself is restarted the durable subscription resumes after the\n"
    "last item written. For example, every alert of severity high or above:\n"
    "  kairan --token-file soc.token subscribe --name soc-feed --follow \\\n"
    "      --min-severity high >> /var/log/kairan/alerts.jsonl\n"
    "\n"
    "Options:\n"
    "  --circle C       only this circle; repeat for several (default: all\n"
    "                   your circles; anonymously, every circle that\n"
    "                   publishes CLEAR)\n"
    "  --since CURSOR   first replay stored items after CURSOR, then go live\n"
    "  --name NAME      a durable subscription: the last item of each\n"
    "                   delivery is acknowledged once written, and without\n"
    "                   --since the stream resumes after the last\n"
    "                   acknowledged item, with no gap\n"
    "  --count N        exit 0 after N items (a batch delivered at once\n"
    "                   counts item by item)\n"
    "  --follow         reconnect by itself when the connection drops (see\n"
    "                   above) instead of exiting 7\n"
    "  -h, --help       show this help\n",
    sub_run,
};
