/*
 * load.c - kairan-load: the load tool of the benchmark (BENCHMARKS.md).
 *
 * One process, one libwebsockets context, one event loop, many client
 * connections. It speaks three protocols over websockets: kairan's JSON
 * (kairan.v1, through the envelope parser of kairan_common), MQTT 3.1.1
 * (mqtt.h, subprotocol "mqtt") and the NATS client protocol (nats.h), so
 * the same scenarios run against kairan-hub, mosquitto and nats-server.
 *
 * Scenarios (one per run; run.py runs them all against every server):
 *   fanout  N subscribers, one publisher posting M items at --rate per
 *           second or as one burst (--rate 0); every item carries a stamp
 *           (loadstat.h) with its send time, read back by every subscriber
 *   idle    N connections that authenticate (kairan auth, MQTT CONNECT,
 *           NATS CONNECT + PING) and then stay idle: the server's resident
 *           memory before and after
 *   ingest  P publishers posting M items as fast as acknowledgements
 *           allow, at most --window unacknowledged per connection (kairan
 *           `posted`, MQTT QoS 1 PUBACK, NATS PONG to a PING after each PUB)
 *
 * Measured: delivered/expected (each subscriber × item counted once;
 * duplicates counted apart), deliveries per second (from the first send to
 * the last delivery), publish-to-delivery latency p50/p99/max (one clock:
 * the stamp is written and read by this process), the server's CPU time
 * (utime + stime of /proc/PID/stat) over the measured window per delivery,
 * resident memory per idle connection (VmRSS of /proc/PID/status), and
 * acknowledged posts per second with their latency. The result is one JSON
 * object on stdout; progress goes to stderr.
 *
 * Bounded: every phase has a deadline (--timeout), a stall (no progress for
 * --stall seconds) ends a phase early, and the connection count and post
 * count are fixed by the command line. Connect only to loopback servers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <jansson.h>
#include <libwebsockets.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "loadstat.h"
#include "mqtt.h"
#include "nats.h"
#include "proto.h"

#define TICK_US       (20 * 1000)
#define RX_MAX        (16u << 20) /* largest message accepted from a server */
#define MQTT_TOPIC    "kairan/bench"
#define NATS_SUBJECT  "kairan.bench"
#define PING_EVERY_US (30LL * 1000000)

enum server_kind { SRV_KAIRAN, SRV_MQTT, SRV_NATS };
enum scenario { SC_FANOUT, SC_IDLE, SC_INGEST };
enum role { ROLE_SUB, ROLE_PUB, ROLE_IDLE };
enum cstate { CS_CONNECTING, CS_OPEN, CS_READY, CS_CLOSED, CS_FAILED };
enum phase { PH_CONNECT, PH_SETTLE, PH_RUN, PH_DONE };

struct frame {
	struct frame *next;
	size_t len;
	unsigned char buf[]; /* LWS_PRE headroom, then len bytes */
};

struct load;

struct lconn {
	struct load *L;
	struct lws *wsi;
	uint32_t idx; /* among the subscribers, the publishers or the idle */
	enum role role;
	enum cstate st;
	struct frame *out_head, *out_tail;
	unsigned char *rx;
	size_t rx_len, rx_cap;
	uint32_t inflight;  /* publisher: posts not yet acknowledged */
	uint32_t *pending;  /* publisher: seq of posts in flight, FIFO (NATS PONG) */
	uint32_t pend_head; /* index of the oldest in pending */
	uint16_t next_pid;  /* MQTT packet id */
	uint32_t *pid_seq;  /* MQTT: packet id -> seq */
	int64_t last_ping;
	bool kill; /* close it: refused before it was ready */
};

struct opts {
	enum server_kind server;
	enum scenario scenario;
	const char *url, *ca, *circle, *tokens_file, *pub_tokens_file;
	int pid;
	uint32_t subscribers, publishers, posts, window, body_bytes, concurrency;
	double rate, timeout_s, stall_s, settle_s, duration_s;
	bool verify, insecure;
};

struct url {
	bool tls;
	char host[256];
	int port;
	char path[256];
};

struct load {
	struct opts o;
	struct url u;
	struct lws_context *ctx;
	lws_sorted_usec_list_t tick;
	char **tokens, **pub_tokens;
	size_t n_tokens, n_pub_tokens;

	struct lconn *conns; /* subscribers or idle first, then publishers */
	uint32_t n_conns, n_subs, n_pubs;
	uint32_t next_open, opening, ready, failed, closed;
	enum phase phase;
	int64_t phase_deadline, start_us;

	/* the post template and where its stamp and id go */
	char *tmpl;
	unsigned char *pkt; /* MQTT and NATS: the packet being written */
	size_t tmpl_len, stamp_off, id_off, payload_off, payload_len;

	/* publishing */
	uint32_t next_seq, allowed, acked, post_errors;
	bool out_of_time;            /* --duration has passed: no new posts */
	double self_cpu0, self_cpu1; /* the load tool's own CPU over the run */
	int64_t run_start, first_send, last_send;
	int64_t *send_us; /* per seq */
	uint32_t *ack_lat;
	uint32_t n_ack_lat;

	/* deliveries */
	uint64_t expected, delivered, dups, bogus;
	uint8_t *seen; /* subscriber × seq bits */
	uint32_t *lat;
	uint64_t n_lat;
	int64_t last_progress, last_delivery;
	uint64_t verify_items, verify_errors;

	/* what went wrong, first of each */
	uint64_t errors;
	char first_error[256];
	int64_t last_ping_round;
};

