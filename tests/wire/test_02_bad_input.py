#!/usr/bin/python3
"""02 bad input: one case per error code of PROTOCOL.md's error table.

Data-driven: CASES lists (name, expected code, expected ref, payload). For
each case a fresh authenticated connection sends the payload and must get
exactly one error with that code and ref; then nothing was stored (checked
through history of both circles), the same connection still answers whoami
and another client still works. ValidEdgeTest holds the matching accepted
cases (limits, fragments, binary frames) so a hub that refuses everything
cannot pass.
"""
import json
import unittest

from harness import HubTestCase, connect, make_item, same_content, setup_two_circles

MAX_FRAME = 131072  # max_frame_bytes for this file's hub (above a 65,536-byte body)
RID = "req-7"       # the id every JSON case carries when it has one


class Raw:
    """A text frame with exactly this text."""
    def __init__(self, text):
        self.text = text


class Bin:
    """A binary frame with exactly these bytes."""
    def __init__(self, data):
        self.data = data


class TextBytes:
    """A text frame with these (possibly invalid UTF-8) bytes."""
    def __init__(self, data):
        self.data = data


class Frags:
    """One message in several frames."""
    def __init__(self, parts):
        self.parts = parts


def post(fx, **fields):
    """A post request whose item is valid except for `fields` (value None removes a key)."""
    item = make_item(fx.circle)
    for k, v in fields.items():
        if v is None:
            item.pop(k, None)
        else:
            item[k] = v
    return {"type": "post", "id": RID, "item": item}


def msg(**fields):
    m = dict(fields)
    m.setdefault("id", RID)
    return m


def big_json(size):
    """A syntactically valid post of about `size` bytes."""
    body = "x" * size
    return json.dumps({"type": "post", "id": RID, "item": {
        "kind": "threat", "circle": "fin", "tlp": "GREEN", "title": "big", "body": body}})


IND = {"type": "ipv4", "value": "198.51.100.7", "role": "attacker"}

