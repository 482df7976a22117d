"""The local, append-only audit log: every push and every print, one JSON line each."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator

from fps_desktop.config import Paths
from fps_desktop.storage import write_all

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
        self,
        *,
        guid: str,
        files: list[str],
        sheets: int,
        printer: str,
        copies: int,
        layout: str,
        pages: str = "",
        duplex: bool = False,
        grayscale: bool = False,
        user: str = "",
        via: str = "",
    ) -> None:
        """One shape for every print, from the window, the CLI or PBMS."""
        self._append(
            {"event": "print", "guid": guid, "files": files, "sheets": sheets,
             "printer": printer, "copies": copies, "layout": layout, "pages": pages,
             "duplex": duplex, "grayscale": grayscale, "user": user, "via": via}
        )  # fmt: skip

    def entries(self, limit: int = 500) -> list[dict]:
        """The newest ``limit`` entries, newest first; damaged lines are skipped.

        Read from the end in blocks, so years of history open as fast as a day's.
        """
        found: list[dict] = []
        for line in self._lines_from_end():
            try:
                found.append(json.loads(line))
            except ValueError:
                continue
            if len(found) >= limit:
                break
        return found

    def _lines_from_end(self, block: int = 64 * 1024) -> Iterator[str]:
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            return
        with handle:
            end = handle.seek(0, os.SEEK_END)
            rest = b""
            while end > 0:
                start = max(0, end - block)
                handle.seek(start)
                lines = (handle.read(end - start) + rest).split(b"\n")
                rest = lines.pop(0)  # may be the tail of a line that starts in the block before
                yield from (line.decode("utf-8", "replace") for line in reversed(lines) if line)
                end = start
            if rest:
                yield rest.decode("utf-8", "replace")

    def _append(self, entry: dict) -> None:
        entry = {"time": time.strftime("%Y-%m-%d %H:%M:%S"), **entry}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _write_lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                write_all(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
