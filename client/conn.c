/*
 * conn.c - synchronous websocket client over libwebsockets (see conn.h).
 *
 * The lws callback only moves bytes and records state: it writes queued
 * frames (one lws_write per WRITEABLE), reassembles received fragments into
 * whole messages and queues them, and notes failures. The public functions
 * run lws_service() in conn_pump() until the state they wait for appears.
 */
#include "conn.h"

#include <libwebsockets.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto.h"
#include "url.h"

#define CONN_TICK_US  (200 * 1000) /* longest single wait inside lws_service() */
#define CONN_CLOSE_MS 1000         /* how long conn_close() waits for the close handshake */
#define CONN_RX_MIN   4096

struct conn_frame { /* an outgoing text frame */
	struct conn_frame *next;
	char *buf; /* LWS_PRE bytes of headroom, then the text */
	size_t len;
};

struct conn_msg { /* a received message */
	struct conn_msg *next;
	json_t *msg; /* owned */
};

struct conn {
	struct lws_context *ctx;
	struct lws *wsi; /* NULL before connecting and once closed */
	lws_sorted_usec_list_t tick;
	bool open;             /* websocket handshake done */
	bool closing;          /* conn_close() asked for the close handshake */
	enum conn_status fail; /* sticky: CONN_ECONNECT, CONN_ECLOSED, CONN_EPROTO, CONN_ENOMEM */
	char err[CONN_ERR_MAX];
	char close_note[160]; /* the hub's close code and reason, if it sent them */
	char tls_note[160];   /* why the hub's certificate was refused, if it was */
	struct url url;
	char url_text[300]; /* the URL as given, shortened for messages */
	int timeout_ms;
	struct conn_frame *out_head, *out_tail;
	char *rx;
	size_t rx_len, rx_cap;
	struct conn_msg *in_head, *in_tail;
	unsigned long next_id;
	const volatile sig_atomic_t *intr;
};

