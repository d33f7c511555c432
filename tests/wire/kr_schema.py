"""kr_schema - check kairan wire protocol v1 messages against the JSON Schemas.

The schemas live in schema/protocol/v1/ (one file per message type under
client/ and server/, shared definitions in defs.schema.json). Usage:

    import kr_schema
    schemas = kr_schema.load()          # KAIRAN_SCHEMA_DIR, else the repo's schema/
    schemas.validate_server(reply)      # raises AssertionError on any mismatch
    schemas.validate_client(request)
    schemas.validate_item_file(item)    # the file `kairan post FILE` reads

Schema references are resolved from the local files only (every schema is
registered under its $id); any attempt to fetch a remote URI fails instead of
touching the network. Needs python3-jsonschema (Debian, 4.10.x) or newer.
"""

import json
import os
from pathlib import Path

from jsonschema import Draft202012Validator, RefResolver

__all__ = ["load", "default_schema_dir", "SchemaSet"]

PROTOCOL_SUBDIR = Path("protocol") / "v1"
DIRECTIONS = ("client", "server")
MAX_REPORTED_ERRORS = 8


def default_schema_dir():
    """$KAIRAN_SCHEMA_DIR, else <repo>/schema (this file is <repo>/tests/wire/)."""
    env = os.environ.get("KAIRAN_SCHEMA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "schema"


def _format_checker():
    # Only checkers that work offline are registered by jsonschema itself
    # (date-time needs an optional package; defs.schema.json backs it with a
    # pattern, so nothing is lost when it is missing).
    checker = getattr(Draft202012Validator, "FORMAT_CHECKER", None)
    if checker is None:
        from jsonschema import draft202012_format_checker as checker
    return checker


def _no_remote(uri):
    raise AssertionError(f"schema reference {uri!r} is not a local schema; "
                         "kr_schema never fetches over the network")


def _json_path(error):
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _reason(error):
    if error.schema is False:  # a field switched off by an if/then/else rule
        field = error.absolute_path[-1] if error.absolute_path else "value"
        return f"{field!r} is not allowed here (excluded by a conditional rule of the schema)"
    return error.message


def _short(value, limit=600):
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + "…"


class SchemaSet:
    """All v1 schemas of one schema directory, with a validator per type."""

    def __init__(self, schema_dir):
        schema_dir = Path(schema_dir)
        # Accept either schema/ or schema/protocol/v1/ itself.
        if (schema_dir / "defs.schema.json").is_file():
            self.root = schema_dir
        else:
            self.root = schema_dir / PROTOCOL_SUBDIR
        if not (self.root / "defs.schema.json").is_file():
            raise FileNotFoundError(f"no defs.schema.json under {self.root} "
                                    "(set KAIRAN_SCHEMA_DIR to the repo's schema/)")

        self.documents = {}  # path -> schema, every *.schema.json
        self.store = {}      # $id -> schema
        for path in sorted(self.root.rglob("*.schema.json")):
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            sid = schema.get("$id")
            if not sid:
                raise ValueError(f"{path}: schema has no $id")
            if sid in self.store:
                raise ValueError(f"{path}: duplicate $id {sid}")
            self.documents[path] = schema
            self.store[sid] = schema

        self.format_checker = _format_checker()
        self.validators = {d: {} for d in DIRECTIONS}  # direction -> type -> validator
        self.paths = {d: {} for d in DIRECTIONS}       # direction -> type -> path
        for direction in DIRECTIONS:
            for path in sorted((self.root / direction).glob("*.schema.json")):
                mtype = path.name[: -len(".schema.json")]
                self.validators[direction][mtype] = self._validator(self.documents[path])
                self.paths[direction][mtype] = path
        item_file = self.root / "item-file.schema.json"
        self.item_file = self._validator(self.documents[item_file]) if item_file in self.documents else None

    def _validator(self, schema):
        resolver = RefResolver(
            base_uri=schema["$id"],
            referrer=schema,
            store=dict(self.store),
            handlers={"http": _no_remote, "https": _no_remote},
        )
        return Draft202012Validator(schema, resolver=resolver, format_checker=self.format_checker)

    # -- public API --------------------------------------------------------

    @property
    def client_types(self):
        return sorted(self.validators["client"])

    @property
    def server_types(self):
        return sorted(self.validators["server"])

    def validate_client(self, msg):
        """Check a client->hub message; AssertionError on any mismatch."""
        self._validate("client", msg)

    def validate_server(self, msg):
        """Check a hub->client message; AssertionError on any mismatch."""
        self._validate("server", msg)

    def validate_item_file(self, obj):
        """Check the contents of a `kairan post FILE` file."""
        if self.item_file is None:
            raise AssertionError(f"no item-file.schema.json under {self.root}")
        self._check(self.item_file, obj, "item file")

    def errors(self, direction, msg):
        """The list of problems (strings) with msg; empty when it is valid."""
        try:
            self._validate(direction, msg)
        except AssertionError as e:
            return [str(e)]
        return []

    # -- internals ---------------------------------------------------------

    def _validate(self, direction, msg):
        label = "client->hub" if direction == "client" else "hub->client"
        if not isinstance(msg, dict):
            raise AssertionError(f"{label} message is not a JSON object: {_short(msg)}")
        mtype = msg.get("type")
        if not isinstance(mtype, str):
            raise AssertionError(f"{label} message has no string 'type': {_short(msg)}")
        validator = self.validators[direction].get(mtype)
        if validator is None:
            known = ", ".join(sorted(self.validators[direction]))
            raise AssertionError(f"{label} message has unknown type {mtype!r} "
                                 f"(known: {known}): {_short(msg)}")
        self._check(validator, msg, f"{label} {mtype!r}")

    def _check(self, validator, obj, what):
        errors = sorted(validator.iter_errors(obj),
                        key=lambda e: (list(map(str, e.absolute_path)), e.message))
        if not errors:
            return
        schema_id = validator.schema.get("$id", "?")
        lines = [f"{what} does not match {schema_id.rsplit('/v1/', 1)[-1]}:"]
        for e in errors[:MAX_REPORTED_ERRORS]:
            lines.append(f"  at {_json_path(e)}: {_reason(e)}")
        if len(errors) > MAX_REPORTED_ERRORS:
            lines.append(f"  … and {len(errors) - MAX_REPORTED_ERRORS} more")
        lines.append(f"  message: {_short(obj)}")
        raise AssertionError("\n".join(lines))


_cache = {}


def load(schema_dir=None):
    """A SchemaSet for schema_dir (default: default_schema_dir()); cached."""
    key = Path(schema_dir or default_schema_dir()).resolve()
    if key not in _cache:
        _cache[key] = SchemaSet(key)
    return _cache[key]
