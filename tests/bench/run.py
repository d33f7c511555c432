#!/usr/bin/python3
"""run.py - the benchmark driver (BENCHMARKS.md): kairan-hub, mosquitto and
nats-server side by side, on loopback, in one run.

For each server it starts a fresh process (its config generated into a
temporary directory, listening on 127.0.0.1 only, with the file descriptor
limit raised for 10,000 connections), runs every scenario against it with
tests/bench/kairan-load (one process per scenario), stops it, and finally
prints one table with the ratios kairan / mosquitto and kairan / nats.

    kairan      kairan-hub as shipped: TLS (wss://), full policy checks, the
                circle policy tests/bench/bench-policy.json, SQLite WAL with
                synchronous=FULL; only the connection and message limits are
                raised for the one loopback address the load comes from
    kairan-ws   the same hub with `tls = off` (plain ws://), to compare like
                with like: mosquitto and nats-server are measured over plain
                ws:// on loopback
    mosquitto   Debian's mosquitto, a websockets listener (MQTT 3.1.1)
    nats        Debian's nats-server, websocket enabled (no_tls)

Scenarios: idle (10,000 authenticated idle connections: memory), steady
(1,000 subscribers, 100 posts/s for 10 s), burst (1,000 subscribers, 1,000
posts at once), wide (10,000 subscribers, 10 posts at once), ingest (1 KiB
reports from 4 publishers, 16 unacknowledged each, as fast as
acknowledgements come, for 20 s or 200,000 posts), redact (kairan only: the redaction engine on a
10 KB report).

    run.py [--build DIR] [--servers kairan,kairan-ws,mosquitto,nats]
           [--only idle,steady,...] [--smoke] [--json FILE] [--markdown FILE]

--smoke: a few seconds against kairan only (CTest's bench.smoke): tiny
sizes, every deliver frame parsed in full too, and every result asserted
(delivered == expected, every metric present); exits non-zero on failure.
Binaries come from --build DIR or $KAIRAN_HUB, $KAIRAN_LOAD,
$KAIRAN_REDACT_BENCH. Every wait has a deadline; every load is bounded.
"""

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
HOST = "127.0.0.1"
NOFILE = 65536
READY_TIMEOUT = 60.0
SANITIZER_MARKERS = ("AddressSanitizer", "runtime error:", "LeakSanitizer")

FULL = {
    "idle": dict(subscribers=10000),
    "steady": dict(subscribers=1000, posts=1000, rate=100),
    "burst": dict(subscribers=1000, posts=1000, rate=0),
    "wide": dict(subscribers=10000, posts=10, rate=0),
    "ingest": dict(publishers=4, window=16, posts=200000, body=1024, duration=20),
    "redact": dict(seconds=3),
}
SMOKE = {
    "idle": dict(subscribers=20),
    "steady": dict(subscribers=20, posts=20, rate=50),
    "burst": dict(subscribers=20, posts=20, rate=0),
    "wide": dict(subscribers=40, posts=5, rate=0),
    "ingest": dict(publishers=2, window=4, posts=60, body=1024),
    "redact": dict(seconds=0.3),
}
SCENARIOS = ["idle", "steady", "burst", "wide", "ingest", "redact"]
SERVERS = ["kairan", "kairan-ws", "mosquitto", "nats"]

