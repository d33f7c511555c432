/*
 * conn.h - a small synchronous websocket client for the kairan command line,
 * built on the libwebsockets client.
 *
 * One struct conn is one connection to a hub with its own lws context. Every
 * call runs the lws event loop until its work is done, the connection fails
 * or its timeout passes, so callers read like blocking socket code:
 *
 *	conn_open()    connect (TLS for wss://) with subprotocol "kairan.v1"
 *	conn_request() send a request with a fresh "id", wait for its reply
 *	conn_send()    send a message and return once it is handed to the socket
 *	conn_recv()    the next message that no request claimed (e.g. deliver)
 *	conn_close()   close politely and free everything
 *
 * Received frames are reassembled (fragments up to CONN_MSG_MAX bytes) and
 * parsed as protocol envelopes (valid UTF-8, a JSON object with a "type").
 * Messages that arrive while a request waits for its reply are kept, in
 * order, for conn_recv().
 *
 * Failures are told apart by enum conn_status; conn_errmsg() has the text.
 * A connection that failed or was closed by the hub stays failed: later calls
 * first return what was already received, then the same status.
 *
 * lws logs go nowhere unless the environment variable KAIRAN_DEBUG is set.
 */
#ifndef KAIRAN_CONN_H
#define KAIRAN_CONN_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#define CONN_MSG_MAX (16u * 1024u * 1024u) /* largest message accepted from the hub */
#define CONN_ERR_MAX 512

enum conn_status {
	CONN_OK = 0,
	CONN_ECONNECT, /* could not connect: DNS, TCP, TLS or websocket handshake */
	CONN_ECLOSED,  /* the hub closed the connection, or it dropped */
	CONN_ETIMEOUT, /* nothing arrived in time; the connection is still usable */
	CONN_EPROTO,   /* the hub sent something that is not a protocol message */
	CONN_EINTR,    /* the interrupt flag was raised (see conn_set_interrupt) */
	CONN_ENOMEM,   /* out of memory or could not serialise a message */
};

struct conn;

/*
 * Connect to url (wss:// or ws://) and wait up to timeout_ms for the
 * websocket to open. For wss://, the hub's certificate is verified against
 * ca_path only (a PEM file) when given, else against the system's CAs, and
 * its name is checked; insecure skips all of that (self-signed, expired and
 * mismatched certificates are accepted).
 *
 * intr (borrowed, may be NULL) becomes the connection's interrupt flag (see
 * conn_set_interrupt()) from the start: the wait for the websocket to open
 * already ends with CONN_EINTR once *intr is non-zero.
 *
 * On CONN_OK *out is a new connection to release with conn_close(). On
 * failure *out is NULL and err (CONN_ERR_MAX bytes) says why, including the
 * reason libwebsockets gave.
 */
enum conn_status conn_open(const char *url, const char *ca_path, bool insecure, int timeout_ms,
                           const volatile sig_atomic_t *intr, struct conn **out,
                           char err[CONN_ERR_MAX]);

/*
 * As conn_open(), presenting a client certificate in the TLS handshake
 * (mutual TLS): cert_path a PEM certificate (chain), key_path its PEM
 * private key (NULL: the key is in cert_path). Both NULL: none, as
 * conn_open(). A hub that refuses the certificate (expired, issued by a CA
 * it does not trust) fails the connection with CONN_ECONNECT or, under TLS
 * 1.3 where the refusal arrives just after the handshake, CONN_ECLOSED;
 * err then says the hub refused the client certificate and why.
 */
enum conn_status conn_open_cert(const char *url, const char *ca_path, bool insecure,
                                const char *cert_path, const char *key_path, int timeout_ms,
                                const volatile sig_atomic_t *intr, struct conn **out,
                                char err[CONN_ERR_MAX]);

/*
 * Send msg (borrowed; serialised compactly as one text frame) and wait up to
 * the timeout given to conn_open() for it to be handed to the socket. The
 * interrupt flag does not cut a send short.
 */
enum conn_status conn_send(struct conn *c, const json_t *msg);

/*
 * Give msg (borrowed) a fresh "id" field, replacing any it had. Returns the
 * id, borrowed from msg, or NULL when out of memory.
 */
const char *conn_stamp(struct conn *c, json_t *msg);

/*
 * Take the next received message that no request claimed, waiting up to
 * timeout_ms (negative: no limit). On CONN_OK *msg is a new reference; on
 * any other status *msg is NULL.
 */
enum conn_status conn_recv(struct conn *c, int timeout_ms, json_t **msg);

/*
 * Stamp req (borrowed) with a fresh "id", send it and wait up to timeout_ms
 * for its reply: the message whose "ref" is that id, or an `error` whose
 * "ref" is null (the hub could not read the request's id, e.g. too_large).
 * Other messages are kept for conn_recv(). On CONN_OK *reply is a new
 * reference (which may be an `error` message); otherwise *reply is NULL.
 */
enum conn_status conn_request(struct conn *c, json_t *req, json_t **reply, int timeout_ms);

/*
 * Make conn_recv() and conn_request()'s wait for its reply return CONN_EINTR
 * within a fraction of a second after *flag becomes non-zero (e.g. set by a
 * signal handler). flag is borrowed and must outlive the connection (or be
 * replaced); NULL turns this off.
 */
void conn_set_interrupt(struct conn *c, const volatile sig_atomic_t *flag);

/* Text for the last failure; borrowed, valid until the next call. */
const char *conn_errmsg(const struct conn *c);

/* Close the websocket politely (waiting briefly) and free c. NULL is a no-op. */
void conn_close(struct conn *c);

#endif
