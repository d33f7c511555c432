#!/usr/bin/python3
"""05 subscribe: replay, live, durable names, restarts, crashes, slow readers.

since replays stored items and then continues live with no gap and no
duplicate; a named subscription resumes after its last ack, across
reconnects and a clean hub restart; after SIGKILL every item that got a
`posted` reply is still there; a reader too slow for its queue loses
nothing and holds back nobody.
"""
import threading
import time
import unittest

import harness
from harness import (HubTestCase, connect, hub_policy_dir, make_item, setup_two_circles,
                     write_policy)


class SubscribeTest(HubTestCase):
    casts = 0

    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()

    def setUp(self):
        super().setUp()
        # A fresh cast per test keeps the circles of different tests apart.
        SubscribeTest.casts += 1
        self.fx = setup_two_circles(self.hub, suffix=f"-{SubscribeTest.casts}")

    def c(self, role):
        return connect(self.hub, self.fx, role)

    def test_without_since_only_new_items(self):
        author = self.c("author")
        before = [author.post(make_item(self.fx.circle)) for _ in range(3)]
        peer = self.c("peer")
        sub = peer.subscribe()
        self.assertGreaterEqual(sub["cursor"], before[-1]["cursor"])
        peer.expect_no_message(within=0.3)
        new = author.post(make_item(self.fx.circle))
        self.assertEqual(peer.deliver()["id"], new["item_id"])
        peer.expect_no_message(within=0.3)

    def test_since_zero_replays_in_order_and_only_what_the_reader_may_see(self):
        author, outsider = self.c("author"), self.c("outsider")
        expected = []
        for n in range(6):
            expected.append(author.post(make_item(self.fx.circle))["cursor"])
            outsider.post(make_item(self.fx.other))
            author.post(make_item(self.fx.circle, tlp="RED", recipients=[self.fx.user["peer"]]))
        colleague = self.c("colleague")
        sub = colleague.ok({"type": "subscribe", "id": "s-0", "since": 0}, "subscribed")
        self.assertEqual(sub["ref"], "s-0")
        self.assertEqual(sub["circles"], [self.fx.circle])
        got = [i["cursor"] for i in colleague.deliveries(len(expected))]
        self.assertEqual(got, expected)
        colleague.expect_no_message(within=0.5)
        # With a circle filter, another reader's replay holds only that circle.
        peer = self.c("peer")
        peer.subscribe([self.fx.other], since=0)
        items = peer.deliveries(6)
        self.assertEqual({i["circle"] for i in items}, {self.fx.other})
        peer.expect_no_message(within=0.3)

    def test_since_replays_then_continues_live_without_gap_or_duplicate(self):
        posted, errors = [], []
        enough = threading.Event()

        def poster():
            try:
                author = connect(self.hub, self.fx, "author")
                for n in range(40):
                    posted.append(author.post(make_item(self.fx.circle, title=f"flow {n}")))
                    if n == 9:
                        enough.set()
                author.close()
            except Exception as e:  # reported by the main thread
                errors.append(e)
                enough.set()

        t = threading.Thread(target=poster)
        t.start()
        try:
            self.assertTrue(enough.wait(30), "poster stalled")
            since = posted[4]["cursor"]
            peer = self.c("peer")
            peer.subscribe([self.fx.circle], since=since)
        finally:
            t.join(60)
        self.assertFalse(errors, errors)
        self.assertEqual(len(posted), 40)
        expected = [p["cursor"] for p in posted[5:]]
        got = [i["cursor"] for i in peer.deliveries(len(expected), timeout=15)]
        self.assertEqual(got, expected, "gap, duplicate or disorder around the replay/live seam")
        peer.expect_no_message(within=0.5)

    def test_ack_and_resume_after_reconnect(self):
        author = self.c("author")
        start = author.post(make_item(self.fx.circle))["cursor"]
        peer = self.c("peer")
        peer.subscribe(name="siem", since=start)
        posted = [author.post(make_item(self.fx.circle)) for _ in range(5)]
        got = peer.deliveries(5)
        self.assertEqual([i["cursor"] for i in got], [p["cursor"] for p in posted])
        acked = peer.ok({"type": "ack", "id": "ack-1", "name": "siem",
                         "cursor": got[2]["cursor"]}, "acked")
        self.assertEqual((acked["ref"], acked["name"], acked["cursor"]),
                         ("ack-1", "siem", got[2]["cursor"]))
        peer.close()
        later = [author.post(make_item(self.fx.circle)) for _ in range(2)]
        again = self.c("peer")
        again.subscribe(name="siem")
        want = [p["cursor"] for p in posted[3:] + later]
        self.assertEqual([i["cursor"] for i in again.deliveries(len(want))], want)
        again.expect_no_message(within=0.3)
        # Live continues on the resumed subscription, and a full ack leaves nothing to replay.
        live = author.post(make_item(self.fx.circle))
        self.assertEqual(again.deliver()["cursor"], live["cursor"])
        again.ok({"type": "ack", "name": "siem", "cursor": live["cursor"]}, "acked")
        again.close()
        third = self.c("peer")
        third.subscribe(name="siem")
        third.expect_no_message(within=0.5)

    def test_durable_names_are_per_user(self):
        author = self.c("author")
        start = author.post(make_item(self.fx.circle))["cursor"]
        peer, colleague = self.c("peer"), self.c("colleague")
        peer.subscribe(name="feed", since=start)
        colleague.subscribe(name="feed", since=start)
        posted = [author.post(make_item(self.fx.circle)) for _ in range(3)]
        peer.deliveries(3)
        colleague.deliveries(3)
        peer.ok({"type": "ack", "name": "feed", "cursor": posted[2]["cursor"]}, "acked")
        colleague.ok({"type": "ack", "name": "feed", "cursor": posted[0]["cursor"]}, "acked")
        peer.close()
        colleague.close()
        p2, c2 = self.c("peer"), self.c("colleague")
        p2.subscribe(name="feed")
        c2.subscribe(name="feed")
        p2.expect_no_message(within=0.3)
        self.assertEqual([i["cursor"] for i in c2.deliveries(2)],
                         [p["cursor"] for p in posted[1:]])

    def test_unsubscribe_stops_delivery(self):
        peer = self.c("peer")
        peer.subscribe()
        author = self.c("author")
        author.post(make_item(self.fx.circle))
        peer.deliver()
        reply = peer.ok({"type": "unsubscribe", "id": "u-1"}, "unsubscribed")
        self.assertEqual(reply["ref"], "u-1")
        author.post(make_item(self.fx.circle))
        peer.expect_no_message(within=0.6)
        peer.whoami()


