/*
 * test_tls_client.c - client certificates (hub/tls_client.h): fingerprints
 * as people write them (plain, upper case, colon pairs, with the prefix
 * `openssl x509 -fingerprint -sha256` prints) and everything that is not
 * one; a certificate file read back (fingerprint equal to the server's own
 * view of the same certificate in tls.h, subject, validity); CA bundles
 * with and without certificates; timestamps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "tls.h"
#include "tls_client.h"
#include "tlsgen.h"

#define FP "df55fcbe9be1d14826324748ad254d25daccc6a484f169622023d1b996b416b5"

static void test_fp_parse(void)
{
	static const struct {
		const char *name, *in;
		bool ok;
	} rows[] = {
	    {"plain", FP, true},
	    {"upper", "DF55FCBE9BE1D14826324748AD254D25DACCC6A484F169622023D1B996B416B5", true},
	    {"colons",
	     "DF:55:FC:BE:9B:E1:D1:48:26:32:47:48:AD:25:4D:25:DA:CC:C6:A4:84:F1:69:62:20:23:D1:B9:"
	     "96:"
	     "B4:16:B5",
	     true},
	    {"openssl prefix",
	     "sha256 "
	     "Fingerprint=DF:55:FC:BE:9B:E1:D1:48:26:32:47:48:AD:25:4D:25:DA:CC:C6:A4:84:F1:69:"
	     "62:20:23:D1:B9:96:B4:16:B5",
	     true},
	    {"empty", "", false},
	    {"short", "df55fc", false},
	    {"one digit short", FP + 1, false},
	    {"one digit long", FP "0", false},
	    {"not hex", "zz55fcbe9be1d14826324748ad254d25daccc6a484f169622023d1b996b416b5", false},
	    {"trailing colon",
	     "DF:55:FC:BE:9B:E1:D1:48:26:32:47:48:AD:25:4D:25:DA:CC:C6:A4:84:F1:69:62:20:23:D1:B9:"
	     "96:"
	     "B4:16:B5:",
	     false},
	    {"colon missing",
	     "DF:55:FC:BE:9B:E1:D1:48:26:32:47:48:AD:25:4D:25:DA:CC:C6:A4:84:F1:69:62:20:23:D1:B9:"
	     "96:"
	     "B416:B5",
	     false},
	    {"mixed separators", "DF:55FC" FP, false},
	    {"space", " " FP, false},
	    {"sha1 length", "DF:55:FC:BE:9B:E1:D1:48:26:32:47:48:AD:25:4D:25:DA:CC:C6:A4", false},
	    {"file name", "client.pem", false},
	};
	char fp[KR_TLS_FP_LEN + 1];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		check_case(rows[i].name);
		memset(fp, 'x', sizeof(fp));
		CHECK(tlsc_fp_parse(rows[i].in, fp) == rows[i].ok);
		if (rows[i].ok)
			CHECK_STREQ(fp, FP);
	}
	check_case(NULL);
}

static void test_files(void)
{
	static const char *const dns[] = {"localhost"};
	static const char *const ips[] = {"127.0.0.1"};
	char dir[] = "/tmp/kr-tlsc-XXXXXX", cert[96], key[96], junk[96], fp[KR_TLS_FP_LEN + 1];
	char err[512], ts[32];
	struct kr_tlsc_info ci;
	FILE *f;
	int n = -1;
	time_t now = time(NULL);

	CHECK(mkdtemp(dir) != NULL);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(junk, sizeof(junk), "%s/junk.pem", dir);
	CHECK(tlsgen_self_signed(cert, key, dns, 1, ips, 1, 3, err, sizeof(err)));
	CHECK(tls_pair_check(cert, key, fp, err, sizeof(err)));

	check_case("certificate file");
	CHECK(tlsc_file_info(cert, &ci, err, sizeof(err)));
	CHECK_STREQ(ci.fp, fp); /* the same fingerprint the server logs for it */
	CHECK(strstr(ci.subject, "CN=") != NULL);
	CHECK(ci.not_before <= (int64_t)now + 1);
	CHECK(ci.not_after > (int64_t)now + 2 * 86400 && ci.not_after <= (int64_t)now + 4 * 86400);

	check_case("a key is no certificate");
	CHECK(!tlsc_file_info(key, &ci, err, sizeof(err)));
	CHECK(strstr(err, "holds no PEM certificate") != NULL);
	check_case("missing file");
	CHECK(!tlsc_file_info(junk, &ci, err, sizeof(err)));
	CHECK(strstr(err, "cannot read") != NULL);

	check_case("CA bundle of one");
	CHECK(tlsc_ca_check(cert, &n, err, sizeof(err)));
	CHECK_EQ_INT(n, 1);
	check_case("CA bundle of two");
	f = fopen(junk, "w");
	if (f) {
		FILE *g = fopen(cert, "r");
		int c;

		while (g && (c = fgetc(g)) != EOF)
			fputc(c, f);
		if (g) {
			rewind(g);
			while ((c = fgetc(g)) != EOF)
				fputc(c, f);
			fclose(g);
		}
		fclose(f);
	}
	CHECK(tlsc_ca_check(junk, &n, err, sizeof(err)));
	CHECK_EQ_INT(n, 2);
	check_case("CA bundle without certificates");
	CHECK(!tlsc_ca_check(key, &n, err, sizeof(err)));
	CHECK_EQ_INT(n, 0);
	CHECK(strstr(err, "tls_client_ca: ") == err);
	check_case(NULL);

	tlsc_time_text(0, ts, sizeof(ts));
	CHECK_STREQ(ts, "1970-01-01T00:00:00Z");
	tlsc_time_text(1796083200, ts, sizeof(ts));
	CHECK_STREQ(ts, "2026-12-01T00:00:00Z");

	unlink(cert);
	unlink(key);
	unlink(junk);
	rmdir(dir);
}

int main(void)
{
	test_fp_parse();
	test_files();
	return check_finish();
}
