#!/usr/bin/python3
"""24 practice reports and full-text search.

Practice reports: a practice item carries `practice` (directive 1-10,
industry, size band, readers, level 1-3, situation, steps, outcome,
references); it reaches every read path and a forwarded copy; a size band
typed with a hyphen is stored with the en dash; each malformed field is
refused with its code and nothing is stored; its texts are scrubbed like the
body (preview lists them); moderators edit some of its fields, the rest
stays; `kairan get` prints them.

Search, on a fixed corpus of Japanese and English reports: Japanese terms of
three and more characters (trigram index) and of two (監査, 委託: scanned),
mixed; English words, phrases, case; exact result sets; ranking (the title
and more matches first, and the same order whatever the reader may not
read); snippets mark each match and come from the text with most matches;
filters (kind, directive, industry, circle); total and limit; FTS5 syntax in
q is plain text; malformed queries and filters are refused with a clear
error; the index holds exactly the published items, and never a scrubbed
name: searching the author's registered name finds nothing, the placeholder
is found instead.

Access: the reader's circles, AMBER and CLEAR, RED only for the author and
the named recipients, anonymous readers only public CLEAR; items the reader
may not read change nothing it sees (total, order, snippets: checked with
documents that would flip the order under corpus-wide BM25 statistics);
a removed membership, a retraction, and moderation (nothing pending is
found, a moderator's edit is found by its new text and not its old once
approved). The `kairan search` command (output, --json, phrases, filters,
exit codes, highlighting on a terminal) and the README walkthrough on the
demo hub.
"""
import json
import os
import random
import re
import sqlite3
import subprocess
import time
import unittest

import harness
from harness import HubTestCase, add_circle, connect, make_item, setup_two_circles

ITEM_ID = r"it_[0-9a-f]{16}"
EXAMPLES = os.path.join(harness.SOURCE_DIR, "client", "examples")


def practice(directive=9, industry="finance", **kw):
    p = {"directive": directive, "industry": industry, "readers": ["ciso"], "level": 2,
         "situation": "状況", "steps": "取組", "outcome": "成果"}
    p.update(kw)
    return p


def marker():
    """A word of ASCII letters found nowhere else."""
    return "qx" + "".join(random.choice("bcdfghjkmnpvwz") for _ in range(10))


def search(client, q, **kw):
    return client.ok(dict({"type": "search", "q": q}, **kw), "search")


def ids(reply):
    return [r["id"] for r in reply["results"]]


def db_index(hub):
    """(rows of items_fts by rowid, cursors of published items) from the store."""
    db = sqlite3.connect(os.path.join(hub.data, "kairan.db"), timeout=10)
    try:
        fts = {r[0]: r[1:] for r in db.execute(
            "SELECT rowid, title, body, tags, situation, steps, outcome FROM items_fts")}
        published = {r[0] for r in db.execute(
            "SELECT cursor FROM items WHERE status = 'published'")}
    finally:
        db.close()
    return fts, published


# -- the corpus ----------------------------------------------------------------

CORPUS = {
    "ja1": make_item(
        "", kind="practice", title="委託先の選定時にセキュリティ要件を契約条項へ明記した事例",
        body="委託先でのインシデントを受けて委託契約を見直し、委託先監査の条項を加えた。",
        indicators=[], tags=["supply-chain"],
        practice=practice(9, "finance", readers=["executives", "ciso"], size_band="500-999",
                          situation="茜銀行の委託先で不正アクセスが発生し、報告まで2週間を要した。",
                          steps="委託契約のひな形に24時間以内の報告義務を追加した。",
                          outcome="翌年の委託先インシデントは翌日に報告された。",
                          references=["https://www.meti.go.jp/policy/netsecurity/mng_guide.html"])),
    "ja2": make_item(
        "", kind="practice", title="標的型メール訓練の全社展開",
        body=("全従業員を対象に年4回の標的型メール訓練を実施し、開封率と報告率を経営会議へ報告した。" * 4
              + "結果は内部監査でも確認した。"),
        indicators=[], tags=["training"],
        practice=practice(5, "manufacturing", readers=["staff"], level=1,
                          situation="訓練が一部の部署に限られていた。",
                          steps="全社の年間計画に組み込んだ。", outcome="報告率が2倍になった。")),
    "ja3": make_item(
        "", kind="practice", title="内部監査と外部監査の計画を一本化",
        body="監査の重複をなくすため監査計画を統合した。", indicators=[], tags=[],
        practice=practice(6, "finance", level=3, situation="監査対応が部門ごとにばらばらだった。",
                          steps="年間監査計画を一本化し、委託先も対象にした。",
                          outcome="監査工数が3割減った。")),
    "en1": make_item(
        "", kind="practice", title="Supplier contract clauses for incident notification",
        body="Every outsourcing contract now requires incident notification within 24 hours.",
        indicators=[], tags=["supply-chain"],
        practice=practice(9, "finance", readers=["ciso", "staff"],
                          situation="A supplier breach took two weeks to reach us.",
                          steps="We added notification, log retention and audit clauses to "
                                "supplier contracts.",
                          outcome="The next supplier incident was reported the following "
                                  "morning.")),
    "en2": make_item(
        "", kind="practice", title="Ransomware tabletop exercise with the board",
        body=("A scripted ransomware scenario with decision points every fifteen minutes "
              "made the board decide who isolates the network and who talks to regulators. "
              * 3 + "One scenario involved a supplier."),
        indicators=[], tags=["exercise"],
        practice=practice(7, "energy", readers=["executives"], level=1,
                          situation="Nobody owned the decision to isolate the network.",
                          steps="A two-hour tabletop exercise with an outside facilitator.",
                          outcome="Decisions took forty minutes instead of a day.")),
    "t1": make_item(
        "", kind="threat", title="委託先を装うフィッシングメール",
        body="委託先の担当者を名乗るメールで認証情報を窃取する手口を確認した。",
        indicators=[{"type": "domain", "value": "itaku-portal.example", "role": "attacker"}],
        tags=["phishing"]),
}


