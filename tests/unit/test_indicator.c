/*
 * test_indicator.c - common/indicator.h: normalisation of every indicator
 * type (valid, defanged, full-width, invalid with the exact reason), the
 * built-in and operator benign lists, the validity window and the
 * sameness rules. Table-driven: one row per case.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "indicator.h"

/* A row: type, input, expected output (NULL: refused) or reason. */
struct norm_case {
	enum kr_ind_type t;
	const char *in;
	const char *want; /* normalised value, or NULL when refused */
	const char *why;  /* the reason when refused */
};

#define OK(t, in, out)                                                                             \
	{                                                                                          \
		KR_IND_##t, in, out, NULL                                                          \
	}
#define BAD(t, in, why)                                                                            \
	{                                                                                          \
		KR_IND_##t, in, NULL, why                                                          \
	}

static const struct norm_case norm_cases[] = {
    /* ipv4 */
    OK(IPV4, "198.51.100.7", "198.51.100.7"),
    OK(IPV4, "  198.51.100.7\n", "198.51.100.7"),
    OK(IPV4, "0.0.0.0", "0.0.0.0"),
    OK(IPV4, "255.255.255.255", "255.255.255.255"),
    OK(IPV4, "198[.]51[.]100[.]7", "198.51.100.7"),
    OK(IPV4, "198(.)51(.)100(.)7", "198.51.100.7"),
    OK(IPV4, "198{.}51{.}100{.}7", "198.51.100.7"),
    OK(IPV4, "198[dot]51[DOT]100(dot)7", "198.51.100.7"),
    OK(IPV4, "198 dot 51 dot 100 dot 7", "198.51.100.7"),
    OK(IPV4, "198 [.] 51.100.7", "198.51.100.7"),
    OK(IPV4, "198\\.51\\.100\\.7", "198.51.100.7"),
    OK(IPV4, "198.51.100[.]7", "198.51.100.7"),
    OK(IPV4, "\xef\xbc\x91\xef\xbc\x99\xef\xbc\x98.51.100.7", "198.51.100.7"), /* １９８ */
    OK(IPV4,
       "198\xe3\x80\x82"
       "51.100.7",
       "198.51.100.7"), /* 。 */
    OK(IPV4,
       "\xe3\x80\x80"
       "198.51.100.7\xe3\x80\x80",
       "198.51.100.7"), /* U+3000 */
    BAD(IPV4, "300.1.2.3", "octet 1 is out of range (0-255)"),
    BAD(IPV4, "1.2.3.256", "octet 4 is out of range (0-255)"),
    BAD(IPV4, "1.2.3.99999999999999", "octet 4 is out of range (0-255)"),
    BAD(IPV4, "010.1.2.3", "octet 1 has a leading zero (ambiguous: some tools read it as octal)"),
    BAD(IPV4, "1.2.03.4", "octet 3 has a leading zero (ambiguous: some tools read it as octal)"),
    BAD(IPV4, "1.2.3", "expected four decimal octets a.b.c.d, got 3"),
    BAD(IPV4, "1.2.3.4.5", "expected four decimal octets a.b.c.d, got 5"),
    BAD(IPV4, "1.2..4", "octet 3 is empty"),
    BAD(IPV4, "1.2.3.x", "octet 4 is not a decimal number"),
    BAD(IPV4, "1.2.3.4/24", "has a /prefix: a range is type cidr"),
    BAD(IPV4, "1.2.3.4:443", "has a ':' (a port, or IPv6?): give the bare address"),
    BAD(IPV4, "1.2. 3.4", "has white space or a control character inside"),
    BAD(IPV4, "", "the value is empty"),
    BAD(IPV4, "   ", "the value is empty"),
    BAD(IPV4, "1.2.3.\xe4\xb8\x80", "has a character that is not ASCII"),
    BAD(IPV4, "1.2.3.4\xff", "not valid UTF-8 text"),
    /* ipv6 */
    OK(IPV6, "2001:db8::7", "2001:db8::7"),
    OK(IPV6, "2001:0DB8:0000:0000:0000:0000:0000:0007", "2001:db8::7"),
    OK(IPV6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
    OK(IPV6, "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
    OK(IPV6, "0:0:0:0:0:0:0:1", "::1"),
    OK(IPV6, "[2001:db8::7]", "2001:db8::7"),
    OK(IPV6, "2001:db8[:]:7", "2001:db8::7"),
    OK(IPV6, "::ffff:198.51.100.7", "::ffff:198.51.100.7"),
    OK(IPV6, "::FFFF:C633:6407", "::ffff:198.51.100.7"),
    OK(IPV6, "::1:2", "::1:2"),
    OK(IPV6, "0:0:0:0:0:0:0:2", "::2"),
    OK(IPV6, "::", "::"),
    OK(IPV6, "64:FF9B::198.51.100.7", "64:ff9b::c633:6407"),
    BAD(IPV6, "fe80::1%eth0", "a zone index (%...) is not part of an address"),
    BAD(IPV6, "2001:db8::/32", "has a /prefix: a range is type cidr"),
    BAD(IPV6, "198.51.100.7", "looks like an IPv4 address: use type ipv4"),
    BAD(IPV6, "2001:db8:::7", "not a valid IPv6 address"),
    BAD(IPV6, "2001:db8::g", "not a valid IPv6 address"),
    BAD(IPV6, "1:2:3:4:5:6:7:8:9", "not a valid IPv6 address"),
    BAD(IPV6, "hello", "not an IPv6 address (no ':')"),
    /* cidr */
    OK(CIDR, "203.0.113.0/24", "203.0.113.0/24"),
    OK(CIDR, "203[.]0[.]113[.]0/24", "203.0.113.0/24"),
    OK(CIDR, "198.51.100.7/32", "198.51.100.7/32"),
    OK(CIDR, "2001:DB8:0::/32", "2001:db8::/32"),
    OK(CIDR, "2001:db8::1/128", "2001:db8::1/128"),
    OK(CIDR, "10.0.0.0/8", "10.0.0.0/8"),
    BAD(CIDR, "203.0.113.7/24", "host bits are set: the network is 203.0.113.0/24"),
    BAD(CIDR, "2001:db8::1/32", "host bits are set: the network is 2001:db8::/32"),
    BAD(CIDR, "203.0.113.0", "missing /PREFIX (a single address is type ipv4 or ipv6)"),
    BAD(CIDR, "203.0.113.0/33", "prefix /33 is longer than 32 bits"),
    BAD(CIDR, "2001:db8::/129", "prefix /129 is longer than 128 bits"),
    BAD(CIDR, "0.0.0.0/0", "prefix /0 covers every address"),
    BAD(CIDR, "203.0.113.0/024", "the prefix has a leading zero"),
    BAD(CIDR, "203.0.113.0/", "the prefix after '/' is empty"),
    BAD(CIDR, "203.0.113.0/2x", "the prefix is not a decimal number"),
    BAD(CIDR, "203.0.113.00/24",
        "octet 4 has a leading zero (ambiguous: some tools read it as octal)"),
    /* domain */
    OK(DOMAIN, "evil.example", "evil.example"),
    OK(DOMAIN, "Login-Secure-BANK.Example.", "login-secure-bank.example"),
    OK(DOMAIN, "evil[.]example", "evil.example"),
    OK(DOMAIN, "evil(.)example", "evil.example"),
    OK(DOMAIN, "evil[dot]example", "evil.example"),
    OK(DOMAIN, "evil (dot) example", "evil.example"),
    OK(DOMAIN, "evil dot example", "evil.example"),
    OK(DOMAIN, "evil [dot] example", "evil.example"),
    OK(DOMAIN, "sub.evil{dot}example", "sub.evil.example"),
    OK(DOMAIN, "evil DOT example", "evil.example"),
    OK(DOMAIN, "evil\\.example", "evil.example"),
    OK(DOMAIN, "ｅｖｉｌ．ｅｘａｍｐｌｅ", "evil.example"),
    OK(DOMAIN, "evil。example", "evil.example"),
    OK(DOMAIN, "xn--r8jz45g.example", "xn--r8jz45g.example"),
    OK(DOMAIN, "_dmarc.evil.example", "_dmarc.evil.example"),
    OK(DOMAIN, "a1-b2.c3.example", "a1-b2.c3.example"),
    BAD(DOMAIN, "例え.example",
        "non-ASCII characters: give the punycode form (xn--...); the hub does not convert "
        "internationalised names"),
    BAD(DOMAIN, "localhost", "a single label is not a domain (expected e.g. evil.example)"),
    BAD(DOMAIN, "evil..example", "label 2 is empty (a leading dot or two dots in a row)"),
    BAD(DOMAIN, ".evil.example", "label 1 is empty (a leading dot or two dots in a row)"),
    BAD(DOMAIN, "-evil.example", "label 1 begins or ends with '-'"),
    BAD(DOMAIN, "evil-.example", "label 1 begins or ends with '-'"),
    BAD(DOMAIN, "ev!l.example", "'!' is not allowed in a domain (letters, digits, '-', '_')"),
    BAD(DOMAIN, "*.evil.example", "wildcards ('*') are not accepted"),
    BAD(DOMAIN, "https://evil.example/", "looks like a URL: use type url"),
    BAD(DOMAIN, "evil.example/login", "a domain has no scheme, port or path (a URL is type url)"),
    BAD(DOMAIN, "phish@evil.example", "has an '@': an address is type email"),
    BAD(DOMAIN, "198.51.100.7", "looks like an IPv4 address: use type ipv4"),
    BAD(DOMAIN, "evil.123", "the last label is all digits"),
    BAD(DOMAIN, "evil example", "has white space or a control character inside"),
    BAD(DOMAIN, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
        "label 1 is longer than 63 characters"),
    /* url */
    OK(URL, "https://evil.example/login", "https://evil.example/login"),
    OK(URL, "HTTPS://Evil.EXAMPLE/Login?Next=%2F#Top", "https://evil.example/Login?Next=%2F#Top"),
    OK(URL, "hxxps://evil[.]example/login", "https://evil.example/login"),
    OK(URL, "hXXp://evil[.]example/a[.]php", "http://evil.example/a.php"),
    OK(URL, "hxxps[://]evil[.]example/x", "https://evil.example/x"),
    OK(URL, "hxxp[:]//evil[.]example", "http://evil.example"),
    /* nested and escaped forms refang until nothing changes (idempotence;
     * found by fuzz.indicator) */
    OK(URL, "http://evil.example/a[[.]]b", "http://evil.example/a.b"),
    OK(URL, "http://evil.example/B\\\\\\.\\x", "http://evil.example/B.\\x"),
    OK(URL, "hxxps://evil[.]example[:]8443/a", "https://evil.example:8443/a"),
    OK(URL, "HXXPS://EVIL[DOT]EXAMPLE/A", "https://evil.example/A"),
    OK(URL, "fxp://files[.]evil[.]example/a.zip", "ftp://files.evil.example/a.zip"),
    OK(URL, "http://198[.]51[.]100[.]7:8080/gate.php", "http://198.51.100.7:8080/gate.php"),
    OK(URL, "http://[2001:DB8::7]:443/", "http://[2001:db8::7]:443/"),
    OK(URL, "http://User:Pass@Evil.example/", "http://User:Pass@evil.example/"),
    OK(URL, "https://evil.example:0443/", "https://evil.example:443/"),
    OK(URL, "https://evil.example./x", "https://evil.example/x"),
    OK(URL, "https://ｅｖｉｌ.example/ｌｏｇｉｎ", "https://evil.example/ｌｏｇｉｎ"),
    OK(URL, "https://evil.example/ログイン", "https://evil.example/ログイン"),
    OK(URL, "https://evil.example?q=1", "https://evil.example?q=1"),
    BAD(URL, "evil.example/login", "missing SCHEME:// (e.g. https://evil.example/)"),
    BAD(URL, "mailto:a@evil.example", "missing SCHEME:// (e.g. https://evil.example/)"),
    BAD(URL, "https://", "no host after '://'"),
    BAD(URL, "https://evil..example/",
        "host: label 2 is empty (a leading dot or two dots in a row)"),
    BAD(URL, "https://300.1.2.3/", "host: octet 1 is out of range (0-255)"),
    BAD(URL, "https://evil.example:99999/", "port out of range (1-65535)"),
    BAD(URL, "https://evil.example:/", "empty port after ':'"),
    BAD(URL, "https://evil.example:ab/", "the port is not a number"),
    BAD(URL, "https://evil.example/a b", "the path has a space (percent-encode it, e.g. %20)"),
    BAD(URL, "https://[2001:db8::7/", "host: '[' without ']'"),
    BAD(URL, "https://例え.example/",
        "host: non-ASCII characters: give the punycode form (xn--...); the hub does not "
        "convert internationalised names"),
    /* email */
    OK(EMAIL, "Phish@Evil.Example", "Phish@evil.example"),
    OK(EMAIL, "phish[@]evil[.]example", "phish@evil.example"),
    OK(EMAIL, "phish[at]evil[dot]example", "phish@evil.example"),
    OK(EMAIL, "phish (at) evil (dot) example", "phish@evil.example"),
    OK(EMAIL, "first.last+tag@evil.example", "first.last+tag@evil.example"),
    OK(EMAIL, "ｐｈｉｓｈ＠ｅｖｉｌ．ｅｘａｍｐｌｅ", "phish@evil.example"),
    BAD(EMAIL, "phish at evil.example",
        "no '@' (the defanged forms [@], (@), [at] and (at) are read)"),
    BAD(EMAIL, "a@b@evil.example", "more than one '@'"),
    BAD(EMAIL, "@evil.example", "the local part (before '@') must be 1-64 characters"),
    BAD(EMAIL, ".phish@evil.example", "the local part begins or ends with '.' or has '..'"),
    BAD(EMAIL, "ph..ish@evil.example", "the local part begins or ends with '.' or has '..'"),
    BAD(EMAIL, "ph(ish@evil.example", "'(' is not allowed in the local part"),
    BAD(EMAIL, "\"ph ish\"@evil.example", "quoted local parts are not accepted"),
    BAD(EMAIL, "ph ish@evil.example", "a space is not allowed in the local part"),
    BAD(EMAIL, "phish@evil .example",
        "domain: a space is not allowed in a domain (letters, digits, '-', '_')"),
    BAD(EMAIL, "\"phish\"@evil.example", "quoted local parts are not accepted"),
    BAD(EMAIL, "田中@evil.example", "the local part must be ASCII"),
    BAD(EMAIL, "phish@evil", "domain: a single label is not a domain (expected e.g. evil.example)"),
    /* hashes */
    OK(MD5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"),
    OK(SHA1, " 3395856CE81F2B7382DEE72602F798B642F14140 ",
       "3395856ce81f2b7382dee72602f798b642f14140"),
    OK(SHA256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    OK(SHA512,
       "CF83E1357EEFB8BDF1542850D66D8007D620E4050B5715DC83F4A921D36CE9CE47D0D13C5D85F2B0FF8318D2877"
       "EEC2F63B931BD47417A81A538327AF927DA3E",
       "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877"
       "eec2f63b931bd47417a81a538327af927da3e"),
    BAD(MD5, "d41d8cd98f00b204e9800998ecf8427", "expected 32 hexadecimal digits, got 31"),
    BAD(SHA256, "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "expected 64 hexadecimal digits, got 40 (the length of a sha1)"),
    BAD(SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd8070g",
        "character 40 ('g') is not a hexadecimal digit"),
    BAD(MD5, "sha256:d41d8cd98f00b204e9800998ecf8427e",
        "character 1 ('s') is not a hexadecimal digit"),
    BAD(MD5, "d41d8cd98f00b204 e9800998ecf8427e", "has white space or a control character inside"),
    /* cve */
    OK(CVE, "CVE-2024-3400", "CVE-2024-3400"),
    OK(CVE, "cve-2024-3400", "CVE-2024-3400"),
    OK(CVE, "CVE-2021-44228", "CVE-2021-44228"),
    OK(CVE,
       "CVE\xe2\x80\x93"
       "2024\xe2\x80\x93"
       "3400",
       "CVE-2024-3400"), /* en dashes */
    OK(CVE, "ＣＶＥ－２０２４－３４００", "CVE-2024-3400"),
    BAD(CVE, "CVE-2024-340", "expected CVE-YYYY-NNNN (4 to 19 digits, e.g. CVE-2024-3400)"),
    BAD(CVE, "CVE-24-3400", "expected CVE-YYYY-NNNN (4 to 19 digits, e.g. CVE-2024-3400)"),
    BAD(CVE, "2024-3400", "expected CVE-YYYY-NNNN (4 to 19 digits, e.g. CVE-2024-3400)"),
    BAD(CVE, "CVE-2024-3400a", "expected CVE-YYYY-NNNN (4 to 19 digits, e.g. CVE-2024-3400)"),
    BAD(CVE, "CVE-1998-0001", "year 1998 is before the first CVE year (1999)"),
    /* asn */
    OK(ASN, "AS64500", "AS64500"),
    OK(ASN, "as64500", "AS64500"),
    OK(ASN, "64500", "AS64500"),
    OK(ASN, "ASN 64500", "AS64500"),
    OK(ASN, "AS 64500", "AS64500"),
    OK(ASN, "AS1.10", "AS65546"),
    OK(ASN, "AS4294967295", "AS4294967295"),
    OK(ASN, "AS015169", "AS15169"),
    BAD(ASN, "AS0", "AS0 is reserved (RFC 7607) and never a valid origin"),
    BAD(ASN, "AS4294967296", "out of range (1-4294967295)"),
    BAD(ASN, "AS99999999999999", "expected AS followed by a number (e.g. AS64500)"),
    BAD(ASN, "AS", "expected AS followed by a number (e.g. AS64500)"),
    BAD(ASN, "AS-64500", "expected AS followed by a number (e.g. AS64500)"),
    BAD(ASN, "AS1.70000", "asdot form X.Y needs two numbers 0-65535"),
};

static void test_normalise(void)
{
	char out[4096], why[256], name[128];

	for (size_t i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
		const struct norm_case *c = &norm_cases[i];
		enum kr_err rc = kr_ind_normalise(c->t, c->in, strlen(c->in), out, sizeof(out), why,
		                                  sizeof(why));

		snprintf(name, sizeof(name), "%s '%s'", kr_ind_type_name(c->t), c->in);
		check_case(name);
		if (c->want) {
			CHECK_EQ_INT(rc, KR_OK);
			CHECK_STREQ(out, c->want);
			if (rc != KR_OK)
				fprintf(stderr, "  reason: %s\n", why);
		} else {
			CHECK_EQ_INT(rc, KR_EINVAL);
			CHECK_STREQ(why, c->why);
			CHECK_STREQ(out, "");
		}
	}
	check_case(NULL);
}

/* Normalising a normalised value changes nothing. */
static void test_idempotent(void)
{
	char out[4096], again[4096], why[256];

	for (size_t i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
		const struct norm_case *c = &norm_cases[i];

		if (!c->want)
			continue;
		check_case(c->want);
		CHECK_EQ_INT(kr_ind_normalise(c->t, c->want, strlen(c->want), out, sizeof(out), why,
		                              sizeof(why)),
		             KR_OK);
		CHECK_STREQ(out, c->want);
		CHECK_EQ_INT(kr_ind_normalise(c->t, out, strlen(out), again, sizeof(again), why,
		                              sizeof(why)),
		             KR_OK);
		CHECK_STREQ(again, out);
	}
	check_case(NULL);
}

static void test_edges(void)
{
	char out[64], why[128], big[5000];

	check_case("unknown type");
	CHECK_EQ_INT(kr_ind_normalise(KR_IND_NONE, "x", 1, out, sizeof(out), why, sizeof(why)),
	             KR_ELABEL);
	check_case("output too small");
	CHECK_EQ_INT(kr_ind_normalise(KR_IND_DOMAIN, "evil.example", 12, out, 5, why, sizeof(why)),
	             KR_ETOOLARGE);
	CHECK_STREQ(out, "");
	check_case("NULL why");
	CHECK_EQ_INT(kr_ind_normalise(KR_IND_IPV4, "300.1.1.1", 9, out, sizeof(out), NULL, 0),
	             KR_EINVAL);
	check_case("not NUL-terminated input");
	CHECK_EQ_INT(kr_ind_normalise(KR_IND_IPV4, "198.51.100.7999", 12, out, sizeof(out), why,
	                              sizeof(why)),
	             KR_OK);
	CHECK_STREQ(out, "198.51.100.7");
	check_case("embedded NUL");
	CHECK_EQ_INT(
	    kr_ind_normalise(KR_IND_IPV4, "1.2.3.4\0", 8, out, sizeof(out), why, sizeof(why)),
	    KR_EINVAL);
	check_case("too long");
	memset(big, 'a', sizeof(big));
	CHECK_EQ_INT(
	    kr_ind_normalise(KR_IND_DOMAIN, big, sizeof(big), out, sizeof(out), why, sizeof(why)),
	    KR_EINVAL);
	CHECK_STREQ(why, "longer than 2303 bytes");
	check_case(NULL);
}

/* ---- benign ---- */

struct benign_case {
	enum kr_ind_type t;
	const char *value; /* normalised */
	const char *why;   /* NULL: not benign */
};

#define DOC4 "documentation range (RFC 5737)"

static const struct benign_case builtin_cases[] = {
    {KR_IND_IPV4, "198.51.100.7", DOC4},
    {KR_IND_IPV4, "192.0.2.1", DOC4},
    {KR_IND_IPV4, "203.0.113.255", DOC4},
    {KR_IND_IPV4, "203.0.114.1", NULL},
    {KR_IND_IPV4, "8.8.8.8", "public DNS resolver (Google)"},
    {KR_IND_IPV4, "8.8.8.9", NULL},
    {KR_IND_IPV4, "1.1.1.1", "public DNS resolver (Cloudflare)"},
    {KR_IND_IPV4, "1.0.0.1", "public DNS resolver (Cloudflare)"},
    {KR_IND_IPV4, "9.9.9.9", "public DNS resolver (Quad9)"},
    {KR_IND_IPV4, "208.67.222.222", "public DNS resolver (OpenDNS)"},
    {KR_IND_IPV4, "127.0.0.1", "loopback (RFC 1122)"},
    {KR_IND_IPV4, "0.0.0.0", "this-network range, also a sinkhole answer (RFC 1122)"},
    {KR_IND_IPV4, "255.255.255.255", "limited broadcast (RFC 919)"},
    {KR_IND_IPV4, "239.1.2.3", "multicast (RFC 5771)"},
    {KR_IND_IPV4, "198.19.0.1", "benchmarking range (RFC 2544)"},
    {KR_IND_IPV4, "10.1.2.3", NULL}, /* internal: the anonymiser removes it */
    {KR_IND_IPV4, "45.77.1.2", NULL},
    {KR_IND_IPV6, "2001:db8::7", "documentation range (RFC 3849)"},
    {KR_IND_IPV6, "3fff:1::1", "documentation range (RFC 9637)"},
    {KR_IND_IPV6, "2001:4860:4860::8888", "public DNS resolver (Google)"},
    {KR_IND_IPV6, "2606:4700:4700::1111", "public DNS resolver (Cloudflare)"},
    {KR_IND_IPV6, "2620:fe::fe", "public DNS resolver (Quad9)"},
    {KR_IND_IPV6, "2620:119:35::35", "public DNS resolver (OpenDNS)"},
    {KR_IND_IPV6, "::1", "loopback (RFC 4291)"},
    {KR_IND_IPV6, "::", "unspecified address (RFC 4291)"},
    {KR_IND_IPV6, "::ffff:8.8.8.8", "public DNS resolver (Google)"},
    {KR_IND_IPV6, "::ffff:198.51.100.7", DOC4},
    {KR_IND_IPV6, "2a00:1450::1", NULL},
    {KR_IND_CIDR, "198.51.100.0/24", DOC4},
    {KR_IND_CIDR, "198.51.100.128/25", DOC4},
    {KR_IND_CIDR, "198.51.0.0/16", NULL}, /* wider than the range */
    {KR_IND_CIDR, "8.8.8.8/32", "public DNS resolver (Google)"},
    {KR_IND_CIDR, "2001:db8:1::/48", "documentation range (RFC 3849)"},
    {KR_IND_DOMAIN, "example.com", "example domain (RFC 2606)"},
    {KR_IND_DOMAIN, "www.example.org", "example domain (RFC 2606)"},
    {KR_IND_DOMAIN, "notexample.com", NULL},
    {KR_IND_DOMAIN, "example.com.evil.test", "reserved top-level domain (RFC 2606)"},
    {KR_IND_DOMAIN, "example.com.evil.jp", NULL},
    {KR_IND_DOMAIN, "login-secure-bank.example", "reserved top-level domain (RFC 2606)"},
    {KR_IND_DOMAIN, "a.invalid", "reserved top-level domain (RFC 2606)"},
    {KR_IND_DOMAIN, "printer.local", "local network name (RFC 6762)"},
    {KR_IND_DOMAIN, "sakura-bank.example.jp", "example domain (reserved by JPRS)"},
    {KR_IND_DOMAIN, "www.example.co.jp", "example domain (reserved by JPRS)"},
    {KR_IND_DOMAIN, "example.jp.evil.jp", NULL},
    {KR_IND_URL, "https://www.example.com/login", "example domain (RFC 2606)"},
    {KR_IND_URL, "http://user@198.51.100.7:8080/x", DOC4},
    {KR_IND_URL, "http://[2001:db8::7]/", "documentation range (RFC 3849)"},
    {KR_IND_URL, "https://evil.jp/?u=example.com", NULL},
    {KR_IND_URL, "https://example.com@evil.jp/", NULL},
    {KR_IND_EMAIL, "someone@example.net", "example domain (RFC 2606)"},
    {KR_IND_EMAIL, "example.com@evil.jp", NULL},
    {KR_IND_MD5, "d41d8cd98f00b204e9800998ecf8427e", "hash of an empty file"},
    {KR_IND_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "hash of an empty file"},
    {KR_IND_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "hash of an empty file"},
    {KR_IND_SHA256, "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
     "EICAR anti-virus test file"},
    {KR_IND_MD5, "da39a3ee5e6b4b0d3255bfef95601890", NULL},
    {KR_IND_ASN, "AS64500", "documentation AS number (RFC 5398)"},
    {KR_IND_ASN, "AS65551", "documentation AS number (RFC 5398)"},
    {KR_IND_ASN, "AS64512", "private-use AS number (RFC 6996)"},
    {KR_IND_ASN, "AS4200000001", "private-use AS number (RFC 6996)"},
    {KR_IND_ASN, "AS23456", "AS_TRANS placeholder (RFC 6793)"},
    {KR_IND_ASN, "AS65535", "reserved AS number (RFC 7300)"},
    {KR_IND_ASN, "AS15169", NULL},
    {KR_IND_CVE, "CVE-2024-3400", NULL},
};

static void run_benign(const struct kr_ind_benign *l, const struct benign_case *c, size_t n)
{
	char name[160];

	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "benign %s %s", kr_ind_type_name(c[i].t), c[i].value);
		check_case(name);
		CHECK_STREQ(kr_ind_benign_reason(l, c[i].t, c[i].value), c[i].why);
	}
	check_case(NULL);
}

static void test_benign_builtin(void)
{
	run_benign(NULL, builtin_cases, sizeof(builtin_cases) / sizeof(builtin_cases[0]));
}

static const struct {
	const char *line;
	const char *why; /* NULL: accepted */
} operator_lines[] = {
    {"", NULL},
    {"   ", NULL},
    {"# our own scanners", NULL},
    {"cidr 45.77.0.0/24 # 自社の脆弱性スキャナ", NULL},
    {"ipv4 45.77.9.9", NULL},
    {"domain Vendor-Update[.]jp   #  software vendor's update site  ", NULL},
    {"url hxxps://cdn.vendor.jp/x.js", NULL},
    {"sha256 A665A45920422F9D417E4867EFDC4FB8A04A1F3FFF1FA07E998E86F7F7A27AE3 # test file", NULL},
    {"asn 15169 # Google", NULL},
    {"\tipv6\t2a00:1450::1\t#\tv6 resolver\r\n", NULL},
    {"ip 1.2.3.4", "unknown type 'ip' (ipv4 ipv6 cidr domain url email md5 sha1 sha256 sha512 "
                   "cve asn)"},
    {"ipv4", "expected TYPE VALUE [# reason]: no value"},
    {"ipv4 300.1.2.3 # bad", "ipv4 '300.1.2.3': octet 1 is out of range (0-255)"},
    {"ipv4 1.2.3.4 trailing words",
     "expected TYPE VALUE [# reason]: unexpected text after the value"},
    {"cidr 45.77.0.1/24", "cidr '45.77.0.1/24': host bits are set: the network is 45.77.0.0/24"},
    {"domain 例え.jp",
     "domain '例え.jp': non-ASCII characters: give the punycode form (xn--...); the hub does "
     "not convert internationalised names"},
    {"md5 \xff", "not valid UTF-8 text"},
};

static const struct benign_case operator_cases[] = {
    {KR_IND_IPV4, "45.77.0.12", "自社の脆弱性スキャナ"},
    {KR_IND_CIDR, "45.77.0.0/25", "自社の脆弱性スキャナ"},
    {KR_IND_CIDR, "45.77.0.0/23", NULL},
    {KR_IND_IPV4, "45.77.9.9", "on the hub operator's list"},
    {KR_IND_CIDR, "45.77.9.9/32", "on the hub operator's list"},
    {KR_IND_IPV6, "::ffff:45.77.9.9", "on the hub operator's list"},
    {KR_IND_URL, "http://45.77.0.3/scan", "自社の脆弱性スキャナ"},
    {KR_IND_DOMAIN, "vendor-update.jp", "software vendor's update site"},
    {KR_IND_DOMAIN, "dl.vendor-update.jp", "software vendor's update site"},
    {KR_IND_DOMAIN, "evilvendor-update.jp", NULL},
    {KR_IND_EMAIL, "support@vendor-update.jp", "software vendor's update site"},
    {KR_IND_URL, "https://cdn.vendor.jp/x.js", "on the hub operator's list"},
    {KR_IND_URL, "https://cdn.vendor.jp/y.js", NULL},
    {KR_IND_SHA256, "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3",
     "test file"},
    {KR_IND_ASN, "AS15169", "Google"},
    {KR_IND_IPV6, "2a00:1450::1", "v6 resolver"},
    {KR_IND_IPV4, "198.51.100.7", DOC4}, /* built-ins still apply */
    {KR_IND_IPV4, "45.78.0.1", NULL},
};

static void test_benign_operator(void)
{
	struct kr_ind_benign *l = kr_ind_benign_new();
	char why[256];
	size_t added = 0;

	if (!CHECK_NOT_NULL(l))
		return;
	for (size_t i = 0; i < sizeof(operator_lines) / sizeof(operator_lines[0]); i++) {
		const char *line = operator_lines[i].line;
		enum kr_err rc = kr_ind_benign_add(l, line, strlen(line), why, sizeof(why));

		check_case(line);
		if (operator_lines[i].why) {
			CHECK_EQ_INT(rc, KR_EINVAL);
			CHECK_STREQ(why, operator_lines[i].why);
		} else {
			CHECK_EQ_INT(rc, KR_OK);
			if (rc != KR_OK)
				fprintf(stderr, "  reason: %s\n", why);
			added +=
			    line[strspn(line, " \t\r\n")] && line[strspn(line, " \t\r\n")] != '#';
		}
	}
	check_case("count");
	CHECK_EQ_INT(kr_ind_benign_count(l), added);
	CHECK_EQ_INT(kr_ind_benign_count(NULL), 0);
	run_benign(l, operator_cases, sizeof(operator_cases) / sizeof(operator_cases[0]));
	kr_ind_benign_free(l);
	kr_ind_benign_free(NULL);
}

/* ---- validity window ---- */

static const struct {
	const char *in;
	long long want; /* when why is NULL */
	const char *why;
} time_cases[] = {
    {"1970-01-01T00:00:00Z", 0, NULL},
    {"2024-02-29T12:34:56Z", 1709210096, NULL},
    {"2038-01-19T03:14:08Z", 2147483648LL, NULL},
    {"9999-12-31T23:59:59Z", 253402300799LL, NULL},
    {"2025-05-01", 0,
     "a date alone is not a time: give YYYY-MM-DDTHH:MM:SSZ (e.g. 2025-05-01T00:00:00Z)"},
    {"2025-05-01T09:00:00+09:00", 0, "give the time in UTC, ending in Z: 2025-05-01T00:00:00Z"},
    {"2025-05-01T00:30:00-01:00", 0, "give the time in UTC, ending in Z: 2025-05-01T01:30:00Z"},
    {"2025-05-01T00:00:00.5Z", 0,
     "fractions of a second are not accepted: give whole seconds, ending in Z"},
    {"2025-05-01T00:00:00", 0, "no time zone: give the time in UTC, ending in Z"},
    {"2025-05-01t00:00:00Z", 0, "write it as YYYY-MM-DDTHH:MM:SSZ, with an upper-case T and Z"},
    {"2025-05-01 00:00:00Z", 0, "write it as YYYY-MM-DDTHH:MM:SSZ, with an upper-case T and Z"},
    {"2025-05-01T00:00:00z", 0, "write it as YYYY-MM-DDTHH:MM:SSZ, with an upper-case T and Z"},
    {"2025-13-01T00:00:00Z", 0, "month 13 does not exist"},
    {"2025-02-29T00:00:00Z", 0, "day 29 does not exist in 2025-02"},
    {"2025-04-31T00:00:00Z", 0, "day 31 does not exist in 2025-04"},
    {"2025-05-01T24:00:00Z", 0, "hour 24 does not exist (00-23)"},
    {"2025-05-01T00:60:00Z", 0, "minute 60 does not exist (00-59)"},
    {"2016-12-31T23:59:60Z", 0, "second 60 (a leap second) is not accepted"},
    {"1969-12-31T23:59:59Z", 0, "year 1969 is before 1970"},
    {"next tuesday", 0,
     "expected an RFC 3339 UTC time YYYY-MM-DDTHH:MM:SSZ (e.g. 2025-04-30T15:00:00Z)"},
    {"", 0, "expected an RFC 3339 UTC time YYYY-MM-DDTHH:MM:SSZ (e.g. 2025-04-30T15:00:00Z)"},
    {"2025-05-01T00:00:00ZZ", 0,
     "expected an RFC 3339 UTC time YYYY-MM-DDTHH:MM:SSZ (e.g. 2025-04-30T15:00:00Z)"},
};

static void test_time(void)
{
	char why[256], back[21];

	for (size_t i = 0; i < sizeof(time_cases) / sizeof(time_cases[0]); i++) {
		int64_t t = -1;
		enum kr_err rc = kr_ind_time_parse(time_cases[i].in, &t, why, sizeof(why));

		check_case(time_cases[i].in);
		if (time_cases[i].why) {
			CHECK_EQ_INT(rc, KR_EINVAL);
			CHECK_STREQ(why, time_cases[i].why);
		} else {
			CHECK_EQ_INT(rc, KR_OK);
			CHECK_EQ_INT(t, time_cases[i].want);
			kr_ind_time_format(t, back);
			CHECK_STREQ(back, time_cases[i].in);
		}
	}
	check_case(NULL);
}

static void test_expired(void)
{
	json_t *a = json_pack("{s:s, s:s, s:s}", "type", "ipv4", "value", "198.51.100.7",
	                      "valid_until", "2025-01-01T00:00:00Z");
	json_t *b = json_pack("{s:s, s:s, s:s}", "type", "ipv4", "value", "198.51.100.7",
	                      "valid_from", "2030-01-01T00:00:00Z");
	json_t *c = json_pack("{s:s, s:s, s:s}", "type", "ipv4", "value", "198.51.100.7",
	                      "valid_until", "garbage");
	int64_t t;

	check_case("expired");
	kr_ind_time_parse("2025-01-01T00:00:00Z", &t, NULL, 0);
	CHECK(!kr_ind_expired(a, t - 1));
	CHECK(!kr_ind_expired(a, t)); /* valid through its last second */
	CHECK(kr_ind_expired(a, t + 1));
	CHECK(!kr_ind_expired(b, t + 1)); /* not yet valid is not expired */
	CHECK(!kr_ind_expired(c, t + 1));
	CHECK(!kr_ind_expired(NULL, t));
	json_decref(a);
	json_decref(b);
	json_decref(c);
	check_case(NULL);
}

static void test_same(void)
{
	json_t *a = json_pack("{s:s, s:s}", "type", "domain", "value", "evil.example");
	json_t *b = json_pack("{s:s, s:s, s:s}", "type", "domain", "value", "evil.example", "role",
	                      "unknown");
	json_t *c = json_pack("{s:s, s:s, s:s}", "type", "domain", "value", "evil.example", "role",
	                      "attacker");
	json_t *d = json_pack("{s:s, s:s, s:s}", "type", "domain", "value", "evil.example",
	                      "valid_until", "2030-01-01T00:00:00Z");
	json_t *e = json_pack("{s:s, s:s}", "type", "url", "value", "evil.example");

	check_case("same");
	CHECK(kr_ind_same(a, b)); /* absent role is unknown */
	CHECK(!kr_ind_same(a, c));
	CHECK(kr_ind_same_value(a, c));
	CHECK(!kr_ind_same(a, d));
	CHECK(kr_ind_same_value(a, d));
	CHECK(!kr_ind_same_value(a, e));
	CHECK(!kr_ind_same_value(a, NULL));
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(d);
	json_decref(e);
	check_case(NULL);
}

int main(void)
{
	test_normalise();
	test_idempotent();
	test_edges();
	test_benign_builtin();
	test_benign_operator();
	test_time();
	test_expired();
	test_same();
	return check_finish();
}
