"""Running an upload task: instant upload, multipart, resume, retries, progress.

Every file is hashed (MD5) and checked with HEAD first: content already at its key
(same MD5 in ``x-oss-meta-md5``) is skipped and counted as saved bytes. Smaller
files go in one PUT; larger ones in parts sent several at a time from a shared
pool, so memory stays at (parts in flight x part size) whatever the task size.
Each finished part is recorded; on resume ListParts says what OSS holds, and a
part is trusted only if its size and MD5 match the local file. Where ListParts is
refused or the upload is gone, that file's multipart starts again from scratch.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import threading
import time
from collections import deque
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import oss2
from oss2.exceptions import InconsistentError, NoSuchUpload, NotFound, OssError
from oss2.models import PartInfo

from fps_desktop.errors import QT_TRANSLATE_NOOP, Cancelled, FpsError, UploadError, UsageError
from fps_desktop.jobs import CancelToken, Progress
from fps_desktop.upload.client import (
    OssConfig,
    Retrying,
    check_access,
    is_fatal,
    is_refused,
    is_transient,
    listed_objects,
    plain_error,
    unreadable_answer,
)
from fps_desktop.upload.crc64 import crc64, crc64_of_parts
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
from fps_desktop.upload.tasks import part_size_for

log = logging.getLogger(__name__)

HASH_CHUNK = 4 * 1024 * 1024
META_MD5 = "x-oss-meta-md5"


def file_md5(path: str, cancel: CancelToken) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            cancel.check()
            digest.update(chunk)
    return digest.hexdigest()


def read_range(path: str, offset: int, length: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read(length)


def content_md5(data: bytes) -> tuple[str, str]:
    """(hex MD5, base64 MD5 for the Content-MD5 header)."""
    digest = hashlib.md5(data).digest()
    return digest.hex(), base64.b64encode(digest).decode()


@dataclass(frozen=True)
class UploadProgress:
    """What the panel shows: files and bytes, saved bytes, rate and time left."""

    files_finished: int
    files_total: int
    bytes_done: int
    bytes_total: int
    saved_bytes: int
    failed_files: int
    rate: float  # bytes per second sent, over the last few seconds
    seconds_left: float | None
    current: str
    task_id: str = ""


class Tracker:
    """Counts bytes as oss2 sends them (sub-part granularity) and throttles progress."""

    WINDOW = 5.0

    def __init__(self, counts: TaskCounts, progress: Progress, task_id: str = "") -> None:
        self._lock = threading.RLock()  # progress may ask for a snapshot while reporting
        self._progress = progress
        self.task_id = task_id
        self.bytes_total = counts.bytes
        self.bytes_done = counts.done_bytes + counts.saved_bytes
        self.files_total = counts.files
        self.files_finished = counts.finished_files
        self.saved_bytes = counts.saved_bytes
        self.failed_files = counts.failed_files
        self.sent = 0
        self.reused_bytes = 0
        self.current = ""
        self._samples: deque[tuple[float, int]] = deque([(time.monotonic(), 0)])
        self._last_emit = 0.0

    def add(self, sent: int) -> None:
        with self._lock:
            self.bytes_done += sent
            self.sent += sent
            self._emit()

    def reused(self, size: int) -> None:
        """Parts OSS already holds from before: done, but not sent (nor in the rate)."""
        with self._lock:
            self.bytes_done += size
            self.reused_bytes += size
            self._emit()

    def rewind(self, size: int, reused: int) -> None:
        """An upload OSS dropped: its ``size`` bytes (``reused`` of them kept from before)
        will be sent again."""
        with self._lock:
            self.bytes_done -= size
            self.reused_bytes -= reused

    def file_finished(self, row: FileRow, state: str) -> None:
        with self._lock:
            self.files_finished += 1
            if state == DEDUPED:
                self.saved_bytes += row.size
                self.bytes_done += row.size
            elif state == FAILED:
                self.failed_files += 1
            self.current = row.rel
            self._emit()

    def _emit(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_emit >= 0.1:
            self._last_emit = now
            self._samples.append((now, self.sent))
            while len(self._samples) > 2 and now - self._samples[0][0] > self.WINDOW:
                self._samples.popleft()
            self._progress(self.bytes_done, self.bytes_total, self.current)

    def flush(self) -> None:
        with self._lock:
            self._emit(force=True)

    def snapshot(self) -> UploadProgress:
        with self._lock:
            (t0, s0), now = self._samples[0], time.monotonic()
            rate = (self.sent - s0) / (now - t0) if now - t0 > 0.2 else 0.0
            left = self.bytes_total - self.bytes_done
            return UploadProgress(
                self.files_finished,
                self.files_total,
                self.bytes_done,
                self.bytes_total,
                self.saved_bytes,
                self.failed_files,
                rate,
                left / rate if rate > 0 else None,
                self.current,
                self.task_id,
            )


class _Attempt:
    """Progress of one request; undone if the request fails and is retried."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.counted = 0

    def sent(self, consumed: int) -> None:
        self.tracker.add(consumed - self.counted)
        self.counted = consumed

    def rollback(self) -> None:
        self.tracker.add(-self.counted)
        self.counted = 0

    def settle(self, size: int) -> None:
        self.tracker.add(size - self.counted)
        self.counted = size


