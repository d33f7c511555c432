#!/usr/bin/python3
"""19 indicators: validation, normalisation, benign flags, validity window.

Posted indicators are validated and normalised by the hub (common/indicator.h):
defanged and mixed-case values arrive normalised on every read path (deliver,
get, history, the public feed) and in the preview; an invalid one is refused
with invalid_field naming its position and the reason, and nothing of that
post is stored or delivered. Duplicates after normalisation are merged; the
same value with another role is refused. Known-benign values are flagged with
"benign", from the built-in list and from the operator's benign_file, which
is re-read on SIGHUP (a bad file then keeps the previous list) and refuses
start with FILE:LINE when a line is bad. valid_from/valid_until are kept and
shown (also by `kairan get`), and an expired indicator leaves
GET /feed/CIRCLE.json unless ?include_expired=1. The anonymiser still keeps
attacker indicators and their defanged mention in the body byte for byte and
removes the author's own ones, defanged or not. `kairan post --preview` shows
what was normalised.
"""
import json
import os
import signal
import tempfile
import unittest

import harness
from harness import HubTestCase, add_circle, http_get, make_item, policy_doc, wait_until

PUB = "ind-pub"
SHA256_TEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SHA256_TOOL = "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3"

BENIGN_FILE = f"""# known-benign values of this test hub
cidr 192.0.0.0/29   # 事務局の監視サーバ
sha256 {SHA256_TOOL.upper()}  # 社内ツールのハッシュ

domain updates[.]kairan-vendor.jp
"""


def ind(t, v, role="attacker", **kw):
    return dict({"type": t, "value": v, "role": role}, **kw)


class IndicatorTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        fd, cls.benign_path = tempfile.mkstemp(prefix="kairan-benign-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(BENIGN_FILE)
        cls.addClassCleanup(os.unlink, cls.benign_path)
        cls.hub = hub = cls.start_class_hub(config={"benign_file": cls.benign_path})
        cls.fx = fx = harness.setup_two_circles(hub)
        add_circle(hub, PUB, kind="public",
                   policy=policy_doc(PUB, clear_public=True, allowed=["CLEAR", "GREEN"]))
        for org in (fx.author_org, fx.peer_org):
            hub.admin("member", "add", PUB, org)
        hub.wait_role(fx.token["author"], PUB, "member")
        hub.wait_role(fx.token["peer"], PUB, "member")
        cls.author = hub.client(fx.token["author"], label="author")
        cls.peer = hub.client(fx.token["peer"], label="peer")

    def post_and_read(self, item):
        posted = self.author.post(item)
        return self.peer.get(posted["item_id"])

    # -- normalisation ---------------------------------------------------------

    def test_defanged_and_mixed_case_arrive_normalised(self):
        given = [
            ind("url", "hxxps://Login-Secure-Bank[.]Example/IB/Logon.html"),
            ind("domain", "Login-Secure-Bank[dot]EXAMPLE."),
            ind("email", "Support[@]login-secure-bank(.)example"),
            ind("ipv4", "198[.]51[.]100[.]23"),
            ind("ipv6", "2001:0DB8:0000:0000:0000:0000:0000:0023"),
            ind("cidr", "203.0.113[.]0/24"),
            {"type": "sha256", "value": SHA256_TEST.upper()},
            ind("sha512", "CF83E1357EEFB8BDF1542850D66D8007D620E4050B5715DC83F4A921D36CE9CE"
                          "47D0D13C5D85F2B0FF8318D2877EEC2F63B931BD47417A81A538327AF927DA3E"),
            ind("cve", "cve-2024-3400"),
            ind("asn", "64501"),
            ind("domain", "ｅｖｉｌ．ｅｘａｍｐｌｅ"),
        ]
        want = [
            "https://login-secure-bank.example/IB/Logon.html", "login-secure-bank.example",
            "Support@login-secure-bank.example", "198.51.100.23", "2001:db8::23",
            "203.0.113.0/24", SHA256_TEST,
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
            "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
            "CVE-2024-3400", "AS64501", "evil.example",
        ]
        live = self.hub.client(self.fx.token["peer"], label="live")
        live.subscribe([self.fx.circle])
        item = make_item(self.fx.circle, indicators=given)
        pv = self.author.ok({"type": "post", "item": item, "preview": True}, "preview")
        self.assertEqual([i["value"] for i in pv["item"]["indicators"]], want)
        posted = self.author.post(item)
        delivered = live.deliver(timeout=harness.DELIVER_WITHIN + 1)
        got = self.peer.get(posted["item_id"])
        hist = [i for i in self.peer.history_all(self.fx.circle)
                if i["id"] == posted["item_id"]][0]
        for where, it in (("deliver", delivered), ("get", got), ("history", hist)):
            with self.subTest(path=where):
                self.assertEqual([i["value"] for i in it["indicators"]], want)
                self.assertEqual([i["type"] for i in it["indicators"]],
                                 [i["type"] for i in given])
                self.assertEqual(it["indicators"][6]["role"], "unknown")
        self.assertEqual(got["indicators"], pv["item"]["indicators"])

    def test_invalid_indicator_refused_and_nothing_stored(self):
        c = self.fx.circle
        good = [ind("domain", "evil.example"), ind("ipv4", "198.51.100.9"),
                ind("cve", "CVE-2024-3400")]
        cases = [
            # (indicator at position 3, error code, exact message)
            (ind("ipv4", "300.1.2.3"), "invalid_field",
             "indicators[3]: ipv4 '300.1.2.3': octet 1 is out of range (0-255)"),
            (ind("ipv4", "010.1.2.3"), "invalid_field",
             "indicators[3]: ipv4 '010.1.2.3': octet 1 has a leading zero (ambiguous: some "
             "tools read it as octal)"),
            (ind("cidr", "203.0.113.7/24"), "invalid_field",
             "indicators[3]: cidr '203.0.113.7/24': host bits are set: the network is "
             "203.0.113.0/24"),
            (ind("domain", "銀行.example"), "invalid_field",
             "indicators[3]: domain '銀行.example': non-ASCII characters: give the punycode "
             "form (xn--...); the hub does not convert internationalised names"),
            (ind("url", "evil.example/login"), "invalid_field",
             "indicators[3]: url 'evil.example/login': missing SCHEME:// (e.g. "
             "https://evil.example/)"),
            (ind("sha256", "da39a3ee5e6b4b0d3255bfef95601890afd80709"), "invalid_field",
             "indicators[3]: sha256 'da39a3ee5e6b4b0d3255bfef95601890afd80709': expected 64 "
             "hexadecimal digits, got 40 (the length of a sha1)"),
            (ind("email", "phish at evil.example"), "invalid_field",
             "indicators[3]: email 'phish at evil.example': no '@' (the defanged forms [@], "
             "(@), [at] and (at) are read)"),
            (ind("asn", "AS0"), "invalid_field",
             "indicators[3]: asn 'AS0': AS0 is reserved (RFC 7607) and never a valid origin"),
            (ind("cve", "CVE-24-1"), "invalid_field",
             "indicators[3]: cve 'CVE-24-1': expected CVE-YYYY-NNNN (4 to 19 digits, e.g. "
             "CVE-2024-3400)"),
            (ind("ipv4", "8.8.8.8", benign="mine"), "unknown_field",
             "indicators[3]: 'benign' is set by the hub (from its built-in and operator "
             "lists), not by the poster"),
            (ind("domain", "evil2.example", valid_until="2026-12-31T00:00:00+09:00"),
             "invalid_field",
             "indicators[3]: valid_until '2026-12-31T00:00:00+09:00': give the time in UTC, "
             "ending in Z: 2026-12-30T15:00:00Z"),
            (ind("domain", "evil2.example", valid_from="2026-12-01"), "invalid_field",
             "indicators[3]: valid_from '2026-12-01': a date alone is not a time: give "
             "YYYY-MM-DDTHH:MM:SSZ (e.g. 2026-12-01T00:00:00Z)"),
            (ind("domain", "evil2.example", valid_from="2026-12-01T00:00:00Z",
                 valid_until="2026-11-01T00:00:00Z"), "invalid_field",
             "indicators[3]: valid_until must be after valid_from"),
            (ind("domain", "EVIL[.]example", role="victim"), "invalid_field",
             "indicators[3]: domain 'evil.example' repeats indicators[0] with a different "
             "role or validity window"),
        ]
        live = self.hub.client(self.fx.token["peer"], label="live-bad")
        newest = live.subscribe([c])["cursor"]
        before = self.peer.history_all(c)
        for bad, code, message in cases:
            with self.subTest(value=bad["value"]):
                item = make_item(c, indicators=good + [bad, ind("ipv4", "198.51.100.10")])
                for preview in (True, False):
                    msg = {"type": "post", "item": item}
                    if preview:
                        msg["preview"] = True
                    err = self.author.error(msg, code)
                    self.assertEqual(err["message"], message)
        # Nothing of any of those posts was stored or delivered.
        live.expect_no_message(0.5)
        self.assertEqual(self.peer.history_all(c), before)
        self.assertEqual(self.hub.client(self.fx.token["peer"]).subscribe([c])["cursor"], newest)
        # The CLI shows the same message and exits 6 (rejected input).
        path = os.path.join(self.hub.tmp, "bad-item.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(make_item(c, indicators=good + [cases[0][0]]), f, ensure_ascii=False)
        rc, out, err = self.hub.cli("post", "--yes", path, token=self.fx.token["author"])
        self.assertEqual(rc, 6, err)
        self.assertIn(cases[0][2], err)

    def test_duplicates_merged_after_normalisation(self):
        got = self.post_and_read(make_item(self.fx.circle, indicators=[
            ind("domain", "dup.example"), ind("ipv4", "198.51.100.44"),
            ind("domain", "DUP[.]example."), ind("ipv4", "198[.]51[.]100[.]44")]))
        self.assertEqual([(i["type"], i["value"]) for i in got["indicators"]],
                         [("domain", "dup.example"), ("ipv4", "198.51.100.44")])
        # The same value with another window is not the same indicator: refused.
        err = self.author.error({"type": "post", "item": make_item(self.fx.circle, indicators=[
            ind("ipv4", "198.51.100.44"),
            ind("ipv4", "198.51.100.44", valid_until="2030-01-01T00:00:00Z")])}, "invalid_field")
        self.assertEqual(err["message"], "indicators[1]: ipv4 '198.51.100.44' repeats "
                                         "indicators[0] with a different role or validity window")

    # -- benign ------------------------------------------------------------------

    def test_benign_flagged_not_dropped(self):
        got = self.post_and_read(make_item(self.fx.circle, indicators=[
            ind("ipv4", "8.8.8.8", role="unknown"),
            ind("ipv6", "2606:4700:4700::1111", role="unknown"),
            ind("domain", "www.example.com"),
            ind("md5", "D41D8CD98F00B204E9800998ECF8427E"),
            ind("ipv4", "198.51.100.61"),
            ind("ipv4", "192[.]0[.]0[.]5"),     # operator: cidr 192.0.0.0/29
            ind("ipv4", "192.0.0.9"),           # outside it
            ind("sha256", SHA256_TOOL),         # operator, written upper-case in the file
            ind("url", "https://dl.updates.kairan-vendor.jp/x.zip"),  # operator domain
            ind("sha256", SHA256_TEST),
            ind("cve", "CVE-2024-3400"),
        ]))
        self.assertEqual([i.get("benign") for i in got["indicators"]], [
            "public DNS resolver (Google)", "public DNS resolver (Cloudflare)",
            "example domain (RFC 2606)", "hash of an empty file",
            "documentation range (RFC 5737)", "事務局の監視サーバ", None, "社内ツールのハッシュ",
            "on the hub operator's list", None, None])
        self.assertEqual(len(got["indicators"]), 11, "benign indicators are kept")

    def test_benign_file_reloaded_on_sighup(self):
        item = make_item(self.fx.circle, indicators=[ind("ipv4", "192.0.0.100")])
        self.assertNotIn("benign", self.post_and_read(item)["indicators"][0])
        with open(self.benign_path, "w", encoding="utf-8") as f:
            f.write(BENIGN_FILE + "ipv4 192.0.0.100 # 追加した監視サーバ\n")
        mark = len(self.hub.log())
        self.hub.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: f"benign_file {self.benign_path}: 4 values" in self.hub.log()[mark:],
                   5, what="the hub re-reading benign_file")
        self.assertEqual(self.post_and_read(item)["indicators"][0].get("benign"),
                         "追加した監視サーバ")
        # A bad file on SIGHUP keeps the list in force.
        with open(self.benign_path, "w", encoding="utf-8") as f:
            f.write("ipv4 192.0.0.101\nasn AS0\n")
        mark = len(self.hub.log())
        self.hub.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: "keeping the previous benign list" in self.hub.log()[mark:], 5,
                   what="the hub refusing the bad benign_file")
        self.assertIn(f"{self.benign_path}:2: asn 'AS0': AS0 is reserved", self.hub.log()[mark:])
        self.assertEqual(self.post_and_read(item)["indicators"][0].get("benign"),
                         "追加した監視サーバ")
        with open(self.benign_path, "w", encoding="utf-8") as f:
            f.write(BENIGN_FILE)

    # -- validity window ---------------------------------------------------------

    def test_validity_window_shown_and_expired_leave_the_feed(self):
        inds = [
            ind("domain", "old-c2.example", valid_from="2019-01-01T00:00:00Z",
                valid_until="2020-01-01T00:00:00Z"),
            ind("domain", "live-c2.example", valid_until="2099-12-31T15:00:00Z"),
            ind("sha256", SHA256_TEST),
        ]
        posted = self.author.post(make_item(PUB, tlp="CLEAR", indicators=inds))
        got = self.peer.get(posted["item_id"])
        self.assertEqual([(i["value"], i.get("valid_from"), i.get("valid_until"))
                          for i in got["indicators"]],
                         [("old-c2.example", "2019-01-01T00:00:00Z", "2020-01-01T00:00:00Z"),
                          ("live-c2.example", None, "2099-12-31T15:00:00Z"),
                          (SHA256_TEST, None, None)])
        hist = [i for i in harness.anonymous(self.hub).history_all(PUB)
                if i["id"] == posted["item_id"]]
        self.assertEqual(len(hist[0]["indicators"]), 3, "expired ones stay in history")

        def feed_values(query=""):
            status, headers, body = http_get(self.hub, f"/feed/{PUB}.json{query}")
            self.assertEqual(status, 200, body[:200])
            doc = json.loads(body)
            mine = [i for i in doc["items"] if i["id"] == posted["item_id"]]
            self.assertEqual(len(mine), 1)
            return [i["value"] for i in mine[0]["indicators"]]

        self.assertEqual(feed_values(), ["live-c2.example", SHA256_TEST])
        self.assertEqual(feed_values("?include_expired=0"), ["live-c2.example", SHA256_TEST])
        self.assertEqual(feed_values("?include_expired=1"),
                         ["old-c2.example", "live-c2.example", SHA256_TEST])
        # The stored item itself is unchanged by the feed's filtering.
        self.assertEqual(len(self.peer.get(posted["item_id"])["indicators"]), 3)

        rc, out, err = self.hub.cli("get", posted["item_id"], token=self.fx.token["peer"])
        self.assertEqual(rc, 0, err)
        self.assertIn("old-c2.example", out)
        self.assertIn("valid from 2019-01-01T00:00:00Z until 2020-01-01T00:00:00Z (expired)",
                      out)
        self.assertIn("valid until 2099-12-31T15:00:00Z\n", out)
        self.assertIn("benign: reserved top-level domain (RFC 2606)", out)

    # -- the client's preview -----------------------------------------------------

    def test_cli_preview_shows_normalisation(self):
        path = os.path.join(self.hub.tmp, "defanged.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(make_item(self.fx.circle, indicators=[
                ind("url", "hxxps://Evil[.]example/a"),
                ind("ipv4", "198.51.100.7"),
                ind("url", "https://evil.example/a"),
            ]), f, ensure_ascii=False)
        rc, out, err = self.hub.cli("post", "--preview", path, token=self.fx.token["author"])
        self.assertEqual(rc, 0, err)
        self.assertIn("Normalised by the hub:\n"
                      "  [0] url     hxxps://Evil[.]example/a -> https://evil.example/a\n"
                      "  [2] url     https://evil.example/a: the same as [0], merged\n", out)
        self.assertIn("benign: documentation range (RFC 5737)", out)

    # -- the anonymiser ----------------------------------------------------------------

    def test_anonymiser_with_defanged_input(self):
        fx = self.fx
        body = ("配布元 evil-login[.]example（連絡先 phish[at]evil-login[dot]example）。"
                "社内では vpn[dot]akane-ginko[dot]example と 10[.]1[.]2[.]3 で検知。"
                "別の送信元 info[at]other-site[dot]example も確認。")
        item = make_item(fx.circle, body=body, indicators=[
            ind("domain", "evil-login[.]example"),
            ind("email", "phish[at]evil-login[dot]example"),
            ind("domain", "vpn[dot]akane-ginko[dot]example", role="victim"),
            ind("ipv4", "10[.]1[.]2[.]3", role="victim"),
            ind("domain", "WWW.Akane-Ginko.example", role="attacker"),
        ])
        pv = self.author.ok({"type": "post", "item": item, "preview": True}, "preview")
        removed = sorted(r["original"] for r in pv["removed"] if r["field"] == "indicators")
        self.assertEqual(removed, ["10.1.2.3", "vpn.akane-ginko.example",
                                   "www.akane-ginko.example"])
        got = self.post_and_read(item)
        self.assertEqual([(i["type"], i["value"]) for i in got["indicators"]],
                         [("domain", "evil-login.example"), ("email", "phish@evil-login.example")])
        # Attacker mentions stay byte for byte, as the author wrote them (defanged).
        self.assertIn("配布元 evil-login[.]example（連絡先 phish[at]evil-login[dot]example）",
                      got["body"])
        # The author's own host and address are gone from the text, defanged or not;
        # an e-mail address that is not a kept indicator is scrubbed.
        for gone in ("akane-ginko", "10[.]1[.]2[.]3", "other-site"):
            self.assertNotIn(gone, got["body"])
        self.assertIn("[ドメイン]", got["body"])
        self.assertIn("[内部IP]", got["body"])
        self.assertIn("[メール]", got["body"])

    def test_victim_values_leave_the_text_too(self):
        """A victim-side indicator with a public value (a customer's server, a
        partner's domain) identifies the victim wherever it appears: removed
        from the list, its mentions in the title, body and tags go as well,
        plain or defanged, while the attacker's stay."""
        fx = self.fx
        item = make_item(fx.circle, title="203.0.113.77 への不正アクセス",
                         body="侵入元 198.51.100.9 から取引先 partner-shoji.example と "
                              "203[.]0[.]113[.]77 へ。",
                         tags=["partner-shoji.example"],
                         indicators=[ind("ipv4", "198.51.100.9"),
                                     ind("ipv4", "203.0.113.77", role="victim"),
                                     ind("domain", "partner-shoji.example", role="victim")])
        got = self.post_and_read(item)
        text = " ".join([got["title"], got["body"], *got["tags"]])
        self.assertNotIn("203.0.113.77", text)
        self.assertNotIn("203[.]0[.]113[.]77", text)
        self.assertNotIn("partner-shoji", text)
        self.assertIn("[被害側の指標]", got["title"])
        self.assertIn("侵入元 198.51.100.9", got["body"])
        self.assertEqual([i["value"] for i in got["indicators"]], ["198.51.100.9"])


