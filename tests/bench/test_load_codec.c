/*
 * test_load_codec.c - the load tool's pure parts: MQTT 3.1.1 packets (byte
 * for byte against the specification's layouts), the NATS protocol
 * (encoders and the stream parser, partial and malformed input), stamps,
 * percentiles and the /proc parsers.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "loadstat.h"
#include "mqtt.h"
#include "nats.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__})

static void test_mqtt_encode(void)
{
	uint8_t buf[512], big[20000];
	size_t n;

	check_case("CONNECT");
	n = mqtt_connect(buf, sizeof(buf), "ab", 60);
	CHECK_EQ_INT(n, 16);
	CHECK_MEMEQ(buf, B(0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 2, 'a', 'b'), 16);
	CHECK_EQ_INT(mqtt_connect(buf, 15, "ab", 60), 0);

	check_case("SUBSCRIBE");
	n = mqtt_subscribe(buf, sizeof(buf), 1, "a/b", 0);
	CHECK_EQ_INT(n, 10);
	CHECK_MEMEQ(buf, B(0x82, 8, 0, 1, 0, 3, 'a', '/', 'b', 0), 10);
	CHECK_EQ_INT(mqtt_subscribe(buf, sizeof(buf), 0, "a", 0), 0);
	CHECK_EQ_INT(mqtt_subscribe(buf, sizeof(buf), 1, "", 0), 0);
	CHECK_EQ_INT(mqtt_subscribe(buf, sizeof(buf), 1, "a", 2), 0);

	check_case("PUBLISH QoS 0 and 1");
	n = mqtt_publish(buf, sizeof(buf), "t", 0, 0, "hi", 2);
	CHECK_EQ_INT(n, 7);
	CHECK_MEMEQ(buf, B(0x30, 5, 0, 1, 't', 'h', 'i'), 7);
	n = mqtt_publish(buf, sizeof(buf), "t", 1, 0x1234, "hi", 2);
	CHECK_EQ_INT(n, 9);
	CHECK_MEMEQ(buf, B(0x32, 7, 0, 1, 't', 0x12, 0x34, 'h', 'i'), 9);
	CHECK_EQ_INT(mqtt_publish(buf, sizeof(buf), "t", 1, 0, "hi", 2), 0);
	CHECK_EQ_INT(mqtt_publish(buf, sizeof(buf), "t", 2, 1, "hi", 2), 0);

	check_case("remaining length boundaries");
	{
		static const struct {
			size_t payload, header;
			uint8_t len[4];
		} rows[] = {
		    {124, 2, {127}},                /* 3 + 124 = 127: one byte */
		    {125, 3, {0x80, 0x01}},         /* 128 */
		    {16380, 3, {0xFF, 0x7F}},       /* 16383 */
		    {16381, 4, {0x80, 0x80, 0x01}}, /* 16384 */
		};
		static uint8_t payload[16400];

		for (size_t i = 0; i < CHECK_N(rows); i++) {
			n = mqtt_publish(big, sizeof(big), "t", 0, 0, payload, rows[i].payload);
			CHECK_EQ_INT(n, rows[i].header + 3 + rows[i].payload);
			CHECK_MEMEQ(big + 1, rows[i].len, rows[i].header - 1);
		}
	}

	check_case("PUBACK, PINGREQ, DISCONNECT");
	CHECK_EQ_INT(mqtt_puback(buf, sizeof(buf), 0xBEEF), 4);
	CHECK_MEMEQ(buf, B(0x40, 2, 0xBE, 0xEF), 4);
	CHECK_EQ_INT(mqtt_pingreq(buf, sizeof(buf)), 2);
	CHECK_MEMEQ(buf, B(0xC0, 0), 2);
	CHECK_EQ_INT(mqtt_disconnect(buf, sizeof(buf)), 2);
	CHECK_MEMEQ(buf, B(0xE0, 0), 2);
	CHECK_EQ_INT(mqtt_pingreq(buf, 1), 0);
	check_case(NULL);
}

