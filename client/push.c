/*
 * push.c - one line for people about a `retraction` or `notice` push (see
 * push.h), as `kairan subscribe` writes them on stderr.
 */
#include "push.h"

#include <string.h>

#include "cli.h"

/* A string field of obj as safe text on f; "?" when it is missing. */
static void push_put(FILE *f, const json_t *obj, const char *field)
{
	const char *s = json_string_value(json_object_get(obj, field));

	cli_print_text(f, s ? s : "?", true);
}

/* ": TEXT" when obj has the string field, nothing otherwise. */
static void push_reason(FILE *f, const json_t *obj, const char *field)
{
	const char *s = json_string_value(json_object_get(obj, field));

	if (s && *s) {
		fputs(": ", f);
		cli_print_text(f, s, true);
	}
}

/* What a request asks: "forward it_... to C" or "lower the TLP of it_... to T". */
static void push_request_what(FILE *f, const json_t *rq)
{
	const char *action = json_string_value(json_object_get(rq, "action"));
	bool lower = action && strcmp(action, "lower_tlp") == 0;

	fputs(lower ? "lower the TLP of " : "forward ", f);
	push_put(f, rq, "item_id");
	fputs(" to ", f);
	push_put(f, rq, lower ? "tlp" : "to");
}

/* The request's id: "request_id", or "id" as a fallback. */
static void push_request_id(FILE *f, const json_t *rq)
{
	push_put(f, rq, json_object_get(rq, "request_id") ? "request_id" : "id");
}

static void push_permission_request(FILE *f, const json_t *msg)
{
	const json_t *rq = json_object_get(msg, "request");

	fputs("request ", f);
	push_request_id(f, rq);
	fputs(": a reader asks you to ", f);
	push_request_what(f, rq);
	push_reason(f, rq, "reason");
	fputs(" (answer with 'kairan decide')", f);
}

static void push_permission_decision(FILE *f, const json_t *msg)
{
	const json_t *rq = json_object_get(msg, "request");

	fputs("request ", f);
	push_request_id(f, rq);
	fputs(" to ", f);
	push_request_what(f, rq);
	fputs(": ", f);
	push_put(f, rq, "status");
	push_reason(f, rq, "decision_reason");
}

static void push_moderation(FILE *f, const json_t *msg)
{
	push_put(f, msg, "item_id");
	fputs(" is now ", f);
	push_put(f, msg, "status");
	push_reason(f, msg, "reason");
}

/* How each `notice` event is told. */
static const struct {
	const char *event;
	void (*describe)(FILE *f, const json_t *msg);
} push_events[] = {
    {"permission_request", push_permission_request},
    {"permission_decision", push_permission_decision},
    {"moderation", push_moderation},
};

static void push_notice(FILE *f, const json_t *msg)
{
	const char *event = json_string_value(json_object_get(msg, "event"));

	fputs("notice: ", f);
	for (size_t i = 0; event && i < sizeof(push_events) / sizeof(push_events[0]); i++) {
		if (strcmp(push_events[i].event, event) == 0) {
			push_events[i].describe(f, msg);
			return;
		}
	}
	push_put(f, msg, "event"); /* an event this client does not know yet */
}

static void push_retraction(FILE *f, const json_t *msg)
{
	fputs("retracted ", f);
	push_put(f, msg, "item_id");
}

/* How each push type is told. */
static const struct {
	const char *type;
	void (*describe)(FILE *f, const json_t *msg);
} push_types[] = {
    {"retraction", push_retraction},
    {"notice", push_notice},
};

void push_describe(FILE *f, const json_t *msg)
{
	const char *type = json_string_value(json_object_get(msg, "type"));

	for (size_t i = 0; type && i < sizeof(push_types) / sizeof(push_types[0]); i++) {
		if (strcmp(push_types[i].type, type) == 0) {
			push_types[i].describe(f, msg);
			fputc('\n', f);
			return;
		}
	}
}
