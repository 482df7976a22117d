"""The checks a request must pass before the listener acts on it.

Who may ask (the Host header against DNS rebinding, the Origin allowlist and the
CORS answer it earns, the rate limit) and what a push must be (its schema, its
signature, a nonce never seen before). Pure functions and small stateful guards, so
each rule can be tested alone and the server reads as a list of refusals.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import json
import logging
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from fps_desktop.documents.guid import normalize_guid
from fps_desktop.errors import StorageError, UsageError
from fps_desktop.layouts import LAYOUT_CHOICES, Layout
from fps_desktop.storage import write_atomically

log = logging.getLogger(__name__)

SIGNATURE_WINDOW_SECONDS = 120
SIGNATURE_FIELDS = frozenset({"ts", "nonce", "sig"})
PUSH_FIELDS = frozenset({"guid"}) | SIGNATURE_FIELDS
PRINT_FIELDS = PUSH_FIELDS | {"printer", "copies", "layout", "confirm_duplicates"}
MAX_COPIES = 20
MAX_TIMESTAMP = 10**11  # year 5138: bounds the arithmetic, refuses nothing real
HEX_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")


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
    ts: int | None = None
    nonce: str | None = None
    sig: str | None = None
    printer: str = ""
    copies: int = 1
    layout: str = ""
    confirm_duplicates: bool = False  # print invoices claimed before too
    fields: dict[str, str | int] = field(default_factory=dict)  # as sent, for the signature

    @property
    def signed(self) -> bool:
        return self.sig is not None


def allowed_hosts(port: int) -> set[str]:
    """Host headers a loopback client sends; anything else may be DNS rebinding."""
    return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}


def check_host(host: str | None, port: int) -> None:
    if (host or "").strip().lower() not in allowed_hosts(port):
        raise Refusal(403, "bad_host", "Requests must address 127.0.0.1 or localhost.")


def normalise_origin(origin: str) -> str:
    """One spelling per site: ``HTTPS://PBMS.example.edu/`` is ``https://pbms.example.edu``."""
    return origin.strip().rstrip("/").lower()


def check_origin(origin: str | None, allowed: set[str]) -> None:
    """No Origin (curl, PBMS back end) is allowed; a browser's Origin must be listed."""
    if origin is not None and normalise_origin(origin) not in allowed:
        raise Refusal(403, "origin_not_allowed", "This web site may not send documents here.")


def cors_headers(origin: str | None, private_network: bool) -> list[tuple[str, str]]:
    """What lets the page at ``origin`` read an answer: given only once it passed
    ``check_origin``; ``private_network`` when the browser asked to reach this computer."""
    if origin is None:
        return []
    headers = [
        ("Access-Control-Allow-Origin", origin),
        ("Vary", "Origin"),
        ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
        ("Access-Control-Allow-Headers", "Content-Type"),
        ("Access-Control-Max-Age", "600"),
    ]
    if private_network:
        headers.append(("Access-Control-Allow-Private-Network", "true"))
    return headers


def signed_message(method: str, path: str, fields: dict[str, str | int]) -> str:
    """What a signature covers: method, path and every body field but ``sig``, one per line.

    Sorted ``name=value`` lines need no JSON canonicalisation, so any language
    reproduces them byte for byte (docs/pbms-integration.md).
    """
    lines = [f"{name}={_signed_value(fields[name])}" for name in sorted(fields) if name != "sig"]
    return "\n".join([method, path, *lines])


