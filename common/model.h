/*
 * model.h - kairan's vocabulary: TLP labels, item kinds, circle roles,
 * circle kinds, item statuses and indicator types, with strict parsing.
 *
 * Every parse function fails closed: an unknown or missing label returns
 * the *_NONE value (0), which no policy decision ever allows. Nothing is
 * defaulted silently.
 */
#ifndef KR_MODEL_H
#define KR_MODEL_H

enum kr_tlp {
	KR_TLP_NONE = 0,
	KR_TLP_CLEAR,
	KR_TLP_GREEN,
	KR_TLP_AMBER,
	KR_TLP_AMBER_STRICT,
	KR_TLP_RED,
};

enum kr_kind {
	KR_KIND_NONE = 0,
	KR_KIND_THREAT,
	KR_KIND_PRACTICE,
	KR_KIND_ALERT,
	KR_KIND_EVENT,
	KR_KIND_ASSESSMENT,
};

enum kr_role {
	KR_ROLE_NONE = 0,
	KR_ROLE_MEMBER,
	KR_ROLE_MODERATOR,
	KR_ROLE_ORGANIZER,
	KR_ROLE_OBSERVER,
};

enum kr_circle_kind {
	KR_CIRCLE_NONE = 0,
	KR_CIRCLE_SECTOR,
	KR_CIRCLE_CROSS_SECTOR,
	KR_CIRCLE_REGIONAL,
	KR_CIRCLE_PUBLIC,
};

enum kr_status {
	KR_STATUS_NONE = 0,
	KR_STATUS_PENDING,
	KR_STATUS_PUBLISHED,
	KR_STATUS_REJECTED,
	KR_STATUS_RETRACTED,
};

enum kr_ind_type {
	KR_IND_NONE = 0,
	KR_IND_IPV4,
	KR_IND_IPV6,
	KR_IND_CIDR,
	KR_IND_DOMAIN,
	KR_IND_URL,
	KR_IND_EMAIL,
	KR_IND_MD5,
	KR_IND_SHA1,
	KR_IND_SHA256,
	KR_IND_CVE,
	KR_IND_ASN,
	KR_IND_SHA512, /* SHA-512 file hash: the fourth digest tools and STIX (file:hashes) use */
};

enum kr_ind_role {
	KR_INDROLE_NONE = 0,
	KR_INDROLE_ATTACKER,
	KR_INDROLE_VICTIM,
	KR_INDROLE_UNKNOWN,
};

enum kr_severity {
	KR_SEV_NONE = 0,
	KR_SEV_INFO,
	KR_SEV_LOW,
	KR_SEV_MEDIUM,
	KR_SEV_HIGH,
	KR_SEV_CRITICAL,
};

/* Maturity category of a self-assessment (Cybersecurity Management
 * Guidelines v3.0 self-assessments place a company in A, B or C). */
enum kr_maturity {
	KR_MATURITY_NONE = 0,
	KR_MATURITY_A,
	KR_MATURITY_B,
	KR_MATURITY_C,
};

/*
 * Sector (industry) of an organisation: the one vocabulary for the
 * self-assessment benchmark's `sector` and practice reports' `industry`,
 * after the major divisions of the Japan Standard Industrial Classification
 * (日本標準産業分類), merged where members do not need the difference (every
 * extra sector splits a circle's benchmark into groups too small to
 * release). Codes are the wire form; each has a short Japanese label for
 * tables (kr_sector_label_ja) and its JSIC name (kr_sector_jsic_ja).
 */
enum kr_sector {
	KR_SECTOR_NONE = 0,
	KR_SECTOR_AGRICULTURE,   /* 農林水産業 */
	KR_SECTOR_CONSTRUCTION,  /* 建設業 */
	KR_SECTOR_MANUFACTURING, /* 製造業 */
	KR_SECTOR_ENERGY,        /* 電気・ガス・熱供給・水道業 */
	KR_SECTOR_IT_TELECOM,    /* 情報通信業 */
	KR_SECTOR_TRANSPORT,     /* 運輸業・郵便業 */
	KR_SECTOR_RETAIL,        /* 卸売業・小売業 */
	KR_SECTOR_FINANCE,       /* 金融業・保険業 */
	KR_SECTOR_REAL_ESTATE,   /* 不動産業・物品賃貸業 */
	KR_SECTOR_SERVICES, /* 学術研究・専門・技術サービス業、その他のサービス業 */
	KR_SECTOR_HOSPITALITY, /* 宿泊業・飲食サービス業 */
	KR_SECTOR_HEALTHCARE,  /* 医療・福祉 */
	KR_SECTOR_EDUCATION,   /* 教育・学習支援業 */
	KR_SECTOR_GOVERNMENT,  /* 公務 */
	KR_SECTOR_OTHER,       /* その他 */
};

#define KR_SECTOR_COUNT 15 /* KR_SECTOR_AGRICULTURE .. KR_SECTOR_OTHER */

/* The 10 directives (指示1..指示10) of the Cybersecurity Management
 * Guidelines v3.0, numbered 1..KR_DIRECTIVES. */
#define KR_DIRECTIVES 10

/* Parse a label (exact, case-sensitive). NULL or unknown -> *_NONE. */
enum kr_tlp kr_tlp_parse(const char *s);
enum kr_kind kr_kind_parse(const char *s);
enum kr_role kr_role_parse(const char *s);
enum kr_circle_kind kr_circle_kind_parse(const char *s);
enum kr_status kr_status_parse(const char *s);
enum kr_ind_type kr_ind_type_parse(const char *s);
enum kr_ind_role kr_ind_role_parse(const char *s);
enum kr_severity kr_severity_parse(const char *s);
enum kr_maturity kr_maturity_parse(const char *s);
enum kr_sector kr_sector_parse(const char *s);

/* Canonical name of a value; static string. *_NONE and out-of-range -> NULL. */
const char *kr_tlp_name(enum kr_tlp v);
const char *kr_kind_name(enum kr_kind v);
const char *kr_role_name(enum kr_role v);
const char *kr_circle_kind_name(enum kr_circle_kind v);
const char *kr_status_name(enum kr_status v);
const char *kr_ind_type_name(enum kr_ind_type v);
const char *kr_ind_role_name(enum kr_ind_role v);
const char *kr_severity_name(enum kr_severity v);
const char *kr_maturity_name(enum kr_maturity v);
const char *kr_sector_name(enum kr_sector v);

/* Short Japanese label of a sector for tables ("金融・保険"); NULL for
 * *_NONE and out of range. */
const char *kr_sector_label_ja(enum kr_sector v);

/* The sector's JSIC major division name ("金融業・保険業"); NULL likewise. */
const char *kr_sector_jsic_ja(enum kr_sector v);

/* A sector from its code, its short Japanese label or its JSIC name (for
 * files people write); *_NONE when none matches exactly. */
enum kr_sector kr_sector_from_text(const char *s);

/* Short Japanese label of directive d (1..KR_DIRECTIVES), e.g. 7 ->
 * "緊急対応体制"; NULL out of range. The full titles are in README.md. */
const char *kr_directive_label_ja(int d);

#endif
