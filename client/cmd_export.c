/*
 * cmd_export.c - `kairan export stix [--circle C] [--since T]
 * [--include-expired] [--page-size N] [-o FILE]`: the threats and alerts the
 * user may export, as one STIX 2.1 bundle.
 *
 * The hub answers `export` a page at a time (PROTOCOL.md, "STIX export");
 * this pages through with `after` until `more` is false and merges the
 * pages' objects into one bundle (kr_stix_bundle(): each object once, each
 * marking definition once). The bundle goes to stdout, or to FILE, written
 * to a temporary file beside it (mode 0600: it holds TLP-marked data) and
 * renamed into place only once complete, so a failed export never leaves
 * half a file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "stix.h"

enum { X_HELP = 1, X_CIRCLE, X_SINCE, X_EXPIRED, X_PAGE, X_OUT };

static const struct opt_spec export_opts[] = {
    {"help", 'h', false, X_HELP},   {"circle", 0, true, X_CIRCLE},
    {"since", 0, true, X_SINCE},    {"include-expired", 0, false, X_EXPIRED},
    {"page-size", 0, true, X_PAGE}, {"output", 'o', true, X_OUT},
};

struct export_args {
	const char *format, *circle, *out;
	char since[32];
	bool expired, help;
	json_int_t page;
};

/* --since: YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM:SSZ. */
static bool since_parse(const char *arg, char out[32])
{
	int64_t t;

	if (strlen(arg) == 10)
		snprintf(out, 32, "%sT00:00:00Z", arg);
	else if (strlen(arg) < 32)
		snprintf(out, 32, "%s", arg);
	else
		return false;
	return kr_stix_time_parse(out, &t);
}

static int export_parse(const struct cli_cmd *cmd, int argc, char **argv, struct export_args *a)
{
	struct opt_iter it;
	const char *arg;
	char err[128];
	int o, rc = KR_EXIT_OK;

	memset(a, 0, sizeof(*a));
	opt_init(&it, argc, argv, 1);
	while (rc == KR_EXIT_OK &&
	       (o = opt_next(&it, export_opts, OPT_COUNT(export_opts), &arg, err, sizeof(err)))) {
		if (o == X_HELP)
			a->help = true;
		else if (o == OPT_OPERAND && !a->format)
			a->format = arg;
		else if (o == X_CIRCLE)
			rc = cli_check_text(cmd, "--circle", a->circle = arg);
		else if (o == X_SINCE && !since_parse(arg, a->since))
			rc = cli_usage_error(
			    cmd,
			    "--since needs a UTC date or time such as 2026-11-01 or "
			    "2026-11-01T09:00:00Z, not '%s'",
			    arg);
		else if (o == X_EXPIRED)
			a->expired = true;
		else if (o == X_PAGE &&
		         (!cli_parse_uint(arg, &a->page) || a->page < 1 || a->page > 500))
			rc =
			    cli_usage_error(cmd, "--page-size needs a number 1-500, not '%s'", arg);
		else if (o == X_OUT)
			a->out = arg;
		else if (o != X_SINCE && o != X_PAGE)
			rc = cli_opt_error(cmd, o, arg, err);
	}
	if (rc || a->help)
		return rc;
	if (!a->format)
		return cli_usage_error(cmd, "which format? give 'stix'");
	if (strcmp(a->format, "stix") != 0)
		return cli_usage_error(cmd, "unknown format '%s': only 'stix' is supported",
		                       a->format);
	return KR_EXIT_OK;
}

/* Every page's objects, appended to *all. Returns 0 or the exit code. */
static int export_pages(struct conn *c, const struct export_args *a, json_t *all, int *pages)
{
	json_int_t after = 0;
	bool more = true;

	while (more) {
		json_t *req = json_pack("{s:s, s:I}", "type", "export", "after", after), *r = NULL;
		json_int_t next;
		int rc;

		if (req && a->circle)
			json_object_set_new(req, "circle", json_string(a->circle));
		if (req && a->since[0])
			json_object_set_new(req, "since", json_string(a->since));
		if (req && a->expired)
			json_object_set_new(req, "include_expired", json_true());
		if (req && a->page)
			json_object_set_new(req, "limit", json_integer(a->page));
		rc = cli_call(c, req, "export", &r);
		if (rc)
			return rc;
		(*pages)++;
		next = json_integer_value(json_object_get(r, "next"));
		more = json_is_true(json_object_get(r, "more"));
		if (json_array_extend(
		        all, json_object_get(json_object_get(r, "bundle"), "objects")) != 0) {
			json_decref(r);
			cli_error("out of memory");
			return KR_EXIT_SERVER;
		}
		json_decref(r);
		if (more && next <= after) {
			cli_error(
			    "the hub's export did not move on from cursor %" JSON_INTEGER_FORMAT,
			    after);
			return KR_EXIT_SERVER;
		}
		after = next;
	}
	return KR_EXIT_OK;
}

