/*
 * test_item_check.c - item_check_indicators() (hub/item_check.h), the pure
 * check every posted and edited indicator list goes through: each row is an
 * input list (JSON), an operator benign list, and either the exact stored
 * list or the exact error (code and message).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "item_check.h"

struct row {
	const char *name;
	const char *in;   /* JSON array */
	const char *want; /* JSON array stored, or NULL when refused */
	enum kr_err rc;
	const char *err;
};

static const struct row rows[] = {
    {"empty", "[]", "[]", KR_OK, NULL},
    {"role defaults to unknown, value normalised",
     "[{\"type\":\"domain\",\"value\":\"Evil[.]Example\"}]",
     "[{\"type\":\"domain\",\"value\":\"evil.example\",\"role\":\"unknown\","
     "\"benign\":\"reserved top-level domain (RFC 2606)\"}]",
     KR_OK, NULL},
    {"window kept, benign from the operator list",
     "[{\"type\":\"ipv4\",\"value\":\"192.0.0.5\",\"role\":\"attacker\","
     "\"valid_from\":\"2026-01-01T00:00:00Z\",\"valid_until\":\"2026-02-01T00:00:00Z\"}]",
     "[{\"type\":\"ipv4\",\"value\":\"192.0.0.5\",\"role\":\"attacker\","
     "\"valid_from\":\"2026-01-01T00:00:00Z\",\"valid_until\":\"2026-02-01T00:00:00Z\","
     "\"benign\":\"監視サーバ\"}]",
     KR_OK, NULL},
    {"exact duplicates merged, first position kept",
     "[{\"type\":\"cve\",\"value\":\"cve-2024-3400\"},{\"type\":\"md5\",\"value\":"
     "\"0CC175B9C0F1B6A831C399E269772661\"},{\"type\":\"cve\",\"value\":\"CVE-2024-3400\","
     "\"role\":\"unknown\"}]",
     "[{\"type\":\"cve\",\"value\":\"CVE-2024-3400\",\"role\":\"unknown\"},"
     "{\"type\":\"md5\",\"value\":\"0cc175b9c0f1b6a831c399e269772661\",\"role\":\"unknown\"}]",
     KR_OK, NULL},
    {"same value, other role",
     "[{\"type\":\"cve\",\"value\":\"CVE-2024-3400\"},{\"type\":\"cve\",\"value\":"
     "\"cve-2024-3400\",\"role\":\"attacker\"}]",
     NULL, KR_EINVAL,
     "indicators[1]: cve 'CVE-2024-3400' repeats indicators[0] with a different role or "
     "validity window"},
    {"invalid value names position and reason",
     "[{\"type\":\"cve\",\"value\":\"CVE-2024-3400\"},{\"type\":\"ipv4\",\"value\":"
     "\"300.1.2.3\"}]",
     NULL, KR_EINVAL, "indicators[1]: ipv4 '300.1.2.3': octet 1 is out of range (0-255)"},
    {"long value quoted shortened",
     "[{\"type\":\"md5\",\"value\":\"ああああああああああああああああああああああああ\"}]", NULL,
     KR_EINVAL,
     "indicators[0]: md5 'あああああああああああああああああああああ…': has a character that is "
     "not ASCII"},
    {"benign from the poster", "[{\"type\":\"ipv4\",\"value\":\"8.8.8.8\",\"benign\":\"x\"}]", NULL,
     KR_EFIELD,
     "indicators[0]: 'benign' is set by the hub (from its built-in and operator lists), not "
     "by the poster"},
    {"unknown field", "[{\"type\":\"ipv4\",\"value\":\"8.8.8.8\",\"confidence\":80}]", NULL,
     KR_EFIELD, NULL},
    {"unknown type", "[{\"type\":\"hostname\",\"value\":\"evil.example\"}]", NULL, KR_ELABEL,
     "indicators[0]: unknown indicator type 'hostname' (ipv4, ipv6, cidr, domain, url, email, "
     "md5, sha1, sha256, sha512, cve, asn)"},
    {"window reversed",
     "[{\"type\":\"ipv4\",\"value\":\"8.8.8.8\",\"valid_from\":\"2026-02-01T00:00:00Z\","
     "\"valid_until\":\"2026-02-01T00:00:00Z\"}]",
     NULL, KR_EINVAL, "indicators[0]: valid_until must be after valid_from"},
    {"window not UTC",
     "[{\"type\":\"ipv4\",\"value\":\"8.8.8.8\",\"valid_from\":\"2026-02-01T09:00:00+09:00\"}]",
     NULL, KR_EINVAL,
     "indicators[0]: valid_from '2026-02-01T09:00:00+09:00': give the time in UTC, ending in "
     "Z: 2026-02-01T00:00:00Z"},
    {"window not a string",
     "[{\"type\":\"ipv4\",\"value\":\"8.8.8.8\",\"valid_until\":1767225600}]", NULL, KR_EINVAL,
     NULL},
};

int main(void)
{
	struct kr_ind_benign *list = kr_ind_benign_new();
	static const char line[] = "cidr 192.0.0.0/29 # 監視サーバ";
	char err[256];

	CHECK_EQ_INT(kr_ind_benign_add(list, line, strlen(line), err, sizeof(err)), KR_OK);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		json_t *in = json_loads(r->in, 0, NULL), *out = NULL;
		enum kr_err rc;

		check_case(r->name);
		if (!CHECK_NOT_NULL(in))
			continue;
		err[0] = '\0';
		rc = item_check_indicators(in, list, &out, err, sizeof(err));
		CHECK_EQ_INT(rc, r->rc);
		if (r->want) {
			json_t *want = json_loads(r->want, 0, NULL);
			char *got = out ? json_dumps(out, JSON_COMPACT) : NULL;

			if (!CHECK(want && out && json_equal(want, out)))
				fprintf(stderr, "  got %s\n", got ? got : err);
			free(got);
			json_decref(want);
		} else if (r->err) {
			CHECK_STREQ(err, r->err);
		}
		json_decref(out);
		json_decref(in);
	}
	check_case(NULL);
	kr_ind_benign_free(list);
	return check_finish();
}
