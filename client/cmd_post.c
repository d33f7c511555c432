/*
 * cmd_post.c - `kairan post FILE|- [--preview] [--yes]`: send an item (a
 * JSON object, the `post.item` of schema/PROTOCOL.md) to the hub.
 *
 * The hub scrubs what identifies the author before it stores an item
 * (PROTOCOL.md, "Anonymisation"), so the author first sees what recipients
 * will receive and what was removed:
 *
 *	--preview  ask the hub for a preview (post with preview: true), print it,
 *	           store nothing;
 *	--yes      post at once, as scripts do;
 *	neither    preview, then ask "Publish this to CIRCLE? [y/N]" on the
 *	           terminal and post only on y/yes; without a terminal, refuse
 *	           (exit 2), so that nothing is published unseen.
 *
 * The session is closed while the question waits for an answer (a person
 * may take minutes) and opened again to post.
 *
 * Locally the file is only checked to be UTF-8 text holding one JSON object
 * (cli_load_object()); the fields are the hub's to judge, and its error is
 * what the user sees. The preview also runs the hub's indicator normaliser
 * (common/indicator.h) over the file's indicators, only to show the author
 * what the hub rewrote or merged.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "indicator.h"

enum { POST_PREVIEW = 1, POST_YES, POST_HELP };

static const struct opt_spec post_opts[] = {
    {"preview", 0, false, POST_PREVIEW},
    {"yes", 'y', false, POST_YES},
    {"help", 'h', false, POST_HELP},
};

struct post_args {
	const char *path;
	bool preview, yes, help;
};

static int post_parse(const struct cli_cmd *cmd, int argc, char **argv, struct post_args *a)
{
	struct opt_iter it;
	const char *arg;
	char err[128];
	int o;

	memset(a, 0, sizeof(*a));
	opt_init(&it, argc, argv, 1);
	while ((o = opt_next(&it, post_opts, OPT_COUNT(post_opts), &arg, err, sizeof(err))) !=
	       OPT_DONE) {
		if (o == POST_PREVIEW)
			a->preview = true;
		else if (o == POST_YES)
			a->yes = true;
		else if (o == POST_HELP)
			a->help = true;
		else if (o == OPT_OPERAND && !a->path)
			a->path = arg;
		else
			return cli_opt_error(cmd, o, arg, err);
	}
	if (a->help)
		return KR_EXIT_OK;
	if (a->preview && a->yes)
		return cli_usage_error(cmd, "use --preview or --yes, not both");
	if (!a->path)
		return cli_usage_error(cmd, "which file? give FILE, or '-' for standard input");
	return KR_EXIT_OK;
}

/* One "  KIND  FIELD  xN  ORIGINAL" line per removal (the author's own text). */
static void print_removed(const json_t *removed)
{
	const json_t *r;
	size_t i;

	if (json_array_size(removed) == 0) {
		fputs("Removed before sharing: nothing\n", stdout);
		return;
	}
	fputs("Removed before sharing:\n", stdout);
	json_array_foreach(removed, i, r)
	{
		const char *type = json_string_value(json_object_get(r, "type"));
		const char *role = json_string_value(json_object_get(r, "role"));

		fputs("  ", stdout);
		cli_print_cell(stdout, json_string_value(json_object_get(r, "kind")), 17);
		cli_print_cell(stdout, json_string_value(json_object_get(r, "field")), 11);
		printf("x%-4" JSON_INTEGER_FORMAT " ",
		       json_integer_value(json_object_get(r, "count")));
		cli_print_text(stdout, json_string_value(json_object_get(r, "original")), true);
		if (type) {
			fputs(" (", stdout);
			cli_print_text(stdout, type, true);
			fputs(role ? ", " : "", stdout);
			cli_print_text(stdout, role, true);
			fputc(')', stdout);
		}
		fputc('\n', stdout);
	}
}

/* The file's indicator i normalised as the hub does (common/indicator.h),
 * as a new {type, value, role?, valid_from?, valid_until?}; NULL when it
 * is not valid (the hub has said why) or not an indicator at all. */