# (name, code or set of acceptable codes, ref, payload builder fx -> payload, word in message)
CASES = [
    # invalid_json: the frame is not a JSON object
    ("json_truncated", "invalid_json", None, lambda fx: Raw('{"type":"whoami","id":"r"'), None),
    ("json_trailing_garbage", "invalid_json", None,
     lambda fx: Raw('{"type":"whoami","id":"r"} {}'), None),
    ("json_single_quotes", "invalid_json", None, lambda fx: Raw("{'type':'whoami'}"), None),
    ("json_empty_frame", "invalid_json", None, lambda fx: Raw(""), None),
    ("json_array", "invalid_json", None, lambda fx: Raw('[{"type":"whoami","id":"r"}]'), None),
    ("json_string", "invalid_json", None, lambda fx: Raw('"whoami"'), None),
    ("json_number", "invalid_json", None, lambda fx: Raw("42"), None),
    ("json_null", "invalid_json", None, lambda fx: Raw("null"), None),
    ("json_duplicate_key", "invalid_json", None,
     lambda fx: Raw('{"type":"whoami","id":"r1","id":"r2"}'), None),
    ("json_binary_frame_malformed", "invalid_json", None, lambda fx: Bin(b'{"type":'), None),
    # invalid_utf8
    ("utf8_binary_frame", "invalid_utf8", None,
     lambda fx: Bin(b'{"type":"whoami","id":"\xff"}'), None),
    ("utf8_text_frame", "invalid_utf8", None,
     lambda fx: TextBytes(b'{"type":"whoami","id":"\xc3\x28"}'), None),
    ("utf8_overlong", "invalid_utf8", None,
     lambda fx: Bin(b'{"type":"whoami","id":"\xc0\xaf"}'), None),
    ("utf8_surrogate", "invalid_utf8", None,
     lambda fx: Bin(b'{"type":"whoami","id":"\xed\xa0\x80"}'), None),
    ("utf8_truncated_sequence", "invalid_utf8", None,
     lambda fx: Bin(b'{"type":"whoami"}\xe3\x81'), None),
    ("utf8_in_post_title", "invalid_utf8", None,
     lambda fx: Bin(json.dumps(post(fx, title="TITLE")).encode().replace(b"TITLE", b"\xe3\x81\xff")),
     None),
    # too_large
    ("too_large_frame", "too_large", None, lambda fx: Raw(big_json(MAX_FRAME + 1000)), None),
    ("too_large_binary_frame", "too_large", None,
     lambda fx: Bin(big_json(MAX_FRAME + 1000).encode()), None),
    ("too_large_fragmented", "too_large", None,
     lambda fx: Frags(_split(big_json(MAX_FRAME + 1000), 4)), None),
    # unknown_type
    ("type_unknown", "unknown_type", RID, lambda fx: msg(type="frobnicate"), None),
    ("type_unknown_no_id", "unknown_type", None, lambda fx: {"type": "frobnicate"}, None),
    ("type_wrong_case", "unknown_type", RID, lambda fx: msg(type="WHOAMI"), None),
    ("type_server_only", "unknown_type", RID, lambda fx: msg(type="auth_ok"), None),
    # envelope fields
    ("type_missing", "invalid_field", RID, lambda fx: msg(), "type"),
    ("type_not_string", "invalid_field", RID, lambda fx: msg(type=["whoami"]), "type"),
    ("id_too_long", "invalid_field", None, lambda fx: msg(type="whoami", id="x" * 65), "id"),
    ("id_empty", "invalid_field", None, lambda fx: msg(type="whoami", id=""), "id"),
    ("id_number", "invalid_field", None, lambda fx: msg(type="whoami", id=7), "id"),
    # unknown_field
    ("field_unknown_top", "unknown_field", RID, lambda fx: msg(type="whoami", verbose=True),
     "verbose"),
    ("field_unknown_post", "unknown_field", RID, lambda fx: dict(post(fx), priority=1),
     "priority"),
    ("field_unknown_item", "unknown_field", RID, lambda fx: post(fx, author="someone-else"),
     "author"),
    ("field_unknown_indicator", "unknown_field", RID,
     lambda fx: post(fx, indicators=[dict(IND, confidence=80)]), "confidence"),
    ("field_unknown_history", "unknown_field", RID,
     lambda fx: msg(type="history", circle=fx.circle, order="desc"), "order"),
    ("field_unknown_subscribe", "unknown_field", RID,
     lambda fx: msg(type="subscribe", filters={}), "filters"),
    ("field_unknown_get", "unknown_field", RID,
     lambda fx: msg(type="get", item_id="it_0000000000000001", full=True), "full"),
    # invalid_field: wrong types
    ("get_item_id_number", "invalid_field", RID, lambda fx: msg(type="get", item_id=42),
     "item_id"),
    ("history_circle_number", "invalid_field", RID, lambda fx: msg(type="history", circle=1),
     "circle"),
    ("history_limit_string", "invalid_field", RID,
     lambda fx: msg(type="history", circle=fx.circle, limit="10"), "limit"),
    ("history_since_string", "invalid_field", RID,
     lambda fx: msg(type="history", circle=fx.circle, since="0"), "since"),
    ("history_since_float", "invalid_field", RID,
     lambda fx: msg(type="history", circle=fx.circle, since=1.5), "since"),
    ("post_item_string", "invalid_field", RID, lambda fx: msg(type="post", item="text"), "item"),
    ("post_item_array", "invalid_field", RID, lambda fx: msg(type="post", item=[]), "item"),
    ("item_title_number", "invalid_field", RID, lambda fx: post(fx, title=5), "title"),
    ("item_body_bool", "invalid_field", RID, lambda fx: post(fx, body=False), "body"),
    ("item_tags_string", "invalid_field", RID, lambda fx: post(fx, tags="phishing"), "tags"),
    ("item_tags_numbers", "invalid_field", RID, lambda fx: post(fx, tags=[1, 2]), "tags"),
    ("item_tlp_number", "invalid_field", RID, lambda fx: post(fx, tlp=2), "tlp"),
    ("item_indicators_object", "invalid_field", RID, lambda fx: post(fx, indicators={}),
     "indicators"),
    ("item_indicator_string", "invalid_field", RID,
     lambda fx: post(fx, indicators=["198.51.100.7"]), "indicators"),
    ("item_indicator_value_number", "invalid_field", RID,
     lambda fx: post(fx, indicators=[{"type": "asn", "value": 64500}]), "value"),
    ("item_recipients_string", "invalid_field", RID,
     lambda fx: post(fx, tlp="RED", recipients=fx.user["peer"]), "recipients"),
    ("subscribe_circles_string", "invalid_field", RID,
     lambda fx: msg(type="subscribe", circles=fx.circle), "circles"),
    ("subscribe_circles_empty", "invalid_field", RID,
     lambda fx: msg(type="subscribe", circles=[]), "circles"),
    ("subscribe_since_string", "invalid_field", RID,
     lambda fx: msg(type="subscribe", since="5"), "since"),
    ("ack_cursor_string", "invalid_field", RID,
     lambda fx: msg(type="ack", name="siem", cursor="5"), "cursor"),
    ("ack_name_too_long", "invalid_field", RID,
     lambda fx: msg(type="ack", name="n" * 65, cursor=1), "name"),
    # invalid_field: missing
    ("get_missing_item_id", "invalid_field", RID, lambda fx: msg(type="get"), "item_id"),
    ("history_missing_circle", "invalid_field", RID, lambda fx: msg(type="history"), "circle"),
    ("post_missing_item", "invalid_field", RID, lambda fx: msg(type="post"), "item"),
    ("ack_missing_cursor", "invalid_field", RID, lambda fx: msg(type="ack", name="siem"),
     "cursor"),
    ("ack_missing_name", "invalid_field", RID, lambda fx: msg(type="ack", cursor=1), "name"),
    ("item_missing_kind", "invalid_field", RID, lambda fx: post(fx, kind=None), "kind"),
    ("item_missing_circle", "invalid_field", RID, lambda fx: post(fx, circle=None), "circle"),
    ("item_missing_tlp", "invalid_field", RID, lambda fx: post(fx, tlp=None), "tlp"),
    ("item_missing_title", "invalid_field", RID, lambda fx: post(fx, title=None), "title"),
    ("item_missing_body", "invalid_field", RID, lambda fx: post(fx, body=None), "body"),
    ("indicator_missing_value", "invalid_field", RID,
     lambda fx: post(fx, indicators=[{"type": "ipv4"}]), "value"),
    ("indicator_missing_type", "invalid_field", RID,
     lambda fx: post(fx, indicators=[{"value": "198.51.100.7"}]), "type"),
    # invalid_field: out of range
    ("history_limit_zero", "invalid_field", RID,
     lambda fx: msg(type="history", circle=fx.circle, limit=0), "limit"),
    ("history_limit_501", "invalid_field", RID,
     lambda fx: msg(type="history", circle=fx.circle, limit=501), "limit"),
    ("history_since_negative", "invalid_field", RID,
     lambda fx: msg(type="history", circle=fx.circle, since=-1), "since"),
    ("ack_cursor_negative", "invalid_field", RID,
     lambda fx: msg(type="ack", name="siem", cursor=-1), "cursor"),
    ("item_title_empty", "invalid_field", RID, lambda fx: post(fx, title=""), "title"),
    ("item_title_201_chars", "invalid_field", RID, lambda fx: post(fx, title="警" * 201),
     "title"),
    ("item_body_65537_bytes", "invalid_field", RID, lambda fx: post(fx, body="b" * 65537),
     "body"),
    ("item_body_japanese_90000_bytes", "invalid_field", RID,
     lambda fx: post(fx, body="攻" * 30000), "body"),
    ("green_with_recipients", "invalid_field", RID,
     lambda fx: post(fx, tlp="GREEN", recipients=[fx.user["peer"]]), "recipients"),
    ("red_without_recipients", "invalid_field", RID, lambda fx: post(fx, tlp="RED"),
     "recipients"),
    ("red_empty_recipients", "invalid_field", RID,
     lambda fx: post(fx, tlp="RED", recipients=[]), "recipients"),
    # unknown_label
    ("tlp_lowercase", "unknown_label", RID, lambda fx: post(fx, tlp="amber"), None),
    ("tlp_v1_white", "unknown_label", RID, lambda fx: post(fx, tlp="WHITE"), None),
    ("tlp_prefixed", "unknown_label", RID, lambda fx: post(fx, tlp="TLP:GREEN"), None),
    ("tlp_empty", "unknown_label", RID, lambda fx: post(fx, tlp=""), None),
    ("kind_unknown", "unknown_label", RID, lambda fx: post(fx, kind="rumor"), None),
    # PROTOCOL.md says assessment "is refused" without naming the code; the schema says it is
    # not a wire value (so unknown_label); invalid_field or forbidden are also defensible.
    ("kind_assessment", {"unknown_label", "invalid_field", "forbidden"}, RID,
     lambda fx: post(fx, kind="assessment"), None),
    ("indicator_type_unknown", "unknown_label", RID,
     lambda fx: post(fx, indicators=[dict(IND, type="ip")]), None),
    ("indicator_type_wrong_case", "unknown_label", RID,
     lambda fx: post(fx, indicators=[dict(IND, type="IPv4")]), None),
    ("indicator_role_unknown", "unknown_label", RID,
     lambda fx: post(fx, indicators=[dict(IND, role="perpetrator")]), None),
]


