/*
 * test_perms.c - private files stay private (hub/perms.h): every mode bit
 * for group or others is refused with a message naming the path, what is
 * open and the chmod that fixes it; owner-only modes pass; a missing file
 * passes only when it may be missing; a file where a directory belongs
 * (and the reverse) is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "perms.h"

static void test_describe(void)
{
	static const struct {
		mode_t mode;
		const char *want;
	} cases[] = {
	    {0700, ""},
	    {0600, ""},
	    {0400, ""},
	    {0640, "readable by group"},
	    {0604, "readable by others"},
	    {0644, "readable by group and others"},
	    {0620, "writable by group"},
	    {0660, "readable and writable by group"},
	    {0666, "readable and writable by group and others"},
	    {0711, "searchable by group and others"},
	    {0755, "readable and searchable by group and others"},
	    {0777, "readable, writable and searchable by group and others"},
	    {0702, "writable by others"},
	    {0703, "writable and searchable by others"},
	};
	char buf[128];

	for (size_t i = 0; i < CHECK_N(cases); i++) {
		char name[16];

		snprintf(name, sizeof(name), "%04o", (unsigned)cases[i].mode);
		check_case(name);
		CHECK_STREQ(perms_describe(cases[i].mode, buf, sizeof(buf)), cases[i].want);
	}
	check_case(NULL);
}

static void test_files(void)
{
	char dir[] = "/tmp/kairan-perms-XXXXXX", file[64], sub[64], missing[64], err[1024];

	if (!CHECK(mkdtemp(dir) != NULL))
		return;
	snprintf(file, sizeof(file), "%s/key.pem", dir);
	snprintf(sub, sizeof(sub), "%s/data", dir);
	snprintf(missing, sizeof(missing), "%s/none", dir);
	fclose(fopen(file, "w"));
	mkdir(sub, 0700);

	check_case("every group/other bit of a file");
	for (int bit = 0; bit < 6; bit++) {
		mode_t m = 0600 | (mode_t)(1 << bit);

		chmod(file, m);
		err[0] = '\0';
		if (!CHECK(
		        !perms_private(file, "the TLS private key", false, true, err, sizeof(err))))
			fprintf(stderr, "  mode %04o passed\n", (unsigned)m);
		CHECK(strstr(err, file) != NULL);
		CHECK(strstr(err, "chmod 600") != NULL);
		CHECK(strstr(err, "the TLS private key") != NULL);
	}
	check_case("0600 and 0400 files pass");
	chmod(file, 0600);
	CHECK(perms_private(file, "key", false, true, err, sizeof(err)));
	chmod(file, 0400);
	CHECK(perms_private(file, "key", false, true, err, sizeof(err)));

	check_case("directory 0750 refused with chmod 700");
	chmod(sub, 0750);
	CHECK(!perms_private(sub, "the data directory", true, true, err, sizeof(err)));
	CHECK(strstr(err, "(mode 0750)") != NULL);
	CHECK(strstr(err, "readable and searchable by group") != NULL);
	CHECK(strstr(err, "chmod 700") != NULL);
	check_case("directory 0700 passes");
	chmod(sub, 0700);
	CHECK(perms_private(sub, "the data directory", true, true, err, sizeof(err)));

	check_case("missing");
	CHECK(perms_private(missing, "the store", false, false, err, sizeof(err)));
	CHECK(!perms_private(missing, "the TLS private key", false, true, err, sizeof(err)));
	CHECK(strstr(err, "No such file") != NULL);

	check_case("wrong kind");
	CHECK(!perms_private(sub, "the TLS private key", false, true, err, sizeof(err)));
	CHECK(strstr(err, "is not a file") != NULL);
	CHECK(!perms_private(file, "the data directory", true, true, err, sizeof(err)));
	CHECK(strstr(err, "is not a directory") != NULL);

	unlink(file);
	rmdir(sub);
	rmdir(dir);
	check_case(NULL);
}

int main(void)
{
	test_describe();
	test_files();
	return check_finish();
}
