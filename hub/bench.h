/*
 * bench.h - the self-assessment benchmark of a circle, and the rules that
 * decide which of its aggregates may be released.
 *
 * Pure: rows in (scores, maturity, sector, no identity), released
 * aggregates out; no I/O, no clock, no idea of who asks. store_assess.c
 * feeds it the snapshot's rows and hands back only its result, so no
 * individual row reaches a handler (tests/structure/test_assess_private.py).
 * Table tests with synthetic data: tests/unit/test_bench.c.
 *
 * WHAT IS RELEASED
 *
 * Groups: "overall" (every organisation with an assessment in the
 * snapshot), one group per maturity category (A, B, C) and one per sector
 * (model.h). For a released group: its number of organisations n and, per
 * directive, n, the mean and the spread. The spread is the population
 * standard deviation (divide by n): it describes these organisations, not
 * an estimate of some wider population; with n known either converts to
 * the other, so the choice changes nothing for privacy. Means and spreads
 * are rounded half up to one decimal, the precision of the scores
 * themselves, from exact integer sums (see bench_round_mean/_sd). A
 * withheld group carries nothing: no n, no mean, no spread, and it looks
 * the same whether it has 0 organisations or 1..k-1 (or was withheld to
 * protect another group): its count could be used for differencing.
 *
 * THE RULES, AND WHY THEY ARE ENOUGH
 *
 * Let k = max(policy k, 4) (bench_threshold). The argument: every number
 * released (n, and through n*mean and n*(sd^2 + mean^2) the sum and the sum
 * of squares of each directive) is additive over organisations. So all a
 * reader can compute from any combination of released numbers, by adding
 * and subtracting, is a function of the totals of the parts of the finest
 * partition of the organisations that the released groups are unions of.
 * If every part of that partition holds 0 or at least k organisations, no
 * combination singles out fewer than k organisations, let alone one. The
 * rules keep exactly that invariant:
 *
 *  1. Threshold. A group with fewer than k organisations is withheld. If the
 *     whole snapshot has fewer than k, nothing is released at all.
 *
 *  2. Complement within a breakdown. Overall minus the released groups of a
 *     breakdown is the total of its withheld groups: if those hold 1..k-1
 *     organisations, the subtraction reveals them. So when the withheld
 *     remainder of a breakdown holds 1..k-1 organisations, the released
 *     group with the fewest organisations is withheld too (ties: the one
 *     listed last in model.h), which makes the remainder >= k. The parts
 *     are then: each released group, and the remainder (0 or >= k).
 *
 *  3. Across the two breakdowns. With both maturity and sector released,
 *     sums over a maturity group and a sector group overlap: e.g. cells
 *     (A,X)=1, (A,Y)=5, (B,X)=5, (B,Y)=0 give A=6, B=5, X=6, Y=5, overall 11,
 *     all >= 5, yet A + X - overall = (A,X) - (B,Y) = the one organisation
 *     in (A,X). The finest partition is then the maturity x sector cells.
 *     So both breakdowns are released only when every cell holds 0 or >= k
 *     organisations (then every group of either breakdown is a union of
 *     such cells and rules 1-2 withhold nothing but empty groups).
 *     Otherwise only one breakdown is released: the one whose released
 *     groups (after rule 2) cover more organisations; on a tie, sector
 *     (members asked for a benchmark against their industry). The other is
 *     withheld whole.
 *
 *  4. The reader's own contribution. A reader inside a released part of n
 *     organisations subtracts its own scores and learns the totals of the
 *     n-1 others. With mean and spread of one other that is its score; of
 *     two others, sum and sum of squares give the pair of values. Hence the
 *     floor of 4 on k: a reader always faces at least 3 others, for whom
 *     two equations on three unknowns leave a family of solutions, blurred
 *     further by the rounding to one decimal. This holds for the reader's
 *     group, for overall, and for a withheld remainder containing it.
 *     Several colluding organisations subtract all of theirs: c of them in a
 *     part of n face n-c others. k bounds what they need; a circle that
 *     fears collusion sets a larger k in its policy.
 *
 *  5. The spread and rounding. A spread of 0.0 says every organisation of
 *     the group gave (nearly) the same score, and then the mean is each
 *     one's score: no threshold can say "this group scores 3.0" without
 *     saying it of each member. That is disclosure about the group, not the
 *     singling out of an organisation; it is stated in the README. Rounding
 *     to one decimal never adds information: it only blurs the sums that
 *     differencing works with (a sum over n is known only within about
 *     0.05 * n).
 *
 *  6. The same answer for everyone. Which groups are released depends on
 *     the snapshot only, never on who asks, so comparing what two readers
 *     see reveals nothing. The reader's own current scores ("mine") are
 *     added beside the aggregates by the handler, for its own organisation
 *     only.
 *
 * WHAT THE RULES DO NOT PREVENT (stated in README "Benchmark: how your
 * scores stay private")
 *
 *  - Temporal differencing: comparing two releases between which exactly
 *    one organisation's assessment changed shows how its group's sums moved.
 *    Without adding noise this cannot be prevented. The hub limits it: the
 *    benchmark is computed from a snapshot of the assessments as they stood
 *    at the start of the current period (daily at 00:00 JST by default,
 *    `benchmark_snapshot_s`), so nobody can watch it move at the moment of a
 *    known submission and all of a day's changes are released together,
 *    and the rounding blurs a single change (by up to 0.05 * n on each
 *    side). An organisation leaving the circle leaves the benchmark at
 *    once.
 *  - Differencing across circles: an organisation that submits the same
 *    scores in two circles with nearly the same members could be isolated
 *    by comparing the two benchmarks. Each circle is computed on its own.
 */
