/*
 * deny_log.h - the hub's refusals into the audit trail: every request
 * refused with forbidden or not_allowed is noted (dispatch.c), counted by
 * denials.h, and written with audit_record(). The subject is the id the
 * request named (item, request or circle), taken only when it looks like
 * an id; nothing else of the request is kept.
 */
#ifndef KR_DENY_LOG_H
#define KR_DENY_LOG_H

#include <jansson.h>
#include <stdint.h>

#include "kr_error.h"

struct kr_server;
struct kr_session;

/* Start counting (and the timer that closes ended windows). */
void deny_log_start(struct kr_server *srv);

/* Note one refusal of a request of `type` (msg: the request, borrowed). */
void deny_log_note(struct kr_session *s, const char *type, const json_t *msg, enum kr_err code);

/*
 * Note one refusal outside the websocket protocol (an HTTP route such as
 * TAXII): by user_id (0: anonymous), of a request of `type` ("taxii"),
 * naming subject (an id such as a circle key, or ""), with code.
 */
void deny_log_note_http(struct kr_server *srv, int64_t user_id, const char *type,
                        const char *subject, enum kr_err code);

/* Write the summaries of every open window and stop. */
void deny_log_stop(struct kr_server *srv);

#endif
