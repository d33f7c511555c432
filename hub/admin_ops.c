/*
 * admin_ops.c - `kairan-hub admin` commands for running the hub rather
 * than its directory: reloading the TLS certificate of a running hub, and
 * online backups of the store.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "admin_int.h"
#include "audit.h"
#include "store.h"

#define BACKUP_PAGES_PER_STEP 1024
#define BACKUP_BUSY_RETRIES   500 /* x 20 ms */

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

/* fsync the file at path, and the directory that holds it. */
static bool sync_path(const char *path)
{
	char dir[4096];
	char *slash;
	int fd = open(path, O_RDONLY);
	bool ok = fd >= 0 && fsync(fd) == 0;

	if (fd >= 0)
		close(fd);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	fd = open(dir, O_RDONLY);
	if (fd >= 0) {
		ok = fsync(fd) == 0 && ok;
		close(fd);
	}
	return ok;
}

/* PRAGMA integrity_check of db: true when it says "ok"; else the first
 * complaint in why. */
static bool integrity_ok(sqlite3 *db, char *why, size_t len)
{
	sqlite3_stmt *s = NULL;
	bool ok = false;

	snprintf(why, len, "cannot run integrity_check: %s", sqlite3_errmsg(db));
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(s, 0);

		ok = r && strcmp(r, "ok") == 0;
		snprintf(why, len, "%s", r ? r : "?");
	}
	sqlite3_finalize(s);
	return ok;
}

/*
 * Copy the store into the new file tmp. The source is read in one snapshot
 * (a read transaction held across the steps): in WAL mode that blocks no
 * writer, so the hub keeps committing while the pages are copied in
 * chunks, and the copy is exactly the store as it was when the backup
 * began. *pages: the pages copied.
 */
static bool copy_store(struct admin *a, const char *tmp, int *pages, char *why, size_t len)
{
	sqlite3 *src = store_db(a->st), *dst = NULL;
	sqlite3_backup *b = NULL;
	bool snap = false, ok = false;
	int rc = SQLITE_OK, busy = 0;

	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(why, len, "cannot open %.300s: %.150s", tmp, dst ? sqlite3_errmsg(dst) : "?");
		goto out;
	}
	snap = sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) ==
	       SQLITE_OK;
	if (!snap) {
		snprintf(why, len, "cannot read the store: %s", sqlite3_errmsg(src));
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		snprintf(why, len, "cannot start the backup: %s", sqlite3_errmsg(dst));
		goto out;
	}
	do {
		rc = sqlite3_backup_step(b, BACKUP_PAGES_PER_STEP);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			if (++busy > BACKUP_BUSY_RETRIES)
				break;
			sqlite3_sleep(20);
		}
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	*pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	b = NULL;
	if (rc != SQLITE_DONE) {
		snprintf(why, len, "the copy failed: %s", sqlite3_errstr(rc));
		goto out;
	}
	/* The copy stands alone: no -wal file beside it. */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(why, len, "cannot finish the copy: %s", sqlite3_errmsg(dst));
		goto out;
	}
	ok = integrity_ok(dst, why, len);
out:
	if (snap)
		sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	if (b)
		sqlite3_backup_finish(b);
	sqlite3_close(dst);
	return ok;
}

int cmd_backup(struct admin *a)
{
	const char *file = adm_arg(a, 0);
	char tmp[4096], why[512] = "";
	struct stat sb;
	int pages = 0, fd, ex;
	json_t *detail;

	if (!file[0] || strlen(file) > sizeof(tmp) - 16)
		return adm_usage_fail(a, "backup needs a file name");
	if (stat(file, &sb) == 0)
		return adm_fail(a, KR_EINVAL, "%s exists; remove it or choose another name", file);
	ex = adm_store_need(a);
	if (ex)
		return ex;
	snprintf(tmp, sizeof(tmp), "%s.partial", file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return adm_fail(a, KR_EINTERNAL, "cannot create %s: %s", tmp, strerror(errno));
	close(fd);
	if (!copy_store(a, tmp, &pages, why, sizeof(why)) || !sync_path(tmp) ||
	    rename(tmp, file) != 0 || !sync_path(file)) {
		int e = errno;

		unlink(tmp);
		return adm_fail(a, KR_EINTERNAL, "backup to %s failed: %s", file,
		                why[0] ? why : strerror(e));
	}
	stat(file, &sb);
	detail = json_pack("{s:i, s:I}", "pages", pages, "bytes", (json_int_t)sb.st_size);
	if (audit_record(a->st, "admin", "admin backup", file, detail, NULL) != KR_OK)
		fprintf(stderr, PROG ": the backup is complete but could not be recorded in the "
		                     "audit trail\n");
	json_decref(detail);
	return adm_done(a,
	                json_pack("{s:b, s:s, s:i, s:I, s:s}", "ok", 1, "file", file, "pages",
	                          pages, "bytes", (json_int_t)sb.st_size, "integrity", "ok"),
	                "backed up the store to %s (%d pages, %lld bytes, integrity_check ok)",
	                file, pages, (long long)sb.st_size);
}
