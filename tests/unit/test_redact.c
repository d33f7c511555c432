/*
 * test_redact.c - the anonymiser (hub/redact.h), one table row per case:
 * every category it scrubs, in Japanese and English, full-width forms,
 * case, word boundaries, overlapping and adjacent matches, texts that must
 * come back byte-identical, invalid UTF-8, the keep list, indicators by
 * role, compile errors, size bands and profiles, and a random-bytes loop
 * that must never crash or split a character.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "redact.h"
#include "utf8.h"

/* ---- contexts ---- */

enum preset { P_NONE, P_SAKURA, P__COUNT };

static const char *const sakura_names[] = {"さくら銀行", "Sakura Bank", "SakuraBK", "SB"};
static const char *const sakura_domains[] = {"sakura-bank.example.jp", "sakura-bk.example"};
static const char *const sakura_persons[] = {"佐藤 花子", "Hanako Sato", "鈴木 一郎"};
static const char *const sakura_cidrs[] = {"203.0.113.0/25", "2001:db8:5a::/48"};
static const struct kr_redact_pattern sakura_patterns[] = {
    {"project", "PRJ-[0-9]{4}", "[案件]"},
};

static const struct kr_redact_ctx contexts[P__COUNT] = {
    [P_NONE] = {0},
    [P_SAKURA] = {sakura_names, CHECK_N(sakura_names), sakura_domains, CHECK_N(sakura_domains),
                  sakura_persons, CHECK_N(sakura_persons), sakura_cidrs, CHECK_N(sakura_cidrs),
                  sakura_patterns, CHECK_N(sakura_patterns), false},
};

static struct kr_redactor *redactors[P__COUNT];

/* ---- scrubbing texts ---- */

struct text_case {
	const char *name;
	enum preset ctx;
	const char *in;
	const char *out;   /* NULL: same as in */
	const char *kinds; /* finding kinds in order, comma-separated; "" none */
};

