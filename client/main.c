/*
 * main.c - `kairan`, the command-line client of a kairan hub: parse the
 * global options (and their environment variables), then hand over to the
 * subcommand found in the dispatch table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"

#ifndef KAIRAN_VERSION
#define KAIRAN_VERSION "unknown"
#endif

static const struct cli_cmd *const main_commands[] = {
    &cmd_whoami,    &cmd_circles, &cmd_roster,  &cmd_post,    &cmd_get,       &cmd_history,
    &cmd_subscribe, &cmd_forward, &cmd_retract, &cmd_request, &cmd_requests,  &cmd_decide,
    &cmd_moderate,  &cmd_sight,   &cmd_lookup,  &cmd_export,  &cmd_import,    &cmd_search,
    &cmd_assess,    &cmd_rsvp,    &cmd_event,   &cmd_events,  &cmd_resources,
};

#define MAIN_NCOMMANDS (sizeof(main_commands) / sizeof(main_commands[0]))

enum { O_URL = 1, O_TOKEN, O_TOKEN_FILE, O_CA, O_INSECURE, O_JSON, O_HELP, O_VERSION };
enum { O_CERT = O_VERSION + 1, O_KEY }; /* mutual TLS */

static const struct opt_spec main_opts[] = {
    {"url", 0, true, O_URL},
    {"token", 0, true, O_TOKEN},
    {"token-file", 0, true, O_TOKEN_FILE},
    {"ca", 0, true, O_CA},
    {"insecure", 0, false, O_INSECURE},
    {"json", 0, false, O_JSON},
    {"help", 'h', false, O_HELP},
    {"version", 0, false, O_VERSION},
    {"cert", 0, true, O_CERT},
    {"key", 0, true, O_KEY},
};

static const char main_usage_head[] =
    "usage: kairan [OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "Post and read threat reports, alerts and practices in your circles\n"
    "through a kairan hub.\n"
    "\n"
    "Options (before the command):\n"
    "  --url URL          the hub: wss://HOST:PORT or ws://HOST:PORT\n"
    "                     (env KAIRAN_URL; default " CLI_DEFAULT_URL ")\n"
    "  --token T          your access token (env KAIRAN_TOKEN); other local\n"
    "                     users can see command lines, prefer --token-file\n"
    "  --token-file FILE  read the token from the first line of FILE\n"
    "  --ca FILE          trust only this CA certificate (PEM) for wss://\n"
    "  --insecure         do not verify the hub's certificate (testing only)\n"
    "  --cert FILE        present this client certificate (PEM) to the hub;\n"
    "                     without a token, the hub authenticates you by it\n"
    "                     (env KAIRAN_CERT)\n"
    "  --key FILE         the certificate's private key (PEM; env KAIRAN_KEY;\n"
    "                     default: the --cert file)\n"
    "  --json             machine-readable output\n"
    "  -h, --help         show this help\n"
    "  --version          show the version\n"
    "\n"
    "Without any token (no --token, --token-file or KAIRAN_TOKEN) or --cert, get,\n"
    "history, subscribe, search and events read public CLEAR items anonymously;\n"
    "every other command needs a token or a registered certificate (exit 3).\n"
    "\n"
    "Commands:\n";

static const char main_usage_tail[] =
    "\n"
    "The hub removes what identifies you (your organisation's names, domains,\n"
    "people, contact details, internal addresses) before anything is shared.\n"
    "post shows you what readers will see and what was removed, and asks\n"
    "before publishing; 'post --preview FILE' only shows, 'post --yes FILE'\n"
    "posts without asking (for scripts).\n"
    "\n"
    "subscribe writes items as JSON Lines on stdout, filtered by the hub\n"
    "(--kind, --min-severity, --tag, --indicator-type, --keyword, --region);\n"
    "with --name --follow it is a feed for a SIEM that rides out network\n"
    "failures and hub restarts with no gap.\n"
    "\n"
    "Run 'kairan COMMAND --help' for the options of a command.\n"
    "Set KAIRAN_DEBUG=1 to see libwebsockets' log on stderr.\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 authentication, 4 forbidden (or not allowed\n"
    "by the circle's policy), 5 not found, 6 rejected by the hub, 7 hub or\n"
    "network failure (or a rate limit: retry later).\n";

