/*
 * redact_bench.c - kairan-redact-bench: a micro-benchmark of the redaction
 * engine (hub/redact.h), the part of every post that reads every byte.
 *
 * It compiles a redactor the way anon.c does for each post (an
 * organisation's registered names, domains and people, plus a circle
 * policy's custom pattern) and scrubs a 10 KB report (Japanese and
 * English narrative with names, e-mail addresses, phone numbers, an
 * internal address and a URL under the registered domain) repeatedly for
 * --seconds, then prints one JSON object: the report's size, what was
 * removed, the mean and p50/p99 time to compile a redactor and to scrub
 * the report, and the throughput. The output is checked (every registered
 * name gone) so a broken engine cannot look fast.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loadstat.h"
#include "redact.h"

static const char *const names[] = {"さくら銀行", "Sakura Bank", "SKB", "sakura-bank"};
static const char *const domains[] = {"sakura-bank.example.jp", "skb-group.example"};
static const char *const persons[] = {"佐藤 花子", "Hanako Sato", "田中 一郎"};
static const struct kr_redact_pattern patterns[] = {
    {"案件番号", "SB-[0-9]{6}", "[案件番号]"},
};

/* One paragraph of a report, in the mix a real one has: most of it is
 * narrative, a few identifying details the engine must take out. */
static const char paragraph[] =
    "2026年11月20日、当行（さくら銀行）の営業店宛てに、取引先を装ったフィッシングメールが"
    "届きました。件名は「【重要】お支払い口座変更のお知らせ」で、本文のリンク先は"
    "hxxps://login-secure-update[.]example/auth でした。受信者の佐藤 花子が不審に思い、"
    "情報セキュリティ室（内線 03-1234-5678、soc@sakura-bank.example.jp）へ報告しました。"
    "調査の結果、社内プロキシ 10.20.30.40 のログに同じ宛先への通信が3件あり、案件番号 "
    "SB-204817 として対応しています。The attacker's infrastructure resolved to "
    "203.0.113.45 and reused a kit seen against other banks; Hanako Sato from Sakura "
    "Bank's SOC confirmed no credentials were entered. Internal wiki: "
    "https://wiki.sakura-bank.example.jp/soc/cases. 引き続き類似の件名に注意してください。\n";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);

	if (n == 0)
		return 0;
	return v[(rank ? rank : 1) - 1 < n ? (rank ? rank : 1) - 1 : n - 1];
}

static enum kr_err compile(struct kr_redactor **r)
{
	struct kr_redact_ctx ctx = {
	    .names = names,
	    .n_names = sizeof(names) / sizeof(names[0]),
	    .domains = domains,
	    .n_domains = sizeof(domains) / sizeof(domains[0]),
	    .persons = persons,
	    .n_persons = sizeof(persons) / sizeof(persons[0]),
	    .patterns = patterns,
	    .n_patterns = 1,
	};
	char err[200];
	enum kr_err rc = redact_compile(&ctx, r, err, sizeof(err));

	if (rc != KR_OK)
		fprintf(stderr, "kairan-redact-bench: redact_compile: %s\n", err);
	return rc;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 3.0;
	size_t target = argc > 2 ? (size_t)atol(argv[2]) : 10240, len = 0, cap, n = 0;
	size_t max_runs = 1000000, found = 0;
	double *tc, *tr, start, sum_c = 0, sum_r = 0;
	struct kr_redactor *r = NULL;
	json_t *findings, *out;
	char *text, *clean = NULL;
	int ok = 1;

	if (seconds <= 0 || seconds > 600 || target < 1024 || target > (1u << 20)) {
		fprintf(stderr, "usage: kairan-redact-bench [SECONDS [BYTES]]\n");
		return 2;
	}
	cap = target + sizeof(paragraph);
	text = malloc(cap);
	tc = malloc(max_runs * sizeof(double));
	tr = malloc(max_runs * sizeof(double));
	findings = json_array();
	if (!text || !tc || !tr || !findings)
		return 1;
	while (len + sizeof(paragraph) - 1 <= target) {
		memcpy(text + len, paragraph, sizeof(paragraph) - 1);
		len += sizeof(paragraph) - 1;
	}
	/* then part of one more paragraph, cut at a character boundary */
	{
		size_t k = target - len;

		while (k > 0 && ((unsigned char)paragraph[k] & 0xC0) == 0x80)
			k--;
		memcpy(text + len, paragraph, k);
		len += k;
	}
	text[len] = '\0';

	/* once, checked: what the engine removes from this report */
	if (compile(&r) != KR_OK ||
	    redact_text(r, "body", text, len, NULL, &clean, findings) != KR_OK)
		return 1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strstr(clean, names[i]))
			ok = 0;
	if (strstr(clean, "佐藤") || strstr(clean, "soc@") || strstr(clean, "SB-204817") ||
	    strstr(clean, "10.20.30.40") || !strstr(clean, "203.0.113.45"))
		ok = 0;
	for (size_t i = 0; i < json_array_size(findings); i++)
		found += (size_t)json_integer_value(
		    json_object_get(json_array_get(findings, i), "count"));
	free(clean);
	redact_free(r);
	if (!ok) {
		fprintf(stderr, "kairan-redact-bench: the engine left something identifying\n");
		return 1;
	}

	start = now_s();
	while (n < max_runs && now_s() - start < seconds) {
		double t0 = now_s(), t1, t2;

		if (compile(&r) != KR_OK)
			return 1;
		t1 = now_s();
		if (redact_text(r, "body", text, len, NULL, &clean, NULL) != KR_OK)
			return 1;
		t2 = now_s();
		free(clean);
		redact_free(r);
		tc[n] = (t1 - t0) * 1e6;
		tr[n] = (t2 - t1) * 1e6;
		sum_c += tc[n];
		sum_r += tr[n];
		n++;
	}
	qsort(tc, n, sizeof(double), cmp_double);
	qsort(tr, n, sizeof(double), cmp_double);
	out =
	    json_pack("{s:s, s:s, s:i, s:i, s:i, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "server",
	              "kairan", "scenario", "redact", "bytes", (int)len, "removed", (int)found,
	              "iterations", (int)n, "compile_us", n ? sum_c / (double)n : 0.0,
	              "compile_p99_us", pct(tc, n, 99), "redact_us", n ? sum_r / (double)n : 0.0,
	              "redact_p50_us", pct(tr, n, 50), "redact_p99_us", pct(tr, n, 99), "mb_per_s",
	              sum_r > 0 ? (double)len * (double)n / sum_r : 0.0, "reports_per_s",
	              sum_r + sum_c > 0 ? (double)n * 1e6 / (sum_r + sum_c) : 0.0);
	json_dumpf(out, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
	fputc('\n', stdout);
	json_decref(out);
	json_decref(findings);
	free(text);
	free(tc);
	free(tr);
	return n ? 0 : 1;
}