def _split(text, n):
    size = len(text) // n + 1
    return [text[i:i + size] for i in range(0, len(text), size)]


class BadInputTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub(config={"max_frame_bytes": MAX_FRAME})
        cls.fx = setup_two_circles(cls.hub)

    def stored(self):
        """Every item id readable in both circles (author reads `circle`, peer `other`)."""
        a = connect(self.hub, self.fx, "author")
        p = connect(self.hub, self.fx, "peer")
        ids = [i["id"] for i in a.history_all(self.fx.circle)]
        ids += [i["id"] for i in p.history_all(self.fx.other)]
        a.close()
        p.close()
        return ids

    def check_case(self, code, ref, payload, word):
        before = self.stored()
        c = connect(self.hub, self.fx, "author")
        if isinstance(payload, dict):
            c.send(payload, check=False)
        elif isinstance(payload, Raw):
            c.send_raw(payload.text)
        elif isinstance(payload, Bin):
            c.send_raw(payload.data)
        elif isinstance(payload, TextBytes):
            c.send_text_bytes(payload.data)
        elif isinstance(payload, Frags):
            c.send_fragments(payload.parts)
        else:
            raise TypeError(payload)
        reply = c.recv()
        codes = {code} if isinstance(code, str) else code
        self.assertEqual(reply["type"], "error", reply)
        self.assertIn(reply["code"], codes, reply)
        self.assertEqual(reply["ref"], ref, reply)
        if word is not None:
            self.assertIn(word, reply["message"], f"message should name the field: {reply}")
        # Exactly one reply, the same connection still works ...
        c.expect_no_message(within=0.2)
        who = c.ok({"type": "whoami", "id": "after"}, "whoami")
        self.assertEqual(who["user"], self.fx.user["author"])
        # ... another client too, and nothing was stored.
        self.assertEqual(self.stored(), before)


