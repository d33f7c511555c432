/*
 * tz.c - TZif zones and civil time (see tz.h).
 */
#include "tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"
#define TZ_FILE_MAX    (1024 * 1024)
#define DAY            86400

struct tz_rule_date {
	char kind; /* 'J' (1-365, no Feb 29), 'D' (0-365), 'M' (month.week.day) */
	int n, m, w, d;
	int32_t time; /* seconds after local midnight; may be negative or past 24h */
};

/* The POSIX TZ string of a TZif footer: the rule after the last transition. */
struct tz_posix {
	bool valid;
	bool has_dst;
	struct kr_tz_info std, dst;
	struct tz_rule_date start, end;
};

struct kr_tz {
	char name[KR_TZ_NAME_MAX + 1];
	int64_t *times;
	uint8_t *idx;
	size_t n_times;
	struct kr_tz_info *types;
	size_t n_types;
	struct tz_posix footer;
};

/* ---- civil time ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int64_t tz_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

static bool digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

bool tz_parse_wall(const char *s, int64_t *wall)
{
	int y, mo, d, h, mi, sec = 0;
	size_t n = s ? strlen(s) : 0;

	if ((n != 16 && n != 19) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    !digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi))
		return false;
	if (n == 19 && (s[16] != ':' || !digits(s + 17, 2, &sec)))
		return false;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 ||
	    sec > 59)
		return false;
	*wall = tz_days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 + sec;
	return true;
}

void tz_format_wall(int64_t t, char *out, size_t outlen)
{
	int64_t days = floor_div(t, DAY), secs = t - days * DAY, y;
	int m, d;

	tz_civil_from_days(days, &y, &m, &d);
	snprintf(out, outlen, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)y, m, d,
	         (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

/* ---- names and files ---- */

bool tz_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > KR_TZ_NAME_MAX || name[0] == '/' || name[n - 1] == '/' ||
	    strstr(name, "//"))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '+' || c == '-' || c == '/'))
			return false;
	}
	return true;
}

const char *tz_name(const struct kr_tz *z)
{
	return z->name;
}

void tz_free(struct kr_tz *z)
{
	if (!z)
		return;
	free(z->times);
	free(z->idx);
	free(z->types);
	free(z);
}

enum kr_err tz_load(const char *name, struct kr_tz **out, char *err, size_t errlen)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	unsigned char *buf = NULL;
	struct stat st;
	size_t len = 0;
	FILE *f = NULL;
	enum kr_err rc = KR_EINVAL;

	*out = NULL;
	if (!tz_name_ok(name)) {
		snprintf(err, errlen, "'%.80s' is not a time zone name (e.g. Asia/Tokyo)",
		         name ? name : "");
		return KR_EINVAL;
	}
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : TZ_DEFAULT_DIR, name);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "unknown time zone '%s' (not in the system's zoneinfo)",
		         name);
		return KR_EINVAL;
	}
	if (st.st_size > TZ_FILE_MAX || !(f = fopen(path, "rb"))) {
		snprintf(err, errlen, "time zone '%s' cannot be read", name);
		return KR_EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = KR_EINTERNAL;
		goto out;
	}
	len = fread(buf, 1, (size_t)st.st_size, f);
	rc = tz_parse(name, buf, len, out, err, errlen);
out:
	free(buf);
	fclose(f);
	return rc;
}

/* ---- TZif parsing ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static bool read_header(const unsigned char *p, size_t len, struct tzif_counts *c, char *version)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return false;
	*version = (char)p[4];
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	return c->time < 100000 && c->type >= 1 && c->type <= 256 && c->chars >= 1 &&
	       c->chars < 100000 && c->leap < 100000 && c->isut <= c->type && c->isstd <= c->type;
}

static size_t block_size(const struct tzif_counts *c, size_t tsize)
{
	return c->time * (tsize + 1) + c->type * 6 + c->chars + c->leap * (tsize + 4) + c->isstd +
	       c->isut;
}

/* ---- POSIX TZ strings (RFC 8536 section 3.3) ---- */