class PracticeFieldsTest(HubTestCase):
    """What a practice report carries, on every path, and what is refused."""

    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.fx = setup_two_circles(cls.hub)
        hub, fx = cls.hub, cls.fx
        add_circle(hub, "mod24", moderation=["practice", "threat"])
        add_circle(hub, "src24", green_out=True)
        add_circle(hub, "dst24", green_in=True)
        for circle, orgs in (("mod24", (fx.author_org, fx.peer_org)),
                             ("src24", (fx.author_org, fx.peer_org)),
                             ("dst24", (fx.peer_org, fx.outsider_org))):
            for org in orgs:
                hub.admin("member", "add", circle, org)
        hub.admin("role", "set", "mod24", fx.user["moderator"], "moderator")
        hub.wait_role(fx.token["moderator"], "mod24", "moderator")
        hub.wait_role(fx.token["outsider"], "dst24", "member")

    def c(self, role):
        return connect(self.hub, self.fx, role)

    def test_practice_reaches_every_read_path(self):
        fx = self.fx
        peer, replay = self.c("peer"), self.c("moderator")
        start = peer.subscribe([fx.circle])["cursor"]
        sent = dict(CORPUS["ja1"], circle=fx.circle)
        posted = self.c("author").post(sent)
        replay.subscribe([fx.circle], since=start)
        views = {"live": peer.deliver(), "get": peer.get(posted["item_id"]),
                 "history": [i for i in peer.history_all(fx.circle, since=start)
                             if i["id"] == posted["item_id"]][0],
                 "replay": replay.deliver()}
        want = dict(sent["practice"], size_band="500–999",
                    situation="[組織]の委託先で不正アクセスが発生し、報告まで2週間を要した。")
        for path, item in views.items():
            with self.subTest(path=path):
                self.assertEqual(item["kind"], "practice")
                self.assertEqual(item["practice"], want)
                harness.assert_anonymous(self, item, fx)

    def test_optional_fields_stay_absent_and_english_text_is_kept(self):
        sent = dict(CORPUS["en1"], circle=self.fx.circle)
        posted = self.c("author").post(sent)
        got = self.c("peer").get(posted["item_id"])["practice"]
        self.assertEqual(got, sent["practice"])
        self.assertNotIn("size_band", got)
        self.assertNotIn("references", got)

    def test_preview_shows_the_scrubbed_practice_and_what_was_removed(self):
        item = make_item(self.fx.circle, kind="practice", practice=practice(
            situation="Akane Ginko の委託先で障害。連絡先 ito@akane-ginko.example",
            references=["https://www.akane-ginko.example/policy.pdf"]))
        pv = self.c("author").ok({"type": "post", "item": item, "preview": True}, "preview")
        got = pv["item"]["practice"]
        self.assertEqual(got["situation"], "[組織] の委託先で障害。連絡先 [メール]")
        self.assertNotIn("akane-ginko", json.dumps(got))
        fields = {(r["kind"], r["field"]) for r in pv["redactions"]}
        self.assertIn(("org-name", "situation"), fields)
        self.assertIn(("email", "situation"), fields)
        self.assertTrue({f for k, f in fields} >= {"situation", "references"}, fields)

    def test_malformed_practice_is_refused_and_nothing_stored(self):
        fx = self.fx
        author, peer = self.c("author"), self.c("peer")
        before = peer.history_all(fx.circle)
        base = make_item(fx.circle, kind="practice")
        rows = [
            ("practice without its fields", {k: v for k, v in base.items() if k != "practice"},
             "invalid_field", "needs a 'practice' object"),
            ("practice on a threat", dict(make_item(fx.circle), practice=practice()),
             "invalid_field", "only practice items"),
            ("unknown member", dict(base, practice=practice(company="X社")), "unknown_field",
             "company"),
            ("directive 0", dict(base, practice=practice(0)), "invalid_field", "directive"),
            ("directive 11", dict(base, practice=practice(11)), "invalid_field", "1-10"),
            ("directive as text", dict(base, practice=practice("7")), "invalid_field",
             "directive"),
            ("level 4", dict(base, practice=practice(level=4)), "invalid_field", "level"),
            ("unknown industry", dict(base, practice=practice(industry="banking")),
             "unknown_label", "banking"),
            ("unknown size band", dict(base, practice=practice(size_band="約900名")),
             "unknown_label", "size band"),
            ("no readers", dict(base, practice=practice(readers=[])), "invalid_field",
             "readers"),
            ("unknown reader", dict(base, practice=practice(readers=["board"])),
             "unknown_label", "board"),
            ("reader twice", dict(base, practice=practice(readers=["ciso", "ciso"])),
             "invalid_field", "twice"),
            ("empty steps", dict(base, practice=practice(steps="")), "invalid_field", "steps"),
            ("missing outcome", dict(base, practice={k: v for k, v in practice().items()
                                                      if k != "outcome"}),
             "invalid_field", "outcome"),
            ("steps over 16 KiB", dict(base, practice=practice(steps="策" * 5462)),
             "invalid_field", "16384"),
            ("33 references", dict(base, practice=practice(references=["r"] * 33)),
             "invalid_field", "references"),
        ]
        for name, item, code, text in rows:
            with self.subTest(name):
                err = author.error({"type": "post", "item": item}, code)
                self.assertIn(text, err["message"])
        self.assertEqual(peer.history_all(fx.circle), before, "a refused post was stored")
        # The limits themselves pass: 16,384 bytes, 32 references, every reader.
        ok = dict(base, practice=practice(steps="策" * 5461 + "a", references=["r"] * 32,
                                          readers=["staff", "executives", "ciso"]))
        posted = author.post(ok)
        self.assertEqual(len(peer.get(posted["item_id"])["practice"]["steps"].encode()), 16384)

    def test_moderators_edit_some_practice_fields(self):
        author, mod = self.c("author"), self.c("moderator")
        posted = author.post(make_item("mod24", kind="practice", practice=practice(
            steps="茜銀行の契約を見直した。", references=["https://example.org/a"])))
        self.assertEqual(posted["status"], "pending")
        mid = posted["item_id"]
        # A bad edit changes nothing.
        for edit, code in (({"practice": {"directive": 0}}, "invalid_field"),
                           ({"practice": {"readers": ["board"]}}, "unknown_label"),
                           ({"practice": {}}, "invalid_field"),
                           ({"practice": {"author": "x"}}, "unknown_field")):
            with self.subTest(edit=edit):
                mod.error({"type": "moderate", "item_id": mid, "decision": "edit",
                           "edit": edit}, code)
        mod.ok({"type": "moderate", "item_id": mid, "decision": "edit",
                "edit": {"practice": {"steps": "委託契約を見直した。", "level": 3}}}, "moderated")
        mod.ok({"type": "moderate", "item_id": mid, "decision": "approve"}, "moderated")
        got = self.c("peer").get(mid)["practice"]
        self.assertEqual(got, dict(practice(steps="委託契約を見直した。", level=3,
                                            references=["https://example.org/a"])))
        # Only practice items carry one.
        threat = author.post(make_item("mod24"))
        err = mod.error({"type": "moderate", "item_id": threat["item_id"], "decision": "edit",
                         "edit": {"practice": {"steps": "x"}}}, "invalid_field")
        self.assertIn("only practice items", err["message"])

    def test_a_forwarded_copy_keeps_the_practice_and_is_found_there(self):
        mk = marker()
        sent = make_item("src24", kind="practice", title=f"Forwarded practice {mk}",
                         practice=practice(7, "energy", steps=f"Steps {mk}"))
        posted = self.c("author").post(sent)
        copy = self.c("peer").ok({"type": "forward", "item_id": posted["item_id"],
                                  "to": "dst24"}, "forwarded")
        outsider = self.c("outsider")
        self.assertEqual(outsider.get(copy["item_id"])["practice"], sent["practice"])
        found = search(outsider, mk)
        self.assertEqual(ids(found), [copy["item_id"]])
        self.assertEqual(found["results"][0]["circle"], "dst24")
        self.assertEqual((found["results"][0]["directive"], found["results"][0]["industry"]),
                         (7, "energy"))
        # The peer, a member of both circles, finds both.
        self.assertEqual(set(ids(search(self.c("peer"), mk))),
                         {posted["item_id"], copy["item_id"]})

    def test_get_prints_the_practice(self):
        posted = self.c("author").post(dict(CORPUS["ja3"], circle=self.fx.circle,
                                            practice=practice(
                                                6, "finance", level=3, size_band="100-299",
                                                readers=["executives", "staff"],
                                                steps="年間監査計画を一本化した。\n委託先も対象にした。",
                                                references=["https://example.org/ref"])))
        rc, out, err = self.hub.cli("get", posted["item_id"], token=self.fx.token["peer"])
        self.assertEqual(rc, 0, err)
        for line in (r"(?m)^directive\s+6$", r"(?m)^industry\s+finance$",
                     r"(?m)^size band\s+100–299$", r"(?m)^readers\s+executives, staff$",
                     r"(?m)^level\s+3$",
                     r"(?m)^steps:\n年間監査計画を一本化した。\n委託先も対象にした。$",
                     r"(?m)^references:\n  https://example.org/ref$"):
            self.assertRegex(out, line)


