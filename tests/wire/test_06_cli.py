#!/usr/bin/python3
"""06 cli: the `kairan` client against a real hub.

Each subcommand in plain and --json form, posting from the example file
and from stdin, `subscribe --count 1` in the background printing a live
item within a second, every documented exit code (2 usage, 3 auth,
4 forbidden, 5 not found, 6 rejected, 7 network/TLS), the KAIRAN_URL and
KAIRAN_TOKEN variables, --token-file and --insecure.
"""
import json
import os
import shutil
import subprocess
import time
import unittest

import harness
from harness import HubTestCase, connect, make_item, run_cli, setup_two_circles

EXAMPLES = os.path.join(harness.SOURCE_DIR, "client", "examples")


def parse_json_output(test, out):
    """stdout of a --json command: one JSON document, or JSON Lines (returned as a list)."""
    text = out.strip()
    test.assertTrue(text, "no output")
    try:
        return json.loads(text)
    except ValueError:
        pass
    docs = []
    for n, line in enumerate(text.splitlines(), 1):
        try:
            docs.append(json.loads(line))
        except ValueError as e:
            test.fail(f"--json output is neither JSON nor JSON Lines (line {n}: {e}):\n{out}")
    return docs


def items_of(doc):
    """The items in a parsed `get`/`history` output, whatever the wrapping."""
    if isinstance(doc, list):
        return [d["item"] if isinstance(d, dict) and "item" in d and "id" not in d else d
                for d in doc]
    if "items" in doc:
        return doc["items"]
    if "item" in doc:
        return [doc["item"]]
    return [doc]


def check_item(item):
    """A printed item has exactly the shape readers get on the wire."""
    harness.schemas().validate_server({"type": "deliver", "item": item})


class CliTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.fx = setup_two_circles(cls.hub)
        cls.tmp = cls.hub.tmp

    def cli(self, *args, role=None, **kw):
        token = self.fx.token[role] if role else None
        return self.hub.cli(*args, token=token, **kw)

    def assert_rc(self, result, rc, stderr_has=None):
        code, out, err = result
        self.assertEqual(code, rc, f"exit {code}, expected {rc}\nstdout: {out}\nstderr: {err}")
        if stderr_has:
            self.assertIn(stderr_has, err.lower())
        return out

    def write(self, name, content, mode=0o600):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False))
        os.chmod(path, mode)
        return path

    def example(self, name):
        path = os.path.join(EXAMPLES, name)
        self.assertTrue(os.path.isfile(path), f"missing example file {path}")
        with open(path, encoding="utf-8") as f:
            item = json.load(f)
        harness.schemas().validate_item_file(item)
        return item

    def post_file(self, item, role="author"):
        path = self.write(f"item-{time.monotonic_ns()}.json", item)
        out = self.assert_rc(self.cli("--json", "post", "--yes", path, role=role), 0)
        doc = parse_json_output(self, out)
        self.assertIn("item_id", doc, doc)
        return doc

    # -- commands -------------------------------------------------------------

    def test_whoami(self):
        out = self.assert_rc(self.cli("whoami", role="peer"), 0)
        self.assertIn(self.fx.user["peer"], out)
        doc = parse_json_output(self, self.assert_rc(self.cli("--json", "whoami", role="peer"), 0))
        self.assertEqual((doc["user"], doc["org"]), (self.fx.user["peer"], self.fx.peer_org))

    def test_circles(self):
        out = self.assert_rc(self.cli("circles", role="observer"), 0)
        self.assertIn(self.fx.circle, out)
        self.assertIn(self.fx.other, out)
        self.assertIn("observer", out)
        doc = parse_json_output(self, self.assert_rc(self.cli("--json", "circles",
                                                              role="observer"), 0))
        rows = doc["circles"] if isinstance(doc, dict) else doc
        self.assertEqual({r["circle"]: r["role"] for r in rows},
                         {self.fx.circle: "observer", self.fx.other: "member"})

    def test_post_the_example_file(self):
        item = self.example("threat-green.json")
        item["circle"] = self.fx.circle
        peer = connect(self.hub, self.fx, "peer")
        peer.subscribe([self.fx.circle])
        doc = self.post_file(item)
        got = peer.deliver(timeout=harness.DELIVER_WITHIN + 1)
        self.assertEqual(got["id"], doc["item_id"])
        self.assertEqual((got["title"], got["tlp"]), (item["title"], "GREEN"))
        # Plain output names the new item too.
        path = self.write("plain.json", item)
        out = self.assert_rc(self.cli("post", "--yes", path, role="author"), 0)
        self.assertRegex(out, r"it_[0-9a-f]{16}")

    def test_every_example_file_is_accepted(self):
        # assessment-*.json are self-assessments, not items (wire test 25 submits them)
        names = sorted(n for n in os.listdir(EXAMPLES)
                       if n.endswith(".json") and not n.startswith("assessment-"))
        self.assertTrue(names, f"no examples in {EXAMPLES}")
        for name in names:
            with self.subTest(example=name):
                item = self.example(name)
                item["circle"] = self.fx.circle
                if "recipients" in item:
                    item["recipients"] = [self.fx.user["peer"]]
                # Alerts come from the secretariat under the default policy.
                role = "moderator" if item["kind"] == "alert" else "author"
                if item["kind"] == "event":
                    org_user, token = self.hub.new_user(self.fx.author_org, "organizer")
                    self.hub.admin("role", "set", self.fx.circle, org_user, "organizer")
                    self.hub.wait_role(token, self.fx.circle, "organizer")
                    path = self.write(f"ex-{name}", item)
                    self.assert_rc(self.hub.cli("post", "--yes", path, token=token), 0)
                    continue
                self.post_file(item, role=role)

    def test_post_from_stdin(self):
        item = make_item(self.fx.circle, title="stdin に書いた報告")
        out = self.assert_rc(self.cli("--json", "post", "--yes", "-", role="author",
                                      input=json.dumps(item, ensure_ascii=False)), 0)
        doc = parse_json_output(self, out)
        got = connect(self.hub, self.fx, "peer").get(doc["item_id"])
        self.assertEqual(got["title"], item["title"])

    def test_get(self):
        item = make_item(self.fx.circle, title="取得テスト get by id")
        posted = connect(self.hub, self.fx, "author").post(item)
        out = self.assert_rc(self.cli("get", posted["item_id"], role="peer"), 0)
        self.assertIn(item["title"], out)
        self.assertNotIn(self.fx.user["author"], out)
        doc = parse_json_output(self, self.assert_rc(
            self.cli("--json", "get", posted["item_id"], role="peer"), 0))
        [got] = items_of(doc)
        check_item(got)
        self.assertEqual((got["id"], got["title"]), (posted["item_id"], item["title"]))

    def test_history(self):
        author = connect(self.hub, self.fx, "author")
        posted = [author.post(make_item(self.fx.circle, title=f"history cli {n}"))
                  for n in range(4)]
        out = self.assert_rc(self.cli("history", "--circle", self.fx.circle, role="peer"), 0)
        for n in range(4):
            self.assertIn(f"history cli {n}", out)
        doc = parse_json_output(self, self.assert_rc(self.cli(
            "--json", "history", "--circle", self.fx.circle, "--since",
            str(posted[0]["cursor"]), "--limit", "2", role="peer"), 0))
        items = items_of(doc)
        for i in items:
            check_item(i)
        self.assertEqual([i["cursor"] for i in items], [p["cursor"] for p in posted[1:3]])

    def test_subscribe_count_1_prints_a_live_item_within_a_second(self):
        author = connect(self.hub, self.fx, "author")
        bg = self.hub.cli_background("subscribe", "--circle", self.fx.circle, "--count", "1",
                                     token=self.fx.token["peer"])
        try:
            posted, line = {}, None
            deadline = time.monotonic() + 20
            while line is None and time.monotonic() < deadline and bg.proc.poll() is None:
                p = author.post(make_item(self.fx.circle, title=f"live for cli {len(posted)}"))
                posted[p["item_id"]] = time.monotonic()
                line = bg.line(timeout=harness.DELIVER_WITHIN)
            self.assertIsNotNone(line, f"subscribe printed nothing; stderr: {bg.stderr()}")
            arrived, text = line
            item = json.loads(text)
            check_item(item)
            self.assertIn(item["id"], posted)
            self.assertLess(arrived - posted[item["id"]], harness.DELIVER_WITHIN)
            rc, err = bg.wait(10)
            self.assertEqual(rc, 0, err)
            self.assertIsNone(bg.line(timeout=0.1), "more than --count 1 lines")
        finally:
            bg.kill()

    def test_subscribe_since_prints_json_lines(self):
        author = connect(self.hub, self.fx, "author")
        start = author.post(make_item(self.fx.circle))["cursor"]
        posted = [author.post(make_item(self.fx.circle)) for _ in range(3)]
        code, out, err = self.cli("subscribe", "--circle", self.fx.circle, "--since", str(start),
                                  "--count", "3", role="peer", timeout=20)
        self.assertEqual(code, 0, err)
        lines = out.strip().splitlines()
        self.assertEqual(len(lines), 3, out)
        items = [json.loads(line) for line in lines]
        for i in items:
            check_item(i)
        self.assertEqual([i["id"] for i in items], [p["item_id"] for p in posted])

    # -- exit codes -------------------------------------------------------------

    def test_exit_2_usage(self):
        cases = [
            (),
            ("frobnicate",),
            ("--no-such-option", "whoami"),
            ("get",),
            ("history",),
            ("history", "--circle"),
            ("history", "--circle", self.fx.circle, "--limit", "many"),
            ("post",),
            ("post", os.path.join(self.tmp, "no-such-file.json")),
        ]
        for args in cases:
            with self.subTest(args=args):
                self.assert_rc(self.cli(*args, role="peer"), 2)

    def test_exit_3_auth(self):
        self.assert_rc(self.cli("whoami", role=None), 3)  # no token at all
        self.assert_rc(self.hub.cli("whoami", token="not-a-token"), 3)
        self.assert_rc(self.hub.cli("get", "it_0000000000000000", token="not-a-token"), 3)

    def test_exit_4_forbidden(self):
        posted = connect(self.hub, self.fx, "author").post(make_item(self.fx.circle))
        self.assert_rc(self.cli("get", posted["item_id"], role="outsider"), 4, "forbidden")
        self.assert_rc(self.cli("history", "--circle", self.fx.circle, role="outsider"), 4,
                       "forbidden")
        path = self.write("obs.json", make_item(self.fx.circle))
        self.assert_rc(self.cli("post", "--yes", path, role="observer"), 4, "forbidden")

    def test_exit_5_not_found(self):
        self.assert_rc(self.cli("get", "it_0000000000000000", role="peer"), 5)

    def test_exit_6_rejected_item(self):
        peer = connect(self.hub, self.fx, "peer")
        before = [i["id"] for i in peer.history_all(self.fx.circle)]
        bad = [
            make_item(self.fx.circle, tlp="PURPLE"),
            make_item(self.fx.circle, tlp="green"),
            make_item(self.fx.circle, kind="rumor"),
            dict(make_item(self.fx.circle), author="me"),
            make_item(self.fx.circle, title=""),
            make_item(self.fx.circle, tlp="RED"),
            make_item(self.fx.circle, tlp="RED", recipients=[self.fx.user["outsider"]]),
        ]
        for n, item in enumerate(bad):
            with self.subTest(item={k: item.get(k) for k in ("tlp", "kind", "title")}):
                path = self.write(f"bad-{n}.json", item)
                self.assert_rc(self.cli("post", "--yes", path, role="author"), 6)
        self.assertEqual([i["id"] for i in peer.history_all(self.fx.circle)], before)

    def test_exit_7_no_hub_listening(self):
        url = f"wss://127.0.0.1:{harness.free_port()}"
        self.assert_rc(run_cli("--url", url, "--ca", self.hub.ca, "--token",
                               self.fx.token["peer"], "whoami"), 7)

    @unittest.skipUnless(shutil.which("openssl"), "needs the openssl command")
    def test_exit_7_tls_failure_with_another_ca(self):
        key, cert = os.path.join(self.tmp, "other-key.pem"), os.path.join(self.tmp, "other.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=30)
        self.assert_rc(run_cli("--url", self.hub.url, "--ca", cert, "--token",
                               self.fx.token["peer"], "whoami"), 7)

    def test_exit_7_without_ca_or_insecure(self):
        # The hub's self-signed certificate is not in the system store.
        self.assert_rc(run_cli("--url", self.hub.url, "--token", self.fx.token["peer"],
                               "whoami"), 7)

    # -- configuration ------------------------------------------------------------

    def test_environment_variables(self):
        code, out, err = run_cli("--ca", self.hub.ca, "--json", "whoami",
                                 env={"KAIRAN_URL": self.hub.url,
                                      "KAIRAN_TOKEN": self.fx.token["colleague"]})
        self.assertEqual(code, 0, err)
        self.assertEqual(parse_json_output(self, out)["user"], self.fx.user["colleague"])
        # --token wins over KAIRAN_TOKEN.
        code, out, err = run_cli("--ca", self.hub.ca, "--token", self.fx.token["peer"],
                                 "--json", "whoami",
                                 env={"KAIRAN_URL": self.hub.url,
                                      "KAIRAN_TOKEN": self.fx.token["colleague"]})
        self.assertEqual(code, 0, err)
        self.assertEqual(parse_json_output(self, out)["user"], self.fx.user["peer"])

    def test_token_file(self):
        path = self.write("peer.token", self.fx.token["peer"] + "\n")
        code, out, err = run_cli("--url", self.hub.url, "--ca", self.hub.ca, "--token-file", path,
                                 "--json", "whoami")
        self.assertEqual(code, 0, err)
        self.assertEqual(parse_json_output(self, out)["user"], self.fx.user["peer"])
        missing = os.path.join(self.tmp, "no-such.token")
        self.assertEqual(run_cli("--url", self.hub.url, "--ca", self.hub.ca, "--token-file",
                                 missing, "whoami")[0], 2)

    def test_insecure(self):
        code, out, err = run_cli("--url", self.hub.url, "--insecure", "--token",
                                 self.fx.token["peer"], "--json", "whoami")
        self.assertEqual(code, 0, err)
        self.assertEqual(parse_json_output(self, out)["user"], self.fx.user["peer"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
