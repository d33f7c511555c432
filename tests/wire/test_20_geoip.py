#!/usr/bin/python3
"""20 geoip: IP indicators enriched from the operator's MaxMind databases.

The databases are written at test time by tests/tools/make_mmdb.pl (Japanese
entries in the documentation ranges, which the anonymiser keeps as public
addresses); MaxMind's corrupt files come from tests/data/maxmind-test-data.

- With a City and an ASN database, the ipv4/ipv6 indicators an item keeps
  carry geo {country, asn, as_org} (only the parts known) in the preview,
  on live delivery, get, history and the CLI; victim indicators are removed
  before, other types and unknown addresses get none; a forwarded copy and
  a moderator's edited indicators have it too; a client cannot send it.
- A missing database: a warning at start, posts work without geo; the file
  appearing and a SIGHUP start the enrichment.
- Corrupt databases and databases of the wrong type: an error naming the
  file and libmaxminddb's reason, the hub runs and posts work without geo.
- SIGHUP after the files are replaced picks up the new data; a replacement
  that is corrupt or missing keeps the database loaded before; a setting
  removed from the config file stops that database.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import unittest

import harness
from harness import HubTestCase, add_circle, make_item

MAKE_MMDB = os.path.join(harness.SOURCE_DIR, "tests", "tools", "make_mmdb.pl")
MAXMIND = os.path.join(harness.SOURCE_DIR, "tests", "data", "maxmind-test-data")
BAD = os.path.join(MAXMIND, "bad-data", "libmaxminddb")

# What make_mmdb.pl puts in its databases (see the table at its top).
IIJ = {"country": "JP", "asn": 2497, "as_org": "Internet Initiative Japan Inc."}
NTT = {"country": "JP", "asn": 4713, "as_org": "NTT Communications Corporation"}
KDDI = {"country": "JP", "asn": 2516, "as_org": "KDDI CORPORATION"}
SOFTBANK = {"country": "JP", "asn": 17676, "as_org": "SoftBank Corp."}
# 192.0.2.0/24: registered country only, and a 200-byte organisation that the
# hub cuts to at most 127 bytes without splitting a character.
LONG_ORG = ("X " + "回覧" * 33).encode("utf-8")[:127].decode("utf-8", "ignore")
DOC_NET = {"country": "JP", "asn": 64500, "as_org": LONG_ORG}

SENT = [
    {"type": "ipv4", "value": "203.0.113.45", "role": "attacker"},
    {"type": "ipv4", "value": "198.51.100.23", "role": "attacker"},
    {"type": "ipv6", "value": "2001:db8:27::5", "role": "attacker"},
    {"type": "ipv4", "value": "192.0.2.77", "role": "unknown"},
    {"type": "ipv4", "value": "8.8.8.8", "role": "attacker"},      # in neither database
    {"type": "ipv4", "value": "203.0.113.99", "role": "victim"},   # removed by the anonymiser
    {"type": "domain", "value": "login-secure-bank.example", "role": "attacker"},
    {"type": "cidr", "value": "203.0.113.0/24", "role": "attacker"},
]
# The hub's built-in benign flags (common/indicator_benign.c) on these values:
# test addresses are documentation ranges, 8.8.8.8 a public resolver.
DOC4, DOC6 = "documentation range (RFC 5737)", "documentation range (RFC 3849)"
BENIGN = {"203.0.113.45": DOC4, "198.51.100.23": DOC4, "2001:db8:27::5": DOC6,
          "192.0.2.77": DOC4, "8.8.8.8": "public DNS resolver (Google)",
          "login-secure-bank.example": "reserved top-level domain (RFC 2606)",
          "203.0.113.0/24": DOC4}
GEO = {"203.0.113.45": IIJ, "198.51.100.23": NTT, "2001:db8:27::5": KDDI,
       "192.0.2.77": DOC_NET}


def kept(sent, geo, benign=None):
    """What readers must receive: the non-victim indicators, with geo[value] added
    and the hub's benign flag (built-in list) where it gives one."""
    out = []
    for ind in sent:
        if ind["role"] == "victim":
            continue
        ind = dict(ind)
        if ind["value"] in geo:
            ind["geo"] = geo[ind["value"]]
        flag = (BENIGN if benign is None else benign).get(ind["value"])
        if flag:
            ind["benign"] = flag
        out.append(ind)
    return out


