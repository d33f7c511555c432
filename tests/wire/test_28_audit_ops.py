#!/usr/bin/python3
"""28 hardening: token expiry, TLS versions and certificate reload, the audit
trail, online backup and file permissions.

Authentication: a token issued with `--expires` works until then; after it
the token is refused with auth_failed, and a session that authenticated
with it is closed like a revoked one, without any request of its own.
TLS: a client that offers at most TLS 1.1 is refused (and TLS 1.2 or newer
works); replacing the certificate and key files and sending SIGHUP (or
running `kairan-hub admin tls reload`) makes new connections see the new
certificate while the hub process and its open connections carry on; a
key that does not match is refused and the old certificate kept.
"""
import hashlib
import json
import os
import signal
import socket
import ssl
import subprocess
import time
import unittest

import harness
from harness import HubTestCase, setup_two_circles, wait_until


def peer_fingerprint(hub):
    """SHA-256 of the certificate the hub presents to a new connection."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((harness.HOST, hub.port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def file_fingerprint(cert_path):
    with open(cert_path, encoding="ascii") as f:
        pem = f.read()
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def make_pair(directory, name, cn):
    """A fresh self-signed P-256 certificate and key; returns (cert, key)."""
    cert, key = os.path.join(directory, f"{name}.crt"), os.path.join(directory, f"{name}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", f"/CN={cn}",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=30)
    return cert, key


def install(src, dst):
    """Replace dst by src the way an operator (or certbot) would: write a
    temporary file next to it and rename it into place."""
    tmp = dst + ".new"
    with open(src, "rb") as f, open(tmp, "wb") as g:
        g.write(f.read())
    os.chmod(tmp, 0o600)
    os.replace(tmp, dst)


class AuthTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.fx = setup_two_circles(cls.hub, suffix="-auth")

    def test_token_expiry_end_to_end(self):
        hub, fx = self.hub, self.fx
        org = fx.org["peer"]
        # A token valid for 3 seconds, printed once with its expiry.
        out = hub.admin("user", "add", org, "kikan-3s", "--expires", "3s", json=True)
        self.assertEqual(set(out), {"user", "org", "token", "expires"})
        token = out["token"]
        self.assertRegex(out["expires"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        hub.wait_token(token)
        live = hub.client(token, label="expiring")
        self.assertEqual(live.whoami()["user"], "kikan-3s")
        # An additional token with a date far enough away keeps working.
        later = hub.admin("user", "token", "kikan-3s", "--expires", "2099-01-01", check=False)
        self.assertEqual(later.rc, 2, later)  # more than 10 years away: refused
        keep = hub.admin("user", "token", "kikan-3s", "--expires", "30d", json=True)
        hub.wait_token(keep["token"])
        kept = hub.client(keep["token"], label="kept")
        # The live session is closed when its token expires, with no request of its own.
        t0 = time.monotonic()
        self.assertTrue(live.closed(timeout=6.0), "session with an expired token stayed open")
        self.assertGreater(time.monotonic() - t0, 0.5)
        final = [m for m in live.pending if m.get("type") == "error"]
        self.assertEqual([(m["code"], m["message"]) for m in final],
                         [("auth_failed", "your token expired")], list(live.pending))
        # The expired token is refused like a revoked one; the other one still works.
        fresh = hub.client(None, label="after-expiry")
        reply = fresh.error({"type": "auth", "token": token}, "auth_failed")
        self.assertEqual(reply["message"], "the token is unknown, revoked or expired")
        self.assertEqual(kept.whoami()["user"], "kikan-3s")
        listed = {u["user"]: u["tokens"] for u in hub.admin("user", "list", json=True)}
        self.assertEqual(listed["kikan-3s"], 1)

    def test_expiry_argument_checked(self):
        hub = self.hub
        for bad, why in (("yesterday", "neither a duration"), ("0d", "neither a duration"),
                         ("2001-01-01", "not in the future"), ("2026-02-30", "neither"),
                         ("12", "neither a duration")):
            with self.subTest(expires=bad):
                r = hub.admin("user", "add", self.fx.org["peer"], "kikan-bad", "--expires", bad,
                              check=False)
                self.assertEqual(r.rc, 2, r)
                self.assertIn(why, r.stderr)
        # Nothing was created by the refused commands.
        users = [u["user"] for u in hub.admin("user", "list", json=True)]
        self.assertNotIn("kikan-bad", users)
        # A date with a Japanese offset is accepted and shown in UTC.
        out = hub.admin("user", "add", self.fx.org["peer"], "kikan-jst", "--expires",
                        "2030-04-01T09:00:00+09:00", json=True)
        self.assertEqual(out["expires"], "2030-04-01T00:00:00Z")

    def test_tls_below_1_2_refused(self):
        hub = self.hub
        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.check_hostname = False
        old.verify_mode = ssl.CERT_NONE
        old.minimum_version = ssl.TLSVersion.TLSv1
        old.maximum_version = ssl.TLSVersion.TLSv1_1
        # Let this client really offer TLS 1.0/1.1 (OpenSSL 3 forbids them at its
        # default security level), so what is tested is the hub's refusal.
        old.set_ciphers("DEFAULT:@SECLEVEL=0")
        with socket.create_connection((harness.HOST, hub.port), timeout=5) as raw:
            with self.assertRaises(ssl.SSLError) as cm:
                with old.wrap_socket(raw, server_hostname="localhost"):
                    pass
        self.assertRegex(str(cm.exception), r"(?i)protocol version|unsupported protocol|"
                                            r"no protocols available")
        self.assertIn("PROTOCOL_VERSION", cm.exception.reason or "")
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            with self.subTest(version=version.name):
                ctx = hub.ssl_context()
                ctx.minimum_version = ctx.maximum_version = version
                with socket.create_connection((harness.HOST, hub.port), timeout=5) as raw:
                    with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                        self.assertEqual(tls.version(), version.name.replace("v1_", "v1."))


class CertReloadTest(HubTestCase):
    def test_reload_without_restart(self):
        hub = self.start_hub()
        fx = setup_two_circles(hub, suffix="-tls")
        cert, key = os.path.join(hub.data, "tls", "cert.pem"), os.path.join(hub.data, "tls",
                                                                              "key.pem")
        pid = hub.pid
        first = peer_fingerprint(hub)
        self.assertEqual(first, file_fingerprint(cert))
        old_ctx = hub.ssl_context()   # trusts the first certificate only
        before = hub.client(fx.token["peer"], label="open-across-reloads", ssl_ctx=old_ctx)

        # 1. New files, SIGHUP: new connections see the new certificate.
        c2, k2 = make_pair(hub.tmp, "second", "kairan second")
        install(k2, key)
        install(c2, cert)
        os.kill(pid, signal.SIGHUP)
        second = file_fingerprint(c2)
        wait_until(lambda: peer_fingerprint(hub) == second, 5, what="new certificate served")
        self.assertIn(f"SIGHUP: serving certificate {cert} (sha256 {second})", hub.run_log())
        # The hub never stopped, and the connection made before still works.
        self.assertEqual(hub.pid, pid)
        hub.check_alive()
        self.assertEqual(before.whoami()["user"], fx.user["peer"])
        # A client trusting only the new certificate now authenticates.
        fresh = hub.client(fx.token["peer"], label="trusts-second",
                           ssl_ctx=ssl.create_default_context(cafile=c2))
        self.assertEqual(fresh.whoami()["user"], fx.user["peer"])

        # 2. A key that does not belong to the certificate: refused, old pair kept.
        c3, k3 = make_pair(hub.tmp, "third", "kairan third")
        _, stray = make_pair(hub.tmp, "stray", "stray")
        install(stray, key)
        install(c3, cert)
        os.kill(pid, signal.SIGHUP)
        wait_until(lambda: "does not belong to the certificate" in hub.run_log(), 5,
                   what="mismatched pair refused")
        self.assertEqual(peer_fingerprint(hub), second)

        # 3. Fixed, and picked up through `admin tls reload` instead of a signal.
        install(k3, key)
        out = hub.admin("tls", "reload", json=True)
        self.assertEqual(out, {"ok": True})
        third = file_fingerprint(c3)
        wait_until(lambda: peer_fingerprint(hub) == third, 5, what="reload by admin command")
        self.assertIn(f"admin tls reload: serving certificate {cert} (sha256 {third})",
                      hub.run_log())
        self.assertEqual(hub.pid, pid)
        self.assertEqual(before.whoami()["user"], fx.user["peer"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
