#!/usr/bin/python3
"""16 alerts: posting them, and a stream of them that nothing breaks.

An alert is an item of kind alert with an `alert` object: severity (info,
low, medium, high, critical; required), references, affected products and a
recommended action (PROTOCOL.md, post.item). Who may post one is the
circle policy's post.alert: moderators by default, so a member is refused
(forbidden); a circle whose policy lets members post alerts accepts theirs.
Every field reaches every read path (live, get, history, replay); the
`alert` object is refused on other kinds and required on alerts.

Then the delivery guarantees on a stream of alerts:
  - durable subscriptions across SIGKILL: three named subscribers with
    different ack patterns read ~200 alerts posted in a background thread;
    the hub is killed with SIGKILL mid-stream and restarted; each resumes by
    name and ends with exactly the stored stream after its last ack: in
    cursor order, no gap, nothing it acknowledged again (at least once
    before the ack, exactly once after it);
  - batching: several deliveries waiting for one subscriber go out as one
    `deliver` with `items`, in cursor order;
  - slow consumers: while slow subscribers do not read at all during a
    500-item burst, a fast one keeps its latency (p99 under 1 s), the hub's
    peak resident memory grows by a bounded amount, and a slow one then gets
    everything, in order, once.
"""
import os
import threading
import time
import unittest

from websockets.exceptions import ConnectionClosed

import harness
from harness import (HubTestCase, add_circle, connect, hub_policy_dir, make_item,
                     setup_two_circles, write_policy)

SEVERITIES = ("info", "low", "medium", "high", "critical")

JA_ALERT = {
    "severity": "critical",
    "references": ["CVE-2024-3400", "https://security.paloaltonetworks.com/CVE-2024-3400"],
    "affected_products": ["PAN-OS 10.2", "PAN-OS 11.0", "PAN-OS 11.1"],
    "recommended_action": "修正版を直ちに適用すること。適用までは GlobalProtect を無効化し、"
                          "機器のログで不審なファイル作成と外部への通信の有無を確認すること。",
}


def alert_item(circle, alert=None, **kw):
    """A GREEN alert (a copy of JA_ALERT unless alert= is given)."""
    kw.setdefault("title", "【緊急】VPN機器の脆弱性 CVE-2024-3400 の悪用を確認")
    kw.setdefault("body", "GlobalProtect 機能のコマンドインジェクション脆弱性について、"
                          "会員組織の環境で悪用を確認した。認証不要で任意のコマンドを実行される。")
    kw.setdefault("indicators", [{"type": "cve", "value": "CVE-2024-3400", "role": "attacker"}])
    kw.setdefault("tags", ["vpn", "initial-access"])
    return make_item(circle, kind="alert", alert=dict(alert or JA_ALERT), **kw)


# What a client sees when the hub goes away (SIGKILL).
GONE = (harness.Closed, ConnectionClosed, OSError)


