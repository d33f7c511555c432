/*
 * cli.h - what every `kairan` subcommand shares: the global options, the
 * session with the hub (connect, authenticate, request/reply), output
 * helpers and exit codes.
 *
 * Exit codes are those of kr_error.h: 0 ok, 2 usage, 3 auth, 4 forbidden or
 * not allowed by policy, 5 not found, 6 rejected input, 7 hub or network
 * failure (and rate limits). Errors from the hub are mapped with
 * kr_err_from_code() + kr_err_exit() and nowhere else. Only results go to
 * stdout; everything else goes to stderr.
 *
 * Implemented in cli.c (output, errors), cli_session.c (the session),
 * cli_args.c (argument parsing), cli_file.c (JSON input files) and
 * cli_item.c (items for people).
 */
#ifndef KAIRAN_CLI_H
#define KAIRAN_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "conn.h"
#include "kr_error.h"
#include "opt.h"

#define CLI_DEFAULT_URL "wss://localhost:8443"
#define CLI_CONNECT_MS  15000 /* connect, TLS and websocket handshake */
#define CLI_REPLY_MS    30000 /* wait for the reply to one request */
#define CLI_EXIT_OUTPUT 1     /* stdout could not be written (e.g. a closed pipe) */

/* The global options, after the environment was applied. */
struct cli {
	const char *url;        /* --url, KAIRAN_URL or CLI_DEFAULT_URL */
	const char *token;      /* --token, borrowed from argv */
	const char *token_file; /* --token-file */
	const char *env_token;  /* KAIRAN_TOKEN */
	const char *ca;         /* --ca */
	bool insecure;          /* --insecure */
	const char *cert;       /* --cert: client certificate (PEM) for mutual TLS */
	const char *key;        /* --key: its private key (PEM); NULL: in the --cert file */
	bool json;              /* --json */
	/*
	 * NULL, or a flag (e.g. raised by a signal handler) that cuts every wait
	 * of a session short: connecting, authenticating, and the replies of
	 * cli_call(). A session start stopped by it returns 7 without a message;
	 * the caller knows why.
	 */
	const volatile sig_atomic_t *intr;
};

/* One subcommand, as listed in main.c's dispatch table. */
struct cli_cmd {
	const char *name;
	const char *summary; /* one line for `kairan --help` */
	const char *usage;   /* the full `kairan NAME --help` text */
	/* Run with argv[0] = name; returns the exit code. */
	int (*run)(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv);
};

/*
 * Open a session: check the URL, find the token (exit 3 when there is none),
 * connect and send `auth`. With --cert and no token, the connection presents
 * the client certificate and sends `auth` without a token: the hub
 * authenticates it by the certificate. Returns 0 with *conn set (close it
 * with conn_close()), or the exit code after printing why.
 */
int cli_session_open(const struct cli *cli, struct conn **conn);

/*
 * Like cli_session_open() for the read commands (get, history, subscribe):
 * when no token is given at all (see cli_token_given()), connect without
 * sending `auth`, as an anonymous read-only session (PROTOCOL.md "Session").
 */
int cli_session_open_reader(const struct cli *cli, struct conn **conn);

/*
 * Whether the user gave a token: --token, --token-file, or a non-empty
 * KAIRAN_TOKEN.
 */
bool cli_token_given(const struct cli *cli);

/*
 * After a read command failed with rc: when the session was anonymous and
 * the hub said auth_required or forbidden (exit 3 or 4), tell the user that
 * without a token only public CLEAR items can be read. Returns rc.
 */
int cli_anonymous_hint(const struct cli *cli, int rc);

/*
 * Open a session, send req (stolen) with cli_call() and close the session.
 * Returns 0 with the reply in *reply (new reference), or the exit code.
 */
int cli_request(const struct cli *cli, json_t *req, const char *expect, json_t **reply);

/*
 * Send req (stolen; NULL is treated as out of memory) and wait for its
 * reply. A reply of type expect is returned in *reply (new reference) with
 * 0. An `error` reply is printed as "kairan: CODE: MESSAGE" and its exit
 * code returned; a network failure or a reply of another type returns 7.
 * When the connection's interrupt flag stops the wait, 7 is returned without
 * a message.
 */
int cli_call(struct conn *conn, json_t *req, const char *expect, json_t **reply);

/* Print "kairan: CODE: MESSAGE" for an `error` message (borrowed); return its exit code. */
int cli_server_error(const json_t *msg);

/* Print the connection's failure; return KR_EXIT_SERVER. */
int cli_conn_error(const struct conn *conn);

/* "kairan: " + message on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "kairan: warning: " + message on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print "kairan NAME: message" and the synopsis (the usage text up to its
 * first blank line, which every usage text has) on stderr; return
 * KR_EXIT_USAGE.
 */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print the subcommand's usage on stdout; return 0. */
int cli_help(const struct cli_cmd *cmd);

/*
 * Parse the subcommand's option opt_next() failed on, or an unexpected
 * operand, into a usage error; hints when a global option came too late.
 */
int cli_opt_error(const struct cli_cmd *cmd, int rc, const char *arg, const char *err);

/* One subcommand of a command group ("approve" of `kairan moderate`). */
struct cli_subcmd {
	const char *word; /* as typed after the group's name */
	const struct cli_cmd *cmd;
};

/*
 * Run a command group: argv[1] names the subcommand, which runs with argv + 1.
 * -h/--help prints cmd's usage (ending in a "Subcommands:" line), one line
 * per subcommand with its summary, and how to get a subcommand's help. A
 * missing or unknown subcommand is a usage error naming the choices.
 * (cli_group.c)
 */