static const struct text_case text_cases[] = {
    /* organisation names */
    {"ja org name", P_SAKURA, "さくら銀行の情報システム部です。", "[組織]の情報システム部です。",
     "org-name"},
    {"en org name, any case", P_SAKURA, "We at SAKURA BANK saw this.", "We at [ORG] saw this.",
     "org-name"},
    {"org name without its space", P_SAKURA, "sakurabank was hit", "[ORG] was hit", "org-name"},
    {"org name with hyphen", P_SAKURA, "the Sakura-Bank SOC", "the [ORG] SOC", "org-name"},
    {"org name wrapped", P_SAKURA, "thanks to Sakura\nBank staff", "thanks to [ORG] staff",
     "org-name"},
    {"org name full-width", P_SAKURA, "ＳＡＫＵＲＡ　ＢＡＮＫ社内", "[組織]社内", "org-name"},
    {"short form keeps USB SB2 SBI", P_SAKURA, "USB drive, SB2 unit, SBI, and SB staff",
     "USB drive, SB2 unit, SBI, and [ORG] staff", "org-name"},
    {"short form next to kanji", P_SAKURA, "SB社とSBの関係", "[組織]社と[組織]の関係", "org-name"},
    {"short form full-width", P_SAKURA, "ＳＢ社の件", "[組織]社の件", "org-name"},
    {"short form in brackets", P_SAKURA, "(SB) [SB] 「SB」", "([組織]) [[組織]] 「[組織]」",
     "org-name"},
    {"term inside a longer word", P_SAKURA, "Sakura Banking Corp and sakurabanks", NULL, ""},

    /* domains and hosts */
    {"domain", P_SAKURA, "see sakura-bank.example.jp for details", "see [DOMAIN] for details",
     "domain"},
    {"subdomain host", P_SAKURA, "vpn.sakura-bank.example.jp を経由", "[ドメイン] を経由",
     "domain"},
    {"host name in a log line", P_SAKURA,
     "Jan 12 10:01:02 fw01.tokyo.sakura-bank.example.jp sshd[812]: Failed password",
     "Jan 12 10:01:02 [DOMAIN] sshd[812]: Failed password", "domain"},
    {"domain upper case", P_SAKURA, "MAIL.SAKURA-BK.EXAMPLE", "[DOMAIN]", "domain"},
    {"domain full-width", P_SAKURA, "ｓａｋｕｒａ－ｂｋ．ｅｘａｍｐｌｅ　にて", "[ドメイン]　にて",
     "domain"},
    {"look-alike label kept", P_SAKURA, "login-sakura-bk.example is phishing", NULL, ""},
    {"registered domain as a prefix", P_SAKURA, "sakura-bk.example.evil.test", "[DOMAIN].evil.test",
     "domain"},
    {"domain end of sentence", P_SAKURA, "Mail us at sakura-bk.example.", "Mail us at [DOMAIN].",
     "domain"},
    {"defanged host", P_SAKURA, "vpn[.]sakura-bank[.]example[.]jp", "[DOMAIN]", "domain"},
    {"defanged host [dot]", P_SAKURA, "vpn[dot]sakura-bank(DOT)example{.}jp", "[DOMAIN]", "domain"},
    {"word dot is not folded", P_SAKURA, "Polka dot dress", NULL, ""},

    /* URLs */
    {"url under the domain", P_SAKURA,
     "https://vpn.sakura-bank.example.jp/remote/login?lang=ja にアクセス", "[URL] にアクセス",
     "url"},
    {"url with port and fragment", P_SAKURA, "(see https://wiki.sakura-bk.example:8443/sec#ir).",
     "(see [URL]).", "url"},
    {"url without scheme", P_SAKURA, "portal.sakura-bank.example.jp/hr/list", "[URL]", "url"},
    {"url with internal host", P_SAKURA, "admin at http://10.1.2.3:8080/admin, then",
     "admin at [URL], then", "url"},
    {"url with user info", P_SAKURA, "https://admin:pw@vpn.sakura-bank.example.jp/", "[URL]",
     "url"},
    {"url with internal IPv6 host", P_NONE, "GET http://[fd00::1]:8080/x ok", "GET [URL] ok",
     "url"},
    {"defanged url", P_SAKURA, "hxxps://vpn[.]sakura-bank[.]example[.]jp/login", "[URL]", "url"},
    {"public url kept", P_SAKURA, "payload from https://cdn.evil.example/a.zip", NULL, ""},

    /* people */
    {"ja person with space", P_SAKURA, "担当：佐藤 花子", "担当：[人名]", "person"},
    {"ja person without space", P_SAKURA, "佐藤花子が対応しました", "[人名]が対応しました",
     "person"},
    {"ja person wide space", P_SAKURA, "佐藤　花子", "[人名]", "person"},
    {"ja person middle dot", P_SAKURA, "鈴木・一郎さん", "[人名]さん", "person"},
    {"en person reversed", P_SAKURA, "Contact: SATO Hanako", "Contact: [PERSON]", "person"},
    {"en person as user name", P_SAKURA, "user=hanako.sato logged in", "user=[PERSON] logged in",
     "person"},
    {"family name alone kept", P_SAKURA, "佐藤さん", NULL, ""},

    /* e-mail */
    {"email", P_SAKURA, "連絡先: taro.yamada@example.com", "連絡先: [メール]", "email"},
    {"email full-width at", P_SAKURA, "taro＠example.co.jp", "[EMAIL]", "email"},
    {"email under the domain is one placeholder", P_SAKURA,
     "mail hanako.sato@sakura-bank.example.jp now", "mail [EMAIL] now", "email"},
    {"email defanged", P_SAKURA, "jiro[@]example.org", "[EMAIL]", "email"},
    {"email defanged [at] [dot]", P_SAKURA, "連絡は jiro[at]example[dot]org へ",
     "連絡は [メール] へ", "email"},
    {"email defanged (at) {@}", P_SAKURA, "jiro(AT)example.org, hana{@}example.org",
     "[EMAIL], [EMAIL]", "email,email"},
    {"not an email", P_SAKURA, "@channel and user@localhost", NULL, ""},

    /* phone numbers */
    {"phone tel and fax", P_NONE, "TEL 03-1234-5678 / FAX 03-1234-5679",
     "TEL [PHONE] / FAX [PHONE]", "phone,phone"},
    {"phone free dial", P_NONE, "フリーダイヤル 0120-123-456", "フリーダイヤル [電話番号]",
     "phone"},
    {"phone mobile", P_NONE, "携帯 090-1234-5678 まで", "携帯 [電話番号] まで", "phone"},
    {"phone brackets", P_NONE, "(03)1234-5678 and 03(1234)5678", "[PHONE] and [PHONE]",
     "phone,phone"},
    {"phone regional", P_NONE, "0466-12-3456", "[PHONE]", "phone"},
    {"phone digits only", P_NONE, "call 0312345678 or 09012345678", "call [PHONE] or [PHONE]",
     "phone,phone"},
    {"phone +81", P_NONE, "+81-3-1234-5678, +81 90 1234 5678", "[PHONE], [PHONE]", "phone,phone"},
    {"phone +81 trunk", P_NONE, "+81 (0)3-1234-5678", "[PHONE]", "phone"},
    {"phone +81 in brackets", P_NONE, "(+81)3-1234-5678", "[PHONE]", "phone"},
    {"phone international", P_NONE, "+1 415 555 0100 or +44 20 7946 0958", "[PHONE] or [PHONE]",
     "phone,phone"},
    {"phone full-width", P_NONE, "電話：０３－１２３４－５６７８", "電話：[電話番号]", "phone"},
    {"phone choon hyphen", P_NONE, "TEL 03ー1234ー5678", "TEL [PHONE]", "phone"},
    {"phone minus sign", P_NONE, "03−1234−5678", "[PHONE]", "phone"},
    {"phone hyphen U+2010", P_NONE, "03‐1234‐5678", "[PHONE]", "phone"},
    {"phone full-width brackets", P_NONE, "（０３）１２３４－５６７８（代表）",
     "[電話番号]（代表）", "phone"},
    {"two phones", P_NONE, "03-1234-5678 090-1234-5678", "[PHONE] [PHONE]", "phone,phone"},
    {"not phones", P_NONE, "2024-03-15 09:30 v10.0.3 build 0123 ID 0312345678901234", NULL, ""},
    {"choon in words kept", P_NONE, "サーバーのメモリー", NULL, ""},

    /* postal codes */
    {"postcode", P_NONE, "〒123-4567 東京都", "[郵便番号] 東京都", "postcode"},
    {"postcode full-width", P_NONE, "〒１２３－４５６７", "[郵便番号]", "postcode"},
    {"postcode after label", P_NONE, "郵便番号：123-4567", "郵便番号：[郵便番号]", "postcode"},
    {"bare postcode kept", P_NONE, "ticket 123-4567 closed", NULL, ""},

    /* internal addresses */
    {"internal IPv4 ranges", P_NONE,
     "10.0.0.1 172.16.5.4 192.168.1.1 127.0.0.1 169.254.0.9 100.64.1.1",
     "[INTERNAL-IP] [INTERNAL-IP] [INTERNAL-IP] [INTERNAL-IP] [INTERNAL-IP] [INTERNAL-IP]",
     "internal-ip,internal-ip,internal-ip,internal-ip,internal-ip,internal-ip"},
    {"range edges kept", P_NONE, "172.32.0.1 100.128.0.1 192.169.0.1 10.0.0.256 1.10.0.0.1", NULL,
     ""},
    {"public IPv4 kept", P_SAKURA, "C2 198.51.100.23 and 203.0.113.200", NULL, ""},
    {"own IPv4 range", P_SAKURA, "our gateway 203.0.113.5", "our gateway [INTERNAL-IP]",
     "internal-ip"},
    {"IPv4 CIDR", P_NONE, "segment 10.20.0.0/16 only", "segment [INTERNAL-IP] only", "internal-ip"},
    {"IPv4 in japanese log", P_NONE, "送信元 192.168.10.23 から", "送信元 [内部IP] から",
     "internal-ip"},
    {"IPv6 internal", P_NONE, "fd00:1234::5 fe80::1%eth0 ::1 2001:db8::bad",
     "[INTERNAL-IP] [INTERNAL-IP] [INTERNAL-IP] 2001:db8::bad",
     "internal-ip,internal-ip,internal-ip"},
    {"IPv6 own range", P_SAKURA, "2001:db8:5a::10", "[INTERNAL-IP]", "internal-ip"},
    {"IPv6 v4-mapped", P_NONE, "::ffff:192.168.0.1", "[INTERNAL-IP]", "internal-ip"},
    {"not IPv6", P_NONE, "12:34:56 std::vector deadbeef", NULL, ""},

    /* custom patterns */
    {"custom pattern", P_SAKURA, "案件PRJ-2024の件", "案件[案件]の件", "custom:project"},
    {"custom full-width", P_SAKURA, "ＰＲＪ－１２３４", "[案件]", "custom:project"},

    /* overlaps, adjacency, language */
    {"adjacent matches", P_SAKURA, "さくら銀行佐藤花子", "[組織][人名]", "org-name,person"},
    {"name inside domain is one placeholder", P_SAKURA, "sakura-bank.example.jp", "[DOMAIN]",
     "domain"},
    {"person inside email is one placeholder", P_SAKURA, "hanako.sato@gmail.example", "[EMAIL]",
     "email"},
    {"english text, japanese name", P_SAKURA, "Reported by さくら銀行", "Reported by [ORG]",
     "org-name"},
    {"nothing but a japanese name", P_SAKURA, "さくら銀行", "[組織]", "org-name"},

    /* byte-identical */
    {"japanese unchanged", P_SAKURA, "フィッシングメールが増加しています。", NULL, ""},
    {"empty", P_SAKURA, "", NULL, ""},
    {"emoji and full-width kept", P_SAKURA, "注意⚠️ ＡＢＣ　テスト\r\n\ttab", NULL,
     ""},
};

