/*
 * cmd_resources.c - `kairan resources SUBCOMMAND`: the regional help
 * directory (consultation desks, expert dispatch programmes, police
 * cybercrime contacts, universities per prefecture).
 *
 *	list [--region R] [--kind K] [--circle C]    anyone (anonymous: public circles)
 *	add --circle C --region JP-xx --kind K --name N [--description D]
 *	    [--contact T] [--url U]  |  add --file FILE [--circle C]
 *	remove ID                                    the circle's organisers
 *
 * resources_print() also prints the directory under `kairan events`.
 */
#include <string.h>

#include "cmd.h"
#include "prefecture.h"

static const struct {
	const char *kind, *ja;
} kind_names[] = {
    {"consultation", "相談窓口"}, {"dispatch", "専門家派遣"}, {"police", "警察"},
    {"university", "大学"},       {"other", "その他"},
};

static const char *kind_ja(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(kind_names[i].kind, kind) == 0)
			return kind_names[i].ja;
	return kind ? kind : "?";
}

void resources_print(const json_t *resources)
{
	const json_t *r;
	size_t i;

	json_array_foreach(resources, i, r)
	{
		const struct kr_prefecture *p =
		    kr_prefecture_by_code(json_string_value(json_object_get(r, "prefecture")));
		const char *more[] = {json_string_value(json_object_get(r, "description")),
		                      json_string_value(json_object_get(r, "contact")),
		                      json_string_value(json_object_get(r, "url"))};

		cli_print_cell(stdout, p ? p->ja : "?", 10);
		printf("[%s] ", kind_ja(json_string_value(json_object_get(r, "kind"))));
		cli_print_text(stdout, json_string_value(json_object_get(r, "name")), true);
		fputs("  ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(r, "id")), true);
		fputc('\n', stdout);
		for (size_t k = 0; k < sizeof(more) / sizeof(more[0]); k++) {
			if (!more[k])
				continue;
			fputs("          ", stdout);
			cli_print_text(stdout, more[k], true);
			fputc('\n', stdout);
		}
	}
}

/* ---- list ----------------------------------------------------------------- */

static const struct cli_arg list_args[] = {{"region", true}, {"kind", true}, {"circle", true}};
static const char *const list_keys[] = {"region", "kind", "circle"};

static int list_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	struct conn *c = NULL;
	json_t *req, *r = NULL;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, list_args, OPT_COUNT(list_args), 0, &a);
	if (rc || a.help)
		return rc ? rc : cli_help(cmd);
	req = json_pack("{s:s}", "type", "resources");
	for (size_t i = 0; req && i < OPT_COUNT(list_args); i++)
		if (a.value[i])
			json_object_set_new(req, list_keys[i], json_string(a.value[i]));
	rc = cli_session_open_reader(cli, &c);
	if (rc) {
		json_decref(req);
		goto out;
	}
	rc = cli_call(c, req, "resources", &r);
	if (rc) {
		cli_anonymous_hint(cli, rc);
		goto out;
	}
	if (cli->json)
		cli_print_body(r);
	else if (json_array_size(json_object_get(r, "resources")) == 0)
		fputs("no resources listed\n", stderr);
	else
		resources_print(json_object_get(r, "resources"));
out:
	json_decref(r);
	conn_close(c);
	return rc;
}

static const struct cli_cmd res_list = {
    "resources list",
    "the help directory",
    "usage: kairan [OPTIONS] resources list [--region R] [--kind K] [--circle C]\n"
    "\n"
    "List the regional help directory: per prefecture, consultation desks,\n"
    "expert dispatch programmes, police cybercrime contacts and universities\n"
    "that help local firms, with how to reach them. Works without a token\n"
    "(the entries of circles that publish CLEAR). 'kairan events --region R'\n"
    "prints the same beside the events of R.\n"
    "With --json: {\"resources\": [{\"id\", \"circle\", \"prefecture\", \"kind\",\n"
    "\"name\", \"description\"?, \"contact\"?, \"url\"?, \"created\"}]}.\n"
    "\n"
    "Options:\n"
    "  --region R  JP-01 ... JP-47, a region (kanto, ...) or all\n"
    "  --kind K    consultation, dispatch, police, university or other\n"
    "  --circle C  only this circle's entries\n"
    "  -h, --help  show this help\n",
    list_run,
};

