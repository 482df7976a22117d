"""The local, append-only audit log: every push and every print, one JSON line each."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import deque

from fps_desktop.config import Paths

_write_lock = threading.Lock()


class AuditLog:
    """``audit.jsonl`` in the data folder; lines are only ever appended."""

    def __init__(self, paths: Paths) -> None:
        self.path = paths.data_dir / "audit.jsonl"

    def record_push(self, origin: str, guid: str, accepted: bool, reason: str = "") -> None:
        self._append(
            {"event": "push", "origin": origin, "guid": guid, "accepted": accepted,
             "reason": reason}
        )  # fmt: skip

    def record_print(
        self, guid: str, files: list[str], printer: str, copies: int, layout: str
    ) -> None:
        self._append(
            {"event": "print", "guid": guid, "files": files, "printer": printer,
             "copies": copies, "layout": layout}
        )  # fmt: skip

    def entries(self, limit: int = 500) -> list[dict]:
        """The newest ``limit`` entries, newest first; damaged lines are skipped."""
        try:
            with self.path.open(encoding="utf-8", errors="replace") as handle:
                tail = deque(handle, maxlen=limit)
        except FileNotFoundError:
            return []
        found = []
        for line in reversed(tail):
            try:
                found.append(json.loads(line))
            except ValueError:
                continue
        return found

    def _append(self, entry: dict) -> None:
        entry = {"time": time.strftime("%Y-%m-%d %H:%M:%S"), **entry}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _write_lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
