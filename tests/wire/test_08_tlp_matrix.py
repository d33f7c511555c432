#!/usr/bin/python3
"""08 TLP matrix: every TLP x every reader relation x every read path, over the wire.

The expectation of each case comes from ORACLE below, a restatement of
PRODUCT.md "TLP 2.0 as the hub enforces it" and PROTOCOL.md "Session" /
"TLP, circles and policies"; it never asks the hub.

Two home circles play the same script: home-pub (policy clear_public true)
and home-priv (clear_public false). In each, the author posts one item per
TLP before (phase 1) and again after (phase 2) one member organisation is
removed from both homes; a user of a third organisation that belongs to both
a home and `target` forwards what may be forwarded. The reader relations:

    author       the item's author
    colleague    another user of the author's organisation
    member       a user of another member organisation of the home circle
    moderator    a moderator of the home circle (not named on RED)
    observer     an observer of the home circle (not named on RED)
    recipient    a user named as a RED recipient (its organisation is a member)
    removed      a user named as a RED recipient whose organisation is removed
                 from the home circle after phase 1, on a connection opened
                 (and subscribed) before the removal
    fwd_target   a user of an organisation that belongs to `target` only: it
                 reads the forwarded copy (GREEN, CLEAR); for AMBER,
                 AMBER+STRICT and RED the forward is refused and it reads
                 the original (which it must not)
    nonmember    an authenticated user of an organisation in no home circle
    anonymous    a connection that never sends `auth`

The read paths: live push (a subscription made before phase 2, checked with
the phase-2 items), history, get by id, replay (subscribe with since) and,
for the anonymous reader, the HTTPS feed GET /feed/CIRCLE.json. Stream paths
(live, history, replay) also need the reader to follow the circle: a member,
or anyone where the circle's policy has clear_public (PROTOCOL.md
"Session"); otherwise the request itself is refused with forbidden.
"""
import json
import sys
import time
import unittest

import harness
from harness import HubTestCase, TLPS, add_circle, anonymous, drain, http_get, make_item

SCENARIOS = ("pub", "priv")            # home-pub: clear_public true; home-priv: false
RELATIONS = ("author", "colleague", "member", "moderator", "observer", "recipient",
             "removed", "fwd_target", "nonmember", "anonymous")
STREAM_PATHS = ("live", "history", "replay")
PATHS = ("live", "history", "get", "replay")
FORWARDABLE = ("CLEAR", "GREEN")


class Reader:
    def __init__(self, relation, user, org):
        self.relation, self.user, self.org = relation, user, org

    @property
    def authenticated(self):
        return self.user is not None


class Item:
    def __init__(self, scenario, tlp, phase, circle, item_id, cursor, author, recipients,
                 copy_of=None):
        self.scenario, self.tlp, self.phase, self.circle = scenario, tlp, phase, circle
        self.id, self.cursor, self.author, self.recipients = item_id, cursor, author, recipients
        self.copy_of = copy_of          # the original Item, on a forwarded copy

    @property
    def copy(self):
        return self.copy_of is not None

    def __repr__(self):
        what = f"copy of {self.copy_of.id} in {self.circle}" if self.copy else self.circle
        return f"{self.tlp} phase-{self.phase} {self.id} ({what})"


class Oracle:
    """PRODUCT.md's TLP table (and PROTOCOL.md's), restated.

    members: circle -> set of member organisation keys at the time of the read.
    public:  circle -> the circle policy's clear_public.
    """

    def __init__(self, members, public):
        self.members, self.public = members, public

    def may_read(self, reader, item):
        # "Authors always read their own items."
        if reader.authenticated and reader.user == item.author:
            return True
        if item.tlp == "CLEAR":
            # "anyone; also unauthenticated readers where the circle's policy
            # publishes CLEAR" -- a forwarded copy "is never made public".
            return reader.authenticated or (self.public[item.circle] and not item.copy)
        if item.tlp in ("GREEN", "AMBER", "AMBER+STRICT"):
            # users of member organisations of the (copy's) circle
            return reader.org is not None and reader.org in self.members[item.circle]
        if item.tlp == "RED":
            # "only the users the author named (who must be circle members)"
            return (reader.user in item.recipients and reader.org is not None
                    and reader.org in self.members[item.circle])
        raise AssertionError(f"no TLP {item.tlp}")

    def may_follow(self, reader, circle):
        """history/subscribe of a circle: members, or anyone where CLEAR is public."""
        return (reader.org is not None and reader.org in self.members[circle]) or \
            self.public[circle]

    def expect(self, reader, item, path, streams=()):
        if path == "get":
            return self.may_read(reader, item)
        if path == "feed":   # the anonymous public feed of the item's circle
            return self.public[item.circle] and not item.copy and item.tlp == "CLEAR"
        return (item.circle in streams and self.may_follow(reader, item.circle)
                and self.may_read(reader, item))


