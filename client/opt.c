/*
 * opt.c - table-driven long-option parsing (see opt.h).
 */
#include "opt.h"

#include <stdio.h>
#include <string.h>

void opt_init(struct opt_iter *it, int argc, char **argv, int first)
{
	it->argc = argc;
	it->argv = argv;
	it->ind = first;
	it->operands_only = false;
}

/* Find "--name" (namelen bytes of name) or "-alias" in spec. */
static const struct opt_spec *opt_find(const struct opt_spec *spec, size_t n, const char *name,
                                       size_t namelen, char alias)
{
	for (size_t i = 0; i < n; i++) {
		if (alias && spec[i].alias == alias)
			return &spec[i];
		if (!alias && strlen(spec[i].name) == namelen &&
		    strncmp(spec[i].name, name, namelen) == 0)
			return &spec[i];
	}
	return NULL;
}

int opt_next(struct opt_iter *it, const struct opt_spec *spec, size_t n, const char **arg,
             char *err, size_t errlen)
{
	const struct opt_spec *o;
	const char *a, *eq = NULL;
	int rc = OPT_ERROR;

	*arg = NULL;
	if (it->ind >= it->argc)
		return OPT_DONE;
	a = it->argv[it->ind++];
	*arg = a;
	if (it->operands_only || a[0] != '-' || strcmp(a, "-") == 0)
		return OPT_OPERAND;
	if (strcmp(a, "--") == 0) {
		it->operands_only = true;
		return opt_next(it, spec, n, arg, err, errlen);
	}
	if (a[1] == '-') {
		eq = strchr(a + 2, '=');
		o = opt_find(spec, n, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2), 0);
	} else {
		o = a[2] ? NULL : opt_find(spec, n, NULL, 0, a[1]);
	}
	if (!o) {
		snprintf(err, errlen, "unknown option '%s'", a);
		goto out;
	}
	if (!o->has_arg && eq) {
		snprintf(err, errlen, "option --%s takes no value", o->name);
		goto out;
	}
	if (o->has_arg && eq) {
		*arg = eq + 1;
	} else if (o->has_arg) {
		if (it->ind >= it->argc) {
			snprintf(err, errlen, "option --%s needs a value", o->name);
			goto out;
		}
		*arg = it->argv[it->ind++];
	} else {
		*arg = NULL;
	}
	rc = o->id;
out:
	return rc;
}