static void test_mqtt_parse(void)
{
	struct mqtt_packet p;
	uint8_t buf[300];
	size_t n;

	check_case("CONNACK, whole and in parts");
	CHECK_EQ_INT(mqtt_parse(B(0x20, 2, 0, 0), 4, &p), 4);
	CHECK_EQ_INT(p.type, MQTT_CONNACK);
	CHECK_EQ_INT(p.code, 0);
	CHECK_EQ_INT(mqtt_parse(B(0x20, 2, 1, 5), 4, &p), 4);
	CHECK_EQ_INT(p.code, 5);
	CHECK_EQ_INT(mqtt_parse(B(0x20), 1, &p), 0);
	CHECK_EQ_INT(mqtt_parse(B(0x20, 2, 0), 3, &p), 0);

	check_case("SUBACK, PUBACK, PINGRESP");
	CHECK_EQ_INT(mqtt_parse(B(0x90, 3, 0, 1, 0), 5, &p), 5);
	CHECK_EQ_INT(p.type, MQTT_SUBACK);
	CHECK_EQ_INT(p.packet_id, 1);
	CHECK_EQ_INT(p.code, 0);
	CHECK_EQ_INT(mqtt_parse(B(0x90, 3, 0, 1, 0x80), 5, &p), 5);
	CHECK_EQ_INT(p.code, 0x80);
	CHECK_EQ_INT(mqtt_parse(B(0x40, 2, 0x12, 0x34, 0xAA), 5, &p), 4);
	CHECK_EQ_INT(p.type, MQTT_PUBACK);
	CHECK_EQ_INT(p.packet_id, 0x1234);
	CHECK_EQ_INT(mqtt_parse(B(0xD0, 0), 2, &p), 2);
	CHECK_EQ_INT(p.type, MQTT_PINGRESP);

	check_case("PUBLISH round trip");
	n = mqtt_publish(buf, sizeof(buf), "kairan/bench", 0, 0, "payload", 7);
	CHECK_EQ_INT(mqtt_parse(buf, n, &p), (long)n);
	CHECK_EQ_INT(p.type, MQTT_PUBLISH);
	CHECK_EQ_INT(p.qos, 0);
	CHECK_EQ_INT(p.topic_len, 12);
	CHECK_MEMEQ(p.topic, "kairan/bench", 12);
	CHECK_EQ_INT(p.payload_len, 7);
	CHECK_MEMEQ(p.payload, "payload", 7);
	n = mqtt_publish(buf, sizeof(buf), "t", 1, 77, "", 0);
	CHECK_EQ_INT(mqtt_parse(buf, n, &p), (long)n);
	CHECK_EQ_INT(p.qos, 1);
	CHECK_EQ_INT(p.packet_id, 77);
	CHECK_EQ_INT(p.payload_len, 0);
	for (size_t k = 0; k < n; k++)
		CHECK_EQ_INT(mqtt_parse(buf, k, &p), 0); /* every prefix: need more */

	check_case("two packets in one buffer");
	memcpy(buf, B(0x20, 2, 0, 0, 0xD0, 0), 6);
	CHECK_EQ_INT(mqtt_parse(buf, 6, &p), 4);
	CHECK_EQ_INT(mqtt_parse(buf + 4, 2, &p), 2);
	CHECK_EQ_INT(p.type, MQTT_PINGRESP);

	check_case("malformed");
	CHECK_EQ_INT(mqtt_parse(B(0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01), 6, &p), -1);
	CHECK_EQ_INT(mqtt_parse(B(0x10, 0), 2, &p), -1);            /* CONNECT from a server */
	CHECK_EQ_INT(mqtt_parse(B(0x20, 3, 0, 0, 0), 5, &p), -1);   /* CONNACK too long */
	CHECK_EQ_INT(mqtt_parse(B(0x30, 3, 0, 5, 'a'), 5, &p), -1); /* topic past the end */
	CHECK_EQ_INT(mqtt_parse(B(0x36, 3, 0, 1, 'a'), 5, &p), -1); /* QoS 3 */
	CHECK_EQ_INT(mqtt_parse(B(0xD0, 1, 0), 3, &p), -1);
	check_case(NULL);
}

