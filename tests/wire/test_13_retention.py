#!/usr/bin/python3
"""13 retention: a circle policy's retention_days bounds every read path.

Allowed: an item younger than the retention period is read by members
through get, history, live push and replay. Denied: once older (the test
backdates it in the store while the hub runs) it is gone from get, history
and replay for everyone but its author, and from the public feed.
"""
import json
import os
import sqlite3
import time
import unittest

from harness import HubTestCase, connect, make_item, setup_two_circles

DAY = 86400


def policy(circle, **over):
    doc = {
        "circle": circle,
        "tlp": {"allowed": ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"],
                "default": "AMBER"},
        "post": {"threat": ["member", "moderator"], "practice": ["member", "moderator"],
                 "alert": ["moderator"], "event": ["organizer", "moderator"]},
        "moderation": [],
        "clear_public": False,
        "forward": {"green_in": False, "green_out": False},
        "roster_visible": False,
        "moderators_see_author": False,
        "retention_days": 30,
        "k": 5,
        "rate_limits": {"posts_per_hour": 0},
        "anonymisation": {"level": "standard", "pseudonym": "per-item"},
    }
    doc.update(over)
    return doc


class RetentionTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.fx = setup_two_circles(cls.hub)
        path = os.path.join(cls.hub.tmp, "retention.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(policy(cls.fx.circle), f)
        cls.hub.admin("policy", "set", cls.fx.circle, path)

    def backdate(self, item_id, days):
        """Age an item in the store, as if it had been posted days ago."""
        db = sqlite3.connect(os.path.join(self.hub.data, "kairan.db"), timeout=10)
        with db:
            db.execute("UPDATE items SET created_at = created_at - ? WHERE id = ?",
                       (days * DAY, item_id))
        db.close()

    def test_young_item_reaches_every_path(self):
        author, peer = connect(self.hub, self.fx, "author"), connect(self.hub, self.fx, "peer")
        peer.subscribe([self.fx.circle])
        posted = author.post(make_item(self.fx.circle))
        self.assertEqual(peer.deliver()["id"], posted["item_id"])
        self.assertEqual(peer.get(posted["item_id"])["id"], posted["item_id"])
        self.assertIn(posted["item_id"],
                      [i["id"] for i in peer.history(self.fx.circle)["items"]])
        # 29 days old: still inside 30 days of retention.
        self.backdate(posted["item_id"], 29)
        self.assertEqual(peer.get(posted["item_id"])["id"], posted["item_id"])

    def test_expired_item_leaves_every_path_but_the_authors(self):
        author, peer = connect(self.hub, self.fx, "author"), connect(self.hub, self.fx, "peer")
        posted = author.post(make_item(self.fx.circle))
        self.backdate(posted["item_id"], 31)
        peer.error({"type": "get", "item_id": posted["item_id"]}, "forbidden")
        self.assertNotIn(posted["item_id"],
                         [i["id"] for i in peer.history(self.fx.circle)["items"]])
        replay = connect(self.hub, self.fx, "colleague")
        replay.subscribe([self.fx.circle], since=posted["cursor"] - 1)
        fresh = author.post(make_item(self.fx.circle))
        self.assertEqual(replay.deliver()["id"], fresh["item_id"])  # the expired one skipped
        self.assertEqual(author.get(posted["item_id"])["id"], posted["item_id"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
