"""The checks a request must pass before the listener acts on it.

Pure functions and small stateful guards (rate limit, nonce memory), so each
rule can be tested alone and the server reads as a list of refusals.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from dataclasses import dataclass

from fps_desktop.documents.guid import normalize_guid
from fps_desktop.errors import UsageError

SIGNATURE_WINDOW_SECONDS = 120


@dataclass(frozen=True)
class Refusal(Exception):
    """Why a request was refused: HTTP status, a short code and a plain sentence."""

    status: int
    code: str
    message: str


def allowed_hosts(port: int) -> set[str]:
    """Host headers a loopback client sends; anything else may be DNS rebinding."""
    return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}


def check_host(host: str | None, port: int) -> None:
    if (host or "").strip().lower() not in allowed_hosts(port):
        raise Refusal(403, "bad_host", "Requests must address 127.0.0.1 or localhost.")


def check_origin(origin: str | None, allowed: set[str]) -> None:
    """No Origin (curl, PBMS back end) is allowed; a browser's Origin must be listed."""
    if origin is not None and origin.rstrip("/") not in allowed:
        raise Refusal(403, "origin_not_allowed", "This web site may not send documents here.")


def signature_for(secret: str, guid: str, ts: int, nonce: str) -> str:
    """HMAC-SHA256 over ``guid|ts|nonce``, hex: what PBMS computes with the shared secret."""
    message = f"{guid}|{ts}|{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class NonceMemory:
    """Remembers nonces inside the signature window so a captured push cannot replay."""

    def __init__(self, window: float = SIGNATURE_WINDOW_SECONDS, limit: int = 50_000) -> None:
        self.window = window
        self.limit = limit
        self._seen: dict[str, float] = {}
        self._order: deque[tuple[float, str]] = deque()
        self._lock = threading.Lock()

    def first_use(self, nonce: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._order and (self._order[0][0] < now - self.window or
                                   len(self._order) > self.limit):  # fmt: skip
                _, old = self._order.popleft()
                self._seen.pop(old, None)
            if nonce in self._seen:
                return False
            self._seen[nonce] = now
            self._order.append((now, nonce))
            return True


def check_signature(payload: dict, secret: str | None, nonces: NonceMemory) -> None:
    if not secret:
        raise Refusal(403, "signing_not_configured", "Signed pushes need a shared secret.")
    ts, nonce, signature = payload.get("ts"), payload.get("nonce"), payload.get("sig")
    if not isinstance(ts, int) or not isinstance(nonce, str) or not isinstance(signature, str):
        raise Refusal(401, "signature_required", "This push must be signed (ts, nonce, sig).")
    if not 8 <= len(nonce) <= 128:
        raise Refusal(400, "bad_nonce", "The nonce must have 8 to 128 characters.")
    if abs(time.time() - ts) > SIGNATURE_WINDOW_SECONDS:
        raise Refusal(401, "stale_signature", "The signature has expired; check the clocks.")
    expected = signature_for(secret, payload["guid"], ts, nonce)
    if not hmac.compare_digest(expected, signature.lower()):
        raise Refusal(401, "bad_signature", "The signature does not match.")
    if not nonces.first_use(nonce):
        raise Refusal(401, "replayed", "This push was already received.")


def parse_push(body: bytes) -> dict:
    """Strict schema: a JSON object with a valid ``guid`` and only known keys."""
    import json

    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refusal(400, "bad_json", "The body is not valid JSON.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("guid"), str):
        raise Refusal(400, "bad_schema", 'Send {"guid": "<32 hex digits>"}.')
    unknown = set(payload) - {"guid", "ts", "nonce", "sig", "printer", "copies", "layout"}
    if unknown:
        raise Refusal(400, "bad_schema", "Unknown fields in the request.")
    try:
        payload["guid"] = normalize_guid(payload["guid"])
    except UsageError:
        raise Refusal(400, "bad_guid", "The GUID must have 32 hexadecimal digits.") from None
    return payload


class RateLimiter:
    """At most ``per_minute`` accepted requests per origin in any rolling minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, origin: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(origin, deque())
            while hits and hits[0] < now - 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return False
            hits.append(now)
            return True
