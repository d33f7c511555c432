#!/usr/bin/python3
"""03 post and deliver: the README scenario, fan-out filtered per reader, RED.

Allowed: members of the circle's organisations receive what is posted
there, within a second, without any trace of the author. Denied: an
outsider never receives it; an observer may not post; nobody posts into a
circle that is not theirs; RED reaches only the author and its named
recipients, and a recipient outside the circle refuses the whole post.
"""
import time
import unittest

import harness
from harness import HubTestCase, assert_anonymous, connect, make_item, same_content, \
    setup_two_circles


class PostDeliverTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.fx = setup_two_circles(cls.hub)

    def c(self, role):
        return connect(self.hub, self.fx, role)

    def ids(self, role, circle):
        return [i["id"] for i in self.c(role).history_all(circle)]

    def test_readme_scenario(self):
        """Two analysts of different companies in one circle: one subscribes, the
        other posts GREEN; the subscriber has it within 1 s and cannot tell who."""
        peer = self.c("peer")
        sub = peer.subscribe()
        self.assertEqual(sorted(sub["circles"]), sorted([self.fx.circle, self.fx.other]))
        author = self.c("author")
        item = make_item(self.fx.circle, tlp="GREEN")
        posted = author.request({"type": "post", "id": "p-1", "item": item})
        self.assertEqual(posted["type"], "posted", posted)
        self.assertEqual(posted["ref"], "p-1")
        self.assertEqual(posted["status"], "published")
        self.assertGreater(posted["cursor"], sub["cursor"])
        got = peer.deliver(timeout=harness.DELIVER_WITHIN)
        self.assertEqual((got["id"], got["cursor"]), (posted["item_id"], posted["cursor"]))
        same_content(self, got, item)
        self.assertNotIn("recipients", got)
        assert_anonymous(self, got, self.fx)
        peer.expect_no_message(within=0.3)

    def test_every_member_role_of_every_member_org_receives(self):
        readers = {r: self.c(r) for r in ("colleague", "peer", "observer", "moderator")}
        for c in readers.values():
            c.subscribe()
        author = self.c("author")
        for tlp in ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT"):
            posted = author.post(make_item(self.fx.circle, tlp=tlp))
            for role, c in readers.items():
                with self.subTest(tlp=tlp, reader=role):
                    got = c.deliver(timeout=harness.DELIVER_WITHIN)
                    self.assertEqual(got["id"], posted["item_id"])
                    self.assertEqual(got["tlp"], tlp)
                    assert_anonymous(self, got, self.fx)

    def test_outsider_never_receives(self):
        outsider = self.c("outsider")
        sub = outsider.subscribe()
        self.assertEqual(sub["circles"], [self.fx.other])
        author = self.c("author")
        for tlp in ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT"):
            author.post(make_item(self.fx.circle, tlp=tlp))
        author.post(make_item(self.fx.circle, tlp="RED", recipients=[self.fx.user["peer"]]))
        outsider.expect_no_message(within=1.0)
        # Positive control: the same subscription does carry its own circle.
        posted = self.c("peer").post(make_item(self.fx.other))
        self.assertEqual(outsider.deliver(timeout=harness.DELIVER_WITHIN)["id"], posted["item_id"])
        outsider.expect_no_message(within=0.3)

    def test_subscribe_naming_a_foreign_circle_is_forbidden(self):
        outsider = self.c("outsider")
        err = outsider.error({"type": "subscribe", "id": "s-f", "circles": [self.fx.circle]},
                             "forbidden")
        self.assertEqual(err["ref"], "s-f")
        outsider.error({"type": "subscribe", "circles": [self.fx.other, self.fx.circle]},
                       "forbidden")
        self.c("author").post(make_item(self.fx.circle))
        self.c("author").post(make_item(self.fx.circle))
        outsider.expect_no_message(within=0.5)

    def test_posted_reply_carries_a_growing_cursor(self):
        author, peer = self.c("author"), self.c("peer")
        cursors, ids = [], set()
        for i in range(3):
            for who, circle in ((author, self.fx.circle), (peer, self.fx.other)):
                posted = who.request({"type": "post", "id": f"cur-{i}",
                                      "item": make_item(circle)})
                self.assertEqual((posted["type"], posted["ref"]), ("posted", f"cur-{i}"), posted)
                cursors.append(posted["cursor"])
                ids.add(posted["item_id"])
        self.assertEqual(cursors, sorted(set(cursors)), "cursors are not strictly increasing")
        self.assertEqual(len(ids), len(cursors), "item ids repeat")
        got = peer.get(posted["item_id"])
        self.assertEqual(got["cursor"], cursors[-1])

    def test_observer_may_not_post(self):
        before = self.ids("author", self.fx.circle)
        peer = self.c("peer")
        peer.subscribe([self.fx.circle])
        observer = self.c("observer")
        for kind in ("threat", "alert"):
            err = observer.error({"type": "post", "id": "obs",
                                  "item": make_item(self.fx.circle, kind=kind)}, "forbidden")
            self.assertEqual(err["ref"], "obs")
        peer.expect_no_message(within=0.5)
        self.assertEqual(self.ids("author", self.fx.circle), before)
        # Read-only, not shut out: it reads, and it still posts where it is a member.
        posted = self.c("author").post(make_item(self.fx.circle))
        self.assertEqual(observer.get(posted["item_id"])["id"], posted["item_id"])
        observer.post(make_item(self.fx.other))

    def test_moderator_may_post(self):
        posted = self.c("moderator").post(make_item(self.fx.circle, kind="alert"))
        self.assertEqual(self.c("author").get(posted["item_id"])["kind"], "alert")

    def test_post_to_a_circle_not_ones_own_is_forbidden(self):
        before = self.ids("author", self.fx.circle)
        peer = self.c("peer")
        peer.subscribe([self.fx.circle])
        outsider = self.c("outsider")
        err = outsider.error({"type": "post", "id": "foreign",
                              "item": make_item(self.fx.circle)}, "forbidden")
        self.assertEqual(err["ref"], "foreign")
        # A circle that does not exist: forbidden or not_found, and nothing stored either way.
        outsider.error({"type": "post", "item": make_item("no-such-circle")},
                       {"forbidden", "not_found"})
        peer.expect_no_message(within=0.5)
        self.assertEqual(self.ids("author", self.fx.circle), before)
        outsider.whoami()

    def test_red_reaches_only_author_and_recipients(self):
        subs = {r: self.c(r) for r in ("author", "peer", "colleague", "observer", "moderator")}
        for c in subs.values():
            c.subscribe()
        item = make_item(self.fx.circle, tlp="RED", recipients=[self.fx.user["peer"]])
        posted = subs["author"].post(item)
        got = subs["peer"].deliver(timeout=harness.DELIVER_WITHIN)
        self.assertEqual(got["id"], posted["item_id"])
        self.assertEqual(got["tlp"], "RED")
        self.assertNotIn("recipients", got, "only the author sees the recipients")
        assert_anonymous(self, got, self.fx)
        mine = subs["author"].deliver(timeout=harness.DELIVER_WITHIN)
        self.assertEqual(mine["id"], posted["item_id"])
        for role in ("colleague", "observer", "moderator"):
            subs[role].expect_no_message(within=0.3 if role != "colleague" else 0.7)
        # The other read paths agree.
        self.assertEqual(subs["peer"].get(posted["item_id"])["id"], posted["item_id"])
        self.assertEqual(subs["author"].get(posted["item_id"]).get("recipients"),
                         [self.fx.user["peer"]])
        for role in ("colleague", "observer", "moderator"):
            with self.subTest(reader=role):
                err = subs[role].error({"type": "get", "item_id": posted["item_id"]},
                                       {"forbidden", "not_found"})
                assert_anonymous(self, err, self.fx)
                self.assertNotIn(posted["item_id"],
                                 [i["id"] for i in subs[role].history_all(self.fx.circle)])
        self.assertIn(posted["item_id"], self.ids("peer", self.fx.circle))
        self.assertIn(posted["item_id"], self.ids("author", self.fx.circle))
        # The author's own copy names the recipients, on every read path (the live one last).
        self.assertEqual([i.get("recipients") for i in subs["author"].history_all(self.fx.circle)
                          if i["id"] == posted["item_id"]], [[self.fx.user["peer"]]])
        self.assertEqual(mine.get("recipients"), [self.fx.user["peer"]],
                         "live deliver to the author lacks recipients")

    def test_red_with_several_recipients(self):
        subs = {r: self.c(r) for r in ("peer", "colleague", "moderator")}
        for c in subs.values():
            c.subscribe([self.fx.circle])
        posted = self.c("author").post(make_item(
            self.fx.circle, tlp="RED", recipients=[self.fx.user["peer"], self.fx.user["colleague"]]))
        for role in ("peer", "colleague"):
            self.assertEqual(subs[role].deliver(timeout=harness.DELIVER_WITHIN)["id"],
                             posted["item_id"])
        subs["moderator"].expect_no_message(within=0.5)

    def test_red_with_a_recipient_outside_the_circle_is_refused(self):
        before = self.ids("author", self.fx.circle)
        peer = self.c("peer")
        peer.subscribe()
        author = self.c("author")
        for recipients in ([self.fx.user["outsider"]],
                           [self.fx.user["peer"], self.fx.user["outsider"]]):
            with self.subTest(recipients=recipients):
                err = author.error({"type": "post", "id": "red-bad", "item": make_item(
                    self.fx.circle, tlp="RED", recipients=recipients)}, "invalid_field")
                self.assertEqual(err["ref"], "red-bad")
        # An unknown user is not a member either (not_found is the other defensible code).
        author.error({"type": "post", "item": make_item(
            self.fx.circle, tlp="RED", recipients=["nobody-at-all"])}, {"invalid_field", "not_found"})
        peer.expect_no_message(within=0.5)
        self.assertEqual(self.ids("author", self.fx.circle), before)
        self.assertEqual(self.ids("peer", self.fx.circle), before)

    def test_fan_out_keeps_cursor_order(self):
        readers = [self.c("peer"), self.c("colleague")]
        for r in readers:
            r.subscribe([self.fx.circle])
        author = self.c("author")
        cursors = [author.post(make_item(self.fx.circle))["cursor"] for _ in range(15)]
        for r in readers:
            got = [i["cursor"] for i in r.deliveries(15, timeout=5)]
            self.assertEqual(got, cursors)
            r.expect_no_message(within=0.2)

    def test_delivery_latency(self):
        peer = self.c("peer")
        peer.subscribe()
        author = self.c("author")
        worst = 0.0
        for _ in range(5):
            author.post(make_item(self.fx.circle))
            t0 = time.monotonic()
            peer.deliver(timeout=harness.DELIVER_WITHIN)
            worst = max(worst, time.monotonic() - t0)
        self.assertLess(worst, harness.DELIVER_WITHIN)


if __name__ == "__main__":
    unittest.main(verbosity=2)
