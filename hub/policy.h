/*
 * policy.h - the one place that decides who may read, post, forward,
 * moderate and see a roster.
 *
 * Pure functions over a reader (who is asking, with its circle roles), an
 * item's access metadata and the circle's policy (cpolicy.h); no I/O, no
 * globals, so every decision is unit tested from a table
 * (tests/unit/test_policy.c). Every read path reaches a client only through
 * reader.c, which asks policy_may_read() per item and per reader at the
 * moment of sending.
 *
 * Decisions fail closed: an unknown TLP, status or role, a missing
 * membership or a missing policy is a denial.
 */
#ifndef KR_POLICY_H
#define KR_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpolicy.h"
#include "kr_error.h"
#include "model.h"

/* A user's effective role in one circle. */
struct kr_membership {
	int64_t circle_id;
	enum kr_role role;
};

/* Who is asking: user_id 0 is an anonymous session. memberships are sorted
 * by circle_id. Borrowed pointers. */
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
	int64_t created_at; /* seconds since the epoch */
	bool forwarded;     /* a copy forwarded from another circle */
	const int64_t *recipients;
	size_t n_recipients;
};

/* The reader's role in a circle, KR_ROLE_NONE when not a member. */
enum kr_role policy_role(const struct kr_reader *r, int64_t circle_id);

/*
 * May r read the item (cp: the policy of the item's circle; now: seconds
 * since the epoch, for retention)? KR_OK or KR_EFORBIDDEN.
 */
enum kr_err policy_may_read(const struct kr_reader *r, const struct kr_item_meta *it,
                            const struct kr_circle_policy *cp, int64_t now);

/*
 * May r have the item in a bulk export (STIX export, TAXII)? As
 * policy_may_read(), but only published items, for their authors too, and
 * never RED (PRODUCT.md: RED is never exported or fed in bulk).
 */
enum kr_err policy_may_export(const struct kr_reader *r, const struct kr_item_meta *it,
                              const struct kr_circle_policy *cp, int64_t now);

/* May r review a pending item (moderators of its circle)? */
enum kr_err policy_may_review(const struct kr_reader *r, const struct kr_item_meta *it,
                              const struct kr_circle_policy *cp);

/* May r list or subscribe to the circle? Members may; anyone, anonymous
 * included, where the policy publishes CLEAR (they then see CLEAR only). */
enum kr_err policy_may_follow(const struct kr_reader *r, int64_t circle_id,
                              const struct kr_circle_policy *cp);

/* May r post this kind at this TLP? KR_EFORBIDDEN (role) or KR_ENOTALLOWED
 * (a TLP the policy does not use). */
enum kr_err policy_may_post(const struct kr_reader *r, int64_t circle_id, enum kr_kind kind,
                            enum kr_tlp tlp, const struct kr_circle_policy *cp);

/* Does a post by r of this kind wait for a moderator? (Moderators' own
 * posts do not.) */
bool policy_needs_moderation(const struct kr_reader *r, int64_t circle_id, enum kr_kind kind,
                             const struct kr_circle_policy *cp);

/* May r moderate the circle's pending queue? */
enum kr_err policy_may_moderate(const struct kr_reader *r, int64_t circle_id);

/*
 * May r forward the item (home policy from) into circle to_id (policy to)?
 * r must read the item and be a member of both circles; only GREEN and
 * CLEAR move, GREEN only where both policies allow it. KR_EFORBIDDEN or
 * KR_ENOTALLOWED.
 */
enum kr_err policy_may_forward(const struct kr_reader *r, const struct kr_item_meta *it,
                               const struct kr_circle_policy *from, int64_t to_id,
                               const struct kr_circle_policy *to, int64_t now);

/* The circles' rule alone, whoever asks: only GREEN (where the home policy
 * lets it out and the target's lets it in) and CLEAR move, never within one
 * circle. Used directly when an author grants a forward request. */
enum kr_err policy_forward_allowed(const struct kr_item_meta *it,
                                   const struct kr_circle_policy *from, int64_t to_id,
                                   const struct kr_circle_policy *to);

/* May the item's TLP be lowered (made more open) to tlp under cp? */
enum kr_err policy_may_lower(const struct kr_item_meta *it, enum kr_tlp tlp,
                             const struct kr_circle_policy *cp);

/* May r see the circle's member organisations? */
enum kr_err policy_may_see_roster(const struct kr_reader *r, int64_t circle_id,
                                  const struct kr_circle_policy *cp);

/*
 * May r submit its organisation's self-assessment in the circle? Users with
 * a posting role (member, moderator) of a member organisation; observers
 * (read-only) and organizers (who act for the community, not their
 * company) may not. KR_EFORBIDDEN otherwise.
 */
enum kr_err policy_may_assess(const struct kr_reader *r, int64_t circle_id);

/*
 * May r read its own organisation's assessments in the circle and the
 * circle's benchmark (aggregates released by bench.c)? Any role of a member
 * organisation, observers included. KR_EFORBIDDEN otherwise (anonymous
 * readers and non-members, whatever the policy publishes).
 */
enum kr_err policy_may_see_benchmark(const struct kr_reader *r, int64_t circle_id);

/* May a user with this role in the item's circle be a RED recipient? */
enum kr_err policy_may_receive_red(enum kr_role recipient_role);

/* May r report a sighting to the circle? Members, moderators and organizers
 * of member organisations; not observers (read-only), not anonymous. */
enum kr_err policy_may_sight(const struct kr_reader *r, int64_t circle_id,
                             const struct kr_circle_policy *cp);

/* May r read the circle's sighting aggregates? Any member role. */
enum kr_err policy_may_see_sightings(const struct kr_reader *r, int64_t circle_id,
                                     const struct kr_circle_policy *cp);

/*
 * May a count (correlation "also in N items", a sighting aggregate) built
 * from the contributions of orgs distinct organisations be released under
 * the strictest k that applies? Only when orgs >= k and k is a valid policy
 * k (>= 2); anything else is withheld.
 */
bool policy_may_release_count(int64_t orgs, int k);

#endif