/* The kinds of the findings, comma-separated, into buf. */
static void kinds_of(const json_t *findings, char *buf, size_t len)
{
	size_t i, o = 0;
	json_t *f;

	buf[0] = '\0';
	json_array_foreach(findings, i, f)
	{
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "",
		                      json_string_value(json_object_get(f, "kind")));
		if (o >= len)
			break;
	}
}

static void test_texts(void)
{
	for (size_t i = 0; i < CHECK_N(text_cases); i++) {
		const struct text_case *c = &text_cases[i];
		const char *want = c->out ? c->out : c->in;
		json_t *findings = json_array();
		char *out = NULL, kinds[512];

		check_case(c->name);
		CHECK_EQ_INT(redact_text(redactors[c->ctx], "body", c->in, strlen(c->in), NULL,
		                         &out, findings),
		             KR_OK);
		CHECK_STREQ(out, want);
		kinds_of(findings, kinds, sizeof(kinds));
		CHECK_STREQ(kinds, c->kinds);
		free(out);
		json_decref(findings);
	}
	check_case(NULL);
}

/* ---- findings ---- */

static void test_findings(void)
{
	const char *in = "SB and SB and ＳＢ, call 03-1234-5678";
	json_t *findings = json_array(), *f, *pub;
	char *out = NULL;

	check_case("findings aggregate");
	CHECK_EQ_INT(
	    redact_text(redactors[P_SAKURA], "title", in, strlen(in), NULL, &out, findings), KR_OK);
	CHECK_EQ_INT(json_array_size(findings), 2);
	f = json_array_get(findings, 0);
	CHECK_STREQ(json_string_value(json_object_get(f, "kind")), "org-name");
	CHECK_STREQ(json_string_value(json_object_get(f, "field")), "title");
	CHECK_EQ_INT(json_integer_value(json_object_get(f, "offset")), 0);
	CHECK_EQ_INT(json_integer_value(json_object_get(f, "length")), 2);
	CHECK_EQ_INT(json_integer_value(json_object_get(f, "count")), 3);
	CHECK_STREQ(json_string_value(json_object_get(f, "original")), "SB");
	CHECK_EQ_INT(json_array_size(json_object_get(f, "occurrences")), 3);
	CHECK_EQ_INT(json_integer_value(
	                 json_array_get(json_array_get(json_object_get(f, "occurrences"), 2), 0)),
	             14);
	CHECK_EQ_INT(json_integer_value(
	                 json_array_get(json_array_get(json_object_get(f, "occurrences"), 2), 1)),
	             6);

	check_case("findings public");
	pub = redact_findings_public(findings);
	CHECK_EQ_INT(json_array_size(pub), 2);
	f = json_array_get(pub, 0);
	CHECK_EQ_INT(json_object_size(f), 3);
	CHECK_EQ_INT(json_integer_value(json_object_get(f, "count")), 3);
	CHECK_NULL(json_object_get(f, "original"));
	CHECK_NULL(json_object_get(f, "offset"));
	{
		char *dump = json_dumps(pub, JSON_COMPACT);

		CHECK(dump && !strstr(dump, "SB") && !strstr(dump, "03-1234"));
		free(dump);
	}
	json_decref(pub);
	free(out);
	json_decref(findings);
	check_case(NULL);
}

