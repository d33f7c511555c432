#!/usr/bin/python3
"""12 retract and revoke: items and readers leaving, on every read path.

retract: only the author (others: forbidden when they can read the item,
not_found otherwise); the item leaves get, history, replay and the public
feed for everyone but the author, and subscribers who could read it get a
`retraction` push (nobody else does).

Revocation: `member remove`, `user remove`, `user revoke` and `role set ...
observer` apply on the next request of an open connection, and to live
pushes within about data_poll_ms (200 ms) without any request, items
already queued for the reader included (dropped at send time). Each read
path -- live push, history, get, replay -- is checked allowed (before),
denied (an outsider) and revoked mid-stream (the same connection after).
"""
import json
import time
import unittest

import harness
from harness import HubTestCase, add_circle, anonymous, connect, drain, http_get, make_item, \
    pushes, setup_two_circles

PATHS = ("live", "history", "get", "replay")


def ids_of(msgs):
    return [m["item"]["id"] for m in pushes(msgs)]


class RetractTest(HubTestCase):
    casts = 0

    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()

    def setUp(self):
        super().setUp()
        RetractTest.casts += 1
        self.fx = fx = setup_two_circles(self.hub, suffix=f"-rt{RetractTest.casts}")
        # A public circle too, for the anonymous paths (CLEAR items).
        self.pub = f"pub-rt{RetractTest.casts}"
        add_circle(self.hub, self.pub, clear_public=True)
        self.hub.admin("member", "add", self.pub, fx.author_org)
        self.hub.admin("member", "add", self.pub, fx.peer_org)

    def c(self, role):
        return connect(self.hub, self.fx, role)

    def test_retracted_item_leaves_every_path(self):
        fx = self.fx
        author = self.c("author")
        peer, colleague = self.c("peer"), self.c("colleague")
        peer.subscribe([fx.circle, self.pub])
        colleague.subscribe([fx.circle])
        anon = anonymous(self.hub)
        anon.subscribe([self.pub])
        item = author.post(make_item(fx.circle, tlp="GREEN"))
        clear = author.post(make_item(self.pub, tlp="CLEAR"))
        keep = author.post(make_item(fx.circle, tlp="GREEN"))
        drain(peer, quiet=0.3)
        drain(colleague, quiet=0.05)
        drain(anon, quiet=0.05)
        # Before: readable everywhere.
        self.assertEqual(peer.get(item["item_id"])["id"], item["item_id"])
        self.assertEqual(anon.get(clear["item_id"])["id"], clear["item_id"])
        for target, who in ((item, [peer, colleague]), (clear, [anon, peer])):
            reply = author.ok({"type": "retract", "id": "rt-1", "item_id": target["item_id"]},
                              "retracted")
            self.assertEqual((reply["ref"], reply["item_id"]), ("rt-1", target["item_id"]))
            for reader in who:
                with self.subTest(reader=reader.label, path="retraction push"):
                    msgs = harness.wait_for_pushes(
                        reader, lambda m: m.get("type") == "retraction", 1,
                        timeout=harness.DELIVER_WITHIN)
                    got = [m for m in msgs if m["type"] == "retraction"]
                    self.assertEqual([m["item_id"] for m in got], [target["item_id"]], msgs)
                    self.assertEqual(set(got[0]), {"type", "item_id"})
        # After: gone from get, history and replay for everyone but the author.
        readers = {"peer": peer, "colleague": colleague, "observer": self.c("observer"),
                   "moderator": self.c("moderator"), "anonymous": anon}
        for name, reader in readers.items():
            for target, circle in ((item, fx.circle), (clear, self.pub)):
                if name == "anonymous" and circle == fx.circle:
                    continue
                with self.subTest(reader=name, item=circle, path="get"):
                    reader.error({"type": "get", "item_id": target["item_id"]},
                                 {"forbidden", "not_found"})
                with self.subTest(reader=name, item=circle, path="history"):
                    hist = [i["id"] for i in reader.history(circle)["items"]]
                    self.assertNotIn(target["item_id"], hist)
                with self.subTest(reader=name, item=circle, path="replay"):
                    reader.subscribe([circle], since=0)
                    msgs = drain(reader, quiet=0.3)
                    self.assertNotIn(target["item_id"], ids_of(msgs))
                    if circle == fx.circle and name != "anonymous":
                        self.assertIn(keep["item_id"], ids_of(msgs), "control item replayed")
                    reader.ok({"type": "unsubscribe"}, "unsubscribed")
        status, _, body = http_get(self.hub, f"/feed/{self.pub}.json")
        self.assertEqual(status, 200, body[:200])
        self.assertNotIn(clear["item_id"], [i["id"] for i in json.loads(body)["items"]])
        # The author still reads it, as retracted; retracting again changes nothing.
        got = author.get(item["item_id"])
        self.assertEqual((got["id"], got["status"]), (item["item_id"], "retracted"))
        author.error({"type": "retract", "item_id": item["item_id"]},
                     {"invalid_field", "not_found"})
        # No deliver of the retracted item afterwards, no second retraction push.
        peer.expect_no_message(within=0.3)

    def test_only_the_author_retracts(self):
        fx = self.fx
        author = self.c("author")
        item = author.post(make_item(fx.circle, tlp="AMBER"))
        red = author.post(make_item(fx.circle, tlp="RED", recipients=[fx.user["peer"]]))
        # Readers who may read it: forbidden.
        for role in ("colleague", "peer", "observer", "moderator"):
            with self.subTest(role=role):
                err = self.c(role).error({"type": "retract", "id": "rt-x",
                                          "item_id": item["item_id"]}, "forbidden")
                self.assertEqual(err["ref"], "rt-x")
        self.c("peer").error({"type": "retract", "item_id": red["item_id"]}, "forbidden")
        # Those who may not: not_found (they learn nothing).
        self.c("outsider").error({"type": "retract", "item_id": item["item_id"]}, "not_found")
        self.c("colleague").error({"type": "retract", "item_id": red["item_id"]}, "not_found")
        self.c("moderator").error({"type": "retract", "item_id": red["item_id"]}, "not_found")
        author.error({"type": "retract", "item_id": "it_00000000000000aa"}, "not_found")
        anonymous(self.hub).error({"type": "retract", "item_id": item["item_id"]},
                                  "auth_required")
        # Nothing was retracted.
        self.assertEqual(self.c("peer").get(item["item_id"])["status"], "published")
        self.assertEqual(self.c("peer").get(red["item_id"])["status"], "published")

    def test_retraction_push_only_to_those_who_could_read_it(self):
        fx = self.fx
        author = self.c("author")
        subs = {}
        for role in ("peer", "colleague", "observer", "outsider"):
            cl = self.c(role)
            cl.subscribe()
            subs[role] = cl
        red = author.post(make_item(fx.circle, tlp="RED", recipients=[fx.user["peer"]]))
        self.assertEqual(subs["peer"].deliver()["id"], red["item_id"])
        for role in ("colleague", "observer", "outsider"):
            subs[role].expect_no_message(within=0.2)
        author.ok({"type": "retract", "item_id": red["item_id"]}, "retracted")
        msg = subs["peer"].recv(timeout=harness.DELIVER_WITHIN)
        self.assertEqual((msg["type"], msg["item_id"]), ("retraction", red["item_id"]))
        for role in ("colleague", "observer", "outsider"):
            with self.subTest(role=role):
                subs[role].expect_no_message(within=0.3)


