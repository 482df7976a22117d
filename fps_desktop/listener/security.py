"""The checks a request must pass before the listener acts on it.

Pure functions and small stateful guards (rate limit, nonce memory), so each
rule can be tested alone and the server reads as a list of refusals.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass

from fps_desktop.documents.guid import normalize_guid
from fps_desktop.documents.models import Layout
from fps_desktop.errors import UsageError

SIGNATURE_WINDOW_SECONDS = 120
SIGNATURE_FIELDS = frozenset({"ts", "nonce", "sig"})
PUSH_FIELDS = frozenset({"guid"}) | SIGNATURE_FIELDS
PRINT_FIELDS = PUSH_FIELDS | {"printer", "copies", "layout"}
MAX_COPIES = 20


@dataclass(frozen=True)
class Refusal(Exception):
    """Why a request was refused: HTTP status, a short code and a plain sentence."""

    status: int
    code: str
    message: str


@dataclass(frozen=True)
class Push:
    """A request body that passed the schema: the GUID, its signature, print options."""

    guid: str
    sent_guid: str  # exactly as in the JSON: what PBMS signed
    ts: int | None = None
    nonce: str | None = None
    sig: str | None = None
    printer: str = ""
    copies: int = 1
    layout: str = ""

    @property
    def signed(self) -> bool:
        return self.sig is not None


def allowed_hosts(port: int) -> set[str]:
    """Host headers a loopback client sends; anything else may be DNS rebinding."""
    return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}


def check_host(host: str | None, port: int) -> None:
    if (host or "").strip().lower() not in allowed_hosts(port):
        raise Refusal(403, "bad_host", "Requests must address 127.0.0.1 or localhost.")


def check_origin(origin: str | None, allowed: set[str]) -> None:
    """No Origin (curl, PBMS back end) is allowed; a browser's Origin must be listed."""
    if origin is not None and origin.rstrip("/").lower() not in allowed:
        raise Refusal(403, "origin_not_allowed", "This web site may not send documents here.")


def signature_for(secret: str, guid: str, ts: int, nonce: str) -> str:
    """HMAC-SHA256 over ``guid|ts|nonce``, hex: what PBMS computes with the shared secret."""
    message = f"{guid}|{ts}|{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class NonceMemory:
    """Remembers each nonce until its timestamp leaves the window, so no capture replays.

    Keyed by the signed timestamp, not by arrival: a push stamped up to the window
    ahead of this clock stays refused for as long as its signature is accepted.
    """

    def __init__(self, window: float = SIGNATURE_WINDOW_SECONDS, limit: int = 100_000) -> None:
        self.window = window
        self.limit = limit
        self._seen: set[str] = set()
        self._expiry: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def first_use(self, nonce: str, ts: int) -> bool:
        now = time.time()
        with self._lock:
            while self._expiry and self._expiry[0][0] < now:
                self._seen.discard(heapq.heappop(self._expiry)[1])
            if nonce in self._seen:
                return False
            if len(self._seen) >= self.limit:
                return False  # a flood of valid signatures: refuse rather than forget
            self._seen.add(nonce)
            heapq.heappush(self._expiry, (ts + self.window, nonce))
            return True


def check_signature(push: Push, secret: str | None, nonces: NonceMemory) -> None:
    if not secret:
        raise Refusal(403, "signing_not_configured", "Signed pushes need a shared secret.")
    if push.ts is None or push.nonce is None or push.sig is None:
        raise Refusal(401, "signature_required", "This push must be signed (ts, nonce, sig).")
    if abs(time.time() - push.ts) > SIGNATURE_WINDOW_SECONDS:
        raise Refusal(401, "stale_signature", "The signature has expired; check the clocks.")
    expected = signature_for(secret, push.sent_guid, push.ts, push.nonce)
    if not hmac.compare_digest(expected, push.sig.lower()):
        raise Refusal(401, "bad_signature", "The signature does not match.")
    if not nonces.first_use(push.nonce, push.ts):
        raise Refusal(401, "replayed", "This push was already received.")


def parse_push(body: bytes, fields: frozenset[str] = PUSH_FIELDS) -> Push:
    """Strict schema: a JSON object with a valid ``guid``, only ``fields``, right types."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Refusal(400, "bad_json", "The body is not valid JSON.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("guid"), str):
        raise Refusal(400, "bad_schema", 'Send {"guid": "<32 hex digits>"}.')
    if set(payload) - fields:
        raise Refusal(400, "bad_schema", "Unknown fields in the request.")
    try:
        guid = normalize_guid(payload["guid"])
    except UsageError:
        raise Refusal(400, "bad_guid", "The GUID must have 32 hexadecimal digits.") from None
    signature = {key: payload[key] for key in SIGNATURE_FIELDS & set(payload)}
    if signature and not _is_signature(**signature):
        raise Refusal(
            400, "bad_signature_fields", "Sign with ts (Unix seconds), nonce (8 to 128 "
            "characters) and sig (64 hex digits), all three.",
        )  # fmt: skip
    options = {key: payload[key] for key in ("printer", "copies", "layout") if key in payload}
    if options and not _are_print_options(**options):
        raise Refusal(400, "bad_print_options", "printer, copies or layout has a wrong value.")
    return Push(guid=guid, sent_guid=payload["guid"], **signature, **options)


def _is_signature(ts=None, nonce=None, sig=None) -> bool:
    return (
        type(ts) is int
        and isinstance(nonce, str)
        and 8 <= len(nonce) <= 128
        and nonce.isprintable()
        and isinstance(sig, str)
        and len(sig) == 64
    )


def _are_print_options(printer="", copies=1, layout="") -> bool:
    return (
        isinstance(printer, str)
        and len(printer) <= 200
        and printer.isprintable()
        and type(copies) is int
        and 1 <= copies <= MAX_COPIES
        and layout in ("", *Layout)
    )


class RateLimiter:
    """At most ``per_minute`` requests per origin in any rolling minute."""

    def __init__(self, per_minute: int, max_origins: int = 1000) -> None:
        self.per_minute = per_minute
        self.max_origins = max_origins
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, origin: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if origin not in self._hits and len(self._hits) >= self.max_origins:
                self._forget_quiet_origins(now)
            hits = self._hits.setdefault(origin, deque())
            while hits and hits[0] < now - 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return False
            hits.append(now)
            return True

    def _forget_quiet_origins(self, now: float) -> None:
        """Origins silent for a minute hold no budget; memory stays with the last minute's."""
        for origin in [o for o, hits in self._hits.items() if not hits or hits[-1] < now - 60]:
            del self._hits[origin]