class TlpMatrixTest(HubTestCase):
    results = {}     # (scenario, tlp, relation, path) -> list of failure texts

    @classmethod
    def setUpClass(cls):
        t0 = time.monotonic()
        cls.hub = hub = cls.start_class_hub(config={"auth_timeout_ms": 120000})
        cls.home = {"pub": "home-pub", "priv": "home-priv"}
        cls.target, cls.elsewhere = "target", "elsewhere"
        orgs = {"A": "org-author", "P": "org-peer", "Q": "org-recipient", "X": "org-removed",
                "T": "org-target", "N": "org-nonmember", "F": "org-forwarder"}
        cls.orgs = orgs
        for key in orgs.values():
            hub.admin("org", "add", key)
        add_circle(hub, cls.home["pub"], clear_public=True, green_out=True)
        add_circle(hub, cls.home["priv"], clear_public=False, green_out=True)
        add_circle(hub, cls.target, green_in=True)
        add_circle(hub, cls.elsewhere)
        for home in cls.home.values():
            for o in "APQXF":
                hub.admin("member", "add", home, orgs[o])
        for o in "TF":
            hub.admin("member", "add", cls.target, orgs[o])
        hub.admin("member", "add", cls.elsewhere, orgs["N"])
        cast = {"author": "A", "colleague": "A", "member": "P", "moderator": "P",
                "observer": "P", "recipient": "Q", "removed": "X", "fwd_target": "T",
                "nonmember": "N", "forwarder": "F"}
        cls.user, cls.token = {}, {}
        for rel, o in cast.items():
            cls.user[rel] = f"{rel.replace('_', '-')}-u"
            cls.token[rel] = hub.add_user(orgs[o], cls.user[rel])
        for home in cls.home.values():
            hub.admin("role", "set", home, cls.user["moderator"], "moderator")
            hub.admin("role", "set", home, cls.user["observer"], "observer")
        for rel in cast:
            hub.wait_token(cls.token[rel])
        for home in cls.home.values():
            hub.wait_role(cls.token["observer"], home, "observer")
            hub.wait_role(cls.token["moderator"], home, "moderator")

        cls.readers = {rel: Reader(rel, cls.user.get(rel), orgs[cast[rel]] if rel in cast
                                   else None) for rel in RELATIONS}
        members = {h: {orgs[o] for o in "APQXF"} for h in cls.home.values()}
        members[cls.target] = {orgs["T"], orgs["F"]}
        members[cls.elsewhere] = {orgs["N"]}
        public = {cls.home["pub"]: True, cls.home["priv"]: False, cls.target: False,
                  cls.elsewhere: False}
        cls.oracle_before = Oracle({k: set(v) for k, v in members.items()}, public)
        for h in cls.home.values():
            members[h].discard(orgs["X"])
        cls.oracle = Oracle(members, public)      # after the removal: every check but one
        cls.recipients = [cls.user["recipient"], cls.user["removed"], cls.user["forwarder"]]

        # One connection per scenario and relation, all opened now.
        cls.clients = {}
        for s in SCENARIOS:
            for rel in RELATIONS:
                label = f"{s}-{rel}"
                cls.clients[(s, rel)] = (anonymous(hub, label) if rel == "anonymous" else
                                         hub.client(cls.token[rel], label=label))
        # What each reader's stream paths (live, history, replay) follow.
        cls.streams = {}
        for s in SCENARIOS:
            home = cls.home[s]
            for rel in RELATIONS:
                cls.streams[(s, rel)] = ([cls.target] + ([home] if s == "pub" else [])
                                         if rel == "fwd_target" else [home])
        cls.author = hub.client(cls.token["author"], label="poster")
        cls.forwarder = hub.client(cls.token["forwarder"], label="forwarder")
        probe = hub.client(cls.token["colleague"], label="probe")
        # The hub's newest cursor before anything of this test was posted.
        cls.c0 = probe.subscribe()["cursor"]
        probe.close()

        cls.items = []            # every Item of the test, originals and copies
        cls.by_id = {}
        cls.forward_log = []      # (scenario, tlp, phase, reply)
        cls.post_phase(1)

        # Live subscriptions, made before the removal (so "removed" holds one).
        cls.live_sub = {}
        for key, c in cls.clients.items():
            cls.live_sub[key] = c.request({"type": "subscribe", "circles": cls.streams[key]})

        hub.admin("member", "remove", cls.home["pub"], orgs["X"])
        hub.admin("member", "remove", cls.home["priv"], orgs["X"])
        cls.post_phase(2)

        # Collect the live pushes: wait for what should come, then drain the rest.
        cls.live = {}
        deadline = time.monotonic() + 3 * harness.DELIVER_WITHIN
        time.sleep(0.3)
        for key, c in cls.clients.items():
            want = sum(1 for it in cls.items if it.phase == 2 and cls.oracle.expect(
                cls.readers[key[1]], it, "live", cls.streams[key]))
            msgs = harness.wait_for_pushes(c, lambda m: m.get("type") == "deliver", want,
                                           timeout=max(0.05, deadline - time.monotonic()))
            cls.live[key] = msgs
        time.sleep(0.3)
        for key, c in cls.clients.items():
            cls.live[key] += drain(c, quiet=0.05)
        cls.setup_seconds = time.monotonic() - t0

    @classmethod
    def post_phase(cls, phase):
        for s in SCENARIOS:
            home = cls.home[s]
            for tlp in TLPS:
                # Phase 2 comes after the removal: its RED items can no longer
                # name the removed organisation's user.
                recipients = [r for r in cls.recipients
                              if phase == 1 or r != cls.user["removed"]]
                extra = {"recipients": recipients} if tlp == "RED" else {}
                item = make_item(home, tlp=tlp, title=f"matrix {s} {tlp} phase {phase}", **extra)
                posted = cls.author.post(item)
                it = Item(s, tlp, phase, home, posted["item_id"], posted["cursor"],
                          cls.user["author"], recipients if tlp == "RED" else [])
                cls.items.append(it)
                cls.by_id[it.id] = it
                reply = cls.forwarder.request({"type": "forward", "item_id": it.id,
                                               "to": cls.target})
                cls.forward_log.append((s, tlp, phase, reply))
                if reply.get("type") == "forwarded":
                    copy = Item(s, tlp, phase, cls.target, reply["item_id"], reply["cursor"],
                                cls.user["author"], it.recipients, copy_of=it)
                    cls.items.append(copy)
                    cls.by_id[copy.id] = copy

    @classmethod
    def tearDownClass(cls):
        cases = {k: v for k, v in cls.results.items() if k[1] in TLPS}
        other = sum(1 for k, v in cls.results.items() if k[1] not in TLPS and v)
        passed = sum(1 for v in cases.values() if not v)
        feed = sum(1 for k in cases if k[3] == "feed")
        print(f"\nTLP matrix: {len(SCENARIOS)} home circles (clear_public true/false) x "
              f"{len(TLPS)} TLPs x {len(RELATIONS)} relations x {len(PATHS)} paths "
              f"+ {feed} anonymous feed cases = {len(cases)} cases, {passed} passed"
              + (f"; {other} request-level checks failed" if other else "")
              + f" (setup {getattr(cls, 'setup_seconds', 0):.1f}s)", file=sys.stderr, flush=True)
        super().tearDownClass()

    # -- helpers ------------------------------------------------------------

    def case_items(self, s, tlp, rel, phases=(1, 2)):
        """The items a case is about: the original, or for fwd_target its copy when
        there is one."""
        out = []
        for it in self.items:
            if it.scenario != s or it.tlp != tlp or it.phase not in phases:
                continue
            if rel == "fwd_target" and tlp in FORWARDABLE:
                if it.copy:
                    out.append(it)
            elif not it.copy:
                out.append(it)
        return out

    def record(self, key, failures):
        self.results.setdefault(key, [])
        self.results[key].extend(failures)

    def check_view(self, rel, view, where):
        """What a reader receives looks as PROTOCOL.md says. Returns failure texts."""
        bad = []
        it = self.by_id.get(view.get("id"))
        if it is None:
            return [f"{where}: unknown item {view.get('id')} (not posted by this test)"]
        for key in ("tlp", "circle"):
            if view.get(key) != getattr(it, key):
                bad.append(f"{where}: {key} {view.get(key)!r}, posted {getattr(it, key)!r}")
        if view.get("status") != "published":
            bad.append(f"{where}: status {view.get('status')!r}")
        if it.copy and view.get("forwarded_from") != it.copy_of.id:
            bad.append(f"{where}: forwarded_from {view.get('forwarded_from')!r}, "
                       f"expected {it.copy_of.id}")
        if not it.copy and "forwarded_from" in view:
            bad.append(f"{where}: forwarded_from on an original")
        want_recipients = it.tlp == "RED" and rel == "author"
        if ("recipients" in view) != want_recipients:
            bad.append(f"{where}: recipients {'missing' if want_recipients else 'shown'} "
                       f"for {rel}")
        for k in harness.AUTHOR_KEYS:
            if k in view:
                bad.append(f"{where}: author field {k!r}")
        text = json.dumps(view)
        if it.tlp != "RED" or rel != "author":
            if self.user["author"] in text or self.orgs["A"] in text:
                bad.append(f"{where}: the author's user or organisation appears")
        return bad

    def judge(self, s, rel, path, seen, views, error=None):
        """Compare what reader (s, rel) saw on path (seen: set of ids) with the oracle,
        case by case; views: id -> the item as received."""
        reader = self.readers[rel]
        streams = self.streams[(s, rel)]
        for tlp in TLPS:
            fails = []
            for it in self.case_items(s, tlp, rel, phases=(2,) if path == "live" else (1, 2)):
                want = self.oracle.expect(reader, it, path, streams)
                got = it.id in seen
                if want != got:
                    fails.append(f"{it}: expected {'allowed' if want else 'denied'}, "
                                 f"got {'allowed' if got else 'denied'}"
                                 + (f" ({error})" if error and not got else ""))
                elif got:
                    fails += self.check_view(rel, views[it.id], f"{it}")
            self.record((s, tlp, rel, path), fails)
        # Nothing that this reader may not see, whatever case it belongs to.
        for item_id in seen:
            it = self.by_id.get(item_id)
            if it is None:
                self.record((s, "?", rel, path), [f"unknown item {item_id} received"])
                continue
            if path == "live" and it.phase != 2:
                self.record((it.scenario, it.tlp, rel, path),
                            [f"{it}: phase-1 item pushed live after subscribing"])
            elif not self.oracle.expect(reader, it, path, streams):
                self.record((it.scenario, it.tlp, rel, path), [f"{it}: leaked (denied)"])

    def report(self, path):
        bad = {k: v for k, v in self.results.items() if k[3] == path and v}
        if bad:
            lines = [f"{len(bad)} {path} case(s) failed:"]
            for k in sorted(bad):
                lines.append(f"  {k[0]} {k[1]} {k[2]}: " + "; ".join(bad[k][:3]))
            self.fail("\n".join(lines))

    # -- the paths --------------------------------------------------------------

    def test_0_forwards(self):
        """GREEN and CLEAR are copied into target; AMBER and AMBER+STRICT are
        not_allowed; RED is not_allowed (the forwarder is a named recipient)."""
        for s, tlp, phase, reply in self.forward_log:
            with self.subTest(scenario=s, tlp=tlp, phase=phase):
                if tlp in FORWARDABLE:
                    self.assertEqual(reply["type"], "forwarded", reply)
                else:
                    self.assertEqual((reply["type"], reply.get("code")), ("error", "not_allowed"),
                                     reply)

    def test_1_live(self):
        for (s, rel), c in self.clients.items():
            sub = self.live_sub[(s, rel)]
            reader = self.readers[rel]
            may = all(self.oracle_before.may_follow(reader, ci) for ci in self.streams[(s, rel)])
            error = None
            if sub["type"] != "subscribed":
                error = f"subscribe: {sub.get('code')}"
            if may != (sub["type"] == "subscribed") or (
                    not may and sub.get("code") != "forbidden"):
                self.record((s, "*", rel, "live"), [f"subscribe {self.streams[(s, rel)]} "
                                                    f"answered {sub}"])
            views = {m["item"]["id"]: m["item"] for m in self.live[(s, rel)]
                     if m["type"] == "deliver"}
            others = [m for m in self.live[(s, rel)] if m["type"] != "deliver"]
            if others:
                self.record((s, "*", rel, "live"), [f"unexpected pushes {others[:3]}"])
            self.judge(s, rel, "live", set(views), views, error)
        self.report("live")

    def each_client(self, path, fn):
        """fn(s, rel, client) for every reader; an exception (a reply that never
        came, a closed connection) fails every case of that reader and path."""
        for (s, rel), c in self.clients.items():
            try:
                fn(s, rel, c)
            except Exception as e:  # noqa: BLE001 - reported per case
                for tlp in TLPS:
                    self.record((s, tlp, rel, path), [f"{type(e).__name__}: {e}"[:300]])

    def test_2_history(self):
        self.each_client("history", self.history_of)
        self.report("history")

    def history_of(self, s, rel, c):
        seen, views, errors = set(), {}, []
        for circle in self.streams[(s, rel)]:
            reply = c.request({"type": "history", "circle": circle, "limit": 500})
            may = self.oracle.may_follow(self.readers[rel], circle)
            if reply["type"] == "history":
                if not may:
                    self.record((s, "*", rel, "history"),
                                [f"history {circle} allowed, expected forbidden"])
                for v in reply["items"]:
                    seen.add(v["id"])
                    views[v["id"]] = v
                cursors = [v["cursor"] for v in reply["items"]]
                if cursors != sorted(set(cursors)):
                    self.record((s, "*", rel, "history"), [f"history out of order {cursors}"])
            else:
                errors.append(f"history {circle}: {reply.get('code')}")
                if may or reply.get("code") != "forbidden":
                    self.record((s, "*", rel, "history"),
                                [f"history {circle} answered {reply}"])
        self.judge(s, rel, "history", seen, views, "; ".join(errors) or None)

    def test_3_get(self):
        self.each_client("get", self.get_of)
        self.report("get")

    def get_of(self, s, rel, c):
        seen, views = set(), {}
        for tlp in TLPS:
            for it in self.case_items(s, tlp, rel):
                reply = c.request({"type": "get", "item_id": it.id})
                if reply["type"] == "item":
                    seen.add(it.id)
                    views[it.id] = reply["item"]
                elif reply.get("code") != "forbidden":
                    self.record((s, tlp, rel, "get"),
                                [f"{it}: a refused get answered {reply.get('code')}, "
                                 f"expected forbidden"])
        self.judge(s, rel, "get", seen, views)

    def test_4_replay(self):
        self.each_client("replay", self.replay_of)
        self.report("replay")

    def replay_of(self, s, rel, c):
        drain(c, quiet=0.02)
        reply = c.request({"type": "subscribe", "circles": self.streams[(s, rel)],
                           "since": self.c0})
        may = all(self.oracle.may_follow(self.readers[rel], ci)
                  for ci in self.streams[(s, rel)])
        error = None
        msgs = []
        if reply["type"] == "subscribed":
            want = sum(1 for it in self.items if self.oracle.expect(
                self.readers[rel], it, "replay", self.streams[(s, rel)]))
            msgs = harness.wait_for_pushes(c, lambda m: m.get("type") == "deliver", want,
                                           timeout=harness.REPLY_TIMEOUT)
            msgs += drain(c, quiet=0.1)
            c.request({"type": "unsubscribe"})
        else:
            error = f"subscribe since: {reply.get('code')}"
        if may != (reply["type"] == "subscribed") or (
                not may and reply.get("code") != "forbidden"):
            self.record((s, "*", rel, "replay"), [f"subscribe since answered {reply}"])
        delivered = [m["item"] for m in msgs if m["type"] == "deliver"]
        cursors = [v["cursor"] for v in delivered]
        if cursors != sorted(set(cursors)):
            self.record((s, "*", rel, "replay"), [f"replay out of order or duplicated "
                                                  f"{cursors}"])
        views = {v["id"]: v for v in delivered}
        self.judge(s, rel, "replay", set(views), views, error)

    def test_5_feed(self):
        """The anonymous HTTPS feed of each home circle."""
        reader = self.readers["anonymous"]
        for s in SCENARIOS:
            circle = self.home[s]
            try:
                status, headers, body = http_get(self.hub, f"/feed/{circle}.json")
            except Exception as e:  # noqa: BLE001 - reported as the cases' failure
                for tlp in TLPS:
                    self.record((s, tlp, "anonymous", "feed"), [f"GET failed: {e!r}"])
                continue
            seen, views, error = set(), {}, None
            if status == 200:
                try:
                    doc = json.loads(body)
                    self.assertEqual(doc.get("circle"), circle)
                    for v in doc["items"]:
                        harness.schemas().validate_server({"type": "deliver", "item": v})
                        seen.add(v["id"])
                        views[v["id"]] = v
                except Exception as e:  # noqa: BLE001
                    self.record((s, "*", "anonymous", "feed"), [f"bad feed document: {e}"])
            else:
                error = f"HTTP {status}"
            want_status = 200 if self.oracle.public[circle] else 404
            if status != want_status:
                self.record((s, "*", "anonymous", "feed"),
                            [f"GET /feed/{circle}.json: HTTP {status}, expected {want_status}"])
            for tlp in TLPS:
                fails = []
                for it in self.case_items(s, tlp, "anonymous"):
                    want = self.oracle.expect(reader, it, "feed")
                    got = it.id in seen
                    if want != got:
                        fails.append(f"{it}: expected {'allowed' if want else 'denied'}, got "
                                     f"{'allowed' if got else 'denied'}"
                                     + (f" ({error})" if error else ""))
                    elif got:
                        fails += self.check_view("anonymous", views[it.id], f"feed {it}")
                self.record((s, tlp, "anonymous", "feed"), fails)
            for item_id in seen:
                it = self.by_id.get(item_id)
                if it is None or not self.oracle.expect(reader, it, "feed"):
                    self.record((s, it.tlp if it else "?", "anonymous", "feed"),
                                [f"{it or item_id}: in the feed, must not be"])
        self.report("feed")

    def test_6_feed_404s_look_alike(self):
        """Unknown circle, circle without clear_public and the forward target all
        answer the same 404; the public circle's feed holds newest first or oldest
        first but only CLEAR originals."""
        answers = {}
        for circle in (self.home["priv"], self.target, "no-such-circle"):
            status, headers, body = http_get(self.hub, f"/feed/{circle}.json")
            answers[circle] = (status, body.replace(circle.encode(), b"CIRCLE"))
            self.assertEqual(status, 404, f"/feed/{circle}.json: {status} {body[:200]!r}")
        self.assertEqual(len(set(answers.values())), 1,
                         f"404 answers differ and tell circles apart: {answers}")
        for path in ("/feed/", "/feed/home-pub", "/feed/home-pub.xml", "/feed/../home-pub.json"):
            status, _, _ = http_get(self.hub, path)
            self.assertEqual(status, 404, path)

    def test_7_feed_holds_the_newest_100(self):
        """GET /feed/CIRCLE.json: JSON, the newest 100 CLEAR items, nothing else."""
        hub = self.hub
        add_circle(hub, "feed-big", clear_public=True)
        hub.admin("member", "add", "feed-big", self.orgs["A"])
        hub.wait_role(self.token["author"], "feed-big", "member")
        author = hub.client(self.token["author"], label="feed-author")
        clear = []
        for n in range(105):
            clear.append(author.post(make_item("feed-big", tlp="CLEAR", title=f"feed {n}"))
                         ["item_id"])
            if n % 20 == 0:
                author.post(make_item("feed-big", tlp="GREEN", title=f"not in feed {n}"))
        status, headers, body = http_get(hub, "/feed/feed-big.json")
        self.assertEqual(status, 200, body[:300])
        self.assertTrue(headers.get("content-type", "").startswith("application/json"), headers)
        doc = json.loads(body)
        self.assertEqual(set(doc), {"circle", "items"})
        self.assertEqual(doc["circle"], "feed-big")
        got = [i["id"] for i in doc["items"]]
        self.assertEqual(len(got), 100)
        self.assertEqual(set(got), set(clear[-100:]))
        for i in doc["items"]:
            harness.schemas().validate_server({"type": "deliver", "item": i})
            self.assertEqual(i["tlp"], "CLEAR")


if __name__ == "__main__":
    unittest.main(verbosity=2)
