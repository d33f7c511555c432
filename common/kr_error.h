/*
 * kr_error.h - kairan's error codes, shared by hub and client.
 *
 * Every failure inside kairan is one of these values. They map, in exactly
 * one place (kr_error.c), to the wire protocol's error codes and to the
 * `kairan` client's exit codes, so the three can never drift apart.
 */
#ifndef KR_ERROR_H
#define KR_ERROR_H

enum kr_err {
	KR_OK = 0,
	KR_EJSON,       /* frame is not a JSON object            -> invalid_json  */
	KR_EUTF8,       /* frame is not valid UTF-8              -> invalid_utf8  */
	KR_ETOOLARGE,   /* frame over the configured size limit  -> too_large     */
	KR_ETYPE,       /* unknown message type                  -> unknown_type  */
	KR_EFIELD,      /* unknown field                         -> unknown_field */
	KR_EINVAL,      /* missing / wrong-typed / bad field     -> invalid_field */
	KR_ELABEL,      /* unknown TLP, kind, role, ...          -> unknown_label */
	KR_EAUTHREQ,    /* not authenticated yet                 -> auth_required */
	KR_EAUTH,       /* bad, revoked or expired credentials   -> auth_failed   */
	KR_EFORBIDDEN,  /* access denied                         -> forbidden     */
	KR_ENOTFOUND,   /* no such thing                         -> not_found     */
	KR_ENOTALLOWED, /* the circle's policy does not allow it -> not_allowed   */
	KR_ERATELIMIT,  /* posting rate limit reached            -> rate_limited  */
	KR_EOVERLOADED, /* queue full, try later                 -> overloaded    */
	KR_EINTERNAL,   /* store or other internal failure       -> internal      */
	KR_ETOOFAST,    /* message rate limit (user or address)  -> too_fast      */
	KR_ECONNLIMIT,  /* connections from one address          -> too_many_connections */
	KR_ETIMEOUT,    /* a message left incomplete too long    -> timeout       */
	KR_ERR__COUNT
};

/* Client exit codes (documented in README and schema/PROTOCOL.md). */
enum kr_exit {
	KR_EXIT_OK = 0,
	KR_EXIT_USAGE = 2,
	KR_EXIT_AUTH = 3,
	KR_EXIT_FORBIDDEN = 4,
	KR_EXIT_NOTFOUND = 5,
	KR_EXIT_REJECTED = 6,
	KR_EXIT_SERVER = 7,
};

/* Wire code for an error ("invalid_json", ...). Static string, never NULL. */
const char *kr_err_code(enum kr_err e);

/* Inverse of kr_err_code(). Unknown codes map to KR_EINTERNAL. */
enum kr_err kr_err_from_code(const char *code);

/* The `kairan` exit code for an error. */
enum kr_exit kr_err_exit(enum kr_err e);

#endif
