/*
 * cpolicy.h - circle policies: the declarative rules a circle's secretariat
 * sets in a JSON file (policies/CIRCLE.json, schema/policy.schema.json), parsed
 * and validated into a struct that policy.c consults.
 *
 * Loading is strict: an unknown field, a wrong type, an unknown label (TLP,
 * kind, role) or a contradiction (default TLP not allowed, ...) refuses the
 * whole file with a message naming the file and the field, e.g.
 *   "policies/fin-isac.json: tlp.default: AMBER is not in tlp.allowed".
 * Keys starting with "$" (such as "$comment") are comments and ignored.
 *
 * A circle with no policy file gets cpolicy_default() for its kind: members
 * and moderators post, nothing is public, nothing is forwarded.
 */
#ifndef KR_CPOLICY_H
#define KR_CPOLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "kr_error.h"
#include "model.h"

#define KR_KIND_SLOTS 6 /* indexable by enum kr_kind */

#define KR_TLP_BIT(t)  (1u << (unsigned)(t))
#define KR_ROLE_BIT(r) (1u << (unsigned)(r))

enum kr_anon_level {
	KR_ANON_NONE = 0, /* invalid: never loaded */
	KR_ANON_STANDARD, /* scrub registered terms, PII, internal addresses */
	KR_ANON_STRICT,   /* also coarsen the organisation profile further */
};

enum kr_pseudonym {
	KR_PSEUDONYM_NONE = 0, /* invalid: never loaded */
	KR_PSEUDONYM_PER_ITEM,
	KR_PSEUDONYM_PER_CIRCLE,
};

struct kr_circle_policy {
	char *circle;                       /* the circle key it applies to */
	char *source;                       /* file it came from, or "(default)" */
	unsigned tlp_allowed;               /* KR_TLP_BIT() set */
	enum kr_tlp tlp_default;            /* one of tlp_allowed */
	unsigned post_roles[KR_KIND_SLOTS]; /* per kind: KR_ROLE_BIT() set; 0 = nobody */
	bool moderate[KR_KIND_SLOTS];       /* per kind: goes to the pending queue */
	bool clear_public;                  /* CLEAR items readable without a token */
	bool forward_green_in;              /* GREEN copies may be forwarded into it */
	bool forward_green_out;             /* its GREEN items may be forwarded out */
	bool roster_visible;                /* members see the member organisations */
	bool moderators_see_author;         /* moderators see who posted (org) */
	int retention_days;                 /* 0: keep forever */
	int k;                              /* minimum group size for counts, >= 2 */
	int posts_per_hour;                 /* per user in this circle; 0: unlimited */
	enum kr_anon_level anonymisation;
	enum kr_pseudonym pseudonym;
	/* redact_patterns is never NULL (an empty array: no custom patterns); each
	 * pattern is a valid REG_EXTENDED expression that cannot match "". */
	json_t *redact_patterns; /* owned; array of {name, pattern, placeholder} */
};

/*
 * Parse and validate a policy document. path is used in messages only.
 * On success *out is a new policy (cpolicy_free). On failure returns
 * KR_EINVAL and err reads "PATH: FIELD: reason".
 *
 * doc is borrowed (not kept); path may be NULL ("(document)" in messages)
 * and becomes p->source; err may be NULL. *out is NULL on failure. FIELD
 * is the dotted path of the value ("post.alert[1]",
 * "anonymisation.patterns[0].pattern"); it is absent when the document is
 * not an object. Out of memory returns KR_EINTERNAL. The first problem
 * found is reported. Besides the format's rules, the role "observer"
 * (read-only) is refused in post lists, and a redaction pattern that
 * matches the empty string is refused.
 */
enum kr_err cpolicy_parse(const json_t *doc, const char *path, struct kr_circle_policy **out,
                          char *err, size_t errlen);

/* Read and parse a file (JSON syntax errors name the line and column).
 * Duplicate keys are refused. Returns what cpolicy_parse() returns, or
 * KR_ENOTFOUND when the file does not exist (KR_EINVAL when it cannot be
 * read otherwise); err reads "PATH: ...". */
enum kr_err cpolicy_load_file(const char *path, struct kr_circle_policy **out, char *err,
                              size_t errlen);

/* The built-in policy of a circle without a file. New policy (cpolicy_free).
 * circle is copied. NULL when circle is NULL, kind is not a known circle
 * kind (fail closed), or memory runs out. */
struct kr_circle_policy *cpolicy_default(const char *circle, enum kr_circle_kind kind);

void cpolicy_free(struct kr_circle_policy *p);

/* The policy as JSON (for `kairan-hub admin policy show` and tests). New reference.
 * The same shape as a policy file, without comments, every kind listed in
 * "post" (an empty list: nobody) and "patterns" always present, so
 * cpolicy_parse(cpolicy_to_json(p)) gives back p. p is borrowed; NULL when
 * p is NULL or not a valid policy, or memory runs out. */
json_t *cpolicy_to_json(const struct kr_circle_policy *p);

#endif
