/*
 * test_policy.c - the read and post decisions of hub/policy.c, one table
 * row per (TLP, status, reader relation). The rows restate PRODUCT.md's TLP
 * table for the relations this stage knows.
 */
#include "check.h"
#include "model.h"
#include "policy.h"

enum rel {
	AUTHOR,    /* wrote the item */
	COLLEAGUE, /* same organisation as the author, member of the circle */
	MEMBER,    /* another member organisation of the home circle */
	OBSERVER,  /* read-only role in the home circle */
	MODERATOR, /* secretariat of the home circle */
	RECIPIENT, /* member named as a RED recipient */
	OUTSIDER,  /* no membership in the home circle */
	REMOVED,   /* was a member; membership gone */
	ANONYMOUS, /* no user at all */
};

#define CIRCLE     10
#define OTHER      11
#define AUTHOR_ID  1
#define AUTHOR_ORG 100

static const struct kr_membership m_member[] = {{CIRCLE, KR_ROLE_MEMBER}, {OTHER, KR_ROLE_MEMBER}};
static const struct kr_membership m_observer[] = {{CIRCLE, KR_ROLE_OBSERVER}};
static const struct kr_membership m_moderator[] = {{CIRCLE, KR_ROLE_MODERATOR}};
static const struct kr_membership m_outsider[] = {{OTHER, KR_ROLE_MEMBER}};

static struct kr_reader reader_for(enum rel r)
{
	switch (r) {
	case AUTHOR:
		return (struct kr_reader){AUTHOR_ID, AUTHOR_ORG, m_member, 2};
	case COLLEAGUE:
		return (struct kr_reader){2, AUTHOR_ORG, m_member, 2};
	case MEMBER:
		return (struct kr_reader){3, 200, m_member, 2};
	case OBSERVER:
		return (struct kr_reader){4, 200, m_observer, 1};
	case MODERATOR:
		return (struct kr_reader){5, 300, m_moderator, 1};
	case RECIPIENT:
		return (struct kr_reader){6, 400, m_member, 2};
	case OUTSIDER:
		return (struct kr_reader){7, 500, m_outsider, 1};
	case REMOVED:
		return (struct kr_reader){3, 200, NULL, 0};
	case ANONYMOUS:
		break;
	}
	return (struct kr_reader){0, 0, NULL, 0};
}

static const char *const rel_names[] = {"author",   "colleague", "member",
                                        "observer", "moderator", "recipient",
                                        "outsider", "removed",   "anonymous"};

struct read_row {
	enum kr_tlp tlp;
	enum kr_status status;
	enum rel rel;
	enum kr_err want;
};

#define OK  KR_OK
#define NO  KR_EFORBIDDEN
#define PUB KR_STATUS_PUBLISHED

static const struct read_row read_rows[] = {
    /* CLEAR, GREEN, AMBER, AMBER+STRICT: users of member organisations. */
    {KR_TLP_CLEAR, PUB, AUTHOR, OK},
    {KR_TLP_CLEAR, PUB, MEMBER, OK},
    {KR_TLP_CLEAR, PUB, OBSERVER, OK},
    {KR_TLP_CLEAR, PUB, OUTSIDER, NO},
    {KR_TLP_CLEAR, PUB, ANONYMOUS, NO},
    {KR_TLP_GREEN, PUB, AUTHOR, OK},
    {KR_TLP_GREEN, PUB, COLLEAGUE, OK},
    {KR_TLP_GREEN, PUB, MEMBER, OK},
    {KR_TLP_GREEN, PUB, OBSERVER, OK},
    {KR_TLP_GREEN, PUB, MODERATOR, OK},
    {KR_TLP_GREEN, PUB, OUTSIDER, NO},
    {KR_TLP_GREEN, PUB, REMOVED, NO},
    {KR_TLP_GREEN, PUB, ANONYMOUS, NO},
    {KR_TLP_AMBER, PUB, MEMBER, OK},
    {KR_TLP_AMBER, PUB, OUTSIDER, NO},
    {KR_TLP_AMBER, PUB, REMOVED, NO},
    {KR_TLP_AMBER_STRICT, PUB, MEMBER, OK},
    {KR_TLP_AMBER_STRICT, PUB, OUTSIDER, NO},
    /* RED: only the author and the named recipients. */
    {KR_TLP_RED, PUB, AUTHOR, OK},
    {KR_TLP_RED, PUB, RECIPIENT, OK},
    {KR_TLP_RED, PUB, COLLEAGUE, NO},
    {KR_TLP_RED, PUB, MEMBER, NO},
    {KR_TLP_RED, PUB, MODERATOR, NO},
    {KR_TLP_RED, PUB, OBSERVER, NO},
    {KR_TLP_RED, PUB, OUTSIDER, NO},
    {KR_TLP_RED, PUB, ANONYMOUS, NO},
    /* Only published items reach anyone but their author. */
    {KR_TLP_GREEN, KR_STATUS_PENDING, AUTHOR, OK},
    {KR_TLP_GREEN, KR_STATUS_PENDING, MEMBER, NO},
    {KR_TLP_GREEN, KR_STATUS_REJECTED, MEMBER, NO},
    {KR_TLP_GREEN, KR_STATUS_RETRACTED, MEMBER, NO},
    {KR_TLP_GREEN, KR_STATUS_NONE, MEMBER, NO},
    /* Unknown labels fail closed. */
    {KR_TLP_NONE, PUB, MEMBER, NO},
    {(enum kr_tlp)99, PUB, MEMBER, NO},
};

