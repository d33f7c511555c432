/*
 * audit_chain.c - the audit trail's hash chain (see audit_chain.h).
 */
#include "audit_chain.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define CANON_TAG "kairan-audit-v1\n"

/* Append "<len>:<bytes>\n" at *p (NULL: only measure); returns its size. */
static size_t field(char *p, const char *v, size_t n)
{
	char head[32];
	int h = snprintf(head, sizeof(head), "%zu:", n);

	if (p) {
		memcpy(p, head, (size_t)h);
		memcpy(p + h, v, n);
		p[h + n] = '\n';
	}
	return (size_t)h + n + 1;
}

char *audit_canonical(const struct kr_audit_row *r, size_t *len)
{
	char seq[32];
	const char *v[7];
	size_t total = sizeof(CANON_TAG) - 1, at;
	char *out;

	snprintf(seq, sizeof(seq), "%" PRId64, r->seq);
	v[0] = seq;
	v[1] = r->time;
	v[2] = r->actor;
	v[3] = r->action;
	v[4] = r->subject;
	v[5] = r->detail;
	v[6] = r->prev_hash;
	for (int i = 0; i < 7; i++)
		total += field(NULL, v[i], strlen(v[i]));
	out = malloc(total + 1);
	if (!out)
		return NULL;
	memcpy(out, CANON_TAG, sizeof(CANON_TAG) - 1);
	at = sizeof(CANON_TAG) - 1;
	for (int i = 0; i < 7; i++)
		at += field(out + at, v[i], strlen(v[i]));
	out[at] = '\0';
	*len = at;
	return out;
}

bool audit_row_hash(const struct kr_audit_row *r, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t len = 0;
	char *canon = audit_canonical(r, &len);
	bool ok = canon && EVP_Digest(canon, len, md, &n, EVP_sha256(), NULL) == 1 &&
	          n * 2 == KR_AUDIT_HASH_LEN;

	free(canon);
	out[0] = '\0';
	if (!ok)
		return false;
	for (unsigned int i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return true;
}

void audit_walk_init(struct kr_audit_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->next_seq = 1;
	memcpy(w->prev, KR_AUDIT_GENESIS, KR_AUDIT_HASH_LEN + 1);
}

__attribute__((format(printf, 5, 6))) static bool
fail(struct kr_audit_walk *w, int64_t seq, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	w->bad_seq = seq;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return false;
}

bool audit_walk_step(struct kr_audit_walk *w, const struct kr_audit_row *r, char *why,
                     size_t whylen)
{
	char h[KR_AUDIT_HASH_LEN + 1];
	int64_t want = w->next_seq;

	if (w->bad_seq)
		return false;
	if (r->seq > want && want == 1)
		return fail(w, want, why, whylen,
		            "entry %" PRId64 " is missing: the trail starts at entry %" PRId64
		            " (the oldest entries were deleted)",
		            want, r->seq);
	if (r->seq > want)
		return fail(w, want, why, whylen,
		            "entry %" PRId64 " is missing: entry %" PRId64
		            " comes next (entries were deleted)",
		            want, r->seq);
	if (r->seq < want)
		return fail(w, r->seq, why, whylen,
		            "entry %" PRId64 " appears again after entry %" PRId64
		            " (entries were reordered or inserted)",
		            r->seq, want - 1);
	if (strcmp(r->prev_hash, w->prev) != 0) {
		if (want == 1)
			return fail(w, want, why, whylen,
			            "entry %" PRId64 " does not start the chain (it was edited, or "
			            "the trail was replaced)",
			            want);
		return fail(w, want, why, whylen,
		            "entry %" PRId64 " does not follow entry %" PRId64
		            " (an entry was inserted, deleted or reordered, or the one before "
		            "was edited and re-hashed)",
		            want, want - 1);
	}
	if (!audit_row_hash(r, h))
		return fail(w, want, why, whylen, "entry %" PRId64 " cannot be hashed", want);
	if (strcmp(h, r->hash) != 0)
		return fail(w, want, why, whylen,
		            "entry %" PRId64 " was edited: its contents do not match its hash",
		            want);
	memcpy(w->prev, r->hash, KR_AUDIT_HASH_LEN + 1);
	w->next_seq++;
	w->checked++;
	return true;
}

bool audit_walk_end(struct kr_audit_walk *w, int64_t expected, char *why, size_t whylen)
{
	if (w->bad_seq)
		return false;
	if (expected >= 0 && w->checked < expected)
		return fail(w, w->next_seq, why, whylen,
		            "entries %" PRId64 " to %" PRId64
		            " are missing: the newest entries were deleted",
		            w->next_seq, expected);
	if (expected >= 0 && w->checked > expected)
		return fail(w, expected + 1, why, whylen,
		            "entry %" PRId64 " was never written by the hub (%" PRId64
		            " entries were): entries were appended by hand",
		            expected + 1, expected);
	return true;
}
