/*
 * conn_int.h - the inside of a struct conn, shared by conn.c (the public,
 * blocking calls) and conn_lws.c (the libwebsockets callback). Nothing else
 * includes it.
 */
#ifndef KAIRAN_CONN_INT_H
#define KAIRAN_CONN_INT_H

#include <libwebsockets.h>

#include "conn.h"
#include "url.h"

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
	bool client_cert;     /* a client certificate is presented (mutual TLS) */
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

/* The one protocol of every kairan client context, "kairan.v1". */
extern const struct lws_protocols conn_protocols[];

/* Record the first failure (sticky); later ones are consequences and are dropped. */
void conn_fail(struct conn *c, enum conn_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
