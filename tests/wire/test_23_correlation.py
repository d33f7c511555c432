#!/usr/bin/python3
"""23 correlation and sightings: "also in N items" and sighting aggregates
under the k rule (PROTOCOL.md, "Correlation and sightings").

Circle A (k 3) has five member organisations, circle B (k 5) two of them and
an outsider organisation. For correlation: a count appears only once three
organisations contributed items the reader may read; several items of one
organisation do not make up for missing organisations; RED items count only
for their recipients; a readable item of a stricter circle raises k (and so
withholds the count); a retracted item leaves the count; an outsider counts
nothing. For sightings: below k `withheld`, at k the aggregate, a later
false-positive report moves an organisation from seen_by to false_positive;
observers, outsiders and anonymous sessions cannot report, bad indicators are
refused and store nothing, a revoked user cannot report. No reply ever names
an organisation. The CLI guesses the indicator's type and prints the counts.
"""
import json
import unittest

import harness
from harness import HubTestCase, add_circle, make_item

A, B = "corr-a", "corr-b"
ORGS = ["kaede-bank", "kiri-shinkin", "nara-shoken", "sugi-hoken", "tochi-lease"]
OUTSIDER_ORG = "matsu-denryoku"


def ind(value, t="ipv4"):
    return {"type": t, "value": value, "role": "attacker"}


class CorrelationTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = hub = cls.start_class_hub()
        for org in ORGS + [OUTSIDER_ORG]:
            hub.admin("org", "add", org, "--industry", "finance")
        add_circle(hub, A, policy=harness.policy_doc(A, k=3))
        add_circle(hub, B, policy=harness.policy_doc(B, k=5))
        for org in ORGS:
            hub.admin("member", "add", A, org)
        for org in ORGS[:2] + [OUTSIDER_ORG]:
            hub.admin("member", "add", B, org)
        cls.tok = {}
        for i, org in enumerate(ORGS):
            cls.tok[f"u{i}"] = hub.add_user(org, f"corr-u{i}")
        cls.tok["observer"] = hub.add_user(ORGS[4], "corr-observer")
        cls.tok["outsider"] = hub.add_user(OUTSIDER_ORG, "corr-outsider")
        hub.admin("role", "set", A, "corr-observer", "observer")
        hub.wait_role(cls.tok["observer"], A, "observer")
        for t in cls.tok.values():
            hub.wait_token(t)

    def setUp(self):
        super().setUp()
        self.clients = {}  # connections last one test each

    def c(self, who):
        if who not in self.clients:
            self.clients[who] = self.hub.client(self.tok[who], label=who)
        return self.clients[who]

    def post(self, who, circle=A, indicators=(), **kw):
        return self.c(who).post(make_item(circle, indicators=list(indicators), **kw))["item_id"]

    def correlation(self, who, item_id):
        """{indicator value: correlation entry} of `get` as who."""
        r = self.c(who).ok({"type": "get", "item_id": item_id}, "item")
        values = [i["value"] for i in r["item"]["indicators"]]
        self.assertNoOrgNames(r)
        return {values[e["index"]]: e for e in r.get("correlation", [])}

    def also_in(self, who, item_id, value):
        return self.correlation(who, item_id).get(value, {}).get("also_in")

    def assertNoOrgNames(self, msg):
        text = json.dumps(msg, ensure_ascii=False)
        for org in ORGS + [OUTSIDER_ORG]:
            self.assertNotIn(org, text)
        for u in ("corr-u", "corr-observer", "corr-outsider"):
            self.assertNotIn(u, text)

    def sight(self, who, value, circle=A, fp=False, t="ipv4"):
        msg = {"type": "sight", "circle": circle, "indicator": {"type": t, "value": value}}
        if fp:
            msg["false_positive"] = True
        r = self.c(who).ok(msg, "sighted")
        self.assertNoOrgNames(r)
        return r["sightings"]

    def lookup(self, who, value, t="ipv4"):
        r = self.c(who).ok({"type": "lookup", "indicator": {"type": t, "value": value}},
                           "lookup")
        self.assertNoOrgNames(r)
        return r

    # correlation ---------------------------------------------------------

    def test_count_needs_k_organisations(self):
        x, other = "198.51.100.21", "198.51.100.22"
        first = self.post("u0", indicators=[ind(x), ind(other)])
        self.post("u1", indicators=[ind(x)])
        self.assertIsNone(self.also_in("u0", first, x), "2 organisations < k 3")
        third = self.post("u2", indicators=[ind(x)])
        self.assertEqual(self.also_in("u0", first, x), 2)
        self.assertEqual(self.also_in("u3", third, x), 2)  # any reader of circle A
        self.assertNotIn(other, self.correlation("u0", first), "shared by no other item")
        # Retraction takes an item out of the count: back under k.
        self.c("u2").ok({"type": "retract", "item_id": third}, "retracted")
        self.assertIsNone(self.also_in("u0", first, x))

    def test_many_items_of_one_organisation_are_not_enough(self):
        y = "198.51.100.31"
        first = self.post("u0", indicators=[ind(y)])
        for _ in range(3):
            self.post("u1", indicators=[ind(y)])
        self.assertIsNone(self.also_in("u0", first, y), "4 items but 2 organisations")
        self.post("u2", indicators=[ind(y)])
        self.assertEqual(self.also_in("u0", first, y), 4)

    def test_only_readable_items_count(self):
        z = "198.51.100.41"
        first = self.post("u0", indicators=[ind(z)])
        self.post("u1", indicators=[ind(z)])
        # RED to corr-u3 only: counts for the recipient, not for others.
        self.post("u2", tlp="RED", recipients=["corr-u3"], indicators=[ind(z)])
        self.assertIsNone(self.also_in("u4", first, z))
        self.assertEqual(self.also_in("u3", first, z), 2)
        self.assertEqual(self.also_in("u2", first, z), 2)  # the RED item's author
        # The outsider reads nothing of circle A: no count, no item.
        self.c("outsider").error({"type": "get", "item_id": first}, "forbidden")
        self.assertEqual(self.lookup("outsider", z)["items"], {"withheld": True})
        self.assertEqual(self.lookup("u3", z)["items"], {"in": 3})
        self.assertEqual(self.lookup("u4", z)["items"], {"withheld": True})

    def test_stricter_circle_raises_k(self):
        w = "198.51.100.51"
        first = self.post("u0", indicators=[ind(w)])
        self.post("u1", indicators=[ind(w)])
        self.post("u2", indicators=[ind(w)])
        self.assertEqual(self.also_in("u1", first, w), 2)
        # u1 also reads circle B (k 5): an item there joins u1's count, and with it
        # B's k, which three organisations do not meet. u2 (not in B) is unaffected.
        self.post("u0", circle=B, indicators=[ind(w)])
        self.assertIsNone(self.also_in("u1", first, w))
        self.assertEqual(self.also_in("u2", first, w), 2)

    # sightings -----------------------------------------------------------

    def test_sightings_under_k(self):
        s = "203.0.113.61"
        self.assertEqual(self.sight("u0", s), {"withheld": True})
        self.assertEqual(self.sight("u0", s), {"withheld": True})  # same org again
        self.assertEqual(self.sight("u1", s), {"withheld": True})
        agg = self.sight("u2", s)
        self.assertEqual((agg["reports"], agg["seen_by"], agg["false_positive"]), (4, 3, 0))
        self.assertRegex(agg["first_seen"], r"^\d{4}-\d{2}-\d{2}$")
        agg = self.sight("u1", s, fp=True)
        self.assertEqual((agg["reports"], agg["seen_by"], agg["false_positive"]), (5, 2, 1))
        # Circle B's members see B's sightings: none there.
        r = self.lookup("u1", s)
        by_circle = {e["circle"]: e for e in r["sightings"]}
        self.assertEqual(set(by_circle), {A, B})
        self.assertEqual(by_circle[B], {"circle": B, "withheld": True})
        self.assertEqual(by_circle[A]["false_positive"], 1)
        self.assertEqual(self.lookup("outsider", s)["sightings"],
                         [{"circle": B, "withheld": True}])
        # The item view of an item carrying it shows circle A's aggregate.
        item = self.post("u3", indicators=[ind(s)])
        entry = self.correlation("u4", item)[s]
        self.assertNotIn("also_in", entry)
        self.assertEqual(entry["sightings"]["seen_by"], 2)

    def test_who_may_report(self):
        s = "203.0.113.71"
        msg = {"type": "sight", "circle": A, "indicator": {"type": "ipv4", "value": s}}
        self.c("observer").error(msg, "forbidden")
        self.c("outsider").error(msg, "forbidden")
        harness.anonymous(self.hub).error(msg, "auth_required")
        self.c("u4").ok(msg, "sighted")  # a member of the observer's own org may

    def test_bad_indicators_store_nothing(self):
        s = "203.0.113.81"
        for who in ("u0", "u1"):
            self.sight(who, s)
        bad = [
            ({"type": "ip", "value": s}, "unknown_label"),
            ({"type": "ipv4", "value": ""}, "invalid_field"),
            ({"type": "ipv4", "value": "203.0.113.300"}, "invalid_field"),
            ({"type": "ipv4", "value": "203.0.113.081"}, "invalid_field"),
            ({"type": "ipv4", "value": s, "role": "attacker"}, "unknown_field"),
            ({"type": "ipv4"}, "invalid_field"),
            ("198.51.100.7", "invalid_field"),
        ]
        for indicator, code in bad:
            with self.subTest(indicator=indicator):
                self.c("u2").error({"type": "sight", "circle": A, "indicator": indicator}, code)
        self.c("u2").error({"type": "sight", "circle": A, "indicator": {"type": "ipv4",
                            "value": s}, "false_positive": "yes"}, "invalid_field")
        self.c("u2").error({"type": "lookup", "indicator": {"type": "ipv4", "value": s},
                            "circle": A}, "unknown_field")
        # Had any of them been stored, this third organisation's report would make 4+.
        agg = self.sight("u2", s)
        self.assertEqual(agg["reports"], 3)

    def test_revoked_user_cannot_report(self):
        name, token = self.hub.new_user(ORGS[3], prefix="corr-revoked")
        c = self.hub.client(token, label="revoked")
        c.ok({"type": "sight", "circle": A,
              "indicator": {"type": "ipv4", "value": "203.0.113.91"}}, "sighted")
        self.hub.admin("user", "revoke", name)
        msg = c.recv(timeout=harness.ADMIN_PICKUP)
        self.assertEqual((msg["type"], msg["code"]), ("error", "auth_failed"))
        again = self.hub.client(label="revoked-again")
        again.error({"type": "auth", "token": token}, "auth_failed")

    # the command line ----------------------------------------------------

    def test_cli(self):
        v = "198.51.100.101"
        first = self.post("u0", indicators=[ind(v)])
        self.post("u1", indicators=[ind(v)])
        self.post("u2", indicators=[ind(v)])
        rc, out, err = self.hub.cli("sight", "198[.]51[.]100[.]101", "--circle", A,
                                    token=self.tok["u3"])
        self.assertEqual(rc, 0, err)
        self.assertIn("reported to corr-a as a sighting", out)
        self.assertIn("withheld", out)
        rc, out, err = self.hub.cli("--json", "sight", v, "--circle", A, "--false-positive",
                                    token=self.tok["u4"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["indicator"], {"type": "ipv4", "value": v})
        rc, out, err = self.hub.cli("get", first, token=self.tok["u4"])
        self.assertEqual(rc, 0, err)
        self.assertIn(f"{v}: also in 2 other items", out)
        rc, out, err = self.hub.cli("lookup", v, token=self.tok["u4"])
        self.assertEqual(rc, 0, err)
        self.assertIn("items: in 3 items you may read", out)
        self.assertIn("sightings in corr-a: withheld", out)
        rc, out, err = self.hub.cli("sight", "no-such-shape", "--circle", A,
                                    token=self.tok["u3"])
        self.assertEqual(rc, 2)
        self.assertIn("--type", err)
        rc, out, err = self.hub.cli("sight", v, "--circle", A, token=self.tok["observer"])
        self.assertEqual(rc, 4, err)


if __name__ == "__main__":
    unittest.main()
