"""Prints PBMS asked for, by id: what ``GET /api/print/<id>`` answers.

A signed print request gets an id at once; the print job writes its state here as
the print system reports it. One print of a GUID at a time: a second request while
the first is still open is refused as a duplicate instead of printing twice. No Qt.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass

from fps_desktop.listener.security import Refusal

KEEP = 500  # the newest prints kept for PBMS to ask about
OPEN_STATES = ("accepted", "queued", "printing")


@dataclass
class PrintState:
    job: str
    guid: str
    printer: str
    state: str = "accepted"  # then queued, printing, held, completed, cancelled, failed, refused
    reason: str = ""
    queue_job: int = 0  # the job's number in the system's print queue
    updated: float = 0.0

    def to_json(self) -> dict:
        return {"ok": True, **asdict(self)}


class PrintBook:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._prints: OrderedDict[str, PrintState] = OrderedDict()

    def open(self, guid: str, printer: str) -> str:
        """A new print of ``guid``; refused while another print of it is still open."""
        with self._lock:
            if any(p.guid == guid and p.state in OPEN_STATES for p in self._prints.values()):
                raise Refusal(409, "print_in_progress",
                              "This GUID is being printed already; ask for its state.")  # fmt: skip
            job = secrets.token_hex(8)
            self._prints[job] = PrintState(job, guid, printer, updated=time.time())
            while len(self._prints) > KEEP:
                self._prints.popitem(last=False)
            return job

    def update(self, job: str, state: str, reason: str = "", queue_job: int = 0) -> None:
        with self._lock:
            found = self._prints.get(job)
            if found is not None:
                found.state, found.reason, found.updated = state, reason, time.time()
                found.queue_job = queue_job or found.queue_job

    def get(self, job: str) -> PrintState | None:
        with self._lock:
            found = self._prints.get(job)
            return None if found is None else PrintState(**asdict(found))