class AlertPostTest(HubTestCase):
    """Who may post alerts, what an alert must carry, and that all of it arrives."""

    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.fx = setup_two_circles(cls.hub)

    def c(self, role):
        return connect(self.hub, self.fx, role)

    def test_moderator_alert_round_trips_on_every_read_path(self):
        fx = self.fx
        peer = self.c("peer")
        start = peer.subscribe([fx.circle])["cursor"]
        mod = self.c("moderator")
        sent = alert_item(fx.circle)
        posted = mod.post(sent)
        self.assertEqual(posted["status"], "published")
        views = {
            "live": peer.deliver(),
            "get": peer.get(posted["item_id"]),
            "history": [i for i in peer.history_all(fx.circle, since=start)
                        if i["id"] == posted["item_id"]][0],
        }
        replay = self.c("colleague")  # another organisation's reader, by replay
        replay.subscribe([fx.circle], since=start)
        views["replay"] = replay.deliver()
        for path, item in views.items():
            with self.subTest(path=path):
                self.assertEqual(item["id"], posted["item_id"])
                self.assertEqual(item["cursor"], posted["cursor"])
                self.assertEqual(item["kind"], "alert")
                self.assertIn("alert", item, "an alert without its alert object")
                got = item["alert"]
                self.assertEqual(set(got), set(JA_ALERT), f"alert fields: {got}")
                self.assertEqual(got["severity"], "critical")
                self.assertEqual(got["references"], JA_ALERT["references"])
                self.assertEqual(got["affected_products"], JA_ALERT["affected_products"])
                # Nothing in it identifies the poster, so scrubbing leaves it as is.
                self.assertEqual(got["recommended_action"], JA_ALERT["recommended_action"])
                for k in ("title", "body", "tags", "tlp", "circle"):
                    self.assertEqual(item[k], sent[k], k)
                self.assertEqual(item["indicators"], sent["indicators"])
                harness.assert_anonymous(self, item, fx, role="moderator")

    def test_every_severity_and_the_minimal_alert(self):
        mod, peer = self.c("moderator"), self.c("peer")
        for sev in SEVERITIES:
            with self.subTest(severity=sev):
                posted = mod.post(make_item(self.fx.circle, kind="alert",
                                            alert={"severity": sev}))
                got = peer.get(posted["item_id"])
                self.assertEqual(got["alert"], {"severity": sev},
                                 "absent optional fields must stay absent")

    def test_member_may_not_post_alerts_by_default(self):
        author = self.c("author")
        before = author.history(self.fx.circle)["next"]
        for role in ("author", "observer"):
            with self.subTest(role=role):
                self.c(role).error({"type": "post", "item": alert_item(self.fx.circle)},
                                   "forbidden")
        self.assertEqual(author.history(self.fx.circle, since=before)["items"], [],
                         "a refused alert was stored")
        # A preview is refused the same way: the member learns nothing about posting it.
        author.error({"type": "post", "preview": True, "item": alert_item(self.fx.circle)},
                     "forbidden")

    def test_a_circle_policy_may_let_members_post_alerts(self):
        fx = self.fx
        circle = "alerts-open-16"
        doc = harness.policy_doc(circle)
        doc["post"]["alert"] = ["member", "moderator"]
        add_circle(self.hub, circle, policy=doc)
        self.hub.admin("member", "add", circle, fx.author_org)
        self.hub.admin("member", "add", circle, fx.peer_org)
        self.hub.wait_role(fx.token["author"], circle, "member")
        author, peer = self.c("author"), self.c("peer")
        peer.subscribe([circle])
        posted = author.post(alert_item(circle, alert={"severity": "high"}))
        item = peer.deliver()
        self.assertEqual((item["id"], item["alert"]), (posted["item_id"], {"severity": "high"}))
        harness.assert_anonymous(self, item, fx)
        # ... and the default circle still refuses the same member.
        author.error({"type": "post", "item": alert_item(fx.circle)}, "forbidden")

    def test_alert_fields_do_not_identify_the_author(self):
        """References, products and the recommended action reach readers without the
        author organisation's names, domain or people (its registered identifiers)."""
        fx = self.fx
        circle = "alerts-anon-16"
        doc = harness.policy_doc(circle)
        doc["post"]["alert"] = ["member", "moderator"]
        add_circle(self.hub, circle, policy=doc)
        for org in (fx.author_org, fx.peer_org):
            self.hub.admin("member", "add", circle, org)
        self.hub.wait_role(fx.token["author"], circle, "member")
        author, peer = self.c("author"), self.c("peer")
        leaky = {
            "severity": "high",
            "references": ["CVE-2024-3400", "https://portal.akane-ginko.example/advisory/17"],
            "affected_products": ["PAN-OS 10.2", "茜銀行 社内VPNゲートウェイ"],
            "recommended_action": "Patch now. Questions to Ito Hanako (Akane Ginko CSIRT).",
        }
        sent = alert_item(circle, alert=leaky)
        preview = author.ok({"type": "post", "preview": True, "item": sent}, "preview")
        fields = {r["field"] for r in preview["removed"]}
        self.assertTrue({"references", "affected_products", "recommended_action"} <= fields,
                        f"removals reported for {sorted(fields)}")
        peer.subscribe([circle])
        posted = author.post(sent)
        self.assertTrue({r["field"] for r in posted["redactions"]} >= {
            "references", "affected_products", "recommended_action"}, posted["redactions"])
        for path, item in (("live", peer.deliver()), ("get", peer.get(posted["item_id"]))):
            with self.subTest(path=path):
                harness.assert_anonymous(self, item, fx)
                self.assertEqual(item["alert"]["severity"], "high")
                self.assertEqual(item["alert"]["references"][0], "CVE-2024-3400")
                self.assertEqual(item["alert"]["affected_products"][0], "PAN-OS 10.2")
                self.assertEqual(len(item["alert"]["references"]), 2)
                self.assertIn("Patch now.", item["alert"]["recommended_action"])

    def test_moderated_and_forwarded_alerts_keep_their_alert(self):
        """A member's alert held for moderation: the queue shows it whole, approval
        delivers it whole; a forwarded copy keeps it too."""
        fx = self.fx
        mod_circle, target = "alerts-mod-16", "alerts-fwd-16"
        doc = harness.policy_doc(mod_circle, moderation=["alert"], green_out=True)
        doc["post"]["alert"] = ["member", "moderator"]
        add_circle(self.hub, mod_circle, policy=doc)
        add_circle(self.hub, target, green_in=True)
        for c in (mod_circle, target):
            for org in (fx.author_org, fx.peer_org):
                self.hub.admin("member", "add", c, org)
        self.hub.admin("role", "set", mod_circle, fx.user["moderator"], "moderator")
        self.hub.wait_role(fx.token["moderator"], mod_circle, "moderator")
        self.hub.wait_role(fx.token["author"], target, "member")
        author, mod, peer = self.c("author"), self.c("moderator"), self.c("peer")
        peer.subscribe([mod_circle, target])
        held = author.post(alert_item(mod_circle))
        self.assertEqual(held["status"], "pending")
        queue = mod.ok({"type": "moderation", "circle": mod_circle}, "moderation")["items"]
        self.assertEqual([(i["id"], i["alert"]) for i in queue], [(held["item_id"], JA_ALERT)])
        peer.expect_no_message(within=0.3)
        mod.ok({"type": "moderate", "item_id": held["item_id"], "decision": "approve"},
               "moderated")
        approved = harness.wait_for_pushes(peer, lambda m: m.get("type") == "deliver", 1)
        approved = [m["item"] for m in approved if m.get("type") == "deliver"]
        self.assertEqual([(i["id"], i["alert"]) for i in approved],
                         [(held["item_id"], JA_ALERT)])
        copy = author.ok({"type": "forward", "item_id": held["item_id"], "to": target},
                         "forwarded")
        got = peer.get(copy["item_id"])
        self.assertEqual((got["kind"], got["alert"], got["forwarded_from"]),
                         ("alert", JA_ALERT, held["item_id"]))

    def test_preview_shows_the_alert(self):
        mod = self.c("moderator")
        reply = mod.ok({"type": "post", "preview": True, "item": alert_item(self.fx.circle)},
                       "preview")
        self.assertEqual(reply["item"]["alert"], JA_ALERT)

    def test_alert_object_rules(self):
        mod = self.c("moderator")
        circle = self.fx.circle
        base = alert_item(circle)
        cases = [
            ("alert without its alert object", dict(base, alert=None), "invalid_field"),
            ("alert without severity",
             dict(base, alert={"references": ["CVE-2024-3400"]}), "invalid_field"),
            ("unknown severity", dict(base, alert={"severity": "urgent"}), "unknown_label"),
            ("severity in capitals", dict(base, alert={"severity": "HIGH"}), "unknown_label"),
            ("severity not a string", dict(base, alert={"severity": 5}), "invalid_field"),
            ("unknown alert field", dict(base, alert={"severity": "high", "cvss": 9.8}),
             "unknown_field"),
            ("alert not an object", dict(base, alert="critical"), "invalid_field"),
            ("alert on a threat", make_item(circle, alert={"severity": "high"}),
             "invalid_field"),
            ("33 references",
             dict(base, alert={"severity": "high",
                               "references": [f"CVE-2024-{n:04d}" for n in range(33)]}),
             "invalid_field"),
            ("empty reference", dict(base, alert={"severity": "high", "references": [""]}),
             "invalid_field"),
            ("reference of 257 bytes",
             dict(base, alert={"severity": "high", "references": ["x" * 257]}),
             "invalid_field"),
            ("33 products",
             dict(base, alert={"severity": "high",
                               "affected_products": [f"p{n}" for n in range(33)]}),
             "invalid_field"),
            ("product not a string",
             dict(base, alert={"severity": "high", "affected_products": [10.2]}),
             "invalid_field"),
            ("recommended action over 4,096 bytes",
             dict(base, alert={"severity": "high", "recommended_action": "対応" * 700}),
             "invalid_field"),
        ]
        for what, item, code in cases:
            if item.get("alert", 0) is None:
                item = {k: v for k, v in item.items() if k != "alert"}
            with self.subTest(case=what):
                mod.error({"type": "post", "item": item}, code)
        # Limits are inclusive: 32 entries of 256 bytes and 4,096 bytes of action pass.
        edge = dict(base, alert={"severity": "low",
                                 "references": ["r" * 256] * 32,
                                 "affected_products": ["製品" * 42 + "ab"] * 32,
                                 "recommended_action": "a" * 4096})
        got = self.c("peer").get(mod.post(edge)["item_id"])
        self.assertEqual(got["alert"]["severity"], "low")
        self.assertEqual(len(got["alert"]["references"]), 32)
        self.assertEqual(len(got["alert"]["affected_products"]), 32)


