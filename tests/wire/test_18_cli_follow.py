#!/usr/bin/python3
"""18 `kairan subscribe` for SIEM pipes: filters on the command line, and
`--follow --name` across a hub killed with SIGKILL: every matching alert
arrives once, in order, and nothing else reaches stdout.
"""
import json
import signal
import time
import unittest

from harness import (HubTestCase, connect, hub_policy_dir, make_item, setup_two_circles,
                     write_policy)


def alert(circle, severity, n):
    return make_item(circle, kind="alert", title=f"alert {n} ({severity})",
                     alert={"severity": severity})


class FollowTest(HubTestCase):
    def setUp(self):
        self.hub = self.start_hub()
        self.fx = setup_two_circles(self.hub)
        self.hub.admin("policy", "set", self.fx.circle,
                       write_policy(hub_policy_dir(self.hub), self.fx.circle, posts_per_hour=0))

    def wait_stderr(self, bg, text, timeout=15):
        deadline = time.monotonic() + timeout
        while text not in bg.stderr():
            self.assertIsNone(bg.proc.poll(), f"kairan exited: {bg.stderr()}")
            self.assertLess(time.monotonic(), deadline, f"no {text!r} in: {bg.stderr()}")
            time.sleep(0.05)

    def read_items(self, bg, n, timeout=15):
        items = []
        for _ in range(n):
            got = bg.line(timeout)
            self.assertIsNotNone(got, f"only {len(items)} of {n} lines; stderr: {bg.stderr()}")
            items.append(json.loads(got[1]))
        return items

    def post_alerts(self, severities, start):
        mod = connect(self.hub, self.fx, "moderator")
        posted = [(sev, mod.post(alert(self.fx.circle, sev, start + i)))
                  for i, sev in enumerate(severities)]
        mod.close()
        return [p["item_id"] for sev, p in posted if sev in ("high", "critical")]

    def test_follow_named_survives_sigkill_with_no_gap_and_no_duplicate(self):
        bg = self.hub.cli_background("subscribe", "--circle", self.fx.circle, "--name", "soc",
                                     "--follow", "--min-severity", "high",
                                     token=self.fx.token["peer"])
        try:
            self.wait_stderr(bg, "subscribed")
            want = self.post_alerts(["low", "high", "critical", "medium", "high"], 0)
            got = self.read_items(bg, len(want))
            self.hub.kill()
            time.sleep(0.5)
            self.hub.start()
            self.wait_stderr(bg, "resubscribed")
            want += self.post_alerts(["high", "info", "critical"], 10)
            got += self.read_items(bg, 2)
            self.assertEqual([i["id"] for i in got], want)
            self.assertEqual([i["cursor"] for i in got], sorted(i["cursor"] for i in got))
            self.assertTrue(all(i["alert"]["severity"] in ("high", "critical") for i in got))
            self.assertIsNone(bg.line(1.0), "an extra line after the expected stream")
            bg.proc.send_signal(signal.SIGTERM)
            rc, err = bg.wait()
            self.assertEqual(rc, 0, err)
        finally:
            bg.kill()

    def test_filter_flags_reach_the_hub(self):
        bg = self.hub.cli_background("subscribe", "--circle", self.fx.circle, "--kind", "threat",
                                     "--tag", "vpn", "--keyword", "ZeroDay", "--count", "1",
                                     token=self.fx.token["peer"])
        try:
            self.wait_stderr(bg, "subscribed")
            author = connect(self.hub, self.fx, "author")
            author.post(make_item(self.fx.circle, tags=["phishing"], title="zeroday phishing"))
            author.post(make_item(self.fx.circle, tags=["vpn"], title="vpn, nothing new"))
            want = author.post(make_item(self.fx.circle, tags=["vpn"], title="VPN zeroday"))
            got = self.read_items(bg, 1)
            self.assertEqual(got[0]["id"], want["item_id"])
            rc, err = bg.wait()
            self.assertEqual(rc, 0, err)
        finally:
            bg.kill()

    def test_bad_filter_labels_are_usage_errors(self):
        for args in (["--kind", "memo"], ["--min-severity", "urgent"],
                     ["--indicator-type", "mac"]):
            with self.subTest(args=args):
                rc, out, err = self.hub.cli("subscribe", *args, token=self.fx.token["peer"])
                self.assertEqual(rc, 2, err)
                self.assertEqual(out, "")


if __name__ == "__main__":
    unittest.main(verbosity=2)