# kairan-hub's limits, raised for the one loopback address all the load
# comes from (BENCHMARKS.md says so): 10,000+ connections from 127.0.0.1,
# and message rates far above what one person or script sends.
KAIRAN_LIMITS = {
    "max_connections_per_ip": 30000,
    "rate_user_per_s": 1000000,
    "rate_user_burst": 1000000,
    "rate_ip_per_s": 1000000,
    "rate_ip_burst": 1000000,
}
MEMBER_ORGS = 10
USERS_PER_ORG = 10


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def raise_nofile():
    """preexec_fn: the file descriptor limit for 10,000 connections (ulimit -n)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(NOFILE, soft), max(NOFILE, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def wait_port(port, proc, what, timeout=READY_TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before it was ready")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} is not accepting on {HOST}:{port} after {timeout} s")
        time.sleep(0.05)


class Server:
    """One server process on loopback with its own temporary directory."""

    kind = None  # kairan-load --server

    def __init__(self, name, tmp):
        self.name = name
        self.tmp = tmp
        self.proc = None
        self.port = free_port()
        self.log_path = os.path.join(tmp, f"{name}.log")

    def spawn(self, cmd, env=None):
        with open(self.log_path, "ab") as log_file:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log_file,
                                         stderr=subprocess.STDOUT, preexec_fn=raise_nofile,
                                         env=env, start_new_session=True)
        wait_port(self.port, self.proc, self.name)

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            return -9

    def log_text(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def load_args(self):
        return []


class Kairan(Server):
    kind = "kairan"

    def __init__(self, name, tmp, hub, tls=True, orgs=MEMBER_ORGS, users=USERS_PER_ORG):
        super().__init__(name, tmp)
        self.orgs, self.users = orgs, users
        self.wrapper = []  # --hub-wrapper: e.g. valgrind --tool=callgrind
        self.hub = hub
        self.tls = tls
        self.data = os.path.join(tmp, "data")
        os.mkdir(self.data, 0o700)
        self.conf = os.path.join(tmp, "hub.conf")
        settings = {"bind": HOST, "port": self.port, "tls": "on" if tls else "off",
                    "log_level": "warn"}
        settings.update(KAIRAN_LIMITS)
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write("# kairan-hub for the benchmark (tests/bench/run.py)\n")
            for k, v in settings.items():
                f.write(f"{k} = {v}\n")
        self.tokens = os.path.join(tmp, "tokens")
        self.pub_tokens = os.path.join(tmp, "pub-tokens")

    def admin(self, *args):
        p = subprocess.run([self.hub, "admin", "--data", self.data] + [str(a) for a in args],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"kairan-hub admin {' '.join(map(str, args))}: "
                               f"{p.stderr.decode(errors='replace')}")
        return p.stdout.decode().strip()

    def setup(self):
        """The circle, its member organisations and users, before the hub starts."""
        self.admin("org", "add", "bench-poster", "--name", "さくら銀行", "--name", "Sakura Bank",
                   "--domain", "sakura-bank.example.jp", "--person", "佐藤 花子",
                   "--industry", "finance", "--employees", "900")
        self.admin("circle", "add", "bench", "--kind", "sector", "--name", "ベンチマーク",
                   "--policy", os.path.join(HERE, "bench-policy.json"))
        self.admin("member", "add", "bench", "bench-poster")
        subs = []
        for o in range(self.orgs):
            org = f"member-{o:02d}"
            self.admin("org", "add", org, "--industry", "finance")
            self.admin("member", "add", "bench", org)
            for u in range(self.users):
                subs.append(self.admin("user", "add", org, f"reader-{o:02d}-{u:02d}"))
        pubs = [self.admin("user", "add", "bench-poster", f"poster-{i}")
                for i in range(8 if self.orgs == MEMBER_ORGS else 2)]
        with open(self.tokens, "w") as f:
            f.write("\n".join(subs) + "\n")
        with open(self.pub_tokens, "w") as f:
            f.write("\n".join(pubs) + "\n")

    def start(self):
        self.setup()
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
        self.spawn(self.wrapper + [self.hub, "--data", self.data, "--config", self.conf], env=env)

    def url(self):
        return f"{'wss' if self.tls else 'ws'}://{HOST}:{self.port}"

    def metrics(self):
        """The hub's deliver counters from GET /metrics (loopback needs no token)."""
        import ssl
        import urllib.request
        ctx = None
        if self.tls:
            ctx = ssl.create_default_context(cafile=os.path.join(self.data, "tls", "cert.pem"))
            ctx.check_hostname = False
        url = f"{'https' if self.tls else 'http'}://{HOST}:{self.port}/metrics"
        try:
            with urllib.request.urlopen(url, context=ctx, timeout=10) as r:
                text = r.read().decode()
        except OSError:
            return {}
        out = {}
        for key in ("kairan_deliver_frames_total", "kairan_items_delivered_total"):
            m = re.search(rf"^{key} (\d+)", text, re.M)
            if m:
                out[key] = int(m.group(1))
        return out

    def load_args(self):
        args = ["--tokens", self.tokens, "--pub-tokens", self.pub_tokens, "--circle", "bench"]
        if self.tls:
            args += ["--ca", os.path.join(self.data, "tls", "cert.pem")]
        return args


