/*
 * test_bench.c - hub/bench.c, the self-assessment benchmark and its release
 * rules, with synthetic data:
 *
 *   - rounding of means and spreads (half up, exact integers), the snapshot
 *     cutoff, the effective threshold;
 *   - a table of scenarios, each a list of cells (maturity, sector, count,
 *     scores) with the groups expected released and their n, means and
 *     spreads computed by hand: groups just under and at k, the complement
 *     attack within one breakdown, the maturity x sector attack of bench.h,
 *     the reader's own contribution (k floor 4);
 *   - a property test over thousands of random snapshots: every part of the
 *     finest partition the released groups induce holds 0 or >= k
 *     organisations, and withheld groups carry no numbers.
 */
#include <stdint.h>
#include <string.h>

#include "bench.h"
#include "check.h"

#define A KR_MATURITY_A
#define B KR_MATURITY_B
#define C KR_MATURITY_C

#define FIN   KR_SECTOR_FINANCE
#define ENE   KR_SECTOR_ENERGY
#define TEL   KR_SECTOR_IT_TELECOM
#define MAN   KR_SECTOR_MANUFACTURING
#define OTHER KR_SECTOR_OTHER

#define MAX_ROWS 64
#define MAX_CELL 8

/* ---- rounding, cutoff, threshold -------------------------------------- */

static void test_round_mean(void)
{
	static const struct {
		int64_t n, sum;
		int want;
	} rows[] = {
	    {0, 0, 0},     {1, 50, 50}, {2, 61, 31}, /* 30.5 -> 31: half up */
	    {4, 130, 33},                            /* 32.5 -> 33 */
	    {3, 100, 33},                            /* 33.33 */
	    {3, 101, 34},                            /* 33.67 */
	    {12, 366, 31},                           /* 30.5 */
	    {12, 365, 30},                           /* 30.42 */
	    {5, 150, 30},
	};

	check_case("round_mean");
	for (size_t i = 0; i < CHECK_N(rows); i++)
		CHECK_EQ_INT(bench_round_mean(rows[i].n, rows[i].sum), rows[i].want);
}

/* Values in tenths -> bench_round_sd of them. */
static int sd_of(const int *v, int n)
{
	int64_t s = 0, q = 0;

	for (int i = 0; i < n; i++) {
		s += v[i];
		q += (int64_t)v[i] * v[i];
	}
	return bench_round_sd(n, s, q);
}

static void test_round_sd(void)
{
	static const int same[] = {30, 30, 30, 30, 30};
	static const int near[] = {30, 30, 30, 31};        /* 0.043 -> 0.0 */
	static const int half[] = {30, 31};                /* exactly 0.05 -> 0.1 (half up) */
	static const int half3[] = {30, 33};               /* exactly 0.15 -> 0.2 */
	static const int wide[] = {10, 50};                /* 2.0 */
	static const int five[] = {20, 30, 30, 40, 30};    /* sqrt(0.4) = 0.632 -> 0.6 */
	static const int mix[] = {10, 20, 30, 40, 50, 35}; /* sd 1.3017 -> 1.3 */

	check_case("round_sd");
	CHECK_EQ_INT(sd_of(same, 5), 0);
	CHECK_EQ_INT(sd_of(near, 4), 0);
	CHECK_EQ_INT(sd_of(half, 2), 1);
	CHECK_EQ_INT(sd_of(half3, 2), 2);
	CHECK_EQ_INT(sd_of(wide, 2), 20);
	CHECK_EQ_INT(sd_of(five, 5), 6);
	CHECK_EQ_INT(sd_of(mix, 6), 13);
	CHECK_EQ_INT(bench_round_sd(0, 0, 0), 0);
	/* every spread of two values 10..50 against the closed form |a-b|/2 */
	for (int a = 10; a <= 50; a++)
		for (int b = 10; b <= 50; b++) {
			int v[2] = {a, b}, d = a > b ? a - b : b - a;

			CHECK_EQ_INT(sd_of(v, 2), (d + 1) / 2); /* d/2 rounded half up */
		}
}

