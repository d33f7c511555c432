/*
 * policy.c - access decisions (see policy.h), following the TLP table of
 * PRODUCT.md refined by each circle's policy.
 */
#include "policy.h"

#define DAY_SECONDS 86400

enum kr_role policy_role(const struct kr_reader *r, int64_t circle_id)
{
	size_t lo = 0, hi = r ? r->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->m[mid].circle_id == circle_id)
			return r->m[mid].role;
		if (r->m[mid].circle_id < circle_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return KR_ROLE_NONE;
}

static bool known_role(enum kr_role role)
{
	switch (role) {
	case KR_ROLE_MEMBER:
	case KR_ROLE_MODERATOR:
	case KR_ROLE_ORGANIZER:
	case KR_ROLE_OBSERVER:
		return true;
	case KR_ROLE_NONE:
		break;
	}
	return false;
}

static bool is_member(const struct kr_reader *r, int64_t circle_id)
{
	return r && r->user_id > 0 && known_role(policy_role(r, circle_id));
}

static bool is_recipient(const struct kr_item_meta *it, int64_t user_id)
{
	for (size_t i = 0; i < it->n_recipients; i++)
		if (it->recipients[i] == user_id)
			return true;
	return false;
}

static bool kind_slot(enum kr_kind kind)
{
	return kind > KR_KIND_NONE && (int)kind < KR_KIND_SLOTS;
}

static bool expired(const struct kr_item_meta *it, const struct kr_circle_policy *cp, int64_t now)
{
	return cp->retention_days > 0 &&
	       now - it->created_at > (int64_t)cp->retention_days * DAY_SECONDS;
}

enum kr_err policy_may_read(const struct kr_reader *r, const struct kr_item_meta *it,
                            const struct kr_circle_policy *cp, int64_t now)
{
	if (!r || !it || !cp)
		return KR_EFORBIDDEN;
	/* The author always sees their own item, whatever its state. */
	if (r->user_id > 0 && it->author_user_id == r->user_id)
		return KR_OK;
	if (it->status != KR_STATUS_PUBLISHED || expired(it, cp, now))
		return KR_EFORBIDDEN;
	switch (it->tlp) {
	case KR_TLP_CLEAR:
		/* A forwarded copy was never published by its author: it
		 * never becomes public, whatever the target circle's policy. */
		if (r->user_id > 0)
			return KR_OK;
		return cp->clear_public && !it->forwarded ? KR_OK : KR_EFORBIDDEN;
	case KR_TLP_GREEN:
	case KR_TLP_AMBER:
	case KR_TLP_AMBER_STRICT:
		return is_member(r, it->circle_id) ? KR_OK : KR_EFORBIDDEN;
	case KR_TLP_RED:
		return is_member(r, it->circle_id) && is_recipient(it, r->user_id) ? KR_OK
		                                                                   : KR_EFORBIDDEN;
	case KR_TLP_NONE:
		break;
	}
	return KR_EFORBIDDEN;
}

enum kr_err policy_may_export(const struct kr_reader *r, const struct kr_item_meta *it,
                              const struct kr_circle_policy *cp, int64_t now)
{
	if (!it || it->status != KR_STATUS_PUBLISHED || it->tlp == KR_TLP_RED ||
	    !kr_tlp_name(it->tlp))
		return KR_EFORBIDDEN;
	return policy_may_read(r, it, cp, now);
}

enum kr_err policy_may_review(const struct kr_reader *r, const struct kr_item_meta *it,
                              const struct kr_circle_policy *cp)
{
	if (!r || !it || !cp || it->status != KR_STATUS_PENDING)
		return KR_EFORBIDDEN;
	return policy_may_moderate(r, it->circle_id);
}

enum kr_err policy_may_follow(const struct kr_reader *r, int64_t circle_id,
                              const struct kr_circle_policy *cp)
{
	if (!cp)
		return KR_EFORBIDDEN;
	return (is_member(r, circle_id) || cp->clear_public) ? KR_OK : KR_EFORBIDDEN;
}

enum kr_err policy_may_post(const struct kr_reader *r, int64_t circle_id, enum kr_kind kind,
                            enum kr_tlp tlp, const struct kr_circle_policy *cp)
{
	enum kr_role role = policy_role(r, circle_id);

	if (!cp || !is_member(r, circle_id) || !kind_slot(kind) || kind == KR_KIND_ASSESSMENT)
		return KR_EFORBIDDEN;
	if (!(cp->post_roles[kind] & KR_ROLE_BIT(role)))
		return KR_EFORBIDDEN;
	if (!kr_tlp_name(tlp) || !(cp->tlp_allowed & KR_TLP_BIT(tlp)))
		return KR_ENOTALLOWED;
	return KR_OK;
}

