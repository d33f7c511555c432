/*
 * cmd_search.c - `kairan search WORDS...`: full-text search over the items
 * you may read (PROTOCOL.md, "Search"), best first, with snippets.
 *
 * The words become the request's q: each operand is a word, an operand with
 * white space in it (a shell-quoted "supply chain") a phrase, and an operand
 * that already holds double quotes goes as written. The filters become
 * kind, directive, industry, circle and limit; the kind and the numbers are
 * checked here so a typo is a usage error before any connection, the
 * industry vocabulary is the hub's to judge.
 *
 * For people each result is three lines: rank and title; id, TLP, kind,
 * circle, time (and a practice report's directive and industry); the field
 * and snippet. On a terminal (unless NO_COLOR is set) the matches are shown
 * in bold underline instead of between « and ». Every text from the hub goes
 * through cli_print_text(), so nobody's text can drive the terminal. A hint
 * on stderr tells how many results there are beyond those shown.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "model.h"

#define SEARCH_MARK_OPEN  "\xc2\xab" /* « */
#define SEARCH_MARK_CLOSE "\xc2\xbb" /* » */
#define SEARCH_HL_ON      "\033[1;4m"
#define SEARCH_HL_OFF     "\033[0m"

enum { S_KIND, S_DIRECTIVE, S_INDUSTRY, S_CIRCLE, S_LIMIT, S_NOPTS };

static const struct cli_arg search_args[S_NOPTS] = {
    [S_KIND] = {"kind", true},         [S_DIRECTIVE] = {"directive", false},
    [S_INDUSTRY] = {"industry", true}, [S_CIRCLE] = {"circle", true},
    [S_LIMIT] = {"limit", false},
};

/* Whether an operand holds white space (ASCII or the ideographic space). */
static bool has_space(const char *s)
{
	return strpbrk(s, " \t\n") != NULL || strstr(s, "\xe3\x80\x80") != NULL;
}

/* The q of the words: operands joined by spaces, phrases quoted. malloc'd. */
static char *search_q(const struct cli_args *a)
{
	size_t len = 1;
	char *q;

	for (int i = 0; i < a->noperands; i++)
		len += strlen(a->operand[i]) + 3;
	q = malloc(len);
	if (!q)
		return NULL;
	q[0] = '\0';
	for (int i = 0; i < a->noperands; i++) {
		bool phrase = has_space(a->operand[i]) && !strchr(a->operand[i], '"');

		strcat(q, i ? " " : "");
		strcat(q, phrase ? "\"" : "");
		strcat(q, a->operand[i]);
		strcat(q, phrase ? "\"" : "");
	}
	return q;
}

/* Build the `search` request from the command line. Returns 0, -1 for
 * --help, or an exit code. */
static int search_parse(const struct cli_cmd *cmd, const struct cli_args *a, json_t **req)
{
	const char *kind = a->value[S_KIND];
	json_int_t n;
	char *q;

	*req = NULL;
	if (a->help)
		return -1;
	if (a->noperands == 0)
		return cli_usage_error(cmd, "what to search for? give one or more words");
	if (kind && (kr_kind_parse(kind) == KR_KIND_NONE || kr_kind_parse(kind) > KR_KIND_EVENT))
		return cli_usage_error(cmd, "unknown kind '%s' (threat, practice, alert, event)",
		                       kind);
	q = search_q(a);
	*req = q ? json_pack("{s:s, s:s}", "type", "search", "q", q) : NULL;
	free(q);
	if (!*req) {
		cli_error("out of memory");
		return KR_EXIT_SERVER;
	}
	if (kind)
		json_object_set_new(*req, "kind", json_string(kind));
	if (a->value[S_DIRECTIVE]) {
		if (!cli_parse_uint(a->value[S_DIRECTIVE], &n) || n < 1 || n > 10)
			goto bad_directive;
		json_object_set_new(*req, "directive", json_integer(n));
	}
	if (a->value[S_LIMIT]) {
		if (!cli_parse_uint(a->value[S_LIMIT], &n) || n < 1 || n > 100)
			goto bad_limit;
		json_object_set_new(*req, "limit", json_integer(n));
	}
	if (a->value[S_INDUSTRY])
		json_object_set_new(*req, "industry", json_string(a->value[S_INDUSTRY]));
	if (a->value[S_CIRCLE])
		json_object_set_new(*req, "circle", json_string(a->value[S_CIRCLE]));
	return KR_EXIT_OK;
bad_directive:
	json_decref(*req);
	*req = NULL;
	return cli_usage_error(cmd, "--directive needs a guideline directive 1-10, not '%s'",
	                       a->value[S_DIRECTIVE]);
bad_limit:
	json_decref(*req);
	*req = NULL;
	return cli_usage_error(cmd, "--limit needs a number 1-100, not '%s'", a->value[S_LIMIT]);
}

