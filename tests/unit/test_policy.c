/*
 * test_policy.c - the decisions of hub/policy.c, one table row per case.
 * The read rows restate PRODUCT.md's TLP table for every reader relation,
 * under a closed circle policy and one that publishes CLEAR; the other
 * tables cover posting, moderation, forwarding, lowering and rosters.
 */
#include "check.h"
#include "cpolicy.h"
#include "model.h"
#include "policy.h"

enum rel {
	AUTHOR,    /* wrote the item */
	COLLEAGUE, /* same organisation as the author, member of the circle */
	MEMBER,    /* another member organisation of the home circle */
	OBSERVER,  /* read-only role in the home circle */
	MODERATOR, /* secretariat of the home circle */
	ORGANIZER, /* events role in the home circle */
	RECIPIENT, /* member named as a RED recipient */
	OUTSIDER,  /* authenticated, no membership in the home circle */
	REMOVED,   /* was a member; membership gone */
	ANONYMOUS, /* no token at all */
	REL_COUNT
};

#define CIRCLE     10
#define OTHER      11
#define AUTHOR_ID  1
#define AUTHOR_ORG 100
#define NOW        2000000000
#define DAY        86400

static const struct kr_membership m_member[] = {{CIRCLE, KR_ROLE_MEMBER}, {OTHER, KR_ROLE_MEMBER}};
static const struct kr_membership m_observer[] = {{CIRCLE, KR_ROLE_OBSERVER}};
static const struct kr_membership m_moderator[] = {{CIRCLE, KR_ROLE_MODERATOR}};
static const struct kr_membership m_organizer[] = {{CIRCLE, KR_ROLE_ORGANIZER}};
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
	case ORGANIZER:
		return (struct kr_reader){8, 300, m_organizer, 1};
	case RECIPIENT:
		return (struct kr_reader){6, 400, m_member, 2};
	case OUTSIDER:
		return (struct kr_reader){7, 500, m_outsider, 1};
	case REMOVED:
		return (struct kr_reader){3, 200, NULL, 0};
	case ANONYMOUS:
	case REL_COUNT:
		break;
	}
	return (struct kr_reader){0, 0, NULL, 0};
}

static const char *const rel_names[REL_COUNT] = {"author",    "colleague", "member",    "observer",
                                                 "moderator", "organizer", "recipient", "outsider",
                                                 "removed",   "anonymous"};

#define OK  KR_OK
#define NO  KR_EFORBIDDEN
#define NA  KR_ENOTALLOWED
#define PUB KR_STATUS_PUBLISHED

/* Expected read decision for every relation, in enum rel order. */
struct read_row {
	enum kr_tlp tlp;
	enum kr_status status;
	bool clear_public;
	enum kr_err want[REL_COUNT];
};

