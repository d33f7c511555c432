/*
 * policy.c - access decisions (see policy.h). The TLP rules follow the
 * table in PRODUCT.md; circle policy files refine them in a later stage.
 */
#include "policy.h"

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

static int known_role(enum kr_role role)
{
	switch (role) {
	case KR_ROLE_MEMBER:
	case KR_ROLE_MODERATOR:
	case KR_ROLE_ORGANIZER:
	case KR_ROLE_OBSERVER:
		return 1;
	case KR_ROLE_NONE:
		break;
	}
	return 0;
}

static int is_recipient(const struct kr_item_meta *it, int64_t user_id)
{
	for (size_t i = 0; i < it->n_recipients; i++)
		if (it->recipients[i] == user_id)
			return 1;
	return 0;
}

enum kr_err policy_may_read(const struct kr_reader *r, const struct kr_item_meta *it)
{
	enum kr_role role;

	if (!r || !it || r->user_id <= 0)
		return KR_EFORBIDDEN;
	/* The author always sees their own item, whatever its state. */
	if (it->author_user_id == r->user_id)
		return KR_OK;
	if (it->status != KR_STATUS_PUBLISHED)
		return KR_EFORBIDDEN;
	role = policy_role(r, it->circle_id);
	if (!known_role(role))
		return KR_EFORBIDDEN;
	switch (it->tlp) {
	case KR_TLP_CLEAR:
	case KR_TLP_GREEN:
	case KR_TLP_AMBER:
	case KR_TLP_AMBER_STRICT:
		return KR_OK;
	case KR_TLP_RED:
		return is_recipient(it, r->user_id) ? KR_OK : KR_EFORBIDDEN;
	case KR_TLP_NONE:
		break;
	}
	return KR_EFORBIDDEN;
}

enum kr_err policy_may_follow(const struct kr_reader *r, int64_t circle_id)
{
	return known_role(policy_role(r, circle_id)) ? KR_OK : KR_EFORBIDDEN;
}

enum kr_err policy_may_post(const struct kr_reader *r, int64_t circle_id, enum kr_kind kind,
                            enum kr_tlp tlp)
{
	enum kr_role role = policy_role(r, circle_id);

	if (!kr_tlp_name(tlp))
		return KR_EFORBIDDEN;
	switch (kind) {
	case KR_KIND_THREAT:
	case KR_KIND_PRACTICE:
	case KR_KIND_ALERT:
		return (role == KR_ROLE_MEMBER || role == KR_ROLE_MODERATOR) ? KR_OK
		                                                             : KR_EFORBIDDEN;
	case KR_KIND_EVENT:
		return (role == KR_ROLE_ORGANIZER || role == KR_ROLE_MODERATOR ||
		        role == KR_ROLE_MEMBER)
		           ? KR_OK
		           : KR_EFORBIDDEN;
	case KR_KIND_ASSESSMENT: /* never posted as an item: own path, never shown */
	case KR_KIND_NONE:
		break;
	}
	return KR_EFORBIDDEN;
}

enum kr_err policy_may_receive_red(enum kr_role recipient_role)
{
	return known_role(recipient_role) ? KR_OK : KR_EFORBIDDEN;
}
