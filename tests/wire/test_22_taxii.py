#!/usr/bin/python3
"""22 TAXII 2.1: the read side, checked by a client written against the
OASIS specification with nothing but the standard library.

The client (TaxiiClient below) knows TAXII 2.1 and nothing of kairan: it
starts at the discovery URL /taxii2/, follows the API root it is given,
lists collections, pages through objects and manifests with `limit`,
`next` and `more`, and checks the media types and the X-TAXII-Date-Added
headers on every response. Around it the test posts items over the
websocket protocol and checks that each reader gets exactly the items the
TLP rules give a bulk feed (cross-checked with the websocket `export` of the
same user: one gate, two paths) and nothing else: RED never, not even to its
author or recipients, AMBER only to member organisations, another circle
never, practices never; plus match[type], added_after, the manifest, one object by id,
Bearer and Basic credentials (revoked token, wrong user), Accept (406),
the `next` token's binding to its request, and an item approved by a
moderator after a client polled, which the next poll must not miss.
"""
import base64
import http.client
import json
import ssl
import time
import unittest
import urllib.parse
import uuid

import harness
from harness import HubTestCase, add_circle, make_item, setup_two_circles

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"
COLLECTION_NS = uuid.UUID("ff964e3b-a393-494d-ab9d-e793d1a97dc1")  # schema/PROTOCOL.md


class TaxiiError(AssertionError):
    pass


class TaxiiClient:
    """A TAXII 2.1 client over http.client: one HTTPS connection per request."""

    def __init__(self, host, port, ssl_ctx, bearer=None, basic=None, accept=TAXII):
        self.host, self.port, self.ctx = host, port, ssl_ctx
        self.auth = None
        if bearer is not None:
            self.auth = f"Bearer {bearer}"
        elif basic is not None:
            raw = f"{basic[0]}:{basic[1]}".encode()
            self.auth = "Basic " + base64.b64encode(raw).decode()
        self.accept = accept

    def raw(self, path, params=None, accept=None, method="GET"):
        """(status, headers with lower-case names, body bytes)."""
        if params:
            path += "?" + urllib.parse.urlencode(params)
        headers = {}
        accept = self.accept if accept is None else accept
        if accept:
            headers["Accept"] = accept
        if self.auth:
            headers["Authorization"] = self.auth
        conn = http.client.HTTPSConnection(self.host, self.port, timeout=10, context=self.ctx)
        try:
            conn.request(method, path, headers=headers)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def get(self, path, params=None, accept=None):
        """A TAXII resource: (status, headers, JSON document). Every answer, error or not,
        is a TAXII document with the TAXII media type (section 1.6.8 and 3.6)."""
        status, headers, body = self.raw(path, params, accept)
        ctype = headers.get("content-type", "")
        if ctype.replace(" ", "") != TAXII:
            raise TaxiiError(f"GET {path} {params}: content-type {ctype!r}, want {TAXII}")
        if int(headers.get("content-length", "-1")) != len(body):
            raise TaxiiError(f"GET {path}: content-length does not match the body")
        doc = json.loads(body)
        if status >= 400:
            # The error message resource: title required, http_status a string.
            if not isinstance(doc.get("title"), str) or doc.get("http_status") != str(status):
                raise TaxiiError(f"GET {path}: {status} with a malformed error {doc}")
        return status, headers, doc

    def ok(self, path, params=None):
        status, headers, doc = self.get(path, params)
        if status != 200:
            raise TaxiiError(f"GET {path} {params}: {status} {doc}")
        return headers, doc

    def api_root(self):
        _, doc = self.ok("/taxii2/")
        root = doc["default"]
        if root not in doc["api_roots"]:
            raise TaxiiError("default API root not among api_roots")
        # API root URLs may be relative (they must then start with a single '/').
        return urllib.parse.urljoin("/taxii2/", root)

    def collections(self):
        _, doc = self.ok(self.api_root() + "collections/")
        return doc.get("collections", [])

    def pages(self, collection_id, what="objects", limit=None, **filters):
        """Follow `next` while `more`; yields (headers, envelope) per page."""
        params = dict(filters)
        if limit is not None:
            params["limit"] = str(limit)
        path = f"{self.api_root()}collections/{collection_id}/{what}/"
        seen_next = set()
        while True:
            headers, env = self.ok(path, params)
            if set(env) - {"more", "next", "objects"}:
                raise TaxiiError(f"unexpected envelope keys {sorted(env)}")
            objs = env.get("objects", [])
            if limit is not None and len(objs) > limit:
                raise TaxiiError(f"{len(objs)} objects in a page of limit {limit}")
            if objs:
                first = headers.get("x-taxii-date-added-first")
                last = headers.get("x-taxii-date-added-last")
                if not first or not last or first > last:
                    raise TaxiiError(f"bad X-TAXII-Date-Added headers {first!r} {last!r}")
            yield headers, env
            if not env.get("more"):
                if "next" in env:
                    raise TaxiiError("next without more")
                return
            nxt = env.get("next")
            if not nxt or nxt in seen_next:
                raise TaxiiError(f"more without a fresh next: {env}")
            seen_next.add(nxt)
            params = dict(filters, next=nxt)
            if limit is not None:
                params["limit"] = str(limit)

    def all_objects(self, collection_id, limit=None, what="objects", **filters):
        out, pages, prev_last = [], 0, ""
        for headers, env in self.pages(collection_id, what, limit, **filters):
            pages += 1
            objs = env.get("objects", [])
            if objs:
                # Pages come in date_added order.
                if headers["x-taxii-date-added-first"] < prev_last:
                    raise TaxiiError("pages out of date_added order")
                prev_last = headers["x-taxii-date-added-last"]
            out += objs
        return out, pages


