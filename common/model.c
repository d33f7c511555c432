/*
 * model.c - label tables for kairan's vocabulary (see model.h).
 */
#include "model.h"

#include <stddef.h>
#include <string.h>

/* Each table is indexed by enum value; index 0 (the NONE value) is NULL. */
static const char *const tlp_names[] = {NULL, "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
static const char *const kind_names[] = {NULL,    "threat", "practice",
                                         "alert", "event",  "assessment"};
static const char *const role_names[] = {NULL, "member", "moderator", "organizer", "observer"};
static const char *const circle_kind_names[] = {NULL, "sector", "cross-sector", "regional",
                                                "public"};
static const char *const status_names[] = {NULL, "pending", "published", "rejected", "retracted"};
static const char *const ind_type_names[] = {NULL,  "ipv4",  "ipv6",  "cidr", "domain",
                                             "url", "email", "md5",   "sha1", "sha256",
                                             "cve", "asn",   "sha512"};
static const char *const ind_role_names[] = {NULL, "attacker", "victim", "unknown"};
static const char *const severity_names[] = {NULL, "info", "low", "medium", "high", "critical"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int lookup(const char *const *names, size_t n, const char *s)
{
	if (!s)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return 0;
}

static const char *name_of(const char *const *names, size_t n, int v)
{
	if (v <= 0 || (size_t)v >= n)
		return NULL;
	return names[v];
}

#define KR_LABEL_FUNCS(T, prefix, table)                                                           \
	T prefix##_parse(const char *s)                                                            \
	{                                                                                          \
		return (T)lookup(table, N(table), s);                                              \
	}                                                                                          \
	const char *prefix##_name(T v)                                                             \
	{                                                                                          \
		return name_of(table, N(table), (int)v);                                           \
	}

KR_LABEL_FUNCS(enum kr_tlp, kr_tlp, tlp_names)
KR_LABEL_FUNCS(enum kr_kind, kr_kind, kind_names)
KR_LABEL_FUNCS(enum kr_role, kr_role, role_names)
KR_LABEL_FUNCS(enum kr_circle_kind, kr_circle_kind, circle_kind_names)
KR_LABEL_FUNCS(enum kr_status, kr_status, status_names)
KR_LABEL_FUNCS(enum kr_ind_type, kr_ind_type, ind_type_names)
KR_LABEL_FUNCS(enum kr_ind_role, kr_ind_role, ind_role_names)
KR_LABEL_FUNCS(enum kr_severity, kr_severity, severity_names)
