/*
 * cpolicy.c - circle policy files (see cpolicy.h): a strict, table-driven
 * parser and validator, the built-in defaults, and the inverse,
 * cpolicy_to_json().
 *
 * Every JSON object of the format is described by a table of fields
 * (struct field: name, required or not, how to read the value, where to
 * store it). walk_object() applies a table to an object: it refuses keys the
 * table does not know (keys starting with "$" are comments and skipped),
 * reports missing required fields, and reads each field with the dotted path
 * of its value in struct ctx, so every message names the exact field
 * ("anonymisation.patterns[1].pattern"). Labels (TLP, kind, role, level,
 * pseudonym) are read through label sets built on model.h's name functions,
 * so the vocabulary lives in one place. Checks that span fields (a flag that
 * needs a TLP the circle does not allow) run after the walk, from a table.
 *
 * The first problem found refuses the whole document; nothing is defaulted.
 */
#include "cpolicy.h"

#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a)   (sizeof(a) / sizeof((a)[0]))
#define OFF(f) offsetof(struct kr_circle_policy, f)

#define TEXT_MAX_BYTES    64   /* pattern name and placeholder */
#define PATTERN_MAX_BYTES 1024 /* one regular expression */
#define PATTERNS_MAX      64
#define LABEL_BITS        32 /* label values must fit in an unsigned bit set */
#define BIT(v)            (1u << (unsigned)(v))

/* ---- parsing context and messages ------------------------------------ */

struct ctx {
	const char *file; /* for messages */
	char path[256];   /* dotted path of the value being read ("" at the top) */
	size_t len;       /* strlen(path) */
	char *err;        /* caller's buffer, may be NULL */
	size_t errlen;
	enum kr_err rc; /* KR_EINVAL, or KR_EINTERNAL when memory ran out */
};

/* Record "FILE: PATH: reason" (or "FILE: reason" at the top). Returns false. */
__attribute__((format(printf, 2, 3))) static bool fail(struct ctx *c, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (c->err && c->errlen)
		snprintf(c->err, c->errlen, "%s: %s%s%s", c->file, c->path, c->len ? ": " : "",
		         reason);
	return false;
}

static bool fail_oom(struct ctx *c)
{
	c->rc = KR_EINTERNAL;
	return fail(c, "out of memory");
}

/* Append ".key" (or "key" at the top) to the path; returns the length to pop to. */
static size_t path_push_key(struct ctx *c, const char *key)
{
	size_t old = c->len;

	snprintf(c->path + c->len, sizeof(c->path) - c->len, "%s%s", c->len ? "." : "", key);
	c->len = strlen(c->path);
	return old;
}

static size_t path_push_index(struct ctx *c, size_t i)
{
	size_t old = c->len;

	snprintf(c->path + c->len, sizeof(c->path) - c->len, "[%zu]", i);
	c->len = strlen(c->path);
	return old;
}

static void path_pop(struct ctx *c, size_t old)
{
	c->len = old;
	c->path[old] = '\0';
}

/* The JSON type of v, for "expected X, got Y". */
static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a decimal number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "an unknown value";
}

/* ---- label sets ------------------------------------------------------ */

static const char *const level_names[] = {NULL, "standard", "strict"};
static const char *const pseudonym_names[] = {NULL, "per-item", "per-circle"};

static const char *tlp_label(int v)
{
	return kr_tlp_name((enum kr_tlp)v);
}

static const char *kind_label(int v)
{
	return kr_kind_name((enum kr_kind)v);
}

static const char *role_label(int v)
{
	return kr_role_name((enum kr_role)v);
}

static const char *level_label(int v)
{
	return v > 0 && (size_t)v < N(level_names) ? level_names[v] : NULL;
}

static const char *pseudonym_label(int v)
{
	return v > 0 && (size_t)v < N(pseudonym_names) ? pseudonym_names[v] : NULL;
}

/*
 * A vocabulary as one field of the file accepts it. Values are 1, 2, ...
 * while name(v) is not NULL. A known value in `refused` is refused with
 * `why` and left out of the list of choices in messages.
 */