static volatile sig_atomic_t interrupted;

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void note_error(struct load *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note_error(struct load *L, const char *fmt, ...)
{
	va_list ap;

	L->errors++;
	if (L->first_error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(L->first_error, sizeof(L->first_error), fmt, ap);
	va_end(ap);
}

/* ---- outbound frames -------------------------------------------------- */

static bool queue_bytes(struct lconn *c, const void *data, size_t len)
{
	struct frame *f = malloc(sizeof(*f) + LWS_PRE + len);

	if (!f)
		return false;
	f->next = NULL;
	f->len = len;
	memcpy(f->buf + LWS_PRE, data, len);
	if (c->out_tail)
		c->out_tail->next = f;
	else
		c->out_head = f;
	c->out_tail = f;
	if (c->wsi)
		lws_callback_on_writable(c->wsi);
	return true;
}

static bool queue_json(struct lconn *c, json_t *msg)
{
	size_t len;
	char *buf = msg ? kr_msg_dump(msg, 0, &len) : NULL;
	bool ok = buf && queue_bytes(c, buf, len);

	free(buf);
	json_decref(msg);
	return ok;
}

static void free_frames(struct lconn *c)
{
	while (c->out_head) {
		struct frame *f = c->out_head;

		c->out_head = f->next;
		free(f);
	}
	c->out_tail = NULL;
}

/* ---- deliveries --------------------------------------------------------- */

struct deliver_ctx {
	struct lconn *c;
	int64_t now;
	size_t n;
};

static void on_stamp(void *ud, uint64_t usec, uint32_t seq)
{
	struct deliver_ctx *d = ud;
	struct load *L = d->c->L;
	uint64_t bit;

	d->n++;
	if (seq >= L->o.posts || d->c->role != ROLE_SUB) {
		L->bogus++;
		return;
	}
	bit = (uint64_t)d->c->idx * L->o.posts + seq;
	if (L->seen[bit >> 3] & (1u << (bit & 7))) {
		L->dups++;
		return;
	}
	L->seen[bit >> 3] |= (uint8_t)(1u << (bit & 7));
	L->delivered++;
	if (L->n_lat < L->expected) {
		int64_t lat = d->now - (int64_t)usec;

		L->lat[L->n_lat++] = lat < 0 ? 0 : lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat;
	}
	L->last_delivery = d->now;
	L->last_progress = d->now;
}

static size_t deliveries(struct lconn *c, const void *buf, size_t len)
{
	struct deliver_ctx d = {c, now_us(), 0};

	stamp_scan(buf, len, on_stamp, &d);
	return d.n;
}

/* ---- publishing --------------------------------------------------------- */

static void acked(struct lconn *c, uint32_t seq)
{
	struct load *L = c->L;
	int64_t now = now_us();

	if (c->inflight)
		c->inflight--;
	if (seq < L->o.posts && L->send_us[seq] > 0 && L->n_ack_lat < L->o.posts) {
		L->ack_lat[L->n_ack_lat++] = (uint32_t)(now - L->send_us[seq]);
		L->send_us[seq] = -L->send_us[seq]; /* acknowledged once */
		L->acked++;
		L->last_progress = now;
	}
	if (c->wsi)
		lws_callback_on_writable(c->wsi);
}

static bool may_send(const struct lconn *c)
{
	const struct load *L = c->L;

	return c->role == ROLE_PUB && c->st == CS_READY && L->phase == PH_RUN &&
	       L->next_seq < L->o.posts && L->next_seq < L->allowed && c->inflight < L->o.window &&
	       !L->out_of_time;
}

/* Write the next post of the run; one lws_write. */
static int send_post(struct lconn *c)
{
	struct load *L = c->L;
	uint32_t seq = L->next_seq++;
	int64_t now = now_us();
	unsigned char *frame = NULL;
	size_t len = 0;
	int n;
	bool acks = L->o.scenario == SC_INGEST || L->o.server == SRV_KAIRAN;

	size_t cap = L->payload_len + 256;

	/* a copy per write: lws masks a client's frame in place */
	if (!L->pkt) {
		L->pkt = malloc(LWS_PRE + cap);
		if (!L->pkt)
			return -1;
	}
	frame = L->pkt + LWS_PRE;
	stamp_write(L->tmpl + L->stamp_off, (uint64_t)now, seq);
	if (L->o.server == SRV_KAIRAN) {
		char id[16]; /* seq < 10,000,000: nine digits */

		snprintf(id, sizeof(id), "%09u", seq);
		memcpy(L->tmpl + L->id_off, id, 9);
		memcpy(frame, L->tmpl + LWS_PRE, L->tmpl_len);
		len = L->tmpl_len;
	} else {
		if (L->o.server == SRV_MQTT) {
			uint8_t qos = L->o.scenario == SC_INGEST ? 1 : 0;
			uint16_t pid = 0;

			if (qos) {
				if (++c->next_pid == 0)
					c->next_pid = 1;
				pid = c->next_pid;
				c->pid_seq[pid] = seq;
			}
			len = mqtt_publish(frame, cap, MQTT_TOPIC, qos, pid,
			                   L->tmpl + LWS_PRE + L->payload_off, L->payload_len);
		} else {
			len = nats_pub((char *)frame, cap, NATS_SUBJECT,
			               L->tmpl + LWS_PRE + L->payload_off, L->payload_len);
			if (acks && len) {
				size_t p = nats_ping((char *)frame + len, cap - len);

				len = p ? len + p : 0;
				c->pending[(c->pend_head + c->inflight) % L->o.window] = seq;
			}
		}
		if (!len) {
			note_error(L, "cannot encode a post of %zu bytes", L->payload_len);
			return -1;
		}
	}
	if (!L->first_send)
		L->first_send = now;
	L->last_send = now;
	L->send_us[seq] = now;
	if (acks)
		c->inflight++;
	n = lws_write(c->wsi, frame, len,
	              L->o.server == SRV_KAIRAN ? LWS_WRITE_TEXT : LWS_WRITE_BINARY);
	if (n < (int)len) {
		note_error(L, "publisher %u: write failed", c->idx);
		return -1;
	}
	if (!acks)
		L->last_progress = now;
	return 0;
}

/* ---- connection handshakes and messages ------------------------------- */

static const char *conn_token(struct lconn *c)
{
	struct load *L = c->L;

	if (c->role == ROLE_PUB)
		return L->pub_tokens[c->idx % L->n_pub_tokens];
	return L->tokens[c->idx % L->n_tokens];
}

static void set_ready(struct lconn *c)
{
	if (c->st == CS_READY)
		return;
	c->st = CS_READY;
	c->L->ready++;
	c->L->opening--;
	c->last_ping = now_us();
}

static void conn_established(struct lconn *c)
{
	struct load *L = c->L;
	unsigned char buf[512];
	size_t n;
	char name[64];

	c->st = CS_OPEN;
	snprintf(name, sizeof(name), "kl%d-%c%u", (int)getpid(), "spi"[c->role], c -> idx);
	switch (L->o.server) {
	case SRV_KAIRAN:
		queue_json(c, json_pack("{s:s, s:s, s:s}", "type", "auth", "id", "auth", "token",
		                        conn_token(c)));
		break;
	case SRV_MQTT:
		n = mqtt_connect(buf, sizeof(buf), name, 60);
		queue_bytes(c, buf, n);
		break;
	case SRV_NATS:
		break; /* the server speaks first (INFO) */
	}
}

static void kairan_message(struct lconn *c, const char *buf, size_t len)
{
	static const char deliver[] = "{\"type\":\"deliver\"";
	struct load *L = c->L;
	struct kr_envelope env;
	char idbuf[KR_ID_MAX + 1], err[200];
	const char *ref;
	size_t stamps = 0;

	if (len >= sizeof(deliver) - 1 && memcmp(buf, deliver, sizeof(deliver) - 1) == 0) {
		stamps = deliveries(c, buf, len);
		if (!L->o.verify)
			return;
	}
	if (kr_envelope_parse(buf, len, &env, idbuf, err, sizeof(err)) != KR_OK) {
		note_error(L, "kairan sent an invalid message: %s", err);
		return;
	}
	ref = json_string_value(json_object_get(env.msg, "ref"));
	if (strcmp(env.type, "deliver") == 0) {
		/* --verify: the stamps found are exactly the items of the frame */
		json_t *items = json_object_get(env.msg, "items");
		size_t n = items                              ? json_array_size(items)
		           : json_object_get(env.msg, "item") ? 1
		                                              : 0;

		L->verify_items += n;
		if (n != stamps)
			L->verify_errors++;
	} else if (strcmp(env.type, "auth_ok") == 0) {
		if (c->role == ROLE_SUB)
			queue_json(c, json_pack("{s:s, s:s, s:[s]}", "type", "subscribe", "id",
			                        "sub", "circles", L->o.circle));
		else
			set_ready(c);
	} else if (strcmp(env.type, "subscribed") == 0) {
		set_ready(c);
	} else if (strcmp(env.type, "posted") == 0) {
		acked(c, (uint32_t)strtoul(ref ? ref : "4294967295", NULL, 10));
	} else if (strcmp(env.type, "error") == 0) {
		const char *code = json_string_value(json_object_get(env.msg, "code"));

		note_error(L, "kairan error %s: %s", code ? code : "?",
		           json_string_value(json_object_get(env.msg, "message")));
		if (c->st != CS_READY)
			c->kill = true; /* auth or subscribe refused */
		if (c->role == ROLE_PUB && ref && strcmp(ref, "auth") != 0) {
			L->post_errors++;
			if (c->inflight)
				c->inflight--;
			lws_callback_on_writable(c->wsi);
		}
	}
	kr_envelope_clear(&env);
}

/* Feed stream bytes (MQTT or NATS) already appended to c->rx. */
static int stream_messages(struct lconn *c)
{
	struct load *L = c->L;
	size_t off = 0;
	unsigned char buf[64];
	int rc = 0;

	while (off < c->rx_len) {
		long n;

		if (L->o.server == SRV_MQTT) {
			struct mqtt_packet p;

			n = mqtt_parse(c->rx + off, c->rx_len - off, &p);
			if (n <= 0)
				break;
			if (p.type == MQTT_CONNACK) {
				if (p.code != 0) {
					note_error(L, "CONNACK refused: %u", p.code);
					rc = -1;
				} else if (c->role == ROLE_SUB) {
					size_t k =
					    mqtt_subscribe(buf, sizeof(buf), 1, MQTT_TOPIC, 0);

					queue_bytes(c, buf, k);
				} else {
					set_ready(c);
				}
			} else if (p.type == MQTT_SUBACK) {
				if (p.code > 2) {
					note_error(L, "SUBACK refused: %u", p.code);
					rc = -1;
				} else {
					set_ready(c);
				}
			} else if (p.type == MQTT_PUBLISH) {
				deliveries(c, p.payload, p.payload_len);
				if (p.qos == 1) {
					size_t k = mqtt_puback(buf, sizeof(buf), p.packet_id);

					queue_bytes(c, buf, k);
				}
			} else if (p.type == MQTT_PUBACK && c->pid_seq) {
				acked(c, c->pid_seq[p.packet_id]);
			}
		} else {
			struct nats_msg m;

			n = nats_parse((const char *)c->rx + off, c->rx_len - off, &m);
			if (n <= 0)
				break;
			switch (m.op) {
			case NATS_INFO: {
				char line[512];
				size_t k = nats_connect(line, sizeof(line), "kairan-load");

				if (c->role == ROLE_SUB)
					k += nats_sub(line + k, sizeof(line) - k, NATS_SUBJECT, 1);
				k += nats_ping(line + k, sizeof(line) - k);
				queue_bytes(c, line, k);
				break;
			}
			case NATS_PING: {
				char line[16];

				queue_bytes(c, line, nats_pong(line, sizeof(line)));
				break;
			}
			case NATS_PONG:
				if (c->st != CS_READY) {
					set_ready(c);
				} else if (c->role == ROLE_PUB && c->inflight) {
					uint32_t seq = c->pending[c->pend_head];

					c->pend_head = (c->pend_head + 1) % L->o.window;
					acked(c, seq);
				}
				break;
			case NATS_MSG:
				deliveries(c, m.payload, m.payload_len);
				break;
			case NATS_ERR:
				note_error(L, "nats -ERR %.*s", (int)m.text_len, m.text);
				break;
			case NATS_OK:
				break;
			}
		}
		off += (size_t)n;
	}
	if (off < c->rx_len) {
		/* a partial message stays; malformed bytes end the connection */
		long n = 0;

		if (L->o.server == SRV_MQTT) {
			struct mqtt_packet p;

			n = mqtt_parse(c->rx + off, c->rx_len - off, &p);
		} else {
			struct nats_msg m;

			n = nats_parse((const char *)c->rx + off, c->rx_len - off, &m);
		}
		if (n < 0) {
			note_error(L, "malformed %s bytes from the server",
			           L->o.server == SRV_MQTT ? "MQTT" : "NATS");
			return -1;
		}
	}
	memmove(c->rx, c->rx + off, c->rx_len - off);
	c->rx_len -= off;
	return rc;
}

static void conn_gone(struct lconn *c, bool failed);

/* Count c as failed and have lws close it (return this from the callback). */
static int conn_kill(struct lconn *c)
{
	conn_gone(c, true);
	return -1;
}

static int on_receive(struct lconn *c, const void *in, size_t len)
{
	struct load *L = c->L;

	if (c->rx_len + len > RX_MAX) {
		note_error(L, "a message of more than %u bytes", RX_MAX);
		return -1;
	}
	/* the common case: a whole kairan message in one piece, no copy */
	if (L->o.server == SRV_KAIRAN && c->rx_len == 0 && lws_is_final_fragment(c->wsi) &&
	    lws_remaining_packet_payload(c->wsi) == 0) {
		kairan_message(c, in, len);
		return c->kill ? conn_kill(c) : 0;
	}
	if (c->rx_len + len > c->rx_cap) {
		size_t cap = c->rx_cap ? c->rx_cap : 4096;
		unsigned char *p;

		while (cap < c->rx_len + len)
			cap *= 2;
		p = realloc(c->rx, cap);
		if (!p)
			return -1;
		c->rx = p;
		c->rx_cap = cap;
	}
	memcpy(c->rx + c->rx_len, in, len);
	c->rx_len += len;
	if (L->o.server != SRV_KAIRAN)
		return stream_messages(c) < 0 ? conn_kill(c) : 0;
	if (lws_is_final_fragment(c->wsi) && lws_remaining_packet_payload(c->wsi) == 0) {
		kairan_message(c, (const char *)c->rx, c->rx_len);
		c->rx_len = 0;
	}
	return c->kill ? conn_kill(c) : 0;
}

static int on_writeable(struct lconn *c)
{
	struct load *L = c->L;
	struct frame *f = c->out_head;

	if (f) {
		int n;

		c->out_head = f->next;
		if (!c->out_head)
			c->out_tail = NULL;
		n = lws_write(c->wsi, f->buf + LWS_PRE, f->len,
		              L->o.server == SRV_KAIRAN ? LWS_WRITE_TEXT : LWS_WRITE_BINARY);
		free(f);
		if (n < 0) {
			note_error(L, "write failed");
			return -1;
		}
	} else if (may_send(c)) {
		if (send_post(c) != 0)
			return -1;
	}
	if (c->out_head || may_send(c))
		lws_callback_on_writable(c->wsi);
	return 0;
}

static void conn_gone(struct lconn *c, bool failed)
{
	struct load *L = c->L;

	c->wsi = NULL;
	if (c->st == CS_FAILED || c->st == CS_CLOSED)
		return; /* counted already */
	if (c->st == CS_CONNECTING || c->st == CS_OPEN)
		L->opening--;
	else if (c->st == CS_READY)
		L->ready--;
	if (failed) {
		c->st = CS_FAILED;
		L->failed++;
	} else {
		c->st = CS_CLOSED;
		L->closed++;
	}
	free_frames(c);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
	struct lconn *c = user;

	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (c) {
			note_error(c->L, "connection %u failed: %.*s", c->idx, in ? (int)len : 0,
			           in ? (const char *)in : "");
			conn_gone(c, true);
		}
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		c->wsi = wsi;
		conn_established(c);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return on_receive(c, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return on_writeable(c);
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (c && c->L->phase != PH_DONE)
			note_error(c->L, "the server closed connection %u (%s)", c->idx,
			           c->role == ROLE_PUB ? "publisher" : "subscriber");
		if (c)
			conn_gone(c, false);
		return 0;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
    {"kload", callback, 0, 16384, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ---- the run ------------------------------------------------------------ */

static void open_one(struct load *L)
{
	struct lconn *c = &L->conns[L->next_open++];
	struct lws_client_connect_info ci;
	char host[300];

	memset(&ci, 0, sizeof(ci));
	snprintf(host, sizeof(host), "%s:%d", L->u.host, L->u.port);
	ci.context = L->ctx;
	ci.address = L->u.host;
	ci.port = L->u.port;
	ci.path = L->u.path;
	ci.host = L->u.host;
	ci.origin = L->u.host;
	ci.protocol = L->o.server == SRV_KAIRAN ? KR_SUBPROTOCOL
	              : L->o.server == SRV_MQTT ? "mqtt"
	                                        : NULL;
	ci.local_protocol_name = "kload";
	ci.userdata = c;
	ci.pwsi = &c->wsi;
	if (L->u.tls) {
		ci.ssl_connection = LCCSCF_USE_SSL;
		if (L->o.insecure)
			ci.ssl_connection |=
			    LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK;
	}
	c->st = CS_CONNECTING;
	L->opening++;
	if (!lws_client_connect_via_info(&ci) && c->st == CS_CONNECTING) {
		note_error(L, "cannot start connection %u", c->idx);
		conn_gone(c, true);
	}
}

static void open_more(struct load *L)
{
	while (L->next_open < L->n_conns && L->opening < L->o.concurrency)
		open_one(L);
}

static void ping_all(struct load *L, int64_t now)
{
	unsigned char buf[8];

	if (L->o.server != SRV_MQTT)
		return; /* kairan: lws answers the hub's pings; NATS: we answer PING */
	for (uint32_t i = 0; i < L->n_conns; i++) {
		struct lconn *c = &L->conns[i];

		if (c->st == CS_READY && now - c->last_ping >= PING_EVERY_US) {
			c->last_ping = now;
			queue_bytes(c, buf, mqtt_pingreq(buf, sizeof(buf)));
		}
	}
}

static void tick(lws_sorted_usec_list_t *sul)
{
	struct load *L = lws_container_of(sul, struct load, tick);
	int64_t now = now_us();

	open_more(L);
	if (L->phase == PH_RUN && L->o.rate > 0) {
		double due = (double)(now - L->run_start) / 1e6 * L->o.rate + 1;
		uint32_t allowed = due >= L->o.posts ? L->o.posts : (uint32_t)due;

		if (allowed > L->allowed) {
			L->allowed = allowed;
			for (uint32_t i = L->n_subs; i < L->n_conns; i++)
				if (L->conns[i].wsi)
					lws_callback_on_writable(L->conns[i].wsi);
		}
	}
	if (L->phase == PH_RUN && L->o.duration_s > 0 &&
	    now - L->run_start >= (int64_t)(L->o.duration_s * 1e6))
		L->out_of_time = true;
	if (now - L->last_ping_round >= 1000000) {
		L->last_ping_round = now;
		ping_all(L, now);
	}
	lws_sul_schedule(L->ctx, 0, &L->tick, tick, TICK_US);
}

/* Service the loop until done() or the deadline; false on the deadline,
 * a stall (no progress for stall_s once stall_from is passed) or ^C. */
static bool run_until(struct load *L, bool (*done)(struct load *), double seconds, const char *what)
{
	int64_t deadline = now_us() + (int64_t)(seconds * 1e6);

	L->last_progress = now_us();
	while (!done(L)) {
		int64_t now = now_us();

		if (interrupted) {
			note_error(L, "interrupted during %s", what);
			return false;
		}
		if (now >= deadline) {
			note_error(L, "%s: not done within %.0f s", what, seconds);
			return false;
		}
		if (L->phase == PH_RUN && (L->next_seq >= L->o.posts || L->out_of_time) &&
		    now - L->last_progress > (int64_t)(L->o.stall_s * 1e6)) {
			note_error(L, "%s: no progress for %.0f s", what, L->o.stall_s);
			return false;
		}
		if (lws_service(L->ctx, 0) < 0) {
			note_error(L, "%s: the event loop failed", what);
			return false;
		}
	}
	return true;
}

static bool all_settled(struct load *L)
{
	return L->next_open == L->n_conns && L->opening == 0;
}

static bool fanout_done(struct load *L)
{
	return L->delivered >= L->expected && L->next_seq >= L->o.posts &&
	       (L->o.server != SRV_KAIRAN || L->acked + L->post_errors >= L->o.posts);
}

static bool ingest_done(struct load *L)
{
	return L->acked + L->post_errors >= (L->out_of_time ? L->next_seq : L->o.posts);
}

static void settle(struct load *L, double seconds)
{
	int64_t end = now_us() + (int64_t)(seconds * 1e6);

	while (now_us() < end && !interrupted)
		lws_service(L->ctx, 0);
}

/* ---- setup -------------------------------------------------------------- */

static bool parse_url(const char *s, struct url *u)
{
	const char *p, *colon, *slash;

	memset(u, 0, sizeof(*u));
	if (strncmp(s, "wss://", 6) == 0) {
		u->tls = true;
		p = s + 6;
	} else if (strncmp(s, "ws://", 5) == 0) {
		p = s + 5;
	} else {
		return false;
	}
	slash = strchr(p, '/');
	colon = memchr(p, ':', slash ? (size_t)(slash - p) : strlen(p));
	if (!colon || (size_t)(colon - p) >= sizeof(u->host))
		return false;
	memcpy(u->host, p, (size_t)(colon - p));
	u->port = atoi(colon + 1);
	snprintf(u->path, sizeof(u->path), "%s", slash ? slash : "/");
	return u->port > 0 && u->port < 65536;
}

static char **read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[1024], **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		if (*n == cap) {
			char **p = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*v));

			if (!p)
				break;
			v = p;
		}
		v[(*n)++] = strdup(line);
	}
	fclose(f);
	return v;
}

/* Japanese and English narrative, no identifying detail: what a report's
 * body reads like. */
static const char filler[] =
    "国内の金融機関を狙ったフィッシングメールが確認されています。件名は「重要なお知らせ」"
    "で、偽のログインページへ誘導し認証情報を窃取します。"
    "The campaign sends credential phishing mail with a fake login page and rotates "
    "sender domains daily; block the indicators and warn staff. ";

static bool build_template(struct load *L)
{
	char stamp[STAMP_LEN + 1], *body = malloc(L->o.body_bytes + sizeof(filler));
	json_t *item, *msg = NULL;
	size_t n = 0, len;
	char *text, *found;

	if (!body)
		return false;
	/* whole characters only: stop at a filler boundary below body_bytes */
	while (n < L->o.body_bytes) {
		size_t k = sizeof(filler) - 1, room = L->o.body_bytes - n;

		if (k > room) {
			for (k = room; k > 0 && ((unsigned char)filler[k] & 0xC0) == 0x80; k--)
				;
		}
		if (k == 0)
			break;
		memcpy(body + n, filler, k);
		n += k;
	}
	body[n] = '\0';
	memset(stamp, 'a', STAMP_LEN);
	memcpy(stamp, STAMP_PREFIX, sizeof(STAMP_PREFIX) - 1);
	stamp[STAMP_LEN] = '\0';
	{
		char title[128];

		snprintf(title, sizeof(title), "%s 金融機関を狙うフィッシング", stamp);
		item = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}], "
		                 "s:[s, s]}",
		                 "kind", "threat", "circle", L->o.circle ? L->o.circle : "bench",
		                 "tlp", "GREEN", "title", title, "body", body, "indicators", "type",
		                 "domain", "value", "login-secure-update.example", "role",
		                 "attacker", "type", "ipv4", "value", "203.0.113.45", "role",
		                 "attacker", "tags", "phishing", "credential-theft");
	}
	free(body);
	if (!item)
		return false;
	if (L->o.server == SRV_KAIRAN) {
		msg = json_pack("{s:s, s:s, s:O}", "type", "post", "id", "000000000", "item", item);
		text = msg ? kr_msg_dump(msg, LWS_PRE, &len) : NULL;
	} else {
		text = kr_msg_dump(item, LWS_PRE, &len);
	}
	json_decref(msg);
	json_decref(item);
	if (!text)
		return false;
	found = memmem(text + LWS_PRE, len, stamp, STAMP_LEN);
	if (!found)
		return false;
	L->tmpl = text;
	L->tmpl_len = len;
	L->stamp_off = (size_t)(found - text);
	found = memmem(text + LWS_PRE, len, "\"000000000\"", 11);
	L->id_off = found ? (size_t)(found - text) + 1 : 0;
	L->payload_off = 0;
	L->payload_len = len;
	return L->o.server != SRV_KAIRAN || found;
}

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: kairan-load --server kairan|mqtt|nats --url ws[s]://127.0.0.1:PORT\n"
	        "                   --scenario fanout|idle|ingest [options]\n"
	        "  --subscribers N    subscribers (fanout) or idle connections (idle)\n"
	        "  --publishers P     publishing connections (ingest; fanout uses 1)\n"
	        "  --posts M          items to post\n"
	        "  --rate R           posts per second (fanout; 0: one burst)\n"
	        "  --window W         unacknowledged posts per publisher (ingest)\n"
	        "  --duration S       ingest: stop posting after S seconds (then wait for acks)\n"
	        "  --body BYTES       size of each item's body (default 300)\n"
	        "  --pid PID          the server process, for CPU time and memory\n"
	        "  --tokens FILE      kairan: subscriber tokens, one a line (used in turn)\n"
	        "  --pub-tokens FILE  kairan: publisher tokens\n"
	        "  --circle KEY       kairan: the circle to post to and follow\n"
	        "  --ca FILE          CA of a wss:// server; --insecure skips the check\n"
	        "  --concurrency K    connections being opened at once (default 200)\n"
	        "  --timeout S        deadline of each phase (default 120)\n"
	        "  --stall S          end a run after S seconds without progress (default 10)\n"
	        "  --settle S         wait after connecting before measuring (default 1)\n"
	        "  --verify           kairan: also parse every deliver frame fully\n"
	        "Prints one JSON object with the measurements on stdout.\n");
}

