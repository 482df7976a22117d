"""Running an upload task: start, pause, cancel, several files at once, the summary.

Every file is hashed (MD5) and skipped when OSS already holds its content
(``remote.py``); smaller files go in one PUT (``sending.py``), larger ones in parts
that resume where an interrupted run stopped (``multipart.py``). Progress is counted
in ``progress.py``; retries live with the requests (``client.Retrying``,
``sending.Sender``). A run that stops for any reason leaves the task resumable.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from oss2.exceptions import OssError

from fps_desktop.errors import (
    QT_TRANSLATE_NOOP,
    Cancelled,
    FpsError,
    Paused,
    UploadError,
    UsageError,
)
from fps_desktop.jobs import CancelToken, Progress, as_written
from fps_desktop.upload.client import OssConfig, Retrying, check_access, is_fatal, plain_error
from fps_desktop.upload.multipart import Multipart, abort_upload
from fps_desktop.upload.progress import Tracker, UploadProgress
from fps_desktop.upload.remote import META_MD5, ExistingObjects, RemoteCopies
from fps_desktop.upload.sending import Sender, md5_header, read_range, unreadable_file
from fps_desktop.upload.store import (
    CANCELLED,
    COMPLETED,
    DEDUPED,
    DONE,
    FAILED,
    PAUSED,
    PENDING,
    RUNNING,
    STOPPED,
    WITH_FAILURES,
    FileRow,
    TaskCounts,
    TaskStore,
    encode_error,
)
from fps_desktop.upload.tasks import part_size_for, remove_zip

log = logging.getLogger(__name__)

HASH_CHUNK = 4 * 1024 * 1024
CHANGED_TRIES = 3  # a file that changes while it is sent is sent again, this often in all


class FileChanged(Exception):
    """The file was written to while it was read for sending: what was read is no version
    of it, so it must not be stored."""


def identity(stat: os.stat_result) -> tuple[int, int, int]:
    """Size and change times: any write to the file changes them (ctime even when a writer
    puts the modification time back, on POSIX)."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def unchanged_since(path: str, before: tuple[int, int, int]) -> None:
    """Raise ``FileChanged`` if ``path`` is not the file that was stat'ed as ``before``."""
    try:
        now = identity(os.stat(path))
    except OSError as exc:
        raise unreadable_file(path, exc) from exc
    if now != before:
        raise FileChanged(path)


def file_md5(path: str, cancel: CancelToken) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            cancel.check()
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class UploadSummary:
    task_id: str
    counts: TaskCounts
    sent_bytes: int  # this run only: parts kept from an interrupted run are not sent again
    seconds: float
    reused_bytes: int = 0

    HEADLINE = QT_TRANSLATE_NOOP(
        "Jobs",
        "Task {task}: {uploaded} uploaded, {already} already there ({saved} bytes saved), "
        "{failed} failed, of {files} files.",
    )
    SENT = QT_TRANSLATE_NOOP("UploadSummary", "Sent {bytes} bytes in {seconds} s.")
    REUSED = QT_TRANSLATE_NOOP(
        "UploadSummary", "{bytes} bytes were already at OSS from the earlier run."
    )

    @property
    def headline_params(self) -> dict[str, object]:
        c = self.counts
        return {
            "task": self.task_id,
            "uploaded": c.done_files,
            "already": c.saved_files,
            "saved": f"{c.saved_bytes:,}",
            "failed": c.failed_files,
            "files": c.files,
        }

    def lines(self, translate=as_written) -> list[str]:
        """The closing report; ``translate`` is Qt's in a window, the catalogue's in a terminal."""
        sent = translate("UploadSummary", self.SENT)
        sent = sent.format(bytes=f"{self.sent_bytes:,}", seconds=f"{self.seconds:.1f}")
        if self.reused_bytes:
            reused = translate("UploadSummary", self.REUSED)
            sent += " " + reused.format(bytes=f"{self.reused_bytes:,}")
        return [translate("Jobs", self.HEADLINE).format(**self.headline_params), sent]


