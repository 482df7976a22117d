"""What a local program can do to keep PBMS out, and a stopwatch for the real push meanwhile.

Shared by tests/listener/test_starvation.py and benchmarks/bench_listener.py.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.listener.conftest import GUID, PBMS


class Attack:
    """Runs ``connections`` attacker threads until stopped; ``ready`` once all are in place."""

    def __init__(self, port: int, connections: int) -> None:
        self.port = port
        self.connections = connections
        self.stop = threading.Event()
        self.placed = 0
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._run, daemon=True) for _ in range(connections)
        ]

    def __enter__(self) -> Attack:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def wait_until_placed(self, count: int, timeout: float = 30) -> None:
        """Until ``count`` attacker connections have been served once: the attack is on."""
        deadline = time.monotonic() + timeout
        while self.placed < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.placed >= count, f"only {self.placed} attacker connections placed"

    def _placed_once(self, seen: list[bool]) -> None:
        if not seen:
            seen.append(True)
            with self._lock:
                self.placed += 1

    def _run(self) -> None:
        seen: list[bool] = []
        while not self.stop.is_set():
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock,
            ):
                self.hold(sock, lambda: self._placed_once(seen))

    def hold(self, sock: socket.socket, placed) -> None:
        raise NotImplementedError


class IdleKeepAlive(Attack):
    """Browsers' idle keep-alive connections: a request now and then, idle in between."""

    def hold(self, sock, placed) -> None:
        request = f"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode()
        while not self.stop.is_set():
            sock.sendall(request)
            if not sock.recv(4096):
                return
            placed()
            self.stop.wait(1.0)


class SlowReconnect(Attack):
    """Holds requests open a byte at a time and reconnects the moment it is dropped."""

    def hold(self, sock, placed) -> None:
        sock.sendall(b"POST /api/set_guid HTTP/1.1\r\n")
        placed()
        while not self.stop.is_set():
            sock.sendall(b"X")
            sock.settimeout(0.3)
            try:
                if sock.recv(4096) == b"":
                    return
            except TimeoutError:
                continue
            return


class ForgedHostFlood(Attack):
    """Junk posts claiming the PBMS origin with a forged Host, as fast as answered."""

    def hold(self, sock, placed) -> None:
        body = b'{"guid": "junk"}'
        request = (
            f"POST /api/set_guid HTTP/1.1\r\nHost: pbms.example.edu\r\nOrigin: {PBMS}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        while not self.stop.is_set():
            sock.sendall(request)
            if not sock.recv(4096):
                return
            placed()


class SilentChurn(Attack):
    """Connects, says nothing, hangs up after a moment, connects again: a full accept queue."""

    def hold(self, sock, placed) -> None:
        placed()
        self.stop.wait(0.05)


PATTERNS = {"idle keep-alive": IdleKeepAlive, "slow reconnect": SlowReconnect,
            "forged Host flood": ForgedHostFlood, "silent churn": SilentChurn}  # fmt: skip


class AttackProcess:
    """The attack from another process, as a local program would run it (no shared GIL)."""

    def __init__(self, pattern: str, port: int, connections: int, placed: int) -> None:
        self.command = [sys.executable, "-m", "tests.listener.attacks", pattern, str(port),
                        str(connections), str(placed)]  # fmt: skip

    def __enter__(self) -> AttackProcess:
        root = Path(__file__).resolve().parents[2]
        self.process = subprocess.Popen(
            self.command, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout.readline().strip() == "placed", "the attack did not start"
        return self

    def __exit__(self, *exc) -> None:
        self.process.stdin.close()  # the attack ends when its stdin does
        self.process.wait(timeout=30)
        self.process.stdout.close()


def timed_push(port: int, origin: str | None = PBMS) -> tuple[float, int]:
    """Seconds from connect to the answer of one real push, and its status (0: no answer)."""
    headers = {"Content-Type": "application/json", "Host": f"127.0.0.1:{port}"}
    if origin:
        headers["Origin"] = origin
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/api/set_guid", json.dumps({"guid": GUID}), headers)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException):
        status = 0
    finally:
        connection.close()
    return time.perf_counter() - started, status


def push_latencies(port: int, pushes: int) -> tuple[list[float], list[int]]:
    results = [timed_push(port) for _ in range(pushes)]
    return [seconds for seconds, _ in results], [status for _, status in results]


def median(values: list[float]) -> float:
    return statistics.median(values)


if __name__ == "__main__":
    pattern, port, connections, placed = sys.argv[1:]
    with PATTERNS[pattern](int(port), int(connections)) as attack:
        attack.wait_until_placed(int(placed))
        print("placed", flush=True)
        sys.stdin.read()
