#!/usr/bin/python3
"""25 self-assessments and the benchmark, over the wire, with synthetic data.

Twelve organisations with known scores (organisation i scores directive d
as 1.0 + ((i + d) mod 5)) submit in one circle; the test computes every
mean and spread itself (integers, round half up) and compares them with
what the hub releases for every directive of every released group. Then:

  - groups just under k (4) and at k (5), and a policy k of 2 raised to 4;
  - the maturity x sector attack of hub/bench.h: (A,X)=1 (A,Y)=5 (B,X)=5
    is released with one breakdown only, so A + X - overall is not there;
  - complementary suppression: C (2) withheld, and B (5) with it;
  - a new submission replaces the current one, moves the benchmark, and
    stays in its organisation's own history; leaving the circle leaves the
    benchmark at once;
  - the daily snapshot: with the default period, today's submissions are
    not counted yet;
  - who: member and moderator submit; observer and organizer may not; an
    outsider, a removed organisation, an anonymous session and a revoked
    token get nothing;
  - bad files through `kairan assess submit`: clear errors naming the
    field, exit codes, nothing stored;
  - privacy on every read path: every message type that returns data, sent
    by every other kind of user, carries no other organisation's scores;
    submissions create no item and push nothing; the hub log (debug) and
    the admin commands never show a score.

Hubs here use benchmark_snapshot_s = 1 (a snapshot every second), except
the one that checks the default daily snapshot.
"""
import json
import os
import time
import unittest

import harness
from harness import HubTestCase, add_circle, anonymous, drain

SECTORS = ["agriculture", "construction", "manufacturing", "energy", "it-telecom", "transport",
           "retail", "finance", "real-estate", "services", "hospitality", "healthcare",
           "education", "government", "other"]
EXAMPLES = os.path.join(harness.SOURCE_DIR, "client", "examples")


# -- reference arithmetic (independent of the hub) ---------------------------

def known_scores(i):
    """Organisation i's scores in tenths: directive d (1..10) is 10 + 10 * ((i + d - 1) % 5)."""
    return [10 + 10 * ((i + d) % 5) for d in range(10)]


def as_doc(tenths):
    return {str(d + 1): t / 10 for d, t in enumerate(tenths)}


def mean_tenths(values):
    n, s = len(values), sum(values)
    return (2 * s + n) // (2 * n)  # round half up


def sd_tenths(values):
    """Population standard deviation in tenths, rounded half up, exactly."""
    n, s, q = len(values), sum(values), sum(v * v for v in values)
    v4 = 4 * (n * q - s * s)
    h = 0
    while ((2 * (h + 1) - 1) * n) ** 2 <= v4:
        h += 1
    return h


def wait_snapshot():
    """Until the next whole second (benchmark_snapshot_s = 1) has begun."""
    time.sleep(int(time.time()) + 1.05 - time.time())


class Org:
    def __init__(self, key, user, token, scores, maturity, sector):
        self.key, self.user, self.token = key, user, token
        self.scores, self.maturity, self.sector = scores, maturity, sector

    def assessment(self):
        return {"scores": as_doc(self.scores), "maturity": self.maturity, "sector": self.sector}


class Cast:
    """Organisations, users and circles made with `kairan-hub admin`, as harness.py does."""

    def __init__(self, hub, prefix):
        self.hub, self.prefix, self.n = hub, prefix, 0

    def org(self, circles, scores, maturity, sector):
        self.n += 1
        key = f"{self.prefix}-org{self.n:02d}"
        self.hub.admin("org", "add", key, "--industry", sector)
        for c in circles:
            self.hub.admin("member", "add", c, key)
        user = f"{key}-u"
        return Org(key, user, self.hub.add_user(key, user), scores, maturity, sector)


def submit(client, circle, org, expect="assess_submitted"):
    reply = client.request({"type": "assess_submit", "circle": circle,
                            "assessment": org.assessment()})
    assert reply["type"] == expect, reply
    return reply


def benchmark(client, circle):
    return client.ok({"type": "assess_benchmark", "circle": circle}, "assess_benchmark")