class SearchTest(HubTestCase):
    """Search on a fixed corpus: what is found, in what order, with what snippet."""

    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.fx = setup_two_circles(cls.hub)
        author = connect(cls.hub, cls.fx, "author")
        cls.id = {}
        for name, item in CORPUS.items():
            cls.id[name] = author.post(dict(item, circle=cls.fx.circle))["item_id"]
        cls.name = {v: k for k, v in cls.id.items()}
        author.close()

    def c(self, role="peer"):
        return connect(self.hub, self.fx, role)

    def found(self, q, **kw):
        """The corpus names of the results of q for the peer, in order."""
        reply = search(self.c(), q, **kw)
        self.assertEqual(reply["total"], len(reply["results"]), reply)
        return [self.name[i] for i in ids(reply)]

    def test_japanese_terms_of_three_or_more_characters(self):
        self.assertEqual(set(self.found("委託契約")), {"ja1"})
        self.assertEqual(set(self.found("フィッシング")), {"t1"})
        self.assertEqual(set(self.found("監査計画")), {"ja3"})
        self.assertEqual(self.found("存在しない語句"), [])

    def test_japanese_terms_of_two_characters(self):
        self.assertEqual(set(self.found("監査")), {"ja1", "ja2", "ja3"})
        self.assertEqual(set(self.found("委託")), {"ja1", "ja3", "t1"})
        self.assertEqual(set(self.found("監査 委託")), {"ja1", "ja3"})
        self.assertEqual(set(self.found("訓練")), {"ja2"})
        self.assertEqual(self.found("監視"), [])
        # One character works too.
        self.assertEqual(set(self.found("鍵 監査")), set())
        # Mixed: the index narrows by 委託先, 監査 is checked in the text.
        self.assertEqual(set(self.found("委託先 監査")), {"ja1", "ja3"})
        # The ideographic space separates words like a space.
        self.assertEqual(set(self.found("委託先\u3000監査")), {"ja1", "ja3"})

    def test_english_words_phrases_and_case(self):
        self.assertEqual(set(self.found("supplier")), {"en1", "en2"})
        self.assertEqual(set(self.found("SUPPLIER Contract")), {"en1"})
        self.assertEqual(set(self.found('"incident notification"')), {"en1"})
        self.assertEqual(set(self.found("notification incident")), {"en1"})
        self.assertEqual(self.found('"notification incident"'), [])
        self.assertEqual(set(self.found("tabletop")), {"en2"})
        # Tags are searched too.
        self.assertEqual(set(self.found("supply-chain")), {"ja1", "en1"})

    def test_ranking(self):
        # 委託: ja1 has it in the title and five times in its texts, t1 in the title and
        # the body, ja3 once in its steps.
        order = self.found("委託")
        self.assertEqual(order[0], "ja1", order)
        self.assertEqual(order[-1], "ja3", order)
        # supplier: in en1's title and three of its texts; once at the end of en2's long body.
        self.assertEqual(self.found("supplier"), ["en1", "en2"])
        # The same query gives the same order every time.
        self.assertEqual(self.found("監査"), self.found("監査"))

    def test_snippets_mark_the_matches_in_the_text_with_most_of_them(self):
        peer = self.c()
        for q, terms in (("委託", ["委託"]), ("監査 委託", ["監査", "委託"]),
                         ("supplier contract", ["supplier", "contract"]),
                         ('"incident notification"', ["incident notification"])):
            for r in search(peer, q)["results"]:
                with self.subTest(q=q, item=self.name[r["id"]]):
                    marked = re.findall(r"«([^»]*)»", r["snippet"])
                    self.assertTrue(marked, r["snippet"])
                    for m in marked:
                        self.assertIn(m.lower(), [t.lower() for t in terms])
                    item = peer.get(r["id"])
                    text = (item["practice"][r["field"]]
                            if r["field"] in ("situation", "steps", "outcome")
                            else " ".join(item["tags"]) if r["field"] == "tags"
                            else item[r["field"]])
                    plain = r["snippet"].replace("«", "").replace("»", "").strip("…")
                    self.assertIn(plain, re.sub(r"\s+", " ", text))
                    for k in ("title", "kind", "circle", "tlp", "created"):
                        self.assertEqual(r[k], item[k], k)
        r = search(peer, "委託", directive=9)["results"][0]
        self.assertEqual((r["field"], r["directive"], r["industry"]), ("body", 9, "finance"))
        self.assertEqual(r["snippet"], "«委託»先でのインシデントを受けて«委託»契約を見直し、"
                                       "«委託»先監査の条項を加えた。")
        self.assertNotIn("directive", search(peer, "フィッシング")["results"][0])

    def test_filters(self):
        self.assertEqual(set(self.found("委託", kind="practice")), {"ja1", "ja3"})
        self.assertEqual(set(self.found("委託", kind="threat")), {"t1"})
        self.assertEqual(self.found("委託", kind="alert"), [])
        self.assertEqual(set(self.found("委託", directive=9)), {"ja1"})
        self.assertEqual(set(self.found("supplier", directive=9)), {"en1"})
        self.assertEqual(set(self.found("監査", industry="finance")), {"ja1", "ja3"})
        self.assertEqual(set(self.found("監査", industry="manufacturing")), {"ja2"})
        self.assertEqual(set(self.found("supplier", industry="energy")), {"en2"})
        self.assertEqual(self.found("監査", industry="finance", directive=5), [])
        self.assertEqual(set(self.found("監査", circle=self.fx.circle)), {"ja1", "ja2", "ja3"})
        # The peer is also in the other circle, which holds none of them.
        self.assertEqual(self.found("監査", circle=self.fx.other), [])

    def test_total_counts_beyond_the_limit(self):
        reply = search(self.c(), "監査", limit=1)
        self.assertEqual(reply["total"], 3)
        self.assertEqual(len(reply["results"]), 1)
        self.assertEqual(reply["terms"], ["監査"])

    def test_fts5_syntax_is_plain_text(self):
        peer = self.c()
        for q in ("title:委託", "NEAR(委託 監査)", "委託 OR 監査", "委託 AND", "NOT 監査", "*",
                  "^委託", "(監査", "監査)", "-監査", "+委託", "委託*", "{title}: 監査",
                  "'監査'", "監査 \"委託\"", "\\監査", "%", "_", "%監査%"):
            with self.subTest(q=q):
                reply = search(peer, q)
                for r in reply["results"]:
                    item = peer.get(r["id"])
                    blob = json.dumps(item, ensure_ascii=False).lower()
                    for t in reply["terms"]:
                        self.assertIn(t.lower(), blob)
        self.assertEqual(set(self.found("委託 OR 監査")), set())
        self.assertEqual(search(peer, "%")["total"], 0, "LIKE wildcards must be literal")
        self.assertEqual(search(peer, "_")["total"], 0)

    def test_malformed_requests(self):
        peer = self.c()
        for msg, code, text in (
                ({"q": '"supply chain'}, "invalid_field", "not closed"),
                ({"q": '委託"先'}, "invalid_field", "not closed"),
                ({"q": ""}, "invalid_field", "no words"),
                ({"q": "  \u3000 "}, "invalid_field", "no words"),
                ({"q": 'a ""'}, "invalid_field", "empty phrase"),
                ({"q": "監" * 201}, "invalid_field", "1-200"),
                ({"q": "a b c d e f g h i"}, "invalid_field", "at most 8"),
                ({"q": "監査\u0007"}, "invalid_field", "control"),
                ({"q": 7}, "invalid_field", "q"),
                ({}, "invalid_field", "q"),
                ({"q": "監査", "limit": 0}, "invalid_field", "limit"),
                ({"q": "監査", "limit": 101}, "invalid_field", "limit"),
                ({"q": "監査", "kind": "assessment"}, "unknown_label", "kind"),
                ({"q": "監査", "kind": "incident"}, "unknown_label", "kind"),
                ({"q": "監査", "industry": "banking"}, "unknown_label", "banking"),
                ({"q": "監査", "directive": 0}, "invalid_field", "directive"),
                ({"q": "監査", "directive": 11}, "invalid_field", "directive"),
                ({"q": "監査", "directive": "9"}, "invalid_field", "directive"),
                ({"q": "監査", "sort": "date"}, "unknown_field", "sort"),
                ({"q": "監査", "circle": "no-such-circle"}, "forbidden", "member"),
        ):
            with self.subTest(msg=msg):
                err = peer.error(dict({"type": "search"}, **msg), code)
                self.assertIn(text, err["message"])
        # Eight words, 200 characters: the limits themselves pass.
        search(peer, "a b c d e f g h")
        search(peer, "監" * 200)

    def test_the_index_holds_published_scrubbed_text_only(self):
        peer = self.c()
        for q in ("茜銀行", "Akane Ginko", "akane-ginko", "茜銀"):
            with self.subTest(q=q):
                self.assertEqual(search(peer, q)["total"], 0)
                self.assertEqual(search(self.c("author"), q)["total"], 0)
        r = search(peer, "組織 不正アクセス")["results"]
        self.assertEqual([self.name[x["id"]] for x in r], ["ja1"])
        self.assertEqual(r[0]["field"], "situation")
        self.assertIn("[«組織»]の委託先で«不正アクセス»", r[0]["snippet"])
        fts, published = db_index(self.hub)
        self.assertEqual(set(fts), published)
        blob = json.dumps(list(fts.values()), ensure_ascii=False)
        for needle in ("茜銀行", "Akane Ginko", "akane-ginko", "Ito Hanako"):
            self.assertNotIn(needle, blob)
        self.assertIn("[組織]", blob)

    def test_the_kairan_search_command(self):
        token = self.fx.token["peer"]
        rc, out, err = self.hub.cli("search", "委託先", "監査", "--kind", "practice", token=token)
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertRegex(lines[0], r"^1\. ")
        self.assertRegex(lines[1], rf"^   {ITEM_ID}  TLP:GREEN  practice  {self.fx.circle}  "
                                   r"\S+Z  directive \d+  finance$")
        self.assertRegex(lines[2], r"^   (body|situation|steps|outcome|title|tags): .*«")
        titles = {CORPUS[n]["title"] for n in ("ja1", "ja3")}
        self.assertEqual({ln[3:] for ln in lines if re.match(r"^\d\. ", ln)}, titles)
        self.assertEqual(err, "")
        # A shell-quoted argument with a space is a phrase.
        rc, out, err = self.hub.cli("--json", "search", "incident notification", token=token)
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        self.assertEqual(set(doc), {"terms", "total", "results"})
        self.assertEqual(doc["terms"], ["incident notification"])
        self.assertEqual([r["id"] for r in doc["results"]], [self.id["en1"]])
        # Filters, and the hint about results not shown.
        rc, out, err = self.hub.cli("search", "監査", "--industry", "finance", "--limit", "1",
                                    "--directive", "9", "--circle", self.fx.circle, token=token)
        self.assertEqual((rc, err), (0, ""))
        self.assertIn(self.id["ja1"], out)
        rc, out, err = self.hub.cli("search", "監査", "--limit", "1", token=token)
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "1 of 3 results shown; --limit N shows more\n")
        rc, out, err = self.hub.cli("search", "存在しない語句", token=token)
        self.assertEqual((rc, out, err), (0, "", "no results\n"))
        # Exit codes.
        for args, code, text in ((["search"], 2, "what to search for"),
                                 (["search", "a", "--directive", "11"], 2, "1-10"),
                                 (["search", "a", "--kind", "incident"], 2, "unknown kind"),
                                 (["search", "a", "--limit", "0"], 2, "1-100"),
                                 (["search", "a", "--industry", "banking"], 6, "unknown_label"),
                                 (["search", '"abc'], 6, "not closed"),
                                 (["search", "a", "--circle", "energy-none"], 4, "forbidden")):
            with self.subTest(args=args):
                rc, out, err = self.hub.cli(*args, token=token)
                self.assertEqual(rc, code, err)
                self.assertIn(text, err)
                self.assertEqual(out, "")
        rc, out, err = self.hub.cli("search", "--help")
        self.assertEqual(rc, 0)
        self.assertIn("usage: kairan [OPTIONS] search WORDS...", out)

    def run_on_tty(self, env=None):
        """`kairan search 委託` with stdout on a pseudo-terminal: what it printed."""
        master, slave = os.openpty()
        cmd = [harness.client_binary(), *self.hub.cli_args(self.fx.token["peer"]),
               "search", "委託", "--directive", "9"]
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=slave,
                             stderr=subprocess.PIPE, env=harness.child_env(env))
        os.close(slave)
        out = b""
        try:
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            self.assertEqual(p.wait(harness.CLI_TIMEOUT), 0)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(5)
            p.stderr.close()
            os.close(master)
        return out.decode("utf-8", "replace")

    def test_matches_are_highlighted_on_a_terminal(self):
        out = self.run_on_tty()
        self.assertIn("\x1b[1;4m委託\x1b[0m先でのインシデント", out)
        self.assertNotIn("«", out)
        out = self.run_on_tty({"NO_COLOR": "1"})
        self.assertIn("«委託»先でのインシデント", out)
        self.assertNotIn("\x1b[", out)


