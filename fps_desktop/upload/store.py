"""The local record of upload tasks: files, MD5s, multipart ids and finished parts.

One SQLite file in the data folder, so a task survives a crash or a reboot and
resumes where it stopped. Rows are written in batches and read in pages: a task of
tens of thousands of files never sits in memory at once.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fps_desktop.errors import ERROR_CONTEXT, QT_TRANSLATE_NOOP, FpsError, StorageError

TABLES = """
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    bucket TEXT NOT NULL,
    prefix TEXT NOT NULL,
    sources TEXT NOT NULL,
    zip INTEGER NOT NULL DEFAULT 0,
    part_size INTEGER NOT NULL,
    state TEXT NOT NULL,
    error TEXT
);
CREATE TABLE IF NOT EXISTS files (
    task_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    path TEXT NOT NULL,
    rel TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    md5 TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    etag TEXT,
    upload_id TEXT,
    error TEXT,
    finished REAL,
    PRIMARY KEY (task_id, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS files_rel ON files (task_id, rel);
CREATE INDEX IF NOT EXISTS files_state ON files (task_id, state);
CREATE TABLE IF NOT EXISTS parts (
    task_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    number INTEGER NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    crc TEXT NOT NULL,
    PRIMARY KEY (task_id, seq, number)
);
"""
# How the store evolves: migration n (1-based) brings a store at PRAGMA user_version
# n - 1 to n, in one transaction. Stores from before versions are at 0 and already have
# the tables. Append a migration, never edit one that shipped.
MIGRATIONS = (
    TABLES,
    # A task that ended with failures was "failed", the word of a failed file.
    "UPDATE tasks SET state = 'with_failures' WHERE state = 'failed';",
)

# File states. "deduped" is an instant upload: the content was already at the target.
PENDING, DONE, DEDUPED, FAILED = "pending", "done", "deduped", "failed"
# Task states. A task left "running" by a crash is shown and resumed as interrupted.
NEW, RUNNING, PAUSED, COMPLETED, WITH_FAILURES, CANCELLED, STOPPED = (
    "new",
    "running",
    "paused",
    "completed",
    "with_failures",
    "cancelled",
    "stopped",
)
COMMIT_EVERY = 0.5  # seconds between commits of finished files


@dataclass(frozen=True)
class Task:
    id: str
    created: float
    bucket: str
    prefix: str
    sources: list[str]
    zip: bool
    part_size: int
    state: str
    error: str | None

    def key(self, rel: str) -> str:
        return self.prefix + rel


@dataclass(frozen=True)
class TaskCounts:
    """Files and bytes by state; what the task list and the progress bar show."""

    files: int = 0
    bytes: int = 0
    done_files: int = 0
    done_bytes: int = 0
    saved_files: int = 0
    saved_bytes: int = 0
    failed_files: int = 0
    part_bytes: int = 0  # parts at OSS of files not finished yet (multipart, resumable)

    @property
    def finished_files(self) -> int:
        return self.done_files + self.saved_files + self.failed_files

    @property
    def progress_bytes(self) -> int:
        """Bytes at OSS for the task: finished files, instant uploads and the parts sent
        of unfinished files, so a paused or resumed task shows what it has, not less."""
        return self.done_bytes + self.saved_bytes + self.part_bytes


@dataclass(frozen=True)
class FileRow:
    seq: int
    path: str
    rel: str
    size: int
    mtime: float
    md5: str | None
    state: str
    upload_id: str | None
    error: str | None


def error_text(error: str | None, translate=lambda context, text: text) -> str:
    """The reason of a stored failure; ``translate`` is Qt's in a window (its language)."""
    if not error:
        return ""
    data = json.loads(error)
    return translate(ERROR_CONTEXT, data["template"]).format(**data["params"])


def encode_error(exc: FpsError) -> str:
    return json.dumps(
        {"template": exc.template, "params": {k: str(v) for k, v in exc.params.items()}}
    )


class TaskStore:
    """Thread-safe access to the task database; one connection, short transactions."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._migrate()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._lock = threading.RLock()
        self._in_batch = False
        self._last_commit = 0.0

    def _migrate(self) -> None:
        """Bring the store to the last migration; a store from a newer build stays as is."""
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version > len(MIGRATIONS):
            self._db.close()
            raise StorageError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "The upload tasks in {path} were saved by a newer FPS Desktop. "
                    "Update FPS Desktop to see them; nothing was changed.",
                ),
                path=str(self.path),
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self._db.executescript(f"BEGIN; {script} PRAGMA user_version = {number}; COMMIT;")

    @classmethod
    def default(cls, data_dir: Path) -> TaskStore:
        return cls(data_dir / "uploads.sqlite3")

    def close(self) -> None:
        with self._lock:
            self.flush()
            self._db.close()

    # -- batching --------------------------------------------------------------------------
    def _write(self, sql: str, params: Iterable = (), many: bool = False, urgent=False) -> None:
        """Run a write inside the open batch; commit at most every COMMIT_EVERY seconds."""
        with self._lock:
            if not self._in_batch:
                self._db.execute("BEGIN")
                self._in_batch = True
            (self._db.executemany if many else self._db.execute)(sql, params)
            if urgent or time.monotonic() - self._last_commit > COMMIT_EVERY:
                self.flush()

    def flush(self) -> None:
        with self._lock:
            if self._in_batch:
                self._db.execute("COMMIT")
                self._in_batch = False
            self._last_commit = time.monotonic()

    def _read(self, sql: str, params: Iterable = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # -- tasks -----------------------------------------------------------------------------
    def create_task(
        self, bucket: str, prefix: str, sources: list[str], zip_first: bool, part_size: int
    ) -> Task:
        task_id = uuid.uuid4().hex[:12]
        self._write(
            "INSERT INTO tasks (id, created, bucket, prefix, sources, zip, part_size, state)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                task_id,
                time.time(),
                bucket,
                prefix,
                json.dumps(sources),
                int(zip_first),
                part_size,
                NEW,
            ),
            urgent=True,
        )
        return self.task(task_id)

    def task(self, task_id: str) -> Task | None:
        rows = self._read("SELECT * FROM tasks WHERE id = ?", (task_id,))
        if not rows:
            return None
        row = rows[0]
        return Task(
            row[0], row[1], row[2], row[3], json.loads(row[4]), bool(row[5]), row[6], row[7], row[8]
        )

    def tasks(self) -> list[Task]:
        ids = self._read("SELECT id FROM tasks ORDER BY created DESC")
        return [self.task(task_id) for (task_id,) in ids]

    def set_state(self, task_id: str, state: str, error: str | None = None) -> None:
        self._write(
            "UPDATE tasks SET state = ?, error = ? WHERE id = ?",
            (state, error, task_id),
            urgent=True,
        )

    def delete_task(self, task_id: str) -> None:
        for table, column in (("parts", "task_id"), ("files", "task_id"), ("tasks", "id")):
            self._write(f"DELETE FROM {table} WHERE {column} = ?", (task_id,))
        self.flush()

    # -- files -----------------------------------------------------------------------------
    def add_files(self, task_id: str, rows: list[tuple[int, str, str, int, float]]) -> int:
        """Insert (seq, path, rel, size, mtime) rows; a second file at the same key is skipped."""
        with self._lock:
            before = self._db.total_changes
            self._write(
                "INSERT OR IGNORE INTO files (task_id, seq, path, rel, size, mtime)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(task_id, *row) for row in rows],
                many=True,
            )
            return self._db.total_changes - before

    def files(self, task_id: str, states: tuple[str, ...], page: int = 500) -> Iterator[FileRow]:
        """Files in these states, read page by page so memory stays flat."""
        marks = ",".join("?" * len(states))
        last = -1
        while True:
            rows = self._read(
                "SELECT seq, path, rel, size, mtime, md5, state, upload_id, error FROM files"
                f" WHERE task_id = ? AND seq > ? AND state IN ({marks}) ORDER BY seq LIMIT ?",
                (task_id, last, *states, page),
            )
            for row in rows:
                yield FileRow(*row)
            if len(rows) < page:
                return
            last = rows[-1][0]

    def file_by_rel(self, task_id: str, rel: str) -> FileRow | None:
        rows = self._read(
            "SELECT seq, path, rel, size, mtime, md5, state, upload_id, error FROM files"
            " WHERE task_id = ? AND rel = ?",
            (task_id, rel),
        )
        return FileRow(*rows[0]) if rows else None

    def counts(self, task_id: str) -> TaskCounts:
        rows = self._read(
            "SELECT state, COUNT(*), COALESCE(SUM(size), 0) FROM files"
            " WHERE task_id = ? GROUP BY state",
            (task_id,),
        )
        by_state = {state: (count, size) for state, count, size in rows}
        return TaskCounts(
            part_bytes=sum(self.kept_parts(task_id).values()),
            files=sum(c for c, _ in by_state.values()),
            bytes=sum(s for _, s in by_state.values()),
            done_files=by_state.get(DONE, (0, 0))[0],
            done_bytes=by_state.get(DONE, (0, 0))[1],
            saved_files=by_state.get(DEDUPED, (0, 0))[0],
            saved_bytes=by_state.get(DEDUPED, (0, 0))[1],
            failed_files=by_state.get(FAILED, (0, 0))[0],
        )

    def set_md5(self, task_id: str, seq: int, md5: str, size: int, mtime: float) -> None:
        self._write(
            "UPDATE files SET md5 = ?, size = ?, mtime = ? WHERE task_id = ? AND seq = ?",
            (md5, size, mtime, task_id, seq),
        )

    def finish_file(
        self, task_id: str, seq: int, state: str, etag: str | None = None, error: str | None = None
    ) -> None:
        self._write(
            "UPDATE files SET state = ?, etag = ?, error = ?, finished = ?"
            " WHERE task_id = ? AND seq = ?",
            (state, etag, error, time.time(), task_id, seq),
        )
        if state in (DONE, DEDUPED):  # a failed file keeps its upload and parts for a retry
            self._write(
                "UPDATE files SET upload_id = NULL WHERE task_id = ? AND seq = ?", (task_id, seq)
            )
            self._write("DELETE FROM parts WHERE task_id = ? AND seq = ?", (task_id, seq))

    def retry_failed(self, task_id: str) -> int:
        with self._lock:
            before = self._db.total_changes
            self._write(
                "UPDATE files SET state = ?, error = NULL WHERE task_id = ? AND state = ?",
                (PENDING, task_id, FAILED),
                urgent=True,
            )
            return self._db.total_changes - before

    # -- multipart -------------------------------------------------------------------------
    def start_multipart(self, task_id: str, seq: int, upload_id: str | None) -> None:
        """Remember (or forget) the multipart upload of a file; its old parts go."""
        self._write(
            "UPDATE files SET upload_id = ? WHERE task_id = ? AND seq = ?",
            (upload_id, task_id, seq),
        )
        self._write("DELETE FROM parts WHERE task_id = ? AND seq = ?", (task_id, seq), urgent=True)

    def add_part(self, task_id: str, seq: int, number: int, size: int, etag: str, crc: int) -> None:
        self._write(
            "INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, ?, ?)",
            (task_id, seq, number, size, etag, str(crc)),
            urgent=True,
        )

    def kept_parts(self, task_id: str) -> dict[int, int]:
        """Bytes of the recorded parts per unfinished file (a finished file's parts go)."""
        rows = self._read(
            "SELECT seq, SUM(size) FROM parts WHERE task_id = ? GROUP BY seq", (task_id,)
        )
        return dict(rows)

    def parts(self, task_id: str, seq: int) -> dict[int, tuple[int, str, int]]:
        rows = self._read(
            "SELECT number, size, etag, crc FROM parts WHERE task_id = ? AND seq = ?",
            (task_id, seq),
        )
        return {number: (size, etag, int(crc)) for number, size, etag, crc in rows}

    def open_uploads(self, task_id: str) -> list[tuple[int, str, str]]:
        """(seq, rel, upload_id) of files with a multipart upload still open."""
        return self._read(
            "SELECT seq, rel, upload_id FROM files WHERE task_id = ? AND upload_id IS NOT NULL",
            (task_id,),
        )
