/*
 * token.c - bearer tokens (see token.h): 32 bytes from OpenSSL's CSPRNG,
 * written as "kr_" + unpadded base64url, and hashed with SHA-256 for the
 * store. The raw random bytes are wiped once they are encoded.
 */
#include "token.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define TOKEN_PREFIX     "kr_"
#define TOKEN_PREFIX_LEN 3
#define TOKEN_RAW_LEN    32
#define TOKEN_B64_LEN    43 /* ceil(32 * 8 / 6), no padding */

_Static_assert(KR_TOKEN_LEN == TOKEN_PREFIX_LEN + TOKEN_B64_LEN, "token length");

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Encode n bytes as unpadded base64url into out (NUL-terminated); returns
 * the number of characters written. out needs ceil(n * 4 / 3) + 1 bytes. */
static size_t b64url_encode(const unsigned char *in, size_t n, char *out)
{
	size_t o = 0, i = 0;

	for (; i + 3 <= n; i += 3) {
		unsigned long v =
		    (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];

		out[o++] = b64url[(v >> 18) & 0x3F];
		out[o++] = b64url[(v >> 12) & 0x3F];
		out[o++] = b64url[(v >> 6) & 0x3F];
		out[o++] = b64url[v & 0x3F];
	}
	if (n - i == 1) {
		unsigned long v = (unsigned long)in[i] << 16;

		out[o++] = b64url[(v >> 18) & 0x3F];
		out[o++] = b64url[(v >> 12) & 0x3F];
	} else if (n - i == 2) {
		unsigned long v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;

		out[o++] = b64url[(v >> 18) & 0x3F];
		out[o++] = b64url[(v >> 12) & 0x3F];
		out[o++] = b64url[(v >> 6) & 0x3F];
	}
	out[o] = '\0';
	return o;
}

static bool b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

bool token_generate(char out[KR_TOKEN_LEN + 1])
{
	unsigned char raw[TOKEN_RAW_LEN];
	bool ok = false;

	out[0] = '\0';
	if (RAND_bytes(raw, (int)sizeof(raw)) != 1)
		goto out;
	memcpy(out, TOKEN_PREFIX, TOKEN_PREFIX_LEN);
	if (b64url_encode(raw, sizeof(raw), out + TOKEN_PREFIX_LEN) != TOKEN_B64_LEN) {
		out[0] = '\0';
		goto out;
	}
	ok = true;
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	return ok;
}

bool token_hash(const char *token, size_t len, unsigned char hash[KR_TOKEN_HASH_LEN])
{
	unsigned int n = 0;
	bool ok = false;

	if (!token && len > 0)
		goto out;
	if (EVP_Digest(token ? token : "", len, hash, &n, EVP_sha256(), NULL) != 1)
		goto out;
	ok = n == KR_TOKEN_HASH_LEN;
out:
	return ok;
}

bool token_well_formed(const char *s, size_t len)
{
	bool ok = false;

	if (!s || len != KR_TOKEN_LEN)
		goto out;
	if (memcmp(s, TOKEN_PREFIX, TOKEN_PREFIX_LEN) != 0)
		goto out;
	for (size_t i = TOKEN_PREFIX_LEN; i < len; i++)
		if (!b64url_char(s[i]))
			goto out;
	ok = true;
out:
	return ok;
}
