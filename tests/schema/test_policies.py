#!/usr/bin/python3
"""Check schema/policy.schema.json and the circle policies in policies/.

  - the schema is a valid draft 2020-12 schema with the expected $schema and
    $id, describes itself and every field, and closes every object
    (additionalProperties: false; "$..." comment keys allowed);
  - every policies/*.json and policies/examples/*.json validates, and each
    demo policy's "circle" is its file name;
  - every field of every example carries a "$comment_<field>" sibling, so a
    secretariat can read the file on its own;
  - a few broken documents, one mutation of a valid one each, fail (the C
    unit test tests/unit/test_cpolicy.c refuses the same and many more).

Run: /usr/bin/python3 tests/schema/test_policies.py   (KAIRAN_SOURCE_DIR may
point at another checkout).
"""

import copy
import json
import os
import re
import sys
import unittest
from pathlib import Path

from jsonschema import Draft202012Validator

ROOT = Path(os.environ.get("KAIRAN_SOURCE_DIR") or Path(__file__).resolve().parents[2])
SCHEMA_PATH = ROOT / "schema" / "policy.schema.json"
POLICIES = ROOT / "policies"
EXAMPLES = POLICIES / "examples"
SCHEMA_ID = "https://kairan.example/schema/policy.schema.json"
METASCHEMA = "https://json-schema.org/draft/2020-12/schema"
DEMO_CIRCLES = {"fin-isac", "energy-isac", "kanagawa-community", "public"}
EXAMPLE_FILES = {"sector-isac.json", "cross-sector.json", "regional-community.json", "public.json"}

COUNTS = {"policies": 0, "refused": 0}


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


SCHEMA = read_json(SCHEMA_PATH)
VALIDATOR = Draft202012Validator(SCHEMA)


def problems(doc):
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in VALIDATOR.iter_errors(doc)]


