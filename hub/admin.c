/*
 * admin.c - `kairan-hub admin`: the operator's commands for the directory
 * (organisations, users, tokens, circles, memberships, roles).
 *
 * This file holds the command line and the table: one entry per command
 * (noun, verb, arguments, accepted options, handler, usage line), from
 * which help is generated. The command line is parsed once (flags may
 * appear anywhere after "admin"), checked against the table, and the
 * handler runs: admin_dir.c (directory), admin_policy.c (circle policies),
 * with output through admin_out.c. Handlers talk to the store through
 * store_dir.h. Admin commands share DATA/kairan.db with a running hub: WAL
 * and the busy timeout absorb the write locks, and the hub notices each
 * commit through PRAGMA data_version, so there is nothing to signal.
 *
 * Output: results on stdout (tokens, tables, or JSON with --json);
 * confirmations and errors on stderr, errors as "kairan-hub admin: ...".
 */
#include "admin.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "kr_error.h"
#include "admin_int.h"
#include "audit.h"
#include "log.h"
#include "model.h"
#include "store.h"
#include "utf8.h"

/* ---- command line ---------------------------------------------------- */

static const struct {
	const char *flag;
	bool value; /* takes a value */
	bool multi; /* may be repeated */
} opt_table[OPT__COUNT] = {
    [OPT_DATA] = {"--data", true, false},         [OPT_JSON] = {"--json", false, false},
    [OPT_HELP] = {"--help", false, false},        [OPT_NAME] = {"--name", true, true},
    [OPT_DOMAIN] = {"--domain", true, true},      [OPT_PERSON] = {"--person", true, true},
    [OPT_INDUSTRY] = {"--industry", true, false}, [OPT_EMPLOYEES] = {"--employees", true, false},
    [OPT_ORG] = {"--org", true, false},           [OPT_KIND] = {"--kind", true, false},
    [OPT_POLICY] = {"--policy", true, false},     [OPT_REGION] = {"--region", true, false},
    [OPT_EXPIRES] = {"--expires", true, false},   [OPT_SINCE] = {"--since", true, false},
    [OPT_LIMIT] = {"--limit", true, false},
};

/* Argument i of the command (after noun and verb). */
const char *adm_arg(const struct admin *a, size_t i)
{
	return a->words[a->arg0 + i];
}

/* The value of a single-valued option, or NULL. */
const char *adm_opt1(const struct admin *a, enum opt o)
{
	return a->opt[o].n ? a->opt[o].v[0] : NULL;
}

bool adm_key_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MAX_KEY)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		          (i > 0 && (c == '.' || c == '_' || c == '-'));

		if (!ok)
			return false;
	}
	return true;
}

/* ---- store ----------------------------------------------------------- */

/* Open DATA/kairan.db, creating DATA (mode 0700) when missing. 0 or an
 * exit code. */