static json_t *normalised(const json_t *ind, char *out, size_t outlen)
{
	const json_t *v = json_object_get(ind, "value");
	enum kr_ind_type t = kr_ind_type_parse(json_string_value(json_object_get(ind, "type")));
	json_t *copy;

	if (!json_is_string(v) || json_string_length(v) + KR_IND_OUT_EXTRA > outlen ||
	    kr_ind_normalise(t, json_string_value(v), json_string_length(v), out, outlen, NULL,
	                     0) != KR_OK)
		return NULL;
	copy = json_copy((json_t *)ind);
	if (copy)
		json_object_set_new(copy, "value", json_string(out));
	return copy;
}

/* What the hub does to the file's indicators (borrowed), one line each:
 *   [i] TYPE  AS-GIVEN -> NORMALISED
 *   [i] TYPE  VALUE: the same as [j], merged
 * nothing when every value is already in its normal form. */
static void print_normalised(const json_t *inds)
{
	char out[4096];
	json_t *seen = json_array();
	const json_t *ind;
	size_t i, j;
	bool any = false;

	json_array_foreach(inds, i, ind)
	{
		json_t *n = normalised(ind, out, sizeof(out));
		const char *given = json_string_value(json_object_get(ind, "value"));
		const json_t *prev;
		long same = -1;

		json_array_foreach(seen, j, prev)
		{
			if (same < 0 && kr_ind_same(prev, n))
				same = (long)json_integer_value(json_object_get(prev, "at"));
		}
		if (n && (same >= 0 || strcmp(given, out) != 0)) {
			if (!any)
				fputs("\nNormalised by the hub:\n", stdout);
			any = true;
			printf("  [%zu] ", i);
			cli_print_cell(stdout, json_string_value(json_object_get(ind, "type")), 8);
			cli_print_text(stdout, given, true);
			if (same >= 0)
				printf(": the same as [%ld], merged", same);
			else {
				fputs(" -> ", stdout);
				cli_print_text(stdout, out, true);
			}
			fputc('\n', stdout);
		}
		if (n && same < 0) {
			json_object_set_new(n, "at", json_integer((json_int_t)i));
			json_array_append(seen, n);
		}
		json_decref(n);
	}
	json_decref(seen);
}

/* A preview reply (borrowed): --json as the reply minus type/ref, else for
 * people, with what the hub normalised in the file's indicators (item,
 * borrowed). */
static void print_preview(const struct cli *cli, const json_t *r, const json_t *item)
{
	if (cli->json) {
		cli_print_body(r);
		return;
	}
	fputs("Recipients will see:\n\n", stdout);
	cli_print_item(json_object_get(r, "item"));
	print_normalised(json_object_get(item, "indicators"));
	fputc('\n', stdout);
	print_removed(json_object_get(r, "removed"));
}

/* A posted reply (borrowed): "posted ID (cursor N, STATUS)" and what was removed. */
static void print_posted(const struct cli *cli, const json_t *r)
{
	const json_t *reds = json_object_get(r, "redactions");

	if (cli->json) {
		cli_print_body(r);
		return;
	}
	fputs("posted ", stdout);
	cli_print_text(stdout, json_string_value(json_object_get(r, "item_id")), true);
	printf(" (cursor %" JSON_INTEGER_FORMAT ", ",
	       json_integer_value(json_object_get(r, "cursor")));
	cli_print_text(stdout, json_string_value(json_object_get(r, "status")), true);
	fputs(")\n", stdout);
	cli_print_redactions("", reds);
}

/*
 * Ask "Publish this to CIRCLE? [y/N] " on stderr and read the answer from
 * the terminal. Returns 1 for y/yes, 0 for anything else (EOF included), -1
 * when there is no terminal to ask on.
 */
