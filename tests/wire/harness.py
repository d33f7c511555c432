"""harness - run a real kairan-hub and talk to it, for the wire tests.

Every tests/wire/test_*.py is a standalone unittest script that CTest runs
with /usr/bin/python3 and these environment variables (tests/CMakeLists.txt):

    KAIRAN_HUB         the kairan-hub binary
    KAIRAN_CLIENT      the kairan binary
    KAIRAN_SOURCE_DIR  the repository (client/examples/ ...)
    KAIRAN_SCHEMA_DIR  schema/ (protocol/v1/*.schema.json)
    KAIRAN_ARTIFACTS   where each test leaves hub.log and friends

What is here:

    Hub          one hub process on a free loopback port with its own data
                 directory and config file; admin(), start(), stop(),
                 restart(), kill(), client(), cli().
    Client       a synchronous websocket client (websockets 10.4, asyncio,
                 one private event loop per client) that validates every
                 message the hub sends against schema/protocol/v1.
    run_cli      run the `kairan` client, returning (rc, stdout, stderr).
    HubTestCase  a unittest.TestCase that owns hubs, stops them cleanly,
                 checks for sanitizer reports and prints the hub log and the
                 client transcripts when a test fails.
    setup_two_circles  the usual cast: author, colleague, peer, observer,
                 moderator, outsider in two circles.

Every message the hub sends to a Client goes through
kr_schema.validate_server, so a malformed reply fails the test that got it.
Everything listens and connects on 127.0.0.1 only, and every wait is
bounded by a deadline.
"""

import asyncio
import atexit
import collections
import itertools
import json
import json as _json  # Hub.admin() has a json= parameter
import os
import queue
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import types
import unittest

import websockets
from websockets.exceptions import ConnectionClosed
from websockets.frames import OP_BINARY, OP_CONT, OP_TEXT

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
import kr_schema  # noqa: E402  (written next to this file)

