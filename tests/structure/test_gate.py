#!/usr/bin/python3
"""The read gate, proved from the source: nothing but hub/reader.c can put an
item in front of a client.

An item reaches a connection in one of three ways: queued on a session
(outq_push_item), serialised as a deliver frame (item_frame), or copied
into a reply from its reader view (the `view` member of struct kr_item).
Each is allowed only where the gate is asked first: reader.c (and the
modules that define them). A new read path that forgets the gate fails
here, before it ships.
"""
import os
import re
import unittest

SRC = os.environ.get("KAIRAN_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", ".."))
HUB = os.path.join(SRC, "hub")

# symbol -> files where it may appear (definition and the gate)
ALLOWED = {
    r"\boutq_push_item\s*\(": {"outq.c", "outq.h", "reader.c"},
    r"\bitem_frame\s*\(": {"item.c", "item.h", "reader.c"},
    r"\bitem_view_text\s*\(": {"item.c", "item.h", "reader.c"},
    r"->view\b": {"item.c", "reader.c", "store_requests.c"},  # kr_request.view is not an item
    r"\bpolicy_may_read\s*\(": {"policy.c", "policy.h", "reader.c"},
}


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", "", re.sub(r"//[^\n]*", "", text), flags=re.S)


class GateTest(unittest.TestCase):
    def sources(self):
        for name in sorted(os.listdir(HUB)):
            if name.endswith((".c", ".h")):
                with open(os.path.join(HUB, name), encoding="utf-8") as f:
                    yield name, strip_comments(f.read())

    def test_items_reach_clients_only_through_reader_c(self):
        checked = 0
        for name, text in self.sources():
            for pattern, allowed in ALLOWED.items():
                checked += 1
                if name in allowed:
                    continue
                hits = [i + 1 for i, line in enumerate(text.splitlines())
                        if re.search(pattern, line)]
                self.assertEqual(hits, [], f"hub/{name} lines {hits} use {pattern!r}: "
                                 "items reach clients only through reader.c")
        self.assertGreater(checked, 40)
        print(f"gate: {checked} (file, symbol) pairs checked")

    def test_request_view_is_not_an_item(self):
        """store_requests.c's `view` is the request object, never an item's."""
        with open(os.path.join(HUB, "store_requests.c"), encoding="utf-8") as f:
            text = strip_comments(f.read())
        self.assertNotIn("kr_item", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
