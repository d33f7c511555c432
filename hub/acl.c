/*
 * acl.c - directory snapshot (see acl.h).
 */
#include "acl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_dir.h"

struct pair {
	int64_t a, b;
};

struct role_row {
	int64_t circle_id, user_id;
	enum kr_role role;
};

struct kr_acl {
	struct kr_acl_user *users; /* sorted by id */
	size_t n_users, cap_users;
	struct kr_acl_circle *circles; /* sorted by id */
	size_t n_circles, cap_circles;
	struct pair *members; /* (circle_id, org_id), sorted */
	size_t n_members, cap_members;
	struct role_row *roles; /* sorted by (circle_id, user_id) */
	size_t n_roles, cap_roles;
	int oom;
};

static void *grow(void *arr, size_t *cap, size_t n, size_t size, int *oom)
{
	void *p;

	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 16;
	p = realloc(arr, *cap * size);
	if (!p)
		*oom = 1;
	return p ? p : arr;
}

static void on_user(void *ud, int64_t id, const char *name, int64_t org_id, const char *org_key)
{
	struct kr_acl *acl = ud;
	struct kr_acl_user *u;

	acl->users = grow(acl->users, &acl->cap_users, acl->n_users, sizeof(*u), &acl->oom);
	if (acl->n_users >= acl->cap_users)
		return;
	u = &acl->users[acl->n_users++];
	u->id = id;
	u->org_id = org_id;
	u->name = strdup(name);
	u->org_key = strdup(org_key);
	if (!u->name || !u->org_key)
		acl->oom = 1;
}

static void on_circle(void *ud, int64_t id, const char *key, enum kr_circle_kind kind,
                      const char *policy_file)
{
	struct kr_acl *acl = ud;
	struct kr_acl_circle *c;

	acl->circles = grow(acl->circles, &acl->cap_circles, acl->n_circles, sizeof(*c), &acl->oom);
	if (acl->n_circles >= acl->cap_circles)
		return;
	c = &acl->circles[acl->n_circles++];
	c->id = id;
	c->kind = kind;
	c->key = strdup(key);
	c->policy_file = policy_file ? strdup(policy_file) : NULL;
	c->policy = NULL;
	if (!c->key || (policy_file && !c->policy_file))
		acl->oom = 1;
}

static void on_member(void *ud, int64_t circle_id, int64_t org_id)
{
	struct kr_acl *acl = ud;

	acl->members =
	    grow(acl->members, &acl->cap_members, acl->n_members, sizeof(struct pair), &acl->oom);
	if (acl->n_members < acl->cap_members)
		acl->members[acl->n_members++] = (struct pair){circle_id, org_id};
}

static void on_role(void *ud, int64_t circle_id, int64_t user_id, enum kr_role role)
{
	struct kr_acl *acl = ud;

	acl->roles =
	    grow(acl->roles, &acl->cap_roles, acl->n_roles, sizeof(struct role_row), &acl->oom);
	if (acl->n_roles < acl->cap_roles)
		acl->roles[acl->n_roles++] = (struct role_row){circle_id, user_id, role};
}

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_user(const void *a, const void *b)
{
	return cmp_i64(((const struct kr_acl_user *)a)->id, ((const struct kr_acl_user *)b)->id);
}

static int cmp_circle(const void *a, const void *b)
{
	return cmp_i64(((const struct kr_acl_circle *)a)->id,
	               ((const struct kr_acl_circle *)b)->id);
}

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	return x->a != y->a ? cmp_i64(x->a, y->a) : cmp_i64(x->b, y->b);
}

static int cmp_role(const void *a, const void *b)
{
	const struct role_row *x = a, *y = b;

	return x->circle_id != y->circle_id ? cmp_i64(x->circle_id, y->circle_id)
	                                    : cmp_i64(x->user_id, y->user_id);
}

/* qsort() and bsearch() must not be given a NULL array, even when empty. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static void *find(const void *key, const void *base, size_t n, size_t size,
                  int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}

/* Load (or default) one circle's policy; on an invalid file fall back to
 * the circle's policy in prev, taking it over. */
static enum kr_err load_policy(struct kr_acl_circle *c, struct kr_acl *prev, char *err,
                               size_t errlen)
{
	struct kr_acl_circle *old = prev ? (struct kr_acl_circle *)acl_circle(prev, c->id) : NULL;
	enum kr_err rc = KR_OK;

	if (!c->policy_file) {
		c->policy = cpolicy_default(c->key, c->kind);
		return c->policy ? KR_OK : KR_EINTERNAL;
	}
	rc = cpolicy_load_file(c->policy_file, &c->policy, err, errlen);
	if (rc == KR_OK && strcmp(c->policy->circle, c->key) != 0) {
		snprintf(err, errlen, "%s: circle: the file is for circle '%s', not '%s'",
		         c->policy_file, c->policy->circle, c->key);
		cpolicy_free(c->policy);
		c->policy = NULL;
		rc = KR_EINVAL;
	}
	if (rc == KR_OK || !old || !old->policy)
		return rc;
	kr_log(KR_LOG_ERROR, "policy refused, keeping the previous one for %s: %s", c->key, err);
	c->policy = old->policy;
	old->policy = NULL;
	return KR_OK;
}