def make_dbs(directory, next_edition=False):
    """Write the test databases into directory; return (city, asn) paths."""
    os.makedirs(directory, exist_ok=True)
    cmd = ["perl", MAKE_MMDB] + (["--next"] if next_edition else []) + [directory]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr}")
    return (os.path.join(directory, "kairan-City-Test.mmdb"),
            os.path.join(directory, "kairan-ASN-Test.mmdb"))


def threat(circle, indicators=None, **kw):
    return make_item(circle, title="国内プロバイダのアドレスからの不正ログイン試行",
                     body="11月24日未明から認証情報リスト攻撃を確認。",
                     indicators=SENT if indicators is None else indicators, **kw)


class Cast:
    """An author organisation, a peer organisation in every circle; a moderator
    and a reader in the target circle (peer organisation)."""

    def __init__(self, hub, circles, moderated=(), target=None):
        hub.admin("org", "add", "geo-akane", "--name", "茜銀行", "--industry", "finance")
        hub.admin("org", "add", "geo-botan", "--industry", "finance")
        for c in circles:
            hub.admin("member", "add", c, "geo-akane")
            hub.admin("member", "add", c, "geo-botan")
        if target:
            hub.admin("member", "add", target, "geo-botan")
        self.token = {"author": hub.add_user("geo-akane", "geo-author"),
                      "peer": hub.add_user("geo-botan", "geo-peer"),
                      "moderator": hub.add_user("geo-botan", "geo-moderator")}
        for c in moderated:
            hub.admin("role", "set", c, "geo-moderator", "moderator")
        for t in self.token.values():
            hub.wait_token(t)
        for c in moderated:
            hub.wait_role(self.token["moderator"], c, "moderator")


class TempDirMixin:
    def tempdir(self):
        d = tempfile.mkdtemp(prefix="kairan-geo-")
        self.addCleanup(shutil.rmtree, d, True)
        return d


