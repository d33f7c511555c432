/*
 * practice.h - the fields of a practice report, as Japan's national practice
 * collection for the Cybersecurity Management Guidelines v3.0 describes each
 * practice: the guideline directive (1-10), the industry, the company's size
 * band, the target readers (executives, CISO, staff), the level (1-3), the
 * situation, the steps taken, the outcome and references.
 *
 * Pure validation and vocabulary, no I/O: `post` checks an item's `practice`
 * object here, moderators' edits of it are checked and merged here. Making
 * the texts anonymous is anon.c's job, storing them store_items.c's.
 */
#ifndef KR_PRACTICE_H
#define KR_PRACTICE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "kr_error.h"
#include "model.h"

#define KR_PRACTICE_DIRECTIVES 10    /* directives 1-10 of the guidelines */
#define KR_PRACTICE_LEVELS     3     /* levels 1-3 */
#define KR_PRACTICE_TEXT_MAX   16384 /* bytes of situation, steps, outcome each */
#define KR_PRACTICE_REFS_MAX   32
#define KR_PRACTICE_REF_MAX    1024 /* bytes of one reference */

/* The practice texts that are scrubbed, indexed and shown (in this order). */
extern const char *const kr_practice_texts[3]; /* situation, steps, outcome */

/* Whether s is an industry label of practice reports (README, "Practice
 * reports": finance, energy, manufacturing, ...). NULL -> false. */
bool practice_industry_known(const char *s);

/* The industry labels, comma-separated, for messages. Static string. */
const char *practice_industry_list(void);

/*
 * Check an item's `practice` object (borrowed; NULL when absent) against its
 * kind: required and complete on kind practice, refused on every other kind.
 * On success *out is a new normalised copy (the size band in its canonical
 * spelling with an en dash) for a practice item, NULL for other kinds.
 * KR_EINVAL or KR_EFIELD (unknown member) or KR_ELABEL (unknown industry,
 * size band or reader), err saying which field.
 */
enum kr_err practice_check(enum kr_kind kind, const json_t *practice, json_t **out, char *err,
                           size_t errlen);

/*
 * Check a moderator's edit of a practice object: any of its fields, at least
 * one, each checked as in practice_check(). *out: a new normalised copy.
 */
enum kr_err practice_check_edit(const json_t *edit, json_t **out, char *err, size_t errlen);

/*
 * The practice object after an edit: current (may be NULL: an item stored
 * before practice reports had fields) with each field of edit (checked by
 * practice_check_edit()) replaced, then checked whole. *out: new reference.
 */
enum kr_err practice_merge(const json_t *current, const json_t *edit, json_t **out, char *err,
                           size_t errlen);

#endif
