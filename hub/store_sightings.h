/*
 * store_sightings.h - members' sighting reports of indicators, per circle,
 * and their aggregate.
 *
 * A report names the circle, the reporting organisation and user, the
 * indicator (normalised) and whether it is a false positive. Nothing here
 * decides who may report or read: sighting.c asks policy.c, and releases an
 * aggregate only over at least the circle policy's k organisations.
 */
#ifndef KR_STORE_SIGHTINGS_H
#define KR_STORE_SIGHTINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "kr_error.h"
#include "store.h"

/* What the store knows about one indicator in one circle. */
struct kr_sighting_tally {
	int64_t orgs;           /* organisations that reported anything */
	int64_t seen_by;        /* of those, whose latest report is a sighting */
	int64_t false_positive; /* of those, whose latest report says false positive */
	int64_t reports;        /* reports in all */
	int64_t first_seen;     /* epoch seconds of the first sighting (0: none) */
	int64_t last_seen;      /* epoch seconds of the latest sighting (0: none) */
};

/* Record one report and commit. */
enum kr_err store_sighting_add(struct kr_store *st, int64_t circle_id, int64_t org_id,
                               int64_t user_id, const char *type, const char *value,
                               bool false_positive, int64_t now);

/* The aggregate for (circle, indicator); all zero when never reported. */
enum kr_err store_sighting_tally(struct kr_store *st, int64_t circle_id, const char *type,
                                 const char *value, struct kr_sighting_tally *out);

#endif