struct labels {
	const char *what;           /* "TLP", "kind", ... for messages */
	const char *(*name)(int v); /* canonical name, NULL past the last value */
	unsigned refused;           /* bit set of known values refused here */
	const char *why;            /* reason for a refused value */
};

static const struct labels tlps = {"TLP", tlp_label, 0, NULL};
static const struct labels kinds = {
    "kind", kind_label, BIT(KR_KIND_ASSESSMENT),
    "assessment is never posted as an item: self-assessments have their own path and are "
    "shown only as aggregates"};
static const struct labels post_roles = {"role", role_label, BIT(KR_ROLE_OBSERVER),
                                         "observer is a read-only role and may not post"};
static const struct labels levels = {"anonymisation level", level_label, 0, NULL};
static const struct labels pseudonyms = {"pseudonym scheme", pseudonym_label, 0, NULL};

/* "a, b, c": the values of set that may be written. */
static void labels_list(const struct labels *set, char *buf, size_t len)
{
	size_t used = 0;
	const char *name;

	buf[0] = '\0';
	for (int v = 1; v < LABEL_BITS && (name = set->name(v)) != NULL; v++) {
		if (set->refused & BIT(v))
			continue;
		snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
		used = strlen(buf);
	}
}

/* The value of label s in set (> 0), or 0 after recording an error. */
static int label_lookup(struct ctx *c, const struct labels *set, const char *s)
{
	char choices[128];
	const char *name;

	for (int v = 1; v < LABEL_BITS && (name = set->name(v)) != NULL; v++) {
		if (strcmp(name, s) != 0)
			continue;
		if (set->refused & BIT(v)) {
			fail(c, "%s", set->why);
			return 0;
		}
		return v;
	}
	labels_list(set, choices, sizeof(choices));
	fail(c, "unknown %s \"%s\" (%s)", set->what, s, choices);
	return 0;
}

/* A string of min..max bytes without NUL characters; *out is borrowed from v. */
static bool read_string(struct ctx *c, const json_t *v, size_t min, size_t max, const char **out)
{
	size_t len;

	if (!json_is_string(v))
		return fail(c, "expected a string, got %s", type_name(v));
	len = json_string_length(v);
	if (len != strlen(json_string_value(v)))
		return fail(c, "contains a NUL character");
	if (len < min || len > max)
		return fail(c, "must be %zu to %zu bytes long, got %zu", min, max, len);
	*out = json_string_value(v);
	return true;
}

/* One label: *out > 0 on success. */
static bool read_label(struct ctx *c, const json_t *v, const struct labels *set, int *out)
{
	char choices[128];

	if (!json_is_string(v)) {
		labels_list(set, choices, sizeof(choices));
		return fail(c, "expected a string (%s), got %s", choices, type_name(v));
	}
	*out = label_lookup(c, set, json_string_value(v));
	return *out > 0;
}

/* An array of distinct labels, as a bit set; non_empty: at least one. */
static bool read_label_set(struct ctx *c, const json_t *v, const struct labels *set, bool non_empty,
                           unsigned *bits)
{
	size_t i, old;
	json_t *e;
	int label = 0;

	*bits = 0;
	if (!json_is_array(v))
		return fail(c, "expected an array of %ss, got %s", set->what, type_name(v));
	if (non_empty && json_array_size(v) == 0)
		return fail(c, "must list at least one %s", set->what);
	json_array_foreach(v, i, e)
	{
		old = path_push_index(c, i);
		if (!read_label(c, e, set, &label))
			return false;
		if (*bits & BIT(label))
			return fail(c, "duplicate %s \"%s\"", set->what, set->name(label));
		*bits |= BIT(label);
		path_pop(c, old);
	}
	return true;
}

/* ---- field tables ---------------------------------------------------- */

struct object;

enum ftype {
	F_BOOL,   /* bool at offset */
	F_INT,    /* int at offset, min..max */
	F_STRING, /* const char * at offset (borrowed from the document), min..max bytes */
	F_OBJECT, /* a nested object read by sub, into the same target */
	F_FUNC,   /* read by fn */
};

