/*
 * loadstat.c - stamps, percentiles and /proc readings (see loadstat.h).
 */
#define _GNU_SOURCE /* memmem */
#include "loadstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX_LEN (sizeof(STAMP_PREFIX) - 1)

static void letters(char *out, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (char)('a' + (v & 15));
		v >>= 4;
	}
}

static bool unletters(const char *s, int n, uint64_t *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < 'a' || s[i] > 'p')
			return false;
		*v = *v << 4 | (uint64_t)(s[i] - 'a');
	}
	return true;
}

void stamp_write(char *out, uint64_t usec, uint32_t seq)
{
	memcpy(out, STAMP_PREFIX, PREFIX_LEN);
	letters(out + PREFIX_LEN, usec, 16);
	out[PREFIX_LEN + 16] = '-';
	letters(out + PREFIX_LEN + 17, seq, 8);
}

bool stamp_read(const char *s, uint64_t *usec, uint32_t *seq)
{
	uint64_t q;

	if (memcmp(s, STAMP_PREFIX, PREFIX_LEN) != 0 || s[PREFIX_LEN + 16] != '-')
		return false;
	if (!unletters(s + PREFIX_LEN, 16, usec) || !unletters(s + PREFIX_LEN + 17, 8, &q))
		return false;
	*seq = (uint32_t)q;
	return true;
}

size_t stamp_scan(const char *buf, size_t len, void (*fn)(void *ud, uint64_t usec, uint32_t seq),
                  void *ud)
{
	const char *p = buf, *end = buf + len;
	size_t found = 0;

	while ((size_t)(end - p) >= STAMP_LEN) {
		const char *hit = memmem(p, (size_t)(end - p), STAMP_PREFIX, PREFIX_LEN);
		uint64_t usec;
		uint32_t seq;

		if (!hit || (size_t)(end - hit) < STAMP_LEN)
			break;
		if (stamp_read(hit, &usec, &seq)) {
			fn(ud, usec, seq);
			found++;
			p = hit + STAMP_LEN;
		} else {
			p = hit + 1;
		}
	}
	return found;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

void sort_u32(uint32_t *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_u32);
}

uint32_t pct_sorted(const uint32_t *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0;
	if (p <= 0)
		return v[0];
	if (p >= 100)
		return v[n - 1];
	/* nearest rank: the smallest value with at least p% at or below it */
	rank = (size_t)((p / 100.0) * (double)n + 0.999999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

uint32_t pct_u32(uint32_t *v, size_t n, double p)
{
	sort_u32(v, n);
	return pct_sorted(v, n, p);
}

long long proc_stat_ticks(const char *text)
{
	const char *p = text ? strrchr(text, ')') : NULL;
	long long ut, st;
	int field = 2;

	if (!p)
		return -1;
	p++;
	/* fields 3.. follow, separated by single spaces */
	while (field < 13) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -1;
		field++;
	}
	if (sscanf(p, " %lld %lld", &ut, &st) != 2 || ut < 0 || st < 0)
		return -1;
	return ut + st;
}

long long proc_status_kib(const char *text, const char *key)
{
	size_t k = strlen(key);

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		long long v;

		if (strncmp(line, key, k) == 0 && line[k] == ':' &&
		    sscanf(line + k + 1, " %lld kB", &v) == 1)
			return v;
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

static long long read_proc(int pid, const char *what, char *buf, size_t cap)
{
	char path[64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (long long)n;
}

long long proc_cpu_ticks(int pid)
{
	char buf[4096];

	return read_proc(pid, "stat", buf, sizeof(buf)) > 0 ? proc_stat_ticks(buf) : -1;
}

long long proc_rss_kib(int pid)
{
	char buf[8192];

	return read_proc(pid, "status", buf, sizeof(buf)) > 0 ? proc_status_kib(buf, "VmRSS") : -1;
}
