/*
 * test_clientip.c - the client's address behind trusted proxies
 * (hub/clientip.h): the trusted_proxies list, and X-Forwarded-For believed
 * only from trusted peers, right to left, with spoofed, malformed and
 * IPv4-mapped entries.
 */
#include <string.h>

#include "check.h"
#include "clientip.h"

static void test_parse(void)
{
	static const struct {
		const char *spec;
		bool ok;
	} rows[] = {
	    {NULL, true},
	    {"", true},
	    {"127.0.0.1", true},
	    {"127.0.0.1/32, ::1, 10.0.0.0/8 ,2001:db8::/32", true},
	    {"192.0.2.0/24,", true},
	    {"  ", true},
	    {"10.0.0.0/33", false},
	    {"::1/129", false},
	    {"10.0.0.0/", false},
	    {"10.0.0.0/8x", false},
	    {"proxy.example", false},
	    {"10.0.0.1,,10.0.0.2", false},
	    {"300.1.1.1", false},
	};
	char err[160];

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		struct kr_proxies *p = NULL;

		check_case(rows[i].spec ? rows[i].spec : "(null)");
		err[0] = '\0';
		CHECK_EQ_INT(clientip_parse_proxies(rows[i].spec, &p, err, sizeof(err)),
		             rows[i].ok ? KR_OK : KR_EINVAL);
		CHECK_EQ_INT(p != NULL, rows[i].ok);
		if (!rows[i].ok)
			CHECK(strstr(err, "trusted_proxies") != NULL);
		clientip_free(p);
	}
	check_case(NULL);
}

static void test_resolve(void)
{
	static const struct {
		const char *name, *proxies, *peer, *xff, *want;
	} rows[] = {
	    {"no proxies: peer", NULL, "198.51.100.7", "203.0.113.9", "198.51.100.7"},
	    {"untrusted peer: header ignored", "10.0.0.0/8", "198.51.100.7", "203.0.113.9",
	     "198.51.100.7"},
	    {"trusted peer", "127.0.0.1", "127.0.0.1", "203.0.113.9", "203.0.113.9"},
	    {"mapped peer", "127.0.0.1", "::ffff:127.0.0.1", "203.0.113.9", "203.0.113.9"},
	    {"mapped entry", "127.0.0.1", "127.0.0.1", "::ffff:203.0.113.9", "203.0.113.9"},
	    {"spoofed left part", "127.0.0.1", "127.0.0.1", "1.2.3.4, 203.0.113.9", "203.0.113.9"},
	    {"chain of proxies", "127.0.0.1, 10.0.0.0/8", "127.0.0.1", "203.0.113.9, 10.1.2.3",
	     "203.0.113.9"},
	    {"untrusted hop stops the walk", "127.0.0.1", "127.0.0.1", "203.0.113.9, 198.51.100.20",
	     "198.51.100.20"},
	    {"all trusted: left-most", "127.0.0.1, 10.0.0.0/8", "127.0.0.1", "10.9.9.9, 10.1.2.3",
	     "10.9.9.9"},
	    {"no header: the proxy", "127.0.0.1", "127.0.0.1", NULL, "127.0.0.1"},
	    {"garbage where needed", "127.0.0.1", "127.0.0.1", "203.0.113.9, unknown", ""},
	    {"garbage further left", "127.0.0.1", "127.0.0.1", "unknown, 203.0.113.9",
	     "203.0.113.9"},
	    {"port is not an address", "127.0.0.1", "127.0.0.1", "203.0.113.9:443", ""},
	    {"empty header", "127.0.0.1", "127.0.0.1", "", "127.0.0.1"},
	    {"blank entry", "127.0.0.1", "127.0.0.1", " , ", ""},
	    {"ipv6", "::1", "::1", "2001:db8:27::5", "2001:db8:27::5"},
	    {"ipv6 trusted range", "2001:db8:ffff::/48, ::1", "::1",
	     "2001:db8:27::5, 2001:db8:ffff::2", "2001:db8:27::5"},
	    {"bad peer", "127.0.0.1", "not-an-ip", "203.0.113.9", ""},
	};
	char out[KR_CLIENTIP_MAX], err[160];

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		struct kr_proxies *p = NULL;

		check_case(rows[i].name);
		if (!CHECK_EQ_INT(clientip_parse_proxies(rows[i].proxies, &p, err, sizeof(err)),
		                  KR_OK))
			continue;
		clientip_resolve(p, rows[i].peer, rows[i].xff, out, sizeof(out));
		CHECK_STREQ(out, rows[i].want);
		clientip_free(p);
	}
	check_case("trusted");
	{
		struct kr_proxies *p = NULL;

		CHECK_EQ_INT(
		    clientip_parse_proxies("10.0.0.0/8, 192.0.2.128/25", &p, err, sizeof(err)),
		    KR_OK);
		CHECK(clientip_trusted(p, "10.255.0.1"));
		CHECK(!clientip_trusted(p, "11.0.0.1"));
		CHECK(clientip_trusted(p, "192.0.2.200"));
		CHECK(!clientip_trusted(p, "192.0.2.127"));
		CHECK(clientip_trusted(p, "::ffff:10.1.1.1"));
		CHECK(!clientip_trusted(p, "garbage"));
		CHECK(!clientip_trusted(NULL, "10.1.1.1"));
		clientip_free(p);
	}
	check_case(NULL);
}

int main(void)
{
	test_parse();
	test_resolve();
	return check_finish();
}