static int post_confirm(const char *path, const json_t *item)
{
	char line[64];
	size_t n;
	FILE *tty;
	int yes;

	if (strcmp(path, "-") == 0 || !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return -1;
	tty = fopen("/dev/tty", "r");
	if (!tty)
		return -1;
	fflush(stdout);
	fputs("Publish this to ", stderr);
	cli_print_text(stderr, json_string_value(json_object_get(item, "circle")), true);
	fputs("? [y/N] ", stderr);
	fflush(stderr);
	if (!fgets(line, sizeof(line), tty)) {
		fputc('\n', stderr);
		line[0] = '\0';
	}
	fclose(tty);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	yes = strcasecmp(line + strspn(line, " \t"), "y") == 0 ||
	      strcasecmp(line + strspn(line, " \t"), "yes") == 0;
	return yes;
}

/* Event listings are usually public: an event without a TLP is posted as
 * CLEAR, and the user is told so (the preview shows it too). */
static void post_event_tlp(json_t *item)
{
	const char *kind = json_string_value(json_object_get(item, "kind"));

	if (!kind || strcmp(kind, "event") != 0 || json_object_get(item, "tlp"))
		return;
	json_object_set_new(item, "tlp", json_string("CLEAR"));
	cli_warn("the event gives no tlp: posting it as CLEAR (a public listing where the "
	         "circle publishes CLEAR); add \"tlp\" to the file to choose another");
}

static int post_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct post_args a;
	struct conn *c = NULL;
	json_t *item = NULL, *r = NULL;
	int rc, answer;

	rc = post_parse(cmd, argc, argv, &a);
	if (rc || a.help) {
		rc = rc ? rc : cli_help(cmd);
		goto out;
	}
	rc = cli_load_object(cmd, a.path, "the item", &item);
	if (rc)
		goto out;
	post_event_tlp(item);
	rc = cli_session_open(cli, &c);
	if (rc)
		goto out;
	if (!a.yes) {
		rc = cli_call(
		    c, json_pack("{s:s, s:O, s:b}", "type", "post", "item", item, "preview", 1),
		    "preview", &r);
		if (rc)
			goto out;
		print_preview(cli, r, item);
		json_decref(r);
		r = NULL;
		if (a.preview)
			goto out;
		conn_close(c);
		c = NULL;
		answer = post_confirm(a.path, item);
		if (answer < 0) {
			cli_error("not posted: review with --preview, then post with --yes");
			rc = KR_EXIT_USAGE;
			goto out;
		}
		if (answer == 0) {
			fputs("not posted\n", stdout);
			goto out;
		}
		rc = cli_session_open(cli, &c);
		if (rc)
			goto out;
	}
	rc = cli_call(c, json_pack("{s:s, s:O}", "type", "post", "item", item), "posted", &r);
	if (rc)
		goto out;
	print_posted(cli, r);
out:
	json_decref(r);
	json_decref(item);
	conn_close(c);
	return rc;
}