static void test_read_table(void)
{
	static const int64_t recipients[] = {6};
	char name[96];

	for (size_t i = 0; i < sizeof(read_rows) / sizeof(read_rows[0]); i++) {
		const struct read_row *row = &read_rows[i];
		struct kr_reader r = reader_for(row->rel);
		struct kr_item_meta it = {
		    .tlp = row->tlp,
		    .status = row->status,
		    .kind = KR_KIND_THREAT,
		    .circle_id = CIRCLE,
		    .author_user_id = AUTHOR_ID,
		    .author_org_id = AUTHOR_ORG,
		    .recipients = recipients,
		    .n_recipients = 1,
		};

		snprintf(name, sizeof(name), "row %zu: %s %s %s", i,
		         kr_tlp_name(row->tlp) ? kr_tlp_name(row->tlp) : "?",
		         kr_status_name(row->status) ? kr_status_name(row->status) : "?",
		         rel_names[row->rel]);
		check_case(name);
		CHECK_EQ_INT(policy_may_read(&r, &it), row->want);
	}
	check_case(NULL);
	CHECK_EQ_INT(policy_may_read(NULL, NULL), NO);
}

struct post_row {
	enum kr_role role;
	enum kr_kind kind;
	enum kr_tlp tlp;
	enum kr_err want;
};

static const struct post_row post_rows[] = {
    {KR_ROLE_MEMBER, KR_KIND_THREAT, KR_TLP_GREEN, OK},
    {KR_ROLE_MEMBER, KR_KIND_PRACTICE, KR_TLP_CLEAR, OK},
    {KR_ROLE_MEMBER, KR_KIND_ALERT, KR_TLP_AMBER, OK},
    {KR_ROLE_MODERATOR, KR_KIND_ALERT, KR_TLP_RED, OK},
    {KR_ROLE_ORGANIZER, KR_KIND_EVENT, KR_TLP_CLEAR, OK},
    {KR_ROLE_ORGANIZER, KR_KIND_THREAT, KR_TLP_GREEN, NO},
    {KR_ROLE_OBSERVER, KR_KIND_THREAT, KR_TLP_GREEN, NO},
    {KR_ROLE_OBSERVER, KR_KIND_EVENT, KR_TLP_CLEAR, NO},
    {KR_ROLE_NONE, KR_KIND_THREAT, KR_TLP_GREEN, NO},
    {KR_ROLE_MEMBER, KR_KIND_ASSESSMENT, KR_TLP_AMBER, NO},
    {KR_ROLE_MEMBER, KR_KIND_NONE, KR_TLP_GREEN, NO},
    {KR_ROLE_MEMBER, KR_KIND_THREAT, KR_TLP_NONE, NO},
    {(enum kr_role)42, KR_KIND_THREAT, KR_TLP_GREEN, NO},
};

static void test_post_table(void)
{
	char name[64];

	for (size_t i = 0; i < sizeof(post_rows) / sizeof(post_rows[0]); i++) {
		const struct post_row *row = &post_rows[i];
		struct kr_membership m = {CIRCLE, row->role};
		struct kr_reader r = {1, 1, &m, 1};

		snprintf(name, sizeof(name), "post row %zu", i);
		check_case(name);
		CHECK_EQ_INT(policy_may_post(&r, CIRCLE, row->kind, row->tlp), row->want);
		/* Nobody posts to a circle they are not in. */
		CHECK_EQ_INT(policy_may_post(&r, OTHER, row->kind, row->tlp), NO);
	}
	check_case(NULL);
}

static void test_role_lookup(void)
{
	static const struct kr_membership m[] = {
	    {2, KR_ROLE_MEMBER}, {5, KR_ROLE_OBSERVER}, {9, KR_ROLE_MODERATOR}};
	struct kr_reader r = {1, 1, m, 3};

	CHECK_EQ_INT(policy_role(&r, 2), KR_ROLE_MEMBER);
	CHECK_EQ_INT(policy_role(&r, 5), KR_ROLE_OBSERVER);
	CHECK_EQ_INT(policy_role(&r, 9), KR_ROLE_MODERATOR);
	CHECK_EQ_INT(policy_role(&r, 1), KR_ROLE_NONE);
	CHECK_EQ_INT(policy_role(&r, 7), KR_ROLE_NONE);
	CHECK_EQ_INT(policy_role(&r, 10), KR_ROLE_NONE);
	CHECK_EQ_INT(policy_role(NULL, 2), KR_ROLE_NONE);
	CHECK_EQ_INT(policy_may_follow(&r, 5), OK);
	CHECK_EQ_INT(policy_may_follow(&r, 7), NO);
	CHECK_EQ_INT(policy_may_receive_red(KR_ROLE_OBSERVER), OK);
	CHECK_EQ_INT(policy_may_receive_red(KR_ROLE_NONE), NO);
}

int main(void)
{
	test_read_table();
	test_post_table();
	test_role_lookup();
	return check_finish();
}