static void test_cutoff_threshold(void)
{
	/* 2026-11-21T15:00:00Z is 2026-11-22 00:00 JST */
	const int64_t jst_midnight = 1795273200;

	check_case("cutoff");
	CHECK_EQ_INT(bench_cutoff(jst_midnight, 86400), jst_midnight);
	CHECK_EQ_INT(bench_cutoff(jst_midnight + 86399, 86400), jst_midnight);
	CHECK_EQ_INT(bench_cutoff(jst_midnight - 1, 86400), jst_midnight - 86400);
	CHECK_EQ_INT(bench_cutoff(jst_midnight + 3601, 3600), jst_midnight + 3600);
	CHECK_EQ_INT(bench_cutoff(1234567, 1), 1234567);
	CHECK_EQ_INT(bench_cutoff(1234567, 0), 1234567);
	check_case("threshold");
	CHECK_EQ_INT(bench_threshold(2), 4);
	CHECK_EQ_INT(bench_threshold(3), 4);
	CHECK_EQ_INT(bench_threshold(4), 4);
	CHECK_EQ_INT(bench_threshold(5), 5);
	CHECK_EQ_INT(bench_threshold(12), 12);
	CHECK_EQ_INT(bench_threshold(0), 4); /* never below the floor */
}

/* ---- scenarios -------------------------------------------------------- */

/* count organisations of one maturity and sector, all with scores[] (tenths;
 * scores[0] == 0 means "30 on every directive"). */
struct cell {
	enum kr_maturity m;
	enum kr_sector s;
	int count;
	int scores[KR_DIRECTIVES];
};

/* An expected released group (n == 0 ends a list): its size and directive
 * 1's mean and spread in tenths, computed by hand. */
struct want_group {
	int group; /* maturity or sector value; 0 for overall */
	int64_t n;
	int mean1, sd1;
};

struct scenario {
	const char *name;
	int policy_k;
	struct cell cells[MAX_CELL];
	bool overall;
	bool maturity_released, sector_released;
	struct want_group want_overall;
	struct want_group want_m[4]; /* released maturity groups, n == 0 ends */
	struct want_group want_s[6]; /* released sector groups */
};

#define S30                                                                                        \
	{                                                                                          \
		0                                                                                  \
	}