struct field {
	const char *name;
	bool required;
	enum ftype type;
	size_t offset;
	int min, max;
	const struct object *sub;
	bool (*fn)(struct ctx *c, const json_t *v, void *target);
};

struct object {
	const struct field *fields;
	size_t n;
};

static bool walk_object(struct ctx *c, const json_t *v, const struct object *obj, void *target);

static bool read_field(struct ctx *c, const struct field *f, const json_t *v, void *target)
{
	void *at = (char *)target + f->offset;
	json_int_t n;

	switch (f->type) {
	case F_BOOL:
		if (!json_is_boolean(v))
			return fail(c, "expected true or false, got %s", type_name(v));
		*(bool *)at = json_is_true(v);
		return true;
	case F_INT:
		if (!json_is_integer(v))
			return fail(c, "expected an integer from %d to %d, got %s", f->min, f->max,
			            type_name(v));
		n = json_integer_value(v);
		if (n < f->min || n > f->max)
			return fail(c, "expected an integer from %d to %d, got %lld", f->min,
			            f->max, (long long)n);
		*(int *)at = (int)n;
		return true;
	case F_STRING:
		return read_string(c, v, (size_t)f->min, (size_t)f->max, (const char **)at);
	case F_OBJECT:
		return walk_object(c, v, f->sub, target);
	case F_FUNC:
		return f->fn(c, v, target);
	}
	return fail(c, "internal error: bad field table");
}

static const struct field *find_field(const struct object *obj, const char *name)
{
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->fields[i].name, name) == 0)
			return &obj->fields[i];
	return NULL;
}

static bool walk_object(struct ctx *c, const json_t *v, const struct object *obj, void *target)
{
	json_t *o = (json_t *)v; /* json_object_foreach wants a non-const object */
	const char *key;
	json_t *val;
	char names[512];
	size_t used = 0, old;
	bool ok = true;

	if (!json_is_object(v))
		return fail(c, "expected an object, got %s", type_name(v));
	json_object_foreach(o, key, val)
	{
		if (key[0] == '$' || find_field(obj, key))
			continue;
		for (size_t i = 0; i < obj->n; i++) {
			snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
			         obj->fields[i].name);
			used = strlen(names);
		}
		path_push_key(c, key);
		return fail(c, "unknown field (expected: %s)", names);
	}
	for (size_t i = 0; ok && i < obj->n; i++) {
		const struct field *f = &obj->fields[i];

		val = json_object_get(v, f->name);
		old = path_push_key(c, f->name);
		if (val)
			ok = read_field(c, f, val, target);
		else if (f->required)
			ok = fail(c, "required field is missing");
		if (ok)
			path_pop(c, old);
	}
	return ok;
}

/* ---- readers for fields with their own rules ------------------------- */

/* ^[a-z0-9][a-z0-9._-]{0,63}$, the syntax of every key in kairan. */
static bool key_valid(const char *s)
{
	size_t len = strlen(s);

	if (len < 1 || len > 64 || strchr(".-_", s[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] && strchr("._-", s[i]))))
			return false;
	return true;
}

static bool read_circle(struct ctx *c, const json_t *v, void *target)
{
	struct kr_circle_policy *p = target;
	const char *s;

	if (!json_is_string(v))
		return fail(c, "expected a string, got %s", type_name(v));
	s = json_string_value(v);
	if (json_string_length(v) != strlen(s))
		return fail(c, "contains a NUL character");
	if (!key_valid(s))
		return fail(c,
		            "invalid circle key \"%s\" (1 to 64 of a-z 0-9 . _ -, starting with "
		            "a letter or digit)",
		            s);
	free(p->circle);
	p->circle = strdup(s);
	return p->circle ? true : fail_oom(c);
}

static bool read_tlp_allowed(struct ctx *c, const json_t *v, void *target)
{
	struct kr_circle_policy *p = target;

	return read_label_set(c, v, &tlps, true, &p->tlp_allowed);
}

