/*
 * cli_group.c - commands that group subcommands ("kairan moderate approve",
 * "kairan assess submit", ...): one dispatcher and one help layout for all
 * of them (see cli_group_run() in cli.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* "a, b or c" of the subcommand words into buf. */
static void choices(const struct cli_subcmd *subs, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int w = snprintf(buf + used, len - used, "%s%s", sep, subs[i].word);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static int group_help(const struct cli_cmd *cmd, const struct cli_subcmd *subs, size_t n)
{
	int width = 0;

	for (size_t i = 0; i < n; i++)
		if ((int)strlen(subs[i].word) > width)
			width = (int)strlen(subs[i].word);
	fputs(cmd->usage, stdout);
	for (size_t i = 0; i < n; i++)
		printf("  %-*s  %s\n", width, subs[i].word, subs[i].cmd->summary);
	printf("\nRun 'kairan %s SUBCOMMAND --help' for its options.\n", cmd->name);
	return KR_EXIT_OK;
}

int cli_group_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv,
                  const struct cli_subcmd *subs, size_t n)
{
	const char *word = argc > 1 ? argv[1] : NULL;
	char err[128], list[256];

	choices(subs, n, list, sizeof(list));
	if (!word)
		return cli_usage_error(cmd, "which subcommand? %s", list);
	if (strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0)
		return group_help(cmd, subs, n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(subs[i].word, word) == 0)
			return subs[i].cmd->run(cli, subs[i].cmd, argc - 1, argv + 1);
	if (word[0] == '-') {
		snprintf(err, sizeof(err), "unknown option '%.64s'", word);
		return cli_opt_error(cmd, OPT_ERROR, word, err);
	}
	return cli_usage_error(cmd, "unknown subcommand '%.64s' (%s)", word, list);
}
