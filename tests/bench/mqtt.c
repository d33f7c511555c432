/*
 * mqtt.c - MQTT 3.1.1 packets for the load tool (see mqtt.h).
 */
#include "mqtt.h"

#include <string.h>

/* Bytes the remaining-length field of n takes (1-4), 0 when n is too big. */
static size_t varint_len(size_t n)
{
	if (n > MQTT_REMAINING_MAX)
		return 0;
	return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
}

/* Fixed header: first byte and remaining length. Returns its size or 0. */
static size_t header(uint8_t *buf, size_t cap, uint8_t first, size_t remaining)
{
	size_t n = varint_len(remaining), i = 1;

	if (!n || cap < 1 + n + remaining)
		return 0;
	buf[0] = first;
	do {
		uint8_t b = remaining % 128;

		remaining /= 128;
		buf[i++] = remaining ? (uint8_t)(b | 0x80) : b;
	} while (remaining);
	return i;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put_str(uint8_t *p, const char *s, size_t n)
{
	p = put16(p, (uint16_t)n);
	memcpy(p, s, n);
	return p + n;
}

size_t mqtt_connect(uint8_t *buf, size_t cap, const char *client_id, uint16_t keepalive_s)
{
	size_t idlen = strlen(client_id), rem = 10 + 2 + idlen, h;
	uint8_t *p;

	if (idlen > 65535)
		return 0;
	h = header(buf, cap, MQTT_CONNECT << 4, rem);
	if (!h)
		return 0;
	p = put_str(buf + h, "MQTT", 4);
	*p++ = 4;    /* protocol level: 3.1.1 */
	*p++ = 0x02; /* clean session */
	p = put16(p, keepalive_s);
	p = put_str(p, client_id, idlen);
	return (size_t)(p - buf);
}

size_t mqtt_subscribe(uint8_t *buf, size_t cap, uint16_t packet_id, const char *topic, uint8_t qos)
{
	size_t tlen = strlen(topic), h;
	uint8_t *p;

	if (tlen == 0 || tlen > 65535 || qos > 1 || packet_id == 0)
		return 0;
	h = header(buf, cap, MQTT_SUBSCRIBE << 4 | 0x02, 2 + 2 + tlen + 1);
	if (!h)
		return 0;
	p = put16(buf + h, packet_id);
	p = put_str(p, topic, tlen);
	*p++ = qos;
	return (size_t)(p - buf);
}

size_t mqtt_publish(uint8_t *buf, size_t cap, const char *topic, uint8_t qos, uint16_t packet_id,
                    const void *payload, size_t len)
{
	size_t tlen = strlen(topic), rem, h;
	uint8_t *p;

	if (tlen == 0 || tlen > 65535 || qos > 1 || (qos && packet_id == 0))
		return 0;
	rem = 2 + tlen + (qos ? 2 : 0) + len;
	h = header(buf, cap, (uint8_t)(MQTT_PUBLISH << 4 | qos << 1), rem);
	if (!h)
		return 0;
	p = put_str(buf + h, topic, tlen);
	if (qos)
		p = put16(p, packet_id);
	if (len)
		memcpy(p, payload, len);
	return (size_t)(p - buf) + len;
}

size_t mqtt_puback(uint8_t *buf, size_t cap, uint16_t packet_id)
{
	size_t h = header(buf, cap, MQTT_PUBACK << 4, 2);

	if (!h)
		return 0;
	put16(buf + h, packet_id);
	return h + 2;
}

size_t mqtt_pingreq(uint8_t *buf, size_t cap)
{
	return header(buf, cap, MQTT_PINGREQ << 4, 0);
}

size_t mqtt_disconnect(uint8_t *buf, size_t cap)
{
	return header(buf, cap, MQTT_DISCONNECT << 4, 0);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The body of a packet a server sends, checked for its type. */
static int decode_body(const uint8_t *b, size_t n, struct mqtt_packet *p)
{
	switch (p->type) {
	case MQTT_CONNACK:
		if (n != 2 || p->flags)
			return -1;
		p->code = b[1];
		return 0;
	case MQTT_PUBACK:
		if (n != 2 || p->flags)
			return -1;
		p->packet_id = get16(b);
		return 0;
	case MQTT_SUBACK:
		if (n < 3 || p->flags)
			return -1;
		p->packet_id = get16(b);
		p->code = b[2];
		return 0;
	case MQTT_PINGRESP:
		return n == 0 && !p->flags ? 0 : -1;
	case MQTT_PUBLISH: {
		size_t tlen, off;

		p->qos = (p->flags >> 1) & 3;
		if (p->qos > 2 || n < 2)
			return -1;
		tlen = get16(b);
		off = 2 + tlen + (p->qos ? 2 : 0);
		if (off > n || tlen == 0)
			return -1;
		p->topic = (const char *)b + 2;
		p->topic_len = tlen;
		if (p->qos)
			p->packet_id = get16(b + 2 + tlen);
		p->payload = b + off;
		p->payload_len = n - off;
		return 0;
	}
	default:
		return -1; /* a server never sends it */
	}
}

long mqtt_parse(const uint8_t *buf, size_t len, struct mqtt_packet *p)
{
	size_t rem = 0, i = 1, mult = 1;

	memset(p, 0, sizeof(*p));
	if (len < 2)
		return 0;
	for (;;) {
		if (i > 4)
			return -1; /* more than four length bytes */
		if (i >= len)
			return 0;
		rem += (size_t)(buf[i] & 0x7f) * mult;
		mult *= 128;
		if (!(buf[i++] & 0x80))
			break;
	}
	if (len - i < rem)
		return 0;
	p->type = (enum mqtt_type)(buf[0] >> 4);
	p->flags = buf[0] & 0x0f;
	if (decode_body(buf + i, rem, p) != 0)
		return -1;
	return (long)(i + rem);
}
