/*
 * store_resources.h - the regional help directory in the store: standing
 * resources per prefecture (consultation desks, expert dispatch programmes,
 * police cybercrime contacts, universities), each kept by one circle.
 *
 * Resources come back as JSON objects as readers see them ({id, circle,
 * prefecture, kind, name, description?, contact?, url?, created}); who
 * added one never leaves the store. Who may see or change which is for
 * policy.c to decide.
 */
#ifndef KR_STORE_RESOURCES_H
#define KR_STORE_RESOURCES_H

#include <jansson.h>
#include <stdint.h>

#include "kr_error.h"
#include "store.h"

#define KR_RESOURCE_ID_LEN 19 /* "rs_" + 16 hex */

/* A new resource; strings borrowed, optional ones may be NULL. */
struct kr_resource_new {
	int64_t circle_id;
	const char *prefecture, *kind, *name, *description, *contact, *url;
	int64_t added_by;
};

/* Insert; *out receives the resource as stored (new reference). */
enum kr_err store_resource_add(struct kr_store *st, const struct kr_resource_new *in, json_t **out);

/*
 * Resources in any of prefectures (array of codes, or NULL: all), of kind
 * (NULL: any) and circle (0: any), by prefecture, kind and name, at most
 * limit. cb(ud, circle_id, resource) gets each (borrowed); non-zero stops.
 */
typedef int (*store_resource_cb)(void *ud, int64_t circle_id, json_t *resource);
enum kr_err store_resources_list(struct kr_store *st, const json_t *prefectures, const char *kind,
                                 int64_t circle_id, int limit, store_resource_cb cb, void *ud);

/* The circle of a resource (KR_ENOTFOUND when there is no such id). */
enum kr_err store_resource_circle(struct kr_store *st, const char *id, int64_t *circle_id);

/* Remove a resource. KR_ENOTFOUND when there is no such id. */
enum kr_err store_resource_remove(struct kr_store *st, const char *id);

#endif