class Subscriber(threading.Thread):
    """Reads a named subscription in a thread and acknowledges as `policy` says:
    policy(n, cursor) -> True to ack after the n-th delivery (1-based)."""

    def __init__(self, client, name, policy):
        super().__init__(daemon=True)
        self.client, self.name, self.policy = client, name, policy
        self.cursors = []          # every delivered cursor, in arrival order
        self.acked = 0             # highest cursor the hub confirmed (acked)
        self.ack_in_flight = None  # an ack sent whose reply never came
        self.count = 0             # deliveries so far across sessions (for policy)
        self.stop = threading.Event()
        self.error = None

    def run(self):
        c = self.client
        try:
            while not self.stop.is_set():
                try:
                    msg = c.recv(timeout=0.2)
                except harness.NoMessage:
                    continue
                if msg.get("type") != "deliver":
                    raise AssertionError(f"{self.name}: unexpected {msg}")
                cursor = msg["item"]["cursor"]
                self.cursors.append(cursor)
                self.count += 1
                if self.policy(self.count, cursor):
                    self.ack_in_flight = cursor
                    reply = c.request({"type": "ack", "name": self.name, "cursor": cursor})
                    if reply.get("type") != "acked":
                        raise AssertionError(f"{self.name}: ack refused: {reply}")
                    self.acked = max(self.acked, reply["cursor"])
                    self.ack_in_flight = None
        except GONE:
            pass  # the hub went away (SIGKILL): the session ends here
        except BaseException as e:  # reported by the main thread
            self.error = e


