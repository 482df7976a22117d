"""A small IPP client for the CUPS scheduler: submit a PDF, ask a job's and a printer's state.

CUPS speaks IPP over HTTP, on its local socket or port 631. Talking it directly (the
standard library is enough) gives what Qt's print engine keeps to itself: the job id,
the scheduler's refusal ("not accepting jobs", "not found") and the job's state
afterwards. pycups would need libcups headers to build on every machine, and the
``lp``/``lpstat`` tools print text meant for people; the protocol is stable (RFC 8011).

No Qt. The server is found as libcups finds it: ``CUPS_SERVER``, then ``ServerName``
in ``~/.cups/client.conf`` and ``/etc/cups/client.conf``, then the local socket.
"""

from __future__ import annotations

import getpass
import http.client
import itertools
import os
import socket
import struct
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

PRINT_JOB, CANCEL_JOB, GET_JOB_ATTRIBUTES, GET_PRINTER_ATTRIBUTES = 0x02, 0x08, 0x09, 0x0B
CUPS_GET_DEFAULT = 0x4001

OPERATION, JOB, END, PRINTER = 0x01, 0x02, 0x03, 0x04
INTEGER, BOOLEAN, ENUM = 0x21, 0x22, 0x23
TEXT, NAME, KEYWORD, URI, CHARSET, LANGUAGE, MIME = 0x41, 0x42, 0x44, 0x45, 0x47, 0x48, 0x49
BEGIN_COLLECTION, END_COLLECTION = 0x34, 0x37

NOT_FOUND, NOT_ACCEPTING = 0x0406, 0x0506
STATUS_NAMES = {
    0x0400: "bad request",
    0x0401: "forbidden",
    0x0402: "not authenticated",
    0x0403: "not authorized",
    0x0406: "not found",
    0x040A: "document format not supported",
    0x0500: "internal error",
    0x0506: "not accepting jobs",
}
TIMEOUT = 30  # seconds for one request; a local scheduler answers in milliseconds

_request_ids = itertools.count(1)


