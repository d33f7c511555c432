/*
 * store_dir.h - the directory in the store: organisations (with the names,
 * domains and people that identify them), users, tokens (hashes only),
 * circles, member organisations and per-circle roles.
 *
 * Keys are the operator-facing names ("sakura-bank", "fin-isac", "tanaka");
 * ids are the store's integer row ids. Functions return KR_ENOTFOUND for a
 * missing key, KR_EINVAL for a duplicate or constraint violation (err says
 * which), KR_EINTERNAL for a store failure. Each mutating function is one
 * transaction of its own; inside a caller's transaction (store_begin) it
 * is a savepoint instead, undone alone when it fails.
 *
 * Lists come back as new Jansson references (the caller decrefs).
 */
#ifndef KR_STORE_DIR_H
#define KR_STORE_DIR_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "kr_error.h"
#include "model.h"
#include "store.h"
#include "token.h"

/* Terms that identify an organisation (each array may be empty). */
struct kr_org_terms {
	const char *const *names;
	size_t n_names;
	const char *const *domains;
	size_t n_domains;
	const char *const *persons;
	size_t n_persons;
};

/* employees < 0 means unknown; industry may be NULL. */
enum kr_err store_org_add(struct kr_store *st, const char *key, const struct kr_org_terms *terms,
                          const char *industry, int64_t employees, char *err, size_t errlen);
/* Removes the organisation, its users, tokens, memberships and roles.
 * Items it authored stay (their authorship is never shown anyway). */
enum kr_err store_org_remove(struct kr_store *st, const char *key);
/* [{"key","industry","employees","names":[],"domains":[],"persons":[],"users":N}] */
enum kr_err store_org_list(struct kr_store *st, json_t **out);

/* Adds a user and its first token (hash). */
enum kr_err store_user_add(struct kr_store *st, const char *org_key, const char *user,
                           const unsigned char hash[KR_TOKEN_HASH_LEN], char *err, size_t errlen);
enum kr_err store_user_remove(struct kr_store *st, const char *user);
/* [{"user","org","tokens":N}] ; org_key NULL for all. */
enum kr_err store_user_list(struct kr_store *st, const char *org_key, json_t **out);

/* Adds another token for a user (rotation). */
enum kr_err store_token_add(struct kr_store *st, const char *user,
                            const unsigned char hash[KR_TOKEN_HASH_LEN]);
/* Revokes every token of a user; *count receives how many. */
enum kr_err store_token_revoke_all(struct kr_store *st, const char *user, int *count);
/*
 * Resolve a token hash to its user. KR_EAUTH when unknown, revoked or
 * expired. The index is searched by the first 8 bytes of the hash only;
 * each candidate's whole hash is compared with CRYPTO_memcmp (constant
 * time), so timing reveals nothing beyond the selector of a SHA-256 of a
 * 256-bit secret.
 */
enum kr_err store_token_lookup(struct kr_store *st, const unsigned char hash[KR_TOKEN_HASH_LEN],
                               int64_t *user_id);
/* As store_token_lookup(); *expires receives the token's expiry (epoch
 * seconds, 0 when it never expires). */
enum kr_err store_token_lookup_ex(struct kr_store *st, const unsigned char hash[KR_TOKEN_HASH_LEN],
                                  int64_t *user_id, int64_t *expires);
/* Make a token expire at `expires` (epoch seconds). KR_ENOTFOUND if unknown. */
enum kr_err store_token_set_expiry(struct kr_store *st, const unsigned char hash[KR_TOKEN_HASH_LEN],
                                   int64_t expires);

enum kr_err store_circle_add(struct kr_store *st, const char *key, enum kr_circle_kind kind,
                             const char *name, const char *policy_file, char *err, size_t errlen);
/* KR_EINVAL while items still have the circle as their home circle. */
enum kr_err store_circle_remove(struct kr_store *st, const char *key);
/* [{"circle","kind","name","policy","orgs":N}] */
enum kr_err store_circle_list(struct kr_store *st, json_t **out);

enum kr_err store_member_add(struct kr_store *st, const char *circle, const char *org, char *err,
                             size_t errlen);
/* Also drops the roles of the organisation's users in the circle.
 * KR_ENOTFOUND also when the organisation is not a member. */
enum kr_err store_member_remove(struct kr_store *st, const char *circle, const char *org);
/* ["org-key", ...] */
enum kr_err store_member_list(struct kr_store *st, const char *circle, json_t **out);

/* The user's organisation must be a member of the circle (else KR_EINVAL). */
enum kr_err store_role_set(struct kr_store *st, const char *circle, const char *user,
                           enum kr_role role, char *err, size_t errlen);
/* Every user of the circle's member organisations with its effective role:
 * [{"user","org","role"}] */
enum kr_err store_role_list(struct kr_store *st, const char *circle, json_t **out);

/*
 * Walk the directory, for the hub's access snapshot (acl.c). Callbacks get
 * borrowed strings valid only during the call. role reports effective
 * roles: every user of every member organisation, with its explicit role
 * or KR_ROLE_MEMBER; a role row of a non-member organisation is never
 * reported. The walk reads one snapshot. Any callback may be NULL.
 */
struct kr_dir_visitor {
	void *ud;
	void (*user)(void *ud, int64_t id, const char *name, int64_t org_id, const char *org_key);
	void (*circle)(void *ud, int64_t id, const char *key, enum kr_circle_kind kind,
	               const char *policy_file /* NULL: none */);
	void (*member)(void *ud, int64_t circle_id, int64_t org_id);
	void (*role)(void *ud, int64_t circle_id, int64_t user_id, enum kr_role role);
};
enum kr_err store_dir_walk(struct kr_store *st, const struct kr_dir_visitor *v);

/* Record (or with NULL clear) the policy file of a circle. KR_ENOTFOUND if
 * no such circle. The caller validates the file first. */
enum kr_err store_circle_set_policy(struct kr_store *st, const char *key, const char *policy_file);

/* Make a running hub re-read every circle's policy (it watches the store). */
enum kr_err store_policy_epoch_bump(struct kr_store *st);

/*
 * Everything that identifies an organisation, for the anonymiser:
 * {"key", "industry"?, "employees"?, "region"?, "names", "domains",
 * "persons"}. New reference. KR_ENOTFOUND for an unknown id. Never sent to
 * anyone.
 */
enum kr_err store_org_identity(struct kr_store *st, int64_t org_id, json_t **out);

/* Set an organisation's region (ISO 3166-2:JP, e.g. "JP-14"). */
enum kr_err store_org_set_region(struct kr_store *st, const char *key, const char *region);

#endif
