/*
 * metrics.h - the hub's counters and their Prometheus text rendering, as
 * pure data and functions: counters by label (message types in and out,
 * error codes), a latency histogram with fixed buckets, and
 * metrics_render(), which writes the text exposition format (version
 * 0.0.4) of the counters and of the gauges the caller gathered.
 *
 * Who counts: dispatch.c (messages in, errors), session.c (messages out),
 * reader.c (items delivered), store.c (write-transaction latency). Who
 * serves: metrics_http.c (GET /metrics, local or with metrics_token).
 */
#ifndef KR_METRICS_H
#define KR_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define KR_HIST_BUCKETS 12
#define KR_LABELS_MAX   64 /* distinct labels per counter set; more are "other" */
#define KR_LABEL_LEN    32

/* Upper bounds (seconds) of the histogram buckets; +Inf is implicit. */
extern const double kr_hist_bounds[KR_HIST_BUCKETS];

struct kr_hist {
	uint64_t le[KR_HIST_BUCKETS]; /* observations <= bound i (not cumulative) */
	uint64_t count;
	double sum;
};

void hist_observe(struct kr_hist *h, double seconds);

/* A counter per label, for labels chosen by the hub (message types, error
 * codes), at most KR_LABELS_MAX; further labels are counted as "other". */
struct kr_counters {
	struct {
		char label[KR_LABEL_LEN];
		uint64_t n;
	} e[KR_LABELS_MAX];
	size_t n;
};

void counters_add(struct kr_counters *c, const char *label, uint64_t n);

struct kr_metrics {
	struct kr_counters in;     /* requests by message type ("unknown", "invalid") */
	struct kr_counters out;    /* messages queued to clients by type */
	struct kr_counters errors; /* error replies by code */
	uint64_t deliver_frames;   /* deliver frames written (one or a batch) */
	uint64_t items_delivered;  /* items written in them */
	uint64_t connections;      /* websocket connections accepted */
};

/* What is read at scrape time. */
struct kr_metrics_gauges {
	uint64_t connections_open;
	uint64_t authenticated;
	uint64_t subscribers;
	uint64_t catching_up;    /* subscribers replaying from the store */
	uint64_t queue_messages; /* over every connection */
	uint64_t queue_bytes;
	uint64_t queue_max_messages; /* the longest single queue */
	uint64_t gate_denials;       /* queued items refused by the gate at send time */
	uint64_t audit_entries;
	double start_time;           /* epoch seconds */
	const struct kr_hist *store; /* write transactions, BEGIN to COMMIT */
};

/*
 * The Prometheus text format of m and g: a malloc'd string (length in
 * *len), or NULL when out of memory. Metric names start with kairan_.
 */
char *metrics_render(const struct kr_metrics *m, const struct kr_metrics_gauges *g, size_t *len);

#endif
