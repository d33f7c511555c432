/*
 * utf8.h - strict UTF-8 validation (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF).
 */
#ifndef KR_UTF8_H
#define KR_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when buf[0..len) is well-formed UTF-8. NUL bytes are rejected too:
 * a text frame never needs them and they truncate C strings. */
bool kr_utf8_valid(const char *buf, size_t len);

/* Number of code points in a valid UTF-8 string of len bytes. */
size_t kr_utf8_count(const char *buf, size_t len);

/* The length of the longest prefix of valid UTF-8 s[0..len) that is at
 * most max bytes and ends on a character boundary (for quoting a value in
 * a message without splitting a character). */
size_t kr_utf8_cut(const char *s, size_t len, size_t max);

/* Cut a NUL-terminated string (valid UTF-8 but perhaps truncated by
 * snprintf) before a last character that is incomplete. */
void kr_utf8_tidy(char *s);

/* Remove, in place, every byte of a NUL-terminated string that is not part
 * of a well-formed UTF-8 character: what "%.80s" leaves of a character it
 * cut in the middle of a message. Valid text is left as it is. */
void kr_utf8_scrub(char *s);

#endif
