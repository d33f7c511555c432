#!/usr/bin/python3
"""11 share: forwarding between circles and permission requests.

forward copies a GREEN or CLEAR item into another circle when the forwarder
reads it and belongs to both circles and both policies allow it (GREEN:
home green_out, target green_in and GREEN allowed there; CLEAR: CLEAR
allowed there); AMBER, AMBER+STRICT and RED never move. The copy has a new
id, carries forwarded_from, is read by the target's members, is never made
public, and the same item cannot be forwarded twice to one circle.

request asks the author to forward an item or lower its TLP; the author
sees it as a notice and in `requests`, decides with grant or refuse, and
the requester gets a notice. No frame either side receives names the other
(user or organisation). Only the author may decide (others: not_found).
"""
import json
import time
import unittest

import harness
from harness import HubTestCase, add_circle, anonymous, http_get, make_item


class ShareTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = hub = cls.start_class_hub()
        add_circle(hub, "home", green_out=True)
        add_circle(hub, "closed-out", green_out=False)
        add_circle(hub, "target", green_in=True)
        add_circle(hub, "no-in", green_in=False)
        add_circle(hub, "no-clear", allowed=["GREEN", "AMBER"], green_in=True)
        add_circle(hub, "pub-target", clear_public=True, green_in=True)
        add_circle(hub, "narrow-home", allowed=["GREEN", "AMBER", "RED"], green_out=True)
        # Organisations: the author's (A), a bridge in every circle (B), a home-only
        # member (H), a target-only member (T), an outsider (O).
        cls.orgs = {"A": "sh-akane-ginko", "B": "sh-botan-shoken", "H": "sh-hinoki-shinkin",
                    "T": "sh-tsubaki-denki", "O": "sh-outsider"}
        for o in cls.orgs.values():
            hub.admin("org", "add", o)
        homes = ("home", "closed-out", "narrow-home")
        targets = ("target", "no-in", "no-clear", "pub-target")
        for c in homes:
            for o in "ABH":
                hub.admin("member", "add", c, cls.orgs[o])
        for c in targets:
            for o in "BT":
                hub.admin("member", "add", c, cls.orgs[o])
        cast = {"author": "A", "colleague": "A", "bridge": "B", "bridge2": "B", "homeonly": "H",
                "tmember": "T", "outsider": "O"}
        cls.user, cls.token, cls.org = {}, {}, {}
        for role, o in cast.items():
            cls.user[role] = f"sh-{role}-person"
            cls.org[role] = cls.orgs[o]
            cls.token[role] = hub.add_user(cls.orgs[o], cls.user[role])
        hub.admin("role", "set", "home", cls.user["bridge2"], "moderator")
        for t in cls.token.values():
            hub.wait_token(t)
        hub.wait_role(cls.token["bridge2"], "home", "moderator")

    def c(self, role):
        """A client of role that keeps every message it receives in .received."""
        client = self.hub.client(label=role)
        client.received = []
        recv_wire = client._recv_wire

        def keep(timeout):
            msg = recv_wire(timeout)
            client.received.append(msg)
            return msg
        client._recv_wire = keep
        client.auth(self.token[role])
        return client

    def sweep(self, client, *others):
        """Nothing client received (after auth_ok) names any of the roles others."""
        for msg in client.received:
            if msg.get("type") in ("auth_ok", "whoami"):
                continue
            self.assert_nobody_named(msg, *others)

    def post(self, circle="home", tlp="GREEN", **kw):
        author = self.c("author")
        item = make_item(circle, tlp=tlp, **kw)
        return item, author.post(item)

    def assert_nobody_named(self, msg, *roles):
        """No user name or organisation key of roles appears anywhere in msg."""
        harness.no_author_fields(self, msg)
        text = json.dumps(msg, ensure_ascii=False)
        for role in roles:
            self.assertNotIn(self.user[role], text, f"{role}'s user name in {text[:300]}")
            self.assertNotIn(self.org[role], text, f"{role}'s organisation in {text[:300]}")

    def next_notice(self, client, event, timeout=harness.REPLY_TIMEOUT):
        deadline = time.monotonic() + timeout
        kept = []
        try:
            while True:
                msg = client.recv(timeout=max(0.01, deadline - time.monotonic()))
                if msg.get("type") == "notice" and msg.get("event") == event:
                    return msg
                kept.append(msg)
        except harness.NoMessage:
            self.fail(f"{client.label}: no {event} notice within {timeout}s; got {kept}")
        finally:
            client.pending.extendleft(reversed(kept))

    def next_deliver(self, client, timeout=harness.REPLY_TIMEOUT):
        """The next deliver push, skipping (and keeping) notices."""
        deadline = time.monotonic() + timeout
        kept = []
        try:
            while True:
                msg = client.recv(timeout=max(0.01, deadline - time.monotonic()))
                if msg.get("type") == "deliver":
                    return msg["item"]
                self.assertEqual(msg.get("type"), "notice", msg)
                kept.append(msg)
        except harness.NoMessage:
            self.fail(f"{client.label}: no deliver within {timeout}s; got {kept}")
        finally:
            client.pending.extendleft(reversed(kept))

    def copies_in(self, reader, circle, original_id):
        return [i for i in reader.history(circle, limit=500)["items"]
                if i.get("forwarded_from") == original_id]

    # -- forward: allowed ------------------------------------------------------------

    def test_forward_green_and_clear(self):
        for tlp in ("GREEN", "CLEAR"):
            with self.subTest(tlp=tlp):
                tmember = self.c("tmember")
                tmember.subscribe(["target"])
                item, posted = self.post(tlp=tlp)
                bridge = self.c("bridge")
                reply = bridge.ok({"type": "forward", "id": "fw-1", "item_id": posted["item_id"],
                                   "to": "target"}, "forwarded")
                self.assertEqual(reply["ref"], "fw-1")
                self.assertNotEqual(reply["item_id"], posted["item_id"])
                self.assertGreater(reply["cursor"], posted["cursor"])
                self.assert_nobody_named(reply, "author")
                # Live to the target's members, and by get and history.
                live = tmember.deliver()
                got = tmember.get(reply["item_id"])
                for view in (live, got):
                    self.assertEqual((view["id"], view["circle"], view["tlp"],
                                      view["forwarded_from"], view["cursor"]),
                                     (reply["item_id"], "target", tlp, posted["item_id"],
                                      reply["cursor"]))
                    self.assertEqual((view["title"], view["body"]), (item["title"], item["body"]))
                    harness.assert_anonymous(self, view, self._fx())
                self.assertEqual(len(self.copies_in(tmember, "target", posted["item_id"])), 1)
                # The target-only member still cannot read the GREEN original.
                if tlp == "GREEN":
                    tmember.error({"type": "get", "item_id": posted["item_id"]}, "forbidden")
                # Members of the home circle who are not in the target do not
                # get the copy.
                homeonly = self.c("homeonly")
                if tlp == "GREEN":
                    homeonly.error({"type": "get", "item_id": reply["item_id"]}, "forbidden")
                else:   # CLEAR: any authenticated user
                    homeonly.get(reply["item_id"])
                # Twice into the same circle: invalid_field; nothing new stored.
                bridge.error({"type": "forward", "item_id": posted["item_id"], "to": "target"},
                             "invalid_field")
                self.c("bridge2").error({"type": "forward", "item_id": posted["item_id"],
                                         "to": "target"}, "invalid_field")
                self.assertEqual(len(self.copies_in(tmember, "target", posted["item_id"])), 1)

    def _fx(self):
        import types
        return types.SimpleNamespace(user={"author": self.user["author"]},
                                     org={"author": self.org["author"]}, author_org=None)

    # -- forward: refused -------------------------------------------------------------

    def test_policies_refuse_forwards(self):
        bridge = self.c("bridge")
        cases = [
            ("closed-out", "GREEN", "target", "home policy has green_out false"),
            ("home", "GREEN", "no-in", "target policy has green_in false"),
            ("home", "CLEAR", "no-clear", "target policy does not allow CLEAR"),
        ]
        for home, tlp, to, why in cases:
            with self.subTest(why=why):
                _, posted = self.post(circle=home, tlp=tlp)
                bridge.error({"type": "forward", "item_id": posted["item_id"], "to": to},
                             "not_allowed")
                self.assertEqual(self.copies_in(bridge, to, posted["item_id"]), [])
        # The same GREEN item may go where GREEN is welcome.
        _, posted = self.post(tlp="GREEN")
        bridge.ok({"type": "forward", "item_id": posted["item_id"], "to": "no-clear"},
                  "forwarded")
        # CLEAR does not need green_in/green_out.
        _, posted = self.post(circle="closed-out", tlp="CLEAR")
        bridge.ok({"type": "forward", "item_id": posted["item_id"], "to": "no-in"}, "forwarded")

    def test_amber_and_above_never_move(self):
        bridge = self.c("bridge")
        for tlp in ("AMBER", "AMBER+STRICT"):
            with self.subTest(tlp=tlp):
                _, posted = self.post(tlp=tlp)
                bridge.error({"type": "forward", "item_id": posted["item_id"], "to": "target"},
                             "not_allowed")
                self.c("tmember").error({"type": "get", "item_id": posted["item_id"]},
                                        "forbidden")
        # RED: not_allowed for a named recipient, forbidden for anyone who cannot read it.
        _, named = self.post(tlp="RED", recipients=[self.user["bridge"]])
        bridge.error({"type": "forward", "item_id": named["item_id"], "to": "target"},
                     "not_allowed")
        _, unnamed = self.post(tlp="RED", recipients=[self.user["homeonly"]])
        bridge.error({"type": "forward", "item_id": unnamed["item_id"], "to": "target"},
                     "forbidden")
        self.assertEqual(self.copies_in(bridge, "target", named["item_id"]), [])

    def test_forwarder_must_be_a_member_of_both_circles(self):
        _, posted = self.post(tlp="GREEN")
        # Reads it, but is not a member of the target.
        self.c("homeonly").error({"type": "forward", "item_id": posted["item_id"],
                                  "to": "target"}, "forbidden")
        # Member of the target, cannot read the GREEN original.
        self.c("tmember").error({"type": "forward", "item_id": posted["item_id"],
                                 "to": "target"}, "forbidden")
        # CLEAR: readable by any authenticated user, yet still needs both memberships.
        _, clear = self.post(tlp="CLEAR")
        self.c("tmember").error({"type": "forward", "item_id": clear["item_id"],
                                 "to": "target"}, "forbidden")
        self.c("outsider").error({"type": "forward", "item_id": posted["item_id"],
                                  "to": "target"}, {"forbidden", "not_found"})
        bridge = self.c("bridge")
        bridge.error({"type": "forward", "item_id": "it_00000000000000ff", "to": "target"},
                     "not_found")
        bridge.error({"type": "forward", "item_id": posted["item_id"], "to": "no-such-circle"},
                     {"forbidden", "not_found"})
        bridge.error({"type": "forward", "item_id": posted["item_id"], "to": "home"},
                     {"not_allowed", "invalid_field"})
        anonymous(self.hub).error({"type": "forward", "item_id": posted["item_id"],
                                   "to": "target"}, "auth_required")
        self.assertEqual(self.copies_in(bridge, "target", posted["item_id"]), [])

    def test_forwarded_copy_is_never_public(self):
        """PROTOCOL.md: the copy "is never made public" -- also a CLEAR copy in a
        circle whose policy publishes CLEAR."""
        bridge = self.c("bridge")
        anon = anonymous(self.hub)
        direct = self.c("tmember").post(make_item("pub-target", tlp="CLEAR"))   # control
        copies = {}
        for tlp in ("CLEAR", "GREEN"):
            _, posted = self.post(tlp=tlp)
            copies[tlp] = bridge.ok({"type": "forward", "item_id": posted["item_id"],
                                     "to": "pub-target"}, "forwarded")["item_id"]
        ids = [i["id"] for i in anon.history("pub-target")["items"]]
        self.assertIn(direct["item_id"], ids, "control: CLEAR posted there is public")
        status, _, body = http_get(self.hub, "/feed/pub-target.json")
        feed = [i["id"] for i in json.loads(body)["items"]] if status == 200 else None
        for tlp, copy_id in copies.items():
            with self.subTest(tlp=tlp):
                anon.error({"type": "get", "item_id": copy_id}, "forbidden")
                self.assertNotIn(copy_id, ids)
                if feed is not None:
                    self.assertNotIn(copy_id, feed)

    # -- permission requests --------------------------------------------------------------

    def request_flow(self, requester_role, item_tlp, action, decision, circle="home",
                     recipients=None, **fields):
        """Post, request, check the author's notice and lists; returns a namespace."""
        import types
        author = self.c("author")
        requester = self.c(requester_role)
        extra = {"recipients": recipients} if recipients else {}
        item = make_item(circle, tlp=item_tlp, **extra)
        posted = author.post(item)
        msg = {"type": "request", "id": "rq-1", "item_id": posted["item_id"], "action": action,
               "reason": "our members need this"}
        msg.update(fields)
        reply = requester.ok(msg, "requested")
        self.assertEqual(reply["ref"], "rq-1")
        self.assert_nobody_named(reply, "author")
        note = self.next_notice(author, "permission_request")
        req = note["request"]
        self.assertEqual((req["request_id"], req["item_id"], req["action"], req["status"]),
                         (reply["request_id"], posted["item_id"], action, "pending"))
        self.assertEqual(req.get("reason"), "our members need this")
        for k, v in fields.items():
            self.assertEqual(req[k], v)
        self.assert_nobody_named(note, requester_role)
        lists = author.ok({"type": "requests"}, "requests")
        self.assertIn(reply["request_id"], [r["request_id"] for r in lists["to_me"]])
        self.assert_nobody_named(lists, requester_role)
        mine = requester.ok({"type": "requests"}, "requests")
        self.assertIn(reply["request_id"], [r["request_id"] for r in mine["mine"]])
        self.assertNotIn(reply["request_id"], [r["request_id"] for r in mine["to_me"]])
        self.assert_nobody_named(mine, "author")
        return types.SimpleNamespace(author=author, requester=requester, item=item,
                                     posted=posted, request_id=reply["request_id"])

    def decide(self, f, decision, requester_role, reason=None):
        msg = {"type": "decide", "id": "dc-1", "request_id": f.request_id, "decision": decision}
        if reason:
            msg["reason"] = reason
        reply = f.author.ok(msg, "decided")
        self.assertEqual((reply["ref"], reply["request_id"], reply["decision"]),
                         ("dc-1", f.request_id, decision))
        note = self.next_notice(f.requester, "permission_decision")
        self.assertEqual(note["request"]["request_id"], f.request_id)
        self.assertEqual(note["request"]["status"],
                         "granted" if decision == "grant" else "refused")
        if reason:
            self.assertEqual(note["request"].get("decision_reason"), reason)
        self.assert_nobody_named(note, "author")
        mine = f.requester.ok({"type": "requests"}, "requests")
        row = {r["request_id"]: r for r in mine["mine"]}[f.request_id]
        self.assertEqual(row["status"], note["request"]["status"])
        self.assert_nobody_named(mine, "author")
        self.assert_nobody_named(f.author.ok({"type": "requests"}, "requests"), requester_role)
        # Every frame either side received, not only the ones looked at above.
        self.sweep(f.author, requester_role)
        self.sweep(f.requester, "author")
        return note

    def test_request_forward_granted_creates_the_copy(self):
        # CLEAR: any authenticated user reads it; the requester belongs to the target only.
        tmember = self.c("tmember")
        tmember.subscribe(["target"])
        f = self.request_flow("tmember", "CLEAR", "forward", "grant", to="target")
        self.decide(f, "grant", "tmember", reason="fine by us")
        copy = self.next_deliver(tmember)
        self.assertEqual((copy["forwarded_from"], copy["circle"], copy["tlp"]),
                         (f.posted["item_id"], "target", "CLEAR"))
        harness.assert_anonymous(self, copy, self._fx())
        # GREEN: the requester reads it in home and belongs to the target.
        g = self.request_flow("bridge", "GREEN", "forward", "grant", to="target")
        self.decide(g, "grant", "bridge")
        copies = self.copies_in(self.c("tmember"), "target", g.posted["item_id"])
        self.assertEqual(len(copies), 1)
        # Deciding again: the request is no longer pending.
        f.author.error({"type": "decide", "request_id": g.request_id, "decision": "grant"},
                       {"invalid_field", "not_allowed"})

    def test_request_forward_refused_creates_nothing(self):
        f = self.request_flow("bridge", "GREEN", "forward", "refuse", to="target")
        self.decide(f, "refuse", "bridge", reason="not yet")
        self.assertEqual(self.copies_in(self.c("tmember"), "target", f.posted["item_id"]), [])

    def test_request_forward_checks(self):
        requester = self.c("bridge")
        for tlp in ("AMBER", "AMBER+STRICT"):
            with self.subTest(tlp=tlp):
                _, posted = self.post(tlp=tlp)
                requester.error({"type": "request", "item_id": posted["item_id"],
                                 "action": "forward", "to": "target"}, "not_allowed")
        _, red = self.post(tlp="RED", recipients=[self.user["bridge"]])
        requester.error({"type": "request", "item_id": red["item_id"], "action": "forward",
                         "to": "target"}, "not_allowed")
        _, green = self.post(tlp="GREEN")
        # Not a member of the circle asked for.
        self.c("homeonly").error({"type": "request", "item_id": green["item_id"],
                                  "action": "forward", "to": "target"}, "forbidden")
        # Cannot read the item.
        self.c("tmember").error({"type": "request", "item_id": green["item_id"],
                                 "action": "forward", "to": "target"}, "forbidden")
        self.c("outsider").error({"type": "request", "item_id": red["item_id"],
                                  "action": "lower_tlp", "tlp": "GREEN"}, "forbidden")
        # Shape: forward needs to, lower_tlp needs tlp.
        requester.error({"type": "request", "item_id": green["item_id"], "action": "forward"},
                        "invalid_field")
        requester.error({"type": "request", "item_id": green["item_id"], "action": "lower_tlp"},
                        "invalid_field")
        requester.error({"type": "request", "item_id": green["item_id"], "action": "publish",
                         "to": "target"}, {"unknown_label", "invalid_field"})
        anonymous(self.hub).error({"type": "request", "item_id": green["item_id"],
                                   "action": "forward", "to": "target"}, "auth_required")
        # A GREEN forward the circles' rules forbid is never carried out.
        reply = requester.request({"type": "request", "item_id": green["item_id"],
                                   "action": "forward", "to": "no-in"})
        if reply["type"] == "requested":
            author = self.c("author")
            author.error({"type": "decide", "request_id": reply["request_id"],
                          "decision": "grant"}, "not_allowed")
        else:
            self.assertEqual(reply.get("code"), "not_allowed", reply)
        self.assertEqual(self.copies_in(requester, "no-in", green["item_id"]), [])

    def test_request_lower_tlp_granted_reaches_the_wider_audience_live(self):
        member = self.c("bridge2")     # a home member not named on the RED item
        member.subscribe(["home"])
        f = self.request_flow("homeonly", "RED", "lower_tlp", "grant",
                              recipients=[self.user["homeonly"]], tlp="GREEN")
        member.error({"type": "get", "item_id": f.posted["item_id"]}, "forbidden")
        self.decide(f, "grant", "homeonly")
        got = self.next_deliver(member)
        self.assertEqual((got["id"], got["tlp"], got["status"]),
                         (f.posted["item_id"], "GREEN", "published"))
        self.assertGreater(got["cursor"], f.posted["cursor"])
        self.assertNotIn("recipients", got)
        harness.assert_anonymous(self, got, self._fx())
        self.assertEqual(member.get(f.posted["item_id"])["tlp"], "GREEN")
        self.assertEqual(self.c("colleague").get(f.posted["item_id"])["tlp"], "GREEN")
        # Still not beyond GREEN: outsiders and the target-only member cannot read it.
        self.c("tmember").error({"type": "get", "item_id": f.posted["item_id"]}, "forbidden")

    def test_request_lower_tlp_refused_changes_nothing(self):
        f = self.request_flow("homeonly", "AMBER", "lower_tlp", "refuse", tlp="GREEN")
        self.decide(f, "refuse", "homeonly", reason="the client asked us not to")
        self.assertEqual(self.c("bridge").get(f.posted["item_id"])["tlp"], "AMBER")

    def test_request_lower_tlp_must_be_more_open_and_allowed(self):
        requester = self.c("homeonly")
        _, amber = self.post(tlp="AMBER")
        for tlp in ("AMBER", "AMBER+STRICT", "RED"):
            with self.subTest(tlp=tlp):
                requester.error({"type": "request", "item_id": amber["item_id"],
                                 "action": "lower_tlp", "tlp": tlp}, "not_allowed")
        requester.error({"type": "request", "item_id": amber["item_id"], "action": "lower_tlp",
                         "tlp": "green"}, "unknown_label")
        # narrow-home does not use CLEAR.
        _, narrow = self.post(circle="narrow-home", tlp="AMBER")
        requester.error({"type": "request", "item_id": narrow["item_id"], "action": "lower_tlp",
                         "tlp": "CLEAR"}, "not_allowed")
        requester.ok({"type": "request", "item_id": narrow["item_id"], "action": "lower_tlp",
                      "tlp": "GREEN"}, "requested")

    def test_only_the_author_decides(self):
        f = self.request_flow("homeonly", "AMBER", "lower_tlp", "grant", tlp="GREEN")
        for role in ("colleague", "homeonly", "bridge", "bridge2", "tmember", "outsider"):
            with self.subTest(role=role):
                err = self.c(role).error({"type": "decide", "id": "dc-x",
                                          "request_id": f.request_id, "decision": "grant"},
                                         "not_found")
                self.assertEqual(err["ref"], "dc-x")
                self.assert_nobody_named(err, "author", "homeonly")
        anonymous(self.hub).error({"type": "decide", "request_id": f.request_id,
                                   "decision": "grant"}, "auth_required")
        f.author.error({"type": "decide", "request_id": "pr_0000000000000000",
                        "decision": "grant"}, "not_found")
        f.author.error({"type": "decide", "request_id": f.request_id, "decision": "maybe"},
                       {"unknown_label", "invalid_field"})
        # Nothing happened: still AMBER, still pending.
        self.assertEqual(self.c("bridge").get(f.posted["item_id"])["tlp"], "AMBER")
        row = {r["request_id"]: r for r in f.author.ok({"type": "requests"},
                                                       "requests")["to_me"]}[f.request_id]
        self.assertEqual(row["status"], "pending")
        # Requests about other people's items are not listed.
        other = self.c("colleague").ok({"type": "requests"}, "requests")
        self.assertNotIn(f.request_id, [r["request_id"] for r in other["to_me"] + other["mine"]])


if __name__ == "__main__":
    unittest.main(verbosity=2)
