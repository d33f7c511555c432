/*
 * cli_item.c - one item for people (see cli_print_item() in cli.h), as
 * `kairan get` and `kairan moderate show` print it.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "indicator.h"
#include "prefecture.h"

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

/* "2026-12-12T14:00:00" as "2026-12-12 14:00" into out (at least 17 bytes);
 * with same_day, only "14:00" when the date equals that of same_day. */
static const char *item_when(const char *t, const char *same_day, char *out, size_t len)
{
	if (!t || strlen(t) < 16) {
		snprintf(out, len, "%s", t ? t : "?");
		return out;
	}
	if (same_day && strncmp(t, same_day, 10) == 0)
		snprintf(out, len, "%.5s", t + 11);
	else
		snprintf(out, len, "%.10s %.5s", t, t + 11);
	return out;
}

/* The lines of an event's details (its `event` object, borrowed; nothing
 * for other kinds): when, where, for whom, seats, fee, credits, language,
 * deadline, organiser, contact, and a cancellation. */
static void item_event(const json_t *ev)
{
	const char *start = json_string_value(json_object_get(ev, "start"));
	const char *pref = json_string_value(json_object_get(ev, "prefecture"));
	const struct kr_prefecture *p = kr_prefecture_by_code(pref);
	const json_t *cap = json_object_get(ev, "capacity"),
	             *cpe = json_object_get(ev, "cpe_credits");
	const char *status = json_string_value(json_object_get(ev, "status"));
	char a[32], b[32], line[512];

	if (!json_is_object(ev))
		return;
	snprintf(line, sizeof(line), "%s – %s (%s)", item_when(start, NULL, a, sizeof(a)),
	         item_when(json_string_value(json_object_get(ev, "end")), start, b, sizeof(b)),
	         json_string_value(json_object_get(ev, "timezone")));
	printf("%-15s", "when");
	cli_print_text(stdout, line, true);
	fputc('\n', stdout);
	printf("%-15s", "where");
	if (p)
		printf("%s %s (%s)", p->code, p->ja, p->en);
	else
		cli_print_text(stdout,
		               pref ? (strcmp(pref, "online") ? pref : "online / オンライン") : "?",
		               true);
	if (json_object_get(ev, "venue")) {
		fputs(": ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(ev, "venue")), true);
	}
	fputc('\n', stdout);
	item_field("audience", json_object_get(ev, "audience"));
	if (json_integer_value(cap) > 0)
		item_field("capacity", cap);
	else
		printf("%-15sno limit\n", "capacity");
	item_field("fee", json_object_get(ev, "fee"));
	if (json_is_number(cpe))
		printf("%-15s%g\n", "CPE credits", json_number_value(cpe));
	item_field("language", json_object_get(ev, "language"));
	if (json_object_get(ev, "registration_deadline")) {
		printf("%-15s", "register by");
		cli_print_text(
		    stdout,
		    item_when(json_string_value(json_object_get(ev, "registration_deadline")), NULL,
		              a, sizeof(a)),
		    true);
		fputc('\n', stdout);
	}
	item_field("organizer", json_object_get(ev, "organizer"));
	item_field("contact", json_object_get(ev, "contact"));
	if (status && strcmp(status, "cancelled") == 0) {
		printf("%-15sCANCELLED", "event");
		if (json_object_get(ev, "cancel_reason")) {
			fputs(": ", stdout);
			cli_print_text(
			    stdout, json_string_value(json_object_get(ev, "cancel_reason")), true);
		}
		fputc('\n', stdout);
	}
	item_field("sequence", json_object_get(ev, "sequence"));
}

/* "  (JP, AS2497 Internet Initiative Japan Inc.)": where the hub located an IP
 * indicator (its `geo`, only the parts given); nothing without one. */
static void item_geo(const json_t *geo)
{
	const char *country = json_string_value(json_object_get(geo, "country"));
	const char *org = json_string_value(json_object_get(geo, "as_org"));
	json_int_t asn = json_integer_value(json_object_get(geo, "asn"));

	if (!country && asn <= 0)
		return;
	fputs("  (", stdout);
	cli_print_text(stdout, country, true);
	if (asn > 0) {
		printf("%sAS%lld", country ? ", " : "", (long long)asn);
		if (org) {
			fputc(' ', stdout);
			cli_print_text(stdout, org, true);
		}
	}
	fputc(')', stdout);
}

/* Under an indicator, aligned with its value: "benign: REASON" and its
 * validity window ("valid from A until B", "(expired)" once B has passed
 * by this machine's clock). */
static void indicator_notes(const json_t *ind, int64_t now)
{
	const char *benign = json_string_value(json_object_get(ind, "benign"));
	const char *from = json_string_value(json_object_get(ind, "valid_from"));
	const char *until = json_string_value(json_object_get(ind, "valid_until"));

	if (benign) {
		printf("%20s", "");
		fputs("benign: ", stdout);
		cli_print_text(stdout, benign, true);
		fputc('\n', stdout);
	}
	if (from || until) {
		printf("%20svalid", "");
		if (from) {
			fputs(" from ", stdout);
			cli_print_text(stdout, from, true);
		}
		if (until) {
			fputs(" until ", stdout);
			cli_print_text(stdout, until, true);
		}
		fputs(kr_ind_expired(ind, now) ? " (expired)\n" : "\n", stdout);
	}
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

/* The indicators as "  TYPE    ROLE      VALUE" lines, each followed by its
 * notes (benign, validity), nothing when there are none. */
static void item_indicators(const json_t *inds)
{
	int64_t now = (int64_t)time(NULL);
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
		item_geo(json_object_get(ind, "geo"));
		fputc('\n', stdout);
		indicator_notes(ind, now);
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
	item_event(json_object_get(item, "event"));
	fputc('\n', stdout);
	cli_print_text(stdout, json_string_value(json_object_get(item, "body")), false);
	fputc('\n', stdout);
	item_alert(json_object_get(item, "alert"));
	item_practice_texts(json_object_get(item, "practice"));
	item_indicators(json_object_get(item, "indicators"));
}

void cli_print_correlation(const json_t *item, const json_t *correlation)
{
	const json_t *inds = json_object_get(item, "indicators");
	const json_t *c;
	size_t i;

	if (json_array_size(correlation) == 0)
		return;
	fputs("\ncorrelation (counted over what you may read, from at least k organisations):\n",
	      stdout);
	json_array_foreach(correlation, i, c)
	{
		const json_t *ind =
		    json_array_get(inds, (size_t)json_integer_value(json_object_get(c, "index")));
		const json_t *also = json_object_get(c, "also_in");
		const json_t *sight = json_object_get(c, "sightings");

		fputs("  ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(ind, "value")), true);
		if (also)
			printf(": also in %lld other item%s", (long long)json_integer_value(also),
			       json_integer_value(also) == 1 ? "" : "s");
		if (sight)
			printf(
			    "%s seen by %lld organisations, %lld say false positive (%lld reports)",
			    also ? ";" : ":",
			    (long long)json_integer_value(json_object_get(sight, "seen_by")),
			    (long long)json_integer_value(json_object_get(sight, "false_positive")),
			    (long long)json_integer_value(json_object_get(sight, "reports")));
		fputc('\n', stdout);
	}
}

void cli_print_redactions(const char *indent, const json_t *redactions)
{
	const json_t *d;
	size_t i;

	if (json_array_size(redactions) == 0)
		return;
	printf("%sremoved before sharing: ", indent);
	json_array_foreach(redactions, i, d)
	{
		printf("%s%" JSON_INTEGER_FORMAT " ", i ? ", " : "",
		       json_integer_value(json_object_get(d, "count")));
		cli_print_text(stdout, json_string_value(json_object_get(d, "kind")), true);
		fputs(" in ", stdout);
		cli_print_text(stdout, json_string_value(json_object_get(d, "field")), true);
	}
	fputc('\n', stdout);
}
