#!/usr/bin/python3
"""10 moderation: the secretariat's pending queue.

Kinds listed in a circle policy's `moderation` wait as `pending` when a
non-moderator posts them: nobody but the author and the circle's moderators
sees them, on any path (live push, history, get, replay, the public feed).
`moderation` lists the queue to moderators only, with `author_org` only
where the policy has moderators_see_author. `moderate` approves (the item
is delivered like a new one, under a new cursor: live, and to a named
durable subscriber that had acknowledged past the original cursor), rejects,
or edits (still pending); the author gets a `notice`.
"""
import json
import time
import unittest

import harness
from harness import HubTestCase, add_circle, anonymous, drain, http_get, make_item, pushes


class ModerationTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = hub = cls.start_class_hub()
        # "mod": threat and practice moderated, CLEAR public, authors hidden from moderators.
        add_circle(hub, "mod", moderation=["threat", "practice"], clear_public=True,
                   moderators_see_author=False)
        add_circle(hub, "mod-see", moderation=["threat"], moderators_see_author=True)
        add_circle(hub, "elsewhere", moderation=[])
        cls.org_a, cls.org_p, cls.org_o = "m-akane", "m-botan", "m-tsubaki"
        for o in (cls.org_a, cls.org_p, cls.org_o):
            hub.admin("org", "add", o)
        for c in ("mod", "mod-see"):
            hub.admin("member", "add", c, cls.org_a)
            hub.admin("member", "add", c, cls.org_p)
        hub.admin("member", "add", "elsewhere", cls.org_p)
        hub.admin("member", "add", "elsewhere", cls.org_o)
        cast = {"author": cls.org_a, "colleague": cls.org_a, "member": cls.org_p,
                "durable": cls.org_p, "observer": cls.org_p, "moderator": cls.org_p,
                "outsider": cls.org_o, "other_mod": cls.org_o}
        cls.user, cls.token = {}, {}
        for role, org in cast.items():
            cls.user[role] = f"m-{role.replace('_', '-')}"
            cls.token[role] = hub.add_user(org, cls.user[role])
        for c in ("mod", "mod-see"):
            hub.admin("role", "set", c, cls.user["moderator"], "moderator")
            hub.admin("role", "set", c, cls.user["observer"], "observer")
        hub.admin("role", "set", "elsewhere", cls.user["other_mod"], "moderator")
        for t in cls.token.values():
            hub.wait_token(t)
        hub.wait_role(cls.token["moderator"], "mod-see", "moderator")
        hub.wait_role(cls.token["observer"], "mod-see", "observer")
        hub.wait_role(cls.token["other_mod"], "elsewhere", "moderator")

    def c(self, role):
        return self.hub.client(self.token[role], label=role)

    def pending_post(self, author, circle="mod", **kw):
        kw.setdefault("tlp", "CLEAR")
        item = make_item(circle, **kw)
        posted = author.post(item)
        self.assertEqual(posted["status"], "pending", posted)
        return item, posted

    def notice(self, client, item_id, timeout=harness.REPLY_TIMEOUT):
        """The next moderation notice about item_id (other messages are kept)."""
        deadline = time.monotonic() + timeout
        kept = []
        try:
            while True:
                msg = client.recv(timeout=max(0.01, deadline - time.monotonic()))
                if msg.get("type") == "notice" and msg.get("item_id") == item_id:
                    return msg
                kept.append(msg)
        except harness.NoMessage:
            self.fail(f"no moderation notice about {item_id} within {timeout}s; got {kept}")
        finally:
            client.pending.extendleft(reversed(kept))

    def assert_unseen(self, item_id, readers, circle="mod"):
        """item_id is on no read path of any of readers (client -> live messages)."""
        for name, (client, live) in readers.items():
            with self.subTest(reader=name, path="live"):
                self.assertNotIn(item_id, [m["item"]["id"] for m in pushes(live)])
            with self.subTest(reader=name, path="get"):
                client.error({"type": "get", "item_id": item_id}, "forbidden")
            with self.subTest(reader=name, path="history"):
                reply = client.request({"type": "history", "circle": circle})
                if reply["type"] == "history":
                    self.assertNotIn(item_id, [i["id"] for i in reply["items"]])
                else:
                    self.assertEqual(reply["code"], "forbidden")
            with self.subTest(reader=name, path="replay"):
                reply = client.request({"type": "subscribe", "circles": [circle], "since": 0})
                if reply["type"] == "subscribed":
                    msgs = drain(client, quiet=0.3)
                    self.assertNotIn(item_id, [m["item"]["id"] for m in pushes(msgs)])
                    client.ok({"type": "unsubscribe"}, "unsubscribed")
                else:
                    self.assertEqual(reply["code"], "forbidden")

    # -- pending is invisible -----------------------------------------------------

    def test_pending_is_invisible_on_every_path(self):
        readers = {}
        for role in ("colleague", "member", "observer", "moderator", "outsider"):
            cl = self.c(role)
            if role != "outsider":
                cl.subscribe(["mod"])
            readers[role] = cl
        anon = anonymous(self.hub)
        anon.subscribe(["mod"])
        readers["anonymous"] = anon
        author = self.c("author")
        author.subscribe(["mod"])
        item, posted = self.pending_post(author, tlp="CLEAR")
        # Control: a published item (an alert by the moderator) does flow, so
        # that silence below means something.
        control = self.c("moderator").post(make_item("mod", tlp="GREEN", kind="alert"))
        self.assertEqual(control["status"], "published")
        time.sleep(harness.DELIVER_WITHIN)
        live = {name: drain(cl, quiet=0.1) for name, cl in readers.items()}
        for name in ("colleague", "member", "observer", "moderator"):
            self.assertIn(control["item_id"], [m["item"]["id"] for m in pushes(live[name])],
                          f"{name} did not get the published control item")
        self.assert_unseen(posted["item_id"], {n: (c, live[n]) for n, c in readers.items()
                                               if n != "moderator"})
        # The moderator is not sent it live, and finds it in the queue, not in history.
        self.assertNotIn(posted["item_id"], [m["item"]["id"] for m in pushes(live["moderator"])])
        mod = readers["moderator"]
        self.assertNotIn(posted["item_id"], [i["id"] for i in mod.history("mod")["items"]])
        queue = mod.ok({"type": "moderation", "circle": "mod"}, "moderation")
        self.assertIn(posted["item_id"], [i["id"] for i in queue["items"]])
        # get: the author and the moderator see it, as pending.
        self.assertEqual(author.get(posted["item_id"])["status"], "pending")
        got = mod.get(posted["item_id"])
        self.assertEqual((got["id"], got["status"]), (posted["item_id"], "pending"))
        harness.assert_anonymous(self, got, self._fx())
        # The public feed does not carry it.
        status, _, body = http_get(self.hub, "/feed/mod.json")
        if status == 200:
            self.assertNotIn(posted["item_id"], [i["id"] for i in json.loads(body)["items"]])
        else:
            self.assertEqual(status, 404)

    def _fx(self):
        import types
        return types.SimpleNamespace(user={"author": self.user["author"]},
                                     org={"author": self.org_a}, author_org=None)

    # -- the queue ------------------------------------------------------------------

    def test_queue_is_for_moderators_only(self):
        self.pending_post(self.c("author"))
        for role in ("author", "colleague", "member", "observer"):
            with self.subTest(role=role):
                self.c(role).error({"type": "moderation", "circle": "mod"}, "forbidden")
        # A moderator of another circle, and an outsider.
        self.c("other_mod").error({"type": "moderation", "circle": "mod"},
                                  {"forbidden", "not_found"})
        self.c("outsider").error({"type": "moderation", "circle": "mod"},
                                 {"forbidden", "not_found"})
        anonymous(self.hub).error({"type": "moderation", "circle": "mod"}, "auth_required")
        self.c("other_mod").ok({"type": "moderation", "circle": "elsewhere"}, "moderation")

    def test_queue_shows_author_org_only_where_the_policy_says(self):
        author = self.c("author")
        _, hidden = self.pending_post(author, circle="mod")
        _, shown = self.pending_post(author, circle="mod-see", tlp="RED",
                                     recipients=[self.user["member"]])
        mod = self.c("moderator")
        q1 = mod.ok({"type": "moderation", "id": "q-1", "circle": "mod"}, "moderation")
        self.assertEqual((q1["ref"], q1["circle"]), ("q-1", "mod"))
        row = {i["id"]: i for i in q1["items"]}[hidden["item_id"]]
        self.assertEqual(row["status"], "pending")
        self.assertNotIn("author_org", row)
        text = json.dumps(q1)
        self.assertNotIn(self.user["author"], text)
        self.assertNotIn(self.org_a, text)
        q2 = mod.ok({"type": "moderation", "circle": "mod-see"}, "moderation")
        row = {i["id"]: i for i in q2["items"]}[shown["item_id"]]
        self.assertEqual(row["author_org"], self.org_a)
        self.assertNotIn(self.user["author"], json.dumps(q2), "the author's user name leaks")
        # Every row in a queue is pending and of that circle.
        for q in (q1, q2):
            for i in q["items"]:
                self.assertEqual((i["status"], i["circle"]), ("pending", q["circle"]))

    def test_moderator_get_shows_neither_author_org_nor_recipients(self):
        """item.author_org: "Present only in a moderation reply ...; never in item,
        history or deliver"; recipients: "only for their author" (PROTOCOL.md)."""
        author, mod = self.c("author"), self.c("moderator")
        _, red = self.pending_post(author, circle="mod-see", tlp="RED",
                                   recipients=[self.user["member"]])
        _, green = self.pending_post(author, circle="mod-see", tlp="GREEN")
        for posted in (red, green):
            with self.subTest(tlp="RED" if posted is red else "GREEN"):
                got = mod.get(posted["item_id"])
                self.assertEqual(got["status"], "pending")
                self.assertNotIn("author_org", got, "author_org in an item reply")
                self.assertNotIn("recipients", got, "recipients shown to a non-author")
        self.assertEqual(author.get(red["item_id"])["recipients"], [self.user["member"]])

    def test_queue_does_not_show_red_recipients(self):
        """PROTOCOL.md: recipients is present "only on RED items, and only for their
        author" -- the moderation queue is not the author."""
        _, red = self.pending_post(self.c("author"), circle="mod", tlp="RED",
                                   recipients=[self.user["member"]])
        q = self.c("moderator").ok({"type": "moderation", "circle": "mod"}, "moderation")
        row = {i["id"]: i for i in q["items"]}[red["item_id"]]
        self.assertNotIn("recipients", row)

    def test_moderators_and_unmoderated_kinds_publish_at_once(self):
        mod = self.c("moderator")
        self.assertEqual(mod.post(make_item("mod", kind="threat"))["status"], "published")
        member = self.c("member")
        # practice is moderated in "mod", not in "mod-see".
        self.assertEqual(member.post(make_item("mod", kind="practice"))["status"], "pending")
        self.assertEqual(member.post(make_item("mod-see", kind="practice"))["status"],
                         "published")

    # -- approve ----------------------------------------------------------------------

    def test_approve_delivers_under_a_new_cursor_live_and_to_a_durable_subscriber(self):
        author, mod = self.c("author"), self.c("moderator")
        live = self.c("member")
        live.subscribe(["mod"])
        durable = self.c("durable")
        durable.subscribe(["mod"], name="dur-approve")
        item, posted = self.pending_post(author, tlp="GREEN")
        # A published item after it: the durable subscriber acks past the pending one.
        later = mod.post(make_item("mod", kind="alert", tlp="GREEN"))
        self.assertGreater(later["cursor"], posted["cursor"])
        self.assertEqual(durable.deliver()["id"], later["item_id"])
        self.assertEqual(live.deliver()["id"], later["item_id"])
        durable.ok({"type": "ack", "name": "dur-approve", "cursor": later["cursor"]}, "acked")
        durable.close()

        reply = mod.ok({"type": "moderate", "id": "mo-1", "item_id": posted["item_id"],
                        "decision": "approve", "reason": "looks fine"}, "moderated")
        self.assertEqual((reply["ref"], reply["item_id"], reply["status"]),
                         ("mo-1", posted["item_id"], "published"))
        # Live, at once, under a new cursor past everything before.
        got = live.deliver()
        self.assertEqual((got["id"], got["status"]), (posted["item_id"], "published"))
        self.assertGreater(got["cursor"], later["cursor"])
        harness.same_content(self, got, item)
        # The author is told, without the moderator's identity.
        note = self.notice(author, posted["item_id"])
        self.assertEqual((note["event"], note["status"]), ("moderation", "published"))
        self.assertEqual(note.get("reason"), "looks fine")
        self.assertNotIn(self.user["moderator"], json.dumps(note))
        self.assertNotIn(self.org_p, json.dumps(note))
        # The durable subscriber resumes after its ack and still gets it.
        again = self.c("durable")
        again.subscribe(["mod"], name="dur-approve")
        resumed = again.deliver(timeout=harness.REPLY_TIMEOUT)
        self.assertEqual((resumed["id"], resumed["cursor"]), (posted["item_id"], got["cursor"]))
        again.expect_no_message(within=0.3)
        # Every path now has it, once, at the new cursor.
        reader = self.c("colleague")
        self.assertEqual(reader.get(posted["item_id"])["cursor"], got["cursor"])
        hist = [i for i in reader.history("mod")["items"] if i["id"] == posted["item_id"]]
        self.assertEqual([i["cursor"] for i in hist], [got["cursor"]])
        replay = self.c("observer")
        replay.subscribe(["mod"], since=later["cursor"])
        self.assertEqual(replay.deliver(timeout=harness.REPLY_TIMEOUT)["id"], posted["item_id"])
        # It left the queue, and cannot be moderated again.
        queue = mod.ok({"type": "moderation", "circle": "mod"}, "moderation")
        self.assertNotIn(posted["item_id"], [i["id"] for i in queue["items"]])
        mod.error({"type": "moderate", "item_id": posted["item_id"], "decision": "reject"},
                  {"not_found", "invalid_field"})

    # -- reject ----------------------------------------------------------------------------

    def test_reject(self):
        author, mod = self.c("author"), self.c("moderator")
        live = self.c("member")
        live.subscribe(["mod"])
        item, posted = self.pending_post(author, tlp="GREEN")
        reply = mod.ok({"type": "moderate", "item_id": posted["item_id"], "decision": "reject",
                        "reason": "names the bank"}, "moderated")
        self.assertEqual(reply["status"], "rejected")
        note = self.notice(author, posted["item_id"])
        self.assertEqual((note["event"], note["status"], note.get("reason")),
                         ("moderation", "rejected", "names the bank"))
        live.expect_no_message(within=0.5)
        self.assertEqual(author.get(posted["item_id"])["status"], "rejected")
        self.assert_unseen(posted["item_id"], {"member": (live, []),
                                               "moderator": (mod, [])})
        queue = mod.ok({"type": "moderation", "circle": "mod"}, "moderation")
        self.assertNotIn(posted["item_id"], [i["id"] for i in queue["items"]])
        mod.error({"type": "moderate", "item_id": posted["item_id"], "decision": "approve"},
                  {"not_found", "invalid_field"})
        # A rejection carries no edit.
        _, other = self.pending_post(author)
        mod.error({"type": "moderate", "item_id": other["item_id"], "decision": "reject",
                   "edit": {"title": "x"}}, "invalid_field")

    # -- edit --------------------------------------------------------------------------------

    def test_edit_keeps_it_pending_then_approve_publishes_the_edit(self):
        author, mod = self.c("author"), self.c("moderator")
        live = self.c("member")
        live.subscribe(["mod"])
        item, posted = self.pending_post(author, tlp="GREEN",
                                         title="Case SB-123456 at our Osaka branch")
        edit = {"title": "Phishing case at a member bank", "body": "Masked by the secretariat.",
                "tags": ["masked"],
                "indicators": [{"type": "domain", "value": "evil.example", "role": "attacker"}]}
        reply = mod.ok({"type": "moderate", "item_id": posted["item_id"], "decision": "edit",
                        "edit": edit}, "moderated")
        self.assertEqual((reply["item_id"], reply["status"]), (posted["item_id"], "pending"))
        live.expect_no_message(within=0.3)
        self.assert_unseen(posted["item_id"], {"member": (live, [])})
        row = {i["id"]: i for i in mod.ok({"type": "moderation", "circle": "mod"},
                                          "moderation")["items"]}[posted["item_id"]]
        # The edited indicators are checked like a post's: evil.example is flagged benign.
        edit = dict(edit, indicators=[dict(edit["indicators"][0],
                                           benign="reserved top-level domain (RFC 2606)")])
        for k, v in edit.items():
            self.assertEqual(row[k], v, k)
        self.assertEqual(author.get(posted["item_id"])["title"], edit["title"])
        live.subscribe(["mod"])      # assert_unseen replaced the live subscription
        # Approve: readers get the edited version.
        mod.ok({"type": "moderate", "item_id": posted["item_id"], "decision": "approve"},
               "moderated")
        got = live.deliver()
        self.assertEqual(got["id"], posted["item_id"])
        for k, v in edit.items():
            self.assertEqual(got[k], v, k)

    def test_edit_is_scrubbed_like_a_post(self):
        """A moderator's replacements go through the anonymiser with the
        author organisation's registered names: an edit cannot bring back what
        the post had removed, nor a victim-side indicator."""
        hub = self.hub
        hub.admin("org", "add", "m-kikyo", "--name", "Kikyo Ginko", "--name", "桔梗銀行",
                  "--domain", "kikyo-ginko.example")
        hub.admin("member", "add", "mod", "m-kikyo")
        _, token = hub.new_user("m-kikyo", prefix="m-kikyo")
        author, mod = hub.client(token, label="kikyo"), self.c("moderator")
        _, posted = self.pending_post(author, tlp="GREEN")
        edit = {"title": "Kikyo Ginko: 桔梗銀行の窓口を装うSMS",
                "body": "Ask soc@kikyo-ginko.example or call 03-1234-5678.",
                "indicators": [{"type": "domain", "value": "evil-kikyo.example",
                                "role": "attacker"},
                               {"type": "ipv4", "value": "198.51.100.99", "role": "victim"}]}
        mod.ok({"type": "moderate", "item_id": posted["item_id"], "decision": "edit",
                "edit": edit}, "moderated")
        got = author.get(posted["item_id"])
        text = got["title"] + " " + got["body"]
        for leaked in ("Kikyo Ginko", "桔梗銀行", "soc@kikyo-ginko.example", "03-1234-5678"):
            self.assertNotIn(leaked, text)
        self.assertIn("[組織]", got["title"])
        self.assertEqual([i["value"] for i in got["indicators"]], ["evil-kikyo.example"])

    def test_edit_tells_the_author(self):
        """The author sees what recipients will see: a moderator's edit is a
        moderation notice with status pending (notice.schema.json: status is
        the item's status after the decision, one of pending/published/rejected;
        only an edit leaves it pending)."""
        author, mod = self.c("author"), self.c("moderator")
        _, posted = self.pending_post(author, tlp="GREEN")
        mod.ok({"type": "moderate", "item_id": posted["item_id"], "decision": "edit",
                "edit": {"title": "Masked title"}, "reason": "masked a name"}, "moderated")
        note = self.notice(author, posted["item_id"], timeout=1.0)
        self.assertEqual((note["event"], note["status"]), ("moderation", "pending"))
        self.assertEqual(note.get("reason"), "masked a name")

    def test_edit_is_checked(self):
        _, posted = self.pending_post(self.c("author"))
        mod = self.c("moderator")
        mod.error({"type": "moderate", "item_id": posted["item_id"], "decision": "edit"},
                  "invalid_field")
        mod.error({"type": "moderate", "item_id": posted["item_id"], "decision": "edit",
                   "edit": {"tlp": "CLEAR"}}, "unknown_field")
        mod.error({"type": "moderate", "item_id": posted["item_id"], "decision": "edit",
                   "edit": {"title": "x" * 201}}, "invalid_field")
        mod.error({"type": "moderate", "item_id": posted["item_id"], "decision": "publish"},
                  {"unknown_label", "invalid_field"})
        # Nothing changed, still pending.
        row = {i["id"]: i for i in mod.ok({"type": "moderation", "circle": "mod"},
                                          "moderation")["items"]}[posted["item_id"]]
        self.assertEqual(row["status"], "pending")

    def test_only_moderators_of_the_circle_moderate(self):
        author = self.c("author")
        _, posted = self.pending_post(author)
        for role in ("author", "colleague", "member", "observer", "other_mod", "outsider"):
            with self.subTest(role=role):
                self.c(role).error({"type": "moderate", "item_id": posted["item_id"],
                                    "decision": "approve"}, {"forbidden", "not_found"})
        anonymous(self.hub).error({"type": "moderate", "item_id": posted["item_id"],
                                   "decision": "approve"}, "auth_required")
        self.c("member").error({"type": "get", "item_id": posted["item_id"]}, "forbidden")
        # Still pending after all that.
        self.assertEqual(author.get(posted["item_id"])["status"], "pending")


if __name__ == "__main__":
    unittest.main(verbosity=2)
