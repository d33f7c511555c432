#!/usr/bin/python3
"""make_seeds.py - write the seed corpora of the fuzz harnesses added for
the STIX import converter, STIX patterns, TAXII, search, self-assessments
and the configuration file (tests/fuzz/corpus/NAME/). Each seed is named
by the first 16 hex digits of its SHA-1, as libFuzzer names its finds.
Run from anywhere: python3 tests/fuzz/make_seeds.py (idempotent).
"""
import base64
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

TLP2 = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP1_WHITE = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
T = "2026-11-21T22:00:00.000Z"


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def js(obj):
    return json.dumps(obj, ensure_ascii=False, indent=None)


PATTERNS = [
    "[ipv4-addr:value = '198.51.100.7']",
    "[ipv6-addr:value = '2001:db8::7']",
    "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
    "[ipv6-addr:value = '2001:db8::/32']",
    "[domain-name:value = 'login-secure-bank.example'] OR [url:value = 'http://x.example/a?b=1']",
    "[email-addr:value = 'info@login.example' OR domain-name:value = 'a.example']",
    "[file:hashes.MD5 = '44d88612fea8a8f36de82e1278abb02f']",
    "[file:hashes.'SHA-1' = '3395856ce81f2b7382dee72602f798b642f14140']",
    "[file:hashes.'SHA-256' = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f']",
    "[file:hashes.SHA512 = '" + "ab" * 64 + "']",
    "[autonomous-system:number = 64496]",
    "[url:value = 'http://a.example/it\\'s\\\\here']",
    "[ipv4-addr:value = '198.51.100.7'] AND [domain-name:value = 'x.example']",
    "[ipv4-addr:value = '198.51.100.7'] WITHIN 10 SECONDS",
    "[network-traffic:dst_ref.value = '198.51.100.7']",
    "[file:hashes.'SHA-3' = 'aa']",
    "[autonomous-system:number = -1]",
]


def bundles():
    ind = []
    for i, p in enumerate(PATTERNS[:12]):
        ind.append({"type": "indicator", "spec_version": "2.1",
                    "id": f"indicator--00000000-0000-4000-8000-{i:012d}", "created": T,
                    "modified": T, "pattern": p, "pattern_type": "stix", "valid_from": T,
                    "indicator_types": ["malicious-activity" if i % 3 else "compromised"],
                    "object_marking_refs": [TLP2["GREEN"]]})
    vuln = {"type": "vulnerability", "spec_version": "2.1",
            "id": "vulnerability--00000000-0000-4000-8000-000000000100", "created": T,
            "modified": T, "name": "CVE-2026-12345",
            "external_references": [{"source_name": "cve", "external_id": "CVE-2026-12345"}],
            "object_marking_refs": [TLP2["AMBER"]]}
    mal = {"type": "malware", "spec_version": "2.1",
           "id": "malware--00000000-0000-4000-8000-000000000200", "created": T, "modified": T,
           "name": "loader", "is_family": False}
    rep = {"type": "report", "spec_version": "2.1",
           "id": "report--00000000-0000-4000-8000-000000000300", "created": T, "modified": T,
           "name": "偽ログインページへ誘導するSMS", "description": "認証情報は数分で悪用された。",
           "published": T, "labels": ["phishing", "smishing"],
           "object_refs": [o["id"] for o in ind[:6]] + [vuln["id"], mal["id"]],
           "object_marking_refs": [TLP2["GREEN"]]}
    yield {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001",
           "objects": [rep, vuln, mal] + ind}
    long = dict(rep, id="report--00000000-0000-4000-8000-000000000301", name="長" * 230,
                object_marking_refs=[TLP1_WHITE], object_refs=[ind[0]["id"]])
    yield {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000002",
           "objects": [long, ind[0]]}
    red = dict(rep, id="report--00000000-0000-4000-8000-000000000302",
               object_marking_refs=[TLP2["RED"]], object_refs=[])
    yield {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000003",
           "objects": [red]}
    revoked = dict(ind[1], revoked=True)
    strict = dict(rep, id="report--00000000-0000-4000-8000-000000000303",
                  object_marking_refs=[TLP2["AMBER+STRICT"]],
                  object_refs=[revoked["id"], "indicator--ffffffff-0000-4000-8000-000000000000"])
    yield {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000004",
           "objects": [strict, revoked, ind[2], ind[3]]}
    yield {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000005",
           "objects": [dict(rep, labels=["x" * 65])]}
    yield {"type": "bundle", "id": "bundle--x", "objects": []}


