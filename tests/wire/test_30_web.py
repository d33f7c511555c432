#!/usr/bin/python3
"""30 web: the web client's files over HTTPS, without a browser.

  - `/` is client/web/index.html and `/app/NAME` each file of client/web
    byte for byte, with its content type (html, css, javascript, svg);
    anything else under /app/ (README.md, a missing name, `/app/`) is 404;
  - every reply of these routes, 404s and 304s included, carries the page's
    Content-Security-Policy, X-Content-Type-Options: nosniff,
    Referrer-Policy: no-referrer, X-Frame-Options: DENY; every other reply
    of the hub (feed, TAXII, calendars, metrics, 404, 405) nosniff,
    no-referrer and a CSP that allows nothing;
  - traversal: `..`, `//`, backslashes, and their percent-encoded, double
    encoded and overlong-UTF-8 forms never reach a file outside the
    embedded set (the hub reads no files for these routes at all);
  - HEAD, POST, PUT, OPTIONS, DELETE are 405 with Allow: GET;
  - caching: Cache-Control: no-cache with a strong ETag (the file's
    SHA-256 prefix); If-None-Match with it (also weak, in a list, or *) is
    304 with no body, any other ETag 200;
  - HTTP/1.1 only: a client offering h2 gets http/1.1 (ALPN), and a
    large asset arrives whole.
"""
import hashlib
import http.client
import os
import socket

import harness
from harness import HubTestCase

WEB_DIR = os.path.join(harness.SOURCE_DIR, "client", "web")
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
            "require-trusted-types-for 'script'; trusted-types 'none'")
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


def assets():
    """{name: bytes} of every file the hub should serve from client/web."""
    out = {}
    for name in sorted(os.listdir(WEB_DIR)):
        if os.path.splitext(name)[1] in TYPES and not name.startswith("."):
            with open(os.path.join(WEB_DIR, name), "rb") as f:
                out[name] = f.read()
    return out


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def __repr__(self):
        return f"<{self.status} {self.headers.get('content-type')} {self.body[:60]!r}>"


class WebTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = cls.start_class_hub()
        cls.assets = assets()

    def request(self, path, method="GET", headers=None, body=None):
        """One request on a fresh connection, path sent exactly as given; a
        connection the hub drops without answering gives None."""
        conn = http.client.HTTPSConnection(harness.HOST, self.hub.port,
                                           timeout=harness.REPLY_TIMEOUT,
                                           context=self.hub.ssl_context())
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in (headers or {}).items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            try:
                resp = conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError):
                return None
            data = resp.read()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()

    def assert_page_headers(self, r, what):
        self.assertEqual(r.headers.get("content-security-policy"), PAGE_CSP, what)
        self.assertEqual(r.headers.get("x-content-type-options"), "nosniff", what)
        self.assertEqual(r.headers.get("referrer-policy"), "no-referrer", what)
        self.assertEqual(r.headers.get("x-frame-options"), "DENY", what)
        self.assertEqual(r.headers.get("cross-origin-opener-policy"), "same-origin", what)
        self.assertEqual(r.headers.get("cross-origin-resource-policy"), "same-origin", what)

    def assert_no_leak(self, r, what):
        if r is None:
            return
        for marker in (b"root:", b"cmake_minimum_required", b"#include", b"BEGIN PRIVATE KEY",
                       b"SQLite format"):
            self.assertNotIn(marker, r.body, what)

    # -- routes and content ----------------------------------------------------

    def test_index_and_every_asset(self):
        self.assertGreaterEqual(len(self.assets), 10)
        root = self.request("/")
        self.assertEqual(root.status, 200)
        self.assertEqual(root.headers["content-type"], TYPES[".html"])
        self.assertEqual(root.body, self.assets["index.html"])
        self.assert_page_headers(root, "/")
        for name, data in self.assets.items():
            with self.subTest(name=name):
                r = self.request(f"/app/{name}")
                self.assertEqual(r.status, 200)
                self.assertEqual(r.body, data)
                self.assertEqual(int(r.headers["content-length"]), len(data))
                self.assertEqual(r.headers["content-type"], TYPES[os.path.splitext(name)[1]])
                self.assert_page_headers(r, name)
                self.assertEqual(r.headers["cache-control"], "no-cache")
                self.assertEqual(r.headers["etag"], f'"{hashlib.sha256(data).hexdigest()[:32]}"')
        # index.html's module script and style sheet are the served names
        self.assertIn(b'<script type="module" src="/app/app.js"></script>', root.body)
        self.assertIn(b'<link rel="stylesheet" href="/app/app.css">', root.body)

    def test_query_is_ignored_and_unknown_names_are_404(self):
        r = self.request("/?token=abc")
        self.assertEqual((r.status, r.body), (200, self.assets["index.html"]))
        for path in ("/app/", "/app/README.md", "/app/nope.js", "/app/APP.JS", "/app/app.js/",
                     "/app/app.js/x", "/app/.hidden", "/app/app.js.map", "/app/index"):
            with self.subTest(path=path):
                r = self.request(path)
                self.assertEqual(r.status, 404)
                self.assertEqual(r.headers["content-type"], "text/plain; charset=utf-8")
                self.assertEqual(r.body, b"not found\n")
                self.assertEqual(r.headers["cache-control"], "no-store")
                self.assertNotIn("etag", r.headers)
                self.assert_page_headers(r, path)
        # outside the web routes: the router's own 404, with the default policy
        for path in ("/app", "/index.html", "/appx/app.js", "/favicon.ico", "/client/web/app.js"):
            with self.subTest(path=path):
                r = self.request(path)
                self.assertEqual(r.status, 404)
                self.assertEqual(r.body, b'{"error":"not_found"}')
                self.assertEqual(r.headers["content-security-policy"], DEFAULT_CSP)

    def test_traversal(self):
        # The path the hub routes is libwebsockets' decoded and normalised
        # one ("/app/x/../.." is "/"); whatever the spelling, only embedded
        # files come back, and nothing outside them.
        attempts = [
            "/app/../../etc/passwd", "/app/../../../../../../etc/passwd",
            "/app/%2e%2e/%2e%2e/etc/passwd", "/app/%2E%2E/%2E%2E/etc/passwd",
            "/app/..%2f..%2fetc%2fpasswd", "/app/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/app/%252e%252e/%252e%252e/etc/passwd", "/app/..%255c..%255cetc%255cpasswd",
            "/app/..\\..\\etc\\passwd", "/app/..%5c..%5cetc%5cpasswd",
            "/app/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/app/..;/..;/etc/passwd",
            "/app//etc/passwd", "/app/%2fetc%2fpasswd", "//etc/passwd", "/app/....//....//etc/passwd",
            "/app/../CMakeLists.txt", "/app/../../hub/web.c", "/app/%2e%2e/web.c",
            "/app/../../../tls/key.pem", "/app/../kairan.db", "/%2e%2e/%2e%2e/etc/passwd",
            "/app/app.js/../../../etc/passwd", "/app/%00", "/app/app.js%00.html",
        ]
        for path in attempts:
            with self.subTest(path=path):
                r = self.request(path)
                self.assert_no_leak(r, path)
                if r is None:  # libwebsockets drops a request whose path holds a NUL
                    self.assertIn("%00", path)
                    continue
                if r.status == 200:  # normalised onto the page itself
                    self.assertIn(r.body, self.assets.values(), path)
                else:
                    self.assertEqual(r.status, 404, path)
                self.assertEqual(r.headers.get("x-content-type-options"), "nosniff")
                self.assertIn("default-src 'none'", r.headers.get("content-security-policy", ""))
        self.hub.check_alive()

    def test_other_methods_refused(self):
        for method, path, body in (("HEAD", "/", None), ("HEAD", "/app/app.js", None),
                                   ("POST", "/", b"token=x"), ("POST", "/app/app.js", b"{}"),
                                   ("PUT", "/app/app.js", b"x"), ("DELETE", "/app/app.js", None),
                                   ("OPTIONS", "/", None)):
            with self.subTest(method=method, path=path):
                r = self.request(path, method=method, body=body)
                self.assertEqual(r.status, 405)
                self.assertEqual(r.headers["allow"], "GET")
                self.assertEqual(r.headers["content-security-policy"], DEFAULT_CSP)
                self.assertEqual(r.headers["referrer-policy"], "no-referrer")
                if method != "HEAD":
                    self.assertEqual(r.body, b'{"error":"method_not_allowed"}')
        self.hub.check_alive()

    def test_caching(self):
        first = self.request("/app/app.js")
        etag = first.headers["etag"]
        self.assertEqual(self.request("/app/app.js").headers["etag"], etag)  # stable
        self.assertNotEqual(self.request("/app/app.css").headers["etag"], etag)
        for inm in (etag, f"W/{etag}", f'"00000000000000000000000000000000", {etag}', "*"):
            with self.subTest(if_none_match=inm):
                r = self.request("/app/app.js", headers={"If-None-Match": inm})
                self.assertEqual(r.status, 304)
                self.assertEqual(r.body, b"")
                self.assertEqual(r.headers["etag"], etag)
                self.assertEqual(r.headers["cache-control"], "no-cache")
                self.assert_page_headers(r, "304")
        for inm in ('"00000000000000000000000000000000"', etag[1:-1], "garbage"):
            with self.subTest(if_none_match=inm):
                r = self.request("/app/app.js", headers={"If-None-Match": inm})
                self.assertEqual((r.status, r.body), (200, self.assets["app.js"]))
        r = self.request("/", headers={"If-None-Match": self.request("/").headers["etag"]})
        self.assertEqual(r.status, 304)
        # keep-alive survives a 304: two requests on one HTTP/1.1 connection
        conn = http.client.HTTPSConnection(harness.HOST, self.hub.port,
                                           timeout=harness.REPLY_TIMEOUT,
                                           context=self.hub.ssl_context())
        try:
            conn.request("GET", "/app/app.js", headers={"If-None-Match": etag})
            r1 = conn.getresponse()
            r1.read()
            conn.request("GET", "/app/dom.js")
            r2 = conn.getresponse()
            self.assertEqual((r1.status, r2.status, r2.read()), (304, 200, self.assets["dom.js"]))
        finally:
            conn.close()

    def test_every_reply_of_the_hub_has_the_headers(self):
        for path in ("/feed/nope.json", "/taxii2/", "/events.ics", "/metrics", "/nope", "/app/x"):
            with self.subTest(path=path):
                r = self.request(path)
                self.assertEqual(r.headers.get("x-content-type-options"), "nosniff")
                self.assertEqual(r.headers.get("referrer-policy"), "no-referrer")
                csp = r.headers.get("content-security-policy", "")
                self.assertTrue(csp.startswith("default-src 'none'"), csp)
                self.assertIn("frame-ancestors 'none'", csp)

    # -- HTTP/1.1 only ---------------------------------------------------------

    def test_no_http2(self):
        # Browsers would speak HTTP/2 and open their websocket over it (RFC
        # 8441), where libwebsockets 4.1 overflows the hub's frame headroom
        # on messages over 64 KiB (hub/server.c): the hub offers HTTP/1.1 only.
        ctx = self.hub.ssl_context()
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        with socket.create_connection((harness.HOST, self.hub.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                self.assertEqual(tls.selected_alpn_protocol(), "http/1.1")
                tls.sendall(b"GET /app/i18n.js HTTP/1.1\r\nHost: localhost\r\n"
                            b"Connection: close\r\n\r\n")
                data = b""
                while chunk := tls.recv(65536):
                    data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), head[:40])
        self.assertEqual(body, self.assets["i18n.js"])


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
