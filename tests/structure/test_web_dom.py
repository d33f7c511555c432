#!/usr/bin/python3
"""The web client's rules, proved from its source (client/web/).

Item content reaches the page only as text: no script uses an HTML sink
(innerHTML, outerHTML, insertAdjacentHTML, document.write, DOMParser,
createContextualFragment, srcdoc), evaluates strings (eval, new Function,
setTimeout/setInterval with a string), sets handler attributes or inline
styles; index.html has no inline script, handler attribute, inline style
or style element, and the style sheet imports nothing. The token: only
app.js touches sessionStorage, localStorage is used by i18n.js for the
language alone, and only hub.js opens a websocket, to the page's own host.
The browser enforces the same at run time (CSP with Trusted Types, see
hub/web.h); this keeps the source honest before it ships.
"""
import os
import re
import unittest

SRC = os.environ.get("KAIRAN_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", ".."))
WEB = os.path.join(SRC, "client", "web")

FORBIDDEN_JS = {
    r"\.innerHTML\b": "innerHTML",
    r"\.outerHTML\b": "outerHTML",
    r"insertAdjacentHTML": "insertAdjacentHTML",
    r"document\.write": "document.write",
    r"\bDOMParser\b": "DOMParser",
    r"createContextualFragment": "createContextualFragment",
    r"\bsrcdoc\b": "srcdoc",
    r"\beval\s*\(": "eval",
    r"\bnew\s+Function\b": "new Function",
    r"\bset(Timeout|Interval)\s*\(\s*['\"`]": "a timer with a string",
    r"\.on[a-z]+\s*=[^=]": "a handler property",
    r"setAttribute\(\s*['\"]on": "a handler attribute",
    r"setAttribute\(\s*['\"]style": "an inline style",
    r"\.style\.": "an inline style",
    r"\.style\s*=": "an inline style",
    r"\.cssText\b": "an inline style",
    r"\bimport\s*\(": "a dynamic import",
    r"https?://": "an absolute URL",
}


def strip_js_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"(^|[^:])//[^\n]*", r"\1", text)


def read(name):
    with open(os.path.join(WEB, name), encoding="utf-8") as f:
        return f.read()


class WebSourceTest(unittest.TestCase):
    def scripts(self):
        names = sorted(n for n in os.listdir(WEB) if n.endswith(".js"))
        self.assertGreaterEqual(len(names), 10)
        for name in names:
            yield name, strip_js_comments(read(name))

    def test_no_html_sinks_or_string_code(self):
        checked = 0
        for name, text in self.scripts():
            for pattern, what in FORBIDDEN_JS.items():
                checked += 1
                hits = [i + 1 for i, line in enumerate(text.splitlines()) if re.search(pattern, line)]
                self.assertEqual(hits, [], f"client/web/{name} lines {hits}: {what}")
        print(f"{checked} pattern checks over client/web/*.js")

    def test_storage_and_sockets(self):
        for name, text in self.scripts():
            if "sessionStorage" in text:
                self.assertEqual(name, "app.js", "only app.js keeps the token")
            if "localStorage" in text:
                self.assertEqual(name, "i18n.js", "localStorage holds the language only")
                self.assertEqual(re.findall(r"localStorage\.setItem\(([^,]+),", text), ["LANG_KEY"])
            if re.search(r"new\s+WebSocket\b", text):
                self.assertEqual(name, "hub.js")
        hub = read("hub.js")
        self.assertIn("new WebSocket(this.url, SUBPROTOCOL)", hub)
        self.assertIn("${loc.host}/", hub)  # the page's own host and port

    def test_index_html(self):
        html = read("index.html")
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S | re.I)
        self.assertEqual(scripts, [""], "one external module script, nothing inline")
        self.assertEqual(re.findall(r"<script\b[^>]*>", html, flags=re.I),
                         ['<script type="module" src="/app/app.js">'])
        self.assertIsNone(re.search(r"\son[a-z]+\s*=", html, flags=re.I), "handler attribute")
        self.assertIsNone(re.search(r"\sstyle\s*=", html, flags=re.I), "inline style")
        self.assertIsNone(re.search(r"<style\b", html, flags=re.I), "style element")
        self.assertNotIn("javascript:", html.lower())
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            self.assertRegex(ref, r"^(/app/[A-Za-z0-9._-]+|#/[a-z]+)$", "only the hub's own files")

    def test_style_sheet(self):
        css = read("app.css")
        for bad in ("@import", "url(", "expression(", "javascript:"):
            self.assertNotIn(bad, css)


if __name__ == "__main__":
    unittest.main(verbosity=2)
