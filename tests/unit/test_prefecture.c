/*
 * test_prefecture.c - the prefecture and region table (common/prefecture.h):
 * all 47 codes in order with their Japanese and English names and regions,
 * the regions the anonymiser and the filters use, and exact parsing.
 */
#include <string.h>

#include "check.h"
#include "prefecture.h"

static const struct {
	const char *code, *ja, *en, *region;
} rows[] = {
    {"JP-01", "北海道", "Hokkaido", "hokkaido"},
    {"JP-02", "青森県", "Aomori", "tohoku"},
    {"JP-07", "福島県", "Fukushima", "tohoku"},
    {"JP-08", "茨城県", "Ibaraki", "kanto"},
    {"JP-13", "東京都", "Tokyo", "kanto"},
    {"JP-14", "神奈川県", "Kanagawa", "kanto"},
    {"JP-15", "新潟県", "Niigata", "chubu"},
    {"JP-23", "愛知県", "Aichi", "chubu"},
    {"JP-24", "三重県", "Mie", "kinki"},
    {"JP-26", "京都府", "Kyoto", "kinki"},
    {"JP-27", "大阪府", "Osaka", "kinki"},
    {"JP-30", "和歌山県", "Wakayama", "kinki"},
    {"JP-31", "鳥取県", "Tottori", "chugoku"},
    {"JP-35", "山口県", "Yamaguchi", "chugoku"},
    {"JP-36", "徳島県", "Tokushima", "shikoku"},
    {"JP-39", "高知県", "Kochi", "shikoku"},
    {"JP-40", "福岡県", "Fukuoka", "kyushu-okinawa"},
    {"JP-47", "沖縄県", "Okinawa", "kyushu-okinawa"},
};

static const char *const bad[] = {
    "JP-00",  "JP-48", "JP-99", "jp-13",  "JP13",  "JP-1", "JP-013",  " JP-13",
    "JP-13 ", "JP-1a", "",      "kanto-", "Kanto", "JP-",  "JP-４７",
};

int main(void)
{
	int per_region[KR_REGION_COUNT] = {0};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		const struct kr_prefecture *p = kr_prefecture_by_code(rows[i].code);

		check_case(rows[i].code);
		if (!CHECK_NOT_NULL(p))
			continue;
		CHECK_STREQ(p->code, rows[i].code);
		CHECK_STREQ(p->ja, rows[i].ja);
		CHECK_STREQ(p->en, rows[i].en);
		CHECK_STREQ(p->region, rows[i].region);
		CHECK_STREQ(kr_region_of(rows[i].code), rows[i].region);
	}
	check_case(NULL);
	for (int n = 1; n <= KR_PREFECTURE_COUNT; n++) {
		const struct kr_prefecture *p = kr_prefecture_at(n);
		char code[8];

		snprintf(code, sizeof(code), "JP-%02d", n);
		check_case(code);
		if (!CHECK_NOT_NULL(p))
			continue;
		CHECK_EQ_INT(p->number, n);
		CHECK_STREQ(p->code, code);
		CHECK(kr_prefecture_by_code(code) == p);
		CHECK(kr_region_known(p->region));
		CHECK(strlen(p->ja) > 0 && strlen(p->en) > 0);
		for (int r = 0; r < KR_REGION_COUNT; r++)
			if (strcmp(kr_region_at(r), p->region) == 0)
				per_region[r]++;
	}
	check_case(NULL);
	/* Regions run north to south and cover every prefecture. */
	{
		static const int want[KR_REGION_COUNT] = {1, 6, 7, 9, 7, 5, 4, 8};

		for (int r = 0; r < KR_REGION_COUNT; r++) {
			check_case(kr_region_at(r));
			CHECK_EQ_INT(per_region[r], want[r]);
			CHECK_STREQ(kr_region_of(kr_region_at(r)), kr_region_at(r));
			CHECK_NOT_NULL(kr_region_ja(kr_region_at(r)));
		}
	}
	check_case(NULL);
	CHECK_STREQ(kr_region_ja("kyushu-okinawa"), "九州・沖縄");
	CHECK_STREQ(kr_region_ja("kanto"), "関東");
	CHECK_NULL(kr_region_at(-1));
	CHECK_NULL(kr_region_at(KR_REGION_COUNT));
	CHECK_NULL(kr_prefecture_at(0));
	CHECK_NULL(kr_prefecture_at(48));
	CHECK_NULL(kr_prefecture_by_code(NULL));
	CHECK_NULL(kr_region_of(NULL));
	CHECK(!kr_region_known(NULL));
	for (size_t i = 0; i < CHECK_N(bad); i++) {
		check_case(bad[i]);
		CHECK_NULL(kr_prefecture_by_code(bad[i]));
		CHECK_NULL(kr_region_of(bad[i]));
	}
	return check_finish();
}
