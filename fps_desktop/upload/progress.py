"""Upload progress: files and bytes counted as they land, the rate and the time left.

Parts of several files are sent at once from many threads, so the counting is kept
here behind one lock, apart from how the bytes travel: the live figures the panel
and the command line show come from this module only.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from fps_desktop.jobs import Progress
from fps_desktop.upload.store import DEDUPED, FAILED, FileRow, TaskCounts


def size_text(count: float) -> str:
    """Bytes as people read them; binary steps named as such (MiB, not MB)."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:,.0f} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1024
    return ""


def duration_text(seconds: float | None) -> str:
    """``1:02:03`` or ``2:03``; ``--:--`` while unknown."""
    if seconds is None:
        return "--:--"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


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

    def __str__(self) -> str:
        """The terminal's progress line: files, sizes, the current rate and the time left."""
        return (f"{self.files_finished:,}/{self.files_total:,} files, "
                f"{size_text(self.bytes_done)} of {size_text(self.bytes_total)}, "
                f"{size_text(self.rate)}/s, {duration_text(self.seconds_left)} left "
                f"{self.current}")  # fmt: skip


class Tracker:
    """Counts bytes as oss2 sends them (sub-part granularity) and throttles progress."""

    WINDOW = 5.0

    def __init__(
        self, counts: TaskCounts, kept: dict[int, int], progress: Progress, task_id: str = ""
    ) -> None:
        """``kept``: bytes of the parts recorded per unfinished file, counted as done until
        the file's run says what OSS still holds (``resumed``)."""
        self._lock = threading.RLock()  # progress may ask for a snapshot while reporting
        self._progress = progress
        self.task_id = task_id
        self.bytes_total = counts.bytes
        self.bytes_done = counts.progress_bytes
        self._kept = dict(kept)
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

    def resumed(self, seq: int, size: int) -> None:
        """File ``seq``'s parts OSS still holds from before (``size`` bytes, maybe none):
        done, but not sent (nor in the rate); they replace what was recorded for it."""
        with self._lock:
            self.bytes_done += size - self._kept.pop(seq, 0)
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
                self.bytes_done += row.size - self._kept.pop(row.seq, 0)
            elif state == FAILED:  # its parts stay at OSS for a retry
                self.failed_files += 1
            else:  # sent whole: any parts recorded before were dropped
                self.bytes_done -= self._kept.pop(row.seq, 0)
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


class Attempt:
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
