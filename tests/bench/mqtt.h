/*
 * mqtt.h - a minimal MQTT 3.1.1 encoder and decoder for the load tool
 * (kairan-load), enough to drive a broker over websockets: CONNECT,
 * SUBSCRIBE, PUBLISH at QoS 0 and 1, PUBACK, PINGREQ and DISCONNECT out;
 * CONNACK, SUBACK, PUBLISH, PUBACK and PINGRESP in.
 *
 * It is not a client: no sessions, retries, QoS 2, wills or
 * authentication. Pure: no I/O, no allocation. Every encoder writes into
 * the caller's buffer and returns the packet length, or 0 when the buffer
 * is too small or an argument is out of range (a topic over 65,535 bytes,
 * QoS other than 0 or 1, packet id 0 with QoS 1). OASIS MQTT 3.1.1,
 * sections 2 and 3.
 */
#ifndef KL_MQTT_H
#define KL_MQTT_H

#include <stddef.h>
#include <stdint.h>

enum mqtt_type {
	MQTT_CONNECT = 1,
	MQTT_CONNACK = 2,
	MQTT_PUBLISH = 3,
	MQTT_PUBACK = 4,
	MQTT_SUBSCRIBE = 8,
	MQTT_SUBACK = 9,
	MQTT_PINGREQ = 12,
	MQTT_PINGRESP = 13,
	MQTT_DISCONNECT = 14,
};

/* The largest remaining length the 4-byte encoding can carry. */
#define MQTT_REMAINING_MAX 268435455u

/* CONNECT, protocol level 4, clean session, no will, user or password. */
size_t mqtt_connect(uint8_t *buf, size_t cap, const char *client_id, uint16_t keepalive_s);

/* SUBSCRIBE to one topic filter at qos (0 or 1). */
size_t mqtt_subscribe(uint8_t *buf, size_t cap, uint16_t packet_id, const char *topic, uint8_t qos);

/* PUBLISH at qos 0 (packet_id ignored) or 1 (packet_id 1-65535), not retained. */
size_t mqtt_publish(uint8_t *buf, size_t cap, const char *topic, uint8_t qos, uint16_t packet_id,
                    const void *payload, size_t len);

/* PUBACK for a QoS 1 PUBLISH received. */
size_t mqtt_puback(uint8_t *buf, size_t cap, uint16_t packet_id);

/* PINGREQ and DISCONNECT (two bytes each). */
size_t mqtt_pingreq(uint8_t *buf, size_t cap);
size_t mqtt_disconnect(uint8_t *buf, size_t cap);

/* One decoded packet; pointers borrow the parsed buffer. */
struct mqtt_packet {
	enum mqtt_type type;
	uint8_t flags;      /* low nibble of the first byte */
	uint16_t packet_id; /* PUBACK, SUBACK, PUBLISH at QoS > 0 */
	uint8_t code;       /* CONNACK return code, first SUBACK return code */
	uint8_t qos;        /* PUBLISH */
	const char *topic;  /* PUBLISH, not NUL-terminated */
	size_t topic_len;
	const uint8_t *payload; /* PUBLISH */
	size_t payload_len;
};

/*
 * Decode the packet at the start of buf (len bytes of a byte stream).
 * Returns the bytes it takes (> 0) and fills p; 0 when buf holds only part
 * of a packet (read more and call again with the same start); -1 when the
 * bytes cannot be MQTT 3.1.1 sent by a server (bad remaining length, a
 * type a server never sends, a body too short for its type).
 */
long mqtt_parse(const uint8_t *buf, size_t len, struct mqtt_packet *p);

#endif
