/*
 * item.h - an item as the hub holds it in memory: its access metadata (for
 * the policy gate), the JSON view readers may see (never the author), and
 * the serialised `deliver` frame, built once and shared by every connection
 * it is pushed to.
 *
 * Items are immutable and reference-counted: item_new() returns one
 * reference; every queue that holds the item takes its own with item_ref().
 */
#ifndef KR_ITEM_H
#define KR_ITEM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "policy.h"

#define KR_ITEM_ID_LEN 19 /* "it_" + 16 hex */

struct kr_item {
	int refs;
	int64_t cursor;
	char id[KR_ITEM_ID_LEN + 1];
	struct kr_item_meta meta; /* meta.recipients points to recipients */
	int64_t *recipients;
	json_t *view;              /* owned; what every permitted reader sees */
	char *frame;               /* owned; deliver frame with LWS_PRE headroom, or NULL */
	enum kr_severity severity; /* alerts; KR_SEV_NONE otherwise */
	size_t frame_len;
};

/* Everything item_new() needs; all pointers borrowed. */
struct kr_item_fields {
	int64_t cursor;
	const char *id;
	enum kr_kind kind;
	int64_t circle_id;
	const char *circle_key;
	enum kr_tlp tlp;
	enum kr_status status;
	const char *title;
	const char *body;
	json_t *indicators; /* array */
	json_t *tags;       /* array */
	const char *created;
	int64_t created_at;         /* seconds since the epoch */
	const char *forwarded_from; /* original item id of a forwarded copy, or NULL */
	const char *pseudonym;      /* what readers see instead of the author */
	json_t *profile;            /* coarsened organisation profile, or NULL */
	json_t *alert;              /* an alert's details, or NULL */
	json_t *practice;           /* a practice report's fields, or NULL */
	int64_t author_user_id;
	int64_t author_org_id;
	const int64_t *recipients;
	size_t n_recipients;
};

/* A new item with one reference, or NULL when out of memory. */
struct kr_item *item_new(const struct kr_item_fields *f);

struct kr_item *item_ref(struct kr_item *it);
void item_unref(struct kr_item *it);

/*
 * The shared deliver frame ({"type":"deliver","item":view}), built on first
 * use. Returns a pointer to the text (LWS_PRE bytes of headroom before it
 * belong to the item), or NULL when out of memory. Borrowed.
 */
char *item_frame(struct kr_item *it, size_t *len);

/* The reader view as compact JSON text (len bytes, not NUL-terminated),
 * borrowed from the frame; NULL when out of memory. */
const char *item_view_text(struct kr_item *it, size_t *len);

/*
 * One content field of the item (title, body, indicators, tags, alert,
 * practice, profile), borrowed,
 * for copying an item inside the hub (forwarding). Never send it to a
 * client: items reach clients only through reader.c.
 */
const json_t *item_content(const struct kr_item *it, const char *field);

/* Fresh random item id ("it_" + 16 hex digits) from OpenSSL's RNG. */
int item_id_generate(char out[KR_ITEM_ID_LEN + 1]);

#endif
