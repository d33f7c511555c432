/*
 * token.h - bearer tokens: generation from OpenSSL's CSPRNG, hashing for
 * storage. A token is "kr_" followed by 43 base64url characters (256 random
 * bits); only its SHA-256 hash is ever stored.
 */
#ifndef KR_TOKEN_H
#define KR_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define KR_TOKEN_LEN      46 /* "kr_" + 43 */
#define KR_TOKEN_HASH_LEN 32

/* Fill out (KR_TOKEN_LEN + 1 bytes) with a new token. false on RNG failure. */
bool token_generate(char out[KR_TOKEN_LEN + 1]);

/* SHA-256 of the token text. false on failure. */
bool token_hash(const char *token, size_t len, unsigned char hash[KR_TOKEN_HASH_LEN]);

/* True when s looks like a token (prefix, length, alphabet). Cheap pre-check. */
bool token_well_formed(const char *s, size_t len);

#endif