static void test_nats(void)
{
	char buf[512];
	struct nats_msg m;
	size_t n;
	const char *s;

	check_case("encoders");
	n = nats_connect(buf, sizeof(buf), "kl");
	CHECK(n > 10 && strncmp(buf, "CONNECT {", 9) == 0 && strcmp(buf + n - 3, "}\r\n") == 0);
	CHECK(strstr(buf, "\"verbose\":false") != NULL);
	CHECK_EQ_INT(nats_sub(buf, sizeof(buf), "a.b", 7), 11);
	CHECK_STREQ(buf, "SUB a.b 7\r\n");
	CHECK_EQ_INT(nats_sub(buf, sizeof(buf), "a b", 7), 0);
	CHECK_EQ_INT(nats_sub(buf, sizeof(buf), "", 7), 0);
	n = nats_pub(buf, sizeof(buf), "a", "hello", 5);
	CHECK_EQ_INT(n, 16);
	CHECK_MEMEQ(buf, "PUB a 5\r\nhello\r\n", 16);
	CHECK_EQ_INT(nats_pub(buf, 12, "a", "hello", 5), 0);
	CHECK_EQ_INT(nats_ping(buf, sizeof(buf)), 6);
	CHECK_EQ_INT(nats_pong(buf, sizeof(buf)), 6);
	CHECK_STREQ(buf, "PONG\r\n");

	check_case("INFO, PING, PONG, +OK, -ERR");
	s = "INFO {\"server_id\":\"x\"}\r\n";
	CHECK_EQ_INT(nats_parse(s, strlen(s), &m), (long)strlen(s));
	CHECK_EQ_INT(m.op, NATS_INFO);
	CHECK_EQ_INT(m.text_len, 17);
	CHECK_MEMEQ(m.text, "{\"server_id\":\"x\"}", 17);
	CHECK_EQ_INT(nats_parse("ping\r\n", 6, &m), 6);
	CHECK_EQ_INT(m.op, NATS_PING);
	CHECK_EQ_INT(nats_parse("PONG\r\n", 6, &m), 6);
	CHECK_EQ_INT(m.op, NATS_PONG);
	CHECK_EQ_INT(nats_parse("+OK\r\n", 5, &m), 5);
	CHECK_EQ_INT(m.op, NATS_OK);
	s = "-ERR 'Slow Consumer'\r\n";
	CHECK_EQ_INT(nats_parse(s, strlen(s), &m), (long)strlen(s));
	CHECK_EQ_INT(m.op, NATS_ERR);
	CHECK_MEMEQ(m.text, "'Slow Consumer'", 15);

	check_case("MSG with and without reply-to");
	s = "MSG kairan.bench 1 5\r\nhello\r\nPING\r\n";
	CHECK_EQ_INT(nats_parse(s, strlen(s), &m), 29);
	CHECK_EQ_INT(m.op, NATS_MSG);
	CHECK_EQ_INT(m.subject_len, 12);
	CHECK_EQ_INT(m.sid, 1);
	CHECK_EQ_INT(m.payload_len, 5);
	CHECK_MEMEQ(m.payload, "hello", 5);
	CHECK_EQ_INT(nats_parse(s + 29, strlen(s) - 29, &m), 6);
	CHECK_EQ_INT(m.op, NATS_PING);
	s = "MSG a 22 _INBOX.x 0\r\n\r\n";
	CHECK_EQ_INT(nats_parse(s, strlen(s), &m), (long)strlen(s));
	CHECK_EQ_INT(m.sid, 22);
	CHECK_EQ_INT(m.payload_len, 0);

	check_case("partial input needs more");
	s = "MSG kairan.bench 1 5\r\nhello\r\n";
	for (size_t k = 0; k < strlen(s); k++)
		CHECK_EQ_INT(nats_parse(s, k, &m), 0);

	check_case("malformed");
	CHECK_EQ_INT(nats_parse("FOO\r\n", 5, &m), -1);
	CHECK_EQ_INT(nats_parse("PING\n", 5, &m), -1);
	CHECK_EQ_INT(nats_parse("MSG a 1 x\r\n", 11, &m), -1);
	CHECK_EQ_INT(nats_parse("MSG a\r\n", 7, &m), -1);
	CHECK_EQ_INT(nats_parse("MSG a 1 2\r\nhiXX", 15, &m), -1);
	CHECK_EQ_INT(nats_parse("PINGPONG\r\n", 10, &m), -1);
	{
		static char line[NATS_LINE_MAX + 10];

		memset(line, 'x', sizeof(line));
		CHECK_EQ_INT(nats_parse(line, sizeof(line), &m), -1);
		CHECK_EQ_INT(nats_parse(line, 100, &m), 0);
	}
	check_case(NULL);
}

struct seen {
	uint64_t usec[4];
	uint32_t seq[4];
	size_t n;
};