static const struct scenario scenarios[] = {
    {"3 organisations, k 5: nothing",
     5,
     {{A, FIN, 3, S30}},
     false,
     false,
     false,
     {0},
     {{0}},
     {{0}}},
    {"4 organisations, k 5 (just under): nothing",
     5,
     {{A, FIN, 4, S30}},
     false,
     false,
     false,
     {0},
     {{0}},
     {{0}}},
    {"5 organisations, k 5 (at k): overall, A, finance",
     5,
     {{A, FIN, 5, S30}},
     true,
     true,
     true,
     {0, 5, 30, 0},
     {{A, 5, 30, 0}, {0}},
     {{FIN, 5, 30, 0}, {0}}},
    {"policy k 2 is raised to 4: 3 organisations withheld",
     2,
     {{A, FIN, 3, S30}},
     false,
     false,
     false,
     {0},
     {{0}},
     {{0}}},
    {"policy k 2 is raised to 4: 4 organisations released",
     2,
     {{A, FIN, 4, S30}},
     true,
     true,
     true,
     {0, 4, 30, 0},
     {{A, 4, 30, 0}, {0}},
     {{FIN, 4, 30, 0}, {0}}},
    {"known means: directive 1 is 2.0 3.0 3.0 4.0 3.0",
     5,
     {{A, FIN, 1, {20, 10, 10, 10, 10, 10, 10, 10, 10, 10}},
      {A, FIN, 2, {30, 10, 10, 10, 10, 10, 10, 10, 10, 10}},
      {A, FIN, 1, {40, 10, 10, 10, 10, 10, 10, 10, 10, 10}},
      {A, FIN, 1, {30, 50, 50, 50, 50, 50, 50, 50, 50, 50}}},
     true,
     true,
     true,
     {0, 5, 30, 6}, /* mean 3.0, sd sqrt(0.4) = 0.63 -> 0.6 */
     {{A, 5, 30, 6}, {0}},
     {{FIN, 5, 30, 6}, {0}}},
    /* Rule 2: A 6, B 5, C 2 in many sectors (no sector reaches k). C is
     * withheld (2 < 5); overall - A - B would give C, so B (the smaller
     * released group) is withheld too: remainder 7 >= 5. */
    {"complement within maturity",
     5,
     {{A, FIN, 3, S30}, {A, ENE, 3, S30}, {B, TEL, 3, S30}, {B, MAN, 2, S30}, {C, OTHER, 2, S30}},
     true,
     true,
     false,
     {0, 13, 30, 0},
     {{A, 6, 30, 0}, {0}},
     {{0}}},
    /* A 7, B 4, C 6: B withheld, the remainder (4) < 5, so the smallest
     * released group (C, 6) goes too. */
    {"complement withholds the smallest released group",
     5,
     {{A, FIN, 4, S30}, {A, ENE, 3, S30}, {B, TEL, 4, S30}, {C, MAN, 3, S30}, {C, OTHER, 3, S30}},
     true,
     true,
     false,
     {0, 17, 30, 0},
     {{A, 7, 30, 0}, {0}},
     {{0}}},
    /* Sectors FIN 6, ENE 6, TEL 3, MAN 2: the withheld remainder is 3 + 2 =
     * 5 >= k, nothing more is withheld. Maturity (A 4, B 4, C 9) covers 9
     * < 12: sector is released. */
    {"complement not needed",
     5,
     {{A, FIN, 3, S30},
      {C, FIN, 3, S30},
      {B, ENE, 3, S30},
      {C, ENE, 3, S30},
      {C, TEL, 3, S30},
      {A, MAN, 1, S30},
      {B, MAN, 1, S30}},
     true,
     false,
     true,
     {0, 17, 30, 0},
     {{0}},
     {{FIN, 6, 30, 0}, {ENE, 6, 30, 0}, {0}}},
    /* Rule 3, the attack of bench.h: (A,X)=1 (A,Y)=5 (B,X)=5 (B,Y)=0. Both
     * breakdowns alone pass rules 1-2 (A 6, B 5, X 6, Y 5) but together
     * A + X - overall is the single (A,X) organisation. Tie of coverage
     * (11 and 11): sector only. */
    {"maturity x sector attack: one breakdown only",
     5,
     {{A, FIN, 1, {50, 50, 50, 50, 50, 50, 50, 50, 50, 50}}, {A, ENE, 5, S30}, {B, FIN, 5, S30}},
     true,
     false,
     true,
     {0, 11, 32, 6}, /* (50 + 10 * 30) / 11 = 31.8 -> 32 */
     {{0}},
     {{FIN, 6, 33, 7}, {ENE, 5, 30, 0}, {0}}}, /* (50 + 150) / 6 = 33.3; sd 0.745 */
    /* Every cell 0 or >= k: both breakdowns. */
    {"cells all 0 or >= k: both breakdowns",
     5,
     {{A, FIN, 5, S30}, {B, ENE, 6, {40, 30, 30, 30, 30, 30, 30, 30, 30, 30}}},
     true,
     true,
     true,
     {0, 11, 35, 5}, /* (150 + 240) / 11 = 35.45 -> 35; sd 4.98 -> 5 */
     {{A, 5, 30, 0}, {B, 6, 40, 0}, {0}},
     {{FIN, 5, 30, 0}, {ENE, 6, 40, 0}, {0}}},
    /* One small cell with maturity covering more: maturity wins. */
    {"cross not ok, maturity covers more",
     5,
     {{A, FIN, 5, S30}, {A, ENE, 2, S30}, {B, TEL, 3, S30}, {B, MAN, 3, S30}},
     true,
     true,
     false,
     {0, 13, 30, 0},
     {{A, 7, 30, 0}, {B, 6, 30, 0}, {0}},
     {{0}}},
};