class EnrichedTest(HubTestCase):
    """A hub with both databases."""

    @classmethod
    def setUpClass(cls):
        cls.dbdir = tempfile.mkdtemp(prefix="kairan-geo-")
        cls.addClassCleanup(shutil.rmtree, cls.dbdir, True)
        city, asn = make_dbs(cls.dbdir)
        cls.hub = hub = cls.start_class_hub(config={"geoip_city": city, "geoip_asn": asn})
        add_circle(hub, "geo-home", green_out=True)
        add_circle(hub, "geo-target", green_in=True)
        add_circle(hub, "geo-mod", moderation=["threat"])
        cls.cast = Cast(hub, ["geo-home", "geo-mod"], moderated=["geo-mod"], target="geo-target")
        cls.city, cls.asn = city, asn

    def c(self, role):
        return self.hub.client(self.cast.token[role], label=role)

    def test_start_log_names_the_databases(self):
        log = self.hub.run_log()
        self.assertIn(f"info: geoip_city: loaded {self.city} (GeoLite2-City, built ", log)
        self.assertIn(f"info: geoip_asn: loaded {self.asn} (GeoLite2-ASN, built ", log)

    def test_ip_indicators_get_geo_on_every_read_path(self):
        want = kept(SENT, GEO)
        peer, author = self.c("peer"), self.c("author")
        peer.subscribe(["geo-home"])
        item = threat("geo-home")
        preview = author.ok({"type": "post", "item": item, "preview": True}, "preview")
        self.assertEqual(preview["item"]["indicators"], want)
        self.assertEqual([(r["kind"], r["original"]) for r in preview["removed"]
                          if r["field"] == "indicators"], [("victim-indicator", "203.0.113.99")])
        posted = author.post(item)
        self.assertEqual(posted["status"], "published")
        live = peer.deliver()
        self.assertEqual(live["id"], posted["item_id"])
        self.assertEqual(live["indicators"], want)
        self.assertEqual(peer.get(posted["item_id"])["indicators"], want)
        hist = [i for i in peer.history("geo-home", limit=500)["items"]
                if i["id"] == posted["item_id"]]
        self.assertEqual(len(hist), 1)
        self.assertEqual(hist[0]["indicators"], want)
        # The victim's address appears nowhere a reader can see.
        self.assertNotIn("203.0.113.99", json.dumps(live))
        # The CLI prints it as the hub sent it.
        rc, out, err = self.hub.cli("--json", "get", posted["item_id"],
                                    token=self.cast.token["peer"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["indicators"], want)
        rc, out, err = self.hub.cli("get", posted["item_id"], token=self.cast.token["peer"])
        self.assertEqual(rc, 0, err)
        lines = {ln.split()[2]: ln for ln in out.splitlines()
                 if ln.startswith("  ") and len(ln.split()) >= 3}
        self.assertTrue(lines["203.0.113.45"].endswith(
            "203.0.113.45  (JP, AS2497 Internet Initiative Japan Inc.)"), lines)
        self.assertTrue(lines["2001:db8:27::5"].endswith(
            "2001:db8:27::5  (JP, AS2516 KDDI CORPORATION)"), lines)
        self.assertTrue(lines["192.0.2.77"].endswith(f"(JP, AS64500 {LONG_ORG})"), lines)
        self.assertTrue(lines["8.8.8.8"].endswith("8.8.8.8"), lines)

    def test_forwarded_copy_keeps_geo(self):
        want = kept(SENT, GEO)
        posted = self.c("author").post(threat("geo-home"))
        peer = self.c("peer")
        fw = peer.ok({"type": "forward", "item_id": posted["item_id"], "to": "geo-target"},
                     "forwarded")
        copy = peer.get(fw["item_id"])
        self.assertEqual(copy["forwarded_from"], posted["item_id"])
        self.assertEqual(copy["circle"], "geo-target")
        self.assertEqual(copy["indicators"], want)

    def test_moderator_edit_is_enriched(self):
        author, mod, peer = self.c("author"), self.c("moderator"), self.c("peer")
        posted = author.post(threat("geo-mod", indicators=[
            {"type": "ipv4", "value": "8.8.8.8", "role": "attacker"}]))
        self.assertEqual(posted["status"], "pending")
        edited = [{"type": "ipv6", "value": "2001:db8:27::5", "role": "attacker"},
                  {"type": "ipv4", "value": "198.51.100.23"},
                  {"type": "domain", "value": "login-secure-bank.example", "role": "attacker"}]
        mod.ok({"type": "moderate", "item_id": posted["item_id"], "decision": "edit",
                "edit": {"indicators": edited}}, "moderated")
        mod.ok({"type": "moderate", "item_id": posted["item_id"], "decision": "approve"},
               "moderated")
        got = peer.get(posted["item_id"])
        self.assertEqual(got["indicators"], kept([
            {"type": "ipv6", "value": "2001:db8:27::5", "role": "attacker"},
            {"type": "ipv4", "value": "198.51.100.23", "role": "unknown"},
            {"type": "domain", "value": "login-secure-bank.example", "role": "attacker"}],
            {"2001:db8:27::5": KDDI, "198.51.100.23": NTT}))

    def test_clients_cannot_send_geo(self):
        author, mod = self.c("author"), self.c("moderator")
        before = len(author.history_all("geo-home"))
        forged = [{"type": "ipv4", "value": "203.0.113.45", "role": "attacker",
                   "geo": {"country": "KP", "asn": 131279}}]
        err = author.error({"type": "post", "item": threat("geo-home", indicators=forged)},
                           "unknown_field", check=False)
        self.assertIn("geo", err["message"])
        self.assertEqual(len(author.history_all("geo-home")), before)
        posted = author.post(threat("geo-mod", indicators=[]))
        mod.error({"type": "moderate", "item_id": posted["item_id"], "decision": "edit",
                   "edit": {"indicators": forged}}, "unknown_field", check=False)
        self.assertEqual(mod.get(posted["item_id"])["indicators"], [])


class MissingTest(TempDirMixin, HubTestCase):
    def test_missing_databases_warn_then_sighup_loads_them(self):
        d = self.tempdir()
        city, asn = os.path.join(d, "GeoLite2-City.mmdb"), os.path.join(d, "GeoLite2-ASN.mmdb")
        hub = self.start_hub(config={"geoip_city": city, "geoip_asn": asn})
        add_circle(hub, "geo-home")
        cast = Cast(hub, ["geo-home"])
        log = hub.run_log()
        self.assertIn(f"warn: geoip_city: {city}: No such file or directory; "
                      "IP indicators get no country", log)
        self.assertIn(f"warn: geoip_asn: {asn}: No such file or directory; "
                      "IP indicators get no ASN", log)
        author = hub.client(cast.token["author"], label="author")
        peer = hub.client(cast.token["peer"], label="peer")
        peer.subscribe(["geo-home"])
        posted = author.post(threat("geo-home"))
        self.assertEqual(posted["status"], "published")
        self.assertEqual(peer.deliver()["indicators"], kept(SENT, {}))

        # The operator installs the files and signals the hub.
        make_dbs(d)
        os.replace(os.path.join(d, "kairan-City-Test.mmdb"), city)
        os.replace(os.path.join(d, "kairan-ASN-Test.mmdb"), asn)
        mark = len(hub.run_log())
        hub.proc.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: "SIGHUP: geoip_asn: reloaded" in hub.run_log()[mark:], 5,
                           what="the ASN database loaded after SIGHUP")
        self.assertIn(f"SIGHUP: geoip_city: reloaded {city}", hub.run_log()[mark:])
        posted = author.post(threat("geo-home"))
        self.assertEqual(peer.deliver()["indicators"], kept(SENT, GEO))
        hub.check_alive()