static void main_usage(FILE *f)
{
	fputs(main_usage_head, f);
	for (size_t i = 0; i < MAIN_NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", main_commands[i]->name, main_commands[i]->summary);
	fputs(main_usage_tail, f);
}

/* A usage problem before the command: the message, the synopsis, the commands. */
static int main_usage_error(const char *msg)
{
	fprintf(stderr, "kairan: %s\nusage: kairan [OPTIONS] COMMAND [ARGS]\ncommands:", msg);
	for (size_t i = 0; i < MAIN_NCOMMANDS; i++)
		fprintf(stderr, " %s", main_commands[i]->name);
	fputs("\nRun 'kairan --help' for more.\n", stderr);
	return KR_EXIT_USAGE;
}

static const struct cli_cmd *main_find(const char *name)
{
	for (size_t i = 0; i < MAIN_NCOMMANDS; i++)
		if (strcmp(main_commands[i]->name, name) == 0)
			return main_commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	struct opt_iter it;
	const struct cli_cmd *cmd;
	const char *arg;
	char err[128];
	int o, rc = KR_EXIT_USAGE;

	cli.url = getenv("KAIRAN_URL");
	if (!cli.url || !*cli.url)
		cli.url = CLI_DEFAULT_URL;
	cli.env_token = getenv("KAIRAN_TOKEN");
	cli.cert = getenv("KAIRAN_CERT");
	if (cli.cert && !*cli.cert)
		cli.cert = NULL;
	cli.key = getenv("KAIRAN_KEY");
	if (cli.key && !*cli.key)
		cli.key = NULL;
	opt_init(&it, argc, argv, 1);
	while ((o = opt_next(&it, main_opts, OPT_COUNT(main_opts), &arg, err, sizeof(err))) > 0) {
		switch (o) {
		case O_URL:
			cli.url = arg;
			break;
		case O_TOKEN:
			cli.token = arg;
			break;
		case O_TOKEN_FILE:
			cli.token_file = arg;
			break;
		case O_CA:
			cli.ca = arg;
			break;
		case O_INSECURE:
			cli.insecure = true;
			break;
		case O_JSON:
			cli.json = true;
			break;
		case O_CERT:
			cli.cert = arg;
			break;
		case O_KEY:
			cli.key = arg;
			break;
		case O_HELP:
			main_usage(stdout);
			return cli_finish(KR_EXIT_OK);
		case O_VERSION:
			printf("kairan %s\n", KAIRAN_VERSION);
			return cli_finish(KR_EXIT_OK);
		}
	}
	if (o == OPT_ERROR) {
		rc = main_usage_error(err);
		goto out;
	}
	if (o == OPT_DONE) {
		rc = main_usage_error("no command given");
		goto out;
	}
	if (cli.token && cli.token_file) {
		rc = main_usage_error("use --token or --token-file, not both");
		goto out;
	}
	if (cli.ca && cli.insecure) {
		rc = main_usage_error("use --ca or --insecure, not both");
		goto out;
	}
	if (cli.key && !cli.cert) {
		rc = main_usage_error("--key needs --cert (the certificate it belongs to)");
		goto out;
	}
	cmd = main_find(arg);
	if (!cmd) {
		snprintf(err, sizeof(err), "unknown command '%.64s'", arg);
		rc = main_usage_error(err);
		goto out;
	}
	rc = cmd->run(&cli, cmd, argc - (it.ind - 1), argv + (it.ind - 1));
out:
	return cli_finish(rc);
}