/* Runs after tlp.allowed (table order), so it can check membership. */
static bool read_tlp_default(struct ctx *c, const json_t *v, void *target)
{
	struct kr_circle_policy *p = target;
	int t;

	if (!read_label(c, v, &tlps, &t))
		return false;
	p->tlp_default = (enum kr_tlp)t;
	if (!(p->tlp_allowed & KR_TLP_BIT(t)))
		return fail(c, "%s is not in tlp.allowed", kr_tlp_name(p->tlp_default));
	return true;
}

/* post: {kind: [role, ...]}; a kind not listed is posted by nobody. */
static bool read_post(struct ctx *c, const json_t *v, void *target)
{
	struct kr_circle_policy *p = target;
	json_t *o = (json_t *)v;
	const char *key;
	json_t *roles;
	size_t old;
	int kind;

	if (!json_is_object(v))
		return fail(c, "expected an object (kind: [roles]), got %s", type_name(v));
	json_object_foreach(o, key, roles)
	{
		if (key[0] == '$')
			continue;
		old = path_push_key(c, key);
		kind = label_lookup(c, &kinds, key);
		if (!kind || !read_label_set(c, roles, &post_roles, false, &p->post_roles[kind]))
			return false;
		path_pop(c, old);
	}
	return true;
}

static bool read_moderation(struct ctx *c, const json_t *v, void *target)
{
	struct kr_circle_policy *p = target;
	unsigned bits;

	if (!read_label_set(c, v, &kinds, false, &bits))
		return false;
	for (int k = 0; k < KR_KIND_SLOTS; k++)
		p->moderate[k] = (bits & BIT(k)) != 0;
	return true;
}

static bool read_level(struct ctx *c, const json_t *v, void *target)
{
	struct kr_circle_policy *p = target;
	int l;

	if (!read_label(c, v, &levels, &l))
		return false;
	p->anonymisation = (enum kr_anon_level)l;
	return true;
}

static bool read_pseudonym(struct ctx *c, const json_t *v, void *target)
{
	struct kr_circle_policy *p = target;
	int l;

	if (!read_label(c, v, &pseudonyms, &l))
		return false;
	p->pseudonym = (enum kr_pseudonym)l;
	return true;
}

/* One entry of anonymisation.patterns while it is read. Borrowed strings. */
struct pattern {
	const char *name, *pattern, *placeholder;
};

/* A POSIX extended regular expression that cannot match the empty string
 * (a redactor would loop or replace between every character). */
static bool read_regex(struct ctx *c, const json_t *v, void *target)
{
	struct pattern *pt = target;
	char msg[160];
	regex_t re;
	regmatch_t m;
	bool empty;
	int rc;

	if (!read_string(c, v, 1, PATTERN_MAX_BYTES, &pt->pattern))
		return false;
	rc = regcomp(&re, pt->pattern, REG_EXTENDED);
	if (rc != 0) {
		regerror(rc, &re, msg, sizeof(msg));
		return fail(c, "invalid regular expression \"%s\": %s", pt->pattern, msg);
	}
	empty = regexec(&re, "", 1, &m, 0) == 0;
	regfree(&re);
	if (empty)
		return fail(c,
		            "\"%s\" matches the empty string; a redaction pattern must match "
		            "at least one character",
		            pt->pattern);
	return true;
}

static const struct field pattern_fields[] = {
    {"name", true, F_STRING, offsetof(struct pattern, name), 1, TEXT_MAX_BYTES, NULL, NULL},
    {"pattern", true, F_FUNC, 0, 0, 0, NULL, read_regex},
    {"placeholder", true, F_STRING, offsetof(struct pattern, placeholder), 1, TEXT_MAX_BYTES, NULL,
     NULL},
};
static const struct object pattern_object = {pattern_fields, N(pattern_fields)};

