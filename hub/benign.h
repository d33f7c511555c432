/*
 * benign.h - the operator's list of known-benign indicator values (config
 * key benign_file), read from its file at start and again on SIGHUP. What
 * a line means and how values match is common/indicator.h's
 * (kr_ind_benign_add, kr_ind_benign_reason); this module only reads the
 * file and names the line that is wrong.
 */
#ifndef KR_BENIGN_H
#define KR_BENIGN_H

#include <stddef.h>

#include "indicator.h"
#include "kr_error.h"

/*
 * Read path (NULL or "": no file, an empty list) into a new list (*out,
 * kr_ind_benign_free). One "TYPE VALUE [# reason]" per line; blank lines
 * and '#' comments are skipped. On any error nothing is returned and err
 * says "FILE:LINE: reason" (or "FILE: why" when it cannot be read):
 * KR_EINVAL for a bad line, KR_ENOTFOUND when the file cannot be opened,
 * KR_EINTERNAL when memory runs out.
 */
enum kr_err benign_load(const char *path, struct kr_ind_benign **out, char *err, size_t errlen);

#endif
