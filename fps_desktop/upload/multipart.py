"""Large files in parts, and where an upload resumes.

Parts go several at a time from a pool shared by all files, so memory stays at
(parts in flight x part size) whatever the task size. Each finished part is recorded
in the store; on resume ListParts says what OSS holds, and a part is trusted only if
its size and MD5 match the local file. Where ListParts is refused or the upload is
gone (``NoSuchUpload``), that file's multipart starts again from scratch.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait

import oss2
from oss2.exceptions import NoSuchUpload, OssError
from oss2.models import PartInfo

from fps_desktop.errors import QT_TRANSLATE_NOOP, Cancelled, UploadError
from fps_desktop.jobs import CancelToken
from fps_desktop.upload.client import Retrying, is_fatal, is_transient, unreadable_answer
from fps_desktop.upload.crc64 import crc64, crc64_of_parts
from fps_desktop.upload.progress import Tracker
from fps_desktop.upload.remote import META_MD5, RemoteCopies
from fps_desktop.upload.sending import Sender, md5_header, read_range, unreadable_file
from fps_desktop.upload.store import FileRow, Task, TaskStore

log = logging.getLogger(__name__)


def abort_upload(
    bucket: oss2.Bucket, store: TaskStore, task: Task, seq: int, rel: str, upload_id: str
) -> None:
    """Drop a file's multipart upload at OSS (where the key may) and forget it in the store;
    also for a cancelled run, which may stop before any ``Multipart`` exists."""
    try:
        bucket.abort_multipart_upload(task.key(rel), upload_id)
    except OssError as exc:
        log.info("could not abort the upload of %s: %s", rel, exc)
    store.start_multipart(task.id, seq, None)


class Multipart:
    """Sends, resumes and completes the multipart uploads of one task's run."""

    def __init__(
        self,
        store: TaskStore,
        task: Task,
        bucket: oss2.Bucket,
        retrying: Retrying,
        cancel: CancelToken,
        sender: Sender,
        remote: RemoteCopies,
        parts_pool: ThreadPoolExecutor,
    ) -> None:
        self.store = store
        self.task = task
        self.bucket = bucket
        self.retrying = retrying
        self.cancel = cancel
        self.sender = sender
        self.tracker: Tracker = sender.tracker
        self.remote = remote
        self.parts_pool = parts_pool

    def abort(self, row: FileRow) -> None:
        """Drop the file's earlier multipart upload at OSS (where allowed) and forget it."""
        abort_upload(self.bucket, self.store, self.task, row.seq, row.rel, row.upload_id)

    def upload(
        self, row: FileRow, key: str, md5: str, part_size: int, upload_id: str | None, check
    ) -> str:
        """Send the file in parts, resuming ``upload_id`` with what OSS still holds; the ETag.

        ``check()`` raises if the file changed since it was hashed: the upload is then
        dropped before OSS joins the parts, so the object at ``key`` stays as it was.
        """
        done = self._verified_parts(row, key, upload_id, part_size) if upload_id else None
        if done is None:
            upload_id, done = self._start(row, key, md5), {}
        reused = sum(info[0] for info in done.values())
        self.tracker.resumed(row.seq, reused)
        try:
            parts = self._send_parts(row, key, upload_id, part_size, done)
        except NoSuchUpload:  # dropped at OSS meanwhile (a lifecycle rule): once more
            log.info("the multipart upload of %s is gone at OSS; starting it again", row.rel)
            self.tracker.rewind(sum(info[0] for info in done.values()), reused)
            upload_id, done = self._start(row, key, md5), {}
            parts = self._send_parts(row, key, upload_id, part_size, done)
        try:
            check()
        except Exception:  # none of it counts: the file is read and sent again
            abort_upload(self.bucket, self.store, self.task, row.seq, row.rel, upload_id)
            self.tracker.rewind(sum(part.size for part in parts), reused)
            raise
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
            self.abort(row)
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
            raise unreadable_file(row.path, exc) from exc
        checksum = md5_header(hashlib.md5(data).digest())
        result = self.sender.send(
            f"part {number} of {key}",
            data,
            lambda body: self.bucket.upload_part(
                key, upload_id, number, body, headers={"Content-MD5": checksum}
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
            if not self.remote.stored_with(key, md5, row.size):
                raise
            return self.remote.head(key).etag
        expected = crc64_of_parts([(part.size, part.part_crc) for part in parts])
        if result.crc is not None and result.crc != expected:
            raise UploadError(
                QT_TRANSLATE_NOOP(
                    "FpsError", "The data OSS received did not match the file (CRC check failed)."
                )
            )
        return result.etag