def walk(node, where="#"):
    """Yield (json-pointer, subschema) for every schema object in node."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key in ("properties", "patternProperties", "$defs"):
                for name, sub in value.items():
                    yield from walk(sub, f"{where}/{key}/{name}")
            elif key in ("items", "if", "then", "else", "not", "contains",
                         "additionalProperties"):
                yield from walk(value, f"{where}/{key}")
            elif key in ("allOf", "anyOf", "oneOf"):
                for i, sub in enumerate(value):
                    yield from walk(sub, f"{where}/{key}/{i}")


def objects(doc, where="$"):
    """Yield (path, object) for every JSON object in doc."""
    if isinstance(doc, dict):
        yield where, doc
        for key, value in doc.items():
            yield from objects(value, f"{where}.{key}")
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from objects(value, f"{where}[{i}]")


def policy_files():
    return sorted(POLICIES.glob("*.json")) + sorted(EXAMPLES.glob("*.json"))


DELETE = object()


def set_path(doc, path, value):
    """Set (or with value DELETE remove) doc at a dotted path; '3' indexes arrays."""
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = int(parts[-1]) if isinstance(node, list) else parts[-1]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value

# (what, path, value, expected): one mutation of fin-isac.json that the schema
# refuses, and a substring of the error ("where: message") it must give.
BROKEN = [
    ("missing circle", "circle", DELETE, "(top): 'circle' is a required property"),
    ("missing k", "k", DELETE, "(top): 'k' is a required property"),
    ("missing tlp.default", "tlp.default", DELETE, "tlp: 'default' is a required"),
    ("missing forward.green_out", "forward.green_out", DELETE, "forward: 'green_out' is a"),
    ("missing anonymisation.level", "anonymisation.level", DELETE, "anonymisation: 'level'"),
    ("unknown field", "colour", "blue", "(top): 'colour' does not match"),
    ("unknown field in forward", "forward.amber_out", True, "forward: 'amber_out'"),
    ("unknown field in rate_limits", "rate_limits.posts_per_day", 100, "rate_limits: 'posts_per_day'"),
    ("unknown field in a pattern", "anonymisation.patterns.0.flags", "i",
     "anonymisation/patterns/0: 'flags'"),
    ("circle not a key", "circle", "Fin ISAC", "circle: 'Fin ISAC' does not match"),
    ("clear_public not a boolean", "clear_public", "yes", "clear_public: 'yes' is not of type"),
    ("k not an integer", "k", 5.5, "k: 5.5 is not of type 'integer'"),
    ("k too small", "k", 1, "k: 1 is less than the minimum"),
    ("retention below 0", "retention_days", -1, "retention_days: -1 is less"),
    ("posts_per_hour too large", "rate_limits.posts_per_hour", 100001,
     "rate_limits/posts_per_hour: 100001 is greater"),
    ("unknown TLP", "tlp.allowed", ["CLEAR", "WHITE"], "tlp/allowed/1: 'WHITE' is not one of"),
    ("lowercase TLP", "tlp.default", "amber", "tlp/default: 'amber' is not one of"),
    ("no TLP allowed", "tlp.allowed", [], "tlp/allowed: [] is too short"),
    ("duplicate TLP", "tlp.allowed", ["GREEN", "GREEN", "AMBER"], "tlp/allowed: ['GREEN', 'GREEN'"),
    ("default not allowed", "tlp.allowed", ["GREEN", "RED"], "tlp/allowed: ['GREEN', 'RED'] does"),
    ("unknown kind", "post.incident", ["member"], "post: 'incident' does not match"),
    ("assessment posted", "post.assessment", ["member"], "post: 'assessment' does not match"),
    ("unknown role", "post.alert", ["moderator", "admin"], "post/alert/1: 'admin' is not one of"),
    ("observer posts", "post.threat", ["member", "observer"], "post/threat/1: 'observer'"),
    ("duplicate role", "post.threat", ["member", "member"], "post/threat: ['member', 'member']"),
    ("unknown moderated kind", "moderation", ["news"], "moderation/0: 'news' is not one of"),
    ("assessment moderated", "moderation", ["assessment"], "moderation/0: 'assessment'"),
    ("unknown level", "anonymisation.level", "paranoid", "anonymisation/level: 'paranoid'"),
    ("unknown pseudonym", "anonymisation.pseudonym", "per-user", "anonymisation/pseudonym:"),
    ("empty placeholder", "anonymisation.patterns.0.placeholder", "",
     "anonymisation/patterns/0/placeholder: '' is too short"),
    ("too many patterns", "anonymisation.patterns",
     [{"name": "n", "pattern": "x", "placeholder": "p"}] * 65, "anonymisation/patterns: [{"),
    ("clear_public without CLEAR", "tlp.allowed", ["GREEN", "AMBER"],
     "tlp/allowed: ['GREEN', 'AMBER'] does not contain"),  # with clear_public: true, below
    ("green_in without GREEN", "tlp.allowed", ["CLEAR", "AMBER"],
     "tlp/allowed: ['CLEAR', 'AMBER'] does not contain"),
]


class Schema(unittest.TestCase):
    def test_schema_is_valid(self):
        Draft202012Validator.check_schema(SCHEMA)
        meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
        self.assertEqual([e.message for e in meta.iter_errors(SCHEMA)], [])
        self.assertEqual(SCHEMA.get("$schema"), METASCHEMA)
        self.assertEqual(SCHEMA.get("$id"), SCHEMA_ID)
        self.assertTrue(SCHEMA.get("description"), "the schema has no description")

    def test_every_field_is_described_and_closed(self):
        for where, sub in walk(SCHEMA):
            if sub.get("type") == "object":
                self.assertIs(sub.get("additionalProperties"), False,
                              f"{where}: object without additionalProperties: false")
                self.assertIn("^\\$", sub.get("patternProperties", {}),
                              f"{where}: object that refuses \"$\" comment keys")
            if re.search(r"/(if|then|else|not)(/|$)", where):
                continue  # conditions, not field definitions
            for name, prop in sub.get("properties", {}).items():
                self.assertTrue(isinstance(prop, dict) and prop.get("description"),
                                f"{where}/properties/{name}: no description")


class Policies(unittest.TestCase):
    def test_files_are_there(self):
        self.assertLessEqual(DEMO_CIRCLES, {p.stem for p in POLICIES.glob("*.json")})
        self.assertLessEqual(EXAMPLE_FILES, {p.name for p in EXAMPLES.glob("*.json")})

    def test_policies_validate(self):
        for path in policy_files():
            with self.subTest(policy=str(path.relative_to(ROOT))):
                self.assertEqual(problems(read_json(path)), [])
                COUNTS["policies"] += 1

    def test_demo_policies_name_their_circle(self):
        for path in sorted(POLICIES.glob("*.json")):
            with self.subTest(policy=path.name):
                self.assertEqual(read_json(path)["circle"], path.stem)

    def test_examples_comment_every_field(self):
        for path in sorted(EXAMPLES.glob("*.json")):
            doc = read_json(path)
            self.assertTrue(doc.get("$comment"), f"{path.name}: no top-level $comment")
            for where, obj in objects(doc):
                for key in obj:
                    if key.startswith("$"):
                        continue
                    with self.subTest(example=path.name, field=f"{where}.{key}"):
                        comment = obj.get(f"$comment_{key}")
                        self.assertIsInstance(comment, str, "no $comment_" + key)
                        self.assertRegex(comment, r"[A-Za-z]{3}", "no English")
                        self.assertRegex(comment, r"[\u3040-\u30ff\u4e00-\u9fff]", "no Japanese")
            for key in (k for _, o in objects(doc) for k in o if k.startswith("$comment_")):
                self.assertTrue(any(key[len("$comment_"):] in o for _, o in objects(doc)
                                    if key in o), f"{path.name}: {key} comments no field")

    def test_broken_documents_fail(self):
        base = read_json(POLICIES / "fin-isac.json")
        for what, path, value, expected in BROKEN:
            with self.subTest(what=what):
                doc = copy.deepcopy(base)
                if what == "clear_public without CLEAR":
                    doc["clear_public"] = True
                    doc["forward"] = {"green_in": False, "green_out": False}
                set_path(doc, path, value if value is DELETE else copy.deepcopy(value))
                found = problems(doc)
                self.assertTrue(found, f"{what}: the schema accepted it")
                self.assertTrue(any(expected in p for p in found), f"{what}: {found}")
                COUNTS["refused"] += 1

    def test_comments_are_ignored_anywhere(self):
        doc = read_json(POLICIES / "fin-isac.json")
        for where, obj in list(objects(doc)):
            obj["$note"] = {"any": ["value", 1]}
        self.assertEqual(problems(doc), [])


if __name__ == "__main__":
    print(f"source dir: {ROOT}")
    run = unittest.main(verbosity=2, exit=False)
    print(f"validated {COUNTS['policies']} policies, refused {COUNTS['refused']} broken documents")
    sys.exit(0 if run.result.wasSuccessful() else 1)
