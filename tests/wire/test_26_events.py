#!/usr/bin/python3
"""26 events: regional study groups and seminars, end to end.

An event is an item of kind event with an `event` object (PROTOCOL.md,
"Events"). What is checked here, over the wire and with `kairan`:

  - posting: every field reaches every read path, normalised, with its UTC
    times; who may post (the policy's post.event); what the anonymiser does
    (title and body scrubbed as always; organiser, contact and venue kept as
    written at the standard level, scrubbed in a strict circle); bad fields
    refused with the field named;
  - update and cancel by the event's organiser only: the calendar sequence
    goes up, subscribers get the new version under a fresh cursor, everyone
    attending or waitlisted gets a notice, at once or on their next
    connection; a cancelled event stays listed as cancelled;
  - RSVP: capacity and waitlist, promotion on a cancellation (the promoted
    person is told), many connections answering at once never overbook,
    deadlines, who may answer (whoever may read the event; never anonymous,
    never a revoked token), and the attendee list for the organiser alone.
"""
import os
import sqlite3
import subprocess
import threading
import time
import unittest

import harness
from harness import (HubTestCase, add_circle, anonymous, event_details, local_time, make_item,
                     policy_doc)

CIRCLE = "kanagawa-t26"
CLOSED = "closed-t26"
STRICT = "strict-t26"
ORG = "yokohama-t26"      # the organiser's company
MEMBERS = ("sakura-t26", "fuji-t26", "kanto-t26")
OUTSIDER_ORG = "tsubaki-t26"

JA_TITLE = "中小企業のためのセキュリティ勉強会（横浜・12月）"
JA_BODY = ("ランサムウェア被害の実例と、バックアップ・多要素認証の始め方を紹介します。"
           "横浜製作所の情報システム部が講師を務めます。")


def event_item(circle=CIRCLE, tlp="CLEAR", **ev):
    """A CLEAR event a month from now unless ev says otherwise."""
    start_in = ev.pop("start_in", 30 * 86400)
    hours = ev.pop("hours", 2)
    return make_item(circle, tlp=tlp, kind="event", title=JA_TITLE, body=JA_BODY, indicators=[],
                     tags=["study-group"], event=event_details(start_in, hours, **ev))


def notices(msgs, event=None):
    return [m for m in msgs if m.get("type") == "notice"
            and (event is None or m.get("event") == event)]


class EventsTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        hub = cls.hub = cls.start_class_hub()
        hub.admin("org", "add", ORG, "--name", "横浜製作所", "--name", "Yokohama Seisakusho",
                  "--domain", "yokohama-seisakusho.example", "--person", "小林 健",
                  "--industry", "manufacturing", "--employees", "320")
        for org in MEMBERS + (OUTSIDER_ORG,):
            hub.admin("org", "add", org, "--industry", "finance")
        posts = {"threat": ["member", "moderator"], "practice": ["member", "moderator"],
                 "alert": ["moderator"], "event": ["organizer", "moderator"]}
        add_circle(hub, CIRCLE, kind="regional", allowed=["CLEAR", "GREEN"],
                   clear_public=True, post=posts, roster_visible=True)
        add_circle(hub, CLOSED, kind="regional", allowed=["CLEAR", "GREEN"], post=posts)
        strict = policy_doc(STRICT, allowed=["CLEAR"], clear_public=True, post=posts)
        strict["anonymisation"] = {"level": "strict", "pseudonym": "per-item"}
        add_circle(hub, STRICT, kind="regional", policy=strict)
        for c in (CIRCLE, CLOSED, STRICT):
            hub.admin("member", "add", c, ORG)
        for org in MEMBERS:
            hub.admin("member", "add", CIRCLE, org)
        cls.tokens, cls.users = {}, {}
        cls.add_user("organizer", ORG)
        for c in (CIRCLE, CLOSED, STRICT):
            hub.admin("role", "set", c, cls.users["organizer"], "organizer")
        cls.add_user("colleague", ORG)          # the organiser's colleague, a member
        cls.add_user("outsider", OUTSIDER_ORG)  # not in the circle
        for i, org in enumerate(MEMBERS):
            cls.add_user(f"m{i}", org)
        hub.wait_role(cls.tokens["organizer"], STRICT, "organizer")
        for name in cls.tokens:
            hub.wait_token(cls.tokens[name])

    @classmethod
    def add_user(cls, name, org):
        user = f"{name}-t26"
        cls.tokens[name] = cls.hub.add_user(org, user)
        cls.users[name] = user
        return user

    def c(self, name, **kw):
        return self.hub.client(self.tokens[name], label=name, **kw)

    def new_members(self, n, prefix="p"):
        """n fresh users of member organisations, with their tokens."""
        out = []
        for i in range(n):
            user, token = self.hub.new_user(MEMBERS[i % len(MEMBERS)], prefix, wait=False)
            out.append((user, token))
        for _, token in out[-1:]:
            self.hub.wait_token(token)
        return out

    def post_event(self, **kw):
        org = self.c("organizer")
        posted = org.post(event_item(**kw))
        self.assertEqual(posted["status"], "published")
        return posted["item_id"], org

    # -- posting ------------------------------------------------------------

    def test_event_fields_on_every_read_path(self):
        sub = self.c("m0")
        start = sub.subscribe([CIRCLE])["cursor"]
        ev = dict(venue="横浜市中区 市民会議室 3F", capacity=40, fee="無料", cpe_credits=1.5,
                  language="ja", organizer="横浜製作所 情報システム部",
                  contact="申込: seminar@yokohama-seisakusho.example / 045-000-0000",
                  registration_deadline=local_time(29 * 86400))
        item = event_item(**ev)
        org = self.c("organizer")
        preview = org.ok({"type": "post", "item": item, "preview": True}, "preview")
        posted = org.post(item)
        got = {"live": sub.deliver(), "get": self.c("m1").get(posted["item_id"]),
               "history": [i for i in self.c("m2").history_all(CIRCLE, since=start)
                           if i["id"] == posted["item_id"]][0],
               "anonymous": anonymous(self.hub).get(posted["item_id"]),
               "preview": dict(preview["item"], id=posted["item_id"])}
        sent = item["event"]
        for path, it in got.items():
            with self.subTest(path=path):
                self.assertEqual(it["id"], posted["item_id"])
                self.assertEqual(it["kind"], "event")
                e = it["event"]
                self.assertEqual(e["prefecture"], "JP-14")
                self.assertEqual(e["region"], "kanto")
                self.assertEqual(e["timezone"], "Asia/Tokyo")
                self.assertEqual(e["start"], sent["start"])
                self.assertEqual(e["end"], sent["end"])
                # Asia/Tokyo is UTC+9 all year.
                utc = time.mktime(time.strptime(e["start_utc"], "%Y-%m-%dT%H:%M:%SZ"))
                wall = time.mktime(time.strptime(e["start"], "%Y-%m-%dT%H:%M:%S"))
                self.assertEqual(wall - utc, 9 * 3600)
                for k in ("audience", "capacity", "fee", "cpe_credits", "language",
                          "registration_deadline"):
                    self.assertEqual(e[k], sent[k], k)
                self.assertEqual((e["status"], e["sequence"]), ("scheduled", 0))
                # Announcement fields are published as the organiser wrote them...
                self.assertEqual(e["venue"], sent["venue"])
                self.assertEqual(e["organizer"], sent["organizer"])
                self.assertEqual(e["contact"], sent["contact"])
                # ...while the title and body are scrubbed as on every item.
                self.assertEqual(it["title"], JA_TITLE)
                self.assertNotIn("横浜製作所", it["body"])
                self.assertIn("[組織]", it["body"])
                self.assertNotIn(self.users["organizer"], str(it))

    def test_strict_circle_scrubs_the_announcement_fields(self):
        org = self.c("organizer")
        posted = org.post(event_item(STRICT, organizer="横浜製作所 情報システム部",
                                     contact="申込：seminar@yokohama-seisakusho.example"
                                             "（電話 045-000-0000）",
                                     venue="横浜製作所 本社 3F"))
        kinds = {(r["kind"], r["field"]) for r in posted["redactions"]}
        self.assertLessEqual({("org-name", "organizer"), ("email", "contact"),
                              ("phone", "contact"), ("org-name", "venue")}, kinds)
        e = self.c("m0").get(posted["item_id"])["event"]
        for field in ("organizer", "contact", "venue"):
            self.assertNotIn("横浜製作所", e[field])
            self.assertNotIn("yokohama-seisakusho", e[field])
        self.assertIn("[メール]", e["contact"])

    def test_who_may_post_and_bad_fields(self):
        member = self.c("m0")
        member.error({"type": "post", "item": event_item()}, "forbidden")
        org = self.c("organizer")
        bad = {
            "no event object": ({"event": None}, "invalid_field"),
            "prefecture": ({"event": event_details(prefecture="JP-48")}, "unknown_label"),
            "audience": ({"event": event_details(audience="engineers")}, "unknown_label"),
            "time zone": ({"event": event_details(timezone="Asia/Yokohama")}, "invalid_field"),
            "offset": ({"event": event_details(start=local_time(86400) + "+09:00")},
                       "invalid_field"),
            "ended": ({"event": event_details(start_in=-7200, hours=1)}, "invalid_field"),
            "unknown field": ({"event": event_details(attendees=["x"])}, "unknown_field"),
        }
        for name, (change, code) in bad.items():
            with self.subTest(case=name):
                item = event_item()
                item.update(change)
                if item.get("event") is None:
                    del item["event"]
                err = org.error({"type": "post", "item": item}, code)
                if name != "no event object":
                    self.assertIn("event", err["message"])
        # Only events carry one.
        threat = make_item(CIRCLE, tlp="GREEN", event=event_details())
        err = self.c("colleague").error({"type": "post", "item": threat}, "invalid_field")
        self.assertIn("only events", err["message"])

    def test_events_are_not_forwarded(self):
        iid, _ = self.post_event()
        self.hub.admin("member", "add", CLOSED, MEMBERS[0])
        self.addCleanup(self.hub.admin, "member", "remove", CLOSED, MEMBERS[0])
        m0 = self.c("m0")
        harness.wait_until(lambda: any(r["circle"] == CLOSED for r in
                                       m0.ok({"type": "circles"}, "circles")["circles"]),
                           harness.ADMIN_PICKUP, what="membership of the closed circle")
        err = m0.error({"type": "forward", "item_id": iid, "to": CLOSED}, "not_allowed")
        self.assertIn("events are not forwarded", err["message"])

    # -- update and cancel -------------------------------------------------

    def test_update_notifies_everyone_and_moves_the_event(self):
        iid, org = self.post_event(capacity=2, venue="会議室A", fee="無料")
        people = [self.c(f"m{i}") for i in range(3)]
        replies = [p.ok({"type": "rsvp", "item_id": iid}, "rsvp") for p in people]
        self.assertEqual([r["status"] for r in replies], ["attending", "attending", "waitlisted"])
        self.assertEqual(replies[2]["position"], 1)
        sub = self.c("colleague")
        sub.subscribe([CIRCLE])
        old = self.c("m0").get(iid)
        upd = org.ok({"type": "event_update", "item_id": iid,
                      "event": {"venue": "会議室B（変更）", "capacity": 3, "fee": None}},
                     "event_updated")
        self.assertEqual(upd["sequence"], 1)
        self.assertGreater(upd["cursor"], old["cursor"])
        # Subscribers receive the new version, same id, fresh cursor.
        item = sub.deliver()
        self.assertEqual((item["id"], item["cursor"]), (iid, upd["cursor"]))
        self.assertEqual(item["event"]["venue"], "会議室B（変更）")
        self.assertNotIn("fee", item["event"])
        self.assertEqual((item["event"]["sequence"], item["event"]["capacity"]), (1, 3))
        # Everyone attending or waiting is told; the one waiting got the new seat.
        for i, p in enumerate(people):
            msgs = harness.wait_for_pushes(p, lambda m: m.get("type") == "notice",
                                           2 if i == 2 else 1)
            got = {m["event"]: m for m in notices(msgs)}
            self.assertIn("event_updated", got, f"m{i}: {msgs}")
            self.assertEqual(got["event_updated"]["item"]["event"]["venue"], "会議室B（変更）")
            if i == 2:
                self.assertIn("rsvp_promoted", got)
                self.assertEqual(got["rsvp_promoted"]["rsvp"], {"status": "attending"})
        # The organiser is not told about their own change.
        self.assertEqual(notices(harness.drain(org, quiet=0.3)), [])
        # The old cursor is gone from history; the new one is there, once.
        ids = [i["id"] for i in self.c("m1").history_all(CIRCLE)]
        self.assertEqual(ids.count(iid), 1)

    def test_only_the_organiser_changes_an_event(self):
        iid, org = self.post_event(capacity=1)
        self.c("m0").ok({"type": "rsvp", "item_id": iid}, "rsvp")
        for name in ("m0", "colleague", "outsider"):
            with self.subTest(who=name):
                self.c(name).error({"type": "event_update", "item_id": iid,
                                    "event": {"venue": "x"}}, "forbidden")
                self.c(name).error({"type": "event_cancel", "item_id": iid}, "forbidden")
        anonymous(self.hub).error({"type": "event_cancel", "item_id": iid}, "auth_required")
        err = org.error({"type": "event_update", "item_id": iid, "event": {"capacity": 0,
                         "start": None}}, "invalid_field")
        self.assertIn("event.start", err["message"])
        org.ok({"type": "event_update", "item_id": iid, "event": {"capacity": 0}},
               "event_updated")  # 0: no limit, fine
        self.c("m1").ok({"type": "rsvp", "item_id": iid}, "rsvp")
        err = org.error({"type": "event_update", "item_id": iid, "event": {"capacity": 1}},
                        "invalid_field")
        self.assertIn("already attending", err["message"])
        # Threats are not events.
        threat = self.c("m0").post(make_item(CIRCLE, tlp="GREEN"))
        org.error({"type": "event_cancel", "item_id": threat["item_id"]},
                  {"invalid_field", "forbidden"})

    def test_cancel_keeps_the_event_listed_as_cancelled(self):
        iid, org = self.post_event(capacity=1)
        a, b = self.c("m0"), self.c("m1")
        a.ok({"type": "rsvp", "item_id": iid}, "rsvp")
        self.assertEqual(b.ok({"type": "rsvp", "item_id": iid}, "rsvp")["status"], "waitlisted")
        reason = "講師急病のため中止します。"
        rep = org.ok({"type": "event_cancel", "item_id": iid, "reason": reason},
                     "event_cancelled")
        self.assertEqual(rep["sequence"], 1)
        for p, status in ((a, {"status": "attending"}), (b, {"status": "waitlisted",
                                                               "position": 1})):
            msgs = harness.wait_for_pushes(p, lambda m: m.get("event") == "event_cancelled", 1)
            note = notices(msgs, "event_cancelled")[0]
            self.assertEqual(note["reason"], reason)
            self.assertEqual(note["rsvp"], status)
            self.assertEqual(note["item"]["event"]["status"], "cancelled")
        e = self.c("m2").get(iid)["event"]
        self.assertEqual((e["status"], e["sequence"], e["cancel_reason"]),
                         ("cancelled", 1, reason))
        err = self.c("m2").error({"type": "rsvp", "item_id": iid}, "not_allowed")
        self.assertIn("cancelled", err["message"])
        org.error({"type": "event_cancel", "item_id": iid}, "invalid_field")
        org.error({"type": "event_update", "item_id": iid, "title": "再開"}, "invalid_field")
        # Leaving a cancelled event is fine and promotes nobody.
        left = a.ok({"type": "rsvp", "item_id": iid, "cancel": True}, "rsvp")
        self.assertEqual(left["status"], "none")
        self.assertEqual(notices(harness.drain(b, quiet=0.3), "rsvp_promoted"), [])

    def test_notice_waits_for_the_next_connection(self):
        iid, org = self.post_event()
        user, token = self.new_members(1, "offline")[0]
        away = self.hub.client(token, label="away")
        away.ok({"type": "rsvp", "item_id": iid}, "rsvp")
        away.close()
        # A notice pushed to a connection that is going away is gone with it, as
        # any push is; give the hub a moment to see the close.
        time.sleep(1.0)
        org.ok({"type": "event_update", "item_id": iid, "title": "会場変更のお知らせ"},
               "event_updated")
        back = self.hub.client(label="back")
        back.auth(token)
        msgs = harness.wait_for_pushes(back, lambda m: m.get("type") == "notice", 1)
        note = notices(msgs, "event_updated")
        self.assertEqual(len(note), 1, msgs)
        self.assertEqual(note[0]["item"]["title"], "会場変更のお知らせ")
        # Delivered once: a second connection gets nothing.
        again = self.hub.client(token, label="again")
        self.assertEqual(notices(harness.drain(again, quiet=0.4)), [])

    # -- RSVP -------------------------------------------------------------------

    def test_capacity_waitlist_and_promotion(self):
        iid, org = self.post_event(capacity=2)
        people = [(u, self.hub.client(t, label=u)) for u, t in self.new_members(4, "cap")]
        got = [c.ok({"type": "rsvp", "item_id": iid}, "rsvp") for _, c in people]
        self.assertEqual([(g["status"], g.get("position")) for g in got],
                         [("attending", None), ("attending", None), ("waitlisted", 1),
                          ("waitlisted", 2)])
        # Answering again changes nothing.
        again = people[0][1].ok({"type": "rsvp", "item_id": iid}, "rsvp")
        self.assertEqual(again["status"], "attending")
        # The second leaves: the first waiting gets the seat and is told.
        left = people[1][1].ok({"type": "rsvp", "item_id": iid, "cancel": True}, "rsvp")
        self.assertEqual(left["status"], "none")
        msgs = harness.wait_for_pushes(people[2][1], lambda m: m.get("type") == "notice", 1)
        note = notices(msgs, "rsvp_promoted")
        self.assertEqual(len(note), 1, msgs)
        self.assertEqual(note[0]["rsvp"], {"status": "attending"})
        self.assertEqual(note[0]["item_id"], iid)
        self.assertEqual(notices(harness.drain(people[3][1], quiet=0.3)), [])
        lst = org.ok({"type": "attendees", "item_id": iid}, "attendees")
        self.assertEqual([a["user"] for a in lst["attending"]], [people[0][0], people[2][0]])
        self.assertEqual([(w["user"], w["position"]) for w in lst["waitlist"]],
                         [(people[3][0], 1)])
        # Leaving twice: nothing to leave.
        people[1][1].error({"type": "rsvp", "item_id": iid, "cancel": True}, "not_found")

    def test_concurrent_rsvps_never_overbook(self):
        capacity, n = 5, 24
        iid, org = self.post_event(capacity=capacity)
        people = self.new_members(n, "rush")
        clients = [self.hub.client(t, label=u) for u, t in people]
        barrier = threading.Barrier(n)
        results, errors = [None] * n, []

        def answer(i):
            try:
                barrier.wait(10)
                results[i] = clients[i].ok({"type": "rsvp", "item_id": iid}, "rsvp",
                                           timeout=15)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=answer, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(errors, [])
        statuses = [r["status"] for r in results]
        self.assertEqual(statuses.count("attending"), capacity)
        self.assertEqual(sorted(r["position"] for r in results if r["status"] == "waitlisted"),
                         list(range(1, n - capacity + 1)))
        # Half the attending leave at once: the waitlist fills their seats in order.
        leaving = [i for i, r in enumerate(results) if r["status"] == "attending"][:3]
        threads = [threading.Thread(target=lambda i=i: clients[i].ok(
            {"type": "rsvp", "item_id": iid, "cancel": True}, "rsvp", timeout=15))
            for i in leaving]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        lst = org.ok({"type": "attendees", "item_id": iid}, "attendees")
        self.assertEqual(len(lst["attending"]), capacity)
        self.assertEqual(len(lst["waitlist"]), n - capacity - 3)
        first_waiting = sorted((r["position"], i) for i, r in enumerate(results)
                               if r["status"] == "waitlisted")
        promoted = {people[i][0] for _, i in first_waiting[:3]}
        self.assertLessEqual(promoted, {a["user"] for a in lst["attending"]})
        # And the store agrees.
        db = sqlite3.connect(os.path.join(self.hub.data, "kairan.db"), timeout=10)
        try:
            (count,) = db.execute("SELECT count(*) FROM event_rsvps WHERE item_id = ? AND "
                                  "status = 'attending'", (iid,)).fetchone()
        finally:
            db.close()
        self.assertEqual(count, capacity)

    def test_attendee_list_is_for_the_organiser_only(self):
        iid, org = self.post_event(capacity=1)
        m0, m1 = self.c("m0"), self.c("m1")
        m0.ok({"type": "rsvp", "item_id": iid}, "rsvp")
        m1.ok({"type": "rsvp", "item_id": iid}, "rsvp")
        lst = org.ok({"type": "attendees", "item_id": iid}, "attendees")
        self.assertEqual(lst["capacity"], 1)
        self.assertEqual([(a["user"], a["org"]) for a in lst["attending"]],
                         [(self.users["m0"], MEMBERS[0])])
        self.assertEqual([(w["user"], w["org"], w["position"]) for w in lst["waitlist"]],
                         [(self.users["m1"], MEMBERS[1], 1)])
        for name in ("m0", "m1", "colleague", "outsider"):
            with self.subTest(who=name):
                self.c(name).error({"type": "attendees", "item_id": iid}, "forbidden")
        anonymous(self.hub).error({"type": "attendees", "item_id": iid}, "auth_required")
        # Nobody's name is ever in the event itself, on any path.
        for view in (m1.get(iid), anonymous(self.hub).get(iid)):
            text = str(view)
            self.assertNotIn(self.users["m0"], text)
            self.assertNotIn(self.users["m1"], text)
        # An organiser who lost the role loses the list with it (fail closed).
        self.hub.admin("role", "set", CIRCLE, self.users["organizer"], "member")
        try:
            self.hub.wait_role(self.tokens["organizer"], CIRCLE, "member")
            self.c("organizer").error({"type": "attendees", "item_id": iid}, "forbidden")
        finally:
            self.hub.admin("role", "set", CIRCLE, self.users["organizer"], "organizer")
            self.hub.wait_role(self.tokens["organizer"], CIRCLE, "organizer")

    def test_who_may_rsvp(self):
        clear, org = self.post_event()
        green, _ = self.post_event(tlp="GREEN")
        closed, _ = self.post_event(circle=CLOSED, tlp="GREEN")
        out = self.c("outsider")
        # CLEAR: any authenticated user may read it, so may answer it.
        self.assertEqual(out.ok({"type": "rsvp", "item_id": clear}, "rsvp")["status"],
                         "attending")
        # GREEN: members only.
        out.error({"type": "rsvp", "item_id": green}, "forbidden")
        self.assertEqual(self.c("m0").ok({"type": "rsvp", "item_id": green}, "rsvp")["status"],
                         "attending")
        self.c("m0").error({"type": "rsvp", "item_id": closed}, "forbidden")
        # Never anonymously, even where CLEAR is public.
        anonymous(self.hub).error({"type": "rsvp", "item_id": clear}, "auth_required")
        self.c("m0").error({"type": "rsvp", "item_id": "it_0000000000000000"}, "not_found")
        threat = self.c("m0").post(make_item(CIRCLE, tlp="GREEN"))
        self.c("m1").error({"type": "rsvp", "item_id": threat["item_id"]}, "invalid_field")
        # A revoked token: the connection is closed and cannot come back.
        user, token = self.new_members(1, "revoked")[0]
        c = self.hub.client(token, label="revoked")
        c.ok({"type": "rsvp", "item_id": clear}, "rsvp")
        self.hub.admin("user", "revoke", user)
        msg = c.recv(timeout=harness.ADMIN_PICKUP)
        self.assertEqual((msg["type"], msg["code"]), ("error", "auth_failed"))
        again = self.hub.client(label="revoked-again")
        again.error({"type": "auth", "token": token}, "auth_failed")
        again.error({"type": "rsvp", "item_id": clear}, "auth_required")

    def test_registration_closes(self):
        org = self.c("organizer")
        late = org.post(event_item(start_in=2 * 86400,
                                   registration_deadline=local_time(-60)))["item_id"]
        err = self.c("m0").error({"type": "rsvp", "item_id": late}, "not_allowed")
        self.assertIn("registration", err["message"])
        started = org.post(event_item(start_in=-600, hours=2))["item_id"]
        err = self.c("m0").error({"type": "rsvp", "item_id": started}, "not_allowed")
        self.assertIn("started", err["message"])

    # -- listing ------------------------------------------------------------------

    def listing(self, client, **req):
        return client.ok(dict({"type": "events"}, **req), "events")

    def ids(self, reply):
        return [e["item"]["id"] for e in reply["events"]]

    def test_listing_filters(self):
        mark = f"L{os.getpid()}x{time.monotonic_ns() % 100000}"
        org = self.c("organizer")

        def post(title, circle=CIRCLE, tlp="CLEAR", **ev):
            item = event_item(circle, tlp, **ev)
            item["title"] = f"{title} {mark}"
            return org.post(item)["item_id"]

        tokyo = post("東京 technical", prefecture="JP-13", audience="technical",
                     start_in=3 * 86400)
        yokohama = post("横浜 executive", prefecture="JP-14", audience="executive",
                        start_in=2 * 86400, venue="関内ホール")
        online = post("Online Briefing", prefecture="online", audience="mixed",
                      start_in=1 * 86400, timezone="Europe/Berlin")
        osaka = post("大阪 technical", prefecture="JP-27", audience="technical",
                     start_in=4 * 86400)
        later = post("横浜 later", prefecture="JP-14", audience="mixed", start_in=60 * 86400)
        green = post("横浜 members", tlp="GREEN", prefecture="JP-14", start_in=5 * 86400)
        closed = post("closed circle", circle=CLOSED, prefecture="JP-14", start_in=6 * 86400)
        m0 = self.c("m0")
        everything = self.listing(m0, q=mark)
        # Soonest first; the closed circle's CLEAR event is readable by any
        # authenticated user (CLEAR), so it is listed too.
        self.assertEqual(self.ids(everything),
                         [online, yokohama, tokyo, osaka, green, closed, later])
        self.assertFalse(everything["more"])
        self.assertFalse(everything["region_guessed"])
        cases = {
            "prefecture": ({"region": "JP-14"}, [yokohama, green, closed, later]),
            "region": ({"region": "kanto"}, [yokohama, tokyo, green, closed, later]),
            "online": ({"region": "online"}, [online]),
            "all": ({"region": "all"}, [online, yokohama, tokyo, osaka, green, closed, later]),
            "audience": ({"audience": "technical"}, [tokyo, osaka]),
            "dates": ({"from": local_time(2 * 86400)[:10], "to": local_time(4 * 86400)[:10]},
                      [yokohama, tokyo, osaka]),
            "words": ({"q": f"{mark} 関内ホール"}, [yokohama]),
            "ascii case": ({"q": f"{mark} online BRIEFING"}, [online]),
            "circle": ({"circle": CIRCLE, "region": "JP-14"}, [yokohama, green, later]),
            "limit": ({"limit": 2}, [online, yokohama]),
        }
        for name, (req, want) in cases.items():
            with self.subTest(case=name):
                req.setdefault("q", mark)
                reply = self.listing(m0, **req)
                self.assertEqual(self.ids(reply), want)
                self.assertEqual(reply["more"], name == "limit")
        # An outsider reads the CLEAR ones only; anonymous readers only those of
        # circles that publish CLEAR.
        self.assertEqual(self.ids(self.listing(self.c("outsider"), q=mark)),
                         [online, yokohama, tokyo, osaka, closed, later])
        anon = anonymous(self.hub)
        self.assertEqual(self.ids(self.listing(anon, q=mark)),
                         [online, yokohama, tokyo, osaka, later])
        anon.error({"type": "events", "circle": CLOSED}, "forbidden")
        self.c("outsider").error({"type": "events", "circle": CLOSED}, "forbidden")
        # Counts and the caller's own RSVP.
        m0.ok({"type": "rsvp", "item_id": yokohama}, "rsvp")
        entry = [e for e in self.listing(m0, q=mark, region="JP-14")["events"]
                 if e["item"]["id"] == yokohama][0]
        self.assertEqual((entry["attending"], entry["waitlisted"], entry["rsvp"]),
                         (1, 0, {"status": "attending"}))
        entry = [e for e in self.listing(anon, q=mark, region="JP-14")["events"]
                 if e["item"]["id"] == yokohama][0]
        self.assertEqual(entry["attending"], 1)
        self.assertNotIn("rsvp", entry)
        self.assertNotIn(self.users["m0"], str(entry))
        # A cancelled event stays listed, marked so.
        org.ok({"type": "event_cancel", "item_id": osaka}, "event_cancelled")
        entry = [e for e in self.listing(m0, q=mark)["events"] if e["item"]["id"] == osaka][0]
        self.assertEqual(entry["item"]["event"]["status"], "cancelled")
        # Bad filters are refused with a clear message.
        for req, code in (({"region": "Kanagawa"}, "unknown_label"),
                          ({"region": "JP-48"}, "unknown_label"),
                          ({"audience": "engineers"}, "unknown_label"),
                          ({"from": "2026/12/01"}, "invalid_field"),
                          ({"from": "2027-01-02", "to": "2027-01-01"}, "invalid_field"),
                          ({"limit": 0}, "invalid_field"),
                          ({"q": ""}, "invalid_field"),
                          ({"near": "yes"}, {"unknown_field", "invalid_field"})):
            with self.subTest(bad=req):
                m0.error(dict({"type": "events"}, **req), code)
        # The command line, anonymous and as a member.
        rc, out, err = self.hub.cli("events", "--q", mark, "--region", "JP-14")
        self.assertEqual(rc, 0, err)
        lines = [ln for ln in out.strip().splitlines() if " it_" in ln]  # events, not help
        self.assertEqual(len(lines), 2, out)  # yokohama, later (no GREEN, no closed)
        self.assertIn(yokohama, lines[0])
        self.assertIn("神奈川県", lines[0])
        self.assertIn("executive", lines[0])
        rc, out, err = self.hub.cli("events", "--q", mark, token=self.tokens["m0"])
        self.assertEqual(rc, 0, err)
        self.assertIn("(you: attending)", out)
        self.assertIn("[CANCELLED]", out)
        self.assertIn("(Europe/Berlin)", out)
        rc, out, err = self.hub.cli("--json", "events", "--q", mark, "--audience", "technical",
                                    token=self.tokens["m0"])
        self.assertEqual([e["item"]["id"] for e in harness._json.loads(out)["events"]],
                         [tokyo, osaka])
        rc, out, err = self.hub.cli("events", "--region", "Kanagawa")
        self.assertEqual(rc, 6, err)
        rc, out, err = self.hub.cli("events", "--circle", CLOSED)
        self.assertEqual(rc, 4, err)

    # -- the regional help directory ------------------------------------------------

    def test_help_directory(self):
        hub, org_token = self.hub, self.tokens["organizer"]
        sample = os.path.join(harness.SOURCE_DIR, "client", "examples", "directory",
                              "kanagawa.json")
        with open(sample, encoding="utf-8") as f:
            entries = harness._json.load(f)
        rc, out, err = hub.cli("resources", "add", "--file", sample, "--circle", CIRCLE,
                               token=org_token)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.count("added rs_"), len(entries))
        closed = self.c("organizer").ok({"type": "resource_add", "circle": CLOSED,
                                         "prefecture": "JP-14", "kind": "other",
                                         "name": "非公開サークルの相談先"}, "resource_added")
        rid = closed["resource"]["id"]
        self.assertEqual(closed["resource"]["circle"], CLOSED)
        m0 = self.c("m0")
        listed = m0.ok({"type": "resources", "region": "JP-14", "circle": CIRCLE},
                       "resources")["resources"]
        kanagawa = [e for e in entries if e["prefecture"] == "JP-14"]
        self.assertEqual(sorted(r["name"] for r in listed), sorted(e["name"] for e in kanagawa))
        police = [r for r in listed if r["kind"] == "police"][0]
        want = [e for e in kanagawa if e["kind"] == "police"][0]
        for k in ("name", "description", "contact", "url"):
            self.assertEqual(police[k], want[k], k)  # kept as written
        for r in listed:
            self.assertNotIn(self.users["organizer"], str(r))
            self.assertNotIn("added_by", r)
        # Every authenticated user sees the closed circle's entries; anonymous readers
        # only the public circle's.
        self.assertIn(rid, [r["id"] for r in m0.ok({"type": "resources", "region": "JP-14"},
                                                   "resources")["resources"]])
        anon = anonymous(hub).ok({"type": "resources", "region": "JP-14"}, "resources")
        self.assertNotIn(rid, [r["id"] for r in anon["resources"]])
        self.assertTrue(anon["resources"])
        # Beside the events of the place.
        reply = m0.ok({"type": "events", "region": "JP-14"}, "events")
        self.assertTrue(all(r["prefecture"] == "JP-14" for r in reply["resources"]))
        self.assertIn(police["id"], [r["id"] for r in reply["resources"]])
        reply = m0.ok({"type": "events", "region": "kanto", "circle": CIRCLE}, "events")
        self.assertIn("JP-13", {r["prefecture"] for r in reply["resources"]})
        self.assertNotIn("resources", m0.ok({"type": "events", "region": "all"}, "events"))
        rc, out, err = hub.cli("events", "--region", "JP-14")
        self.assertEqual(rc, 0, err)
        self.assertIn("地域の相談先 / help nearby:", out)
        self.assertIn("[警察] 神奈川県警察 サイバー犯罪相談窓口（サンプル）", out)
        rc, out, err = hub.cli("resources", "list", "--region", "JP-13", "--kind", "consultation")
        self.assertEqual(rc, 0, err)
        self.assertIn("東京都", out)
        # Who may change it.
        member_add = {"type": "resource_add", "circle": CIRCLE, "prefecture": "JP-14",
                      "kind": "police", "name": "x"}
        m0.error(member_add, "forbidden")
        self.c("outsider").error(member_add, "forbidden")
        anonymous(hub).error(member_add, "auth_required")
        m0.error({"type": "resource_remove", "resource_id": rid}, "forbidden")
        rc, out, err = hub.cli("resources", "remove", police["id"], token=self.tokens["m0"])
        self.assertEqual(rc, 4, err)
        rc, out, err = hub.cli("resources", "remove", police["id"], token=org_token)
        self.assertEqual((rc, out.strip()), (0, f"removed {police['id']}"), err)
        rc, out, err = hub.cli("resources", "remove", police["id"], token=org_token)
        self.assertEqual(rc, 5, err)
        # Bad entries are refused, the field named.
        org = self.c("organizer")
        for change, code in (({"prefecture": "online"}, "unknown_label"),
                             ({"kind": "hotline"}, "unknown_label"),
                             ({"url": "javascript:alert(1)"}, "invalid_field"),
                             ({"name": "長" * 201}, "invalid_field"),
                             ({"phone": "045"}, "unknown_field")):
            with self.subTest(bad=change):
                org.error(dict(member_add, **change), code)
        rc, out, err = hub.cli("resources", "add", "--circle", CIRCLE, token=org_token)
        self.assertEqual(rc, 2, err)

    # -- the command line ---------------------------------------------------------

    def test_cli_rsvp_update_cancel_attendees(self):
        hub = self.hub
        path = os.path.join(hub.tmp, "event-cli.json")
        item = event_item(capacity=1, organizer="神奈川セキュリティ勉強会",
                          contact="https://kanagawa-sec.example/")
        del item["tlp"]  # events default to CLEAR, with a warning
        with open(path, "w", encoding="utf-8") as f:
            f.write(harness._json.dumps(item, ensure_ascii=False))
        org = self.tokens["organizer"]
        rc, out, err = hub.cli("--json", "post", "--yes", path, token=org)
        self.assertEqual(rc, 0, err)
        self.assertIn("CLEAR", err)
        iid = harness._json.loads(out)["item_id"]
        self.assertEqual(self.c("m0").get(iid)["tlp"], "CLEAR")
        rc, out, err = hub.cli("rsvp", iid, token=self.tokens["m0"])
        self.assertEqual((rc, out.strip()), (0, f"attending {iid}"), err)
        rc, out, err = hub.cli("rsvp", iid, token=self.tokens["m1"])
        self.assertEqual((rc, out.strip()), (0, f"waitlisted {iid} (position 1 on the waitlist)"))
        rc, out, err = hub.cli("--json", "rsvp", iid, token=self.tokens["m1"])
        self.assertEqual(harness._json.loads(out), {"item_id": iid, "status": "waitlisted",
                                                    "position": 1})
        # Plain output of get shows the event's details.
        rc, out, err = hub.cli("get", iid, token=self.tokens["m2"])
        self.assertEqual(rc, 0, err)
        for text in ("when", "JP-14 神奈川県 (Kanagawa)", "capacity       1",
                     "organizer      神奈川セキュリティ勉強会"):
            self.assertIn(text, out)
        # The attendee list: the organiser only (exit 4 for the others).
        rc, out, err = hub.cli("event", "attendees", iid, token=org)
        self.assertEqual(rc, 0, err)
        self.assertIn("attending: 1 of 1", out)
        self.assertIn(self.users["m0"], out)
        self.assertIn("waitlist: 1", out)
        rc, out, err = hub.cli("event", "attendees", iid, token=self.tokens["m0"])
        self.assertEqual(rc, 4, err)
        self.assertIn("forbidden", err)
        # Update: more seats; the one waiting gets in.
        rc, out, err = hub.cli("event", "update", iid, "--capacity", "2", "--venue", "5F",
                               token=org)
        self.assertEqual(rc, 0, err)
        self.assertIn("sequence 1", out)
        rc, out, err = hub.cli("--json", "event", "attendees", iid, token=org)
        self.assertEqual(len(harness._json.loads(out)["attending"]), 2)
        rc, out, err = hub.cli("event", "update", iid, "--capacity", "1", token=org)
        self.assertEqual(rc, 6, err)
        rc, out, err = hub.cli("event", "update", iid, token=org)
        self.assertEqual(rc, 2, err)
        rc, out, err = hub.cli("event", "update", iid, "--title", "x", token=self.tokens["m0"])
        self.assertEqual(rc, 4, err)
        # Leave; leave again (nothing to leave: exit 5).
        rc, out, err = hub.cli("rsvp", "--cancel", iid, token=self.tokens["m0"])
        self.assertEqual((rc, out.strip()), (0, f"cancelled your RSVP for {iid}"))
        rc, out, err = hub.cli("rsvp", "--cancel", iid, token=self.tokens["m0"])
        self.assertEqual(rc, 5, err)
        # Cancel; answering is refused afterwards (exit 4).
        rc, out, err = hub.cli("event", "cancel", iid, "--reason", "台風接近のため", token=org)
        self.assertEqual(rc, 0, err)
        rc, out, err = hub.cli("rsvp", iid, token=self.tokens["m2"])
        self.assertEqual(rc, 4, err)
        rc, out, err = hub.cli("get", iid, token=self.tokens["m2"])
        self.assertIn("CANCELLED: 台風接近のため", out)
        # Usage errors.
        for args in (("rsvp",), ("event",), ("event", "frobnicate"), ("event", "cancel")):
            with self.subTest(args=args):
                rc, out, err = hub.cli(*args, token=org)
                self.assertEqual(rc, 2, err)
        rc, out, err = hub.cli("rsvp", iid)  # no token at all
        self.assertEqual(rc, 3, err)


