/*
 * indicator_int.h - internals shared by the indicator*.c files; not for
 * other modules (use indicator.h).
 */
#ifndef KR_INDICATOR_INT_H
#define KR_INDICATOR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kr_error.h"

/* Scratch buffers of kr_ind_normalise(); values longer than half of it are refused. */
#define KRI_SCRATCH 4608

/* An address range (or, with bits 32/128, one address). */
struct kri_net {
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	uint8_t bits;
	bool v6;
};

/* Write a reason into why (may be NULL) and return KR_EINVAL. */
enum kr_err kri_fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Strict parsers of already prepared ASCII text (see indicator.h). */
enum kr_err kri_ipv4_parse(const char *s, size_t n, uint8_t a[4], char *why, size_t whylen);
enum kr_err kri_ipv6_parse(const char *s, size_t n, uint8_t a[16], char *why, size_t whylen);
enum kr_err kri_cidr_parse(const char *s, size_t n, struct kri_net *net, char *why, size_t whylen);
enum kr_err kri_asn_parse(const char *s, size_t n, uint32_t *asn, char *why, size_t whylen);

/* True when the first bits bits of a and b agree. */
bool kri_prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits);

#endif
