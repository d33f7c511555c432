/*
 * admin_policy.c - `kairan-hub admin policy ...`: validate circle policy
 * files, set them, show the policy in force, and make a running hub re-read
 * them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "admin_int.h"
#include "cpolicy.h"
#include "model.h"
#include "store_dir.h"

/* An absolute version of path (new string), so the hub finds the file
 * whatever its working directory; NULL when out of memory or cwd unknown. */
static char *absolute(const char *file)
{
	char cwd[4096], *path;
	size_t len;

	if (file[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return NULL;
	len = strlen(file) + (file[0] == '/' ? 0 : strlen(cwd) + 1) + 1;
	path = malloc(len);
	if (path)
		snprintf(path, len, "%s%s%s", file[0] == '/' ? "" : cwd, file[0] == '/' ? "" : "/",
		         file);
	return path;
}

/*
 * Validate a policy file for circle (NULL: any circle) and return its
 * absolute path (new string), or NULL with the reason printed (naming the
 * file and the field) and *ex set.
 */
char *adm_policy_path(const char *file, const char *circle, int *ex)
{
	struct kr_circle_policy *p = NULL;
	char err[512], *path = absolute(file);
	enum kr_err rc;

	*ex = (int)kr_err_exit(KR_EINTERNAL);
	if (!path) {
		fprintf(stderr, PROG ": cannot resolve %s: %s\n", file, strerror(errno));
		return NULL;
	}
	if (access(path, R_OK) != 0) {
		fprintf(stderr, PROG ": policy file %s: %s\n", file, strerror(errno));
		*ex = (int)kr_err_exit(KR_ENOTFOUND);
		goto fail;
	}
	rc = cpolicy_load_file(path, &p, err, sizeof(err));
	if (rc == KR_OK && circle && strcmp(p->circle, circle) != 0) {
		snprintf(err, sizeof(err), "%s: circle: the file is for circle '%s', not '%s'",
		         path, p->circle, circle);
		rc = KR_EINVAL;
	}
	cpolicy_free(p);
	if (rc == KR_OK)
		return path;
	fprintf(stderr, PROG ": %s\n", err);
	*ex = (int)kr_err_exit(rc);
fail:
	free(path);
	return NULL;
}

int cmd_policy_set(struct admin *a)
{
	const char *circle = adm_arg(a, 0);
	char *path = NULL;
	enum kr_err rc;
	int ex;

	path = adm_policy_path(adm_arg(a, 1), circle, &ex);
	if (!path)
		return ex;
	ex = adm_store_need(a);
	if (ex)
		goto out;
	rc = store_circle_set_policy(a->st, circle, path);
	if (rc != KR_OK) {
		ex = adm_fail(a, rc,
		              rc == KR_ENOTFOUND ? "no circle %s" : "cannot set the policy of %s",
		              circle);
		goto out;
	}
	ex = adm_done(a, json_pack("{s:b, s:s, s:s}", "ok", 1, "circle", circle, "policy", path),
	              "circle %s now follows %s; a running hub applies it at once", circle, path);
out:
	free(path);
	return ex;
}

int cmd_policy_check(struct admin *a)
{
	int ex;
	char *path = adm_policy_path(adm_arg(a, 0), NULL, &ex);

	if (!path)
		return ex;
	ex = adm_done(a, json_pack("{s:b, s:s}", "ok", 1, "policy", path), "%s is a valid policy",
	              path);
	free(path);
	return ex;
}

/* The circles of the store with their policy files (new reference). */
static int circles_load(struct admin *a, json_t **list)
{
	int ex = adm_store_need(a);
	enum kr_err rc;

	if (ex)
		return ex;
	rc = store_circle_list(a->st, list);
	return rc == KR_OK ? 0 : adm_fail(a, rc, "cannot list circles");
}

int cmd_policy_show(struct admin *a)
{
	const char *circle = adm_arg(a, 0), *file = NULL;
	struct kr_circle_policy *p = NULL;
	json_t *list = NULL, *c, *out;
	enum kr_err rc = KR_ENOTFOUND;
	char err[512] = "";
	size_t i;
	int ex = circles_load(a, &list);

	if (ex)
		return ex;
	json_array_foreach(list, i, c)
	{
		if (strcmp(json_string_value(json_object_get(c, "circle")), circle) != 0)
			continue;
		file = json_string_value(json_object_get(c, "policy"));
		p = file ? NULL
		         : cpolicy_default(circle, kr_circle_kind_parse(json_string_value(
		                                       json_object_get(c, "kind"))));
		rc = file ? cpolicy_load_file(file, &p, err, sizeof(err))
		          : (p ? KR_OK : KR_EINTERNAL);
		break;
	}
	if (rc != KR_OK) {
		snprintf(a->err, sizeof(a->err), "%s", err);
		ex = adm_fail(a, rc, !err[0] ? "no circle %s" : "policy of %s", circle);
		goto out;
	}
	out = cpolicy_to_json(p);
	json_object_set_new(out, "$source", json_string(file ? file : "(built-in default)"));
	adm_json_print(out);
	json_decref(out);
out:
	cpolicy_free(p);
	json_decref(list);
	return ex;
}

int cmd_policy_reload(struct admin *a)
{
	json_t *list = NULL, *c;
	size_t i, files = 0, bad = 0;
	enum kr_err rc;
	int ex = circles_load(a, &list);

	if (ex)
		return ex;
	json_array_foreach(list, i, c)
	{
		const char *file = json_string_value(json_object_get(c, "policy"));
		struct kr_circle_policy *p = NULL;
		char err[512];

		if (!file)
			continue;
		files++;
		if (cpolicy_load_file(file, &p, err, sizeof(err)) != KR_OK) {
			fprintf(stderr, PROG ": %s\n", err);
			bad++;
		}
		cpolicy_free(p);
	}
	json_decref(list);
	if (bad) {
		fprintf(stderr,
		        PROG ": %zu of %zu policies refused; nothing reloaded, the hub keeps "
		             "the policies in force\n",
		        bad, files);
		return (int)kr_err_exit(KR_EINVAL);
	}
	rc = store_policy_epoch_bump(a->st);
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot signal the reload");
	return adm_done(a, json_pack("{s:b, s:I}", "ok", 1, "policies", (json_int_t)files),
	                "%zu policy file%s valid; a running hub re-reads them now", files,
	                files == 1 ? "" : "s");
}
