/*
 * store_assess.h - self-assessments in the store (table `assessments`,
 * schema/migrations/0007_assessments.sql).
 *
 * The only module that reads or writes that table
 * (tests/structure/test_assess_private.py proves it from the source). What
 * it gives out is either one organisation's own assessments, for callers to
 * hand to that organisation's users only, or the benchmark aggregates that
 * bench.c releases: the function that reads every organisation's rows keeps
 * them to itself and returns only bench_compute()'s result. Nothing here
 * logs a score.
 *
 * Every submission is kept; the newest of an organisation in a circle is
 * its current one (a partial unique index allows one current row per
 * organisation and circle). Who submitted is recorded by user id, for the
 * organisation's own audit; the benchmark never carries it.
 */
#ifndef KR_STORE_ASSESS_H
#define KR_STORE_ASSESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assess.h"
#include "bench.h"
#include "kr_error.h"
#include "store.h"

/*
 * Store a checked assessment as the organisation's current one in the
 * circle, submitted by user_id at now (seconds since the epoch), in one
 * transaction: the previous current assessment, if any, stays in the
 * history. *replaced tells whether there was one. Nothing is stored on
 * failure.
 */
enum kr_err store_assess_submit(struct kr_store *st, int64_t circle_id, int64_t org_id,
                                int64_t user_id, const struct kr_assessment *a, int64_t now,
                                bool *replaced);

/*
 * The organisation's current assessment in the circle and when it was
 * submitted. KR_ENOTFOUND when it has none. For that organisation's users
 * only: callers pass the asking session's own organisation.
 */
enum kr_err store_assess_current(struct kr_store *st, int64_t circle_id, int64_t org_id,
                                 struct kr_assessment *a, int64_t *submitted_at);

/*
 * The organisation's assessments in the circle, newest first, at most
 * limit: a new array of {"scores", "maturity", "sector", "submitted",
 * "submitted_by"? (the user's name while the user still belongs to the
 * organisation), "current"}. For that organisation's users only, like
 * store_assess_current().
 */
enum kr_err store_assess_history(struct kr_store *st, int64_t circle_id, int64_t org_id,
                                 size_t limit, json_t **out);

/*
 * The circle's benchmark as of cutoff: for every organisation that is a
 * member of the circle now, its newest assessment submitted before cutoff
 * (seconds since the epoch), aggregated by bench_compute() under the
 * policy's k. The individual rows never leave this function.
 */
enum kr_err store_assess_benchmark(struct kr_store *st, int64_t circle_id, int64_t cutoff,
                                   int policy_k, struct kr_bench *out);

#endif
