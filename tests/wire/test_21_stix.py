#!/usr/bin/python3
"""21 stix: `export` as STIX 2.1, `kairan export stix` and `kairan import stix`.

Every bundle the hub or `kairan export` hands out is validated against the
official OASIS STIX 2.1 JSON schemas (tests/data/stix2.1-json-schemas/: the
bundle, and each object against the schema of its own type) and every
pattern by a strict pattern checker (stix_check.py), besides the kairan
protocol schema every reply passes anyway.

Export: every TLP a reader may export carries its TLP 2.0 marking on every
object (identity included) and the marking definitions themselves; every
kairan indicator type has its exact pattern (a CVE is a vulnerability);
expired indicators leave unless include_expired, one valid later keeps its
window; `since` filters by creation time; pages of one item page through
everything exactly once and the CLI merges pages into the same bundle.
Denied: an outsider gets nothing of the circle (forbidden for it by name),
RED reaches nobody's export (not the recipient, not the author, not a
non-recipient), practices, pending and retracted items stay out, an
anonymous session must authenticate, and a revoked token ends the export.

Import: a bundle with TLP 1.0 ids (WHITE becomes CLEAR) and one with TLP 2.0
ids post with the right TLP, indicators and tags; an export imported into
another circle keeps every indicator; bad bundles (not JSON, not a bundle,
unknown marking, unsupported pattern, RED, a TLP the circle refuses) give
clear errors naming the object and post nothing; without a terminal and
without --yes nothing is posted; --dry-run posts nothing.

Items' created times and indicator validity windows are set in the store
directly (sqlite3), since posts are always "now" and indicator validity is
written by the indicator feature (issue 5) the hub exports.
"""
import json
import os
import re
import sqlite3
import time
import unittest

import harness
import stix_check
from harness import HubTestCase, make_item, setup_two_circles, write_policy

TLP2 = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP1 = {
    "WHITE": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "GREEN": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "AMBER": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "RED": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}

SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
SHA1 = "3395856ce81f2b7382dee72602f798b642f14140"
MD5 = "44d88612fea8a8f36de82e1278abb02f"


def ind(t, v, role="attacker"):
    return {"type": t, "value": v, "role": role}


# Every kairan indicator type and the pattern it must export as.
ALL_TYPES = [
    (ind("ipv4", "198.51.100.7"), "[ipv4-addr:value = '198.51.100.7']"),
    (ind("ipv6", "2001:db8::7", "unknown"), "[ipv6-addr:value = '2001:db8::7']"),
    (ind("cidr", "203.0.113.0/24"), "[ipv4-addr:value ISSUBSET '203.0.113.0/24']"),
    (ind("cidr", "2001:db8:4000::/36"), "[ipv6-addr:value ISSUBSET '2001:db8:4000::/36']"),
    (ind("domain", "login-secure-bank.example"),
     "[domain-name:value = 'login-secure-bank.example']"),
    (ind("url", "https://login-secure-bank.example/it's\\x"),
     "[url:value = 'https://login-secure-bank.example/it\\'s\\\\x']"),
    (ind("email", "support@login-secure-bank.example"),
     "[email-addr:value = 'support@login-secure-bank.example']"),
    (ind("md5", MD5), f"[file:hashes.MD5 = '{MD5}']"),
    (ind("sha1", SHA1), f"[file:hashes.'SHA-1' = '{SHA1}']"),
    (ind("sha256", SHA256), f"[file:hashes.'SHA-256' = '{SHA256}']"),
    (ind("asn", "AS64496"), "[autonomous-system:number = 64496]"),
]
CVE = ind("cve", "CVE-2024-3400", "attacker")


