#!/usr/bin/python3
"""32 mutual TLS: a client certificate stands for a user.

Certificates are made at test time with the openssl command-line tool: a
CA the hub trusts (tls_client_ca), another CA it does not, and client
certificates from them that are valid, expired, or about to expire.

A certificate registered to a user (`kairan-hub admin user cert USER add
FILE.pem`) authenticates a connection as that user with `auth` without a
token (auth_ok says via "certificate"), with the Python client and with
`kairan --cert --key`, and a TAXII request without Authorization too.
Removing the registration (`user cert USER remove`, `user revoke`, `user
remove`) closes the session like a revoked token; a certificate that
expires while connected closes it like an expired token. An expired
certificate, or one from a CA the hub does not trust, makes the hub refuse
the TLS handshake (TLS 1.2 and 1.3), and its log says why. A valid but
unregistered certificate is worth no more than none: `auth` without a
token is refused naming its fingerprint and the connection may still use a
token; tokens keep working for clients with and without certificates. The
admin commands refuse an unknown user, an expired certificate, a file that
holds none, and a certificate registered twice. A hub without
tls_client_ca asks for no certificate, and one whose tls_client_ca holds
none refuses to start.
"""
import hashlib
import json
import os
import socket
import ssl
import subprocess
import tempfile
import time
import http.client
import unittest
from datetime import datetime, timedelta, timezone

import harness
from harness import HubTestCase, make_item, setup_two_circles, wait_until


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=30)


def stamp(dt):
    """openssl ca -startdate/-enddate form (UTC)."""
    return dt.astimezone(timezone.utc).strftime("%Y%m%d%H%M%SZ")


class CA:
    """A certificate authority in directory/name, issuing client certificates
    with `openssl ca` (any validity period, past ones included)."""

    CONFIG = """[ca]
default_ca = kr
[kr]
dir = {dir}
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
x509_extensions = client
[any]
commonName = supplied
organizationName = optional
[client]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = clientAuth
"""

    def __init__(self, directory, name):
        self.dir = os.path.join(directory, name)
        os.mkdir(self.dir)
        self.cert = os.path.join(self.dir, "ca.pem")
        self.key = os.path.join(self.dir, "ca.key")
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", self.key, "-out", self.cert, "-days", "30", "-subj",
                f"/CN=kairan test {name}")
        open(os.path.join(self.dir, "index.txt"), "w").close()
        with open(os.path.join(self.dir, "serial"), "w") as f:
            f.write("1000\n")
        self.config = os.path.join(self.dir, "ca.cnf")
        with open(self.config, "w") as f:
            f.write(self.CONFIG.format(dir=self.dir))

    def issue(self, name, subject, start=None, end=None):
        """A client certificate and key; returns (cert, key)."""
        now = datetime.now(timezone.utc)
        start = start or now - timedelta(hours=1)
        end = end or now + timedelta(days=10)
        key = os.path.join(self.dir, f"{name}.key")
        csr = os.path.join(self.dir, f"{name}.csr")
        cert = os.path.join(self.dir, f"{name}.pem")
        openssl("req", "-utf8", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key, "-out", csr, "-subj", subject)
        openssl("ca", "-batch", "-config", self.config, "-cert", self.cert, "-keyfile",
                self.key, "-in", csr, "-out", cert, "-notext", "-startdate", stamp(start),
                "-enddate", stamp(end))
        os.chmod(key, 0o600)
        return cert, key


def fingerprint(cert):
    with open(cert, encoding="ascii") as f:
        return hashlib.sha256(ssl.PEM_cert_to_DER_cert(f.read())).hexdigest()


def colons(fp):
    return ":".join(fp[i:i + 2] for i in range(0, len(fp), 2)).upper()


def cert_ctx(hub, cert=None, key=None, version=None):
    """A client context trusting the hub, presenting cert (if given)."""
    ctx = hub.ssl_context()
    if cert:
        ctx.load_cert_chain(cert, key)
    if version:
        ctx.minimum_version = ctx.maximum_version = version
    return ctx


def tls_refusal(hub, ctx):
    """Connect with ctx and read; the SSLError the hub's refusal caused (None
    when the connection worked). Under TLS 1.3 the hub's alert arrives after
    the client's side of the handshake is done: the first read gets it."""
    with socket.create_connection((harness.HOST, hub.port), timeout=5) as raw:
        try:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.settimeout(5)
                tls.recv(1)
        except ssl.SSLError as e:
            return e
        except socket.timeout:
            return None
    return None


class MutualTLSTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kairan-mtls-")
        cls.addClassCleanup(lambda: subprocess.run(["rm", "-rf", cls.tmp]))
        cls.ca = CA(cls.tmp, "ca")
        cls.other_ca = CA(cls.tmp, "other-ca")
        now = datetime.now(timezone.utc)
        cls.certs = {
            "peer": cls.ca.issue("peer", "/O=ぼたん証券/CN=peer-soc"),
            "carol": cls.ca.issue("carol", "/CN=carol"),           # valid, never registered
            "spare": cls.ca.issue("spare", "/CN=spare"),
            "spare2": cls.ca.issue("spare2", "/CN=spare2"),
            "spare3": cls.ca.issue("spare3", "/CN=spare3"),
            "expired": cls.ca.issue("expired", "/CN=expired", start=now - timedelta(days=60),
                                    end=now - timedelta(days=30)),
            "eve": cls.other_ca.issue("eve", "/CN=eve"),          # from a CA the hub does not trust
        }
        cls.hub = cls.start_class_hub(config={"tls_client_ca": cls.ca.cert})
        cls.fx = setup_two_circles(cls.hub, suffix="-mtls")
        peer = cls.fx.user["peer"]
        out = cls.hub.admin("user", "cert", peer, "add", cls.certs["peer"][0], json=True)
        assert out["fingerprint"] == fingerprint(cls.certs["peer"][0]), out

    def cli(self, cert_name, *args, token=None):
        cert, key = self.certs[cert_name]
        return self.hub.cli("--cert", cert, "--key", key, *args, token=token)

    def cert_client(self, name, label=None):
        cert, key = self.certs[name]
        return self.hub.client(ssl_ctx=cert_ctx(self.hub, cert, key), label=label or name)

    def test_certificate_authenticates_its_user(self):
        hub, fx = self.hub, self.fx
        c = self.cert_client("peer")
        reply = c.ok({"type": "auth", "id": "a1"}, "auth_ok")
        self.assertEqual((reply["user"], reply["org"], reply["via"], reply["ref"]),
                         (fx.user["peer"], fx.org["peer"], "certificate", "a1"))
        self.assertEqual(c.whoami()["user"], fx.user["peer"])
        # The session is the user's like a token session: it posts and reads.
        posted = c.ok({"type": "post", "item": make_item(fx.circle, tlp="AMBER",
                                                         title="証明書で投稿")}, "posted")
        reader = harness.connect(hub, fx, "author")
        self.assertEqual(reader.get(posted["item_id"])["title"], "証明書で投稿")
        circles = {r["circle"] for r in c.ok({"type": "circles"}, "circles")["circles"]}
        self.assertEqual(circles, {fx.circle, fx.other})
        # A second auth on the same session is refused as for tokens.
        self.assertEqual(c.error({"type": "auth"}, "invalid_field")["message"],
                         "this session is already authenticated")
        # The registration as the operator sees it.
        rows = hub.admin("user", "cert", fx.user["peer"], "list", json=True)
        self.assertEqual([(r["user"], r["fingerprint"], r["subject"]) for r in rows],
                         [(fx.user["peer"], fingerprint(self.certs["peer"][0]),
                           "O=ぼたん証券,CN=peer-soc")])
        self.assertRegex(rows[0]["not_after"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertIn("certificate", hub.log())
        # The command line: --cert/--key, no token.
        rc, out, err = self.cli("peer", "whoami")
        self.assertEqual((rc, out.strip()), (0, f"user {fx.user['peer']} (organisation "
                                                f"{fx.org['peer']})"), err)
        rc, out, err = self.cli("peer", "--json", "get", posted["item_id"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["title"], "証明書で投稿")
        # The key may sit in the certificate file.
        both = os.path.join(self.tmp, "peer-both.pem")
        with open(both, "w") as f:
            for p in self.certs["peer"]:
                f.write(open(p).read())
        os.chmod(both, 0o600)
        rc, out, err = harness.run_cli(*hub.cli_args(), "--cert", both, "whoami")
        self.assertEqual(rc, 0, err)
        self.assertIn(fx.user["peer"], out)

    def test_taxii_without_authorization_uses_the_certificate(self):
        hub, fx = self.hub, self.fx

        def collections(ctx):
            conn = http.client.HTTPSConnection(harness.HOST, hub.port, timeout=10, context=ctx)
            try:
                conn.request("GET", "/taxii2/kairan/collections/",
                             headers={"Accept": "application/taxii+json;version=2.1"})
                r = conn.getresponse()
                body = r.read()
                return r.status, json.loads(body or b"{}")
            finally:
                conn.close()

        status, body = collections(cert_ctx(hub, *self.certs["peer"]))
        self.assertEqual(status, 200, body)
        titles = {c["alias"] for c in body.get("collections", [])}
        self.assertIn(fx.circle, titles)
        self.assertIn(fx.other, titles)
        # Without a certificate the same request is anonymous: no member circle.
        status, body = collections(cert_ctx(hub))
        self.assertEqual(status, 200, body)
        self.assertFalse({c["alias"] for c in body.get("collections", [])} &
                         {fx.circle, fx.other})
        # An unregistered certificate is anonymous too.
        status, body = collections(cert_ctx(hub, *self.certs["carol"]))
        self.assertEqual(status, 200, body)
        self.assertFalse({c["alias"] for c in body.get("collections", [])} &
                         {fx.circle, fx.other})

    def revoked_by(self, user_prefix, cert_name, revoke):
        """Register cert_name to a fresh user, open a session with it, run
        revoke(user, fp) and check the session is closed like a revoked token's."""
        hub, fx = self.hub, self.fx
        user, token = hub.new_user(fx.org["peer"], prefix=user_prefix)
        cert, key = self.certs[cert_name]
        hub.admin("user", "cert", user, "add", cert)
        fp = fingerprint(cert)

        def authed():
            c = self.cert_client(cert_name, label=f"{user_prefix}-try")
            try:
                return c.request({"type": "auth"})["type"] == "auth_ok"
            finally:
                c.close()
        wait_until(authed, harness.ADMIN_PICKUP, what="certificate accepted")
        live = self.cert_client(cert_name, label=f"{user_prefix}-live")
        self.assertEqual(live.ok({"type": "auth"}, "auth_ok")["user"], user)
        live.ok({"type": "subscribe"}, "subscribed")
        t0 = time.monotonic()
        revoke(user, fp)
        self.assertTrue(live.closed(timeout=harness.ADMIN_PICKUP + 1),
                        "a session whose certificate was revoked stayed open")
        self.assertLess(time.monotonic() - t0, harness.ADMIN_PICKUP + 1)
        finals = [(m["code"], m["message"], m["ref"]) for m in live.pending
                  if m.get("type") == "error"]
        self.assertEqual(finals, [("auth_failed", "your credentials were revoked", None)])
        # A new connection with the certificate is no longer anyone.
        again = self.cert_client(cert_name, label=f"{user_prefix}-again")
        msg = again.error({"type": "auth"}, "auth_failed")["message"]
        self.assertIn(fp, msg)
        return user, token

    def test_removed_registration_closes_the_session(self):
        user, token = self.revoked_by(
            "kaijo", "spare",
            lambda user, fp: self.hub.admin("user", "cert", user, "remove", colons(fp)))
        # The user itself is still there: its token works.
        self.assertEqual(self.hub.client(token, label="token-after").whoami()["user"], user)
        listed = self.hub.admin("user", "cert", user, "list", json=True)
        self.assertEqual(listed, [])
        # Removing it again: not found.
        r = self.hub.admin("user", "cert", user, "remove", self.certs["spare"][0], check=False)
        self.assertEqual(r.rc, 5, r)
        self.assertIn("has no certificate", r.stderr)
        # The audit trail names the command and the user, not the key.
        entries = [e for e in self.hub.admin("audit", "show", "--limit", "200", json=True)
                   if e["action"].startswith("admin user cert")]
        self.assertIn(("admin user cert add", user), [(e["action"], e["subject"])
                                                      for e in entries])
        self.assertIn(("admin user cert remove", user), [(e["action"], e["subject"])
                                                         for e in entries])

    def test_user_revoke_closes_certificate_sessions(self):
        user, _ = self.revoked_by(
            "ribooku", "spare2",
            lambda user, fp: self.hub.admin("user", "revoke", user))
        self.assertEqual(self.hub.admin("user", "cert", user, "list", json=True), [])

    def test_user_remove_closes_certificate_sessions(self):
        self.revoked_by("sakujo", "spare3",
                        lambda user, fp: self.hub.admin("user", "remove", user))

    def test_expired_and_untrusted_certificates_are_refused(self):
        hub = self.hub
        for name, reason, log_reason in (
                ("expired", "SSLV3_ALERT_CERTIFICATE_EXPIRED", "certificate has expired"),
                ("eve", "TLSV1_ALERT_UNKNOWN_CA", "unable to get local issuer certificate")):
            for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
                with self.subTest(cert=name, version=version.name):
                    err = tls_refusal(hub, cert_ctx(hub, *self.certs[name], version=version))
                    self.assertIsNotNone(err, "the hub accepted the TLS handshake")
                    self.assertEqual(err.reason, reason, err)
            cn = name
            self.assertIn(f"refused the client certificate of", hub.log())
            self.assertIn(f"(CN={cn}, depth 0): {log_reason}", hub.log())
            # The command line says what happened, exit 7 (network/TLS).
            # Under TLS 1.3 the hub's alert may be lost when the client already
            # sent its request (the hub's socket then resets): the client says
            # what the hub most likely did.
            rc, out, err = self.cli(name, "whoami")
            self.assertEqual(rc, 7, err)
            self.assertIn("refused the client certificate", err)
            if "TLS alert" in err:
                self.assertIn("certificate expired" if name == "expired" else "unknown CA", err)
            if name == "expired":
                self.assertIn(f"the client certificate {self.certs[name][0]} has expired", err)
            self.assertEqual(out, "")
        # The websocket client: no connection at all.
        with self.assertRaises((ssl.SSLError, ConnectionError, OSError, EOFError,
                                harness.websockets.exceptions.WebSocketException)):
            self.cert_client("eve")
        hub.check_alive()

    def test_tokens_still_work(self):
        hub, fx = self.hub, self.fx
        # No certificate: token and anonymous sessions as ever.
        c = hub.client(label="plain")
        self.assertEqual(c.auth(fx.token["author"])["via"], "token")
        anon = hub.client(label="anon")  # anonymous until it authenticates
        anon.error({"type": "whoami"}, "auth_required")
        rc, out, err = hub.cli("whoami", token=fx.token["author"])
        self.assertEqual(rc, 0, err)
        # A certificate and a token: the token decides, whosever the certificate is.
        both = self.cert_client("peer", label="cert+token")
        reply = both.ok({"type": "auth", "token": fx.token["author"]}, "auth_ok")
        self.assertEqual((reply["user"], reply["via"]), (fx.user["author"], "token"))
        rc, out, err = self.cli("peer", "whoami", token=fx.token["author"])
        self.assertEqual(rc, 0, err)
        self.assertIn(fx.user["author"], out)
        # An unknown token with a registered certificate is still refused.
        bad = self.cert_client("peer", label="cert+bad-token")
        self.assertEqual(bad.error({"type": "auth", "token": "krt_" + "0" * 43},
                                   "auth_failed")["message"],
                         "the token is unknown, revoked or expired")

    def test_unregistered_certificate_is_like_none(self):
        hub, fx = self.hub, self.fx
        fp = fingerprint(self.certs["carol"][0])
        c = self.cert_client("carol")
        msg = c.error({"type": "auth"}, "auth_failed")["message"]
        self.assertIn(f"sha256 {fp} is not registered to any user", msg)
        # The connection stays open and may still use a token.
        self.assertEqual(c.auth(fx.token["outsider"])["user"], fx.user["outsider"])
        # No certificate at all.
        none = hub.client(label="no-cert")
        self.assertEqual(none.error({"type": "auth"}, "auth_failed")["message"],
                         "no token given, and the connection presented no client certificate")
        self.assertEqual(none.auth(fx.token["peer"])["via"], "token")
        # The CLI: authentication failed, exit 3, the fingerprint named.
        rc, out, err = self.cli("carol", "whoami")
        self.assertEqual(rc, 3, err)
        self.assertIn(fp, err)
        # The read commands do not fall back to anonymous with a certificate.
        rc, out, err = self.cli("carol", "history", "--circle", fx.circle)
        self.assertEqual(rc, 3, err)

    def test_admin_commands_refuse_what_cannot_work(self):
        hub, fx = self.hub, self.fx
        carol = self.certs["carol"][0]
        r = hub.admin("user", "cert", "daremo-inai", "add", carol, check=False)
        self.assertEqual(r.rc, 5, r)
        self.assertIn("no user daremo-inai", r.stderr)
        r = hub.admin("user", "cert", fx.user["author"], "add", self.certs["expired"][0],
                      check=False)
        self.assertEqual(r.rc, 6, r)
        self.assertIn("expired on", r.stderr)
        r = hub.admin("user", "cert", fx.user["author"], "add", self.certs["carol"][1],
                      check=False)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("holds no PEM certificate", r.stderr)
        r = hub.admin("user", "cert", fx.user["outsider"], "add", self.certs["peer"][0],
                      check=False)
        self.assertEqual(r.rc, 6, r)
        self.assertIn(f"already registered to {fx.user['peer']}", r.stderr)
        r = hub.admin("user", "cert", fx.user["author"], "remove", "not-a-fingerprint",
                      check=False)
        self.assertEqual(r.rc, 2, r)
        r = hub.admin("user", "cert", fx.user["author"], "renew", carol, check=False)
        self.assertEqual(r.rc, 2, r)
        self.assertIn('unknown action "renew"', r.stderr)
        self.assertIn("user cert USER add FILE.pem", r.stderr)
        # Nothing of the refused commands was registered.
        self.assertEqual(hub.admin("user", "cert", fx.user["author"], "list", json=True), [])
        self.assertEqual(hub.admin("user", "cert", fx.user["outsider"], "list", json=True), [])

    def test_certificate_expiring_while_connected(self):
        hub, fx = self.hub, self.fx
        now = datetime.now(timezone.utc)
        cert, key = self.ca.issue("brief", "/CN=brief", start=now - timedelta(minutes=5),
                                  end=now + timedelta(seconds=5))
        self.certs["brief"] = (cert, key)
        user, _ = hub.new_user(fx.org["peer"], prefix="mijikai")
        hub.admin("user", "cert", user, "add", cert)
        def authed():
            c = self.cert_client("brief", label="brief-try")
            try:
                return c.request({"type": "auth"})["type"] == "auth_ok"
            finally:
                c.close()
        wait_until(authed, harness.ADMIN_PICKUP, what="certificate accepted")
        live = self.cert_client("brief", label="brief-live")
        self.assertEqual(live.ok({"type": "auth"}, "auth_ok")["via"], "certificate")
        self.assertTrue(live.closed(timeout=10), "session outlived its certificate")
        finals = [(m["code"], m["message"]) for m in live.pending if m.get("type") == "error"]
        self.assertEqual(finals, [("auth_failed", "your client certificate expired")])
        # Now the handshake itself is refused.
        self.assertIsNotNone(tls_refusal(hub, cert_ctx(hub, cert, key)))


class WithoutClientCATest(HubTestCase):
    def test_hub_without_tls_client_ca(self):
        hub = self.start_hub()
        fx = setup_two_circles(hub, suffix="-nca")
        tmp = tempfile.mkdtemp(prefix="kairan-mtls-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", tmp]))
        ca = CA(tmp, "ca")
        cert, key = ca.issue("someone", "/CN=someone")
        # The hub asks for no certificate: one offered is never sent, and an
        # auth without token says the hub takes none.
        c = hub.client(ssl_ctx=cert_ctx(hub, cert, key), label="offering")
        self.assertEqual(c.error({"type": "auth"}, "auth_failed")["message"],
                         "no token given (this hub takes no client certificates)")
        self.assertEqual(c.auth(fx.token["peer"])["via"], "token")
        r = hub.admin("user", "cert", fx.user["peer"], "add", cert, check=False)
        self.assertEqual(r.rc, 0, r)  # registering works; the hub just does not ask

    def test_bad_bundle_refuses_start(self):
        tmp = tempfile.mkdtemp(prefix="kairan-mtls-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", tmp]))
        empty = os.path.join(tmp, "empty.pem")
        with open(empty, "w") as f:
            f.write("not a certificate\n")
        for path, why in ((empty, "holds no PEM certificate"),
                          (os.path.join(tmp, "missing.pem"), "cannot read")):
            with self.subTest(path=path):
                hub = harness.Hub(self.artifact_name() + os.path.basename(path),
                                  config={"tls_client_ca": path})
                self.addCleanup(hub.close)
                with self.assertRaises(AssertionError) as cm:
                    hub.start()
                self.assertIn("exited with 1", str(cm.exception))
                self.assertRegex(hub.log(), f"cannot start: tls_client_ca: .*{why}")


class AdminUsageTest(HubTestCase):
    """`kairan-hub admin` with an unknown or no command names every noun of
    its command table (the list once stopped at the first five)."""

    def test_unknown_command_lists_every_noun(self):
        hub = harness.Hub(self.artifact_name())
        self.addCleanup(hub.close)
        help_text = hub.admin("--help")
        nouns = []
        for line in help_text.split("Commands:", 1)[1].split("Options:", 1)[0].splitlines():
            if line.startswith("  ") and not line.startswith("   "):
                noun = line.split()[0]
                if noun not in nouns:
                    nouns.append(noun)
        self.assertIn("user", nouns)
        self.assertIn("backup", nouns)
        self.assertGreaterEqual(len(nouns), 9)
        listed = ", ".join(nouns[:-1]) + " or " + nouns[-1]
        for args, message in ((("kaiin", "list"), 'unknown command "kaiin"'),
                              ((), "missing command"),
                              (("kaiin", "--help"), 'unknown command "kaiin"')):
            with self.subTest(args=args):
                r = hub.admin(*args, check=False)
                self.assertEqual(r.rc, 2, r)
                self.assertIn(f"{message} ({listed})", r.stderr)


if __name__ == "__main__":
    unittest.main()
