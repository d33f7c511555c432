/*
 * prefecture.c - the prefecture and region tables (see prefecture.h).
 */
#include "prefecture.h"

#include <stddef.h>
#include <string.h>

static const struct kr_prefecture prefectures[KR_PREFECTURE_COUNT] = {
    {1, "JP-01", "北海道", "Hokkaido", "hokkaido"},
    {2, "JP-02", "青森県", "Aomori", "tohoku"},
    {3, "JP-03", "岩手県", "Iwate", "tohoku"},
    {4, "JP-04", "宮城県", "Miyagi", "tohoku"},
    {5, "JP-05", "秋田県", "Akita", "tohoku"},
    {6, "JP-06", "山形県", "Yamagata", "tohoku"},
    {7, "JP-07", "福島県", "Fukushima", "tohoku"},
    {8, "JP-08", "茨城県", "Ibaraki", "kanto"},
    {9, "JP-09", "栃木県", "Tochigi", "kanto"},
    {10, "JP-10", "群馬県", "Gunma", "kanto"},
    {11, "JP-11", "埼玉県", "Saitama", "kanto"},
    {12, "JP-12", "千葉県", "Chiba", "kanto"},
    {13, "JP-13", "東京都", "Tokyo", "kanto"},
    {14, "JP-14", "神奈川県", "Kanagawa", "kanto"},
    {15, "JP-15", "新潟県", "Niigata", "chubu"},
    {16, "JP-16", "富山県", "Toyama", "chubu"},
    {17, "JP-17", "石川県", "Ishikawa", "chubu"},
    {18, "JP-18", "福井県", "Fukui", "chubu"},
    {19, "JP-19", "山梨県", "Yamanashi", "chubu"},
    {20, "JP-20", "長野県", "Nagano", "chubu"},
    {21, "JP-21", "岐阜県", "Gifu", "chubu"},
    {22, "JP-22", "静岡県", "Shizuoka", "chubu"},
    {23, "JP-23", "愛知県", "Aichi", "chubu"},
    {24, "JP-24", "三重県", "Mie", "kinki"},
    {25, "JP-25", "滋賀県", "Shiga", "kinki"},
    {26, "JP-26", "京都府", "Kyoto", "kinki"},
    {27, "JP-27", "大阪府", "Osaka", "kinki"},
    {28, "JP-28", "兵庫県", "Hyogo", "kinki"},
    {29, "JP-29", "奈良県", "Nara", "kinki"},
    {30, "JP-30", "和歌山県", "Wakayama", "kinki"},
    {31, "JP-31", "鳥取県", "Tottori", "chugoku"},
    {32, "JP-32", "島根県", "Shimane", "chugoku"},
    {33, "JP-33", "岡山県", "Okayama", "chugoku"},
    {34, "JP-34", "広島県", "Hiroshima", "chugoku"},
    {35, "JP-35", "山口県", "Yamaguchi", "chugoku"},
    {36, "JP-36", "徳島県", "Tokushima", "shikoku"},
    {37, "JP-37", "香川県", "Kagawa", "shikoku"},
    {38, "JP-38", "愛媛県", "Ehime", "shikoku"},
    {39, "JP-39", "高知県", "Kochi", "shikoku"},
    {40, "JP-40", "福岡県", "Fukuoka", "kyushu-okinawa"},
    {41, "JP-41", "佐賀県", "Saga", "kyushu-okinawa"},
    {42, "JP-42", "長崎県", "Nagasaki", "kyushu-okinawa"},
    {43, "JP-43", "熊本県", "Kumamoto", "kyushu-okinawa"},
    {44, "JP-44", "大分県", "Oita", "kyushu-okinawa"},
    {45, "JP-45", "宮崎県", "Miyazaki", "kyushu-okinawa"},
    {46, "JP-46", "鹿児島県", "Kagoshima", "kyushu-okinawa"},
    {47, "JP-47", "沖縄県", "Okinawa", "kyushu-okinawa"},
};

static const struct {
	const char *name, *ja;
} regions[KR_REGION_COUNT] = {
    {"hokkaido", "北海道"}, {"tohoku", "東北"},
    {"kanto", "関東"},      {"chubu", "中部"},
    {"kinki", "近畿"},      {"chugoku", "中国"},
    {"shikoku", "四国"},    {"kyushu-okinawa", "九州・沖縄"},
};

const struct kr_prefecture *kr_prefecture_at(int number)
{
	return number >= 1 && number <= KR_PREFECTURE_COUNT ? &prefectures[number - 1] : NULL;
}

const struct kr_prefecture *kr_prefecture_by_code(const char *code)
{
	if (!code || strlen(code) != 5 || strncmp(code, "JP-", 3) != 0 || code[3] < '0' ||
	    code[3] > '9' || code[4] < '0' || code[4] > '9')
		return NULL;
	return kr_prefecture_at((code[3] - '0') * 10 + (code[4] - '0'));
}

static int region_index(const char *name)
{
	for (int i = 0; name && i < KR_REGION_COUNT; i++)
		if (strcmp(regions[i].name, name) == 0)
			return i;
	return -1;
}

bool kr_region_known(const char *name)
{
	return region_index(name) >= 0;
}

const char *kr_region_at(int i)
{
	return i >= 0 && i < KR_REGION_COUNT ? regions[i].name : NULL;
}

const char *kr_region_ja(const char *name)
{
	int i = region_index(name);

	return i >= 0 ? regions[i].ja : NULL;
}

const char *kr_region_of(const char *code_or_region)
{
	const struct kr_prefecture *p = kr_prefecture_by_code(code_or_region);
	int i;

	if (p)
		return p->region;
	i = region_index(code_or_region);
	return i >= 0 ? regions[i].name : NULL;
}
