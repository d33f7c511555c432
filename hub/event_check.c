/*
 * event_check.c - an event item's details (see event_check.h).
 */
#include "event_check.h"

#include <stdio.h>
#include <string.h>

#include "prefecture.h"
#include "tz.h"
#include "utf8.h"

#define TEXT_MAX_CHARS 200
#define FEE_MAX_CHARS  100
#define LANGUAGE_MAX   35
#define CAPACITY_MAX   100000
#define CPE_MAX        100.0
#define DURATION_MAX   (31 * 86400)
#define ONLINE         "online"

enum ev_type { EV_STRING, EV_INT, EV_NUMBER };

static const struct {
	const char *name;
	enum ev_type type;
	bool required;
	size_t max_chars; /* strings: 1 .. max characters */
} fields[] = {
    {"prefecture", EV_STRING, true, 8},
    {"venue", EV_STRING, false, TEXT_MAX_CHARS},
    {"start", EV_STRING, true, 19},
    {"end", EV_STRING, true, 19},
    {"timezone", EV_STRING, false, 64},
    {"audience", EV_STRING, true, 16},
    {"capacity", EV_INT, false, 0},
    {"fee", EV_STRING, false, FEE_MAX_CHARS},
    {"cpe_credits", EV_NUMBER, false, 0},
    {"language", EV_STRING, false, LANGUAGE_MAX},
    {"registration_deadline", EV_STRING, false, 19},
    {"organizer", EV_STRING, false, TEXT_MAX_CHARS},
    {"contact", EV_STRING, false, TEXT_MAX_CHARS},
};

#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* What the hub adds; never written by an organiser. */
static const char *const derived[] = {
    "region", "start_utc", "end_utc", "registration_deadline_utc",
    "status", "sequence",  "updated", "cancel_reason",
};

static const char *const audiences[] = {"technical", "executive", "mixed"};

static enum kr_err check_shape(const json_t *ev, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	if (!json_is_object(ev)) {
		snprintf(err, errlen, "event must be an object");
		return KR_EINVAL;
	}
	json_object_foreach((json_t *)ev, key, v)
	{
		size_t i;

		for (i = 0; i < N_FIELDS && strcmp(fields[i].name, key) != 0; i++)
			;
		if (i == N_FIELDS) {
			snprintf(err, errlen, "event: unknown field '%.64s'", key);
			return KR_EFIELD;
		}
		if ((fields[i].type == EV_STRING && !json_is_string(v)) ||
		    (fields[i].type == EV_INT && !json_is_integer(v)) ||
		    (fields[i].type == EV_NUMBER && !json_is_number(v))) {
			snprintf(err, errlen, "event.%s must be %s", key,
			         fields[i].type == EV_STRING ? "a string"
			         : fields[i].type == EV_INT  ? "an integer"
			                                     : "a number");
			return KR_EINVAL;
		}
		if (fields[i].type == EV_STRING) {
			size_t n = kr_utf8_count(json_string_value(v), json_string_length(v));

			if (n == 0 || n > fields[i].max_chars) {
				snprintf(err, errlen, "event.%s must be 1-%zu characters", key,
				         fields[i].max_chars);
				return KR_EINVAL;
			}
		}
	}
	for (size_t i = 0; i < N_FIELDS; i++) {
		if (fields[i].required && !json_object_get(ev, fields[i].name)) {
			snprintf(err, errlen, "event.%s is required", fields[i].name);
			return KR_EINVAL;
		}
	}
	return KR_OK;
}

static bool language_ok(const char *s)
{
	size_t n = 0;

	while (s[n] >= 'a' && s[n] <= 'z')
		n++;
	if (n < 2 || n > 3)
		return false;
	for (s += n; *s;) {
		size_t k = 0;

		if (*s++ != '-')
			return false;
		while ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
		       (s[k] >= '0' && s[k] <= '9'))
			k++;
		if (k < 1 || k > 8)
			return false;
		s += k;
	}
	return true;
}

static void utc_text(int64_t t, char out[24])
{
	tz_format_wall(t, out, 24);
	strcat(out, "Z");
}

