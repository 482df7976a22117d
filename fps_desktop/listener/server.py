"""The localhost HTTP listener PBMS pushes GUIDs to (seed 000's ``/api/set_guid``).

Bound to loopback only, it refuses anything a hostile web page in the same
browser could send: foreign Host headers (DNS rebinding), origins IT did not
allow, non-JSON bodies, big bodies, slow clients and floods. A push only ever
opens a GUID; printing from a request needs a setting and a signature.
"""

from __future__ import annotations

import contextlib
import errno
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
from fps_desktop.audit import AuditLog, log_audit_failure
from fps_desktop.config import Settings, get_secret
from fps_desktop.errors import QT_TRANSLATE_NOOP, ListenerError
from fps_desktop.listener.refusals import NO_ORIGIN, RefusalLog
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
    normalise_origin,
    parse_push,
)
from fps_desktop.listener.wire import RequestHead, read_head
from fps_desktop.logs import escape_for_log
from fps_desktop.storage import write_atomically

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024
MAX_CONNECTIONS = 32
CLIENT_TIMEOUT = 5.0  # for one request, head and body, once its first byte arrived
IDLE_TIMEOUT = 2.0  # for the first byte of the next request on an open connection
CONNECTION_LIFETIME = 30.0  # then the client opens a fresh connection
EVICTION_GRACE = 1.0  # an evicted connection's thread ends in milliseconds
SLOW_REQUEST = 0.25  # a request (or an idle wait) this long may be closed to make room
_IDLE, _READING, _WORKING = range(3)  # what a connection's thread is doing
AUDITED_PATHS = ("/api/set_guid", "/api/print")
LOCAL = "local"  # origin of curl, PBMS's back end and a second launch on this desktop
LINK = "link"  # origin of a fpsdesktop://open?guid=... link handed over by ``open-url``
HANDOFF_VIA = {"launch": LOCAL, "link": LINK}


