/*
 * taxii_proto.h - the pure parts of the TAXII 2.1 read side: timestamps,
 * Accept negotiation, Authorization parsing, the match[...] filters, the
 * opaque `next` token and collection ids.
 *
 * No I/O and no access decisions: taxii.c reads the request, asks reader.c
 * about every item and calls these. Everything here is table-tested in
 * tests/unit/test_taxii_proto.c.
 *
 * date_added. An object's date_added is derived from its item: the circle's
 * publication clock at the item (the latest `created`, as readers see it,
 * among the items of the collection as this reader has it, up to and
 * including this one, so it never goes backwards even for an item a moderator
 * approved late) plus the item's hub cursor in microseconds, which makes it
 * unique and strictly increasing in cursor order. It is therefore never
 * more precise than the circle's `created` (an hour, or a day), and a
 * client that polls with added_after = the last date_added it saw misses
 * nothing and gets nothing twice.
 */
#ifndef KR_TAXII_PROTO_H
#define KR_TAXII_PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TAXII_MEDIA_TYPE "application/taxii+json;version=2.1"
#define STIX_MEDIA_TYPE  "application/stix+json;version=2.1"

#define TAXII_TS_LEN 27 /* "2024-05-01T10:00:00.000123Z" */

/* date_added in microseconds since the epoch (see above). */
int64_t taxii_date_added(int64_t clock_seconds, int64_t cursor);

/* Format microseconds since the epoch as an RFC 3339 UTC timestamp with
 * six fraction digits. */
void taxii_ts_format(int64_t us, char out[TAXII_TS_LEN + 1]);

/*
 * Parse an RFC 3339 UTC timestamp ("YYYY-MM-DDTHH:MM:SS[.fraction]Z",
 * years 1970-9999) into microseconds since the epoch; digits beyond the
 * microsecond are dropped (rounding down keeps "date_added > t" exact).
 * false when s is not such a timestamp.
 */
bool taxii_ts_parse(const char *s, int64_t *us);

/*
 * Does an Accept header allow a TAXII 2.1 response? NULL or empty (no
 * header), "*\/\*", "application/\*", "application/taxii+json" with no
 * version or version=2.1 do, unless given q=0; anything else (another
 * version, application/json, application/stix+json) does not (406).
 */
bool taxii_accept_ok(const char *accept);

enum taxii_cred {
	TAXII_CRED_NONE = 0, /* no Authorization header */
	TAXII_CRED_BEARER,   /* Bearer TOKEN */
	TAXII_CRED_BASIC,    /* Basic base64(user:TOKEN) */
	TAXII_CRED_BAD,      /* present but not one of those, or malformed */
};

/*
 * Split an Authorization header value (NULL: none). For Basic, user gets
 * the user name and token the password; for Bearer, user is empty.
 * Buffers that are too small make the credentials TAXII_CRED_BAD.
 */
enum taxii_cred taxii_credentials(const char *authz, char *user, size_t ulen, char *token,
                                  size_t tlen);

#define TAXII_LIST_MAX 64

/* A comma-separated match[...] value, split (borrowed from a buffer the
 * caller keeps alive). */
struct taxii_list {
	const char *v[TAXII_LIST_MAX];
	size_t n;
};

/* Split text in place at commas (spaces around values trimmed). false when
 * a value is empty or there are more than TAXII_LIST_MAX. */
bool taxii_list_split(char *text, struct taxii_list *out);

/* What a request asks for beyond its collection. Empty lists: no filter. */
struct taxii_filter {
	bool has_added_after;
	int64_t added_after; /* microseconds */
	struct taxii_list type, id, version, spec_version;
};

/* Check the match[version] values: "first", "last", "all" or timestamps. */
bool taxii_versions_valid(const struct taxii_list *versions);

/*
 * Does a STIX object pass the match[type], match[id], match[version] and
 * match[spec_version] filters? Each object here has exactly one version
 * (its `modified`, else `created`), so "first", "last" and "all" all keep
 * it, and a timestamp keeps it when it is that version.
 */
bool taxii_object_matches(const struct taxii_filter *f, const json_t *obj);

/* The version of a STIX object (modified, else created), or NULL. */
const char *taxii_object_version(const json_t *obj);

/* Which listing a `next` token continues. */
enum taxii_mode {
	TAXII_MODE_OBJECTS = 1,
	TAXII_MODE_MANIFEST = 2,
	TAXII_MODE_OBJECT = 3, /* objects/{object-id}/ */
};

/*
 * Where a listing continues: items with cursor >= from, of which the item
 * at `from`, if it is listed, skips its first `skip` matching objects;
 * clock is the publication clock before `from`; now freezes indicator
 * expiry for the whole listing. The token also binds the collection, the
 * user, the listing and a digest of its filters.
 */
struct taxii_pos {
	enum taxii_mode mode;
	int64_t circle_id;
	int64_t user_id;
	int64_t from;
	uint32_t skip;
	int64_t clock;
	int64_t now;
	unsigned char filter[8];
};

#define TAXII_NEXT_LEN 94 /* base64url of 54 bytes + a 16-byte MAC */

/* Digest of the filter parameters as the client sent them (canonical text). */
void taxii_filter_digest(const char *canonical, size_t len, unsigned char out[8]);

/* The opaque token for p, authenticated with key. false on failure. */
bool taxii_next_encode(const unsigned char key[32], const struct taxii_pos *p,
                       char out[TAXII_NEXT_LEN + 1]);

/* Decode and authenticate a token; false for anything not made by
 * taxii_next_encode() with this key. */
bool taxii_next_decode(const unsigned char key[32], const char *token, struct taxii_pos *p);

/* The collection id of a circle: UUIDv5 of its key in kairan's namespace
 * (see schema/PROTOCOL.md), lower-case, 36 characters. false (out empty)
 * when the digest failed. */
bool taxii_collection_id(const char *circle_key, char out[37]);

#endif
