/*
 * test_redact_corpus.c - the anonymiser against a corpus of realistic
 * reports (every .json file of tests/redaction/corpus), written for this test with
 * fictional organisations and documentation address ranges. Each file is
 *
 *   {"org": {"names", "domains", "persons", "own_cidrs"},
 *    "patterns": [{name, pattern, placeholder}],       (optional: the policy's)
 *    "title", "body", "indicators": [...],
 *    "planted": [{"text", "kind", "field"}],           identifiers the author leaked
 *    "attacker_indicators": N}                         attacker-role indicators
 *
 * For every report the title and body are scrubbed (with the kept
 * indicators as the keep list, as posting does) and the indicators
 * filtered. Two figures must be 100%:
 *  - recall: no planted identifier appears in the scrubbed title or body,
 *    compared after full-width and case folding, as a whole token (a Latin
 *    edge must not touch another ASCII letter or digit: "USB" does not
 *    contain the short name "SB");
 *  - attacker indicators: each is kept byte-identical, and wherever its
 *    value appeared in the title or body it still appears.
 * Victim-role indicators must all be removed. The figures are printed.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "redact.h"

#ifndef KAIRAN_SOURCE_DIR
#define KAIRAN_SOURCE_DIR "."
#endif

#define CORPUS_DIR KAIRAN_SOURCE_DIR "/tests/redaction/corpus"
#define MAX_FILES  512
#define MAX_STRS   64
#define MAX_PATS   16

struct tally {
	int reports;
	int planted, removed;
	int attacker, intact;
	int victim, victim_removed;
};

/* ---- an independent oracle for "appears": fold and search ---- */

/* Append the UTF-8 encoding of cp. */
static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Full-width ASCII and U+3000 to ASCII, A-Z to a-z. New string. */
static char *fold(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	char *out = malloc(strlen(s) + 1), *o = out;

	while (out && *u) {
		uint32_t cp = *u;
		int n = cp < 0x80 ? 0 : cp < 0xE0 ? 1 : cp < 0xF0 ? 2 : 3;

		cp = n == 0 ? cp : n == 1 ? cp & 0x1F : n == 2 ? cp & 0x0F : cp & 0x07;
		for (int k = 1; k <= n; k++)
			cp = (cp << 6) | (u[k] & 0x3F);
		u += n + 1;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;
		else if (cp == 0x3000)
			cp = ' ';
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		o += put_utf8(o, cp);
	}
	if (out)
		*o = '\0';
	return out;
}

static bool alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Does needle occur in hay as a whole token? Both folded. */
static bool appears(const char *hay, const char *needle)
{
	size_t nl = strlen(needle);
	const char *p = hay;

	if (nl == 0)
		return false;
	while ((p = strstr(p, needle)) != NULL) {
		bool left =
		    !alnum((unsigned char)needle[0]) || p == hay || !alnum((unsigned char)p[-1]);
		bool right = !alnum((unsigned char)needle[nl - 1]) || !alnum((unsigned char)p[nl]);

		if (left && right)
			return true;
		p++;
	}
	return false;
}

/* ---- one report ---- */

/* Borrowed strings of a JSON array of strings (at most MAX_STRS). */
static size_t strings(const json_t *a, const char **v)
{
	size_t i, n = 0;
	json_t *s;

	json_array_foreach(a, i, s)
	{
		if (json_is_string(s) && n < MAX_STRS)
			v[n++] = json_string_value(s);
	}
	return n;
}

struct report {
	const char *names[MAX_STRS], *domains[MAX_STRS], *persons[MAX_STRS], *cidrs[MAX_STRS];
	struct kr_redact_pattern pats[MAX_PATS];
	struct kr_redact_ctx ctx;
};

static void report_ctx(const json_t *doc, struct report *rp)
{
	const json_t *org = json_object_get(doc, "org");
	size_t i;
	json_t *p;

	memset(rp, 0, sizeof(*rp));
	rp->ctx.names = rp->names;
	rp->ctx.n_names = strings(json_object_get(org, "names"), rp->names);
	rp->ctx.domains = rp->domains;
	rp->ctx.n_domains = strings(json_object_get(org, "domains"), rp->domains);
	rp->ctx.persons = rp->persons;
	rp->ctx.n_persons = strings(json_object_get(org, "persons"), rp->persons);
	rp->ctx.own_cidrs = rp->cidrs;
	rp->ctx.n_own_cidrs = strings(json_object_get(org, "own_cidrs"), rp->cidrs);
	json_array_foreach(json_object_get(doc, "patterns"), i, p)
	{
		if (i >= MAX_PATS)
			break;
		rp->pats[i].name = json_string_value(json_object_get(p, "name"));
		rp->pats[i].pattern = json_string_value(json_object_get(p, "pattern"));
		rp->pats[i].placeholder = json_string_value(json_object_get(p, "placeholder"));
		rp->ctx.n_patterns = i + 1;
	}
	rp->ctx.patterns = rp->pats;
}

/* Scrub one field of doc; new string or NULL. */
static char *scrub(const struct kr_redactor *r, const json_t *doc, const char *field,
                   const json_t *kept)
{
	const json_t *s = json_object_get(doc, field);
	char *out = NULL;

	if (!json_is_string(s) || redact_text(r, field, json_string_value(s), json_string_length(s),
	                                      kept, &out, NULL) != KR_OK)
		return NULL;
	return out;
}

