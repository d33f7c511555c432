/*
 * nats.c - the NATS client protocol for the load tool (see nats.h).
 */
#include "nats.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int subject_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

/* snprintf that reports "does not fit" as 0. */
static size_t fit(int n, size_t cap)
{
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

size_t nats_connect(char *buf, size_t cap, const char *name)
{
	return fit(snprintf(buf, cap,
	                    "CONNECT {\"verbose\":false,\"pedantic\":false,\"tls_required\":false,"
	                    "\"name\":\"%s\",\"lang\":\"c\",\"version\":\"1\",\"protocol\":1,"
	                    "\"headers\":false,\"no_responders\":false}\r\n",
	                    name),
	           cap);
}

size_t nats_sub(char *buf, size_t cap, const char *subject, unsigned sid)
{
	if (!subject_ok(subject))
		return 0;
	return fit(snprintf(buf, cap, "SUB %s %u\r\n", subject, sid), cap);
}

size_t nats_pub(char *buf, size_t cap, const char *subject, const void *payload, size_t len)
{
	size_t h;

	if (!subject_ok(subject))
		return 0;
	h = fit(snprintf(buf, cap, "PUB %s %zu\r\n", subject, len), cap);
	if (!h || cap - h < len + 2)
		return 0;
	if (len)
		memcpy(buf + h, payload, len);
	memcpy(buf + h + len, "\r\n", 2);
	return h + len + 2;
}

size_t nats_ping(char *buf, size_t cap)
{
	return fit(snprintf(buf, cap, "PING\r\n"), cap);
}

size_t nats_pong(char *buf, size_t cap)
{
	return fit(snprintf(buf, cap, "PONG\r\n"), cap);
}

/* Does line (n bytes) start with the operation name op, followed by the
 * end or whitespace? */
static int is_op(const char *line, size_t n, const char *op)
{
	size_t k = strlen(op);

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (toupper((unsigned char)line[i]) != op[i])
			return 0;
	return n == k || line[k] == ' ' || line[k] == '\t';
}

/* Split line into at most max whitespace-separated tokens. */
static size_t tokens(const char *line, size_t n, const char **tok, size_t *tlen, size_t max)
{
	size_t count = 0, i = 0;

	while (i < n) {
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == n)
			break;
		if (count == max)
			return max + 1;
		tok[count] = line + i;
		while (i < n && line[i] != ' ' && line[i] != '\t')
			i++;
		tlen[count] = (size_t)(line + i - tok[count]);
		count++;
	}
	return count;
}

/* A decimal number of exactly n digits; -1 when it is not one. */
static long long number(const char *s, size_t n)
{
	long long v = 0;

	if (n == 0 || n > 12)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static long parse_msg(const char *buf, size_t len, size_t line_len, struct nats_msg *m)
{
	const char *tok[5];
	size_t tlen[5], n = tokens(buf, line_len, tok, tlen, 5);
	long long sid, bytes;
	size_t start = line_len + 2;

	if (n != 4 && n != 5)
		return -1; /* MSG subject sid [reply-to] #bytes */
	sid = number(tok[2], tlen[2]);
	bytes = number(tok[n - 1], tlen[n - 1]);
	if (sid < 0 || bytes < 0)
		return -1;
	if (len - start < (size_t)bytes + 2)
		return 0;
	if (buf[start + bytes] != '\r' || buf[start + bytes + 1] != '\n')
		return -1;
	m->op = NATS_MSG;
	m->subject = tok[1];
	m->subject_len = tlen[1];
	m->sid = (unsigned long)sid;
	m->payload = buf + start;
	m->payload_len = (size_t)bytes;
	return (long)(start + (size_t)bytes + 2);
}

long nats_parse(const char *buf, size_t len, struct nats_msg *m)
{
	const char *end;
	size_t line_len, scan = len < NATS_LINE_MAX + 2 ? len : NATS_LINE_MAX + 2;

	memset(m, 0, sizeof(*m));
	end = scan >= 2 ? memchr(buf, '\n', scan) : NULL;
	if (!end)
		return len >= NATS_LINE_MAX + 2 ? -1 : 0;
	if (end == buf || end[-1] != '\r')
		return -1;
	line_len = (size_t)(end - 1 - buf);
	if (is_op(buf, line_len, "MSG"))
		return parse_msg(buf, len, line_len, m);
	if (is_op(buf, line_len, "PING"))
		m->op = NATS_PING;
	else if (is_op(buf, line_len, "PONG"))
		m->op = NATS_PONG;
	else if (is_op(buf, line_len, "+OK"))
		m->op = NATS_OK;
	else if (is_op(buf, line_len, "INFO") || is_op(buf, line_len, "-ERR")) {
		m->op = toupper((unsigned char)buf[0]) == 'I' ? NATS_INFO : NATS_ERR;
		m->text = buf + 4;
		m->text_len = line_len - 4;
		while (m->text_len && (*m->text == ' ' || *m->text == '\t')) {
			m->text++;
			m->text_len--;
		}
	} else {
		return -1;
	}
	return (long)(line_len + 2);
}
