/*
 * cli_item.c - one item for people (see cli_print_item() in cli.h), as
 * `kairan get` and `kairan moderate show` print it.
 */
#include "cli.h"

/* One "label  value" line of an item, skipped when the value is absent. */
static void item_field(const char *label, const json_t *v)
{
	if (json_is_string(v)) {
		printf("%-15s", label);
		cli_print_text(stdout, json_string_value(v), true);
		fputc('\n', stdout);
	} else if (json_is_integer(v)) {
		printf("%-15s%" JSON_INTEGER_FORMAT "\n", label, json_integer_value(v));
	}
}

/* A "label  a, b, c" line for an array of strings, skipped when empty. */
static void item_list(const char *label, const json_t *a)
{
	const json_t *v;
	size_t i;

	if (json_array_size(a) == 0)
		return;
	printf("%-15s", label);
	json_array_foreach(a, i, v)
	{
		fputs(i ? ", " : "", stdout);
		cli_print_text(stdout, json_string_value(v), true);
	}
	fputc('\n', stdout);
}

/* A "profile  industry, size, region" line, skipped when there is nothing to show. */
static void item_profile(const json_t *p)
{
	static const char *const keys[] = {"industry", "size", "region"};
	bool any = false;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = json_string_value(json_object_get(p, keys[i]));

		if (!v)
			continue;
		if (!any)
			printf("%-15s", "profile");
		fputs(any ? ", " : "", stdout);
		cli_print_text(stdout, v, true);
		any = true;
	}
	if (any)
		fputc('\n', stdout);
}

/* A "label:" section with one string of a (borrowed) per line, nothing when it is empty. */
static void item_lines(const char *label, const json_t *a)
{
	const json_t *v;
	size_t i;

	if (json_array_size(a) == 0)
		return;
	printf("\n%s:\n", label);
	json_array_foreach(a, i, v)
	{
		fputs("  ", stdout);
		cli_print_text(stdout, json_string_value(v), true);
		fputc('\n', stdout);
	}
}

/*
 * The sections of an alert (its `alert` object, borrowed; nothing for other
 * kinds) that follow the body: the recommended action as text (newlines
 * kept), then the affected products and the references, one per line.
 */
static void item_alert(const json_t *alert)
{
	const char *action = json_string_value(json_object_get(alert, "recommended_action"));

	if (action && *action) {
		fputs("\nrecommended action:\n", stdout);
		cli_print_text(stdout, action, false);
		fputc('\n', stdout);
	}
	item_lines("affected products", json_object_get(alert, "affected_products"));
	item_lines("references", json_object_get(alert, "references"));
}

/* A "label:" section with a text (newlines kept), nothing when absent or empty. */
static void item_text(const char *label, const json_t *v)
{
	const char *text = json_string_value(v);

	if (!text || !*text)
		return;
	printf("\n%s:\n", label);
	cli_print_text(stdout, text, false);
	fputc('\n', stdout);
}

/*
 * A practice report's labels (directive, industry, size band, readers,
 * level: lines among the item's fields) or its texts (situation, steps,
 * outcome, references: sections after the body). Nothing for other kinds.
 */
static void item_practice_labels(const json_t *p)
{
	item_field("directive", json_object_get(p, "directive"));
	item_field("industry", json_object_get(p, "industry"));
	item_field("size band", json_object_get(p, "size_band"));
	item_list("readers", json_object_get(p, "readers"));
	item_field("level", json_object_get(p, "level"));
}

static void item_practice_texts(const json_t *p)
{
	item_text("situation", json_object_get(p, "situation"));
	item_text("steps", json_object_get(p, "steps"));
	item_text("outcome", json_object_get(p, "outcome"));
	item_lines("references", json_object_get(p, "references"));
}

/* The indicators as "  TYPE    ROLE      VALUE" lines, nothing when there are none. */
static void item_indicators(const json_t *inds)
{
	const json_t *ind;
	size_t i;

	if (json_array_size(inds) == 0)
		return;
	fputs("\nindicators:\n", stdout);
	json_array_foreach(inds, i, ind)
	{
		const char *role = json_string_value(json_object_get(ind, "role"));

		fputs("  ", stdout);
		cli_print_cell(stdout, json_string_value(json_object_get(ind, "type")), 8);
		cli_print_cell(stdout, role ? role : "unknown", 10);
		cli_print_text(stdout, json_string_value(json_object_get(ind, "value")), true);
		fputc('\n', stdout);
	}
}

void cli_print_item(const json_t *item)
{
	const char *tlp = json_string_value(json_object_get(item, "tlp"));

	cli_print_text(stdout, json_string_value(json_object_get(item, "title")), true);
	fputs("\n\n", stdout);
	item_field("id", json_object_get(item, "id"));
	if (tlp) {
		printf("%-15sTLP:", "tlp");
		cli_print_text(stdout, tlp, true);
		fputc('\n', stdout);
	}
	item_field("circle", json_object_get(item, "circle"));
	item_field("kind", json_object_get(item, "kind"));
	item_field("severity", json_object_get(json_object_get(item, "alert"), "severity"));
	item_practice_labels(json_object_get(item, "practice"));
	item_field("status", json_object_get(item, "status"));
	item_field("created", json_object_get(item, "created"));
	item_field("pseudonym", json_object_get(item, "pseudonym"));
	item_profile(json_object_get(item, "profile"));
	item_field("cursor", json_object_get(item, "cursor"));
	item_field("forwarded from", json_object_get(item, "forwarded_from"));
	item_field("author org", json_object_get(item, "author_org"));
	item_list("tags", json_object_get(item, "tags"));
	item_list("recipients", json_object_get(item, "recipients"));
	fputc('\n', stdout);
	cli_print_text(stdout, json_string_value(json_object_get(item, "body")), false);
	fputc('\n', stdout);
	item_alert(json_object_get(item, "alert"));
	item_practice_texts(json_object_get(item, "practice"));
	item_indicators(json_object_get(item, "indicators"));
}
