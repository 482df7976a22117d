"""Building an upload task: the manifest of relative paths and sizes, or one ZIP.

Folders are walked without recursion limits and written to the store in batches,
so a task of 20,000 files costs a few hundred rows of memory, not 20,000 objects.
A folder keeps its own name as the first level under the prefix: ``scans/`` sent
to ``2024/`` lands at ``2024/scans/...``.
"""

from __future__ import annotations

import logging
import os
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from fps_desktop.errors import QT_TRANSLATE_NOOP, Cancelled, UsageError
from fps_desktop.jobs import CancelToken, Progress, no_progress
from fps_desktop.upload.store import Task, TaskStore

log = logging.getLogger(__name__)

MIB = 1024 * 1024
DEFAULT_PART_SIZE = 5 * MIB
MIN_PART_SIZE = 100 * 1024  # OSS refuses smaller parts (except the last)
MAX_PARTS = 10_000
BATCH = 1000


def part_size_for(size: int, base: int = DEFAULT_PART_SIZE) -> int:
    """``base``, or the smallest whole MiB that keeps ``size`` within 10,000 parts."""
    needed = -(-size // MAX_PARTS)
    return base if needed <= base else -(-needed // MIB) * MIB


def normalise_prefix(prefix: str) -> str:
    prefix = prefix.replace("\\", "/").strip().strip("/")
    if any(part in ("..", ".") for part in prefix.split("/")):
        raise UsageError(
            QT_TRANSLATE_NOOP("FpsError", "The prefix {prefix} is not allowed."), prefix=prefix
        )
    return prefix + "/" if prefix else ""


def walk(source: Path) -> Iterator[tuple[Path, str, os.stat_result]]:
    """Yield (path, relative key, stat) for a file or every file under a folder."""
    if source.is_file():
        yield source, source.name, source.stat()
        return
    stack = [(source, source.name)]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            log.info("skipping unreadable folder %s: %s", folder, exc)
            continue
        for entry in reversed(entries):
            name = f"{rel}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), name))
            elif entry.is_file():
                yield Path(entry.path), name, entry.stat()


def create_task(
    store: TaskStore,
    sources: list[Path],
    bucket: str,
    prefix: str = "",
    zip_first: bool = False,
    part_size: int = DEFAULT_PART_SIZE,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> Task:
    """Record a new task and its manifest (or build its ZIP); nothing is uploaded yet."""
    sources = [Path(s).absolute() for s in sources]
    missing = [str(s) for s in sources if not s.exists()]
    if missing or not sources:
        raise UsageError(
            QT_TRANSLATE_NOOP("FpsError", "Nothing to upload: {paths} not found."),
            paths=", ".join(missing) or "-",
        )
    if part_size < MIN_PART_SIZE:
        raise UsageError(QT_TRANSLATE_NOOP("FpsError", "Parts must be at least 100 KB."))
    cancel = cancel or CancelToken()
    task = store.create_task(
        bucket, normalise_prefix(prefix), [str(s) for s in sources], zip_first, part_size
    )
    files = _zipped(store, task, sources, progress, cancel) if zip_first else _listed(sources)
    batch = []
    try:
        for seq, (path, rel, stat) in enumerate(files):
            cancel.check()
            batch.append((seq, str(path), rel, stat.st_size, stat.st_mtime))
            if len(batch) >= BATCH:
                store.add_files(task.id, batch)
                batch.clear()
                progress(seq + 1, 0, rel)
    except Cancelled:  # half a manifest would resume as a smaller upload: none at all
        store.delete_task(task.id)
        raise
    store.add_files(task.id, batch)
    store.flush()
    return task


def _listed(sources: list[Path]) -> Iterator[tuple[Path, str, os.stat_result]]:
    for source in sources:
        yield from walk(source)


def _zipped(
    store: TaskStore, task: Task, sources: list[Path], progress: Progress, cancel: CancelToken
) -> Iterator[tuple[Path, str, os.stat_result]]:
    """Pack every source into one ZIP (paths kept) in the data folder; yield that file."""
    name = sources[0].stem if len(sources) == 1 else time.strftime("upload-%Y%m%d-%H%M%S")
    target = store.path.parent / "upload-zips" / f"{task.id}-{name}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path, rel, _ in _listed(sources):
            cancel.check()
            archive.write(path, rel)
            count += 1
            progress(count, 0, rel)
    yield target, f"{name}.zip", target.stat()
