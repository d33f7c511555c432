/*
 * item.c - in-memory items (see item.h).
 */
#include "item.h"

#include <libwebsockets.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

struct kr_item *item_new(const struct kr_item_fields *f)
{
	struct kr_item *it = calloc(1, sizeof(*it));

	if (!it)
		return NULL;
	it->refs = 1;
	it->cursor = f->cursor;
	snprintf(it->id, sizeof(it->id), "%s", f->id);
	if (f->n_recipients) {
		it->recipients = malloc(f->n_recipients * sizeof(int64_t));
		if (!it->recipients)
			goto fail;
		memcpy(it->recipients, f->recipients, f->n_recipients * sizeof(int64_t));
	}
	it->meta = (struct kr_item_meta){
	    .tlp = f->tlp,
	    .status = f->status,
	    .kind = f->kind,
	    .circle_id = f->circle_id,
	    .author_user_id = f->author_user_id,
	    .author_org_id = f->author_org_id,
	    .created_at = f->created_at,
	    .forwarded = f->forwarded_from != NULL,
	    .recipients = it->recipients,
	    .n_recipients = f->n_recipients,
	};
	it->view = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:s}", "id", f->id,
	                     "cursor", (json_int_t)f->cursor, "kind", kr_kind_name(f->kind),
	                     "circle", f->circle_key, "tlp", kr_tlp_name(f->tlp), "status",
	                     kr_status_name(f->status), "title", f->title, "body", f->body,
	                     "indicators", f->indicators, "tags", f->tags, "created", f->created);
	if (!it->view)
		goto fail;
	if (f->forwarded_from &&
	    json_object_set_new(it->view, "forwarded_from", json_string(f->forwarded_from)) != 0)
		goto fail;
	if (json_object_set_new(it->view, "pseudonym",
	                        json_string(f->pseudonym ? f->pseudonym : "anon-00000000")) != 0)
		goto fail;
	if (json_is_object(f->profile) && json_object_set(it->view, "profile", f->profile) != 0)
		goto fail;
	if (json_is_object(f->alert)) {
		if (json_object_set(it->view, "alert", f->alert) != 0)
			goto fail;
		it->severity =
		    kr_severity_parse(json_string_value(json_object_get(f->alert, "severity")));
	}
	if (json_is_object(f->practice) && json_object_set(it->view, "practice", f->practice) != 0)
		goto fail;
	return it;
fail:
	json_decref(it->view);
	free(it->recipients);
	free(it);
	return NULL;
}

struct kr_item *item_ref(struct kr_item *it)
{
	it->refs++;
	return it;
}

void item_unref(struct kr_item *it)
{
	if (!it || --it->refs > 0)
		return;
	json_decref(it->view);
	free(it->frame);
	free(it->recipients);
	free(it);
}

#define FRAME_HEAD "{\"type\":\"deliver\",\"item\":"
#define FRAME_TAIL "}"

/* The reader view, serialised once: the frame is head + view + tail, and a
 * batch is built from the same text (reader.c). */
char *item_frame(struct kr_item *it, size_t *len)
{
	const size_t head = sizeof(FRAME_HEAD) - 1, tail = sizeof(FRAME_TAIL) - 1;
	size_t vlen;

	if (!it->frame) {
		vlen = json_dumpb(it->view, NULL, 0, JSON_COMPACT);
		it->frame = vlen ? malloc(LWS_PRE + head + vlen + tail + 1) : NULL;
		if (!it->frame)
			return NULL;
		memcpy(it->frame + LWS_PRE, FRAME_HEAD, head);
		if (json_dumpb(it->view, it->frame + LWS_PRE + head, vlen, JSON_COMPACT) != vlen) {
			free(it->frame);
			it->frame = NULL;
			return NULL;
		}
		memcpy(it->frame + LWS_PRE + head + vlen, FRAME_TAIL, tail + 1);
		it->frame_len = head + vlen + tail;
	}
	*len = it->frame_len;
	return it->frame + LWS_PRE;
}

const char *item_view_text(struct kr_item *it, size_t *len)
{
	const size_t head = sizeof(FRAME_HEAD) - 1, tail = sizeof(FRAME_TAIL) - 1;
	size_t flen;
	char *frame = item_frame(it, &flen);

	if (!frame)
		return NULL;
	*len = flen - head - tail;
	return frame + head;
}

const json_t *item_content(const struct kr_item *it, const char *field)
{
	return json_object_get(it->view, field);
}

int item_id_generate(char out[KR_ITEM_ID_LEN + 1])
{
	unsigned char raw[8];
	static const char hex[] = "0123456789abcdef";

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return 0;
	memcpy(out, "it_", 3);
	for (size_t i = 0; i < sizeof(raw); i++) {
		out[3 + 2 * i] = hex[raw[i] >> 4];
		out[4 + 2 * i] = hex[raw[i] & 15];
	}
	out[KR_ITEM_ID_LEN] = '\0';
	return 1;
}
