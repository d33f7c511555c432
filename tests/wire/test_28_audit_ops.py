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

Audit trail: admin commands, posts, moderation decisions, retractions,
forwards and exports each leave one entry, committed with the change, that names ids,
circle, kind, TLP and decision only (no title, body, indicator or
organisation name appears anywhere in the trail); refusals are recorded,
and a burst of identical refusals is one entry plus one summary with the
count. `kairan-hub admin audit verify` passes on the trail the hub wrote
and, on copies edited with the sqlite3 command-line tool, names the first
entry that was edited, deleted, reordered or forged, and the newest entries
cut off, exiting 6.

Operations: `kairan-hub admin backup FILE` copies the store while a client
keeps posting: the copy passes PRAGMA integrity_check, holds every item
acknowledged before the backup began, verifies as an audit trail, and is
mode 0600. The hub creates its data directory, store files and key
owner-only, and refuses to start, naming the path and the chmod that fixes
it, when the data directory, the store or the TLS key is open to group or
others.

Metrics: GET /metrics answers loopback clients in the Prometheus text
format -- connections, messages in and out by type, errors and denials,
queue depths, the store's write latency histogram, audit entries -- and
its counters move with the traffic; with metrics_local off it wants the
configured metrics_token (403 without it or with a wrong one), and
--print-config never shows the token.
"""
import hashlib
import json
import os
import signal
import socket
import ssl
import stat
import subprocess
import threading
import time
import unittest

import harness
from harness import HubTestCase, hub_policy_dir, make_item, setup_two_circles, wait_until, \
    write_policy


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


def admin_at(data, *args):
    """`kairan-hub admin --data DATA ARGS...` on another data directory:
    returns harness.AdminResult."""
    p = subprocess.run([harness.hub_binary(), "admin", "--data", data, *args],
                       capture_output=True, text=True, timeout=60, env=harness.child_env())
    harness.assert_no_sanitizer(p.stderr, "kairan-hub admin")
    return harness.AdminResult(p.returncode, p.stdout, p.stderr)


def sqlite(db, sql):
    """Run sql with the sqlite3 command-line tool; returns (rc, stdout, stderr)."""
    p = subprocess.run(["sqlite3", "-batch", db, sql], capture_output=True, text=True,
                       timeout=30)
    return p.returncode, p.stdout, p.stderr


class AuditTest(HubTestCase):
    WINDOW = 2  # audit_denial_window_s

    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub(config={"audit_denial_window_s": cls.WINDOW})
        cls.fx = fx = setup_two_circles(cls.hub, suffix="-au")
        policy = write_policy(hub_policy_dir(cls.hub), fx.circle, moderation=["practice"],
                              allowed=["GREEN", "AMBER", "AMBER+STRICT", "RED"],
                              green_out=True)
        cls.hub.admin("policy", "set", fx.circle, policy)
        other = write_policy(hub_policy_dir(cls.hub), fx.other, green_in=True)
        cls.hub.admin("policy", "set", fx.other, other)
        cls.hub.admin("member", "add", fx.other, fx.author_org)
        time.sleep(harness.ADMIN_PICKUP / 2)

    def audit(self, since=0):
        rows = self.hub.admin("audit", "show", "--since", str(since), "--limit", "100000",
                              json=True)
        return rows

    def user_ids(self):
        """actor string -> role, from the hub's own ids (admin has no id column)."""
        rc, out, err = sqlite(os.path.join(self.hub.data, "kairan.db"),
                              "SELECT id, name FROM users")
        self.assertEqual(rc, 0, err)
        names = dict(line.split("|", 1)[::-1] for line in out.split())
        return {f"user:{names[self.fx.user[r]]}": r for r in self.fx.user}

    def test_changes_and_denials_recorded(self):
        hub, fx = self.hub, self.fx
        start = self.audit()[-1]["seq"] + 1
        actors = {v: k for k, v in self.user_ids().items()}
        author, moderator = hub.client(fx.token["author"]), hub.client(fx.token["moderator"])
        outsider, peer = hub.client(fx.token["outsider"]), hub.client(fx.token["peer"])
        threat = make_item(fx.circle, tlp="GREEN", title="茜銀行を狙うフィッシング 監査",
                           body="Ito Hanako of Akane Ginko saw 203.0.113.77 first.")
        posted = author.post(threat)
        practice = author.post(make_item(fx.circle, kind="practice", tlp="AMBER"))
        self.assertEqual(practice["status"], "pending")
        moderator.ok({"type": "moderate", "item_id": practice["item_id"],
                      "decision": "approve"}, "moderated")
        fwd = author.ok({"type": "forward", "item_id": posted["item_id"], "to": fx.other},
                        "forwarded")
        author.ok({"type": "retract", "item_id": fwd["item_id"]}, "retracted")
        # Refusals: one outsider reading 20 times, a policy refusal.
        for _ in range(20):
            outsider.error({"type": "get", "item_id": posted["item_id"]}, "forbidden")
        author.error({"type": "post", "item": make_item(fx.circle, tlp="CLEAR")},
                     "not_allowed")
        exported = peer.ok({"type": "export", "circle": fx.circle}, "export")["bundle"]
        rows = self.audit(start)
        by_action = {}
        for r in rows:
            by_action.setdefault(r["action"], []).append(r)
        post = [r for r in by_action["post"] if r["subject"] == posted["item_id"]]
        self.assertEqual(len(post), 1, rows)
        self.assertEqual(post[0]["actor"], actors["author"])
        self.assertEqual(post[0]["detail"], {"circle": fx.circle, "kind": "threat",
                                             "tlp": "GREEN", "status": "published"})
        mod = by_action["moderate"]
        self.assertEqual([(m["subject"], m["actor"], m["detail"]["decision"],
                           m["detail"]["status"]) for m in mod],
                         [(practice["item_id"], actors["moderator"], "approve", "published")])
        self.assertEqual([(f["subject"], f["detail"]["from"], f["detail"]["circle"])
                          for f in by_action["forward"]],
                         [(fwd["item_id"], posted["item_id"], fx.other)])
        self.assertEqual([r["subject"] for r in by_action["retract"]], [fwd["item_id"]])
        reports = [o for o in exported["objects"] if o["type"] == "report"]
        self.assertGreaterEqual(len(reports), 1)
        self.assertEqual([(e["actor"], e["subject"], e["detail"]) for e in by_action["export"]],
                         [(actors["peer"], fx.circle,
                           {"format": "stix", "items": len(reports), "more": False})])
        denied = by_action["denied"]
        reads = [d for d in denied if d["detail"]["message"] == "get"]
        # The first refusal at once; the other 19 only counted so far.
        self.assertEqual([(d["actor"], d["subject"], d["detail"]["code"], d["detail"]["count"])
                          for d in reads],
                         [(actors["outsider"], posted["item_id"], "forbidden", 1)])
        policy = [d for d in denied if d["detail"]["message"] == "post"]
        self.assertEqual([(d["actor"], d["subject"], d["detail"]["code"]) for d in policy],
                         [(actors["author"], fx.circle, "not_allowed")])
        # When the window ends, one summary entry carries the count.
        def summary():
            got = [r for r in self.audit(start) if r["action"] == "denied"
                   and r["detail"]["message"] == "get" and r["detail"]["count"] == 19]
            return got
        got = wait_until(summary, self.WINDOW + 4, interval=0.3, what="denial summary")
        self.assertEqual(got[0]["detail"]["repeat_of"], reads[0]["seq"])
        self.assertEqual(got[0]["subject"], posted["item_id"])
        # Nothing of the content, nor anything the anonymiser removes, is in the trail.
        db = os.path.join(hub.data, "kairan.db")
        rc, dump, err = sqlite(db, "SELECT * FROM audit")
        self.assertEqual(rc, 0, err)
        for secret in ("フィッシング", "Ito Hanako", "Akane Ginko", "茜銀行", "203.0.113.77",
                       "198.51.100.7", "login-secure-bank", "smishing", threat["title"]):
            self.assertNotIn(secret, dump)
        # The trail the hub wrote verifies.
        out = hub.admin("audit", "verify")
        self.assertRegex(out, r"^audit trail intact: \d+ entries; head entry \d+ hash [0-9a-f]{64}")
        v = hub.admin("audit", "verify", json=True)
        self.assertTrue(v["ok"])
        self.assertEqual(v["entries"], v["written"])
        self.assertEqual(v["entries"], self.audit()[-1]["seq"])
        # Admin commands are there, without option values.
        admin = [r for r in self.audit() if r["actor"] == "admin"]
        org_add = [r for r in admin if r["action"] == "admin org add"
                   and r["subject"] == fx.author_org]
        self.assertEqual(org_add[0]["detail"], {"options": {"--domain": 1, "--employees": 1,
                                                            "--industry": 1, "--name": 2,
                                                            "--person": 1}})
        self.assertIn(("admin policy set", fx.circle), {(r["action"], r["subject"])
                                                        for r in admin})

    def test_verify_detects_tampering(self):
        hub, fx = self.hub, self.fx
        author = hub.client(fx.token["author"])
        for _ in range(3):
            author.post(make_item(fx.circle, tlp="AMBER"))
        base = os.path.join(hub.tmp, "tamper-base")
        os.mkdir(base, 0o700)
        backup = os.path.join(base, "kairan.db")
        hub.admin("backup", backup)
        r = admin_at(base, "--json", "audit", "verify")
        self.assertEqual(r.rc, 0, r)
        written = json.loads(r.stdout)["written"]
        self.assertGreater(written, 10)
        mid = written // 2

        # The triggers refuse changes made through SQL without further ado.
        rc, _, err = sqlite(backup, f"UPDATE audit SET detail = '{{}}' WHERE seq = {mid}")
        self.assertNotEqual(rc, 0)
        self.assertIn("append-only", err)

        unlock = "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; "
        cases = [
            ("edited", f"UPDATE audit SET detail = '{{\"circle\":\"x\"}}' WHERE seq = {mid}",
             mid, f"entry {mid} was edited"),
            ("actor edited", f"UPDATE audit SET actor = 'user:999' WHERE seq = {mid + 1}",
             mid + 1, f"entry {mid + 1} was edited"),
            ("deleted", f"DELETE FROM audit WHERE seq = {mid}", mid, f"entry {mid} is missing"),
            ("reordered", f"UPDATE audit SET seq = -1 WHERE seq = {mid}; "
                          f"UPDATE audit SET seq = {mid} WHERE seq = {mid + 1}; "
                          f"UPDATE audit SET seq = {mid + 1} WHERE seq = -1",
             mid, f"entry {mid} does not follow entry {mid - 1}"),
            ("newest cut off", f"DELETE FROM audit WHERE seq > {written - 2}", written - 1,
             f"entries {written - 1} to {written} are missing"),
            ("forged appended", f"INSERT INTO audit SELECT {written + 1}, time, actor, action, "
                                f"subject, detail, hash, hash FROM audit WHERE seq = {written}",
             written + 1, f"entry {written + 1} was edited"),
        ]
        for name, sql, bad, why in cases:
            with self.subTest(tampering=name):
                data = os.path.join(hub.tmp, f"tamper-{name.replace(' ', '-')}")
                os.mkdir(data, 0o700)
                db = os.path.join(data, "kairan.db")
                with open(backup, "rb") as f, open(db, "wb") as g:
                    g.write(f.read())
                rc, _, err = sqlite(db, unlock + sql)
                self.assertEqual(rc, 0, err)
                r = admin_at(data, "audit", "verify")
                self.assertEqual(r.rc, 6, r)
                self.assertIn(f"audit trail broken at entry {bad}: ", r.stderr)
                self.assertIn(why, r.stderr)
                j = admin_at(data, "--json", "audit", "verify")
                self.assertEqual(j.rc, 6)
                out = json.loads(j.stdout)
                self.assertEqual((out["ok"], out["bad_entry"]), (False, bad))
        # The untouched copy still verifies.
        data = os.path.join(hub.tmp, "tamper-none")
        os.mkdir(data, 0o700)
        with open(backup, "rb") as f, open(os.path.join(data, "kairan.db"), "wb") as g:
            g.write(f.read())
        r = admin_at(data, "--json", "audit", "verify")
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(json.loads(r.stdout)["ok"])


