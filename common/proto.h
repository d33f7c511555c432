/*
 * proto.h - the kairan wire protocol v1 envelope, shared by hub and client
 * (see schema/PROTOCOL.md).
 *
 * Parsing is strict: a frame must be valid UTF-8, one JSON object without
 * duplicate keys, with a string `type` and an optional string `id` of 1-64
 * characters. Fields of each message are checked against a field table
 * (kr_fields_check), which rejects unknown fields and wrong types.
 *
 * Ownership follows Jansson's terms: "new reference" means the caller must
 * json_decref() it; "borrowed" means it lives as long as its owner.
 */
#ifndef KR_PROTO_H
#define KR_PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "kr_error.h"

#define KR_SUBPROTOCOL "kairan.v1"
#define KR_ID_MAX      64

/* A parsed frame. */
struct kr_envelope {
	json_t *msg;      /* new reference: the whole object */
	const char *type; /* borrowed from msg */
	const char *id;   /* borrowed from msg, NULL when absent */
};

/*
 * Parse one frame. On success fills env (release with kr_envelope_clear).
 * On failure env->msg is NULL, env->id may still point into a copy kept in
 * idbuf (when the id could be recovered, so the error can carry `ref`), and
 * err receives a message for people.
 */
enum kr_err kr_envelope_parse(const char *buf, size_t len, struct kr_envelope *env,
                              char idbuf[KR_ID_MAX + 1], char *err, size_t errlen);

void kr_envelope_clear(struct kr_envelope *env);

enum kr_ftype { KR_F_STRING, KR_F_INT, KR_F_BOOL, KR_F_ARRAY, KR_F_OBJECT };

/* One permitted field of a message object. */
struct kr_field {
	const char *name;
	enum kr_ftype type;
	bool required;
};

/*
 * Check that obj has only the listed fields (plus `type` and `id` when
 * envelope is true), that every required one is present, and that each has
 * its type. Returns KR_EFIELD for an unknown field, KR_EINVAL otherwise;
 * err names the field.
 */
enum kr_err kr_fields_check(const json_t *obj, const struct kr_field *spec, size_t n, bool envelope,
                            char *err, size_t errlen);

/* {"type":type,"ref":ref} (ref JSON null when NULL). New reference. */
json_t *kr_msg_reply(const char *type, const char *ref);

/* {"type":"error","ref":ref,"code":...,"message":message}. New reference. */
json_t *kr_msg_error(const char *ref, enum kr_err e, const char *message);

/*
 * Serialise msg compactly into a malloc'd buffer with `pre` bytes of
 * headroom before the text (libwebsockets needs LWS_PRE). *len receives the
 * text length. Returns the start of the allocation, or NULL on failure.
 */
char *kr_msg_dump(const json_t *msg, size_t pre, size_t *len);

#endif
