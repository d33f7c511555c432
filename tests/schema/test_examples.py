#!/usr/bin/python3
"""Check schema/protocol/v1: the JSON Schemas, their examples, and PROTOCOL.md.

  - every *.schema.json is a valid draft 2020-12 schema, carries $schema and
    the $id its path implies, closes every object (additionalProperties:
    false) and describes itself and every field;
  - every examples/client/<type>[-n].json and examples/server/<type>[-n].json
    validates against the schema of that type;
  - every type in PROTOCOL.md's "Client to hub" and "Hub to client" tables
    has a schema whose fields match the table, and at least one example;
    the post.item table and the error code table match defs.schema.json;
  - every examples/invalid/<client|server>-<type>-<what>.json fails.

Run: /usr/bin/python3 tests/schema/test_examples.py   (KAIRAN_SCHEMA_DIR
may point at another schema/ directory).
"""

import json
import re
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "wire"))
import kr_schema  # noqa: E402

from jsonschema import Draft202012Validator  # noqa: E402

SCHEMA_DIR = kr_schema.default_schema_dir()
SCHEMAS = kr_schema.load(SCHEMA_DIR)
ROOT = SCHEMAS.root
EXAMPLES = ROOT / "examples"
PROTOCOL_MD = SCHEMA_DIR / "PROTOCOL.md"
ID_BASE = "https://kairan.example/schema/protocol/v1/"
METASCHEMA = "https://json-schema.org/draft/2020-12/schema"

COUNTS = {"schemas": 0, "valid": 0, "invalid": 0}


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def example_type(path):
    """examples/<dir>/<type>[-<n>].json -> <type> (types contain no '-')."""
    return path.stem.split("-", 1)[0]


def md_table(section):
    """Rows (lists of cells) of the first table under the heading `section`."""
    text = PROTOCOL_MD.read_text(encoding="utf-8")
    m = re.search(rf"^#+ {re.escape(section)}\s*$", text, re.M)
    if not m:
        raise AssertionError(f"{PROTOCOL_MD}: no heading {section!r}")
    rows = []
    for line in text[m.end():].splitlines():
        line = line.strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(re.fullmatch(r":?-*:?", c) for c in cells):
                rows.append(cells)
        elif rows or line.startswith("#"):
            break
    if len(rows) < 2:
        raise AssertionError(f"{PROTOCOL_MD}: no table under {section!r}")
    return rows[1:]  # drop the header row


def first_code(cell):
    m = re.match(r"`([^`]+)`", cell)
    return m.group(1) if m else None


def table_fields(cell):
    """`a`, `b`? (note) -> {"a": True, "b": False} (name -> required).

    Alternatives such as "`request`? or `item_id`+`status`+`reason`?" (fields
    that depend on a variant of the message, e.g. notice's event) or "`item`,
    or `items`" (deliver: one or the other) are optional at the top level:
    each variant requires its own.
    """
    cell = re.sub(r"\([^)]*\)", "", cell)  # drop notes such as "(default 100)"
    parts = cell.split(",")
    fields = {}
    for i, part in enumerate(parts):
        variant = (re.search(r"`\??\s+or\s+`", part) is not None
                   or part.strip().startswith("or ")
                   or (i + 1 < len(parts) and parts[i + 1].strip().startswith("or ")))
        for name, optional in re.findall(r"`([a-z_]+)`(\??)", part):
            fields[name] = not (optional or variant)
    return fields


def table_has_variants(cell):
    """True when the fields cell lists alternatives ("`a`? or `b`+`c`", "`a`, or `b`")."""
    return re.search(r"`\??,?\s+or\s+`", re.sub(r"\([^)]*\)", "", cell)) is not None


