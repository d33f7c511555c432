/*
 * utf8.c - strict UTF-8 validation (see utf8.h).
 */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

bool kr_utf8_valid(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t n;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false; /* continuation byte, overlong lead or > U+10FFFF lead */
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

size_t kr_utf8_count(const char *buf, size_t len)
{
	size_t count = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)buf[i] & 0xC0) != 0x80)
			count++;
	return count;
}

size_t kr_utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

void kr_utf8_tidy(char *s)
{
	size_t n = strlen(s), lead = n, need;

	while (lead > 0 && n - lead < 4 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead == 0)
		return;
	lead--; /* the byte before the continuation bytes */
	need = (unsigned char)s[lead] < 0x80   ? 1
	       : (unsigned char)s[lead] < 0xE0 ? 2
	       : (unsigned char)s[lead] < 0xF0 ? 3
	                                       : 4;
	if (n - lead < need)
		s[lead] = '\0';
}

void kr_utf8_scrub(char *s)
{
	size_t i = 0, o = 0, n = strlen(s);

	while (i < n) {
		size_t len = 1;

		while (len <= 4 && i + len <= n && !kr_utf8_valid(s + i, len))
			len++;
		if (len <= 4 && i + len <= n) {
			memmove(s + o, s + i, len);
			o += len;
			i += len;
		} else {
			i++; /* a byte of no whole character */
		}
	}
	s[o] = '\0';
}
