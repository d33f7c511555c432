/*
 * redact_profile.c - the organisation profile as others see it: industry
 * as given, employees as a size band (never a number, not even "about
 * 900"), and a prefecture widened to its region, or no region at the
 * strict level.
 */
#include <string.h>

#include "redact_int.h"

/* Size bands, largest first: the first whose minimum is reached applies. */
static const struct {
	long min;
	const char *band;
} bands[] = {
    {5000, "5,000+"}, {1000, "1,000–4,999"}, {500, "500–999"}, {300, "300–499"},
    {100, "100–299"}, {50, "50–99"},         {1, "1–49"},
};

/* The eight regions, by ISO 3166-2:JP prefecture number. */
static const struct {
	int first, last;
	const char *name;
} regions[] = {
    {1, 1, "hokkaido"}, {2, 7, "tohoku"},    {8, 14, "kanto"},    {15, 23, "chubu"},
    {24, 30, "kinki"},  {31, 35, "chugoku"}, {36, 39, "shikoku"}, {40, 47, "kyushu-okinawa"},
};

#define N_REGIONS (sizeof(regions) / sizeof(regions[0]))

const char *redact_size_band(long employees)
{
	for (size_t i = 0; i < sizeof(bands) / sizeof(bands[0]); i++)
		if (employees >= bands[i].min)
			return bands[i].band;
	return NULL;
}

const char *redact_size_band_label(const char *label)
{
	static const char dash[] = "\xe2\x80\x93"; /* U+2013 */

	for (size_t i = 0; label && i < sizeof(bands) / sizeof(bands[0]); i++) {
		const char *b = bands[i].band, *l = label;

		/* Compare, letting one '-' in label stand for the band's en dash. */
		while (*b && *l) {
			if (strncmp(b, dash, 3) == 0 && *l == '-') {
				b += 3;
				l++;
			} else if (*b == *l) {
				b++;
				l++;
			} else {
				break;
			}
		}
		if (!*b && !*l)
			return bands[i].band;
	}
	return NULL;
}

/* "JP-13" -> 13; 0 when it is not a prefecture code. */
static int prefecture(const char *s)
{
	int n;

	if (strlen(s) != 5 || strncmp(s, "JP-", 3) != 0 || !rd_digit(s[3]) || !rd_digit(s[4]))
		return 0;
	n = (s[3] - '0') * 10 + (s[4] - '0');
	return n >= 1 && n <= 47 ? n : 0;
}

/* The region of a prefecture code or region name; NULL when unknown. */
static const char *region_of(const char *s)
{
	int p = s ? prefecture(s) : 0;

	for (size_t i = 0; s && i < N_REGIONS; i++)
		if ((p >= regions[i].first && p <= regions[i].last) ||
		    strcmp(s, regions[i].name) == 0)
			return regions[i].name;
	return NULL;
}

/* Set key to a new string when value is not NULL. False on memory. */
static bool put(json_t *o, const char *key, const char *value)
{
	return !value || json_object_set_new(o, key, json_string(value)) == 0;
}

json_t *redact_profile(const json_t *profile, bool strict)
{
	json_t *out = json_is_object(profile) ? json_object() : NULL;
	const json_t *emp = json_object_get(profile, "employees");
	const char *region = json_string_value(json_object_get(profile, "region"));

	if (!out)
		goto out;
	if (!put(out, "industry", json_string_value(json_object_get(profile, "industry"))) ||
	    !put(out, "size",
	         json_is_integer(emp) ? redact_size_band((long)json_integer_value(emp)) : NULL) ||
	    !put(out, "region", strict ? NULL : region_of(region))) {
		json_decref(out);
		out = NULL;
	}
out:
	return out;
}
