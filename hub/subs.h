/*
 * subs.h - subscriptions: which circles a session follows, live fan-out of
 * new items, and catching up from the store.
 *
 * A subscriber is either live (new items are pushed as they are committed)
 * or catching up (items are read back from the store in cursor order until
 * it reaches the newest, then it turns live). A subscriber whose queue fills
 * up is switched to catching up instead of losing items or growing memory;
 * since the hub is single-threaded, the switch back to live cannot miss or
 * repeat an item.
 */
#ifndef KR_SUBS_H
#define KR_SUBS_H

#include <stddef.h>
#include <stdint.h>

#include "item.h"
#include "kr_error.h"
#include "session.h"

struct kr_server;

/*
 * Follow the given circles (sorted or not; copied), delivering what passes
 * filter (taken over: *filter is emptied). since < 0: live from the
 * store's newest cursor (*head receives it); otherwise replay from since.
 */
enum kr_err subs_start(struct kr_session *s, const int64_t *circles, size_t n, int64_t since,
                       struct kr_filter *filter, int64_t *head);

/* Stop following anything. */
void subs_stop(struct kr_session *s);

/* Drop circles the session may no longer follow (after a directory change). */
void subs_refresh(struct kr_session *s);

/* Push a newly committed item to every live subscriber following its circle. */
void subs_fanout(struct kr_server *srv, struct kr_item *it);

/* Called when s's queue has drained: queue the next batch from the store if
 * s is catching up; turns s live once it has reached the newest item. */
void subs_catch_up(struct kr_session *s);

#endif
