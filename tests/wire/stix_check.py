"""stix_check - check STIX 2.1 output against the official OASIS schemas.

For the wire tests of `export` (and anything else that hands out STIX):

    import stix_check
    stix_check.validate_bundle(bundle)   # AssertionError naming every problem
    stix_check.check_pattern(pattern)    # AssertionError when not a valid pattern

validate_bundle() checks the bundle against common/bundle.json and every
object against the schema of its own type (sdos/, sros/, observables/,
common/marking-definition.json), all from tests/data/stix2.1-json-schemas/
(OASIS cti-stix2-json-schemas): each schema's $id is mapped to its local
file, and any reference outside that set fails instead of touching the
network. It also checks what the schemas cannot: ids are unique, every
reference (object_marking_refs, created_by_ref, object_refs) names an object
of the bundle (a kairan bundle stands on its own), valid_until follows
valid_from, and every `stix` pattern passes check_pattern().

check_pattern() is a strict checker for STIX 2.1 patterns (Debian has no
stix2-patterns package): it parses the full patterning grammar (observation
expressions joined by AND / OR / FOLLOWEDBY, comparison expressions with
AND / OR and parentheses, every operator and literal form) and then checks
each comparison against the OASIS observable schemas: the object type must
be a STIX cyber-observable, the path one of its properties, and the value,
put into an observable of that type, must validate (so a malformed hash, a
hash algorithm not in the vocabulary or a string where a number belongs
fail, and so does a hash name outside hash-algorithm-ov). ISSUBSET and
ISSUPERSET need an IP network of the right family.
"""

import ipaddress
import json
import os
import re
import uuid
from pathlib import Path

from jsonschema import Draft202012Validator, RefResolver

HERE = Path(__file__).resolve().parent
SCHEMA_DIR = Path(os.environ.get("KAIRAN_SOURCE_DIR") or HERE.parents[1]) / "tests" / "data" / \
    "stix2.1-json-schemas" / "schemas"


def _no_remote(uri):
    raise AssertionError(f"STIX schema reference {uri!r} is not a local file; "
                         "stix_check never fetches over the network")


class _Schemas:
    def __init__(self, root):
        self.store, self.by_name, self.dir_of = {}, {}, {}
        for path in sorted(root.rglob("*.json")):
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            self.store[schema["$id"]] = schema
            self.by_name[path.stem] = schema
            self.dir_of[path.stem] = path.parent.name
        if "bundle" not in self.by_name:
            raise FileNotFoundError(f"no OASIS STIX schemas under {root}")
        self._validators = {}

    def validator(self, name):
        if name not in self._validators:
            schema = self.by_name[name]
            resolver = RefResolver(base_uri=schema["$id"], referrer=schema, store=self.store,
                                   handlers={"http": _no_remote, "https": _no_remote})
            self._validators[name] = Draft202012Validator(schema, resolver=resolver)
        return self._validators[name]

    def object_schema(self, stix_type):
        """The schema name for a STIX object type, or None when OASIS has none."""
        if stix_type in self.by_name and self.dir_of[stix_type] in ("sdos", "sros", "observables"):
            return stix_type
        if stix_type in ("marking-definition", "language-content", "extension-definition"):
            return stix_type
        return None

    def observable(self, stix_type):
        return stix_type in self.by_name and self.dir_of[stix_type] == "observables"

    def errors(self, name, instance):
        return sorted(self.validator(name).iter_errors(instance), key=lambda e: list(e.path))


_schemas = None


def schemas():
    global _schemas
    if _schemas is None:
        _schemas = _Schemas(SCHEMA_DIR)
    return _schemas


def _fmt(errors, what, limit=6):
    lines = [f"{what}:"]
    for e in errors[:limit]:
        where = "/".join(map(str, e.absolute_path)) or "(top)"
        lines.append(f"  at {where}: {e.message[:300]}")
    if len(errors) > limit:
        lines.append(f"  … and {len(errors) - limit} more")
    return "\n".join(lines)


