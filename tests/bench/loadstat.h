/*
 * loadstat.h - the measuring parts of the load tool (kairan-load) that are
 * not I/O: the stamp every posted item carries (send time and sequence
 * number), latency percentiles, and reading a server's CPU time and
 * resident memory from the text of /proc/PID/stat and /proc/PID/status.
 *
 * The stamp is written in the letters a-p (one per 4 bits) so that no
 * anonymiser rule (phone numbers, postcodes, addresses) can take it for
 * something to scrub: "kload-" + 16 letters of microseconds on the load
 * tool's monotonic clock + "-" + 8 letters of the sequence number. The
 * tool that writes it is the tool that reads it: one clock.
 */
#ifndef KL_LOADSTAT_H
#define KL_LOADSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STAMP_PREFIX "kload-"
#define STAMP_LEN    (6 + 16 + 1 + 8)

/* Write the stamp (STAMP_LEN bytes, no NUL) for usec and seq into out. */
void stamp_write(char *out, uint64_t usec, uint32_t seq);

/* Read a stamp at s (STAMP_LEN bytes available); false when it is not one. */
bool stamp_read(const char *s, uint64_t *usec, uint32_t *seq);

/*
 * Call fn for every well-formed stamp in buf, in order; returns how many.
 * Bytes that start like a stamp but are not one are skipped.
 */
size_t stamp_scan(const char *buf, size_t len, void (*fn)(void *ud, uint64_t usec, uint32_t seq),
                  void *ud);

/*
 * The p-th percentile (0-100, nearest rank) of v[0..n-1], which is sorted
 * in place; 0 when n is 0. p 100 is the maximum.
 */
uint32_t pct_u32(uint32_t *v, size_t n, double p);

/* Sort v[0..n-1] ascending (then pct_sorted is cheap). */
void sort_u32(uint32_t *v, size_t n);

/* The p-th percentile of an already sorted array. */
uint32_t pct_sorted(const uint32_t *v, size_t n, double p);

/*
 * utime + stime (fields 14 and 15, clock ticks) from the text of
 * /proc/PID/stat. The command name (field 2) may hold spaces and
 * parentheses: fields are counted after its last ')'. -1 when malformed.
 */
long long proc_stat_ticks(const char *text);

/* The value in kB of a "Key:  123 kB" line (e.g. "VmRSS") of the text of
 * /proc/PID/status; -1 when absent. */
long long proc_status_kib(const char *text, const char *key);

/* The same, read from the running process pid (-1 when unreadable). */
long long proc_cpu_ticks(int pid);
long long proc_rss_kib(int pid);

#endif