/* ---- the keep list ---- */

struct keep_case {
	const char *name;
	const char *in, *out;
	const char *keep; /* JSON indicators array */
};

static const struct keep_case keep_cases[] = {
    {"attacker email spared", "phish from billing@evil.example and hanako.sato@gmail.example",
     "phish from billing@evil.example and [EMAIL]",
     "[{\"type\":\"email\",\"value\":\"billing@evil.example\",\"role\":\"attacker\"}]"},
    {"attacker typosquat spared", "C2 sakura-bank-login.example and sakura-bank.example.jp",
     "C2 sakura-bank-login.example and [DOMAIN]",
     "[{\"type\":\"domain\",\"value\":\"sakura-bank-login.example\",\"role\":\"attacker\"}]"},
    {"typosquat not kept", "C2 sakura-bank-login.example", "C2 [ORG]-login.example", "[]"},
    {"kept value shorter than the match", "billing@evil.example.net", "[EMAIL]",
     "[{\"type\":\"domain\",\"value\":\"evil.example\"}]"},
};

static void test_keep(void)
{
	for (size_t i = 0; i < CHECK_N(keep_cases); i++) {
		const struct keep_case *c = &keep_cases[i];
		json_t *keep = json_loads(c->keep, 0, NULL);
		char *out = NULL;

		check_case(c->name);
		CHECK_EQ_INT(redact_text(redactors[P_SAKURA], "body", c->in, strlen(c->in), keep,
		                         &out, NULL),
		             KR_OK);
		CHECK_STREQ(out, c->out);
		free(out);
		json_decref(keep);
	}
	check_case(NULL);
}

/* ---- invalid input ---- */

struct bad_case {
	const char *name;
	const char *bytes;
	size_t len; /* 0: strlen */
	enum kr_err rc;
};

static const struct bad_case bad_cases[] = {
    {"lone FF", "abc\xff", 0, KR_EUTF8},
    {"truncated kanji", "さくら\xe9\x8a", 0, KR_EUTF8},
    {"overlong slash", "a\xc0\xaf", 0, KR_EUTF8},
    {"surrogate", "\xed\xa0\x80", 0, KR_EUTF8},
    {"NUL inside", "SB\0SB", 5, KR_EUTF8},
    {"stray continuation", "\x80SB", 0, KR_EUTF8},
};