static bool read_patterns(struct ctx *c, const json_t *v, void *target)
{
	struct kr_circle_policy *p = target;
	size_t i, old;
	json_t *e;

	if (!json_is_array(v))
		return fail(c, "expected an array of {name, pattern, placeholder}, got %s",
		            type_name(v));
	if (json_array_size(v) > PATTERNS_MAX)
		return fail(c, "at most %d patterns, got %zu", PATTERNS_MAX, json_array_size(v));
	json_array_clear(p->redact_patterns);
	json_array_foreach(v, i, e)
	{
		struct pattern pt = {NULL, NULL, NULL};

		old = path_push_index(c, i);
		if (!walk_object(c, e, &pattern_object, &pt))
			return false;
		if (json_array_append_new(p->redact_patterns,
		                          json_pack("{s:s, s:s, s:s}", "name", pt.name, "pattern",
		                                    pt.pattern, "placeholder", pt.placeholder)))
			return fail_oom(c);
		path_pop(c, old);
	}
	return true;
}

/* ---- the format -------------------------------------------------------- */

/* Field tables: {name, required, type, offset, min, max, sub, fn}, in reading order. */
static const struct field tlp_fields[] = {
    {"allowed", true, F_FUNC, 0, 0, 0, NULL, read_tlp_allowed}, /* before default */
    {"default", true, F_FUNC, 0, 0, 0, NULL, read_tlp_default},
};
static const struct object tlp_object = {tlp_fields, N(tlp_fields)};

static const struct field forward_fields[] = {
    {"green_in", true, F_BOOL, OFF(forward_green_in), 0, 0, NULL, NULL},
    {"green_out", true, F_BOOL, OFF(forward_green_out), 0, 0, NULL, NULL},
};
static const struct object forward_object = {forward_fields, N(forward_fields)};

static const struct field rate_fields[] = {
    {"posts_per_hour", true, F_INT, OFF(posts_per_hour), 0, 100000, NULL, NULL},
};
static const struct object rate_object = {rate_fields, N(rate_fields)};

static const struct field anon_fields[] = {
    {"level", true, F_FUNC, 0, 0, 0, NULL, read_level},
    {"pseudonym", true, F_FUNC, 0, 0, 0, NULL, read_pseudonym},
    {"patterns", false, F_FUNC, 0, 0, 0, NULL, read_patterns},
};
static const struct object anon_object = {anon_fields, N(anon_fields)};

static const struct field policy_fields[] = {
    {"circle", true, F_FUNC, 0, 0, 0, NULL, read_circle},
    {"tlp", true, F_OBJECT, 0, 0, 0, &tlp_object, NULL},
    {"post", true, F_FUNC, 0, 0, 0, NULL, read_post},
    {"moderation", true, F_FUNC, 0, 0, 0, NULL, read_moderation},
    {"clear_public", true, F_BOOL, OFF(clear_public), 0, 0, NULL, NULL},
    {"forward", true, F_OBJECT, 0, 0, 0, &forward_object, NULL},
    {"roster_visible", true, F_BOOL, OFF(roster_visible), 0, 0, NULL, NULL},
    {"moderators_see_author", true, F_BOOL, OFF(moderators_see_author), 0, 0, NULL, NULL},
    {"retention_days", true, F_INT, OFF(retention_days), 0, 36500, NULL, NULL},
    {"k", true, F_INT, OFF(k), 2, 1000, NULL, NULL},
    {"rate_limits", true, F_OBJECT, 0, 0, 0, &rate_object, NULL},
    {"anonymisation", true, F_OBJECT, 0, 0, 0, &anon_object, NULL},
};
static const struct object policy_object = {policy_fields, N(policy_fields)};

/* Flags that only make sense when the circle allows a TLP. */
static const struct needs_tlp {
	const char *field;
	size_t offset; /* bool member */
	enum kr_tlp tlp;
	const char *why;
} needs_tlp[] = {
    {"clear_public", OFF(clear_public), KR_TLP_CLEAR, "there would be nothing to publish"},
    {"forward.green_in", OFF(forward_green_in), KR_TLP_GREEN,
     "a forwarded GREEN copy could not live here"},
    {"forward.green_out", OFF(forward_green_out), KR_TLP_GREEN,
     "there would be no GREEN item to forward"},
};

