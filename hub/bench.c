/*
 * bench.c - the benchmark and its release rules (see bench.h, which gives
 * the reasoning). Everything is integer arithmetic on scores in tenths.
 */
#include "bench.h"

#include <math.h>
#include <string.h>

#define N_MATURITY KR_MATURITY_C /* categories 1..N_MATURITY */
#define N_SECTOR   KR_SECTOR_COUNT

/* Exact totals of one group. */
struct tally {
	int64_t n;
	int64_t sum[KR_DIRECTIVES];
	int64_t sumsq[KR_DIRECTIVES];
};

int64_t bench_cutoff(int64_t now, int64_t period_s)
{
	int64_t t;

	if (period_s < 1)
		period_s = 1;
	t = now + KR_BENCH_PERIOD_OFFSET;
	t -= ((t % period_s) + period_s) % period_s; /* floor, also before 1970 */
	return t - KR_BENCH_PERIOD_OFFSET;
}

int bench_threshold(int policy_k)
{
	return policy_k > KR_BENCH_MIN_K ? policy_k : KR_BENCH_MIN_K;
}

int bench_round_mean(int64_t n, int64_t sum)
{
	if (n <= 0 || sum < 0)
		return 0;
	/* floor(sum / n + 1/2) */
	return (int)((2 * sum + n) / (2 * n));
}

/* Is h - 1/2 <= sqrt(v4 / 4) / n, i.e. ((2h - 1) n)^2 <= v4? (h >= 1) */
static int sd_fits(int64_t h, int64_t n, int64_t v4)
{
	int64_t a = (2 * h - 1) * n;

	return a * a <= v4;
}

int bench_round_sd(int64_t n, int64_t sum, int64_t sumsq)
{
	int64_t v, h;

	if (n <= 0)
		return 0;
	v = n * sumsq - sum * sum; /* n^2 times the variance; >= 0 */
	if (v <= 0)
		return 0;
	/* h = floor(sqrt(v) / n + 1/2): the largest h with h - 1/2 <= sqrt(v) / n.
	 * Start from the floating-point estimate, settle it exactly. */
	h = (int64_t)floor(sqrt((double)v) / (double)n + 0.5);
	if (h < 0)
		h = 0;
	while (h > 0 && !sd_fits(h, n, 4 * v))
		h--;
	while (sd_fits(h + 1, n, 4 * v))
		h++;
	return (int)h;
}

static void tally_add(struct tally *t, const struct kr_bench_row *r)
{
	t->n++;
	for (int d = 0; d < KR_DIRECTIVES; d++) {
		t->sum[d] += r->score[d];
		t->sumsq[d] += (int64_t)r->score[d] * r->score[d];
	}
}

static bool row_valid(const struct kr_bench_row *r)
{
	if (r->maturity < KR_MATURITY_A || r->maturity > KR_MATURITY_C ||
	    r->sector < KR_SECTOR_AGRICULTURE || (int)r->sector > N_SECTOR)
		return false;
	for (int d = 0; d < KR_DIRECTIVES; d++)
		if (r->score[d] < KR_SCORE_MIN || r->score[d] > KR_SCORE_MAX)
			return false;
	return true;
}

static void release(struct kr_bench_group *g, const struct tally *t)
{
	g->released = true;
	g->n = t->n;
	for (int d = 0; d < KR_DIRECTIVES; d++) {
		g->mean[d] = bench_round_mean(t->n, t->sum[d]);
		g->sd[d] = bench_round_sd(t->n, t->sum[d], t->sumsq[d]);
	}
}

/*
 * Rules 1 and 2 for one breakdown of groups t[1..ng]: rel[i] tells whether
 * group i may be released. Returns the organisations the released groups
 * cover.
 */
static int64_t suppress(const struct tally *t, int ng, int k, bool *rel)
{
	int64_t rest = 0, covered = 0;

	for (int i = 1; i <= ng; i++) {
		rel[i] = t[i].n >= k;
		if (!rel[i])
			rest += t[i].n;
	}
	/* Complementary suppression: the withheld remainder is 0 or >= k. */
	while (rest > 0 && rest < k) {
		int pick = 0;

		for (int i = 1; i <= ng; i++)
			if (rel[i] && (pick == 0 || t[i].n <= t[pick].n))
				pick = i;
		if (pick == 0)
			break; /* nothing left to withhold (cannot happen when overall >= k) */
		rel[pick] = false;
		rest += t[pick].n;
	}
	for (int i = 1; i <= ng; i++)
		if (rel[i])
			covered += t[i].n;
	return covered;
}