/* A local time field: parse, convert, and put both forms into out. */
static enum kr_err wall_field(const json_t *ev, const char *name, const struct kr_tz *z,
                              json_t *out, int64_t *utc, char *err, size_t errlen)
{
	const char *s = json_string_value(json_object_get(ev, name));
	char norm[24], key[48];
	int64_t wall;

	if (!tz_parse_wall(s, &wall)) {
		snprintf(err, errlen,
		         "event.%s: '%.40s' is not a local time YYYY-MM-DDTHH:MM[:SS] (no "
		         "offset: the zone is event.timezone)",
		         name, s);
		return KR_EINVAL;
	}
	if (tz_wall_to_utc(z, wall, utc) != KR_OK) {
		snprintf(err, errlen,
		         "event.%s: %.40s does not exist in %s (the clocks change then)", name, s,
		         tz_name(z));
		return KR_EINVAL;
	}
	tz_format_wall(wall, norm, sizeof(norm));
	json_object_set_new(out, name, json_string(norm));
	utc_text(*utc, norm);
	snprintf(key, sizeof(key), "%s_utc", name);
	json_object_set_new(out, key, json_string(norm));
	return KR_OK;
}

/* Copy field name of ev into out when present. */
static void copy(json_t *out, const json_t *ev, const char *name)
{
	json_t *v = json_object_get(ev, name);

	if (v)
		json_object_set(out, name, v);
}

static enum kr_err check_labels(const json_t *ev, json_t *out, char *err, size_t errlen)
{
	const char *pref = json_string_value(json_object_get(ev, "prefecture"));
	const char *aud = json_string_value(json_object_get(ev, "audience"));
	const struct kr_prefecture *p = kr_prefecture_by_code(pref);
	bool aud_ok = false;

	if (!p && strcmp(pref, ONLINE) != 0) {
		snprintf(
		    err, errlen,
		    "event.prefecture: unknown prefecture '%.16s' (JP-01 ... JP-47, or online)",
		    pref);
		return KR_ELABEL;
	}
	for (size_t i = 0; i < sizeof(audiences) / sizeof(audiences[0]); i++)
		aud_ok = aud_ok || strcmp(aud, audiences[i]) == 0;
	if (!aud_ok) {
		snprintf(err, errlen,
		         "event.audience: unknown audience '%.16s' (technical, executive, mixed)",
		         aud);
		return KR_ELABEL;
	}
	json_object_set_new(out, "prefecture", json_string(pref));
	if (p)
		json_object_set_new(out, "region", json_string(p->region));
	return KR_OK;
}

static enum kr_err check_numbers(const json_t *ev, char *err, size_t errlen)
{
	const json_t *cap = json_object_get(ev, "capacity");
	const json_t *cpe = json_object_get(ev, "cpe_credits");
	const char *lang = json_string_value(json_object_get(ev, "language"));

	if (cap && (json_integer_value(cap) < 0 || json_integer_value(cap) > CAPACITY_MAX)) {
		snprintf(err, errlen, "event.capacity must be 0-%d (0: no limit)", CAPACITY_MAX);
		return KR_EINVAL;
	}
	if (cpe && (json_number_value(cpe) < 0 || json_number_value(cpe) > CPE_MAX)) {
		snprintf(err, errlen, "event.cpe_credits must be 0-%g", CPE_MAX);
		return KR_EINVAL;
	}
	if (lang && !language_ok(lang)) {
		snprintf(err, errlen,
		         "event.language: '%.40s' is not a language tag such as ja, en or ja-JP",
		         lang);
		return KR_EINVAL;
	}
	return KR_OK;
}

static enum kr_err check_times(const json_t *ev, int64_t now, json_t *out, struct kr_event_times *t,
                               char *err, size_t errlen)
{
	const char *zone = json_string_value(json_object_get(ev, "timezone"));
	struct kr_tz *z = NULL;
	char e[200];
	enum kr_err rc;

	rc = tz_load(zone ? zone : KR_EVENT_TZ_DEFAULT, &z, e, sizeof(e));
	if (rc != KR_OK) {
		snprintf(err, errlen, "event.timezone: %s", e);
		return rc;
	}
	json_object_set_new(out, "timezone", json_string(tz_name(z)));
	rc = wall_field(ev, "start", z, out, &t->start, err, errlen);
	if (rc == KR_OK)
		rc = wall_field(ev, "end", z, out, &t->end, err, errlen);
	if (rc == KR_OK && json_object_get(ev, "registration_deadline"))
		rc = wall_field(ev, "registration_deadline", z, out, &t->deadline, err, errlen);
	tz_free(z);
	if (rc != KR_OK)
		return rc;
	if (t->end <= t->start || t->end - t->start > DURATION_MAX) {
		snprintf(err, errlen, "event.end must be after event.start, by at most 31 days");
		return KR_EINVAL;
	}
	if (t->deadline && t->deadline > t->end) {
		snprintf(err, errlen, "event.registration_deadline must not be after event.end");
		return KR_EINVAL;
	}
	if (t->end <= now) {
		snprintf(err, errlen, "event.end: the event has already ended");
		return KR_EINVAL;
	}
	return KR_OK;
}

