/*
 * test_model.c - kairan's vocabulary (common/model.h): every label has the
 * canonical name of the protocol and round-trips through parse and name;
 * anything else (unknown, wrong case, padded, empty, NULL) parses to the
 * *_NONE value, and *_NONE or out-of-range values have no name.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "model.h"

/* Adapters with one signature per direction, so one table can drive every
 * vocabulary without calling through mismatched function pointer types. */
#define ADAPT(prefix, T)                                                                           \
	static int prefix##_parse_i(const char *s)                                                 \
	{                                                                                          \
		return (int)prefix##_parse(s);                                                     \
	}                                                                                          \
	static const char *prefix##_name_i(int v)                                                  \
	{                                                                                          \
		return prefix##_name((T)v);                                                        \
	}

ADAPT(kr_tlp, enum kr_tlp)
ADAPT(kr_kind, enum kr_kind)
ADAPT(kr_role, enum kr_role)
ADAPT(kr_circle_kind, enum kr_circle_kind)
ADAPT(kr_status, enum kr_status)
ADAPT(kr_ind_type, enum kr_ind_type)
ADAPT(kr_ind_role, enum kr_ind_role)

#define MAX_LABELS 16

struct vocab {
	const char *what;
	int (*parse)(const char *);
	const char *(*name)(int);
	/* canonical names of values 1, 2, ... (schema/PROTOCOL.md), NULL-terminated */
	const char *names[MAX_LABELS];
	/* strings that must not parse: wrong case, near misses */
	const char *bad[MAX_LABELS];
};

static const struct vocab vocabs[] = {
    {"tlp",
     kr_tlp_parse_i,
     kr_tlp_name_i,
     {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", NULL},
     {"green", "Amber", "clear", "red", "amber+strict", "AMBER STRICT", "AMBER_STRICT", "AMBER+",
      "TLP:GREEN", "WHITE", " GREEN", "GREEN ", "GREEN\n", NULL}},
    {"kind",
     kr_kind_parse_i,
     kr_kind_name_i,
     {"threat", "practice", "alert", "event", "assessment", NULL},
     {"Threat", "THREAT", "threats", "report", "indicator", " alert", NULL}},
    {"role",
     kr_role_parse_i,
     kr_role_name_i,
     {"member", "moderator", "organizer", "observer", NULL},
     {"Member", "admin", "owner", "organiser", "secretariat", "moderator ", NULL}},
    {"circle kind",
     kr_circle_kind_parse_i,
     kr_circle_kind_name_i,
     {"sector", "cross-sector", "regional", "public", NULL},
     {"Sector", "cross_sector", "crosssector", "private", "PUBLIC", NULL}},
    {"status",
     kr_status_parse_i,
     kr_status_name_i,
     {"pending", "published", "rejected", "retracted", NULL},
     {"Pending", "draft", "deleted", "publish", NULL}},
    {"indicator type",
     kr_ind_type_parse_i,
     kr_ind_type_name_i,
     {"ipv4", "ipv6", "cidr", "domain", "url", "email", "md5", "sha1", "sha256", "cve", "asn",
      "sha512", NULL},
     {"IPv4", "ip", "SHA256", "sha-256", "hostname", "uri", "CVE", "SHA512", "sha384", NULL}},
    {"indicator role",
     kr_ind_role_parse_i,
     kr_ind_role_name_i,
     {"attacker", "victim", "unknown", NULL},
     {"Attacker", "VICTIM", "none", "target", NULL}},
};

static void test_vocab(const struct vocab *v)
{
	char label[96];
	int n = 0;

	while (n < MAX_LABELS && v->names[n])
		n++;

	for (int i = 0; i < n; i++) {
		int value = i + 1;

		snprintf(label, sizeof(label), "%s %s", v->what, v->names[i]);
		check_case(label);
		CHECK_STREQ(v->name(value), v->names[i]);
		CHECK_EQ_INT(v->parse(v->names[i]), value);
		CHECK_EQ_INT(v->parse(v->name(value)), value);
	}

	snprintf(label, sizeof(label), "%s NONE and out of range", v->what);
	check_case(label);
	CHECK_NULL(v->name(0));
	CHECK_NULL(v->name(n + 1));
	CHECK_NULL(v->name(n + 100));
	CHECK_NULL(v->name(-1));

	snprintf(label, sizeof(label), "%s rejects", v->what);
	check_case(label);
	CHECK_EQ_INT(v->parse(NULL), 0);
	CHECK_EQ_INT(v->parse(""), 0);
	CHECK_EQ_INT(v->parse("bogus"), 0);
	for (int i = 0; i < MAX_LABELS && v->bad[i]; i++)
		if (!CHECK_EQ_INT(v->parse(v->bad[i]), 0))
			fprintf(stderr, "  accepted \"%s\"\n", v->bad[i]);
	/* A label of another vocabulary is not one of this one. */
	for (size_t k = 0; k < CHECK_N(vocabs); k++) {
		if (&vocabs[k] == v)
			continue;
		for (int i = 0; i < MAX_LABELS && vocabs[k].names[i]; i++) {
			const char *other = vocabs[k].names[i];
			bool shared = false;

			for (int j = 0; j < n; j++)
				shared = shared || strcmp(other, v->names[j]) == 0;
			if (!shared)
				CHECK_EQ_INT(v->parse(other), 0);
		}
	}
	check_case(NULL);
}

int main(void)
{
	for (size_t i = 0; i < CHECK_N(vocabs); i++)
		test_vocab(&vocabs[i]);

	/* The enums keep NONE at 0, which no policy decision allows. */
	check_case("NONE is zero");
	CHECK_EQ_INT(KR_TLP_NONE, 0);
	CHECK_EQ_INT(KR_KIND_NONE, 0);
	CHECK_EQ_INT(KR_ROLE_NONE, 0);
	CHECK_EQ_INT(KR_CIRCLE_NONE, 0);
	CHECK_EQ_INT(KR_STATUS_NONE, 0);
	CHECK_EQ_INT(KR_IND_NONE, 0);
	CHECK_EQ_INT(KR_INDROLE_NONE, 0);

	/* Spot checks tying names to the enum constants, not only to positions. */
	check_case("constants");
	CHECK_EQ_INT(kr_tlp_parse("AMBER+STRICT"), KR_TLP_AMBER_STRICT);
	CHECK_EQ_INT(kr_tlp_parse("RED"), KR_TLP_RED);
	CHECK_EQ_INT(kr_kind_parse("assessment"), KR_KIND_ASSESSMENT);
	CHECK_EQ_INT(kr_role_parse("observer"), KR_ROLE_OBSERVER);
	CHECK_EQ_INT(kr_circle_kind_parse("cross-sector"), KR_CIRCLE_CROSS_SECTOR);
	CHECK_EQ_INT(kr_status_parse("retracted"), KR_STATUS_RETRACTED);
	CHECK_EQ_INT(kr_ind_type_parse("asn"), KR_IND_ASN);
	CHECK_EQ_INT(kr_ind_role_parse("unknown"), KR_INDROLE_UNKNOWN);
	CHECK_STREQ(kr_tlp_name(KR_TLP_AMBER_STRICT), "AMBER+STRICT");
	CHECK_NULL(kr_tlp_name(KR_TLP_NONE));
	CHECK_NULL(kr_tlp_name((enum kr_tlp)(KR_TLP_RED + 1)));
	CHECK_NULL(kr_ind_type_name((enum kr_ind_type)(KR_IND_SHA512 + 1)));
	check_case(NULL);
	return check_finish();
}