int adm_store_need(struct admin *a)
{
	struct stat sb;
	enum kr_err rc;

	if (a->st)
		return 0;
	if (mkdir(a->data, 0700) != 0 && errno != EEXIST)
		return adm_fail(a, KR_EINTERNAL, "cannot create data directory %s: %s", a->data,
		                strerror(errno));
	if (stat(a->data, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return adm_fail(a, KR_EINTERNAL, "%s is not a directory", a->data);
	rc = store_open(a->data, &a->st, a->err, sizeof(a->err));
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot open the store in %s", a->data);
	return 0;
}

/* ---- the audit trail -------------------------------------------------- */

/* Commands that change nothing; every other command runs in one
 * transaction with its audit entry. */
static bool cmd_mutates(const struct cmd *c)
{
	static const char *const readers[] = {"list", "show", "check", "verify"};
	const char *last = strrchr(c->verb, ' '); /* "cert list": its last word */

	if (c->verb[0] == '\0')
		return false; /* backup: its own entry, after the copy */
	last = last ? last + 1 : c->verb;
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
		if (strcmp(last, readers[i]) == 0)
			return false;
	return true;
}

/* The audit entry of the command: action "admin NOUN VERB", subject its
 * first argument, detail the other arguments and the names (never the
 * values) of the options given, with how often. */
static enum kr_err audit_command(struct admin *a)
{
	char action[64];
	json_t *detail = json_object(), *args = json_array(), *opts = json_object();
	enum kr_err rc = KR_EINTERNAL;

	snprintf(action, sizeof(action), "admin %s %s", a->cmd->noun, a->cmd->verb);
	if (!detail || !args || !opts)
		goto out;
	for (size_t i = 1; i < a->cmd->nargs; i++)
		json_array_append_new(args, json_string(adm_arg(a, i)));
	for (int o = OPT_NAME; o < OPT__COUNT; o++)
		if (a->opt[o].n)
			json_object_set_new(opts, opt_table[o].flag,
			                    json_integer((json_int_t)a->opt[o].n));
	if (json_array_size(args))
		json_object_set(detail, "args", args);
	if (json_object_size(opts))
		json_object_set(detail, "options", opts);
	rc = audit_record(a->st, "admin", action, a->cmd->nargs ? adm_arg(a, 0) : "", detail, NULL);
out:
	json_decref(detail);
	json_decref(args);
	json_decref(opts);
	return rc;
}

int adm_commit(const struct admin *a_const)
{
	struct admin *a = (struct admin *)a_const;
	enum kr_err rc;

	if (!a->st || !a->in_tx)
		return 0;
	a->in_tx = false;
	rc = audit_command(a);
	if (rc == KR_OK)
		rc = store_commit(a->st);
	else
		store_rollback(a->st);
	if (rc == KR_OK)
		return 0;
	fprintf(stderr, PROG ": %s; nothing was changed\n",
	        store_last_full(a->st) ? "the store's disk is full"
	                               : "cannot record the change in the audit trail");
	return (int)kr_err_exit(rc);
}

/* ---- the command table ----------------------------------------------- */

static const struct cmd commands[] = {
    {"org", "add", 1, 1,
     BIT(OPT_NAME) | BIT(OPT_DOMAIN) | BIT(OPT_PERSON) | BIT(OPT_INDUSTRY) | BIT(OPT_EMPLOYEES) |
         BIT(OPT_REGION),
     cmd_org_add,
     "org add KEY [--name ALIAS]... [--domain D]... [--person NAME]... [--industry X] "
     "[--employees N] [--region JP-NN]",
     "add a member organisation with the names, domains and people that identify it"},
    {"org", "list", 0, 0, 0, cmd_org_list, "org list", "list organisations"},
    {"org", "remove", 1, 1, 0, cmd_org_remove, "org remove KEY",
     "remove an organisation with its users, tokens, memberships and roles"},
    {"user", "add", 2, 3, BIT(OPT_EXPIRES), cmd_user_add, "user add ORG USER [--expires WHEN]",
     "add a user to an organisation and print its first token (once); --expires 90d|12h|"
     "2026-03-31|2026-03-31T18:00:00+09:00 makes the token stop working then"},
    {"user", "list", 0, 0, BIT(OPT_ORG), cmd_user_list, "user list [--org ORG]",
     "list users and how many valid tokens each holds"},
    {"user", "remove", 1, 1, 0, cmd_user_remove, "user remove USER",
     "remove a user with its tokens and roles"},
    {"user", "token", 1, 1, BIT(OPT_EXPIRES), cmd_user_token, "user token USER [--expires WHEN]",
     "issue an additional token for a user and print it (once); --expires as for user add"},
    {"user", "revoke", 1, 1, 0, cmd_user_revoke, "user revoke USER",
     "revoke every token of a user and remove its client certificates"},
    {"user", "cert add", 2, 1, 0, cmd_user_cert_add, "user cert USER add FILE.pem",
     "register a client certificate (PEM) to a user: a TLS connection presenting it, "
     "verified against tls_client_ca, authenticates as the user without a token"},
    {"user", "cert remove", 2, 1, 0, cmd_user_cert_remove,
     "user cert USER remove FINGERPRINT|FILE.pem",
     "remove a client certificate of a user (by its SHA-256 fingerprint or its file); "
     "sessions that authenticated with it are closed"},
    {"user", "cert list", 1, 1, 0, cmd_user_cert_list, "user cert USER list",
     "list the client certificates of a user: fingerprint, subject, expiry"},
    {"circle", "add", 1, 1, BIT(OPT_KIND) | BIT(OPT_NAME) | BIT(OPT_POLICY), cmd_circle_add,
     "circle add ID [--kind sector|cross-sector|regional|public] [--name NAME] "
     "[--policy FILE]",
     "add a circle (kind defaults to sector; without --policy it follows the built-in "
     "default for its kind)"},
    {"circle", "list", 0, 0, 0, cmd_circle_list, "circle list", "list circles"},
    {"circle", "remove", 1, 1, 0, cmd_circle_remove, "circle remove ID",
     "remove a circle that holds no items"},
    {"member", "add", 2, 3, 0, cmd_member_add, "member add CIRCLE ORG",
     "admit an organisation to a circle"},
    {"member", "remove", 2, 3, 0, cmd_member_remove, "member remove CIRCLE ORG",
     "remove an organisation from a circle; its users lose access at once"},
    {"member", "list", 1, 1, 0, cmd_member_list, "member list CIRCLE",
     "list the member organisations of a circle"},
    {"role", "set", 3, 3, 0, cmd_role_set,
     "role set CIRCLE USER member|moderator|organizer|observer",
     "set a user's role in a circle its organisation belongs to"},
    {"role", "list", 1, 1, 0, cmd_role_list, "role list CIRCLE",
     "list every user of the circle's member organisations with its role"},
    {"policy", "set", 2, 1, 0, cmd_policy_set, "policy set CIRCLE FILE",
     "validate FILE and make it the circle's policy (applied at once)"},
    {"policy", "show", 1, 1, 0, cmd_policy_show, "policy show CIRCLE",
     "print the policy in force for a circle (its file, or the built-in default)"},
    {"policy", "check", 1, 0, 0, cmd_policy_check, "policy check FILE",
     "validate a policy file without changing anything"},
    {"policy", "reload", 0, 0, 0, cmd_policy_reload, "policy reload",
     "validate every circle's policy file, then make a running hub re-read them"},
    {"tls", "reload", 0, 0, 0, cmd_tls_reload, "tls reload",
     "make a running hub serve its certificate and key files as they are now (also on "
     "SIGHUP)"},
    {"audit", "verify", 0, 0, 0, cmd_audit_verify, "audit verify",
     "check every entry of the audit trail and its hash chain; exit 6 naming the first "
     "entry that was edited, deleted, inserted or reordered"},
    {"audit", "show", 0, 0, BIT(OPT_SINCE) | BIT(OPT_LIMIT), cmd_audit_show,
     "audit show [--since SEQ|DATE] [--limit N]",
     "print audit entries: the newest N (default 50), or N from --since on"},
    {"backup", "", 1, 0, 0, cmd_backup, "backup FILE",
     "copy the store to FILE (a new file, mode 0600) while the hub keeps serving; the copy "
     "is checked with PRAGMA integrity_check"},
};

static const size_t n_commands = sizeof(commands) / sizeof(commands[0]);

static bool noun_known(const char *noun)
{
	for (size_t i = 0; i < n_commands; i++)
		if (strcmp(commands[i].noun, noun) == 0)
			return true;
	return false;
}

/* Every noun of the command table, once, in table order: "org, user, ...
 * or backup" (for messages, so they never fall behind the table). */
static void nouns_text(char *out, size_t len)
{
	size_t used = 0, n = 0, total = 0;

	for (size_t i = 0; i < n_commands; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(commands[j].noun, commands[i].noun) == 0;
		total += !seen;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n_commands; i++) {
		bool seen = false;
		int w;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(commands[j].noun, commands[i].noun) == 0;
		if (seen)
			continue;
		n++;
		w = snprintf(out + used, len - used, "%s%s",
		             n == 1       ? ""
		             : n == total ? " or "
		                          : ", ",
		             commands[i].noun);
		if (w < 0 || (size_t)w >= len - used)
			return; /* cut: still a string */
		used += (size_t)w;
	}
}

static const struct cmd *cmd_find(const char *noun, const char *verb)
{
	for (size_t i = 0; i < n_commands; i++)
		if (strcmp(commands[i].noun, noun) == 0 && strcmp(commands[i].verb, verb) == 0)
			return &commands[i];
	return NULL;
}

/* Does verb of c begin with the word w ("cert" of "cert add")? */
static bool verb_starts(const struct cmd *c, const char *w)
{
	size_t n = strlen(w);

	return strncmp(c->verb, w, n) == 0 && c->verb[n] == ' ';
}

/* Is word the first word of a two-word verb of noun ("user cert")? */
static bool verb_compound(const char *noun, const char *word)
{
	for (size_t i = 0; i < n_commands; i++)
		if (strcmp(commands[i].noun, noun) == 0 && verb_starts(&commands[i], word))
			return true;
	return false;
}

/* The command of a two-word verb: first its first word, then sub. */
static const struct cmd *cmd_find2(const char *noun, const char *verb, const char *sub)
{
	for (size_t i = 0; i < n_commands; i++)
		if (strcmp(commands[i].noun, noun) == 0 && verb_starts(&commands[i], verb) &&
		    strcmp(commands[i].verb + strlen(verb) + 1, sub) == 0)
			return &commands[i];
	return NULL;
}

/* Help for every command, one noun's, or one command's (NULL for all). */
static void help_print(FILE *f, const char *noun, const char *verb)
{
	fprintf(f, "usage: " PROG " --data DIR [--json] NOUN VERB [ARGS] [OPTIONS]\n\n");
	if (!noun)
		fprintf(f, "Manage the hub's directory in DIR/kairan.db: organisations, users and "
		           "their tokens,\ncircles, member organisations and roles. Works whether "
		           "or not the hub is\nrunning; a running hub applies every change at "
		           "once.\n\n");
	fprintf(f, "Commands:\n");
	for (size_t i = 0; i < n_commands; i++) {
		const struct cmd *c = &commands[i];

		if ((!noun || strcmp(c->noun, noun) == 0) &&
		    (!verb || strcmp(c->verb, verb) == 0 || verb_starts(c, verb)))
			fprintf(f, "  %s\n      %s\n", c->usage, c->about);
	}
	fprintf(f, "\nOptions:\n"
	           "  --data DIR  the hub's data directory (default $KAIRAN_DATA); created with "
	           "mode 0700\n"
	           "  --json      machine-readable output on stdout: lists as JSON arrays, "
	           "results as objects\n"
	           "  --help      this text; also after a noun or command\n\n"
	           "Keys (organisation, user and circle ids) match ^[a-z0-9][a-z0-9._-]{0,63}$.\n"
	           "Exit status: 0 ok, 2 usage, 5 not found, 6 invalid or duplicate, 7 store "
	           "error.\n");
}

/* ---- parsing and dispatch -------------------------------------------- */

/* Split argv into words and options. 0, or an exit code (message printed). */
static int args_parse(struct admin *a, int argc, char **argv)
{
	bool words_only = false;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i], *eq, *val = NULL;
		size_t flen;
		int o;

		if (words_only || s[0] != '-' || s[1] == '\0') {
			if (a->n_words == MAX_WORDS)
				return adm_usage_fail(a, "too many arguments");
			a->words[a->n_words++] = s;
			continue;
		}
		if (strcmp(s, "--") == 0) {
			words_only = true;
			continue;
		}
		if (strcmp(s, "-h") == 0)
			s = "--help";
		eq = strchr(s, '=');
		flen = eq ? (size_t)(eq - s) : strlen(s);
		for (o = 0; o < OPT__COUNT; o++)
			if (strlen(opt_table[o].flag) == flen &&
			    strncmp(opt_table[o].flag, s, flen) == 0)
				break;
		if (o == OPT__COUNT)
			return adm_usage_fail(a, "unknown option %.*s", (int)flen, s);
		if (opt_table[o].value) {
			val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!val)
				return adm_usage_fail(a, "%s needs a value", opt_table[o].flag);
		} else if (eq) {
			return adm_usage_fail(a, "%s takes no value", opt_table[o].flag);
		}
		if (a->opt[o].n > 0 && !opt_table[o].multi && opt_table[o].value)
			return adm_usage_fail(a, "%s given twice", opt_table[o].flag);
		if (a->opt[o].n == MAX_MULTI)
			return adm_usage_fail(a, "too many %s", opt_table[o].flag);
		a->opt[o].v[a->opt[o].n++] = val;
	}
	return 0;
}