def _make(code, ref, build, word):
    def test(self):
        self.check_case(code, ref, build(self.fx), word)
    return test


for _name, _code, _ref, _build, _word in CASES:
    _t = _make(_code, _ref, _build, _word)
    _t.__name__ = f"test_{_name}"
    _t.__doc__ = f"{_name} -> {_code if isinstance(_code, str) else '|'.join(sorted(_code))}"
    setattr(BadInputTest, _t.__name__, _t)


class ValidEdgeTest(HubTestCase):
    """The accepted side of each limit, so the refusals above are not vacuous."""

    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub(config={"max_frame_bytes": MAX_FRAME})
        cls.fx = setup_two_circles(cls.hub)

    def setUp(self):
        super().setUp()
        self.author = connect(self.hub, self.fx, "author")
        self.peer = connect(self.hub, self.fx, "peer")

    def post_and_read(self, item, poster=None):
        posted = (poster or self.author).post(item)
        got = self.peer.get(posted["item_id"])
        same_content(self, got, item)
        return got

    def test_id_of_64_chars(self):
        rid = "i" * 64
        self.assertEqual(self.author.ok({"type": "whoami", "id": rid}, "whoami")["ref"], rid)

    def test_binary_frame_is_read_as_text(self):
        self.author.send_raw(b'{"type":"whoami","id":"bin-1"}')
        reply = self.author.recv()
        self.assertEqual((reply["type"], reply["ref"]), ("whoami", "bin-1"))

    def test_pretty_printed_json(self):
        self.author.send_raw('{\n  "type" : "whoami",\n\t"id" : "pp"\n}\n')
        self.assertEqual(self.author.recv()["ref"], "pp")

    def test_fragmented_whoami(self):
        self.author.send_fragments(['{"type":', '"whoami","i', 'd":"frag-1"}'])
        reply = self.author.recv()
        self.assertEqual((reply["type"], reply["ref"]), ("whoami", "frag-1"))

    def test_fragmented_binary_message(self):
        self.author.send_fragments([b'{"type":"who', b'ami","id":"fb"}'], binary=True)
        self.assertEqual(self.author.recv()["ref"], "fb")

    def test_fragmented_post_splitting_a_utf8_sequence(self):
        item = make_item(self.fx.circle, title="フィッシング注意報 分割テスト")
        data = json.dumps({"type": "post", "id": "fp", "item": item},
                          ensure_ascii=False).encode("utf-8")
        cut = data.index("注".encode()) + 1  # inside the 3-byte sequence
        self.author.send_fragments([data[:cut], data[cut:cut + 1], data[cut + 1:]])
        posted = self.author.recv()
        self.assertEqual((posted["type"], posted["ref"]), ("posted", "fp"), posted)
        self.assertEqual(self.peer.get(posted["item_id"])["title"], item["title"])

    def test_frame_of_exactly_max_frame_bytes(self):
        item = make_item(self.fx.circle, body="b" * 65536)
        frame = json.dumps({"type": "post", "id": "exact", "item": item})
        frame = frame[:-1] + " " * (MAX_FRAME - len(frame)) + "}"  # JSON whitespace as padding
        self.assertEqual(len(frame.encode()), MAX_FRAME)
        self.author.send_raw(frame)
        posted = self.author.recv()
        self.assertEqual((posted["type"], posted["ref"]), ("posted", "exact"), posted)
        same_content(self, self.peer.get(posted["item_id"]), item)

    def test_pipelined_requests_each_get_one_reply(self):
        posted = self.author.post(make_item(self.fx.circle))
        expected = {}
        for n in range(60):
            kind = n % 5
            rid = f"pipe-{n}"
            if kind == 0:
                obj, want = {"type": "whoami", "id": rid}, "whoami"
            elif kind == 1:
                obj, want = {"type": "get", "id": rid, "item_id": posted["item_id"]}, "item"
            elif kind == 2:
                obj, want = {"type": "history", "id": rid, "circle": self.fx.circle,
                             "limit": 2}, "history"
            elif kind == 3:
                obj, want = {"type": "frobnicate", "id": rid}, "error"
            else:
                obj, want = {"type": "post", "id": rid, "item": make_item(self.fx.circle)}, "posted"
            self.author.send(obj, check=False)
            expected[rid] = want
        got = {}
        while len(got) < len(expected):
            msg = self.author.recv()
            self.assertNotIn(msg["ref"], got, f"second reply to {msg['ref']}")
            got[msg["ref"]] = msg["type"]
        self.assertEqual(got, expected)
        self.author.expect_no_message(within=0.2)

    def test_connection_dropped_mid_message(self):
        c = connect(self.hub, self.fx, "colleague")
        data = json.dumps({"type": "post", "id": "cut", "item": make_item(self.fx.circle)})

        async def first_fragment_only():
            from websockets.frames import OP_TEXT
            await c.ws.write_frame(False, OP_TEXT, data[:40].encode())
        c._run(first_fragment_only())
        c.abort()
        self.author.whoami()
        self.assertNotIn("cut", [i["id"] for i in self.peer.history_all(self.fx.circle)])

    def test_title_of_200_japanese_chars(self):
        self.post_and_read(make_item(self.fx.circle, title="警" * 200))

    def test_body_of_65536_bytes(self):
        self.post_and_read(make_item(self.fx.circle, body="b" * 65536))

    def test_japanese_body_under_65536_bytes(self):
        self.post_and_read(make_item(self.fx.circle, body="攻" * 21845))  # 65,535 bytes

    def test_every_kind_and_tlp(self):
        for kind in ("threat", "practice"):
            self.post_and_read(make_item(self.fx.circle, kind=kind))
        # Alerts come from the secretariat under the default circle policy.
        moderator = self.hub.client(self.fx.token["moderator"], label="moderator")
        self.post_and_read(make_item(self.fx.circle, kind="alert"), poster=moderator)
        self.author.error({"type": "post", "item": make_item(self.fx.circle, kind="alert")},
                          "forbidden")
        for tlp in ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT"):
            self.post_and_read(make_item(self.fx.circle, tlp=tlp))
        self.post_and_read(make_item(self.fx.circle, tlp="RED", recipients=[self.fx.user["peer"]]))

    def test_event_by_an_organizer(self):
        name, token = self.hub.new_user(self.fx.peer_org, "organizer")
        self.hub.admin("role", "set", self.fx.circle, name, "organizer")
        self.hub.wait_role(token, self.fx.circle, "organizer")
        org = self.hub.client(token, label="organizer")
        posted = org.post(make_item(self.fx.circle, kind="event", title="Kanagawa study group"))
        self.assertEqual(self.peer.get(posted["item_id"])["kind"], "event")

    def test_every_indicator_type_and_default_role(self):
        inds = [{"type": t, "value": v} for t, v in [
            ("ipv4", "198.51.100.7"), ("ipv6", "2001:db8::7"), ("cidr", "203.0.113.0/24"),
            ("domain", "login-secure-bank.example"), ("url", "https://login-secure-bank.example/x"),
            ("email", "phish@login-secure-bank.example"), ("md5", "d41d8cd98f00b204e9800998ecf8427e"),
            ("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            ("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("cve", "CVE-2024-3400"), ("asn", "AS64500")]]
        got = self.post_and_read(make_item(self.fx.circle, indicators=inds))
        for ind in got["indicators"]:
            self.assertEqual(ind["role"], "unknown")

    def test_optional_lists_default_to_empty(self):
        item = make_item(self.fx.circle)
        del item["indicators"], item["tags"]
        got = self.post_and_read(item)
        self.assertEqual((got["indicators"], got["tags"]), ([], []))

    def test_history_limits_1_and_500(self):
        self.author.post(make_item(self.fx.circle))
        self.assertEqual(len(self.peer.history(self.fx.circle, limit=1)["items"]), 1)
        self.peer.history(self.fx.circle, limit=500)


if __name__ == "__main__":
    unittest.main(verbosity=2)