enum kr_err acl_load(struct kr_store *st, struct kr_acl *prev, struct kr_acl **out, char *err,
                     size_t errlen)
{
	struct kr_acl *acl = calloc(1, sizeof(*acl));
	struct kr_dir_visitor v = {acl, on_user, on_circle, on_member, on_role};
	enum kr_err rc;

	*out = NULL;
	snprintf(err, errlen, "cannot read the directory");
	if (!acl)
		return KR_EINTERNAL;
	rc = store_dir_walk(st, &v);
	if (rc == KR_OK && acl->oom)
		rc = KR_EINTERNAL;
	for (size_t i = 0; rc == KR_OK && i < acl->n_circles; i++)
		rc = load_policy(&acl->circles[i], prev, err, errlen);
	if (rc != KR_OK) {
		acl_free(acl);
		return rc;
	}
	sort(acl->users, acl->n_users, sizeof(*acl->users), cmp_user);
	sort(acl->circles, acl->n_circles, sizeof(*acl->circles), cmp_circle);
	sort(acl->members, acl->n_members, sizeof(*acl->members), cmp_pair);
	sort(acl->roles, acl->n_roles, sizeof(*acl->roles), cmp_role);
	*out = acl;
	return KR_OK;
}

void acl_free(struct kr_acl *acl)
{
	if (!acl)
		return;
	for (size_t i = 0; i < acl->n_users; i++) {
		free(acl->users[i].name);
		free(acl->users[i].org_key);
	}
	for (size_t i = 0; i < acl->n_circles; i++) {
		free(acl->circles[i].key);
		free(acl->circles[i].policy_file);
		cpolicy_free(acl->circles[i].policy);
	}
	free(acl->users);
	free(acl->circles);
	free(acl->members);
	free(acl->roles);
	free(acl);
}

const struct kr_acl_user *acl_user(const struct kr_acl *acl, int64_t id)
{
	struct kr_acl_user key = {.id = id};

	return acl ? find(&key, acl->users, acl->n_users, sizeof(key), cmp_user) : NULL;
}

const struct kr_acl_user *acl_user_by_name(const struct kr_acl *acl, const char *name)
{
	for (size_t i = 0; acl && name && i < acl->n_users; i++)
		if (strcmp(acl->users[i].name, name) == 0)
			return &acl->users[i];
	return NULL;
}

const struct kr_acl_circle *acl_circle(const struct kr_acl *acl, int64_t id)
{
	struct kr_acl_circle key = {.id = id};

	return acl ? find(&key, acl->circles, acl->n_circles, sizeof(key), cmp_circle) : NULL;
}

const struct kr_acl_circle *acl_circle_by_key(const struct kr_acl *acl, const char *key)
{
	for (size_t i = 0; acl && key && i < acl->n_circles; i++)
		if (strcmp(acl->circles[i].key, key) == 0)
			return &acl->circles[i];
	return NULL;
}

size_t acl_circle_count(const struct kr_acl *acl)
{
	return acl ? acl->n_circles : 0;
}

const struct kr_acl_circle *acl_circle_at(const struct kr_acl *acl, size_t i)
{
	return i < acl_circle_count(acl) ? &acl->circles[i] : NULL;
}

const struct kr_circle_policy *acl_policy(const struct kr_acl *acl, int64_t circle_id)
{
	const struct kr_acl_circle *c = acl_circle(acl, circle_id);

	return c ? c->policy : NULL;
}

static int org_is_member(const struct kr_acl *acl, int64_t circle_id, int64_t org_id)
{
	struct pair key = {circle_id, org_id};

	return find(&key, acl->members, acl->n_members, sizeof(key), cmp_pair) != NULL;
}

enum kr_role acl_role(const struct kr_acl *acl, int64_t user_id, int64_t circle_id)
{
	const struct kr_acl_user *u = acl_user(acl, user_id);
	struct role_row key = {circle_id, user_id, KR_ROLE_NONE};
	const struct role_row *r;

	if (!u || !org_is_member(acl, circle_id, u->org_id))
		return KR_ROLE_NONE;
	r = find(&key, acl->roles, acl->n_roles, sizeof(key), cmp_role);
	return r ? r->role : KR_ROLE_MEMBER;
}

struct kr_membership *acl_memberships(const struct kr_acl *acl, int64_t user_id, size_t *n)
{
	const struct kr_acl_user *u = acl_user(acl, user_id);
	struct kr_membership *m = NULL;
	size_t count = 0;

	*n = 0;
	if (!u)
		return NULL;
	for (size_t i = 0; i < acl->n_members; i++)
		if (acl->members[i].b == u->org_id)
			count++;
	if (count == 0)
		return NULL;
	m = calloc(count, sizeof(*m));
	if (!m)
		return NULL;
	/* members is sorted by circle id, so m comes out sorted too. */
	for (size_t i = 0; i < acl->n_members; i++) {
		if (acl->members[i].b != u->org_id)
			continue;
		m[*n].circle_id = acl->members[i].a;
		m[*n].role = acl_role(acl, user_id, acl->members[i].a);
		(*n)++;
	}
	return m;
}
