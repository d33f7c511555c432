/*
 * model.c - label tables for kairan's vocabulary (see model.h).
 */
#include "model.h"

#include <stddef.h>
#include <string.h>

/* Each table is indexed by enum value; index 0 (the NONE value) is NULL. */
static const char *const tlp_names[] = {NULL, "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
static const char *const kind_names[] = {NULL,    "threat", "practice",
                                         "alert", "event",  "assessment"};
static const char *const role_names[] = {NULL, "member", "moderator", "organizer", "observer"};
static const char *const circle_kind_names[] = {NULL, "sector", "cross-sector", "regional",
                                                "public"};
static const char *const status_names[] = {NULL, "pending", "published", "rejected", "retracted"};
static const char *const ind_type_names[] = {NULL,  "ipv4",  "ipv6",  "cidr", "domain",
                                             "url", "email", "md5",   "sha1", "sha256",
                                             "cve", "asn",   "sha512"};
static const char *const ind_role_names[] = {NULL, "attacker", "victim", "unknown"};
static const char *const severity_names[] = {NULL, "info", "low", "medium", "high", "critical"};
static const char *const maturity_names[] = {NULL, "A", "B", "C"};
static const char *const sector_names[] = {
    NULL,         "agriculture", "construction", "manufacturing", "energy",   "it-telecom",
    "transport",  "retail",      "finance",      "real-estate",   "services", "hospitality",
    "healthcare", "education",   "government",   "other"};
static const char *const sector_labels_ja[] = {
    NULL,         "農林水産",   "建設",       "製造",   "エネルギー・水道", "情報通信",
    "運輸・郵便", "卸売・小売", "金融・保険", "不動産", "サービス",         "宿泊・飲食",
    "医療・福祉", "教育",       "公務",       "その他"};
static const char *const sector_jsic_ja[] = {NULL,
                                             "農林水産業",
                                             "建設業",
                                             "製造業",
                                             "電気・ガス・熱供給・水道業",
                                             "情報通信業",
                                             "運輸業・郵便業",
                                             "卸売業・小売業",
                                             "金融業・保険業",
                                             "不動産業・物品賃貸業",
                                             "学術研究・専門・技術サービス業、その他のサービス業",
                                             "宿泊業・飲食サービス業",
                                             "医療・福祉",
                                             "教育・学習支援業",
                                             "公務",
                                             "その他"};
static const char *const directive_labels_ja[] = {
    NULL,
    "リスク認識・方針策定", /* 1: サイバーセキュリティリスクの認識、組織全体での対応方針の策定 */
    "管理体制の構築",       /* 2: サイバーセキュリティリスク管理体制の構築 */
    "資源の確保",           /* 3: 対策のための資源（予算、人材等）の確保 */
    "リスク把握・対応計画", /* 4: リスクの把握とリスク対応に関する計画の策定 */
    "対策の仕組みの構築",   /* 5: リスクに効果的に対応する仕組みの構築 */
    "PDCAによる継続的改善", /* 6: PDCAサイクルによる対策の継続的改善 */
    "緊急対応体制",         /* 7: インシデント発生時の緊急対応体制の整備 */
    "事業継続・復旧体制",   /* 8: 被害に備えた事業継続・復旧体制の整備 */
    "サプライチェーン対策", /* 9: サプライチェーン全体の状況把握及び対策 */
    "情報の収集・共有・開示", /* 10: 情報の収集、共有及び開示の促進 */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int lookup(const char *const *names, size_t n, const char *s)
{
	if (!s)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return 0;
}

static const char *name_of(const char *const *names, size_t n, int v)
{
	if (v <= 0 || (size_t)v >= n)
		return NULL;
	return names[v];
}

#define KR_LABEL_FUNCS(T, prefix, table)                                                           \
	T prefix##_parse(const char *s)                                                            \
	{                                                                                          \
		return (T)lookup(table, N(table), s);                                              \
	}                                                                                          \
	const char *prefix##_name(T v)                                                             \
	{                                                                                          \
		return name_of(table, N(table), (int)v);                                           \
	}

KR_LABEL_FUNCS(enum kr_tlp, kr_tlp, tlp_names)
KR_LABEL_FUNCS(enum kr_kind, kr_kind, kind_names)
KR_LABEL_FUNCS(enum kr_role, kr_role, role_names)
KR_LABEL_FUNCS(enum kr_circle_kind, kr_circle_kind, circle_kind_names)
KR_LABEL_FUNCS(enum kr_status, kr_status, status_names)
KR_LABEL_FUNCS(enum kr_ind_type, kr_ind_type, ind_type_names)
KR_LABEL_FUNCS(enum kr_ind_role, kr_ind_role, ind_role_names)
KR_LABEL_FUNCS(enum kr_severity, kr_severity, severity_names)
KR_LABEL_FUNCS(enum kr_maturity, kr_maturity, maturity_names)
KR_LABEL_FUNCS(enum kr_sector, kr_sector, sector_names)

_Static_assert(N(sector_names) == KR_SECTOR_COUNT + 1, "one name per sector");
_Static_assert(N(sector_labels_ja) == N(sector_names), "one Japanese label per sector");
_Static_assert(N(sector_jsic_ja) == N(sector_names), "one JSIC name per sector");
_Static_assert(N(directive_labels_ja) == KR_DIRECTIVES + 1, "one label per directive");

const char *kr_sector_label_ja(enum kr_sector v)
{
	return name_of(sector_labels_ja, N(sector_labels_ja), (int)v);
}

const char *kr_sector_jsic_ja(enum kr_sector v)
{
	return name_of(sector_jsic_ja, N(sector_jsic_ja), (int)v);
}

enum kr_sector kr_sector_from_text(const char *s)
{
	int v = lookup(sector_names, N(sector_names), s);

	if (!v)
		v = lookup(sector_labels_ja, N(sector_labels_ja), s);
	if (!v)
		v = lookup(sector_jsic_ja, N(sector_jsic_ja), s);
	return (enum kr_sector)v;
}

const char *kr_directive_label_ja(int d)
{
	return name_of(directive_labels_ja, N(directive_labels_ja), d);
}
