/*
 * anon.h - what makes an item anonymous before it is stored: its text and
 * indicators scrubbed by the redaction engine (redact.h) with the author
 * organisation's registered terms and the circle policy's patterns, a
 * pseudonym instead of the author, the organisation profile coarsened, and
 * the creation time rounded, all as the circle's policy says.
 *
 * The original text is never stored: only the author sees it, in the
 * preview's list of removals.
 */
#ifndef KR_ANON_H
#define KR_ANON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpolicy.h"
#include "kr_error.h"
#include "store.h"

#define KR_PSEUDONYM_LEN 13 /* "anon-" + 8 hex */

/* The anonymised content of one item; every pointer owned (anon_clear). */
struct kr_anon {
	char *title;
	char *body;
	json_t *indicators; /* the kept indicators */
	json_t *tags;
	json_t *alert;      /* the alert's details, scrubbed, or NULL */
	json_t *practice;   /* a practice report's fields, texts scrubbed, or NULL */
	json_t *removed;    /* every removal, with the removed text: the author's only */
	json_t *redactions; /* {kind, field, count} per kind and field */
	char pseudonym[KR_PSEUDONYM_LEN + 1];
	json_t *profile;       /* coarsened profile, or NULL when nothing is known */
	int64_t created_round; /* seconds `created` is rounded down to */
};

/*
 * Anonymise an item written by a user of organisation org_id for the circle
 * (policy cp). title, body, indicators (normalised) and tags (may be NULL),
 * alert (the alert's details, may be NULL) and practice (a practice report's
 * fields as practice_check() normalised them, may be NULL: its situation,
 * steps, outcome and references are scrubbed like the body) are borrowed. KR_EINVAL (err says why)
 * when the policy's patterns do not compile; KR_EUTF8/KR_EINTERNAL from the engine.
 */
enum kr_err anon_item(struct kr_store *st, int64_t org_id, int64_t circle_id,
                      const struct kr_circle_policy *cp, const char *title, const char *body,
                      const json_t *indicators, const json_t *tags, const json_t *alert,
                      const json_t *practice, struct kr_anon *out, char *err, size_t errlen);

/* The pseudonym of org_id's item in the circle: random per item, or stable
 * per organisation and circle (HMAC under the hub's secret), per cp. */
enum kr_err anon_pseudonym(struct kr_store *st, const struct kr_circle_policy *cp,
                           int64_t circle_id, int64_t org_id, char out[KR_PSEUDONYM_LEN + 1]);

/* A random, unlinkable pseudonym. false when the RNG fails. */
bool anon_pseudonym_fresh(char out[KR_PSEUDONYM_LEN + 1]);

/* Seconds the creation time is rounded to under cp (hour, or day if strict). */
int64_t anon_created_round(const struct kr_circle_policy *cp);

void anon_clear(struct kr_anon *a);

#endif
