"""The one print job: merge, impose, spool, follow, audit — whoever asks (window, CLI, PBMS).

A print order says what to print and how, frozen when Print is pressed; ``print_job``
turns it into a Job that builds the print-ready PDF once, hands it to the system's
print queue, follows the job there and records what the queue said: in the audit log
always, in the invoice register once the queue accepted the job. The window's preview
only lays the sheets out and builds the one on screen, with the same placing code.
"""

from __future__ import annotations

import getpass
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pymupdf
from PySide6.QtGui import QGuiApplication

from fps_desktop.audit import AuditLog
from fps_desktop.config import Settings
from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.merge import MergedDocument, merge_files
from fps_desktop.documents.models import CachedFile, FileRole
from fps_desktop.errors import QT_TRANSLATE_NOOP, Cancelled, FpsError, PrintError
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.formats.pdf import pdf_bytes
from fps_desktop.formats.sniff import FileKind
from fps_desktop.invoices.listing import InvoiceList
from fps_desktop.jobs import CancelToken, Job, JobResult, Progress
from fps_desktop.layouts import Layout
from fps_desktop.printing.imposition import Setup, Source, Stub, group_of, impose, on_paper
from fps_desktop.printing.os_queue import Refused, cancel_in_queue, follow, os_queue
from fps_desktop.printing.pictures import as_images
from fps_desktop.printing.queue_state import CANCELLED, COMPLETED, FAILED, HELD, REFUSED, QueueState
from fps_desktop.printing.spooler import (
    PrinterOptions,
    make_printer,
    printer_info,
    spool,
    spool_to_system,
)
from fps_desktop.storage import write_atomically

log = logging.getLogger(__name__)


def new_print_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class PrintOrder:
    """What to print and how: the same fields for every caller, and for the audit log.

    ``print_id`` names this print in the queue's job title, the audit log and PBMS's
    job state; the title also carries the GUID and the clerk, so the queue shows whose
    bundle is waiting.
    """

    guid: str
    files: list[CachedFile]
    options: PrinterOptions = field(default_factory=PrinterOptions)
    setup: Setup = field(default_factory=Setup)  # layout and paper
    page_ranges: str = ""
    via: str = "window"  # window, cli or pbms: who asked, for the audit log
    cover: InvoiceList | None = None  # when set, a cover sheet of the printed invoices first
    duplicates_confirmed: list[str] = field(default_factory=list)  # files printed despite it
    print_id: str = field(default_factory=new_print_id)
    user: str = field(default_factory=lambda: clerk_name())
    left_out: list[CachedFile] = field(default_factory=list)  # chosen, but cannot print
    turns: dict[tuple[str, int], int] = field(default_factory=dict)  # the viewer's turns
    enhance: bool = False  # pictures levelled and sharpened (``formats/enhance.py``)
    listing: InvoiceList | None = None  # the GUID's invoices: their kinds lay pages out

    def __post_init__(self) -> None:
        if self.listing is None:
            self.listing = self.cover

    @property
    def layout(self) -> Layout:
        return self.setup.layout

    @property
    def title(self) -> str:
        return f"{self.guid} {self.user} · FPS {self.print_id}".replace("  ", " ")

    @property
    def target(self) -> str:
        """The printer's name or the file printed into, as the audit log shows it."""
        if self.options.to_pdf is not None:
            return str(self.options.to_pdf)
        return self.options.printer or "default"


@dataclass
class Printed:
    """What a finished print job hands back: sheets sent and what the queue made of them."""

    sheets: int
    skipped: list[str]
    state: QueueState = field(default_factory=lambda: QueueState(COMPLETED))
    job_id: int = 0


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
    merged = merge_files(cache, order.files, progress, cancel, turns=order.turns,
                         enhance=order.enhance)  # fmt: skip
    imposed = impose(merged.pdf, page_sources(order, merged), order.setup, order.page_ranges,
                     paste_stub(order), progress, cancel)  # fmt: skip
    pdf = _cover_first(order, imposed.pdf)
    return (as_images(pdf, cancel) if order.options.old_printer else pdf), merged.skipped


def page_sources(order: PrintOrder, merged: MergedDocument) -> list[Source]:
    """What each merged page is, for the layout: its file's role, kind and which file."""
    files = {f.name: f for f in order.files}
    kinds = (
        {row.fields.file: row.fields.kind for row in order.listing.rows} if order.listing else {}
    )
    numbers: dict[str, int] = {}
    return [
        Source(role, group_of(role, kinds.get(name, ""), files[name].kind == FileKind.IMAGE),
               numbers.setdefault(name, len(numbers)))
        for role, name in zip(merged.page_roles, merged.page_files, strict=True)
    ]  # fmt: skip


def paste_stub(order: PrintOrder) -> Stub:
    """A paste sheet's table: the invoices that print, their sum, and the clerk."""
    if order.listing is None:
        return Stub(claimant=order.user)
    invoices = printed_invoices(order)
    return Stub(invoices.count, invoices.total, order.user)


def cover_pdf(order: PrintOrder) -> bytes:
    """The order's cover sheet on the order's paper (outside layouts and page ranges)."""
    from fps_desktop.invoices.cover import cover_sheet_pdf

    printable = [f for f in order.files if f.printable]
    attachments = sum(f.role == FileRole.ATTACHMENT for f in printable)
    cover = cover_sheet_pdf(printed_invoices(order), order.user, attachments,
                            sum(f.pages for f in printable))  # fmt: skip
    return on_paper(cover, order.setup.paper)


