/*
 * conn.c - the blocking calls of the synchronous websocket client (see
 * conn.h): each runs lws_service() in conn_pump() until the state it waits
 * for appears, the connection fails or its time is up. The lws callback that
 * produces that state is in conn_lws.c.
 */
#include "conn_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto.h"

#define CONN_TICK_US  (200 * 1000) /* longest single wait inside lws_service() */
#define CONN_CLOSE_MS 1000         /* how long conn_close() waits for the close handshake */

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
                           const volatile sig_atomic_t *intr, struct conn **out,
                           char err[CONN_ERR_MAX])
{
	return conn_open_cert(url, ca_path, insecure, NULL, NULL, timeout_ms, intr, out, err);
}

enum conn_status conn_open_cert(const char *url, const char *ca_path, bool insecure,
                                const char *cert_path, const char *key_path, int timeout_ms,
                                const volatile sig_atomic_t *intr, struct conn **out,
                                char err[CONN_ERR_MAX])
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
	c->intr = intr;
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
		if (cert_path) {
			info.client_ssl_cert_filepath = cert_path;
			info.client_ssl_private_key_filepath = key_path ? key_path : cert_path;
			c->client_cert = true;
		}
	}
	c->ctx = lws_create_context(&info);
	if (!c->ctx) {
		st = CONN_ECONNECT;
		snprintf(err, CONN_ERR_MAX, "cannot set up the websocket client%s",
		         c->client_cert ? " (TLS initialisation failed: cannot load the client "
		                          "certificate and key)"
		         : c->url.tls   ? " (TLS initialisation failed)"
		                        : "");
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

	const volatile sig_atomic_t *intr = c->intr;

	if (c->fail || !c->wsi)
		return c->fail ? c->fail : CONN_ECLOSED;
	f = calloc(1, sizeof(*f));
	if (f)
		f->buf = kr_msg_dump(msg, LWS_PRE, &f->len);
	if (!f || !f->buf) {
		free(f);
		snprintf(c->err, sizeof(c->err), "out of memory serialising a message");
		goto out;
	}
	if (c->out_tail)
		c->out_tail->next = f;
	else
		c->out_head = f;
	c->out_tail = f;
	lws_callback_on_writable(c->wsi);
	c->intr = NULL; /* a frame is sent whole or not at all: finish it */
	st = conn_pump(c, c->timeout_ms, conn_is_sent, NULL);
	c->intr = intr;
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
	if (!w.id) {
		snprintf(c->err, sizeof(c->err), "out of memory");
		goto out;
	}
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
