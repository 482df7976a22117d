"""The localhost HTTP listener PBMS pushes GUIDs to (seed 000's ``/api/set_guid``).

Bound to loopback only, it refuses anything a hostile web page in the same
browser could send: foreign Host headers (DNS rebinding), origins IT did not
allow, non-JSON bodies, big bodies, slow clients and floods. A push only ever
opens a GUID; printing from a request needs a setting and a signature.
"""

from __future__ import annotations

import io
import json
import logging
import math
import os
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from fps_desktop import APP_NAME, __version__
from fps_desktop.audit import AuditLog
from fps_desktop.config import Settings, get_secret
from fps_desktop.errors import QT_TRANSLATE_NOOP, ListenerError
from fps_desktop.listener.security import (
    PRINT_FIELDS,
    PUSH_FIELDS,
    NonceMemory,
    Push,
    RateLimiter,
    Refusal,
    check_host,
    check_origin,
    check_signature,
    parse_push,
)
from fps_desktop.logs import escape_for_log

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024
MAX_CONNECTIONS = 32
CLIENT_TIMEOUT = 5.0
LOCAL = "local"  # origin of curl, PBMS's back end and a second launch on this desktop
LINK = "link"  # origin of a fpsdesktop://open?guid=... link handed over by ``open-url``
HANDOFF_VIA = {"launch": LOCAL, "link": LINK}


@dataclass
class ListenerConfig:
    port: int = 24360
    fallback_ports: list[int] = field(default_factory=list)
    ipv6: bool = False
    allowed_origins: set[str] = field(default_factory=set)
    require_signature: bool = False
    allow_silent_print: bool = False
    rate_per_minute: int = 120
    hmac_secret: str | None = None
    client_timeout: float = CLIENT_TIMEOUT

    @classmethod
    def from_settings(cls, settings: Settings) -> ListenerConfig:
        return cls(
            port=settings.get("listener.port"),
            fallback_ports=list(settings.get("listener.fallback_ports")),
            ipv6=settings.get("listener.ipv6"),
            allowed_origins={
                o.strip().rstrip("/").lower() for o in settings.get("listener.allowed_origins")
            },
            require_signature=settings.get("listener.require_signature"),
            allow_silent_print=settings.get("listener.allow_silent_print"),
            rate_per_minute=settings.get("listener.rate_per_minute"),
            hmac_secret=get_secret("listener.hmac_secret"),
        )


GuidCallback = Callable[[str, str], None]
PrintCallback = Callable[[Push, str], None]