def main():
    for b in bundles():
        write("stix_import", js(b))
    for p in PATTERNS:
        write("stix_pattern", b"\x00" + p.encode())
    for t, v in ((1, "198.51.100.7"), (2, "2001:db8::7"), (3, "198.51.100.0/24"),
                 (4, "login.example"), (5, "https://a.example/x?y='z'"), (6, "a@b.example"),
                 (7, "44d88612fea8a8f36de82e1278abb02f"), (10, "CVE-2026-1234"),
                 (11, "AS64496"), (5, "http://a.example/\\'")):
        write("stix_pattern", bytes([1, t - 1]) + v.encode())
    taxii = [
        (0, "application/taxii+json;version=2.1"), (0, "application/json, */*;q=0"),
        (0, "application/taxii+json; q=0.5, application/stix+json"), (0, ""),
        (0, 'application/taxii+json;version="2.0"'),
        (1, "Bearer krt_9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
        (1, "Basic " + base64.b64encode(b"soc-feed:krt_abc").decode()),
        (1, "basic  " + base64.b64encode(b"user:pa:ss").decode() + " "),
        (1, "Basic dXNlcg=="), (1, "Digest x"),
        (2, "indicator,report , vulnerability"), (2, "first,last,all,2026-11-21T22:00:00Z"),
        (2, ",,"), (3, "2026-11-21T22:00:00.123456789Z"), (3, "2024-02-29T23:59:60Z"),
        (3, "1969-12-31T23:59:59Z"), (4, "A" * 94), (4, "01234567"),
    ]
    for sel, text in taxii:
        write("taxii", bytes([sel]) + text.encode())
    for q in ("委託 監査", '"委託先 管理" supplier', "SMS 偽ログイン", 'a "b" "c', "AND OR NOT",
              'x* ^y NEAR(a b) title:z', "監査", "１２３　全角"):
        write("search", q.encode())
    write("search", "委託\x00委託先管理の事例\n委託先の監査と契約条項、委託の見直し".encode())
    write("search", 'clause "audit clause"\x00Supplier\nsupplier audit clause, audit CLAUSE'.encode())
    for name in ("assessment-a.json", "assessment-b.json"):
        with open(os.path.join(ROOT, "client", "examples", name), "rb") as f:
            write("assess", f.read())
    write("assess", js({"scores": {str(d): 3 for d in range(1, 11)}, "maturity": "C",
                        "sector": "finance"}))
    write("assess", js({"scores": {"1": 3.25}, "maturity": "D"}))
    with open(os.path.join(ROOT, "hub", "kairan-hub.conf.example"), "rb") as f:
        write("config", f.read())
    write("config", "bind = 0.0.0.0\nport = 443\ntls = off\nlog_level = debug\n"
                    "trusted_proxies = 127.0.0.1, ::1\n# comment\n\nrate_ip_per_s = 0\n")
    write("config", "metrics_token = " + "a" * 40 + "\nmetrics_local = no\n")
    write("config", "port = 70000\n")
    write("config", "no equals sign\n")
    regressions()


def regressions():
    """The inputs of the bugs these harnesses found, kept as seeds."""
    write("taxii", b"\x01Basic LGzlZWQ6a3J0X2Fi/0=V")     # '=' inside base64 accepted
    write("taxii", b"\x01Bearer \xfa\x09'\x09\x08\x09")  # blanks inside a Bearer token
    write("config", b"port = 9443\nbind = 127\x000.0.1\n")   # a NUL byte: "line too long"
    write("stix_pattern", "\x00[file:hashes.'ハッシュハッシュハッシュ' = 'dd']".encode())
    write("stix_pattern", b"\x01\x0a4946")               # asn, normalised to AS4946
    long_id = "あ" * 40
    write("stix_import", js({
        "type": "bundle", "id": "bundle--xy" + long_id,
        "objects": [
            {"type": "report", "id": "report--" + long_id, "name": "x",
             "object_marking_refs": [TLP2["GREEN"]],
             "object_refs": ["malware--1", "indicator--out of memory"]},
            {"type": "malware", "id": "malware--1", "name": "m"},
            {"type": "indicator", "id": "indicator--out of memory", "pattern_type": "stix",
             "pattern": "[x:y = 'z']", "object_marking_refs": [TLP2["GREEN"]]},
            {"type": "indicator", "id": "indicator--2", "pattern_type": "stix",
             "pattern": "[ipv4-addr:value = '198.51.100.7']",
             "object_marking_refs": [TLP2["GREEN"]]}]}))


if __name__ == "__main__":
    main()
