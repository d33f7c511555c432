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

/* Parse a label (exact, case-sensitive). NULL or unknown -> *_NONE. */
enum kr_tlp kr_tlp_parse(const char *s);
enum kr_kind kr_kind_parse(const char *s);
enum kr_role kr_role_parse(const char *s);
enum kr_circle_kind kr_circle_kind_parse(const char *s);
enum kr_status kr_status_parse(const char *s);
enum kr_ind_type kr_ind_type_parse(const char *s);
enum kr_ind_role kr_ind_role_parse(const char *s);
enum kr_severity kr_severity_parse(const char *s);

/* Canonical name of a value; static string. *_NONE and out-of-range -> NULL. */
const char *kr_tlp_name(enum kr_tlp v);
const char *kr_kind_name(enum kr_kind v);
const char *kr_role_name(enum kr_role v);
const char *kr_circle_kind_name(enum kr_circle_kind v);
const char *kr_status_name(enum kr_status v);
const char *kr_ind_type_name(enum kr_ind_type v);
const char *kr_ind_role_name(enum kr_ind_role v);
const char *kr_severity_name(enum kr_severity v);

#endif
