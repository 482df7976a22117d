"""Raw-socket fuzz of the PBMS listener: hostile requests, each must get an answer.

Every case is a complete request (a head ended by a blank line, a body as long as
announced when the announcement is sane), mutated the ways hostile or broken clients
do: duplicate and odd framing headers, bytes flipped in the head, odd JSON and
signature fields, pipelining. Counted: listener crashes (an error in its log), cases
with no answer at all, answers that are not HTTP/1.1 with a JSON body; then health and
a real push must still work. The last line is the verdict, and the exit status is 1
unless it is "no crash, no hang, every answer well formed".

Run: .venv/bin/python benchmarks/fuzz_listener.py [--cases 20000] [--seconds 300] [--quick]
``--quick`` (run by the test suite) sends 300 cases from 2 clients: every kind of
mutation comes up, in well under a second.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import json
import logging
import os
import random
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["FPS_HOME"] = tempfile.mkdtemp(prefix="fps-fuzz-")
atexit.register(shutil.rmtree, os.environ["FPS_HOME"], ignore_errors=True)
os.environ["FPS_SITE_CONFIG"] = os.path.join(os.environ["FPS_HOME"], "none.json")

from fps_desktop.audit import AuditLog  # noqa: E402
from fps_desktop.config import Settings  # noqa: E402
from fps_desktop.listener.security import signature_for  # noqa: E402
from fps_desktop.listener.server import GuidListener, ListenerConfig  # noqa: E402

GUID = "c965be9f9c1d449d9e50fed330150d7a"
PBMS = "https://pbms.example.edu"
SECRET = "fuzzing-shared-secret-42"
# fmt: off
PATHS = ["/api/set_guid", "/api/print", "/api/health", "/api/version", "/api/handoff",
         "/api/raise", "/api/print/1", "/", "/api/set_guid?x=1", "/api/set_guid/", "/%00",
         "/" + "a" * 9000]
METHODS = ["POST"] * 6 + ["GET", "OPTIONS", "HEAD", "DELETE", "PUT", "BREW", "get", "P\x00ST"]
LENGTHS = ["²", "1²", "١٢", "+5", "-1", "0x10", "1_0", " 5 5", "9" * 5000, "", "00",
           "18446744073709551617"]
ORIGINS = [PBMS, PBMS.upper(), PBMS + "/", "https://evil.example.com", "null", "",
           PBMS + "\x00", "http://pbms.example.edu", "https://ＰＢＭＳ.example.edu"]
HOSTS = ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "evil.example.com",
         "127.0.0.1", "", "127.0.0.1:{port}\x00", "LOCALHOST:{port}"]
CONTENT_TYPES = ["application/json"] * 8 + ["text/plain", "application/JSON; charset=utf-8", ""]
ODD_VALUES = [10**400, 2**70, -(2**70), -1, 0, 1.5, float("nan"), True, None, "", "x" * 5000,
              "é" * 64, "\ud800" * 10, "\x00" * 8, [], {}, "0" * 64, "Z" * 64, "nonce-🙂-0001"]
FLIPS = b"\r\n\x00 :\t\x7f\xff"
# fmt: on


class Cases:
    """Builds the mutated requests; one ``random.Random`` so a run can be repeated."""

    def __init__(self, port: int, seed: int) -> None:
        self.port = port
        self.rng = random.Random(seed)

    def body(self, path: str) -> bytes:
        rng = self.rng
        fields: dict = {"guid": rng.choice([GUID] * 4 + [GUID.upper(), "c965", "", 7, None])}
        if rng.random() < 0.5:
            fields.update(ts=int(time.time()), nonce=f"nonce-{rng.getrandbits(64):016x}")
            if rng.random() < 0.5:
                fields.update(printer=rng.choice(["HP-3F", "财务室 HP", "\x07", "p" * 300]),
                              copies=rng.choice([1, 2, 20, 21, 0]))  # fmt: skip
            fields["sig"] = signature_for(SECRET, "POST", path, fields)
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            key = rng.choice(["guid", "ts", "nonce", "sig", "printer", "copies", "layout", "cmd"])
            fields[key] = rng.choice(ODD_VALUES)
        kind = rng.random()
        if kind < 0.05:
            return b'{"guid": ' + b"[" * 3000 + b"]" * 3000 + b"}"
        if kind < 0.1:
            return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))
        if kind < 0.15:
            return b'{"guid": "%s", "guid": "%s"}' % (GUID.encode(), b"0" * 32)
        if kind < 0.2:
            return b"\xef\xbb\xbf" + json.dumps(fields).encode()
        text = json.dumps(fields, ensure_ascii=rng.random() < 0.5, allow_nan=True)
        return text.encode("utf-8", "surrogatepass")

    def request(self) -> bytes:
        rng = self.rng
        path = rng.choice(["/api/set_guid", "/api/print"] * 5 + PATHS)
        body = self.body(path) if rng.random() < 0.9 else b""
        headers = [
            ("Host", rng.choice(HOSTS).format(port=self.port) if rng.random() < 0.15
             else f"127.0.0.1:{self.port}"),
            ("Content-Type", rng.choice(CONTENT_TYPES)),
            ("Content-Length", str(len(body)) if rng.random() < 0.93 else rng.choice(LENGTHS)),
        ]  # fmt: skip
        if rng.random() < 0.4:
            headers.append(("Origin", rng.choice(ORIGINS)))
        if rng.random() < 0.1:
            headers.append(rng.choice([("Transfer-Encoding", "chunked"), ("Expect", "100-continue"),
                                       ("Connection", "close"), ("X-FPS-Via", "link"),
                                       ("X-FPS-Instance-Token", "é" * 20)]))  # fmt: skip
        if rng.random() < 0.1:
            headers.append(rng.choice(headers))  # a duplicate
        if rng.random() < 0.05:
            headers += [("X-Pad", "a" * rng.randint(1, 9000))] * rng.randint(1, 80)
        rng.shuffle(headers)
        head = f"{rng.choice(METHODS)} {path} HTTP/1.{rng.choice('1110')}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers)
        raw = bytearray(head.encode("utf-8", "surrogatepass"))
        for _ in range(rng.choice([0] * 7 + [1, 2, 5])):  # bytes flipped in the head
            raw[rng.randrange(len(raw))] = rng.choice(
                b"\r\n\x00 :\t\x7f\xff" + bytes([rng.getrandbits(8)])
            )
        data = bytes(raw) + b"\r\n" + body
        if rng.random() < 0.05:  # pipelined: a second request right behind the first
            data += f"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode()
        return data


def exchange(port: int, data: bytes) -> bytes:
    """Send a complete request, close the write side, read until the listener closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the listener may answer and close before reading everything
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            received += chunk
        return received


