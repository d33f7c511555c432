/*
 * metrics_http.h - GET /metrics: the Prometheus text format of the hub's
 * counters (metrics.h) for operators. Served to loopback clients (127.0.0.1,
 * ::1; unless metrics_local = off) and to any client that sends
 * `Authorization: Bearer <metrics_token>` when that is configured; anyone
 * else gets 403. Nothing in it names a user, an organisation or an item.
 */
#ifndef KR_METRICS_HTTP_H
#define KR_METRICS_HTTP_H

#include "http.h"

/* The route handler for /metrics. */
int metrics_http(struct kr_http_req *q);

#endif