static bool check_contradictions(struct ctx *c, const struct kr_circle_policy *p)
{
	for (size_t i = 0; i < N(needs_tlp); i++) {
		const struct needs_tlp *r = &needs_tlp[i];

		if (!*(const bool *)((const char *)p + r->offset) ||
		    (p->tlp_allowed & KR_TLP_BIT(r->tlp)))
			continue;
		path_push_key(c, r->field);
		return fail(c, "true, but %s is not in tlp.allowed (%s)", kr_tlp_name(r->tlp),
		            r->why);
	}
	return true;
}

/* ---- public functions -------------------------------------------------- */

/* An empty policy owned by the caller: strings and the pattern array set. */
static struct kr_circle_policy *policy_new(const char *circle, const char *source)
{
	struct kr_circle_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->circle = circle ? strdup(circle) : NULL;
	p->source = strdup(source);
	p->redact_patterns = json_array();
	if ((circle && !p->circle) || !p->source || !p->redact_patterns) {
		cpolicy_free(p);
		return NULL;
	}
	return p;
}

enum kr_err cpolicy_parse(const json_t *doc, const char *path, struct kr_circle_policy **out,
                          char *err, size_t errlen)
{
	const char *file = path ? path : "(document)";
	struct ctx c = {.file = file, .err = err, .errlen = errlen, .rc = KR_EINVAL};
	struct kr_circle_policy *p = NULL;
	enum kr_err rc = KR_EINVAL;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!doc) {
		fail(&c, "no document");
		goto out;
	}
	p = policy_new(NULL, file);
	if (!p) {
		rc = KR_EINTERNAL;
		fail(&c, "out of memory");
		goto out;
	}
	if (!walk_object(&c, doc, &policy_object, p) || !check_contradictions(&c, p)) {
		rc = c.rc;
		goto out;
	}
	*out = p;
	p = NULL;
	rc = KR_OK;
out:
	cpolicy_free(p);
	return rc;
}

enum kr_err cpolicy_load_file(const char *path, struct kr_circle_policy **out, char *err,
                              size_t errlen)
{
	enum kr_err rc = KR_EINVAL;
	json_error_t jerr;
	json_t *doc = NULL;
	char why[128];
	FILE *f;
	int e;

	*out = NULL;
	f = fopen(path, "r");
	if (!f) {
		e = errno;
		rc = e == ENOENT ? KR_ENOTFOUND : KR_EINVAL;
		if (strerror_r(e, why, sizeof(why)) != 0)
			snprintf(why, sizeof(why), "error %d", e);
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path, why);
		goto out;
	}
	doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		if (err && errlen)
			snprintf(err, errlen, "%s: line %d, column %d: %s", path, jerr.line,
			         jerr.column, jerr.text);
		goto out;
	}
	rc = cpolicy_parse(doc, path, out, err, errlen);
out:
	if (f)
		fclose(f);
	json_decref(doc);
	return rc;
}

/* Who posts each kind by default; kinds not listed (assessment): nobody. */
static const struct {
	enum kr_kind kind;
	unsigned roles;
} default_posters[] = {
    {KR_KIND_THREAT, KR_ROLE_BIT(KR_ROLE_MEMBER) | KR_ROLE_BIT(KR_ROLE_MODERATOR)},
    {KR_KIND_PRACTICE, KR_ROLE_BIT(KR_ROLE_MEMBER) | KR_ROLE_BIT(KR_ROLE_MODERATOR)},
    {KR_KIND_ALERT, KR_ROLE_BIT(KR_ROLE_MODERATOR)},
    {KR_KIND_EVENT, KR_ROLE_BIT(KR_ROLE_ORGANIZER) | KR_ROLE_BIT(KR_ROLE_MODERATOR)},
};

struct kr_circle_policy *cpolicy_default(const char *circle, enum kr_circle_kind kind)
{
	struct kr_circle_policy *p = NULL;
	bool public = kind == KR_CIRCLE_PUBLIC;