static int key_fail(const struct admin *a, const char *key)
{
	return adm_usage_fail(a,
	                      "\"%s\" is not a valid key: use lower-case letters, digits, '.', '_' "
	                      "and '-', starting with a letter or digit, at most %d characters",
	                      key, MAX_KEY);
}

/* Check the words and options against the command table. 0 or an exit code. */
static int args_check(struct admin *a)
{
	const char *noun = a->n_words > 0 ? a->words[0] : NULL;
	const char *verb = a->n_words > 1 ? a->words[1] : NULL;
	const struct cmd *c;
	char nouns[256];

	if (!noun) {
		nouns_text(nouns, sizeof(nouns));
		return adm_usage_fail(a, "missing command (%s)", nouns);
	}
	if (!noun_known(noun)) {
		nouns_text(nouns, sizeof(nouns));
		return adm_usage_fail(a, "unknown command \"%s\" (%s)", noun, nouns);
	}
	a->arg0 = 2;
	c = cmd_find(noun, "");
	if (c)
		a->arg0 = 1; /* a command without a verb: `backup FILE` */
	else
		c = verb ? cmd_find(noun, verb) : NULL;
	if (!c && verb && verb_compound(noun, verb)) {
		/* `user cert USER add FILE`: the verb's second word follows the
		 * first argument; take it out of the arguments. */
		c = a->n_words > 3 ? cmd_find2(noun, verb, a->words[3]) : NULL;
		if (!c) {
			if (a->n_words > 3)
				fprintf(stderr, PROG ": %s %s: unknown action \"%s\"; one of:\n",
				        noun, verb, a->words[3]);
			else
				fprintf(stderr, PROG ": %s %s: missing action; one of:\n", noun,
				        verb);
			help_print(stderr, noun, verb);
			return KR_EXIT_USAGE;
		}
		memmove(&a->words[3], &a->words[4], (a->n_words - 4) * sizeof(a->words[0]));
		a->n_words--;
	}
	if (!c) {
		fprintf(stderr, PROG ": %s \"%s\"; one of:\n",
		        verb ? "unknown verb" : "missing verb", verb ? verb : noun);
		help_print(stderr, noun, NULL);
		return KR_EXIT_USAGE;
	}
	a->cmd = c;
	if (a->n_words - a->arg0 != c->nargs)
		return adm_usage_fail(a, "%s %s takes %zu argument%s", c->noun, c->verb, c->nargs,
		                      c->nargs == 1 ? "" : "s");
	for (int o = OPT_NAME; o < OPT__COUNT; o++)
		if (a->opt[o].n && !(c->opts & BIT(o)))
			return adm_usage_fail(a, "%s does not apply to %s %s", opt_table[o].flag,
			                      c->noun, c->verb);
	for (size_t i = 0; i < c->nargs; i++)
		if ((c->keys & (1u << i)) && !adm_key_valid(adm_arg(a, i)))
			return key_fail(a, adm_arg(a, i));
	if (adm_opt1(a, OPT_ORG) && !adm_key_valid(adm_opt1(a, OPT_ORG)))
		return key_fail(a, adm_opt1(a, OPT_ORG));
	return 0;
}