static void test_invalid(void)
{
	char *out = (char *)"untouched";

	for (size_t i = 0; i < CHECK_N(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		json_t *findings = json_array();

		check_case(c->name);
		CHECK_EQ_INT(redact_text(redactors[P_SAKURA], "body", c->bytes,
		                         c->len ? c->len : strlen(c->bytes), NULL, &out, findings),
		             c->rc);
		CHECK_NULL(out);
		CHECK_EQ_INT(json_array_size(findings), 0);
		json_decref(findings);
	}
	check_case("NULL arguments");
	CHECK_EQ_INT(redact_text(NULL, "body", "x", 1, NULL, &out, NULL), KR_EINVAL);
	CHECK_EQ_INT(redact_text(redactors[P_NONE], "body", "x", 1, NULL, NULL, NULL), KR_EINVAL);
	CHECK_EQ_INT(redact_text(redactors[P_NONE], "body", NULL, 1, NULL, &out, NULL), KR_EINVAL);
	CHECK_EQ_INT(redact_text(redactors[P_NONE], "body", NULL, 0, NULL, &out, NULL), KR_OK);
	CHECK_STREQ(out, "");
	free(out);
	check_case(NULL);
}

/* ---- indicators ---- */

struct ind_case {
	const char *type, *value, *role; /* role NULL: absent */
	const char *expect;              /* "keep", "own-indicator" or "victim-indicator" */
};

static const struct ind_case ind_cases[] = {
    {"ipv4", "198.51.100.7", "attacker", "keep"},
    {"ipv4", "10.1.2.3", "attacker", "own-indicator"},
    {"ipv4", "203.0.113.10", NULL, "own-indicator"},
    {"ipv4", "203.0.113.200", "victim", "victim-indicator"},
    {"ipv4", "192.0.2.1", "unknown", "keep"},
    {"ipv4", "10[.]0[.]0[.]9", "attacker", "own-indicator"},
    {"ipv6", "fe80::1", NULL, "own-indicator"},
    {"ipv6", "2001:db8::1", "attacker", "keep"},
    {"ipv6", "2001:db8:5a::1", "attacker", "own-indicator"},
    {"cidr", "192.168.0.0/16", "attacker", "own-indicator"},
    {"cidr", "198.51.100.0/24", "attacker", "keep"},
    {"domain", "evil.example", "attacker", "keep"},
    {"domain", "mail.sakura-bank.example.jp", "attacker", "own-indicator"},
    {"domain", "sakura-bank.example.jp", NULL, "own-indicator"},
    {"domain", "sakura-bank-login.example", "attacker", "keep"},
    {"domain", "sakurabank-login.example", NULL, "own-indicator"},
    {"domain", "sakurabank-login.example", "victim", "victim-indicator"},
    {"url", "https://vpn.sakura-bank.example.jp/x", "attacker", "own-indicator"},
    {"url", "hxxp://evil[.]example/payload.exe", "attacker", "keep"},
    {"url", "http://192.168.1.1/", "unknown", "own-indicator"},
    {"email", "billing@evil.example", "attacker", "keep"},
    {"email", "hanako.sato@sakura-bank.example.jp", "victim", "own-indicator"},
    {"email", "hanako.sato@gmail.example", NULL, "own-indicator"},
    {"email", "hanako.sato@gmail.example", "attacker", "keep"},
    {"email", "someone@gmail.example", NULL, "keep"},
    {"md5", "44d88612fea8a8f36de82e1278abb02f", "attacker", "keep"},
    {"sha256", "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f", "victim",
     "victim-indicator"},
    {"cve", "CVE-2024-3400", NULL, "keep"},
    {"asn", "AS64500", "victim", "victim-indicator"},
    {"sha1", "3395856ce81f2b7382dee72602f798b642f14140", "attacker", "keep"},
};

static json_t *ind_json(const struct ind_case *c)
{
	json_t *o = json_pack("{s:s, s:s}", "type", c->type, "value", c->value);

	if (c->role)
		json_object_set_new(o, "role", json_string(c->role));
	return o;
}

/* The finding of the indicator at index, or NULL. */
static json_t *finding_at(const json_t *findings, size_t index)
{
	size_t i;
	json_t *f;

	json_array_foreach(findings, i, f)
	{
		if (json_integer_value(json_object_get(f, "offset")) == (json_int_t)index)
			return f;
	}
	return NULL;
}

static void test_indicators(void)
{
	json_t *all = json_array(), *kept = NULL, *findings = json_array();
	size_t k = 0, want = 0, i;

	for (i = 0; i < CHECK_N(ind_cases); i++)
		json_array_append_new(all, ind_json(&ind_cases[i]));
	check_case("indicators");
	CHECK_EQ_INT(redact_indicators(redactors[P_SAKURA], all, &kept, findings), KR_OK);
	for (i = 0; i < CHECK_N(ind_cases); i++) {
		const struct ind_case *c = &ind_cases[i];
		json_t *f = finding_at(findings, i);

		check_case(c->value);
		if (strcmp(c->expect, "keep") == 0) {
			json_t *o = json_array_get(kept, k++);

			/* in order and byte-identical, role and all */
			CHECK(json_equal(o, json_array_get(all, i)));
			CHECK_STREQ(json_string_value(json_object_get(o, "value")), c->value);
			CHECK_NULL(f);
			want++;
			continue;
		}
		CHECK_STREQ(json_string_value(json_object_get(f, "kind")), c->expect);
		CHECK_STREQ(json_string_value(json_object_get(f, "original")), c->value);
		CHECK_STREQ(json_string_value(json_object_get(f, "type")), c->type);
	}
	check_case("indicators counts");
	CHECK_EQ_INT(json_array_size(kept), want);
	CHECK_EQ_INT(json_array_size(findings), CHECK_N(ind_cases) - want);
	json_decref(all);
	json_decref(kept);
	json_decref(findings);
	check_case(NULL);
}

static const char *const bad_indicators[] = {
    "[{\"type\":\"hostname\",\"value\":\"x.example\"}]",
    "[{\"type\":\"domain\",\"value\":\"x.example\",\"role\":\"bystander\"}]",
    "[{\"type\":\"domain\",\"value\":42}]",
    "[\"x.example\"]",
    "{\"type\":\"domain\",\"value\":\"x.example\"}",
};

static void test_bad_indicators(void)
{
	for (size_t i = 0; i < CHECK_N(bad_indicators); i++) {
		json_t *in = json_loads(bad_indicators[i], 0, NULL), *kept = (json_t *)1;
		json_t *findings = json_array();

		check_case(bad_indicators[i]);
		CHECK_EQ_INT(redact_indicators(redactors[P_SAKURA], in, &kept, findings),
		             KR_EINVAL);
		CHECK_NULL(kept);
		CHECK_EQ_INT(json_array_size(findings), 0);
		json_decref(in);
		json_decref(findings);
	}
	check_case(NULL);
}

/* ---- compiling ---- */

struct compile_case {
	const char *name;
	struct kr_redact_ctx ctx;
	const char *err; /* expected prefix of the message */
};

static const char *const one_short[] = {"A"};
static const char *const one_bad_utf8[] = {"\xff\xfe"};
static const char *const one_spaced_domain[] = {"a b.example"};
static const char *const one_bad_cidr[] = {"10.0.0.0/33"};
static const char *const one_word_cidr[] = {"intranet"};
static const struct kr_redact_pattern bad_regex[] = {{"p", "([", "[X]"}};
static const struct kr_redact_pattern empty_regex[] = {{"p", "x*", "[X]"}};
static const struct kr_redact_pattern no_name[] = {{"", "abc", "[X]"}};
static const struct kr_redact_pattern no_placeholder[] = {{"p", "abc", NULL}};

static const struct compile_case compile_cases[] = {
    {"short term", {.names = one_short, .n_names = 1}, "names[0]: too short"},
    {"term not UTF-8", {.persons = one_bad_utf8, .n_persons = 1}, "persons[0]: not valid UTF-8"},
    {"domain with space", {.domains = one_spaced_domain, .n_domains = 1}, "domains[0]:"},
    {"prefix too long", {.own_cidrs = one_bad_cidr, .n_own_cidrs = 1}, "own_cidrs[0]:"},
    {"cidr not an address", {.own_cidrs = one_word_cidr, .n_own_cidrs = 1}, "own_cidrs[0]:"},
    {"bad regex", {.patterns = bad_regex, .n_patterns = 1}, "patterns[0] (p):"},
    {"regex matching empty",
     {.patterns = empty_regex, .n_patterns = 1},
     "patterns[0] (p): matches the empty string"},
    {"pattern without name", {.patterns = no_name, .n_patterns = 1}, "patterns[0] (?):"},
    {"pattern without placeholder",
     {.patterns = no_placeholder, .n_patterns = 1},
     "patterns[0] (p): placeholder"},
};

static void test_compile(void)
{
	for (size_t i = 0; i < CHECK_N(compile_cases); i++) {
		const struct compile_case *c = &compile_cases[i];
		struct kr_redactor *r = (struct kr_redactor *)1;
		char err[256] = "";

		check_case(c->name);
		CHECK_EQ_INT(redact_compile(&c->ctx, &r, err, sizeof(err)), KR_EINVAL);
		CHECK_NULL(r);
		CHECK(strncmp(err, c->err, strlen(c->err)) == 0);
	}
	check_case(NULL);
}

/* ---- profile ---- */

static const struct {
	long employees;
	const char *band;
} band_cases[] = {
    {-5, NULL},
    {0, NULL},
    {1, "1–49"},
    {49, "1–49"},
    {50, "50–99"},
    {99, "50–99"},
    {100, "100–299"},
    {299, "100–299"},
    {300, "300–499"},
    {499, "300–499"},
    {500, "500–999"},
    {900, "500–999"},
    {999, "500–999"},
    {1000, "1,000–4,999"},
    {4999, "1,000–4,999"},
    {5000, "5,000+"},
    {250000, "5,000+"},
};

static const struct {
	const char *name, *in, *standard, *strict;
} profile_cases[] = {
    {"prefecture to region",
     "{\"industry\":\"finance\",\"employees\":900,\"region\":\"JP-13\",\"name\":\"Sakura\"}",
     "{\"industry\":\"finance\",\"size\":\"500–999\",\"region\":\"kanto\"}",
     "{\"industry\":\"finance\",\"size\":\"500–999\"}"},
    {"okinawa", "{\"employees\":12,\"region\":\"JP-47\"}",
     "{\"size\":\"1–49\",\"region\":\"kyushu-okinawa\"}", "{\"size\":\"1–49\"}"},
    {"region name kept", "{\"region\":\"kinki\"}", "{\"region\":\"kinki\"}", "{}"},
    {"unknown region dropped", "{\"industry\":\"energy\",\"region\":\"Tokyo\"}",
     "{\"industry\":\"energy\"}", "{\"industry\":\"energy\"}"},
    {"bad prefecture dropped", "{\"region\":\"JP-48\",\"employees\":0}", "{}", "{}"},
};

static void test_profile(void)
{
	for (size_t i = 0; i < CHECK_N(band_cases); i++) {
		check_case("size band");
		CHECK_STREQ(redact_size_band(band_cases[i].employees), band_cases[i].band);
	}
	for (size_t i = 0; i < CHECK_N(profile_cases); i++) {
		json_t *in = json_loads(profile_cases[i].in, 0, NULL);
		json_t *std = json_loads(profile_cases[i].standard, 0, NULL);
		json_t *strict = json_loads(profile_cases[i].strict, 0, NULL);
		json_t *a = redact_profile(in, false), *b = redact_profile(in, true);

		check_case(profile_cases[i].name);
		CHECK(json_equal(a, std));
		CHECK(json_equal(b, strict));
		json_decref(in);
		json_decref(std);
		json_decref(strict);
		json_decref(a);
		json_decref(b);
	}
	check_case("profile not an object");
	CHECK_NULL(redact_profile(NULL, false));
	check_case(NULL);
}

/* ---- random bytes ---- */

static const char *const fragments[] = {
    "さくら銀行",
    "SB",
    "@",
    ".",
    "-",
    "０",
    "１",
    "－",
    "ー",
    "〒",
    "郵便番号",
    "10.",
    "192.168.",
    "fe80::",
    ":",
    "[.]",
    "[dot]",
    "(at)",
    "{",
    "}",
    "(",
    ")",
    "+81",
    " ",
    "　",
    "https://",
    "sakura-bank.example.jp",
    "/",
    "0",
    "3",
    "9",
    "佐藤",
    "花子",
    "Hanako",
    "Sato",
    "PRJ-",
    "%",
    "＠",
    "x",
    "\n",
    "2001:db8:5a::",
};

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static size_t random_text(uint32_t *seed, char *buf, size_t cap)
{
	size_t n = 0, parts = rnd(seed) % 40;
	char raw;

	for (size_t p = 0; p < parts; p++) {
		const char *frag = fragments[rnd(seed) % CHECK_N(fragments)];
		size_t fl = strlen(frag);

		if (rnd(seed) % 8 == 0) { /* a raw byte, often not UTF-8 */
			raw = (char)(rnd(seed) & 0xFF);
			frag = &raw;
			fl = 1;
		}
		if (n + fl > cap)
			break;
		memcpy(buf + n, frag, fl);
		n += fl;
	}
	return n;
}

/* Every finding starts and ends on a character boundary inside the text. */
static bool boundaries_ok(const char *text, size_t len, const json_t *findings)
{
	size_t i;
	json_t *f;

	json_array_foreach(findings, i, f)
	{
		size_t off = (size_t)json_integer_value(json_object_get(f, "offset"));
		size_t l = (size_t)json_integer_value(json_object_get(f, "length"));

		if (l == 0 || off + l > len || (text[off] & 0xC0) == 0x80 ||
		    (off + l < len && (text[off + l] & 0xC0) == 0x80))
			return false;
	}
	return true;
}

/* The same text as an indicator value, then as the keep list of itself. */
static bool random_indicator(const char *buf, size_t len)
{
	json_t *in = json_pack("[{s:s, s:s%}]", "type", "url", "value", buf, len);
	json_t *kept = NULL;
	char *out = NULL;
	bool ok = in && redact_indicators(redactors[P_SAKURA], in, &kept, NULL) == KR_OK &&
	          redact_text(redactors[P_SAKURA], "body", buf, len, kept, &out, NULL) == KR_OK;

	free(out);
	json_decref(kept);
	json_decref(in);
	return ok;
}

static void test_random(void)
{
	uint32_t seed = 0x6b616972;
	int bad = 0, valid = 0;
	char buf[512];

	check_case("random bytes");
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = random_text(&seed, buf, sizeof(buf));
		json_t *findings = json_array();
		char *out = NULL;
		enum kr_err rc =
		    redact_text(redactors[P_SAKURA], "body", buf, len, NULL, &out, findings);

		if (kr_utf8_valid(buf, len)) {
			valid++;
			bad += rc != KR_OK || !out || !kr_utf8_valid(out, strlen(out)) ||
			       !boundaries_ok(buf, len, findings);
			bad += !random_indicator(buf, len);
		} else {
			bad += rc != KR_EUTF8 || out != NULL;
		}
		free(out);
		json_decref(findings);
	}
	CHECK_EQ_INT(bad, 0);
	CHECK(valid > 1000);
	check_case(NULL);
}

