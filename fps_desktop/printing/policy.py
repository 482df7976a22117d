"""The one print policy: what a print of a GUID holds and what must be decided first.

The window, ``fps-desktop print``, PBMS's signed ``/api/print`` and the self-test all
build their order here, so they print, ask and record alike:

- invoices are read and registered before printing, cover sheet or not;
- one form of each invoice prints by default (PDF over OFD over XML); the others are
  "the same invoice as ..." and left out unless chosen;
- an invoice claimed before (printed in another GUID, or twice in this order) prints
  only on an explicit decision, which goes to the audit log with the print;
- the order is frozen here: files, their invoice data, the cover, printer and options;
- the register is stamped by the print job, once the print system accepted it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fps_desktop.audit import AuditLog
from fps_desktop.config import Settings
from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.models import CachedFile, Manifest
from fps_desktop.documents.workspace import fetch_job, source_from_settings
from fps_desktop.errors import QT_TRANSLATE_NOOP, FpsError, PrintError
from fps_desktop.formats.sniff import FileKind
from fps_desktop.invoices.listing import InvoiceList, InvoiceRow, invoices_job
from fps_desktop.jobs import CancelToken, Job, JobResult, Progress, no_progress
from fps_desktop.layouts import Layout
from fps_desktop.printing.imposition import Choice, Group, Paper, Setup, paper_named
from fps_desktop.printing.job import PrintOrder, QueueFailed, clerk_name, print_job, record_order
from fps_desktop.printing.os_queue import Refused
from fps_desktop.printing.queue_state import FAILED, REFUSED, QueueState
from fps_desktop.printing.spooler import PrinterOptions

FORM_RANK = {FileKind.PDF: 0, FileKind.OFD: 1, FileKind.XML: 2}  # which form of an invoice prints


class ClaimedBefore(PrintError):
    """Invoices of the order were claimed before and nobody decided to print them again;
    ``order`` is the print that was refused, for its audit record."""

    exit_code = 11

    def __init__(self, order: PrintOrder, files: list[str]) -> None:
        self.order = order
        self.files = files
        super().__init__(
            QT_TRANSLATE_NOOP("FpsError", "Not printed: claimed before, and printing them again "
                              "was not confirmed: {files}."), files=", ".join(files))  # fmt: skip


def read_invoices(settings: Settings, manifest: Manifest, blob_path,
                  progress: Progress = no_progress, cancel: CancelToken | None = None
                  ) -> InvoiceList:  # fmt: skip
    """Read and register the GUID's invoices, as every print does before it prints."""
    return invoices_job(settings, manifest, blob_path, clerk_name()).run(
        progress, cancel or CancelToken()).data  # fmt: skip


def claimed_rows(listing: InvoiceList | None, files: list[CachedFile]) -> list[InvoiceRow]:
    """Invoices of ``files`` printed in another GUID, or chosen twice in this order."""
    if listing is None:
        return []
    chosen = {f.name for f in files}
    return [r for r in listing.rows
            if r.fields.file in chosen and (r.claims or chosen & set(r.twins))]  # fmt: skip


def other_forms(files: list[CachedFile], listing: InvoiceList | None) -> dict[str, str]:
    """Files that are another form of an invoice also in ``files``: name -> the one that prints.

    Of the forms of one invoice the PDF prints, else the OFD; a picture or a file whose
    invoice could not be read always stands alone.
    """
    if listing is None:
        return {}
    kinds = {f.name: f.kind for f in files}
    forms: dict[str, list[str]] = {}
    for row in listing.rows:
        if row.fields.file in kinds and row.fields.key:
            forms.setdefault(row.fields.key, []).append(row.fields.file)
    others = {}
    for names in forms.values():
        best = min(names, key=lambda name: FORM_RANK.get(kinds[name], 3))
        others.update({name: best for name in names if name != best and
                       kinds[name] != kinds[best]})  # fmt: skip
    return others


def old_printer_default(settings: Settings, printer: str) -> bool:
    """Whether ``printer`` gets every sheet as one picture unless asked otherwise: its own
    remembered choice (IT may set it in ``print.printers``), else ``print.old_printer``."""
    remembered = settings.get("print.printers").get(printer, {})
    return bool(remembered.get("old_printer", settings.get("print.old_printer")))


