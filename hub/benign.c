/*
 * benign.c - reading the operator's benign_file (see benign.h).
 */
#include "benign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 8192

enum kr_err benign_load(const char *path, struct kr_ind_benign **out, char *err, size_t errlen)
{
	struct kr_ind_benign *list = kr_ind_benign_new();
	char *line = NULL, why[384];
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	enum kr_err rc = KR_OK;
	FILE *f = NULL;

	*out = NULL;
	if (!list)
		return KR_EINTERNAL;
	if (!path || !*path) {
		*out = list;
		return KR_OK;
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = KR_ENOTFOUND;
		goto out;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n > LINE_MAX_BYTES) {
			snprintf(err, errlen, "%s:%ld: line longer than %d bytes", path, lineno,
			         LINE_MAX_BYTES);
			rc = KR_EINVAL;
			goto out;
		}
		rc = kr_ind_benign_add(list, line, (size_t)n, why, sizeof(why));
		if (rc != KR_OK) {
			if (rc == KR_EINVAL)
				snprintf(err, errlen, "%s:%ld: %s", path, lineno, why);
			else
				snprintf(err, errlen, "%s:%ld: out of memory", path, lineno);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = KR_ENOTFOUND;
		goto out;
	}
	*out = list;
	list = NULL;
out:
	if (f)
		fclose(f);
	free(line);
	kr_ind_benign_free(list);
	return rc;
}
