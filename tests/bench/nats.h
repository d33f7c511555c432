/*
 * nats.h - the NATS client protocol, as much as the load tool
 * (kairan-load) needs over websockets: CONNECT, SUB, PUB, PING, PONG out;
 * INFO, MSG, PING, PONG, +OK and -ERR in.
 *
 * It is not a client: no headers (HMSG), no reconnects, no auth. Pure: no
 * I/O, no allocation. Encoders write into the caller's buffer and return
 * the length, or 0 when it does not fit or a subject is empty or holds a
 * space or control character. NATS protocol documentation, "Client
 * Protocol".
 */
#ifndef KL_NATS_H
#define KL_NATS_H

#include <stddef.h>

/* Longest control line accepted from the server (its default max_control_line). */
#define NATS_LINE_MAX 4096

enum nats_op { NATS_INFO, NATS_MSG, NATS_PING, NATS_PONG, NATS_OK, NATS_ERR };

/* CONNECT {"verbose":false,"pedantic":false,...,"headers":false}\r\n */
size_t nats_connect(char *buf, size_t cap, const char *name);

/* SUB subject sid\r\n */
size_t nats_sub(char *buf, size_t cap, const char *subject, unsigned sid);

/* PUB subject len\r\npayload\r\n */
size_t nats_pub(char *buf, size_t cap, const char *subject, const void *payload, size_t len);

/* PING\r\n and PONG\r\n */
size_t nats_ping(char *buf, size_t cap);
size_t nats_pong(char *buf, size_t cap);

/* One message from the server; pointers borrow the parsed buffer. */
struct nats_msg {
	enum nats_op op;
	const char *subject; /* MSG */
	size_t subject_len;
	unsigned long sid;   /* MSG */
	const char *payload; /* MSG */
	size_t payload_len;
	const char *text; /* INFO's JSON, -ERR's message */
	size_t text_len;
};

/*
 * Decode the message at the start of buf (len bytes of the stream).
 * Returns the bytes it takes (> 0) and fills m; 0 when more bytes are
 * needed; -1 for anything else (an unknown operation, a malformed MSG, a
 * control line over NATS_LINE_MAX). Operation names are case-insensitive.
 */
long nats_parse(const char *buf, size_t len, struct nats_msg *m);

#endif