/* Record the first failure; later ones are consequences and are dropped. */
static void conn_fail(struct conn *c, enum conn_status st, const char *fmt, ...)
{
	va_list ap;

	if (c->fail)
		return;
	c->fail = st;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

/* Copy text from the network for printing: controls become '?', no trailing space. */
static void conn_clean_text(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; src && i < len && src[i] && n + 1 < dstlen; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[n++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	while (n > 0 && (dst[n - 1] == '?' || dst[n - 1] == ' '))
		n--;
	dst[n] = '\0';
}

static int64_t conn_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void conn_tick_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul; /* only there to wake lws_service() up */
}

/* Parse the reassembled message and queue it. Returns 0, or -1 to close. */
static int conn_on_message(struct conn *c)
{
	struct kr_envelope env;
	struct conn_msg *m = NULL;
	char idbuf[KR_ID_MAX + 1], perr[200];
	int rc = -1;

	if (kr_envelope_parse(c->rx, c->rx_len, &env, idbuf, perr, sizeof(perr)) != KR_OK) {
		conn_fail(c, CONN_EPROTO, "the hub sent an invalid message: %s", perr);
		goto out;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		kr_envelope_clear(&env);
		conn_fail(c, CONN_ENOMEM, "out of memory");
		goto out;
	}
	m->msg = env.msg; /* the queue takes the envelope's reference */
	if (c->in_tail)
		c->in_tail->next = m;
	else
		c->in_head = m;
	c->in_tail = m;
	rc = 0;
out:
	c->rx_len = 0;
	return rc;
}

/* Append one RECEIVE chunk; a whole message goes to conn_on_message(). */
static int conn_on_receive(struct conn *c, struct lws *wsi, const void *in, size_t len)
{
	if (lws_frame_is_binary(wsi)) {
		conn_fail(c, CONN_EPROTO, "the hub sent a binary frame");
		return -1;
	}
	if (len > CONN_MSG_MAX - c->rx_len) {
		conn_fail(c, CONN_EPROTO, "a message from the hub exceeds %u bytes", CONN_MSG_MAX);
		return -1;
	}
	if (c->rx_len + len > c->rx_cap) {
		size_t cap = c->rx_cap ? c->rx_cap : CONN_RX_MIN;
		char *p;

		while (cap < c->rx_len + len)
			cap *= 2;
		p = realloc(c->rx, cap);
		if (!p) {
			conn_fail(c, CONN_ENOMEM, "out of memory");
			return -1;
		}
		c->rx = p;
		c->rx_cap = cap;
	}
	if (len)
		memcpy(c->rx + c->rx_len, in, len);
	c->rx_len += len;
	if (!lws_is_final_fragment(wsi))
		return 0;
	return conn_on_message(c);
}

/* Write one queued frame, or start the close handshake when asked to. */
static int conn_on_writeable(struct conn *c, struct lws *wsi)
{
	struct conn_frame *f = c->out_head;
	int n;
	bool ok;

	if (!f) {
		if (!c->closing)
			return 0;
		lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
		return -1;
	}
	c->out_head = f->next;
	if (!c->out_head)
		c->out_tail = NULL;
	n = lws_write(wsi, (unsigned char *)f->buf + LWS_PRE, f->len, LWS_WRITE_TEXT);
	ok = n >= 0 && (size_t)n >= f->len;
	free(f->buf);
	free(f);
	if (!ok) {
		conn_fail(c, CONN_ECLOSED, "could not send to the hub at %s", c->url_text);
		return -1;
	}
	if (c->out_head || c->closing)
		lws_callback_on_writable(wsi);
	return 0;
}

/* Keep the close code and reason the hub sent, for the failure message. */
static void conn_on_peer_close(struct conn *c, const unsigned char *in, size_t len)
{
	char reason[128];

	if (len < 2)
		return;
	conn_clean_text(reason, sizeof(reason), (const char *)in + 2, len - 2);
	snprintf(c->close_note, sizeof(c->close_note), " (close code %u%s%s)",
		 (unsigned)in[0] << 8 | in[1], reason[0] ? ": " : "", reason);
}

/*
 * OpenSSL's verdict on one certificate of the hub's chain (lws asks after
 * its own checks, which already accepted what --insecure allows). Keep the
 * first refusal: lws itself reports only "SSL err 1".
 */
static void conn_on_verify(struct conn *c, X509_STORE_CTX *store, int preverify_ok)
{
	int e = X509_STORE_CTX_get_error(store);

	if (preverify_ok || e == X509_V_OK || c->tls_note[0])
		return;
	snprintf(c->tls_note, sizeof(c->tls_note), "the hub's certificate was refused: %s",
		 X509_verify_cert_error_string(e));
}

static int conn_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			 size_t len)
{
	struct conn *c = lws_context_user(lws_get_context(wsi));
	char why[160];

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		c->wsi = NULL;
		conn_clean_text(why, sizeof(why), in, in ? len : 0);
		if (!c->tls_note[0] && strncmp(why, "connect SSL", 11) == 0)
			snprintf(c->tls_note, sizeof(c->tls_note),
				 "TLS handshake failed; does the hub speak TLS on this port?");
		conn_fail(c, CONN_ECONNECT, "cannot connect to %s: %s", c->url_text,
			  c->tls_note[0] ? c->tls_note : why[0] ? why : "connection failed");
		break;
	case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
		conn_on_verify(c, user, (int)len);
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		c->open = true;
		if (c->out_head)
			lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return conn_on_receive(c, wsi, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return conn_on_writeable(c, wsi);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		conn_on_peer_close(c, in, len);
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		c->wsi = NULL;
		if (!c->closing)
			conn_fail(c, CONN_ECLOSED, "the hub at %s closed the connection%s",
				  c->url_text, c->close_note);
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols conn_protocols[] = {
	{KR_SUBPROTOCOL, conn_callback, 0, 65536, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};

typedef bool (*conn_cond)(struct conn *c, void *arg);

/*
 * Run the event loop until done(c, arg) holds (CONN_OK), the connection has
 * failed, the interrupt flag is up or timeout_ms (negative: none) passed.
 */
static enum conn_status conn_pump(struct conn *c, int timeout_ms, conn_cond done, void *arg)
{
	int64_t deadline = timeout_ms < 0 ? -1 : conn_now_us() + (int64_t)timeout_ms * 1000;
	enum conn_status st = CONN_OK;

	for (;;) {
		int64_t now, wait = CONN_TICK_US;

		if (done(c, arg))
			break;
		if (c->fail) {
			st = c->fail;
			break;
		}
		if (c->intr && *c->intr) {
			st = CONN_EINTR;
			snprintf(c->err, sizeof(c->err), "interrupted");
			break;
		}
		now = conn_now_us();
		if (deadline >= 0 && now >= deadline) {
			st = CONN_ETIMEOUT;
			snprintf(c->err, sizeof(c->err), "no answer from the hub at %s within %d s",
				 c->url_text, (timeout_ms + 999) / 1000);
			break;
		}
		if (deadline >= 0 && deadline - now < wait)
			wait = deadline - now;
		lws_sul_schedule(c->ctx, 0, &c->tick, conn_tick_cb, wait);
		if (lws_service(c->ctx, 0) < 0)
			conn_fail(c, CONN_ECLOSED, "lost the connection to %s", c->url_text);
	}
	return st;
}

static bool conn_is_open(struct conn *c, void *arg)
{
	(void)arg;
	return c->open && c->wsi;
}

static bool conn_is_closed(struct conn *c, void *arg)
{
	(void)arg;
	return !c->wsi;
}

static bool conn_is_sent(struct conn *c, void *arg)
{
	(void)arg;
	return c->out_head == NULL;
}

static bool conn_has_msg(struct conn *c, void *arg)
{
	(void)arg;
	return c->in_head != NULL;
}

/* Is m the reply to the request whose id is id? */
static bool conn_is_reply(const json_t *m, const char *id)
{
	const json_t *ref = json_object_get(m, "ref");
	const char *type = json_string_value(json_object_get(m, "type"));

	if (json_is_string(ref))
		return strcmp(json_string_value(ref), id) == 0;
	return type && strcmp(type, "error") == 0 && (!ref || json_is_null(ref));
}

struct conn_wait {
	const char *id;
	json_t *reply; /* new reference once found */
};

/* Take the reply to w->id out of the received queue, if it is there. */
static bool conn_take_reply(struct conn *c, void *arg)
{
	struct conn_wait *w = arg;
	struct conn_msg **pp = &c->in_head, *prev = NULL;

	for (; *pp; prev = *pp, pp = &(*pp)->next) {
		struct conn_msg *m = *pp;

		if (!conn_is_reply(m->msg, w->id))
			continue;
		*pp = m->next;
		if (c->in_tail == m)
			c->in_tail = prev;
		w->reply = m->msg;
		free(m);
		return true;
	}
	return false;
}

static void conn_log_setup(void)
{
	const char *debug = getenv("KAIRAN_DEBUG");

	if (debug && *debug)
		lws_set_log_level(LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO | LLL_CLIENT, NULL);
	else
		lws_set_log_level(0, NULL);
}

enum conn_status conn_open(const char *url, const char *ca_path, bool insecure, int timeout_ms,
			   struct conn **out, char err[CONN_ERR_MAX])
{
	struct lws_context_creation_info info;
	struct lws_client_connect_info cc;
	struct conn *c;
	enum conn_status st = CONN_ENOMEM;

	*out = NULL;
	snprintf(err, CONN_ERR_MAX, "out of memory");
	c = calloc(1, sizeof(*c));
	if (!c)
		goto out;
	c->timeout_ms = timeout_ms;
	snprintf(c->url_text, sizeof(c->url_text), "%.280s%s", url, strlen(url) > 280 ? "..." : "");
	if (!url_parse(url, &c->url, err, CONN_ERR_MAX)) {
		st = CONN_ECONNECT;
		goto out;
	}
	conn_log_setup();
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = conn_protocols;
	info.gid = (gid_t)-1;
	info.uid = (uid_t)-1;
	info.user = c;
	if (c->url.tls) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		if (ca_path && !insecure) {
			info.client_ssl_ca_filepath = ca_path;
			info.options |= LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
		}
	}
	c->ctx = lws_create_context(&info);
	if (!c->ctx) {
		st = CONN_ECONNECT;
		snprintf(err, CONN_ERR_MAX, "cannot set up the websocket client%s",
			 c->url.tls ? " (TLS initialisation failed)" : "");
		goto out;
	}

	memset(&cc, 0, sizeof(cc));
	cc.context = c->ctx;
	cc.address = c->url.host;
	cc.port = c->url.port;
	cc.path = c->url.path;
	cc.host = c->url.authority;
	cc.protocol = KR_SUBPROTOCOL;
	cc.pwsi = &c->wsi;
	if (c->url.tls) {
		cc.ssl_connection = LCCSCF_USE_SSL;
		if (insecure)
			cc.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_ALLOW_INSECURE |
					     LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
					     LCCSCF_ALLOW_EXPIRED;
	}
	if (!lws_client_connect_via_info(&cc))
		conn_fail(c, CONN_ECONNECT, "cannot connect to %s: host not found or unreachable",
			  c->url_text);
	st = conn_pump(c, timeout_ms, conn_is_open, NULL);
	if (st == CONN_ETIMEOUT)
		snprintf(c->err, sizeof(c->err), "cannot connect to %s: no answer within %d s",
			 c->url_text, (timeout_ms + 999) / 1000);
	if (st != CONN_OK) {
		snprintf(err, CONN_ERR_MAX, "%s", c->err);
		goto out;
	}
	*out = c;
	c = NULL;
out:
	conn_close(c);
	return st;
}

const char *conn_stamp(struct conn *c, json_t *msg)
{
	char id[32];

	snprintf(id, sizeof(id), "k%lu", ++c->next_id);
	if (json_object_set_new(msg, "id", json_string(id)) != 0)
		return NULL;
	return json_string_value(json_object_get(msg, "id"));
}

enum conn_status conn_send(struct conn *c, const json_t *msg)
{
	struct conn_frame *f;
	enum conn_status st = CONN_ENOMEM;

	if (c->fail || !c->wsi)
		return c->fail ? c->fail : CONN_ECLOSED;
	f = calloc(1, sizeof(*f));
	if (!f)
		goto out;
	f->buf = kr_msg_dump(msg, LWS_PRE, &f->len);
	if (!f->buf) {
		free(f);
		snprintf(c->err, sizeof(c->err), "cannot serialise a message");
		goto out;
	}
	if (c->out_tail)
		c->out_tail->next = f;
	else
		c->out_head = f;
	c->out_tail = f;
	lws_callback_on_writable(c->wsi);
	st = conn_pump(c, c->timeout_ms, conn_is_sent, NULL);
out:
	return st;
}

enum conn_status conn_recv(struct conn *c, int timeout_ms, json_t **msg)
{
	struct conn_msg *m;
	enum conn_status st;

	*msg = NULL;
	st = conn_pump(c, timeout_ms, conn_has_msg, NULL);
	if (st != CONN_OK)
		goto out;
	m = c->in_head;
	c->in_head = m->next;
	if (!c->in_head)
		c->in_tail = NULL;
	*msg = m->msg;
	free(m);
out:
	return st;
}

enum conn_status conn_request(struct conn *c, json_t *req, json_t **reply, int timeout_ms)
{
	struct conn_wait w = {NULL, NULL};
	enum conn_status st = CONN_ENOMEM;

	*reply = NULL;
	w.id = conn_stamp(c, req);
	if (!w.id)
		goto out;
	st = conn_send(c, req);
	if (st != CONN_OK)
		goto out;
	st = conn_pump(c, timeout_ms, conn_take_reply, &w);
	if (st == CONN_OK)
		*reply = w.reply;
out:
	return st;
}

void conn_set_interrupt(struct conn *c, const volatile sig_atomic_t *flag)
{
	c->intr = flag;
}

const char *conn_errmsg(const struct conn *c)
{
	return c->err;
}

void conn_close(struct conn *c)
{
	if (!c)
		return;
	if (c->ctx) {
		if (c->wsi && c->open && !c->fail) {
			c->closing = true;
			c->intr = NULL;
			lws_callback_on_writable(c->wsi);
			(void)conn_pump(c, CONN_CLOSE_MS, conn_is_closed, NULL);
		}
		lws_sul_cancel(&c->tick);
		lws_context_destroy(c->ctx);
	}
	while (c->out_head) {
		struct conn_frame *f = c->out_head;

		c->out_head = f->next;
		free(f->buf);
		free(f);
	}
	while (c->in_head) {
		struct conn_msg *m = c->in_head;

		c->in_head = m->next;
		json_decref(m->msg);
		free(m);
	}
	free(c->rx);
	free(c);
}
