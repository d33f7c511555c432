/*
 * cli_args.c - the argument parser of the subcommands that take operands
 * (IDs, words) and valued options (see cli_parse_args() in cli.h).
 */
#include <string.h>

#include "cli.h"

int cli_parse_args(const struct cli_cmd *cmd, int argc, char **argv, const struct cli_arg *spec,
                   size_t n, int max_operands, struct cli_args *a)
{
	struct opt_spec opts[CLI_ARGS_MAX + 1];
	struct opt_iter it;
	const char *arg;
	char err[128];
	int o, rc = KR_EXIT_OK;

	memset(a, 0, sizeof(*a));
	if (n > CLI_ARGS_MAX)
		n = CLI_ARGS_MAX;
	if (max_operands > CLI_ARGS_MAX)
		max_operands = CLI_ARGS_MAX;
	for (size_t i = 0; i < n; i++)
		opts[i] = (struct opt_spec){spec[i].name, 0, true, (int)i + 1};
	opts[n] = (struct opt_spec){"help", 'h', false, (int)n + 1};
	opt_init(&it, argc, argv, 1);
	while (rc == KR_EXIT_OK && (o = opt_next(&it, opts, n + 1, &arg, err, sizeof(err)))) {
		if (o == (int)n + 1) {
			a->help = true;
		} else if (o == OPT_OPERAND && a->noperands < max_operands) {
			rc = cli_check_text(cmd, "an argument", arg);
			a->operand[a->noperands++] = arg;
		} else if (o < 1) {
			rc = cli_opt_error(cmd, o, arg, err);
		} else if (a->value[o - 1]) {
			rc = cli_usage_error(cmd, "--%s given twice", spec[o - 1].name);
		} else {
			a->value[o - 1] = arg;
			if (spec[o - 1].text) {
				snprintf(err, sizeof(err), "--%s", spec[o - 1].name);
				rc = cli_check_text(cmd, err, arg);
			}
		}
	}
	return rc;
}