class OpsTest(HubTestCase):
    def test_backup_while_posting(self):
        hub = self.start_hub()
        fx = setup_two_circles(hub, suffix="-bk")
        hub.admin("policy", "set", fx.circle,
                  write_policy(hub_policy_dir(hub), fx.circle, posts_per_hour=0))
        time.sleep(harness.ADMIN_PICKUP / 2)
        acked, errors, stop = [], [], threading.Event()

        def poster(token, label):
            c = harness.Client(hub, token, label=label)
            try:
                while not stop.is_set():
                    reply = c.request({"type": "post", "item": make_item(fx.circle)})
                    if reply.get("type") == "posted":
                        acked.append(reply["item_id"])
                    else:
                        errors.append(reply)
            except Exception as e:  # reported below
                errors.append(repr(e))
            finally:
                c.close()

        threads = [threading.Thread(target=poster, args=(fx.token[r], f"poster-{r}"))
                   for r in ("author", "peer")]
        for t in threads:
            t.start()
        wait_until(lambda: len(acked) >= 40, 20, what="posts before the backup")
        before = list(acked)            # acknowledged before the backup began
        target = os.path.join(hub.tmp, "backup", "kairan.db")
        os.mkdir(os.path.dirname(target), 0o700)
        t0 = time.monotonic()
        out = hub.admin("backup", target, json=True)
        took = time.monotonic() - t0
        during = len(acked) - len(before)
        wait_until(lambda: len(acked) >= len(before) + during + 20, 20,
                   what="posts after the backup")
        stop.set()
        for t in threads:
            t.join(20)
        self.assertEqual(errors, [])
        hub.check_alive()
        self.assertEqual((out["ok"], out["file"], out["integrity"]), (True, target, "ok"))
        self.assertEqual(stat.S_IMODE(os.stat(target).st_mode), 0o600)
        self.assertFalse(os.path.exists(target + ".partial"))
        rc, res, err = sqlite(target, "PRAGMA integrity_check")
        self.assertEqual((rc, res.strip()), (0, "ok"), err)
        rc, res, err = sqlite(target, "SELECT id FROM items")
        self.assertEqual(rc, 0, err)
        in_backup = set(res.split())
        missing = [i for i in before if i not in in_backup]
        self.assertEqual(missing, [], f"{len(missing)} acknowledged items not in the backup")
        print(f"\nbackup: {out['pages']} pages in {took:.2f}s while posting; "
              f"{len(before)} items acknowledged before it, all in the copy; "
              f"{during} acknowledged during it", flush=True)
        # The copy is a complete store: its audit trail verifies.
        r = admin_at(os.path.dirname(target), "--json", "audit", "verify")
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(json.loads(r.stdout)["ok"])
        # Refused: an existing file is never overwritten.
        r = hub.admin("backup", target, check=False)
        self.assertEqual(r.rc, 6, r)
        self.assertIn("exists", r.stderr)
        # The live trail records the backup.
        trail = hub.admin("audit", "show", "--limit", "100000", json=True)
        self.assertEqual([(e["actor"], e["detail"]["pages"]) for e in trail
                          if (e["action"], e["subject"]) == ("admin backup", target)],
                         [("admin", out["pages"])])

    def test_private_files(self):
        hub = harness.Hub(self.artifact_name())
        self.addCleanup(hub.close)
        os.rmdir(hub.data)  # let the hub create it
        hub.start()
        fx = setup_two_circles(hub, suffix="-pm")
        hub.client(fx.token["author"]).post(make_item(fx.circle))
        tls = os.path.join(hub.data, "tls")
        key, db = os.path.join(tls, "key.pem"), os.path.join(hub.data, "kairan.db")
        modes = {p: stat.S_IMODE(os.stat(p).st_mode)
                 for p in (hub.data, tls, key, db, db + "-wal", db + "-shm")}
        self.assertEqual(modes, {hub.data: 0o700, tls: 0o700, key: 0o600, db: 0o600,
                                 db + "-wal": 0o600, db + "-shm": 0o600})
        hub.stop()
        for path, mode, what, fix in ((hub.data, 0o755, "the data directory", "700"),
                                      (hub.data, 0o710, "the data directory", "700"),
                                      (key, 0o640, "the TLS private key", "600"),
                                      (key, 0o604, "the TLS private key", "600"),
                                      (db, 0o644, "the store", "600"),
                                      (db, 0o620, "the store", "600")):
            with self.subTest(path=os.path.basename(path), mode=oct(mode)):
                os.chmod(path, mode)
                p = subprocess.run(hub.command(), capture_output=True, text=True, timeout=30,
                                   env=harness.child_env())
                os.chmod(path, 0o700 if path == hub.data else 0o600)
                harness.assert_no_sanitizer(p.stderr, "kairan-hub")
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertIn(f"kairan-hub: refusing to start: {what} {path} is ", p.stderr)
                self.assertIn(f"(mode {mode:04o}); it must be private to the hub's user: "
                              f"run `chmod {fix} {path}`", p.stderr)
        # Fixed: it starts and serves what it stored.
        hub.start()
        self.assertEqual(len(hub.client(fx.token["peer"]).history(fx.circle)["items"]), 1)


