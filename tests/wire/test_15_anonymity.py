#!/usr/bin/python3
"""15 anonymity: nothing anyone but the author receives identifies the author.

The author's organisation 茜銀行 (key akane-ginko) registers its names in
Japanese and English and a short form (茜銀行, Akane Ginko, 茜銀), its domain
akane-ginko.example, its people (田中 太郎 / Tanaka Taro), 937 employees and
region JP-13. Its users plant all of that in the title, body and indicators
(and a practice report's situation, steps, outcome and references) of what
they post ("茜銀行の田中太郎です、連絡先 tanaka@akane-ginko.example
03-1234-5678、内部 10.1.2.3", the org key, the user name tanaka-taro, a
postcode, own-domain indicators of every role, and a tag).

Leak matrix: every kind the default policy lets someone post (threat and
practice by a member, alert by a moderator, event by an organizer) times
every read path (live deliver, history, get, replay, a forwarded copy, the
moderation queue of a moderator without moderators_see_author and the
deliver once approved, the HTTPS feed and anonymous reads of CLEAR in a
clear_public circle, the retraction push, the requester's side of
permission requests). For each (kind, path) the item must arrive on that
path, and no byte of any frame or HTTP body a non-author receives may hold
the org key, a registered name, the domain, a person, an author's user name
or token, the exact head count or prefecture, or the planted phone number,
internal address and postcode: neither raw, nor after JSON unescaping,
nor with case and separators folded (akane_ginko, AkaneGinko). Every frame
every non-author client received during the test is swept as well.

Also: the author's preview (post with preview: true) lists the removals
with the original text, shows exactly what readers then receive, and stores
nothing; posted.redactions matches the preview; pseudonyms are fresh per
item under per-item and stable per organisation under per-circle; the
profile shows the size band (500–999 for 937) and the region (kanto under
standard, none under strict); created is rounded to the hour (standard) or
the day (strict). And the `kairan post` command: --preview, --yes, the
question on a terminal and the refusal without one.
"""
import collections
import datetime
import fcntl
import json
import os
import random
import re
import select
import subprocess
import termios
import time
import unittest

import harness
from harness import HubTestCase, add_circle, http_get

# -- the author's organisation and what identifies it ---------------------------

A_KEY = "akane-ginko"
A_NAMES = ("茜銀行", "Akane Ginko", "茜銀")
A_DOMAIN = "akane-ginko.example"
A_PERSONS = ("田中 太郎", "Tanaka Taro")
A_EMPLOYEES = 937
A_BAND = "500–999"
A_PREFECTURE, A_REGION = "JP-13", "kanto"

B_KEY, H_KEY, T_KEY = "botan-shoken", "hinoki-shinkin", "tsubaki-denki"

MAIN = "c15-main"        # per-item pseudonyms, standard, CLEAR public, GREEN out
TARGET = "c15-target"    # GREEN in: the bridge forwards here
TARGET2 = "c15-target2"  # GREEN in: the author forwards here on request
MOD = "c15-mod"          # every kind moderated; moderators do not see the author
STABLE = "c15-stable"    # per-circle pseudonyms
STRICT = "c15-strict"    # anonymisation level strict
STRICT_IN = "c15-strict-in"  # strict, GREEN in: copies from a standard circle land here
CLI = "c15-cli"          # for the kairan post tests

# The author's users: who posts which kind under the default policy.
POSTER = {"threat": "tanaka-taro", "practice": "tanaka-taro", "alert": "akane-mod15",
          "event": "akane-org15"}
AUTHOR_USERS = ("tanaka-taro", "akane-mod15", "akane-org15")
KINDS = ("threat", "practice", "alert", "event")
PATHS = ("live", "history", "get", "replay", "forward", "moderation", "approved", "feed",
         "anonymous", "retraction", "request")

KEPT = [{"type": "ipv4", "value": "198.51.100.23", "role": "attacker"},
        {"type": "sha256",
         "value": "687fd87e92884e033127cc84d3a834aa125c5dc3977a52960b5a54a79cd46fb7",
         "role": "attacker"}]
OWN = [{"type": "email", "value": "tanaka@akane-ginko.example", "role": "victim"},
       {"type": "domain", "value": "vpn.akane-ginko.example", "role": "victim"},
       {"type": "url", "value": "https://www.akane-ginko.example/ib/login", "role": "unknown"},
       {"type": "ipv4", "value": "10.1.2.3", "role": "victim"},
       {"type": "domain", "value": "akane-ginko.example", "role": "attacker"}]

LEAK_CHECKS = collections.Counter()  # (kind, path) -> frames and bodies checked
SWEPT = collections.Counter()        # "frames" / "bodies" checked in the sweeps