def groups(reply, breakdown):
    return {g["group"]: g for g in reply[breakdown]["groups"]}


class AssessTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub(config={"benchmark_snapshot_s": 1, "log_level": "debug"})
        cls.circle = "bench-fin"
        add_circle(cls.hub, cls.circle, k=5)
        cast = Cast(cls.hub, "bf")
        cls.orgs = []
        for i in range(12):
            cls.orgs.append(cast.org([cls.circle], known_scores(i), "A" if i < 6 else "B",
                                     "finance" if i < 7 else "energy"))
        cls.cast = cast
        first = cls.orgs[0]
        # more users of member organisations, with other roles
        cls.colleague = cls.hub.add_user(first.key, "bf-colleague")
        cls.observer = cls.hub.add_user(first.key, "bf-observer")
        cls.organizer = cls.hub.add_user(cls.orgs[1].key, "bf-organizer")
        cls.moderator = cls.hub.add_user(cls.orgs[2].key, "bf-moderator")
        cls.hub.admin("role", "set", cls.circle, "bf-observer", "observer")
        cls.hub.admin("role", "set", cls.circle, "bf-organizer", "organizer")
        cls.hub.admin("role", "set", cls.circle, "bf-moderator", "moderator")
        cls.hub.admin("org", "add", "bf-outsider")
        cls.outsider = cls.hub.add_user("bf-outsider", "bf-outsider-u")
        cls.hub.wait_role(cls.moderator, cls.circle, "moderator")
        cls.hub.wait_role(cls.observer, cls.circle, "observer")
        cls.hub.wait_role(cls.organizer, cls.circle, "organizer")
        for o in cls.orgs:
            c = cls.hub.client(o.token, label=o.user)
            reply = submit(c, cls.circle, o)
            assert reply["replaced"] is False, reply
            c.close()
        wait_snapshot()

    def client(self, token, label):
        return self.hub.client(token, label=label)

    # -- known means -----------------------------------------------------------

    def check_group(self, got, members, name=None):
        """got is released with exactly the means and spreads of members' scores."""
        self.assertTrue(got["released"], got)
        if name is not None:
            self.assertEqual(got["group"], name)
        self.assertEqual(got["n"], len(members))
        self.assertEqual([e["directive"] for e in got["directives"]], list(range(1, 11)))
        for d, e in enumerate(got["directives"]):
            values = [o.scores[d] for o in members]
            self.assertEqual(e["n"], len(members))
            self.assertEqual(e["mean"], mean_tenths(values) / 10, f"directive {d + 1} mean")
            self.assertEqual(e["sd"], sd_tenths(values) / 10, f"directive {d + 1} sd")

    def check_withheld(self, got):
        self.assertEqual(set(got) - {"group"}, {"released"}, f"withheld group carries {got}")
        self.assertIs(got["released"], False)

    def test_01_known_means(self):
        orgs = self.orgs
        c = self.client(orgs[0].token, "o01")
        r = benchmark(c, self.circle)
        self.assertEqual(r["k"], 5)
        self.assertEqual(r["circle"], self.circle)
        self.check_group(r["overall"], orgs)
        # directive 1: 1,2,3,4,5,1,2,3,4,5,1,2 -> mean 2.75 -> 2.8, sd 1.38 -> 1.4
        self.assertEqual((r["overall"]["directives"][0]["mean"],
                          r["overall"]["directives"][0]["sd"]), (2.8, 1.4))
        # the (B, finance) cell holds one organisation: only one breakdown, and
        # maturity and sector cover 12 each, so sector (the tie rule)
        self.assertIs(r["by_maturity"]["released"], False)
        for g in r["by_maturity"]["groups"]:
            self.check_withheld(g)
        self.assertEqual([g["group"] for g in r["by_maturity"]["groups"]], ["A", "B", "C"])
        self.assertIs(r["by_sector"]["released"], True)
        sec = groups(r, "by_sector")
        self.assertEqual(list(sec), SECTORS, "every sector listed, in vocabulary order")
        self.check_group(sec["finance"], orgs[:7], "finance")
        self.check_group(sec["energy"], orgs[7:], "energy")
        for name in SECTORS:
            if name not in ("finance", "energy"):
                self.check_withheld(sec[name])
        # mine: the reader's own scores, counted in this snapshot
        mine = r["mine"]
        self.assertEqual(mine["scores"], as_doc(orgs[0].scores))
        self.assertEqual((mine["maturity"], mine["sector"], mine["counted"]),
                         ("A", "finance", True))
        # everyone sees the same groups; only `mine` differs
        for who, token in (("o12", orgs[11].token), ("moderator", self.moderator),
                           ("observer", self.observer)):
            with self.subTest(reader=who):
                other = benchmark(self.client(token, who), self.circle)
                for key in ("overall", "by_maturity", "by_sector", "k", "as_of"):
                    self.assertEqual(other[key], r[key])
        self.assertEqual(benchmark(self.client(orgs[11].token, "o12b"), self.circle)["mine"]
                         ["scores"], as_doc(orgs[11].scores))
        # the observer is of orgs[0]: it sees its own organisation's scores
        self.assertEqual(benchmark(self.client(self.observer, "obs"), self.circle)["mine"]
                         ["scores"], as_doc(orgs[0].scores))

    def test_02_cli_table_and_json(self):
        rc, out, err = self.hub.cli("--json", "assess", "benchmark", "--circle", self.circle,
                                    token=self.orgs[0].token)
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        wire = benchmark(self.client(self.orgs[0].token, "o01"), self.circle)
        for key in ("overall", "by_maturity", "by_sector", "mine", "k"):
            self.assertEqual(doc[key], wire[key])
        self.assertIn('"mean": 2.8', out, "reals print as 2.8, not 2.8000000000000003")
        rc, out, err = self.hub.cli("assess", "benchmark", "--circle", self.circle,
                                    token=self.orgs[0].token)
        self.assertEqual(rc, 0, err)
        for text in ("指示1", "リスク認識・方針策定", "指示10", "ALL n=12", "金融・保険 n=7",
                     "エネルギー・水道 n=5", "2.8 ±1.4", "every maturity category", "JST"):
            self.assertIn(text, out)
        row7 = [line for line in out.splitlines() if line.startswith("指示7")][0]
        self.assertEqual(row7.split()[2], f"{self.orgs[0].scores[6] / 10:.1f}",
                         "YOURS column: directive 7 of the reader's organisation")
        rc, out, err = self.hub.cli("assess", "mine", "--circle", self.circle,
                                    token=self.colleague)
        self.assertEqual(rc, 0, err)
        self.assertIn("sector     金融・保険 (finance)", out)
        self.assertIn(self.orgs[0].user, out, "submitted_by shown to the organisation itself")

    # -- thresholds ------------------------------------------------------------

    def test_03_just_under_and_at_k(self):
        circle = "bench-k"
        add_circle(self.hub, circle, k=5)
        cast = Cast(self.hub, "bk")
        orgs = [cast.org([circle], known_scores(i), "A", "finance") for i in range(5)]
        clients = [self.client(o.token, o.user) for o in orgs]
        for c, o in zip(clients[:4], orgs[:4]):
            submit(c, circle, o)
        wait_snapshot()
        r = benchmark(clients[0], circle)
        self.check_withheld(r["overall"])
        self.assertNotIn('"n"', json.dumps({k: r[k] for k in ("overall", "by_maturity",
                                                              "by_sector")}),
                         "4 < k: no count anywhere")
        submit(clients[4], circle, orgs[4])
        wait_snapshot()
        r = benchmark(clients[0], circle)
        self.check_group(r["overall"], orgs)
        # one cell (A, finance) of 5: both breakdowns
        self.assertTrue(r["by_maturity"]["released"] and r["by_sector"]["released"])
        self.check_group(groups(r, "by_maturity")["A"], orgs, "A")
        self.check_group(groups(r, "by_sector")["finance"], orgs, "finance")
        self.check_withheld(groups(r, "by_maturity")["B"])

    def test_04_policy_k_2_is_raised_to_4(self):
        circle = "bench-k2"
        add_circle(self.hub, circle, k=2)
        cast = Cast(self.hub, "bk2")
        orgs = [cast.org([circle], known_scores(i), "B", "it-telecom") for i in range(4)]
        for o in orgs[:3]:
            submit(self.client(o.token, o.user), circle, o)
        wait_snapshot()
        c = self.client(orgs[0].token, "bk2")
        r = benchmark(c, circle)
        self.assertEqual(r["k"], 4)
        self.check_withheld(r["overall"])
        submit(self.client(orgs[3].token, "bk2-4"), circle, orgs[3])
        wait_snapshot()
        r = benchmark(c, circle)
        self.check_group(r["overall"], orgs)
        self.check_group(groups(r, "by_sector")["it-telecom"], orgs, "it-telecom")

    def test_05_cross_tab_attack_not_released(self):
        """(A,X)=1 (A,Y)=5 (B,X)=5 (B,Y)=0: A=6, B=5, X=6, Y=5, overall 11, all
        >= 5, yet A + X - overall would be the single (A,X) organisation."""
        circle = "bench-cross"
        add_circle(self.hub, circle, k=5)
        cast = Cast(self.hub, "bx")
        lone = cast.org([circle], [49, 13, 47, 11, 45, 15, 43, 17, 41, 19], "A", "finance")
        a_energy = [cast.org([circle], known_scores(i), "A", "energy") for i in range(5)]
        b_finance = [cast.org([circle], known_scores(i + 2), "B", "finance") for i in range(5)]
        everyone = [lone] + a_energy + b_finance
        for o in everyone:
            submit(self.client(o.token, o.user), circle, o)
        wait_snapshot()
        r = benchmark(self.client(a_energy[0].token, "bx"), circle)
        self.check_group(r["overall"], everyone)
        # Each breakdown alone would be safe; together they are not. Only one
        # is released (sector, on the tie 11 vs 11), so no A group exists to
        # subtract.
        self.assertFalse(r["by_maturity"]["released"] and r["by_sector"]["released"])
        self.assertIs(r["by_maturity"]["released"], False)
        for g in r["by_maturity"]["groups"]:
            self.check_withheld(g)
        sec = groups(r, "by_sector")
        self.check_group(sec["finance"], [lone] + b_finance, "finance")
        self.check_group(sec["energy"], a_energy, "energy")
        # and what A + X - overall would have given is nowhere in the reply
        lone_values = [d["mean"] for d in sec["finance"]["directives"]]
        self.assertNotEqual(lone_values, [t / 10 for t in lone.scores])

    def test_06_complement_suppression(self):
        """A 6, B 5, C 2 (no sector reaches k): C is withheld; overall - A - B
        would give C, so B is withheld too."""
        circle = "bench-compl"
        add_circle(self.hub, circle, k=5)
        cast = Cast(self.hub, "bc")
        plan = ([("A", "finance")] * 3 + [("A", "energy")] * 3 + [("B", "it-telecom")] * 3
                + [("B", "manufacturing")] * 2 + [("C", "other")] * 2)
        orgs = [cast.org([circle], known_scores(i), m, s) for i, (m, s) in enumerate(plan)]
        for o in orgs:
            submit(self.client(o.token, o.user), circle, o)
        wait_snapshot()
        r = benchmark(self.client(orgs[0].token, "bc"), circle)
        self.check_group(r["overall"], orgs)
        mat = groups(r, "by_maturity")
        self.assertIs(r["by_maturity"]["released"], True)
        self.check_group(mat["A"], orgs[:6], "A")
        self.check_withheld(mat["B"])  # 5 >= k, withheld to protect C
        self.check_withheld(mat["C"])
        self.assertIs(r["by_sector"]["released"], False)
        for g in r["by_sector"]["groups"]:
            self.check_withheld(g)

    # -- replacement, history, leaving -------------------------------------------

    def test_07_replacement_history_and_leaving(self):
        circle = "bench-repl"
        add_circle(self.hub, circle, k=5)
        cast = Cast(self.hub, "br")
        orgs = [cast.org([circle], known_scores(i), "A", "finance") for i in range(6)]
        for o in orgs:
            submit(self.client(o.token, o.user), circle, o)
        wait_snapshot()
        c = self.client(orgs[1].token, "br-reader")
        before = benchmark(c, circle)
        self.check_group(before["overall"], orgs)
        # org 0 resubmits, all 5.0, maturity B
        mover = orgs[0]
        old = mover.assessment()
        old_scores = mover.scores
        mover_c = self.client(mover.token, "mover")
        mover.scores, mover.maturity = [50] * 10, "B"
        reply = submit(mover_c, circle, mover)
        self.assertIs(reply["replaced"], True)
        wait_snapshot()
        after = benchmark(c, circle)
        self.check_group(after["overall"], orgs)
        self.assertNotEqual(after["overall"], before["overall"])
        # (A, finance) 5 and (B, finance) 1: one breakdown; sector covers 6 > 5
        self.assertIs(after["by_maturity"]["released"], False)
        self.check_group(groups(after, "by_sector")["finance"], orgs, "finance")
        # the organisation keeps its history, newest first; colleagues see it
        colleague = cast.hub.add_user(mover.key, "br-colleague")
        cast.hub.wait_token(colleague)
        for token in (mover.token, colleague):
            mine = self.client(token, "mine").ok(
                {"type": "assess_mine", "circle": circle, "history": True}, "assess_mine")
            self.assertEqual(mine["current"]["scores"], as_doc([50] * 10))
            self.assertIs(mine["current"]["current"], True)
            self.assertEqual(len(mine["history"]), 2)
            self.assertEqual(mine["history"][0], mine["current"])
            self.assertEqual(mine["history"][1]["scores"], old["scores"])
            self.assertEqual(mine["history"][1]["maturity"], "A")
            self.assertIs(mine["history"][1]["current"], False)
            self.assertEqual(mine["history"][1]["submitted_by"], mover.user)
        plain = self.client(mover.token, "plain").ok({"type": "assess_mine", "circle": circle},
                                                     "assess_mine")
        self.assertNotIn("history", plain)
        self.assertEqual(plain["current"]["scores"], as_doc([50] * 10))
        self.assertEqual(old_scores, known_scores(0))
        # another organisation's reader sees only its own history
        other = c.ok({"type": "assess_mine", "circle": circle, "history": True}, "assess_mine")
        self.assertEqual([h["scores"] for h in other["history"]], [as_doc(orgs[1].scores)])
        # leaving the circle leaves the benchmark at once (6 -> 5 organisations)
        self.hub.admin("member", "remove", circle, orgs[5].key)
        left = benchmark(c, circle)
        self.check_group(left["overall"], orgs[:5])

    # -- who may -------------------------------------------------------------

    def test_08_who_may(self):
        circle, first = self.circle, self.orgs[0]
        doc = first.assessment()
        msgs = {
            "assess_submit": {"type": "assess_submit", "circle": circle, "assessment": doc},
            "assess_mine": {"type": "assess_mine", "circle": circle},
            "assess_benchmark": {"type": "assess_benchmark", "circle": circle},
        }
        # observer and organizer: read, not submit
        for who, token in (("observer", self.observer), ("organizer", self.organizer)):
            with self.subTest(who=who):
                c = self.client(token, who)
                err = c.error(msgs["assess_submit"], "forbidden")
                self.assertIn(f"as {who} of '{circle}'", err["message"])
                c.ok(msgs["assess_mine"], "assess_mine")
                c.ok(msgs["assess_benchmark"], "assess_benchmark")
        # the moderator submits its own organisation's (orgs[2]) and sees only it
        mod = self.client(self.moderator, "moderator")
        mine = mod.ok(msgs["assess_mine"], "assess_mine")
        self.assertEqual(mine["current"]["scores"], as_doc(self.orgs[2].scores))
        # outsider: nothing, and the same answer as for a circle that does not exist
        out = self.client(self.outsider, "outsider")
        for mtype, msg in msgs.items():
            with self.subTest(who="outsider", type=mtype):
                e1 = out.error(msg, "forbidden")
                e2 = out.error(dict(msg, circle="no-such-circle"), "forbidden")
                self.assertEqual(e1["message"].replace(circle, "X"),
                                 e2["message"].replace("no-such-circle", "X"))
        # anonymous: authenticate first
        anon = anonymous(self.hub)
        for mtype, msg in msgs.items():
            with self.subTest(who="anonymous", type=mtype):
                anon.error(msg, "auth_required")
        # a revoked token: the open connection is closed, a new one refused
        name, token = self.hub.new_user(first.key, prefix="bf-revoked")
        live = self.client(token, "revoked")
        live.ok(msgs["assess_benchmark"], "assess_benchmark")
        self.hub.admin("user", "revoke", name)
        self.assertTrue(live.closed(timeout=harness.ADMIN_PICKUP + 1), "revoked session closed")
        late = anonymous(self.hub, label="revoked-again")
        late.error({"type": "auth", "token": token}, "auth_failed")
        late.error(msgs["assess_benchmark"], "auth_required")
        rc, _, err = self.hub.cli("assess", "benchmark", "--circle", circle, token=token)
        self.assertEqual(rc, 3, err)
        rc, _, err = self.hub.cli("assess", "submit", os.path.join(EXAMPLES, "assessment-a.json"),
                                  "--circle", circle, token=self.observer)
        self.assertEqual(rc, 4, err)
        self.assertIn("forbidden", err)
        # nothing the refused ones sent was stored: org 0 still has one assessment
        hist = self.client(first.token, "o01").ok(
            {"type": "assess_mine", "circle": circle, "history": True}, "assess_mine")
        self.assertEqual(len(hist["history"]), 1)
        self.assertEqual(hist["current"]["scores"], as_doc(first.scores))

    # -- bad input ---------------------------------------------------------------

    def test_09_bad_files(self):
        circle = "bench-bad"
        add_circle(self.hub, circle, k=5)
        cast = Cast(self.hub, "bb")
        org = cast.org([circle], known_scores(0), "A", "finance")
        tmp = os.path.join(self.hub.tmp, "bad")
        os.makedirs(tmp, exist_ok=True)
        good = org.assessment()

        def variant(**change):
            doc = json.loads(json.dumps(good))
            for k, v in change.items():
                if k == "scores":
                    doc["scores"].update(v)
                else:
                    doc[k] = v
            return doc

        no7 = json.loads(json.dumps(good))
        del no7["scores"]["7"]
        cases = [
            ("two decimals", variant(scores={"4": 3.25}), 6,
             "scores.4: 3.25 has more than one decimal"),
            ("above 5", variant(scores={"2": 5.5}), 6, "scores.2: 5.5 is out of range"),
            ("string", variant(scores={"1": "3.5"}), 6, "scores.1: must be a number"),
            ("missing directive", no7, 6, "directive 7 is missing"),
            ("extra directive", variant(scores={"11": 3.0}), 6, "'11' is not a directive"),
            ("maturity", variant(maturity="D"), 6, "maturity: unknown category 'D'"),
            ("sector", variant(sector="banking"), 6, "sector: unknown sector 'banking'"),
            ("extra field", variant(note="x"), 6, "unknown field 'note'"),
            ("scores list", dict(good, scores=[3] * 10), 6, "scores: must be an object"),
        ]
        for name, doc, want_rc, want_msg in cases:
            with self.subTest(case=name):
                path = os.path.join(tmp, name.replace(" ", "-") + ".json")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(doc, f, ensure_ascii=False)
                rc, out, err = self.hub.cli("assess", "submit", path, "--circle", circle,
                                            token=org.token)
                self.assertEqual(rc, want_rc, err)
                self.assertIn(want_msg, err)
                self.assertEqual(out, "")
        # not JSON, not an object, no such file: usage (2), nothing sent
        for name, text in (("not-json", "{scores"), ("array", "[1, 2]")):
            path = os.path.join(tmp, name + ".json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            rc, _, err = self.hub.cli("assess", "submit", path, "--circle", circle,
                                      token=org.token)
            self.assertEqual(rc, 2, err)
        rc, _, err = self.hub.cli("assess", "submit", "/nonexistent.json", "--circle", circle,
                                  token=org.token)
        self.assertEqual(rc, 2, err)
        rc, _, err = self.hub.cli("assess", "submit", os.path.join(EXAMPLES, "assessment-a.json"),
                                  token=org.token)
        self.assertEqual(rc, 2, err)
        self.assertIn("--circle", err)
        # over the wire: wrong types of the message itself
        c = self.client(org.token, "bb")
        c.error({"type": "assess_submit", "circle": circle, "assessment": [1]}, "invalid_field")
        c.error({"type": "assess_submit", "circle": 7, "assessment": good}, "invalid_field")
        c.error({"type": "assess_submit", "circle": circle, "assessment": good, "org": "x"},
                "unknown_field")
        c.error({"type": "assess_submit", "circle": circle}, "invalid_field")
        c.error({"type": "assess_mine", "circle": circle, "history": "yes"}, "invalid_field")
        c.error({"type": "assess_benchmark", "circle": circle, "group": "A"}, "unknown_field")
        # nothing was stored
        mine = c.ok({"type": "assess_mine", "circle": circle, "history": True}, "assess_mine")
        self.assertIsNone(mine["current"])
        self.assertEqual(mine["history"], [])
        # the example files are valid and the Japanese label becomes the code
        schemas = harness.schemas()
        file_schema = schemas.store["https://kairan.example/schema/protocol/v1/"
                                    "assessment-file.schema.json"]
        validator = schemas._validator(file_schema)
        for name in ("assessment-a.json", "assessment-b.json"):
            with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
                self.assertEqual(list(validator.iter_errors(json.load(f))), [], name)
        rc, out, err = self.hub.cli("assess", "submit", os.path.join(EXAMPLES,
                                                                     "assessment-a.json"),
                                    "--circle", circle, token=org.token)
        self.assertEqual(rc, 0, err)
        self.assertIn("submitted your organisation's assessment in bench-bad", out)
        self.assertIn("the benchmark counts it from", out)
        mine = c.ok({"type": "assess_mine", "circle": circle}, "assess_mine")
        self.assertEqual(mine["current"]["sector"], "finance")
        self.assertEqual(mine["current"]["maturity"], "B")
        self.assertEqual(mine["current"]["scores"]["7"], 4.0)

    # -- privacy on every read path --------------------------------------------

    def test_10_no_individual_assessment_on_any_read_path(self):
        circle = "bench-priv"
        add_circle(self.hub, circle, k=5, roster_visible=True)
        cast = Cast(self.hub, "bp")
        victim = cast.org([circle], [49, 13, 47, 11, 45, 15, 43, 17, 41, 19], "C", "hospitality")
        others = [cast.org([circle], known_scores(i), "A", "finance") for i in range(5)]
        colleague = cast.hub.add_user(others[0].key, "bp-colleague")
        observer = cast.hub.add_user(others[0].key, "bp-observer")
        moderator = cast.hub.add_user(others[1].key, "bp-moderator")
        self.hub.admin("role", "set", circle, "bp-observer", "observer")
        self.hub.admin("role", "set", circle, "bp-moderator", "moderator")
        self.hub.wait_role(moderator, circle, "moderator")
        self.hub.wait_role(observer, circle, "observer")
        # readers subscribed before the submissions: nothing is pushed
        readers = {"member": others[0].token, "colleague": colleague, "observer": observer,
                   "moderator": moderator, "outsider": self.outsider}
        subs = {}
        for who, token in readers.items():
            s = self.client(token, f"sub-{who}")
            s.ok({"type": "subscribe"}, "subscribed")
            subs[who] = s
        poster = self.client(others[0].token, "poster")
        item = poster.post(harness.make_item(circle, tlp="GREEN"))["item_id"]
        for s in subs.values():
            drain(s, quiet=0.3)
        for o in [victim] + others:
            submit(self.client(o.token, o.user), circle, o)
        for who, s in subs.items():
            with self.subTest(push_to=who):
                s.expect_no_message(within=0.3)
        wait_snapshot()
        # every message type that returns data, as every other kind of user
        requests = [
            {"type": "whoami"}, {"type": "circles"}, {"type": "roster", "circle": circle},
            {"type": "get", "item_id": item}, {"type": "history", "circle": circle},
            {"type": "requests"}, {"type": "moderation", "circle": circle},
            {"type": "assess_mine", "circle": circle},
            {"type": "assess_mine", "circle": circle, "history": True},
            {"type": "assess_benchmark", "circle": circle},
        ]
        own_scores = {"member": others[0], "colleague": others[0], "observer": others[0],
                      "moderator": others[1], "outsider": None}
        seen = 0
        for who, token in readers.items():
            c = self.client(token, who)
            for req in requests:
                reply = c.request(req)
                seen += 1
                text = json.dumps(reply, ensure_ascii=False)
                if req["type"] != "roster":  # the roster lists members, no assessment
                    self.assertNotIn(victim.key, text, f"{who} {req['type']}")
                self.assertNotIn(victim.user, text, f"{who} {req['type']}")
                for found in self.scores_objects(reply):
                    own = own_scores[who]
                    self.assertIsNotNone(own, f"{who} got scores in {req['type']}")
                    self.assertEqual(found, as_doc(own.scores),
                                     f"{who} got another organisation's scores in "
                                     f"{req['type']}")
            # replay of the whole circle: no assessment, only the item
            if who != "outsider":
                c.ok({"type": "subscribe", "circles": [circle], "since": 0}, "subscribed")
            replay = harness.pushes(drain(c, quiet=0.3))
            self.assertEqual([m["item"]["id"] for m in replay],
                             [] if who == "outsider" else [item])
        # the victim's group (C, hospitality) is withheld; it is counted in overall only
        r = benchmark(self.client(others[0].token, "bp"), circle)
        self.check_group(r["overall"], [victim] + others)
        self.check_withheld(groups(r, "by_sector")["hospitality"])
        self.check_withheld(groups(r, "by_maturity")["C"])
        # admin commands and the hub's debug log never show a score
        for args in (("org", "list"), ("member", "list", circle), ("policy", "show", circle),
                     ("user", "list", "--org", victim.key)):
            out = self.hub.admin(*args, json=True)
            text = json.dumps(out, ensure_ascii=False)
            for word in ("scores", "maturity", "assess"):
                self.assertNotIn(word, text, f"admin {' '.join(args)}")
        log = self.hub.log()
        for word in ("scores", "maturity", "4.9", "\"sector\""):
            self.assertNotIn(word, log, "the hub log shows an assessment")
        print(f"privacy: {seen} replies to {len(readers)} other users checked")

    @staticmethod
    def scores_objects(msg):
        """Every value of a "scores" key anywhere in msg."""
        found = []

        def walk(v):
            if isinstance(v, dict):
                for k, x in v.items():
                    if k == "scores":
                        found.append(x)
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
        walk(msg)
        return found