static void check_planted(const char *file, const json_t *doc, const char *title, const char *body,
                          struct tally *t)
{
	char *ft = fold(title), *fb = fold(body);
	size_t i;
	json_t *p;

	json_array_foreach(json_object_get(doc, "planted"), i, p)
	{
		const char *text = json_string_value(json_object_get(p, "text"));
		char *fp = text ? fold(text) : NULL;
		bool gone = fp && ft && fb && !appears(ft, fp) && !appears(fb, fp);

		t->planted++;
		t->removed += gone;
		if (!gone)
			fprintf(stderr, "%s: planted %s \"%s\" survived\n", file,
			        json_string_value(json_object_get(p, "kind")), text ? text : "?");
		free(fp);
	}
	free(ft);
	free(fb);
}

/* Is ind (an attacker indicator) kept byte-identical and still readable in
 * the fields where it was written? */
static bool intact(const json_t *ind, const json_t *kept, const json_t *doc, const char *title,
                   const char *body)
{
	const char *v = json_string_value(json_object_get(ind, "value"));
	const char *in_title = json_string_value(json_object_get(doc, "title"));
	const char *in_body = json_string_value(json_object_get(doc, "body"));
	bool found = false;
	size_t i;
	json_t *k;

	json_array_foreach(kept, i, k)
	{
		const char *kv = json_string_value(json_object_get(k, "value"));

		found = found || (json_equal(k, ind) && kv && strcmp(kv, v) == 0);
	}
	if (strstr(in_title, v) && !strstr(title, v))
		return false;
	return found && !(strstr(in_body, v) && !strstr(body, v));
}

static void check_indicators(const char *file, const json_t *doc, const json_t *kept,
                             const char *title, const char *body, struct tally *t)
{
	int attackers = 0;
	size_t i, j;
	json_t *ind, *k;

	json_array_foreach(json_object_get(doc, "indicators"), i, ind)
	{
		const char *role = json_string_value(json_object_get(ind, "role"));

		if (role && strcmp(role, "attacker") == 0) {
			bool ok = intact(ind, kept, doc, title, body);

			attackers++;
			t->intact += ok;
			if (!ok)
				fprintf(stderr, "%s: attacker indicator \"%s\" not intact\n", file,
				        json_string_value(json_object_get(ind, "value")));
		} else if (role && strcmp(role, "victim") == 0) {
			bool gone = true;

			json_array_foreach(kept, j, k) gone = gone && !json_equal(k, ind);
			t->victim++;
			t->victim_removed += gone;
		}
	}
	t->attacker += attackers;
	check_case(file);
	CHECK_EQ_INT(attackers, json_integer_value(json_object_get(doc, "attacker_indicators")));
}

static void run_report(const char *file, struct tally *t)
{
	char path[1024], err[256] = "";
	struct kr_redactor *r = NULL;
	json_t *doc, *kept = NULL;
	char *title = NULL, *body = NULL;
	struct report rp;

	snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, file);
	doc = json_load_file(path, 0, NULL);
	check_case(file);
	if (!CHECK_NOT_NULL(doc))
		goto out;
	report_ctx(doc, &rp);
	if (!CHECK_EQ_INT(redact_compile(&rp.ctx, &r, err, sizeof(err)), KR_OK)) {
		fprintf(stderr, "%s: %s\n", file, err);
		goto out;
	}
	CHECK_EQ_INT(redact_indicators(r, json_object_get(doc, "indicators"), &kept, NULL), KR_OK);
	title = scrub(r, doc, "title", kept);
	body = scrub(r, doc, "body", kept);
	if (!CHECK_NOT_NULL(title) || !CHECK_NOT_NULL(body) || !CHECK_NOT_NULL(kept))
		goto out;
	t->reports++;
	check_planted(file, doc, title, body, t);
	check_indicators(file, doc, kept, title, body, t);
out:
	free(title);
	free(body);
	json_decref(kept);
	json_decref(doc);
	redact_free(r);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The corpus file names, sorted; returns how many (names are new strings). */
static size_t list_corpus(char **names)
{
	DIR *d = opendir(CORPUS_DIR);
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)) != NULL && n < MAX_FILES) {
		size_t l = strlen(e->d_name);

		if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0)
			names[n++] = strdup(e->d_name);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	return n;
}

static double pct(int a, int b)
{
	return b ? 100.0 * a / b : 100.0;
}

int main(void)
{
	char *names[MAX_FILES];
	struct tally t = {0};
	size_t n = list_corpus(names);

	for (size_t i = 0; i < n; i++) {
		run_report(names[i], &t);
		free(names[i]);
	}
	printf("redaction corpus: %d reports, %d/%d planted identifiers removed (%.1f%%), "
	       "%d/%d attacker indicators intact, %d/%d victim indicators removed\n",
	       t.reports, t.removed, t.planted, pct(t.removed, t.planted), t.intact, t.attacker,
	       t.victim_removed, t.victim);
	check_case("corpus");
	CHECK(t.reports >= 50);
	CHECK_EQ_INT(t.reports, (int)n);
	CHECK_EQ_INT(t.removed, t.planted);
	CHECK_EQ_INT(t.intact, t.attacker);
	CHECK_EQ_INT(t.victim_removed, t.victim);
	return check_finish();
}