class BenignFileStartTest(HubTestCase):
    def refused(self, content, want):
        fd, path = tempfile.mkstemp(prefix="kairan-benign-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        self.addCleanup(os.unlink, path)
        hub = harness.Hub(self.artifact_name(), config={"benign_file": path})
        self.addCleanup(hub.close)
        with self.assertRaises(AssertionError):
            hub.start()
        self.assertEqual(hub.proc.returncode, 1)
        self.assertIn(want.format(path=path), hub.run_log())

    def test_bad_line_refuses_start_with_file_and_line(self):
        self.refused("# ok so far\nipv4 198.51.100.1\nipv4 300.1.2.3 # typo\n",
                     "cannot start: benign_file {path}:3: ipv4 '300.1.2.3': octet 1 is out of "
                     "range (0-255)")

    def test_unknown_type_refuses_start(self):
        self.refused("hostname evil.example\n",
                     "cannot start: benign_file {path}:1: unknown type 'hostname'")

    def test_missing_file_refuses_start(self):
        hub = harness.Hub(self.artifact_name(),
                          config={"benign_file": "/nonexistent/kairan-benign.txt"})
        self.addCleanup(hub.close)
        with self.assertRaises(AssertionError):
            hub.start()
        self.assertIn("cannot start: benign_file /nonexistent/kairan-benign.txt: No such file",
                      hub.run_log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
