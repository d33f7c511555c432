/*
 * admin_audit.c - `kairan-hub admin audit verify` and `audit show`: the
 * operator's view of the audit trail (audit.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin_int.h"
#include "audit.h"

#define SHOW_DEFAULT_LIMIT 50

int cmd_audit_verify(struct admin *a)
{
	struct kr_audit_report r;
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = audit_verify(a->st, &r);
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot read the audit trail");
	if (a->json) {
		json_t *o =
		    json_pack("{s:b, s:I, s:I, s:s}", "ok", r.ok, "entries", (json_int_t)r.entries,
		              "written", (json_int_t)r.written, "head", r.head);

		if (o && !r.ok) {
			json_object_set_new(o, "bad_entry", json_integer(r.bad_seq));
			json_object_set_new(o, "why", json_string(r.why));
		}
		adm_json_print(o);
		json_decref(o);
	}
	if (!r.ok) {
		fprintf(stderr,
		        PROG ": audit trail broken at entry %" PRId64 ": %s (entries before it are "
		             "intact: %" PRId64 ")\n",
		        r.bad_seq, r.why, r.entries);
		return (int)kr_err_exit(KR_EINVAL);
	}
	if (!a->json)
		printf("audit trail intact: %" PRId64 " entries; head entry %" PRId64 " hash %s\n",
		       r.entries, r.entries, r.head);
	return KR_EXIT_OK;
}

struct show_ctx {
	json_t *list;
	bool json;
};

static int show_row(void *ud, const struct kr_audit_row *r)
{
	struct show_ctx *c = ud;
	json_t *detail = c->json ? json_loads(r->detail, 0, NULL) : NULL;
	json_t *o =
	    json_pack("{s:I, s:s, s:s, s:s, s:s}", "seq", (json_int_t)r->seq, "time", r->time,
	              "actor", r->actor, "action", r->action, "subject", r->subject);

	if (!o)
		return 1;
	if (c->json) {
		json_object_set_new(o, "detail", detail ? detail : json_string(r->detail));
		json_object_set_new(o, "prev_hash", json_string(r->prev_hash));
		json_object_set_new(o, "hash", json_string(r->hash));
	} else {
		json_object_set_new(o, "detail", json_string(r->detail));
	}
	json_array_append_new(c->list, o);
	return 0;
}

/* --since: an entry number, or a date / date-time prefix (UTC). */
static int since_opt(const struct admin *a, int64_t *seq, const char **time)
{
	const char *v = adm_opt1(a, OPT_SINCE);
	char *end;
	long long n;

	*seq = 0;
	*time = NULL;
	if (!v)
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (!errno && end != v && !*end && n >= 0) {
		*seq = n;
		return 0;
	}
	if (strlen(v) >= 10 && v[4] == '-' && v[7] == '-') {
		*time = v;
		return 0;
	}
	return adm_usage_fail(a, "--since takes an entry number or a UTC date (2026-04-01 or "
	                         "2026-04-01T09:00:00Z)");
}

int cmd_audit_show(struct admin *a)
{
	static const struct column cols[] = {{"SEQ", "seq"},         {"TIME", "time"},
	                                     {"ACTOR", "actor"},     {"ACTION", "action"},
	                                     {"SUBJECT", "subject"}, {"DETAIL", "detail"}};
	struct show_ctx c = {.json = a->json};
	const char *lim = adm_opt1(a, OPT_LIMIT), *since_time = NULL;
	int64_t since_seq = 0, limit = SHOW_DEFAULT_LIMIT;
	enum kr_err rc;
	int ex = since_opt(a, &since_seq, &since_time);

	if (ex)
		return ex;
	if (lim) {
		char *end;

		errno = 0;
		limit = strtoll(lim, &end, 10);
		if (errno || end == lim || *end || limit < 1 || limit > 1000000)
			return adm_usage_fail(a, "--limit takes a number from 1 to 1000000");
	}
	ex = adm_store_need(a);
	if (ex)
		return ex;
	c.list = json_array();
	if (!c.list)
		return (int)kr_err_exit(KR_EINTERNAL);
	/* Without --since: the newest entries; with it: from there on. */
	rc = audit_rows(a->st, since_seq, since_time, limit, !adm_opt1(a, OPT_SINCE), show_row, &c);
	if (rc != KR_OK) {
		json_decref(c.list);
		return adm_fail(a, rc, "cannot read the audit trail");
	}
	return adm_list_print(a, c.list, cols, sizeof(cols) / sizeof(cols[0]), "no audit entries");
}
