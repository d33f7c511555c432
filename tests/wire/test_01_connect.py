#!/usr/bin/python3
"""01 connect: TLS, the kairan.v1 subprotocol, auth, tokens and the auth deadline.

Allowed: a client that trusts the hub's certificate authenticates with a
valid token. Denied: plain ws to the TLS port, an untrusted certificate, an
unknown or revoked token, any request before auth. Revoked mid-stream: a
connected user whose tokens are revoked (or who is removed) gets
auth_failed and is disconnected.
"""
import os
import ssl
import time
import unittest

import websockets

import harness
from harness import Client, HubTestCase, connect, make_item, setup_two_circles


class ConnectTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.fx = setup_two_circles(cls.hub)

    def test_tls_with_ca_and_subprotocol(self):
        c = self.hub.client(label="tls")
        self.assertEqual(c.subprotocol, "kairan.v1")
        reply = c.ok({"type": "auth", "id": "a-1", "token": self.fx.token["peer"]}, "auth_ok")
        self.assertEqual(reply["ref"], "a-1")
        self.assertEqual(reply["user"], self.fx.user["peer"])
        self.assertEqual(reply["org"], self.fx.peer_org)

    def test_self_signed_cert_names_localhost_and_loopback(self):
        # The generated certificate must verify for both names clients use.
        # (always connecting to 127.0.0.1; only the name checked against the cert varies)
        for name in ("localhost", "127.0.0.1"):
            with self.subTest(server_hostname=name):
                c = Client(self.hub, server_hostname=name, label="san")
                c.auth(self.fx.token["peer"])

    def test_untrusted_certificate_is_refused(self):
        ctx = ssl.create_default_context()  # system CAs only: the hub's cert is not among them
        with self.assertRaises(ssl.SSLCertVerificationError):
            Client(self.hub, ssl_ctx=ctx, label="untrusted", open_timeout=5)
        # The hub survives the failed handshake.
        connect(self.hub, self.fx, "peer").whoami()

    def test_plain_ws_to_tls_port_fails(self):
        url = f"ws://127.0.0.1:{self.hub.port}"
        with self.assertRaises((websockets.exceptions.WebSocketException, OSError,
                                EOFError, TimeoutError)):
            Client(self.hub, url=url, label="plain", open_timeout=5)
        connect(self.hub, self.fx, "peer").whoami()

    def test_auth_ok_and_whoami(self):
        for role in ("author", "outsider"):
            with self.subTest(role=role):
                c = self.hub.client(label=role)
                reply = c.ok({"type": "auth", "token": self.fx.token[role]}, "auth_ok")
                self.assertEqual((reply["user"], reply["org"]),
                                 (self.fx.user[role], self.fx.org[role]))
                who = c.ok({"type": "whoami", "id": "w-1"}, "whoami")
                self.assertEqual(who["ref"], "w-1")
                self.assertEqual((who["user"], who["org"]), (self.fx.user[role], self.fx.org[role]))

    def test_auth_without_id_gets_null_ref(self):
        c = self.hub.client(label="noid")
        c.send({"type": "auth", "token": self.fx.token["peer"]})
        reply = c.recv()
        self.assertEqual(reply["type"], "auth_ok")
        self.assertIsNone(reply["ref"])

    def test_circles_lists_roles(self):
        got = {c["circle"]: (c["kind"], c["role"])
               for c in connect(self.hub, self.fx, "observer").ok({"type": "circles"},
                                                                  "circles")["circles"]}
        self.assertEqual(got, {self.fx.circle: ("sector", "observer"),
                               self.fx.other: ("sector", "member")})
        got = {c["circle"]: c["role"]
               for c in connect(self.hub, self.fx, "moderator").ok({"type": "circles"},
                                                                   "circles")["circles"]}
        self.assertEqual(got, {self.fx.circle: "moderator", self.fx.other: "member"})
        got = [c["circle"] for c in connect(self.hub, self.fx, "outsider").ok(
            {"type": "circles"}, "circles")["circles"]]
        self.assertEqual(got, [self.fx.other])

    def test_bad_token_auth_failed(self):
        c = self.hub.client(label="bad")
        err = c.error({"type": "auth", "id": "a-bad", "token": "not-a-token"}, "auth_failed")
        self.assertEqual(err["ref"], "a-bad")
        # A token with one character changed is as unknown as any other.
        good = self.fx.token["peer"]
        forged = good[:-1] + ("A" if good[-1] != "A" else "B")
        c2 = self.hub.client(label="forged")
        c2.error({"type": "auth", "id": "a-forged", "token": forged}, "auth_failed")
        # The hub keeps serving everyone else.
        connect(self.hub, self.fx, "peer").whoami()

    def test_oversized_and_odd_tokens_fail_cleanly(self):
        for token in ("x" * 10000, "トークン", "' OR 1=1 --", self.fx.token["peer"] + " "):
            with self.subTest(token=token[:20]):
                self.hub.client(label="odd").error({"type": "auth", "token": token},
                                                   "auth_failed")

    def test_ping_is_answered(self):
        c = connect(self.hub, self.fx, "peer")
        c.ping()
        c.whoami()

    def test_many_connections(self):
        clients = [connect(self.hub, self.fx, ("peer", "author", "outsider")[n % 3])
                   for n in range(60)]
        for c in clients:
            c.whoami()
        for c in clients:
            c.close()
        connect(self.hub, self.fx, "peer").whoami()

    def test_requests_before_auth_get_auth_required(self):
        """Without a token a session is an anonymous reader: everything but
        reads needs auth; reads see nothing of a circle that does not publish
        CLEAR (this fixture's circles do not)."""
        c = self.hub.client(label="unauth", auth=False)
        needs_auth = [
            {"type": "whoami"},
            {"type": "circles"},
            {"type": "roster", "circle": self.fx.circle},
            {"type": "post", "item": make_item(self.fx.circle)},
            {"type": "ack", "name": "n", "cursor": 1},
            {"type": "forward", "item_id": "it_0000000000000001", "to": self.fx.other},
            {"type": "retract", "item_id": "it_0000000000000001"},
            {"type": "request", "item_id": "it_0000000000000001", "action": "lower_tlp",
             "tlp": "CLEAR"},
            {"type": "requests"},
            {"type": "decide", "request_id": "pr_0000000000000001", "decision": "grant"},
            {"type": "moderation", "circle": self.fx.circle},
            {"type": "moderate", "item_id": "it_0000000000000001", "decision": "approve"},
        ]
        for i, obj in enumerate(needs_auth):
            with self.subTest(type=obj["type"]):
                obj = dict(obj, id=f"pre-{i}")
                err = c.error(obj, "auth_required")
                self.assertEqual(err["ref"], f"pre-{i}")
        # Anonymous reads: refused for a closed circle, nothing subscribed.
        c.error({"type": "history", "circle": self.fx.circle}, "forbidden")
        c.error({"type": "subscribe", "circles": [self.fx.circle]}, "forbidden")
        self.assertEqual(c.ok({"type": "subscribe"}, "subscribed")["circles"], [])
        c.ok({"type": "unsubscribe"}, "unsubscribed")
        # The same connection can still authenticate, and the post was not stored.
        c.auth(self.fx.token["author"])
        self.assertEqual(c.history(self.fx.circle)["items"], [])

    def test_token_is_stored_hashed(self):
        _, token = self.hub.new_user(self.fx.peer_org, "hashcheck")
        needle = token.encode()
        for root, _, files in os.walk(self.hub.data):
            for f in files:
                path = os.path.join(root, f)
                with open(path, "rb") as fh:
                    self.assertNotIn(needle, fh.read(), f"token in clear text in {path}")

    def test_admin_user_add_json(self):
        out = self.hub.admin("user", "add", self.fx.peer_org, "json-user", json=True)
        self.assertEqual(out["user"], "json-user")
        self.assertEqual(out["org"], self.fx.peer_org)
        self.hub.wait_token(out["token"])
        c = self.hub.client(out["token"])
        self.assertEqual(c.whoami()["user"], "json-user")

    def test_extra_token_and_revoke_all(self):
        name, t1 = self.hub.new_user(self.fx.peer_org, "multi")
        t2 = self.hub.admin("user", "token", name).strip()
        self.assertNotEqual(t1, t2)
        self.hub.wait_token(t2)
        for t in (t1, t2):
            self.assertEqual(self.hub.client(t).whoami()["user"], name)
        self.hub.admin("user", "revoke", name)
        self.wait_refused(t1)
        for t in (t1, t2):
            c = self.hub.client(label="after-revoke")
            err = c.error({"type": "auth", "id": "a-r", "token": t}, "auth_failed")
            self.assertEqual(err["ref"], "a-r")

    def test_removed_user_token_fails(self):
        name, token = self.hub.new_user(self.fx.peer_org, "gone")
        self.hub.client(token).whoami()
        self.hub.admin("user", "remove", name)
        self.wait_refused(token)
        self.hub.client(label="removed").error({"type": "auth", "token": token}, "auth_failed")

    def wait_refused(self, token):
        """Admin changes reach the running hub within data_poll_ms: poll, then assert."""
        def refused():
            c = self.hub.client(label="poll")
            return c.request({"type": "auth", "token": token})["type"] == "error"
        harness.wait_until(refused, harness.ADMIN_PICKUP, what="token refused")

    def _revoked_while_connected(self, admin_args_for):
        name, token = self.hub.new_user(self.fx.peer_org, "live")
        c = self.hub.client(token, label="victim")
        c.subscribe()
        bystander = connect(self.hub, self.fx, "peer")
        self.hub.admin(*admin_args_for(name))
        t0 = time.monotonic()
        msg = c.recv(timeout=harness.ADMIN_PICKUP)
        self.assertEqual(msg["type"], "error", msg)
        self.assertEqual(msg["code"], "auth_failed")
        self.assertIsNone(msg["ref"])
        self.assertTrue(c.closed(timeout=3), "connection stays open after auth_failed")
        self.assertLess(time.monotonic() - t0, harness.ADMIN_PICKUP + 3)
        bystander.whoami()

    def test_revoking_a_connected_user_disconnects_it(self):
        self._revoked_while_connected(lambda name: ("user", "revoke", name))

    def test_removing_a_connected_user_disconnects_it(self):
        self._revoked_while_connected(lambda name: ("user", "remove", name))


