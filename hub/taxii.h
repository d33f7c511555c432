/*
 * taxii.h - TAXII 2.1, read side, over the hub's HTTPS port (one route of
 * http.c):
 *
 *   GET /taxii2/                                   discovery
 *   GET /taxii2/kairan/                            the one API root
 *   GET /taxii2/kairan/collections/                one per circle you may read
 *   GET /taxii2/kairan/collections/{id}/           one collection
 *   GET /taxii2/kairan/collections/{id}/objects/   envelope of STIX objects
 *   GET /taxii2/kairan/collections/{id}/objects/{object-id}/
 *   GET /taxii2/kairan/collections/{id}/manifest/
 *
 * Who asks: `Authorization: Bearer TOKEN` or `Basic base64(USER:TOKEN)`
 * with a kairan token (the user name must be the token's), or nobody (the
 * anonymous reader, who sees the CLEAR items of circles that publish
 * them). Bad credentials are 401, never anonymous. A collection holds what
 * the `export` message would give the same reader: published threats and
 * alerts, never RED, each passed through reader.c's export gate for that
 * reader; their STIX objects come from stix_out.c. A collection the reader
 * may not read is 404, exactly like one that does not exist. Writes (POST)
 * are not offered: can_write is false.
 */
#ifndef KR_TAXII_H
#define KR_TAXII_H

#include "http.h"

/* Answer GET /taxii2/... (a route handler, see http.h). */
int taxii_http(struct kr_http_req *q);

#endif
