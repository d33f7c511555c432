/*
 * throttle.c - connection, rate and frame limits (see throttle.h).
 */
#include "throttle.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "ratelimit.h"
#include "server.h"
#include "session.h"

#define RATE_KEYS   65536 /* users or addresses tracked at once per table */
#define CLOSE_GRACE 5     /* seconds to send the final error before dropping */

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

bool throttle_start(struct kr_server *srv)
{
	const struct kr_config *c = srv->cfg;

	srv->rate_user =
	    rate_table_new(RATE_KEYS, (double)c->rate_user_per_s, (double)c->rate_user_burst);
	srv->rate_ip =
	    rate_table_new(RATE_KEYS, (double)c->rate_ip_per_s, (double)c->rate_ip_burst);
	return srv->rate_user && srv->rate_ip;
}

void throttle_reload(struct kr_server *srv)
{
	const struct kr_config *c = srv->cfg;

	if (srv->rate_user)
		rate_table_set(srv->rate_user, (double)c->rate_user_per_s,
		               (double)c->rate_user_burst);
	if (srv->rate_ip)
		rate_table_set(srv->rate_ip, (double)c->rate_ip_per_s, (double)c->rate_ip_burst);
}

void throttle_stop(struct kr_server *srv)
{
	rate_table_free(srv->rate_user);
	rate_table_free(srv->rate_ip);
	srv->rate_user = srv->rate_ip = NULL;
}

/* Close s with a final error, and drop it anyway if that cannot be sent. */
static void close_with(struct kr_session *s, enum kr_err e, const char *message)
{
	session_close(s, e, message);
	lws_set_timeout(s->wsi, PENDING_TIMEOUT_CLOSE_SEND, CLOSE_GRACE);
}

bool throttle_connection(struct kr_session *s)
{
	int64_t same = 0;
	char msg[128];

	for (struct kr_session *o = s->srv->sessions; o; o = o->next)
		same += o != s && !o->closing && strcmp(o->peer, s->peer) == 0;
	if (same < s->srv->cfg->max_connections_per_ip)
		return true;
	kr_log(KR_LOG_WARN, "session %s: refused, %lld connections from this address already",
	       s->peer, (long long)same);
	snprintf(msg, sizeof(msg), "your address already holds %lld connections (the limit)",
	         (long long)same);
	close_with(s, KR_ECONNLIMIT, msg);
	return false;
}

bool throttle_message(struct kr_session *s)
{
	double now = mono();
	char user[32];
	bool ok = true;

	if (s->authed && s->srv->rate_user) {
		snprintf(user, sizeof(user), "%lld", (long long)s->user_id);
		ok = rate_take(s->srv->rate_user, user, now);
	}
	/* The address pays for every message, also one refused above. */
	if (s->srv->rate_ip && !rate_take(s->srv->rate_ip, s->peer, now))
		ok = false;
	return ok;
}

static void frame_deadline(lws_sorted_usec_list_t *sul)
{
	struct kr_session *s = lws_container_of(sul, struct kr_session, frame_sul);

	kr_log(KR_LOG_INFO, "session %s: a message was left incomplete; closing", s->peer);
	close_with(s, KR_ETIMEOUT, "a message was begun but not completed in time");
}

void throttle_frame(struct kr_session *s, bool done)
{
	if (done && s->rx_open) {
		s->rx_open = false;
		lws_sul_cancel(&s->frame_sul);
	} else if (!done && !s->rx_open) {
		s->rx_open = true;
		lws_sul_schedule(s->srv->ctx, 0, &s->frame_sul, frame_deadline,
		                 s->srv->cfg->frame_timeout_ms * LWS_US_PER_MS);
	}
}