bool policy_needs_moderation(const struct kr_reader *r, int64_t circle_id, enum kr_kind kind,
                             const struct kr_circle_policy *cp)
{
	if (!cp || !kind_slot(kind))
		return true; /* fail closed: hold it */
	return cp->moderate[kind] && policy_role(r, circle_id) != KR_ROLE_MODERATOR;
}

enum kr_err policy_may_moderate(const struct kr_reader *r, int64_t circle_id)
{
	return r && r->user_id > 0 && policy_role(r, circle_id) == KR_ROLE_MODERATOR
	           ? KR_OK
	           : KR_EFORBIDDEN;
}

enum kr_err policy_forward_allowed(const struct kr_item_meta *it,
                                   const struct kr_circle_policy *from, int64_t to_id,
                                   const struct kr_circle_policy *to)
{
	if (!it || !from || !to || to_id == it->circle_id || it->status != KR_STATUS_PUBLISHED)
		return KR_ENOTALLOWED;
	switch (it->tlp) {
	case KR_TLP_CLEAR:
		return (to->tlp_allowed & KR_TLP_BIT(KR_TLP_CLEAR)) ? KR_OK : KR_ENOTALLOWED;
	case KR_TLP_GREEN:
		if (!from->forward_green_out || !to->forward_green_in)
			return KR_ENOTALLOWED;
		return (to->tlp_allowed & KR_TLP_BIT(KR_TLP_GREEN)) ? KR_OK : KR_ENOTALLOWED;
	default:
		return KR_ENOTALLOWED; /* AMBER, AMBER+STRICT, RED never move */
	}
}

enum kr_err policy_may_forward(const struct kr_reader *r, const struct kr_item_meta *it,
                               const struct kr_circle_policy *from, int64_t to_id,
                               const struct kr_circle_policy *to, int64_t now)
{
	if (!from || !to || policy_may_read(r, it, from, now) != KR_OK ||
	    !is_member(r, it->circle_id) || !is_member(r, to_id))
		return KR_EFORBIDDEN;
	return policy_forward_allowed(it, from, to_id, to);
}

enum kr_err policy_may_lower(const struct kr_item_meta *it, enum kr_tlp tlp,
                             const struct kr_circle_policy *cp)
{
	/* The enum runs from most open (CLEAR) to least (RED). */
	if (!it || !cp || !kr_tlp_name(tlp) || !kr_tlp_name(it->tlp) || tlp >= it->tlp)
		return KR_ENOTALLOWED;
	return (cp->tlp_allowed & KR_TLP_BIT(tlp)) ? KR_OK : KR_ENOTALLOWED;
}

enum kr_err policy_may_see_roster(const struct kr_reader *r, int64_t circle_id,
                                  const struct kr_circle_policy *cp)
{
	if (!cp || !is_member(r, circle_id))
		return KR_EFORBIDDEN;
	return (cp->roster_visible || policy_role(r, circle_id) == KR_ROLE_MODERATOR)
	           ? KR_OK
	           : KR_EFORBIDDEN;
}

enum kr_err policy_may_assess(const struct kr_reader *r, int64_t circle_id)
{
	if (!is_member(r, circle_id) || r->org_id <= 0)
		return KR_EFORBIDDEN;
	switch (policy_role(r, circle_id)) {
	case KR_ROLE_MEMBER:
	case KR_ROLE_MODERATOR:
		return KR_OK;
	case KR_ROLE_ORGANIZER:
	case KR_ROLE_OBSERVER:
	case KR_ROLE_NONE:
		break;
	}
	return KR_EFORBIDDEN;
}

enum kr_err policy_may_see_benchmark(const struct kr_reader *r, int64_t circle_id)
{
	return is_member(r, circle_id) && r->org_id > 0 ? KR_OK : KR_EFORBIDDEN;
}

enum kr_err policy_may_receive_red(enum kr_role recipient_role)
{
	return known_role(recipient_role) ? KR_OK : KR_EFORBIDDEN;
}

enum kr_err policy_may_sight(const struct kr_reader *r, int64_t circle_id,
                             const struct kr_circle_policy *cp)
{
	enum kr_role role = policy_role(r, circle_id);

	if (!cp || !is_member(r, circle_id) || role == KR_ROLE_OBSERVER)
		return KR_EFORBIDDEN;
	return KR_OK;
}

enum kr_err policy_may_see_sightings(const struct kr_reader *r, int64_t circle_id,
                                     const struct kr_circle_policy *cp)
{
	return cp && is_member(r, circle_id) ? KR_OK : KR_EFORBIDDEN;
}

bool policy_may_release_count(int64_t orgs, int k)
{
	return k >= 2 && orgs >= k;
}