class RemindersTest(HubTestCase):
    """Reminders with event_reminder_minutes = 1, for events a minute or so away."""

    LEAD = 60

    def setUp(self):
        super().setUp()
        hub = self.hub = self.start_hub(config={"event_reminder_minutes": 1})
        hub.admin("org", "add", ORG)
        hub.admin("org", "add", MEMBERS[0])
        add_circle(hub, CIRCLE, kind="regional", allowed=["CLEAR"], clear_public=True)
        hub.admin("member", "add", CIRCLE, ORG)
        hub.admin("member", "add", CIRCLE, MEMBERS[0])
        self.org_token = hub.add_user(ORG, "organizer-r")
        hub.admin("role", "set", CIRCLE, "organizer-r", "organizer")
        self.tokens = [hub.add_user(MEMBERS[0], f"att-{i}") for i in range(4)]
        hub.wait_role(self.org_token, CIRCLE, "organizer")
        hub.wait_token(self.tokens[-1])

    def post_soon(self, seconds):
        """An event starting `seconds` from now; returns (id, UTC start)."""
        org = self.hub.client(self.org_token, label="organizer")
        item = event_item(start_in=seconds, hours=1)
        iid = org.post(item)["item_id"]
        start = org.get(iid)["event"]["start_utc"]
        return iid, time.mktime(time.strptime(start, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone, org

    def reminders(self, client, within):
        msgs = harness.wait_for_pushes(client, lambda m: m.get("event") == "event_reminder", 1,
                                       timeout=within)
        return notices(msgs, "event_reminder")

    def test_reminder_live_offline_once_and_again_when_moved(self):
        iid, start, org = self.post_soon(self.LEAD + 14)
        live = self.hub.client(self.tokens[0], label="live")
        live.ok({"type": "rsvp", "item_id": iid}, "rsvp")
        away = self.hub.client(self.tokens[1], label="away")
        away.ok({"type": "rsvp", "item_id": iid}, "rsvp")
        away.close()
        waiting = self.hub.client(self.tokens[2], label="never")  # no RSVP: no reminder
        got = self.reminders(live, within=start - self.LEAD - time.time() + 6)
        arrived = time.time()
        self.assertEqual(len(got), 1, "no reminder")
        self.assertGreaterEqual(arrived, start - self.LEAD - 1)
        self.assertLess(arrived, start)
        self.assertEqual(got[0]["item_id"], iid)
        self.assertEqual(got[0]["rsvp"], {"status": "attending"})
        self.assertEqual(got[0]["item"]["event"]["start_utc"],
                         time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start)))
        self.assertEqual(notices(harness.drain(waiting, quiet=0.2)), [])
        # The one who was away gets it on connecting, once.
        back = self.hub.client(self.tokens[1], label="back")
        self.assertEqual(len(self.reminders(back, within=3)), 1)
        again = self.hub.client(self.tokens[1], label="again")
        self.assertEqual(notices(harness.drain(again, quiet=0.4)), [])
        # Moved (still within the lead time): reminded again, for the new start.
        org.ok({"type": "event_update", "item_id": iid,
                "event": {"start": local_time(self.LEAD - 5), "end": local_time(3600)}},
               "event_updated")
        got = self.reminders(live, within=5)
        self.assertEqual(len(got), 1, "no reminder for the moved event")
        self.assertNotEqual(got[0]["item"]["event"]["start_utc"],
                            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start)))
        self.assertEqual(notices(harness.drain(live, quiet=0.5), "event_reminder"), [])

    def test_reminder_survives_a_restart_and_is_sent_once(self):
        iid, start, org = self.post_soon(self.LEAD + 8)
        for t in self.tokens[:2]:
            self.hub.client(t).ok({"type": "rsvp", "item_id": iid}, "rsvp")
        self.hub.stop()
        # The reminder falls due while the hub is down...
        time.sleep(max(0.0, start - self.LEAD - time.time() + 1))
        self.hub.start()
        # ...and goes out when it is back: kept for whoever was not connected.
        first = self.hub.client(self.tokens[0], label="first")
        self.assertEqual(len(self.reminders(first, within=3)), 1)
        # Not again after another restart, to anyone.
        self.hub.restart()
        for i, t in enumerate(self.tokens[:2]):
            c = self.hub.client(t, label=f"after-restart-{i}")
            got = notices(harness.drain(c, quiet=0.5), "event_reminder")
            self.assertEqual(len(got), 0 if i == 0 else 1,
                             "the second attendee's kept reminder, once; the first's never again")
        self.hub.restart()
        c = self.hub.client(self.tokens[1], label="third-start")
        self.assertEqual(notices(harness.drain(c, quiet=0.5), "event_reminder"), [])
        # The store holds one reminder per attendee for this start.
        db = sqlite3.connect(os.path.join(self.hub.data, "kairan.db"), timeout=10)
        try:
            rows = db.execute("SELECT count(*) FROM event_notices WHERE item_id = ? AND "
                              "event = 'event_reminder'", (iid,)).fetchone()[0]
            marked = db.execute("SELECT count(*) FROM event_rsvps WHERE item_id = ? AND "
                                "reminded_start IS NOT NULL", (iid,)).fetchone()[0]
        finally:
            db.close()
        self.assertLessEqual(rows, 2)  # delivered ones may have been cleaned up
        self.assertEqual(marked, 2)

    def test_reminder_lead_time_is_configurable(self):
        """With the default (a day), an event an hour away is reminded at once;
        one two days away is not."""
        hub = self.hub
        hub.stop()
        with open(hub.config_path, "a", encoding="utf-8") as f:
            f.write("event_reminder_minutes = 1440\n")
        hub.start()
        soon, _, org = self.post_soon(3600)
        later, _, _ = self.post_soon(2 * 86400)
        c = self.hub.client(self.tokens[3], label="day-ahead")
        c.ok({"type": "rsvp", "item_id": later}, "rsvp")
        c.ok({"type": "rsvp", "item_id": soon}, "rsvp")
        got = self.reminders(c, within=3)
        self.assertEqual([g["item_id"] for g in got], [soon])
        self.assertEqual(notices(harness.drain(c, quiet=0.5), "event_reminder"), [])
        bad = harness.Hub("bad-reminder", config={"event_reminder_minutes": 0})
        try:
            with self.assertRaises(AssertionError):
                bad.start()
            self.assertIn("event_reminder_minutes", bad.log())
        finally:
            bad.close()


