/*
 * policy.h - the one place that decides who may read and who may post.
 *
 * Pure functions over a reader (who is asking, with its circle roles) and
 * an item's access metadata; no I/O, no globals, so every decision is unit
 * tested from a table (tests/unit/test_policy.c). Every read path reaches a
 * client only through reader.c, which asks policy_may_read() per item and
 * per reader at the moment of sending.
 *
 * Decisions fail closed: an unknown TLP, status or role, or a missing
 * membership, is a denial.
 */
#ifndef KR_POLICY_H
#define KR_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "kr_error.h"
#include "model.h"

/* A user's effective role in one circle. */
struct kr_membership {
	int64_t circle_id;
	enum kr_role role;
};

/* Who is asking. memberships are sorted by circle_id. Borrowed pointers. */
struct kr_reader {
	int64_t user_id;
	int64_t org_id;
	const struct kr_membership *m;
	size_t n;
};

/* What the policy needs to know about an item. recipients: user ids (RED). */
struct kr_item_meta {
	enum kr_tlp tlp;
	enum kr_status status;
	enum kr_kind kind;
	int64_t circle_id;
	int64_t author_user_id;
	int64_t author_org_id;
	const int64_t *recipients;
	size_t n_recipients;
};

/* The reader's role in a circle, KR_ROLE_NONE when not a member. */
enum kr_role policy_role(const struct kr_reader *r, int64_t circle_id);

/* KR_OK when r may read the item, KR_EFORBIDDEN otherwise. */
enum kr_err policy_may_read(const struct kr_reader *r, const struct kr_item_meta *it);

/* KR_OK when r may list or subscribe to the circle's items at all. */
enum kr_err policy_may_follow(const struct kr_reader *r, int64_t circle_id);

/* KR_OK when r may post an item of this kind and TLP to the circle. */
enum kr_err policy_may_post(const struct kr_reader *r, int64_t circle_id, enum kr_kind kind,
                            enum kr_tlp tlp);

/* KR_OK when user (with its role in the item's circle) may be named as a
 * RED recipient. */
enum kr_err policy_may_receive_red(enum kr_role recipient_role);

#endif