SOURCE_DIR = os.environ.get("KAIRAN_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
SCHEMA_DIR = os.environ.get("KAIRAN_SCHEMA_DIR") or os.path.join(SOURCE_DIR, "schema")
ARTIFACTS = os.environ.get("KAIRAN_ARTIFACTS") or os.path.join(
    tempfile.gettempdir(), "kairan-wire-artifacts")

SUBPROTOCOL = "kairan.v1"
HOST = "127.0.0.1"

# Deadlines, in seconds.
READY_TIMEOUT = 15.0     # hub accepting connections after start
STOP_TIMEOUT = 15.0      # hub exiting after SIGTERM (LeakSanitizer runs at exit)
REPLY_TIMEOUT = 5.0      # a reply to one request
DELIVER_WITHIN = 1.0     # a live push after the `posted` reply
ADMIN_PICKUP = 2.0       # a running hub noticing an admin change (data_poll_ms 200)
CLI_TIMEOUT = 30.0       # one `kairan` run

SANITIZER_MARKERS = ("AddressSanitizer", "runtime error:", "LeakSanitizer")


def _binary(var):
    path = os.environ.get(var)
    if not path:
        raise unittest.SkipTest(f"{var} is not set (run through ctest, or export it)")
    if not os.access(path, os.X_OK):
        raise AssertionError(f"{var}={path} is not an executable file")
    return path


def hub_binary():
    return _binary("KAIRAN_HUB")


def client_binary():
    return _binary("KAIRAN_CLIENT")


def schemas():
    return kr_schema.load(SCHEMA_DIR)


# jsonschema's RefResolver keeps a scope stack per validator: validating from two
# threads at once (a poster and readers in threads) corrupts it. Clients validate
# under this lock.
_validate_lock = threading.Lock()


def child_env(extra=None, drop=()):
    """The environment for hub, admin and client processes."""
    env = dict(os.environ)
    for k in ("KAIRAN_URL", "KAIRAN_TOKEN", "KAIRAN_CERT", "KAIRAN_KEY") + tuple(drop):
        env.pop(k, None)
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    env.setdefault("LC_ALL", "C.UTF-8")
    if extra:
        env.update(extra)
    return env


def sanitizer_report(text):
    """The first line of a sanitizer report in text, or None."""
    for line in text.splitlines():
        if any(m in line for m in SANITIZER_MARKERS):
            return line
    return None


def assert_no_sanitizer(text, what):
    line = sanitizer_report(text)
    if line is not None:
        raise AssertionError(f"{what} printed a sanitizer report: {line}\n{tail(text, 80)}")


def tail(text, lines=150):
    parts = text.splitlines()
    if len(parts) > lines:
        parts = [f"[... {len(parts) - lines} earlier lines ...]"] + parts[-lines:]
    return "\n".join(parts)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_until(pred, timeout, interval=0.05, what="condition"):
    """Poll pred() until it returns a true value (returned) or timeout."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = pred()
            if value:
                return value
        except AssertionError as e:  # let the predicate assert while polling
            last_exc = e
        if time.monotonic() >= deadline:
            detail = f": {last_exc}" if last_exc else ""
            raise AssertionError(f"{what} not reached within {timeout:.1f}s{detail}")
        time.sleep(interval)


def safe_name(text):
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in text)


_live_hubs = set()


@atexit.register
def _kill_leftovers():
    for hub in list(_live_hubs):
        try:
            hub.proc.kill()
            hub.proc.wait(5)
        except Exception:
            pass


AdminResult = collections.namedtuple("AdminResult", "rc stdout stderr")


class Hub:
    """One kairan-hub process with its own data dir, config and port.

    name   the test id; the log goes to $KAIRAN_ARTIFACTS/<name>/hub.log
    config keys to write into the config file (None drops a default key)
    demo   start as `kairan-hub --demo --data DIR --port P` (no --config)
    env    extra environment variables for the hub process (not for admin)
    """

    _instances = collections.Counter()

    def __init__(self, name, config=None, demo=False, env=None):
        self.binary = hub_binary()
        self.name = safe_name(name)
        self.demo = demo
        self.env = dict(env or {})
        self.tmp = tempfile.mkdtemp(prefix="kairan-wire-")
        self.data = os.path.join(self.tmp, "data")
        os.mkdir(self.data, 0o700)
        self.port = free_port()
        self.config = {"bind": HOST, "port": self.port, "log_level": "info"}
        self.config.update(config or {})
        self.config = {k: v for k, v in self.config.items() if v is not None}
        self.config_path = os.path.join(self.tmp, "hub.conf")
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write(f"# kairan-hub config written by tests/wire/harness.py for {name}\n")
            for k, v in self.config.items():
                f.write(f"{k} = {v}\n")
        self.artifacts = os.path.join(ARTIFACTS, self.name)
        os.makedirs(self.artifacts, exist_ok=True)
        Hub._instances[self.name] += 1
        n = Hub._instances[self.name]
        suffix = "" if n == 1 else f"-{n}"
        self.log_path = os.path.join(self.artifacts, f"hub{suffix}.log")
        self.stdout_path = os.path.join(self.artifacts, f"hub{suffix}.stdout")
        self.admin_log_path = os.path.join(self.artifacts, f"admin{suffix}.log")
        for p in (self.log_path, self.stdout_path, self.admin_log_path):
            open(p, "w").close()
        self.proc = None
        self.starts = 0
        self.run_log_offset = 0      # where the current run's stderr starts
        self.run_stdout_offset = 0   # where the current run's stdout starts
        self.clients = []
        self._user_seq = itertools.count(1)

    def __enter__(self):
        if not self.running:
            self.start()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- process ----------------------------------------------------------

    @property
    def url(self):
        scheme = "ws" if str(self.config.get("tls", "on")) == "off" else "wss"
        return f"{scheme}://{HOST}:{self.port}"

    @property
    def ca(self):
        return os.path.join(self.data, "tls", "cert.pem")

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def command(self):
        if self.demo:
            return [self.binary, "--demo", "--data", self.data, "--port", str(self.port)]
        return [self.binary, "--data", self.data, "--config", self.config_path]

    def start(self):
        assert not self.running, "hub already running"
        self.starts += 1
        cmd = self.command()
        with open(self.log_path, "a", encoding="utf-8") as f:
            f.write(f"==== start #{self.starts}: {' '.join(cmd)}\n")
        with open(self.stdout_path, "a", encoding="utf-8") as f:
            f.write(f"==== start #{self.starts}\n")
        self.run_log_offset = os.path.getsize(self.log_path)
        self.run_stdout_offset = os.path.getsize(self.stdout_path)
        log = open(self.log_path, "ab")
        out = open(self.stdout_path, "ab")
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=log,
                                         env=child_env(self.env), start_new_session=True)
        finally:
            log.close()
            out.close()
        _live_hubs.add(self)
        self.wait_ready()
        return self

    def wait_ready(self, timeout=READY_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                _live_hubs.discard(self)
                raise AssertionError(f"kairan-hub exited with {rc} before it was ready\n"
                                     f"{tail(self.run_log())}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                pass
            if time.monotonic() >= deadline:
                raise AssertionError(f"kairan-hub not accepting on {HOST}:{self.port} "
                                     f"within {timeout}s\n{tail(self.run_log())}")
            time.sleep(0.02)

    def stop(self, sig=signal.SIGTERM):
        """Stop with SIGTERM (or SIGINT); assert exit code 0 and no sanitizer report."""
        if self.proc is None:
            return
        if self.proc.poll() is not None:
            died_by_itself = self in _live_hubs
            _live_hubs.discard(self)
            if died_by_itself:
                self._check_run_log()
                raise AssertionError(f"kairan-hub had already exited with "
                                     f"{self.proc.returncode}\n{tail(self.run_log())}")
            return
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            _live_hubs.discard(self)
            raise AssertionError(f"kairan-hub did not exit within {STOP_TIMEOUT}s of "
                                 f"{signal.Signals(sig).name}\n{tail(self.run_log())}")
        _live_hubs.discard(self)
        self._check_run_log()
        if rc != 0:
            raise AssertionError(f"kairan-hub exited with {rc} after {signal.Signals(sig).name}, "
                                 f"expected 0\n{tail(self.run_log())}")

    def kill(self):
        """SIGKILL, as a crash would. Only the sanitizer check applies."""
        assert self.running, "hub is not running"
        self.proc.kill()
        self.proc.wait(10)
        _live_hubs.discard(self)
        self._check_run_log()

    def restart(self, sig=signal.SIGTERM):
        self.stop(sig)
        return self.start()

    @property
    def pid(self):
        """The pid of the running hub process."""
        assert self.running, "hub is not running"
        return self.proc.pid

    def memory(self):
        """{"VmRSS": KiB, "VmHWM": KiB, ...}: the Vm* lines of /proc/PID/status."""
        out = {}
        with open(f"/proc/{self.pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.startswith("Vm") and value.strip().endswith("kB"):
                    out[key] = int(value.split()[0])
        return out

    def reset_peak_rss(self):
        """Reset VmHWM to the current VmRSS (Linux clear_refs 5); False when not permitted."""
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False

    def check_alive(self):
        """The hub is still running and has printed no sanitizer report."""
        self._check_run_log()
        if not self.running:
            _live_hubs.discard(self)
            raise AssertionError(f"kairan-hub died (exit {self.proc.returncode})\n"
                                 f"{tail(self.run_log())}")

    def close(self):
        """Stop cleanly if running (asserting), close clients, remove the temp dir."""
        try:
            if self.proc is not None and (self.running or self in _live_hubs):
                self.stop()
        finally:
            if self.running:
                self.proc.kill()
                self.proc.wait(5)
            _live_hubs.discard(self)
            for c in self.clients:
                c.close()
            if not os.environ.get("KAIRAN_KEEP_TMP"):
                shutil.rmtree(self.tmp, ignore_errors=True)

    def _check_run_log(self):
        assert_no_sanitizer(self.run_log(), "kairan-hub")

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def run_log(self):
        """stderr of the current (or last) run only."""
        with open(self.log_path, "rb") as f:
            f.seek(self.run_log_offset)
            return f.read().decode("utf-8", "replace")

    def run_stdout(self):
        with open(self.stdout_path, "rb") as f:
            f.seek(self.run_stdout_offset)
            return f.read().decode("utf-8", "replace")

    # -- admin ------------------------------------------------------------

    def admin(self, *args, json=False, check=True, timeout=30):
        """Run `kairan-hub admin --data DIR [--json] ARGS...`.

        Returns stdout (parsed when json=True); raises AssertionError with
        stderr when it exits non-zero. With check=False returns an
        AdminResult(rc, stdout, stderr) instead and never raises on rc.
        """
        cmd = [self.binary, "admin", "--data", self.data] + (["--json"] if json else [])
        cmd += [str(a) for a in args]
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout, env=child_env())
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        with open(self.admin_log_path, "a", encoding="utf-8") as f:
            f.write(f"$ {' '.join(cmd[4:])}\n[rc={p.returncode}]\n{out}{err}\n")
        assert_no_sanitizer(err, f"kairan-hub admin {' '.join(map(str, args))}")
        if not check:
            return AdminResult(p.returncode, out, err)
        if p.returncode != 0:
            raise AssertionError(f"kairan-hub admin {' '.join(map(str, args))} exited "
                                 f"{p.returncode}: {err.strip()}")
        if json:
            try:
                return _json.loads(out)
            except ValueError as e:
                raise AssertionError(f"admin --json printed no JSON ({e}): {out!r}")
        return out

    def add_user(self, org, user):
        """`user add ORG USER`; returns the token (stdout is the token only)."""
        out = self.admin("user", "add", org, user)
        token = out.strip()
        assert token and len(out.strip().splitlines()) == 1 and " " not in token, \
            f"`user add` should print only the token, got {out!r}"
        return token

    def new_user(self, org, prefix="user", wait=True):
        """A fresh user of org with a unique name; returns (name, token). With wait
        (and a running hub) returns once the hub accepts the token."""
        name = f"{prefix}-{next(self._user_seq)}"
        token = self.add_user(org, name)
        if wait and self.running:
            self.wait_token(token)
        return name, token

    def wait_token(self, token, timeout=ADMIN_PICKUP):
        """Poll until the running hub accepts token (admin changes land within data_poll_ms)."""
        def accepted():
            c = Client(self, label="wait-token")
            try:
                return c.request({"type": "auth", "token": token})["type"] == "auth_ok"
            finally:
                c.close()
                self.clients.remove(c)
        wait_until(accepted, timeout, what="hub accepting a new token")

    def wait_role(self, token, circle, role, timeout=ADMIN_PICKUP):
        """Poll until the user of token has `role` in circle (None: circle not listed)."""
        def seen():
            c = Client(self, label="wait-role")
            try:
                if c.request({"type": "auth", "token": token})["type"] != "auth_ok":
                    return False
                rows = c.request({"type": "circles"}).get("circles", [])
                return {r["circle"]: r["role"] for r in rows}.get(circle) == role
            finally:
                c.close()
                self.clients.remove(c)
        wait_until(seen, timeout, what=f"role {role} in {circle} visible to the hub")

    # -- clients ----------------------------------------------------------

    def ssl_context(self, cafile=None):
        return ssl.create_default_context(cafile=cafile or self.ca)

    def client(self, token=None, **kw):
        """A Client connected over TLS (verifying the hub's cert); auths when token is given."""
        c = Client(self, token, **kw)
        return c

    def cli(self, *args, token=None, input=None, env=None, timeout=CLI_TIMEOUT, ca=True):
        """Run `kairan --url URL --ca CA [--token T] ARGS...`."""
        return run_cli(*self.cli_args(token, ca), *args, input=input, env=env, timeout=timeout)

    def cli_args(self, token=None, ca=True):
        args = ["--url", self.url]
        if ca:
            args += ["--ca", self.ca]
        if token is not None:
            args += ["--token", token]
        return args

    def cli_background(self, *args, token=None, env=None):
        return BackgroundCLI(*self.cli_args(token), *args, env=env)


class NoMessage(AssertionError):
    """Nothing arrived before the deadline."""


class Closed(AssertionError):
    """The hub closed the connection."""


class Client:
    """A synchronous kairan.v1 client over websockets 10.4.

    Each Client owns an asyncio event loop and runs it only inside its own
    calls (loop.run_until_complete), so a test reads like a script. Pushes
    and replies that a call did not ask for are kept in `pending` and
    returned by the next recv(). Every received message is parsed and
    validated against the server schemas before a test sees it.

    A `deliver` with `items` (several items in one push) is validated as it
    came and then, unless split_batches is false, handed out as one
    `deliver` with `item` per item, in order, so that code written for one
    item per push keeps working. Every batch's cursors are recorded in
    `batches` (a list of lists) either way.
    """

    split_batches = True

    def __init__(self, hub=None, token=None, *, url=None, ssl_ctx=None, auth=True,
                 subprotocols=(SUBPROTOCOL,), open_timeout=10, rcvbuf=None, label=None,
                 server_hostname=None, extra_headers=None):
        self.hub = hub
        self.url = url or hub.url
        self.label = label or "client"
        self.loop = asyncio.new_event_loop()
        self.pending = collections.deque()
        self._split = collections.deque()  # the rest of a split deliver batch
        self.batches = []
        self.transcript = []
        self.ids = itertools.count(1)
        self.ws = None
        self.user = self.org = None
        if hub is not None:
            hub.clients.append(self)
        kwargs = dict(subprotocols=list(subprotocols) if subprotocols else None,
                      open_timeout=open_timeout, ping_interval=None, close_timeout=2,
                      max_size=None, max_queue=None, compression=None)
        if self.url.startswith("wss:"):
            kwargs["ssl"] = ssl_ctx or hub.ssl_context()
        if server_hostname is not None:
            kwargs["server_hostname"] = server_hostname
        if extra_headers is not None:  # e.g. {"X-Forwarded-For": ...} as a proxy would
            kwargs["extra_headers"] = dict(extra_headers)
        if rcvbuf is not None:
            host, port = HOST, int(self.url.rsplit(":", 1)[1].split("/")[0])
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            sock.settimeout(open_timeout)
            sock.connect((host, port))
            sock.setblocking(False)
            kwargs["sock"] = sock
            if "ssl" in kwargs:
                kwargs.setdefault("server_hostname", host)
        async def open_ws():
            # websockets.connect() binds to the loop current when it is *called*
            return await websockets.connect(self.url, **kwargs)

        try:
            self.ws = self._run(open_ws())
        except BaseException:
            self.loop.close()
            raise
        self.note("open", f"{self.url} subprotocol={self.ws.subprotocol}")
        if token is not None and auth:
            self.auth(token)

    # -- plumbing ---------------------------------------------------------

    def _run(self, coro, timeout=None):
        if timeout is not None:
            coro = asyncio.wait_for(coro, timeout)
        return self.loop.run_until_complete(coro)

    def note(self, direction, text):
        if len(text) > 600:
            text = text[:600] + f"... ({len(text)} chars)"
        self.transcript.append(f"{time.strftime('%H:%M:%S')} {self.label} {direction} {text}")

    @property
    def subprotocol(self):
        return self.ws.subprotocol

    # -- sending ----------------------------------------------------------

    def send(self, obj, check=True):
        """Send obj as one text frame. check=True validates it as a client message first
        (a test bug guard); bad-input tests pass check=False."""
        if check:
            with _validate_lock:
                schemas().validate_client(obj)
        text = json.dumps(obj, ensure_ascii=False)
        self.note(">>", text)
        self._run(self.ws.send(text))

    def send_raw(self, data):
        """str -> one text frame, bytes -> one binary frame, exactly as given."""
        self.note(">>", f"raw {'binary' if isinstance(data, bytes) else 'text'} {data!r}")
        self._run(self.ws.send(data))

    def send_text_bytes(self, data):
        """One text frame holding arbitrary bytes (possibly invalid UTF-8)."""
        self.note(">>", f"text-bytes {data!r}")
        self._run(self.ws.write_frame(True, OP_TEXT, bytes(data)))

    def send_fragments(self, parts, binary=False):
        """One message as len(parts) frames (first TEXT/BINARY, then CONT, FIN on the last).
        Parts may be str or bytes; bytes may split a UTF-8 sequence."""
        chunks = [p.encode("utf-8") if isinstance(p, str) else bytes(p) for p in parts]
        assert chunks, "no fragments"
        self.note(">>", f"fragments {[c[:80] for c in chunks]!r}")

        async def go():
            for i, chunk in enumerate(chunks):
                opcode = (OP_BINARY if binary else OP_TEXT) if i == 0 else OP_CONT
                await self.ws.write_frame(i == len(chunks) - 1, opcode, chunk)
        self._run(go())

    def ping(self, timeout=REPLY_TIMEOUT):
        """Send a websocket ping and wait for the pong."""
        async def go():
            waiter = await self.ws.ping()
            await waiter
        self._run(go(), timeout=timeout)

    def abort(self):
        """Drop the TCP connection without a close handshake."""
        self.note("--", "abort")
        self.ws.transport.abort()
        self.close()

    # -- receiving --------------------------------------------------------

    def _recv_wire(self, timeout):
        if self._split:
            return self._split.popleft()
        try:
            data = self._run(self.ws.recv(), timeout=max(timeout, 0.001))
        except asyncio.TimeoutError:
            raise NoMessage(f"{self.label}: no message within {timeout:.2f}s") from None
        except ConnectionClosed as e:
            self.note("--", f"closed code={e.rcvd.code if e.rcvd else None}")
            raise Closed(f"{self.label}: connection closed by the hub ({e})") from None
        if isinstance(data, bytes):
            self.note("<<", f"binary {data[:200]!r}")
            raise AssertionError(f"{self.label}: the hub sent a binary frame: {data[:200]!r}")
        self.note("<<", data)
        try:
            msg = json.loads(data)
        except ValueError as e:
            raise AssertionError(f"{self.label}: the hub sent a frame that is not JSON "
                                 f"({e}): {data[:300]!r}") from None
        with _validate_lock:
            schemas().validate_server(msg)
        if msg.get("type") == "deliver" and isinstance(msg.get("items"), list):
            self.batches.append([i.get("cursor") for i in msg["items"]])
            if self.split_batches and msg["items"]:
                parts = [{"type": "deliver", "item": i} for i in msg["items"]]
                self._split.extend(parts[1:])
                return parts[0]
        return msg

    def recv(self, timeout=REPLY_TIMEOUT):
        """The next message (pending first). NoMessage on timeout, Closed when closed."""
        if self.pending:
            return self.pending.popleft()
        return self._recv_wire(timeout)

    def request(self, obj, timeout=REPLY_TIMEOUT, check=True):
        """Send obj with an automatic id (unless it has one) and return the reply whose
        ref matches it; anything else that arrives meanwhile is queued in pending."""
        obj = dict(obj)
        if "id" not in obj:
            obj["id"] = f"{self.label[:20]}-{next(self.ids)}"
        self.send(obj, check=check)
        return self.reply_to(obj["id"], timeout)

    def reply_to(self, ref, timeout=REPLY_TIMEOUT):
        for i, msg in enumerate(self.pending):
            if msg.get("type") != "deliver" and msg.get("ref") == ref:
                del self.pending[i]
                return msg
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NoMessage(f"{self.label}: no reply with ref {ref!r} within {timeout}s")
            msg = self._recv_wire(remaining)
            if msg.get("type") != "deliver" and msg.get("ref") == ref:
                return msg
            self.pending.append(msg)

    def ok(self, obj, reply_type, timeout=REPLY_TIMEOUT):
        """request() and assert the reply type (showing an error's code and message)."""
        reply = self.request(obj, timeout=timeout)
        if reply.get("type") != reply_type:
            raise AssertionError(f"{self.label}: expected {reply_type!r} in reply to "
                                 f"{obj.get('type')!r}, got {reply}")
        return reply

    def error(self, obj, code, timeout=REPLY_TIMEOUT, check=False):
        """request() expecting {"type":"error","code":code,"ref":id}. code may be a set."""
        reply = self.request(obj, timeout=timeout, check=check)
        codes = {code} if isinstance(code, str) else set(code)
        if reply.get("type") != "error" or reply.get("code") not in codes:
            raise AssertionError(f"{self.label}: expected error {sorted(codes)} in reply to "
                                 f"{json.dumps(obj, ensure_ascii=False)[:300]}, got {reply}")
        return reply

    def deliver(self, timeout=DELIVER_WITHIN):
        """The next message, which must be a deliver push; returns its item."""
        msg = self.recv(timeout)
        if msg.get("type") != "deliver":
            raise AssertionError(f"{self.label}: expected a deliver push, got {msg}")
        return msg["item"]

    def deliveries(self, n, timeout=REPLY_TIMEOUT):
        """n deliver pushes within timeout (overall); returns their items."""
        items = []
        deadline = time.monotonic() + timeout
        while len(items) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NoMessage(f"{self.label}: only {len(items)} of {n} deliveries "
                                f"within {timeout}s")
            items.append(self.deliver(remaining))
        return items

    def expect_no_message(self, within=0.5):
        """Nothing is pending and nothing arrives within `within` seconds."""
        if self.pending or self._split:
            raise AssertionError(f"{self.label}: unexpected messages "
                                 f"{list(self.pending) + list(self._split)}")
        try:
            msg = self._recv_wire(within)
        except NoMessage:
            return
        raise AssertionError(f"{self.label}: unexpected message {msg}")

    def closed(self, timeout=3.0):
        """True when the hub closes the connection within timeout; messages that arrive
        before the close are validated and kept in pending."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                self.pending.append(self._recv_wire(remaining))
            except Closed:
                return True
            except NoMessage:
                return False

    def close(self):
        if self.loop.is_closed():
            return
        try:
            if self.ws is not None:
                self._run(self.ws.close(), timeout=3)
        except Exception:
            pass
        try:
            tasks = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
            for t in tasks:
                t.cancel()
            if tasks:
                self.loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        except Exception:
            pass
        self.loop.close()

    # -- protocol shortcuts -----------------------------------------------

    def auth(self, token):
        reply = self.ok({"type": "auth", "token": token}, "auth_ok")
        self.user, self.org = reply["user"], reply["org"]
        self.label = f"{self.label}[{self.user}]" if self.label == "client" else self.label
        return reply

    def whoami(self):
        return self.ok({"type": "whoami"}, "whoami")

    def post(self, item):
        reply = self.ok({"type": "post", "item": item}, "posted")
        return reply

    def get(self, item_id):
        return self.ok({"type": "get", "item_id": item_id}, "item")["item"]

    def history(self, circle, since=None, limit=None):
        obj = {"type": "history", "circle": circle}
        if since is not None:
            obj["since"] = since
        if limit is not None:
            obj["limit"] = limit
        return self.ok(obj, "history")

    def history_all(self, circle, since=0, limit=100):
        """Every item of circle after since, following next/more."""
        items, pages = [], 0
        while True:
            page = self.history(circle, since=since, limit=limit)
            items += page["items"]
            pages += 1
            if not page["more"]:
                return items
            assert page["items"], f"history says more but returned no items: {page}"
            assert page["next"] > since, f"history next did not advance: {page}"
            since = page["next"]
            assert pages < 1000, "history paging does not end"

    def subscribe(self, circles=None, since=None, name=None, filter=None):
        obj = {"type": "subscribe"}
        if circles is not None:
            obj["circles"] = list(circles)
        if since is not None:
            obj["since"] = since
        if name is not None:
            obj["name"] = name
        if filter is not None:
            obj["filter"] = filter
        return self.ok(obj, "subscribed")


# -- the kairan CLI ---------------------------------------------------------


def run_cli(*args, token=None, input=None, env=None, timeout=CLI_TIMEOUT):
    """Run `kairan [--token T] ARGS...`; returns (rc, stdout, stderr) as text.

    input may be str or bytes (stdin); env adds variables (KAIRAN_URL and
    KAIRAN_TOKEN from the caller's environment are never passed on).
    Fails the test when the client prints a sanitizer report or hangs.
    """
    cmd = [client_binary()]
    if token is not None:
        cmd += ["--token", token]
    cmd += [str(a) for a in args]
    if isinstance(input, str):
        input = input.encode("utf-8")
    try:
        p = subprocess.run(cmd, input=input, capture_output=True, timeout=timeout,
                           env=child_env(env),
                           stdin=None if input is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"kairan {' '.join(map(str, args))} did not finish within "
                             f"{timeout}s") from None
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    assert_no_sanitizer(err, f"kairan {' '.join(map(str, args))}")
    return p.returncode, out, err


class BackgroundCLI:
    """`kairan ARGS...` running in the background; stdout lines are collected with the
    time they arrived (time.monotonic())."""

    def __init__(self, *args, env=None):
        self.cmd = [client_binary()] + [str(a) for a in args]
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=child_env(env))
        self.lines = queue.Queue()
        self.stderr_chunks = []
        self._out = threading.Thread(target=self._read_out, daemon=True)
        self._err = threading.Thread(target=self._read_err, daemon=True)
        self._out.start()
        self._err.start()

    def _read_out(self):
        for raw in self.proc.stdout:
            self.lines.put((time.monotonic(), raw.decode("utf-8", "replace").rstrip("\n")))

    def _read_err(self):
        for raw in self.proc.stderr:
            self.stderr_chunks.append(raw.decode("utf-8", "replace"))

    def line(self, timeout):
        """(arrival_time, line) of the next stdout line, or None after timeout."""
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def wait(self, timeout=10):
        """Wait for exit; returns (rc, stderr). Kills it and fails on timeout."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{' '.join(self.cmd[1:])} still running after {timeout}s; "
                                 f"stderr: {self.stderr()}") from None
        self._out.join(5)
        self._err.join(5)
        self._close_pipes()
        err = self.stderr()
        assert_no_sanitizer(err, "kairan (background)")
        return rc, err

    def stderr(self):
        return "".join(self.stderr_chunks)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._out.join(5)
        self._err.join(5)
        self._close_pipes()

    def _close_pipes(self):
        for f in (self.proc.stdout, self.proc.stderr):
            if f is not None and not f.closed:
                f.close()


# -- fixtures -----------------------------------------------------------------

_item_seq = itertools.count(1)


def make_item(circle, tlp="GREEN", kind="threat", **fields):
    """A valid item_input with a unique title; fields override or add."""
    n = next(_item_seq)
    item = {
        "kind": kind,
        "circle": circle,
        "tlp": tlp,
        "title": f"Phishing wave against online banking #{n} {os.getpid()}",
        "body": "SMS lures pointing at a fake login page; credentials replayed within minutes.",
        "indicators": [
            {"type": "ipv4", "value": "198.51.100.7", "role": "attacker"},
            {"type": "domain", "value": "login-secure-bank.example", "role": "attacker"},
        ],
        "tags": ["phishing", "smishing"],
    }
    if kind == "alert":
        item["alert"] = {"severity": "medium"}   # alerts need their details
    if kind == "practice":
        item["practice"] = dict(PRACTICE)         # and practice reports theirs
    if kind == "event":
        item["event"] = event_details()          # and events theirs
    item.update(fields)
    return item


# The fields of a practice report (PROTOCOL.md, "Practice reports"): what
# make_item(kind="practice") carries unless practice= is given.
PRACTICE = {
    "directive": 9,
    "industry": "finance",
    "readers": ["ciso", "staff"],
    "level": 2,
    "situation": "A supplier that maintains our online banking was breached; its contract set no deadline for telling us.",
    "steps": "Added a 24-hour incident notification clause and a yearly security review to every outsourcing contract.",
    "outcome": "The next supplier incident was reported the following morning.",
}


def local_time(delta_seconds, utoff=9 * 3600):
    """The wall-clock time delta_seconds from now at UTC offset utoff (JST by
    default), as an event takes it: YYYY-MM-DDTHH:MM:SS."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + utoff + delta_seconds))


def event_details(start_in=30 * 86400, hours=2, **fields):
    """A valid post.item.event: in Kanagawa, starting start_in seconds from
    now (Asia/Tokyo), lasting hours; fields override or add."""
    ev = {"prefecture": "JP-14", "start": local_time(start_in),
          "end": local_time(start_in + int(hours * 3600)), "audience": "mixed"}
    ev.update(fields)
    return ev


def setup_two_circles(hub, suffix=""):
    """Create the usual cast on hub and return a namespace describing it.

    orgs     author_org (the author's company, with registered names, a domain
             and a person), peer_org, outsider_org
    circles  circle: author_org + peer_org (a sector circle)
             other:  peer_org + outsider_org
    users    author, colleague (author_org); peer, observer (observer role in
             `circle`), moderator (moderator of `circle`) (peer_org);
             outsider (outsider_org: not in `circle`)

    fx.user[role] is the user name, fx.token[role] its token, fx.org[role]
    its organisation key.
    """
    s = suffix
    fx = types.SimpleNamespace()
    fx.author_org, fx.peer_org, fx.outsider_org = (f"akane-ginko{s}", f"botan-shoken{s}",
                                                   f"tsubaki-denki{s}")
    fx.circle, fx.other = f"fin-test{s}", f"energy-test{s}"
    hub.admin("org", "add", fx.author_org, "--name", "Akane Ginko", "--name", "茜銀行",
              "--domain", "akane-ginko.example", "--person", "Ito Hanako",
              "--industry", "finance", "--employees", "900")
    hub.admin("org", "add", fx.peer_org, "--industry", "finance")
    hub.admin("org", "add", fx.outsider_org, "--industry", "energy")
    hub.admin("circle", "add", fx.circle, "--kind", "sector", "--name", "Finance test circle")
    hub.admin("circle", "add", fx.other, "--kind", "sector", "--name", "Energy test circle")
    hub.admin("member", "add", fx.circle, fx.author_org)
    hub.admin("member", "add", fx.circle, fx.peer_org)
    hub.admin("member", "add", fx.other, fx.peer_org)
    hub.admin("member", "add", fx.other, fx.outsider_org)
    cast = {
        "author": fx.author_org,
        "colleague": fx.author_org,
        "peer": fx.peer_org,
        "observer": fx.peer_org,
        "moderator": fx.peer_org,
        "outsider": fx.outsider_org,
    }
    fx.user, fx.token, fx.org = {}, {}, {}
    for role, org in cast.items():
        name = f"{role}{s}-u"
        fx.user[role] = name
        fx.org[role] = org
        fx.token[role] = hub.add_user(org, name)
    hub.admin("role", "set", fx.circle, fx.user["observer"], "observer")
    hub.admin("role", "set", fx.circle, fx.user["moderator"], "moderator")
    if hub.running:
        # The hub picks admin changes up within data_poll_ms: wait for the last ones.
        hub.wait_role(fx.token["moderator"], fx.circle, "moderator")
        hub.wait_role(fx.token["observer"], fx.circle, "observer")
        for role in cast:
            hub.wait_token(fx.token[role])
    return fx


def connect(hub, fx, role, **kw):
    """A Client authenticated as fx.user[role]."""
    return hub.client(fx.token[role], label=role, **kw)


AUTHOR_KEYS = ("author", "author_user", "author_org", "user", "org", "organisation",
               "organization", "poster", "sender", "from")


def assert_anonymous(test, msg, fx, role="author"):
    """No key names an author and neither the author's user name nor anything
    identifying its organisation appears anywhere in msg."""
    def walk(v, path):
        if isinstance(v, dict):
            for k, x in v.items():
                test.assertNotIn(k, AUTHOR_KEYS, f"field {path}.{k} in {msg}")
                walk(x, f"{path}.{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{path}[{i}]")
    walk(msg, "$")
    text = json.dumps(msg, ensure_ascii=False)
    needles = [fx.user[role], fx.org[role]]
    if fx.org[role] == fx.author_org:
        needles += ["Akane Ginko", "茜銀行", "akane-ginko.example", "Ito Hanako"]
    for needle in needles:
        test.assertNotIn(needle, text, f"{needle!r} leaks in {text[:400]}")


def same_content(test, item, sent):
    """item (as read) carries what the author sent."""
    for k in ("kind", "circle", "tlp", "title", "body", "tags"):
        if k in sent:
            test.assertEqual(item[k], sent[k], f"field {k}")
    if "indicators" in sent:
        test.assertEqual(len(item["indicators"]), len(sent["indicators"]))
        for got, want in zip(item["indicators"], sent["indicators"]):
            test.assertEqual(got["type"], want["type"])
            test.assertEqual(got["value"], want["value"])
            test.assertEqual(got["role"], want.get("role", "unknown"))
    test.assertEqual(item["status"], "published")


# -- unittest glue --------------------------------------------------------------


def module_stem(cls):
    mod = sys.modules.get(cls.__module__)
    path = getattr(mod, "__file__", None) or sys.argv[0]
    return os.path.splitext(os.path.basename(path))[0]


class HubTestCase(unittest.TestCase):
    """A TestCase that owns hubs.

    self.start_hub(**kw)      a hub for this test only (stopped and checked in cleanup)
    cls.start_class_hub(**kw) a hub shared by the class (in setUpClass); each test
                              then checks it is still alive and sanitizer-clean
    On failure the hub logs and client transcripts are printed to stderr.
    """

    class_hub = None

    @classmethod
    def class_name(cls):
        return f"{module_stem(cls)}.{cls.__name__}"

    @classmethod
    def start_class_hub(cls, **kw):
        hub = Hub(cls.class_name(), **kw)
        cls.addClassCleanup(hub.close)
        cls.class_hub = hub
        hub.start()
        return hub

    def artifact_name(self):
        return f"{module_stem(type(self))}.{type(self).__name__}.{self._testMethodName}"

    def start_hub(self, **kw):
        hub = Hub(self.artifact_name(), **kw)
        self._own_hubs.append(hub)
        self.addCleanup(hub.close)
        hub.start()
        return hub

    def setUp(self):
        super().setUp()
        self._own_hubs = getattr(self, "_own_hubs", [])
        if self.class_hub is not None:
            self._class_clients_from = len(self.class_hub.clients)

    def tearDown(self):
        if self.class_hub is not None:
            for c in self.class_hub.clients[self._class_clients_from:]:
                c.close()
            if self.class_hub.proc is not None:
                self.class_hub.check_alive()
        super().tearDown()

    def run(self, result=None):
        self._own_hubs = []
        self._class_clients_from = 0
        if result is None:
            result = self.defaultTestResult()
        before = len(result.failures) + len(result.errors)
        t0 = time.monotonic()
        super().run(result)
        self.elapsed = time.monotonic() - t0
        if len(result.failures) + len(result.errors) > before:
            self.dump_diagnostics()
        return result

    def dump_diagnostics(self):
        out = [f"\n======== diagnostics for {self.artifact_name()} ========"]
        hubs = [(h, 0) for h in self._own_hubs]
        if self.class_hub is not None:
            hubs.append((self.class_hub, self._class_clients_from))
        for hub, first_client in hubs:
            out.append(f"---- {hub.log_path} (last lines) ----")
            try:
                out.append(tail(hub.log(), 120))
            except OSError as e:
                out.append(f"(no log: {e})")
            for c in hub.clients[first_client:]:
                out.append(f"---- transcript of {c.label} ----")
                out.append("\n".join(c.transcript[-40:]))
        out.append("======== end of diagnostics ========")
        print("\n".join(out), file=sys.stderr, flush=True)


# -- circle policies, anonymous readers and the HTTPS feed (tests 08-12) -------

TLPS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")


def policy_doc(circle, **fields):
    """A complete, valid circle policy for circle (policies/README.md): every TLP
    allowed (AMBER offered), threat/practice by members and moderators, alerts by
    moderators, events by organizers and moderators, nothing moderated, CLEAR not
    public, no forwarding, roster hidden, authors hidden from moderators, items
    kept forever, k 5, no rate limit. fields replace top-level keys whole
    (tlp=..., post=..., forward=..., rate_limits=...); a few shortcuts:
    allowed=[...] (tlp.allowed; default becomes its first entry unless
    tlp_default= is given), green_in=, green_out=, posts_per_hour=."""
    doc = {
        "circle": circle,
        "tlp": {"allowed": list(TLPS), "default": "AMBER"},
        "post": {"threat": ["member", "moderator"], "practice": ["member", "moderator"],
                 "alert": ["moderator"], "event": ["organizer", "moderator"]},
        "moderation": [],
        "clear_public": False,
        "forward": {"green_in": False, "green_out": False},
        "roster_visible": False,
        "moderators_see_author": False,
        "retention_days": 0,
        "k": 5,
        "rate_limits": {"posts_per_hour": 0},
        "anonymisation": {"level": "standard", "pseudonym": "per-item"},
    }
    allowed = fields.pop("allowed", None)
    default = fields.pop("tlp_default", None)
    if allowed is not None:
        doc["tlp"] = {"allowed": list(allowed), "default": default or allowed[0]}
    elif default is not None:
        doc["tlp"]["default"] = default
    for key in ("green_in", "green_out"):
        if key in fields:
            doc["forward"] = dict(doc["forward"], **{key: fields.pop(key)})
    if "posts_per_hour" in fields:
        doc["rate_limits"] = {"posts_per_hour": fields.pop("posts_per_hour")}
    doc.update(fields)
    return doc


def write_policy(directory, circle, doc=None, name=None, **fields):
    """Write doc (or policy_doc(circle, **fields)) to DIRECTORY/NAME (default
    CIRCLE.json) and return the absolute path. doc may also be a str (written as is)."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.abspath(os.path.join(directory, name or f"{circle}.json"))
    if doc is None:
        doc = policy_doc(circle, **fields)
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc if isinstance(doc, str) else _json.dumps(doc, ensure_ascii=False, indent=2))
    return path


def hub_policy_dir(hub):
    """Where a test keeps the policy files of hub (inside its temp dir)."""
    return os.path.join(hub.tmp, "policies")


def add_circle(hub, circle, kind="sector", policy=None, **fields):
    """`circle add CIRCLE --kind KIND --policy FILE`, FILE written from policy (a
    dict) or policy_doc(circle, **fields); policy=False adds the circle without a
    file (the built-in default for its kind). Returns the policy path or None."""
    if policy is False:
        hub.admin("circle", "add", circle, "--kind", kind)
        return None
    path = write_policy(hub_policy_dir(hub), circle, doc=policy, **fields)
    hub.admin("circle", "add", circle, "--kind", kind, "--policy", path)
    return path


def anonymous(hub, label="anonymous"):
    """A Client that never authenticates (an anonymous, read-only session)."""
    return Client(hub, label=label)


def http_get(hub, path, timeout=REPLY_TIMEOUT):
    """GET https://127.0.0.1:PORT/PATH over TLS, verifying the hub's certificate.
    Returns (status, headers (lower-case names), body bytes); never raises on
    an HTTP error status."""
    import http.client
    conn = http.client.HTTPSConnection(HOST, hub.port, timeout=timeout,
                                       context=hub.ssl_context())
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        resp = conn.getresponse()
        body = resp.read()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, headers, body
    finally:
        conn.close()


def drain(client, quiet=0.15, limit=10000):
    """Every message that arrives until none comes for `quiet` seconds (pending first)."""
    msgs = []
    while len(msgs) < limit:
        try:
            msgs.append(client.recv(timeout=quiet))
        except NoMessage:
            break
    return msgs


def pushes(msgs, mtype="deliver"):
    return [m for m in msgs if m.get("type") == mtype]


def wait_for_pushes(client, pred, count, timeout=REPLY_TIMEOUT):
    """Receive until `count` messages satisfying pred arrived (or timeout); every
    message received is returned, matching or not, in order."""
    got, hits = [], 0
    deadline = time.monotonic() + timeout
    while hits < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            msg = client.recv(timeout=remaining)
        except NoMessage:
            break
        got.append(msg)
        if pred(msg):
            hits += 1
    return got


def no_author_fields(test, obj, where=""):
    """No key anywhere in obj names a user or an organisation."""
    def walk(v, path):
        if isinstance(v, dict):
            for k, x in v.items():
                test.assertNotIn(k, AUTHOR_KEYS + ("requester", "requester_user",
                                                   "requester_org", "decider"),
                                 f"{where} field {path}.{k} in {obj}")
                walk(x, f"{path}.{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{path}[{i}]")
    walk(obj, "$")
