/*
 * cmd_import.c - `kairan import stix FILE|- --circle C [--yes | --dry-run]`:
 * post a STIX 2.1 bundle's reports (and the indicators no report names) as
 * threat items of circle C.
 *
 * The bundle is converted locally (common/stix_import.c: what becomes what,
 * and every refusal naming its object); a bundle that cannot be converted
 * whole posts nothing. Each item then goes through the hub's normal `post`
 * path, anonymisation and circle policy included:
 *
 *	1. every item is previewed by the hub (post with preview: true), so a
 *	   refusal (a TLP the circle does not use, a bad indicator) stops the
 *	   import before anything is stored;
 *	2. --dry-run stops here, showing what would be posted;
 *	3. without --yes, "Post N items to C? [y/N]" is asked on the terminal,
 *	   and without a terminal nothing is posted (exit 2), as `kairan post`;
 *	4. the items are posted in the bundle's order. A failure at this point
 *	   (e.g. the circle's rate limit) stops the import; what was posted
 *	   before it stays posted and is listed.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "stix_import.h"

enum { I_HELP = 1, I_CIRCLE, I_YES, I_DRY };

static const struct opt_spec import_opts[] = {
    {"help", 'h', false, I_HELP},
    {"circle", 0, true, I_CIRCLE},
    {"yes", 'y', false, I_YES},
    {"dry-run", 'n', false, I_DRY},
};

struct import_args {
	const char *format, *path, *circle;
	bool yes, dry, help;
};

static int import_parse(const struct cli_cmd *cmd, int argc, char **argv, struct import_args *a)
{
	struct opt_iter it;
	const char *arg;
	char err[128];
	int o, rc = KR_EXIT_OK;

	memset(a, 0, sizeof(*a));
	opt_init(&it, argc, argv, 1);
	while (rc == KR_EXIT_OK &&
	       (o = opt_next(&it, import_opts, OPT_COUNT(import_opts), &arg, err, sizeof(err)))) {
		if (o == I_HELP)
			a->help = true;
		else if (o == OPT_OPERAND && !a->format)
			a->format = arg;
		else if (o == OPT_OPERAND && !a->path)
			a->path = arg;
		else if (o == I_CIRCLE)
			rc = cli_check_text(cmd, "--circle", a->circle = arg);
		else if (o == I_YES)
			a->yes = true;
		else if (o == I_DRY)
			a->dry = true;
		else
			rc = cli_opt_error(cmd, o, arg, err);
	}
	if (rc || a->help)
		return rc;
	if (!a->format)
		return cli_usage_error(cmd, "which format? give 'stix'");
	if (strcmp(a->format, "stix") != 0)
		return cli_usage_error(cmd, "unknown format '%s': only 'stix' is supported",
		                       a->format);
	if (!a->path)
		return cli_usage_error(cmd, "which file? give FILE, or '-' for standard input");
	if (!a->circle)
		return cli_usage_error(cmd, "which circle? give --circle C");
	if (a->yes && a->dry)
		return cli_usage_error(cmd, "use --yes or --dry-run, not both");
	return KR_EXIT_OK;
}

/* "  N. [TLP] title  (K indicators)" and what the hub would remove. */
static void print_item(size_t i, const json_t *item, const json_t *reds)
{
	printf("%3zu. [", i + 1);
	cli_print_text(stdout, json_string_value(json_object_get(item, "tlp")), true);
	fputs("] ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(item, "title")), true);
	printf("  (%zu indicator%s)\n", json_array_size(json_object_get(item, "indicators")),
	       json_array_size(json_object_get(item, "indicators")) == 1 ? "" : "s");
	cli_print_redactions("     ", reds);
}

/* After the hub refused item i: say which, and that nothing (more) was posted. */
static void refused(size_t i, size_t n, const json_t *item, size_t posted)
{
	fputs("kairan: the hub refused item ", stderr);
	fprintf(stderr, "%zu of %zu (\"", i + 1, n);
	cli_print_text(stderr, json_string_value(json_object_get(item, "title")), true);
	if (posted)
		fprintf(stderr,
		        "\"); the %zu item%s before it %s posted (listed above), the rest "
		        "not\n",
		        posted, posted == 1 ? "" : "s", posted == 1 ? "was" : "were");
	else
		fputs("\"); nothing was posted\n", stderr);
}

/*
 * Ask "Post N items to CIRCLE? [y/N]" on the terminal. 1 for y/yes, 0 for
 * anything else, -1 when there is no terminal to ask on.
 */
static int import_confirm(const char *path, size_t n, const char *circle)
{
	char line[64];
	FILE *tty;
	size_t len;

	if (strcmp(path, "-") == 0 || !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return -1;
	tty = fopen("/dev/tty", "r");
	if (!tty)
		return -1;
	fflush(stdout);
	fprintf(stderr, "Post %zu item%s to ", n, n == 1 ? "" : "s");
	cli_print_text(stderr, circle, true);
	fputs("? [y/N] ", stderr);
	fflush(stderr);
	if (!fgets(line, sizeof(line), tty)) {
		fputc('\n', stderr);
		line[0] = '\0';
	}
	fclose(tty);
	len = strcspn(line, "\r\n");
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	line[len] = '\0';
	return strcasecmp(line + strspn(line, " \t"), "y") == 0 ||
	       strcasecmp(line + strspn(line, " \t"), "yes") == 0;
}

/* Preview every item through the hub; previews receives the replies. */
static int import_preview(const struct cli *cli, const json_t *posts, json_t *previews)
{
	struct conn *c = NULL;
	const json_t *item;
	size_t i;
	int rc = cli_session_open(cli, &c);

	json_array_foreach(posts, i, item)
	{
		json_t *r = NULL;

		if (rc)
			break;
		rc = cli_call(
		    c, json_pack("{s:s, s:O, s:b}", "type", "post", "item", item, "preview", 1),
		    "preview", &r);
		if (rc) {
			refused(i, json_array_size(posts), item, 0);
			break;
		}
		json_array_append_new(previews, r);
	}
	conn_close(c);
	return rc;
}

static int import_post(const struct cli *cli, const json_t *posts)
{
	struct conn *c = NULL;
	json_t *out = json_array();
	const json_t *item;
	size_t i, done = 0;
	int rc = cli_session_open(cli, &c);

	json_array_foreach(posts, i, item)
	{
		json_t *r = NULL;

		if (rc)
			break;
		rc = cli_call(c, json_pack("{s:s, s:O}", "type", "post", "item", item), "posted",
		              &r);
		if (rc) {
			refused(i, json_array_size(posts), item, done);
			break;
		}
		done++;
		if (cli->json) {
			json_array_append_new(out, cli_reply_body(r));
		} else {
			fputs("posted ", stdout);
			cli_print_text(stdout, json_string_value(json_object_get(r, "item_id")),
			               true);
			printf(" (cursor %" JSON_INTEGER_FORMAT ", ",
			       json_integer_value(json_object_get(r, "cursor")));
			cli_print_text(stdout, json_string_value(json_object_get(r, "status")),
			               true);
			fputs(")  ", stdout);
			cli_print_text(stdout, json_string_value(json_object_get(item, "title")),
			               true);
			fputc('\n', stdout);
			fflush(stdout);
		}
		json_decref(r);
	}
	if (cli->json && rc == KR_EXIT_OK)
		cli_print_json(out);
	json_decref(out);
	conn_close(c);
	return rc;
}

static int import_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct import_args a;
	json_t *bundle = NULL, *posts = NULL, *notes = NULL, *previews = NULL, *note, *p;
	char err[512];
	size_t i;
	int rc, answer;

	rc = import_parse(cmd, argc, argv, &a);
	if (rc || a.help)
		return rc ? rc : cli_help(cmd);
	rc = cli_load_object(cmd, a.path, "the STIX bundle", &bundle);
	if (rc)
		return rc;
	if (kr_stix_import(bundle, a.circle, &posts, &notes, err, sizeof(err)) != KR_OK) {
		cli_error("%s: %s; nothing was posted",
		          strcmp(a.path, "-") == 0 ? "standard input" : a.path, err);
		rc = KR_EXIT_REJECTED;
		goto out;
	}
	json_array_foreach(notes, i, note) cli_warn("%s", json_string_value(note));
	previews = json_array();
	rc = previews ? import_preview(cli, posts, previews) : KR_EXIT_SERVER;
	if (rc)
		goto out;
	if (cli->json && a.dry) {
		json_t *items = json_array();

		json_array_foreach(previews, i, p) json_array_append_new(items, cli_reply_body(p));
		cli_print_json(items);
		json_decref(items);
	} else if (!cli->json) {
		printf("%s %zu item%s to %s:\n", a.dry ? "Would post" : "Posting",
		       json_array_size(posts), json_array_size(posts) == 1 ? "" : "s", a.circle);
		json_array_foreach(previews, i, p)
		    print_item(i, json_object_get(p, "item"), json_object_get(p, "redactions"));
	}
	if (a.dry)
		goto out;
	if (!a.yes) {
		answer = import_confirm(a.path, json_array_size(posts), a.circle);
		if (answer < 0) {
			cli_error("not posted: review with --dry-run, then import with --yes");
			rc = KR_EXIT_USAGE;
			goto out;
		}
		if (answer == 0) {
			fputs("not posted\n", stdout);
			goto out;
		}
	}
	rc = import_post(cli, posts);
out:
	json_decref(previews);
	json_decref(notes);
	json_decref(posts);
	json_decref(bundle);
	return rc;
}

const struct cli_cmd cmd_import = {
    "import",
    "post the reports of a STIX 2.1 bundle to a circle",
    "usage: kairan [OPTIONS] import stix FILE|- --circle C [--yes | --dry-run]\n"
    "\n"
    "Post a STIX 2.1 bundle (FILE, or '-' for standard input) to circle C as\n"
    "threat items, through the same path as 'kairan post': the hub removes what\n"
    "identifies you and applies the circle's policy.\n"
    "\n"
    "Each report becomes one item: name -> title, description -> body, labels\n"
    "-> tags, and the indicators (STIX patterns) and vulnerabilities (CVE ids)\n"
    "it refers to -> indicators. Indicators no report refers to become one item\n"
    "per TLP. indicator_types malicious-activity marks an indicator as the\n"
    "attacker's, compromised as the victim's (which the hub then removes).\n"
    "Other objects (identities, malware, relationships, ...) are not imported;\n"
    "you are told which.\n"
    "\n"
    "The TLP is taken from the objects' marking definitions, TLP 2.0 or TLP 1.0\n"
    "(WHITE becomes CLEAR); when a report and its indicators differ, the most\n"
    "restrictive wins. Nothing is posted, and the object is named, when the\n"
    "bundle is not valid JSON or not a bundle, when an object has no TLP or a\n"
    "marking other than TLP, when it is RED (a RED item needs recipients: use\n"
    "'kairan post'), or when a pattern is not one kairan understands (one\n"
    "comparison per indicator type, or several joined by OR).\n"
    "\n"
    "The hub first checks every item (a preview); then, without --yes, import\n"
    "asks on the terminal\n"
    "  Post 3 items to fin-isac? [y/N]\n"
    "and without a terminal posts nothing and exits 2. Each posted item is\n"
    "listed as 'posted ID (cursor N, STATUS)  TITLE'. With --json: the list of\n"
    "posted replies ({item_id, cursor, status, redactions}); with --dry-run\n"
    "--json: the list of previews. Should posting stop part-way (the circle's\n"
    "posting rate limit, say), what was posted stays posted, is listed, and\n"
    "the item that failed is named.\n"
    "\n"
    "Options:\n"
    "  --circle C     the circle to post to (required)\n"
    "  -y, --yes      post without asking (scripts)\n"
    "  -n, --dry-run  only show what would be posted; nothing is stored\n"
    "  -h, --help     show this help\n"
    "\n"
    "Exit codes as for every command; a file that cannot be read or is not JSON\n"
    "exits 2, a bundle that cannot be imported exits 6.\n",
    import_run,
};
