"""Writing the streamed rows' files in batches, so a file under its real name is always
whole: in a new (staged) folder directly, in an existing folder under a temporary name
renamed over the old file. An unchanged file is left untouched.
"""

from __future__ import annotations

import contextlib
import gzip
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fps_desktop.export.publish import StagedFolders
from fps_desktop.export.state import disk_full
from fps_desktop.storage import DISK_FULL, write_all

_BINARY = getattr(os, "O_BINARY", 0)


class FileWriter:
    """Writes files in batches, on the export's thread or on ``threads`` writer threads."""

    BATCH = 512

    def __init__(self, output_dir: Path, threads: int, compress: bool) -> None:
        self.compress = compress
        # One writer is the export's own thread: no GIL hand-off per file, and the server
        # builds the next rows meanwhile. More writers help only where each file waits.
        self.pool = (
            ThreadPoolExecutor(threads, thread_name_prefix="export-writer") if threads > 1 else None
        )
        self.in_flight: deque = deque()
        self.max_in_flight = threads * 2
        self.batch: list[tuple[str, str, bytes, str | None, object]] = []
        self.written = 0
        self.failures: list[tuple[str, OSError, object]] = []  # target, error, caller's tag
        self.folders = StagedFolders(output_dir)
        self._batches = 0

    def submit(self, folder: str, name: str, data: bytes, tag: object = None) -> None:
        self.batch.append((folder, name, data, self.folders.staging_for(folder), tag))
        if len(self.batch) >= self.BATCH:
            self._send()

    def _send(self) -> None:
        if not self.batch:
            return
        self._batches += 1
        if self.pool is None:
            self._count(*self._write(self._batches, self.batch))
        else:
            self.in_flight.append(self.pool.submit(self._write, self._batches, self.batch))
        self.batch = []
        while len(self.in_flight) > self.max_in_flight:  # bounded memory
            self._count(*self.in_flight.popleft().result())

    def _write(self, number: int, batch: list[tuple[str, str, bytes, str | None, object]]):
        done, failures = 0, []
        for index, (folder, name, data, staging, tag) in enumerate(batch):
            target = os.path.join(folder, name)
            # same folder: cheapest rename; a staging folder is hidden as a whole
            path = os.path.join(staging, name) if staging else f"{folder}/.{number}-{index}.tmp"
            try:
                if self.compress:
                    data = gzip.compress(data, compresslevel=6, mtime=0)
                if not staging and _same_content(target, data):  # reading beats writing
                    done += 1
                    continue
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o644)
                try:
                    write_all(fd, data)
                    if not hasattr(os, "sync"):  # no system-wide flush here: one file at a time
                        os.fsync(fd)
                finally:
                    os.close(fd)
                if not staging:
                    os.replace(path, target)
                done += 1
            except OSError as exc:
                with contextlib.suppress(OSError):
                    os.unlink(path)
                failures.append((target, exc, tag))
                if exc.errno in DISK_FULL:
                    break
        return done, failures

    def _count(self, done: int, failures: list[tuple[str, OSError, object]]) -> None:
        self.written += done
        self.failures += failures
        if any(exc.errno in DISK_FULL for _, exc, _ in failures):
            raise disk_full(Path(failures[0][0]).parent)

    @property
    def created(self) -> set[str]:
        """Folders new to this run."""
        return self.folders.created

    def finish(self) -> None:
        self._send()
        while self.in_flight:
            self._count(*self.in_flight.popleft().result())
        if self.pool is not None:
            self.pool.shutdown()
        self.folders.publish_all()

    def abandon(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        self.in_flight.clear()
        self.folders.discard_all()


class CountingWriter:
    """A dry run's writer: counts the files the real run would write, writes none."""

    def __init__(self) -> None:
        self.written = 0
        self.failures: list = []
        self.created: set[str] = set()

    def submit(self, folder: str, name: str, data: bytes, tag: object = None) -> None:
        self.written += 1

    def finish(self) -> None:
        pass

    def abandon(self) -> None:
        pass


def _same_content(target: str, data: bytes) -> bool:
    try:
        if os.stat(target).st_size != len(data):
            return False
        with open(target, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def flush_to_disk() -> None:
    """Make the written files durable before any watermark moves (files fsync'd on Windows)."""
    if hasattr(os, "sync"):
        os.sync()
