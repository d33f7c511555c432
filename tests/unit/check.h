/*
 * check.h - a tiny header-only harness for kairan's table-driven unit tests.
 *
 * Each CHECK* macro is an expression that evaluates to true when the check
 * passes. A failure prints "file:line: [case] expression" (plus the values
 * compared) on stderr and is counted; the test goes on, so one run shows
 * every failing row of a table. main() ends with `return check_finish();`.
 *
 * Include it from exactly one translation unit per test program: the
 * counters are static.
 */
#ifndef KR_CHECK_H
#define KR_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_total;
static int check_failed;
static const char *check_case_name;

/* Name the table row being checked (borrowed; NULL clears). Failures print it. */
static inline void check_case(const char *name)
{
	check_case_name = name;
}

static inline void check_where(const char *file, int line)
{
	fprintf(stderr, "%s:%d: ", file, line);
	if (check_case_name)
		fprintf(stderr, "[%s] ", check_case_name);
}

/* Count one check; print and count a failure when !ok. Returns ok. */
static inline bool check_report(bool ok, const char *file, int line, const char *expr)
{
	check_total++;
	if (!ok) {
		check_failed++;
		check_where(file, line);
		fprintf(stderr, "check failed: %s\n", expr);
	}
	return ok;
}

static inline bool check_int(const char *file, int line, const char *ea, const char *eb,
                             long long a, long long b)
{
	bool ok = a == b;

	check_total++;
	if (!ok) {
		check_failed++;
		check_where(file, line);
		fprintf(stderr, "check failed: %s == %s (%lld != %lld)\n", ea, eb, a, b);
	}
	return ok;
}

/* Two NULLs are equal; NULL and a string are not. */
static inline bool check_str(const char *file, int line, const char *ea, const char *eb,
                             const char *a, const char *b)
{
	bool ok = (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);

	check_total++;
	if (!ok) {
		check_failed++;
		check_where(file, line);
		fprintf(stderr, "check failed: %s == %s (\"%s\" != \"%s\")\n", ea, eb,
		        a ? a : "(null)", b ? b : "(null)");
	}
	return ok;
}

static inline bool check_mem(const char *file, int line, const char *ea, const char *eb,
                             const void *a, const void *b, size_t n)
{
	bool ok = memcmp(a, b, n) == 0;

	check_total++;
	if (!ok) {
		check_failed++;
		check_where(file, line);
		fprintf(stderr, "check failed: %s == %s (%zu bytes differ)\n", ea, eb, n);
	}
	return ok;
}

#define CHECK(cond)          check_report((cond) ? true : false, __FILE__, __LINE__, #cond)
#define CHECK_EQ_INT(a, b)   check_int(__FILE__, __LINE__, #a, #b, (long long)(a), (long long)(b))
#define CHECK_STREQ(a, b)    check_str(__FILE__, __LINE__, #a, #b, (a), (b))
#define CHECK_MEMEQ(a, b, n) check_mem(__FILE__, __LINE__, #a, #b, (a), (b), (n))
#define CHECK_NULL(p)        check_report((p) == NULL, __FILE__, __LINE__, #p " == NULL")
#define CHECK_NOT_NULL(p)    check_report((p) != NULL, __FILE__, __LINE__, #p " != NULL")

/* Number of elements of an array (not a pointer). */
#define CHECK_N(a) (sizeof(a) / sizeof((a)[0]))

/* Print the summary; returns the process exit status: 0 when every check
 * passed, 1 when one failed or when none ran (a test that checks nothing is
 * broken). */
static inline int check_finish(void)
{
	printf("%d checks, %d failed\n", check_total, check_failed);
	return check_failed == 0 && check_total > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
