"""The localhost HTTP listener PBMS pushes GUIDs to (seed 000's ``/api/set_guid``): its routes.

Bound to loopback only, it refuses anything a hostile web page in the same
browser could send. The defences live apart, one home each: request parsing and
size limits in ``wire.py``, Host and Origin checks, CORS, signatures and the rate
limit in ``security.py``, deadlines and connection slots in ``connections.py``.
A push only ever opens a GUID; printing from a request needs a setting and a signature.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import secrets
import socket
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fps_desktop import APP_NAME, __version__
from fps_desktop.audit import AuditLog, log_audit_failure
from fps_desktop.config import Settings, get_secret
from fps_desktop.errors import QT_TRANSLATE_NOOP, ListenerError
from fps_desktop.listener.connections import (
    CLIENT_TIMEOUT,
    CONNECTION_LIFETIME,
    IDLE_TIMEOUT,
    GuardedHandler,
    GuardedServer,
)
from fps_desktop.listener.print_book import PrintBook
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
    cors_headers,
    normalise_origin,
    parse_push,
)
from fps_desktop.listener.wire import RequestHead
from fps_desktop.logs import escape_for_log
from fps_desktop.storage import write_atomically

log = logging.getLogger(__name__)

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
PrintCallback = Callable[[Push, str, str], None]  # push, origin, print id; may raise Refusal


class _Handler(GuardedHandler):
    """Answers each request read in time: checks who asks, then routes it."""

    server: _Server
    server_version = APP_NAME

    def handle_one_request(self) -> None:
        """One request, answered whatever it holds: no exception ends a connection silently."""
        try:
            self._one_request()
        except Exception:
            log.exception("listener failed on %s", escape_for_log(self.requestline, 100))
            self.close_connection = True
            self._refuse(Refusal(500, "internal", "FPS Desktop failed on this request."))

    def _one_request(self) -> None:
        self._cors_origin: str | None = None
        self._push: Push | None = None
        try:
            head = self.read_request()
        except Refusal as refusal:
            self._refuse(refusal)
            return
        if head is not None:
            self._answer(head)

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
            elif self.command == "GET" and path.startswith("/api/print/"):
                self._print_state(listener, path)
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
        """A signed print: honoured now, once, or refused - nothing waits for a later open.

        ``on_print`` checks the printer and starts the print (or raises a ``Refusal``);
        PBMS gets the print's id to ask ``GET /api/print/<id>`` what became of it.
        """
        if not listener.config.allow_silent_print or listener.on_print is None:
            raise Refusal(403, "print_disabled", "Printing from a request is switched off.")
        push = self._read_push(PRINT_FIELDS)
        self._check_signature(listener, push)
        if listener.paused:
            raise Refusal(503, "paused", "The clerk has paused receiving documents.")
        job = listener.prints.open(push.guid, push.printer)
        try:
            listener.on_print(push, origin, job)
        except Refusal as refusal:
            listener.prints.update(job, "refused", refusal.code)
            raise
        listener.audit_push(escape_for_log(origin, 120), push.guid, True, "print_requested")
        self._reply(202, {"ok": True, "guid": push.guid, "job": job, "message": "accepted",
                          "state": f"/api/print/{job}"})  # fmt: skip

    def _print_state(self, listener: GuidListener, path: str) -> None:
        """What became of a print, for a GET signed like a push (query: ts, nonce, sig)."""
        query = urllib.parse.parse_qs(self.head.target.partition("?")[2])
        fields = {key: values[0] for key, values in query.items() if key in ("ts", "nonce")}
        if "ts" in fields:
            fields["ts"] = int(fields["ts"]) if fields["ts"].isdigit() else -1
        sig = query.get("sig", [None])[0]
        check_signature(Push("", fields.get("ts"), fields.get("nonce"), sig, fields=fields),
                        listener.config.hmac_secret, listener.nonces, "GET", path)  # fmt: skip
        found = listener.prints.get(path.removeprefix("/api/print/"))
        if found is None:
            raise Refusal(404, "no_such_print", "No print with this id (it may be too old).")
        self._reply(200, found.to_json())

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
            self.connection.settimeout(self.server.deadlines.client_timeout)
            self.send_response_only(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            private_network = (
                self.head is not None
                and self.head.get("access-control-request-private-network") == "true"
            )
            # _cors_origin is set only once the origin passed the allowlist
            for name, value in cors_headers(self._cors_origin, private_network):
                self.send_header(name, value)
            if self.close_connection or self.leaving:
                self.close_connection = True
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            self.close_connection = True


class _Server(GuardedServer):
    """The guarded server of one ``GuidListener``; its accept loop also writes out summaries."""

    def __init__(self, address, listener: GuidListener, family: int) -> None:
        self.listener = listener
        super().__init__(address, _Handler, family, listener.config)

    def service_actions(self) -> None:
        """Every poll of the accept loop: write out refusal summaries that are due."""
        self.listener.refusals.flush_due()


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
        self.prints = PrintBook()
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
        """Bind the first free port of the configured list; returns it. Port 0 takes
        whichever port the system gives (a second instance beside the office's, tests)."""
        ports = [self.config.port, *self.config.fallback_ports]
        failures: dict[int, tuple[str, OSError]] = {}
        for port in ports:
            try:
                servers = self._bind(port)
            except OSError as exc:
                failures[port] = (_why_port_failed(port, exc), exc)
                log.warning("listener port %d unavailable (%s): %s", port, failures[port][0], exc)
                continue
            self.port = port = servers[0].server_address[1]
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
        if port and _answers(port):
            raise OSError(errno.EADDRINUSE, "another program answers on this port")
        servers: list[_Server] = []
        try:
            servers.append(_Server(("127.0.0.1", port), self, socket.AF_INET))
            if self.config.ipv6:  # on the port IPv4 got, which port 0 leaves to the system
                servers.append(_Server(("::1", servers[0].server_address[1]), self,
                                       socket.AF_INET6))  # fmt: skip
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
        write_atomically(path, json.dumps(details).encode("utf-8"), private=True)

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
    (TIME_WAIT), ``blocked`` when the system refuses the port itself (privileged, or
    reserved on Windows), ``failed`` for any other refusal: the system's own words then."""
    if _answers(port):
        return "taken"
    if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)):
        return "closing"
    if exc.errno in (errno.EACCES, getattr(errno, "WSAEACCES", errno.EACCES)):
        return "blocked"
    return "failed"


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
    "failed": QT_TRANSLATE_NOOP(
        "FpsError",
        "FPS Desktop cannot listen on port {ports}: the system says “{reason}”, so PBMS "
        "cannot send documents. Tell IT; the details are in the log file.",
    ),
}


def _port_error(failures: dict[int, tuple[str, OSError]]) -> ListenerError:
    """Name the ports and the most useful reason: another program first, then the rest."""
    reasons = {reason: exc for reason, exc in failures.values()}
    reason = next(r for r in ("taken", "closing", "blocked", "failed") if r in reasons)
    return ListenerError(
        PORT_MESSAGES[reason],
        ports=", ".join(str(p) for p in failures),
        reason=reasons[reason].strerror or str(reasons[reason]),
    )


def instance_file(settings: Settings) -> Path:
    return settings.paths.data_dir / "instance.json"
