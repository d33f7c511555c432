/*
 * dispatch.h - the table of message types the hub accepts, and the
 * dispatcher that parses a frame and runs its handler.
 *
 * Every entry names its access class; tests/unit/test_dispatch.c walks the
 * table and fails on an entry without one, so a new message type cannot be
 * added without deciding who may use it.
 */
#ifndef KR_DISPATCH_H
#define KR_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "kr_error.h"
#include "proto.h"
#include "session.h"

enum kr_access {
	KR_ACCESS_UNSET = 0, /* never valid: the table test rejects it */
	KR_ACCESS_SESSION,   /* establishes the session itself (auth) */
	KR_ACCESS_SELF,      /* reads or changes only the caller's own state */
	KR_ACCESS_READ,      /* returns items: every item goes through reader.c */
	KR_ACCESS_WRITE,     /* creates items: policy_may_post() decides */
	KR_ACCESS_AGGREGATE, /* returns aggregates over organisations, never items or
	                      * individual rows: bench.c decides what is released */
};

/*
 * A handler sends its own reply with session_reply() and returns KR_OK, or
 * returns an error (with a message for people in err) which the dispatcher
 * sends as an `error` reply. A failing handler must leave nothing stored.
 */
typedef enum kr_err (*kr_handler_fn)(struct kr_session *s, const struct kr_envelope *env, char *err,
                                     size_t errlen);

struct kr_dispatch_entry {
	const char *type;
	kr_handler_fn fn;
	enum kr_access access;
	bool needs_auth;
};

extern const struct kr_dispatch_entry kr_dispatch_table[];
extern const size_t kr_dispatch_count;

/* Parse one complete frame from s and handle it (or answer with an error). */
void dispatch_frame(struct kr_session *s, const char *buf, size_t len);

#endif