#ifndef KR_BENCH_H
#define KR_BENCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assess.h"
#include "model.h"

#define KR_BENCH_MIN_K 4 /* the floor of the effective threshold (rule 4) */

/* One organisation's assessment in the snapshot: no identity. */
struct kr_bench_row {
	int score[KR_DIRECTIVES]; /* tenths, 10 .. 50 */
	enum kr_maturity maturity;
	enum kr_sector sector;
};

/* A group as released. When !released every other field is zero. */
struct kr_bench_group {
	bool released;
	int64_t n;               /* organisations */
	int mean[KR_DIRECTIVES]; /* tenths, rounded half up */
	int sd[KR_DIRECTIVES];   /* population standard deviation, tenths, rounded half up */
};

struct kr_bench {
	int k; /* the threshold applied: bench_threshold(policy k) */
	struct kr_bench_group overall;
	bool maturity_released;                            /* the breakdown as a whole (rule 3) */
	bool sector_released;                              /* idem */
	struct kr_bench_group maturity[KR_MATURITY_C + 1]; /* index enum kr_maturity; [0] unused */
	struct kr_bench_group sector[KR_SECTOR_COUNT + 1]; /* index enum kr_sector; [0] unused */
};

#define KR_BENCH_PERIOD_OFFSET (9 * 3600) /* periods start at 00:00 JST (UTC+9) */

/*
 * Start of the snapshot period that contains now (seconds since the epoch)
 * for periods of period_s seconds aligned to 00:00 JST (with 86400: the
 * last midnight in Japan). The benchmark counts what was submitted before
 * it; the next snapshot is at bench_cutoff() + period_s. period_s < 1 is
 * taken as 1.
 */
int64_t bench_cutoff(int64_t now, int64_t period_s);

/* The effective threshold: max(policy_k, KR_BENCH_MIN_K). */
int bench_threshold(int policy_k);

/*
 * Compute the benchmark of rows (n of them; order does not matter) under
 * the circle policy's k, applying rules 1-3 above. Rows with a score out
 * of range or an unknown maturity or sector are not counted (the store
 * never holds such rows). Fills *out completely.
 */
void bench_compute(const struct kr_bench_row *rows, size_t n, int policy_k, struct kr_bench *out);

/* Mean of n values summing to sum (tenths), rounded half up to a tenth.
 * 0 when n is 0. */
int bench_round_mean(int64_t n, int64_t sum);

/* Population standard deviation of n values with this sum and sum of
 * squares (tenths), rounded half up to a tenth, computed exactly in
 * integers. 0 when n is 0. */
int bench_round_sd(int64_t n, int64_t sum, int64_t sumsq);

/*
 * The released benchmark as the wire shows it:
 *   {"k", "overall": GROUP, "by_maturity": {"released", "groups": [GROUP + "group"]},
 *    "by_sector": {...}}
 * GROUP is {"released": true, "n", "directives": [{"directive", "n", "mean", "sd"}]}
 * or {"released": false}; every maturity category and every sector of
 * model.h is listed, released or not. New reference, NULL when out of memory.
 */
json_t *bench_to_json(const struct kr_bench *b);

#endif
