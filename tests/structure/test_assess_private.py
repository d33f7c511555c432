#!/usr/bin/python3
"""Individual self-assessments stay private, proved from the source.

An organisation's assessment may reach its own users and, aggregated under
hub/bench.c's release rules, the circle's benchmark. Nothing else may read
it. This test checks, in the C source of the hub, the client and the
common library:

  - only hub/store_assess.c has SQL that names the `assessments` table, so
    no other module (items, exports, admin commands, the demo, a future
    search) can read a row;
  - store_assess.h exports exactly the functions below; the two that return
    one organisation's own rows are called only from hub/handle_assess.c and
    only with the asking session's organisation (s->reader.org_id), never
    an organisation taken from the request; the one that reads every
    organisation's rows returns bench_compute()'s result only;
  - the modules that hold assessments never log (kr_log) and never turn one
    into an item (store_item_insert, reader.c, subscriptions).

A new read path that forgets this fails here, before it ships.
"""
import os
import re
import unittest

SRC = os.environ.get("KAIRAN_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", ".."))
DIRS = ("hub", "common", "client")

STORE = "store_assess.c"
EXPORTED = {"store_assess_submit", "store_assess_current", "store_assess_history",
            "store_assess_benchmark"}
OWN_ORG_ONLY = ("store_assess_current", "store_assess_history")
ASSESS_FILES = ("assess.c", "assess.h", "bench.c", "bench.h", "store_assess.c", "store_assess.h",
                "handle_assess.c")


# SQL that reads or writes the table (FROM, JOIN, INTO, UPDATE, TABLE, ON ...).
SQL_ON_TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|ON|EXISTS)\s+\"?assessments\b",
                          re.I)


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", "", re.sub(r"//[^\n]*", "", text), flags=re.S)


def string_literals(text):
    """The contents of the C string literals of text (comments already gone)."""
    return re.findall(r'"((?:[^"\\\n]|\\.)*)"', text)


def sources():
    for d in DIRS:
        path = os.path.join(SRC, d)
        for name in sorted(os.listdir(path)):
            if name.endswith((".c", ".h")):
                with open(os.path.join(path, name), encoding="utf-8") as f:
                    yield d, name, strip_comments(f.read())


class AssessPrivateTest(unittest.TestCase):
    def test_only_store_assess_has_sql_on_the_table(self):
        checked, found = 0, []
        for d, name, text in sources():
            checked += 1
            # adjacent literals concatenate in C: search them joined
            sql = " ".join(string_literals(text))
            hits = SQL_ON_TABLE.findall(sql)
            if hits:
                found.append(f"{d}/{name}")
                if f"{d}/{name}" != f"hub/{STORE}":
                    self.fail(f"{d}/{name} has SQL on the assessments table: {hits[:2]}; "
                              f"only hub/{STORE} may read it")
        self.assertEqual(found, [f"hub/{STORE}"], "hub/store_assess.c holds the table's SQL")
        self.assertGreater(checked, 80)
        print(f"assessments table: {checked} source files checked, SQL only in hub/{STORE}")

    def test_store_assess_exports(self):
        with open(os.path.join(SRC, "hub", "store_assess.h"), encoding="utf-8") as f:
            header = strip_comments(f.read())
        exported = set(re.findall(r"\b(store_assess_\w+)\s*\(", header))
        self.assertEqual(exported, EXPORTED,
                         "store_assess.h changed: decide who may call the new function and "
                         "extend this test")
        bench = re.search(r"store_assess_benchmark\s*\(([^;]*)\)\s*;", header, re.S).group(1)
        self.assertIn("struct kr_bench *out", bench, "the benchmark returns aggregates only")
        self.assertNotIn("json_t", bench)
        self.assertNotIn("kr_bench_row", header, "rows never leave store_assess.c")

    def test_own_org_rows_go_to_the_own_org_only(self):
        calls = 0
        for d, name, text in sources():
            for fn in OWN_ORG_ONLY:
                for m in re.finditer(rf"\b{fn}\s*\(", text):
                    if name in ("store_assess.c", "store_assess.h"):
                        continue
                    self.assertEqual(f"{d}/{name}", "hub/handle_assess.c",
                                     f"{d}/{name} calls {fn}: only handle_assess.c may")
                    args = text[m.end():text.index(";", m.end())]
                    parts = [a.strip() for a in args.split(",")]
                    self.assertEqual(parts[2], "s->reader.org_id",
                                     f"{fn} must be given the session's own organisation, "
                                     f"got {parts[2]!r}")
                    calls += 1
        self.assertGreaterEqual(calls, 2)

    def test_rows_are_not_used_elsewhere(self):
        for d, name, text in sources():
            if name in ("bench.c", "bench.h", STORE):
                continue
            self.assertNotRegex(text, r"\bkr_bench_row\b",
                                f"{d}/{name} handles individual benchmark rows")
            if name != "handle_assess.c" and name != "store_assess.h":
                self.assertNotRegex(text, r"\bstore_assess_\w+\s*\(",
                                    f"{d}/{name} calls the assessment store")

    def test_no_logging_no_items(self):
        for name in ASSESS_FILES:
            with open(os.path.join(SRC, "hub", name), encoding="utf-8") as f:
                text = strip_comments(f.read())
            for forbidden in (r"\bkr_log\s*\(", r"#include\s+\"log\.h\"", r"\bstore_item_\w+\s*\(",
                              r"#include\s+\"reader\.h\"", r"\bsubs_\w+\s*\(", r"\bfprintf\s*\(",
                              r"\bprintf\s*\("):
                self.assertNotRegex(text, forbidden, f"hub/{name} must not use {forbidden}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