static const struct kr_bench_group *group_of(const struct kr_bench *b, bool maturity, int g)
{
	return maturity ? &b->maturity[g] : &b->sector[g];
}

/* A withheld group carries no numbers at all. */
static bool group_empty(const struct kr_bench_group *g)
{
	static const struct kr_bench_group zero;

	return memcmp(g, &zero, sizeof(zero)) == 0;
}

static void check_breakdown(const struct kr_bench *b, bool maturity, const struct want_group *want)
{
	int ng = maturity ? KR_MATURITY_C : KR_SECTOR_COUNT;

	for (int g = 1; g <= ng; g++) {
		const struct kr_bench_group *got = group_of(b, maturity, g);
		const struct want_group *w = NULL;

		for (int i = 0; want[i].n; i++)
			if (want[i].group == g)
				w = &want[i];
		if (!w) {
			CHECK(!got->released);
			CHECK(group_empty(got));
			continue;
		}
		CHECK(got->released);
		CHECK_EQ_INT(got->n, w->n);
		CHECK_EQ_INT(got->mean[0], w->mean1);
		CHECK_EQ_INT(got->sd[0], w->sd1);
	}
}

static size_t rows_of(const struct scenario *sc, struct kr_bench_row *rows)
{
	size_t n = 0;

	for (int c = 0; c < MAX_CELL && sc->cells[c].count; c++) {
		for (int i = 0; i < sc->cells[c].count && n < MAX_ROWS; i++, n++) {
			rows[n].maturity = sc->cells[c].m;
			rows[n].sector = sc->cells[c].s;
			for (int d = 0; d < KR_DIRECTIVES; d++)
				rows[n].score[d] =
				    sc->cells[c].scores[0] ? sc->cells[c].scores[d] : 30;
		}
	}
	return n;
}

static void test_scenarios(void)
{
	for (size_t i = 0; i < CHECK_N(scenarios); i++) {
		const struct scenario *sc = &scenarios[i];
		struct kr_bench_row rows[MAX_ROWS];
		struct kr_bench b;
		size_t n = rows_of(sc, rows);

		check_case(sc->name);
		bench_compute(rows, n, sc->policy_k, &b);
		CHECK_EQ_INT(b.k, bench_threshold(sc->policy_k));
		CHECK_EQ_INT(b.overall.released, sc->overall);
		if (!sc->overall) {
			CHECK(group_empty(&b.overall));
		} else {
			CHECK_EQ_INT(b.overall.n, sc->want_overall.n);
			CHECK_EQ_INT(b.overall.mean[0], sc->want_overall.mean1);
			CHECK_EQ_INT(b.overall.sd[0], sc->want_overall.sd1);
		}
		CHECK_EQ_INT(b.maturity_released, sc->maturity_released);
		CHECK_EQ_INT(b.sector_released, sc->sector_released);
		check_breakdown(&b, true, sc->want_m);
		check_breakdown(&b, false, sc->want_s);
	}
	check_case(NULL);
}

/* Twelve organisations with known scores on all ten directives, as the
 * wire test uses them: directive d of organisation i is 1.0 + ((i + d) % 5)
 * and the means and spreads below were computed by hand. */
