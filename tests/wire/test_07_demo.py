#!/usr/bin/python3
"""07 demo: `kairan-hub --demo` on an empty data directory, then the README
walkthrough with the `kairan` client.

First start seeds the demo landscape and writes one token file per user
(directory 0700, files 0600); a second start on the same directory seeds
nothing and prints no token. Walkthrough: suzuki (fuji-shoken) subscribes
with --count 1 in the background, tanaka (sakura-bank) posts
client/examples/threat-green.json, the subscriber prints it; sato
(kanto-denryoku, outside fin-isac) is refused get and history with exit 4
and "forbidden" on stderr.
"""
import json
import os
import stat
import time
import unittest

import harness
from harness import HubTestCase, Client

USERS = ("tanaka", "suzuki", "sato", "yamamoto", "takahashi", "kobayashi")
EXAMPLE = os.path.join(harness.SOURCE_DIR, "client", "examples", "threat-green.json")


class DemoTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub(demo=True)
        cls.first_output = cls.hub.run_stdout() + cls.hub.run_log()
        cls.tokens_dir = os.path.join(cls.hub.data, "demo-tokens")

    def token_file(self, user):
        return os.path.join(self.tokens_dir, f"{user}.token")

    def token(self, user):
        with open(self.token_file(user), encoding="utf-8") as f:
            return f.readline().strip()

    def cli(self, user, *args, **kw):
        return harness.run_cli("--url", self.hub.url, "--ca", self.hub.ca,
                               "--token-file", self.token_file(user), *args, **kw)

    def client(self, user):
        return Client(self.hub, self.token(user), label=user)

    # -- first start -----------------------------------------------------------

    def test_01_token_files_and_modes(self):
        self.assertTrue(os.path.isdir(self.tokens_dir))
        self.assertEqual(stat.S_IMODE(os.stat(self.tokens_dir).st_mode), 0o700)
        for user in USERS:
            with self.subTest(user=user):
                path = self.token_file(user)
                self.assertTrue(os.path.isfile(path), path)
                self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
                self.assertTrue(self.token(user))
        self.assertTrue(os.path.isfile(self.hub.ca), "no self-signed certificate made")

    def test_02_walkthrough_is_printed(self):
        out = self.first_output  # stdout or stderr, either will do
        self.assertIn("kairan", out)
        for word in ("subscribe", "post", "threat-green.json"):
            self.assertIn(word, out, f"walkthrough does not mention {word!r}:\n{out}")

    def test_03_each_token_is_its_user(self):
        orgs = {"tanaka": "sakura-bank", "suzuki": "fuji-shoken", "sato": "kanto-denryoku",
                "takahashi": "sakura-bank"}
        for user in USERS:
            with self.subTest(user=user):
                reply = self.client(user).whoami()
                self.assertEqual(reply["user"], user)
                if user in orgs:
                    self.assertEqual(reply["org"], orgs[user])

    def test_04_circles_and_roles(self):
        def circles(user):
            return {c["circle"]: c["role"]
                    for c in self.client(user).ok({"type": "circles"}, "circles")["circles"]}
        self.assertEqual(circles("tanaka").get("fin-isac"), "member")
        self.assertEqual(circles("suzuki").get("fin-isac"), "member")
        self.assertEqual(circles("yamamoto").get("fin-isac"), "moderator")
        self.assertEqual(circles("takahashi").get("fin-isac"), "observer")
        self.assertNotIn("fin-isac", circles("sato"))
        self.assertIn("energy-isac", circles("sato"))
        every = set().union(*(circles(u) for u in USERS))
        self.assertTrue({"fin-isac", "energy-isac", "kanagawa-community", "public"} <= every,
                        every)

    def test_05_observer_may_not_post(self):
        with open(EXAMPLE, encoding="utf-8") as f:
            item = json.load(f)
        self.client("takahashi").error({"type": "post", "item": item}, "forbidden")

    # -- the walkthrough ---------------------------------------------------------

    def test_06_walkthrough(self):
        self.assertTrue(os.path.isfile(EXAMPLE), EXAMPLE)
        with open(EXAMPLE, encoding="utf-8") as f:
            example = json.load(f)
        self.assertEqual(example["circle"], "fin-isac")
        bg = harness.BackgroundCLI("--url", self.hub.url, "--ca", self.hub.ca, "--token-file",
                                   self.token_file("suzuki"), "subscribe", "--count", "1")
        try:
            # Post until the subscriber is live and prints one (it may start after a post).
            posted, line = {}, None
            deadline = time.monotonic() + 20
            while line is None and time.monotonic() < deadline and bg.proc.poll() is None:
                code, out, err = self.cli("tanaka", "--json", "post", "--yes", EXAMPLE)
                self.assertEqual(code, 0, err)
                doc = json.loads(out)
                posted[doc["item_id"]] = time.monotonic()
                line = bg.line(timeout=harness.DELIVER_WITHIN)
            self.assertIsNotNone(line, f"suzuki's subscribe printed nothing: {bg.stderr()}")
            arrived, text = line
            item = json.loads(text)
            harness.schemas().validate_server({"type": "deliver", "item": item})
            self.assertIn(item["id"], posted)
            self.assertLess(arrived - posted[item["id"]], harness.DELIVER_WITHIN)
            self.assertEqual((item["title"], item["circle"], item["tlp"]),
                             (example["title"], "fin-isac", example["tlp"]))
            # (the example's attacker domains imitate the bank, so look for the org key as a
            # value, not as a substring)
            for leak in ("tanaka", '"sakura-bank"', "Sakura Bank", "さくら銀行", "田中"):
                self.assertNotIn(leak, text)
            rc, err = bg.wait(10)
            self.assertEqual(rc, 0, err)
        finally:
            bg.kill()
        # sato is outside fin-isac: refused, with the reason on stderr.
        code, out, err = self.cli("sato", "get", item["id"])
        self.assertEqual(code, 4, f"stdout: {out}\nstderr: {err}")
        self.assertIn("forbidden", err.lower())
        self.assertNotIn(example["title"], out + err)
        code, out, err = self.cli("sato", "history", "--circle", "fin-isac")
        self.assertEqual(code, 4, f"stdout: {out}\nstderr: {err}")
        self.assertIn("forbidden", err.lower())
        # suzuki reads it back by id and in history.
        code, out, err = self.cli("suzuki", "get", item["id"])
        self.assertEqual(code, 0, err)
        self.assertIn(example["title"], out)
        code, out, err = self.cli("suzuki", "history", "--circle", "fin-isac")
        self.assertEqual(code, 0, err)
        self.assertIn(example["title"], out)

    # -- second start --------------------------------------------------------------

    def test_07_second_start_seeds_nothing_and_prints_no_token(self):
        tokens = {u: self.token(u) for u in USERS}
        mtimes = {u: os.stat(self.token_file(u)).st_mtime_ns for u in USERS}
        suzuki = self.client("suzuki")
        before = suzuki.history_all("fin-isac")
        circles_before = suzuki.ok({"type": "circles"}, "circles")["circles"]
        suzuki.close()
        self.hub.restart()
        printed = self.hub.run_stdout() + self.hub.run_log()
        for user, token in tokens.items():
            self.assertNotIn(token, printed, f"second start printed {user}'s token")
        for user in USERS:
            self.assertEqual(self.token(user), tokens[user])
            self.assertEqual(os.stat(self.token_file(user)).st_mtime_ns, mtimes[user])
        suzuki = self.client("suzuki")
        self.assertEqual(suzuki.history_all("fin-isac"), before)
        self.assertEqual(suzuki.ok({"type": "circles"}, "circles")["circles"], circles_before)


if __name__ == "__main__":
    unittest.main(verbosity=2)
