"""Refused pushes in the audit log, without a looping page burying the real ones.

The first refusal of a kind (same origin, same reason) is written at once; repeats
within ``window`` seconds are counted and written as one line with the count and the
first and last time. A flood of made-up origins folds into one "other origins" run.
Refusals of other addresses are coalesced the same way for the log, but not audited.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from fps_desktop.audit import AuditLog, log_audit_failure, timestamp
from fps_desktop.logs import escape_for_log

NO_ORIGIN = "no-origin"  # a refused request without an Origin header: any program, or a page
OTHER_ORIGINS = "other-origins"
SUMMARY_WINDOW = 60.0
MAX_RUNS = 32


@dataclass
class _Run:
    started: float
    guid: str
    repeats: int = 0
    first: str = ""
    last: str = ""


class RefusalLog:
    """Coalesces refusals per (origin, reason); ``flush_due`` writes the counts out."""

    def __init__(self, audit: AuditLog | None, window: float = SUMMARY_WINDOW) -> None:
        self.audit = audit
        self.window = window
        self._runs: dict[tuple[str, str], _Run] = {}
        self._lock = threading.Lock()

    def refused(self, origin: str | None, guid: str, reason: str, audited: bool = True) -> bool:
        """Count one refusal; True when it is the first of its run (worth a log line)."""
        sender = NO_ORIGIN if origin is None else escape_for_log(origin, 120)
        now = time.monotonic()
        with self._lock:
            self._flush(lambda run: now - run.started >= self.window)
            if (sender, reason, audited) not in self._runs and len(self._runs) >= MAX_RUNS:
                sender = OTHER_ORIGINS
            key = (sender, reason, audited)
            run = self._runs.get(key)
            if run is None:
                self._runs[key] = _Run(now, guid)
                if audited and self.audit is not None:
                    with log_audit_failure():
                        self.audit.record_push(sender, guid, False, reason)
                return True
            run.repeats += 1
            run.last = timestamp()
            run.first = run.first or run.last
            if run.guid != guid:
                run.guid = ""  # the repeats named different GUIDs
            return False

    def flush_due(self) -> None:
        now = time.monotonic()
        with self._lock:
            self._flush(lambda run: now - run.started >= self.window)

    def flush_all(self) -> None:
        with self._lock:
            self._flush(lambda run: True)

    def _flush(self, due) -> None:
        for key in [key for key, run in self._runs.items() if due(run)]:
            run = self._runs.pop(key)
            origin, reason, audited = key
            if run.repeats and audited and self.audit is not None:
                with log_audit_failure():
                    self.audit.record_repeats(
                        origin, run.guid, reason, run.repeats, run.first, run.last
                    )