class DurableAcrossSigkillTest(HubTestCase):
    TOTAL = 200
    KILL_AFTER = 70

    def test_sigkill_mid_stream_resume_by_name(self):
        hub = self.start_hub()
        fx = setup_two_circles(hub)
        hub.admin("policy", "set", fx.circle,
                  write_policy(hub_policy_dir(hub), fx.circle, posts_per_hour=0))
        patterns = {
            # name: (role, ack after the n-th delivery?)
            "siem-every": ("peer", lambda n, c: True),
            "siem-fifth": ("colleague", lambda n, c: n % 5 == 0),
            "siem-first10": ("observer", lambda n, c: n == 10),
        }
        mod = connect(hub, fx, "moderator")
        start = mod.post(alert_item(fx.circle, title="before the stream"))["cursor"]

        subs = {}
        for name, (role, policy) in patterns.items():
            client = connect(hub, fx, role)
            client.subscribe([fx.circle], name=name, since=start)
            subs[name] = Subscriber(client, name, policy)
            subs[name].start()

        confirmed, errors = [], []
        restarted = threading.Event()

        def poster():
            n, client = 0, connect(hub, fx, "moderator")
            try:
                while n < self.TOTAL:
                    sev = SEVERITIES[n % len(SEVERITIES)]
                    item = alert_item(fx.circle, alert={"severity": sev,
                                                        "references": [f"CVE-2026-{n:05d}"]},
                                      title=f"stream alert {n}")
                    try:
                        confirmed.append((n, client.post(item)))
                        n += 1
                    except GONE:
                        # The hub died under us: this post may or may not be stored.
                        # Post the next one after the restart (n + 1: titles stay unique).
                        if not restarted.wait(60):
                            raise AssertionError("no restart within 60 s")
                        n += 1
                        client = connect(hub, fx, "moderator")
            except BaseException as e:
                errors.append(e)

        t = threading.Thread(target=poster, daemon=True)
        t.start()
        def ready():
            problems = errors + [s.error for s in subs.values() if s.error]
            if problems:
                raise RuntimeError(f"before the kill: {problems!r}")
            return (len(confirmed) >= self.KILL_AFTER
                    and all(len(s.cursors) >= 20 for s in subs.values()))

        try:
            harness.wait_until(ready, 30, what=f"{self.KILL_AFTER} alerts posted and read")
        except AssertionError as e:
            state = ", ".join(f"{s.name}: {len(s.cursors)} read, alive {s.is_alive()}"
                              for s in subs.values())
            raise AssertionError(f"{e} ({len(confirmed)} posted, poster alive "
                                 f"{t.is_alive()}; {state})") from None
        hub.kill()
        killed_at = len(confirmed)
        for s in subs.values():
            s.join(10)
            self.assertFalse(s.is_alive(), f"{s.name} still reading after the kill")
            self.assertIsNone(s.error, f"{s.name}: {s.error}")
        hub.start()
        restarted.set()

        # Resume by name, while the poster carries on live.
        after = {}
        for name, s in subs.items():
            client = connect(hub, fx, patterns[name][0])
            client.subscribe([fx.circle], name=name)
            s2 = Subscriber(client, name, s.policy)
            s2.count, s2.acked = s.count, s.acked
            after[name] = s2
            s2.start()
        t.join(90)
        self.assertFalse(t.is_alive(), "poster stalled")
        self.assertEqual(errors, [])
        self.assertGreater(len(confirmed), killed_at, "nothing posted after the restart")

        reader = connect(hub, fx, "peer")
        stored = [i["cursor"] for i in reader.history_all(fx.circle, since=start, limit=500)]
        missing = [n for n, p in confirmed if p["cursor"] not in set(stored)]
        self.assertEqual(missing, [], "confirmed (posted) alerts lost in the crash")
        self.assertLessEqual(len(stored) - len(confirmed), 1,
                             "more unconfirmed alerts stored than posts in flight")
        last = stored[-1]
        harness.wait_until(lambda: all(s.cursors and s.cursors[-1] >= last or s.error
                                       for s in after.values()),
                           30, what="every durable subscriber reaching the last alert")
        for s in after.values():
            s.stop.set()
            s.join(10)
        report = []
        for name, s in subs.items():
            s2 = after[name]
            with self.subTest(subscriber=name):
                self.assertIsNone(s2.error, f"{name}: {s2.error}")
                # Before the kill: a gapless prefix of the stream, in order.
                self.assertEqual(s.cursors, stored[:len(s.cursors)],
                                 "before the kill: not a gapless prefix in cursor order")
                # The hub resumes right after the last ack it stored; an ack whose reply
                # the kill swallowed may or may not have been stored.
                resumed_after = [c for c in (s.acked, s.ack_in_flight) if c is not None]
                want = {r: [c for c in stored if c > r] for r in resumed_after}
                self.assertIn(s2.cursors, list(want.values()),
                              f"after the restart: expected the stream after cursor "
                              f"{' or '.join(map(str, resumed_after))} (last ack), got "
                              f"{s2.cursors[:8]}... ({len(s2.cursors)} items)")
                self.assertEqual(len(s2.cursors), len(set(s2.cursors)), "duplicates")
                # At least once overall: nothing of the stream was never delivered.
                self.assertEqual(set(s.cursors) | set(s2.cursors), set(stored))
                report.append(f"{name}: {len(s.cursors)}+{len(s2.cursors)}, "
                              f"ack {s.acked}")
        # A clean reconnect by name then gets exactly what it has not acknowledged yet.
        for name, s2 in after.items():
            with self.subTest(reconnect=name):
                s2.client.close()
                again = connect(hub, fx, patterns[name][0])
                again.subscribe([fx.circle], name=name)
                want = [c for c in stored if c > s2.acked]
                got = [i["cursor"] for i in again.deliveries(len(want), timeout=20)]
                self.assertEqual(got, want)
                again.expect_no_message(within=0.3)
        print(f"\n  (killed after {killed_at} of {len(confirmed)} confirmed alerts; "
              f"{'; '.join(report)})", end="")


