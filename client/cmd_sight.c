/*
 * cmd_sight.c - `kairan sight INDICATOR --circle C [--false-positive]`
 * (report that your organisation saw an indicator, or that it is a false
 * positive) and `kairan lookup INDICATOR` (what you may learn about it:
 * how many readable items carry it, and each circle's sightings). Both
 * print counts only where the hub released them: at least k organisations
 * contributed.
 */
#include <string.h>

#include "cmd.h"
#include "ind_guess.h"

enum { S_HELP = 1, S_CIRCLE, S_TYPE, S_FALSE_POSITIVE };

static const struct opt_spec sight_opts[] = {
    {"help", 'h', false, S_HELP},
    {"circle", 0, true, S_CIRCLE},
    {"type", 0, true, S_TYPE},
    {"false-positive", 0, false, S_FALSE_POSITIVE},
};

static const struct opt_spec lookup_opts[] = {
    {"help", 'h', false, S_HELP},
    {"type", 0, true, S_TYPE},
};

/* What the command line asked for. Strings borrowed from argv. */
struct sight_args {
	const char *value, *type, *circle;
	bool false_positive;
};

/* Parse the arguments. Returns 0, -1 for --help, or an exit code. */
static int sight_parse(const struct cli_cmd *cmd, int argc, char **argv, bool lookup,
                       struct sight_args *a)
{
	const struct opt_spec *spec = lookup ? lookup_opts : sight_opts;
	size_t nopts = lookup ? OPT_COUNT(lookup_opts) : OPT_COUNT(sight_opts);
	struct opt_iter it;
	const char *arg;
	char err[128];
	int o, rc = KR_EXIT_OK;

	memset(a, 0, sizeof(*a));
	opt_init(&it, argc, argv, 1);
	while (rc == KR_EXIT_OK && (o = opt_next(&it, spec, nopts, &arg, err, sizeof(err)))) {
		if (o == S_HELP)
			return -1;
		if (o == S_CIRCLE)
			a->circle = arg;
		else if (o == S_TYPE)
			a->type = arg;
		else if (o == S_FALSE_POSITIVE)
			a->false_positive = true;
		else if (o == OPT_OPERAND && !a->value)
			a->value = arg;
		else
			rc = cli_opt_error(cmd, o, arg, err);
		if (rc == KR_EXIT_OK && arg && o != S_FALSE_POSITIVE)
			rc = cli_check_text(cmd, o == OPT_OPERAND ? "the indicator" : "an option",
			                    arg);
	}
	if (rc)
		return rc;
	if (!a->value)
		return cli_usage_error(cmd, "which indicator? e.g. 198.51.100.7 or evil[.]example");
	if (!lookup && !a->circle)
		return cli_usage_error(cmd, "which circle? give --circle C");
	if (!a->type) {
		a->type = kr_ind_type_name(kr_ind_guess_type(a->value));
		if (!a->type)
			return cli_usage_error(cmd,
			                       "cannot tell what kind of indicator '%s' is; give "
			                       "--type (ipv4, ipv6, cidr, domain, url, email, md5, "
			                       "sha1, sha256, sha512, cve, asn)",
			                       a->value);
	}
	return KR_EXIT_OK;
}

/* "9 reports; seen by 5 organisations, 1 says false positive; 2026-11-20 – 2026-11-22" */
static void print_aggregate(const json_t *agg)
{
	const char *first = json_string_value(json_object_get(agg, "first_seen"));
	const char *last = json_string_value(json_object_get(agg, "last_seen"));

	if (json_is_true(json_object_get(agg, "withheld"))) {
		fputs("withheld (fewer than k organisations reported it)\n", stdout);
		return;
	}
	printf("%lld reports; seen by %lld organisations, %lld say false positive",
	       (long long)json_integer_value(json_object_get(agg, "reports")),
	       (long long)json_integer_value(json_object_get(agg, "seen_by")),
	       (long long)json_integer_value(json_object_get(agg, "false_positive")));
	if (first && last)
		printf("; %s – %s", first, last);
	fputc('\n', stdout);
}