class _DeadlineReader(io.RawIOBase):
    """Socket reads under one deadline per request rather than per ``recv``.

    A plain socket timeout restarts with every byte, so a client trickling one byte
    a second could hold a thread forever; here the whole request, headers and body,
    must arrive before the deadline.
    """

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self.sock = sock
        self.deadline = math.inf

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request took longer than allowed")
        self.sock.settimeout(remaining)
        return self.sock.recv_into(buffer)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = APP_NAME

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as two writes; without this, Nagle and delayed ACKs
        # add 40 ms to every keep-alive answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self.reader)

    def handle_one_request(self) -> None:
        """One request, idle wait included, gets ``client_timeout`` seconds in all."""
        self.reader.deadline = time.monotonic() + self.server.listener.config.client_timeout
        self._cors_origin: str | None = None
        self._push: Push | None = None
        self._body_unread = False
        super().handle_one_request()

    def log_message(self, format: str, *args) -> None:
        log.debug("%s %s", self.client_address[0], escape_for_log(format % args))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        """Malformed HTTP gets JSON too, and the connection is closed."""
        self.close_connection = True
        self._reply(code, {"ok": False, "error": "bad_request", "message": message or ""})

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_OPTIONS(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    do_DELETE = do_PATCH = do_HEAD = do_PUT  # noqa: N815

    def _handle(self) -> None:
        listener = self.server.listener
        path = self.path.split("?", 1)[0]
        origin = self.headers.get("Origin")
        self._body_unread = self.headers.get("Content-Length", "0") != "0" or (
            "Transfer-Encoding" in self.headers
        )
        try:
            # Counted before any other check, so refusals cannot flood the audit log either.
            if self.command == "POST" and not listener.rate.allow(origin or LOCAL):
                raise Refusal(429, "rate_limited", "Too many requests; wait a minute.")
            check_host(self.headers.get("Host"), listener.port)
            check_origin(origin, listener.config.allowed_origins)
            self._cors_origin = origin
            route = (self.command, path)
            if self.command == "OPTIONS" and path.startswith("/api/"):
                self._reply(204, None)
            elif route == ("GET", "/api/health"):
                status = "paused" if listener.paused else "listening"
                self._reply(200, {"ok": True, "status": status})
            elif route == ("GET", "/api/version"):
                self._reply(200, {"ok": True, "name": APP_NAME, "version": __version__})
            elif route == ("POST", "/api/set_guid"):
                self._set_guid(listener, origin or LOCAL)
            elif route == ("POST", "/api/print"):
                self._print(listener, origin or LOCAL)
            elif route == ("POST", "/api/handoff"):
                self._handoff(listener, origin)
            elif route == ("POST", "/api/raise"):
                self._raise(listener, origin)
            elif path in ("/api/health", "/api/version", "/api/set_guid", "/api/print"):
                raise Refusal(405, "method_not_allowed", "This address does not take that method.")
            else:
                raise Refusal(404, "not_found", "No such address.")
        except Refusal as refusal:
            self._refuse(refusal, path, origin or LOCAL)

    def _refuse(self, refusal: Refusal, path: str, origin: str) -> None:
        if self._body_unread:
            self.close_connection = True  # or its body would be read as the next request
        if path in ("/api/set_guid", "/api/print") and refusal.code != "rate_limited":
            guid = self._push.guid if self._push else ""
            self.server.listener.audit_push(escape_for_log(origin, 120), guid, False, refusal.code)
        if refusal.code != "not_found":
            log.info(
                "refused %s %s from %s: %s",
                escape_for_log(self.command, 10),
                escape_for_log(path, 80),
                escape_for_log(origin, 80),
                refusal.code,
            )
        self._reply(
            refusal.status, {"ok": False, "error": refusal.code, "message": refusal.message}
        )

    def _read_push(self, fields: frozenset[str]) -> Push:
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise Refusal(415, "json_only", "Send the request as application/json.")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise Refusal(411, "length_required", "Content-Length is required.")
        if int(length) > MAX_BODY:
            raise Refusal(413, "too_large", "The request body is too large.")
        try:
            body = self.rfile.read(int(length))
        except TimeoutError:
            raise Refusal(408, "timeout", "The request body arrived too slowly.") from None
        if len(body) != int(length):
            raise Refusal(400, "short_body", "The request body is shorter than announced.")
        self._body_unread = False
        self._push = parse_push(body, fields)
        return self._push

    def _set_guid(self, listener: GuidListener, origin: str) -> None:
        push = self._read_push(PUSH_FIELDS)
        if listener.config.require_signature or push.signed:
            check_signature(push, listener.config.hmac_secret, listener.nonces)
        if listener.paused:
            raise Refusal(503, "paused", "The clerk has paused receiving documents.")
        listener.audit_push(escape_for_log(origin, 120), push.guid, True, "")
        listener.on_guid(push.guid, origin)
        self._reply(200, {"ok": True, "guid": push.guid, "message": "opened"})

    def _print(self, listener: GuidListener, origin: str) -> None:
        if not listener.config.allow_silent_print or listener.on_print is None:
            raise Refusal(403, "print_disabled", "Printing from a request is switched off.")
        push = self._read_push(PRINT_FIELDS)
        check_signature(push, listener.config.hmac_secret, listener.nonces)
        listener.audit_push(escape_for_log(origin, 120), push.guid, True, "print_requested")
        listener.on_print(push, origin)
        self._reply(202, {"ok": True, "guid": push.guid, "message": "queued"})

    def _handoff(self, listener: GuidListener, origin: str | None) -> None:
        """A second launch or a fpsdesktop:// link on this desktop hands its GUID over."""
        self._check_instance_token(listener, origin)
        via = HANDOFF_VIA.get(self.headers.get("X-FPS-Via") or "launch")
        if via is None:
            raise Refusal(400, "bad_schema", "X-FPS-Via must be launch or link.")
        push = self._read_push(frozenset({"guid"}))
        listener.audit_push(via, push.guid, True, "")
        listener.on_guid(push.guid, via)
        self._reply(200, {"ok": True, "guid": push.guid})

    def _raise(self, listener: GuidListener, origin: str | None) -> None:
        """A second launch without a GUID brings this instance's window forward instead."""
        self._check_instance_token(listener, origin)
        if listener.on_raise is None:
            raise Refusal(501, "no_window", "This instance runs without a window.")
        listener.on_raise()
        self._reply(200, {"ok": True})

    def _check_instance_token(self, listener: GuidListener, origin: str | None) -> None:
        token = self.headers.get("X-FPS-Instance-Token") or ""
        if origin is not None or not secrets.compare_digest(token, listener.instance_token):
            raise Refusal(403, "bad_token", "Only this desktop's own app may hand over.")

    def _reply(self, status: int, payload: dict | None) -> None:
        body = b"" if payload is None else json.dumps(payload).encode()
        try:
            self.connection.settimeout(self.server.listener.config.client_timeout)
            self.send_response_only(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            if self._cors_origin is not None:  # set only once the origin passed the allowlist
                self.send_header("Access-Control-Allow-Origin", self._cors_origin)
                self.send_header("Vary", "Origin")
                self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Content-Type")
                self.send_header("Access-Control-Max-Age", "600")
                if self.headers.get("Access-Control-Request-Private-Network") == "true":
                    self.send_header("Access-Control-Allow-Private-Network", "true")
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False  # never share a port with another program
    request_queue_size = 64  # with socketserver's 5, a burst of connects waits on SYN retries

    def __init__(self, address, listener: GuidListener, family: int) -> None:
        self.address_family = family
        self.listener = listener
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(address, _Handler)

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)  # too many at once: drop, never queue threads
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        """A client hanging up mid-request is routine; anything else is a bug to log."""
        kind = sys.exc_info()[0]
        if kind is not None and issubclass(kind, OSError):
            log.debug("client went away", exc_info=True)
        else:
            log.exception("listener failed on a request")


class GuidListener:
    """Owns the server threads; the callbacks run on a server thread.

    ``on_raise`` (bring the window forward) is left out by a listener without a window.
    """

    def __init__(
        self,
        config: ListenerConfig,
        on_guid: GuidCallback,
        on_print: PrintCallback | None = None,
        audit: AuditLog | None = None,
        on_raise: Callable[[], None] | None = None,
    ) -> None:
        self.config = config
        self.on_guid = on_guid
        self.on_print = on_print
        self.on_raise = on_raise
        self.audit = audit
        self.rate = RateLimiter(config.rate_per_minute)
        self.nonces = NonceMemory()
        self.instance_token = secrets.token_urlsafe(32)
        self.paused = False
        self.port = 0
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []

    def audit_push(self, origin: str, guid: str, accepted: bool, reason: str) -> None:
        if self.audit is not None:
            self.audit.record_push(origin, guid, accepted, reason)

    def start(self) -> int:
        """Bind the first free port of the configured list; returns it."""
        ports = [self.config.port, *self.config.fallback_ports]
        for port in ports:
            try:
                servers = [_Server(("127.0.0.1", port), self, socket.AF_INET)]
                if self.config.ipv6:
                    servers.append(_Server(("::1", port), self, socket.AF_INET6))
            except OSError as exc:
                log.warning("listener port %d unavailable: %s", port, exc)
                continue
            self.port = port
            self._servers = servers
            for server in servers:
                thread = threading.Thread(
                    target=server.serve_forever,
                    kwargs={"poll_interval": 0.05},
                    name=f"listener-{port}",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)
            log.info("listening for PBMS on 127.0.0.1:%d", port)
            if self.config.require_signature and not self.config.hmac_secret:
                log.warning("signed pushes are required but no listener.hmac_secret is in the "
                            "keyring: every push will be refused")  # fmt: skip
            return port
        raise ListenerError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "Port {ports} is already used by another program, so PBMS cannot send "
                "documents. Close that program or ask IT to choose another port.",
            ),
            ports=", ".join(str(p) for p in ports),
        )

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def write_instance_file(self, path: Path) -> None:
        """Tell a second launch where this instance listens and how to prove it is local."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"port": self.port, "token": self.instance_token, "pid": os.getpid()}, handle)
        os.replace(tmp, path)

    def remove_instance_file(self, path: Path) -> None:
        """Remove the file only while it still points here, not to a later instance."""
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("token") == self.instance_token:
                path.unlink()
        except (OSError, ValueError, AttributeError):
            pass


def instance_file(settings: Settings) -> Path:
    return settings.paths.data_dir / "instance.json"