const struct cli_cmd cmd_post = {
    "post",
    "post an item from a JSON file after previewing what readers see",
    "usage: kairan [OPTIONS] post FILE|- [--preview | --yes]\n"
    "\n"
    "Post an item to its circle. FILE ('-' for standard input) holds the item\n"
    "as one JSON object in UTF-8, for example:\n"
    "\n"
    "  {\"kind\": \"threat\", \"circle\": \"fin-isac\", \"tlp\": \"GREEN\",\n"
    "   \"title\": \"...\", \"body\": \"...\",\n"
    "   \"indicators\": [{\"type\": \"domain\", \"value\": \"login.example\",\n"
    "                   \"role\": \"attacker\"}],\n"
    "   \"tags\": [\"phishing\"]}\n"
    "\n"
    "Fields: kind (threat, practice, alert, event), circle, tlp (CLEAR, GREEN,\n"
    "AMBER, AMBER+STRICT, RED), title, body; optionally indicators ({type,\n"
    "value, role, valid_from, valid_until}), tags and, for RED only and\n"
    "required there, recipients (user names in the circle).\n"
    "\n"
    "Indicator types: ipv4 ipv6 cidr domain url email md5 sha1 sha256 sha512\n"
    "cve asn. Values may be defanged (hxxps://evil[.]example/, 198[.]51[.]100[.]7,\n"
    "phish[at]evil(dot)example): the hub refangs and normalises them, and\n"
    "refuses an invalid one with its position and the reason, e.g.\n"
    "  indicators[3]: ipv4 '300.1.2.3': octet 1 is out of range (0-255)\n"
    "valid_from and valid_until are UTC, YYYY-MM-DDTHH:MM:SSZ. Known-benign\n"
    "values (documentation ranges, public resolvers, example domains, the\n"
    "hub operator's list) are kept and marked \"benign: REASON\".\n"
    "\n"
    "An alert (kind alert, required there and nowhere else) also has\n"
    "  \"alert\": {\"severity\": \"high\",\n"
    "            \"references\": [\"CVE-2024-24919\", \"https://...\"],\n"
    "            \"affected_products\": [\"...\"],\n"
    "            \"recommended_action\": \"...\"}\n"
    "severity is one of info, low, medium, high, critical; the others are\n"
    "optional (up to 32 references and products, an action of up to 4,096\n"
    "bytes). See client/examples/alert-amber.json. Who may post alerts is up\n"
    "to the circle's policy (its moderators, by default).\n"
    "\n"
    "An event (kind event) also has an \"event\" object: prefecture (JP-01 to\n"
    "JP-47, or online), start and end (local times such as 2026-12-12T14:00),\n"
    "audience (technical, executive, mixed) and optionally timezone (default\n"
    "Asia/Tokyo), venue, capacity, fee, cpe_credits, language,\n"
    "registration_deadline, organizer and contact. See\n"
    "client/examples/event-kanagawa.json. Without a tlp an event is posted as\n"
    "CLEAR (a warning says so). Its organizer, contact and venue are\n"
    "published as written, so that people can reach you (a circle with strict\n"
    "anonymisation scrubs them too); its title and body are scrubbed as usual.\n"
    "\n"
    "A practice report (kind practice, required there and nowhere else) has\n"
    "  \"practice\": {\"directive\": 9, \"industry\": \"finance\",\n"
    "               \"size_band\": \"500-999\", \"readers\": [\"ciso\", \"staff\"],\n"
    "               \"level\": 2, \"situation\": \"...\", \"steps\": \"...\",\n"
    "               \"outcome\": \"...\", \"references\": [\"https://...\"]}\n"
    "directive is the guideline directive (1-10), level 1-3, readers some of\n"
    "executives, ciso, staff; size_band and references are optional. See\n"
    "client/examples/practice-green.json and the README for the industries.\n"
    "\n"
    "Before the hub stores an item it removes what identifies you: your\n"
    "organisation's registered names, domains and people, e-mail addresses,\n"
    "phone numbers, postal codes, internal addresses, victim-side indicators\n"
    "and the circle's own patterns. Readers see a pseudonym (anon-...), your\n"
    "organisation's industry, size band and region, and the time rounded.\n"
    "\n"
    "So post first shows you exactly what recipients will see, under\n"
    "\"Normalised by the hub:\" each indicator the hub rewrote (or merged with\n"
    "an equal one) and, under \"Removed before sharing:\", every value removed\n"
    "(kind, field, count and your original text), then asks on the terminal\n"
    "  Publish this to fin-isac? [y/N]\n"
    "and posts only on y or yes (anything else: \"not posted\", exit 0).\n"
    "Without a terminal to ask on (or with FILE '-') it posts nothing and\n"
    "exits 2: review with --preview, then post with --yes.\n"
    "\n"
    "Once posted, the hub's answer names the new item, its cursor and its\n"
    "status (published, or pending when the circle's moderators review it\n"
    "first), and what was removed, e.g.\n"
    "  posted it_5f2c9a0d1e7b4c21 (cursor 12, published)\n"
    "  removed before sharing: 2 org-name in body, 1 email in body\n"
    "With --json: {\"item_id\", \"cursor\", \"status\", \"redactions\"}; with\n"
    "--preview --json: {\"item\", \"removed\", \"redactions\"}.\n"
    "\n"
    "Options:\n"
    "  --preview   only show what recipients would see and what would be\n"
    "              removed; nothing is stored\n"
    "  -y, --yes   post without showing the preview or asking (scripts)\n"
    "  -h, --help  show this help\n",
    post_run,
};
