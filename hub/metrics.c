/*
 * metrics.c - counters and the Prometheus text format (see metrics.h).
 */
#include "metrics.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const double kr_hist_bounds[KR_HIST_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

void hist_observe(struct kr_hist *h, double seconds)
{
	if (seconds < 0)
		seconds = 0;
	for (int i = 0; i < KR_HIST_BUCKETS; i++) {
		if (seconds <= kr_hist_bounds[i]) {
			h->le[i]++;
			break;
		}
	}
	h->count++;
	h->sum += seconds;
}

void counters_add(struct kr_counters *c, const char *label, uint64_t n)
{
	size_t i;

	if (!label || !label[0])
		label = "other";
	for (i = 0; i < c->n; i++)
		if (strcmp(c->e[i].label, label) == 0)
			break;
	if (i == c->n) {
		if (c->n >= KR_LABELS_MAX - 1 && strcmp(label, "other") != 0) {
			counters_add(c, "other", n); /* the last slot is "other" */
			return;
		}
		if (c->n >= KR_LABELS_MAX)
			return; /* unreachable: "other" holds the last slot */
		snprintf(c->e[i].label, sizeof(c->e[i].label), "%s", label);
		c->e[i].n = 0;
		c->n++;
	}
	c->e[i].n += n;
}

/* A growing output buffer. */
struct out {
	char *buf;
	size_t len, cap;
	bool failed;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->failed = true;
			return;
		}
		if ((size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		{
			size_t cap = (o->cap + (size_t)n + 1) * 2;
			char *p = realloc(o->buf, cap);

			if (!p) {
				o->failed = true;
				return;
			}
			o->buf = p;
			o->cap = cap;
		}
	}
}

static void head(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void gauge(struct out *o, const char *name, const char *help, uint64_t v)
{
	head(o, name, "gauge", help);
	put(o, "%s %" PRIu64 "\n", name, v);
}

static void counter(struct out *o, const char *name, const char *help, uint64_t v)
{
	head(o, name, "counter", help);
	put(o, "%s %" PRIu64 "\n", name, v);
}

/* Label values are chosen by the hub ([a-z_0-9]), but escape anyway. */
static void labelled(struct out *o, const char *name, const char *label, const char *help,
                     const struct kr_counters *c)
{
	head(o, name, "counter", help);
	for (size_t i = 0; i < c->n; i++) {
		put(o, "%s{%s=\"", name, label);
		for (const char *p = c->e[i].label; *p; p++) {
			if (*p == '\\' || *p == '"')
				put(o, "\\%c", *p);
			else if (*p == '\n')
				put(o, "\\n");
			else
				put(o, "%c", *p);
		}
		put(o, "\"} %" PRIu64 "\n", c->e[i].n);
	}
}

static void histogram(struct out *o, const char *name, const char *help, const struct kr_hist *h)
{
	uint64_t cum = 0;

	head(o, name, "histogram", help);
	for (int i = 0; i < KR_HIST_BUCKETS; i++) {
		cum += h->le[i];
		put(o, "%s_bucket{le=\"%g\"} %" PRIu64 "\n", name, kr_hist_bounds[i], cum);
	}
	put(o, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, h->count);
	put(o, "%s_sum %.6f\n%s_count %" PRIu64 "\n", name, h->sum, name, h->count);
}

char *metrics_render(const struct kr_metrics *m, const struct kr_metrics_gauges *g, size_t *len)
{
	static const struct kr_hist empty;
	struct out o = {.buf = malloc(8192), .cap = 8192};

	if (!o.buf)
		return NULL;
	head(&o, "kairan_start_time_seconds", "gauge", "when the hub started (Unix time)");
	put(&o, "kairan_start_time_seconds %.0f\n", g->start_time);
	gauge(&o, "kairan_connections", "open websocket connections", g->connections_open);
	gauge(&o, "kairan_connections_authenticated", "open connections that authenticated",
	      g->authenticated);
	counter(&o, "kairan_connections_total", "websocket connections accepted", m->connections);
	labelled(&o, "kairan_messages_in_total", "type",
	         "requests received, by message type (unknown: not a known type; invalid: not a "
	         "message)",
	         &m->in);
	labelled(&o, "kairan_messages_out_total", "type",
	         "replies and pushes queued for clients, by message type (deliver counted below)",
	         &m->out);
	counter(&o, "kairan_deliver_frames_total", "deliver frames written (one item or a batch)",
	        m->deliver_frames);
	counter(&o, "kairan_items_delivered_total", "items written in deliver frames",
	        m->items_delivered);
	labelled(&o, "kairan_errors_total", "code", "error replies, by code", &m->errors);
	{
		uint64_t denied = 0;

		for (size_t i = 0; i < m->errors.n; i++)
			if (strcmp(m->errors.e[i].label, "forbidden") == 0 ||
			    strcmp(m->errors.e[i].label, "not_allowed") == 0)
				denied += m->errors.e[i].n;
		counter(&o, "kairan_denials_total",
		        "requests refused by access rules or a circle's policy (forbidden, "
		        "not_allowed)",
		        denied);
	}
	counter(&o, "kairan_gate_denials_total",
	        "queued items the read gate refused at send time (access lost meanwhile)",
	        g->gate_denials);
	gauge(&o, "kairan_subscribers", "connections with a subscription", g->subscribers);
	gauge(&o, "kairan_subscribers_catching_up",
	      "subscribers replaying from the store after their queue filled", g->catching_up);
	gauge(&o, "kairan_queue_messages", "messages waiting in send queues, all connections",
	      g->queue_messages);
	gauge(&o, "kairan_queue_bytes", "bytes waiting in send queues, all connections",
	      g->queue_bytes);
	gauge(&o, "kairan_queue_max_messages", "messages waiting in the longest send queue",
	      g->queue_max_messages);
	gauge(&o, "kairan_audit_entries", "entries in the audit trail", g->audit_entries);
	histogram(&o, "kairan_store_write_seconds",
	          "write transactions of the store, BEGIN to durable COMMIT",
	          g->store ? g->store : &empty);
	if (o.failed) {
		free(o.buf);
		return NULL;
	}
	*len = o.len;
	return o.buf;
}