def report_item(report):
    """The kairan item id of a report (its external reference)."""
    (ext,) = [x["external_id"] for x in report.get("external_references", [])
              if x.get("source_name") == "kairan"]
    return ext


def items_of(objects):
    """{kairan item id: [objects]} through each report's external reference and
    what it refers to; every object must belong to exactly one item, except
    marking definitions (one per item, repeated)."""
    by_id = {}
    reports = [o for o in objects if o["type"] == "report"]
    owner = {}
    for r in reports:
        item = report_item(r)
        by_id.setdefault(item, []).append(r)
        owner[r["id"]] = item
        owner[r["created_by_ref"]] = item
        for ref in r.get("object_refs", []):
            owner[ref] = item
    for o in objects:
        if o["type"] in ("report", "marking-definition"):
            continue
        assert o["id"] in owner, f"object {o['id']} belongs to no report"
        if o["type"] != "identity":
            assert o.get("created_by_ref") in owner, o
        by_id[owner[o["id"]]].append(o)
    return by_id


class TaxiiTest(HubTestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = hub = cls.start_class_hub()
        cls.fx = fx = setup_two_circles(hub)
        # A regional circle that publishes CLEAR, and one whose practices wait for a moderator.
        add_circle(hub, "tx-public", kind="regional", clear_public=True)
        add_circle(hub, "tx-mod", moderation=["threat"],
                   anonymisation={"level": "strict", "pseudonym": "per-item"})
        for c in ("tx-public", "tx-mod"):
            hub.admin("member", "add", c, fx.author_org)
            hub.admin("member", "add", c, fx.peer_org)
        hub.admin("role", "set", "tx-mod", fx.user["moderator"], "moderator")
        hub.wait_role(fx.token["moderator"], "tx-mod", "moderator")
        author, peer, mod = cls.ws("author"), cls.ws("peer"), cls.ws("moderator")
        cls.posted = {}   # label -> (item id, circle, tlp)

        cls.titles = {}

        def post(client, label, circle, tlp, **kw):
            item = make_item(circle, tlp=tlp, **kw)
            p = client.post(item)
            assert p["status"] == "published", p
            cls.posted[label] = (p["item_id"], circle, tlp)
            cls.titles[label] = item["title"]

        for tlp in harness.TLPS:
            kw = {"recipients": [fx.user["peer"]]} if tlp == "RED" else {}
            post(author, tlp, fx.circle, tlp, **kw)
        for i in range(6):   # enough objects for many small pages
            post(author, f"GREEN-{i}", fx.circle, "GREEN")
        post(mod, "alert", fx.circle, "AMBER", kind="alert")
        post(author, "practice", fx.circle, "GREEN", kind="practice")  # not threat intel
        post(peer, "other-GREEN", fx.other, "GREEN", title="他のサークルの報告 other-circle")
        post(author, "public-CLEAR", "tx-public", "CLEAR")
        post(author, "public-GREEN", "tx-public", "GREEN")
        for c in (author, peer, mod):
            c.close()

    @classmethod
    def ws(cls, role):
        return cls.hub.client(cls.fx.token[role], label=role)

    def taxii(self, role=None, **kw):
        if role is not None:
            kw.setdefault("bearer", self.fx.token[role])
        return TaxiiClient(harness.HOST, self.hub.port, self.hub.ssl_context(), **kw)

    def cid(self, circle):
        return str(uuid.uuid5(COLLECTION_NS, circle))

    def ids(self, *labels):
        return {self.posted[label][0] for label in labels}

    def in_circle(self, circle, exclude=()):
        return {i for label, (i, c, _) in self.posted.items()
                if c == circle and label not in exclude}

    # -- discovery, API root, collections ------------------------------------------

    def test_discovery_and_api_root(self):
        t = self.taxii("peer")
        _, disc = t.ok("/taxii2/")
        self.assertIsInstance(disc["title"], str)
        self.assertEqual(disc["api_roots"], ["/taxii2/kairan/"])
        root = t.api_root()
        _, info = t.ok(root)
        self.assertIn(TAXII, info["versions"])
        self.assertIsInstance(info["max_content_length"], int)
        self.assertIsInstance(info["title"], str)
        # Anonymous clients may discover too; unknown API roots are 404.
        self.assertEqual(self.taxii().get("/taxii2/")[0], 200)
        self.assertEqual(t.get("/taxii2/nosuchroot/")[0], 404)
        self.assertEqual(t.get(root + "nothing/")[0], 404)

    def test_collections_per_reader(self):
        fx = self.fx
        want = {
            "author": {fx.circle, "tx-public", "tx-mod"},
            "colleague": {fx.circle, "tx-public", "tx-mod"},
            "peer": {fx.circle, fx.other, "tx-public", "tx-mod"},
            "observer": {fx.circle, fx.other, "tx-public", "tx-mod"},
            "moderator": {fx.circle, fx.other, "tx-public", "tx-mod"},
            "outsider": {fx.other, "tx-public"},
            None: {"tx-public"},
        }
        for role, circles in want.items():
            with self.subTest(reader=role):
                t = self.taxii(role)
                cols = t.collections()
                self.assertEqual({c["alias"] for c in cols}, circles)
                for c in cols:
                    self.assertEqual(c["id"], self.cid(c["alias"]))
                    self.assertIs(c["can_read"], True)
                    self.assertIs(c["can_write"], False)   # the read side only
                    self.assertIn(STIX, c["media_types"])
                    _, one = t.ok(f"{t.api_root()}collections/{c['id']}/")
                    self.assertEqual(one, c)
        # The names the admin gave appear as titles.
        titles = {c["alias"]: c["title"] for c in self.taxii("author").collections()}
        self.assertEqual(titles[fx.circle], "Finance test circle")

    def test_unreadable_collection_is_not_found_like_a_missing_one(self):
        fx = self.fx
        out = self.taxii("outsider")
        root = out.api_root()
        missing = out.get(f"{root}collections/{uuid.uuid4()}/")
        for sub in ("", "objects/", "manifest/"):
            for ref in (self.cid(fx.circle), fx.circle):
                status, _, doc = out.get(f"{root}collections/{ref}/{sub}")
                self.assertEqual(status, 404, (sub, ref))
                self.assertEqual(doc, missing[2])
        status, _, doc = self.taxii().get(f"{root}collections/{self.cid(fx.circle)}/objects/")
        self.assertEqual((status, doc), (404, missing[2]))

    # -- objects: exactly what the reader may read ------------------------------------

    def export_ids(self, role, circle):
        """The items of the websocket `export` of role for circle (all pages)."""
        c = self.ws(role)
        ids, after = set(), 0
        try:
            while True:
                reply = c.ok({"type": "export", "circle": circle, "after": after,
                              "limit": 500}, "export")
                ids |= set(items_of(reply["bundle"].get("objects", [])))
                if not reply["more"]:
                    return ids
                after = reply["next"]
        finally:
            c.close()

    def test_objects_per_reader_exact_and_nothing_else(self):
        fx = self.fx
        listed = self.in_circle(fx.circle, exclude=("RED", "practice"))
        want = {role: listed for role in ("author", "peer", "colleague", "observer",
                                          "moderator")}
        red = self.posted["RED"][0]
        foreign = {self.posted["other-GREEN"][0], self.posted["public-CLEAR"][0],
                   self.posted["practice"][0], red}
        for role, ids in want.items():
            with self.subTest(reader=role):
                t = self.taxii(role)
                objs, pages = t.all_objects(self.cid(fx.circle), limit=3)
                self.assertGreater(pages, 5)
                by_item = items_of(objs)
                self.assertEqual(set(by_item), ids)
                # The same gate on another path: the websocket export of this user.
                self.assertEqual(set(by_item), self.export_ids(role, fx.circle))
                self.assertFalse(set(by_item) & foreign)
                # Each object carries its item's TLP marking, defined in the collection.
                tlp_of = {i: tlp for i, _, tlp in self.posted.values()}
                defs = {o["id"]: o for o in objs if o["type"] == "marking-definition"}
                for item, group in by_item.items():
                    for o in group:
                        (mark,) = o["object_marking_refs"]
                        self.assertEqual(defs[mark]["name"], f"TLP:{tlp_of[item]}")
                # No duplicates but the marking definitions (one per item).
                plain = [o["id"] for o in objs if o["type"] != "marking-definition"]
                self.assertEqual(len(plain), len(set(plain)))
                text = json.dumps(objs, ensure_ascii=False)
                harness.assert_anonymous(self, objs, fx)
                self.assertNotIn("other-circle", text)
                self.assertNotIn(self.titles["RED"], text)
                self.assertNotIn(red, text)
                self.assertNotIn("TLP:RED", text)
        # The RED item is there for its recipient on the websocket, only not in bulk.
        peer = self.ws("peer")
        self.assertEqual(peer.get(red)["tlp"], "RED")
        peer.close()

    def test_anonymous_reader_sees_public_clear_only(self):
        t = self.taxii()
        objs, _ = t.all_objects(self.cid("tx-public"), limit=2)
        self.assertEqual(set(items_of(objs)), self.ids("public-CLEAR"))
        # A member sees both.
        objs, _ = self.taxii("peer").all_objects("tx-public")
        self.assertEqual(set(items_of(objs)), self.ids("public-CLEAR", "public-GREEN"))

    # -- filters, manifest, single objects ---------------------------------------------

    def test_match_type(self):
        t = self.taxii("peer")
        col = self.cid(self.fx.circle)
        objs, _ = t.all_objects(col)
        for types in ("indicator", "report,identity", "marking-definition"):
            with self.subTest(types=types):
                got, _ = t.all_objects(col, limit=4, **{"match[type]": types})
                wanted = [o for o in objs if o["type"] in types.split(",")]
                self.assertTrue(wanted)
                self.assertEqual(got, wanted)
        got, _ = t.all_objects(col, **{"match[type]": "malware"})
        self.assertEqual(got, [])
        ids = [objs[3]["id"], objs[7]["id"]]
        got, _ = t.all_objects(col, **{"match[id]": ",".join(ids)})
        self.assertEqual([o["id"] for o in got], ids)

    def test_manifest_matches_objects_and_added_after(self):
        t = self.taxii("peer")
        col = self.cid(self.fx.circle)
        objs, _ = t.all_objects(col, limit=5)
        man, _ = t.all_objects(col, limit=4, what="manifest")
        self.assertEqual([m["id"] for m in man], [o["id"] for o in objs])
        for m, o in zip(man, objs):
            self.assertEqual(m["version"], o.get("modified", o["created"]))
            self.assertEqual(m["media_type"], STIX)
        dates = [m["date_added"] for m in man]
        self.assertEqual(dates, sorted(dates))
        for d in dates:
            self.assertRegex(d, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        # added_after: exactly the records added later, in both listings.
        cut = dates[len(dates) // 2]
        later = [m for m in man if m["date_added"] > cut]
        self.assertTrue(0 < len(later) < len(man))
        got, _ = t.all_objects(col, limit=3, what="manifest", added_after=cut)
        self.assertEqual(got, later)
        got, _ = t.all_objects(col, limit=3, added_after=cut)
        self.assertEqual([o["id"] for o in got], [m["id"] for m in later])
        # The last date_added of a full listing leaves nothing after it.
        headers, env = t.ok(f"{t.api_root()}collections/{col}/objects/",
                            {"added_after": dates[-1]})
        self.assertEqual(env, {"more": False})
        self.assertNotIn("x-taxii-date-added-first", headers)

    def test_one_object_by_id(self):
        fx = self.fx
        t = self.taxii("peer")
        col = self.cid(fx.circle)
        objs, _ = t.all_objects(col)
        ind = next(o for o in objs if o["type"] == "indicator")
        root = t.api_root()
        headers, env = t.ok(f"{root}collections/{col}/objects/{ind['id']}/")
        self.assertEqual(env, {"more": False, "objects": [ind]})
        self.assertIn("x-taxii-date-added-last", headers)
        # A reader without the collection gets 404 for the same object.
        status, _, _ = self.taxii("outsider").get(f"{root}collections/{col}/objects/"
                                                  f"{ind['id']}/")
        self.assertEqual(status, 404)
        # The public collection's CLEAR object, for the anonymous reader: there; the
        # GREEN one: not.
        pub, _ = t.all_objects(self.cid("tx-public"), **{"match[type]": "report"})
        anon = self.taxii()
        by_item = {report_item(o): o for o in pub}
        for label, want in (("public-CLEAR", 200), ("public-GREEN", 404)):
            rep = by_item[self.posted[label][0]]
            status, _, _ = anon.get(f"{root}collections/{self.cid('tx-public')}/objects/"
                                    f"{rep['id']}/")
            self.assertEqual(status, want, label)
        # An object of another circle is not in this collection.
        other, _ = t.all_objects(self.cid(fx.other), **{"match[type]": "report"})
        status, _, _ = t.get(f"{root}collections/{col}/objects/{other[0]['id']}/")
        self.assertEqual(status, 404)

    # -- paging tokens and bad parameters -----------------------------------------------

    def test_next_is_bound_to_its_request(self):
        t = self.taxii("peer")
        col = self.cid(self.fx.circle)
        path = f"{t.api_root()}collections/{col}/objects/"
        _, env = t.ok(path, {"limit": "2", "match[type]": "indicator"})
        self.assertTrue(env["more"])
        nxt = env["next"]
        # The same request continues; the limit may change between pages.
        self.assertEqual(t.get(path, {"next": nxt, "match[type]": "indicator",
                                      "limit": "5"})[0], 200)
        cases = {
            "other filters": (t, path, {"next": nxt, "match[type]": "report"}),
            "no filters": (t, path, {"next": nxt}),
            "another user": (self.taxii("author"), path, {"next": nxt,
                                                          "match[type]": "indicator"}),
            "the manifest": (t, path.replace("/objects/", "/manifest/"),
                             {"next": nxt, "match[type]": "indicator"}),
            "tampered": (t, path, {"next": nxt[:-3] + ("AAA" if nxt[-3:] != "AAA" else "BAA"),
                                   "match[type]": "indicator"}),
            "garbage": (t, path, {"next": "x" * 40}),
        }
        for name, (client, p, params) in cases.items():
            with self.subTest(case=name):
                status, _, doc = client.get(p, params)
                self.assertEqual(status, 400, doc)
        for params in ({"limit": "0"}, {"limit": "-1"}, {"limit": "ten"},
                       {"added_after": "yesterday"}, {"added_after": "2024-05-01T10:00:00+09:00"},
                       {"match[type]": "indicator,,report"}, {"match[version]": "newest"}):
            with self.subTest(params=params):
                self.assertEqual(t.get(path, params)[0], 400)
        # Versions: each object has one; first, last and all keep it.
        for v in ("first", "last", "all"):
            got, _ = t.all_objects(col, **{"match[version]": v, "match[type]": "report"})
            self.assertEqual(len(got),
                             len(self.in_circle(self.fx.circle, exclude=("RED", "practice"))))

    # -- credentials and negotiation ---------------------------------------------------

    def test_basic_and_bearer_credentials(self):
        fx = self.fx
        col = self.cid(fx.circle)
        bearer, _ = self.taxii("peer").all_objects(col)
        basic, _ = self.taxii(basic=(fx.user["peer"], fx.token["peer"])).all_objects(col)
        self.assertEqual(basic, bearer)
        for name, client in {
            "Basic with another user's name": self.taxii(basic=(fx.user["author"],
                                                                fx.token["peer"])),
            "Basic with an unknown user": self.taxii(basic=("nobody", fx.token["peer"])),
            "unknown token": self.taxii(bearer="kr_" + "A" * 43),
            "not a token": self.taxii(bearer="hello"),
        }.items():
            with self.subTest(case=name):
                status, headers, doc = client.get("/taxii2/")
                self.assertEqual(status, 401, doc)
                self.assertIn("Basic", headers.get("www-authenticate", ""))
                self.assertIn("Bearer", headers.get("www-authenticate", ""))
        t = self.taxii("peer")
        t.auth = "Digest username=peer"
        self.assertEqual(t.get("/taxii2/")[0], 401)

    def test_revoked_token_is_401_at_once(self):
        name, token = self.hub.new_user(self.fx.peer_org, prefix="tx-revoked")
        t = self.taxii(bearer=token)
        self.assertIn(self.fx.circle, {c["alias"] for c in t.collections()})
        self.hub.admin("user", "revoke", name)
        status, headers, _ = t.get("/taxii2/kairan/collections/")
        self.assertEqual(status, 401)
        self.assertIn("www-authenticate", headers)

    def test_accept_negotiation(self):
        t = self.taxii("peer")
        for accept in ("application/json", "application/taxii+json;version=2.0",
                       "application/stix+json;version=2.1", "text/html"):
            with self.subTest(accept=accept):
                status, _, doc = t.get("/taxii2/", accept=accept)
                self.assertEqual(status, 406, doc)
        for accept in (TAXII, "application/taxii+json", "application/taxii+json; version=2.1",
                       "*/*"):
            with self.subTest(accept=accept):
                self.assertEqual(t.get("/taxii2/", accept=accept)[0], 200)

    def test_http_routes(self):
        t = self.taxii("peer")
        status, headers, body = t.raw("/no-such-path")
        self.assertEqual((status, json.loads(body)), (404, {"error": "not_found"}))
        status, headers, _ = t.raw("/taxii2/kairan/collections/", method="POST")
        self.assertEqual((status, headers.get("allow")), (405, "GET"))
        # The public feed is still served (its own tests: 08, 10-12, 15).
        status, _, body = harness.http_get(self.hub, "/feed/tx-public.json")
        self.assertEqual(status, 200)
        self.assertEqual([i["id"] for i in json.loads(body)["items"]],
                         [self.posted["public-CLEAR"][0]])

    def test_sparse_collection_pages_past_what_the_reader_cannot_see(self):
        """A page examines at most 2000 items (the hub has one thread): a reader who may
        have one item among thousands gets pages with fewer objects, even none, and
        `more`, until it reaches it; with added_after the hub seeks there at once."""
        fx = self.fx
        add_circle(self.hub, "tx-big", clear_public=True)
        for org in (fx.author_org, fx.peer_org):
            self.hub.admin("member", "add", "tx-big", org)
        author = self.ws("author")
        for _ in range(2100):
            author.post(make_item("tx-big", tlp="GREEN"))
        seen = author.post(make_item("tx-big", tlp="CLEAR"))
        author.close()
        t = self.taxii()   # anonymous: the CLEAR item only
        col = self.cid("tx-big")
        _, env = t.ok(f"{t.api_root()}collections/{col}/objects/", {"limit": "10"})
        self.assertEqual((env["more"], env.get("objects", [])), (True, []))
        objs, pages = t.all_objects(col, limit=10)
        self.assertEqual(set(items_of(objs)), {seen["item_id"]})
        self.assertEqual(pages, 2)
        objs, pages = t.all_objects(col, limit=10, added_after="2000-01-01T00:00:00Z")
        self.assertEqual((set(items_of(objs)), pages), ({seen["item_id"]}, 1))
        # A member pages through all of them.
        objs, _ = self.taxii("peer").all_objects(col, limit=1000, **{"match[type]": "report"})
        self.assertEqual(len(objs), 2101)

    # -- a late approval is not missed by a polling client -----------------------------

    def test_item_approved_after_a_poll_is_not_missed(self):
        fx = self.fx
        author, mod = self.ws("author"), self.ws("moderator")
        # Posted under the strict level: `created` is that day's 00:00. Then the
        # circle goes to the standard level (the hour), and another item is published.
        pending = author.post(make_item("tx-mod", tlp="GREEN"))
        self.assertEqual(pending["status"], "pending")
        self.hub.admin("policy", "set", "tx-mod",
                       harness.write_policy(harness.hub_policy_dir(self.hub), "tx-mod",
                                            name="tx-mod-standard.json",
                                            moderation=["threat"]))
        first = mod.post(make_item("tx-mod", tlp="GREEN"))   # a moderator's: not held
        self.assertEqual(first["status"], "published")
        created = {p["item_id"]: author.get(p["item_id"])["created"] for p in (pending, first)}
        self.assertTrue(created[pending["item_id"]].endswith("T00:00:00Z"), created)
        self.assertLessEqual(created[pending["item_id"]], created[first["item_id"]])
        t = self.taxii("peer")
        col = self.cid("tx-mod")
        objs, _ = t.all_objects(col)
        self.assertEqual(set(items_of(objs)), {first["item_id"]})
        headers, _ = t.ok(f"{t.api_root()}collections/{col}/objects/")
        last = headers["x-taxii-date-added-last"]
        mod.ok({"type": "moderate", "item_id": pending["item_id"], "decision": "approve"},
               "moderated")
        # The approved report was created before the poll (at 00:00, earlier than the
        # published item unless this runs in the first hour of a UTC day), yet it is new
        # to the collection: its date_added is later than anything the client saw.
        objs, _ = t.all_objects(col, added_after=last)
        self.assertEqual(set(items_of(objs)), {pending["item_id"]})
        man, _ = t.all_objects(col, what="manifest", added_after=last)
        self.assertTrue(all(m["date_added"] > last for m in man))
        author.close()
        mod.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