class AuthDeadlineTest(HubTestCase):
    def test_silent_connection_is_closed(self):
        hub = self.start_hub(config={"auth_timeout_ms": 400})
        fx = setup_two_circles(hub)
        authed = connect(hub, fx, "peer")
        silent = hub.client(label="silent")
        t0 = time.monotonic()
        self.assertTrue(silent.closed(timeout=4), "silent connection still open after 4s")
        elapsed = time.monotonic() - t0
        self.assertGreater(elapsed, 0.2, "closed long before auth_timeout_ms")
        # Non-auth traffic does not extend the deadline.
        chatty = hub.client(label="chatty")
        chatty.error({"type": "whoami", "id": "x"}, "auth_required")
        self.assertTrue(chatty.closed(timeout=4), "unauthenticated chatter kept the connection")
        # An authenticated connection is not subject to the deadline.
        authed.whoami()
        time.sleep(0.2)
        authed.whoami()


class TlsOffTest(HubTestCase):
    def test_tls_off_serves_plain_ws_only(self):
        hub = self.start_hub(config={"tls": "off"})
        fx = setup_two_circles(hub)
        self.assertTrue(hub.url.startswith("ws://"))
        self.assertEqual(connect(hub, fx, "peer").whoami()["user"], fx.user["peer"])
        with self.assertRaises((ssl.SSLError, OSError, EOFError, TimeoutError,
                                websockets.exceptions.WebSocketException)):
            Client(hub, url=f"wss://127.0.0.1:{hub.port}", ssl_ctx=ssl.create_default_context(),
                   label="tls-to-plain", open_timeout=5)


class ShutdownTest(HubTestCase):
    def test_sigint_is_a_clean_shutdown_too(self):
        import signal
        hub = self.start_hub()
        fx = setup_two_circles(hub)
        c = connect(hub, fx, "peer")
        c.subscribe()
        hub.stop(signal.SIGINT)  # asserts exit 0 and a clean log
        self.assertTrue(c.closed(timeout=3))

    def test_sigterm_with_open_connections(self):
        hub = self.start_hub()
        fx = setup_two_circles(hub)
        clients = [connect(hub, fx, r) for r in ("peer", "author", "outsider")]
        clients[0].subscribe()
        unauth = hub.client(label="unauth")
        hub.stop()
        for c in clients + [unauth]:
            self.assertTrue(c.closed(timeout=3))


if __name__ == "__main__":
    unittest.main(verbosity=2)
