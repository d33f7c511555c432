/*
 * conn_lws.c - the libwebsockets side of struct conn (see conn.h): the
 * callback only moves bytes and records state. It writes queued frames (one
 * lws_write per WRITEABLE, with LWS_PRE headroom), reassembles received
 * fragments into whole messages and queues them, and notes failures with the
 * best reason available (lws's text, the close frame, OpenSSL's verdict).
 */
#include "conn_int.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define CONN_RX_MIN 4096 /* first size of the reassembly buffer */

void conn_fail(struct conn *c, enum conn_status st, const char *fmt, ...)
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

/* Said when a connection presenting a client certificate fails without a reason. */
#define CONN_CERT_HINT                                                                             \
	" (the hub may have refused the client certificate: expired, or from a CA it does not "    \
	"trust)"

/* Where the client SSL_CTX keeps its struct conn (for conn_on_tls_info). */
static int conn_ctx_index = -1;

/* Is a TLS alert one a server sends about the client's certificate? */
static bool conn_alert_is_cert(int desc)
{
	switch (desc) {
	case SSL_AD_BAD_CERTIFICATE:
	case SSL_AD_UNSUPPORTED_CERTIFICATE:
	case SSL_AD_CERTIFICATE_REVOKED:
	case SSL_AD_CERTIFICATE_EXPIRED:
	case SSL_AD_CERTIFICATE_UNKNOWN:
	case SSL_AD_UNKNOWN_CA:
	case SSL_AD_ACCESS_DENIED:
	case SSL_AD_DECRYPT_ERROR:
	case SSL_AD_CERTIFICATE_REQUIRED:
		return true;
	default:
		return false;
	}
}

/*
 * Keep the first fatal alert the hub sends: under TLS 1.3 a refused client
 * certificate arrives only after the handshake looked complete, and lws
 * then reports just "read failed".
 */
static void conn_on_tls_info(const SSL *ssl, int where, int ret)
{
	SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
	struct conn *c =
	    ctx && conn_ctx_index >= 0 ? SSL_CTX_get_ex_data(ctx, conn_ctx_index) : NULL;
	int desc = ret & 0xff;

	if (!c || !(where & SSL_CB_READ_ALERT) || (ret >> 8) != SSL3_AL_FATAL || c->tls_note[0])
		return;
	if (c->client_cert && conn_alert_is_cert(desc))
		snprintf(c->tls_note, sizeof(c->tls_note),
		         "the hub refused the client certificate (TLS alert: %s)",
		         SSL_alert_desc_string_long(ret));
	else
		snprintf(c->tls_note, sizeof(c->tls_note), "the hub ended the TLS handshake: %s",
		         SSL_alert_desc_string_long(ret));
}

/* Watch the alerts of the client SSL_CTX (user) of c. */
static void conn_on_client_ctx(struct conn *c, SSL_CTX *ctx)
{
	if (!ctx)
		return;
	if (conn_ctx_index < 0)
		conn_ctx_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if (conn_ctx_index < 0 || !SSL_CTX_set_ex_data(ctx, conn_ctx_index, c))
		return;
	SSL_CTX_set_info_callback(ctx, conn_on_tls_info);
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
		conn_fail(c, CONN_ECONNECT, "cannot connect to %s: %s%s", c->url_text,
		          c->tls_note[0] ? c->tls_note
		          : why[0]       ? why
		                         : "connection failed",
		          c->tls_note[0] || !c->client_cert ? "" : CONN_CERT_HINT);
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		/* lws closes a client whose handshake request cannot be sent
		 * (the hub already hung up: e.g. it refused the client
		 * certificate) without CLIENT_CONNECTION_ERROR. */
		if (wsi != c->wsi)
			break;
		c->wsi = NULL;
		if (!c->open)
			conn_fail(c, CONN_ECONNECT, "cannot connect to %s: %s%s", c->url_text,
			          c->tls_note[0] ? c->tls_note : "the hub closed the connection",
			          c->tls_note[0] || !c->client_cert ? "" : CONN_CERT_HINT);
		else if (!c->closing)
			conn_fail(c, CONN_ECLOSED, "the hub at %s closed the connection%s",
			          c->url_text, c->close_note);
		break;
	case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
		conn_on_verify(c, user, (int)len);
		break;
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS:
		conn_on_client_ctx(c, user);
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
		if (!c->closing && c->tls_note[0])
			conn_fail(c, CONN_ECLOSED, "the hub at %s closed the connection: %s",
			          c->url_text, c->tls_note);
		else if (!c->closing)
			conn_fail(c, CONN_ECLOSED, "the hub at %s closed the connection%s",
			          c->url_text, c->close_note);
		break;
	default:
		break;
	}
	return 0;
}

const struct lws_protocols conn_protocols[] = {
    {KR_SUBPROTOCOL, conn_callback, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};