static bool parse_args(int argc, char **argv, struct opts *o)
{
	enum {
		O_SERVER = 1,
		O_URL,
		O_SCEN,
		O_SUBS,
		O_PUBS,
		O_POSTS,
		O_RATE,
		O_WINDOW,
		O_BODY,
		O_PID,
		O_TOKENS,
		O_PUBTOK,
		O_CIRCLE,
		O_CA,
		O_INSECURE,
		O_CONC,
		O_TIMEOUT,
		O_STALL,
		O_SETTLE,
		O_VERIFY,
		O_DURATION,
		O_HELP
	};
	static const struct option lo[] = {
	    {"server", 1, NULL, O_SERVER},
	    {"url", 1, NULL, O_URL},
	    {"scenario", 1, NULL, O_SCEN},
	    {"subscribers", 1, NULL, O_SUBS},
	    {"publishers", 1, NULL, O_PUBS},
	    {"posts", 1, NULL, O_POSTS},
	    {"rate", 1, NULL, O_RATE},
	    {"window", 1, NULL, O_WINDOW},
	    {"body", 1, NULL, O_BODY},
	    {"pid", 1, NULL, O_PID},
	    {"tokens", 1, NULL, O_TOKENS},
	    {"pub-tokens", 1, NULL, O_PUBTOK},
	    {"circle", 1, NULL, O_CIRCLE},
	    {"ca", 1, NULL, O_CA},
	    {"insecure", 0, NULL, O_INSECURE},
	    {"concurrency", 1, NULL, O_CONC},
	    {"timeout", 1, NULL, O_TIMEOUT},
	    {"stall", 1, NULL, O_STALL},
	    {"settle", 1, NULL, O_SETTLE},
	    {"verify", 0, NULL, O_VERIFY},
	    {"help", 0, NULL, O_HELP},
	    {"duration", 1, NULL, O_DURATION},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	*o = (struct opts){.server = SRV_KAIRAN,
	                   .scenario = SC_FANOUT,
	                   .publishers = 1,
	                   .window = 1,
	                   .body_bytes = 300,
	                   .concurrency = 200,
	                   .timeout_s = 120,
	                   .stall_s = 10,
	                   .settle_s = 1,
	                   .circle = "bench"};
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case O_SERVER:
			if (strcmp(optarg, "kairan") == 0)
				o->server = SRV_KAIRAN;
			else if (strcmp(optarg, "mqtt") == 0)
				o->server = SRV_MQTT;
			else if (strcmp(optarg, "nats") == 0)
				o->server = SRV_NATS;
			else
				return false;
			break;
		case O_SCEN:
			if (strcmp(optarg, "fanout") == 0)
				o->scenario = SC_FANOUT;
			else if (strcmp(optarg, "idle") == 0)
				o->scenario = SC_IDLE;
			else if (strcmp(optarg, "ingest") == 0)
				o->scenario = SC_INGEST;
			else
				return false;
			break;
		case O_URL:
			o->url = optarg;
			break;
		case O_SUBS:
			o->subscribers = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case O_PUBS:
			o->publishers = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case O_POSTS:
			o->posts = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case O_RATE:
			o->rate = atof(optarg);
			break;
		case O_WINDOW:
			o->window = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case O_BODY:
			o->body_bytes = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case O_PID:
			o->pid = atoi(optarg);
			break;
		case O_TOKENS:
			o->tokens_file = optarg;
			break;
		case O_PUBTOK:
			o->pub_tokens_file = optarg;
			break;
		case O_CIRCLE:
			o->circle = optarg;
			break;
		case O_CA:
			o->ca = optarg;
			break;
		case O_INSECURE:
			o->insecure = true;
			break;
		case O_CONC:
			o->concurrency = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case O_TIMEOUT:
			o->timeout_s = atof(optarg);
			break;
		case O_STALL:
			o->stall_s = atof(optarg);
			break;
		case O_SETTLE:
			o->settle_s = atof(optarg);
			break;
		case O_VERIFY:
			o->verify = true;
			break;
		case O_DURATION:
			o->duration_s = atof(optarg);
			break;
		case O_HELP:
			usage(stdout);
			exit(0);
		default:
			return false;
		}
	}
	if (!o->url || optind != argc || o->concurrency == 0 || o->timeout_s <= 0)
		return false;
	if (o->scenario != SC_INGEST && o->subscribers == 0)
		return false;
	if (o->scenario != SC_IDLE && (o->posts == 0 || o->publishers == 0))
		return false;
	if (o->scenario == SC_FANOUT)
		o->publishers = 1;
	if (o->scenario == SC_INGEST) {
		o->subscribers = 0;
		if (o->window == 0 || o->window > 60000)
			return false;
	} else {
		o->window = UINT32_MAX; /* a fan-out burst is not held back by acks */
	}
	return o->subscribers <= 1000000 && o->publishers <= 64 && o->posts <= 10000000 &&
	       o->body_bytes <= 1000000;
}

