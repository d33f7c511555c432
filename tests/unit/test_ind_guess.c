/*
 * test_ind_guess.c - the type `kairan sight` guesses for a bare value, from
 * a table: every type, defanged forms, and shapes that are none.
 */
#include "check.h"
#include "ind_guess.h"

static const struct {
	const char *value;
	enum kr_ind_type want;
} rows[] = {
    {"198.51.100.7", KR_IND_IPV4},
    {"198[.]51[.]100[.]7", KR_IND_IPV4},
    {"2001:db8::1", KR_IND_IPV6},
    {"::ffff:192.0.2.1", KR_IND_IPV6},
    {"203.0.113.0/24", KR_IND_CIDR},
    {"2001:db8::/32", KR_IND_CIDR},
    {"login-secure-bank.example", KR_IND_DOMAIN},
    {"login-secure-bank[.]example", KR_IND_DOMAIN},
    {"evil(dot)example", KR_IND_DOMAIN},
    {"例え.jp", KR_IND_DOMAIN},
    {"https://login-secure-bank.example/ib/logon.html", KR_IND_URL},
    {"hxxps://login-secure-bank[.]example/ib", KR_IND_URL},
    {"support@login-secure-bank.example", KR_IND_EMAIL},
    {"support[@]login-secure-bank[.]example", KR_IND_EMAIL},
    {"d41d8cd98f00b204e9800998ecf8427e", KR_IND_MD5},
    {"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", KR_IND_SHA1},
    {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", KR_IND_SHA256},
    {"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
     "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
     KR_IND_SHA512},
    {"CVE-2024-3400", KR_IND_CVE},
    {"cve-2021-44228", KR_IND_CVE},
    {"AS2497", KR_IND_ASN},
    {"as64496", KR_IND_ASN},
    /* none of them */
    {"", KR_IND_NONE},
    {"hello", KR_IND_NONE},
    {"12345", KR_IND_NONE},
    {"two words.example", KR_IND_NONE},
    {"abc/def", KR_IND_NONE},
    {"198.51.100.7/abc", KR_IND_NONE},
    {"CVE-24-1", KR_IND_NONE},
    {"d41d8cd98f00b204e9800998ecf8427", KR_IND_NONE}, /* 31 hex digits */
};

int main(void)
{
	for (size_t i = 0; i < CHECK_N(rows); i++) {
		check_case(rows[i].value);
		CHECK_EQ_INT(kr_ind_guess_type(rows[i].value), rows[i].want);
	}
	check_case(NULL);
	CHECK_EQ_INT(kr_ind_guess_type(NULL), KR_IND_NONE);
	return check_finish();
}
