/*
 * log.h - the hub's log: one line per event on stderr, with a level.
 */
#ifndef KR_LOG_H
#define KR_LOG_H

enum kr_log_level { KR_LOG_ERROR, KR_LOG_WARN, KR_LOG_INFO, KR_LOG_DEBUG };

/* Lines above this level are dropped. */
void kr_log_set_level(enum kr_log_level lvl);

/* Parse "error", "warn", "info" or "debug"; -1 when unknown. */
int kr_log_level_parse(const char *s);

void kr_log(enum kr_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
