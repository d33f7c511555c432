#!/usr/bin/python3
"""27 iCalendar feeds: /events.ics and /events/ITEM_ID.ics over HTTPS.

Every calendar the hub serves here is parsed by two independent parsers
from Debian, python3-icalendar and python3-vobject (with validate=True),
and checked line by line:

  - CRLF after every line, no bare LF or CR, no physical line over 75
    octets, continuation lines starting with one space, each line valid
    UTF-8 on its own (folding never splits a character);
  - Japanese titles and descriptions survive folding intact; backslash,
    semicolon, comma and newlines are escaped and come back as written;
  - every TZID used has its VTIMEZONE, and vobject, which resolves times
    through those VTIMEZONE components alone, gets the same UTC instants as
    the hub (Asia/Tokyo, Europe/Berlin across a clock change, New York,
    Kolkata at +05:30);
  - UID, DTSTAMP, SEQUENCE (up on every update) and STATUS (CANCELLED once
    cancelled);
  - who gets what: anonymous readers the CLEAR events of circles that
    publish CLEAR; a Bearer token (header only) its user's readable events,
    GREEN labelled, never RED; a bad token 401; an event one may not read
    404 like one that does not exist; bad filters 400.
"""
import datetime
import re
import unittest

import icalendar
import vobject

import harness
from harness import HubTestCase, add_circle, event_details, http_get, local_time, make_item

CIRCLE = "kanagawa-t27"
CLOSED = "closed-t27"
ORG = "yokohama-t27"
MEMBER_ORG = "sakura-t27"

TITLE = ("中小企業のためのセキュリティ勉強会（横浜・12月）：ランサムウェア被害の実例と"
         "バックアップ・多要素認証の始め方、経営層向けセッション付き")
BODY = ("経営者向け30分、担当者向けハンズオン60分。\n持ち物: ノートPC, 電源; 資料は当日配布\\"
        "会場で。\r\n英語: Bring a laptop, a charger; slides on the day.")
UTC = datetime.timezone.utc


def http(hub, path, token=None):
    import http.client
    conn = http.client.HTTPSConnection(harness.HOST, hub.port, timeout=harness.REPLY_TIMEOUT,
                                       context=hub.ssl_context())
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def unfold(raw):
    return raw.replace(b"\r\n ", b"")


class IcalTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        hub = cls.hub = cls.start_class_hub()
        hub.admin("org", "add", ORG, "--industry", "manufacturing")
        hub.admin("org", "add", MEMBER_ORG, "--industry", "finance")
        posts = {"threat": ["member"], "practice": ["member"], "alert": ["moderator"],
                 "event": ["organizer"]}
        add_circle(hub, CIRCLE, kind="regional", allowed=["CLEAR", "GREEN", "AMBER", "RED"],
                   tlp_default="CLEAR", clear_public=True, post=posts)
        add_circle(hub, CLOSED, kind="regional", allowed=["CLEAR"], post=posts)
        for c in (CIRCLE, CLOSED):
            hub.admin("member", "add", c, ORG)
        hub.admin("member", "add", CIRCLE, MEMBER_ORG)
        cls.org_token = hub.add_user(ORG, "organizer-t27")
        cls.member_token = hub.add_user(MEMBER_ORG, "member-t27")
        cls.outsider_org = "tsubaki-t27"
        hub.admin("org", "add", cls.outsider_org)
        cls.outsider_token = hub.add_user(cls.outsider_org, "outsider-t27")
        for c in (CIRCLE, CLOSED):
            hub.admin("role", "set", c, "organizer-t27", "organizer")
        hub.wait_role(cls.org_token, CLOSED, "organizer")
        hub.wait_token(cls.member_token)
        hub.wait_token(cls.outsider_token)
        org = cls.org = hub.client(cls.org_token, label="organizer")
        cls.ev = {}

        def post(key, circle=CIRCLE, tlp="CLEAR", title=TITLE, **ev):
            start_in = ev.pop("start_in", 20 * 86400)
            hours = ev.pop("hours", 2.5)
            item = make_item(circle, tlp=tlp, kind="event", title=title, body=BODY,
                             indicators=[], tags=["study-group", "smb,ransomware"],
                             event=event_details(start_in, hours, **ev))
            cls.ev[key] = org.post(item)["item_id"]

        post("tokyo", prefecture="JP-13", audience="technical",
             venue="東京都千代田区 会議室A, 3F; 受付\\1F", capacity=30, fee="無料",
             cpe_credits=2, organizer="東京セキュリティ勉強会",
             contact="https://tokyo-sec.example/2026")
        post("yokohama", prefecture="JP-14", audience="executive", start_in=21 * 86400)
        # Berlin: across the switch to summer time, 28 March 2027.
        post("berlin", title="Online: incident response for executives", prefecture="online",
             audience="executive", timezone="Europe/Berlin", start="2027-03-27T20:00",
             end="2027-03-28T10:00")
        post("newyork", title="Online: tabletop exercise", prefecture="online",
             audience="technical", timezone="America/New_York", start="2027-03-13T20:00",
             end="2027-03-14T09:00")
        post("kolkata", title="Online: supplier security", prefecture="online",
             audience="mixed", timezone="Asia/Kolkata", start_in=22 * 86400)
        post("green", tlp="GREEN", title="会員限定：侵害事例の共有会", prefecture="JP-14",
             audience="technical", start_in=23 * 86400)
        post("closed", circle=CLOSED, title="非公開サークルの勉強会", prefecture="JP-14",
             audience="technical", start_in=24 * 86400)

    # -- the checks every calendar gets ----------------------------------------------

    def check_calendar(self, raw, where):
        """Parse with both libraries and check the text; returns (icalendar, vobject)."""
        self.assertTrue(raw.startswith(b"BEGIN:VCALENDAR\r\n"), where)
        self.assertTrue(raw.endswith(b"END:VCALENDAR\r\n"), where)
        self.assertNotRegex(raw, rb"[^\r]\n", f"{where}: bare LF")
        self.assertNotRegex(raw, rb"\r[^\n]", f"{where}: bare CR")
        for i, line in enumerate(raw.split(b"\r\n")[:-1]):
            self.assertLessEqual(len(line), 75, f"{where}: line {i} has {len(line)} octets")
            line.decode("utf-8")  # each physical line on its own: no split character
        text = raw.decode("utf-8")
        cal = icalendar.Calendar.from_ical(text)
        vcal = vobject.readOne(text, validate=True)
        vcal.validate(raiseException=True)
        # Every TZID used has its VTIMEZONE.
        used = set(re.findall(r"^(?:DTSTART|DTEND);TZID=([^:;]+):", unfold(raw).decode(),
                              re.M))
        defined = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
        self.assertEqual(used - defined, set(), f"{where}: TZID without VTIMEZONE")
        self.assertEqual(len(defined), len(cal.walk("VTIMEZONE")), f"{where}: duplicates")
        for ev in cal.walk("VEVENT"):
            for prop in ("UID", "DTSTAMP", "SEQUENCE", "STATUS", "DTSTART", "DTEND", "SUMMARY"):
                self.assertIn(prop, ev, f"{where}: VEVENT without {prop}")
        return cal, vcal

    def get_ics(self, path, token=None, status=200):
        code, headers, body = http(self.hub, path, token)
        self.assertEqual(code, status, body[:300])
        if status == 200:
            self.assertTrue(headers["content-type"].startswith("text/calendar"), headers)
            self.assertEqual(headers.get("cache-control"), "no-store")
        return body

    def events_of(self, cal):
        return {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}

    def get_item(self, iid):
        c = self.hub.client(self.member_token, label="member")
        return c.get(iid)

    # -- feeds ---------------------------------------------------------------------------

    def test_public_feed_parses_and_keeps_japanese_intact(self):
        raw = self.get_ics("/events.ics")
        cal, vcal = self.check_calendar(raw, "/events.ics")
        evs = self.events_of(cal)
        ids = self.ev
        self.assertLessEqual({ids[k] for k in ("tokyo", "yokohama", "berlin", "newyork",
                                               "kolkata")}, set(evs))
        self.assertNotIn(ids["green"], evs, "GREEN in the public feed")
        self.assertNotIn(ids["closed"], evs, "a circle that does not publish CLEAR")
        tokyo = evs[ids["tokyo"]]
        # The long Japanese title was folded in the raw text and comes back whole.
        self.assertIn("SUMMARY:中小企業", raw.decode())
        self.assertNotIn(TITLE.encode(), raw, "the title should need folding")
        self.assertIn(TITLE.encode(), unfold(raw))
        self.assertEqual(str(tokyo["SUMMARY"]), TITLE)
        desc = str(tokyo["DESCRIPTION"])
        self.assertTrue(desc.startswith(BODY.replace("\r\n", "\n")), desc[:200])
        self.assertIn("連絡先 / Contact: https://tokyo-sec.example/2026", desc)
        self.assertEqual(str(tokyo["LOCATION"]), "東京都 東京都千代田区 会議室A, 3F; 受付\\1F")
        self.assertIn(b"LOCATION:\xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd "
                      b"\xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd\xe5\x8d\x83\xe4\xbb\xa3\xe7\x94\xb0"
                      b"\xe5\x8c\xba \xe4\xbc\x9a\xe8\xad\xb0\xe5\xae\xa4A\\, 3F\\;", unfold(raw))
        self.assertEqual(str(tokyo["URL"]), "https://tokyo-sec.example/2026")
        self.assertEqual(str(tokyo["STATUS"]), "CONFIRMED")
        self.assertEqual(str(tokyo["CLASS"]), "PUBLIC")
        self.assertEqual(int(tokyo["SEQUENCE"]), 0)
        # vobject agrees on the text too.
        vev = [e for e in vcal.vevent_list if e.uid.value.startswith(ids["tokyo"])][0]
        self.assertEqual(vev.summary.value, TITLE)
        self.assertEqual(vev.location.value, "東京都 東京都千代田区 会議室A, 3F; 受付\\1F")

    def test_times_resolve_through_the_vtimezones(self):
        raw = self.get_ics("/events.ics")
        cal, vcal = self.check_calendar(raw, "/events.ics")
        zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
        self.assertLessEqual({"Asia/Tokyo", "Europe/Berlin", "America/New_York",
                              "Asia/Kolkata"}, set(zones))
        tokyo = zones["Asia/Tokyo"]
        self.assertEqual([c.name for c in tokyo.subcomponents], ["STANDARD"])
        std = tokyo.subcomponents[0]
        self.assertEqual((std["TZOFFSETFROM"].td, std["TZOFFSETTO"].td),
                         (datetime.timedelta(hours=9), datetime.timedelta(hours=9)))
        self.assertEqual(str(std["TZNAME"]), "JST")
        berlin = zones["Europe/Berlin"]
        self.assertIn("DAYLIGHT", [c.name for c in berlin.subcomponents])
        self.assertIn("STANDARD", [c.name for c in berlin.subcomponents])
        kolkata = [c for c in zones["Asia/Kolkata"].subcomponents][0]
        self.assertEqual(kolkata["TZOFFSETTO"].td, datetime.timedelta(hours=5, minutes=30))
        # vobject reads times through the VTIMEZONE components of the file only:
        # every event's instants must be the hub's UTC.
        by_uid = {e.uid.value.split("@")[0]: e for e in vcal.vevent_list}
        for key in ("tokyo", "berlin", "newyork", "kolkata"):
            with self.subTest(zone=key):
                item = self.get_item(self.ev[key])
                for field in ("start", "end"):
                    want = datetime.datetime.strptime(item["event"][f"{field}_utc"],
                                                      "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
                    got = getattr(by_uid[self.ev[key]], f"dt{field}").value
                    self.assertIsNotNone(got.tzinfo)
                    self.assertEqual(got.astimezone(UTC), want, f"{key} {field}")
        # Berlin starts at +01:00 and ends at +02:00: the clock change is described.
        b = by_uid[self.ev["berlin"]]
        self.assertEqual(b.dtstart.value.utcoffset(), datetime.timedelta(hours=1))
        self.assertEqual(b.dtend.value.utcoffset(), datetime.timedelta(hours=2))

    def test_filters_and_single_events(self):
        cases = {
            "/events.ics?region=JP-13": {"tokyo"},
            "/events.ics?region=kanto&audience=executive": {"yokohama"},
            "/events.ics?region=online&audience=technical": {"newyork"},
            f"/events.ics?circle={CIRCLE}&region=JP-14": {"yokohama"},
        }
        for path, want in cases.items():
            with self.subTest(path=path):
                cal, _ = self.check_calendar(self.get_ics(path), path)
                got = set(self.events_of(cal))
                self.assertEqual({k for k, v in self.ev.items() if v in got}, want)
        for key in ("tokyo", "berlin"):
            path = f"/events/{self.ev[key]}.ics"
            cal, _ = self.check_calendar(self.get_ics(path), path)
            self.assertEqual(set(self.events_of(cal)), {self.ev[key]})
        # What one may not read is not found, like what does not exist.
        self.get_ics(f"/events/{self.ev['green']}.ics", status=404)
        self.get_ics("/events/it_0000000000000000.ics", status=404)
        self.get_ics("/events/nonsense.ics", status=404)
        self.get_ics(f"/events.ics?circle={CLOSED}", status=404)
        for bad in ("/events.ics?region=Kanagawa", "/events.ics?region=JP-48",
                    "/events.ics?audience=engineers"):
            self.get_ics(bad, status=400)

    def test_authenticated_feed(self):
        raw = self.get_ics("/events.ics", token=self.member_token)
        cal, _ = self.check_calendar(raw, "member feed")
        evs = self.events_of(cal)
        self.assertIn(self.ev["green"], evs)
        green = evs[self.ev["green"]]
        self.assertEqual(str(green["SUMMARY"]), "[TLP:GREEN] 会員限定：侵害事例の共有会")
        self.assertEqual(str(green["CLASS"]), "PRIVATE")
        self.assertEqual(str(green["X-KAIRAN-TLP"]), "GREEN")
        # A CLEAR event of a circle that does not publish CLEAR: any user may read it.
        self.assertIn(self.ev["closed"], evs)
        self.check_calendar(self.get_ics(f"/events/{self.ev['green']}.ics",
                                         token=self.member_token), "member single")
        # An outsider (no membership) gets the CLEAR ones, not GREEN.
        evs = self.events_of(self.check_calendar(
            self.get_ics("/events.ics", token=self.outsider_token), "outsider")[0])
        self.assertNotIn(self.ev["green"], evs)
        self.assertIn(self.ev["tokyo"], evs)
        self.get_ics(f"/events/{self.ev['green']}.ics", token=self.outsider_token, status=404)
        # Bad or revoked tokens are refused, never read as anonymous.
        code, headers, _ = http(self.hub, "/events.ics", token="kr_not-a-token")
        self.assertEqual(code, 401)
        self.assertIn("Bearer", headers.get("www-authenticate", ""))
        user, token = self.hub.new_user(MEMBER_ORG, "revoked")
        self.get_ics("/events.ics", token=token)
        self.hub.admin("user", "revoke", user)
        code, _, _ = http(self.hub, "/events.ics", token=token)
        self.assertEqual(code, 401)
        # A token in the URL is no credential: that request is anonymous.
        evs = self.events_of(self.check_calendar(
            self.get_ics(f"/events.ics?token={self.member_token}"), "token in URL")[0])
        self.assertNotIn(self.ev["green"], evs)

    def test_sequence_and_cancellation(self):
        org = self.org
        item = make_item(CIRCLE, tlp="CLEAR", kind="event", title="変更と中止のテスト",
                         body="本文", indicators=[], tags=[],
                         event=event_details(25 * 86400, 2, prefecture="JP-14"))
        iid = org.post(item)["item_id"]
        path = f"/events/{iid}.ics"

        def vevent():
            cal, _ = self.check_calendar(self.get_ics(path), path)
            return self.events_of(cal)[iid]

        first = vevent()
        self.assertEqual((int(first["SEQUENCE"]), str(first["STATUS"])), (0, "CONFIRMED"))
        org.ok({"type": "event_update", "item_id": iid,
                "event": {"venue": "横浜市西区, 2F; 受付"}}, "event_updated")
        second = vevent()
        self.assertEqual(int(second["SEQUENCE"]), 1)
        self.assertEqual(str(second["LOCATION"]), "神奈川県 横浜市西区, 2F; 受付")
        self.assertEqual(str(second["UID"]), str(first["UID"]))
        org.ok({"type": "event_cancel", "item_id": iid, "reason": "台風接近のため、中止します"},
               "event_cancelled")
        third = vevent()
        self.assertEqual((int(third["SEQUENCE"]), str(third["STATUS"])), (2, "CANCELLED"))
        self.assertIn("中止 / Cancelled: 台風接近のため、中止します", str(third["DESCRIPTION"]))
        # Still in the region feed, marked cancelled.
        cal, _ = self.check_calendar(self.get_ics("/events.ics?region=JP-14"), "JP-14")
        self.assertEqual(str(self.events_of(cal)[iid]["STATUS"]), "CANCELLED")

    def test_many_events_and_every_folding_offset(self):
        """Titles whose Japanese characters straddle the 75-octet boundary at every
        offset; the calendar stays valid and each title comes back whole."""
        org = self.org
        titles = {}
        for pad in range(0, 8):
            title = "x" * pad + "勉強会" * 30
            title = title[:200]
            item = make_item(CIRCLE, tlp="CLEAR", kind="event", title=title,
                             body="。" * (pad + 40), indicators=[], tags=[],
                             event=event_details((30 + pad) * 86400, 1, prefecture="JP-47"))
            titles[org.post(item)["item_id"]] = title
        raw = self.get_ics("/events.ics?region=JP-47")
        cal, vcal = self.check_calendar(raw, "JP-47")
        evs = self.events_of(cal)
        for iid, title in titles.items():
            self.assertEqual(str(evs[iid]["SUMMARY"]), title)
        self.assertEqual({e.uid.value.split("@")[0]: e.summary.value for e in vcal.vevent_list},
                         titles)


if __name__ == "__main__":
    unittest.main(verbosity=2)
