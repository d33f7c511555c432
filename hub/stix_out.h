/*
 * stix_out.h - STIX 2.1 objects for items, as a reader sees them.
 *
 * Pure: input is an item's reader view (the JSON that reader.c hands out,
 * never the stored row), output is STIX 2.1 JSON. Used by the `export`
 * message and by the TAXII 2.1 endpoints (taxii.c); both get the view from
 * the read gate first, so nothing here decides access.
 *
 * Per item: one `report` (name = title, description = body, published =
 * created, object_refs = its indicators, or the identity when it has none),
 * one `indicator` per indicator with a valid STIX pattern, and an anonymous
 * `identity` named after the item's pseudonym (created_by_ref of each). Every
 * object carries object_marking_refs to the TLP 2.0 marking definition of the
 * item's TLP (OASIS TLP 2.0 extension ids). Ids are deterministic (UUIDv5 of
 * the item id and the object's role in it), so the same item exports the same
 * objects every time.
 */
#ifndef KR_STIX_OUT_H
#define KR_STIX_OUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "kr_error.h"
#include "model.h"

/*
 * Append the STIX objects of one item view to objects (a JSON array).
 * Indicators whose validity window ended before now are left out unless
 * include_expired. Marking-definition objects are not appended (see
 * stix_bundle). KR_OK, KR_EINVAL when the view lacks what STIX needs, or
 * KR_EINTERNAL when out of memory.
 */
enum kr_err stix_item_objects(const json_t *view, int64_t now, bool include_expired,
                              json_t *objects);

/* The TLP 2.0 marking-definition object for tlp (new reference), or NULL. */
json_t *stix_marking_definition(enum kr_tlp tlp);

/*
 * A STIX 2.1 bundle of objects (steals the reference), with one copy of
 * each identity and the marking-definition objects that the objects refer
 * to. New reference, or NULL when out of memory.
 */
json_t *stix_bundle(json_t *objects);

#endif
