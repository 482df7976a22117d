"""Raw-socket HTTP for hostile-input tests: bytes out, every answer back."""

from __future__ import annotations

import contextlib
import json
import socket
import time


def exchange(
    port: int, data: bytes, wait: float = 5.0, until: int | None = None
) -> list[tuple[int, dict | None]]:
    """Send ``data`` and collect every answer until the listener closes the connection
    (or, with ``until``, until that many answers are complete).

    The write side stays open, so a listener that waits for more never gets an EOF it
    could mistake for the end of a request; an answer missing after ``wait`` is simply absent.
    """
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(data)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, OSError):
                break
            if not chunk:
                break
            received += chunk
            if until is not None and len(_answers(received, whole=True)) >= until:
                break
    return _answers(received)


def _answers(received: bytes, whole: bool = False) -> list[tuple[int, dict | None]]:
    """The answers in ``received``; with ``whole``, a last one whose body is still
    arriving is left out (an answer to HEAD announces a body it never sends)."""
    answers: list[tuple[int, dict | None]] = []
    while b"\r\n\r\n" in received:
        head, _, rest = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = (line.partition(":") for line in lines[1:])
        headers = {name.strip().lower(): value.strip() for name, _, value in fields}
        length = int(headers.get("content-length", "0"))
        if whole and len(rest) < length:
            break
        body, received = rest[:length], rest[length:]
        answers.append((status, json.loads(body) if body else None))
    return answers


def request(
    port: int, method: str, path: str, headers: list[tuple[str, str]], body: bytes = b""
) -> bytes:
    """A request built header by header, duplicates and odd spellings kept as given."""
    lines = [f"{method} {path} HTTP/1.1"] + [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + body
