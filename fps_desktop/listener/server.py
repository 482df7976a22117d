"""The localhost HTTP listener PBMS pushes GUIDs to (seed 000's ``/api/set_guid``).

Bound to loopback only, it refuses anything a hostile web page in the same
browser could send: foreign Host headers (DNS rebinding), origins IT did not
allow, non-JSON bodies, big bodies, slow clients and floods. A push only ever
opens a GUID; printing from a request needs a setting and a signature.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from fps_desktop import APP_NAME, __version__
from fps_desktop.audit import AuditLog
from fps_desktop.config import Settings, get_secret
from fps_desktop.errors import QT_TRANSLATE_NOOP, ListenerError
from fps_desktop.listener.security import (
    NonceMemory,
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
LOCAL = "local"


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
            allowed_origins={o.rstrip("/") for o in settings.get("listener.allowed_origins")},
            require_signature=settings.get("listener.require_signature"),
            allow_silent_print=settings.get("listener.allow_silent_print"),
            rate_per_minute=settings.get("listener.rate_per_minute"),
            hmac_secret=get_secret("listener.hmac_secret"),
        )


GuidCallback = Callable[[str, str], None]
PrintCallback = Callable[[dict, str], None]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = APP_NAME

    def setup(self) -> None:
        self.timeout = self.server.listener.config.client_timeout  # slow clients lose the socket
        super().setup()
        # Headers and body go out as two writes; without this, Nagle and delayed ACKs
        # add 40 ms to every keep-alive answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

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
        self._cors_origin: str | None = None
        listener = self.server.listener
        try:
            check_host(self.headers.get("Host"), listener.port)
            origin = self.headers.get("Origin")
            check_origin(origin, listener.config.allowed_origins)
            self._cors_origin = origin
            route = (self.command, self.path.split("?", 1)[0])
            if self.command == "OPTIONS" and route[1].startswith("/api/"):
                self._reply(204, None)
            elif route == ("GET", "/api/health"):
                status = "paused" if listener.paused else "listening"
                self._reply(200, {"ok": True, "status": status})
            elif route == ("GET", "/api/version"):
                self._reply(200, {"ok": True, "name": APP_NAME, "version": __version__})
            elif route == ("POST", "/api/set_guid"):
                self._set_guid(listener, origin)
            elif route == ("POST", "/api/print"):
                self._print(listener, origin)
            elif route == ("POST", "/api/handoff"):
                self._handoff(listener, origin)
            elif route[1] in ("/api/health", "/api/version", "/api/set_guid", "/api/print"):
                raise Refusal(405, "method_not_allowed", "This address does not take that method.")
            else:
                raise Refusal(404, "not_found", "No such address.")
        except Refusal as refusal:
            if self.path.split("?", 1)[0] == "/api/set_guid" and refusal.code != "rate_limited":
                origin = escape_for_log(self.headers.get("Origin") or LOCAL, 120)
                listener.audit_push(origin, "", False, refusal.code)  # floods stay out
            if refusal.code != "not_found":
                log.info(
                    "refused %s %s from %s: %s",
                    self.command,
                    escape_for_log(self.path, 80),
                    escape_for_log(self.headers.get("Origin") or LOCAL, 80),
                    refusal.code,
                )
            self._reply(
                refusal.status,
                {"ok": False, "error": refusal.code, "message": refusal.message},
            )

    def _read_json(self) -> dict:
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise Refusal(415, "json_only", "Send the request as application/json.")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            raise Refusal(411, "length_required", "Content-Length is required.")
        if int(length) > MAX_BODY:
            self.close_connection = True
            raise Refusal(413, "too_large", "The request body is too large.")
        try:
            body = self.rfile.read(int(length))
        except TimeoutError:
            self.close_connection = True
            raise Refusal(408, "timeout", "The request body arrived too slowly.") from None
        if len(body) != int(length):
            self.close_connection = True
            raise Refusal(400, "short_body", "The request body is shorter than announced.")
        return parse_push(body)

    def _set_guid(self, listener: GuidListener, origin: str | None) -> None:
        who = origin or LOCAL
        if not listener.rate.allow(who):
            raise Refusal(429, "rate_limited", "Too many requests; wait a minute.")
        payload = self._read_json()
        if listener.config.require_signature or "sig" in payload:
            check_signature(payload, listener.config.hmac_secret, listener.nonces)
        if listener.paused:
            raise Refusal(503, "paused", "The clerk has paused receiving documents.")
        guid = payload["guid"]
        listener.audit_push(escape_for_log(who, 120), guid, True, "")
        listener.on_guid(guid, who)
        self._reply(200, {"ok": True, "guid": guid, "message": "opened"})

    def _print(self, listener: GuidListener, origin: str | None) -> None:
        if not listener.config.allow_silent_print or listener.on_print is None:
            raise Refusal(403, "print_disabled", "Printing from a request is switched off.")
        payload = self._read_json()
        check_signature(payload, listener.config.hmac_secret, listener.nonces)
        listener.on_print(payload, origin or LOCAL)
        self._reply(202, {"ok": True, "guid": payload["guid"], "message": "queued"})

    def _handoff(self, listener: GuidListener, origin: str | None) -> None:
        """A second launch of the app on this desktop hands its GUID over."""
        token = self.headers.get("X-FPS-Instance-Token") or ""
        if origin is not None or not secrets.compare_digest(token, listener.instance_token):
            raise Refusal(403, "bad_token", "Only this desktop's own app may hand over.")
        payload = self._read_json()
        listener.on_guid(payload["guid"], LOCAL)
        self._reply(200, {"ok": True, "guid": payload["guid"]})

    def _reply(self, status: int, payload: dict | None) -> None:
        body = b"" if payload is None else json.dumps(payload).encode()
        try:
            self.send_response_only(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            if self._cors_origin_allowed():
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
            self.wfile.write(body)
        except OSError:
            self.close_connection = True

    def _cors_origin_allowed(self) -> bool:
        origin = getattr(self, "_cors_origin", None)
        allowed = self.server.listener.config.allowed_origins
        return origin is not None and origin.rstrip("/") in allowed


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False  # never share a port with another program

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


class GuidListener:
    """Owns the server threads; ``on_guid(guid, origin)`` runs on a server thread."""

    def __init__(
        self,
        config: ListenerConfig,
        on_guid: GuidCallback,
        on_print: PrintCallback | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        self.config = config
        self.on_guid = on_guid
        self.on_print = on_print
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


def instance_file(settings: Settings) -> Path:
    return settings.paths.data_dir / "instance.json"
