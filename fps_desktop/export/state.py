"""The seed's export state: per-tenant watermarks, their backups, and the run lock.

``.export_state/.last_export_time`` holds ``{tenant_id}|{export_time}|{record_count}|{status}``
lines; it is backed up before each run and replaced atomically once the run's files are on
disk, advancing only the tenants whose every group was written.
``.export_state/.export.lock`` holds the PID of the running export.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fps_desktop.errors import QT_TRANSLATE_NOOP, ExportError, FpsError, StorageError
from fps_desktop.storage import DISK_FULL

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
KEEP_BACKUPS = 20


@dataclass
class TenantState:
    tenant_id: int
    export_time: datetime
    record_count: int
    status: str

    def line(self) -> str:
        stamp = self.export_time.strftime(TIME_FORMAT)
        return f"{self.tenant_id}|{stamp}|{self.record_count}|{self.status}"


class ExportState:
    def __init__(self, output_dir: Path) -> None:
        self.folder = output_dir / ".export_state"
        self.path = self.folder / ".last_export_time"
        self.lock_path = self.folder / ".export.lock"

    def load(self) -> dict[int, TenantState]:
        states: dict[int, TenantState] = {}
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return states
        for number, line in enumerate(lines, 1):
            parts = line.strip().split("|")
            if not line.strip():
                continue
            try:
                tenant, stamp, count, status = parts
                states[int(tenant)] = TenantState(
                    int(tenant), datetime.strptime(stamp, TIME_FORMAT), int(count), status
                )
            except ValueError:
                log.warning("%s line %d is not tenant|time|count|status: ignored", self.path,
                            number)  # fmt: skip
        return states

    @staticmethod
    def watermark(states: dict[int, TenantState], tenant_id: int) -> datetime:
        """Export rows changed after this; a failed run keeps its old time, so nothing skips."""
        state = states.get(tenant_id)
        return state.export_time if state else EPOCH

    def backup(self) -> Path | None:
        if not self.path.exists():
            return None
        stamp = time.strftime("%Y%m%d%H%M%S") + f"{time.time() % 1:.6f}"[1:].replace(".", "")
        target = self.folder / f".last_export_time.backup.{stamp}"
        try:
            shutil.copy2(self.path, target)
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise state_error(exc, self.folder) from exc
        for old in sorted(self.folder.glob(".last_export_time.backup.*"))[:-KEEP_BACKUPS]:
            old.unlink(missing_ok=True)
        return target

    def save(self, states: dict[int, TenantState]) -> None:
        """Replace the state file atomically and durably."""
        write_state_file(self.path, "".join(states[t].line() + "\n" for t in sorted(states)))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One export at a time; a lock left by a dead process is taken over."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise state_error(exc, self.folder) from exc
        for _ in range(2):
            try:
                fd = os.open(self.lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = _lock_holder(self.lock_path)
                if holder and process_alive(holder):
                    raise ExportError(
                        QT_TRANSLATE_NOOP(
                            "FpsError",
                            "Another export is running (process {pid}). Wait for it to finish.",
                        ),
                        pid=holder,
                    ) from None
                log.warning("removing stale export lock of process %s", holder)
                self.lock_path.unlink(missing_ok=True)
                continue
            except OSError as exc:
                raise state_error(exc, self.folder) from exc
            with os.fdopen(fd, "w") as handle:
                handle.write(str(os.getpid()))
            break
        else:  # pragma: no cover - only if another process keeps racing us
            raise ExportError(QT_TRANSLATE_NOOP("FpsError", "The export lock is contended."))
        try:
            yield
        finally:
            self.lock_path.unlink(missing_ok=True)


def write_state_file(path: Path, text: str) -> None:
    """Replace a file of the state folder atomically and durably, or say plainly why not."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise state_error(exc, path.parent) from exc


def disk_full(where: Path) -> StorageError:
    """An export's full disk: its files or its state, the same advice."""
    return StorageError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "The disk holding {where} is full. Free some space and run the export again; "
            "nothing was marked as exported, so nothing is lost.",
        ),
        where=str(where),
    )


def state_error(exc: OSError, folder: Path) -> FpsError:
    """The export's state cannot be written: a full disk, or a folder it may not write."""
    if exc.errno in DISK_FULL:
        return disk_full(folder)
    return ExportError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "Cannot write the export's state in {folder}: {reason}. Check that this user may "
            "write there; nothing was marked as exported.",
        ),
        folder=str(folder),
        reason=exc.strerror or str(exc),
    )


def _lock_holder(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def process_alive(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFO
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