class IppError(Exception):
    """The scheduler could not be reached, or answered with an error status."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class Server:
    """Where the scheduler listens: a Unix socket path, or a host and port."""

    socket_path: str = ""
    host: str = "localhost"
    port: int = 631


def find_server() -> Server:
    """The CUPS server libcups would use."""
    name = os.environ.get("CUPS_SERVER", "")
    if not name:
        for conf in (Path.home() / ".cups" / "client.conf", Path("/etc/cups/client.conf")):
            name = _server_name(conf)
            if name:
                break
    if not name:
        for path in ("/run/cups/cups.sock", "/var/run/cups/cups.sock", "/private/var/run/cupsd"):
            if os.path.exists(path):
                return Server(socket_path=path)
        return Server()
    name = name.split("/version=")[0]
    if name.startswith("/"):
        return Server(socket_path=name)
    host, _, port = name.rpartition(":") if name.count(":") == 1 else (name, "", "")
    return Server(host=host or name, port=int(port) if port.isdigit() else 631)


def _server_name(conf: Path) -> str:
    try:
        lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    for line in lines:
        key, _, value = line.strip().partition(" ")
        if key.lower() == "servername":
            return value.strip()
    return ""


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=TIMEOUT)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect(self.path)


def printer_uri(name: str) -> str:
    return "ipp://localhost/printers/" + urllib.parse.quote(name, safe="")


Attributes = dict[str, list]


@dataclass
class Response:
    status: int
    groups: list[tuple[int, Attributes]]

    def first(self, group: int) -> Attributes:
        return next((attrs for tag, attrs in self.groups if tag == group), {})

    @property
    def message(self) -> str:
        found = self.first(OPERATION).get("status-message", [""])
        return str(found[0]) if found else ""


class Client:
    """One request per connection: the scheduler is local, and nothing is left open."""

    def __init__(self, server: Server | None = None, user: str = "") -> None:
        self.server = server or find_server()
        self.user = user or _login()

    def request(self, operation: int, path: str, attributes: list[tuple], data: bytes = b"",
                job: list[tuple] = ()) -> Response:  # fmt: skip
        """Send ``attributes`` ``(tag, name, value or values)`` and raise on an error status."""
        body = _encode(operation, attributes, job) + data
        if self.server.socket_path:
            conn = _UnixConnection(self.server.socket_path)
        else:
            conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=TIMEOUT)
        try:
            conn.request("POST", path, body, {"Content-Type": "application/ipp"})
            reply = conn.getresponse()
            payload = reply.read()
        except OSError as exc:
            raise IppError(0, f"the print system does not answer ({exc})") from exc
        finally:
            conn.close()
        if reply.status != 200:
            raise IppError(0, f"the print system answered HTTP {reply.status}")
        response = _decode(payload)
        if response.status >= 0x0400:
            name = STATUS_NAMES.get(response.status, f"status 0x{response.status:04x}")
            raise IppError(response.status, response.message or name)
        return response

    def _base(self, uri_name: str, uri: str) -> list[tuple]:
        return [(CHARSET, "attributes-charset", "utf-8"),
                (LANGUAGE, "attributes-natural-language", "en"),
                (URI, uri_name, uri),
                (NAME, "requesting-user-name", self.user)]  # fmt: skip

    def default_printer(self) -> str:
        response = self.request(CUPS_GET_DEFAULT, "/", [
            (CHARSET, "attributes-charset", "utf-8"),
            (LANGUAGE, "attributes-natural-language", "en"),
            (KEYWORD, "requested-attributes", ["printer-name"])])  # fmt: skip
        return str(response.first(PRINTER).get("printer-name", [""])[0])

    def printer(self, name: str, wanted: list[str]) -> Attributes:
        attributes = [*self._base("printer-uri", printer_uri(name)),
                      (KEYWORD, "requested-attributes", wanted)]  # fmt: skip
        return self.request(GET_PRINTER_ATTRIBUTES, "/", attributes).first(PRINTER)

    def print_job(self, printer: str, title: str, data: bytes, job: list[tuple]) -> int:
        """Submit ``data`` (a PDF) with job template attributes ``job``; returns the job id."""
        attributes = [*self._base("printer-uri", printer_uri(printer)),
                      (NAME, "job-name", title[:255]),
                      (MIME, "document-format", "application/pdf")]  # fmt: skip
        path = "/printers/" + urllib.parse.quote(printer, safe="")
        response = self.request(PRINT_JOB, path, attributes, data, job)
        return int(response.first(JOB)["job-id"][0])

    def job(self, printer: str, job_id: int, wanted: list[str]) -> Attributes:
        attributes = [*self._base("printer-uri", printer_uri(printer)),
                      (INTEGER, "job-id", job_id),
                      (KEYWORD, "requested-attributes", wanted)]  # fmt: skip
        return self.request(GET_JOB_ATTRIBUTES, "/", attributes).first(JOB)

    def cancel(self, printer: str, job_id: int) -> None:
        attributes = [*self._base("printer-uri", printer_uri(printer)),
                      (INTEGER, "job-id", job_id)]  # fmt: skip
        self.request(CANCEL_JOB, "/jobs/", attributes)


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "fps-desktop"


# -- the wire format (RFC 8010) ---------------------------------------------------------------


def _encode(operation: int, attributes: list[tuple], job: list[tuple]) -> bytes:
    out = bytearray(struct.pack(">BBHI", 2, 0, operation, next(_request_ids)))
    for group, attrs in ((OPERATION, attributes), (JOB, job)):
        if not attrs:
            continue
        out.append(group)
        for tag, name, value in attrs:
            values = value if isinstance(value, list) else [value]
            for index, item in enumerate(values):
                key = name.encode() if index == 0 else b""
                raw = _value_bytes(tag, item)
                out += struct.pack(">BH", tag, len(key)) + key + struct.pack(">H", len(raw)) + raw
    out.append(END)
    return bytes(out)


def _value_bytes(tag: int, value) -> bytes:
    if tag in (INTEGER, ENUM):
        return struct.pack(">i", value)
    if tag == BOOLEAN:
        return b"\x01" if value else b"\x00"
    return str(value).encode("utf-8")


def _decode(payload: bytes) -> Response:
    if len(payload) < 8:
        raise IppError(0, "the print system sent a short answer")
    _major, _minor, status, _request = struct.unpack(">BBHI", payload[:8])
    groups: list[tuple[int, Attributes]] = []
    at, name, depth = 8, "", 0
    while at < len(payload):
        tag = payload[at]
        at += 1
        if tag == END:
            break
        if tag < 0x10:  # a new attribute group
            groups.append((tag, {}))
            continue
        name_length = struct.unpack(">H", payload[at : at + 2])[0]
        key = payload[at + 2 : at + 2 + name_length].decode("utf-8", "replace")
        at += 2 + name_length
        value_length = struct.unpack(">H", payload[at : at + 2])[0]
        raw = payload[at + 2 : at + 2 + value_length]
        at += 2 + value_length
        if tag == BEGIN_COLLECTION:
            depth += 1
        elif tag == END_COLLECTION:
            depth -= 1
            continue
        if depth or not groups:
            continue  # collection members are not read (nothing asked for is one)
        name = key or name
        groups[-1][1].setdefault(name, []).append(_value(tag, raw))
    return Response(status, groups)


def _value(tag: int, raw: bytes):
    if tag in (INTEGER, ENUM) and len(raw) == 4:
        return struct.unpack(">i", raw)[0]
    if tag == BOOLEAN and len(raw) == 1:
        return raw != b"\x00"
    if tag in (TEXT, NAME, KEYWORD, URI, CHARSET, LANGUAGE, MIME) or 0x40 <= tag <= 0x4F:
        return raw.decode("utf-8", "replace")
    return raw
