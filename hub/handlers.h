/*
 * handlers.h - one handler per message type, named handle_<type>; each file
 * handle_*.c holds one group. See dispatch.h for the contract.
 */
#ifndef KR_HANDLERS_H
#define KR_HANDLERS_H

#include "dispatch.h"

#define KR_HANDLER(name)                                                                           \
	enum kr_err name(struct kr_session *s, const struct kr_envelope *env, char *err,           \
	                 size_t errlen)

KR_HANDLER(handle_auth);
KR_HANDLER(handle_whoami);
KR_HANDLER(handle_circles);
KR_HANDLER(handle_post);
KR_HANDLER(handle_get);
KR_HANDLER(handle_history);
KR_HANDLER(handle_subscribe);
KR_HANDLER(handle_unsubscribe);
KR_HANDLER(handle_ack);
KR_HANDLER(handle_roster);
KR_HANDLER(handle_forward);
KR_HANDLER(handle_retract);
KR_HANDLER(handle_request);
KR_HANDLER(handle_requests);
KR_HANDLER(handle_decide);
KR_HANDLER(handle_moderation);
KR_HANDLER(handle_moderate);
KR_HANDLER(handle_sight);
KR_HANDLER(handle_lookup);
KR_HANDLER(handle_export);
KR_HANDLER(handle_search);
KR_HANDLER(handle_assess_submit);
KR_HANDLER(handle_assess_mine);
KR_HANDLER(handle_assess_benchmark);

/*
 * Resolve a circle key the session may follow. An unknown circle and one
 * the session is not in both give KR_EFORBIDDEN with the same message, so
 * the answer does not reveal which circles exist.
 */
enum kr_err handler_circle(struct kr_session *s, const char *key, int64_t *circle_id, char *err,
                           size_t errlen);
#endif
