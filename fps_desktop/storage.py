"""Writing files so that a crash or a full disk never leaves half of one."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from fps_desktop.errors import QT_TRANSLATE_NOOP, StorageError

DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def disk_full_error(where: Path) -> StorageError:
    return StorageError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "The disk holding {where} is full. Free some space (or lower the cache size "
            "in Settings) and try again; nothing was lost.",
        ),
        where=str(where),
    )


def not_writable_error(where: Path) -> StorageError:
    return StorageError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "FPS Desktop may not write {where}: it is open in another program, or you may "
            "not change it there. Close it, or choose another place, and try again.",
        ),
        where=str(where),
    )


def write_all(fd: int, data: bytes) -> None:
    """os.write may write only part (a disk filling up, a size limit): go on or raise."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _umask() -> int:
    """The process's umask (read once: reading it means setting it, for every thread)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


DOCUMENT_MODE = 0o666 & ~_umask()  # as any program saving a document makes it: 0644 typically


def write_atomically(target: Path, data: bytes, private: bool = False) -> None:
    """Write ``data`` so that ``target`` is either the old or the new file, never half.

    The one atomic writer of the app (settings, the listener's instance file, nonces,
    the cache's manifests, merged and printed PDFs, exported files) with one file-mode
    policy: what the clerk or admin saves is readable like any document they save
    (``DOCUMENT_MODE``); the app's own state is ``private`` to the user. Its bytes and,
    on POSIX, the folder entry reach the disk before it counts.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")  # 0600: kept if private
        if os.name == "posix" and not private:
            os.fchmod(fd, DOCUMENT_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)  # Windows refuses while another program has the file open
        sync_folder(target.parent)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if exc.errno in DISK_FULL:
            raise disk_full_error(target.parent) from exc
        if isinstance(exc, PermissionError):
            raise not_writable_error(target) from exc
        raise


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` survive a power cut (POSIX; Windows has no folder fsync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