class RevokeTest(HubTestCase):
    """Each read path: allowed before, denied to an outsider, revoked mid-stream."""
    casts = 0

    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()

    def setUp(self):
        super().setUp()
        RevokeTest.casts += 1
        self.fx = setup_two_circles(self.hub, suffix=f"-rv{RevokeTest.casts}")

    def c(self, role):
        return connect(self.hub, self.fx, role)

    def paths(self, reader, item_id, circle, live_item=None):
        """What reader sees of item_id on each path: path -> True (allowed),
        False (denied: refused, or absent). live_item: pushed since the last call."""
        out = {}
        reply = reader.request({"type": "get", "item_id": item_id})
        out["get"] = reply["type"] == "item"
        if not out["get"]:
            self.assertEqual(reply.get("code"), "forbidden", reply)
        reply = reader.request({"type": "history", "circle": circle})
        out["history"] = reply["type"] == "history" and item_id in [i["id"] for i in
                                                                   reply["items"]]
        if reply["type"] != "history":
            self.assertEqual(reply.get("code"), "forbidden", reply)
        return out

    def replay(self, reader, item_id, circle):
        reply = reader.request({"type": "subscribe", "circles": [circle], "since": 0})
        if reply["type"] != "subscribed":
            self.assertEqual(reply.get("code"), "forbidden", reply)
            return False
        got = item_id in ids_of(drain(reader, quiet=0.3))
        return got

    def test_member_remove(self):
        fx = self.fx
        author = self.c("author")
        old = author.post(make_item(fx.circle))
        peer = self.c("peer")
        live = self.c("observer")            # same organisation: a live subscriber
        live.subscribe([fx.circle, fx.other])
        outsider = self.c("outsider")
        # Allowed before, on every path.
        first = author.post(make_item(fx.circle))
        self.assertEqual(live.deliver()["id"], first["item_id"])
        self.assertEqual(self.paths(peer, old["item_id"], fx.circle),
                         {"get": True, "history": True})
        self.assertTrue(self.replay(peer, old["item_id"], fx.circle))
        # Denied to an outsider, on every path.
        self.assertEqual(self.paths(outsider, old["item_id"], fx.circle),
                         {"get": False, "history": False})
        self.assertFalse(self.replay(outsider, old["item_id"], fx.circle))
        outsider.subscribe([fx.other])
        author.post(make_item(fx.circle))
        outsider.expect_no_message(within=0.3)
        # Revoked mid-stream: the next request on the same connections.
        self.hub.admin("member", "remove", fx.circle, fx.peer_org)
        self.assertEqual(self.paths(peer, old["item_id"], fx.circle),
                         {"get": False, "history": False})
        self.assertFalse(self.replay(peer, old["item_id"], fx.circle))
        # Live: nothing more of that circle; the other circle keeps flowing.
        after = author.post(make_item(fx.circle))
        msgs = drain(live, quiet=0.5)
        self.assertNotIn(after["item_id"], ids_of(msgs))
        other = self.c("outsider").post(make_item(fx.other))
        self.assertEqual(live.deliver()["id"], other["item_id"])

    def revoked_user(self, how):
        fx = self.fx
        author = self.c("author")
        old = author.post(make_item(fx.circle))
        peer = self.c("peer")
        self.assertEqual(self.paths(peer, old["item_id"], fx.circle),
                         {"get": True, "history": True})
        self.assertTrue(self.replay(peer, old["item_id"], fx.circle))
        peer.subscribe([fx.circle])
        first = author.post(make_item(fx.circle))
        self.assertEqual(peer.deliver()["id"], first["item_id"])
        self.hub.admin("user", how, fx.user["peer"])
        # Within data_poll_ms, without any request: auth_failed, ref null, closed.
        t0 = time.monotonic()
        msg = peer.recv(timeout=harness.ADMIN_PICKUP)
        self.assertEqual((msg["type"], msg["code"], msg["ref"]), ("error", "auth_failed", None))
        self.assertLess(time.monotonic() - t0, 1.0, "revocation took longer than ~200 ms")
        after = author.post(make_item(fx.circle))
        self.assertTrue(peer.closed(timeout=3))
        self.assertNotIn(after["item_id"], ids_of(list(peer.pending)))
        # A new connection cannot get back in.
        again = self.hub.client(label=f"after-{how}")
        again.error({"type": "auth", "token": fx.token["peer"]}, "auth_failed")
        # Colleagues of the same organisation are unaffected.
        self.assertEqual(self.paths(self.c("observer"), old["item_id"], fx.circle),
                         {"get": True, "history": True})

    def test_user_revoke(self):
        self.revoked_user("revoke")

    def test_user_remove(self):
        self.revoked_user("remove")

    def test_role_set_observer(self):
        """Demoted to observer: still a reader on every path; no longer posts or moderates."""
        fx = self.fx
        circle = f"rv-mod{RevokeTest.casts}"
        add_circle(self.hub, circle, moderation=["threat"])
        self.hub.admin("member", "add", circle, fx.author_org)
        self.hub.admin("member", "add", circle, fx.peer_org)
        self.hub.admin("role", "set", circle, fx.user["moderator"], "moderator")
        self.hub.wait_role(fx.token["moderator"], circle, "moderator")
        author, peer, mod = self.c("author"), self.c("peer"), self.c("moderator")
        pending = author.post(make_item(circle))
        self.assertEqual(pending["status"], "pending")
        published = mod.post(make_item(circle))
        self.assertEqual(published["status"], "published")
        self.assertEqual(mod.get(pending["item_id"])["status"], "pending")
        mod.ok({"type": "moderation", "circle": circle}, "moderation")
        peer.post(make_item(circle))
        peer.subscribe([circle])
        self.hub.admin("role", "set", circle, fx.user["peer"], "observer")
        self.hub.admin("role", "set", circle, fx.user["moderator"], "observer")
        # Next request: no posting, no queue, no pending item.
        peer.error({"type": "post", "item": make_item(circle)}, {"forbidden", "not_allowed"})
        mod.error({"type": "moderation", "circle": circle}, "forbidden")
        mod.error({"type": "get", "item_id": pending["item_id"]}, "forbidden")
        mod.error({"type": "moderate", "item_id": pending["item_id"], "decision": "approve"},
                  {"forbidden", "not_found"})
        # Still readers on every path.
        self.assertEqual(self.paths(peer, published["item_id"], circle),
                         {"get": True, "history": True})
        peer.subscribe([circle])
        live = self.c("colleague").post(make_item(circle, kind="practice"))
        self.assertEqual(peer.deliver()["id"], live["item_id"])
        self.assertTrue(self.replay(mod, published["item_id"], circle))