def printed_invoices(order: PrintOrder) -> InvoiceList:
    """The order's invoice list cut to the files that print: the cover lists and sums only
    those, each invoice once (its first printed form counts)."""
    printing = {f.name for f in order.files if f.printable}
    rows, seen = [], set()
    for row in order.listing.rows:
        if row.fields.file not in printing:
            continue
        identity = row.fields.key or row.sha256
        rows.append(replace(row, counted=identity not in seen))
        seen.add(identity)
    return InvoiceList(order.guid, rows, order.listing.register_error)


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
    on_state: Callable[[QueueState, int], None] | None = None,
) -> Job:
    """Build ``order``'s print-ready PDF, hand it to the print system, follow it, audit it.

    ``on_state(state, queue job id)`` hears each state the print system reports.

    The audit records what the print system said: refused, held (paused, out of
    paper...), completed, failed or cancelled, with its reason. With ``settings`` the
    printed files are stamped in the invoice register once the system accepted the job,
    never for a refused one. A held print's result can still cancel it in the queue
    (``JobResult.cancel``), audited as the queue then answers.
    """
    if order.options.to_pdf is None:
        printer_info(order.options.printer)  # a printer that is gone is said at once
    else:
        printer = make_printer(order.options)

    def run(progress: Progress, cancel: CancelToken) -> JobResult:
        try:
            pdf, skipped = build_print_pdf(cache, order, progress, cancel)
        except Cancelled:  # the pages were still being prepared: audited all the same
            record_order(audit, order, order.files, 0, CANCELLED, "")
            raise
        printed = [item for item in order.files if item.name not in skipped]

        def record(sheets: int, state: QueueState, job_id: int = 0) -> None:
            record_order(audit, order, printed, sheets, state.state,
                         state.detail or state.reason, job_id)  # fmt: skip

        submitted = None
        if order.options.to_pdf is not None:
            sheets = spool(pdf, printer, order.options.grayscale, progress, cancel)
        else:
            try:
                sheets, submitted = spool_to_system(pdf, order.options, order.title, progress,
                                                    cancel)  # fmt: skip
            except Refused as exc:
                record(0, QueueState(REFUSED, exc.reason, exc.message))
                raise
            except Cancelled:  # while the sheets were painted, before the queue had them
                record(0, QueueState(CANCELLED))
                raise
        job_id = submitted.job_id if submitted else 0
        if settings is not None:  # the print system took it: the invoices are claimed
            _record_printed(settings, order, printed)

        def report(now: QueueState) -> None:
            progress(sheets, sheets, now.said)
            if on_state is not None:
                on_state(now, job_id)

        def finish(state: QueueState, tell, cancelled: bool) -> JobResult:
            """Audit the queue's word and answer it; a held print can still be cancelled."""
            record(sheets, state, job_id)
            tell(state)
            if state.state == CANCELLED and cancelled:
                raise Cancelled()
            if state.state in (CANCELLED, FAILED):
                raise QueueFailed(order.target, state)
            summary, params = _summary(state)
            withdraw = None
            if state.state == HELD and submitted is not None:

                def withdraw() -> JobResult:
                    told = on_state or (lambda _state, _job_id: None)
                    final = cancel_in_queue(os_queue(), submitted)
                    return finish(final, lambda now: told(now, job_id), True)

            return JobResult(summary, order.options.to_pdf,
                             Printed(sheets, skipped, state, job_id), params, withdraw)  # fmt: skip

        state = QueueState(COMPLETED)
        if submitted is not None:
            state = follow(os_queue(), submitted, cancel, report)
        # the last word, also for a print that needed no following
        return finish(state, report, cancel.cancelled)

    return Job(QT_TRANSLATE_NOOP("Jobs", "Print {guid}"), run, "print", {"guid": order.guid})


def record_order(audit: AuditLog, order: PrintOrder, files: list[CachedFile], sheets: int,
                 state: str, reason: str, job_id: int = 0, claimed: list[str] = ()
                 ) -> None:  # fmt: skip
    """The one shape of a print's audit record, printed or refused before it started:
    the order's GUID, clerk, printer, options and print id, the ``files`` it holds as far
    as known, and the ``claimed`` ones among them (claimed before, printed anyway or the
    reason of the refusal)."""
    audit.record_print(
        guid=order.guid, files=[item.name for item in files], sheets=sheets,
        printer=order.target, copies=order.options.copies, layout=str(order.setup.choice),
        pages=order.page_ranges, duplex=order.options.duplex, grayscale=order.options.grayscale,
        user=order.user, via=order.via, duplicates_confirmed=order.duplicates_confirmed,
        claimed=list(claimed or order.duplicates_confirmed), state=state, reason=reason,
        print_id=order.print_id, job_id=job_id,
    )  # fmt: skip


class QueueFailed(PrintError):
    """The print system took the job, then did not print it."""

    def __init__(self, printer: str, state: QueueState) -> None:
        self.state = state
        super().__init__(
            QT_TRANSLATE_NOOP("FpsError", "The job on {printer} did not print: {reason}."),
            printer=printer, reason=state.said_reason,
        )  # fmt: skip


def _summary(state: QueueState) -> tuple[str, dict]:
    """The Jobs list's line for a print the queue took."""
    if state.state == COMPLETED:
        return QT_TRANSLATE_NOOP("Jobs", "Printed"), {}
    if state.state == HELD:
        return QT_TRANSLATE_NOOP("Jobs", "Held in the print queue: {reason}"), {
            "reason": state.said_reason
        }
    return QT_TRANSLATE_NOOP("Jobs", "In the print queue ({state})"), {"state": state.said}


def _record_printed(settings: Settings, order: PrintOrder, printed: list[CachedFile]) -> None:
    """The system took the job: a register that cannot be reached is logged, not a failure."""
    from fps_desktop.invoices.register import open_register

    try:
        register = open_register(settings)
        try:
            register.record_printed(order.guid, [f.sha256 for f in printed], order.user)
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
