/*
 * fuzz_taxii.c - libFuzzer harness for the pure parts of TAXII 2.1
 * (hub/taxii_proto.h): what a TAXII client sends in headers and query
 * arguments. The first byte picks the part, the rest is the text:
 *
 *   0 Accept: any header allows what it allows with blanks and empty
 *     ranges around it, and adding "application/taxii+json" allows it;
 *   1 Authorization: Bearer gives a token without blanks, Basic a user
 *     without ':' and a token; written back as a header each parses to the
 *     same credentials, and a Basic header's base64 is canonical ('=' only
 *     as padding at its end);
 *   2 match[...] lists: values are non-empty, trimmed, without commas, and
 *     joined with commas they split the same way again; match[version]
 *     checks run on them;
 *   3 added_after: an accepted timestamp formats and parses back to the
 *     same microsecond;
 *   4 next tokens: anything not made by the hub is refused; a position
 *     made of the bytes encodes and decodes to itself, and a token with
 *     one character changed is refused.
 *
 * Never crashes or leaks, whatever the bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "taxii_proto.h"

static const unsigned char key[32] = "kairan fuzz key for next tokens";

static void accept_header(const char *s)
{
	size_t n = strlen(s);
	char *wrapped = malloc(n + 48);
	bool ok = taxii_accept_ok(s);

	if (!wrapped)
		return;
	snprintf(wrapped, n + 48, " ,\t%s , ", s);
	if (taxii_accept_ok(wrapped) != ok && *s)
		abort();
	snprintf(wrapped, n + 48, "%s, application/taxii+json", s);
	if (!taxii_accept_ok(wrapped))
		abort();
	free(wrapped);
}

static void credentials(const char *s)
{
	char user[128], token[256], user2[128], token2[256], header[600];
	unsigned char raw[400], b64[600];
	enum taxii_cred c = taxii_credentials(s, user, sizeof(user), token, sizeof(token));
	const char *p;
	size_t n;

	switch (c) {
	case TAXII_CRED_BEARER:
		if (!token[0] || strpbrk(token, " \t") || user[0])
			abort();
		snprintf(header, sizeof(header), "Bearer %s", token);
		if (taxii_credentials(header, user2, sizeof(user2), token2, sizeof(token2)) !=
		        TAXII_CRED_BEARER ||
		    strcmp(token, token2) != 0)
			abort();
		break;
	case TAXII_CRED_BASIC:
		if (!user[0] || strchr(user, ':') || !token[0])
			abort();
		n = (size_t)snprintf((char *)raw, sizeof(raw), "%s:%s", user, token);
		EVP_EncodeBlock(b64, raw, (int)n);
		snprintf(header, sizeof(header), "Basic %s", (const char *)b64);
		if (taxii_credentials(header, user2, sizeof(user2), token2, sizeof(token2)) !=
		        TAXII_CRED_BASIC ||
		    strcmp(user, user2) != 0 || strcmp(token, token2) != 0)
			abort();
		/* The header's own base64: '=' only as the padding at its end. */
		p = strchr(s, ' ');
		while (p && (*p == ' ' || *p == '\t'))
			p++;
		n = p ? strcspn(p, " \t") : 0;
		for (size_t i = 0; p && i < n; i++)
			if (p[i] == '=' && !(i + 2 >= n && (i + 1 == n || p[i + 1] == '=')))
				abort();
		break;
	case TAXII_CRED_NONE:
		abort(); /* only for no header at all */
	case TAXII_CRED_BAD:
		break;
	}
}

static void list(const char *s)
{
	char *copy = strdup(s), *joined = NULL, *again = NULL;
	struct taxii_list l, l2;
	size_t n = 0;

	if (!copy)
		return;
	if (!taxii_list_split(copy, &l))
		goto out;
	if (l.n == 0 || l.n > TAXII_LIST_MAX)
		abort();
	joined = malloc(strlen(s) + 2);
	if (!joined)
		goto out;
	joined[0] = '\0';
	for (size_t i = 0; i < l.n; i++) {
		size_t len = strlen(l.v[i]);

		if (!len || strchr(l.v[i], ',') || l.v[i][0] == ' ' || l.v[i][0] == '\t' ||
		    l.v[i][len - 1] == ' ' || l.v[i][len - 1] == '\t')
			abort();
		memcpy(joined + n, l.v[i], len);
		n += len;
		joined[n++] = i + 1 < l.n ? ',' : '\0';
	}
	again = strdup(joined);
	if (!again || !taxii_list_split(again, &l2) || l2.n != l.n)
		abort();
	for (size_t i = 0; i < l.n; i++)
		if (strcmp(l.v[i], l2.v[i]) != 0)
			abort();
	(void)taxii_versions_valid(&l);
out:
	free(again);
	free(joined);
	free(copy);
}

static void timestamp(const char *s)
{
	char out[TAXII_TS_LEN + 1];
	int64_t us, again;

	if (!taxii_ts_parse(s, &us))
		return;
	taxii_ts_format(us, out);
	if (!taxii_ts_parse(out, &again) || again != us)
		abort();
}

static void next_token(const uint8_t *data, size_t size, const char *s)
{
	char tok[TAXII_NEXT_LEN + 1];
	struct taxii_pos p, q;
	uint64_t v[6] = {0};

	if (taxii_next_decode(key, s, &p)) {
		/* Only the hub's own tokens decode: this one must be exactly that. */
		if (!taxii_next_encode(key, &p, tok) || strcmp(tok, s) != 0)
			abort();
	}
	memcpy(v, data, size < sizeof(v) ? size : sizeof(v));
	memset(&p, 0, sizeof(p));
	p.mode = (enum taxii_mode)(1 + v[0] % 3);
	p.circle_id = (int64_t)(v[0] >> 2);
	p.user_id = (int64_t)v[1];
	p.from = (int64_t)v[2];
	p.skip = (uint32_t)v[3];
	p.clock = (int64_t)v[4];
	p.now = (int64_t)v[5];
	taxii_filter_digest(s, strlen(s), p.filter);
	if (!taxii_next_encode(key, &p, tok))
		return;
	if (!taxii_next_decode(key, tok, &q) || q.mode != p.mode || q.circle_id != p.circle_id ||
	    q.user_id != p.user_id || q.from != p.from || q.skip != p.skip || q.clock != p.clock ||
	    q.now != p.now || memcmp(q.filter, p.filter, 8) != 0)
		abort();
	if (size > 0) {
		size_t at = data[0] % strlen(tok);

		tok[at] = tok[at] == 'A' ? 'B' : 'A';
		if (taxii_next_decode(key, tok, &q))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 4096)
		return 0;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (strlen(s) == size - 1) { /* headers and arguments hold no NUL */
		switch (data[0] % 5) {
		case 0:
			accept_header(s);
			break;
		case 1:
			credentials(s);
			break;
		case 2:
			list(s);
			break;
		case 3:
			timestamp(s);
			break;
		case 4:
			next_token(data + 1, size - 1, s);
			break;
		}
	}
	free(s);
	return 0;
}
