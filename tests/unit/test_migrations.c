/*
 * test_migrations.c - the embedded migrations are numbered strictly
 * increasing, versions come from file names (a gap shifts nothing), and a
 * fresh store ends at the newest version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "migrations.h"
#include "store.h"

static const struct {
	const char *name;
	int want;
} names[] = {
    {"0001_init.sql", 1},
    {"0009_events.sql", 9},
    {"0010_audit.sql", 10},
    {"12_x.sql", 12},
    {"init.sql", 0},
    {"0001init.sql", 0},
    {"", 0},
    {"_0001.sql", 0},
};

int main(void)
{
	char dir[] = "/tmp/kairan-test-migrations-XXXXXX", err[256] = "", cmd[128];
	struct kr_store *st = NULL;
	int prev = 0;

	for (size_t i = 0; i < CHECK_N(names); i++) {
		check_case(names[i].name);
		CHECK_EQ_INT(store_migration_version(names[i].name), names[i].want);
	}
	check_case(NULL);
	CHECK(kr_migrations_count > 0);
	for (size_t i = 0; i < kr_migrations_count; i++) {
		int v = store_migration_version(kr_migrations[i].name);

		check_case(kr_migrations[i].name);
		CHECK(v > prev);
		prev = v;
	}
	check_case(NULL);
	if (!CHECK_NOT_NULL(mkdtemp(dir)))
		return check_finish();
	if (CHECK_EQ_INT(store_open(dir, &st, err, sizeof(err)), KR_OK)) {
		sqlite3_stmt *s = store_prepare(st, "PRAGMA user_version");

		CHECK(s && sqlite3_step(s) == SQLITE_ROW);
		CHECK_EQ_INT(s ? sqlite3_column_int(s, 0) : -1, prev);
		if (s)
			sqlite3_reset(s);
		store_close(st);
	} else {
		fprintf(stderr, "store_open: %s\n", err);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_finish();
}