class Mosquitto(Server):
    kind = "mqtt"

    def start(self):
        conf = os.path.join(self.tmp, "mosquitto.conf")
        # mosquitto 2.0.11 will not start with a websockets listener alone
        # (eclipse-mosquitto/mosquitto#2284), so a plain MQTT listener on
        # loopback comes first, unused; `socket_domain ipv4` makes
        # libwebsockets bind 127.0.0.1 rather than every IPv6 address
        # (eclipse-mosquitto/mosquitto#3045).
        with open(conf, "w") as f:
            f.write("# mosquitto for the benchmark (tests/bench/run.py): loopback, websockets\n"
                    f"listener {free_port()} {HOST}\n"
                    "protocol mqtt\n"
                    f"listener {self.port} {HOST}\n"
                    "protocol websockets\n"
                    "socket_domain ipv4\n"
                    "allow_anonymous true\n"
                    "persistence false\n"
                    "max_connections -1\n"
                    "log_dest stderr\n"
                    "log_type error\nlog_type warning\n")
        self.spawn(["mosquitto", "-c", conf])

    def url(self):
        return f"ws://{HOST}:{self.port}/"


class Nats(Server):
    kind = "nats"

    def start(self):
        conf = os.path.join(self.tmp, "nats.conf")
        client_port = free_port()
        with open(conf, "w") as f:
            f.write("# nats-server for the benchmark (tests/bench/run.py): loopback, websocket\n"
                    f"listen: \"{HOST}:{client_port}\"\n"
                    "max_connections: 100000\n"
                    f"websocket {{\n  listen: \"{HOST}:{self.port}\"\n  no_tls: true\n}}\n")
        self.spawn(["nats-server", "-c", conf])

    def url(self):
        return f"ws://{HOST}:{self.port}/"


