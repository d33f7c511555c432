/*
 * test_metrics.c - the hub's counters and their Prometheus text format
 * (hub/metrics.h): labelled counters (and their bound: further labels go
 * to "other"), histogram buckets (cumulative in the output, +Inf, sum,
 * count), gauges, escaping, and HELP/TYPE lines before every metric.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "metrics.h"

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static void test_render(void)
{
	static struct kr_metrics m;
	struct kr_hist h = {0};
	struct kr_metrics_gauges g = {.connections_open = 3,
	                              .authenticated = 2,
	                              .subscribers = 2,
	                              .catching_up = 1,
	                              .queue_messages = 40,
	                              .queue_bytes = 81920,
	                              .queue_max_messages = 37,
	                              .gate_denials = 5,
	                              .audit_entries = 1234,
	                              .start_time = 1767225600,
	                              .store = &h};
	static const struct {
		const char *line;
	} want[] = {
	    {"# TYPE kairan_connections gauge"},
	    {"kairan_connections 3"},
	    {"kairan_connections_authenticated 2"},
	    {"kairan_connections_total 7"},
	    {"# TYPE kairan_messages_in_total counter"},
	    {"kairan_messages_in_total{type=\"post\"} 3"},
	    {"kairan_messages_in_total{type=\"get\"} 1"},
	    {"kairan_messages_in_total{type=\"unknown\"} 1"},
	    {"kairan_messages_out_total{type=\"posted\"} 2"},
	    {"kairan_errors_total{code=\"forbidden\"} 4"},
	    {"kairan_errors_total{code=\"not_allowed\"} 1"},
	    {"kairan_errors_total{code=\"rate_limited\"} 2"},
	    {"kairan_denials_total 5"},
	    {"kairan_gate_denials_total 5"},
	    {"kairan_deliver_frames_total 10"},
	    {"kairan_items_delivered_total 25"},
	    {"kairan_subscribers 2"},
	    {"kairan_subscribers_catching_up 1"},
	    {"kairan_queue_messages 40"},
	    {"kairan_queue_bytes 81920"},
	    {"kairan_queue_max_messages 37"},
	    {"kairan_audit_entries 1234"},
	    {"kairan_start_time_seconds 1767225600"},
	    {"# TYPE kairan_store_write_seconds histogram"},
	    {"kairan_store_write_seconds_bucket{le=\"0.0005\"} 1"},
	    {"kairan_store_write_seconds_bucket{le=\"0.001\"} 1"},
	    {"kairan_store_write_seconds_bucket{le=\"0.005\"} 3"},
	    {"kairan_store_write_seconds_bucket{le=\"0.25\"} 4"},
	    {"kairan_store_write_seconds_bucket{le=\"2.5\"} 4"},
	    {"kairan_store_write_seconds_bucket{le=\"+Inf\"} 5"},
	    {"kairan_store_write_seconds_count 5"},
	    {"kairan_store_write_seconds_sum 3.207300"},
	};
	size_t len = 0;
	char *text;

	counters_add(&m.in, "post", 2);
	counters_add(&m.in, "get", 1);
	counters_add(&m.in, "post", 1);
	counters_add(&m.in, "unknown", 1);
	counters_add(&m.out, "posted", 2);
	counters_add(&m.errors, "forbidden", 4);
	counters_add(&m.errors, "not_allowed", 1);
	counters_add(&m.errors, "rate_limited", 2);
	m.deliver_frames = 10;
	m.items_delivered = 25;
	m.connections = 7;
	hist_observe(&h, 0.0003);
	hist_observe(&h, 0.004);
	hist_observe(&h, 0.003);
	hist_observe(&h, 0.2);
	hist_observe(&h, 3.0);
	text = metrics_render(&m, &g, &len);
	if (!CHECK_NOT_NULL(text))
		return;
	CHECK_EQ_INT(len, strlen(text));
	for (size_t i = 0; i < CHECK_N(want); i++) {
		check_case(want[i].line);
		if (!CHECK(has_line(text, want[i].line)))
			fprintf(stderr, "  missing line\n");
	}
	check_case("every sample has HELP and TYPE");
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		char name[128];
		char help[160], type[160];

		if (!nl)
			break;
		if (*p != '#') {
			size_t n = strcspn(p, "{ ");

			snprintf(name, sizeof(name), "%.*s", (int)n, p);
			if (strstr(name, "_bucket") || strstr(name, "_sum") ||
			    strstr(name, "_count"))
				*strrchr(name, '_') = '\0';
			if (strstr(name, "_bucket"))
				*strrchr(name, '_') = '\0';
			snprintf(help, sizeof(help), "# HELP %s ", name);
			snprintf(type, sizeof(type), "# TYPE %s ", name);
			if (!CHECK(strstr(text, help) && strstr(text, type)))
				fprintf(stderr, "  %s\n", name);
		}
		p = nl + 1;
	}
	CHECK(text[len - 1] == '\n');
	free(text);
	check_case(NULL);
}

static void test_counters(void)
{
	static struct kr_counters c;
	char label[32];

	check_case("labels beyond the bound are counted as other");
	for (int i = 0; i < KR_LABELS_MAX + 10; i++) {
		snprintf(label, sizeof(label), "type_%d", i);
		counters_add(&c, label, 1);
	}
	CHECK_EQ_INT(c.n, KR_LABELS_MAX);
	CHECK_STREQ(c.e[KR_LABELS_MAX - 1].label, "other");
	CHECK_EQ_INT(c.e[KR_LABELS_MAX - 1].n, 11);
	counters_add(&c, "type_0", 5);
	CHECK_EQ_INT(c.e[0].n, 6);
	counters_add(&c, NULL, 1);
	CHECK_EQ_INT(c.e[KR_LABELS_MAX - 1].n, 12);

	check_case("label values are escaped");
	{
		static struct kr_metrics m;
		struct kr_metrics_gauges g = {0};
		size_t len;
		char *text;

		counters_add(&m.out, "a\"b\\c", 1);
		text = metrics_render(&m, &g, &len);
		CHECK(text && has_line(text, "kairan_messages_out_total{type=\"a\\\"b\\\\c\"} 1"));
		CHECK(text && has_line(text, "kairan_store_write_seconds_count 0"));
		free(text);
	}
	check_case(NULL);
}

int main(void)
{
	test_render();
	test_counters();
	return check_finish();
}