MAKE_MMDB = os.path.join(harness.SOURCE_DIR, "tests", "tools", "make_mmdb.pl")


class NearTest(HubTestCase):
    """--near: the reader's prefecture guessed from its address in a test GeoIP
    database (tests/tools/make_mmdb.pl: 203.0.113.0/24 Tokyo, 198.51.100.0/24
    Kanagawa, 2001:db8:27::/48 Osaka, 192.0.2.0/24 Japan without a prefecture),
    X-Forwarded-For believed only from trusted proxies."""

    @classmethod
    def setUpClass(cls):
        cls.mmdb_dir = harness.tempfile.mkdtemp(prefix="kairan-mmdb-")
        cls.addClassCleanup(harness.shutil.rmtree, cls.mmdb_dir, True)
        subprocess.run(["perl", MAKE_MMDB, cls.mmdb_dir], check=True, timeout=60)
        cls.city = os.path.join(cls.mmdb_dir, "kairan-City-Test.mmdb")
        hub = cls.hub = cls.start_class_hub(config={
            "geoip_city": cls.city, "trusted_proxies": "127.0.0.1/32, ::1, 10.0.0.0/8"})
        hub.admin("org", "add", ORG)
        add_circle(hub, CIRCLE, kind="regional", allowed=["CLEAR"], clear_public=True)
        hub.admin("member", "add", CIRCLE, ORG)
        token = hub.add_user(ORG, "organizer-n")
        hub.admin("role", "set", CIRCLE, "organizer-n", "organizer")
        hub.wait_role(token, CIRCLE, "organizer")
        org = hub.client(token, label="organizer")
        cls.mark = f"N{os.getpid()}"
        cls.ev = {}
        for key, pref, day in (("tokyo", "JP-13", 1), ("kanagawa", "JP-14", 2),
                               ("osaka", "JP-27", 3), ("online", "online", 4)):
            item = event_item(start_in=day * 86400, prefecture=pref)
            item["title"] = f"{key} {cls.mark}"
            cls.ev[key] = org.post(item)["item_id"]

    def near(self, xff=None, hub=None, **req):
        c = anonymous(hub or self.hub) if xff is None else harness.Client(
            hub or self.hub, label="proxied", extra_headers={"X-Forwarded-For": xff})
        reply = c.ok(dict({"type": "events", "q": self.mark}, **req), "events")
        got = {k for k, v in self.ev.items() if v in [e["item"]["id"] for e in reply["events"]]}
        return reply.get("region"), reply["region_guessed"], got

    def test_guess_from_forwarded_address(self):
        everything = set(self.ev)
        cases = {
            "tokyo": ("203.0.113.9", ("JP-13", True, {"tokyo", "online"})),
            "kanagawa": ("198.51.100.20", ("JP-14", True, {"kanagawa", "online"})),
            "ipv6 osaka": ("2001:db8:27::5", ("JP-27", True, {"osaka", "online"})),
            "spoofed left part": ("203.0.113.9, 198.51.100.20",
                                  ("JP-14", True, {"kanagawa", "online"})),
            "through a trusted inner proxy": ("203.0.113.9, 10.1.2.3",
                                              ("JP-13", True, {"tokyo", "online"})),
            "japan, no prefecture": ("192.0.2.5", (None, False, everything)),
            "unknown address": ("8.8.8.8", (None, False, everything)),
            "garbage": ("203.0.113.9, not-an-address", (None, False, everything)),
        }
        for name, (xff, want) in cases.items():
            with self.subTest(case=name):
                self.assertEqual(self.near(xff, near=True), want)
                # No region at all: the same guess.
                self.assertEqual(self.near(xff), want)
        # The reader overrides the guess.
        self.assertEqual(self.near("203.0.113.9", region="JP-27"), ("JP-27", False, {"osaka"}))
        self.assertEqual(self.near("203.0.113.9", region="all"), ("all", False, everything))
        c = harness.Client(self.hub, extra_headers={"X-Forwarded-For": "203.0.113.9"})
        c.error({"type": "events", "region": "JP-13", "near": True}, "invalid_field")
        # Loopback itself is in no database: no guess.
        self.assertEqual(self.near(None, near=True), (None, False, everything))

    def test_forwarded_for_is_ignored_from_untrusted_peers(self):
        hub = self.start_hub(config={"geoip_city": self.city})  # no trusted proxies
        hub.admin("org", "add", ORG)
        add_circle(hub, CIRCLE, kind="regional", allowed=["CLEAR"], clear_public=True)
        c = harness.Client(hub, label="spoofer", extra_headers={"X-Forwarded-For": "203.0.113.9"})
        reply = c.ok({"type": "events", "near": True}, "events")
        self.assertEqual((reply.get("region"), reply["region_guessed"]), (None, False))
        # A bad trusted_proxies setting stops the hub at start, naming the setting.
        bad = harness.Hub(self.artifact_name() + "-bad", config={"trusted_proxies": "proxy.lan"})
        try:
            with self.assertRaises(AssertionError):
                bad.start()
            self.assertIn("trusted_proxies", bad.log())
        finally:
            bad.close()

    def test_cli_near_from_loopback(self):
        """The command line cannot send X-Forwarded-For: a database that places
        127.0.0.0/8 in Kanagawa (make_mmdb.pl --loopback) shows the guess."""
        d = harness.tempfile.mkdtemp(prefix="kairan-mmdb-lo-")
        self.addCleanup(harness.shutil.rmtree, d, True)
        subprocess.run(["perl", MAKE_MMDB, "--loopback", d], check=True, timeout=60)
        hub = self.start_hub(config={"geoip_city": os.path.join(d, "kairan-City-Test.mmdb")})
        hub.admin("org", "add", ORG)
        add_circle(hub, CIRCLE, kind="regional", allowed=["CLEAR"], clear_public=True)
        hub.admin("member", "add", CIRCLE, ORG)
        token = hub.add_user(ORG, "organizer-lo")
        hub.admin("role", "set", CIRCLE, "organizer-lo", "organizer")
        hub.wait_role(token, CIRCLE, "organizer")
        org = hub.client(token, label="organizer")
        ids = {}
        for pref in ("JP-13", "JP-14", "online"):
            ids[pref] = org.post(event_item(prefecture=pref))["item_id"]
        rc, out, err = hub.cli("events", "--near")
        self.assertEqual(rc, 0, err)
        self.assertIn("near you (guessed from your address): JP-14 神奈川県 (Kanagawa)", err)
        self.assertIn(ids["JP-14"], out)
        self.assertIn(ids["online"], out)
        self.assertNotIn(ids["JP-13"], out)
        rc, out, err = hub.cli("events", "--region", "JP-13")
        self.assertEqual(rc, 0, err)
        self.assertEqual([ids["JP-13"]], [i for i in ids.values() if i in out])
        self.assertNotIn("guessed", err)
        rc, out, err = hub.cli("--json", "events")
        got = harness._json.loads(out)
        self.assertEqual((got["region"], got["region_guessed"]), ("JP-14", True))
        rc, out, err = self.hub.cli("events", "--near")  # the class hub: loopback unknown
        self.assertEqual(rc, 0, err)
        self.assertIn("could not tell where you are", err)
        rc, out, err = hub.cli("events", "--near", "--region", "JP-13")
        self.assertEqual(rc, 2, err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