static void collect(void *ud, uint64_t usec, uint32_t seq)
{
	struct seen *s = ud;

	if (s->n < 4) {
		s->usec[s->n] = usec;
		s->seq[s->n] = seq;
	}
	s->n++;
}

static void test_stamps(void)
{
	static const struct {
		uint64_t usec;
		uint32_t seq;
	} rows[] = {{0, 0}, {1, 1}, {123456789012ULL, 999999}, {UINT64_MAX, UINT32_MAX}};
	char st[STAMP_LEN + 1], text[200];
	uint64_t usec;
	uint32_t seq;
	struct seen s = {0};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		check_case("round trip");
		stamp_write(st, rows[i].usec, rows[i].seq);
		CHECK(stamp_read(st, &usec, &seq));
		CHECK(usec == rows[i].usec);
		CHECK_EQ_INT(seq, rows[i].seq);
		for (size_t k = 6; k < STAMP_LEN; k++) /* letters only: nothing to scrub */
			CHECK(st[k] == '-' || (st[k] >= 'a' && st[k] <= 'p'));
	}
	check_case("scan among other text");
	stamp_write(st, 42, 7);
	st[STAMP_LEN] = '\0';
	snprintf(text, sizeof(text), "{\"title\":\"%s x\"},kload-zzzz,{\"title\":\"%s\"}", st, st);
	text[strlen(text) - 3]++; /* the second: seq 7 -> 8 ('h' -> 'i') */
	CHECK_EQ_INT(stamp_scan(text, strlen(text), collect, &s), 2);
	CHECK_EQ_INT(s.n, 2);
	CHECK(s.usec[0] == 42 && s.usec[1] == 42);
	CHECK_EQ_INT(s.seq[0], 7);
	CHECK_EQ_INT(s.seq[1], 8);
	check_case("a stamp cut off at the end is not counted");
	s.n = 0;
	CHECK_EQ_INT(stamp_scan(text, 10 + STAMP_LEN - 1, collect, &s), 0);
	check_case(NULL);
}

static void test_percentiles(void)
{
	uint32_t v[] = {5, 1, 3, 2, 4}, w[100], none[1];

	CHECK_EQ_INT(pct_u32(v, 5, 50), 3);
	CHECK_EQ_INT(pct_sorted(v, 5, 0), 1);
	CHECK_EQ_INT(pct_sorted(v, 5, 99), 5);
	CHECK_EQ_INT(pct_sorted(v, 5, 100), 5);
	CHECK_EQ_INT(pct_sorted(v, 5, 20), 1);
	CHECK_EQ_INT(pct_sorted(v, 5, 21), 2);
	for (uint32_t i = 0; i < 100; i++)
		w[i] = 100 - i;
	CHECK_EQ_INT(pct_u32(w, 100, 50), 50);
	CHECK_EQ_INT(pct_sorted(w, 100, 99), 99);
	CHECK_EQ_INT(pct_sorted(w, 100, 100), 100);
	CHECK_EQ_INT(pct_u32(none, 0, 50), 0);
}

static void test_proc(void)
{
	/* a command name with spaces and a ')' of its own */
	const char *stat = "123 (we ird) x) S 1 1 1 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 1 0 "
	                   "100 1000 50\n";
	const char *status = "Name:\tkairan-hub\nVmPeak:\t  100 kB\nVmRSSX:\t 1 kB\n"
	                     "VmRSS:\t    2048 kB\nThreads:\t1\n";

	CHECK_EQ_INT(proc_stat_ticks(stat), 280);
	CHECK_EQ_INT(proc_stat_ticks("123 (x) S 1 2"), -1);
	CHECK_EQ_INT(proc_stat_ticks("garbage"), -1);
	CHECK_EQ_INT(proc_status_kib(status, "VmRSS"), 2048);
	CHECK_EQ_INT(proc_status_kib(status, "VmPeak"), 100);
	CHECK_EQ_INT(proc_status_kib(status, "VmHWM"), -1);
	CHECK(proc_cpu_ticks(1) >= 0 || proc_cpu_ticks(1) == -1);
	CHECK(proc_rss_kib(-5) == -1);
}

int main(void)
{
	test_mqtt_encode();
	test_mqtt_parse();
	test_nats();
	test_stamps();
	test_percentiles();
	test_proc();
	return check_finish();
}
