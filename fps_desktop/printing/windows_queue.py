"""Following a job in the Windows spooler (``winspool.drv`` through ctypes, no extra package).

Qt spools the job itself; it is found again by its title, which carries the print's
own id, and then asked about with ``GetJob``. A job the spooler no longer lists has
printed (Windows removes printed jobs unless the printer keeps them). Imported only
on Windows.
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes

from fps_desktop.printing.queue_state import (
    CANCELLED,
    COMPLETED,
    FAILED,
    HELD,
    PRINTING,
    QUEUED,
    QueueState,
    Submitted,
)

PAUSED, ERROR, DELETING, PRINTING_BIT, OFFLINE, PAPEROUT = 0x1, 0x2, 0x4, 0x10, 0x20, 0x40
PRINTED, DELETED, USER_INTERVENTION, COMPLETE = 0x80, 0x100, 0x400, 0x1000
JOB_CONTROL_DELETE = 5


class SYSTEMTIME(ctypes.Structure):
    _fields_ = [
        (name, wintypes.WORD)
        for name in ("wYear", "wMonth", "wDayOfWeek", "wDay", "wHour", "wMinute", "wSecond", "wMs")
    ]


class JOB_INFO_1(ctypes.Structure):  # noqa: N801 - the Windows name
    _fields_ = [("JobId", wintypes.DWORD), ("pPrinterName", wintypes.LPWSTR),
                ("pMachineName", wintypes.LPWSTR), ("pUserName", wintypes.LPWSTR),
                ("pDocument", wintypes.LPWSTR), ("pDatatype", wintypes.LPWSTR),
                ("pStatus", wintypes.LPWSTR), ("Status", wintypes.DWORD),
                ("Priority", wintypes.DWORD), ("Position", wintypes.DWORD),
                ("TotalPages", wintypes.DWORD), ("PagesPrinted", wintypes.DWORD),
                ("Submitted", SYSTEMTIME)]  # fmt: skip


class WindowsQueue:
    def __init__(self) -> None:
        self.spool = ctypes.WinDLL("winspool.drv", use_last_error=True)

    def _open(self, printer: str) -> wintypes.HANDLE:
        handle = wintypes.HANDLE()
        if not self.spool.OpenPrinterW(printer, ctypes.byref(handle), None):
            raise OSError(ctypes.get_last_error(), "OpenPrinter")
        return handle

    def _jobs(self, printer: str) -> list[JOB_INFO_1]:
        handle = self._open(printer)
        try:
            needed, count = wintypes.DWORD(), wintypes.DWORD()
            self.spool.EnumJobsW(handle, 0, 999, 1, None, 0, ctypes.byref(needed),
                                 ctypes.byref(count))  # fmt: skip
            if not needed.value:
                return []
            buffer = ctypes.create_string_buffer(needed.value)
            if not self.spool.EnumJobsW(handle, 0, 999, 1, buffer, needed, ctypes.byref(needed),
                                        ctypes.byref(count)):  # fmt: skip
                raise OSError(ctypes.get_last_error(), "EnumJobs")
            jobs = ctypes.cast(buffer, ctypes.POINTER(JOB_INFO_1 * count.value)).contents
            return [JOB_INFO_1.from_buffer_copy(job) for job in jobs]
        finally:
            self.spool.ClosePrinter(handle)

    def exists(self, printer: str) -> bool:
        """The printer is there to print to (not named: the system default, if any)."""
        if not printer:
            size = wintypes.DWORD(0)
            self.spool.GetDefaultPrinterW(None, ctypes.byref(size))
            return size.value > 0
        try:
            self.spool.ClosePrinter(self._open(printer))
        except OSError:
            return False
        return True

    def find(self, printer: str, title: str) -> Submitted | None:
        """The job Qt just spooled under ``title``, when the spooler still lists it."""
        for job in self._jobs(printer):
            if job.pDocument == title:
                return Submitted(printer, job.JobId)
        return None

    def state(self, job: Submitted) -> QueueState:
        try:
            found = next((j for j in self._jobs(job.printer) if j.JobId == job.job_id), None)
        except OSError as exc:
            return QueueState(FAILED, "not-found", str(exc))
        if found is None:
            return QueueState(COMPLETED)
        status, detail = found.Status, found.pStatus or ""
        if status & (DELETING | DELETED):
            return QueueState(CANCELLED, "cancelled", detail)
        if status & (PRINTED | COMPLETE):
            return QueueState(COMPLETED)
        if status & ERROR:
            return QueueState(HELD, "error", detail)
        for bit, reason in ((PAPEROUT, "media-empty"), (OFFLINE, "offline"), (PAUSED, "paused"),
                            (USER_INTERVENTION, "error")):  # fmt: skip
            if status & bit:
                return QueueState(HELD, reason, detail)
        return QueueState(PRINTING if status & PRINTING_BIT else QUEUED, "", detail)

    def cancel(self, job: Submitted) -> None:
        handle = self._open(job.printer)
        try:
            self.spool.SetJobW(handle, job.job_id, 0, None, JOB_CONTROL_DELETE)
        finally:
            self.spool.ClosePrinter(handle)
