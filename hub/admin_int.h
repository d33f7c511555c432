/*
 * admin_int.h - what the files of `kairan-hub admin` share: the parsed
 * command line, the command table's shape, output helpers and every command
 * handler. Private to admin*.c.
 */
#ifndef KR_ADMIN_INT_H
#define KR_ADMIN_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "kr_error.h"
#include "store.h"

#define PROG      "kairan-hub admin"
#define MAX_WORDS 8  /* noun, verb and up to 3 arguments, with room to report extras */
#define MAX_MULTI 32 /* repetitions of one option */
#define MAX_KEY   64

enum opt {
	OPT_DATA,
	OPT_JSON,
	OPT_HELP,
	OPT_NAME,
	OPT_DOMAIN,
	OPT_PERSON,
	OPT_INDUSTRY,
	OPT_EMPLOYEES,
	OPT_ORG,
	OPT_KIND,
	OPT_POLICY,
	OPT_REGION,
	OPT_EXPIRES,
	OPT_SINCE,
	OPT_LIMIT,
	OPT__COUNT
};

#define BIT(o) (1u << (o))

struct cmd;

struct admin {
	const struct cmd *cmd;
	const char *words[MAX_WORDS]; /* noun, verb, arguments (borrowed from argv) */
	size_t n_words;
	struct {
		const char *v[MAX_MULTI];
		size_t n;
	} opt[OPT__COUNT];
	const char *data;
	bool json;
	struct kr_store *st;
	bool in_tx;  /* the command's transaction is open (admin.c) */
	size_t arg0; /* index in words of the first argument: 2, or 1 without a verb */
	char err[512];
};

typedef int (*cmd_fn)(struct admin *a);

/*
 * A verb of two words ("cert add") is written with the command's first
 * argument between them: `user cert USER add FILE` (admin.c moves the
 * second word out of the arguments).
 */
struct cmd {
	const char *noun, *verb;
	size_t nargs;
	unsigned keys; /* bit i: argument i is a key */
	unsigned opts; /* options beyond --data, --json and --help */
	cmd_fn run;
	const char *usage;
	const char *about;
};

struct column {
	const char *header;
	const char *field; /* NULL: the element itself */
};

/* Argument i of the command (after noun and verb); borrowed from argv. */
const char *adm_arg(const struct admin *a, size_t i);
/* The value of a single-valued option, or NULL. */
const char *adm_opt1(const struct admin *a, enum opt o);
/* A key of the directory: ^[a-z0-9][a-z0-9._-]{0,63}$. */
bool adm_key_valid(const char *s);

/* Print a usage error and the command's usage; returns exit code 2. */
int adm_usage_fail(const struct admin *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print "kairan-hub admin: ..." (with a->err when set); returns kr_err_exit(rc). */
int adm_fail(const struct admin *a, enum kr_err rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Report success: obj (stolen) on stdout with --json, else the message on
 * stderr; returns 0. */
int adm_done(const struct admin *a, json_t *obj, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Print v as JSON on stdout (borrowed). */
void adm_json_print(json_t *v);
/* Print a list (stolen) as a table, or as JSON with --json; returns 0. */
int adm_list_print(const struct admin *a, json_t *list, const struct column *cols, size_t ncols,
                   const char *empty);
/* Commit the command's transaction with its audit entry (no-op when none
 * is open); 0, or an exit code with the reason printed. adm_done() and the
 * token printer call it before reporting success. */
int adm_commit(const struct admin *a);
/* Open the store (a->st) if not yet open; 0 or an exit code. */
int adm_store_need(struct admin *a);
/* Validate a policy file for circle (NULL: any); its absolute path (new
 * string), or NULL with the reason printed and *ex set. */
char *adm_policy_path(const char *file, const char *circle, int *ex);

/* The commands (admin_dir.c, admin_policy.c); each returns the exit code. */
int cmd_circle_add(struct admin *a);
int cmd_circle_list(struct admin *a);
int cmd_circle_remove(struct admin *a);
int cmd_member_add(struct admin *a);
int cmd_member_list(struct admin *a);
int cmd_member_remove(struct admin *a);
int cmd_org_add(struct admin *a);
int cmd_org_list(struct admin *a);
int cmd_org_remove(struct admin *a);
int cmd_policy_check(struct admin *a);
int cmd_policy_reload(struct admin *a);
int cmd_policy_set(struct admin *a);
int cmd_policy_show(struct admin *a);
int cmd_role_list(struct admin *a);
int cmd_role_set(struct admin *a);
int cmd_user_add(struct admin *a);
int cmd_user_list(struct admin *a);
int cmd_user_remove(struct admin *a);
int cmd_user_revoke(struct admin *a);
int cmd_user_token(struct admin *a);
/* admin_ops.c */
int cmd_tls_reload(struct admin *a);
int cmd_backup(struct admin *a);
/* admin_audit.c */
int cmd_audit_show(struct admin *a);
int cmd_audit_verify(struct admin *a);
/* admin_cert.c: `user cert USER add|remove|list` (client certificates) */
int cmd_user_cert_add(struct admin *a);
int cmd_user_cert_remove(struct admin *a);
int cmd_user_cert_list(struct admin *a);

#endif