def audited_sender(entry: dict) -> str:
    """Who an audit line names; older logs wrote refusals without an Origin as ``local``."""
    origin = entry.get("origin") or ""
    return NO_ORIGIN if origin == LOCAL and not entry.get("accepted") else origin


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
    idle_timeout: float = IDLE_TIMEOUT
    connection_lifetime: float = CONNECTION_LIFETIME
    nonce_file: Path | None = None  # without one, pushes signed before the start are refused

    @classmethod
    def from_settings(cls, settings: Settings) -> ListenerConfig:
        return cls(
            port=settings.get("listener.port"),
            fallback_ports=list(settings.get("listener.fallback_ports")),
            ipv6=settings.get("listener.ipv6"),
            allowed_origins={normalise_origin(o) for o in settings.get("listener.allowed_origins")},
            require_signature=settings.get("listener.require_signature"),
            allow_silent_print=settings.get("listener.allow_silent_print"),
            rate_per_minute=settings.get("listener.rate_per_minute"),
            hmac_secret=get_secret("listener.hmac_secret"),
            nonce_file=settings.paths.data_dir / "listener-nonces.jsonl",
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
    """One connection: strict request heads, a deadline per request, an answer to each."""

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
        self.opened = time.monotonic()
        self.served = 0
        self.leaving = False  # asked to make room: no further request on this connection

    def finish(self) -> None:
        self.server.slots.forget(self)
        super().finish()

    def evict(self) -> None:
        """Called from the accepting thread: wake this connection's blocked read and end it."""
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def handle_one_request(self) -> None:
        """One request, answered whatever it holds: no exception ends a connection silently."""
        try:
            self._one_request()
        except Exception:
            log.exception("listener failed on %s", escape_for_log(self.requestline, 100))
            self.close_connection = True
            self._refuse(Refusal(500, "internal", "FPS Desktop failed on this request."))

    def _one_request(self) -> None:
        """Wait for a request within the idle deadline, then read, check and answer it."""
        config = self.server.listener.config
        self.close_connection = True
        self.command, self.request_version = None, self.protocol_version
        self.path, self.head, self.body, self.requestline = "", None, b"", "-"
        self._cors_origin: str | None = None
        self._push: Push | None = None
        if self.leaving or time.monotonic() - self.opened > config.connection_lifetime:
            return  # this connection makes way; the client simply opens a new one
        self.server.slots.mark(self, _IDLE)
        self.reader.deadline = time.monotonic() + config.idle_timeout
        started = False
        try:
            if not self.rfile.peek(1):
                return
            started = True
            self.server.slots.mark(self, _READING)
            self.reader.deadline = time.monotonic() + config.client_timeout
            head = read_head(self.rfile)
            if head is None:
                return
            self.head, self.command, self.path = head, head.method, head.target
            self.requestline = f"{head.method} {escape_for_log(head.target, 80)}"
            self.body = self._receive_body(head)
        except TimeoutError:
            if started:  # an idle connection simply closes; a slow request gets told
                self._refuse(Refusal(408, "timeout", "The request arrived too slowly."))
            return
        except Refusal as refusal:
            self._refuse(refusal)
            return
        except OSError:
            return  # the client hung up, or was evicted to make room
        self.server.slots.mark(self, _WORKING)
        self.served += 1
        self.close_connection = not head.keep_alive
        self._answer(head)

    def _receive_body(self, head: RequestHead) -> bytes:
        length = head.body_length()
        if length > MAX_BODY:
            raise Refusal(413, "too_large", "The request body is too large.")
        if length and (head.get("expect") or "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = self.rfile.read(length)
        if len(body) != length:
            raise Refusal(400, "short_body", "The request body is shorter than announced.")
        return body

    def _answer(self, head: RequestHead) -> None:
        """Route one complete request."""
        listener = self.server.listener
        path = head.path
        origin = head.get("origin")
        try:
            check_host(head.get("host"), listener.port)
            check_origin(origin, listener.config.allowed_origins)
            self._cors_origin = origin
            # Counted only now, so forged Hosts and foreign origins cannot use up PBMS's budget.
            if self.command == "POST" and not listener.rate.allow(
                LOCAL if origin is None else normalise_origin(origin)
            ):
                raise Refusal(429, "rate_limited", "Too many requests; wait a minute.")
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
            self._refuse(refusal)

    def _refuse(self, refusal: Refusal) -> None:
        """Answer, log and audit a refusal; a request never ends in a silent close."""
        origin = self.head.get("origin") if self.head else None
        path = self.head.path if self.head else ""
        guid = self._push.guid if self._push else ""
        first = self.server.listener.refusals.refused(
            origin, guid, refusal.code, audited=path in AUDITED_PATHS
        )
        if first and refusal.code != "not_found":  # repeats are counted, not logged one by one
            log.info(
                "refused %s %s from %s: %s",
                escape_for_log(self.command or "-", 10),
                escape_for_log(path or "-", 80),
                escape_for_log(origin or NO_ORIGIN, 80),
                refusal.code,
            )
        self._reply(
            refusal.status, {"ok": False, "error": refusal.code, "message": refusal.message}
        )

    def _read_push(self, fields: frozenset[str]) -> Push:
        kind = (self.head.get("content-type") or "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise Refusal(415, "json_only", "Send the request as application/json.")
        if self.head.get("content-length") is None:
            raise Refusal(411, "length_required", "Content-Length is required.")
        self._push = parse_push(self.body, fields)
        return self._push

    def _check_signature(self, listener: GuidListener, push: Push) -> None:
        check_signature(
            push, listener.config.hmac_secret, listener.nonces, self.command, self.head.path
        )

    def _set_guid(self, listener: GuidListener, origin: str) -> None:
        push = self._read_push(PUSH_FIELDS)
        if listener.config.require_signature or push.signed:
            self._check_signature(listener, push)
        if listener.paused:
            raise Refusal(503, "paused", "The clerk has paused receiving documents.")
        listener.audit_push(escape_for_log(origin, 120), push.guid, True, "")
        listener.on_guid(push.guid, origin)
        self._reply(200, {"ok": True, "guid": push.guid, "message": "opened"})

    def _print(self, listener: GuidListener, origin: str) -> None:
        if not listener.config.allow_silent_print or listener.on_print is None:
            raise Refusal(403, "print_disabled", "Printing from a request is switched off.")
        push = self._read_push(PRINT_FIELDS)
        self._check_signature(listener, push)
        listener.audit_push(escape_for_log(origin, 120), push.guid, True, "print_requested")
        listener.on_print(push, origin)
        self._reply(202, {"ok": True, "guid": push.guid, "message": "queued"})

    def _handoff(self, listener: GuidListener, origin: str | None) -> None:
        """A second launch or a fpsdesktop:// link on this desktop hands its GUID over."""
        self._check_instance_token(listener, origin)
        via = HANDOFF_VIA.get(self.head.get("x-fps-via") or "launch")
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
        token = self.head.get("x-fps-instance-token") or ""
        if origin is not None or not secrets.compare_digest(
            token.encode("latin-1"), listener.instance_token.encode()
        ):
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
                if self.head.get("access-control-request-private-network") == "true":
                    self.send_header("Access-Control-Allow-Private-Network", "true")
            if self.close_connection or self.leaving:
                self.close_connection = True
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            self.close_connection = True


class _Slots:
    """The ``MAX_CONNECTIONS`` connection threads, and who is asked to leave when all are taken.

    A new connection always gets in: the slowest request is closed first (a client
    trickling bytes), then the longest-idle connection, then a keep-alive connection
    that has been served already is told to close after its current answer. A fresh
    connection sending its request promptly is never chosen, so neither idle browsers
    nor a local program holding or hammering sockets can lock PBMS out.
    """

    def __init__(self, size: int) -> None:
        self._free = threading.BoundedSemaphore(size)
        self._held: dict[_Handler, tuple[int, float]] = {}  # -> (state, since when)
        self._lock = threading.Lock()

    def take(self) -> bool:
        """A slot for a new connection, making room for up to ``EVICTION_GRACE`` seconds."""
        deadline = time.monotonic() + EVICTION_GRACE
        while not self._free.acquire(blocking=False):
            if time.monotonic() > deadline:
                return False
            self._make_room()
            if self._free.acquire(timeout=0.02):
                break
        return True

    def release(self) -> None:
        self._free.release()

    def mark(self, handler: _Handler, state: int) -> None:
        with self._lock:
            self._held[handler] = (state, time.monotonic())

    def forget(self, handler: _Handler) -> None:
        with self._lock:
            self._held.pop(handler, None)

    def _make_room(self) -> None:
        now = time.monotonic()
        with self._lock:
            choices = [
                (rank, since, handler)
                for handler, (state, since) in self._held.items()
                if not handler.leaving
                and (rank := _eviction_rank(handler, state, now - since)) is not None
            ]
            if not choices:
                return
            _, _, victim = min(choices, key=lambda choice: choice[:2])
            victim.leaving = True
            state = self._held[victim][0]
        if state != _WORKING and not (state == _READING and victim.served):
            victim.evict()  # the others close right after the answer they are working on


def _eviction_rank(handler: _Handler, state: int, for_seconds: float) -> int | None:
    """0 a slow request, 1 an idle connection, 2 a served keep-alive one; None: spare it."""
    if state == _READING and for_seconds > SLOW_REQUEST:
        return 0
    if state == _IDLE and (handler.served or for_seconds > SLOW_REQUEST):
        return 1
    if handler.served:
        return 2
    return None


class _Server(ThreadingHTTPServer):
    """Thread per connection, at most ``MAX_CONNECTIONS``; a new one always gets in."""

    daemon_threads = True
    request_queue_size = 512  # a full accept queue drops SYNs: a push would wait 1 s to retry

    def __init__(self, address, listener: GuidListener, family: int) -> None:
        self.address_family = family
        self.listener = listener
        self.slots = _Slots(MAX_CONNECTIONS)
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        """Rebind at once after a restart, yet never share the port with another program.

        POSIX needs SO_REUSEADDR to ignore the previous run's TIME_WAIT connections (it
        still refuses a port another program listens on); on Windows that option would
        let another program steal the port, and SO_EXCLUSIVEADDRUSE is the safe one.
        """
        option = getattr(socket, "SO_EXCLUSIVEADDRUSE", None) or socket.SO_REUSEADDR
        self.socket.setsockopt(socket.SOL_SOCKET, option, 1)
        super().server_bind()

    def process_request(self, request, client_address) -> None:
        if not self.slots.take():
            self.shutdown_request(request)  # every slot busy answering for a second: drop
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def service_actions(self) -> None:
        """Every poll of the accept loop: write out refusal summaries that are due."""
        self.listener.refusals.flush_due()

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
        self.nonces = NonceMemory(config.nonce_file)
        self.refusals = RefusalLog(audit)
        self.instance_token = secrets.token_urlsafe(32)
        self.paused = False
        self.port = 0
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []

    def audit_push(self, origin: str, guid: str, accepted: bool, reason: str) -> None:
        if self.audit is not None:
            with log_audit_failure():
                self.audit.record_push(origin, guid, accepted, reason)

    def start(self) -> int:
        """Bind the first free port of the configured list; returns it."""
        ports = [self.config.port, *self.config.fallback_ports]
        failures: dict[int, str] = {}
        for port in ports:
            try:
                servers = self._bind(port)
            except OSError as exc:
                failures[port] = _why_port_failed(port, exc)
                log.warning("listener port %d unavailable (%s): %s", port, failures[port], exc)
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
        raise _port_error(failures)

    def _bind(self, port: int) -> list[_Server]:
        """Loopback servers on ``port``; raises ``OSError`` and keeps nothing bound if any fails.

        A program answering there is a conflict even where the system would let both bind
        (macOS lets a loopback socket share a port with a wildcard one).
        """
        if _answers(port):
            raise OSError(errno.EADDRINUSE, "another program answers on this port")
        servers: list[_Server] = []
        try:
            servers.append(_Server(("127.0.0.1", port), self, socket.AF_INET))
            if self.config.ipv6:
                servers.append(_Server(("::1", port), self, socket.AF_INET6))
        except OSError:
            for server in servers:
                server.server_close()
            raise
        return servers

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []
        self.refusals.flush_all()

    def write_instance_file(self, path: Path) -> None:
        """Tell a second launch where this instance listens and how to prove it is local."""
        details = {"port": self.port, "token": self.instance_token, "pid": os.getpid()}
        write_atomically(path, json.dumps(details).encode("utf-8"))

    def remove_instance_file(self, path: Path) -> None:
        """Remove the file only while it still points here, not to a later instance."""
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("token") == self.instance_token:
                path.unlink()
        except (OSError, ValueError, AttributeError):
            pass


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _why_port_failed(port: int, exc: OSError) -> str:
    """``taken`` when a program answers on the port (on Windows its exclusive bind shows as
    access denied), ``closing`` when only connections of an earlier run hold it
    (TIME_WAIT), ``blocked`` when the system refuses the port itself."""
    if _answers(port):
        return "taken"
    if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)):
        return "closing"
    return "blocked"


PORT_MESSAGES = {
    "taken": QT_TRANSLATE_NOOP(
        "FpsError",
        "Port {ports} is already used by another program, so PBMS cannot send "
        "documents. Close that program or ask IT to choose another port.",
    ),
    "closing": QT_TRANSLATE_NOOP(
        "FpsError",
        "Port {ports} is still held by the connections of an earlier run, so PBMS cannot "
        "send documents yet. Wait a minute and start FPS Desktop again.",
    ),
    "blocked": QT_TRANSLATE_NOOP(
        "FpsError",
        "This computer does not let FPS Desktop listen on port {ports} (it may be reserved "
        "by the system), so PBMS cannot send documents. Ask IT to choose another port.",
    ),
}


def _port_error(failures: dict[int, str]) -> ListenerError:
    """Name the ports and the most useful reason: another program first, then the rest."""
    reason = next(r for r in ("taken", "closing", "blocked") if r in failures.values())
    return ListenerError(PORT_MESSAGES[reason], ports=", ".join(str(p) for p in failures))


def instance_file(settings: Settings) -> Path:
    return settings.paths.data_dir / "instance.json"
