/*
 * anon.c - anonymising an item before it is stored (see anon.h).
 */
#include "anon.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "practice.h"
#include "redact.h"
#include "store_dir.h"
#include "utf8.h"

#define MAX_TERMS    256
#define MAX_PATTERNS 64

/* Borrowed string pointers of a JSON array of strings, skipping terms the
 * engine cannot use (shorter than two characters). */
static size_t terms(const json_t *arr, const char **out, size_t max)
{
	const json_t *v;
	size_t i, n = 0;

	json_array_foreach(arr, i, v)
	{
		const char *t = json_string_value(v);

		if (t && n < max && kr_utf8_count(t, strlen(t)) >= 2)
			out[n++] = t;
	}
	return n;
}

/*
 * The victim-side indicator values redact_indicators() removed (removed: its
 * findings) into v, at most MAX_TERMS: text mentioning them is scrubbed too.
 * Values the engine cannot take as a term (under 2 or over 1,024 bytes) are
 * left out; a URL that long is not a plausible mention anyway.
 */
static size_t victim_values(const json_t *removed, const char **v)
{
	const json_t *f;
	size_t i, n = 0;

	json_array_foreach(removed, i, f)
	{
		const char *orig = json_string_value(json_object_get(f, "original"));
		size_t len = orig ? strlen(orig) : 0;

		if (n < MAX_TERMS && len >= 2 && len <= 1024 &&
		    strcmp(json_string_value(json_object_get(f, "kind")), "victim-indicator") == 0)
			v[n++] = orig;
	}
	return n;
}

/* A redactor for the organisation's identity and the policy's patterns
 * (only the patterns when patterns_only), and the victim-side indicator
 * values found in removed (may be NULL). */
static enum kr_err compile(const json_t *id, const struct kr_circle_policy *cp, bool patterns_only,
                           const json_t *removed, struct kr_redactor **out, char *err,
                           size_t errlen)
{
	const char *names[MAX_TERMS + 1], *domains[MAX_TERMS], *persons[MAX_TERMS];
	const char *victims[MAX_TERMS];
	struct kr_redact_pattern pats[MAX_PATTERNS];
	struct kr_redact_ctx ctx = {0};
	const char *key = json_string_value(json_object_get(id, "key"));
	const json_t *p;
	size_t i, np = 0;

	ctx.names = names;
	ctx.n_names = terms(json_object_get(id, "names"), names, MAX_TERMS);
	if (key && strlen(key) >= 3) /* the organisation's key identifies it too */
		names[ctx.n_names++] = key;
	ctx.domains = domains;
	ctx.n_domains = terms(json_object_get(id, "domains"), domains, MAX_TERMS);
	ctx.persons = persons;
	ctx.n_persons = terms(json_object_get(id, "persons"), persons, MAX_TERMS);
	json_array_foreach(cp->redact_patterns, i, p)
	{
		if (np == MAX_PATTERNS)
			break;
		pats[np].name = json_string_value(json_object_get(p, "name"));
		pats[np].pattern = json_string_value(json_object_get(p, "pattern"));
		pats[np].placeholder = json_string_value(json_object_get(p, "placeholder"));
		np++;
	}
	ctx.patterns = pats;
	ctx.n_patterns = np;
	ctx.patterns_only = patterns_only;
	ctx.victims = victims;
	ctx.n_victims = removed ? victim_values(removed, victims) : 0;
	return redact_compile(&ctx, out, err, errlen);
}

/* Scrub every string of a JSON array (tags, references, products); field
 * names them in the findings. */
static enum kr_err scrub_list(const struct kr_redactor *r, const char *field, const json_t *list,
                              json_t **out, json_t *removed)
{
	const json_t *t;
	size_t i;

	*out = json_array();
	if (!*out)
		return KR_EINTERNAL;
	json_array_foreach(list, i, t)
	{
		char *clean = NULL;
		enum kr_err rc = redact_text(r, field, json_string_value(t), json_string_length(t),
		                             NULL, &clean, removed);

		if (rc != KR_OK)
			return rc;
		json_array_append_new(*out, json_string(clean));
		free(clean);
	}
	return KR_OK;
}

/* An alert's references, products and recommended action, scrubbed. */
static enum kr_err scrub_alert(const struct kr_redactor *r, const json_t *alert, struct kr_anon *a)
{
	static const char *const lists[] = {"references", "affected_products"};
	const json_t *action = json_object_get(alert, "recommended_action");
	enum kr_err rc = KR_OK;