static void test_twelve(void)
{
	struct kr_bench_row rows[12];
	struct kr_bench b;

	for (int i = 0; i < 12; i++) {
		rows[i].maturity = i < 6 ? A : B;
		rows[i].sector = i < 7 ? FIN : ENE;
		for (int d = 0; d < KR_DIRECTIVES; d++)
			rows[i].score[d] = 10 + 10 * ((i + d) % 5);
	}
	check_case("twelve");
	bench_compute(rows, 12, 5, &b);
	/* (A,FIN) 6, (B,FIN) 1, (B,ENE) 5: the (B,FIN) cell is 1, so one
	 * breakdown only; maturity covers 12 (A 6, B 6), sector 12 (FIN 7,
	 * ENE 5): a tie, so sector. */
	CHECK(b.overall.released);
	CHECK_EQ_INT(b.overall.n, 12);
	CHECK(!b.maturity_released);
	CHECK(b.sector_released);
	CHECK_EQ_INT(b.sector[FIN].n, 7);
	CHECK_EQ_INT(b.sector[ENE].n, 5);
	/* Directive 1 (d = 0): values 1,2,3,4,5,1,2,3,4,5,1,2 -> sum 33, mean
	 * 2.75 -> 2.8; squares 1+4+9+16+25 twice + 1 + 4 = 115; variance
	 * 115/12 - 2.75^2 = 1.9167 -> sd 1.384 -> 1.4. */
	CHECK_EQ_INT(b.overall.mean[0], 28);
	CHECK_EQ_INT(b.overall.sd[0], 14);
	/* FIN is organisations 0..6, directive 1: 1,2,3,4,5,1,2 -> 18/7 = 2.57 ->
	 * 2.6; ENE is 7..11: 3,4,5,1,2 -> 3.0, sd sqrt(2) = 1.41 -> 1.4. */
	CHECK_EQ_INT(b.sector[FIN].mean[0], 26);
	CHECK_EQ_INT(b.sector[ENE].mean[0], 30);
	CHECK_EQ_INT(b.sector[ENE].sd[0], 14);
	/* Directive 5 (d = 4): (i + 4) % 5 -> 5,1,2,3,4,5,1,2,3,4,5,1 = 36 -> 3.0 */
	CHECK_EQ_INT(b.overall.mean[4], 30);
}

/* Every maturity and every sector of the vocabulary is counted. */
static void test_every_label(void)
{
	struct kr_bench_row rows[5];
	struct kr_bench b;

	check_case("every label");
	for (int m = KR_MATURITY_A; m <= KR_MATURITY_C; m++) {
		for (int sec = 1; sec <= KR_SECTOR_COUNT; sec++) {
			for (int i = 0; i < 5; i++) {
				rows[i].maturity = (enum kr_maturity)m;
				rows[i].sector = (enum kr_sector)sec;
				for (int d = 0; d < KR_DIRECTIVES; d++)
					rows[i].score[d] = 10 + 10 * i;
			}
			bench_compute(rows, 5, 5, &b);
			CHECK(b.maturity[m].released && b.maturity[m].n == 5);
			CHECK(b.sector[sec].released && b.sector[sec].n == 5);
			CHECK_EQ_INT(b.sector[sec].mean[0], 30);
			CHECK_EQ_INT(b.sector[sec].sd[0], 14); /* sqrt(2) */
		}
	}
}

/* Invalid rows (which the store never holds) are not counted. */
static void test_invalid_rows(void)
{
	struct kr_bench_row rows[6];
	struct kr_bench b;

	for (int i = 0; i < 6; i++) {
		rows[i].maturity = A;
		rows[i].sector = FIN;
		for (int d = 0; d < KR_DIRECTIVES; d++)
			rows[i].score[d] = 30;
	}
	rows[0].score[3] = 55;
	rows[1].maturity = KR_MATURITY_NONE;
	check_case("invalid rows");
	bench_compute(rows, 6, 4, &b);
	CHECK_EQ_INT(b.overall.n, 4);
	bench_compute(rows, 6, 5, &b);
	CHECK(!b.overall.released);
}

/* ---- property: the finest partition ----------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/*
 * Every organisation's signature is the set of released groups it belongs
 * to; organisations with the same signature are indistinguishable by any
 * sum or difference of released numbers. Each class must hold >= k.
 * (Organisations in no released group at all cannot exist while overall is
 * released.)
 */
static bool partition_safe(const struct kr_bench_row *rows, size_t n, const struct kr_bench *b)
{
	uint64_t sig[MAX_ROWS];

	for (size_t i = 0; i < n; i++) {
		sig[i] = b->overall.released ? 1 : 0;
		if (b->maturity[rows[i].maturity].released)
			sig[i] |= 2u << rows[i].maturity;
		if (b->sector[rows[i].sector].released)
			sig[i] |= (uint64_t)1 << (8 + rows[i].sector);
	}
	for (size_t i = 0; i < n; i++) {
		int64_t same = 0;

		if (sig[i] == 0)
			continue; /* nothing released about it */
		for (size_t j = 0; j < n; j++)
			same += sig[j] == sig[i];
		if (same < b->k)
			return false;
	}
	return true;
}

