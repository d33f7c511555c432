/*
 * ics.h - calendar feeds of events over HTTPS (routes of http.c):
 *
 *   GET /events.ics[?region=R][&audience=A][&circle=C]
 *       every event the reader may have that ended at most 30 days ago or
 *       is still to come (at most 500), soonest first; region as in the
 *       `events` message (JP-13, kanto, online, all)
 *   GET /events/ITEM_ID.ics
 *       one event
 *
 * as text/calendar (ical.h). Without an Authorization header the reader is
 * anonymous: the CLEAR events of circles that publish CLEAR. With
 * "Authorization: Bearer TOKEN" (a header, never the URL, so tokens stay
 * out of logs and calendar URLs people share), the token's user gets what
 * the bulk export gate allows it: published events, GREEN and AMBER of its
 * circles labelled in the summary, never RED. A bad token is 401; an event
 * the reader may not have is 404, the same as one that does not exist.
 * Every event passes reader.c (reader_export_view_for).
 */
#ifndef KR_ICS_H
#define KR_ICS_H

#include "http.h"

/* The route handler for "/events" (LWS_CALLBACK_HTTP via http.c). */
int ics_http(struct kr_http_req *q);

#endif