/* Write bundle to path through a temporary file and rename(2). */
static int export_write_file(const json_t *bundle, const char *path)
{
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	FILE *f = NULL;
	int fd, rc = CLI_EXIT_OUTPUT;

	if (!tmp) {
		cli_error("out of memory");
		return KR_EXIT_SERVER;
	}
	snprintf(tmp, n, "%s.XXXXXX", path);
	fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		cli_error("cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(tmp);
		return KR_EXIT_USAGE;
	}
	if (json_dumpf(bundle, f, JSON_INDENT(2)) != 0 || fputc('\n', f) == EOF || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0 || ferror(f)) {
		cli_error("cannot write %s: %s", path, strerror(errno ? errno : EIO));
		fclose(f);
		unlink(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		cli_error("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = KR_EXIT_OK;
out:
	free(tmp);
	return rc;
}

static size_t count_type(const json_t *objects, const char *type)
{
	const json_t *o;
	size_t i, n = 0;

	json_array_foreach(objects, i, o)
	{
		const char *t = json_string_value(json_object_get(o, "type"));

		n += t && strcmp(t, type) == 0;
	}
	return n;
}

static int export_run(const struct cli *cli, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct export_args a;
	struct conn *c = NULL;
	json_t *all = NULL, *bundle = NULL, *objs;
	int rc, pages = 0;

	rc = export_parse(cmd, argc, argv, &a);
	if (rc || a.help)
		return rc ? rc : cli_help(cmd);
	all = json_array();
	if (!all) {
		cli_error("out of memory");
		return KR_EXIT_SERVER;
	}
	rc = cli_session_open(cli, &c);
	if (rc == KR_EXIT_OK)
		rc = export_pages(c, &a, all, &pages);
	conn_close(c);
	if (rc) {
		json_decref(all);
		return rc;
	}
	bundle = kr_stix_bundle(all);
	if (!bundle) {
		cli_error("out of memory");
		return KR_EXIT_SERVER;
	}
	if (a.out) {
		rc = export_write_file(bundle, a.out);
		objs = json_object_get(bundle, "objects");
		if (rc == KR_EXIT_OK)
			fprintf(
			    stderr,
			    "kairan: wrote %s: %zu reports, %zu indicators, %zu vulnerabilities "
			    "(%d page%s)\n",
			    a.out, count_type(objs, "report"), count_type(objs, "indicator"),
			    count_type(objs, "vulnerability"), pages, pages == 1 ? "" : "s");
	} else {
		json_dumpf(bundle, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	}
	json_decref(bundle);
	return rc;
}

const struct cli_cmd cmd_export = {
    "export",
    "export the threats and alerts you may share onward as STIX 2.1",
    "usage: kairan [OPTIONS] export stix [--circle C] [--since T] [--include-expired]\n"
    "                                    [--page-size N] [-o FILE]\n"
    "\n"
    "Write one STIX 2.1 bundle of the threat reports and alerts you may read in\n"
    "your circles (or in C), for a SIEM, a TIP or a firewall. Each item becomes\n"
    "a report with its indicators (STIX patterns), a vulnerability per CVE and\n"
    "an anonymous identity named after its pseudonym; every object carries the\n"
    "TLP 2.0 marking definition of the item's TLP, and the bundle the marking\n"
    "definitions themselves. RED items are never exported; practices and events\n"
    "are not threat intelligence and are left out. The same item always gets\n"
    "the same STIX ids, so importing a later export updates nothing twice.\n"
    "\n"
    "Indicators whose validity has ended are left out unless --include-expired.\n"
    "The hub sends the export in pages; they are merged into one bundle.\n"
    "\n"
    "Options:\n"
    "  --circle C         only circle C\n"
    "  --since T          only items created at or after T (UTC): 2026-11-01 or\n"
    "                     2026-11-01T09:00:00Z\n"
    "  --include-expired  also indicators whose validity window has ended\n"
    "  --page-size N      items per page the hub sends (1-500; default 100)\n"
    "  -o, --output FILE  write to FILE (replaced only once the export is\n"
    "                     complete; created with mode 0600) instead of stdout,\n"
    "                     and say on stderr what was written\n"
    "  -h, --help         show this help\n"
    "\n"
    "Mind the TLP of what you pass on: AMBER stays within your organisation\n"
    "and its clients, AMBER+STRICT within your organisation.\n",
    export_run,
};