class RestartTest(HubTestCase):
    def test_restart_then_resume_by_name(self):
        hub = self.start_hub()
        fx = setup_two_circles(hub)
        author = connect(hub, fx, "author")
        peer = connect(hub, fx, "peer")
        peer.subscribe(name="siem", since=0)
        posted = [author.post(make_item(fx.circle, title=f"before restart {n}")) for n in range(7)]
        got = peer.deliveries(7)
        self.assertEqual([i["cursor"] for i in got], [p["cursor"] for p in posted])
        peer.ok({"type": "ack", "name": "siem", "cursor": posted[2]["cursor"]}, "acked")

        hub.restart()  # SIGTERM: exit 0, clean log; then start again on the same port
        self.assertTrue(peer.closed(timeout=3))

        author = connect(hub, fx, "author")
        after = author.post(make_item(fx.circle, title="after restart"))
        self.assertGreater(after["cursor"], posted[-1]["cursor"])
        peer = connect(hub, fx, "peer")
        sub = peer.subscribe(name="siem")
        self.assertGreaterEqual(sub["cursor"], after["cursor"])
        want = [p["cursor"] for p in posted[3:]] + [after["cursor"]]
        items = peer.deliveries(len(want))
        self.assertEqual([i["cursor"] for i in items], want, "lost or repeated across restart")
        self.assertEqual(items[0]["title"], "before restart 3")
        peer.expect_no_message(within=0.5)
        self.assertEqual([i["cursor"] for i in peer.history_all(fx.circle)],
                         [p["cursor"] for p in posted] + [after["cursor"]])

    def test_sigkill_keeps_every_posted_item(self):
        hub = self.start_hub()
        fx = setup_two_circles(hub)
        author = connect(hub, fx, "author")
        window, total, kill_after = 16, 400, 40
        sent, confirmed, killed = 0, {}, False
        while True:
            while not killed and sent < total and sent - len(confirmed) < window:
                author.send({"type": "post", "id": f"k{sent}",
                             "item": make_item(fx.circle, title=f"crash test {sent}")})
                sent += 1
            try:
                msg = author.recv(timeout=harness.REPLY_TIMEOUT)
            except harness.Closed:
                break
            self.assertEqual(msg["type"], "posted", msg)
            confirmed[msg["ref"]] = msg
            if len(confirmed) >= kill_after and not killed:
                hub.kill()  # in-flight posts: some committed, some not
                killed = True
            if not killed and len(confirmed) == total:
                self.fail("every post was confirmed before the kill; raise total")
        self.assertTrue(killed)
        hub.start()
        reader = connect(hub, fx, "peer")
        stored = {i["id"]: i for i in reader.history_all(fx.circle, limit=500)}
        for ref, p in sorted(confirmed.items(), key=lambda kv: kv[1]["cursor"]):
            self.assertIn(p["item_id"], stored, f"{ref} was confirmed (posted) but is gone")
            self.assertEqual(stored[p["item_id"]]["cursor"], p["cursor"])
            self.assertEqual(stored[p["item_id"]]["title"], f"crash test {ref[1:]}")
        cursors = [i["cursor"] for i in stored.values()]
        self.assertEqual(len(cursors), len(set(cursors)))
        # Cursors keep growing after the crash.
        newer = connect(hub, fx, "author").post(make_item(fx.circle))
        self.assertGreater(newer["cursor"], max(cursors))


