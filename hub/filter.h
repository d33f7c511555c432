/*
 * filter.h - subscription filters: what a subscriber wants delivered out of
 * what it may read (kinds, minimum severity, tags, indicator types,
 * keywords, regions). Evaluated by the hub per item, on live delivery and on
 * replay, always after the read gate. Pure: tested from a table
 * (tests/unit/test_filter.c).
 */
#ifndef KR_FILTER_H
#define KR_FILTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "item.h"
#include "kr_error.h"
#include "model.h"

struct kr_filter {
	bool active;                   /* false: everything passes */
	unsigned kinds;                /* bit 1 << kind; 0: any */
	enum kr_severity min_severity; /* KR_SEV_NONE: any */
	unsigned indicator_types;      /* bit 1 << type; 0: any */
	json_t *tags;                  /* owned array of strings, or NULL: any */
	json_t *keywords;              /* owned array of strings, or NULL: any */
	json_t *regions;               /* owned array of strings, or NULL: any */
};

/*
 * Parse `subscribe.filter` (obj may be NULL: no filter) into f (released with
 * filter_clear). KR_EFIELD for an unknown field, KR_ELABEL for an unknown
 * kind, severity, indicator type or region, KR_EINVAL otherwise; err names
 * the field.
 */
enum kr_err filter_parse(const json_t *obj, struct kr_filter *f, char *err, size_t errlen);

/* Does the item pass every field of the filter? */
bool filter_match(const struct kr_filter *f, const struct kr_item *it);

void filter_clear(struct kr_filter *f);

#endif
