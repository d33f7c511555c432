#!/usr/bin/python3
"""09 policy: circle policy files as the hub enforces them.

Allowed TLPs (anything else is not_allowed), which roles post which kinds
(from a file and from the built-in default), `circles` telling tlp_allowed
and tlp_default, roster visibility, the posts-per-hour rate limit, what an
anonymous session may do (clear_public), invalid files refused at `circle
add` and `policy set` with a message naming the file and the field, and a
reload (SIGHUP or `policy reload`) that keeps the previous policy when the
edited file is invalid.

Not covered: retention_days (items would have to age for days); k and the
anonymisation fields belong to other tests.
"""
import os
import signal
import unittest

import harness
from harness import HubTestCase, TLPS, add_circle, anonymous, make_item, policy_doc, \
    write_policy

KINDS = ("threat", "practice", "alert", "event")
ROLES = ("member", "moderator", "organizer", "observer")
# A post a role may not make: the spec does not say which of the two codes,
# only that nothing is stored (forbidden: "you may not do this"; not_allowed:
# "the circle's policy does not allow this").
REFUSED_POST = {"forbidden", "not_allowed"}


def post_item(circle, kind, tlp="GREEN", **kw):
    return make_item(circle, tlp=tlp, kind=kind, **kw)


class Cast:
    """Two organisations, one user per role in the circles given."""

    def __init__(self, hub, tag, circles):
        self.hub, self.tag = hub, tag
        self.org, self.org2 = f"{tag}-org1", f"{tag}-org2"
        hub.admin("org", "add", self.org)
        hub.admin("org", "add", self.org2)
        for c in circles:
            hub.admin("member", "add", c, self.org)
            hub.admin("member", "add", c, self.org2)
        self.user, self.token = {}, {}
        for role in ROLES:
            self.user[role] = f"{tag}-{role}"
            self.token[role] = hub.add_user(self.org, self.user[role])
        self.user["member2"] = f"{tag}-member2"
        self.token["member2"] = hub.add_user(self.org2, self.user["member2"])
        for c in circles:
            for role in ("moderator", "organizer", "observer"):
                hub.admin("role", "set", c, self.user[role], role)
        for t in self.token.values():
            hub.wait_token(t)
        for c in circles:
            for role in ("moderator", "organizer", "observer"):
                hub.wait_role(self.token[role], c, role)

    def c(self, role):
        return self.hub.client(self.token[role], label=f"{self.tag}-{role}")


class PolicyEnforcedTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = hub = cls.start_class_hub()
        add_circle(hub, "narrow", allowed=["GREEN", "AMBER"], tlp_default="GREEN",
                   post={"threat": ["member"], "practice": ["moderator"],
                         "alert": ["organizer"], "event": []})
        hub.admin("circle", "add", "plain", "--kind", "sector")            # built-in default
        hub.admin("circle", "add", "open", "--kind", "public")             # built-in default
        add_circle(hub, "hidden", roster_visible=False)
        add_circle(hub, "shown", roster_visible=True)
        add_circle(hub, "limited", posts_per_hour=3)
        add_circle(hub, "limited2", posts_per_hour=3)
        cls.cast = Cast(hub, "p", ["narrow", "plain", "open", "hidden", "shown", "limited",
                                   "limited2"])
        hub.admin("org", "add", "p-outsider")
        cls.outsider = hub.add_user("p-outsider", "p-outsider-u")
        hub.wait_token(cls.outsider)

    def c(self, role):
        return self.cast.c(role)

    # -- TLPs ----------------------------------------------------------------

    def test_tlp_outside_allowed_is_not_allowed(self):
        member = self.c("member")
        reader = self.c("member2")
        before = reader.history("narrow")["items"]
        for tlp in ("CLEAR", "AMBER+STRICT", "RED"):
            with self.subTest(tlp=tlp):
                extra = {"recipients": [self.cast.user["member2"]]} if tlp == "RED" else {}
                err = member.error({"type": "post", "id": f"p-{tlp}",
                                    "item": post_item("narrow", "threat", tlp=tlp, **extra)},
                                   "not_allowed")
                self.assertEqual(err["ref"], f"p-{tlp}")
        for tlp in ("GREEN", "AMBER"):
            with self.subTest(tlp=tlp):
                self.assertEqual(member.post(post_item("narrow", "threat", tlp=tlp))["status"],
                                 "published")
        # Unknown spellings stay unknown_label, never defaulted or mapped.
        for tlp in ("green", "WHITE", "TLP:GREEN", ""):
            with self.subTest(tlp=tlp):
                member.error({"type": "post", "item": post_item("narrow", "threat", tlp=tlp)},
                             "unknown_label")
        after = reader.history("narrow")["items"]
        self.assertEqual(sorted(i["tlp"] for i in after[len(before):]), ["AMBER", "GREEN"],
                         "a refused post was stored")

    def test_circles_reply_carries_tlp_info(self):
        rows = {r["circle"]: r for r in self.c("member").ok({"type": "circles"},
                                                            "circles")["circles"]}
        self.assertEqual(sorted(rows["narrow"]["tlp_allowed"]), ["AMBER", "GREEN"])
        self.assertEqual(rows["narrow"]["tlp_default"], "GREEN")
        self.assertEqual(sorted(rows["plain"]["tlp_allowed"]), sorted(TLPS))
        self.assertEqual(rows["plain"]["tlp_default"], "AMBER")
        self.assertEqual(sorted(rows["open"]["tlp_allowed"]), sorted(TLPS))
        self.assertEqual(rows["open"]["tlp_default"], "CLEAR")
        self.assertEqual(rows["open"]["kind"], "public")
        for r in rows.values():
            self.assertIn(r["tlp_default"], r["tlp_allowed"])

    # -- who posts what ---------------------------------------------------------

    def check_roles(self, circle, allowed):
        for role in ROLES:
            client = self.c(role)
            for kind in KINDS:
                with self.subTest(circle=circle, role=role, kind=kind):
                    msg = {"type": "post", "item": post_item(circle, kind)}
                    if role in allowed.get(kind, ()):
                        self.assertEqual(client.ok(msg, "posted")["status"], "published")
                    else:
                        client.error(msg, REFUSED_POST)

    def test_post_roles_from_the_policy_file(self):
        self.check_roles("narrow", {"threat": ["member"], "practice": ["moderator"],
                                    "alert": ["organizer"], "event": []})

    def test_post_roles_of_the_builtin_default(self):
        self.check_roles("plain", {"threat": ["member", "moderator"],
                                   "practice": ["member", "moderator"],
                                   "alert": ["moderator"],
                                   "event": ["organizer", "moderator"]})

    def test_non_member_and_anonymous_cannot_post(self):
        out = self.hub.client(self.outsider, label="outsider")
        out.error({"type": "post", "item": post_item("plain", "threat")}, "forbidden")
        anonymous(self.hub).error({"type": "post", "item": post_item("open", "threat",
                                                                      tlp="CLEAR")},
                                  "auth_required")

    # -- roster --------------------------------------------------------------------

    def test_roster_hidden_unless_the_policy_shows_it(self):
        orgs = sorted([self.cast.org, self.cast.org2])
        for role in ("member", "observer", "organizer"):
            with self.subTest(circle="hidden", role=role):
                self.c(role).error({"type": "roster", "circle": "hidden"}, "forbidden")
        mod = self.c("moderator").ok({"type": "roster", "id": "r-mod", "circle": "hidden"},
                                     "roster")
        self.assertEqual((mod["ref"], mod["circle"], sorted(mod["orgs"])),
                         ("r-mod", "hidden", orgs))
        for role in ROLES:
            with self.subTest(circle="shown", role=role):
                got = self.c(role).ok({"type": "roster", "circle": "shown"}, "roster")
                self.assertEqual(sorted(got["orgs"]), orgs)
        # The built-in default hides it too.
        self.c("member").error({"type": "roster", "circle": "plain"}, "forbidden")
        # Outsiders never see it; anonymous sessions must authenticate.
        out = self.hub.client(self.outsider, label="outsider")
        out.error({"type": "roster", "circle": "shown"}, {"forbidden", "not_found"})
        out.error({"type": "roster", "circle": "no-such-circle"}, {"forbidden", "not_found"})
        anonymous(self.hub).error({"type": "roster", "circle": "shown"}, "auth_required")
        # A new member organisation shows up at once.
        self.hub.admin("org", "add", "p-late")
        self.hub.admin("member", "add", "shown", "p-late")
        got = self.c("member").ok({"type": "roster", "circle": "shown"}, "roster")
        self.assertEqual(sorted(got["orgs"]), sorted(orgs + ["p-late"]))
        harness.no_author_fields(self, got, "roster")

    # -- rate limit --------------------------------------------------------------

    def test_rate_limit_per_user_per_circle(self):
        member = self.c("member")
        ids = [member.post(post_item("limited", "threat"))["item_id"] for _ in range(3)]
        err = member.error({"type": "post", "id": "rl-4", "item": post_item("limited", "threat",
                                                                             title="fourth")},
                           "rate_limited")
        self.assertEqual(err["ref"], "rl-4")
        member.error({"type": "post", "item": post_item("limited", "threat")}, "rate_limited")
        # Nothing of the refused posts was stored.
        titles = [i["title"] for i in self.c("member2").history("limited")["items"]]
        self.assertNotIn("fourth", titles)
        self.assertEqual(len(titles), 3)
        # Per user: another user (of either organisation) still posts ...
        self.c("member2").post(post_item("limited", "threat"))
        self.c("moderator").post(post_item("limited", "threat"))
        # ... and per circle: the same user still posts elsewhere.
        member.post(post_item("limited2", "threat"))
        # The connection stays usable.
        self.assertEqual(member.get(ids[0])["id"], ids[0])

    # -- anonymous sessions --------------------------------------------------------

    def test_anonymous_session_reads_only(self):
        anon = anonymous(self.hub)
        for msg in ({"type": "whoami"}, {"type": "circles"},
                    {"type": "post", "item": post_item("open", "threat", tlp="CLEAR")},
                    {"type": "ack", "name": "n", "cursor": 0},
                    {"type": "forward", "item_id": "it_0000000000000001", "to": "open"},
                    {"type": "retract", "item_id": "it_0000000000000001"},
                    {"type": "request", "item_id": "it_0000000000000001", "action": "lower_tlp",
                     "tlp": "CLEAR"},
                    {"type": "requests"},
                    {"type": "decide", "request_id": "pr_0000000000000001", "decision": "grant"},
                    {"type": "moderation", "circle": "open"},
                    {"type": "moderate", "item_id": "it_0000000000000001", "decision": "approve"},
                    {"type": "roster", "circle": "open"}):
            with self.subTest(type=msg["type"]):
                err = anon.error(dict(msg, id=f"a-{msg['type']}"), "auth_required")
                self.assertEqual(err["ref"], f"a-{msg['type']}")
        # The built-in public policy publishes CLEAR; a sector circle's does not.
        moderator = self.c("moderator")
        clear = moderator.post(post_item("open", "alert", tlp="CLEAR"))
        green = moderator.post(post_item("open", "alert", tlp="GREEN"))
        got = anon.history("open")
        ids = [i["id"] for i in got["items"]]
        self.assertIn(clear["item_id"], ids)
        self.assertNotIn(green["item_id"], ids)
        self.assertEqual({i["tlp"] for i in got["items"]}, {"CLEAR"})
        self.assertEqual(anon.get(clear["item_id"])["id"], clear["item_id"])
        anon.error({"type": "get", "item_id": green["item_id"]}, "forbidden")
        plain = moderator.post(post_item("plain", "alert", tlp="CLEAR"))
        anon.error({"type": "history", "circle": "plain"}, "forbidden")
        anon.error({"type": "subscribe", "circles": ["plain"]}, "forbidden")
        anon.error({"type": "get", "item_id": plain["item_id"]}, "forbidden")
        anon.ok({"type": "subscribe", "circles": ["open"]}, "subscribed")
        anon.ok({"type": "unsubscribe"}, "unsubscribed")
        # Still an anonymous session: writes keep needing auth.
        anon.error({"type": "whoami"}, "auth_required")