/* ---- add ------------------------------------------------------------------- */

static const struct cli_arg add_args[] = {
    {"circle", true},      {"region", true},  {"kind", true}, {"name", true},
    {"description", true}, {"contact", true}, {"url", true},  {"file", false},
};
/* Message fields of add_args[0..6]. */
static const char *const add_keys[] = {"circle",      "prefecture", "kind", "name",
                                       "description", "contact",    "url"};

/* Send one resource_add (req stolen); print its id. */
static int add_one(const struct cli *cli, struct conn *c, json_t *req)
{
	json_t *r = NULL;
	int rc = cli_call(c, req, "resource_added", &r);

	if (rc == 0) {
		if (cli->json) {
			cli_print_json(json_object_get(r, "resource"));
		} else {
			fputs("added ", stdout);
			cli_print_text(stdout,
			               json_string_value(
			                   json_object_get(json_object_get(r, "resource"), "id")),
			               true);
			fputs(": ", stdout);
			cli_print_text(stdout,
			               json_string_value(
			                   json_object_get(json_object_get(r, "resource"), "name")),
			               true);
			fputc('\n', stdout);
		}
	}
	json_decref(r);
	return rc;
}

/* The entries of --file (an object or an array of objects), each a request. */
static int add_file(const struct cli_cmd *cmd, const char *path, const char *circle, json_t **reqs)
{
	json_error_t e;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &e), *v;
	size_t i;

	*reqs = NULL;
	if (!doc)
		return cli_usage_error(cmd, "%s:%d: %s", path, e.line, e.text);
	if (json_is_object(doc)) {
		json_t *arr = json_array();

		json_array_append_new(arr, doc);
		doc = arr;
	}
	if (!json_is_array(doc) || json_array_size(doc) == 0) {
		json_decref(doc);
		return cli_usage_error(cmd, "%s: expected a resource object or an array of them",
		                       path);
	}
	json_array_foreach(doc, i, v)
	{
		if (!json_is_object(v)) {
			json_decref(doc);
			return cli_usage_error(cmd, "%s: entry %zu is not an object", path, i);
		}
		json_object_set_new(v, "type", json_string("resource_add"));
		if (circle)
			json_object_set_new(v, "circle", json_string(circle));
	}
	*reqs = doc;
	return KR_EXIT_OK;
}

static int add_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	struct conn *c = NULL;
	json_t *reqs = NULL, *req, *v;
	size_t i;
	int rc;

	rc = cli_parse_args(cmd, argc, argv, add_args, OPT_COUNT(add_args), 0, &a);
	if (rc || a.help)
		return rc ? rc : cli_help(cmd);
	if (a.value[7]) {
		for (i = 1; i < 7; i++)
			if (a.value[i])
				return cli_usage_error(cmd,
				                       "--file takes the entries from the file; "
				                       "only --circle may go with it");
		rc = add_file(cmd, a.value[7], a.value[0], &reqs);
		if (rc)
			return rc;
	} else {
		if (!a.value[0] || !a.value[1] || !a.value[2] || !a.value[3]) {
			return cli_usage_error(cmd,
			                       "give --circle, --region, --kind and --name (or "
			                       "--file)");
		}
		req = json_pack("{s:s}", "type", "resource_add");
		for (i = 0; req && i < 7; i++)
			if (a.value[i])
				json_object_set_new(req, add_keys[i], json_string(a.value[i]));
		reqs = json_array();
		json_array_append_new(reqs, req);
	}
	rc = cli_session_open(cli, &c);
	json_array_foreach(reqs, i, v)
	{
		if (rc)
			break;
		rc = add_one(cli, c, json_incref(v));
	}
	json_decref(reqs);
	conn_close(c);
	return rc;
}

