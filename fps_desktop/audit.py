"""The local, append-only audit log: every push, every print and every value a clerk
typed over an invoice's, one JSON line each.

``audit.jsonl`` grows to ``max_bytes``, then is renamed ``audit-<time>.jsonl`` and a new
one started; the newest ``keep`` renamed files are kept and read as one history.

Every line carries ``"v"``, the version of its shape, so lines of several versions live
side by side in one append-only log (which is never rewritten): a line is brought to this
version when it is read, and a line from a newer version stops the reading with a message.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from fps_desktop.config import Paths
from fps_desktop.errors import QT_TRANSLATE_NOOP, StorageError
from fps_desktop.storage import write_all

log = logging.getLogger(__name__)

MAX_BYTES = 4 * 1024 * 1024
KEEP = 10
_write_lock = threading.Lock()


def _print_state(entry: dict) -> dict:
    """Before prints were followed in the print system, a print line was written once the
    spooler had taken the job and said no more: that is the state it recorded."""
    if entry.get("event") == "print":
        entry.setdefault("state", "completed")
        entry.setdefault("reason", "")
    return entry


def _claimed(entry: dict) -> dict:
    """Print lines name the files whose invoices were claimed before: before, a print
    named those printed anyway, a refusal for claimed invoices named them as its files."""
    if entry.get("event") == "print":
        refused = entry.get("reason") == "claimed_before"
        entry.setdefault("claimed", entry.get("files", []) if refused
                         else entry.get("duplicates_confirmed", []))  # fmt: skip
    return entry


# How entries evolve: migration n (1-based) turns an entry of version n - 1 into version n.
# Lines written before versions have no "v": version 0. Append a migration, never edit one
# that shipped.
MIGRATIONS = (_print_state, _claimed)
VERSION = len(MIGRATIONS)


@contextlib.contextmanager
def log_audit_failure() -> Iterator[None]:
    """A full or read-only disk must not stop the listener answering: log it instead."""
    try:
        yield
    except (OSError, StorageError):
        log.exception("cannot write to the audit log")


def timestamp() -> str:
    """The local time as every audit line writes it."""
    return time.strftime("%Y-%m-%d %H:%M:%S")


class AuditLog:
    """``audit.jsonl`` in the data folder; lines are only ever appended."""

    def __init__(self, paths: Paths, max_bytes: int = MAX_BYTES, keep: int = KEEP) -> None:
        self.path = paths.data_dir / "audit.jsonl"
        self.max_bytes = max_bytes
        self.keep = keep

    def record_push(self, origin: str, guid: str, accepted: bool, reason: str = "") -> None:
        self._append(
            {"event": "push", "origin": origin, "guid": guid, "accepted": accepted,
             "reason": reason}
        )  # fmt: skip

    def record_repeats(
        self, origin: str, guid: str, reason: str, repeats: int, first: str, last: str
    ) -> None:
        """The same refusal ``repeats`` more times between ``first`` and ``last``."""
        self._append(
            {"event": "push", "origin": origin, "guid": guid, "accepted": False,
             "reason": reason, "repeats": repeats, "first": first, "last": last}
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
        duplicates_confirmed: list[str] = (),
        claimed: list[str] = (),
        state: str = "completed",
        reason: str = "",
        print_id: str = "",
        job_id: int = 0,
    ) -> None:
        """One shape for every print, from the window, the CLI or PBMS.

        ``claimed`` names the files whose invoices were claimed before;
        ``duplicates_confirmed`` those the clerk chose to print anyway. ``state`` is what
        the print system said became of the job (``printing.queue_state``: refused, held,
        completed, failed...) with its ``reason``; a print refused before it started
        (claimed invoices, a GUID that does not open) is ``refused`` with the same fields.
        ``job_id`` is the job's number in the system's queue, ``print_id`` the app's own.
        """
        self._append(
            {"event": "print", "guid": guid, "files": files, "sheets": sheets,
             "printer": printer, "copies": copies, "layout": layout, "pages": pages,
             "duplex": duplex, "grayscale": grayscale, "user": user, "via": via,
             "duplicates_confirmed": list(duplicates_confirmed), "claimed": list(claimed),
             "state": state, "reason": reason, "print_id": print_id, "job_id": job_id}
        )  # fmt: skip

    def record_correction(self, guid: str, file: str, changes: dict[str, list[str]],
                          user: str) -> None:  # fmt: skip
        """Values a clerk entered for one invoice file: field -> [read before, entered]."""
        self._append({"event": "correction", "guid": guid, "file": file, "changes": changes,
                      "user": user})  # fmt: skip

    def entries(self, limit: int = 500) -> list[dict]:
        """The newest ``limit`` entries, newest first, across rotated files; damage skipped.

        Read from the end in blocks, so years of history open as fast as a day's. The one
        reader of the log for the window and the command line: every entry is a dict in
        this version's shape; ``event_of`` says what it records. A StorageError says that
        a newer FPS Desktop has written to the log.
        """
        found: list[dict] = []
        for path in [self.path, *reversed(self._rotated())]:
            for line in _lines_from_end(path):
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(entry, dict):
                    continue
                version = entry.get("v", 0)
                if type(version) is not int or version < 0:
                    continue  # damaged
                if version > VERSION:
                    raise StorageError(
                        QT_TRANSLATE_NOOP(
                            "FpsError",
                            "The audit log {path} has entries from a newer FPS Desktop "
                            "(version {found}; this one reads up to {known}). Update FPS "
                            "Desktop to see the history; nothing was changed.",
                        ),
                        path=str(path),
                        found=version,
                        known=VERSION,
                    )
                for migration in MIGRATIONS[version:]:
                    entry = migration(entry)
                entry["v"] = VERSION
                found.append(entry)
                if len(found) >= limit:
                    return found
        return found

    def _rotated(self) -> list[Path]:
        """Renamed logs, oldest first (their names sort by time)."""
        return sorted(self.path.parent.glob("audit-*.jsonl"))

    def _append(self, entry: dict) -> None:
        entry = {"time": timestamp(), "v": VERSION, **entry}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _write_lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                write_all(fd, line.encode("utf-8"))
                written = os.fstat(fd)
            finally:
                os.close(fd)
            if written.st_size >= self.max_bytes:
                self._rotate(written.st_ino)

    def _rotate(self, inode: int) -> None:
        """Rename the full log; a failure (another process has it open on Windows) waits.

        Rotated names are unique and never renamed again, and only the file just found
        full is renamed, so another process rotating too never overwrites history.
        """
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        try:
            if os.stat(self.path).st_ino != inode:
                return  # another process rotated it first
            os.rename(self.path, self.path.with_name(f"audit-{stamp}.jsonl"))
        except OSError:
            return
        for old in self._rotated()[: -self.keep]:
            with contextlib.suppress(OSError):
                old.unlink()


EVENTS = ("push", "print", "correction")


def event_of(entry: dict) -> str:
    """What an entry records: one of ``EVENTS``, or "other" for one this version does
    not know (a newer version wrote it, or a damaged line that still parses)."""
    event = entry.get("event")
    return event if event in EVENTS else "other"


def described_changes(entry: dict) -> str:
    """A correction's changes as one line: ``total 100.00 → 108.00, date — → 2025-02-14``."""
    changes = entry.get("changes")
    if not isinstance(changes, dict):
        return ""
    return ", ".join(f"{name} {pair[0] or '—'} → {pair[1] or '—'}" for name, pair in
                     changes.items() if isinstance(pair, list) and len(pair) == 2)  # fmt: skip


def _lines_from_end(path: Path, block: int = 64 * 1024) -> Iterator[str]:
    try:
        handle = path.open("rb")
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