class BatchingTest(HubTestCase):
    def test_waiting_deliveries_go_out_together_in_cursor_order(self):
        hub = self.start_hub()
        fx = setup_two_circles(hub)
        hub.admin("policy", "set", fx.circle,
                  write_policy(hub_policy_dir(hub), fx.circle, posts_per_hour=0))
        # A subscriber that stops reading: the socket fills and deliveries queue up.
        paused = connect(hub, fx, "peer", rcvbuf=4096)
        paused.subscribe([fx.circle])
        mod = connect(hub, fx, "moderator")
        body = "batched alert padding " * 1400  # ~30 KB
        cursors = [mod.post(alert_item(fx.circle, title=f"batch {n}", body=body,
                                       alert={"severity": "high"}))["cursor"]
                   for n in range(100)]
        got = [i["cursor"] for i in paused.deliveries(len(cursors), timeout=30)]
        self.assertEqual(got, cursors, "lost, repeated or out of order")
        paused.expect_no_message(within=0.3)
        self.assertTrue(paused.batches,
                        "100 deliveries waited for a paused subscriber, yet every one went "
                        "out alone (expected at least one deliver with items)")
        for batch in paused.batches:
            self.assertEqual(batch, sorted(set(batch)), f"batch not in cursor order: {batch}")
        multi = [b for b in paused.batches if len(b) > 1]
        self.assertTrue(multi, f"only batches of one: {paused.batches[:5]}")
        # A replay of several stored items may batch too; it is complete and ordered.
        replay = connect(hub, fx, "colleague")
        replay.subscribe([fx.circle], since=cursors[-11])
        self.assertEqual([i["cursor"] for i in replay.deliveries(10)], cursors[-10:])
        replay.expect_no_message(within=0.3)
        print(f"\n  ({len(paused.batches)} batches, largest "
              f"{max(len(b) for b in paused.batches)})", end="")


