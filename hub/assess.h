/*
 * assess.h - one self-assessment as a document: an organisation's scores on
 * the 10 directives of the Cybersecurity Management Guidelines v3.0, its
 * maturity category and its sector; strict parsing from the wire and the
 * JSON form it is shown in (to its own organisation only).
 *
 * Pure: no I/O, no store, no idea of who is asking. Who may submit or see
 * one is policy.c's; keeping other organisations' assessments out of every
 * reply is store_assess.c's and bench.c's (see bench.h).
 *
 * Scores are kept in tenths (1.0 .. 5.0 is 10 .. 50) so that sums, means
 * and spreads are computed exactly.
 */
#ifndef KR_ASSESS_H
#define KR_ASSESS_H

#include <jansson.h>
#include <stddef.h>

#include "kr_error.h"
#include "model.h"

#define KR_SCORE_MIN 10 /* 1.0 */
#define KR_SCORE_MAX 50 /* 5.0 */

struct kr_assessment {
	int score[KR_DIRECTIVES]; /* tenths; directive d at index d - 1 */
	enum kr_maturity maturity;
	enum kr_sector sector;
};

/*
 * Parse and check an assessment object
 *   {"scores": {"1": 3.5, ..., "10": 2.0}, "maturity": "A", "sector": "finance"}
 * Every directive "1".."10" needs a score: a JSON number from 1.0 to 5.0
 * with at most one decimal (3 and 3.0 are the same score; 3.25 is refused).
 * Returns KR_OK and fills *out, or
 *   KR_EFIELD  an unknown field, or a key of scores that is not "1".."10";
 *   KR_EINVAL  a missing field or directive, a wrong type, a score out of
 *              range or with more than one decimal;
 *   KR_ELABEL  a maturity other than A, B, C or an unknown sector code;
 * with err naming the field, e.g. "assessment.scores.4: 3.25 has more than
 * one decimal ...". what is the prefix used in messages ("assessment").
 * *out is zeroed on failure.
 */
enum kr_err assess_parse(const json_t *obj, const char *what, struct kr_assessment *out, char *err,
                         size_t errlen);

/* A score in tenths as a JSON number (35 -> 3.5). New reference. */
json_t *assess_score_json(int tenths);

/* {"1": 3.5, ..., "10": 2.0}. New reference, NULL when out of memory. */
json_t *assess_scores_json(const int score[KR_DIRECTIVES]);

/* {"scores", "maturity", "sector"}. New reference, NULL when out of memory. */
json_t *assess_to_json(const struct kr_assessment *a);

#endif