class BrokenTest(TempDirMixin, HubTestCase):
    def post_without_geo(self, hub):
        add_circle(hub, "geo-home")
        cast = Cast(hub, ["geo-home"])
        author = hub.client(cast.token["author"], label="author")
        peer = hub.client(cast.token["peer"], label="peer")
        posted = author.post(threat("geo-home"))
        self.assertEqual(posted["status"], "published")
        self.assertEqual(peer.get(posted["item_id"])["indicators"], kept(SENT, {}))
        hub.check_alive()

    def test_corrupt_databases_are_errors_and_the_hub_runs(self):
        d = self.tempdir()
        good_city, _ = make_dbs(d)
        # A City database whose search tree was overwritten, and one of
        # MaxMind's corrupt files that libmaxminddb refuses to open.
        city = os.path.join(d, "GeoLite2-City.mmdb")
        with open(good_city, "rb") as f:
            data = bytearray(f.read())
        data[:1024] = b"\xff" * 1024
        with open(city, "wb") as f:
            f.write(data)
        asn = os.path.join(BAD, "libmaxminddb-offset-integer-overflow.mmdb")
        hub = self.start_hub(config={"geoip_city": city, "geoip_asn": asn})
        log = hub.run_log()
        self.assertIn(f"error: geoip_city: {city}: corrupt database: "
                      "The MaxMind DB file's search tree is corrupt; not used", log)
        self.assertIn(f"error: geoip_asn: {asn}: cannot open: The MaxMind DB file's data "
                      "section contains bad data", log)
        self.post_without_geo(hub)

    def test_more_corrupt_files(self):
        city = os.path.join(MAXMIND, "test-data", "GeoIP2-City-Test-Broken-Double-Format.mmdb")
        asn = os.path.join(BAD, "libmaxminddb-deep-nesting.mmdb")
        hub = self.start_hub(config={"geoip_city": city, "geoip_asn": asn})
        log = hub.run_log()
        self.assertIn(f"error: geoip_city: {city}: corrupt database: The MaxMind DB file's "
                      "data section contains bad data", log)
        self.assertIn(f"error: geoip_asn: {asn}: corrupt database: The MaxMind DB file's "
                      "data section contains bad data", log)
        self.post_without_geo(hub)

    def test_databases_of_the_wrong_type(self):
        city, asn = make_dbs(self.tempdir())
        hub = self.start_hub(config={"geoip_city": asn, "geoip_asn": city})
        log = hub.run_log()
        self.assertIn(f"error: geoip_city: {asn}: database type 'GeoLite2-ASN' is not a City "
                      "or Country database", log)
        self.assertIn(f"error: geoip_asn: {city}: database type 'GeoLite2-City' is not an "
                      "ASN database", log)
        self.post_without_geo(hub)


