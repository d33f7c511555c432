/*
 * tz.h - IANA time zones from the system's zoneinfo (TZif files, RFC 8536):
 * which names exist, the UTC offset in effect at an instant, the instant of
 * a local wall-clock time, and the transitions (clock changes) in a range,
 * for events' start and end times and the VTIMEZONE components of calendar
 * feeds.
 *
 * A zone is read once from TZDIR (the environment variable, else
 * /usr/share/zoneinfo) and parsed into memory: version 2+ files with their
 * 64-bit transition data and the POSIX TZ string of their footer, which
 * gives the rule after the last explicit transition ("slim" files end
 * early and rely on it). Zones with leap seconds ("right/...") and files
 * that do not parse are refused, so every zone the hub accepts is one it
 * can describe exactly.
 *
 * Not here: calendar formatting (ical.c) and event fields (event_check.c).
 * Times are int64 seconds since the epoch; a "wall" time is the local
 * clock reading encoded the same way (as if it were UTC).
 */
#ifndef KR_TZ_H
#define KR_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kr_error.h"

#define KR_TZ_NAME_MAX 64
#define KR_TZ_ABBR_MAX 16

struct kr_tz;

/* What is in effect at one instant. */
struct kr_tz_info {
	int32_t utoff; /* seconds east of UTC: +32400 for JST */
	bool isdst;
	char abbr[KR_TZ_ABBR_MAX]; /* "JST", "CEST", "+0530" style when unnamed */
};

/* One clock change: at utc, the offset goes from `from` to `to`. */
struct kr_tz_transition {
	int64_t utc;
	int32_t from;
	struct kr_tz_info to;
};

/*
 * Whether name has the shape of an IANA zone name: 1-64 bytes of
 * "A-Za-z0-9_+-" in '/'-separated parts, no empty part (so no "." or "..",
 * not absolute). Says nothing about whether the zone exists.
 */
bool tz_name_ok(const char *name);

/*
 * Load the zone `name` from the zoneinfo directory. KR_EINVAL (err says
 * why, naming the zone) when the name is malformed, the zone does not
 * exist, or its file is not a TZif file the hub can describe; KR_EINTERNAL
 * when memory runs out. *out: free with tz_free().
 */
enum kr_err tz_load(const char *name, struct kr_tz **out, char *err, size_t errlen);

/* Parse TZif data (len bytes) as zone name. Errors as tz_load(). */
enum kr_err tz_parse(const char *name, const unsigned char *data, size_t len, struct kr_tz **out,
                     char *err, size_t errlen);

void tz_free(struct kr_tz *z);

/* The zone's name as loaded. */
const char *tz_name(const struct kr_tz *z);

/* What is in effect at utc. */
void tz_at(const struct kr_tz *z, int64_t utc, struct kr_tz_info *out);

/*
 * The instant of the wall-clock time `wall` in the zone. KR_EINVAL when the
 * time does not exist there (skipped by a clock change); a time that occurs
 * twice (the hour repeated when clocks go back) is its first occurrence.
 */
enum kr_err tz_wall_to_utc(const struct kr_tz *z, int64_t wall, int64_t *utc);

/* The first transition strictly after `after`; false when there is none. */
bool tz_next_transition(const struct kr_tz *z, int64_t after, struct kr_tz_transition *out);

/* The last transition at or before `at`; false when there is none. */
bool tz_prev_transition(const struct kr_tz *z, int64_t at, struct kr_tz_transition *out);

/* ---- civil time helpers (proleptic Gregorian, UTC, no leap seconds) ---- */

/* Days since 1970-01-01 of y-m-d (m 1-12, d 1-31). */
int64_t tz_days_from_civil(int64_t y, int m, int d);

/* The date of a day number. */
void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/*
 * Parse "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a wall time without an
 * offset; years 1970-9999) into *wall. False for anything else, including
 * an impossible date (2026-02-30) or an offset.
 */
bool tz_parse_wall(const char *s, int64_t *wall);

/* Format a wall time or UTC instant as "YYYY-MM-DDTHH:MM:SS" (out >= 20 bytes). */
void tz_format_wall(int64_t t, char *out, size_t outlen);

#endif