/* Organisations of group g (maturity or sector) among the rows. */
static int64_t size_of(const struct kr_bench_row *rows, size_t n, bool maturity, int g)
{
	int64_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += maturity ? (int)rows[i].maturity == g : (int)rows[i].sector == g;
	return c;
}

static void test_property(void)
{
	static const enum kr_sector few[] = {FIN, ENE, TEL};
	int trials = 0, both = 0, one = 0, none = 0, complement = 0;

	check_case("random snapshots");
	for (int t = 0; t < 5000; t++) {
		struct kr_bench_row rows[MAX_ROWS];
		struct kr_bench b;
		size_t n = 4 + rnd(36);
		int k = 2 + (int)rnd(6);

		if (rnd(3) == 0) {
			/* blocks: a few maturity x sector cells of >= k each, maybe
			 * with one straggler */
			int blocks = 1 + (int)rnd(3);

			n = 0;
			for (int bl = 0; bl < blocks; bl++) {
				enum kr_maturity m = (enum kr_maturity)(1 + rnd(3));
				enum kr_sector sec = few[rnd(3)];

				for (int c = bench_threshold(k) + (int)rnd(4);
				     c > 0 && n < MAX_ROWS - 1; c--, n++) {
					rows[n].maturity = m;
					rows[n].sector = sec;
				}
			}
			if (rnd(2) == 0) {
				rows[n].maturity = (enum kr_maturity)(1 + rnd(3));
				rows[n++].sector = few[rnd(3)];
			}
		} else {
			for (size_t i = 0; i < n; i++) {
				/* skewed: most organisations in few groups, some stragglers */
				rows[i].maturity =
				    (enum kr_maturity)(1 + (rnd(4) == 0 ? rnd(3) : rnd(2)));
				rows[i].sector = rnd(5) == 0
				                     ? (enum kr_sector)(1 + rnd(KR_SECTOR_COUNT))
				                     : few[rnd(3)];
			}
		}
		for (size_t i = 0; i < n; i++)
			for (int d = 0; d < KR_DIRECTIVES; d++)
				rows[i].score[d] = 10 + (int)rnd(41);
		bench_compute(rows, n, k, &b);
		trials++;
		if (!CHECK(partition_safe(rows, n, &b)))
			break;
		if (b.maturity_released && b.sector_released)
			both++;
		else if (b.maturity_released || b.sector_released)
			one++;
		else
			none++;
		/* withheld groups carry nothing, released ones hold >= k and
		 * exactly the organisations of the group */
		for (int m = 0; m < 2; m++) {
			bool mat = m == 0;
			int ng = mat ? KR_MATURITY_C : KR_SECTOR_COUNT;

			for (int g = 1; g <= ng; g++) {
				const struct kr_bench_group *grp = group_of(&b, mat, g);
				int64_t size = size_of(rows, n, mat, g);

				if (grp->released) {
					CHECK(grp->n >= b.k && grp->n == size);
					continue;
				}
				CHECK(group_empty(grp));
				/* withheld although large enough, in a released breakdown:
				 * rule 2 at work */
				complement +=
				    size >= b.k && (mat ? b.maturity_released : b.sector_released);
			}
		}
	}
	printf("property: %d random snapshots: %d with both breakdowns, %d with one, %d with "
	       "none; %d groups of >= k withheld by the complement rule\n",
	       trials, both, one, none, complement);
	/* the generator must exercise every branch */
	CHECK(both > 50);
	CHECK(one > 50);
	CHECK(none > 50);
	CHECK(complement > 50);
}

int main(void)
{
	test_round_mean();
	test_round_sd();
	test_cutoff_threshold();
	test_scenarios();
	test_twelve();
	test_every_label();
	test_invalid_rows();
	test_property();
	return check_finish();
}
