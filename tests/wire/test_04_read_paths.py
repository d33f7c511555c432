#!/usr/bin/python3
"""04 read paths: get and history (and live push), each allowed, denied and
revoked mid-stream, plus history paging.

Allowed: users of the circle's member organisations read by id and by
history. Denied: an outsider gets forbidden, an unknown id not_found.
Revoked mid-stream: after `member remove` the former member's open
connection gets forbidden on get and history and stops receiving the
circle live, while its other circle keeps flowing; after `user revoke` the
user loses everything.
"""
import time
import unittest

import harness
from harness import HubTestCase, assert_anonymous, connect, make_item, same_content, \
    setup_two_circles


class ReadPathsTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.fx = setup_two_circles(cls.hub)
        cls.item = make_item(cls.fx.circle, tlp="AMBER")
        author = connect(cls.hub, cls.fx, "author")
        cls.posted = author.post(cls.item)
        author.close()

    def c(self, role, fx=None):
        return connect(self.hub, fx or self.fx, role)

    # -- get ----------------------------------------------------------------

    def test_get_allowed_for_every_member(self):
        for role in ("author", "colleague", "peer", "observer", "moderator"):
            with self.subTest(reader=role):
                reply = self.c(role).ok({"type": "get", "id": "g-1",
                                         "item_id": self.posted["item_id"]}, "item")
                self.assertEqual(reply["ref"], "g-1")
                got = reply["item"]
                self.assertEqual((got["id"], got["cursor"]),
                                 (self.posted["item_id"], self.posted["cursor"]))
                same_content(self, got, self.item)
                assert_anonymous(self, got, self.fx)

    def test_get_denied_to_an_outsider(self):
        err = self.c("outsider").error({"type": "get", "id": "g-out",
                                        "item_id": self.posted["item_id"]}, "forbidden")
        self.assertEqual(err["ref"], "g-out")
        assert_anonymous(self, err, self.fx)

    def test_get_unknown_id(self):
        peer = self.c("peer")
        err = peer.error({"type": "get", "id": "g-nf", "item_id": "it_0000000000000000"},
                         "not_found")
        self.assertEqual(err["ref"], "g-nf")
        peer.error({"type": "get", "item_id": "it_ffffffffffffffff"}, "not_found")
        peer.whoami()

    # -- history --------------------------------------------------------------

    def test_history_allowed(self):
        author = self.c("author")
        mine = [author.post(make_item(self.fx.circle)) for _ in range(3)]
        elsewhere = self.c("peer").post(make_item(self.fx.other))
        for role in ("peer", "colleague", "observer"):
            with self.subTest(reader=role):
                reply = self.c(role).ok({"type": "history", "id": "h-1",
                                         "circle": self.fx.circle}, "history")
                self.assertEqual((reply["ref"], reply["circle"]), ("h-1", self.fx.circle))
                ids = [i["id"] for i in reply["items"]]
                for p in [self.posted] + mine:
                    self.assertIn(p["item_id"], ids)
                self.assertNotIn(elsewhere["item_id"], ids)
                cursors = [i["cursor"] for i in reply["items"]]
                self.assertEqual(cursors, sorted(set(cursors)))
                for i in reply["items"]:
                    self.assertEqual(i["circle"], self.fx.circle)
                    assert_anonymous(self, i, self.fx)

    def test_history_denied_to_an_outsider(self):
        outsider = self.c("outsider")
        err = outsider.error({"type": "history", "id": "h-out", "circle": self.fx.circle},
                             "forbidden")
        self.assertEqual(err["ref"], "h-out")
        outsider.error({"type": "history", "circle": self.fx.circle, "since": 0, "limit": 500},
                       "forbidden")
        # A circle that does not exist: refused either way, without telling which.
        outsider.error({"type": "history", "circle": "no-such-circle"}, {"forbidden", "not_found"})
        self.c("peer").error({"type": "history", "circle": "no-such-circle"},
                             {"forbidden", "not_found"})
        outsider.history(self.fx.other)

    # -- revoked mid-stream -----------------------------------------------------

    def test_member_remove_mid_stream(self):
        fx = setup_two_circles(self.hub, suffix="-mr")
        author = self.c("author", fx)
        old = author.post(make_item(fx.circle))
        red = author.post(make_item(fx.circle, tlp="RED", recipients=[fx.user["peer"]]))
        peer = self.c("peer", fx)
        peer.subscribe()                     # both of peer_org's circles
        only = self.c("moderator", fx)       # same organisation, one-circle subscription
        only.subscribe([fx.circle])
        # Allowed before.
        self.assertEqual(peer.get(old["item_id"])["id"], old["item_id"])
        self.assertEqual(peer.get(red["item_id"])["id"], red["item_id"])
        self.assertIn(old["item_id"], [i["id"] for i in peer.history(fx.circle)["items"]])
        first = author.post(make_item(fx.circle))
        self.assertEqual(peer.deliver()["id"], first["item_id"])
        self.assertEqual(only.deliver()["id"], first["item_id"])

        self.hub.admin("member", "remove", fx.circle, fx.peer_org)

        # On the same open connection, on the very next request (the hub
        # re-reads the directory before each request): get turns forbidden ...
        err = peer.error({"type": "get", "id": "g-rm", "item_id": old["item_id"]}, "forbidden")
        self.assertEqual(err["ref"], "g-rm")
        # A named RED recipient whose organisation left the circle loses the item too.
        peer.error({"type": "get", "item_id": red["item_id"]}, "forbidden")
        # ... and so do history and a new subscription naming the circle.
        peer.error({"type": "history", "circle": fx.circle}, "forbidden")
        peer.error({"type": "subscribe", "circles": [fx.circle]}, "forbidden")
        self.assertNotIn(fx.circle, [c["circle"] for c in peer.ok({"type": "circles"},
                                                                   "circles")["circles"]])
        # Live: nothing more from that circle, on either subscription ...
        for _ in range(3):
            author.post(make_item(fx.circle))
        self.expect_no_deliver(peer, 0.8)
        self.expect_no_deliver(only, 0.3)
        # ... while the organisation's other circle keeps flowing.
        other = self.c("outsider", fx).post(make_item(fx.other))
        self.assertEqual(peer.deliver()["id"], other["item_id"])
        # A fresh connection of the same user is refused too.
        self.c("peer", fx).error({"type": "get", "item_id": old["item_id"]}, "forbidden")

        # Re-admitted: reads work again at once, on the next request.
        self.hub.admin("member", "add", fx.circle, fx.peer_org)
        self.assertEqual(peer.get(old["item_id"])["id"], old["item_id"])
        peer.history(fx.circle)

    def expect_no_deliver(self, client, within):
        deadline = time.monotonic() + within
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                msg = client.recv(timeout=remaining)
            except harness.NoMessage:
                return
            self.assertNotEqual(msg["type"], "deliver", f"delivered after removal: {msg}")

    def test_user_revoke_mid_stream(self):
        fx = setup_two_circles(self.hub, suffix="-ur")
        author = self.c("author", fx)
        old = author.post(make_item(fx.circle))
        peer = self.c("peer", fx)
        peer.subscribe()
        self.assertEqual(peer.get(old["item_id"])["id"], old["item_id"])
        self.hub.admin("user", "revoke", fx.user["peer"])
        msg = peer.recv(timeout=harness.ADMIN_PICKUP)
        self.assertEqual((msg["type"], msg["code"], msg["ref"]), ("error", "auth_failed", None))
        # Whatever is posted now never reaches the closed connection.
        author.post(make_item(fx.circle))
        self.assertTrue(peer.closed(timeout=3))
        self.assertEqual([m for m in peer.pending if m["type"] == "deliver"], [])
        again = self.hub.client(label="revoked")
        again.error({"type": "auth", "token": fx.token["peer"]}, "auth_failed")
        # The rest of the organisation is unaffected.
        self.assertEqual(self.c("observer", fx).get(old["item_id"])["id"], old["item_id"])


class HistoryPagingTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.fx = fx = setup_two_circles(cls.hub)
        author = connect(cls.hub, fx, "author")
        outsider = connect(cls.hub, fx, "outsider")
        cls.cursors, cls.ids = [], []
        for n in range(25):
            posted = author.post(make_item(fx.circle, title=f"paging item {n:02d}"))
            cls.cursors.append(posted["cursor"])
            cls.ids.append(posted["item_id"])
            if n % 5 == 2:  # interleave items the reader must not see in this circle
                outsider.post(make_item(fx.other))
                author.post(make_item(fx.circle, tlp="RED", recipients=[fx.user["colleague"]]))
        author.close()
        outsider.close()

    def setUp(self):
        super().setUp()
        self.peer = connect(self.hub, self.fx, "peer")

    def test_pages_of_ten(self):
        pages, since = [], 0
        for expected in (10, 10, 5):
            page = self.peer.history(self.fx.circle, since=since, limit=10)
            self.assertEqual(len(page["items"]), expected, page)
            self.assertGreaterEqual(page["next"], page["items"][-1]["cursor"])
            self.assertEqual(page["more"], expected == 10 and len(pages) < 2, page)
            pages.append([i["cursor"] for i in page["items"]])
            since = page["next"]
        self.assertEqual([c for p in pages for c in p], self.cursors)
        end = self.peer.history(self.fx.circle, since=since, limit=10)
        self.assertEqual((end["items"], end["more"]), ([], False))
        self.assertGreaterEqual(end["next"], since)

    def test_default_limit_returns_everything(self):
        page = self.peer.history(self.fx.circle)
        self.assertEqual([i["cursor"] for i in page["items"]], self.cursors)
        self.assertEqual([i["id"] for i in page["items"]], self.ids)
        self.assertFalse(page["more"])
        self.assertGreaterEqual(page["next"], self.cursors[-1])

    def test_limit_equal_to_the_rest_says_no_more(self):
        page = self.peer.history(self.fx.circle, limit=25)
        self.assertEqual(len(page["items"]), 25)
        self.assertFalse(page["more"], "more=true although the page reached the newest item")

    def test_since_is_exclusive(self):
        for k in (0, 7, 24):
            page = self.peer.history(self.fx.circle, since=self.cursors[k])
            self.assertEqual([i["cursor"] for i in page["items"]], self.cursors[k + 1:])
        page = self.peer.history(self.fx.circle, since=self.cursors[3] - 1, limit=1)
        self.assertEqual([i["cursor"] for i in page["items"]], [self.cursors[3]])
        self.assertTrue(page["more"])

    def test_harness_paging_matches(self):
        items = self.peer.history_all(self.fx.circle, limit=3)
        self.assertEqual([i["cursor"] for i in items], self.cursors)

    def test_red_recipient_sees_its_items_in_order(self):
        items = connect(self.hub, self.fx, "colleague").history_all(self.fx.circle, limit=4)
        cursors = [i["cursor"] for i in items]
        self.assertEqual(len(cursors), 30)
        self.assertEqual(cursors, sorted(cursors))
        self.assertEqual(sum(1 for i in items if i["tlp"] == "RED"), 5)


if __name__ == "__main__":
    unittest.main(verbosity=2)