static const struct read_row read_rows[] = {
    /*                                   auth col mem obs mod org rec out rem anon */
    {KR_TLP_CLEAR, PUB, false, {OK, OK, OK, OK, OK, OK, OK, OK, OK, NO}},
    {KR_TLP_CLEAR, PUB, true, {OK, OK, OK, OK, OK, OK, OK, OK, OK, OK}},
    {KR_TLP_GREEN, PUB, false, {OK, OK, OK, OK, OK, OK, OK, NO, NO, NO}},
    {KR_TLP_GREEN, PUB, true, {OK, OK, OK, OK, OK, OK, OK, NO, NO, NO}},
    {KR_TLP_AMBER, PUB, false, {OK, OK, OK, OK, OK, OK, OK, NO, NO, NO}},
    {KR_TLP_AMBER, PUB, true, {OK, OK, OK, OK, OK, OK, OK, NO, NO, NO}},
    {KR_TLP_AMBER_STRICT, PUB, false, {OK, OK, OK, OK, OK, OK, OK, NO, NO, NO}},
    {KR_TLP_RED, PUB, false, {OK, NO, NO, NO, NO, NO, OK, NO, NO, NO}},
    {KR_TLP_RED, PUB, true, {OK, NO, NO, NO, NO, NO, OK, NO, NO, NO}},
    /* Only published items reach anyone but their author. */
    {KR_TLP_CLEAR, KR_STATUS_PENDING, true, {OK, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {KR_TLP_GREEN, KR_STATUS_PENDING, false, {OK, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {KR_TLP_GREEN, KR_STATUS_REJECTED, false, {OK, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {KR_TLP_CLEAR, KR_STATUS_RETRACTED, true, {OK, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {KR_TLP_GREEN, KR_STATUS_NONE, false, {OK, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    /* Unknown labels fail closed. */
    {KR_TLP_NONE, PUB, true, {OK, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {(enum kr_tlp)99, PUB, true, {OK, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
};

static struct kr_circle_policy *policy(bool clear_public)
{
	struct kr_circle_policy *p = cpolicy_default("c", KR_CIRCLE_SECTOR);

	p->clear_public = clear_public;
	return p;
}

static const int64_t red_recipients[] = {6};

static struct kr_item_meta meta(enum kr_tlp tlp, enum kr_status status)
{
	return (struct kr_item_meta){
	    .tlp = tlp,
	    .status = status,
	    .kind = KR_KIND_THREAT,
	    .circle_id = CIRCLE,
	    .author_user_id = AUTHOR_ID,
	    .author_org_id = AUTHOR_ORG,
	    .created_at = NOW - DAY,
	    .recipients = red_recipients,
	    .n_recipients = 1,
	};
}

static void test_read_table(void)
{
	char name[128];
	int cases = 0;

	for (size_t i = 0; i < CHECK_N(read_rows); i++) {
		const struct read_row *row = &read_rows[i];
		struct kr_circle_policy *cp = policy(row->clear_public);
		struct kr_item_meta it = meta(row->tlp, row->status);

		for (int rel = 0; rel < REL_COUNT; rel++) {
			struct kr_reader r = reader_for((enum rel)rel);

			snprintf(name, sizeof(name), "row %zu: %s %s %s %s", i,
			         kr_tlp_name(row->tlp) ? kr_tlp_name(row->tlp) : "?",
			         kr_status_name(row->status) ? kr_status_name(row->status) : "?",
			         row->clear_public ? "public" : "closed", rel_names[rel]);
			check_case(name);
			CHECK_EQ_INT(policy_may_read(&r, &it, cp, NOW), row->want[rel]);
			cases++;
		}
		cpolicy_free(cp);
	}
	check_case(NULL);
	printf("policy read matrix: %d cases\n", cases);
	CHECK_EQ_INT(policy_may_read(NULL, NULL, NULL, NOW), NO);
}

/* Bulk export: what may be read, but only published items and never RED. */
static const struct read_row export_rows[] = {
    /*                                   auth col mem obs mod org rec out rem anon */
    {KR_TLP_CLEAR, PUB, false, {OK, OK, OK, OK, OK, OK, OK, OK, OK, NO}},
    {KR_TLP_CLEAR, PUB, true, {OK, OK, OK, OK, OK, OK, OK, OK, OK, OK}},
    {KR_TLP_GREEN, PUB, false, {OK, OK, OK, OK, OK, OK, OK, NO, NO, NO}},
    {KR_TLP_AMBER, PUB, false, {OK, OK, OK, OK, OK, OK, OK, NO, NO, NO}},
    {KR_TLP_AMBER_STRICT, PUB, false, {OK, OK, OK, OK, OK, OK, OK, NO, NO, NO}},
    {KR_TLP_RED, PUB, false, {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {KR_TLP_RED, PUB, true, {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {KR_TLP_CLEAR, KR_STATUS_PENDING, true, {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {KR_TLP_GREEN, KR_STATUS_REJECTED, false, {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {KR_TLP_GREEN, KR_STATUS_RETRACTED, false, {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {KR_TLP_NONE, PUB, true, {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {(enum kr_tlp)99, PUB, true, {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
};

static void test_export_table(void)
{
	char name[128];

	for (size_t i = 0; i < CHECK_N(export_rows); i++) {
		const struct read_row *row = &export_rows[i];
		struct kr_circle_policy *cp = policy(row->clear_public);
		struct kr_item_meta it = meta(row->tlp, row->status);

		for (int rel = 0; rel < REL_COUNT; rel++) {
			struct kr_reader r = reader_for((enum rel)rel);

			snprintf(name, sizeof(name), "export row %zu: %s %s", i,
			         kr_tlp_name(row->tlp) ? kr_tlp_name(row->tlp) : "?",
			         rel_names[rel]);
			check_case(name);
			CHECK_EQ_INT(policy_may_export(&r, &it, cp, NOW), row->want[rel]);
		}
		cpolicy_free(cp);
	}
	check_case(NULL);
	CHECK_EQ_INT(policy_may_export(NULL, NULL, NULL, NOW), NO);
}

static void test_retention(void)
{
	struct kr_circle_policy *cp = policy(false);
	struct kr_reader member = reader_for(MEMBER), author = reader_for(AUTHOR);
	struct kr_item_meta it = meta(KR_TLP_GREEN, PUB);

	cp->retention_days = 30;
	it.created_at = NOW - 29 * DAY;
	CHECK_EQ_INT(policy_may_read(&member, &it, cp, NOW), OK);
	it.created_at = NOW - 31 * DAY;
	CHECK_EQ_INT(policy_may_read(&member, &it, cp, NOW), NO);
	CHECK_EQ_INT(policy_may_read(&author, &it, cp, NOW), OK);
	cp->retention_days = 0; /* keep forever */
	CHECK_EQ_INT(policy_may_read(&member, &it, cp, NOW), OK);
	cpolicy_free(cp);
}

/* A forwarded copy is never public, even CLEAR in a circle that publishes
 * CLEAR: only an author widens an item's reach. */
static void test_forwarded_copy_never_public(void)
{
	struct kr_circle_policy *cp = policy(true);
	struct kr_reader anon = reader_for(ANONYMOUS), out = reader_for(OUTSIDER);
	struct kr_item_meta it = meta(KR_TLP_CLEAR, PUB);

	CHECK_EQ_INT(policy_may_read(&anon, &it, cp, NOW), OK);
	it.forwarded = true;
	CHECK_EQ_INT(policy_may_read(&anon, &it, cp, NOW), NO);
	CHECK_EQ_INT(policy_may_read(&out, &it, cp, NOW), OK); /* CLEAR: any user */
	cpolicy_free(cp);
}

struct post_row {
	enum kr_role role;
	enum kr_kind kind;
	enum kr_tlp tlp;
	enum kr_err want;
	bool moderated; /* with "moderation": [kind] in the policy */
};

static const struct post_row post_rows[] = {
    {KR_ROLE_MEMBER, KR_KIND_THREAT, KR_TLP_GREEN, OK, true},
    {KR_ROLE_MEMBER, KR_KIND_PRACTICE, KR_TLP_CLEAR, OK, true},
    {KR_ROLE_MEMBER, KR_KIND_ALERT, KR_TLP_AMBER, NO, false},
    {KR_ROLE_MODERATOR, KR_KIND_ALERT, KR_TLP_RED, OK, false},
    {KR_ROLE_MODERATOR, KR_KIND_THREAT, KR_TLP_GREEN, OK, false},
    {KR_ROLE_ORGANIZER, KR_KIND_EVENT, KR_TLP_CLEAR, OK, true},
    {KR_ROLE_ORGANIZER, KR_KIND_THREAT, KR_TLP_GREEN, NO, false},
    {KR_ROLE_MEMBER, KR_KIND_EVENT, KR_TLP_CLEAR, NO, false},
    {KR_ROLE_OBSERVER, KR_KIND_THREAT, KR_TLP_GREEN, NO, false},
    {KR_ROLE_OBSERVER, KR_KIND_EVENT, KR_TLP_CLEAR, NO, false},
    {KR_ROLE_NONE, KR_KIND_THREAT, KR_TLP_GREEN, NO, false},
    {KR_ROLE_MEMBER, KR_KIND_ASSESSMENT, KR_TLP_AMBER, NO, false},
    {KR_ROLE_MEMBER, KR_KIND_NONE, KR_TLP_GREEN, NO, false},
    {KR_ROLE_MEMBER, KR_KIND_THREAT, KR_TLP_NONE, NA, true},
    {(enum kr_role)42, KR_KIND_THREAT, KR_TLP_GREEN, NO, false},
};

static void test_post_table(void)
{
	char name[64];

	for (size_t i = 0; i < CHECK_N(post_rows); i++) {
		const struct post_row *row = &post_rows[i];
		struct kr_membership m = {CIRCLE, row->role};
		struct kr_reader r = {1, 1, &m, 1};
		struct kr_circle_policy *cp = policy(false);

		snprintf(name, sizeof(name), "post row %zu", i);
		check_case(name);
		CHECK_EQ_INT(policy_may_post(&r, CIRCLE, row->kind, row->tlp, cp), row->want);
		/* Nobody posts to a circle they are not in. */
		CHECK_EQ_INT(policy_may_post(&r, OTHER, row->kind, row->tlp, cp), NO);
		/* A TLP the circle does not use is refused as not_allowed. */
		cp->tlp_allowed &= ~KR_TLP_BIT(row->tlp);
		if (row->want == OK)
			CHECK_EQ_INT(policy_may_post(&r, CIRCLE, row->kind, row->tlp, cp), NA);
		/* Moderation applies to members' posts, not to moderators'. */
		CHECK(!policy_needs_moderation(&r, CIRCLE, row->kind, cp) ||
		      row->kind == KR_KIND_NONE || row->kind == KR_KIND_ASSESSMENT);
		if (row->kind > KR_KIND_NONE && row->kind < KR_KIND_ASSESSMENT)
			cp->moderate[row->kind] = true;
		if (row->want == OK)
			CHECK_EQ_INT(policy_needs_moderation(&r, CIRCLE, row->kind, cp),
			             row->role != KR_ROLE_MODERATOR);
		cpolicy_free(cp);
	}
	check_case(NULL);
}

struct forward_row {
	enum kr_tlp tlp;
	bool out, in;      /* home policy lets GREEN out, target lets it in */
	bool member_of_to; /* the forwarder is in the target circle */
	enum kr_err want;
};

static const struct forward_row forward_rows[] = {
    {KR_TLP_GREEN, true, true, true, OK},        {KR_TLP_GREEN, false, true, true, NA},
    {KR_TLP_GREEN, true, false, true, NA},       {KR_TLP_GREEN, true, true, false, NO},
    {KR_TLP_CLEAR, false, false, true, OK},      {KR_TLP_AMBER, true, true, true, NA},
    {KR_TLP_AMBER_STRICT, true, true, true, NA}, {KR_TLP_RED, true, true, true, NO},
};

static void test_forward_table(void)
{
	static const struct kr_membership both[] = {{CIRCLE, KR_ROLE_MEMBER},
	                                            {OTHER, KR_ROLE_MEMBER}};
	char name[64];

	for (size_t i = 0; i < CHECK_N(forward_rows); i++) {
		const struct forward_row *row = &forward_rows[i];
		struct kr_reader r = {3, 200, both, row->member_of_to ? 2 : 1};
		struct kr_circle_policy *from = policy(false), *to = policy(false);
		struct kr_item_meta it = meta(row->tlp, PUB);

		from->forward_green_out = row->out;
		to->forward_green_in = row->in;
		snprintf(name, sizeof(name), "forward row %zu", i);
		check_case(name);
		CHECK_EQ_INT(policy_may_forward(&r, &it, from, OTHER, to, NOW), row->want);
		/* Never into the item's own circle; never by an outsider. */
		CHECK(policy_may_forward(&r, &it, from, CIRCLE, to, NOW) != OK);
		struct kr_reader out = reader_for(OUTSIDER);
		CHECK_EQ_INT(policy_may_forward(&out, &it, from, OTHER, to, NOW), NO);
		/* Events never move, whatever their TLP and the policies. */
		it.kind = KR_KIND_EVENT;
		CHECK(policy_forward_allowed(&it, from, OTHER, to) == NA);
		CHECK(policy_may_forward(&r, &it, from, OTHER, to, NOW) != OK);
		cpolicy_free(from);
		cpolicy_free(to);
	}
	check_case(NULL);
}

static void test_lower_and_roster(void)
{
	struct kr_circle_policy *cp = policy(false);
	struct kr_item_meta amber = meta(KR_TLP_AMBER, PUB);
	struct kr_reader member = reader_for(MEMBER), mod = reader_for(MODERATOR),
	                 out = reader_for(OUTSIDER), anon = reader_for(ANONYMOUS);

	CHECK_EQ_INT(policy_may_lower(&amber, KR_TLP_GREEN, cp), OK);
	CHECK_EQ_INT(policy_may_lower(&amber, KR_TLP_CLEAR, cp), OK);
	CHECK_EQ_INT(policy_may_lower(&amber, KR_TLP_AMBER, cp), NA);
	CHECK_EQ_INT(policy_may_lower(&amber, KR_TLP_RED, cp), NA);
	CHECK_EQ_INT(policy_may_lower(&amber, KR_TLP_NONE, cp), NA);
	cp->tlp_allowed &= ~KR_TLP_BIT(KR_TLP_CLEAR);
	CHECK_EQ_INT(policy_may_lower(&amber, KR_TLP_CLEAR, cp), NA);

	CHECK_EQ_INT(policy_may_see_roster(&member, CIRCLE, cp), NO);
	CHECK_EQ_INT(policy_may_see_roster(&mod, CIRCLE, cp), OK);
	cp->roster_visible = true;
	CHECK_EQ_INT(policy_may_see_roster(&member, CIRCLE, cp), OK);
	CHECK_EQ_INT(policy_may_see_roster(&out, CIRCLE, cp), NO);
	CHECK_EQ_INT(policy_may_see_roster(&anon, CIRCLE, cp), NO);

	CHECK_EQ_INT(policy_may_follow(&member, CIRCLE, cp), OK);
	CHECK_EQ_INT(policy_may_follow(&out, CIRCLE, cp), NO);
	CHECK_EQ_INT(policy_may_follow(&anon, CIRCLE, cp), NO);
	cp->clear_public = true;
	CHECK_EQ_INT(policy_may_follow(&anon, CIRCLE, cp), OK);
	CHECK_EQ_INT(policy_may_follow(&anon, CIRCLE, NULL), NO);

	CHECK_EQ_INT(policy_may_moderate(&mod, CIRCLE), OK);
	CHECK_EQ_INT(policy_may_moderate(&member, CIRCLE), NO);
	struct kr_item_meta pending = meta(KR_TLP_GREEN, KR_STATUS_PENDING);
	CHECK_EQ_INT(policy_may_review(&mod, &pending, cp), OK);
	CHECK_EQ_INT(policy_may_review(&member, &pending, cp), NO);
	CHECK_EQ_INT(policy_may_review(&mod, &amber, cp), NO); /* published: not a review */
	cpolicy_free(cp);
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
	CHECK_EQ_INT(policy_may_receive_red(KR_ROLE_OBSERVER), OK);
	CHECK_EQ_INT(policy_may_receive_red(KR_ROLE_NONE), NO);
}

/* Sightings: who reports and who reads aggregates, for every relation. */
static void test_sighting_table(void)
{
	/* in enum rel order: author colleague member observer moderator organizer
	 * recipient outsider removed anonymous */
	static const enum kr_err may_sight[REL_COUNT] = {OK, OK, OK, NO, OK, OK, OK, NO, NO, NO};
	static const enum kr_err may_see[REL_COUNT] = {OK, OK, OK, OK, OK, OK, OK, NO, NO, NO};
	struct kr_circle_policy *cp = policy(true);

	for (int r = 0; r < REL_COUNT; r++) {
		struct kr_reader rd = reader_for((enum rel)r);

		check_case(rel_names[r]);
		CHECK_EQ_INT(policy_may_sight(&rd, CIRCLE, cp), may_sight[r]);
		CHECK_EQ_INT(policy_may_see_sightings(&rd, CIRCLE, cp), may_see[r]);
		CHECK_EQ_INT(policy_may_sight(&rd, CIRCLE, NULL), NO);
		CHECK_EQ_INT(policy_may_see_sightings(&rd, CIRCLE, NULL), NO);
	}
	check_case(NULL);
	cpolicy_free(cp);
}

/* Counts are released only over at least k organisations. */
static void test_release_count(void)
{
	static const struct {
		int64_t orgs;
		int k;
		bool want;
	} rows[] = {
	    {0, 5, false}, {1, 5, false}, {4, 5, false}, {5, 5, true},  {6, 5, true},
	    {2, 2, true},  {1, 2, false}, {9, 0, false}, {9, 1, false}, {9, -3, false},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++)
		CHECK_EQ_INT(policy_may_release_count(rows[i].orgs, rows[i].k), rows[i].want);
}

/* The organiser of an event: its author, while the author may still post
 * events in its circle at its TLP. */
static void test_organise(void)
{
	static const struct kr_membership m_demoted[] = {{CIRCLE, KR_ROLE_MEMBER}};
	static const struct kr_membership m_org_other[] = {{OTHER, KR_ROLE_ORGANIZER}};
	struct kr_circle_policy *cp = policy(true);
	struct kr_item_meta ev = meta(KR_TLP_CLEAR, PUB);
	struct kr_reader organizer = reader_for(ORGANIZER);
	struct kr_reader demoted = {8, 300, m_demoted, 1}, elsewhere = {8, 300, m_org_other, 1};
	struct kr_reader other_org = {9, 300, m_organizer, 1}, anon = reader_for(ANONYMOUS);
	struct kr_reader mod = reader_for(MODERATOR);

	ev.kind = KR_KIND_EVENT;
	ev.author_user_id = 8;
	check_case("organise");
	CHECK_EQ_INT(policy_may_organise(&organizer, &ev, cp), OK);
	CHECK_EQ_INT(policy_may_organise(&demoted, &ev, cp), NO);
	CHECK_EQ_INT(policy_may_organise(&elsewhere, &ev, cp), NO);
	CHECK_EQ_INT(policy_may_organise(&other_org, &ev, cp), NO);
	CHECK_EQ_INT(policy_may_organise(&anon, &ev, cp), NO);
	CHECK_EQ_INT(policy_may_organise(&mod, &ev, cp), NO); /* not its author */
	CHECK_EQ_INT(policy_may_organise(&organizer, &ev, NULL), NO);
	CHECK_EQ_INT(policy_may_organise(NULL, &ev, cp), NO);
	ev.author_user_id = 5; /* a moderator's own event */
	CHECK_EQ_INT(policy_may_organise(&mod, &ev, cp), OK);
	ev.author_user_id = 8;
	cp->post_roles[KR_KIND_EVENT] = KR_ROLE_BIT(KR_ROLE_MODERATOR); /* policy changed */
	CHECK_EQ_INT(policy_may_organise(&organizer, &ev, cp), NO);
	cp->post_roles[KR_KIND_EVENT] |= KR_ROLE_BIT(KR_ROLE_ORGANIZER);
	cp->tlp_allowed &= ~KR_TLP_BIT(KR_TLP_CLEAR); /* its TLP no longer used */
	CHECK_EQ_INT(policy_may_organise(&organizer, &ev, cp), NO);
	cp->tlp_allowed |= KR_TLP_BIT(KR_TLP_CLEAR);
	ev.kind = KR_KIND_THREAT;
	CHECK_EQ_INT(policy_may_organise(&organizer, &ev, cp), NO);
	check_case(NULL);
	cpolicy_free(cp);
}

/* The regional help directory: shown like the circle's public notices,
 * kept by its organizers and moderators. */
static void test_resources(void)
{
	struct kr_circle_policy *open_cp = policy(true), *closed_cp = policy(false);
	static const struct {
		enum rel who;
		enum kr_err see_open, see_closed, manage;
	} rows[] = {
	    {MEMBER, OK, OK, NO},    {OBSERVER, OK, OK, NO}, {MODERATOR, OK, OK, OK},
	    {ORGANIZER, OK, OK, OK}, {OUTSIDER, OK, OK, NO}, {REMOVED, OK, OK, NO},
	    {ANONYMOUS, OK, NO, NO},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		struct kr_reader r = reader_for(rows[i].who);

		check_case(rel_names[rows[i].who]);
		CHECK_EQ_INT(policy_may_see_resources(&r, open_cp), rows[i].see_open);
		CHECK_EQ_INT(policy_may_see_resources(&r, closed_cp), rows[i].see_closed);
		CHECK_EQ_INT(policy_may_manage_resources(&r, CIRCLE), rows[i].manage);
		CHECK_EQ_INT(policy_may_manage_resources(&r, OTHER), NO);
	}
	check_case(NULL);
	CHECK_EQ_INT(policy_may_see_resources(NULL, open_cp), NO);
	{
		struct kr_reader member = reader_for(MEMBER);

		CHECK_EQ_INT(policy_may_see_resources(&member, NULL), NO);
	}
	cpolicy_free(open_cp);
	cpolicy_free(closed_cp);
}

int main(void)
{
	test_resources();
	test_organise();
	test_sighting_table();
	test_release_count();
	test_read_table();
	test_export_table();
	test_retention();
	test_forwarded_copy_never_public();
	test_post_table();
	test_forward_table();
	test_lower_and_roster();
	test_role_lookup();
	return check_finish();
}
