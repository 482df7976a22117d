"""Strict HTTP/1.1 requests: one reading of the bytes within the size limits, or a refusal.

The standard library's parser is lenient where lenience is dangerous: a bare CR ends
a header line, a line without a colon silently hides the headers after it, the first
of two ``Content-Length`` headers wins and ``int()`` reads ``²`` or ``1_0``. The
listener reads heads itself and refuses whatever two parsers could read differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fps_desktop.listener.security import Refusal

MAX_LINE = 8 * 1024
MAX_HEADERS = 64
MAX_BODY = 16 * 1024
MAX_BLANK_LINES = 4  # RFC 9112 lets a server skip stray blank lines before a request
REQUEST_LINE = re.compile(rb"([A-Z]{1,16}) (/[\x21-\x7e]*) HTTP/1\.([01])\r?\n")
TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
HEADER_LINE = re.compile(rb"(" + TOKEN + rb"):[ \t]*([\t\x20-\x7e\x80-\xff]*?)[ \t]*\r?\n")
CONTENT_LENGTH = re.compile(r"[0-9]{1,9}")
BODILESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
# Every header the listener reads: a second copy would leave it guessing which one counts.
SINGLE_VALUED = frozenset(
    {
        "host",
        "origin",
        "content-length",
        "content-type",
        "transfer-encoding",
        "connection",
        "expect",
        "x-fps-instance-token",
        "x-fps-via",
        "access-control-request-private-network",
    }
)


def _malformed(message: str) -> Refusal:
    return Refusal(400, "malformed_request", message)


def _ambiguous(message: str) -> Refusal:
    return Refusal(400, "ambiguous_request", message)


@dataclass
class RequestHead:
    """A request line and its headers; ``problem`` is the first reason to refuse it."""

    method: str
    target: str
    minor_version: int
    fields: dict[str, list[str]] = field(default_factory=dict)
    problem: Refusal | None = None

    def get(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def keep_alive(self) -> bool:
        tokens = {t.strip().lower() for t in (self.get("connection") or "").split(",")}
        return "close" not in tokens if self.minor_version else "keep-alive" in tokens

    def body_length(self) -> int:
        """Bytes of body that follow, after refusing every framing two readers could disagree on."""
        if self.problem is not None:
            raise self.problem
        for name in SINGLE_VALUED & self.fields.keys():
            if len(self.fields[name]) > 1:
                raise _ambiguous(f"The {name} header was sent more than once.")
        length = self.get("content-length")
        if self.get("transfer-encoding") is not None:
            if length is not None:
                raise _ambiguous("Send Content-Length or Transfer-Encoding, not both.")
            raise Refusal(411, "length_required", "Send the body with a Content-Length.")
        if length is not None and not CONTENT_LENGTH.fullmatch(length):
            raise Refusal(400, "bad_length", "Content-Length must be a plain decimal number.")
        size = int(length or 0)
        if size and self.method in BODILESS_METHODS:
            raise _ambiguous(f"A {self.method} request carries no body.")
        return size


def read_head(rfile) -> RequestHead | None:
    """The next request head from ``rfile``, or None when the client closed before it.

    Raises ``Refusal`` when not even the request line can be trusted; problems in
    header lines are kept in ``problem`` so the refusal can name the address asked for.
    """
    for _ in range(MAX_BLANK_LINES + 1):
        line = rfile.readline(MAX_LINE + 1)
        if line not in (b"\r\n", b"\n"):
            break
    if not line:
        return None
    if len(line) > MAX_LINE:
        raise Refusal(414, "too_large", "The request line is too long.")
    match = REQUEST_LINE.fullmatch(line)
    if match is None:
        raise _malformed("The request line is not METHOD /path HTTP/1.x.")
    method, target, minor = match.groups()
    head = RequestHead(method.decode(), target.decode("latin-1"), int(minor))
    for _ in range(MAX_HEADERS + 1):
        line = rfile.readline(MAX_LINE + 1)
        if line in (b"\r\n", b"\n"):
            return head
        if not line.endswith(b"\n"):
            if len(line) > MAX_LINE:
                raise Refusal(431, "too_large", "A header line is too long.")
            # The client stopped sending mid-head; it may still read the answer.
            raise _malformed("The request ended in the middle of its headers.")
        match = HEADER_LINE.fullmatch(line)
        if match is None:
            head.problem = head.problem or _malformed(
                "A header line is not Name: value (folded lines, stray CR or NUL, "
                "or a space before the colon)."
            )
            continue
        name, value = match.groups()
        head.fields.setdefault(name.decode().lower(), []).append(value.decode("latin-1"))
    raise Refusal(431, "too_large", "Too many header lines.")


def read_body(rfile, wfile, head: RequestHead) -> bytes:
    """The body announced by ``head``: at most ``MAX_BODY`` bytes, all of them or a refusal."""
    length = head.body_length()
    if length > MAX_BODY:
        raise Refusal(413, "too_large", "The request body is too large.")
    if length and (head.get("expect") or "").lower() == "100-continue":
        wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    body = rfile.read(length)
    if len(body) != length:
        raise Refusal(400, "short_body", "The request body is shorter than announced.")
    return body