class ReloadTest(TempDirMixin, HubTestCase):
    def sighup(self, hub, marker):
        mark = len(hub.run_log())
        hub.proc.send_signal(signal.SIGHUP)
        harness.wait_until(lambda: marker in hub.run_log()[mark:], 5,
                           what=f"{marker!r} in the log after SIGHUP")
        return hub.run_log()[mark:]

    def test_sighup_picks_up_replaced_files_and_keeps_good_ones(self):
        live = self.tempdir()
        city, asn = make_dbs(live)
        hub = self.start_hub(config={"geoip_city": city, "geoip_asn": asn})
        add_circle(hub, "geo-home")
        cast = Cast(hub, ["geo-home"])
        author = hub.client(cast.token["author"], label="author")
        one = [{"type": "ipv4", "value": "203.0.113.45", "role": "attacker"}]

        def geo_now():
            posted = author.post(threat("geo-home", indicators=one))
            return posted["item_id"], author.get(posted["item_id"])["indicators"][0].get("geo")

        first, geo = geo_now()
        self.assertEqual(geo, IIJ)

        # The next edition, renamed over the files in use (as geoipupdate does).
        new_city, new_asn = make_dbs(self.tempdir(), next_edition=True)
        os.replace(new_city, city)
        os.replace(new_asn, asn)
        log = self.sighup(hub, "SIGHUP: geoip_asn: reloaded")
        self.assertIn(f"SIGHUP: geoip_city: reloaded {city}", log)
        self.assertEqual(geo_now()[1], SOFTBANK)
        # What was stored before keeps what it was given.
        self.assertEqual(author.get(first)["indicators"][0]["geo"], IIJ)

        # A corrupt replacement and a vanished file: errors, and the
        # databases loaded before stay in use.
        garbage = os.path.join(self.tempdir(), "asn.mmdb")
        with open(garbage, "wb") as f:
            f.write(b"\x00" * 4096)
        os.replace(garbage, asn)
        os.unlink(city)
        log = self.sighup(hub, "SIGHUP: geoip_asn: ")
        self.assertIn(f"error: SIGHUP: geoip_asn: {asn}: cannot open: The MaxMind DB file "
                      "contains invalid metadata; keeping the database loaded before", log)
        self.assertIn(f"warn: SIGHUP: geoip_city: {city}: No such file or directory; "
                      "keeping the database loaded before", log)
        self.assertEqual(geo_now()[1], SOFTBANK)

        # geoip_asn removed from the config file: no ASN any more.
        with open(hub.config_path, encoding="utf-8") as f:
            lines = [ln for ln in f if not ln.startswith("geoip_asn")]
        with open(hub.config_path, "w", encoding="utf-8") as f:
            f.writelines(lines)
        self.sighup(hub, "SIGHUP: geoip_asn is not set")
        self.assertEqual(geo_now()[1], {"country": "JP"})
        hub.check_alive()


if __name__ == "__main__":
    unittest.main(verbosity=2)