class Uploader:
    """Runs one task at a time; ``pause()`` before cancelling keeps it resumable."""

    def __init__(
        self, store: TaskStore, config: OssConfig, parallel_parts: int = 4, file_workers: int = 4
    ) -> None:
        self.store = store
        self.config = config
        self.parallel_parts = max(1, parallel_parts)
        self.file_workers = max(1, file_workers)
        self.tracker: Tracker | None = None
        self._pause = False
        self._fatal: Exception | None = None

    def pause(self) -> None:
        """The next cancel stops without aborting multipart uploads."""
        self._pause = True

    def snapshot(self) -> UploadProgress | None:
        return self.tracker.snapshot() if self.tracker else None

    # -- the run -------------------------------------------------------------------------
    def run(self, task_id: str, progress: Progress, cancel: CancelToken) -> UploadSummary:
        task = self.store.task(task_id)
        if task is None:
            raise UsageError(
                QT_TRANSLATE_NOOP("FpsError", "There is no upload task {task}."), task=task_id
            )
        started = time.monotonic()
        self._fatal = None
        self.task, self.cancel = task, cancel
        # The task's own bucket, whatever the panel or the settings point at meanwhile.
        self.config = replace(self.config, bucket=task.bucket)
        self.bucket = self.config.connect(pool_size=self.file_workers + self.parallel_parts + 2)
        self.retrying = Retrying(self.config, cancel)
        self.tracker = Tracker(
            self.store.counts(task.id), self.store.kept_parts(task.id), progress, task.id
        )
        self.store.set_state(task.id, RUNNING)
        try:
            access = check_access(self.bucket, self.config, self.task.prefix, self.retrying)
            enough = max(10_000, 2 * self.tracker.files_total)
            existing = ExistingObjects.listed(self.bucket, self.task.prefix, self.retrying, enough)
            self.remote = RemoteCopies(self.bucket, self.retrying, existing, access.can_read)
            self.sender = Sender(self.tracker, self.retrying)
            with ThreadPoolExecutor(self.parallel_parts, "oss-part") as parts_pool:
                self.multipart = Multipart(
                    self.store,
                    self.task,
                    self.bucket,
                    self.retrying,
                    cancel,
                    self.sender,
                    self.remote,
                    parts_pool,
                )
                self._run_files()
        except Cancelled:
            raise self._stopped() from None
        except FpsError as exc:
            self.store.set_state(task.id, STOPPED, encode_error(exc))
            raise
        except Exception as exc:  # whatever it was, the task stays resumable
            log.exception("upload task %s stopped", task.id)
            error = UploadError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "The upload stopped because of an unexpected problem ({reason}). Resume "
                    "the task to carry on; the details are in the log file.",
                ),
                reason=f"{type(exc).__name__}: {exc}"[:200],
            )
            self.store.set_state(task.id, STOPPED, encode_error(error))
            raise error from exc
        finally:
            self.bucket.session.session.close()  # close pooled sockets now, not at GC
            self.store.flush()
            self.tracker.flush()
        if self._fatal is not None:
            error = plain_error(self._fatal, self.config)
            self.store.set_state(task.id, STOPPED, encode_error(error))
            raise error
        if cancel.cancelled:
            raise self._stopped()
        counts = self.store.counts(task.id)
        self.store.set_state(task.id, WITH_FAILURES if counts.failed_files else COMPLETED)
        if task.zip and not counts.failed_files:
            remove_zip(self.store, task)
        seconds = time.monotonic() - started
        return UploadSummary(task.id, counts, self.tracker.sent, seconds, self.tracker.reused_bytes)

    def _run_files(self) -> None:
        slots = threading.BoundedSemaphore(self.file_workers * 2)
        with ThreadPoolExecutor(self.file_workers, "oss-file") as files_pool:
            for row in self.store.files(self.task.id, (PENDING,)):
                while not slots.acquire(timeout=0.2):
                    if self.cancel.cancelled:
                        return
                if self.cancel.cancelled:
                    slots.release()
                    return
                future = files_pool.submit(self._one_file, row)
                future.add_done_callback(lambda _: slots.release())

    def _stopped(self) -> Cancelled:
        """What the run ends with: paused, resumable with every part sent so far; or
        cancelled, its multipart uploads dropped at OSS."""
        if self._pause:
            self.store.set_state(self.task.id, PAUSED)
            return Paused()
        for seq, rel, upload_id in self.store.open_uploads(self.task.id):
            abort_upload(self.bucket, self.store, self.task, seq, rel, upload_id)
        self.store.set_state(self.task.id, CANCELLED)
        return Cancelled()

    # -- one file ------------------------------------------------------------------------
    def _one_file(self, row: FileRow) -> None:
        key = self.task.key(row.rel)
        try:
            state, etag = self._upload_changing(row, key)
        except Cancelled:
            return
        except OssError as exc:
            if is_fatal(exc):
                self._fatal = exc
                self.cancel.cancel()
                return
            log.info("upload of %s failed: %s", row.rel, exc)
            self._failed(row, plain_error(exc, self.config))
        except FpsError as exc:
            log.info("upload of %s failed: %s", row.rel, exc.message)
            self._failed(row, exc)
        except Exception:
            log.exception("upload of %s crashed", row.rel)
            self._failed(
                row,
                UploadError(
                    QT_TRANSLATE_NOOP(
                        "FpsError", "Unexpected error; the details are in the log file."
                    )
                ),
            )
        else:
            self.store.finish_file(self.task.id, row.seq, state, etag)
            self.tracker.file_finished(row, state)

    def _upload_changing(self, row: FileRow, key: str) -> tuple[str, str | None]:
        """Upload the file; if it changed while being read, read and send it again."""
        for _ in range(CHANGED_TRIES - 1):
            try:
                return self._upload_file(row, key)
            except FileChanged:
                log.info("%s changed while it was uploaded; sending it again", row.path)
                row = replace(row, upload_id=None)  # aborted: its parts belong to another version
        try:
            return self._upload_file(row, key)
        except FileChanged:
            raise UploadError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "{path} kept changing while it was uploaded, so it was not stored. Upload "
                    "it again once the program writing it has finished.",
                ),
                path=row.path,
            ) from None

    def _failed(self, row: FileRow, error: FpsError) -> None:
        self.store.finish_file(self.task.id, row.seq, FAILED, error=encode_error(error))
        self.tracker.file_finished(row, FAILED)

    def _upload_file(self, row: FileRow, key: str) -> tuple[str, str | None]:
        try:
            stat = os.stat(row.path)
            before = identity(stat)
            changed = (stat.st_size, stat.st_mtime) != (row.size, row.mtime)
            part_size = part_size_for(stat.st_size, self.task.part_size)
            data = None
            if stat.st_size < part_size:
                data = read_range(row.path, 0, stat.st_size)
                md5 = hashlib.md5(data).hexdigest()
            else:
                md5 = row.md5 if row.md5 and not changed else file_md5(row.path, self.cancel)
        except OSError as exc:
            raise unreadable_file(row.path, exc) from exc
        unchanged_since(row.path, before)  # the bytes read (and hashed) are one version
        if changed or md5 != row.md5:
            self.store.set_md5(self.task.id, row.seq, md5, stat.st_size, stat.st_mtime)
            row = FileRow(
                row.seq,
                row.path,
                row.rel,
                stat.st_size,
                stat.st_mtime,
                md5,
                row.state,
                row.upload_id,
                row.error,
            )
        upload_id = row.upload_id
        if upload_id and changed:
            self.multipart.abort(row)
            upload_id = None
        if self.remote.already_there(key, md5, stat.st_size):
            if upload_id:
                self.multipart.abort(row)
            return DEDUPED, None
        if data is not None:
            return DONE, self._put(key, data, md5)
        # Parts are read after the hash: before OSS joins them, the file must be as hashed.
        check = lambda: unchanged_since(row.path, before)  # noqa: E731
        return DONE, self.multipart.upload(row, key, md5, part_size, upload_id, check)

    def _put(self, key: str, data: bytes, md5: str) -> str:
        headers = {"Content-MD5": md5_header(bytes.fromhex(md5)), META_MD5: md5}
        return self.sender.send(
            f"PUT {key}", data, lambda body: self.bucket.put_object(key, body, headers=headers)
        ).etag
