#!/usr/bin/python3
"""web.test_browser: the web client in a real browser against a real hub.

This wrapper starts `kairan-hub --demo` (tests/wire/harness.py: its own
data directory, a free loopback port, sanitizer checks at exit), puts
content in it through independent websocket clients -- items whose title,
body, tags, indicators, alert details, practice fields and event venue,
organiser, contact and fee carry script and HTML payloads, an AMBER report
of a circle tanaka is not in, a practice report waiting for the
secretariat, a study group in Kanagawa with two seats -- and runs
tests/web/test_browser.mjs: Debian's Chromium, headless, driven by
playwright-core, with the hub's own self-signed certificate pinned (its
SPKI hash), never "ignore certificate errors".

The browser part signs in, watches an alert posted by another browser
arrive live, posts with the anonymisation preview, reads reports and their
TLP badges, is refused an AMBER item of another circle, RSVPs, approves
from the moderation queue, switches language, and checks throughout that
no payload ever runs (no dialog, no injected element or attribute, no CSP
violation). Screenshots go to $KAIRAN_ARTIFACTS/web.test_browser/.

Afterwards this wrapper checks over the websocket that what the browser did
happened in the hub: tanaka's post was stored scrubbed, the RSVP took a
seat, the practice report was published.
"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "wire"))

import harness  # noqa: E402
from harness import Client, HubTestCase, event_details  # noqa: E402

CHROMIUM = os.environ.get("KAIRAN_CHROMIUM", "/usr/bin/chromium")
NODE_TIMEOUT = 150

# Payloads: each must show as the very text it is and do nothing.
P_SCRIPT = '<script>window.__xss="script";alert("xss-script")</script>'
P_IMG = '<img src=x onerror="window.__xss=\'img\';alert(\'xss-img\')">'
P_SVG = '<svg onload=alert("xss-svg")>'
P_IFRAME = '"><iframe src="javascript:alert(\'xss-iframe\')"></iframe>'
P_JSURL = 'javascript:alert(document.domain)'
P_CSS = '</style><style>body{display:none!important}</style>'
P_STYLE = '<div style="position:fixed;inset:0;background:red">overlay</div>'
P_LINK = '<a href="javascript:alert(\'xss-a\')">click me</a>'

BULK = 25
SECRET_TITLE = "関東電力 社内限定: 変電所制御網への不審な接続 AMBER-ONLY-T9"


def spki_hash(cert_path):
    """base64(SHA-256(SubjectPublicKeyInfo DER)) of a PEM certificate, as
    Chromium's --ignore-certificate-errors-spki-list takes it."""
    pub = subprocess.run(["openssl", "x509", "-in", cert_path, "-pubkey", "-noout"],
                         check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub,
                         check=True, capture_output=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")


def prerequisites():
    """node, Chromium and tests/web/node_modules, or a clear failure."""
    missing = []
    node = shutil.which("node")
    if not node:
        missing.append("node (Debian package nodejs)")
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (Debian package chromium)")
    if not os.path.isfile(os.path.join(HERE, "node_modules", "playwright-core", "package.json")):
        missing.append("tests/web/node_modules (npm ci in tests/web)")
    if missing:
        raise AssertionError("the browser test needs " + ", ".join(missing) +
                             ": run scripts/deps.sh test")
    return node


class BrowserTest(HubTestCase):
    def token(self, hub, user):
        with open(os.path.join(hub.data, "demo-tokens", f"{user}.token"), encoding="utf-8") as f:
            return f.readline().strip()

    def setup_content(self, hub, tok):
        """What the browser will find; returns the ids it needs."""
        suzuki = Client(hub, tok["suzuki"], label="suzuki")
        sato = Client(hub, tok["sato"], label="sato")
        yamamoto = Client(hub, tok["yamamoto"], label="yamamoto")
        kobayashi = Client(hub, tok["kobayashi"], label="kobayashi")
        ids = {}
        payload_item = {
            "kind": "threat", "circle": "fin-isac", "tlp": "GREEN",
            "title": f"偽SMSの誘導先 {P_IMG}",
            "body": "\n".join([P_SCRIPT, P_CSS, P_STYLE, P_IFRAME, P_LINK, P_JSURL]),
            "tags": [P_SVG, "<b>phishing</b>"],
            "indicators": [
                {"type": "url", "value": "http://evil.example/<script>alert(1)</script>",
                 "role": "attacker"},
                {"type": "domain", "value": "sakura-bank-login.example", "role": "attacker"},
            ],
        }
        ids["payload"] = suzuki.post(payload_item)["item_id"]
        ids["secret"] = sato.post({
            "kind": "threat", "circle": "energy-isac", "tlp": "AMBER", "title": SECRET_TITLE,
            "body": "社内限定の情報です。", "indicators": [
                {"type": "ipv4", "value": "203.0.113.77", "role": "attacker"}],
        })["item_id"]
        for sev, title in (("high", "既存アラート: 高 EXISTING-HIGH"),
                           ("low", "既存アラート: 低 EXISTING-LOW")):
            yamamoto.post({"kind": "alert", "circle": "fin-isac", "tlp": "GREEN", "title": title,
                           "body": "事務局からのお知らせ。", "alert": {"severity": sev}})
        practice = suzuki.post({
            "kind": "practice", "circle": "fin-isac", "tlp": "GREEN",
            "title": f"委託先契約の見直し {P_SCRIPT}", "body": P_IMG,
            "practice": {"directive": 9, "industry": "finance", "readers": ["ciso"], "level": 2,
                         "situation": P_CSS, "steps": P_IFRAME, "outcome": P_JSURL,
                         "references": [P_JSURL]},
        })
        self.assertEqual(practice["status"], "pending")
        ids["practice"] = practice["item_id"]
        ids["event"] = kobayashi.post({
            "kind": "event", "circle": "kanagawa-community", "tlp": "CLEAR",
            "title": f"中小企業のためのセキュリティ勉強会（横浜） {P_SVG}",
            "body": f"ランサムウェア対策の基礎。{P_SCRIPT}",
            "tags": ["study-group"],
            "event": event_details(start_in=30 * 86400, hours=2, capacity=2, venue=P_IMG[:200],
                                   organizer=P_SCRIPT[:200], contact=P_JSURL, fee=P_CSS[:100],
                                   cpe_credits=2),
        })["item_id"]
        # Enough long reports that the circle's history is one websocket
        # message well over 64 KiB (the size that broke websockets over
        # HTTP/2, see test 30).
        for i in range(BULK):
            suzuki.post({"kind": "threat", "circle": "fin-isac", "tlp": "GREEN",
                         "title": f"週次観測レポート 第{i + 1}号",
                         "body": "フィッシングサイトの観測件数と傾向。" * 250,
                         "tags": ["weekly"]})
        for c in (suzuki, sato, yamamoto, kobayashi):
            c.close()
        return ids

    def test_web_client(self):
        node = prerequisites()
        hub = self.start_hub(demo=True)
        users = ("tanaka", "suzuki", "sato", "yamamoto", "kobayashi")
        tok = {u: self.token(hub, u) for u in users}
        ids = self.setup_content(hub, tok)
        out_dir = os.path.join(harness.ARTIFACTS, "web.test_browser")
        os.makedirs(out_dir, exist_ok=True)
        fixture = {
            "url": f"https://localhost:{hub.port}/",
            "spki": spki_hash(hub.ca),
            "tokens": {u: tok[u] for u in ("tanaka", "yamamoto")},
            "ids": ids,
            "secret_title": SECRET_TITLE,
            "bulk": BULK,
            "payloads": [P_SCRIPT, P_IMG, P_SVG, P_IFRAME, P_JSURL, P_CSS, P_STYLE, P_LINK],
        }
        env = harness.child_env({"KAIRAN_WEB_ARTIFACTS": out_dir, "KAIRAN_CHROMIUM": CHROMIUM})
        t0 = time.monotonic()
        try:
            p = subprocess.run([node, os.path.join(HERE, "test_browser.mjs")],
                               input=json.dumps(fixture).encode("utf-8"), capture_output=True,
                               timeout=NODE_TIMEOUT, env=env, cwd=HERE)
        except subprocess.TimeoutExpired as e:
            raise AssertionError(f"the browser test did not finish within {NODE_TIMEOUT}s\n"
                                 f"{(e.stdout or b'').decode('utf-8', 'replace')}") from None
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        with open(os.path.join(out_dir, "browser.log"), "w", encoding="utf-8") as f:
            f.write(out + "\n--- stderr ---\n" + err)
        print(out, flush=True)
        self.assertEqual(p.returncode, 0, f"the browser test failed (rc {p.returncode})\n{err}")
        print(f"browser part: {time.monotonic() - t0:.1f}s", flush=True)
        result = json.loads(out.strip().splitlines()[-1].split("RESULT ", 1)[1])
        self.check_hub_side(hub, tok, ids, result)

    def check_hub_side(self, hub, tok, ids, result):
        """What the browser did, seen from other clients."""
        suzuki = Client(hub, tok["suzuki"], label="suzuki")
        kobayashi = Client(hub, tok["kobayashi"], label="kobayashi")
        # tanaka's post: stored scrubbed, readable by a colleague circle member.
        posted = suzuki.get(result["posted_id"])
        self.assertEqual(posted["status"], "published")
        text = json.dumps(posted, ensure_ascii=False)
        for secret in ("さくら銀行", "田中一郎", "tanaka@sakura-bank.example.jp", "03-1234-5678",
                       "10.20.30.40"):
            self.assertNotIn(secret, text)
        self.assertIn("[組織]", posted["title"])
        # the alert yamamoto posted in the browser, as suzuki reads it
        alert = suzuki.get(result["alert_id"])
        self.assertEqual(alert["kind"], "alert")
        self.assertEqual(alert["alert"]["severity"], "critical")
        # the practice report the moderator approved in the browser
        self.assertEqual(suzuki.get(ids["practice"])["status"], "published")
        # tanaka's seat at the study group
        att = kobayashi.ok({"type": "attendees", "item_id": ids["event"]}, "attendees")
        self.assertEqual([a["user"] for a in att["attending"]], ["tanaka"])
        suzuki.close()
        kobayashi.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