def marker():
    """A unique word no scrubber touches and no needle can be spelled from."""
    return "mk" + "".join(random.choice("bcdfghjkmpqvwxz") for _ in range(12))


def planted(kind, circle, tlp, mark):
    """An item whose author planted everything that identifies its organisation."""
    return {
        "kind": kind, "circle": circle, "tlp": tlp,
        "title": f"茜銀行（Akane Ginko）の田中太郎より：偽ログインページの報告 {mark}",
        "body": (f"茜銀行の田中太郎です。{mark}\n"
                 "連絡先 tanaka@akane-ginko.example 03-1234-5678、内部 10.1.2.3。"
                 "茜銀 のVPN（vpn.akane-ginko.example）で不審なログインを確認しました。\n"
                 "〒100-0005 の本店で対応中。\n"
                 "Tanaka Taro of Akane Ginko (akane-ginko), user tanaka-taro, saw logins "
                 "from 198.51.100.23."),
        "indicators": [OWN[0], KEPT[0], OWN[1], OWN[2], OWN[3], KEPT[1], OWN[4]],
        "tags": ["phishing", "k15", "茜銀行"],
        **({"alert": {"severity": "high", "references": ["CVE-2024-3400", "茜銀行-INC-42"],
                      "affected_products": ["PAN-OS 10.2"],
                      "recommended_action": f"茜銀行の田中太郎（tanaka@akane-ginko.example）"
                                            f"まで報告を。{mark}"}}
           if kind == "alert" else {}),
        **({"practice": {
            "directive": 9, "industry": "finance", "size_band": "500-999",
            "readers": ["ciso"], "level": 2,
            "situation": f"茜銀行の委託先で不正アクセス。田中太郎（03-1234-5678）が対応。{mark}",
            "steps": "Akane Ginko revised its contracts; ask tanaka@akane-ginko.example "
                     "or see https://www.akane-ginko.example/security.",
            "outcome": "茜銀 の報告体制は〒100-0005 の本店で一元化、内部 10.1.2.3 で監視。",
            "references": ["https://www.akane-ginko.example/practice.pdf", "茜銀行-PR-7"]}}
           if kind == "practice" else {}),
    }


def clean(circle, tlp="GREEN", kind="threat", mark=None):
    """An item that names nobody."""
    mark = mark or marker()
    return {"kind": kind, "circle": circle, "tlp": tlp,
            "title": f"偽ログインページへ誘導するSMS {mark}",
            "body": f"SMSで偽のログインページへ誘導する手口を確認。{mark}",
            "indicators": [KEPT[0]], "tags": ["phishing"],
            **({"alert": {"severity": "medium"}} if kind == "alert" else {}),
            **({"practice": dict(harness.PRACTICE)} if kind == "practice" else {})}


# -- leak detection --------------------------------------------------------------

class Needles:
    def __init__(self, tokens):
        self.plain = [A_KEY, *A_NAMES, A_DOMAIN, *A_PERSONS, "田中太郎", *AUTHOR_USERS,
                      A_PREFECTURE, *tokens]
        # after lower-casing and dropping separators ("akane_ginko", "Tanaka.Taro")
        self.folded = ["akaneginko", "tanakataro", "tarotanaka", "田中太郎", "太郎田中", "茜銀"]
        self.patterns = [
            re.compile(r"(?<![0-9A-Za-z])937(?![0-9A-Za-z])"),   # the exact head count
            re.compile(r"1234\D{0,3}5678"),                        # the planted phone number
            re.compile(r"(?<![\d.])10\.1\.2\.3(?![\d.])"),         # the planted internal address
            re.compile(r"100\D{0,3}0005"),                         # the planted postcode
            re.compile(r'"employees"'),
        ]

    def find(self, text):
        """The needles found in text (a raw frame or HTTP body), sorted."""
        views = [text]
        try:
            views.append(json.dumps(json.loads(text), ensure_ascii=False))
        except ValueError:
            pass
        found = set()
        for v in views:
            low = v.lower()
            for n in self.plain:
                if n.lower() in low:
                    found.add(n)
            folded = re.sub(r"[\s._\-・/]+", "", low)
            for n in self.folded:
                if n in folded:
                    found.add(f"{n} (folded)")
            for rx in self.patterns:
                if rx.search(v):
                    found.add(rx.pattern)
        return sorted(found)


def spy(hub, token=None, label="reader"):
    """A harness Client that keeps the raw text of every frame it receives in .log."""
    c = harness.Client(hub, label=label)
    c.log = []
    recv = c.ws.recv

    async def keep():
        data = await recv()
        c.log.append(data if isinstance(data, str) else data.decode("utf-8", "replace"))
        return data
    c.ws.recv = keep
    if token is not None:
        c.auth(token)
    return c


def decoded(raw):
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        return raw