def metrics_get(hub, token=None):
    """GET /metrics (status, content type, {sample: value})."""
    import http.client
    conn = http.client.HTTPSConnection(harness.HOST, hub.port, timeout=5,
                                       context=hub.ssl_context())
    try:
        conn.request("GET", "/metrics",
                     headers={"Authorization": f"Bearer {token}"} if token else {})
        resp = conn.getresponse()
        body = resp.read().decode("utf-8")
        samples = {}
        if resp.status == 200:
            for line in body.splitlines():
                if line and not line.startswith("#"):
                    name, value = line.rsplit(" ", 1)
                    samples[name] = float(value)
        return resp.status, resp.getheader("Content-Type"), samples
    finally:
        conn.close()


class MetricsTest(HubTestCase):
    TOKEN = "m3tr1cs-" + "0123456789abcdef" * 3

    def test_local_metrics_follow_traffic(self):
        hub = self.start_hub()
        fx = setup_two_circles(hub, suffix="-mt")
        status, ctype, before = metrics_get(hub)
        self.assertEqual((status, ctype), (200, "text/plain; version=0.0.4; charset=utf-8"))
        author, peer = hub.client(fx.token["author"]), hub.client(fx.token["peer"])
        outsider = hub.client(fx.token["outsider"])
        peer.subscribe([fx.circle])
        posted = [author.post(make_item(fx.circle)) for _ in range(3)]
        for p in posted:
            self.assertEqual(peer.deliver()["id"], p["item_id"])
        outsider.error({"type": "get", "item_id": posted[0]["item_id"]}, "forbidden")
        outsider.error({"type": "no_such_type"}, "unknown_type")
        status, _, after = metrics_get(hub)
        self.assertEqual(status, 200)

        def delta(name):
            return after.get(name, 0) - before.get(name, 0)
        self.assertEqual(after["kairan_connections"], 3)
        self.assertEqual(after["kairan_connections_authenticated"], 3)
        self.assertEqual(after["kairan_subscribers"], 1)
        self.assertEqual(delta('kairan_messages_in_total{type="post"}'), 3)
        self.assertEqual(delta('kairan_messages_in_total{type="unknown"}'), 1)
        self.assertEqual(delta('kairan_messages_out_total{type="posted"}'), 3)
        self.assertEqual(delta('kairan_items_delivered_total'), 3)
        self.assertEqual(delta('kairan_errors_total{code="forbidden"}'), 1)
        self.assertEqual(delta('kairan_denials_total'), 1)
        self.assertGreaterEqual(delta("kairan_store_write_seconds_count"), 3)
        self.assertEqual(after['kairan_store_write_seconds_bucket{le="+Inf"}'],
                         after["kairan_store_write_seconds_count"])
        self.assertGreaterEqual(delta("kairan_audit_entries"), 4)  # 3 posts, 1 denial
        self.assertIn("kairan_queue_messages", after)
        self.assertIn("kairan_queue_max_messages", after)
        # Nothing in it names a user, an organisation or an item.
        import http.client
        conn = http.client.HTTPSConnection(harness.HOST, hub.port, timeout=5,
                                           context=hub.ssl_context())
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
        conn.close()
        for name in list(fx.user.values()) + [fx.author_org, fx.circle, posted[0]["item_id"]]:
            self.assertNotIn(name, text)

    def test_token_when_not_local(self):
        hub = self.start_hub(config={"metrics_local": "off", "metrics_token": self.TOKEN})
        self.assertEqual(metrics_get(hub)[0], 403)
        self.assertEqual(metrics_get(hub, "wrong-" + self.TOKEN)[0], 403)
        self.assertEqual(metrics_get(hub, self.TOKEN[:-1])[0], 403)
        status, _, samples = metrics_get(hub, self.TOKEN)
        self.assertEqual(status, 200)
        self.assertEqual(samples["kairan_connections"], 0)
        # The token never shows in --print-config, and short ones are refused.
        p = subprocess.run([harness.hub_binary(), "--print-config", "--config", hub.config_path],
                           capture_output=True, text=True, timeout=30, env=harness.child_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn(self.TOKEN, p.stdout)
        self.assertIn("# metrics_token = (set; not shown)", p.stdout)
        short = os.path.join(hub.tmp, "short.conf")
        with open(short, "w") as f:
            f.write("metrics_token = tooshort\n")
        p = subprocess.run([harness.hub_binary(), "--print-config", "--config", short],
                           capture_output=True, text=True, timeout=30, env=harness.child_env())
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("metrics_token: use at least 32 characters", p.stderr)


class AuditCoverageTest(HubTestCase):
    """The write paths that came after the audit trail: sightings,
    self-assessments, event updates and cancellations, RSVPs, the regional
    help directory, and TAXII refusals. Each leaves one entry with ids,
    circle and status only; scores and indicator values never appear."""

    REGION = "kanagawa-au"
    SCORES = {str(d): v for d, v in zip(range(1, 11),
                                        (4.9, 1.1, 3.7, 2.3, 4.1, 1.9, 3.3, 2.7, 4.3, 1.7))}

    def audit(self, since=0):
        return self.hub.admin("audit", "show", "--since", str(since), "--limit", "100000",
                              json=True)

    def test_later_write_paths_are_recorded(self):
        hub = self.hub = self.start_hub()
        fx = setup_two_circles(hub, suffix="-cov")
        posts = {"threat": ["member", "moderator"], "practice": ["member", "moderator"],
                 "alert": ["moderator"], "event": ["organizer", "moderator"]}
        harness.add_circle(hub, self.REGION, kind="regional", allowed=["CLEAR", "GREEN"],
                           post=posts)
        hub.admin("member", "add", self.REGION, fx.author_org)
        hub.admin("member", "add", self.REGION, fx.peer_org)
        hub.admin("role", "set", self.REGION, fx.user["author"], "organizer")
        hub.wait_role(fx.token["author"], self.REGION, "organizer")
        rc, out, err = sqlite(os.path.join(hub.data, "kairan.db"), "SELECT id, name FROM users")
        ids = {name: f"user:{i}" for i, name in (l.split("|", 1) for l in out.split())}
        organizer, member = ids[fx.user["author"]], ids[fx.user["peer"]]
        start = self.audit()[-1]["seq"] + 1
        org, peer = hub.client(fx.token["author"]), hub.client(fx.token["peer"])

        ev = org.post(make_item(self.REGION, tlp="CLEAR", kind="event", indicators=[],
                                title="中小企業向けランサムウェア対策勉強会",
                                body="バックアップと多要素認証の始め方",
                                event=harness.event_details()))
        peer.ok({"type": "rsvp", "item_id": ev["item_id"]}, "rsvp")
        peer.ok({"type": "rsvp", "item_id": ev["item_id"], "cancel": True}, "rsvp")
        org.ok({"type": "event_update", "item_id": ev["item_id"],
                "title": "中小企業向けランサムウェア対策勉強会（会場変更）"}, "event_updated")
        org.ok({"type": "event_cancel", "item_id": ev["item_id"], "reason": "講師の都合"},
               "event_cancelled")
        res = org.ok({"type": "resource_add", "circle": self.REGION, "prefecture": "JP-14",
                      "kind": "police", "name": "神奈川県警察 サイバー犯罪相談窓口",
                      "contact": "045-000-0000"}, "resource_added")["resource"]
        org.ok({"type": "resource_remove", "resource_id": res["id"]}, "resource_removed")
        peer.ok({"type": "sight", "circle": fx.circle,
                 "indicator": {"type": "ipv4", "value": "198.51.100.231"},
                 "false_positive": True}, "sighted")
        assessment = {"scores": self.SCORES, "maturity": "A", "sector": "hospitality"}
        peer.ok({"type": "assess_submit", "circle": fx.circle, "assessment": assessment},
                "assess_submitted")
        again = peer.ok({"type": "assess_submit", "circle": fx.circle,
                         "assessment": assessment}, "assess_submitted")
        self.assertTrue(again["replaced"])
        # TAXII: a collection the reader may not read is a 404 to the client,
        # a refusal in the trail; so are credentials that fail.
        def taxii(path, **headers):
            import http.client
            conn = http.client.HTTPSConnection(harness.HOST, hub.port, timeout=5,
                                               context=hub.ssl_context())
            try:
                conn.request("GET", path, headers=dict(
                    {"Accept": "application/taxii+json;version=2.1"}, **headers))
                return conn.getresponse().status
            finally:
                conn.close()
        self.assertEqual(taxii(f"/taxii2/kairan/collections/{fx.circle}/"), 404)
        self.assertEqual(taxii("/taxii2/kairan/collections/",
                               Authorization="Bearer krt_not-a-token"), 401)

        rows = self.audit(start)
        got = [(r["actor"], r["action"], r["subject"], r["detail"]) for r in rows
               if r["action"] not in ("post",)]
        region = self.REGION
        want = [
            (member, "rsvp", ev["item_id"], {"circle": region, "status": "attending"}),
            (member, "rsvp_cancel", ev["item_id"], {"circle": region, "status": "attending"}),
            (organizer, "event_update", ev["item_id"],
             {"circle": region, "kind": "event", "tlp": "CLEAR", "status": "published",
              "sequence": 1}),
            (organizer, "event_cancel", ev["item_id"],
             {"circle": region, "kind": "event", "tlp": "CLEAR", "status": "published",
              "sequence": 2}),
            (organizer, "resource_add", res["id"],
             {"circle": region, "prefecture": "JP-14", "kind": "police"}),
            (organizer, "resource_remove", res["id"], {"circle": region}),
            (member, "sight", fx.circle,
             {"circle": fx.circle, "type": "ipv4", "false_positive": True}),
            (member, "assess_submit", fx.circle, {"circle": fx.circle, "replaced": False}),
            (member, "assess_submit", fx.circle, {"circle": fx.circle, "replaced": True}),
        ]
        self.assertEqual([g for g in got if g[1] != "denied"], want)
        denied = [(r["actor"], r["subject"], r["detail"]["message"], r["detail"]["code"])
                  for r in rows if r["action"] == "denied"]
        self.assertEqual(denied, [("anonymous", fx.circle, "taxii", "forbidden"),
                                  ("anonymous", "", "taxii", "auth_failed")])
        # Scores, maturity, sector and indicator values are nowhere in the trail.
        rc, dump, err = sqlite(os.path.join(hub.data, "kairan.db"), "SELECT * FROM audit")
        self.assertEqual(rc, 0, err)
        for secret in ("198.51.100.231", "hospitality", "scores", "maturity",
                       "神奈川県警察", "045-000-0000", "講師の都合", "勉強会"):
            self.assertNotIn(secret, dump)

        def numbers(v):
            if isinstance(v, dict):
                return [n for x in v.values() for n in numbers(x)]
            if isinstance(v, list):
                return [n for x in v for n in numbers(x)]
            return [v] if isinstance(v, float) else []
        self.assertEqual([n for r in self.audit() for n in numbers(r["detail"])], [])
        # The trail verifies, with every entry the hub wrote.
        v = hub.admin("audit", "verify", json=True)
        self.assertTrue(v["ok"], v)
        self.assertEqual(v["entries"], v["written"])
        self.assertEqual(v["entries"], self.audit()[-1]["seq"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