def well_formed(answer: bytes, to_head: bool) -> tuple[bool, int]:
    """The first answer is HTTP/1.1 with a JSON body (none for 204, and none to HEAD)."""
    head, _, rest = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines[0].startswith("HTTP/1.1 "):
        return False, 0
    status = int(lines[0].split()[1])
    lengths = [line.split(":")[1] for line in lines if line.lower().startswith("content-length:")]
    length = int(lengths[0]) if lengths else 0
    if status == 100:
        return well_formed(rest, to_head)
    try:
        if length and not to_head:
            json.loads(rest[:length])
    except ValueError:
        return False, status
    return True, status


class ErrorCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def status(answer: bytes) -> str:
    """The status code of an answer, for the report."""
    return answer.split(b" ", 2)[1].decode() if answer else "no answer"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=24360)
    parser.add_argument("--quick", action="store_true", help="300 cases from 2 clients")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.clients = 300, 2

    errors = ErrorCounter()
    logging.getLogger("fps_desktop").addHandler(errors)
    logging.getLogger("fps_desktop").setLevel(logging.INFO)
    settings = Settings()
    config = ListenerConfig.from_settings(settings)
    config.port, config.fallback_ports = 0, []
    config.allowed_origins, config.hmac_secret = {PBMS}, SECRET
    config.rate_per_minute, config.allow_silent_print = 10**9, True
    pushed, printed = [], []
    listener = GuidListener(config, lambda *a: pushed.append(a),
                            lambda push, _origin, _job: printed.append(push),
                            audit=AuditLog(settings.paths))  # fmt: skip
    listener.start()

    statuses: collections.Counter = collections.Counter()
    unanswered: list[bytes] = []
    malformed: list[bytes] = []
    done = 0
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def client(seed: int) -> None:
        nonlocal done
        cases = Cases(listener.port, seed)
        while time.monotonic() < deadline:
            with lock:
                if done >= args.cases:
                    return
                done += 1
            data = cases.request()
            answer = exchange(listener.port, data)
            ok, status = well_formed(answer, data.startswith(b"HEAD ")) if answer else (False, 0)
            with lock:
                statuses[status] += 1
                if not answer:
                    unanswered.append(data)
                elif not ok:
                    malformed.append(data)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(args.seed + n,)) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    host = f"Host: 127.0.0.1:{listener.port}\r\n"
    health = exchange(listener.port, f"GET /api/health HTTP/1.1\r\n{host}\r\n".encode())
    body = json.dumps({"guid": GUID}).encode()
    push_head = (f"POST /api/set_guid HTTP/1.1\r\n{host}Origin: {PBMS}\r\n"
                 f"Content-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
    push = exchange(listener.port, push_head.encode() + body)
    listener.stop()
    audit_lines = sum(1 for path in settings.paths.data_dir.glob("audit*.jsonl")
                      for _ in path.open("rb"))  # fmt: skip
    print(f"{done:,} cases in {elapsed:.0f} s ({done / elapsed:,.0f}/s), {args.clients} clients, "
          f"seed {args.seed}")  # fmt: skip
    print(f"crashes (errors in the listener's log): {len(errors.records)}")
    print(f"requests without an answer: {len(unanswered)}")
    print(f"answers that are not HTTP/1.1 + JSON: {len(malformed)}")
    print("statuses: " + ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items())))
    print(f"pushes accepted: {len(pushed):,}, print requests accepted: {len(printed):,}, "
          f"audit lines written: {audit_lines:,}")  # fmt: skip
    print(f"after: health {status(health)}, real push {status(push)}")
    for record in errors.records[:3]:
        print("crash:", record.getMessage(), repr(record.exc_info[1]) if record.exc_info else "")
    for data in (unanswered + malformed)[:3]:
        print("example:", data[:300])
    if errors.records or unanswered or malformed or {status(health), status(push)} != {"200"}:
        print("verdict: FAILED (a crash, a request without an answer, a malformed answer, "
              "or health or a real push refused afterwards)")  # fmt: skip
        return 1
    print("verdict: no crash, no hang, every answer well formed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