static const struct cli_cmd res_add = {
    "resources add",
    "add to the help directory (organisers)",
    "usage: kairan [OPTIONS] resources add --circle C --region JP-xx --kind K --name N\n"
    "           [--description D] [--contact T] [--url U]\n"
    "       kairan [OPTIONS] resources add --file FILE [--circle C]\n"
    "\n"
    "Add a standing resource of a prefecture to circle C's help directory:\n"
    "only the circle's organizers and moderators may (exit 4 otherwise). It is\n"
    "shown as written, to every user (and without a token where the circle\n"
    "publishes CLEAR), beside the prefecture's events; who added it is never\n"
    "shown. --file reads one entry object or an array of them ({\"circle\",\n"
    "\"prefecture\", \"kind\", \"name\", \"description\"?, \"contact\"?, \"url\"?}),\n"
    "e.g. client/examples/directory/kanagawa.json; --circle then overrides\n"
    "each entry's circle. Entries are added in order; the first refused one\n"
    "stops the rest. Prints 'added rs_... : NAME' per entry.\n"
    "With --json: each entry as stored, one JSON object per entry.\n"
    "\n"
    "Options:\n"
    "  --circle C         the circle that keeps it\n"
    "  --region JP-xx     the prefecture it serves (JP-01 ... JP-47)\n"
    "  --kind K           consultation, dispatch, police, university or other\n"
    "  --name N           its name (1-200 characters)\n"
    "  --description D    what it offers, to whom (up to 1,000 characters)\n"
    "  --contact T        phone, hours, address (up to 200 characters)\n"
    "  --url U            its web page (http or https)\n"
    "  --file FILE        the entries, as JSON\n"
    "  -h, --help         show this help\n",
    add_run,
};

/* ---- remove -------------------------------------------------------------------- */

static int remove_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	const char *id = NULL;
	json_t *r = NULL;
	bool help = false;
	int rc = cli_parse_operand(cmd, argc, argv, &id, &help);

	if (rc || help)
		return rc ? rc : cli_help(cmd);
	if (!id)
		return cli_usage_error(cmd, "which entry? give its ID, e.g. rs_4b1e0c9a7d2f3e51");
	rc = cli_request(cli, json_pack("{s:s, s:s}", "type", "resource_remove", "resource_id", id),
	                 "resource_removed", &r);
	if (rc == 0) {
		if (cli->json) {
			cli_print_body(r);
		} else {
			fputs("removed ", stdout);
			cli_print_text(stdout, id, true);
			fputc('\n', stdout);
		}
	}
	json_decref(r);
	return rc;
}

static const struct cli_cmd res_remove = {
    "resources remove",
    "remove from the help directory (organisers)",
    "usage: kairan [OPTIONS] resources remove ID\n"
    "\n"
    "Remove the entry ID from its circle's help directory: the circle's\n"
    "organizers and moderators only (exit 4), exit 5 when there is no such\n"
    "entry.\n"
    "With --json: {\"resource_id\"}.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n",
    remove_run,
};

/* ---- the sub-dispatch ------------------------------------------------------------ */

static const struct cli_subcmd res_table[] = {
    {"list", &res_list},
    {"add", &res_add},
    {"remove", &res_remove},
};

static int res_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	return cli_group_run(cli, cmd, argc, argv, res_table,
	                     sizeof(res_table) / sizeof(res_table[0]));
}

const struct cli_cmd cmd_resources = {
    "resources",
    "the regional help directory: desks, police, experts, universities",
    "usage: kairan [OPTIONS] resources SUBCOMMAND [ARGS]\n"
    "\n"
    "The regional help directory: standing resources per prefecture that\n"
    "small businesses can turn to, kept by regional circles' organisers.\n"
    "\n"
    "Subcommands:\n",
    res_run,
};