class PolicyFileTest(HubTestCase):
    """Invalid files, `policy set` and reloads. One hub per test: reloads change state."""

    def setUp(self):
        super().setUp()
        self.hub = self.start_hub()
        self.dir = harness.hub_policy_dir(self.hub)

    def cast(self, circles, tag="f"):
        return Cast(self.hub, tag, circles)

    def test_invalid_files_refused_at_circle_add(self):
        def mutate(fn):
            doc = policy_doc("bad")
            fn(doc)
            return doc

        cases = [
            ("default-not-allowed", mutate(lambda d: d.update(
                tlp={"allowed": ["GREEN"], "default": "AMBER"})), "tlp.default"),
            ("unknown-role", mutate(lambda d: d["post"].update(alert=["moderator", "admin"])),
             "post.alert"),
            ("observer-posts", mutate(lambda d: d["post"].update(threat=["observer"])),
             "post.threat"),
            ("assessment-kind", mutate(lambda d: d["post"].update(assessment=["member"])),
             "post.assessment"),
            ("unknown-field", mutate(lambda d: d.update(colour="red")), "colour"),
            ("lower-case-label", mutate(lambda d: d.update(
                tlp={"allowed": ["amber"], "default": "amber"})), "tlp.allowed"),
            ("white-label", mutate(lambda d: d.update(
                tlp={"allowed": ["WHITE", "GREEN"], "default": "GREEN"})), "tlp.allowed"),
            ("public-without-clear", mutate(lambda d: d.update(
                tlp={"allowed": ["GREEN"], "default": "GREEN"}, clear_public=True)),
             "clear_public"),
            ("green-in-without-green", mutate(lambda d: d.update(
                tlp={"allowed": ["AMBER"], "default": "AMBER"},
                forward={"green_in": True, "green_out": False})), "forward.green_in"),
            ("green-out-without-green", mutate(lambda d: d.update(
                tlp={"allowed": ["CLEAR"], "default": "CLEAR"},
                forward={"green_in": False, "green_out": True})), "forward.green_out"),
            ("bad-regex", mutate(lambda d: d["anonymisation"].update(patterns=[
                {"name": "案件番号", "pattern": "SB-[0-9", "placeholder": "[案件番号]"}])),
             "anonymisation.patterns[0].pattern"),
            ("missing-retention", mutate(lambda d: d.pop("retention_days")), "retention_days"),
            ("k-too-small", mutate(lambda d: d.update(k=1)), "k"),
            ("negative-rate", mutate(lambda d: d.update(rate_limits={"posts_per_hour": -1})),
             "rate_limits.posts_per_hour"),
            ("string-bool", mutate(lambda d: d.update(roster_visible="yes")), "roster_visible"),
            ("moderation-kind", mutate(lambda d: d.update(moderation=["assessment"])),
             "moderation"),
            ("other-circle", policy_doc("not-bad"), "circle"),
        ]
        for name, doc, field in cases:
            with self.subTest(case=name):
                path = write_policy(self.dir, "bad", doc=doc, name=f"{name}.json")
                r = self.hub.admin("circle", "add", "bad", "--policy", path, check=False)
                self.assertEqual(r.rc, 6, f"{name}: rc {r.rc}, stderr {r.stderr!r}")
                self.assertIn(f"{name}.json", r.stderr, "the message names the file")
                self.assertIn(f": {field}", r.stderr, "the message names the field")
        # A file that is not JSON at all.
        path = write_policy(self.dir, "bad", doc='{"circle": "bad", ', name="truncated.json")
        r = self.hub.admin("circle", "add", "bad", "--policy", path, check=False)
        self.assertEqual(r.rc, 6, r)
        self.assertIn("truncated.json", r.stderr)
        # A file that does not exist.
        r = self.hub.admin("circle", "add", "bad", "--policy",
                           os.path.join(self.dir, "missing.json"), check=False)
        self.assertNotEqual(r.rc, 0, r)
        self.assertIn("missing.json", r.stderr)
        # None of them created the circle.
        circles = [c["circle"] for c in self.hub.admin("circle", "list", json=True)]
        self.assertNotIn("bad", circles)
        # The example files in policies/ are all valid.
        for f in ("fin-isac", "energy-isac", "kanagawa-community", "public"):
            src = os.path.join(harness.SOURCE_DIR, "policies", f"{f}.json")
            self.hub.admin("policy", "check", src)

    def test_policy_set_applies_at_once_and_refuses_invalid_files(self):
        add_circle(self.hub, "pol", allowed=["GREEN", "AMBER"], tlp_default="GREEN")
        cast = self.cast(["pol"])
        member, anon = cast.c("member"), anonymous(self.hub)
        member.error({"type": "post", "item": post_item("pol", "threat", tlp="CLEAR")},
                     "not_allowed")
        anon.error({"type": "history", "circle": "pol"}, "forbidden")
        # A new file, with CLEAR allowed and public: on the very next request.
        new = write_policy(self.dir, "pol", name="pol-v2.json", clear_public=True,
                           tlp_default="CLEAR")
        self.hub.admin("policy", "set", "pol", new)
        item = member.post(post_item("pol", "threat", tlp="CLEAR"))
        self.assertIn(item["item_id"], [i["id"] for i in anon.history("pol")["items"]])
        rows = {r["circle"]: r for r in member.ok({"type": "circles"}, "circles")["circles"]}
        self.assertEqual((sorted(rows["pol"]["tlp_allowed"]), rows["pol"]["tlp_default"]),
                         (sorted(TLPS), "CLEAR"))
        # An invalid file is refused by `policy set` and changes nothing.
        bad = write_policy(self.dir, "pol", name="pol-bad.json",
                           doc=dict(policy_doc("pol"), clear_public="sometimes"))
        r = self.hub.admin("policy", "set", "pol", bad, check=False)
        self.assertEqual(r.rc, 6, r)
        self.assertIn("pol-bad.json", r.stderr)
        self.assertIn(": clear_public", r.stderr)
        self.assertIn(item["item_id"], [i["id"] for i in anon.history("pol")["items"]])
        shown = self.hub.admin("policy", "show", "pol", json=True)
        self.assertTrue(shown.get("clear_public", shown.get("policy", {}).get("clear_public")),
                        shown)

    def reload_scenario(self, reload):
        """Start with GREEN+AMBER, reload a valid edit (CLEAR added), then an invalid
        edit: the valid edit stays in force and the hub log says so."""
        add_circle(self.hub, "rel", allowed=["GREEN", "AMBER"], tlp_default="GREEN")
        cast = self.cast(["rel"])
        member = cast.c("member")
        member.error({"type": "post", "item": post_item("rel", "threat", tlp="CLEAR")},
                     "not_allowed")
        write_policy(self.dir, "rel", allowed=["CLEAR", "GREEN", "AMBER"], tlp_default="GREEN")
        reload(ok=True)
        harness.wait_until(lambda: member.request({"type": "post", "item": post_item(
            "rel", "threat", tlp="CLEAR")})["type"] == "posted", harness.ADMIN_PICKUP,
            what="the edited policy in force")
        log_before = len(self.hub.run_log())
        # Now break the file: unknown label in tlp.allowed.
        broken = policy_doc("rel", allowed=["CLEAR", "GREEN", "AMBER"], tlp_default="GREEN")
        broken["tlp"]["allowed"].append("PURPLE")
        write_policy(self.dir, "rel", doc=broken)
        told = reload(ok=False)

        def said_so():
            # `policy reload` refuses before signalling, and says so itself;
            # after SIGHUP the hub's log must.
            text = told if told is not None else self.hub.run_log()[log_before:]
            return "rel.json" in text and "tlp.allowed" in text and \
                ("keep" in text.lower() or "previous" in text.lower())
        harness.wait_until(said_so, harness.ADMIN_PICKUP + 2,
                           what="a message saying the previous policy stays in force")
        # The previous (valid, edited) policy is still in force.
        self.assertEqual(member.post(post_item("rel", "threat", tlp="CLEAR"))["status"],
                         "published")
        member.error({"type": "post", "item": post_item("rel", "threat", tlp="RED",
                                                        recipients=[cast.user["member2"]])},
                     "not_allowed")
        rows = {r["circle"]: r for r in member.ok({"type": "circles"}, "circles")["circles"]}
        self.assertEqual(sorted(rows["rel"]["tlp_allowed"]), ["AMBER", "CLEAR", "GREEN"])
        # Still in force after any other admin change makes the hub re-read.
        self.hub.admin("org", "add", "f-unrelated")
        self.assertEqual(member.post(post_item("rel", "threat", tlp="CLEAR"))["status"],
                         "published")
        self.hub.check_alive()
        # Fixed again: the fix applies.
        write_policy(self.dir, "rel", allowed=["GREEN"], tlp_default="GREEN")
        reload(ok=True)
        harness.wait_until(lambda: member.request({"type": "post", "item": post_item(
            "rel", "threat", tlp="CLEAR")}).get("code") == "not_allowed", harness.ADMIN_PICKUP,
            what="the fixed policy in force")

    def test_sighup_reload_keeps_previous_policy_on_invalid_file(self):
        def reload(ok):
            self.hub.proc.send_signal(signal.SIGHUP)
        self.reload_scenario(reload)

    def test_admin_policy_reload_keeps_previous_policy_on_invalid_file(self):
        def reload(ok):
            r = self.hub.admin("policy", "reload", check=False)
            if ok:
                self.assertEqual(r.rc, 0, r)
            else:
                self.assertNotEqual(r.rc, 0, "policy reload accepted an invalid file")
                self.assertIn("rel.json", r.stderr)
                self.assertIn("tlp.allowed", r.stderr)
                return r.stderr
            return None
        self.reload_scenario(reload)

    def test_policy_file_for_another_circle_is_refused(self):
        add_circle(self.hub, "one")
        other = write_policy(self.dir, "two")
        r = self.hub.admin("policy", "set", "one", other, check=False)
        self.assertEqual(r.rc, 6, r)
        self.assertIn("two.json", r.stderr)
        self.assertIn(": circle", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
