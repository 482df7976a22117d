"""Connections under limits: a deadline per request, at most ``MAX_CONNECTIONS`` of them.

A loopback port is open to every program on the desktop and, through the browser,
to every web page. Here slow clients, idle connections and floods are cut off, so
the routes in ``server.py`` only ever see a whole request read in time, and PBMS
always gets a connection however many others are held open.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from fps_desktop.listener.security import Refusal
from fps_desktop.listener.wire import RequestHead, read_body, read_head
from fps_desktop.logs import escape_for_log

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 32
CLIENT_TIMEOUT = 5.0  # for one request, head and body, once its first byte arrived
IDLE_TIMEOUT = 2.0  # for the first byte of the next request on an open connection
CONNECTION_LIFETIME = 30.0  # then the client opens a fresh connection
EVICTION_GRACE = 1.0  # an evicted connection's thread ends in milliseconds
SLOW_REQUEST = 0.25  # a request (or an idle wait) this long may be closed to make room
_IDLE, _READING, _WORKING = range(3)  # what a connection's thread is doing


class Deadlines(Protocol):
    """How long a request, an idle connection and a whole connection may take."""

    client_timeout: float
    idle_timeout: float
    connection_lifetime: float


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


class GuardedHandler(BaseHTTPRequestHandler):
    """One connection: strict request heads and a deadline per request; subclasses answer."""

    server: GuardedServer
    protocol_version = "HTTP/1.1"

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

    def read_request(self) -> RequestHead | None:
        """Wait for a request within the idle deadline, then read it within the request's.

        None when the connection just closes (idle, too old, gone); raises ``Refusal``
        for a request that came too slowly or cannot be read one way only.
        """
        deadlines = self.server.deadlines
        self.close_connection = True
        self.command, self.request_version = None, self.protocol_version
        self.path, self.head, self.body, self.requestline = "", None, b"", "-"
        if self.leaving or time.monotonic() - self.opened > deadlines.connection_lifetime:
            return None  # this connection makes way; the client simply opens a new one
        self.server.slots.mark(self, _IDLE)
        self.reader.deadline = time.monotonic() + deadlines.idle_timeout
        started = False
        try:
            if not self.rfile.peek(1):
                return None
            started = True
            self.server.slots.mark(self, _READING)
            self.reader.deadline = time.monotonic() + deadlines.client_timeout
            head = read_head(self.rfile)
            if head is None:
                return None
            self.head, self.command, self.path = head, head.method, head.target
            self.requestline = f"{head.method} {escape_for_log(head.target, 80)}"
            self.body = read_body(self.rfile, self.wfile, head)
        except TimeoutError:
            if started:  # an idle connection simply closes; a slow request gets told
                raise Refusal(408, "timeout", "The request arrived too slowly.") from None
            return None
        except OSError:
            return None  # the client hung up, or was evicted to make room
        self.server.slots.mark(self, _WORKING)
        self.served += 1
        self.close_connection = not head.keep_alive
        return head


class ConnectionSlots:
    """The ``MAX_CONNECTIONS`` connection threads, and who is asked to leave when all are taken.

    A new connection always gets in: the slowest request is closed first (a client
    trickling bytes), then the longest-idle connection, then a keep-alive connection
    that has been served already is told to close after its current answer. A fresh
    connection sending its request promptly is never chosen, so neither idle browsers
    nor a local program holding or hammering sockets can lock PBMS out.
    """

    def __init__(self, size: int) -> None:
        self._free = threading.BoundedSemaphore(size)
        self._held: dict[GuardedHandler, tuple[int, float]] = {}  # -> (state, since when)
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

    def mark(self, handler: GuardedHandler, state: int) -> None:
        with self._lock:
            self._held[handler] = (state, time.monotonic())

    def forget(self, handler: GuardedHandler) -> None:
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


def _eviction_rank(handler: GuardedHandler, state: int, for_seconds: float) -> int | None:
    """0 a slow request, 1 an idle connection, 2 a served keep-alive one; None: spare it."""
    if state == _READING and for_seconds > SLOW_REQUEST:
        return 0
    if state == _IDLE and (handler.served or for_seconds > SLOW_REQUEST):
        return 1
    if handler.served:
        return 2
    return None


class GuardedServer(ThreadingHTTPServer):
    """Thread per connection, at most ``MAX_CONNECTIONS``; a new one always gets in."""

    daemon_threads = True
    request_queue_size = 512  # a full accept queue drops SYNs: a push would wait 1 s to retry

    def __init__(
        self, address, handler: type[GuardedHandler], family: int, deadlines: Deadlines
    ) -> None:
        self.address_family = family
        self.deadlines = deadlines
        self.slots = ConnectionSlots(MAX_CONNECTIONS)
        super().__init__(address, handler)

    def server_bind(self) -> None:
        """Rebind at once after a restart, yet never share the port with another program.

        POSIX needs SO_REUSEADDR to ignore the previous run's TIME_WAIT connections (it
        still refuses a port another program listens on); on Windows that option would
        let another program steal the port, and SO_EXCLUSIVEADDRUSE is the safe one.
        Windows refuses a socket asked for both (WinError 10022), so with exclusive use
        the base class must not add SO_REUSEADDR.
        """
        exclusive = getattr(socket, "SO_EXCLUSIVEADDRUSE", None)
        self.allow_reuse_address = exclusive is None
        if exclusive is not None:
            self.socket.setsockopt(socket.SOL_SOCKET, exclusive, 1)
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

    def handle_error(self, request, client_address) -> None:
        """A client hanging up mid-request is routine; anything else is a bug to log."""
        kind = sys.exc_info()[0]
        if kind is not None and issubclass(kind, OSError):
            log.debug("client went away", exc_info=True)
        else:
            log.exception("listener failed on a request")