static void raise_nofile(uint32_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < need + 64) {
		rlim_t want = need + 64;

		if (rl.rlim_max < want)
			rl.rlim_max = want; /* works as root; else the soft limit rises to max */
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			getrlimit(RLIMIT_NOFILE, &rl);
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ---- output ------------------------------------------------------------- */

static const char *const server_names[] = {"kairan", "mqtt", "nats"};
static const char *const scenario_names[] = {"fanout", "idle", "ingest"};

static json_t *ms(uint32_t us)
{
	return json_real((double)us / 1000.0);
}

/* This process's own CPU time (user + system), seconds. */
static double self_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void report(struct load *L, long long cpu0, long long cpu1, long long rss0, long long rss1,
                   int64_t t0, int64_t t1, bool ok)
{
	long tck = sysconf(_SC_CLK_TCK);
	json_t *r = json_object();
	double secs = (double)(t1 - t0) / 1e6;

	json_object_set_new(r, "server", json_string(server_names[L->o.server]));
	json_object_set_new(r, "scenario", json_string(scenario_names[L->o.scenario]));
	json_object_set_new(r, "ok", json_boolean(ok));
	json_object_set_new(r, "tls", json_boolean(L->u.tls));
	json_object_set_new(r, "connections", json_integer(L->n_conns));
	json_object_set_new(r, "ready", json_integer(L->ready));
	json_object_set_new(r, "connect_failures", json_integer(L->failed));
	json_object_set_new(r, "errors", json_integer((json_int_t)L->errors));
	json_object_set_new(r, "first_error",
	                    L->first_error[0] ? json_string(L->first_error) : json_null());
	if (L->o.scenario == SC_IDLE) {
		json_object_set_new(r, "rss_before_kib", json_integer(rss0));
		json_object_set_new(r, "rss_after_kib", json_integer(rss1));
		json_object_set_new(r, "rss_per_conn_kib",
		                    L->ready && rss0 >= 0 && rss1 >= 0
		                        ? json_real((double)(rss1 - rss0) / (double)L->ready)
		                        : json_null());
	} else {
		json_object_set_new(r, "posts", json_integer(L->o.posts));
		json_object_set_new(r, "sent", json_integer(L->next_seq));
		json_object_set_new(r, "seconds", json_real(secs));
		json_object_set_new(r, "body_bytes", json_integer(L->o.body_bytes));
		json_object_set_new(r, "post_bytes", json_integer((json_int_t)L->payload_len));
		json_object_set_new(r, "load_cpu_s", json_real(L->self_cpu1 - L->self_cpu0));
		json_object_set_new(r, "cpu_s",
		                    cpu0 >= 0 && cpu1 >= 0
		                        ? json_real((double)(cpu1 - cpu0) / (double)tck)
		                        : json_null());
	}
	if (L->o.scenario == SC_FANOUT) {
		sort_u32(L->lat, L->n_lat);
		json_object_set_new(r, "subscribers", json_integer(L->n_subs));
		json_object_set_new(r, "rate", json_real(L->o.rate));
		json_object_set_new(r, "expected", json_integer((json_int_t)L->expected));
		json_object_set_new(r, "delivered", json_integer((json_int_t)L->delivered));
		json_object_set_new(r, "duplicates", json_integer((json_int_t)L->dups));
		json_object_set_new(r, "unexpected", json_integer((json_int_t)L->bogus));
		json_object_set_new(r, "deliveries_per_s",
		                    secs > 0 ? json_real((double)L->delivered / secs)
		                             : json_null());
		json_object_set_new(r, "latency_p50_ms", ms(pct_sorted(L->lat, L->n_lat, 50)));
		json_object_set_new(r, "latency_p99_ms", ms(pct_sorted(L->lat, L->n_lat, 99)));
		json_object_set_new(r, "latency_max_ms", ms(pct_sorted(L->lat, L->n_lat, 100)));
		json_object_set_new(r, "cpu_us_per_delivery",
		                    L->delivered && cpu0 >= 0 && cpu1 >= 0
		                        ? json_real((double)(cpu1 - cpu0) * 1e6 / (double)tck /
		                                    (double)L->delivered)
		                        : json_null());
		if (L->o.verify) {
			json_object_set_new(r, "verified_items",
			                    json_integer((json_int_t)L->verify_items));
			json_object_set_new(r, "verify_errors",
			                    json_integer((json_int_t)L->verify_errors));
		}
	}
	if (L->o.scenario == SC_INGEST || L->o.server == SRV_KAIRAN) {
		if (L->o.scenario != SC_IDLE) {
			sort_u32(L->ack_lat, L->n_ack_lat);
			json_object_set_new(r, "acked", json_integer(L->acked));
			json_object_set_new(r, "post_errors", json_integer(L->post_errors));
			json_object_set_new(r, "publishers", json_integer(L->n_pubs));
			json_object_set_new(r, "acks_per_s",
			                    secs > 0 && L->o.scenario == SC_INGEST
			                        ? json_real((double)L->acked / secs)
			                        : json_null());
			json_object_set_new(r, "ack_p50_ms",
			                    ms(pct_sorted(L->ack_lat, L->n_ack_lat, 50)));
			json_object_set_new(r, "ack_p99_ms",
			                    ms(pct_sorted(L->ack_lat, L->n_ack_lat, 99)));
			json_object_set_new(r, "ack_max_ms",
			                    ms(pct_sorted(L->ack_lat, L->n_ack_lat, 100)));
		}
		if (L->o.scenario == SC_INGEST) {
			json_object_set_new(r, "window", json_integer(L->o.window));
			json_object_set_new(r, "cpu_us_per_post",
			                    L->acked && cpu0 >= 0 && cpu1 >= 0
			                        ? json_real((double)(cpu1 - cpu0) * 1e6 /
			                                    (double)tck / (double)L->acked)
			                        : json_null());
		}
	}
	json_dumpf(r, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(r);
}

int main(int argc, char **argv)
{
	static struct load L;
	struct lws_context_creation_info info;
	long long cpu0 = -1, cpu1 = -1, rss0 = -1, rss1 = -1;
	int64_t t0 = 0, t1 = 0;
	bool ok = true;

	if (!parse_args(argc, argv, &L.o) || !parse_url(L.o.url, &L.u)) {
		usage(stderr);
		return 2;
	}
	if (L.o.server == SRV_KAIRAN) {
		L.tokens = L.o.tokens_file ? read_lines(L.o.tokens_file, &L.n_tokens) : NULL;
		L.pub_tokens =
		    L.o.pub_tokens_file ? read_lines(L.o.pub_tokens_file, &L.n_pub_tokens) : NULL;
		if ((L.o.subscribers && !L.n_tokens) ||
		    (L.o.scenario != SC_IDLE && !L.n_pub_tokens)) {
			fprintf(stderr,
			        "kairan-load: kairan needs --tokens and --pub-tokens files\n");
			return 2;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	L.n_subs = L.o.subscribers;
	L.n_pubs = L.o.scenario == SC_IDLE ? 0 : L.o.publishers;
	L.n_conns = L.n_subs + L.n_pubs;
	raise_nofile(L.n_conns + 16);
	L.conns = calloc(L.n_conns, sizeof(*L.conns));
	if (!L.conns || (L.o.scenario != SC_IDLE && !build_template(&L)))
		goto oom;
	for (uint32_t i = 0; i < L.n_conns; i++) {
		struct lconn *c = &L.conns[i];

		c->L = &L;
		c->role =
		    i < L.n_subs ? (L.o.scenario == SC_IDLE ? ROLE_IDLE : ROLE_SUB) : ROLE_PUB;
		c->idx = i < L.n_subs ? i : i - L.n_subs;
		if (c->role == ROLE_PUB && L.o.scenario == SC_INGEST) {
			c->pending = calloc(L.o.window, sizeof(uint32_t));
			c->pid_seq = calloc(65536, sizeof(uint32_t));
			if (!c->pending || !c->pid_seq)
				goto oom;
		}
	}
	if (L.o.scenario != SC_IDLE) {
		L.send_us = calloc(L.o.posts, sizeof(int64_t));
		L.ack_lat = calloc(L.o.posts, sizeof(uint32_t));
		L.expected = (uint64_t)L.n_subs * L.o.posts;
		L.seen = calloc(L.expected / 8 + 1, 1);
		L.lat = calloc(L.expected + 1, sizeof(uint32_t));
		if (!L.send_us || !L.ack_lat || !L.seen || !L.lat)
			goto oom;
	}

	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = (gid_t)-1;
	info.uid = (uid_t)-1;
	info.pt_serv_buf_size = 32768;
	info.timeout_secs = (unsigned)(L.o.timeout_s < 60 ? L.o.timeout_s : 60);
	if (L.u.tls) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		if (L.o.ca) {
			info.client_ssl_ca_filepath = L.o.ca;
			info.options |= LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
		}
	}
	L.ctx = lws_create_context(&info);
	if (!L.ctx) {
		fprintf(stderr, "kairan-load: cannot create the websocket context\n");
		return 1;
	}
	L.start_us = now_us();
	lws_sul_schedule(L.ctx, 0, &L.tick, tick, TICK_US);

	/* connect: idle connections are measured around this */
	if (L.o.scenario == SC_IDLE && L.o.pid) {
		settle(&L, 0.2);
		rss0 = proc_rss_kib(L.o.pid);
	}
	L.phase = PH_CONNECT;
	ok = run_until(&L, all_settled, L.o.timeout_s, "connecting");
	fprintf(stderr, "kairan-load: %u of %u connections ready (%u failed) in %.1f s\n", L.ready,
	        L.n_conns, L.failed, (double)(now_us() - L.start_us) / 1e6);
	L.phase = PH_SETTLE;
	settle(&L, L.o.settle_s);
	if (L.o.scenario == SC_IDLE) {
		if (L.o.pid)
			rss1 = proc_rss_kib(L.o.pid);
		ok = ok && L.ready == L.n_conns;
	} else if (ok) {
		if (L.o.pid)
			cpu0 = proc_cpu_ticks(L.o.pid);
		L.self_cpu0 = self_cpu();
		t0 = L.run_start = now_us();
		L.allowed = L.o.rate > 0 ? 1 : L.o.posts;
		L.phase = PH_RUN;
		for (uint32_t i = L.n_subs; i < L.n_conns; i++)
			if (L.conns[i].wsi)
				lws_callback_on_writable(L.conns[i].wsi);
		ok = run_until(&L, L.o.scenario == SC_FANOUT ? fanout_done : ingest_done,
		               L.o.timeout_s, L.o.scenario == SC_FANOUT ? "fan-out" : "ingest");
		if (L.o.pid)
			cpu1 = proc_cpu_ticks(L.o.pid);
		L.self_cpu1 = self_cpu();
		t1 = now_us();
		if (L.o.scenario == SC_FANOUT && L.last_delivery > t0)
			t1 = L.last_delivery;
		t0 = L.first_send ? L.first_send : t0;
		if (L.o.scenario == SC_FANOUT)
			ok = ok && L.delivered == L.expected;
		else
			ok = ok && L.acked == L.next_seq;
	}
	L.phase = PH_DONE;
	report(&L, cpu0, cpu1, rss0, rss1, t0, t1, ok);
	lws_sul_cancel(&L.tick);
	lws_context_destroy(L.ctx);
	for (uint32_t i = 0; i < L.n_conns; i++) {
		free_frames(&L.conns[i]);
		free(L.conns[i].rx);
		free(L.conns[i].pending);
		free(L.conns[i].pid_seq);
	}
	for (size_t i = 0; i < L.n_tokens; i++)
		free(L.tokens[i]);
	for (size_t i = 0; i < L.n_pub_tokens; i++)
		free(L.pub_tokens[i]);
	free(L.tokens);
	free(L.pub_tokens);
	free(L.conns);
	free(L.tmpl);
	free(L.pkt);
	free(L.send_us);
	free(L.ack_lat);
	free(L.seen);
	free(L.lat);
	return ok ? 0 : 1;
oom:
	fprintf(stderr, "kairan-load: out of memory\n");
	return 1;
}
