/*
 * feed.h - the plain HTTPS JSON feed of public CLEAR items:
 *   GET /feed/CIRCLE.json  ->  {"circle": ..., "items": [newest 100]}
 * for circles whose policy publishes CLEAR; 404 for everything else, the
 * same for an unknown circle as for a closed one. Every item passes the
 * reader gate as the anonymous reader. Indicators whose valid_until has
 * passed (kr_ind_expired) are left out of each item unless the query has
 * include_expired=1. One route of http.c.
 */
#ifndef KR_FEED_H
#define KR_FEED_H

#include "http.h"

/* Answer GET /feed/... (a route handler, see http.h). */
int feed_http(struct kr_http_req *q);

#endif
