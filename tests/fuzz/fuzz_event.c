/*
 * fuzz_event.c - libFuzzer harness for events: the `event` object of a
 * post (any JSON: {"event": {...}, "title": "...", "body": "..."}) goes
 * through event_check(); an accepted one becomes an item view and then a
 * calendar (ical_calendar()). Raw bytes that are UTF-8 are also folded
 * (ical_fold()). Properties: never crashes or leaks; a refusal names what
 * is wrong; every calendar line ends in CRLF, has at most 75 octets and is
 * valid UTF-8 on its own, and unfolding gives back a folded line exactly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event_check.h"
#include "ical.h"
#include "utf8.h"

#define NOW 1795305600 /* 2026-11-22T00:00:00Z */

/* CRLF line ends, at most 75 octets a line, each line valid UTF-8. */
static void check_lines(const char *text, size_t len)
{
	size_t start = 0;

	while (start < len) {
		const char *crlf = memchr(text + start, '\r', len - start);
		size_t n;

		if (!crlf || (size_t)(crlf - text) + 1 >= len || crlf[1] != '\n')
			abort();
		n = (size_t)(crlf - text) - start;
		if (n > 75 || !kr_utf8_valid(text + start, n) || memchr(text + start, '\n', n))
			abort();
		start += n + 2;
	}
}

static void fold_roundtrip(const uint8_t *data, size_t size)
{
	char *line, *folded, *u;
	size_t n, j = 0;

	if (size > 4096 || !kr_utf8_valid((const char *)data, size) || memchr(data, '\0', size) ||
	    memchr(data, '\r', size) || memchr(data, '\n', size))
		return;
	line = malloc(size + 1);
	if (!line)
		return;
	memcpy(line, data, size);
	line[size] = '\0';
	folded = ical_fold(line);
	if (folded) {
		n = strlen(folded);
		check_lines(folded, n);
		u = malloc(n + 1);
		for (size_t i = 0; u && i < n; i++) {
			if (folded[i] == '\r' && folded[i + 1] == '\n') {
				i += i + 2 < n && folded[i + 2] == ' ' ? 2 : 1;
				continue;
			}
			u[j++] = folded[i];
		}
		if (u) {
			u[j] = '\0';
			if (strcmp(u, line) != 0)
				abort();
		}
		free(u);
	}
	free(folded);
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, 0, NULL);
	json_t *ev = NULL, *item = NULL, *list = NULL, *tags = NULL;
	const char *title, *body;
	char err[256] = "", *cal = NULL;
	size_t len = 0;

	fold_roundtrip(data, size);
	if (!json_is_object(doc))
		goto out;
	if (event_check(KR_KIND_EVENT, json_object_get(doc, "event"), NOW, &ev, NULL, err,
	                sizeof(err)) != KR_OK) {
		if (!err[0] || ev)
			abort();
		goto out;
	}
	event_stamp(ev, json_is_true(json_object_get(doc, "cancelled")) ? "cancelled" : "scheduled",
	            3, NOW, 3600);
	title = json_string_value(json_object_get(doc, "title"));
	body = json_string_value(json_object_get(doc, "body"));
	if (title && !kr_utf8_valid(title, strlen(title)))
		title = NULL;
	if (body && !kr_utf8_valid(body, strlen(body)))
		body = NULL;
	tags = json_is_array(json_object_get(doc, "tags"))
	           ? json_incref(json_object_get(doc, "tags"))
	           : json_array();
	item =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:O, s:s, s:s, s:O}", "id",
	              "it_0123456789abcdef", "kind", "event", "circle", "c", "tlp",
	              json_is_true(json_object_get(doc, "green")) ? "GREEN" : "CLEAR", "title",
	              title ? title : "t", "body", body ? body : "", "indicators", "tags", tags,
	              "created", "2026-11-21T22:00:00Z", "pseudonym", "anon-00000000", "event", ev);
	list = json_pack("[O]", item);
	if (!list)
		goto out;
	if (ical_calendar(list, title, 0, &cal, &len, err, sizeof(err)) == KR_OK) {
		if (!cal || strlen(cal) != len)
			abort();
		check_lines(cal, len);
	} else if (!err[0]) {
		abort();
	}
out:
	free(cal);
	json_decref(list);
	json_decref(item);
	json_decref(tags);
	json_decref(ev);
	json_decref(doc);
	return 0;
}
