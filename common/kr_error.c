/*
 * kr_error.c - the single table that maps kairan errors to wire codes and
 * client exit codes.
 */
#include "kr_error.h"

#include <string.h>

static const struct {
	const char *code;
	enum kr_exit exit;
} err_table[KR_ERR__COUNT] = {
    [KR_OK] = {"ok", KR_EXIT_OK},
    [KR_EJSON] = {"invalid_json", KR_EXIT_REJECTED},
    [KR_EUTF8] = {"invalid_utf8", KR_EXIT_REJECTED},
    [KR_ETOOLARGE] = {"too_large", KR_EXIT_REJECTED},
    [KR_ETYPE] = {"unknown_type", KR_EXIT_REJECTED},
    [KR_EFIELD] = {"unknown_field", KR_EXIT_REJECTED},
    [KR_EINVAL] = {"invalid_field", KR_EXIT_REJECTED},
    [KR_ELABEL] = {"unknown_label", KR_EXIT_REJECTED},
    [KR_EAUTHREQ] = {"auth_required", KR_EXIT_AUTH},
    [KR_EAUTH] = {"auth_failed", KR_EXIT_AUTH},
    [KR_EFORBIDDEN] = {"forbidden", KR_EXIT_FORBIDDEN},
    [KR_ENOTFOUND] = {"not_found", KR_EXIT_NOTFOUND},
    [KR_ENOTALLOWED] = {"not_allowed", KR_EXIT_FORBIDDEN},
    [KR_ERATELIMIT] = {"rate_limited", KR_EXIT_SERVER},
    [KR_EOVERLOADED] = {"overloaded", KR_EXIT_SERVER},
    [KR_EINTERNAL] = {"internal", KR_EXIT_SERVER},
    [KR_ETOOFAST] = {"too_fast", KR_EXIT_SERVER},
    [KR_ECONNLIMIT] = {"too_many_connections", KR_EXIT_SERVER},
    [KR_ETIMEOUT] = {"timeout", KR_EXIT_SERVER},
};

const char *kr_err_code(enum kr_err e)
{
	if ((unsigned)e >= KR_ERR__COUNT)
		return "internal";
	return err_table[e].code;
}

enum kr_err kr_err_from_code(const char *code)
{
	if (code) {
		for (int i = 1; i < KR_ERR__COUNT; i++)
			if (strcmp(err_table[i].code, code) == 0)
				return (enum kr_err)i;
	}
	return KR_EINTERNAL;
}

enum kr_exit kr_err_exit(enum kr_err e)
{
	if ((unsigned)e >= KR_ERR__COUNT)
		return KR_EXIT_SERVER;
	return err_table[e].exit;
}
