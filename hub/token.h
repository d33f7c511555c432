/*
 * token.h - bearer tokens: generation from OpenSSL's CSPRNG, hashing for
 * storage. A token is "kr_" followed by 43 base64url characters (256 random
 * bits); only its SHA-256 hash is ever stored.
 */
#ifndef KR_TOKEN_H
#define KR_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KR_TOKEN_LEN      46 /* "kr_" + 43 */
#define KR_TOKEN_HASH_LEN 32

/* Fill out (KR_TOKEN_LEN + 1 bytes) with a new token. false on RNG failure. */
bool token_generate(char out[KR_TOKEN_LEN + 1]);

/* SHA-256 of the token text. false on failure. */
bool token_hash(const char *token, size_t len, unsigned char hash[KR_TOKEN_HASH_LEN]);

/* True when s looks like a token (prefix, length, alphabet). Cheap pre-check. */
bool token_well_formed(const char *s, size_t len);

/*
 * When a token given `--expires s` at time now (epoch seconds) expires, into
 * *out (epoch seconds). s is a duration -- a positive whole number with a
 * unit s, m, h, d or w ("90d", "12h") -- or a date: "YYYY-MM-DD" (the start
 * of that day, UTC) or "YYYY-MM-DDTHH:MM:SS" followed by "Z" or an offset
 * "+09:00". The result must lie after now and within 10 years. false with
 * a message for people in err otherwise.
 */
bool token_expiry_parse(const char *s, int64_t now, int64_t *out, char *err, size_t errlen);

#endif