def walk(node, where="#"):
    """Yield (json-pointer, subschema) for every schema object in node."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    yield from walk(sub, f"{where}/{key}/{name}")
            elif key in ("items", "if", "then", "else", "not", "additionalProperties"):
                yield from walk(value, f"{where}/{key}")
            elif key in ("allOf", "anyOf", "oneOf"):
                for i, sub in enumerate(value):
                    yield from walk(sub, f"{where}/{key}/{i}")


class Schemas(unittest.TestCase):
    def test_schemas_are_valid(self):
        meta = Draft202012Validator(Draft202012Validator.META_SCHEMA,
                                    format_checker=SCHEMAS.format_checker)
        self.assertTrue(SCHEMAS.documents, f"no schemas under {ROOT}")
        for path, schema in SCHEMAS.documents.items():
            rel = path.relative_to(ROOT).as_posix()
            with self.subTest(schema=rel):
                COUNTS["schemas"] += 1
                Draft202012Validator.check_schema(schema)
                problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                            for e in meta.iter_errors(schema)]  # also checks regexes
                self.assertEqual(problems, [], rel)
                self.assertEqual(schema.get("$schema"), METASCHEMA, f"{rel}: $schema")
                self.assertEqual(schema.get("$id"), ID_BASE + rel, f"{rel}: $id")
                self.assertTrue(schema.get("description"), f"{rel}: no description")
                for where, sub in walk(schema):
                    if sub.get("type") == "object":
                        self.assertIs(sub.get("additionalProperties"), False,
                                      f"{rel}{where}: object without additionalProperties: false")
                    if re.search(r"/(if|then|else|not)(/|$)", where):
                        continue  # conditions, not field definitions
                    for name, prop in sub.get("properties", {}).items():
                        self.assertTrue(isinstance(prop, dict) and prop.get("description"),
                                        f"{rel}{where}/properties/{name}: no description")

    def test_message_schemas_name_their_type(self):
        for direction in kr_schema.DIRECTIONS:
            for mtype, path in SCHEMAS.paths[direction].items():
                with self.subTest(schema=f"{direction}/{mtype}"):
                    props = SCHEMAS.documents[path]["properties"]
                    self.assertEqual(props["type"].get("const"), mtype)
                    self.assertIn("type", SCHEMAS.documents[path]["required"])
                    if direction == "client":
                        self.assertIn("id", props, "client messages take an optional id")
                        self.assertNotIn("ref", props)
                    else:
                        self.assertNotIn("id", props, "hub messages carry ref, not id")


class Examples(unittest.TestCase):
    def test_valid_examples(self):
        for direction in kr_schema.DIRECTIONS:
            files = sorted((EXAMPLES / direction).glob("*.json"))
            self.assertTrue(files, f"no examples in {EXAMPLES / direction}")
            validate = getattr(SCHEMAS, f"validate_{direction}")
            for path in files:
                with self.subTest(example=f"{direction}/{path.name}"):
                    msg = read_json(path)
                    self.assertEqual(msg.get("type"), example_type(path),
                                     f"{path.name}: 'type' does not match the file name")
                    validate(msg)
                    COUNTS["valid"] += 1

    def test_item_file_schema_accepts_post_items(self):
        for path in sorted((EXAMPLES / "client").glob("post*.json")):
            with self.subTest(example=path.name):
                SCHEMAS.validate_item_file(read_json(path)["item"])

    def test_invalid_examples_fail(self):
        files = sorted((EXAMPLES / "invalid").glob("*.json"))
        self.assertTrue(files, f"no examples in {EXAMPLES / 'invalid'}")
        for path in files:
            with self.subTest(example=f"invalid/{path.name}"):
                m = re.fullmatch(r"(client|server)-([a-z_]+)-[a-z0-9_-]+", path.stem)
                self.assertTrue(m, f"{path.name}: name must be <client|server>-<type>-<what>.json")
                direction, mtype = m.groups()
                msg = read_json(path)
                # Fail for the intended reason, not because the type is wrong.
                self.assertEqual(msg.get("type"), mtype, f"{path.name}: 'type' differs from the name")
                self.assertIn(mtype, SCHEMAS.validators[direction])
                with self.assertRaises(AssertionError, msg=f"{path.name} passed validation") as cm:
                    getattr(SCHEMAS, f"validate_{direction}")(msg)
                self.assertIn(" at $", str(cm.exception))
                COUNTS["invalid"] += 1

    def test_validator_rejects_unknown_types(self):
        for direction in kr_schema.DIRECTIONS:
            validate = getattr(SCHEMAS, f"validate_{direction}")
            for msg in ({"type": "subscribe_all"}, {"id": "x"}, {"type": 7}, ["auth"]):
                with self.subTest(direction=direction, msg=msg):
                    self.assertRaises(AssertionError, validate, msg)


class Protocol(unittest.TestCase):
    """The schemas say what PROTOCOL.md says."""

    def check_table(self, section, direction):
        rows = md_table(section)
        types = set()
        for row in rows:
            mtype = first_code(row[0])
            self.assertTrue(mtype, f"{section}: row without a `type`: {row}")
            types.add(mtype)
            with self.subTest(section=section, type=mtype):
                self.assertIn(mtype, SCHEMAS.validators[direction],
                              f"no {direction}/{mtype}.schema.json")
                examples = [p for p in (EXAMPLES / direction).glob("*.json")
                            if example_type(p) == mtype]
                self.assertTrue(examples, f"no example for {direction} type {mtype}")
                schema = SCHEMAS.documents[SCHEMAS.paths[direction][mtype]]
                fields = table_fields(row[1])
                envelope = {"type", "id"} if direction == "client" else {"type"}
                self.assertEqual(set(schema["properties"]) - envelope, set(fields),
                                 f"{mtype}: schema fields differ from PROTOCOL.md")
                required = {f for f, req in fields.items() if req}
                self.assertEqual(set(schema.get("required", [])) - {"type"}, required,
                                 f"{mtype}: required fields differ from PROTOCOL.md")
                if table_has_variants(row[1]):
                    self.assertTrue(schema.get("oneOf"),
                                    f"{mtype}: PROTOCOL.md lists alternative fields; "
                                    "the schema needs a oneOf with one branch per variant")
        self.assertEqual(types, set(SCHEMAS.validators[direction]),
                         f"{direction}/ schemas and PROTOCOL.md's {section!r} table differ")

    def test_client_to_hub_table(self):
        self.check_table("Client to hub", "client")

    def test_hub_to_client_table(self):
        self.check_table("Hub to client", "server")

    def test_post_item_table(self):
        defs = SCHEMAS.store[ID_BASE + "defs.schema.json"]["$defs"]
        fields = {first_code(row[0]) for row in md_table("`post.item`")}
        self.assertEqual(set(defs["item_input"]["properties"]), fields)

    def test_error_codes(self):
        defs = SCHEMAS.store[ID_BASE + "defs.schema.json"]["$defs"]
        codes = [first_code(row[0]) for row in md_table("Errors")]
        self.assertEqual(defs["error_code"]["enum"], codes)


if __name__ == "__main__":
    print(f"schema dir: {ROOT}")
    run = unittest.main(verbosity=2, exit=False)
    print(f"checked {COUNTS['schemas']} schemas, {COUNTS['valid']} valid examples, "
          f"{COUNTS['invalid']} invalid examples")
    sys.exit(0 if run.result.wasSuccessful() else 1)