def _signed_value(value: str | int | bool) -> str:
    """JSON's spelling of a value: ``true``/``false`` whatever language PBMS signs in."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def signature_for(secret: str, method: str, path: str, fields: dict[str, str | int]) -> str:
    """HMAC-SHA256 of ``signed_message``, hex: what PBMS computes with the shared secret."""
    message = signed_message(method, path, fields).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class NonceMemory:
    """Remembers each nonce until its timestamp leaves the window, so no capture replays.

    Keyed by the signed timestamp, not by arrival: a push stamped up to the window
    ahead of this clock stays refused for as long as its signature is accepted. With
    a ``path`` the nonces outlive a restart; without one (or when the file cannot be
    read) timestamps from before this process started are refused instead.
    """

    def __init__(
        self,
        path: Path | None = None,
        window: float = SIGNATURE_WINDOW_SECONDS,
        limit: int = 100_000,
    ) -> None:
        self.path = path
        self.window = window
        self.limit = limit
        self.not_before = int(time.time())
        self._seen: set[str] = set()
        self._expiry: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        if path is not None:
            self._load(path)

    def first_use(self, nonce: str, ts: int) -> bool:
        """True the first time; raises ``OSError`` or ``StorageError`` when it cannot be kept."""
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
            if self.path is not None:
                try:
                    self._rewrite()
                except (OSError, StorageError):
                    self._seen.discard(nonce)  # not kept: refuse now rather than replay later
                    self._expiry.remove((ts + self.window, nonce))
                    heapq.heapify(self._expiry)
                    raise
            return True

    def _load(self, path: Path) -> None:
        now = time.time()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        except (OSError, UnicodeDecodeError):
            log.warning("cannot read the signed-push nonces in %s; refusing older pushes", path)
            return
        self.not_before = 0
        for line in lines:
            try:
                ts, nonce = json.loads(line)
            except (ValueError, TypeError):
                continue  # the last line of a crash may be cut short
            if isinstance(ts, int) and isinstance(nonce, str) and ts + self.window >= now:
                self._seen.add(nonce)
                heapq.heappush(self._expiry, (ts + self.window, nonce))
        try:
            self._rewrite()
        except (OSError, StorageError):
            log.warning("cannot write the signed-push nonces in %s", path, exc_info=True)

    def _rewrite(self) -> None:
        """All live nonces in one atomic write: a crash leaves the old list, never half."""
        text = "".join(json.dumps([int(expiry - self.window), nonce], ensure_ascii=False) + "\n"
                       for expiry, nonce in self._expiry)  # fmt: skip
        write_atomically(self.path, text.encode("utf-8"), private=True)


def check_signature(
    push: Push, secret: str | None, nonces: NonceMemory, method: str, path: str
) -> None:
    if not secret:
        raise Refusal(403, "signing_not_configured", "Signed pushes need a shared secret.")
    if push.ts is None or push.nonce is None or push.sig is None:
        raise Refusal(401, "signature_required", "This push must be signed (ts, nonce, sig).")
    if abs(int(time.time()) - push.ts) > SIGNATURE_WINDOW_SECONDS:
        raise Refusal(401, "stale_signature", "The signature has expired; check the clocks.")
    expected = signature_for(secret, method, path, push.fields)
    if not hmac.compare_digest(expected, push.sig.lower()):
        raise Refusal(401, "bad_signature", "The signature does not match.")
    if push.ts < nonces.not_before:
        raise Refusal(
            401, "signed_before_start", "This push was signed before FPS Desktop started; "
            "send a new one.",
        )  # fmt: skip
    try:
        first = nonces.first_use(push.nonce, push.ts)
    except (OSError, StorageError):
        log.exception("cannot record the nonce of a signed push")
        raise Refusal(
            503, "nonce_not_stored", "The push cannot be recorded on this computer's disk."
        ) from None
    if not first:
        raise Refusal(401, "replayed", "This push was already received.")


def parse_push(body: bytes, fields: frozenset[str] = PUSH_FIELDS) -> Push:
    """Strict schema: a JSON object with a valid ``guid``, only ``fields``, right types."""
    try:
        payload = json.loads(body.decode("utf-8"))
        json.dumps(payload, ensure_ascii=False).encode("utf-8")  # no lone surrogates either
    except (UnicodeError, ValueError, RecursionError):
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
    names = ("printer", "copies", "layout", "confirm_duplicates")
    options = {key: payload[key] for key in names if key in payload}
    if options and not _are_print_options(**options):
        raise Refusal(400, "bad_print_options", "A print option has a wrong value.")
    return Push(guid=guid, **signature, **options, fields=payload)


def _is_signature(ts=None, nonce=None, sig=None) -> bool:
    return (
        type(ts) is int
        and 0 <= ts <= MAX_TIMESTAMP
        and isinstance(nonce, str)
        and 8 <= len(nonce) <= 128
        and nonce.isprintable()
        and isinstance(sig, str)
        and HEX_SIGNATURE.fullmatch(sig) is not None
    )


def _are_print_options(printer="", copies=1, layout="", confirm_duplicates=False) -> bool:
    return (
        type(confirm_duplicates) is bool
        and isinstance(printer, str)
        and len(printer) <= 200
        and printer.isprintable()
        and type(copies) is int
        and 1 <= copies <= MAX_COPIES
        and layout in ("", *Layout, *LAYOUT_CHOICES)
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