enum kr_err event_check(enum kr_kind kind, const json_t *event, int64_t now, json_t **out,
                        struct kr_event_times *times, char *err, size_t errlen)
{
	struct kr_event_times t = {0, 0, 0};
	json_t *o = NULL;
	enum kr_err rc;

	*out = NULL;
	if (kind != KR_KIND_EVENT) {
		if (!event)
			return KR_OK;
		snprintf(err, errlen, "only events carry an 'event' object");
		return KR_EINVAL;
	}
	if (!event) {
		snprintf(
		    err, errlen,
		    "an event needs an 'event' object (prefecture, start, end, audience, ...)");
		return KR_EINVAL;
	}
	rc = check_shape(event, err, errlen);
	if (rc != KR_OK)
		return rc;
	o = json_object();
	if (!o)
		return KR_EINTERNAL;
	rc = check_labels(event, o, err, errlen);
	if (rc == KR_OK)
		rc = check_numbers(event, err, errlen);
	if (rc == KR_OK) {
		copy(o, event, "venue");
		rc = check_times(event, now, o, &t, err, errlen);
	}
	if (rc != KR_OK) {
		json_decref(o);
		return rc;
	}
	json_object_set(o, "audience", json_object_get(event, "audience"));
	json_object_set_new(o, "capacity",
	                    json_integer(json_integer_value(json_object_get(event, "capacity"))));
	copy(o, event, "fee");
	copy(o, event, "cpe_credits");
	copy(o, event, "language");
	copy(o, event, "organizer");
	copy(o, event, "contact");
	*out = o;
	if (times)
		*times = t;
	return KR_OK;
}

void event_stamp(json_t *event, const char *status, int64_t sequence, int64_t updated,
                 int64_t round)
{
	char when[24];

	if (round > 1)
		updated -= updated % round;
	utc_text(updated, when);
	json_object_set_new(event, "status", json_string(status));
	json_object_set_new(event, "sequence", json_integer(sequence));
	json_object_set_new(event, "updated", json_string(when));
}

json_t *event_input_fields(const json_t *stored)
{
	json_t *in = json_deep_copy(stored);

	for (size_t i = 0; in && i < sizeof(derived) / sizeof(derived[0]); i++)
		json_object_del(in, derived[i]);
	return in;
}

enum kr_err event_merge(json_t *input, const json_t *update, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)update, key, v)
	{
		size_t i;

		for (i = 0; i < N_FIELDS && strcmp(fields[i].name, key) != 0; i++)
			;
		if (i == N_FIELDS) {
			snprintf(err, errlen, "event: unknown field '%.64s'", key);
			return KR_EFIELD;
		}
		if (!json_is_null(v)) {
			json_object_set(input, key, v);
		} else if (fields[i].required) {
			snprintf(err, errlen, "event.%s is required and cannot be removed", key);
			return KR_EINVAL;
		} else {
			json_object_del(input, key);
		}
	}
	return KR_OK;
}

enum kr_err event_region_filter(const char *region, json_t **out, char *err, size_t errlen)
{
	const struct kr_prefecture *p = kr_prefecture_by_code(region);

	*out = NULL;
	if (!region || strcmp(region, "all") == 0)
		return KR_OK;
	*out = json_array();
	if (!*out)
		return KR_EINTERNAL;
	if (p || strcmp(region, "online") == 0) {
		json_array_append_new(*out, json_string(region));
		return KR_OK;
	}
	if (!kr_region_known(region)) {
		json_decref(*out);
		*out = NULL;
		snprintf(err, errlen,
		         "unknown region '%.16s' (JP-01 ... JP-47, a region such as kanto, online, "
		         "or all)",
		         region);
		return KR_ELABEL;
	}
	for (int n = 1; n <= KR_PREFECTURE_COUNT; n++)
		if (strcmp(kr_prefecture_at(n)->region, region) == 0)
			json_array_append_new(*out, json_string(kr_prefecture_at(n)->code));
	return KR_OK;
}