void bench_compute(const struct kr_bench_row *rows, size_t n, int policy_k, struct kr_bench *out)
{
	static struct tally zero;
	struct tally all = zero, mat[N_MATURITY + 1], sec[N_SECTOR + 1];
	int64_t cell[N_MATURITY + 1][N_SECTOR + 1];
	bool rel_m[N_MATURITY + 1], rel_s[N_SECTOR + 1], cells_ok = true;
	int64_t cover_m, cover_s;
	int k = bench_threshold(policy_k);

	memset(out, 0, sizeof(*out));
	memset(mat, 0, sizeof(mat));
	memset(sec, 0, sizeof(sec));
	memset(cell, 0, sizeof(cell));
	out->k = k;
	for (size_t i = 0; i < n; i++) {
		if (!row_valid(&rows[i]))
			continue;
		tally_add(&all, &rows[i]);
		tally_add(&mat[rows[i].maturity], &rows[i]);
		tally_add(&sec[rows[i].sector], &rows[i]);
		cell[rows[i].maturity][rows[i].sector]++;
	}
	/* Rule 1: too few organisations in all -> nothing at all. */
	if (all.n < k)
		return;
	release(&out->overall, &all);

	/* Rules 1-2 within each breakdown. */
	cover_m = suppress(mat, N_MATURITY, k, rel_m);
	cover_s = suppress(sec, N_SECTOR, k, rel_s);

	/* Rule 3: both only when every maturity x sector cell is 0 or >= k. */
	for (int m = 1; m <= N_MATURITY; m++)
		for (int s = 1; s <= N_SECTOR; s++)
			if (cell[m][s] > 0 && cell[m][s] < k)
				cells_ok = false;
	if (cells_ok) {
		out->maturity_released = cover_m > 0;
		out->sector_released = cover_s > 0;
	} else if (cover_m > cover_s) {
		out->maturity_released = true;
	} else {
		out->sector_released = cover_s > 0;
	}

	for (int m = 1; m <= N_MATURITY && out->maturity_released; m++)
		if (rel_m[m])
			release(&out->maturity[m], &mat[m]);
	for (int s = 1; s <= N_SECTOR && out->sector_released; s++)
		if (rel_s[s])
			release(&out->sector[s], &sec[s]);
}

/* ---- JSON ------------------------------------------------------------ */

static json_t *group_json(const struct kr_bench_group *g, const char *name)
{
	json_t *o, *dirs;

	o = name ? json_pack("{s:s, s:b}", "group", name, "released", g->released)
	         : json_pack("{s:b}", "released", g->released);
	if (!o || !g->released)
		return o;
	dirs = json_array();
	if (!dirs || json_object_set_new(o, "n", json_integer(g->n)) != 0 ||
	    json_object_set_new(o, "directives", dirs) != 0)
		goto fail;
	for (int d = 0; d < KR_DIRECTIVES; d++) {
		json_t *e =
		    json_pack("{s:i, s:I, s:f, s:f}", "directive", d + 1, "n", (json_int_t)g->n,
		              "mean", g->mean[d] / 10.0, "sd", g->sd[d] / 10.0);

		if (json_array_append_new(dirs, e) != 0)
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *breakdown_json(bool released, const struct kr_bench_group *groups, int ng,
                              const char *(*name)(int))
{
	json_t *list = json_array();

	for (int i = 1; list && i <= ng; i++) {
		if (json_array_append_new(list, group_json(&groups[i], name(i))) != 0) {
			json_decref(list);
			list = NULL;
		}
	}
	return json_pack("{s:b, s:o}", "released", released, "groups", list);
}

static const char *maturity_name(int i)
{
	return kr_maturity_name((enum kr_maturity)i);
}

static const char *sector_name(int i)
{
	return kr_sector_name((enum kr_sector)i);
}

json_t *bench_to_json(const struct kr_bench *b)
{
	return json_pack(
	    "{s:i, s:o, s:o, s:o}", "k", b->k, "overall", group_json(&b->overall, NULL),
	    "by_maturity",
	    breakdown_json(b->maturity_released, b->maturity, N_MATURITY, maturity_name),
	    "by_sector", breakdown_json(b->sector_released, b->sector, N_SECTOR, sector_name));
}
