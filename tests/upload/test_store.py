"""The task store evolves: a store written before versions opens, upgrades and resumes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from fps_desktop.errors import StorageError
from fps_desktop.upload.store import (
    COMPLETED,
    FAILED,
    MIGRATIONS,
    PENDING,
    WITH_FAILURES,
    TaskStore,
    error_text,
)

# Written by the store before it had a version: task 9f2177fb26dc finished with one
# failed file (its state then was the same word as the file's, "failed").
UNVERSIONED = Path(__file__).parent / "data" / "uploads-unversioned.sqlite3"
TASK, DONE_TASK = "9f2177fb26dc", "a4cc2d9a3522"


def version_of(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


@pytest.fixture
def old_store(tmp_path) -> Path:
    path = tmp_path / "uploads.sqlite3"
    shutil.copyfile(UNVERSIONED, path)
    return path


def test_a_store_from_before_versions_opens_upgraded_and_its_failures_retry(old_store):
    assert version_of(old_store) == 0
    store = TaskStore(old_store)
    try:
        assert WITH_FAILURES != FAILED
        assert store.task(TASK).state == WITH_FAILURES
        assert store.task(DONE_TASK).state == COMPLETED
        assert store.counts(TASK).failed_files == 1
        (failed,) = store.files(TASK, (FAILED,))
        assert (failed.rel, error_text(failed.error)) == ("scans/b.pdf", "OSS refused scans/b.pdf.")
        assert store.retry_failed(TASK) == 1
        assert [row.rel for row in store.files(TASK, (PENDING,))] == ["scans/b.pdf"]
    finally:
        store.close()
    assert version_of(old_store) == len(MIGRATIONS)
    TaskStore(old_store).close()  # opening again runs nothing twice
    assert version_of(old_store) == len(MIGRATIONS)


def test_a_new_store_starts_at_the_current_version(tmp_path):
    TaskStore(tmp_path / "uploads.sqlite3").close()
    assert version_of(tmp_path / "uploads.sqlite3") == len(MIGRATIONS)


def test_a_store_from_a_newer_version_is_refused_untouched(old_store):
    with sqlite3.connect(old_store) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    before = old_store.read_bytes()
    with pytest.raises(StorageError, match="newer FPS Desktop"):
        TaskStore(old_store)
    assert old_store.read_bytes() == before
