/*
 * ical.h - events as an iCalendar (RFC 5545) calendar: one VEVENT per event
 * item, a VTIMEZONE for every TZID used, content lines escaped and folded.
 *
 * A pure module: it turns item views (as the read gate produced them; the
 * caller decides who may see what) into text, and reads nothing but the
 * system zoneinfo (tz.h) to describe time zones.
 *
 * What it writes:
 *  - lines end in CRLF and are folded at 75 octets (a continuation line
 *    starts with one space and carries at most 74 more), never inside a
 *    UTF-8 sequence;
 *  - TEXT values escape backslash, semicolon, comma and newlines ("\\n");
 *    other control characters become spaces;
 *  - each VEVENT has UID (ITEM_ID@kairan), DTSTAMP and LAST-MODIFIED (the
 *    event's `updated`), CREATED, SEQUENCE (its `sequence`), STATUS
 *    (CONFIRMED or CANCELLED), SUMMARY (the title, prefixed "[TLP:GREEN] "
 *    and so on for anything but CLEAR), DESCRIPTION (the body and the
 *    event's details), LOCATION, DTSTART and DTEND with TZID=ZONE in local
 *    time, CLASS (PUBLIC for CLEAR, PRIVATE otherwise), CATEGORIES (tags and
 *    audience), URL when the contact is an http(s) URL, and X-KAIRAN-TLP;
 *  - each VTIMEZONE describes its zone exactly over the events that use it:
 *    the observance in effect at the earliest start (its onset the zone's
 *    last clock change before then, or 1970-01-01 when that is earlier or
 *    there is none, so Asia/Tokyo is one STANDARD +0900 JST component),
 *    then one STANDARD or DAYLIGHT component per clock change up to the
 *    latest end. Zones come from the system zoneinfo through tz.h, which
 *    refuses what it cannot describe; an event whose zone cannot be loaded
 *    makes the whole calendar fail (KR_EINVAL), never a calendar with a
 *    TZID and no VTIMEZONE.
 */
#ifndef KR_ICAL_H
#define KR_ICAL_H

#include <jansson.h>
#include <stddef.h>

#include "kr_error.h"

/*
 * A VCALENDAR of events (an array of item views of kind event, borrowed)
 * named name (X-WR-CALNAME; may be NULL). *out: malloc'd text with pre
 * bytes of headroom before it (for libwebsockets), *len its length.
 * KR_EINVAL (err says why) when an item is not an event or its time zone
 * cannot be described; KR_EINTERNAL on memory.
 */
enum kr_err ical_calendar(const json_t *events, const char *name, size_t pre, char **out,
                          size_t *len, char *err, size_t errlen);

/* A TEXT value escaped (RFC 5545 3.3.11); malloc'd. NULL on memory. */
char *ical_escape(const char *text);

/*
 * One content line (without CRLF) folded at 75 octets and ended with CRLF,
 * never splitting a UTF-8 sequence; malloc'd. NULL on memory.
 */
char *ical_fold(const char *line);

#endif