	if (!circle || !kr_circle_kind_name(kind))
		goto out;
	p = policy_new(circle, "(default)");
	if (!p)
		goto out;
	for (int t = KR_TLP_CLEAR; t <= KR_TLP_RED; t++)
		p->tlp_allowed |= KR_TLP_BIT(t);
	p->tlp_default = public ? KR_TLP_CLEAR : KR_TLP_AMBER;
	for (size_t i = 0; i < N(default_posters); i++)
		p->post_roles[default_posters[i].kind] = default_posters[i].roles;
	p->clear_public = public;
	p->retention_days = 0;
	p->k = 5;
	p->posts_per_hour = 60;
	p->anonymisation = KR_ANON_STANDARD;
	p->pseudonym = KR_PSEUDONYM_PER_ITEM;
out:
	return p;
}

void cpolicy_free(struct kr_circle_policy *p)
{
	if (!p)
		return;
	free(p->circle);
	free(p->source);
	json_decref(p->redact_patterns);
	free(p);
}

/* Set key to v (stolen, also on failure; NULL fails). */
static bool put(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v) == 0;
}

/* The labels in bits, in vocabulary order. New reference or NULL. */
static json_t *labels_json(const struct labels *set, unsigned bits)
{
	json_t *a = json_array();
	const char *name;

	for (int v = 1; a && v < LABEL_BITS && (name = set->name(v)) != NULL; v++) {
		if (!(bits & BIT(v)))
			continue;
		if (json_array_append_new(a, json_string(name))) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

static json_t *tlp_json(const struct kr_circle_policy *p)
{
	json_t *o = json_object();

	if (!put(o, "allowed", labels_json(&tlps, p->tlp_allowed)) ||
	    !put(o, "default", json_string(kr_tlp_name(p->tlp_default)))) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* {kind: [roles]} for every kind that may be posted (an empty list: nobody). */
static json_t *post_json(const struct kr_circle_policy *p)
{
	json_t *o = json_object();
	const char *name;

	for (int k = 1; o && k < KR_KIND_SLOTS && (name = kind_label(k)) != NULL; k++) {
		if (kinds.refused & BIT(k))
			continue;
		if (!put(o, name, labels_json(&post_roles, p->post_roles[k]))) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

static json_t *moderation_json(const struct kr_circle_policy *p)
{
	unsigned bits = 0;

	for (int k = 0; k < KR_KIND_SLOTS; k++)
		if (p->moderate[k])
			bits |= BIT(k);
	return labels_json(&kinds, bits);
}

static json_t *anonymisation_json(const struct kr_circle_policy *p)
{
	json_t *o = json_object();

	if (!put(o, "level", json_string(level_label((int)p->anonymisation))) ||
	    !put(o, "pseudonym", json_string(pseudonym_label((int)p->pseudonym))) ||
	    !put(o, "patterns",
	         p->redact_patterns ? json_deep_copy(p->redact_patterns) : json_array())) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

json_t *cpolicy_to_json(const struct kr_circle_policy *p)
{
	json_t *o = NULL;
	bool ok;

	if (!p)
		goto out;
	o = json_object();
	ok = put(o, "circle", json_string(p->circle)) && put(o, "tlp", tlp_json(p)) &&
	     put(o, "post", post_json(p)) && put(o, "moderation", moderation_json(p)) &&
	     put(o, "clear_public", json_boolean(p->clear_public)) &&
	     put(o, "forward",
	         json_pack("{s:b, s:b}", "green_in", p->forward_green_in, "green_out",
	                   p->forward_green_out)) &&
	     put(o, "roster_visible", json_boolean(p->roster_visible)) &&
	     put(o, "moderators_see_author", json_boolean(p->moderators_see_author)) &&
	     put(o, "retention_days", json_integer(p->retention_days)) &&
	     put(o, "k", json_integer(p->k)) &&
	     put(o, "rate_limits", json_pack("{s:i}", "posts_per_hour", p->posts_per_hour)) &&
	     put(o, "anonymisation", anonymisation_json(p));
	if (!ok) {
		json_decref(o);
		o = NULL;
	}
out:
	return o;
}
