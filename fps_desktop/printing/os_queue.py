"""The operating system's print queue: what it accepted, and what became of the job.

Qt's print engine hands a job to the system and says nothing back, so a refused or
paused job looked printed. Here the job is submitted and followed in the queue
itself: CUPS (Linux, macOS) through its IPP interface (``ipp.py``), the Windows
spooler through ``winspool`` (``windows_queue.py``). Its answer (``queue_state.py``)
is the print's outcome for the window, the audit log, the register and PBMS.

No Qt.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from fps_desktop.errors import QT_TRANSLATE_NOOP, PrintError
from fps_desktop.jobs import CancelToken
from fps_desktop.printing import ipp
from fps_desktop.printing.queue_state import (
    CANCELLED,
    COMPLETED,
    FAILED,
    HELD,
    PRINTING,
    QUEUED,
    QueueState,
    Submitted,
    reason_words,
)

FOLLOW_SECONDS = 600.0  # a job still queued after this is reported as queued

_CUPS_PRINTER_REASONS = ("paused", "media-empty", "media-needed", "media-jam", "toner-empty",
                         "marker-supply-empty", "door-open", "offline")  # fmt: skip


def uses_cups() -> bool:
    return sys.platform != "win32"


class CupsQueue:
    """Submit to and follow jobs in the CUPS scheduler."""

    def __init__(self, client: ipp.Client | None = None) -> None:
        self.client = client or ipp.Client()

    def default_printer(self) -> str:
        try:
            return self.client.default_printer()
        except ipp.IppError as exc:
            raise _refusal("", exc) from exc

    def exists(self, printer: str) -> bool:
        """The printer (the default one when not named) is there to print to."""
        try:
            return bool(self.client.printer(printer, ["printer-name"]) if printer
                        else self.client.default_printer())  # fmt: skip
        except ipp.IppError:
            return False

    def submit(self, printer: str, pdf: Path, title: str, copies: int, duplex: bool,
               grayscale: bool) -> Submitted:  # fmt: skip
        """Hand ``pdf`` to ``printer``; a refusal raises ``PrintError`` with the reason."""
        job = [
            (ipp.INTEGER, "copies", copies),
            (ipp.KEYWORD, "sides", "two-sided-long-edge" if duplex else "one-sided"),
            (ipp.KEYWORD, "print-color-mode", "monochrome" if grayscale else "color"),
        ]
        name = printer or self.default_printer()
        if not name:
            raise PrintError(QT_TRANSLATE_NOOP(
                "FpsError", "No printer is set up as the default. Choose a printer."))  # fmt: skip
        try:
            return Submitted(name, self.client.print_job(name, title, pdf.read_bytes(), job))
        except ipp.IppError as exc:
            raise _refusal(name, exc) from exc

    def state(self, job: Submitted) -> QueueState:
        try:
            attrs = self.client.job(job.printer, job.job_id, [
                "job-state", "job-state-reasons", "job-state-message"])  # fmt: skip
            printer = self.client.printer(job.printer, [
                "printer-state", "printer-state-reasons", "printer-state-message"])  # fmt: skip
        except ipp.IppError as exc:
            if exc.status == ipp.NOT_FOUND:
                return QueueState(FAILED, "not-found", str(exc))
            return QueueState(FAILED, "no-answer", str(exc))
        code = int(attrs.get("job-state", [3])[0])
        message = str(attrs.get("job-state-message", [""])[0])
        reasons = [str(r) for r in printer.get("printer-state-reasons", [])]
        reason = next((r for known in _CUPS_PRINTER_REASONS for r in reasons
                       if r.startswith(known)), "")  # fmt: skip
        printer_stopped = int(printer.get("printer-state", [3])[0]) == 5
        detail = message or str(printer.get("printer-state-message", [""])[0])
        if code == 9:
            return QueueState(COMPLETED)
        if code == 7:
            return QueueState(CANCELLED, "cancelled", detail)
        if code == 8:
            return QueueState(FAILED, reason or "error", detail)
        if code in (4, 6) or printer_stopped:
            job_reasons = [str(r) for r in attrs.get("job-state-reasons", [])]
            return QueueState(HELD, reason or (job_reasons[0] if job_reasons else ""), detail)
        return QueueState(PRINTING if code == 5 else QUEUED, reason, detail)

    def cancel(self, job: Submitted) -> None:
        with contextlib.suppress(ipp.IppError):  # it finished meanwhile: its state says so
            self.client.cancel(job.printer, job.job_id)


class Refused(PrintError):
    """The print system did not take the job; ``reason`` is a key of ``REASONS``."""

    def __init__(self, printer: str, reason: str, detail: str) -> None:
        self.reason = reason
        super().__init__(
            QT_TRANSLATE_NOOP("FpsError", "The print system refused the job for {printer}: "
                              "{reason} ({detail})."),
            printer=printer or "default", reason=reason_words(reason), detail=detail,
        )  # fmt: skip


def _refusal(printer: str, exc: ipp.IppError) -> Refused:
    reason = {ipp.NOT_FOUND: "not-found", ipp.NOT_ACCEPTING: "rejecting"}.get(
        exc.status, "no-answer" if exc.status == 0 else "error")  # fmt: skip
    return Refused(printer, reason, str(exc))


def os_queue():
    """The queue of this operating system."""
    if uses_cups():
        return CupsQueue()
    from fps_desktop.printing.windows_queue import WindowsQueue

    return WindowsQueue()


def follow(queue, job: Submitted, cancel: CancelToken, report, deadline: float = FOLLOW_SECONDS
           ) -> QueueState:  # fmt: skip
    """Ask ``queue`` about ``job`` until it is final or held (``report(state)`` on each change).

    Cancelling cancels the job in the queue too, and returns its state after that.
    """
    end = time.monotonic() + deadline
    pause, last = 0.02, None
    while True:
        state = queue.state(job)
        if state != last:
            report(state)
            last = state
        if state.final or state.state == HELD or time.monotonic() > end:
            return state
        if cancel.wait(pause):
            final = cancel_in_queue(queue, job)
            report(final)
            return final
        pause = min(pause * 1.5, 1.0)


def cancel_in_queue(queue, job: Submitted) -> QueueState:
    """Cancel ``job`` in ``queue``; its state after that (completed, if it printed first)."""
    queue.cancel(job)
    return queue.state(job)