class SlowConsumerMemoryTest(HubTestCase):
    BURST = 500
    SLOW = 2                        # subscribers that stop reading
    BODY = "slow subscriber padding " * 2500  # 60 KB: 30 MB per subscriber in the burst
    # Measured under ASan (quarantine 8 MB): a hub with bounded queues peaks at about
    # +23 MiB during the burst and +41 MiB once the slow one has caught up from the
    # store; with unbounded queues (queue_max_* at their maximum) at about +76/+78 MiB.
    BURST_BOUND_KIB = 48 * 1024
    RSS_BOUND_KIB = 64 * 1024
    P99_BOUND = 1.0

    def test_slow_subscribers_do_not_grow_memory_or_slow_the_fast_one(self):
        # ASan keeps freed memory in quarantine (256 MB by default), which would make
        # the resident size track allocation churn rather than what the hub holds.
        asan = os.environ.get("ASAN_OPTIONS", "detect_leaks=1")
        hub = self.start_hub(env={"ASAN_OPTIONS": asan + ":quarantine_size_mb=8"})
        fx = setup_two_circles(hub)
        hub.admin("policy", "set", fx.circle,
                  write_policy(hub_policy_dir(hub), fx.circle, posts_per_hour=0))
        slow = [hub.client(hub.new_user(fx.peer_org, "slow")[1], label=f"slow-{n}",
                           rcvbuf=4096) for n in range(self.SLOW)]
        for s in slow:
            s.subscribe([fx.circle])
        fast = connect(hub, fx, "colleague")
        fast.subscribe([fx.circle])
        mod = connect(hub, fx, "moderator")
        # Warm up (first allocations, SQLite cache), then measure from here.
        warm = [mod.post(alert_item(fx.circle, title=f"warm-up {n}",
                                    alert={"severity": "low"}))["cursor"] for n in range(20)]
        fast.deliveries(len(warm))
        time.sleep(0.3)
        peak_reset = hub.reset_peak_rss()
        base = hub.memory()
        base_kib = base["VmRSS"] if peak_reset else base["VmHWM"]

        body = self.BODY
        sent, posted, errors = {}, [], []

        def poster():
            try:
                client = connect(hub, fx, "moderator")
                for n in range(self.BURST):
                    title = f"burst {n}"
                    sent[title] = time.monotonic()
                    posted.append(client.post(alert_item(fx.circle, title=title, body=body,
                                                         alert={"severity": "high"}))["cursor"])
            except BaseException as e:
                errors.append(e)

        t = threading.Thread(target=poster, daemon=True)
        t0 = time.monotonic()
        t.start()
        latencies, got = [], []
        deadline = time.monotonic() + 120
        while len(got) < self.BURST and time.monotonic() < deadline:
            if errors:
                break
            try:
                item = fast.deliver(timeout=1.0)
            except harness.NoMessage:
                continue
            arrived = time.monotonic()
            got.append(item["cursor"])
            latencies.append(arrived - sent[item["title"]])
        t.join(30)
        burst_s = time.monotonic() - t0
        self.assertEqual(errors, [])
        self.assertEqual(got, posted, "the fast subscriber lost or reordered alerts")
        after_burst = hub.memory()
        peak_kib = after_burst["VmHWM"]
        latencies.sort()
        p99 = latencies[max(0, -(-len(latencies) * 99 // 100) - 1)]
        worst = latencies[-1]

        # The slow one now reads: everything, in order, once; then live again.
        want = warm + posted
        slow_got = [i["cursor"] for i in slow[0].deliveries(len(want), timeout=90)]
        self.assertEqual(slow_got, want, "the slow subscriber lost, repeated or reordered")
        slow[0].expect_no_message(within=0.5)
        live = mod.post(alert_item(fx.circle, title="after the burst"))
        self.assertEqual(slow[0].deliver()["cursor"], live["cursor"])
        final_peak = hub.memory()["VmHWM"]
        for s in slow[1:]:
            s.abort()
        hub.check_alive()

        growth = peak_kib - base_kib
        catch_up_growth = final_peak - base_kib
        print(f"\n  ({self.BURST} x {len(body) // 1000} KB, {self.SLOW} stalled, in {burst_s:.1f}s; fast p99 {p99 * 1000:.0f} ms, "
              f"worst {worst * 1000:.0f} ms; RSS {base_kib // 1024} MiB, peak +"
              f"{growth // 1024} MiB in the burst, +{catch_up_growth // 1024} MiB with the "
              f"catch-up{'' if peak_reset else '; VmHWM not reset'})", end="")
        self.assertLess(p99, self.P99_BOUND, f"fast subscriber p99 latency {p99:.3f}s")
        self.assertLess(growth, self.BURST_BOUND_KIB,
                        f"hub peak RSS grew by {growth // 1024} MiB during the burst "
                        f"({self.BURST} x {len(body) // 1000} KB, {self.SLOW} stalled "
                        f"subscribers)")
        self.assertLess(catch_up_growth, self.RSS_BOUND_KIB,
                        f"hub peak RSS grew by {catch_up_growth // 1024} MiB by the end of "
                        f"the catch-up")


if __name__ == "__main__":
    unittest.main(verbosity=2)
