#!/usr/bin/python3
"""14 cli share: the `kairan` commands of TLP and policy enforcement.

The client binary against a real hub, for what tests 09-12 check over the
wire: `circles` (TLP-DEFAULT/TLP-ALLOWED, --json tlp_allowed/tlp_default),
`roster` (shown by the policy, hidden: exit 4, always shown to the circle's
moderators), `forward` (the copy's id, cursor and status; the target's
member reads it; AMBER: exit 4 not_allowed; pending in a moderated target),
`retract` (a background `kairan subscribe` tells the retraction on stderr
and writes nothing more on stdout; non-authors exit 4 or 5; a member's
`get` afterwards exits 4), `request`/`requests`/`decide` (no identity
either way; grant lowers the TLP so an outsider reads it; refuse keeps it;
only the author decides: exit 5; --forward-to and --lower-tlp exactly one:
exit 2), `moderate list/show/edit/approve/reject` (non-moderators exit 4,
reject without --reason exits 2) and anonymous use (no token: `history` and
`get` of a clear_public circle work, a closed circle exits 4 with a hint,
`subscribe` follows every circle that publishes CLEAR, `whoami` exits 3).

Every case checks the exit code and what stdout and stderr say, and that
no output shown to anyone but the author (or the author's colleague) names
the author's user or organisation; the author's outputs about requests do
not name the requester either.
"""
import json
import os
import re
import signal
import time
import unittest

import harness
from harness import HubTestCase, add_circle, make_item, setup_two_circles, write_policy

ITEM_ID = r"it_[0-9a-f]{16}"
REQUEST_ID = r"pr_[0-9a-f]{16}"
HINT = "no token was given"


class CliShareTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = hub = cls.start_class_hub()
        cls.fx = fx = setup_two_circles(hub)
        # fx.circle (author_org + peer_org): GREEN may leave, practices wait for
        # moderators, roster hidden, authors hidden from moderators, CLEAR not public.
        # fx.other (peer_org + outsider_org): GREEN may come in, roster shown.
        pdir = harness.hub_policy_dir(hub)
        hub.admin("policy", "set", fx.circle,
                  write_policy(pdir, fx.circle, green_out=True, moderation=["practice"]))
        hub.admin("policy", "set", fx.other,
                  write_policy(pdir, fx.other, green_in=True, roster_visible=True))
        # A public regional circle (author_org + peer_org) and a moderated target
        # (peer_org) whose moderator is fx's moderator.
        cls.pub, cls.modin = "kanagawa-pub", "modin-test"
        add_circle(hub, cls.pub, kind="regional", allowed=["CLEAR", "GREEN", "AMBER"],
                   clear_public=True)
        add_circle(hub, cls.modin, green_in=True, moderation=["threat"])
        for org in (fx.author_org, fx.peer_org):
            hub.admin("member", "add", cls.pub, org)
        hub.admin("member", "add", cls.modin, fx.peer_org)
        hub.admin("role", "set", cls.modin, fx.user["moderator"], "moderator")
        hub.wait_role(fx.token["moderator"], cls.modin, "moderator")
        hub.wait_role(fx.token["author"], cls.pub, "member")
        cls.author_needles = [fx.user["author"], fx.user["colleague"], fx.author_org,
                              "Akane Ginko", "茜銀行", "akane-ginko.example", "Ito Hanako"]
        cls.peer_needles = [fx.user["peer"], fx.peer_org]

    # -- helpers -----------------------------------------------------------------

    def kairan(self, role, *args, rc=0, stdin=None, names_ok=False, hide_peer=False):
        """Run `kairan ARGS` as fx's role (None: no token at all), assert the exit
        code, and that nobody but the author's company sees the author named
        (names_ok: this output lists member organisations on purpose) and, with
        hide_peer, that the requester (peer) is not named. Returns (stdout, stderr)."""
        token = self.fx.token[role] if role else None
        code, out, err = self.hub.cli(*args, token=token, input=stdin)
        shown = f"kairan {' '.join(map(str, args))} as {role}\nstdout: {out}\nstderr: {err}"
        self.assertEqual(code, rc, f"exit {code}, expected {rc}: {shown}")
        needles = []
        if role not in ("author", "colleague") and not names_ok:
            needles += self.author_needles
        if hide_peer:
            needles += self.peer_needles
        for needle in needles:
            self.assertNotIn(needle, out, f"{needle!r} on stdout: {shown}")
            self.assertNotIn(needle, err, f"{needle!r} on stderr: {shown}")
        return out, err

    def kairan_json(self, role, *args, **kw):
        out, _ = self.kairan(role, "--json", *args, **kw)
        try:
            doc = json.loads(out)
        except ValueError as e:
            self.fail(f"kairan --json {' '.join(args)} printed no JSON document ({e}): {out!r}")
        harness.no_author_fields(self, doc, f"kairan --json {' '.join(args)}")
        return doc

    def write(self, name, doc):
        path = os.path.join(self.hub.tmp, f"{time.monotonic_ns()}-{name}")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        return path

    def post(self, circle=None, tlp="GREEN", kind="threat", role="author", status="published",
             **kw):
        """Post through the CLI; returns (item as sent, item id)."""
        item = make_item(circle or self.fx.circle, tlp=tlp, kind=kind, **kw)
        out, err = self.kairan(role, "post", "--yes", self.write("item.json", item))
        m = re.fullmatch(rf"posted ({ITEM_ID}) \(cursor \d+, {status}\)\n", out)
        self.assertTrue(m, f"post printed {out!r} (stderr {err!r})")
        return item, m.group(1)

    def wait_status_line(self, bg):
        """The whole 'subscribed to ...' line of a background subscribe (stderr is
        unbuffered: it may come in pieces)."""
        harness.wait_until(lambda: re.search(r"subscribed to .*\n", bg.stderr()), 10,
                           what="subscribe status line")

    def assert_denied(self, result_err, code="forbidden"):
        self.assertIn(f"kairan: {code}:", result_err)

    # -- circles and roster ---------------------------------------------------------

    def test_circles_show_the_tlps_of_each_policy(self):
        out, err = self.kairan("peer", "circles")
        lines = out.splitlines()
        self.assertRegex(lines[0], r"^CIRCLE\s+KIND\s+ROLE\s+TLP-DEFAULT\s+TLP-ALLOWED$")
        rows = {line.split()[0]: line.split() for line in lines[1:]}
        self.assertEqual(set(rows), {self.fx.circle, self.fx.other, self.pub, self.modin})
        self.assertEqual(rows[self.fx.circle][1:],
                         ["sector", "member", "AMBER", "CLEAR,GREEN,AMBER,AMBER+STRICT,RED"])
        self.assertEqual(rows[self.pub][1:], ["regional", "member", "CLEAR", "CLEAR,GREEN,AMBER"])
        self.assertEqual(err, "")
        doc = self.kairan_json("moderator", "circles")
        rows = doc["circles"] if isinstance(doc, dict) else doc
        got = {r["circle"]: (r["role"], r["tlp_default"], r["tlp_allowed"]) for r in rows}
        self.assertEqual(got, {
            self.fx.circle: ("moderator", "AMBER", list(harness.TLPS)),
            self.fx.other: ("member", "AMBER", list(harness.TLPS)),
            self.pub: ("member", "CLEAR", ["CLEAR", "GREEN", "AMBER"]),
            self.modin: ("moderator", "AMBER", list(harness.TLPS)),
        })

    def test_roster_shown_by_policy_hidden_otherwise(self):
        fx = self.fx
        out, err = self.kairan("peer", "roster", "--circle", fx.other)
        self.assertEqual(sorted(out.split()), sorted([fx.peer_org, fx.outsider_org]))
        doc = self.kairan_json("outsider", "roster", "--circle", fx.other)
        self.assertEqual(doc["circle"], fx.other)
        self.assertEqual(sorted(doc["orgs"]), sorted([fx.peer_org, fx.outsider_org]))
        # fx.circle keeps its roster hidden from members, observers and outsiders ...
        for role in ("peer", "observer", "author", "outsider"):
            with self.subTest(role=role):
                out, err = self.kairan(role, "roster", "--circle", fx.circle, rc=4)
                self.assertEqual(out, "")
                self.assert_denied(err)
        _, err = self.kairan("peer", "roster", "--circle", fx.circle, rc=4)
        self.assertIn("roster hidden", err)
        # ... but not from its moderators (the list names its member organisations).
        out, _ = self.kairan("moderator", "roster", "--circle", fx.circle, names_ok=True)
        self.assertEqual(sorted(out.split()), sorted([fx.author_org, fx.peer_org]))
        self.kairan("peer", "roster", rc=2)
        help_out, _ = self.kairan("peer", "roster", "--help")
        self.assertIn("moderators always see it", " ".join(help_out.split()))

    # -- forward ----------------------------------------------------------------

    def test_forward_green_the_target_member_reads_the_copy(self):
        fx = self.fx
        item, orig = self.post(tlp="GREEN", title="転送テスト forward me 14")
        out, err = self.kairan("peer", "forward", orig, "--to", fx.other)
        m = re.fullmatch(rf"forwarded as ({ITEM_ID}) \(cursor (\d+), published\)\n", out)
        self.assertTrue(m, f"forward printed {out!r} (stderr {err!r})")
        copy = m.group(1)
        self.assertNotEqual(copy, orig)
        # The outsider belongs to fx.other only: the copy yes, the original no.
        out, _ = self.kairan("outsider", "get", copy)
        self.assertIn(item["title"], out)
        self.assertRegex(out, rf"forwarded from\s+{orig}")
        self.assertRegex(out, r"tlp\s+TLP:GREEN")
        doc = self.kairan_json("outsider", "get", copy)
        self.assertEqual((doc["id"], doc["forwarded_from"], doc["circle"], doc["tlp"]),
                         (copy, orig, fx.other, "GREEN"))
        _, err = self.kairan("outsider", "get", orig, rc=4)
        self.assert_denied(err)
        # --json, from another item.
        _, orig2 = self.post(tlp="GREEN")
        doc = self.kairan_json("peer", "forward", orig2, "--to", fx.other)
        self.assertEqual(set(doc), {"item_id", "cursor", "status"})
        self.assertRegex(doc["item_id"], ITEM_ID)
        self.assertEqual(doc["status"], "published")
        self.assertEqual(self.kairan_json("outsider", "get", doc["item_id"])["cursor"],
                         doc["cursor"])

    def test_forward_refused(self):
        fx = self.fx
        _, amber = self.post(tlp="AMBER")
        out, err = self.kairan("peer", "forward", amber, "--to", fx.other, rc=4)
        self.assertEqual(out, "")
        self.assert_denied(err, "not_allowed")
        doc_out, err = self.kairan("peer", "--json", "forward", amber, "--to", fx.other, rc=4)
        self.assertEqual(doc_out, "")
        self.assert_denied(err, "not_allowed")
        # The author is not in fx.other: forwarding needs both memberships.
        _, green = self.post(tlp="GREEN")
        _, err = self.kairan("author", "forward", green, "--to", fx.other, rc=4)
        self.assert_denied(err)
        # The outsider cannot read the original at all.
        _, err = self.kairan("outsider", "forward", green, "--to", fx.other, rc=4)
        self.assert_denied(err)
        self.kairan("peer", "forward", green, rc=2)
        self.kairan("peer", "forward", "--to", fx.other, rc=2)

    def test_forward_into_a_moderated_circle_is_pending(self):
        item, orig = self.post(tlp="GREEN", title="held on arrival 14")
        out, err = self.kairan("peer", "forward", orig, "--to", self.modin)
        m = re.fullmatch(rf"forwarded as ({ITEM_ID}) \(cursor \d+, pending\)\n", out)
        self.assertTrue(m, f"forward printed {out!r} (stderr {err!r})")
        copy = m.group(1)
        out, _ = self.kairan("moderator", "moderate", "list", "--circle", self.modin)
        self.assertIn(copy, out)
        self.assertIn(item["title"], out)
        # The forwarder is a plain member there: the copy is not theirs to read yet.
        _, err = self.kairan("peer", "get", copy, rc=4)
        self.assert_denied(err)
        help_out, _ = self.kairan("peer", "forward", "--help")
        self.assertIn("pending", help_out)

    # -- retract ----------------------------------------------------------------

    def test_retract_tells_a_subscriber_on_stderr_only(self):
        fx = self.fx
        bg = self.hub.cli_background("subscribe", "--circle", fx.circle, token=fx.token["peer"])
        try:
            self.wait_status_line(bg)
            self.assertIn(fx.circle, bg.stderr())
            item, it_id = self.post(tlp="GREEN", title="soon withdrawn 14")
            line = bg.line(timeout=harness.REPLY_TIMEOUT)
            self.assertIsNotNone(line, f"no item on stdout; stderr {bg.stderr()}")
            got = json.loads(line[1])
            self.assertEqual((got["id"], got["title"]), (it_id, item["title"]))
            # Only the author retracts: a reader is told no, a non-reader "no such item".
            _, err = self.kairan("peer", "retract", it_id, rc=4)
            self.assert_denied(err)
            _, err = self.kairan("colleague", "retract", it_id, rc=4)
            self.assert_denied(err)
            _, err = self.kairan("outsider", "retract", it_id, rc=5)
            self.assert_denied(err, "not_found")
            out, err = self.kairan("author", "retract", it_id)
            self.assertEqual(out, f"retracted {it_id}\n")
            harness.wait_until(lambda: f"retracted {it_id}" in bg.stderr(), 5,
                               what="retraction notice on the subscriber's stderr")
            self.assertIsNone(bg.line(timeout=0.5), "stdout got more than the one item")
            bg.proc.send_signal(signal.SIGTERM)
            rc, err = bg.wait(10)
            self.assertEqual(rc, 0, err)
            for needle in self.author_needles:
                self.assertNotIn(needle, err)
                self.assertNotIn(needle, line[1])
        finally:
            bg.kill()
        _, err = self.kairan("peer", "get", it_id, rc=4)
        self.assert_denied(err)
        out, err = self.kairan("peer", "history", "--circle", fx.circle)
        self.assertNotIn(item["title"], out)
        doc = self.kairan_json("author", "retract", self.post(tlp="AMBER")[1])
        self.assertEqual(set(doc), {"item_id"})

    # -- permission requests -----------------------------------------------------------

    def request_lower(self, it_id, reason):
        out, err = self.kairan("peer", "request", it_id, "--lower-tlp", "CLEAR",
                               "--reason", reason)
        m = re.fullmatch(rf"requested ({REQUEST_ID})\n", out)
        self.assertTrue(m, f"request printed {out!r} (stderr {err!r})")
        return m.group(1)

    def test_request_lower_tlp_granted(self):
        item, it_id = self.post(tlp="GREEN", title="ask to open 14")
        _, err = self.kairan("outsider", "get", it_id, rc=4)
        self.assert_denied(err)
        reason = "地域の勉強会で共有したい 14"
        pr = self.request_lower(it_id, reason)
        # The author's table: the request, the reason, nobody named.
        out, _ = self.kairan("author", "requests", hide_peer=True)
        mine_part = out.split("Requests you made:")
        self.assertEqual(len(mine_part), 2, out)
        about, made = mine_part
        self.assertIn("Requests about your items:", about)
        self.assertRegex(about, r"REQUEST\s+ITEM\s+ACTION\s+TARGET\s+STATUS\s+REASON")
        row = next(line for line in about.splitlines() if pr in line)
        self.assertEqual(row.split()[:5], [pr, it_id, "lower_tlp", "CLEAR", "pending"])
        self.assertIn(reason, row)
        self.assertNotIn(pr, made)
        doc = self.kairan_json("author", "requests", hide_peer=True)
        self.assertEqual(set(doc), {"to_me", "mine"})
        [rq] = [r for r in doc["to_me"] if r["request_id"] == pr]
        self.assertEqual((rq["item_id"], rq["action"], rq["tlp"], rq["status"], rq["reason"]),
                         (it_id, "lower_tlp", "CLEAR", "pending", reason))
        self.assertFalse([r for r in doc["mine"] if r["request_id"] == pr])
        # The requester's side.
        doc = self.kairan_json("peer", "requests")
        self.assertEqual([r["status"] for r in doc["mine"] if r["request_id"] == pr],
                         ["pending"])
        self.assertFalse([r for r in doc["to_me"] if r["request_id"] == pr])
        # Only the author decides; to anyone else the request does not exist.
        for role in ("peer", "outsider", "moderator"):
            with self.subTest(role=role):
                _, err = self.kairan(role, "decide", pr, "grant", rc=5)
                self.assert_denied(err, "not_found")
        out, _ = self.kairan("author", "decide", pr, "grant", hide_peer=True)
        self.assertEqual(out, f"granted {pr}\n")
        # Now CLEAR: any authenticated user reads it.
        out, _ = self.kairan("outsider", "get", it_id)
        self.assertIn(item["title"], out)
        self.assertRegex(out, r"tlp\s+TLP:CLEAR")
        self.assertEqual(self.kairan_json("outsider", "get", it_id)["tlp"], "CLEAR")
        out, _ = self.kairan("peer", "requests")
        row = next(line for line in out.split("Requests you made:")[1].splitlines()
                   if pr in line)
        self.assertEqual(row.split()[:5], [pr, it_id, "lower_tlp", "CLEAR", "granted"])
        # Decided once.
        self.kairan("author", "decide", pr, "refuse", rc=6)

    def test_request_refused(self):
        _, it_id = self.post(tlp="GREEN", title="keep it closed 14")
        pr = self.request_lower(it_id, "please 14")
        answer = "社外秘の部分があるため 14"
        doc = self.kairan_json("author", "decide", pr, "refuse", "--reason", answer,
                               hide_peer=True)
        self.assertEqual(doc, {"request_id": pr, "decision": "refuse"})
        _, err = self.kairan("outsider", "get", it_id, rc=4)
        self.assert_denied(err)
        self.assertEqual(self.kairan_json("peer", "get", it_id)["tlp"], "GREEN")
        out, _ = self.kairan("peer", "requests")
        made = out.split("Requests you made:")[1]
        row = next(line for line in made.splitlines() if pr in line)
        self.assertEqual(row.split()[:5], [pr, it_id, "lower_tlp", "CLEAR", "refused"])
        self.assertIn(f"answer: {answer}", made)
        doc = self.kairan_json("peer", "requests")
        [rq] = [r for r in doc["mine"] if r["request_id"] == pr]
        self.assertEqual((rq["status"], rq["decision_reason"]), ("refused", answer))

    def test_request_usage_and_refusals(self):
        fx = self.fx
        _, it_id = self.post(tlp="GREEN")
        for args in (("--forward-to", fx.other, "--lower-tlp", "CLEAR"), (), ("--reason", "x")):
            with self.subTest(args=args):
                out, err = self.kairan("peer", "request", it_id, *args, rc=2)
                self.assertEqual(out, "")
                self.assertIn("exactly one of --forward-to", err)
        self.kairan("peer", "request", "--lower-tlp", "CLEAR", rc=2)
        # RED is not more open; an AMBER item is never forwarded; the outsider cannot read it.
        _, err = self.kairan("peer", "request", it_id, "--lower-tlp", "RED", rc=4)
        self.assert_denied(err, "not_allowed")
        _, amber = self.post(tlp="AMBER")
        _, err = self.kairan("peer", "request", amber, "--forward-to", fx.other, rc=4)
        self.assert_denied(err, "not_allowed")
        _, err = self.kairan("outsider", "request", it_id, "--lower-tlp", "CLEAR", rc=4)
        self.assert_denied(err)
        self.kairan("author", "decide", "pr_0000000000000000", "maybe", rc=2)
        self.kairan("author", "decide", "pr_0000000000000000", rc=2)
        _, err = self.kairan("author", "decide", "pr_0000000000000000", "grant", rc=5)
        self.assert_denied(err, "not_found")

    # -- moderation ---------------------------------------------------------------

    def test_moderate_list_show_edit_approve(self):
        fx = self.fx
        item, it_id = self.post(kind="practice", tlp="GREEN", status="pending",
                                title="取引先契約の条項 practice 14")
        _, err = self.kairan("peer", "get", it_id, rc=4)
        self.assert_denied(err)
        out, err = self.kairan("moderator", "moderate", "list", "--circle", fx.circle)
        self.assertRegex(out.splitlines()[0], r"^ITEM\s+KIND\s+TLP\s+TITLE$")
        row = next(line for line in out.splitlines() if it_id in line)
        self.assertEqual(row.split()[:3], [it_id, "practice", "GREEN"])
        self.assertIn(item["title"], row)
        doc = self.kairan_json("moderator", "moderate", "list", "--circle", fx.circle)
        self.assertEqual(doc["circle"], fx.circle)
        [queued] = [i for i in doc["items"] if i["id"] == it_id]
        self.assertEqual(queued["status"], "pending")
        self.assertNotIn("author_org", queued)
        out, _ = self.kairan("moderator", "moderate", "show", it_id)
        self.assertIn(item["title"], out)
        self.assertRegex(out, r"status\s+pending")
        edit = {"title": "取引先契約の条項 (masked) 14",
                "body": "Clause text; (company name removed)."}
        out, _ = self.kairan("moderator", "moderate", "edit", it_id, "--edit",
                             self.write("edit.json", edit))
        self.assertEqual(out, f"edited {it_id} (pending)\n")
        shown = self.kairan_json("moderator", "moderate", "show", it_id)
        self.assertEqual((shown["title"], shown["body"], shown["status"]),
                         (edit["title"], edit["body"], "pending"))
        self.kairan("moderator", "moderate", "edit", it_id, rc=2)
        out, _ = self.kairan("moderator", "moderate", "approve", it_id)
        self.assertEqual(out, f"approved {it_id} (published)\n")
        got = self.kairan_json("peer", "get", it_id)
        self.assertEqual((got["title"], got["status"]), (edit["title"], "published"))
        out, _ = self.kairan("moderator", "moderate", "list", "--circle", fx.circle)
        self.assertNotIn(it_id, out)

    def test_moderate_reject_and_who_may_moderate(self):
        fx = self.fx
        _, it_id = self.post(kind="practice", tlp="GREEN", status="pending")
        out, err = self.kairan("moderator", "moderate", "reject", it_id, rc=2)
        self.assertEqual(out, "")
        self.assertIn("--reason", err)
        for role in ("peer", "observer", "author"):
            with self.subTest(role=role):
                out, err = self.kairan(role, "moderate", "list", "--circle", fx.circle, rc=4)
                self.assertEqual(out, "")
                self.assert_denied(err)
        _, err = self.kairan("peer", "moderate", "approve", it_id, rc=5)
        self.assert_denied(err, "not_found")
        doc = self.kairan_json("moderator", "moderate", "reject", it_id, "--reason",
                               "個人名が含まれています 14")
        self.assertEqual(doc, {"item_id": it_id, "status": "rejected"})
        _, err = self.kairan("peer", "get", it_id, rc=4)
        self.assert_denied(err)
        out, _ = self.kairan("moderator", "moderate", "list", "--circle", fx.circle)
        self.assertNotIn(it_id, out)
        self.kairan("moderator", "moderate", "list", rc=2)

    # -- without a token -----------------------------------------------------------------

    def test_anonymous_reads_public_clear_only(self):
        fx = self.fx
        clear, clear_id = self.post(self.pub, tlp="CLEAR", title="公開 public clear 14")
        green, green_id = self.post(self.pub, tlp="GREEN", title="members only green 14")
        out, err = self.kairan(None, "history", "--circle", self.pub)
        self.assertIn(clear["title"], out)
        self.assertNotIn(green["title"], out)
        doc = self.kairan_json(None, "history", "--circle", self.pub)
        self.assertEqual([i["id"] for i in doc["items"] if i["id"] in (clear_id, green_id)],
                         [clear_id])
        out, _ = self.kairan(None, "get", clear_id)
        self.assertIn(clear["title"], out)
        self.assertEqual(self.kairan_json(None, "get", clear_id)["tlp"], "CLEAR")
        # GREEN of the same circle, and a closed circle: exit 4 and the hint.
        out, err = self.kairan(None, "get", green_id, rc=4)
        self.assertEqual(out, "")
        self.assert_denied(err)
        self.assertIn(HINT, err)
        _, closed_id = self.post(tlp="CLEAR")
        for args in (("history", "--circle", fx.circle), ("get", closed_id)):
            with self.subTest(args=args):
                out, err = self.kairan(None, *args, rc=4)
                self.assertEqual(out, "")
                self.assert_denied(err)
                self.assertIn(HINT, err)
        # With a token the same refusal gives no hint.
        _, err = self.kairan("outsider", "history", "--circle", fx.circle, rc=4)
        self.assertNotIn(HINT, err)
        # Everything else needs a token.
        out, err = self.kairan(None, "whoami", rc=3)
        self.assertEqual(out, "")
        self.assertIn("no token", err)
        for args in (("circles",), ("requests",), ("roster", "--circle", self.pub),
                     ("retract", clear_id), ("forward", clear_id, "--to", fx.other)):
            with self.subTest(args=args):
                self.kairan(None, *args, rc=3)

    def test_anonymous_subscribe_follows_every_public_circle(self):
        fx = self.fx
        bg = self.hub.cli_background("subscribe", "--count", "1")
        try:
            self.wait_status_line(bg)
            status = bg.stderr().strip()
            self.assertEqual(status, f"subscribed to {self.pub}")
            self.post(tlp="CLEAR")  # fx.circle does not publish CLEAR
            self.post(self.pub, tlp="GREEN")
            item, it_id = self.post(self.pub, tlp="CLEAR", title="live public 14")
            line = bg.line(timeout=harness.REPLY_TIMEOUT)
            self.assertIsNotNone(line, f"nothing on stdout; stderr {bg.stderr()}")
            got = json.loads(line[1])
            self.assertEqual((got["id"], got["tlp"], got["circle"]), (it_id, "CLEAR", self.pub))
            rc, err = bg.wait(10)
            self.assertEqual(rc, 0, err)
            for needle in self.author_needles:
                self.assertNotIn(needle, line[1] + err)
        finally:
            bg.kill()
        out, err = self.kairan(None, "subscribe", "--circle", fx.circle, "--count", "1", rc=4)
        self.assertEqual(out, "")
        self.assertIn(HINT, err)
        help_out, _ = self.kairan(None, "subscribe", "--help")
        self.assertIn("every circle that publishes CLEAR", " ".join(help_out.split()))


if __name__ == "__main__":
    unittest.main(verbosity=2)
