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

from fps_desktop.errors import QT_TRANSLATE_NOOP, Cancelled, UploadError, UsageError
from fps_desktop.jobs import CancelToken, Progress, no_progress
from fps_desktop.upload.sending import unreadable_file
from fps_desktop.upload.store import FAILED, Task, TaskStore, encode_error

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


class Unreadable(Exception):
    """An entry of a chosen folder that cannot be sent; the task lists it as failed."""

    def __init__(self, error: UploadError) -> None:
        super().__init__(error.message)
        self.error = error


def walk(source: Path, top: str) -> Iterator[tuple[Path, str, os.stat_result | Unreadable]]:
    """Yield (path, relative key, stat) for a file or every file under a folder; an entry
    that cannot be read (a folder without permission, a link that loops or leads nowhere,
    a name that is not UTF-8) comes with an ``Unreadable`` in place of its stat."""
    if source.is_file():
        yield source, top, source.stat()
        return
    stack = [(source, top)]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            log.info("cannot read folder %s: %s", folder, exc)
            yield folder, rel + "/", Unreadable(unreadable_file(str(folder), exc))
            continue
        for entry in reversed(entries):
            name = f"{rel}/{entry.name}"
            if not _is_utf8(entry.name):
                shown = os.fsencode(entry.path).decode("utf-8", "replace")
                yield Path(shown), shown, Unreadable(_bad_name(shown))
            elif entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), name))
            else:
                found = _file_stat(entry)
                if found is not None:
                    yield Path(entry.path), name, found


def _file_stat(entry: os.DirEntry) -> os.stat_result | Unreadable | None:
    """A file's stat; the reason for a link that loops or leads nowhere; None for the rest
    (a link to a folder is not followed, sockets and pipes are no files)."""
    try:
        if entry.is_file():
            return entry.stat()
        if entry.is_symlink():
            os.stat(entry.path)
    except OSError as exc:
        return Unreadable(unreadable_file(entry.path, exc))
    return None


def _bad_name(shown: str) -> UploadError:
    return UploadError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "{path}: the name is not valid UTF-8 (as from an old Windows share); rename the "
            "file and upload it again.",
        ),
        path=shown,
    )


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by Python as lone surrogates
        return False
    return True


def top_names(sources: list[Path]) -> list[str]:
    """Each source's first level under the prefix: its own name, and ``name-2``, ``-3``...
    for a later one with the same name, so two folders called ``scans`` keep every file."""
    taken: set[str] = set()
    names = []
    for source in sources:
        stem, suffix = (source.stem, source.suffix) if source.is_file() else (source.name, "")
        name, number = source.name, 1
        while name.lower() in taken:
            number += 1
            name = f"{stem}-{number}{suffix}"
        taken.add(name.lower())
        names.append(name)
    return names


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
    batch, unreadable = [], []
    try:
        for seq, (path, rel, stat) in enumerate(files):
            cancel.check()
            if isinstance(stat, Unreadable):
                batch.append((seq, str(path), rel, 0, 0.0))
                unreadable.append((seq, stat.error))
            else:
                batch.append((seq, str(path), rel, stat.st_size, stat.st_mtime))
            if len(batch) >= BATCH:
                store.add_files(task.id, batch)
                batch.clear()
                progress(seq + 1, 0, rel)
    except Cancelled:  # half a manifest would resume as a smaller upload: none at all
        store.delete_task(task.id)
        raise
    store.add_files(task.id, batch)
    for seq, error in unreadable:  # listed as failed with the reason; the rest goes on
        store.finish_file(task.id, seq, FAILED, error=encode_error(error))
    store.flush()
    return task


def _listed(sources: list[Path]) -> Iterator[tuple[Path, str, os.stat_result | Unreadable]]:
    for source, top in zip(sources, top_names(sources), strict=True):
        yield from walk(source, top)


def _zipped(
    store: TaskStore, task: Task, sources: list[Path], progress: Progress, cancel: CancelToken
) -> Iterator[tuple[Path, str, os.stat_result]]:
    """Pack every source into one ZIP (paths kept) in the data folder; yield that file."""
    name = sources[0].stem if len(sources) == 1 else time.strftime("upload-%Y%m%d-%H%M%S")
    target = _zips(store) / f"{task.id}-{name}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path, rel, stat in _listed(sources):
            cancel.check()
            if isinstance(stat, Unreadable):
                raise stat.error  # a ZIP without it would look complete
            archive.write(path, rel)
            count += 1
            progress(count, 0, rel)
    yield target, f"{name}.zip", target.stat()


def _zips(store: TaskStore) -> Path:
    return store.path.parent / "upload-zips"


def remove_zip(store: TaskStore, task: Task) -> None:
    """Delete a task's ZIP once OSS holds it: kept until then, so a resume needs no repacking."""
    for archive in _zips(store).glob(f"{task.id}-*.zip"):
        try:
            archive.unlink()
        except OSError as exc:  # a scanner may hold it on Windows: the next completed run retries
            log.warning("cannot delete %s: %s", archive, exc)