class SlowConsumerTest(HubTestCase):
    def test_slow_reader_loses_nothing_and_holds_back_nobody(self):
        hub = self.start_hub(config={"queue_max_messages": 8, "queue_max_bytes": 65536, "log_level": "debug"})
        fx = setup_two_circles(hub)
        # A burst of 150 posts from one user: lift the default hourly limit.
        hub.admin("policy", "set", fx.circle,
                  write_policy(hub_policy_dir(hub), fx.circle, posts_per_hour=0))
        slow = connect(hub, fx, "peer", rcvbuf=4096)
        slow.subscribe([fx.circle])
        quitter = connect(hub, fx, "moderator", rcvbuf=4096)  # falls behind, then vanishes
        quitter.subscribe([fx.circle])
        fast = connect(hub, fx, "colleague")
        fast.subscribe([fx.circle])
        author = connect(hub, fx, "author")
        body = "slow consumer padding " * 2700  # ~59 KB
        cursors = []
        t0 = time.monotonic()
        for n in range(150):  # ~9 MB: more than the kernel buffers hold
            p = author.post(make_item(fx.circle, title=f"bulk {n}", body=body))
            cursors.append(p["cursor"])
            self.assertEqual(fast.deliver(timeout=harness.DELIVER_WITHIN)["cursor"], p["cursor"])
        posting = time.monotonic() - t0
        quitter.abort()
        # The slow reader now reads everything: complete, in order, once.
        got = [i["cursor"] for i in slow.deliveries(len(cursors), timeout=90)]
        self.assertEqual(got, cursors)
        slow.expect_no_message(within=0.5)
        # And it is live again afterwards.
        last = author.post(make_item(fx.circle))
        self.assertEqual(slow.deliver()["cursor"], last["cursor"])
        print(f"\n  (150 posts of 59 KB in {posting:.1f}s)", end="")


if __name__ == "__main__":
    unittest.main(verbosity=2)
