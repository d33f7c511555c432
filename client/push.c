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

/* An event notice: "event it_... (TITLE) changed/was cancelled/...". */
static void push_event_notice(FILE *f, const json_t *msg)
{
	static const struct {
		const char *event, *what;
	} whats[] = {
	    {"event_updated", "changed"},
	    {"event_cancelled", "was cancelled"},
	    {"rsvp_promoted", "has a seat for you now (from the waitlist)"},
	    {"event_reminder", "starts soon"},
	};
	const char *event = json_string_value(json_object_get(msg, "event"));
	const json_t *item = json_object_get(msg, "item");
	const json_t *ev = json_object_get(item, "event");
	const json_t *rsvp = json_object_get(msg, "rsvp");

	fputs("event ", f);
	push_put(f, msg, "item_id");
	fputs(" (", f);
	push_put(f, item, "title");
	fputs(", ", f);
	push_put(f, ev, "start");
	fputs(" ", f);
	push_put(f, ev, "timezone");
	fputs(") ", f);
	for (size_t i = 0; i < sizeof(whats) / sizeof(whats[0]); i++)
		if (event && strcmp(event, whats[i].event) == 0)
			fputs(whats[i].what, f);
	push_reason(f, msg, "reason");
	if (json_is_object(rsvp)) {
		fputs("; you are ", f);
		push_put(f, rsvp, "status");
		if (json_object_get(rsvp, "position"))
			fprintf(f, " (position %lld)",
			        (long long)json_integer_value(json_object_get(rsvp, "position")));
	}
}

/* How each `notice` event is told. */
static const struct {
	const char *event;
	void (*describe)(FILE *f, const json_t *msg);
} push_events[] = {
    {"permission_request", push_permission_request},
    {"permission_decision", push_permission_decision},
    {"moderation", push_moderation},
    {"event_updated", push_event_notice},
    {"event_cancelled", push_event_notice},
    {"rsvp_promoted", push_event_notice},
    {"event_reminder", push_event_notice},
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