class RevokeQueuedTest(HubTestCase):
    """Items already queued for a reader (live, or a replay in progress) are
    dropped at send time once its organisation leaves the circle, with no
    request from anyone after the removal (the hub's data_poll_ms)."""

    def test_queued_live_and_replay_dropped_after_member_remove(self):
        hub = self.start_hub(config={"queue_max_messages": 8, "queue_max_bytes": 65536})
        fx = setup_two_circles(hub)
        bulk = "bulk-rv"
        add_circle(hub, bulk, posts_per_hour=0)
        for org in (fx.author_org, fx.peer_org):
            hub.admin("member", "add", bulk, org)
        hub.wait_role(fx.token["peer"], bulk, "member")
        author = connect(hub, fx, "author")
        start = author.post(make_item(bulk))["cursor"]
        slow_live = connect(hub, fx, "peer", rcvbuf=4096)
        slow_live.subscribe([bulk])
        slow_replay = connect(hub, fx, "observer", rcvbuf=4096)
        fast = connect(hub, fx, "colleague")
        fast.subscribe([bulk])
        body = "queued padding " * 4000  # ~60 KB
        cursors = []
        for n in range(150):  # ~9 MB: far more than socket buffers hold
            cursors.append(author.post(make_item(bulk, title=f"q {n}", body=body))["cursor"])
        self.assertEqual(fast.deliveries(150, timeout=60)[-1]["cursor"], cursors[-1])
        # A replay from before all of it, stalled by the same slow reading.
        slow_replay.subscribe([bulk], since=start)
        time.sleep(0.5)
        hub.admin("member", "remove", bulk, fx.peer_org)
        time.sleep(1.0)   # no request from anyone: only the hub's own poll sees it
        for name, reader in (("live", slow_live), ("replay", slow_replay)):
            with self.subTest(path=name):
                got = [m["item"]["cursor"] for m in drain(reader, quiet=1.0)
                       if m["type"] == "deliver"]
                print(f"\n  ({name}: {len(got)} of {len(cursors)} items sent before the "
                      f"removal took effect)", end="")
                self.assertEqual(got, cursors[:len(got)], "not a gapless prefix")
                self.assertLess(len(got), len(cursors),
                                f"{name}: all {len(got)} queued items were still sent after "
                                f"the removal")
        # And nothing new reaches them.
        author.post(make_item(bulk))
        slow_live.expect_no_message(within=0.5)

    def test_no_deliver_after_its_retraction_for_a_slow_reader(self):
        """Items queued for (or being replayed to) a slow reader and then retracted
        never arrive after their retraction push; the retraction push comes to every
        reader who got the item."""
        hub = self.start_hub(config={"queue_max_messages": 8, "queue_max_bytes": 65536})
        fx = setup_two_circles(hub)
        bulk = "bulk-rt"
        add_circle(hub, bulk, posts_per_hour=0)
        for org in (fx.author_org, fx.peer_org):
            hub.admin("member", "add", bulk, org)
        hub.wait_role(fx.token["peer"], bulk, "member")
        author = connect(hub, fx, "author")
        slow = connect(hub, fx, "peer", rcvbuf=4096)
        slow.subscribe([bulk])
        body = "retracted padding " * 3300  # ~60 KB
        ids = [author.post(make_item(bulk, title=f"r {n}", body=body))["item_id"]
               for n in range(100)]
        for item_id in ids:
            author.ok({"type": "retract", "item_id": item_id}, "retracted")
        msgs = drain(slow, quiet=1.5)
        delivered, retracted, bad = set(), set(), []
        for m in msgs:
            if m["type"] == "deliver":
                if m["item"]["id"] in retracted:
                    bad.append(m["item"]["id"])
                delivered.add(m["item"]["id"])
            elif m["type"] == "retraction":
                retracted.add(m["item_id"])
        print(f"\n  ({len(delivered)} of {len(ids)} delivered before their retraction)", end="")
        self.assertEqual(bad, [], "delivered after their retraction push")
        self.assertLess(len(delivered), len(ids), "every retracted item was still delivered")
        self.assertTrue(delivered <= retracted,
                        f"no retraction push for delivered items {sorted(delivered - retracted)}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