class SearchAccessTest(HubTestCase):
    """Who finds what: the read gate decides for every candidate."""

    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.fx = setup_two_circles(cls.hub)
        hub, fx = cls.hub, cls.fx
        # closed24: the author's and the outsider's organisations, not the peer's.
        hub.admin("circle", "add", "closed24", "--kind", "sector")
        hub.admin("member", "add", "closed24", fx.author_org)
        hub.admin("member", "add", "closed24", fx.outsider_org)
        add_circle(hub, "pub24", kind="public", clear_public=True)
        hub.admin("member", "add", "pub24", fx.author_org)
        add_circle(hub, "mod24", moderation=["practice"])
        hub.admin("member", "add", "mod24", fx.author_org)
        hub.admin("member", "add", "mod24", fx.peer_org)
        hub.admin("role", "set", "mod24", fx.user["moderator"], "moderator")
        hub.wait_role(fx.token["moderator"], "mod24", "moderator")
        hub.wait_role(fx.token["outsider"], "closed24", "member")
        hub.wait_role(fx.token["author"], "pub24", "member")

    def c(self, role):
        return connect(self.hub, self.fx, role)

    def post(self, role="author", **kw):
        return self.c(role).post(make_item(kw.pop("circle", self.fx.circle), **kw))["item_id"]

    def test_each_reader_finds_what_it_may_read(self):
        mk = marker()
        fx = self.fx
        posted = {
            "green": self.post(title=f"GREEN {mk}"),
            "amber": self.post(tlp="AMBER", title=f"AMBER {mk}"),
            "clear": self.post(tlp="CLEAR", title=f"CLEAR {mk}"),
            "red": self.post(tlp="RED", recipients=[fx.user["peer"]], title=f"RED {mk}"),
            "public": self.post(circle="pub24", tlp="CLEAR", title=f"public {mk}"),
            "closed": self.post(circle="closed24", title=f"closed {mk}"),
        }
        expect = {
            "author": set(posted),
            "colleague": {"green", "amber", "clear", "public", "closed"},
            "peer": {"green", "amber", "clear", "red", "public"},
            "observer": {"green", "amber", "clear", "public"},
            "outsider": {"clear", "public", "closed"},
        }
        name = {v: k for k, v in posted.items()}
        for role, want in expect.items():
            with self.subTest(reader=role):
                reply = search(self.c(role), mk, limit=100)
                self.assertEqual({name[i] for i in ids(reply)}, want)
                self.assertEqual(reply["total"], len(want))
                for r in reply["results"]:
                    harness.assert_anonymous(self, r, fx)
        anon = harness.anonymous(self.hub)
        reply = anon.ok({"type": "search", "q": mk}, "search")
        self.assertEqual({name[i] for i in ids(reply)}, {"public"})
        self.assertEqual(reply["total"], 1)
        # A circle the reader is not in cannot be named as a filter.
        self.c("peer").error({"type": "search", "q": mk, "circle": "closed24"}, "forbidden")
        # The command line without a token reads as the anonymous reader.
        rc, out, err = self.hub.cli("--json", "search", mk)
        self.assertEqual(rc, 0, err)
        self.assertEqual([r["id"] for r in json.loads(out)["results"]], [posted["public"]])

    def test_what_the_reader_may_not_read_changes_nothing_it_sees(self):
        mk = marker()
        # Two documents the peer reads. Ranked against each other (average body length
        # 31.5 characters) A comes first: one match in a short body beats two in a
        # longer one. Ranked with the statistics of the whole index, once it also
        # holds very long documents the peer may not read, B would come first.
        a = self.post(title="Note A", body=f"{mk} aa", tags=[], indicators=[])
        b = self.post(title="Note B", body=f"{mk} {mk} " + "b" * 22, tags=[], indicators=[])
        peer = self.c("peer")
        before = search(peer, mk)
        self.assertEqual(ids(before), [a, b])
        hidden = [self.post(role="outsider", circle="closed24", title="Hidden",
                            body=f"{mk} " + "長い本文。" * 4000, tags=[], indicators=[])
                  for _ in range(4)]
        hidden.append(self.post(tlp="RED", recipients=[self.fx.user["colleague"]],
                                title="Hidden RED", body=f"{mk} {mk} {mk} short", tags=[]))
        hidden.append(self.post(circle="mod24", kind="practice", title=f"Hidden pending {mk}"))
        after = search(peer, mk)
        self.assertEqual({k: v for k, v in after.items() if k != "ref"},
                         {k: v for k, v in before.items() if k != "ref"})
        # Those who may read them find them.
        self.assertEqual(search(self.c("outsider"), mk)["total"], 4)
        self.assertEqual(set(ids(search(self.c("colleague"), mk, limit=100))),
                         {a, b, *hidden[:5]})

    def test_a_retracted_item_disappears(self):
        mk = marker()
        author, peer = self.c("author"), self.c("peer")
        item_id = self.post(kind="practice", title=f"Retract me {mk}")
        self.assertEqual(ids(search(peer, mk)), [item_id])
        author.ok({"type": "retract", "item_id": item_id}, "retracted")
        for who in (peer, author):
            reply = search(who, mk)
            self.assertEqual((reply["total"], reply["results"]), (0, []))
        fts, published = db_index(self.hub)
        self.assertEqual(set(fts), published)

    def test_pending_reports_are_found_only_once_approved_with_the_moderators_text(self):
        old, new, steps = marker(), marker(), marker()
        author, peer, mod = self.c("author"), self.c("peer"), self.c("moderator")
        posted = author.post(make_item("mod24", kind="practice", title="委託先の監査の事例",
                                       body=f"担当の{old}さんが確認した。",
                                       practice=practice(steps=f"契約を見直した {old}")))
        self.assertEqual(posted["status"], "pending")
        for who in (author, peer, mod):
            self.assertEqual(search(who, old)["total"], 0)
        mod.ok({"type": "moderate", "item_id": posted["item_id"], "decision": "edit",
                "edit": {"body": f"担当の{new}が確認した。",
                         "practice": {"steps": f"契約を見直した {steps}"}}}, "moderated")
        self.assertEqual(search(peer, new)["total"], 0, "found while still pending")
        mod.ok({"type": "moderate", "item_id": posted["item_id"], "decision": "approve"},
               "moderated")
        for who in (author, peer, mod):
            with self.subTest(reader=who.label):
                self.assertEqual(search(who, old)["total"], 0)
                self.assertEqual(ids(search(who, new)), [posted["item_id"]])
                self.assertEqual(ids(search(who, steps)), [posted["item_id"]])
                self.assertEqual(ids(search(who, "委託先 監査", circle="mod24")),
                                 [posted["item_id"]])
        # Approved with an edit in one step, too.
        again = author.post(make_item("mod24", kind="practice", title=f"Second {old}"))
        mod.ok({"type": "moderate", "item_id": again["item_id"], "decision": "approve",
                "edit": {"title": f"Second {new}"}}, "moderated")
        self.assertEqual(set(ids(search(peer, new))), {posted["item_id"], again["item_id"]})
        self.assertEqual(search(peer, old)["total"], 0)
        fts, published = db_index(self.hub)
        self.assertEqual(set(fts), published)