ABSENT = object()


class ExistingObjects:
    """What is already under the task's prefix, from one listing instead of a HEAD per file.

    Keys past the listing's end (it stops at ``limit`` keys) and buckets that refuse
    to be listed (upload-only keys often may not) fall back to HEAD.
    """

    def __init__(self, objects: dict[str, tuple[int, str, str]], listed_to: str | None) -> None:
        self.objects = objects
        self.listed_to = listed_to  # None: complete; "": nothing known; else the last key

    @classmethod
    def listed(
        cls, bucket: oss2.Bucket, prefix: str, retrying: Retrying, limit: int
    ) -> ExistingObjects:
        objects: dict[str, tuple[int, str, str]] = {}
        last = ""
        try:
            for obj in listed_objects(bucket, prefix, retrying):
                objects[obj.key] = (obj.size, obj.etag or "", obj.type or "")
                last = obj.key
                if len(objects) >= limit:
                    return cls(objects, last)
            return cls(objects, None)
        except (OssError, UploadError) as exc:  # what was listed holds; HEAD for the rest
            log.info("cannot list %s past %r (%s); checking with HEAD", prefix, last, exc)
            return cls(objects, last)

    def lookup(self, key: str):
        """(size, etag, type) if listed, ABSENT if surely not there, None if unknown."""
        found = self.objects.get(key)
        if found is not None:
            return found
        if self.listed_to is None or key <= self.listed_to:
            return ABSENT
        return None


class _Body:
    """A request body sent in 256 KiB slices, counting progress after each.

    oss2's own progress and CRC adapters feed the socket 8 KiB at a time with Python
    calls in between, which halves throughput; a sized iterable keeps Content-Length
    and lets each slice go out in one system call. Iterating again replays it (retries).
    """

    SLICE = 256 * 1024

    def __init__(self, data: bytes, attempt: _Attempt) -> None:
        self.data = data
        self.attempt = attempt

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self):
        view = memoryview(self.data)
        for start in range(0, len(view), self.SLICE):
            yield view[start : start + self.SLICE]
            self.attempt.sent(min(start + self.SLICE, len(view)))


def _check_crc(what: str, data: bytes, result) -> int:
    """CRC64 of ``data``, after making sure OSS stored the same (when it says)."""
    crc = crc64(data)
    if result.crc is not None and result.crc != crc:
        raise InconsistentError(
            f"{what}: CRC64 {result.crc} from OSS, {crc} sent", result.request_id
        )
    return crc


