"""One request body to OSS: read from the file, sent in slices, checked by CRC64.

A single PUT and every part of a multipart upload go out through ``Sender.send``,
so retries, the progress of an attempt that failed and the CRC comparison have one
home whatever the size of the file.
"""

from __future__ import annotations

import base64

from oss2.exceptions import InconsistentError

from fps_desktop.errors import QT_TRANSLATE_NOOP, UploadError
from fps_desktop.upload.client import Retrying
from fps_desktop.upload.crc64 import crc64
from fps_desktop.upload.progress import Attempt, Tracker


def read_range(path: str, offset: int, length: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read(length)


def unreadable_file(path: str, exc: OSError) -> UploadError:
    """The error of a file that cannot be read while it is being sent: names it and why."""
    return UploadError(
        QT_TRANSLATE_NOOP("FpsError", "Cannot read {path}: {reason}"),
        path=path,
        reason=exc.strerror or str(exc),
    )


def md5_header(digest: bytes) -> str:
    """An MD5 digest as the Content-MD5 header carries it (OSS refuses a body that differs)."""
    return base64.b64encode(digest).decode()


class CountingBody:
    """A request body sent in 256 KiB slices, counting progress after each.

    oss2's own progress and CRC adapters feed the socket 8 KiB at a time with Python
    calls in between, which halves throughput; a sized iterable keeps Content-Length
    and lets each slice go out in one system call. Iterating again replays it (retries).
    """

    SLICE = 256 * 1024

    def __init__(self, data: bytes, attempt: Attempt) -> None:
        self.data = data
        self.attempt = attempt

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self):
        view = memoryview(self.data)
        for start in range(0, len(view), self.SLICE):
            yield view[start : start + self.SLICE]
            self.attempt.sent(min(start + self.SLICE, len(view)))


def check_crc(what: str, data: bytes, result) -> int:
    """CRC64 of ``data``, after making sure OSS stored the same (when it says)."""
    crc = crc64(data)
    if result.crc is not None and result.crc != crc:
        raise InconsistentError(
            f"{what}: CRC64 {result.crc} from OSS, {crc} sent", result.request_id
        )
    return crc


class Sender:
    """Sends request bodies with retries, counting the bytes of each attempt."""

    def __init__(self, tracker: Tracker, retrying: Retrying) -> None:
        self.tracker = tracker
        self.retrying = retrying

    def send(self, what: str, data: bytes, send):
        """``send(body)`` with retries, then compare CRC64s (a mismatch is retried too).

        Progress counts the bytes of the attempt that worked: none of a failed one.
        """
        attempt = Attempt(self.tracker)

        def checked():
            result = send(CountingBody(data, attempt))
            result.crc = check_crc(what, data, result)
            return result

        try:
            result = self.retrying(what, checked, on_retry=attempt.rollback)
        except BaseException:
            attempt.rollback()
            raise
        attempt.settle(len(data))
        return result