class RevocationTest(HubTestCase):
    def test_a_removed_membership_ends_the_results_at_once(self):
        hub = self.start_hub()
        fx = setup_two_circles(hub)
        mk = marker()
        connect(hub, fx, "author").post(make_item(fx.circle, kind="practice", title=mk))
        peer = connect(hub, fx, "peer")
        self.assertEqual(search(peer, mk)["total"], 1)
        hub.admin("member", "remove", fx.circle, fx.peer_org)
        harness.wait_until(lambda: search(peer, mk)["total"] == 0, harness.ADMIN_PICKUP,
                           what="the removed member's results gone")
        self.assertEqual(search(peer, mk)["results"], [])
        peer.error({"type": "search", "q": mk, "circle": fx.circle}, "forbidden")


class ReadmeWalkthroughTest(HubTestCase):
    """README, walkthrough step 6: the practice report and searching for it."""

    def test_demo_practice_report_and_search(self):
        hub = self.start_hub(demo=True)
        tokens = os.path.join(hub.data, "demo-tokens")

        def kairan(user, *args):
            rc, out, err = harness.run_cli("--url", hub.url, "--ca", hub.ca, "--token-file",
                                           os.path.join(tokens, f"{user}.token"), *args)
            self.assertEqual(rc, 0, err)
            return out, err

        out, _ = kairan("tanaka", "post", "--yes",
                        os.path.join(EXAMPLES, "practice-green.json"))
        m = re.match(rf"posted ({ITEM_ID}) \(cursor \d+, pending\)", out)
        self.assertTrue(m, out)
        item_id = m.group(1)
        self.assertEqual(kairan("suzuki", "search", "委託先", "監査"), ("", "no results\n"))
        kairan("yamamoto", "moderate", "approve", item_id)
        out, _ = kairan("suzuki", "search", "委託先", "監査")
        self.assertIn("1. 委託先の選定時にセキュリティ要件を契約条項へ明記した事例", out)
        self.assertIn(f"{item_id}  TLP:GREEN  practice  fin-isac", out)
        self.assertIn("directive 9  finance", out)
        self.assertIn("«委託先»«監査»", out)
        self.assertEqual(kairan("suzuki", "search", "さくら銀行"), ("", "no results\n"))
        out, _ = kairan("suzuki", "--json", "search", "保守", "組織")
        r = json.loads(out)["results"][0]
        self.assertEqual((r["id"], r["field"]), (item_id, "situation"))
        self.assertIn("[組織]のシステム«保守»", r["snippet"].replace("[«組織»]", "[組織]"))
        self.assertEqual(kairan("sato", "search", "委託先", "監査"), ("", "no results\n"))
        out, _ = kairan("suzuki", "get", item_id)
        self.assertRegex(out, r"(?m)^directive\s+9$")


if __name__ == "__main__":
    unittest.main(verbosity=2)
