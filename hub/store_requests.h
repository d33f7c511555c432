/*
 * store_requests.h - permission requests: a reader asks an item's author,
 * through the hub, to forward the item or lower its TLP. The requester and
 * the author are kept here by id only; the request view given to either
 * side (request_view) carries neither identity.
 */
#ifndef KR_STORE_REQUESTS_H
#define KR_STORE_REQUESTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "kr_error.h"
#include "model.h"
#include "store.h"

#define KR_REQUEST_ID_LEN 19 /* "pr_" + 16 hex */

/* What the hub needs to act on a request. */
struct kr_request {
	char id[KR_REQUEST_ID_LEN + 1];
	char item_id[24];
	int64_t item_cursor;
	int64_t requester_user_id;
	int64_t author_user_id;
	char action[16];      /* "forward" or "lower_tlp" */
	int64_t to_circle_id; /* 0 unless forward */
	enum kr_tlp tlp;      /* KR_TLP_NONE unless lower_tlp */
	char status[16];      /* "pending", "granted", "refused" */
	json_t *view;         /* owned: the wire request object */
};

/* Store a new pending request; *out receives its id. */
enum kr_err store_request_add(struct kr_store *st, int64_t item_cursor, int64_t requester,
                              const char *action, int64_t to_circle_id, enum kr_tlp tlp,
                              const char *reason, char out[KR_REQUEST_ID_LEN + 1]);

/* Load one request. KR_ENOTFOUND when absent. Release with store_request_clear(). */
enum kr_err store_request_get(struct kr_store *st, const char *id, struct kr_request *out);
void store_request_clear(struct kr_request *r);

/* Record the author's decision on a pending request. */
enum kr_err store_request_decide(struct kr_store *st, const char *id, bool grant,
                                 const char *reason);

/* Requests about the user's own items (*to_me) and requests the user made
 * (*mine), newest first: arrays of request views, new references. */
enum kr_err store_requests_for(struct kr_store *st, int64_t user_id, json_t **to_me, json_t **mine);

/*
 * Refuse every pending request about an item (it was retracted) with the
 * given reason. *closed: new array of {"id", "requester"} so the hub can
 * tell each requester; internal only, never sent as is.
 */
enum kr_err store_requests_close(struct kr_store *st, int64_t item_cursor, const char *reason,
                                 json_t **closed);

#endif
