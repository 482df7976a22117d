"""Publishing an export's files: a folder new to a run appears whole, and files no
invoice claims any more are moved aside, never deleted.

A new folder is filled under a hidden staging name (``.{name}.partial``) and renamed
into place once the run's files are all written: one rename for the folder instead of
one per file, and a reader never sees half a folder. A full run moves files whose
invoice no longer qualifies to ``.removed/``, at the same relative path; an incremental
run does the same for the months whose fingerprint differs.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

from fps_desktop.export.names import STAGING, Names

log = logging.getLogger(__name__)

REMOVED = ".removed"  # files of invoices that no longer qualify are moved here


class StagedFolders:
    """The folders a run writes to: each either exists (files are written in place) or
    is new and staged, published by ``publish_all`` or dropped by ``discard_all``."""

    def __init__(self, output_dir: Path) -> None:
        self._staging: dict[str, str | None] = {}  # folder -> its staging folder, if new
        for leftover in output_dir.glob("*/" + STAGING.format("*")):  # a killed run's
            shutil.rmtree(leftover, ignore_errors=True)

    def staging_for(self, folder: str) -> str | None:
        """Where ``folder``'s files go: its staging folder if it is new, else ``None``."""
        if folder not in self._staging:
            if os.path.isdir(folder):
                self._staging[folder] = None
                for leftover in Path(folder).glob(".*.tmp"):  # from a killed run
                    leftover.unlink(missing_ok=True)
            else:
                head, tail = os.path.split(folder)
                staging = self._staging[folder] = os.path.join(head, STAGING.format(tail))
                os.makedirs(staging)
        return self._staging[folder]

    @property
    def created(self) -> set[str]:
        return {folder for folder, staging in self._staging.items() if staging}

    def publish_all(self) -> None:
        for folder, staging in self._staging.items():
            if staging:
                _publish(staging, folder)

    def discard_all(self) -> None:
        for staging in filter(None, self._staging.values()):
            shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: str, folder: str) -> None:
    """Give a staged folder its real name; file by file when the folder cannot be renamed.

    Windows refuses to rename a folder while a virus scanner still reads a file in it,
    and the real folder may have appeared meanwhile (created by hand, or a share's sync).
    """
    for pause in (0.05, 0.2, 0.5):
        try:
            os.rename(staging, folder)
            return
        except OSError:
            if os.path.exists(folder):
                break
            time.sleep(pause)
    os.makedirs(folder, exist_ok=True)
    for entry in os.scandir(staging):
        os.replace(entry.path, os.path.join(folder, entry.name))
    os.rmdir(staging)


def move_aside_stale(
    output_dir: str, places: list[tuple[str, str]], skip: set[str], names: Names, dry: bool = False
) -> int:
    """Move export files no invoice of this run claims to ``.removed/`` (``dry``: count them).

    ``places`` are (folder, name prefix): a whole folder (prefix ``""``) when the run
    read all of its invoices, one month's files (``202502``) when it read that month.
    Folders in ``skip`` are left alone: new ones, and those where a file failed (their
    claims are not complete).
    """
    out = output_dir
    moved = 0
    for folder, prefix in places:
        if folder in skip:
            continue
        try:
            entries = [e for e in os.scandir(folder) if e.name.startswith(prefix)]
        except OSError:
            continue
        for entry in entries:
            if names.claims(folder, entry.name) or not entry.is_file():
                continue
            if dry:
                moved += 1
                continue
            target = os.path.join(out, REMOVED, os.path.relpath(entry.path, out))
            try:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.replace(entry.path, target)
            except OSError as exc:  # it stays where it is; the next run retries
                log.warning("cannot move aside %s: %s", entry.path, exc)
                continue
            moved += 1
            log.info("moved aside %s: no qualifying invoice has this name", entry.path)
    return moved


def subfolders(folder: str) -> list[str]:
    """The country folders of a tenant folder (none if it does not exist)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return [e.path for e in entries if not e.name.startswith(".") and e.is_dir()]
