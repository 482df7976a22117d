"""Run a Job in a terminal: a one-line progress display and Ctrl+C to cancel."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from fps_desktop.config import Settings
from fps_desktop.jobs import CancelToken, Job, JobResult, as_written


class TerminalProgress:
    """Redraws one status line at most 10 times a second, on a TTY only."""

    def __init__(self, title: str, stream=None) -> None:
        self.title = title
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._live = self.stream.isatty()

    def __call__(self, done: int, total: int, message: str = "", detail: object = None) -> None:
        now = time.monotonic()
        if not self._live or (now - self._last_draw < 0.1 and done < total):
            return
        self._last_draw = now
        rate = done / max(now - self.started, 1e-6)
        percent = f"{100 * done / total:5.1f}%" if total else "     "
        if detail is not None:  # a job's own account (an upload: files, MiB, rate, time left)
            line = f"{self.title}: {percent} {detail}"
        else:
            line = f"{self.title}: {percent} {done:,}/{total:,} {rate:,.0f}/s {message}"
        width = self._width()
        self.stream.write("\r" + line[:width].ljust(width))  # one column spare: no wrap
        self.stream.flush()

    def _width(self) -> int:
        """The terminal's width now (it may be resized), less one column."""
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError):
            columns = 0
        return columns - 1 if columns > 20 else 79  # 0: a terminal that does not say

    def finish(self) -> None:
        if self._live:
            self.stream.write("\n")


def terminal_language(settings: Settings | None):
    """``translate(context, text)`` in the window's language (``ui.language``, else the
    system's), from the window's catalogue: summaries and messages, never JSON or CSV."""
    from fps_desktop.languages import translator

    return translator(settings.get("ui.language") if settings is not None else "")


def run_in_terminal(job: Job, quiet: bool = False, translate=as_written) -> JobResult:
    """Run ``job`` on this thread; the first Ctrl+C cancels it cleanly."""
    cancel = CancelToken()
    progress = TerminalProgress(job.heading(translate))
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    try:
        return job.run((lambda *a: None) if quiet else progress, cancel)
    finally:
        progress.finish()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def quiet_stdout() -> None:
    """After a reader closed the pipe: Python flushes stdout once more at exit, so point it
    at nothing and that stays quiet too."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
