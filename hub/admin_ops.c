/*
 * admin_ops.c - `kairan-hub admin` commands for running the hub rather
 * than its directory: reloading the TLS certificate of a running hub.
 */
#include <stdio.h>

#include <jansson.h>

#include "admin_int.h"
#include "store.h"

int cmd_tls_reload(struct admin *a)
{
	enum kr_err rc;
	int ex = adm_store_need(a);

	if (ex)
		return ex;
	rc = store_meta_bump(a->st, "tls_epoch");
	if (rc != KR_OK)
		return adm_fail(a, rc, "cannot signal the reload");
	return adm_done(a, json_pack("{s:b}", "ok", 1),
	                "a running hub re-reads its certificate and key now (within data_poll_ms); "
	                "its log names the certificate in force, or why the new one was refused");
}