/* Every argument and option value must be UTF-8 (names are stored and
 * shown as text). 0 or an exit code. */
static int args_utf8(const struct admin *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!kr_utf8_valid(argv[i], strlen(argv[i])))
			return adm_usage_fail(a, "argument %d is not valid UTF-8", i);
	return 0;
}

int admin_main(int argc, char **argv)
{
	struct admin *a = calloc(1, sizeof(*a));
	int ex = KR_EXIT_SERVER;

	if (!a)
		goto out;
	/* Migration notes and the like are the hub's business, not the operator's. */
	kr_log_set_level(KR_LOG_WARN);
	ex = args_parse(a, argc, argv);
	if (ex)
		goto out;
	ex = args_utf8(a, argc, argv);
	if (ex)
		goto out;
	if (a->opt[OPT_HELP].n) {
		const char *noun = a->n_words > 0 ? a->words[0] : NULL;
		const char *verb = a->n_words > 1 ? a->words[1] : NULL;

		if (noun && !noun_known(noun)) {
			char nouns[256];

			nouns_text(nouns, sizeof(nouns));
			ex = adm_usage_fail(a, "unknown command \"%s\" (%s)", noun, nouns);
		} else if (verb && !cmd_find(noun, verb) && !cmd_find(noun, "") &&
		           !verb_compound(noun, verb))
			ex = adm_usage_fail(a, "unknown verb \"%s %s\"", noun, verb);
		else
			help_print(stdout, noun, noun && cmd_find(noun, "") ? NULL : verb);
		goto out;
	}
	ex = args_check(a);
	if (ex)
		goto out;
	a->json = a->opt[OPT_JSON].n > 0;
	a->data = adm_opt1(a, OPT_DATA);
	if (!a->data || !a->data[0])
		a->data = getenv("KAIRAN_DATA");
	if (!a->data || !a->data[0]) {
		ex = adm_usage_fail(a, "--data DIR is required (or set KAIRAN_DATA)");
		goto out;
	}
	if (cmd_mutates(a->cmd)) {
		ex = adm_store_need(a);
		if (ex)
			goto out;
		if (store_begin(a->st) != KR_OK) {
			ex = adm_fail(a, KR_EINTERNAL, "cannot start a transaction in %s", a->data);
			goto out;
		}
		a->in_tx = true;
	}
	ex = a->cmd->run(a);
	if (a->in_tx && ex == 0)
		ex = adm_commit(a); /* a command that printed no confirmation */
	if (a->in_tx) {
		a->in_tx = false;
		store_rollback(a->st); /* the command failed: nothing it did stays */
	}
out:
	if (a)
		store_close(a->st);
	free(a);
	fflush(stdout);
	return ex;
}