def make_order(
    guid: str,
    files: list[CachedFile],
    listing: InvoiceList | None,
    *,
    via: str,
    options: PrinterOptions | None = None,
    setup: Setup | None = None,
    page_ranges: str = "",
    cover: bool = True,
    confirmed: bool = False,
) -> PrintOrder:
    """The frozen order of ``files`` (those that can print, in the order given).

    Raises ``ClaimedBefore`` when invoices claimed before are among them and printing
    them again is not ``confirmed``.
    """
    printing = [f for f in files if f.printable]
    claimed = [r.fields.file for r in claimed_rows(listing, printing)]
    if listing is not None and listing.guid != guid:
        raise PrintError(QT_TRANSLATE_NOOP(
            "FpsError", "The invoice list belongs to GUID {other}, the print to {guid}."),
            other=listing.guid, guid=guid)  # fmt: skip
    order = PrintOrder(
        guid, printing, options or PrinterOptions(), setup or Setup(), page_ranges, via,
        cover=listing if cover and listing is not None else None, listing=listing,
        duplicates_confirmed=claimed if confirmed else [],
        left_out=[f for f in files if not f.printable and not f.is_data],
    )  # fmt: skip
    if claimed and not confirmed:
        raise ClaimedBefore(order, claimed)
    return order


def record_refused(audit: AuditLog, order: PrintOrder, reason: str,
                   claimed: list[str] = ()) -> None:  # fmt: skip
    """A print refused before it started, audited in a print's shape with ``sheets`` 0."""
    record_order(audit, order, order.files, 0, REFUSED, reason, claimed=claimed)


def record_claimed_refusal(audit: AuditLog, refusal: ClaimedBefore) -> None:
    record_refused(audit, refusal.order, "claimed_before", refusal.files)


def sheet_setup(
    settings: Settings, layout: str = "", paper: Paper | str = "", orientation: str = ""
) -> Setup:
    """The layout and paper of a print: what the caller asked, else the settings (IT's
    defaults), with each kind's own layout within the automatic one."""
    by_group = {group: Choice.parse(settings.get(f"print.layout.{group}")) for group in Group.ALL}
    landscape = (orientation or settings.get("print.orientation")) == "landscape"
    if isinstance(paper, Paper):
        paper = Paper(paper.name, paper.width, paper.height, landscape)
    else:
        paper = paper_named(paper or settings.get("print.paper"), landscape)
    return Setup(Choice.parse(layout or settings.get("print.layout")), paper,
                 {g: c for g, c in by_group.items() if c.layout != Layout.AUTO})  # fmt: skip


def requested_print_job(
    settings: Settings,
    cache: DocumentCache,
    guid: str,
    options: PrinterOptions,
    setup: Setup,
    confirmed: bool,
    print_id: str,
    on_state: Callable[[str, str, int], None],
    via: str = "pbms",
) -> Job:
    """A print asked for by a request (PBMS): fetch, read, apply the policy, print, follow.

    It runs at once and only once; ``on_state(state, reason, queue job)`` says each step
    to whoever asked. A GUID that does not open, claimed invoices not confirmed, or a
    refusal of the print system end it as refused, in the audit log too.
    """
    audit = AuditLog(settings.paths)

    def run(progress: Progress, cancel: CancelToken) -> JobResult:
        files: list[CachedFile] = []  # as far as known when it is refused
        try:
            manifest = fetch_job(cache, source_from_settings(settings), guid).run(
                progress, cancel).data  # fmt: skip
            files = [f for f in manifest.files if f.printable]
            listing = read_invoices(settings, manifest, cache.blob_path, progress, cancel)
            others = other_forms(files, listing)
            files = [f for f in files if f.name not in others]
            chosen = replace(options, old_printer=old_printer_default(settings, options.printer))
            order = make_order(guid, files, listing, via=via, options=chosen, setup=setup,
                               confirmed=confirmed,
                               cover=settings.get("print.cover_sheet"))  # fmt: skip
            order.print_id = print_id
            order.enhance = settings.get("print.enhance_pictures")
        except ClaimedBefore as exc:
            on_state(REFUSED, exc.message, 0)
            exc.order.print_id = print_id
            record_claimed_refusal(audit, exc)
            raise
        except FpsError as exc:
            on_state(REFUSED, exc.message, 0)
            record_refused(audit, PrintOrder(guid, files, options, setup, via=via,
                                             print_id=print_id), exc.message)  # fmt: skip
            raise

        def report(state: QueueState, job_id: int) -> None:
            on_state(state.state, state.detail or state.reason, job_id)

        try:
            result = print_job(cache, order, audit, settings, report).run(progress, cancel)
        except FpsError as exc:
            said = exc.state.state if isinstance(exc, QueueFailed) else FAILED
            on_state(REFUSED if isinstance(exc, Refused) else said, exc.message, 0)
            raise
        return result

    return Job(QT_TRANSLATE_NOOP("Jobs", "Print {guid} for PBMS"), run, "print", {"guid": guid})
