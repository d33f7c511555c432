/*
 * prefecture.h - Japan's 47 prefectures (ISO 3166-2:JP, "JP-01" ... "JP-47")
 * with their names in Japanese and English, and the eight regions they
 * belong to ("hokkaido", "tohoku", "kanto", "chubu", "kinki", "chugoku",
 * "shikoku", "kyushu-okinawa").
 *
 * One table for the whole project: the anonymiser coarsens an
 * organisation's prefecture to its region, subscription filters name
 * regions, events are listed by prefecture and the regional help directory
 * is kept per prefecture. Parsing is exact (upper-case "JP-", two digits);
 * anything else is unknown, never guessed.
 */
#ifndef KR_PREFECTURE_H
#define KR_PREFECTURE_H

#include <stdbool.h>

#define KR_PREFECTURE_COUNT 47
#define KR_REGION_COUNT     8

struct kr_prefecture {
	int number;         /* 1 .. 47 */
	const char *code;   /* "JP-14" */
	const char *ja;     /* "神奈川県" */
	const char *en;     /* "Kanagawa" */
	const char *region; /* "kanto" */
};

/* The prefecture of an ISO 3166-2:JP code ("JP-14"); NULL for anything else. */
const struct kr_prefecture *kr_prefecture_by_code(const char *code);

/* The prefecture with this number (1 .. 47); NULL otherwise. */
const struct kr_prefecture *kr_prefecture_at(int number);

/* Whether name is one of the eight region names. */
bool kr_region_known(const char *name);

/* The region name at index i (0 .. KR_REGION_COUNT - 1), north to south; NULL otherwise. */
const char *kr_region_at(int i);

/* The region's name in Japanese ("関東"); NULL for an unknown region. */
const char *kr_region_ja(const char *name);

/*
 * The region of a prefecture code ("JP-14" -> "kanto") or of a region name
 * (returned as the table's own string); NULL for anything else. Static.
 */
const char *kr_region_of(const char *code_or_region);

#endif