class DailySnapshotTest(HubTestCase):
    """The default period: what was submitted today is counted from the next
    00:00 JST, so the benchmark does not move at the moment of a submission."""

    def test_today_is_not_counted_yet(self):
        hub = self.start_hub()
        circle = "bench-daily"
        add_circle(hub, circle, k=5)
        cast = Cast(hub, "bd")
        orgs = [cast.org([circle], known_scores(i), "A", "finance") for i in range(6)]
        hub.wait_token(orgs[-1].token)
        for o in orgs:
            reply = submit(hub.client(o.token, label=o.user), circle, o)
        # counted from the next 00:00 JST = 15:00 UTC
        self.assertTrue(reply["counted_from"].endswith("T15:00:00Z"), reply)
        c = hub.client(orgs[0].token, label="bd")
        r = benchmark(c, circle)
        self.assertTrue(r["as_of"].endswith("T15:00:00Z") and r["next"].endswith("T15:00:00Z"),
                        r)
        self.assertEqual(r["next"], reply["counted_from"])
        self.assertEqual(r["overall"], {"released": False})
        self.assertIs(r["mine"]["counted"], False)
        self.assertEqual(r["mine"]["scores"], as_doc(orgs[0].scores))


if __name__ == "__main__":
    unittest.main(verbosity=2)