def walk(v):
    """Every (key, value) pair and every scalar in a JSON value."""
    if isinstance(v, dict):
        for k, x in v.items():
            yield k, x
            yield from walk(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x)


def summed(removed):
    """{(kind, field): total count} of a removed or redactions list."""
    out = collections.Counter()
    for r in removed:
        out[(r["kind"], r["field"])] += r["count"]
    return dict(out)


HOUR_RX = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:00:00Z$")
DAY_RX = re.compile(r"^\d{4}-\d\d-\d\dT00:00:00Z$")


def parse_created(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


class AnonymityTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = hub = cls.start_class_hub()
        hub.admin("org", "add", A_KEY, "--name", A_NAMES[0], "--name", A_NAMES[1],
                  "--name", A_NAMES[2], "--domain", A_DOMAIN, "--person", A_PERSONS[0],
                  "--person", A_PERSONS[1], "--industry", "finance",
                  "--employees", str(A_EMPLOYEES), "--region", A_PREFECTURE)
        hub.admin("org", "add", B_KEY, "--name", "牡丹証券", "--industry", "finance",
                  "--employees", "120")
        hub.admin("org", "add", H_KEY, "--name", "檜信用金庫", "--industry", "finance",
                  "--employees", "40")
        hub.admin("org", "add", T_KEY, "--name", "椿電力", "--industry", "energy")
        add_circle(hub, MAIN, clear_public=True, green_out=True)
        add_circle(hub, TARGET, green_in=True)
        add_circle(hub, TARGET2, green_in=True)
        mod = harness.policy_doc(MOD, moderation=list(KINDS))
        # Alerts come from moderators, whose posts are never held: let members post
        # them here so that an alert of the author's organisation waits in the queue.
        mod["post"]["alert"] = ["member", "moderator"]
        add_circle(hub, MOD, policy=mod)
        add_circle(hub, STABLE, anonymisation={"level": "standard", "pseudonym": "per-circle"})
        add_circle(hub, STRICT, anonymisation={"level": "strict", "pseudonym": "per-item"})
        add_circle(hub, STRICT_IN, green_in=True,
                   anonymisation={"level": "strict", "pseudonym": "per-item"})
        add_circle(hub, CLI)
        for c, orgs in ((MAIN, "AB"), (TARGET, "BT"), (TARGET2, "BT"), (MOD, "AB"),
                        (STABLE, "ABH"), (STRICT, "AB"), (STRICT_IN, "BT"), (CLI, "AB")):
            for o in orgs:
                hub.admin("member", "add", c, {"A": A_KEY, "B": B_KEY, "H": H_KEY, "T": T_KEY}[o])
        cls.token = {}
        for user, org in (("tanaka-taro", A_KEY), ("akane-mod15", A_KEY), ("akane-org15", A_KEY),
                          ("b-peer15", B_KEY), ("b-mod15", B_KEY), ("h-member15", H_KEY),
                          ("t-reader15", T_KEY)):
            cls.token[user] = hub.add_user(org, user)
        roles = [(MAIN, "akane-mod15", "moderator"), (MAIN, "akane-org15", "organizer"),
                 (MOD, "akane-org15", "organizer"), (MOD, "b-mod15", "moderator")]
        for circle, user, role in roles:
            hub.admin("role", "set", circle, user, role)
        for t in cls.token.values():
            hub.wait_token(t)
        for circle, user, role in roles:
            hub.wait_role(cls.token[user], circle, role)
        cls.needles = Needles([cls.token[u] for u in AUTHOR_USERS])

    def setUp(self):
        super().setUp()
        self.readers = []  # every non-author client of this test, swept by sweep()

    @classmethod
    def tearDownClass(cls):
        pairs = sorted(LEAK_CHECKS)
        if pairs:
            kinds = sorted({k for k, _ in pairs})
            paths = sorted({p for _, p in pairs})
            print(f"\n  anonymity: {len(pairs)} (kind x path) leak checks "
                  f"({len(kinds)} kinds x {len(paths)} paths) over "
                  f"{sum(LEAK_CHECKS.values())} frames and bodies; sweeps checked "
                  f"{SWEPT['frames']} frames of non-authors", flush=True)
        super().tearDownClass()

    # -- helpers -------------------------------------------------------------------

    def reader(self, user=None, label=None):
        c = spy(self.hub, self.token[user] if user else None, label=label or user or "anonymous")
        self.readers.append(c)
        return c

    def author(self, user):
        return self.hub.client(self.token[user], label=f"author-{user}")

    def assert_clean(self, text, what):
        bad = self.needles.find(text)
        self.assertEqual(bad, [], f"{what}: the author leaks ({bad}) in {decoded(text)[:800]}")

    def check_path(self, kind, path, texts, proof):
        """texts (raw frames or bodies) make up `path` for an item of `kind`: at least
        one holds proof (the item's marker or id), and none holds a needle."""
        self.assertTrue(texts, f"{kind}/{path}: nothing received")
        self.assertTrue(any(proof in t or proof in decoded(t) for t in texts),
                        f"{kind}/{path}: the item never arrived on this path: "
                        f"{[decoded(t)[:300] for t in texts]}")
        for t in texts:
            self.assert_clean(t, f"{kind}/{path}")
        LEAK_CHECKS[(kind, path)] += len(texts)

    def sweep(self):
        """Every frame any non-author client has received since the last sweep."""
        for c in self.readers:
            for raw in c.log[getattr(c, "swept", 0):]:
                self.assert_clean(raw, f"sweep of {c.label}")
                SWEPT["frames"] += 1
            c.swept = len(c.log)

    def wait(self, client, pred, what):
        """Receive until pred(msg); returns that message (others are consumed)."""
        got = harness.wait_for_pushes(client, pred, 1)
        hits = [m for m in got if pred(m)]
        self.assertTrue(hits, f"{client.label}: no {what} within {harness.REPLY_TIMEOUT}s; "
                              f"got {got}")
        return hits[0]

    @staticmethod
    def since(client, start):
        return client.log[start:]

    # -- the leak matrix ---------------------------------------------------------------

    def leak_matrix(self, kind):
        poster = POSTER[kind]
        author = self.author(poster)
        bsub = self.reader("b-peer15", "b-subscriber")
        bsub.subscribe([MAIN, MOD])
        tsub = self.reader("t-reader15", "t-subscriber")
        tsub.subscribe([TARGET, TARGET2])
        bread = self.reader("b-peer15", "b-reader")
        tread = self.reader("t-reader15", "t-reader")
        bmod = self.reader("b-mod15", "b-moderator")
        anon = self.reader(None, "anonymous")

        # A GREEN item in MAIN: live, history, get, replay, forward, request, retraction.
        mark = marker()
        posted = author.ok({"type": "post", "item": planted(kind, MAIN, "GREEN", mark)}, "posted")
        self.assertEqual(posted["status"], "published")
        self.assertTrue(posted["redactions"], "nothing was removed from a planted item")
        iid = posted["item_id"]

        self.wait(bsub, lambda m: m.get("type") == "deliver" and m["item"]["id"] == iid,
                  "live deliver")
        self.check_path(kind, "live", [r for r in bsub.log if iid in r], mark)

        start = len(bread.log)
        items = bread.history_all(MAIN)
        self.assertIn(iid, [i["id"] for i in items])
        self.check_path(kind, "history", self.since(bread, start), mark)

        start = len(bread.log)
        bread.get(iid)
        self.check_path(kind, "get", self.since(bread, start), mark)

        replay = self.reader("b-peer15", "b-replay")
        replay.subscribe([MAIN], since=posted["cursor"] - 1)
        self.wait(replay, lambda m: m.get("type") == "deliver" and m["item"]["id"] == iid,
                  "replayed deliver")
        self.check_path(kind, "replay", replay.log, mark)

        # The bridge forwards a copy; the target-only member reads it three ways.
        start_b, start_t = len(bread.log), len(tread.log)
        copy = bread.ok({"type": "forward", "item_id": iid, "to": TARGET}, "forwarded")
        self.wait(tsub, lambda m: m.get("type") == "deliver" and m["item"]["id"] == copy["item_id"],
                  "deliver of the forwarded copy")
        tread.get(copy["item_id"])
        self.assertIn(copy["item_id"], [i["id"] for i in tread.history_all(TARGET)])
        self.check_path(kind, "forward",
                        self.since(bread, start_b) + self.since(tread, start_t)
                        + [r for r in tsub.log if copy["item_id"] in r], mark)

        # Permission requests: the requester's side (replies, notices, lists) and the
        # copy the author makes on grant.
        start_b, start_t = len(bread.log), len(tread.log)
        req = bread.ok({"type": "request", "item_id": iid, "action": "forward", "to": TARGET2,
                        "reason": "地域の会員にも共有したい"}, "requested")
        author.ok({"type": "decide", "request_id": req["request_id"], "decision": "grant",
                   "reason": "共有して構いません"}, "decided")
        self.wait(bread, lambda m: m.get("type") == "notice"
                  and m.get("event") == "permission_decision"
                  and m["request"]["request_id"] == req["request_id"], "permission_decision")
        req2 = bread.ok({"type": "request", "item_id": iid, "action": "lower_tlp",
                         "tlp": "CLEAR"}, "requested")
        author.ok({"type": "decide", "request_id": req2["request_id"], "decision": "refuse"},
                  "decided")
        self.wait(bread, lambda m: m.get("type") == "notice"
                  and m.get("event") == "permission_decision"
                  and m["request"]["request_id"] == req2["request_id"], "permission_decision")
        bread.ok({"type": "requests"}, "requests")
        copies = [i for i in tread.history_all(TARGET2) if i.get("forwarded_from") == iid]
        self.assertEqual(len(copies), 1, "the granted forward made no copy")
        self.check_path(kind, "request",
                        self.since(bread, start_b) + self.since(tread, start_t), iid)
        self.assertTrue(any(mark in decoded(r) for r in self.since(tread, start_t)))

        # The moderation queue of a moderator who may not see the author, then approval.
        mark2 = marker()
        held = author.ok({"type": "post", "item": planted(kind, MOD, "GREEN", mark2)}, "posted")
        self.assertEqual(held["status"], "pending")
        start = len(bmod.log)
        queue = bmod.ok({"type": "moderation", "circle": MOD}, "moderation")
        mine = [i for i in queue["items"] if i["id"] == held["item_id"]]
        self.assertEqual(len(mine), 1, queue)
        self.assertNotIn("author_org", mine[0])
        self.check_path(kind, "moderation", self.since(bmod, start), mark2)
        start = len(bmod.log)
        bmod.ok({"type": "moderate", "item_id": held["item_id"], "decision": "approve"},
                "moderated")
        self.wait(bsub, lambda m: m.get("type") == "deliver"
                  and m["item"]["id"] == held["item_id"], "deliver of the approved item")
        self.check_path(kind, "approved", self.since(bmod, start)
                        + [r for r in bsub.log if held["item_id"] in r], mark2)

        # CLEAR in a clear_public circle: the HTTPS feed and anonymous websocket reads.
        mark3 = marker()
        public = author.ok({"type": "post", "item": planted(kind, MAIN, "CLEAR", mark3)},
                           "posted")
        status, headers, body = http_get(self.hub, f"/feed/{MAIN}.json")
        self.assertEqual(status, 200, body[:300])
        text = body.decode("utf-8")
        SWEPT["bodies"] += 1
        self.check_path(kind, "feed", [text, json.dumps(headers)], mark3)
        start = len(anon.log)
        anon.ok({"type": "get", "item_id": public["item_id"]}, "item")
        anon.history_all(MAIN)
        self.check_path(kind, "anonymous", self.since(anon, start), mark3)

        # Retraction: readers get a push that names the item only, and a requester whose
        # request was still pending is told it was refused.
        pending = bread.ok({"type": "request", "item_id": iid, "action": "lower_tlp",
                            "tlp": "CLEAR", "reason": "公開して注意喚起したい"}, "requested")
        start = len(bread.log)
        author.ok({"type": "retract", "item_id": iid}, "retracted")
        self.wait(bsub, lambda m: m.get("type") == "retraction" and m["item_id"] == iid,
                  "retraction push")
        self.wait(bread, lambda m: m.get("type") == "notice"
                  and m.get("event") == "permission_decision"
                  and m["request"]["request_id"] == pending["request_id"],
                  "permission_decision on retraction")
        self.check_path(kind, "retraction",
                        [r for r in bsub.log if json.loads(r).get("type") == "retraction"]
                        + self.since(bread, start), iid)

        self.sweep()
        self.assertEqual({p for (k, p) in LEAK_CHECKS if k == kind}, set(PATHS))

    def test_01_threat_by_a_member(self):
        self.leak_matrix("threat")

    def test_02_practice_by_a_member(self):
        self.leak_matrix("practice")

    def test_03_alert_by_a_moderator(self):
        self.leak_matrix("alert")

    def test_04_event_by_an_organizer(self):
        self.leak_matrix("event")

    # -- the author's preview ---------------------------------------------------------

    def test_10_preview_lists_removals_and_stores_nothing(self):
        for kind in KINDS:
            with self.subTest(kind=kind):
                self.preview_then_post(kind)

    def preview_then_post(self, kind):
        author = self.author(POSTER[kind])
        bsub = self.reader("b-peer15", "b-subscriber")
        newest = bsub.subscribe([MAIN])["cursor"]
        bread = self.reader("b-peer15", "b-reader")
        before = bread.history_all(MAIN)
        item = planted(kind, MAIN, "GREEN", marker())

        pv = author.ok({"type": "post", "item": item, "preview": True}, "preview")
        shown = pv["item"]
        self.assertNotIn("id", shown)
        self.assertNotIn("cursor", shown)
        self.assertEqual((shown["kind"], shown["circle"], shown["tlp"], shown["status"]),
                         (kind, MAIN, "GREEN", "published"))
        # What recipients will see names nobody...
        self.assert_clean(json.dumps(shown, ensure_ascii=False), "preview.item")
        # Attacker indicators stay intact; the documentation address is flagged
        # benign by the hub (issue 5), which is not a change to the value.
        self.assertEqual([{k: v for k, v in i.items() if k != "benign"}
                          for i in shown["indicators"]], KEPT,
                         "attacker indicators must stay, intact")
        self.assertEqual(shown["indicators"][0].get("benign"), "documentation range (RFC 5737)")
        self.assertIn("[組織]", shown["title"] + shown["body"])
        # ...and the author sees what was removed, with the removed text.
        originals = {r["original"] for r in pv["removed"]}
        for text in ("茜銀行", "tanaka@akane-ginko.example", "03-1234-5678", "10.1.2.3",
                     "vpn.akane-ginko.example"):
            self.assertIn(text, originals, pv["removed"])
        got = summed(pv["removed"])
        for kind_field in (("org-name", "title"), ("person", "title"), ("org-name", "body"),
                           ("person", "body"), ("email", "body"), ("phone", "body"),
                           ("internal-ip", "body"), ("postcode", "body")):
            self.assertIn(kind_field, got, pv["removed"])
        self.assertEqual(got.get(("own-indicator", "indicators")), len(OWN), pv["removed"])
        self.assertEqual(summed(pv["redactions"]), got,
                         "redactions must count exactly what removed lists")
        self.assertEqual(len(pv["redactions"]), len(got), "one redaction per kind and field")
        for r in pv["removed"]:
            if r["field"] in ("title", "body"):
                raw = item[r["field"]].encode("utf-8")
                self.assertEqual(len(r["occurrences"]), r["count"], r)
                off, length = r["occurrences"][0]
                self.assertEqual(raw[off:off + length].decode("utf-8"), r["original"], r)
            if r["field"] == "indicators":
                self.assertEqual(item["indicators"][r["offset"]]["value"], r["original"], r)
        # Nothing was stored, nothing was delivered.
        bsub.expect_no_message(0.5)
        self.assertEqual(bread.history_all(MAIN), before)
        self.assertEqual(self.reader("b-peer15", "b-check").subscribe([MAIN])["cursor"], newest)

        # Posting it gives the same counts, and readers get what the preview showed.
        posted = author.ok({"type": "post", "item": item}, "posted")
        key = lambda r: (r["kind"], r["field"], r["count"])  # noqa: E731
        self.assertEqual(sorted(posted["redactions"], key=key),
                         sorted(pv["redactions"], key=key))
        got_item = bsub.deliver(timeout=harness.DELIVER_WITHIN + 1)
        self.assertEqual(got_item["id"], posted["item_id"])
        for k in ("kind", "circle", "tlp", "status", "title", "body", "indicators", "tags",
                  "profile"):
            self.assertEqual(got_item.get(k), shown.get(k), f"field {k}: preview and item differ")
        self.assertLessEqual(parse_created(shown["created"]), parse_created(got_item["created"]))
        self.sweep()

    def test_11_preview_refused_like_a_post(self):
        """A preview is checked like a post: an observer of the circle gets forbidden."""
        hub = self.hub
        user, token = hub.new_user(B_KEY, "b-observer15")
        hub.admin("role", "set", MAIN, user, "observer")
        hub.wait_role(token, MAIN, "observer")
        c = hub.client(token, label="observer")
        c.error({"type": "post", "item": clean(MAIN), "preview": True}, "forbidden", check=True)

    # -- pseudonyms, profile, time --------------------------------------------------------

    def test_20_pseudonym_fresh_per_item(self):
        bread = self.reader("b-peer15")
        seen = []
        for user in ("tanaka-taro", "tanaka-taro", "akane-mod15"):
            p = self.author(user).post(clean(MAIN))
            seen.append(bread.get(p["item_id"])["pseudonym"])
        self.assertEqual(len(set(seen)), len(seen), f"per-item pseudonyms repeat: {seen}")
        self.sweep()

    def test_21_pseudonym_stable_per_org_in_a_circle(self):
        bread = self.reader("b-peer15")
        akane = []
        for user in ("tanaka-taro", "tanaka-taro", "akane-mod15"):
            p = self.author(user).post(clean(STABLE))
            akane.append(bread.get(p["item_id"])["pseudonym"])
        self.assertEqual(len(set(akane)), 1,
                         f"one organisation's items in a per-circle circle: {akane}")
        other = self.hub.client(self.token["h-member15"]).post(clean(STABLE))
        self.assertNotEqual(bread.get(other["item_id"])["pseudonym"], akane[0],
                            "another organisation shares the pseudonym")
        self.assertEqual({i["pseudonym"] for i in bread.history_all(STABLE)},
                         {akane[0], bread.get(other["item_id"])["pseudonym"]})
        pv = self.author("tanaka-taro").ok({"type": "post", "item": clean(STABLE),
                                            "preview": True}, "preview")
        self.assertEqual(pv["item"]["pseudonym"], akane[0],
                         "the preview shows the organisation's stable pseudonym")
        # In another circle the organisation is not linkable by its pseudonym.
        p = self.author("tanaka-taro").post(clean(MAIN))
        self.assertNotEqual(bread.get(p["item_id"])["pseudonym"], akane[0])
        self.sweep()

    def check_time_and_profile(self, item, strict):
        now = datetime.datetime.now(datetime.timezone.utc)
        created = parse_created(item["created"])
        if strict:
            self.assertRegex(item["created"], DAY_RX)
            self.assertLessEqual(now - created, datetime.timedelta(days=1, minutes=1))
            self.assertEqual(item.get("profile"), {"industry": "finance", "size": A_BAND})
        else:
            self.assertRegex(item["created"], HOUR_RX)
            self.assertLessEqual(now - created, datetime.timedelta(hours=1, minutes=1))
            self.assertEqual(item.get("profile"),
                             {"industry": "finance", "size": A_BAND, "region": A_REGION})
        self.assertLessEqual(created, now)
        for k, v in walk(item):
            self.assertNotEqual(k, "employees")
            self.assertNotEqual(v, A_EMPLOYEES)

    def test_22_profile_band_and_rounded_time_standard(self):
        bread = self.reader("b-peer15")
        for user in ("tanaka-taro", "akane-mod15"):
            p = self.author(user).post(clean(MAIN))
            self.check_time_and_profile(bread.get(p["item_id"]), strict=False)
        self.sweep()

    def test_23_profile_band_and_rounded_time_strict(self):
        bread = self.reader("b-peer15")
        p = self.author("tanaka-taro").post(clean(STRICT))
        got = bread.get(p["item_id"])
        self.check_time_and_profile(got, strict=True)
        self.check_time_and_profile(bread.history_all(STRICT)[-1], strict=True)
        pv = self.author("tanaka-taro").ok({"type": "post", "item": clean(STRICT),
                                            "preview": True}, "preview")
        self.check_time_and_profile(pv["item"], strict=True)
        self.sweep()

    def test_24_forwarded_into_a_strict_circle_follows_its_level(self):
        """A copy forwarded from a standard circle into a strict one is shown as the
        strict circle shows its own items: no region, the day only."""
        posted = self.author("tanaka-taro").post(planted("threat", MAIN, "GREEN", marker()))
        bread = self.reader("b-peer15")
        self.check_time_and_profile(bread.get(posted["item_id"]), strict=False)
        copy = bread.ok({"type": "forward", "item_id": posted["item_id"], "to": STRICT_IN},
                        "forwarded")
        tread = self.reader("t-reader15")
        for got in (tread.get(copy["item_id"]), tread.history_all(STRICT_IN)[-1]):
            self.assertEqual(got["id"], copy["item_id"])
            self.check_time_and_profile(got, strict=True)
        self.sweep()

    # -- kairan post --------------------------------------------------------------------

    def write_item(self, item):
        path = os.path.join(self.hub.tmp, f"item-{time.monotonic_ns()}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(item, f, ensure_ascii=False)
        return path

    def cli(self, *args, user="tanaka-taro", **kw):
        return self.hub.cli(*args, token=self.token[user], **kw)

    def cli_history(self):
        return self.hub.client(self.token["b-peer15"], label="cli-check").history_all(CLI)

    def test_30_cli_preview(self):
        before = self.cli_history()
        path = self.write_item(planted("threat", CLI, "GREEN", marker()))
        rc, out, err = self.cli("post", "--preview", path)
        self.assertEqual(rc, 0, err)
        head, sep, removed = out.partition("Removed before sharing:")
        self.assertTrue(sep, f"no 'Removed before sharing:' in\n{out}")
        self.assert_clean(head, "kairan post --preview: what recipients will see")
        self.assertIn("[組織]", head)
        self.assertRegex(head, r"anon-[0-9a-f]{8}")
        self.assertIn(A_BAND, head)
        for kind_, text in (("org-name", "茜銀行"), ("email", "tanaka@akane-ginko.example"),
                            ("phone", "03-1234-5678"), ("own-indicator", "vpn.akane-ginko.example")):
            self.assertRegex(removed, rf"(?m)^\s+{re.escape(kind_)}\s+\S+\s+x\d+\s+.*{re.escape(text)}")
        self.assertEqual(self.cli_history(), before, "--preview stored something")

        rc, out, err = self.hub.cli("--json", "post", "--preview", path,
                                    token=self.token["tanaka-taro"])
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        self.assertEqual(set(doc), {"item", "removed", "redactions"})
        harness.schemas().validate_server(dict(doc, type="preview", ref=None))
        self.assertEqual(self.cli_history(), before, "--preview --json stored something")

    def test_31_cli_refuses_without_a_terminal(self):
        before = self.cli_history()
        item = planted("threat", CLI, "GREEN", marker())
        path = self.write_item(item)
        for args, kw in ((("post", path), {}),
                         (("post", "-"), {"input": json.dumps(item, ensure_ascii=False)})):
            with self.subTest(args=args):
                rc, out, err = self.cli(*args, **kw)
                self.assertEqual(rc, 2, f"stdout: {out}\nstderr: {err}")
                self.assertIn("not posted: review with --preview, then post with --yes", err)
                self.assertEqual(self.cli_history(), before, "posted without --yes or a terminal")

    def test_32_cli_yes(self):
        path = self.write_item(planted("threat", CLI, "GREEN", marker()))
        rc, out, err = self.cli("post", "--yes", path)
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertRegex(lines[0], r"^posted it_[0-9a-f]{16} \(cursor \d+, published\)$")
        self.assertRegex(lines[1], r"^removed before sharing: \d+ [a-z:-]+ in [a-z]+(, \d+ [a-z:-]+ in [a-z]+)*$")
        for part in ("org-name in body", "email in body", "own-indicator in indicators"):
            self.assertIn(part, lines[1])
        self.assertEqual(len(lines), 2, out)
        # Nothing removed: no second line.
        rc, out, err = self.cli("post", "--yes", self.write_item(clean(CLI)))
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out.splitlines()), 1, out)
        # --json: the posted reply without type and ref.
        rc, out, err = self.cli("--json", "post", "--yes", path)
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        self.assertEqual(set(doc), {"item_id", "cursor", "status", "redactions"})
        self.assertIn({"kind": "email", "field": "body", "count": 1}, doc["redactions"])

    def on_tty(self, args, answer):
        """Run kairan with stdin and stderr on a new pseudo-terminal (its controlling
        terminal), answer the question, return (rc, stdout, terminal output)."""
        master, slave = os.openpty()
        cmd = [harness.client_binary(), *self.hub.cli_args(self.token["tanaka-taro"]), *args]

        def controlling_tty():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        p = subprocess.Popen(cmd, stdin=slave, stderr=slave, stdout=subprocess.PIPE,
                             env=harness.child_env(), start_new_session=True,
                             preexec_fn=controlling_tty)
        os.close(slave)
        term = b""

        def pump(until, timeout):
            nonlocal term
            deadline = time.monotonic() + timeout
            while until not in term and time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.1)
                if ready:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:
                        return
                    if not chunk:
                        return
                    term += chunk
                elif p.poll() is not None:
                    return
        try:
            pump(b"[y/N] ", harness.CLI_TIMEOUT)
            self.assertIn(b"[y/N] ", term, f"no question on the terminal: {term!r}")
            os.write(master, answer.encode() + b"\n")
            out = p.stdout.read()
            rc = p.wait(harness.CLI_TIMEOUT)
            pump(b"\0never", 0.3)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(5)
            p.stdout.close()
            os.close(master)
        text = term.decode("utf-8", "replace")
        harness.assert_no_sanitizer(text, "kairan on a terminal")
        return rc, out.decode("utf-8", "replace"), text

    def test_33_cli_asks_on_a_terminal(self):
        before = self.cli_history()
        path = self.write_item(planted("practice", CLI, "GREEN", marker()))
        for answer in ("n", "", "no", "yess"):
            with self.subTest(answer=answer):
                rc, out, term = self.on_tty(("post", path), answer)
                self.assertEqual(rc, 0, f"{out}\n{term}")
                self.assertIn(f"Publish this to {CLI}? [y/N] ", term)
                self.assertIn("Removed before sharing:", out)
                self.assertIn("not posted", out)
                self.assertNotRegex(out, r"posted it_")
                self.assertEqual(self.cli_history(), before)
        for answer in ("y", "YES"):
            with self.subTest(answer=answer):
                rc, out, term = self.on_tty(("post", path), answer)
                self.assertEqual(rc, 0, f"{out}\n{term}")
                self.assertIn("Removed before sharing:", out)
                m = re.search(r"(?m)^posted (it_[0-9a-f]{16}) \(cursor \d+, published\)$", out)
                self.assertTrue(m, out)
                self.assertRegex(out, r"(?m)^removed before sharing: .*org-name in body")
                self.assertIn(m.group(1), [i["id"] for i in self.cli_history()])
        # --preview never asks.
        rc, out, err = self.cli("post", "--preview", path)
        self.assertEqual(rc, 0, err)
        self.assertNotIn("[y/N]", out + err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