def run_load(binary, server, scenario, params, smoke, timeout):
    """One kairan-load run; returns its JSON result (with the command)."""
    cmd = [binary, "--server", server.kind, "--url", server.url(), "--pid",
           str(server.proc.pid), "--timeout", str(timeout)]
    if scenario == "idle":
        cmd += ["--scenario", "idle", "--subscribers", params["subscribers"]]
    elif scenario == "ingest":
        cmd += ["--scenario", "ingest", "--publishers", params["publishers"], "--window",
                params["window"], "--posts", params["posts"], "--body", params["body"]]
        if params.get("duration"):
            cmd += ["--duration", params["duration"]]
    else:
        cmd += ["--scenario", "fanout", "--subscribers", params["subscribers"], "--posts",
                params["posts"], "--rate", params["rate"]]
    if smoke and server.kind == "kairan":
        cmd += ["--verify"]
    cmd += server.load_args()
    cmd = [str(c) for c in cmd]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=4 * timeout + 60, preexec_fn=raise_nofile)
    err = p.stderr.decode(errors="replace")
    try:
        result = json.loads(p.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RuntimeError(f"kairan-load printed no result (exit {p.returncode}):\n{err}")
    result["name"] = scenario
    result["exit"] = p.returncode
    result["loadavg_after"] = loadavg()
    result["stderr"] = err.strip()[-2000:]
    return result


def start_perf(directory, server, scenario):
    """--profile: sample the server's CPU (perf record, cpu-clock, call graphs)
    while one scenario runs; the data goes to DIR/SERVER-SCENARIO.data."""
    if not directory:
        return None
    os.makedirs(directory, exist_ok=True)
    out = os.path.join(directory, f"{server.name}-{scenario}.data")
    cmd = ["perf", "record", "-q", "-e", "cpu-clock", "-F", "2000", "--call-graph",
           os.environ.get("KAIRAN_BENCH_CALLGRAPH", "fp"), "-p", str(server.proc.pid), "-o", out]
    if os.environ.get("KAIRAN_BENCH_STRACE"):  # count system calls instead
        cmd = ["strace", "-f", "-p", str(server.proc.pid), "-o", out + ".strace"]
        if os.environ["KAIRAN_BENCH_STRACE"] == "count":
            cmd[1:1] = ["-c", "-w"]
    p = subprocess.Popen(cmd,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return p


def stop_perf(p):
    if p is None:
        return
    p.send_signal(signal.SIGINT)
    try:
        p.wait(60)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(10)


def loadavg():
    """The machine's 1-minute load average: other work on the same 2 cores."""
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def run_redact(binary, params):
    p = subprocess.run([binary, str(params["seconds"])], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"kairan-redact-bench failed: {p.stderr.decode(errors='replace')}")
    result = json.loads(p.stdout.decode().strip().splitlines()[-1])
    result["name"] = "redact"
    result["ok"] = True
    return result


def machine():
    info = {"kernel": platform.release(), "cores": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            info["cpu"] = m.group(1).strip() if m else "?"
        with open("/proc/meminfo") as f:
            kb = int(re.search(r"^MemTotal:\s*(\d+)", f.read(), re.M).group(1))
            info["ram_gib"] = round(kb / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass

    def version(cmd):
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=10)
            return (p.stdout or p.stderr).decode(errors="replace").strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return None

    for pkg in ("libwebsockets17", "mosquitto", "nats-server", "libsqlite3-0", "libssl3",
                "libjansson4"):
        info[pkg] = version(["dpkg-query", "-W", "-f=${Version}", pkg])
    return info


def fmt(v, digits=3):
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


# (row label, scenario, key)
ROWS = [
    ("idle: resident memory per connection (KiB)", "idle", "rss_per_conn_kib"),
    ("idle: connections ready", "idle", "ready"),
    ("steady 1,000 subs × 100 posts/s: delivered / expected", "steady", "delivery"),
    ("steady: latency p50 (ms)", "steady", "latency_p50_ms"),
    ("steady: latency p99 (ms)", "steady", "latency_p99_ms"),
    ("steady: latency max (ms)", "steady", "latency_max_ms"),
    ("steady: server CPU per delivery (µs)", "steady", "cpu_us_per_delivery"),
    ("steady: items per deliver frame (kairan)", "steady", "items_per_frame"),
    ("steady: load tool CPU (s, same 2 cores)", "steady", "load_cpu_s"),
    ("burst 1,000 subs × 1,000 posts: delivered / expected", "burst", "delivery"),
    ("burst: deliveries per second", "burst", "deliveries_per_s"),
    ("burst: server CPU per delivery (µs)", "burst", "cpu_us_per_delivery"),
    ("burst: latency p50 (ms)", "burst", "latency_p50_ms"),
    ("burst: latency p99 (ms)", "burst", "latency_p99_ms"),
    ("burst: items per deliver frame (kairan)", "burst", "items_per_frame"),
    ("burst: seconds from first post to last delivery", "burst", "seconds"),
    ("burst: load tool CPU (s, same 2 cores)", "burst", "load_cpu_s"),
    ("wide 10,000 subs × 10 posts: delivered / expected", "wide", "delivery"),
    ("wide: deliveries per second", "wide", "deliveries_per_s"),
    ("wide: server CPU per delivery (µs)", "wide", "cpu_us_per_delivery"),
    ("wide: latency p99 (ms)", "wide", "latency_p99_ms"),
    ("ingest 1 KiB: acknowledged posts per second", "ingest", "acks_per_s"),
    ("ingest: ack latency p50 (ms)", "ingest", "ack_p50_ms"),
    ("ingest: ack latency p99 (ms)", "ingest", "ack_p99_ms"),
    ("ingest: server CPU per post (µs)", "ingest", "cpu_us_per_post"),
    ("redact 10 KB report: µs per report (kairan only)", "redact", "redact_us"),
    ("redact: compile a redactor (µs, once per post)", "redact", "compile_us"),
]


def value(results, server, scenario, key):
    r = results.get(server, {}).get(scenario)
    if not r:
        return None
    if key == "delivery":
        return f"{r.get('delivered', 0):,} / {r.get('expected', 0):,}"
    return r.get(key)


def table(results, servers):
    head = ["metric"] + servers
    ratio_base = "kairan-ws" if "kairan-ws" in servers else "kairan"
    others = [s for s in ("mosquitto", "nats") if s in servers]
    if ratio_base in servers:
        head += [f"{ratio_base} / {o}" for o in others]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, scen, key in ROWS:
        cells = [label]
        vals = {s: value(results, s, scen, key) for s in servers}
        if all(v is None for v in vals.values()):
            continue
        cells += [v if isinstance(v, str) else fmt(v) for v in vals.values()]
        if ratio_base in servers:
            for o in others:
                a, b = vals.get(ratio_base), vals.get(o)
                ok = isinstance(a, (int, float)) and isinstance(b, (int, float)) and b
                q = a / b if ok and key != "ready" else None
                cells.append("–" if q is None else f"{q:,.0f}" if q >= 1000 else f"{q:.3g}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


TARGETS = [
    ("idle memory per authenticated connection ≤ 6 KiB", "idle", "rss_per_conn_kib",
     lambda v: v <= 6),
    ("≥ 500,000 deliveries/s in the 1,000 × 1,000 burst", "burst", "deliveries_per_s",
     lambda v: v >= 500000),
    ("≤ 2 µs hub CPU per delivery in the burst", "burst", "cpu_us_per_delivery",
     lambda v: v <= 2),
    ("p99 ≤ 15 ms at 1,000 subscribers and 100 posts/s", "steady", "latency_p99_ms",
     lambda v: v <= 15),
    ("≥ 20,000 acknowledged posts/s on ingest", "ingest", "acks_per_s", lambda v: v >= 20000),
]


def targets(results, server):
    r = results.get(server, {})
    out = []
    for label, scen, key, ok in TARGETS:
        v = r.get(scen, {}).get(key)
        out.append(f"- {label}: {fmt(v)} — {'met' if v is not None and ok(v) else 'NOT met'}")
    wide = r.get("wide", {}).get("cpu_us_per_delivery")
    burst = r.get("burst", {}).get("cpu_us_per_delivery")
    if wide and burst:
        ratio = wide / burst
        out.append(f"- CPU per delivery at 10,000 subscribers ≤ 1.5 × at 1,000: "
                   f"{ratio:.2f} × — {'met' if ratio <= 1.5 else 'NOT met'}")
    return "\n".join(out)


REQUIRED = {
    "idle": ["rss_before_kib", "rss_after_kib", "rss_per_conn_kib"],
    "fanout": ["delivered", "expected", "deliveries_per_s", "latency_p50_ms", "latency_p99_ms",
               "latency_max_ms", "cpu_s", "cpu_us_per_delivery", "ack_p50_ms"],
    "ingest": ["acked", "acks_per_s", "ack_p50_ms", "ack_p99_ms", "ack_max_ms",
               "cpu_us_per_post"],
    "redact": ["redact_us", "compile_us", "mb_per_s", "removed"],
}


def check_smoke(name, r):
    """The assertions of bench.smoke."""
    problems = []
    if r.get("exit") not in (None, 0):
        problems.append(f"kairan-load exited with {r.get('exit')}: {r.get('stderr')}")
    bad = [l for l in (r.get("stderr") or "").splitlines()
           if any(m in l for m in SANITIZER_MARKERS)]
    if bad:
        problems.append(f"sanitizer report from kairan-load: {bad[0]}")
    if not r.get("ok"):
        problems.append(f"not ok: {r.get('first_error')}")
    kind = r.get("scenario")
    for key in REQUIRED.get(kind, []):
        if r.get(key) is None:
            problems.append(f"metric {key} missing")
    if kind == "fanout":
        if r.get("delivered") != r.get("expected") or not r.get("expected"):
            problems.append(f"delivered {r.get('delivered')} != expected {r.get('expected')}")
        if r.get("duplicates") or r.get("unexpected"):
            problems.append("duplicate or unexpected deliveries")
        if r.get("verify_errors") or r.get("verified_items") != r.get("expected"):
            problems.append(f"full parse disagrees: {r.get('verified_items')} items, "
                            f"{r.get('verify_errors')} frames differ")
        if not r.get("cpu_s", 0) >= 0 or r.get("acked") != r.get("posts"):
            problems.append("posts not all acknowledged")
    if kind == "idle" and r.get("ready") != r.get("connections"):
        problems.append("not every idle connection authenticated")
    if kind == "ingest" and r.get("acked") != r.get("sent"):
        problems.append(f"acked {r.get('acked')} of {r.get('sent')}")
    if kind == "redact" and not r.get("iterations"):
        problems.append("no iteration")
    return [f"{name}: {p}" for p in problems]


def binaries(args):
    def pick(env, rel):
        path = os.environ.get(env) or (os.path.join(args.build, rel) if args.build else None)
        if not path or not os.access(path, os.X_OK):
            raise SystemExit(f"bench: {env} not found (give --build DIR or set {env})")
        return path

    return (pick("KAIRAN_HUB", "hub/kairan-hub"), pick("KAIRAN_LOAD", "tests/bench/kairan-load"),
            pick("KAIRAN_REDACT_BENCH", "tests/bench/kairan-redact-bench"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", help="CMake build directory with the three programs")
    ap.add_argument("--servers", default=",".join(SERVERS))
    ap.add_argument("--only", default=",".join(SCENARIOS))
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--json", help="write every result here")
    ap.add_argument("--markdown", help="write the table here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directories")
    ap.add_argument("--profile", metavar="DIR",
                    help="record a perf profile of the server during each scenario into DIR")
    ap.add_argument("--hub-wrapper", default="",
                    help="run kairan-hub under this command, e.g. "
                         "'valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out'")
    ap.add_argument("--subscribers-scale", type=float, default=1.0,
                    help="multiply subscriber counts by this")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply post counts by this (e.g. 0.1 for a quick look)")
    args = ap.parse_args()
    hub, load, redact = binaries(args)
    sizes = {k: dict(v) for k, v in (SMOKE if args.smoke else FULL).items()}
    for v in sizes.values():
        if "posts" in v:
            v["posts"] = max(1, int(v["posts"] * args.scale))
        if "subscribers" in v:
            v["subscribers"] = max(1, int(v["subscribers"] * args.subscribers_scale))
    servers = [s for s in args.servers.split(",") if s]
    scenarios = [s for s in args.only.split(",") if s]
    for s in servers:
        if s not in SERVERS:
            raise SystemExit(f"bench: unknown server {s}")
    timeout = 60 if args.smoke else 180
    results, problems = {}, []
    info = machine()
    log(f"machine: {info}")
    for name in servers:
        tmp = tempfile.mkdtemp(prefix=f"kairan-bench-{name}-")
        if name.startswith("kairan"):
            # the smoke run: fewer users, so setting up takes a moment
            server = Kairan(name, tmp, hub, tls=(name == "kairan"),
                            **(dict(orgs=2, users=3) if args.smoke else {}))
            server.wrapper = args.hub_wrapper.split()
        elif name == "mosquitto":
            server = Mosquitto(name, tmp) if shutil.which("mosquitto") else None
        else:
            server = Nats(name, tmp) if shutil.which("nats-server") else None
        if server is None:
            log(f"{name}: not installed; skipped (scripts/bench.sh installs it)")
            continue
        results[name] = {}
        try:
            server.start()
            log(f"{name}: pid {server.proc.pid} on {server.url()}")
            for scen in scenarios:
                if scen == "redact":
                    if name == "kairan":
                        results[name]["redact"] = run_redact(redact, sizes["redact"])
                    continue
                t = time.monotonic()
                perf = start_perf(args.profile, server, scen)
                before = server.metrics() if isinstance(server, Kairan) else {}
                try:
                    r = run_load(load, server, scen, sizes[scen], args.smoke, timeout)
                finally:
                    stop_perf(perf)
                after = server.metrics() if isinstance(server, Kairan) else {}
                frames = after.get("kairan_deliver_frames_total", 0) - before.get(
                    "kairan_deliver_frames_total", 0)
                if frames > 0 and scen != "idle":
                    # how many items the hub put in each deliver frame
                    r["items_per_frame"] = round((after["kairan_items_delivered_total"] - before[
                        "kairan_items_delivered_total"]) / frames, 2)
                results[name][scen] = r
                log(f"{name} {scen}: {'ok' if r.get('ok') else 'NOT OK'} in "
                    f"{time.monotonic() - t:.1f} s: "
                    + json.dumps({k: v for k, v in r.items() if k != 'stderr'},
                                 ensure_ascii=False))
                if server.proc.poll() is not None:
                    raise RuntimeError(f"{name} died during {scen}")
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            problems.append(f"{name}: {e}")
            log(f"{name}: {e}")
        finally:
            rc = server.stop()
            text = server.log_text()
            if name.startswith("kairan"):
                bad = [l for l in text.splitlines() if any(m in l for m in SANITIZER_MARKERS)]
                if bad:
                    problems.append(f"{name}: sanitizer report: {bad[0]}")
                if rc != 0:
                    problems.append(f"{name}: exited with {rc} after SIGTERM")
            if problems or args.keep:
                log(f"{name}: log and data kept in {tmp}\n{text[-3000:]}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    if args.smoke:
        for name, by in results.items():
            for scen, r in by.items():
                problems += check_smoke(f"{name} {scen}", r)
    shown = [s for s in servers if s in results]
    out = table(results, shown)
    print(out)
    for s in ("kairan", "kairan-ws"):
        if s in results and not args.smoke:
            print(f"\nTargets, {s}:\n{targets(results, s)}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "results": results}, f, indent=1, ensure_ascii=False)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(out + "\n")
    if problems:
        print("\n".join(["", "problems:"] + problems), file=sys.stderr)
        return 1
    if args.smoke:
        n = sum(len(v) for v in results.values())
        print(f"bench.smoke: every scenario ran ({n} results), delivered == expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