int cli_group_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv,
                  const struct cli_subcmd *subs, size_t n);

/*
 * Parse the arguments of a subcommand that takes none but --help. Returns 0
 * (with *help set when --help was given) or KR_EXIT_USAGE after printing why.
 */
int cli_parse_none(const struct cli_cmd *cmd, int argc, char **argv, bool *help);

/* The usage hint for a missing item ID. */
#define CLI_ASK_ITEM_ID "which item? give its ID, e.g. it_5f2c9a0d1e7b4c21"

/*
 * The single operand of a command that acts on one item: its ID (borrowed
 * from argv) in *id. Returns 0 with *id set to go on; 0 with *id NULL when
 * --help was printed; an exit code after printing a usage error.
 */
int cli_item_id_arg(const struct cli_cmd *cmd, int argc, char **argv, const char **id);

int cli_parse_operand(const struct cli_cmd *cmd, int argc, char **argv, const char **operand,
                      bool *help);

#define CLI_ARGS_MAX 8 /* options and operands cli_parse_args() can take */

/* An option of a subcommand for cli_parse_args(); every one takes a value. */
struct cli_arg {
	const char *name; /* long name without the leading "--" */
	bool text;        /* the value goes into a message: it must be UTF-8 text */
};

/* What cli_parse_args() found. Strings are borrowed from argv. */
struct cli_args {
	const char *operand[CLI_ARGS_MAX]; /* in command-line order */
	int noperands;
	const char *value[CLI_ARGS_MAX]; /* value of spec[i]; NULL when not given */
	bool help;                       /* -h or --help was given */
};

/*
 * Parse a subcommand's arguments: up to max_operands operands (each checked
 * to be UTF-8 text, since operands are IDs and words sent to the hub), the
 * n (at most CLI_ARGS_MAX) options of spec, each at most once, and --help.
 * Which operands and options are required is the caller's to check. Returns
 * 0, or KR_EXIT_USAGE after printing why. (cli_args.c)
 */
int cli_parse_args(const struct cli_cmd *cmd, int argc, char **argv, const struct cli_arg *spec,
                   size_t n, int max_operands, struct cli_args *a);

/*
 * Check that the value of an argument that goes into a message is UTF-8
 * text. Returns 0, or KR_EXIT_USAGE after printing which one (what) is not.
 */
int cli_check_text(const struct cli_cmd *cmd, const char *what, const char *arg);

/* Parse a non-negative decimal integer (no sign, no spaces). */
bool cli_parse_uint(const char *s, json_int_t *v);

/* v (borrowed) as indented JSON and a newline on stdout. */
void cli_print_json(const json_t *v);

/* A copy of a reply (borrowed) without "type" and "ref". New reference or NULL. */
json_t *cli_reply_body(const json_t *reply);

/* cli_print_json() of cli_reply_body(reply): the --json output of most commands. */
void cli_print_body(const json_t *reply);

/*
 * cli_print_text(oneline) of s, then spaces up to width terminal columns
 * (East Asian wide characters count two, escapes as printed).
 */
void cli_print_cell(FILE *f, const char *s, int width);

/* The terminal columns cli_print_text(oneline) of s takes; 0 for NULL. */
int cli_text_width(const char *s);

/*
 * Print text that came from other people on a terminal safely: control
 * characters (C0 except tab and newline, DEL, C1) and invalid bytes are shown
 * as "\xNN" / "\u00NN" instead of being sent raw. With oneline, newlines and
 * tabs become spaces. NULL prints nothing.
 */
void cli_print_text(FILE *f, const char *s, bool oneline);

/*
 * An item as readers see it (PROTOCOL.md, "Item as readers see it"; item is
 * borrowed), for people on stdout: title, then one "label  value" line per
 * field present (id, TLP, circle, kind, an alert's severity, a practice
 * report's directive, industry, size band, readers and level, status,
 * created, pseudonym, profile, cursor, forwarded from, author organisation
 * when a moderator sees it, tags, recipients), the body, an alert's
 * recommended action, affected products and references, a practice report's
 * situation, steps, outcome and references (a section each, when given),
 * and the indicators (each with its benign reason and validity window,
 * "(expired)" by this machine's clock). Every string goes through
 * cli_print_text().
 * (cli_item.c)
 */
void cli_print_item(const json_t *item);

/*
 * The correlation of a `get` reply (may be NULL: nothing printed): per
 * indicator of item, "also in N other items you may read" and the circle's
 * released sightings. (cli_item.c)
 */
void cli_print_correlation(const json_t *item, const json_t *correlation);

/*
 * A `redactions` list ({kind, field, count} each) as one line on stdout:
 * indent, "removed before sharing: 2 org-name in body, 1 email in body" and
 * a newline; nothing when the list is empty. (cli_item.c)
 */
void cli_print_redactions(const char *indent, const json_t *redactions);

/*
 * Load the JSON object in path ("-": standard input) into *obj (new
 * reference): UTF-8 text (a leading BOM is skipped) of at most CONN_MSG_MAX
 * bytes holding exactly one JSON object without duplicate keys. what names
 * the object in messages ("the item"). Returns 0, or KR_EXIT_USAGE after
 * printing why. (cli_file.c)
 */
int cli_load_object(const struct cli_cmd *cmd, const char *path, const char *what, json_t **obj);

/*
 * Flush stdout. When anything written to it was lost and rc is 0, report it
 * and return CLI_EXIT_OUTPUT; otherwise return rc.
 */
int cli_finish(int rc);

#endif
