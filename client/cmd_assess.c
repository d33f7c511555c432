/*
 * cmd_assess.c - `kairan assess SUBCOMMAND`: the organisation's
 * self-assessment on the 10 directives of the Cybersecurity Management
 * Guidelines v3.0, and the circle's benchmark, with its own dispatch table:
 *
 *	submit FILE --circle C          (message `assess_submit`)
 *	mine --circle C [--history]     (message `assess_mine`)
 *	benchmark --circle C            (message `assess_benchmark`)
 *
 * The file's sector may be its Japanese label ("金融・保険"); it is sent as the
 * code. Everything else in the file is the hub's to judge, and its error
 * (naming the directive or field) is what the user sees. Times are shown in
 * JST, the benchmark as a table of directives (指示1..指示10 with short
 * labels) against the released groups.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "model.h"

#define JST_OFFSET (9 * 3600)

/* ---- small helpers ---------------------------------------------------- */

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t as_days(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The civil date of a day count (inverse of as_days). */
static void civil(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Print a hub time ("2026-11-21T15:00:00Z") as "2026-11-22 00:00 JST";
 * anything else as it came. Returns the columns printed. */
static int print_jst(const char *iso)
{
	int y, mo, d, h, mi, s, n = 0;
	int64_t t;

	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 ||
	    n != (int)strlen(iso)) {
		cli_print_text(stdout, iso ? iso : "-", true);
		return cli_text_width(iso ? iso : "-");
	}
	t = as_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s + JST_OFFSET;
	civil(t >= 0 ? t / 86400 : (t - 86399) / 86400, &y, &mo, &d);
	t = ((t % 86400) + 86400) % 86400;
	printf("%04d-%02d-%02d %02d:%02d", y, mo, d, (int)(t / 3600), (int)(t / 60 % 60));
	if (s)
		printf(":%02d", s); /* seconds only when off the minute */
	fputs(" JST", stdout);
	return s ? 23 : 20;
}

/* "金融・保険 (finance)" for a sector code; the code alone when unknown. */
static void print_sector(FILE *f, const char *code)
{
	const char *ja = kr_sector_label_ja(kr_sector_parse(code));

	if (ja) {
		fprintf(f, "%s (", ja);
		cli_print_text(f, code, true);
		fputc(')', f);
	} else {
		cli_print_text(f, code ? code : "-", true);
	}
}

/* A score or mean (a JSON number) as "3.5", "-" when absent. */
static void score_text(const json_t *v, char buf[16])
{
	if (json_is_number(v))
		snprintf(buf, 16, "%.1f", json_number_value(v));
	else
		snprintf(buf, 16, "-");
}

/* The label column: "指示7  緊急対応体制", padded to width. */
static void print_directive(int d, int width)
{
	char label[96];

	snprintf(label, sizeof(label), "指示%d%s %s", d, d < 10 ? " " : "",
	         kr_directive_label_ja(d));
	cli_print_cell(stdout, label, width);
}

#define LABEL_WIDTH 32 /* "指示10 情報の収集・共有・開示" and some room */

/* ---- submit ----------------------------------------------------------- */

static const struct cli_arg submit_args[] = {{"circle", true}};

static int submit_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	json_t *doc = NULL, *r = NULL, *sector;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, submit_args, OPT_COUNT(submit_args), 1, &a);
	if (rc || a.help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	if (a.noperands == 0) {
		rc = cli_usage_error(
		    cmd, "which file? give FILE, e.g. client/examples/assessment-a.json");
		goto out;
	}
	if (!a.value[0]) {
		rc = cli_usage_error(cmd, "which circle? give --circle C");
		goto out;
	}
	rc = cli_load_object(cmd, a.operand[0], "the assessment", &doc);
	if (rc)
		goto out;
	/* A Japanese sector label becomes its code; anything else goes as is. */
	sector = json_object_get(doc, "sector");
	if (json_is_string(sector)) {
		enum kr_sector sec = kr_sector_from_text(json_string_value(sector));

		if (sec != KR_SECTOR_NONE)
			json_object_set_new(doc, "sector", json_string(kr_sector_name(sec)));
	}
	rc = cli_request(cli,
	                 json_pack("{s:s, s:s, s:O}", "type", "assess_submit", "circle", a.value[0],
	                           "assessment", doc),
	                 "assess_submitted", &r);
	if (rc)
		goto out;
	if (cli->json) {
		cli_print_body(r);
		goto out;
	}
	fputs("submitted your organisation's assessment in ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "circle")), true);
	fputs(json_is_true(json_object_get(r, "replaced"))
	          ? " (it replaces the previous one, which stays in your history)\n"
	          : "\n",
	      stdout);
	fputs("the benchmark counts it from ", stdout);
	print_jst(json_string_value(json_object_get(r, "counted_from")));
	fputc('\n', stdout);
out:
	json_decref(doc);
	json_decref(r);
	return rc;
}

/* ---- mine ------------------------------------------------------------- */

enum { M_HELP = 1, M_CIRCLE, M_HISTORY };

static const struct opt_spec mine_opts[] = {
    {"help", 'h', false, M_HELP},
    {"circle", 0, true, M_CIRCLE},
    {"history", 0, false, M_HISTORY},
};

/* One record's scores, vertically: "指示1  ...  3.5". */
static void mine_print_scores(const json_t *scores)
{
	for (int d = 1; d <= KR_DIRECTIVES; d++) {
		char key[4], v[16];

		snprintf(key, sizeof(key), "%d", d);
		score_text(json_object_get(scores, key), v);
		print_directive(d, LABEL_WIDTH);
		printf("%5s\n", v);
	}
}

static void mine_print_current(const json_t *r)
{
	const json_t *cur = json_object_get(r, "current");
	const char *by = json_string_value(json_object_get(cur, "submitted_by"));

	if (json_is_null(cur)) {
		fputs("your organisation has no assessment in ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(r, "circle")), true);
		fputs(" yet: kairan assess submit FILE --circle C\n", stdout);
		return;
	}
	fputs("circle     ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "circle")), true);
	fputs("\nsubmitted  ", stdout);
	print_jst(json_string_value(json_object_get(cur, "submitted")));
	if (by) {
		fputs(" by ", stdout);
		cli_print_text(stdout, by, true);
	}
	fputs("\nmaturity   ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(cur, "maturity")), true);
	fputs("\nsector     ", stdout);
	print_sector(stdout, json_string_value(json_object_get(cur, "sector")));
	fputs("\n\n", stdout);
	mine_print_scores(json_object_get(cur, "scores"));
}

/* The history, one line per assessment, newest first. */
static void mine_print_history(const json_t *r)
{
	const json_t *list = json_object_get(r, "history"), *e;
	size_t i;
	int wby = 4;

	if (json_array_size(list) == 0) {
		mine_print_current(r);
		return;
	}
	json_array_foreach(list, i, e)
	{
		int w = cli_text_width(json_string_value(json_object_get(e, "submitted_by"))) + 2;

		if (w > wby)
			wby = w;
	}
	printf("%-26s", "SUBMITTED");
	cli_print_cell(stdout, "BY", wby);
	printf("%-5s%-18s", "MAT", "SECTOR");
	for (int d = 1; d <= KR_DIRECTIVES; d++)
		printf("%5d", d);
	fputc('\n', stdout);
	json_array_foreach(list, i, e)
	{
		const char *by = json_string_value(json_object_get(e, "submitted_by")), *ja;
		char sector[64];

		int w = print_jst(json_string_value(json_object_get(e, "submitted")));

		printf("%-*s", w < 24 ? 26 - w : 2,
		       json_is_true(json_object_get(e, "current")) ? "*" : "");
		cli_print_cell(stdout, by ? by : "-", wby);
		cli_print_cell(stdout, json_string_value(json_object_get(e, "maturity")), 5);
		ja = kr_sector_label_ja(
		    kr_sector_parse(json_string_value(json_object_get(e, "sector"))));
		snprintf(sector, sizeof(sector), "%s", ja ? ja : "-");
		cli_print_cell(stdout, sector, 18);
		for (int d = 1; d <= KR_DIRECTIVES; d++) {
			char key[4], v[16];

			snprintf(key, sizeof(key), "%d", d);
			score_text(json_object_get(json_object_get(e, "scores"), key), v);
			printf("%5s", v);
		}
		fputc('\n', stdout);
	}
	fputs("(* current; columns 1-10 are 指示1..指示10)\n", stdout);
}

static int mine_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct opt_iter it;
	const char *arg, *circle = NULL;
	bool history = false;
	json_t *r = NULL;
	char err[128];
	int o, rc = KR_EXIT_OK;

	opt_init(&it, argc, argv, 1);
	while (rc == KR_EXIT_OK &&
	       (o = opt_next(&it, mine_opts, OPT_COUNT(mine_opts), &arg, err, sizeof(err)))) {
		if (o == M_HELP)
			return cli_help(cmd);
		if (o == M_HISTORY)
			history = true;
		else if (o == M_CIRCLE && !circle)
			rc = cli_check_text(cmd, "--circle", circle = arg);
		else if (o == M_CIRCLE)
			rc = cli_usage_error(cmd, "--circle given twice");
		else
			rc = cli_opt_error(cmd, o, arg, err);
	}
	if (rc)
		return rc;
	if (!circle)
		return cli_usage_error(cmd, "which circle? give --circle C");
	rc = cli_request(cli,
	                 json_pack("{s:s, s:s, s:b}", "type", "assess_mine", "circle", circle,
	                           "history", history),
	                 "assess_mine", &r);
	if (rc)
		goto out;
	if (cli->json)
		cli_print_body(r);
	else if (history)
		mine_print_history(r);
	else
		mine_print_current(r);
out:
	json_decref(r);
	return rc;
}

/* ---- benchmark -------------------------------------------------------- */

static const struct cli_arg bench_args[] = {{"circle", true}};

#define BENCH_MAX_COLS 20
#define CELL_WIDTH     11 /* "2.8 ±1.4" and room */

/* One column of the table: a released group. */
struct bench_col {
	char head[64];
	const json_t *group; /* borrowed */
};

/*
 * Add the released groups of a breakdown as columns, and say in note what
 * of it is withheld ("" when nothing).
 */
static int bench_cols(const json_t *breakdown, bool sector, struct bench_col *cols, int n,
                      char *note, size_t nlen)
{
	const json_t *g;
	size_t i;
	bool released = json_is_true(json_object_get(breakdown, "released"));

	note[0] = '\0';
	if (!released) {
		snprintf(note, nlen, "every %s", sector ? "sector" : "maturity category");
		return n;
	}
	json_array_foreach(json_object_get(breakdown, "groups"), i, g)
	{
		const char *name = json_string_value(json_object_get(g, "group"));
		const char *label = sector ? kr_sector_label_ja(kr_sector_parse(name)) : name;
		size_t len = strlen(note);

		if (!label)
			label = name ? name : "?";
		if (json_is_true(json_object_get(g, "released")) && n < BENCH_MAX_COLS) {
			snprintf(cols[n].head, sizeof(cols[n].head), "%s%s n=%" JSON_INTEGER_FORMAT,
			         sector ? "" : "成熟度", label,
			         json_integer_value(json_object_get(g, "n")));
			cols[n++].group = g;
		} else if (!sector) {
			snprintf(note + len, nlen - len, "%s%s", len ? ", " : "maturity ", label);
		}
	}
	if (sector)
		snprintf(note, nlen, "the other sectors");
	return n;
}

/* The width of a column: its heading and two spaces, at least CELL_WIDTH. */
static int bench_width(const char *head)
{
	int w = cli_text_width(head) + 2;

	return w > CELL_WIDTH ? w : CELL_WIDTH;
}

/* "2.8 ±1.4" for directive d of a released group. */
static void bench_cell(const json_t *group, int d, char buf[32])
{
	const json_t *e = json_array_get(json_object_get(group, "directives"), (size_t)d - 1);

	if (!json_is_number(json_object_get(e, "mean"))) {
		snprintf(buf, 32, "-");
		return;
	}
	snprintf(buf, 32, "%.1f ±%.1f", json_number_value(json_object_get(e, "mean")),
	         json_number_value(json_object_get(e, "sd")));
}

static void bench_print(const json_t *r)
{
	struct bench_col cols[BENCH_MAX_COLS];
	const json_t *overall = json_object_get(r, "overall"), *mine = json_object_get(r, "mine");
	char note_m[128] = "", note_s[128] = "";
	int n = 0;

	fputs("self-assessment benchmark of ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "circle")), true);
	fputs(", as of ", stdout);
	print_jst(json_string_value(json_object_get(r, "as_of")));
	fputs(" (next ", stdout);
	print_jst(json_string_value(json_object_get(r, "next")));
	printf(")\ngroups of fewer than %" JSON_INTEGER_FORMAT
	       " organisations are never shown; scores: mean ±spread (standard deviation)\n",
	       json_integer_value(json_object_get(r, "k")));
	if (json_is_true(json_object_get(overall, "released"))) {
		snprintf(cols[n].head, sizeof(cols[n].head), "ALL n=%" JSON_INTEGER_FORMAT,
		         json_integer_value(json_object_get(overall, "n")));
		cols[n++].group = overall;
		n = bench_cols(json_object_get(r, "by_maturity"), false, cols, n, note_m,
		               sizeof(note_m));
		n = bench_cols(json_object_get(r, "by_sector"), true, cols, n, note_s,
		               sizeof(note_s));
	}
	if (json_is_object(mine)) {
		fputs("your assessment: maturity ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(mine, "maturity")), true);
		fputs(", sector ", stdout);
		print_sector(stdout, json_string_value(json_object_get(mine, "sector")));
		fputs(", submitted ", stdout);
		print_jst(json_string_value(json_object_get(mine, "submitted")));
		fputs(json_is_true(json_object_get(mine, "counted"))
		          ? " (counted)\n"
		          : " (not counted yet: the next snapshot will)\n",
		      stdout);
	} else {
		fputs("your organisation has not submitted an assessment in this circle\n", stdout);
	}
	if (n == 0) {
		fputs("\nnothing to show yet: fewer than k organisations have an assessment in the "
		      "snapshot\n",
		      stdout);
		return;
	}
	fputc('\n', stdout);
	cli_print_cell(stdout, "DIRECTIVE", LABEL_WIDTH);
	cli_print_cell(stdout, "YOURS", 7);
	for (int c = 0; c < n; c++)
		cli_print_cell(stdout, cols[c].head, c == n - 1 ? 0 : bench_width(cols[c].head));
	fputc('\n', stdout);
	for (int d = 1; d <= KR_DIRECTIVES; d++) {
		char key[4], v[16], cell[32];

		snprintf(key, sizeof(key), "%d", d);
		score_text(json_object_get(json_object_get(mine, "scores"), key), v);
		print_directive(d, LABEL_WIDTH);
		cli_print_cell(stdout, v, 7);
		for (int c = 0; c < n; c++) {
			bench_cell(cols[c].group, d, cell);
			cli_print_cell(stdout, cell, c == n - 1 ? 0 : bench_width(cols[c].head));
		}
		fputc('\n', stdout);
	}
	printf("\nwithheld (fewer than k organisations, or they would let a smaller group be "
	       "worked out): %s%s%s\n",
	       note_m, note_m[0] && note_s[0] ? "; " : "", note_s);
}

static int bench_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	json_t *r = NULL;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, bench_args, OPT_COUNT(bench_args), 0, &a);
	if (rc || a.help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	if (!a.value[0]) {
		rc = cli_usage_error(cmd, "which circle? give --circle C");
		goto out;
	}
	rc = cli_request(cli,
	                 json_pack("{s:s, s:s}", "type", "assess_benchmark", "circle", a.value[0]),
	                 "assess_benchmark", &r);
	if (rc)
		goto out;
	if (cli->json)
		cli_print_body(r);
	else
		bench_print(r);
out:
	json_decref(r);
	return rc;
}

/* ---- the sub-dispatch ------------------------------------------------- */

static const struct cli_cmd assess_submit = {
    "assess submit",
    "submit your organisation's self-assessment",
    "usage: kairan [OPTIONS] assess submit FILE --circle C\n"
    "\n"
    "Submit your organisation's self-assessment in circle C: a score from 1.0\n"
    "to 5.0 (one decimal) for each of the 10 directives of the Cybersecurity\n"
    "Management Guidelines v3.0, the maturity category (A, B or C) and the\n"
    "sector. It replaces your organisation's current assessment there; the\n"
    "previous ones stay in its history (assess mine --history). FILE ('-' for\n"
    "standard input) holds e.g.\n"
    "  {\"scores\": {\"1\": 3.5, \"2\": 3.0, ..., \"10\": 2.5},\n"
    "   \"maturity\": \"B\", \"sector\": \"金融・保険\"}\n"
    "(see client/examples/assessment-a.json). sector is a code, its short\n"
    "Japanese label or its JSIC name (日本標準産業分類):\n"
    "  agriculture 農林水産, construction 建設, manufacturing 製造,\n"
    "  energy エネルギー・水道, it-telecom 情報通信, transport 運輸・郵便,\n"
    "  retail 卸売・小売, finance 金融・保険, real-estate 不動産,\n"
    "  services サービス, hospitality 宿泊・飲食, healthcare 医療・福祉,\n"
    "  education 教育, government 公務, other その他\n"
    "(the same vocabulary as practice reports' industry).\n"
    "A bad file is refused with the field named, and nothing is stored.\n"
    "Members and moderators of a circle submit; observers cannot.\n"
    "Nobody outside your organisation ever sees these scores: others see only\n"
    "the benchmark's groups of at least k organisations.\n"
    "With --json: {\"circle\", \"submitted\", \"replaced\", \"counted_from\"}.\n"
    "\n"
    "Options:\n"
    "  --circle C  the circle (required)\n"
    "  -h, --help  show this help\n",
    submit_run,
};

static const struct cli_cmd assess_mine = {
    "assess mine",
    "your organisation's own assessment (and its history)",
    "usage: kairan [OPTIONS] assess mine --circle C [--history]\n"
    "\n"
    "Show your organisation's current assessment in circle C: when and by\n"
    "whom it was submitted, maturity, sector and the ten scores. With\n"
    "--history, every assessment it submitted there, newest first, one line\n"
    "each. Only users of your organisation see these.\n"
    "With --json: {\"circle\", \"current\", \"history\"?}.\n"
    "\n"
    "Options:\n"
    "  --circle C  the circle (required)\n"
    "  --history   also list the earlier assessments\n"
    "  -h, --help  show this help\n",
    mine_run,
};

static const struct cli_cmd assess_benchmark = {
    "assess benchmark",
    "the circle's benchmark beside your own scores",
    "usage: kairan [OPTIONS] assess benchmark --circle C\n"
    "\n"
    "Show circle C's self-assessment benchmark: for each directive (指示1..\n"
    "指示10) the mean and spread (standard deviation) of all organisations,\n"
    "by maturity category and by sector, beside your organisation's own\n"
    "current scores. A group of fewer than k organisations (the circle\n"
    "policy's k, at least 4) is never shown, nor any group that would let a\n"
    "smaller one be worked out. The benchmark is a daily snapshot (00:00 JST):\n"
    "a new submission is counted from the next one.\n"
    "With --json: {\"circle\", \"as_of\", \"next\", \"k\", \"overall\",\n"
    "\"by_maturity\", \"by_sector\", \"mine\"} (schema/PROTOCOL.md).\n"
    "\n"
    "Options:\n"
    "  --circle C  the circle (required)\n"
    "  -h, --help  show this help\n",
    bench_run,
};

static const struct cli_subcmd assess_table[] = {
    {"submit", &assess_submit},
    {"mine", &assess_mine},
    {"benchmark", &assess_benchmark},
};

static int assess_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_group_run(cli, cmd, argc, argv, assess_table,
	                     sizeof(assess_table) / sizeof(assess_table[0]));
}

const struct cli_cmd cmd_assess = {
    "assess",
    "self-assessment: submit, your own, the circle's benchmark",
    "usage: kairan [OPTIONS] assess SUBCOMMAND [ARGS]\n"
    "\n"
    "Score your organisation on the 10 directives of the Cybersecurity\n"
    "Management Guidelines v3.0 and see where it stands against its circle,\n"
    "while nobody sees any single organisation's scores.\n"
    "\n"
    "Subcommands:\n",
    assess_run,
};
