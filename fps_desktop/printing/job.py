"""The one print job: merge, impose, spool, audit — whoever asks (window, CLI, PBMS).

A print order says what to print and how; ``print_job`` turns it into a Job that
builds the print-ready PDF once, spools it and audits it. The window's preview only
lays the sheets out and builds the one on screen, with the same placing code.
"""

from __future__ import annotations

import getpass
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf
from PySide6.QtGui import QGuiApplication

from fps_desktop import APP_DISPLAY_NAME
from fps_desktop.audit import AuditLog
from fps_desktop.config import Settings
from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.merge import merge_files
from fps_desktop.documents.models import CachedFile, FileRole, Layout
from fps_desktop.documents.pdf import mupdf_lock, pdf_bytes
from fps_desktop.errors import QT_TRANSLATE_NOOP, FpsError
from fps_desktop.invoices.listing import InvoiceList
from fps_desktop.jobs import CancelToken, Job, JobResult, Progress
from fps_desktop.printing.imposition import impose
from fps_desktop.printing.spooler import PrinterOptions, make_printer, spool
from fps_desktop.storage import write_atomically

log = logging.getLogger(__name__)


@dataclass
class PrintOrder:
    """What to print and how: the same fields for every caller, and for the audit log."""

    guid: str
    files: list[CachedFile]
    options: PrinterOptions = field(default_factory=PrinterOptions)
    layout: Layout = Layout.ACTUAL
    page_ranges: str = ""
    via: str = "window"  # window, cli or pbms: who asked, for the audit log
    cover: InvoiceList | None = None  # when set, a cover sheet of these invoices prints first
    duplicates_confirmed: list[str] = field(default_factory=list)  # files printed despite it

    @property
    def target(self) -> str:
        """The printer's name or the file printed into, as the audit log shows it."""
        if self.options.to_pdf is not None:
            return str(self.options.to_pdf)
        return self.options.printer or "default"


@dataclass
class Printed:
    """What a finished print job hands back."""

    sheets: int
    skipped: list[str]


def ensure_gui_application() -> QGuiApplication:
    """QPrinter needs a QGuiApplication; a terminal without a screen gets an offscreen one."""
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([])
    return app


def build_print_pdf(
    cache: DocumentCache,
    order: PrintOrder,
    progress: Progress,
    cancel: CancelToken,
) -> tuple[bytes, list[str]]:
    """The print-ready PDF of ``order`` and the names of files that could not be merged."""
    merged = merge_files(cache, order.files, progress, cancel)
    imposed = impose(
        merged.pdf, merged.page_roles, order.layout, order.page_ranges, progress, cancel
    )
    return _cover_first(order, imposed.pdf), merged.skipped


def cover_pdf(order: PrintOrder) -> bytes:
    """The order's cover sheet (A4, outside layouts and page ranges); call when it has one."""
    from fps_desktop.invoices.cover import cover_sheet_pdf

    printable = [f for f in order.files if f.printable]
    attachments = sum(f.role == FileRole.ATTACHMENT for f in printable)
    return cover_sheet_pdf(order.cover, clerk_name(), attachments,
                           sum(f.pages for f in printable))  # fmt: skip


def _cover_first(order: PrintOrder, sheets_pdf: bytes) -> bytes:
    if order.cover is None:
        return sheets_pdf
    with mupdf_lock:
        out = pymupdf.open(stream=cover_pdf(order), filetype="pdf")
        with pymupdf.open(stream=sheets_pdf, filetype="pdf") as sheets:
            out.insert_pdf(sheets)
        data = pdf_bytes(out)
        out.close()
    return data


def print_ready_job(cache: DocumentCache, order: PrintOrder, target: Path) -> Job:
    """Save the sheets ``order`` would print as a PDF file, without a printer."""

    def run(progress: Progress, cancel: CancelToken) -> JobResult:
        pdf, skipped = build_print_pdf(cache, order, progress, cancel)
        write_atomically(target, pdf)
        return JobResult(str(target), path=target, data=Printed(0, skipped))

    return Job(
        QT_TRANSLATE_NOOP("Jobs", "Merge files ({count})"),
        run,
        "merge",
        {"count": len(order.files)},
    )


def print_job(
    cache: DocumentCache,
    order: PrintOrder,
    audit: AuditLog,
    settings: Settings | None = None,
) -> Job:
    """Build ``order``'s print-ready PDF, spool it and audit it.

    With ``settings`` the printed files are stamped in the invoice register, so a
    later claim of the same invoice says when and by whom it was printed.
    """
    printer = make_printer(order.options)
    # the name the print queue shows (Windows' spooler, CUPS): whose job it is at a glance
    printer.setDocName(f"{APP_DISPLAY_NAME} {order.guid}")

    def run(progress: Progress, cancel: CancelToken) -> JobResult:
        pdf, skipped = build_print_pdf(cache, order, progress, cancel)
        sheets = spool(pdf, printer, order.options.grayscale, progress, cancel)
        audit.record_print(
            guid=order.guid,
            files=[item.name for item in order.files if item.name not in skipped],
            sheets=sheets,
            printer=order.target,
            copies=order.options.copies,
            layout=order.layout.value,
            pages=order.page_ranges,
            duplex=order.options.duplex,
            grayscale=order.options.grayscale,
            user=clerk_name(),
            via=order.via,
            duplicates_confirmed=order.duplicates_confirmed,
        )
        if settings is not None:
            _record_printed(settings, order, skipped)
        return JobResult(
            QT_TRANSLATE_NOOP("Jobs", "Sheets printed: {sheets}"),  # no plural form needed
            path=order.options.to_pdf,
            data=Printed(sheets, skipped),
            summary_params={"sheets": sheets},
        )

    return Job(QT_TRANSLATE_NOOP("Jobs", "Print {guid}"), run, "print", {"guid": order.guid})


def _record_printed(settings: Settings, order: PrintOrder, skipped: list[str]) -> None:
    """Paper is out: a register that cannot be reached is logged, not a failed print."""
    from fps_desktop.invoices.register import open_register

    printed = [f.sha256 for f in order.files if f.name not in skipped]
    try:
        register = open_register(settings)
        try:
            register.record_printed(order.guid, printed, clerk_name())
        finally:
            register.close()
    except FpsError as exc:
        log.warning("GUID %s printed, but not stamped in the invoice register: %s",
                    order.guid, exc.message)  # fmt: skip


def clerk_name() -> str:
    """The login name, as the audit log, the register and the cover sheet write it."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a service account without one)
        return ""
