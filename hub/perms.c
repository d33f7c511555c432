/*
 * perms.c - private files stay private (see perms.h).
 */
#include "perms.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const char *perms_describe(mode_t mode, char *buf, size_t len)
{
	const char *who = (mode & 070) && (mode & 007) ? "group and others"
	                  : (mode & 070)               ? "group"
	                                               : "others";
	bool r = mode & 044, w = mode & 022, x = mode & 011;

	buf[0] = '\0';
	if (!(mode & 077))
		return buf;
	snprintf(buf, len, "%s%s%s%s%s by %s", r ? "readable" : "",
	         r && (w || x) ? (w && x ? ", " : " and ") : "", w ? "writable" : "",
	         w && x ? " and " : "", x ? "searchable" : "", who);
	return buf;
}

bool perms_private(const char *path, const char *what, bool dir, bool must_exist, char *err,
                   size_t errlen)
{
	struct stat st;
	char how[96];

	if (stat(path, &st) != 0) {
		if (errno == ENOENT && !must_exist)
			return true;
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return false;
	}
	if (dir != S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s %s is not a %s", what, path, dir ? "directory" : "file");
		return false;
	}
	if ((st.st_mode & 077) == 0)
		return true;
	snprintf(err, errlen,
	         "%s %s is %s (mode %04o); it must be private to the hub's user: run `chmod %s %s`",
	         what, path, perms_describe(st.st_mode, how, sizeof(how)),
	         (unsigned)(st.st_mode & 07777), dir ? "700" : "600", path);
	return false;
}