	a->alert = json_pack("{s:O}", "severity", json_object_get(alert, "severity"));
	if (!a->alert)
		return KR_EINTERNAL;
	for (size_t i = 0; i < 2 && rc == KR_OK; i++) {
		json_t *clean = NULL;

		if (!json_object_get(alert, lists[i]))
			continue;
		rc = scrub_list(r, lists[i], json_object_get(alert, lists[i]), &clean, a->removed);
		if (rc == KR_OK)
			json_object_set_new(a->alert, lists[i], clean);
		else
			json_decref(clean);
	}
	if (rc == KR_OK && action) {
		char *clean = NULL;

		rc = redact_text(r, "recommended_action", json_string_value(action),
		                 json_string_length(action), a->indicators, &clean, a->removed);
		if (rc == KR_OK)
			json_object_set_new(a->alert, "recommended_action", json_string(clean));
		free(clean);
	}
	return rc;
}

/* A practice report's texts and references, scrubbed like the body; its
 * labels (directive, industry, size band, readers, level) kept as checked. */
static enum kr_err scrub_practice(const struct kr_redactor *r, const json_t *practice,
                                  struct kr_anon *a)
{
	const json_t *refs = json_object_get(practice, "references");
	enum kr_err rc = KR_OK;

	a->practice = json_deep_copy(practice);
	if (!a->practice)
		return KR_EINTERNAL;
	for (size_t i = 0; i < 3 && rc == KR_OK; i++) {
		const char *name = kr_practice_texts[i];
		const json_t *text = json_object_get(practice, name);
		char *clean = NULL;

		if (!text)
			continue;
		rc = redact_text(r, name, json_string_value(text), json_string_length(text),
		                 a->indicators, &clean, a->removed);
		if (rc == KR_OK && json_object_set_new(a->practice, name, json_string(clean)) != 0)
			rc = KR_EINTERNAL;
		free(clean);
	}
	if (rc == KR_OK && refs) {
		json_t *clean = NULL;

		rc = scrub_list(r, "references", refs, &clean, a->removed);
		if (rc == KR_OK && json_object_set_new(a->practice, "references", clean) != 0)
			rc = KR_EINTERNAL;
		else if (rc != KR_OK)
			json_decref(clean);
	}
	return rc;
}

/* The texts of an item (its indicators already sorted into a->indicators). */
static enum kr_err scrub(const struct kr_redactor *r, const char *title, const char *body,
                         const json_t *tags, const json_t *alert, const json_t *practice,
                         struct kr_anon *a)
{
	enum kr_err rc =
	    redact_text(r, "title", title, strlen(title), a->indicators, &a->title, a->removed);
	if (rc == KR_OK)
		rc =
		    redact_text(r, "body", body, strlen(body), a->indicators, &a->body, a->removed);
	if (rc == KR_OK)
		rc = scrub_list(r, "tags", tags, &a->tags, a->removed);
	if (rc == KR_OK && alert)
		rc = scrub_alert(r, alert, a);
	if (rc == KR_OK && practice)
		rc = scrub_practice(r, practice, a);
	if (rc == KR_OK) {
		a->redactions = redact_findings_public(a->removed);
		rc = a->redactions ? KR_OK : KR_EINTERNAL;
	}
	return rc;
}

enum kr_err anon_item(struct kr_store *st, int64_t org_id, int64_t circle_id,
                      const struct kr_circle_policy *cp, const char *title, const char *body,
                      const json_t *indicators, const json_t *tags, const json_t *alert,
                      const json_t *practice, struct kr_anon *out, char *err, size_t errlen)
{
	struct kr_redactor *r = NULL;
	json_t *id = NULL;
	enum kr_err rc;

	memset(out, 0, sizeof(*out));
	out->removed = json_array();
	rc = out->removed ? store_org_identity(st, org_id, &id) : KR_EINTERNAL;
	if (rc == KR_OK)
		rc = compile(id, cp, false, NULL, &r, err, errlen);
	if (rc == KR_OK)
		rc = redact_indicators(r, indicators, &out->indicators, out->removed);
	if (rc == KR_OK && json_array_size(out->removed) > 0) {
		/* Victim-side values removed from the list go from the text too. */
		redact_free(r);
		r = NULL;
		rc = compile(id, cp, false, out->removed, &r, err, errlen);
	}
	if (rc == KR_OK)
		rc = scrub(r, title, body, tags, alert, practice, out);
	if (rc == KR_OK)
		rc = anon_pseudonym(st, cp, circle_id, org_id, out->pseudonym);
	if (rc == KR_OK) {
		out->profile = redact_profile(id, cp->anonymisation == KR_ANON_STRICT);
		out->created_round = anon_created_round(cp);
	}
	if (rc != KR_OK)
		anon_clear(out);
	redact_free(r);
	json_decref(id);
	return rc;
}