# -- patterns -------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<str>'(?:[^'\\]|\\['\\])*')
  | (?P<ts>t'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?Z')
  | (?P<bin>b'[A-Za-z0-9+/=]*')
  | (?P<hex>h'(?:[0-9a-fA-F]{2})*')
  | (?P<float>[+-]?[0-9]*\.[0-9]+)
  | (?P<int>[+-]?(?:0|[1-9][0-9]*))
  | (?P<op><=|>=|!=|=|<|>)
  | (?P<punct>[\[\]():,.])
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
""", re.X)

_KEYWORDS = {"AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET",
             "IN", "START", "STOP", "WITHIN", "SECONDS", "REPEATS", "TIMES", "true", "false"}
_WORD_OPS = {"LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "IN"}
# hash-algorithm-ov (STIX 2.1 section 10.11): the names a hashes key SHOULD use
_HASHES = {"MD5", "SHA-1", "SHA-256", "SHA-512", "SHA3-256", "SHA3-512", "SSDEEP", "TLSH"}


def _tokens(pattern):
    out, pos = [], 0
    while pos < len(pattern):
        m = _TOKEN.match(pattern, pos)
        if not m:
            raise AssertionError(f"pattern {pattern!r}: unexpected character at {pos}")
        if m.lastgroup != "ws":
            out.append((m.lastgroup, m.group(), pos))
        pos = m.end()
    out.append(("end", "", pos))
    return out


class _Parser:
    """Recursive descent over the STIX 2.1 patterning grammar (spec section 9)."""

    def __init__(self, pattern):
        self.pattern = pattern
        self.toks = _tokens(pattern)
        self.i = 0
        self.comparisons = []  # (object type, [path parts], operator, literal kind, value)

    def peek(self, k=0):
        return self.toks[self.i + k]

    def take(self):
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def fail(self, why):
        kind, text, pos = self.peek()
        raise AssertionError(f"pattern {self.pattern!r}: {why} at {pos} (near {text!r})")

    def expect(self, text):
        if self.peek()[1] != text:
            self.fail(f"expected {text!r}")
        return self.take()

    def word(self, w):
        return self.peek()[0] == "word" and self.peek()[1] == w

    # pattern := observationExpressions EOF
    def parse(self):
        self.obs_or()
        if self.peek()[0] != "end":
            self.fail("unexpected text after the pattern")
        return self.comparisons

    def obs_or(self):
        self.obs_and()
        while self.word("OR"):
            self.take()
            self.obs_and()

    def obs_and(self):
        self.obs_seq()
        while self.word("AND"):
            self.take()
            self.obs_seq()

    def obs_seq(self):
        self.obs_qualified()
        while self.word("FOLLOWEDBY"):
            self.take()
            self.obs_qualified()

    def obs_qualified(self):
        if self.peek()[1] == "[":
            self.take()
            self.comp_or()
            self.expect("]")
        elif self.peek()[1] == "(":
            self.take()
            self.obs_or()
            self.expect(")")
        else:
            self.fail("expected '[' or '('")
        while True:  # qualifiers
            if self.word("START"):
                self.take()
                self.lit("ts")
                if not self.word("STOP"):
                    self.fail("expected STOP")
                self.take()
                self.lit("ts")
            elif self.word("WITHIN"):
                self.take()
                if self.peek()[0] not in ("int", "float"):
                    self.fail("expected a number of seconds")
                self.take()
                if not self.word("SECONDS"):
                    self.fail("expected SECONDS")
                self.take()
            elif self.word("REPEATS"):
                self.take()
                self.lit("int")
                if not self.word("TIMES"):
                    self.fail("expected TIMES")
                self.take()
            else:
                return

    def lit(self, kind):
        if self.peek()[0] != kind:
            self.fail(f"expected a {kind} literal")
        return self.take()

    def comp_or(self):
        self.comp_and()
        while self.word("OR"):
            self.take()
            self.comp_and()

    def comp_and(self):
        self.comp_test()
        while self.word("AND"):
            self.take()
            self.comp_test()

    def comp_test(self):
        if self.peek()[1] == "(":
            self.take()
            self.comp_or()
            self.expect(")")
            return
        otype, parts = self.path()
        if self.word("NOT"):
            self.take()
        kind, op, _ = self.take()
        if not (kind == "op" or (kind == "word" and op in _WORD_OPS)):
            self.i -= 1
            self.fail("expected a comparison operator")
        if op == "IN":
            self.expect("(")
            values = [self.literal()]
            while self.peek()[1] == ",":
                self.take()
                values.append(self.literal())
            self.expect(")")
            for v in values:
                self.comparisons.append((otype, parts, op) + v)
        else:
            self.comparisons.append((otype, parts, op) + self.literal())

    def literal(self):
        kind, text, _ = self.take()
        if kind == "str":
            return ("str", re.sub(r"\\(['\\])", r"\1", text[1:-1]))
        if kind == "int":
            return ("int", int(text))
        if kind == "float":
            return ("float", float(text))
        if kind in ("ts", "bin", "hex"):
            return (kind, text)
        if kind == "word" and text in ("true", "false"):
            return ("bool", text == "true")
        self.i -= 1
        self.fail("expected a literal")

    def path(self):
        kind, otype, _ = self.take()
        if kind != "word" or not re.fullmatch(r"[a-z][a-z0-9-]*[a-z0-9]|[a-z]", otype) or \
                otype in _KEYWORDS:
            self.i -= 1
            self.fail("expected an object type")
        self.expect(":")
        parts = [self.component()]
        while self.peek()[1] in (".", "["):
            if self.take()[1] == ".":
                parts.append(self.component())
            else:
                kind, text, _ = self.take()
                if not (kind == "int" or text == "*"):
                    self.fail("expected a list index or *")
                parts.append(int(text) if kind == "int" else "*")
                self.expect("]")
        return otype, parts

    def component(self):
        kind, text, _ = self.take()
        if kind == "str":
            return re.sub(r"\\(['\\])", r"\1", text[1:-1])
        if kind == "word" and "-" not in text:
            return text
        self.i -= 1
        self.fail("expected a property name")


def _observable(otype, parts, value):
    """An observable of otype with value at path (None when the path is deeper than
    properties and dictionary keys: lists and references are not built)."""
    obj = {"type": otype, "spec_version": "2.1", "id": f"{otype}--{uuid.uuid4()}"}
    if len(parts) == 1 and isinstance(parts[0], str):
        obj[parts[0]] = value
        return obj
    if len(parts) == 2 and all(isinstance(p, str) for p in parts):
        obj[parts[0]] = {parts[1]: value}
        return obj
    return None


def check_pattern(pattern):
    """AssertionError unless pattern is a STIX 2.1 pattern whose every comparison
    names an existing observable property with a value of the right form."""
    s = schemas()
    comparisons = _Parser(pattern).parse()
    if not comparisons:
        raise AssertionError(f"pattern {pattern!r}: no comparison")
    for otype, parts, op, kind, value in comparisons:
        where = f"pattern {pattern!r}: {otype}:{'.'.join(map(str, parts))}"
        if not s.observable(otype):
            raise AssertionError(f"{where}: {otype!r} is not a STIX cyber-observable type")
        props = s.by_name[otype]["allOf"][1]["properties"] if "allOf" in s.by_name[otype] \
            else s.by_name[otype].get("properties", {})
        if parts[0] not in props:
            raise AssertionError(f"{where}: {otype} has no property {parts[0]!r}")
        if parts[0] == "hashes" and (len(parts) < 2 or parts[1] not in _HASHES):
            raise AssertionError(f"{where}: hash name not in hash-algorithm-ov {sorted(_HASHES)}")
        if op in ("ISSUBSET", "ISSUPERSET"):
            if kind != "str":
                raise AssertionError(f"{where}: {op} needs a string")
            try:
                net = ipaddress.ip_network(value, strict=True)
            except ValueError as e:
                raise AssertionError(f"{where}: {op} needs an IP network: {e}") from None
            if (net.version == 4) != (otype == "ipv4-addr"):
                raise AssertionError(f"{where}: IPv{net.version} network on {otype}")
        if op in ("=", "!=") and kind in ("str", "int", "bool"):
            obj = _observable(otype, parts, value)
            if obj is not None:
                errors = s.errors(otype, obj)
                if errors:
                    raise AssertionError(_fmt(errors, f"{where} = {value!r} is no valid {otype}"))
            if otype in ("ipv4-addr", "ipv6-addr") and parts == ["value"]:
                try:
                    addr = ipaddress.ip_network(value, strict=True)
                except ValueError as e:
                    raise AssertionError(f"{where}: not an IP address or network: {e}") from None
                if (addr.version == 4) != (otype == "ipv4-addr"):
                    raise AssertionError(f"{where}: IPv{addr.version} value on {otype}")
    return comparisons


# -- bundles --------------------------------------------------------------

def _stix_time(s):
    from datetime import datetime
    return datetime.strptime(s.replace("Z", "").split(".")[0], "%Y-%m-%dT%H:%M:%S")


def validate_object(obj):
    """One STIX object against the OASIS schema of its type."""
    s = schemas()
    name = s.object_schema(obj.get("type"))
    if name is None:
        raise AssertionError(f"{obj.get('id')}: no OASIS schema for type {obj.get('type')!r}")
    errors = s.errors(name, obj)
    if errors:
        raise AssertionError(_fmt(errors, f"{obj.get('id')} does not match {name}.json"))
    if obj.get("type") == "indicator":
        if obj.get("pattern_type") == "stix":
            check_pattern(obj["pattern"])
        if "valid_until" in obj and _stix_time(obj["valid_until"]) <= _stix_time(obj["valid_from"]):
            raise AssertionError(f"{obj['id']}: valid_until is not after valid_from")


def validate_bundle(bundle):
    """The bundle and each of its objects against the OASIS schemas, plus the
    references between them. Returns the objects by id."""
    s = schemas()
    errors = s.errors("bundle", bundle)
    if errors:
        raise AssertionError(_fmt(errors, "bundle does not match common/bundle.json"))
    objects = bundle.get("objects", [])
    by_id = {}
    for obj in objects:
        if obj["id"] in by_id:
            raise AssertionError(f"{obj['id']} appears twice in the bundle")
        by_id[obj["id"]] = obj
    for obj in objects:
        validate_object(obj)
        refs = list(obj.get("object_marking_refs", []))
        for ref in refs:
            if by_id.get(ref, {}).get("type") != "marking-definition":
                raise AssertionError(f"{obj['id']}: marking {ref} is not in the bundle")
        for ref in [obj.get("created_by_ref")] + list(obj.get("object_refs", [])):
            if ref is not None and ref not in by_id:
                raise AssertionError(f"{obj['id']}: refers to {ref}, not in the bundle")
    return by_id