/* patterns_only: the policy's custom patterns alone, for text published as
 * written (an event's venue, organiser and contact). */
static void test_patterns_only(void)
{
	struct kr_redact_ctx ctx = contexts[P_SAKURA];
	static const struct {
		const char *in, *out;
	} rows[] = {
	    {"申込: seminar@sakura-bank.example.jp / 045-123-4567",
	     "申込: seminar@sakura-bank.example.jp / 045-123-4567"},
	    {"さくら銀行 本店 3F 会議室 (佐藤 花子)", "さくら銀行 本店 3F 会議室 (佐藤 花子)"},
	    {"案件 PRJ-1234 の報告会", "案件 [案件] の報告会"},
	    {"https://vpn.sakura-bank.example.jp/seminar 10.1.2.3",
	     "https://vpn.sakura-bank.example.jp/seminar 10.1.2.3"},
	};
	struct kr_redactor *r = NULL;
	char err[256] = "";

	ctx.patterns_only = true;
	check_case("patterns_only");
	if (!CHECK_EQ_INT(redact_compile(&ctx, &r, err, sizeof(err)), KR_OK))
		return;
	for (size_t i = 0; i < CHECK_N(rows); i++) {
		char *out = NULL;

		check_case(rows[i].in);
		CHECK_EQ_INT(
		    redact_text(r, "contact", rows[i].in, strlen(rows[i].in), NULL, &out, NULL),
		    KR_OK);
		CHECK_STREQ(out, rows[i].out);
		free(out);
	}
	check_case(NULL);
	redact_free(r);
}