static const char *posix_name(const char *p, char out[KR_TZ_ABBR_MAX])
{
	size_t n = 0;

	if (*p == '<') {
		p++;
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		       (*p >= '0' && *p <= '9') || *p == '+' || *p == '-') {
			if (n + 1 >= KR_TZ_ABBR_MAX)
				return NULL;
			out[n++] = *p++;
		}
		if (*p != '>' || n < 3)
			return NULL;
		p++;
	} else {
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
			if (n + 1 >= KR_TZ_ABBR_MAX)
				return NULL;
			out[n++] = *p++;
		}
		if (n < 3)
			return NULL;
	}
	out[n] = '\0';
	return p;
}

/* [+-]h[h[h]][:mm[:ss]] with hours up to max_hours; seconds into *out. */
static const char *posix_time(const char *p, int max_hours, int32_t *out)
{
	int sign = 1, h = 0, m = 0, s = 0, nd = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	while (*p >= '0' && *p <= '9' && nd < 3) {
		h = h * 10 + (*p++ - '0');
		nd++;
	}
	if (nd == 0 || h > max_hours)
		return NULL;
	if (*p == ':') {
		if (!digits(p + 1, 2, &m) || m > 59)
			return NULL;
		p += 3;
		if (*p == ':') {
			if (!digits(p + 1, 2, &s) || s > 59)
				return NULL;
			p += 3;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *posix_number(const char *p, int *out)
{
	int n = 0, nd = 0;

	while (*p >= '0' && *p <= '9' && nd < 4) {
		n = n * 10 + (*p++ - '0');
		nd++;
	}
	*out = n;
	return nd ? p : NULL;
}

static const char *posix_date(const char *p, struct tz_rule_date *r)
{
	r->time = 7200;
	if (*p == 'J') {
		r->kind = 'J';
		p = posix_number(p + 1, &r->n);
		if (!p || r->n < 1 || r->n > 365)
			return NULL;
	} else if (*p == 'M') {
		r->kind = 'M';
		p = posix_number(p + 1, &r->m);
		if (!p || *p != '.' || !(p = posix_number(p + 1, &r->w)) || *p != '.' ||
		    !(p = posix_number(p + 1, &r->d)))
			return NULL;
		if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d > 6)
			return NULL;
	} else {
		r->kind = 'D';
		p = posix_number(p, &r->n);
		if (!p || r->n > 365)
			return NULL;
	}
	if (*p == '/')
		p = posix_time(p + 1, 167, &r->time);
	return p;
}

static bool posix_parse(const char *s, struct tz_posix *z)
{
	const char *p = s;
	int32_t off;

	memset(z, 0, sizeof(*z));
	if (!(p = posix_name(p, z->std.abbr)) || !(p = posix_time(p, 24, &off)))
		return false;
	z->std.utoff = -off;
	if (*p == '\0') {
		z->valid = true;
		return true;
	}
	if (!(p = posix_name(p, z->dst.abbr)))
		return false;
	z->has_dst = true;
	z->dst.isdst = true;
	z->dst.utoff = z->std.utoff + 3600;
	if (*p != ',' && *p != '\0') {
		if (!(p = posix_time(p, 24, &off)))
			return false;
		z->dst.utoff = -off;
	}
	if (*p == '\0') { /* POSIX's default rule (the US one) */
		z->start = (struct tz_rule_date){'M', 0, 3, 2, 0, 7200};
		z->end = (struct tz_rule_date){'M', 0, 11, 1, 0, 7200};
	} else if (*p != ',' || !(p = posix_date(p + 1, &z->start)) || *p != ',' ||
	           !(p = posix_date(p + 1, &z->end)) || *p != '\0') {
		return false;
	}
	z->valid = true;
	return true;
}

/* Day number of a rule date in year y. */
static int64_t rule_day(const struct tz_rule_date *r, int64_t y)
{
	int64_t jan1 = tz_days_from_civil(y, 1, 1), first, day;
	int wd;

	switch (r->kind) {
	case 'J':
		return jan1 + r->n - 1 + (leap_year(y) && r->n >= 60);
	case 'D':
		return jan1 + r->n;
	default:
		first = tz_days_from_civil(y, r->m, 1);
		wd = (int)((first % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday (4) */
		day = first + (r->d - wd + 7) % 7 + 7 * (r->w - 1);
		while (day >= first + month_days(y, r->m))
			day -= 7;
		return day;
	}
}

/* The footer's two transitions of year y, in time order: [0] and [1]. */
static void footer_year(const struct tz_posix *f, int64_t y, struct kr_tz_transition tr[2])
{
	struct kr_tz_transition start = {
	    rule_day(&f->start, y) * DAY + f->start.time - f->std.utoff, f->std.utoff, f->dst};
	struct kr_tz_transition end = {rule_day(&f->end, y) * DAY + f->end.time - f->dst.utoff,
	                               f->dst.utoff, f->std};

	tr[0] = start.utc <= end.utc ? start : end;
	tr[1] = start.utc <= end.utc ? end : start;
}

static int64_t year_of(int64_t t)
{
	int64_t y;
	int m, d;

	tz_civil_from_days(floor_div(t, DAY), &y, &m, &d);
	return y;
}

static void footer_at(const struct tz_posix *f, int64_t t, struct kr_tz_info *out)
{
	int64_t y = year_of(t);
	bool found = false;

	*out = f->std;
	if (!f->has_dst)
		return;
	/* The last rule transition at or before t, looking back over three years. */
	for (int64_t yy = y - 1; yy <= y + 1; yy++) {
		struct kr_tz_transition tr[2];

		footer_year(f, yy, tr);
		for (int i = 0; i < 2; i++) {
			if (tr[i].utc <= t) {
				*out = tr[i].to;
				found = true;
			}
		}
	}
	if (!found) /* before every rule transition looked at: the year's end state */
		*out = f->std;
}

enum kr_err tz_parse(const char *name, const unsigned char *data, size_t len, struct kr_tz **out,
                     char *err, size_t errlen)
{
	struct tzif_counts c1, c;
	struct kr_tz *z = NULL;
	const unsigned char *p;
	char version, footer[256];
	size_t off, flen;

	*out = NULL;
	if (!read_header(data, len, &c1, &version)) {
		snprintf(err, errlen, "time zone '%s': not a TZif file", name);
		return KR_EINVAL;
	}
	if (version < '2') {
		snprintf(err, errlen, "time zone '%s': TZif version 1 is not supported", name);
		return KR_EINVAL;
	}
	off = 44 + block_size(&c1, 4);
	if (off > len || !read_header(data + off, len - off, &c, &version) ||
	    off + 44 + block_size(&c, 8) > len) {
		snprintf(err, errlen, "time zone '%s': truncated TZif file", name);
		return KR_EINVAL;
	}
	if (c.leap) {
		snprintf(err, errlen,
		         "time zone '%s' counts leap seconds; use the zone without "
		         "them (e.g. Asia/Tokyo, not right/Asia/Tokyo)",
		         name);
		return KR_EINVAL;
	}
	z = calloc(1, sizeof(*z));
	if (!z || !(z->times = malloc((c.time ? c.time : 1) * sizeof(int64_t))) ||
	    !(z->idx = malloc(c.time ? c.time : 1)) ||
	    !(z->types = calloc(c.type, sizeof(*z->types)))) {
		tz_free(z);
		return KR_EINTERNAL;
	}
	snprintf(z->name, sizeof(z->name), "%s", name);
	p = data + off + 44;
	z->n_times = c.time;
	z->n_types = c.type;
	for (uint32_t i = 0; i < c.time; i++) {
		z->times[i] = be64(p + 8 * i);
		if (i && z->times[i] <= z->times[i - 1])
			goto bad;
	}
	p += 8 * c.time;
	for (uint32_t i = 0; i < c.time; i++)
		if ((z->idx[i] = p[i]) >= c.type)
			goto bad;
	p += c.time;
	for (uint32_t i = 0; i < c.type; i++) {
		const unsigned char *t = p + 6 * i;
		const char *chars = (const char *)p + 6 * c.type;
		size_t a = t[5];

		z->types[i].utoff = (int32_t)be32(t);
		z->types[i].isdst = t[4] != 0;
		if (a >= c.chars || z->types[i].utoff <= -25 * 3600 ||
		    z->types[i].utoff >= 26 * 3600)
			goto bad;
		snprintf(z->types[i].abbr, sizeof(z->types[i].abbr), "%.*s",
		         (int)strnlen(chars + a, c.chars - a), chars + a);
	}
	/* The footer: "\n" POSIX-TZ "\n" right after the data block. */
	p = data + off + 44 + block_size(&c, 8);
	flen = (size_t)(data + len - p);
	if (flen >= 2 && p[0] == '\n') {
		const unsigned char *nl = memchr(p + 1, '\n', flen - 1);

		if (!nl || (size_t)(nl - p - 1) >= sizeof(footer))
			goto bad;
		memcpy(footer, p + 1, (size_t)(nl - p - 1));
		footer[nl - p - 1] = '\0';
		if (footer[0] && !posix_parse(footer, &z->footer))
			goto bad;
	}
	*out = z;
	return KR_OK;
bad:
	snprintf(err, errlen, "time zone '%s': malformed TZif data", name);
	tz_free(z);
	return KR_EINVAL;
}

/* ---- queries ---- */

/* Index of the last explicit transition at or before t; -1 when none. */
static long last_at(const struct kr_tz *z, int64_t t)
{
	size_t lo = 0, hi = z->n_times;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->times[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

void tz_at(const struct kr_tz *z, int64_t utc, struct kr_tz_info *out)
{
	long i = last_at(z, utc);

	if (z->footer.valid && (z->n_times == 0 || i == (long)z->n_times - 1))
		footer_at(&z->footer, utc, out);
	else
		*out = z->types[i < 0 ? 0 : z->idx[i]];
}

static bool same(const struct kr_tz_info *a, const struct kr_tz_info *b)
{
	return a->utoff == b->utoff && a->isdst == b->isdst && strcmp(a->abbr, b->abbr) == 0;
}

/* If something changes at t, describe it in *out. */
static bool change_at(const struct kr_tz *z, int64_t t, struct kr_tz_transition *out)
{
	struct kr_tz_info before, after;

	tz_at(z, t - 1, &before);
	tz_at(z, t, &after);
	if (same(&before, &after))
		return false;
	out->utc = t;
	out->from = before.utoff;
	out->to = after;
	return true;
}

static int64_t last_explicit(const struct kr_tz *z)
{
	return z->n_times ? z->times[z->n_times - 1] : INT64_MIN;
}

bool tz_next_transition(const struct kr_tz *z, int64_t after, struct kr_tz_transition *out)
{
	int64_t y;

	for (size_t i = (size_t)(last_at(z, after) + 1); i < z->n_times; i++)
		if (change_at(z, z->times[i], out))
			return true;
	if (!z->footer.valid || !z->footer.has_dst)
		return false;
	if (after < last_explicit(z))
		after = last_explicit(z);
	for (y = year_of(after) - 1; y <= year_of(after) + 2; y++) {
		struct kr_tz_transition tr[2];

		footer_year(&z->footer, y, tr);
		for (int i = 0; i < 2; i++)
			if (tr[i].utc > after && change_at(z, tr[i].utc, out))
				return true;
	}
	return false;
}

bool tz_prev_transition(const struct kr_tz *z, int64_t at, struct kr_tz_transition *out)
{
	if (z->footer.valid && z->footer.has_dst && at > last_explicit(z)) {
		for (int64_t y = year_of(at) + 1; y >= year_of(at) - 2; y--) {
			struct kr_tz_transition tr[2];

			footer_year(&z->footer, y, tr);
			for (int i = 1; i >= 0; i--)
				if (tr[i].utc <= at && tr[i].utc > last_explicit(z) &&
				    change_at(z, tr[i].utc, out))
					return true;
		}
	}
	for (long i = last_at(z, at); i >= 0; i--)
		if (change_at(z, z->times[i], out))
			return true;
	return false;
}

enum kr_err tz_wall_to_utc(const struct kr_tz *z, int64_t wall, int64_t *utc)
{
	struct kr_tz_info probe[3];
	bool found = false;

	/* Offsets are within a day of UTC: the offsets in effect a little
	 * more than a day either side are the only candidates. */
	tz_at(z, wall - 93600, &probe[0]);
	tz_at(z, wall, &probe[1]);
	tz_at(z, wall + 93600, &probe[2]);
	for (int i = 0; i < 3; i++) {
		int64_t u = wall - probe[i].utoff;
		struct kr_tz_info at;

		tz_at(z, u, &at);
		if (at.utoff == probe[i].utoff && (!found || u < *utc)) {
			*utc = u;
			found = true;
		}
	}
	return found ? KR_OK : KR_EINVAL;
}