/* s[0..n) as a new string; NULL when out of memory. */
static char *search_dup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* The snippet, its matches highlighted on a terminal or left between « ». */
static void search_print_snippet(const char *snippet, bool highlight)
{
	const char *p = snippet;

	if (!highlight) {
		cli_print_text(stdout, snippet, true);
		return;
	}
	while (p && *p) {
		const char *open = strstr(p, SEARCH_MARK_OPEN);
		const char *close = open ? strstr(open + 2, SEARCH_MARK_CLOSE) : NULL;
		char *part;

		if (!close) {
			cli_print_text(stdout, p, true);
			return;
		}
		part = search_dup(p, (size_t)(open - p));
		cli_print_text(stdout, part, true);
		free(part);
		part = search_dup(open + 2, (size_t)(close - open - 2));
		fputs(SEARCH_HL_ON, stdout);
		cli_print_text(stdout, part, true);
		fputs(SEARCH_HL_OFF, stdout);
		free(part);
		p = close + 2;
	}
}

static void search_print(const json_t *r)
{
	const json_t *results = json_object_get(r, "results"), *res;
	const char *nocolor = getenv("NO_COLOR");
	bool highlight = isatty(STDOUT_FILENO) && !(nocolor && *nocolor);
	json_int_t total = json_integer_value(json_object_get(r, "total"));
	size_t i;

	json_array_foreach(results, i, res)
	{
		const json_t *directive = json_object_get(res, "directive");

		printf("%s%zu. ", i ? "\n" : "", i + 1);
		cli_print_text(stdout, json_string_value(json_object_get(res, "title")), true);
		fputs("\n   ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(res, "id")), true);
		fputs("  TLP:", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(res, "tlp")), true);
		fputs("  ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(res, "kind")), true);
		fputs("  ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(res, "circle")), true);
		fputs("  ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(res, "created")), true);
		if (json_is_integer(directive)) {
			printf("  directive %" JSON_INTEGER_FORMAT "  ",
			       json_integer_value(directive));
			cli_print_text(stdout, json_string_value(json_object_get(res, "industry")),
			               true);
		}
		fputs("\n   ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(res, "field")), true);
		fputs(": ", stdout);
		search_print_snippet(json_string_value(json_object_get(res, "snippet")), highlight);
		fputc('\n', stdout);
	}
	if (total == 0)
		fputs("no results\n", stderr);
	else if ((size_t)total > i)
		fprintf(stderr,
		        "%zu of %" JSON_INTEGER_FORMAT " results shown; --limit N shows more\n", i,
		        total);
}

static int search_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	struct conn *c = NULL;
	json_t *req = NULL, *r = NULL;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, search_args, S_NOPTS, CLI_ARGS_MAX, &a);
	if (rc == KR_EXIT_OK)
		rc = search_parse(cmd, &a, &req);
	if (rc < 0)
		return cli_help(cmd);
	if (rc)
		return rc;
	rc = cli_session_open_reader(cli, &c);
	if (rc)
		goto out;
	rc = cli_call(c, req, "search", &r);
	req = NULL;
	if (rc) {
		cli_anonymous_hint(cli, rc);
		goto out;
	}
	if (cli->json)
		cli_print_body(r);
	else
		search_print(r);
out:
	json_decref(r);
	json_decref(req);
	conn_close(c);
	return rc;
}

const struct cli_cmd cmd_search = {
    "search",
    "search the items you may read, in Japanese or English",
    "usage: kairan [OPTIONS] search WORDS... [--kind K] [--directive N]\n"
    "                      [--industry X] [--circle C] [--limit N]\n"
    "\n"
    "Search the titles, bodies, tags and practice reports' situation, steps\n"
    "and outcome of the published items you may read. Every word must occur;\n"
    "a word with spaces in it (quoted for the shell: \"supply chain\") is a\n"
    "phrase, matched as written. Words are matched as parts of the text,\n"
    "ignoring the case of ASCII letters, so Japanese works without spaces\n"
    "between words, two-character words too:\n"
    "\n"
    "  kairan search 委託先 監査 --kind practice\n"
    "  kairan search \"incident notification\" --directive 9 --industry finance\n"
    "\n"
    "Up to 8 words, 200 characters in all. Nothing is query syntax: OR, NOT,\n"
    "*, title: are searched for as written. Items are searched as readers\n"
    "receive them, after anonymisation: a scrubbed name is not found, and\n"
    "placeholders such as [組織] are.\n"
    "\n"
    "Results, best first (more and denser matches, in the title counting\n"
    "most; ties newest first), three lines each: rank and title; id, TLP,\n"
    "kind, circle, creation time and, for a practice report, its directive\n"
    "and industry; the text that matched best with a snippet, matches\n"
    "between « and » (bold on a terminal unless NO_COLOR is set). When more\n"
    "match than are shown, stderr says how many.\n"
    "With --json: {\"terms\", \"total\", \"results\"} (PROTOCOL.md, \"Search\").\n"
    "\n"
    "Without any token (no --token, --token-file or KAIRAN_TOKEN) the hub is\n"
    "asked anonymously: only CLEAR items of circles that publish CLEAR.\n"
    "\n"
    "Options:\n"
    "  --kind K        only items of kind K: threat, practice, alert, event\n"
    "  --directive N   only practice reports of guideline directive N (1-10)\n"
    "  --industry X    only practice reports of industry X (finance, energy,\n"
    "                  manufacturing, it-telecom, ...; see the README)\n"
    "  --circle C      only items of circle C (one you belong to)\n"
    "  --limit N       at most N results (1-100; the hub's default is 20)\n"
    "  -h, --help      show this help\n",
    search_run,
};