def kairan_indicator(pattern):
    """(type, value) of one exported comparison, as kairan would store it."""
    m = re.fullmatch(r"\[([a-z0-9-]+):(value|number|hashes\.(?:MD5|'SHA-1'|'SHA-256')) "
                     r"(=|ISSUBSET) (?:'((?:[^'\\]|\\.)*)'|([0-9]+))\]", pattern)
    assert m, pattern
    obj, path, op, text, number = m.groups()
    value = re.sub(r"\\(.)", r"\1", text) if text is not None else None
    if obj == "autonomous-system":
        return ("asn", f"AS{number}")
    if path.startswith("hashes"):
        return ({"hashes.MD5": "md5", "hashes.'SHA-1'": "sha1",
                 "hashes.'SHA-256'": "sha256"}[path], value)
    if obj in ("ipv4-addr", "ipv6-addr"):
        return ("cidr" if op == "ISSUBSET" or "/" in value else obj[:4], value)
    return ({"domain-name": "domain", "url": "url", "email-addr": "email"}[obj], value)


def objects_of(bundle, type_):
    return [o for o in bundle.get("objects", []) if o["type"] == type_]


def report_by_title(bundle, title):
    hits = [o for o in objects_of(bundle, "report") if o["name"] == title]
    return hits[0] if hits else None


def check_bundle(test, bundle, what):
    """OASIS schemas, patterns, references; and kairan's own rules: every object
    but the marking definitions carries exactly one TLP 2.0 marking, never RED."""
    try:
        by_id = stix_check.validate_bundle(bundle)
    except AssertionError as e:
        test.fail(f"{what}: {e}")
    markings = {o["id"] for o in objects_of(bundle, "marking-definition")}
    test.assertTrue(markings <= set(TLP2.values()) - {TLP2["RED"]}, f"{what}: {markings}")
    for o in bundle.get("objects", []):
        if o["type"] == "marking-definition":
            continue
        test.assertEqual(len(o["object_marking_refs"]), 1, f"{what}: {o['id']}")
        test.assertIn(o["object_marking_refs"][0], markings, f"{what}: {o['id']}")
    return by_id


class StixTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = hub = cls.start_class_hub()
        cls.fx = fx = setup_two_circles(hub)
        cls.t0 = time.time()
        cls.posted = {}  # label -> (item id, item as sent)
        author = hub.client(fx.token["author"], label="author")
        moderator = hub.client(fx.token["moderator"], label="moderator")
        outsider = hub.client(fx.token["outsider"], label="outsider")

        def post(label, client, item):
            reply = client.post(item)
            cls.posted[label] = (reply["item_id"], item)
            return reply["item_id"]

        post("all", author, make_item(fx.circle, "CLEAR", title="全種別の指標",
                                      indicators=[i for i, _ in ALL_TYPES] + [CVE],
                                      tags=["phishing", "銀行"]))
        for tlp in ("GREEN", "AMBER", "AMBER+STRICT"):
            post(tlp, author, make_item(fx.circle, tlp, title=f"{tlp} の報告",
                                        indicators=[ind("domain", f"{tlp.lower().replace('+', '-')}.example")]))
        post("RED", author, make_item(fx.circle, "RED", title="RED の報告",
                                      recipients=[fx.user["peer"]],
                                      indicators=[ind("ipv4", "192.0.2.66")]))
        post("alert", moderator, make_item(fx.circle, "AMBER", "alert", title="緊急注意喚起",
                                           alert={"severity": "high"},
                                           indicators=[ind("ipv4", "192.0.2.77")]))
        post("practice", author, make_item(fx.circle, "GREEN", "practice", title="契約条項の例",
                                           indicators=[]))
        post("old", author, make_item(fx.circle, "GREEN", title="一月の古い報告",
                                      indicators=[ind("domain", "old-campaign.example")]))
        post("retracted", author, make_item(fx.circle, "GREEN", title="取り下げた報告",
                                            indicators=[ind("domain", "retracted.example")]))
        author.ok({"type": "retract", "item_id": cls.posted["retracted"][0]}, "retracted")
        post("other", outsider, make_item(fx.other, "GREEN", title="他の輪の報告",
                                          indicators=[ind("domain", "other-circle.example")]))
        # The store as the indicator feature writes validity, and an older item.
        db = sqlite3.connect(os.path.join(hub.data, "kairan.db"))
        with db:
            row = db.execute("SELECT indicators FROM items WHERE id = ?",
                             (cls.posted["GREEN"][0],)).fetchone()
            inds = json.loads(row[0])
            inds.append({"type": "domain", "value": "expired.example", "role": "attacker",
                         "valid_from": "2026-01-01T00:00:00Z",
                         "valid_until": "2026-02-01T00:00:00Z"})
            inds.append({"type": "domain", "value": "later.example", "role": "attacker",
                         "valid_from": "2099-01-01T00:00:00Z",
                         "valid_until": "2099-02-01T00:00:00Z"})
            db.execute("UPDATE items SET indicators = ? WHERE id = ?",
                       (json.dumps(inds), cls.posted["GREEN"][0]))
            db.execute("UPDATE items SET created = '2026-01-05T10:00:00Z', "
                       "created_at = strftime('%s', '2026-01-05T10:00:00Z') WHERE id = ?",
                       (cls.posted["old"][0],))
        db.close()
        for c in (author, moderator, outsider):
            c.close()
        # Imports go to circles of their own, read by a user no export test uses.
        cls.import_circle = "stix-import"
        hub.admin("org", "add", "stix-importer-org", "--industry", "finance")
        harness.add_circle(hub, cls.import_circle)
        hub.admin("member", "add", cls.import_circle, "stix-importer-org")
        fx.user["importer"] = "importer-u"
        fx.token["importer"] = hub.add_user("stix-importer-org", "importer-u")
        hub.wait_role(fx.token["importer"], cls.import_circle, "member")

    # -- helpers -----------------------------------------------------------------

    def export(self, role, **fields):
        """Every page of `export` as role: (merged objects by id, pages)."""
        c = self.hub.client(self.fx.token[role], label=f"export-{role}")
        pages, after, objects = [], 0, {}
        try:
            while True:
                reply = c.ok(dict({"type": "export", "after": after}, **fields), "export")
                check_bundle(self, reply["bundle"], f"{role} page {len(pages)}")
                pages.append(reply)
                for o in reply["bundle"].get("objects", []):
                    objects.setdefault(o["id"], o)
                if not reply["more"]:
                    return objects, pages
                self.assertGreater(reply["next"], after)
                after = reply["next"]
                self.assertLess(len(pages), 100)
        finally:
            c.close()

    def titles(self, objects):
        return sorted(o["name"] for o in objects.values() if o["type"] == "report")

    def kairan(self, role, *args, rc=0, stdin=None):
        token = self.fx.token[role] if role else None
        code, out, err = self.hub.cli(*args, token=token, input=stdin)
        self.assertEqual(code, rc, f"kairan {' '.join(map(str, args))} as {role}: exit {code}\n"
                                   f"stdout: {out}\nstderr: {err}")
        return out, err

    def write(self, name, doc):
        path = os.path.join(self.hub.tmp, f"{time.monotonic_ns()}-{name}")
        with open(path, "w", encoding="utf-8") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False))
        return path

    def history(self, role, circle):
        c = self.hub.client(self.fx.token[role], label=f"history-{role}")
        try:
            return c.history_all(circle)
        finally:
            c.close()

    # -- export ------------------------------------------------------------------

    def test_what_each_reader_exports(self):
        fx, t = self.fx, lambda label: self.posted[label][1]["title"]
        in_circle = sorted(t(x) for x in ("all", "GREEN", "AMBER", "AMBER+STRICT", "alert", "old"))
        for role in ("author", "colleague", "peer", "observer", "moderator"):
            with self.subTest(role=role):
                objects, _ = self.export(role, circle=fx.circle)
                self.assertEqual(self.titles(objects), in_circle)
        # peer is in both circles; the author only in one; the outsider only in the other
        objects, _ = self.export("peer")
        self.assertEqual(self.titles(objects), sorted(in_circle + [t("other")]))
        objects, _ = self.export("author")
        self.assertEqual(self.titles(objects), in_circle)
        objects, _ = self.export("outsider")
        self.assertEqual(self.titles(objects), [t("other")])
        c = self.hub.client(fx.token["outsider"], label="outsider")
        err = c.error({"type": "export", "circle": fx.circle}, "forbidden")
        self.assertIn(fx.circle, err["message"])
        c.close()
        print(f"exported and validated bundles for 8 readers")

    def test_markings_identity_and_report(self):
        objects, _ = self.export("peer", circle=self.fx.circle)
        for label, tlp in (("all", "CLEAR"), ("GREEN", "GREEN"), ("AMBER", "AMBER"),
                           ("AMBER+STRICT", "AMBER+STRICT"), ("alert", "AMBER")):
            with self.subTest(item=label):
                item_id, sent = self.posted[label]
                report = next(o for o in objects.values()
                              if o["type"] == "report" and o["name"] == sent["title"])
                self.assertEqual(report["object_marking_refs"], [TLP2[tlp]])
                self.assertEqual(report["external_references"],
                                 [{"source_name": "kairan", "external_id": item_id}])
                self.assertEqual(report["report_types"], ["threat-report"])
                identity = objects[report["created_by_ref"]]
                self.assertEqual(identity["type"], "identity")
                self.assertEqual(identity["object_marking_refs"], [TLP2[tlp]])
                self.assertRegex(identity["name"], r"^anon-[0-9a-f]{8}$")
                for ref in report["object_refs"]:
                    self.assertEqual(objects[ref]["object_marking_refs"], [TLP2[tlp]])
                    self.assertEqual(objects[ref]["created_by_ref"], identity["id"])
                marking = objects[TLP2[tlp]]
                self.assertEqual(marking["name"], f"TLP:{tlp}")
                self.assertEqual(marking["extensions"], {
                    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                        "extension_type": "property-extension",
                        "tlp_2_0": tlp.lower()}})
        alert = next(o for o in objects.values() if o.get("name") == "緊急注意喚起")
        self.assertIn("severity:high", alert["labels"])
        # nothing names the author's organisation or user
        text = json.dumps(objects, ensure_ascii=False)
        for needle in (self.fx.author_org, self.fx.user["author"], "茜銀行", "Akane"):
            self.assertNotIn(needle, text)

    def test_every_indicator_type(self):
        objects, _ = self.export("colleague", circle=self.fx.circle)
        report = next(o for o in objects.values() if o.get("name") == "全種別の指標")
        refs = [objects[r] for r in report["object_refs"]]
        got = sorted(o["pattern"] for o in refs if o["type"] == "indicator")
        self.assertEqual(got, sorted(p for _, p in ALL_TYPES))
        vulns = [o for o in refs if o["type"] == "vulnerability"]
        self.assertEqual([(v["name"], v["external_references"]) for v in vulns],
                         [("CVE-2024-3400", [{"source_name": "cve",
                                              "external_id": "CVE-2024-3400"}])])
        for o in refs:
            if o["type"] == "indicator":
                self.assertEqual(o["pattern_type"], "stix")
                self.assertEqual(o["valid_from"], report["created"])
                self.assertNotIn("valid_until", o)
                role = next(i["role"] for i, p in ALL_TYPES if p == o["pattern"])
                self.assertEqual(o.get("indicator_types"),
                                 ["malicious-activity"] if role == "attacker" else None)
        self.assertEqual(report["labels"], ["phishing", "銀行"])

    def test_expired_indicators(self):
        title = self.posted["GREEN"][1]["title"]

        def names(objects):
            report = next(o for o in objects.values() if o.get("name") == title)
            return {objects[r]["name"]: objects[r] for r in report["object_refs"]}

        now = names(self.export("peer", circle=self.fx.circle)[0])
        self.assertEqual(sorted(now), ["green.example", "later.example"])
        self.assertEqual(now["later.example"]["valid_from"], "2099-01-01T00:00:00.000Z")
        self.assertEqual(now["later.example"]["valid_until"], "2099-02-01T00:00:00.000Z")
        every = names(self.export("peer", circle=self.fx.circle, include_expired=True)[0])
        self.assertEqual(sorted(every), ["expired.example", "green.example", "later.example"])
        self.assertEqual(every["expired.example"]["valid_until"], "2026-02-01T00:00:00.000Z")

    def test_since(self):
        fx = self.fx
        old = self.posted["old"][1]["title"]
        recent, _ = self.export("peer", circle=fx.circle, since="2026-02-01T00:00:00Z")
        self.assertNotIn(old, self.titles(recent))
        self.assertEqual(len(self.titles(recent)), 5)
        everything, _ = self.export("peer", circle=fx.circle, since="2026-01-05T10:00:00Z")
        self.assertIn(old, self.titles(everything))
        future, pages = self.export("peer", since="2099-01-01T00:00:00Z")
        self.assertEqual(future, {})
        self.assertNotIn("objects", pages[0]["bundle"])
        c = self.hub.client(fx.token["peer"], label="since")
        c.error({"type": "export", "since": "2026-02-30T00:00:00Z"}, "invalid_field", check=False)
        c.error({"type": "export", "since": "yesterday"}, "invalid_field", check=False)
        c.error({"type": "export", "limit": 0}, "invalid_field", check=False)
        c.error({"type": "export", "format": "stix"}, "unknown_field", check=False)
        c.close()
        out, err = self.kairan("peer", "export", "stix", "--since", "2026-02-01")
        self.assertEqual(len(objects_of(json.loads(out), "report")), 6)  # + the other circle
        self.kairan("peer", "export", "stix", "--since", "last week", rc=2)

    def test_paging(self):
        full, pages = self.export("peer")
        self.assertEqual(len(pages), 1)
        paged, pages = self.export("peer", limit=1)
        # 7 items, one per page (a last page may come back empty: more only
        # promises that rows follow, not that this reader may export them)
        per_page = [len(objects_of(p["bundle"], "report")) for p in pages]
        self.assertIn(len(pages), (7, 8))
        self.assertEqual(per_page, [1] * 7 + [0] * (len(pages) - 7))
        self.assertEqual([p["more"] for p in pages], [True] * (len(pages) - 1) + [False])
        self.assertEqual(paged, full)
        # the CLI merges pages into the same bundle, whatever the page size
        out1, _ = self.kairan("peer", "export", "stix")
        out2, _ = self.kairan("peer", "export", "stix", "--page-size", "1")
        b1, b2 = json.loads(out1), json.loads(out2)
        check_bundle(self, b1, "kairan export stix")
        self.assertEqual(b1, b2)
        self.assertEqual({o["id"]: o for o in b1["objects"]}, full)
        self.assertEqual(len(objects_of(b1, "marking-definition")), 4)
        self.assertEqual(len(objects_of(b1, "identity")), 7)

    def test_large_export_is_paged_by_size(self):
        """20 items of ~60 KB: pages end at about 1 MiB of STIX, not at `limit`."""
        fx, circle = self.fx, "stix-big"
        harness.add_circle(self.hub, circle)
        self.hub.admin("member", "add", circle, "stix-importer-org")
        self.hub.wait_role(fx.token["importer"], circle, "member")
        c = self.hub.client(fx.token["importer"], label="big")
        for n in range(20):
            c.post(make_item(circle, "GREEN", title=f"大きな報告 {n}",
                             body=f"{n} " + "長い本文。" * 1000 + "x" * 45000))
        sizes, reports, after = [], [], 0
        while True:
            reply = c.ok({"type": "export", "circle": circle, "after": after}, "export")
            check_bundle(self, reply["bundle"], f"big page {len(sizes)}")
            sizes.append(len(json.dumps(reply, ensure_ascii=False).encode()))
            reports += [o["name"] for o in objects_of(reply["bundle"], "report")]
            if not reply["more"]:
                break
            after = reply["next"]
        c.close()
        self.assertEqual(sorted(reports), sorted(f"大きな報告 {n}" for n in range(20)))
        self.assertGreaterEqual(len(sizes), 2, sizes)
        self.assertTrue(all(size < 1.2 * 1024 * 1024 for size in sizes), sizes)
        print(f"20 items of 60 KB: {len(sizes)} export pages of {[s // 1024 for s in sizes]} KiB")

    def test_red_pending_and_practice_never_exported(self):
        fx = self.fx
        red, _ = self.posted["RED"]
        for role in ("author", "peer", "colleague", "moderator"):
            objects, _ = self.export(role, include_expired=True)
            text = json.dumps(objects)
            with self.subTest(role=role):
                self.assertNotIn(red, text)
                self.assertNotIn(TLP2["RED"], text)
                self.assertNotIn("192.0.2.66", text)
                self.assertNotIn(self.posted["practice"][1]["title"], self.titles(objects))
                self.assertNotIn(self.posted["retracted"][0], text)
        # a pending item (a circle that holds threats for moderators)
        circle = "stix-moderated"
        harness.add_circle(self.hub, circle, moderation=["threat"])
        self.hub.admin("member", "add", circle, fx.author_org)
        self.hub.admin("member", "add", circle, fx.peer_org)
        self.hub.wait_role(fx.token["peer"], circle, "member")
        a = self.hub.client(fx.token["author"], label="author-pending")
        reply = a.post(make_item(circle, "GREEN", title="審査待ち"))
        self.assertEqual(reply["status"], "pending")
        a.close()
        for role in ("author", "peer"):
            objects, _ = self.export(role, circle=circle)
            self.assertEqual(objects, {}, role)

    def test_anonymous_and_revoked(self):
        fx = self.fx
        anon = harness.anonymous(self.hub)
        anon.error({"type": "export"}, "auth_required")
        anon.close()
        self.kairan(None, "export", "stix", rc=3)
        name, token = self.hub.new_user(fx.peer_org, prefix="stix-revoked")
        c = self.hub.client(token, label="revoked")
        reply = c.ok({"type": "export", "circle": fx.circle}, "export")
        self.assertEqual(len(objects_of(reply["bundle"], "report")), 6)
        self.hub.admin("user", "revoke", name)
        self.assertTrue(c.closed(harness.ADMIN_PICKUP + 2), "revoked session not closed")
        errs = [m for m in c.pending if m.get("type") == "error"]
        self.assertTrue(errs and errs[-1]["code"] == "auth_failed", c.pending)
        c.close()
        code, out, err = self.hub.cli("export", "stix", token=token)
        self.assertEqual(code, 3, err)
        self.assertEqual(out, "")

    def test_cli_export_file(self):
        path = os.path.join(self.hub.tmp, "export.json")
        out, err = self.kairan("peer", "export", "stix", "--circle", self.fx.circle,
                               "--include-expired", "-o", path)
        self.assertEqual(out, "")
        self.assertRegex(err, r"^kairan: wrote .*export\.json: 6 reports, \d+ indicators, "
                              r"1 vulnerabilities \(1 page\)\n$")
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        with open(path, encoding="utf-8") as f:
            bundle = json.load(f)
        check_bundle(self, bundle, "kairan export stix -o")
        self.assertIn("expired.example", json.dumps(bundle))
        self.assertEqual(os.listdir(self.hub.tmp).count("export.json"), 1)
        self.assertFalse([n for n in os.listdir(self.hub.tmp) if n.startswith("export.json.")])
        self.kairan("peer", "export", "taxii", rc=2)
        self.kairan("peer", "export", rc=2)
        out, err = self.kairan("outsider", "export", "stix", "--circle", self.fx.circle, rc=4)
        self.assertIn("forbidden", err)

    # -- import ------------------------------------------------------------------

    def bundle(self, objects):
        return {"type": "bundle", "id": f"bundle--{self.uuid()}", "objects": objects}

    def uuid(self):
        import uuid
        return str(uuid.uuid4())

    def report(self, name, marking, refs, labels=None):
        o = {"type": "report", "spec_version": "2.1", "id": f"report--{self.uuid()}",
             "created": "2026-11-21T22:00:00.000Z", "modified": "2026-11-21T22:00:00.000Z",
             "name": name, "description": f"{name} の説明", "published": "2026-11-21T22:00:00.000Z",
             "object_refs": refs, "object_marking_refs": [marking]}
        if labels:
            o["labels"] = labels
        return o

    def indicator(self, pattern, marking=None, types=("malicious-activity",)):
        o = {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{self.uuid()}",
             "created": "2026-11-21T22:00:00.000Z", "modified": "2026-11-21T22:00:00.000Z",
             "pattern": pattern, "pattern_type": "stix",
             "valid_from": "2026-11-21T22:00:00.000Z", "indicator_types": list(types)}
        if marking:
            o["object_marking_refs"] = [marking]
        return o

    def imported(self, circle, title):
        items = [i for i in self.history("importer", circle) if i["title"] == title]
        self.assertEqual(len(items), 1, f"{title!r} in {circle}: {items}")
        return items[0]

    def test_import_tlp1_and_tlp2(self):
        fx = self.fx
        for version, markings in (("1.0", {"CLEAR": TLP1["WHITE"], "GREEN": TLP1["GREEN"],
                                           "AMBER": TLP1["AMBER"]}),
                                  ("2.0", {t: TLP2[t] for t in ("CLEAR", "GREEN", "AMBER",
                                                                "AMBER+STRICT")})):
            with self.subTest(tlp=version):
                objects, titles = [], {}
                for tlp, marking in markings.items():
                    i1 = self.indicator(f"[ipv4-addr:value = '198.51.100.{len(objects) + 10}'] OR "
                                        f"[domain-name:value = 'tlp{version}-{tlp.lower().replace('+', '-')}.example']",
                                        marking)
                    title = f"TLP {version} {tlp} 取り込み"
                    titles[title] = (tlp, i1)
                    objects += [self.report(title, marking, [i1["id"]], ["stix-import"]), i1]
                path = self.write(f"tlp{version}.json", self.bundle(objects))
                out, err = self.kairan("importer", "import", "stix", path, "--circle",
                                       self.import_circle, "--yes")
                self.assertEqual(len(re.findall(r"^posted it_[0-9a-f]{16} \(cursor \d+, "
                                                r"published\)  ", out, re.M)), len(markings), out)
                for title, (tlp, i1) in titles.items():
                    item = self.imported(self.import_circle, title)
                    self.assertEqual(item["tlp"], tlp)
                    self.assertEqual(item["kind"], "threat")
                    self.assertEqual(item["body"], f"{title} の説明")
                    self.assertEqual(item["tags"], ["stix-import"])
                    want = re.findall(r"(ipv4-addr|domain-name):value = '([^']*)'", i1["pattern"])
                    kinds = {"ipv4-addr": "ipv4", "domain-name": "domain"}
                    self.assertEqual(sorted((i["type"], i["value"], i["role"])
                                            for i in item["indicators"]),
                                     sorted((kinds[k], v, "attacker") for k, v in want))

    def test_round_trip_into_another_circle(self):
        fx = self.fx
        path = os.path.join(self.hub.tmp, "round-trip.json")
        self.kairan("peer", "export", "stix", "--circle", fx.circle, "-o", path)
        with open(path, encoding="utf-8") as f:
            exported = json.load(f)
        circle = "stix-roundtrip"
        harness.add_circle(self.hub, circle)
        self.hub.admin("member", "add", circle, "stix-importer-org")
        self.hub.wait_role(fx.token["importer"], circle, "member")
        out, err = self.kairan("importer", "import", "stix", path, "--circle", circle, "--yes")
        self.assertEqual(out.count("posted it_"), 6, out)
        objects = {o["id"]: o for o in exported["objects"]}
        source = {o["name"]: o for o in objects.values() if o["type"] == "report"}
        items = {i["title"]: i for i in self.history("importer", circle)}
        self.assertEqual(sorted(items), sorted(source))
        for title, report in source.items():
            with self.subTest(title=title):
                want = set()
                for ref in report["object_refs"]:
                    o = objects[ref]
                    if o["type"] == "vulnerability":
                        want.add(("cve", o["name"]))
                    elif o["type"] == "indicator":
                        want.add(kairan_indicator(o["pattern"]))
                got = {(i["type"], i["value"]) for i in items[title]["indicators"]}
                self.assertEqual(got, want)
                tlp = next(k for k, v in TLP2.items() if v == report["object_marking_refs"][0])
                self.assertEqual(items[title]["tlp"], tlp)
                self.assertEqual(items[title]["body"], report.get("description", ""))
        every = items["全種別の指標"]
        self.assertEqual(sorted((i["type"], i["value"]) for i in every["indicators"]),
                         sorted((i["type"], i["value"]) for i, _ in ALL_TYPES + [(CVE, None)]))

    def test_bad_bundles_post_nothing(self):
        fx = self.fx
        before = len(self.history("importer", self.import_circle))
        good_ind = self.indicator("[ipv4-addr:value = '198.51.100.99']", TLP2["GREEN"])
        unknown = "marking-definition--aaaaaaaa-0000-4000-8000-00000000000f"
        bad_ind = self.indicator("[ipv4-addr:value = '198.51.100.1' AND "
                                 "ipv4-addr:value = '198.51.100.2']", TLP2["GREEN"])
        red_report = self.report("RED の取り込み", TLP2["RED"], [good_ind["id"]])
        unknown_report = self.report("不明なマーキング", unknown, [good_ind["id"]])
        cases = [
            ("not JSON", '{"type": "bundle", "objects": [', 2, "line 1"),
            ("not a bundle", {"type": "report", "id": "report--x"}, 6, "not a STIX bundle"),
            ("unknown marking", self.bundle([self.report("良い報告", TLP2["GREEN"],
                                                         [good_ind["id"]]), good_ind,
                                             unknown_report]),
             6, f"{unknown_report['id']}: unknown marking definition '{unknown}'"),
            ("unsupported pattern", self.bundle([self.report("良い報告", TLP2["GREEN"],
                                                             [good_ind["id"]]), good_ind,
                                                 self.report("悪い報告", TLP2["GREEN"],
                                                             [bad_ind["id"]]), bad_ind]),
             6, f"{bad_ind['id']}: unsupported pattern: AND is not supported"),
            ("RED", self.bundle([red_report, good_ind]), 6, f"{red_report['id']}: is TLP:RED"),
        ]
        for name, doc, rc, message in cases:
            with self.subTest(case=name):
                path = self.write("bad.json", doc)
                out, err = self.kairan("importer", "import", "stix", path, "--circle",
                                       self.import_circle, "--yes", rc=rc)
                self.assertIn(message, err)
                self.assertNotIn("posted", out)
        # the hub refuses one item (a TLP the circle does not use): nothing is posted
        circle = "stix-noamber"
        harness.add_circle(self.hub, circle, allowed=["CLEAR", "GREEN"])
        self.hub.admin("member", "add", circle, "stix-importer-org")
        self.hub.wait_role(fx.token["importer"], circle, "member")
        amber_ind = self.indicator("[ipv4-addr:value = '198.51.100.98']", TLP2["AMBER"])
        doc = self.bundle([self.report("GREEN の報告", TLP2["GREEN"], [good_ind["id"]]), good_ind,
                           self.report("AMBER の報告", TLP2["AMBER"], [amber_ind["id"]]),
                           amber_ind])
        path = self.write("amber.json", doc)
        out, err = self.kairan("importer", "import", "stix", path, "--circle", circle, "--yes",
                               rc=4)
        self.assertIn("not_allowed", err)
        self.assertIn("item 2 of 2", err)
        self.assertIn("nothing was posted", err)
        self.assertEqual(self.history("importer", circle), [])
        # no terminal and no --yes: nothing; --dry-run: nothing, but shown
        ok = self.write("ok.json", self.bundle([self.report("確認待ち", TLP2["GREEN"],
                                                            [good_ind["id"]]), good_ind]))
        out, err = self.kairan("importer", "import", "stix", ok, "--circle", self.import_circle,
                               rc=2)
        self.assertIn("not posted: review with --dry-run, then import with --yes", err)
        out, err = self.kairan("importer", "import", "stix", ok, "--circle", self.import_circle,
                               "--dry-run")
        self.assertIn("Would post 1 item to", out)
        self.assertIn("[GREEN] 確認待ち  (1 indicator)", out)
        self.kairan("importer", "import", "stix", ok, rc=2)  # no --circle
        self.assertEqual(len(self.history("importer", self.import_circle)), before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