enum kr_err anon_event(struct kr_store *st, int64_t org_id, const struct kr_circle_policy *cp,
                       const json_t *event, struct kr_anon *a, char *err, size_t errlen)
{
	static const char *const announced[] = {"venue", "organizer", "contact", "fee",
	                                        "cancel_reason"};
	bool strict = cp->anonymisation == KR_ANON_STRICT;
	struct kr_redactor *r = NULL;
	json_t *id = NULL, *out = json_deep_copy(event);
	enum kr_err rc = out && a->removed ? KR_OK : KR_EINTERNAL;

	if (rc == KR_OK)
		rc = store_org_identity(st, org_id, &id);
	if (rc == KR_OK)
		rc = compile(id, cp, !strict, NULL, &r, err, errlen);
	for (size_t i = 0; rc == KR_OK && i < sizeof(announced) / sizeof(announced[0]); i++) {
		const json_t *v = json_object_get(event, announced[i]);
		char *clean = NULL;

		if (!json_is_string(v))
			continue;
		rc = redact_text(r, announced[i], json_string_value(v), json_string_length(v), NULL,
		                 &clean, a->removed);
		if (rc == KR_OK)
			json_object_set_new(out, announced[i], json_string(clean));
		free(clean);
	}
	if (rc == KR_OK) {
		json_decref(a->redactions);
		a->redactions = redact_findings_public(a->removed);
		rc = a->redactions ? KR_OK : KR_EINTERNAL;
	}
	if (rc == KR_OK) {
		json_decref(a->event);
		a->event = out;
		out = NULL;
	}
	json_decref(out);
	redact_free(r);
	json_decref(id);
	return rc;
}

enum kr_err anon_pseudonym(struct kr_store *st, const struct kr_circle_policy *cp,
                           int64_t circle_id, int64_t org_id, char out[KR_PSEUDONYM_LEN + 1])
{
	unsigned char key[32], md[EVP_MAX_MD_SIZE], raw[4];
	unsigned int mdlen = 0;
	char msg[64];
	enum kr_err rc;

	if (cp->pseudonym == KR_PSEUDONYM_PER_CIRCLE) {
		rc = store_secret(st, "pseudonym", key);
		if (rc != KR_OK)
			return rc;
		snprintf(msg, sizeof(msg), "circle:%lld:org:%lld", (long long)circle_id,
		         (long long)org_id);
		if (!HMAC(EVP_sha256(), key, sizeof(key), (const unsigned char *)msg, strlen(msg),
		          md, &mdlen)) {
			OPENSSL_cleanse(key, sizeof(key));
			return KR_EINTERNAL;
		}
		memcpy(raw, md, sizeof(raw));
		OPENSSL_cleanse(key, sizeof(key));
		snprintf(out, KR_PSEUDONYM_LEN + 1, "anon-%02x%02x%02x%02x", raw[0], raw[1], raw[2],
		         raw[3]);
		return KR_OK;
	}
	return anon_pseudonym_fresh(out) ? KR_OK : KR_EINTERNAL;
}

bool anon_pseudonym_fresh(char out[KR_PSEUDONYM_LEN + 1])
{
	unsigned char raw[4];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return false;
	snprintf(out, KR_PSEUDONYM_LEN + 1, "anon-%02x%02x%02x%02x", raw[0], raw[1], raw[2],
	         raw[3]);
	return true;
}

int64_t anon_created_round(const struct kr_circle_policy *cp)
{
	return cp->anonymisation == KR_ANON_STRICT ? 86400 : 3600;
}

void anon_clear(struct kr_anon *a)
{
	free(a->title);
	free(a->body);
	json_decref(a->indicators);
	json_decref(a->tags);
	json_decref(a->alert);
	json_decref(a->practice);
	json_decref(a->event);
	json_decref(a->removed);
	json_decref(a->redactions);
	json_decref(a->profile);
	memset(a, 0, sizeof(*a));
}