/* Victim-side indicator values: their mentions go, plain, defanged or
 * full-width, at word boundaries; the placeholder follows the text's
 * language. */
static void test_victims(void)
{
	static const char *const victims[] = {"203.0.113.77", "partner-shoji.example"};
	struct kr_redact_ctx ctx = contexts[P_SAKURA];
	static const struct {
		const char *in, *out;
	} rows[] = {
	    {"侵入先 203.0.113.77 を確認", "侵入先 [被害側の指標] を確認"},
	    {"侵入先 203[.]0[.]113[.]77 を確認", "侵入先 [被害側の指標] を確認"},
	    {"侵入先 ２０３．０．１１３．７７ を確認", "侵入先 [被害側の指標] を確認"},
	    {"Seen at partner-shoji.example today", "Seen at [VICTIM-INDICATOR] today"},
	    {"203.0.113.770 is another address", "203.0.113.770 is another address"},
	    {"from 198.51.100.9 only", "from 198.51.100.9 only"},
	};
	struct kr_redactor *r = NULL;
	char err[256] = "";

	ctx.victims = victims;
	ctx.n_victims = CHECK_N(victims);
	check_case("victims");
	if (!CHECK_EQ_INT(redact_compile(&ctx, &r, err, sizeof(err)), KR_OK))
		return;
	for (size_t i = 0; i < CHECK_N(rows); i++) {
		char *out = NULL;

		check_case(rows[i].in);
		CHECK_EQ_INT(
		    redact_text(r, "body", rows[i].in, strlen(rows[i].in), NULL, &out, NULL),
		    KR_OK);
		CHECK_STREQ(out, rows[i].out);
		free(out);
	}
	check_case(NULL);
	redact_free(r);
}

int main(void)
{
	for (int p = 0; p < P__COUNT; p++) {
		char err[256] = "";

		check_case("compile presets");
		CHECK_EQ_INT(redact_compile(&contexts[p], &redactors[p], err, sizeof(err)), KR_OK);
		if (err[0])
			fprintf(stderr, "%s\n", err);
	}
	if (!redactors[P_NONE] || !redactors[P_SAKURA])
		return check_finish();
	test_texts();
	test_findings();
	test_keep();
	test_invalid();
	test_indicators();
	test_bad_indicators();
	test_compile();
	test_profile();
	test_random();
	test_victims();
	test_patterns_only();
	for (int p = 0; p < P__COUNT; p++)
		redact_free(redactors[p]);
	return check_finish();
}
