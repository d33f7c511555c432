/*
 * acl.h - the hub's in-memory snapshot of the directory: users, circles,
 * member organisations and roles, loaded from the store in one read
 * transaction. The hub reloads it whenever the store's data_version moves
 * (an admin command committed a change), then re-checks every live session,
 * so a revocation takes effect at once.
 *
 * A snapshot is immutable; lookups are binary searches.
 */
#ifndef KR_ACL_H
#define KR_ACL_H

#include <stddef.h>
#include <stdint.h>

#include "cpolicy.h"
#include "kr_error.h"
#include "model.h"
#include "policy.h"
#include "store.h"

struct kr_acl;

struct kr_acl_user {
	int64_t id;
	int64_t org_id;
	char *name;
	char *org_key;
};

struct kr_acl_circle {
	int64_t id;
	enum kr_circle_kind kind;
	char *key;
	char *policy_file;               /* NULL: built-in default */
	struct kr_circle_policy *policy; /* never NULL once loaded */
};

/*
 * Load a new snapshot with every circle's policy. The caller owns *out
 * (acl_free). A circle whose policy file is invalid keeps its policy from
 * prev (which it takes over from prev; the error is logged); without prev
 * (at start) the load fails with KR_EINVAL and err names the file and field.
 */
enum kr_err acl_load(struct kr_store *st, struct kr_acl *prev, struct kr_acl **out, char *err,
                     size_t errlen);
void acl_free(struct kr_acl *acl);

/* Lookups; borrowed results valid for the snapshot's lifetime, NULL if absent. */
const struct kr_acl_user *acl_user(const struct kr_acl *acl, int64_t id);
const struct kr_acl_user *acl_user_by_name(const struct kr_acl *acl, const char *name);
const struct kr_acl_circle *acl_circle(const struct kr_acl *acl, int64_t id);
const struct kr_acl_circle *acl_circle_by_key(const struct kr_acl *acl, const char *key);

/* Every circle, in id order: acl_circle_at(acl, 0 .. acl_circle_count() - 1). */
size_t acl_circle_count(const struct kr_acl *acl);
const struct kr_acl_circle *acl_circle_at(const struct kr_acl *acl, size_t i);

/* The circle's policy; NULL only for an unknown circle. Borrowed. */
const struct kr_circle_policy *acl_policy(const struct kr_acl *acl, int64_t circle_id);

/* Effective role: explicit role, else member, but only when the user's
 * organisation is a member of the circle. KR_ROLE_NONE otherwise. */
enum kr_role acl_role(const struct kr_acl *acl, int64_t user_id, int64_t circle_id);

/*
 * The user's memberships, sorted by circle id, in a new malloc'd array
 * (caller frees; NULL with *n = 0 when none or on allocation failure).
 */
struct kr_membership *acl_memberships(const struct kr_acl *acl, int64_t user_id, size_t *n);

#endif