static void print_indicator(const json_t *ind)
{
	cli_print_text(stdout, json_string_value(json_object_get(ind, "type")), true);
	fputc(' ', stdout);
	cli_print_text(stdout, json_string_value(json_object_get(ind, "value")), true);
	fputc('\n', stdout);
}

static int run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv, bool lookup)
{
	struct sight_args a;
	json_t *req, *r = NULL;
	const json_t *agg;
	size_t i;
	int rc = sight_parse(cmd, argc, argv, lookup, &a);

	if (rc)
		return rc < 0 ? cli_help(cmd) : rc;
	req = json_pack("{s:s, s:{s:s, s:s}}", "type", lookup ? "lookup" : "sight", "indicator",
	                "type", a.type, "value", a.value);
	if (!lookup) {
		json_object_set_new(req, "circle", json_string(a.circle));
		if (a.false_positive)
			json_object_set_new(req, "false_positive", json_true());
	}
	rc = cli_request(cli, req, lookup ? "lookup" : "sighted", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	print_indicator(json_object_get(r, "indicator"));
	if (!lookup) {
		printf("reported to %s as %s\n", json_string_value(json_object_get(r, "circle")),
		       a.false_positive ? "a false positive" : "a sighting");
		fputs("sightings: ", stdout);
		print_aggregate(json_object_get(r, "sightings"));
		goto out;
	}
	agg = json_object_get(r, "items");
	if (json_is_true(json_object_get(agg, "withheld")))
		fputs("items: withheld (fewer than k organisations contributed)\n", stdout);
	else
		printf("items: in %lld items you may read\n",
		       (long long)json_integer_value(json_object_get(agg, "in")));
	json_array_foreach(json_object_get(r, "sightings"), i, agg)
	{
		fputs("sightings in ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(agg, "circle")), true);
		fputs(": ", stdout);
		print_aggregate(agg);
	}
out:
	json_decref(r);
	return rc;
}

static int sight_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	return run(cli, cmd, argc, argv, false);
}

static int lookup_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	return run(cli, cmd, argc, argv, true);
}

const struct cli_cmd cmd_sight = {
    "sight",
    "report that your organisation saw an indicator",
    "usage: kairan [OPTIONS] sight INDICATOR --circle C [--type T] [--false-positive]\n"
    "\n"
    "Report to circle C that your organisation saw INDICATOR (an address,\n"
    "domain, URL, e-mail address, hash, CVE id or AS number; defanged forms\n"
    "such as evil[.]example are fine), or with --false-positive that it is\n"
    "benign. The type is guessed from the value unless --type says it. The\n"
    "hub records the report without showing anyone who made it, and prints\n"
    "the circle's aggregate: released only once at least the circle policy's\n"
    "k organisations have reported the indicator, otherwise \"withheld\".\n"
    "Members, moderators and organizers may report; observers may not (exit 4).\n"
    "With --json: the hub's `sighted` reply.\n"
    "\n"
    "Options:\n"
    "  --circle C        the circle to report to (required)\n"
    "  --type T          ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha256,\n"
    "                    sha512, cve or asn (default: guessed)\n"
    "  --false-positive  report the indicator as a false positive\n"
    "  -h, --help        show this help\n",
    sight_run,
};

const struct cli_cmd cmd_lookup = {
    "lookup",
    "what you may learn about an indicator",
    "usage: kairan [OPTIONS] lookup INDICATOR [--type T]\n"
    "\n"
    "Print in how many items you may read INDICATOR appears, and the\n"
    "sightings reported in each of your circles. Each count is shown only\n"
    "where at least k organisations contributed (k from the circles'\n"
    "policies), otherwise \"withheld\"; no count ever says which\n"
    "organisations. `kairan get ID` shows the same per indicator of an item.\n"
    "With --json: the hub's `lookup` reply.\n"
    "\n"
    "Options:\n"
    "  --type T    the indicator's type (default: guessed from its shape)\n"
    "  -h, --help  show this help\n",
    lookup_run,
};