@dataclass(frozen=True)
class UploadSummary:
    task_id: str
    counts: TaskCounts
    sent_bytes: int  # this run only: parts kept from an interrupted run are not sent again
    seconds: float
    reused_bytes: int = 0

    def lines(self) -> list[str]:
        c = self.counts
        sent = f"Sent {self.sent_bytes:,} bytes in {self.seconds:.1f} s."
        if self.reused_bytes:
            sent += f" {self.reused_bytes:,} bytes were already at OSS from the earlier run."
        return [
            f"Task {self.task_id}: {c.done_files} uploaded, {c.saved_files} already there "
            f"({c.saved_bytes:,} bytes saved), {c.failed_files} failed, of {c.files} files.",
            sent,
        ]


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
        self.task_id: str | None = None
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
        self.task_id, self._fatal = task.id, None
        self.task, self.cancel = task, cancel
        self.bucket = self.config.connect(pool_size=self.file_workers + self.parallel_parts + 2)
        self.retrying = Retrying(self.config, cancel)
        self.tracker = Tracker(self.store.counts(task.id), progress, task.id)
        self.store.set_state(task.id, RUNNING)
        try:
            self.access = check_access(self.bucket, self.config, self.task.prefix, self.retrying)
            enough = max(10_000, 2 * self.tracker.files_total)
            self.existing = ExistingObjects.listed(
                self.bucket, self.task.prefix, self.retrying, enough
            )
            with ThreadPoolExecutor(self.parallel_parts, "oss-part") as self.parts_pool:
                self._run_files()
        except Cancelled:
            self._stopped()
            raise
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
            self._stopped()
            raise Cancelled()
        counts = self.store.counts(task.id)
        self.store.set_state(task.id, WITH_FAILURES if counts.failed_files else COMPLETED)
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

    def _stopped(self) -> None:
        if self._pause:
            self.store.set_state(self.task.id, PAUSED)
            return
        for seq, rel, upload_id in self.store.open_uploads(self.task.id):
            try:
                self.bucket.abort_multipart_upload(self.task.key(rel), upload_id)
            except OssError as exc:
                log.info("could not abort the upload of %s: %s", rel, exc)
            self.store.start_multipart(self.task.id, seq, None)
        self.store.set_state(self.task.id, CANCELLED)

    # -- one file ------------------------------------------------------------------------
    def _one_file(self, row: FileRow) -> None:
        key = self.task.key(row.rel)
        try:
            state, etag = self._upload_file(row, key)
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

    def _failed(self, row: FileRow, error: FpsError) -> None:
        self.store.finish_file(self.task.id, row.seq, FAILED, error=encode_error(error))
        self.tracker.file_finished(row, FAILED)

    def _upload_file(self, row: FileRow, key: str) -> tuple[str, str | None]:
        try:
            stat = os.stat(row.path)
            changed = (stat.st_size, stat.st_mtime) != (row.size, row.mtime)
            part_size = part_size_for(stat.st_size, self.task.part_size)
            data = None
            if stat.st_size < part_size:
                data = read_range(row.path, 0, stat.st_size)
                md5 = hashlib.md5(data).hexdigest()
            else:
                md5 = row.md5 if row.md5 and not changed else file_md5(row.path, self.cancel)
        except OSError as exc:
            raise UploadError(
                QT_TRANSLATE_NOOP("FpsError", "Cannot read {path}: {reason}"),
                path=row.path,
                reason=exc.strerror or str(exc),
            ) from exc
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
            self._abort(row, key)
            upload_id = None
        if self._already_there(key, md5, stat.st_size):
            if upload_id:
                self._abort(row, key)
            return DEDUPED, None
        if data is not None:
            return DONE, self._put(key, data, md5)
        return DONE, self._multipart(row, key, md5, part_size, upload_id)

    def _head(self, key: str):
        head = self.retrying(f"HEAD {key}", lambda: self.bucket.head_object(key))
        head.resp.read()  # no body; reading hands the connection back to the pool
        return head

    def _already_there(self, key: str, md5: str, size: int) -> bool:
        listed = self.existing.lookup(key)
        if listed is ABSENT:
            return False
        if listed is not None:
            listed_size, listed_etag, kind = listed
            if listed_size != size:
                return False
            if kind == "Normal" and listed_etag.lower() == md5:
                return True
        return self.access.can_read and self._stored_with(key, md5, size)

    def _stored_with(self, key: str, md5: str, size: int) -> bool:
        """Ask OSS itself (HEAD): the MD5 in the object's metadata, or a plain ETag.

        A HEAD refused for this key (a policy by prefix) cannot tell: the file is sent.
        """
        try:
            head = self._head(key)
        except NotFound:
            return False
        except OssError as exc:
            if not is_refused(exc):
                raise
            log.info("HEAD %s refused; sending the file", key)
            return False
        recorded = head.headers.get(META_MD5) or ""
        plain_etag = (head.etag or "").lower() if head.object_type == "Normal" else ""
        return head.content_length == size and md5 in (recorded.lower(), plain_etag)

    def _put(self, key: str, data: bytes, md5: str) -> str:
        headers = {"Content-MD5": base64.b64encode(bytes.fromhex(md5)).decode(), META_MD5: md5}
        return self._send(
            f"PUT {key}", data, lambda body: self.bucket.put_object(key, body, headers=headers)
        ).etag

    def _send(self, what: str, data: bytes, send):
        """``send(body)`` with retries, then compare CRC64s (a mismatch is retried too).

        Progress counts the bytes of the attempt that worked: none of a failed one.
        """
        attempt = _Attempt(self.tracker)

        def checked():
            result = send(_Body(data, attempt))
            result.crc = _check_crc(what, data, result)
            return result

        try:
            result = self.retrying(what, checked, on_retry=attempt.rollback)
        except BaseException:
            attempt.rollback()
            raise
        attempt.settle(len(data))
        return result

    def _abort(self, row: FileRow, key: str) -> None:
        try:
            self.bucket.abort_multipart_upload(key, row.upload_id)
        except OssError as exc:
            log.info("could not abort the old upload of %s: %s", row.rel, exc)
        self.store.start_multipart(self.task.id, row.seq, None)

    # -- multipart -----------------------------------------------------------------------
    def _multipart(
        self, row: FileRow, key: str, md5: str, part_size: int, upload_id: str | None
    ) -> str:
        done = self._verified_parts(row, key, upload_id, part_size) if upload_id else None
        if done is None:
            upload_id, done = self._start(row, key, md5), {}
        reused = sum(info[0] for info in done.values())
        self.tracker.reused(reused)
        try:
            parts = self._send_parts(row, key, upload_id, part_size, done)
        except NoSuchUpload:  # dropped at OSS meanwhile (a lifecycle rule): once more
            log.info("the multipart upload of %s is gone at OSS; starting it again", row.rel)
            self.tracker.rewind(sum(info[0] for info in done.values()), reused)
            upload_id, done = self._start(row, key, md5), {}
            parts = self._send_parts(row, key, upload_id, part_size, done)
        return self._complete(row, key, md5, upload_id, parts)

    def _start(self, row: FileRow, key: str, md5: str) -> str:
        result = self.retrying(
            f"start {key}",
            lambda: self.bucket.init_multipart_upload(key, headers={META_MD5: md5}),
        )
        self.store.start_multipart(self.task.id, row.seq, result.upload_id)
        return result.upload_id

    def _send_parts(
        self,
        row: FileRow,
        key: str,
        upload_id: str,
        part_size: int,
        done: dict[int, tuple[int, str, int]],
    ) -> list[PartInfo]:
        """Send the parts not in ``done`` (which fills up as they land), several at a time."""
        count = max(1, -(-row.size // part_size))
        abandon = threading.Event()
        futures: list[Future] = [
            self.parts_pool.submit(self._part, row, key, upload_id, number, part_size, abandon)
            for number in range(1, count + 1)
            if number not in done
        ]
        finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
        if any(f.exception() for f in finished):
            abandon.set()
            wait(futures)
        for future in futures:
            if not future.exception():
                number, info = future.result()
                done[number] = info
        for future in futures:
            future.result()  # raises the first failure: the file fails
        return [PartInfo(n, done[n][1], size=done[n][0], part_crc=done[n][2]) for n in sorted(done)]

    def _verified_parts(
        self, row: FileRow, key: str, upload_id: str, part_size: int
    ) -> dict[int, tuple[int, str, int]] | None:
        """Parts OSS holds whose size and MD5 match the file; None to start afresh.

        Afresh when the upload is gone, or ListParts is refused (a write-only key),
        not implemented or unreadable: the old upload is aborted where allowed.
        """
        recorded = self.store.parts(self.task.id, row.seq)
        on_server: list[PartInfo] = []
        marker = ""
        try:
            while True:
                page = self.retrying(
                    f"list parts of {key}",
                    lambda m=marker: self.bucket.list_parts(key, upload_id, marker=m),
                )
                on_server += page.parts
                if not page.is_truncated:
                    break
                if not page.next_marker.isdigit() or int(page.next_marker) <= int(marker or 0):
                    raise unreadable_answer(
                        f"list parts of {key}", ValueError("a page said 'more' but did not move on")
                    )
                marker = page.next_marker
        except NoSuchUpload:
            self.store.start_multipart(self.task.id, row.seq, None)
            return None
        except (OssError, UploadError) as exc:
            if is_fatal(exc) or is_transient(exc):
                raise
            log.info("cannot list the parts of %s (%s); sending it again", row.rel, exc)
            self._abort(row, key)
            return None
        verified = {}
        for part in on_server:
            offset = (part.part_number - 1) * part_size
            if part.size != min(part_size, row.size - offset) or part.size <= 0:
                continue
            mine = recorded.get(part.part_number)
            if mine and mine[1].upper() == part.etag.upper():
                verified[part.part_number] = mine
                continue
            data = read_range(row.path, offset, part.size)
            if hashlib.md5(data).hexdigest().upper() == part.etag.upper():
                crc = crc64(data)
                verified[part.part_number] = (part.size, part.etag, crc)
                self.store.add_part(
                    self.task.id, row.seq, part.part_number, part.size, part.etag, crc
                )
        log.info("resuming %s: %d of its parts are already at OSS", row.rel, len(verified))
        return verified

    def _part(
        self,
        row: FileRow,
        key: str,
        upload_id: str,
        number: int,
        part_size: int,
        abandon: threading.Event,
    ) -> tuple[int, tuple[int, str, int]]:
        if abandon.is_set():
            raise Cancelled()
        self.cancel.check()
        try:
            data = read_range(row.path, (number - 1) * part_size, part_size)
        except OSError as exc:
            raise UploadError(
                QT_TRANSLATE_NOOP("FpsError", "Cannot read {path}: {reason}"),
                path=row.path,
                reason=exc.strerror or str(exc),
            ) from exc
        _, md5_header = content_md5(data)
        result = self._send(
            f"part {number} of {key}",
            data,
            lambda body: self.bucket.upload_part(
                key, upload_id, number, body, headers={"Content-MD5": md5_header}
            ),
        )
        if not result.etag:
            raise UploadError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "OSS accepted part {number} of {key} without an ETag, which it always "
                    "sends and which is needed to join the parts. A proxy or a storage "
                    "service that only imitates OSS is in between.",
                ),
                number=number,
                key=key,
            )
        self.store.add_part(self.task.id, row.seq, number, len(data), result.etag, result.crc)
        return number, (len(data), result.etag, result.crc)

    def _complete(
        self, row: FileRow, key: str, md5: str, upload_id: str, parts: list[PartInfo]
    ) -> str:
        try:
            result = self.retrying(
                f"complete {key}",
                lambda: self.bucket.complete_multipart_upload(key, upload_id, parts),
            )
        except NoSuchUpload:
            # A retried complete whose first answer was lost: OSS already joined the parts.
            if not self._stored_with(key, md5, row.size):
                raise
            return self._head(key).etag
        expected = crc64_of_parts([(part.size, part.part_crc) for part in parts])
        if result.crc is not None and result.crc != expected:
            raise UploadError(
                QT_TRANSLATE_NOOP(
                    "FpsError", "The data OSS received did not match the file (CRC check failed)."
                )
            )
        return result.etag
