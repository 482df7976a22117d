"""The clerk's commands: the GUI, open, fetch, merge, print."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fps_desktop.cli.console import start_window, windowed_exe
from fps_desktop.cli.terminal import run_in_terminal
from fps_desktop.config import Settings
from fps_desktop.errors import SourceError


def register(subparsers: argparse._SubParsersAction) -> None:
    gui = subparsers.add_parser("gui", help="start the window (the default)")
    gui.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    gui.set_defaults(handler=run_gui)

    open_ = subparsers.add_parser("open", help="open a GUID in the running app or a new window")
    open_.add_argument("guid")
    open_.set_defaults(handler=run_gui)

    fetch = subparsers.add_parser("fetch", help="download a GUID's files into a folder")
    fetch.add_argument("guid")
    fetch.add_argument("--out", type=Path, required=True, help="folder to copy the files into")
    fetch.add_argument("--refresh", action="store_true", help="ask the source again")
    fetch.set_defaults(handler=run_fetch)

    merge = subparsers.add_parser(
        "merge",
        help="merge a GUID's files into one PDF; with a layout or paper, the sheets as they print",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=LAYOUT_HELP,
    )
    merge.add_argument("guid")
    merge.add_argument("-o", "--output", type=Path, required=True)
    _add_layout_arguments(merge)
    merge.set_defaults(handler=run_merge)

    print_ = subparsers.add_parser(
        "print",
        help="print a GUID's files",
        epilog=LAYOUT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    print_.add_argument("guid")
    target = print_.add_mutually_exclusive_group()
    target.add_argument("--printer", default="", help="printer name (default: system default)")
    target.add_argument("--to-pdf", type=Path, help="print into this PDF file instead")
    _add_layout_arguments(print_)
    print_.add_argument("--copies", type=int, default=1)
    print_.add_argument("--duplex", action="store_true")
    print_.add_argument("--grayscale", action="store_true")
    print_.add_argument("--no-cover", action="store_true",
                        help="no cover sheet first (setting print.cover_sheet)")  # fmt: skip
    print_.add_argument("--confirm-duplicates", action="store_true",
                        help="print invoices claimed before too (else: exit 11)")  # fmt: skip
    print_.set_defaults(handler=run_print)


LAYOUT_HELP = """layouts (--layout; the default is the setting print.layout, "auto"):
  auto      fewest sheets at true size: items whole, in rows a guillotine can cut,
            shrunk only when larger than the sheet; within it each kind may have its
            own layout (settings print.layout.invoice/ticket/receipt/attachment)
  actual    one page a sheet at true size;  fit: one page a sheet, filling it
  two-up    two invoices a sheet, one above the other
  grid-RxC  R rows × C columns of equal cells, e.g. grid-2x1, grid-2x2, grid-3x2, grid-3x3
  strips    reimbursement strips 99 mm high, cut lines between
  paste     粘贴单: 20.8 mm binding margin with 装订线, a table of 票据张数 / 金额 / 报销人
            filled from the GUID's invoices, the items packed below
paper (--paper; setting print.paper, "A4"): A4, A5, A3, B5, Letter, Legal; the cover
sheet prints on the same paper."""


def _add_layout_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--layout",
        metavar="LAYOUT",
        help="auto, actual, fit, two-up, grid-RxC, strips or paste (see below)",
    )
    parser.add_argument(
        "--grid", metavar="RxC", help="a grid of R rows × C columns, e.g. 3x2 (--layout grid-3x2)"
    )
    parser.add_argument("--paper", metavar="NAME", help="paper of every sheet, e.g. A4, A5")
    parser.add_argument("--orientation", choices=["portrait", "landscape"],
                        help="sheet orientation (setting print.orientation)")  # fmt: skip
    parser.add_argument(
        "--pages", default="", help="page ranges of the merged document, e.g. 1-3,5"
    )
    parser.add_argument("--only", choices=["invoices", "attachments"], help="print one group only")
    parser.add_argument(
        "--enhance-pictures", action=argparse.BooleanOptionalAction, default=None,
        help="level and sharpen photos and scans, colours and red seals kept; PDFs as they are "
        "(setting print.enhance_pictures)")  # fmt: skip
    parser.add_argument(
        "--old-printer", action=argparse.BooleanOptionalAction, default=None,
        help="send every sheet (page) as one 300 dpi picture, for printers that mishandle "
        "PDFs (setting print.old_printer)")  # fmt: skip
    parser.add_argument(
        "--strict", action="store_true", help="exit 4 when any file had to be left out"
    )


def run_gui(args: argparse.Namespace, settings: Settings) -> int:
    """The window: the running one takes the GUID, or the windowed exe starts it when this
    is the console exe, or it runs here. The self-test always runs here, to be seen."""
    from fps_desktop.listener.handoff import hand_to_running_instance, raise_running_instance

    guid = getattr(args, "guid", None)
    self_test = getattr(args, "self_test", False)
    if not self_test:
        handed_over = (
            hand_to_running_instance(guid, settings) if guid else raise_running_instance(settings)
        )
        if handed_over:
            return 0
        windowed = windowed_exe()
        if windowed is not None:
            start_window(windowed, ["open", guid] if guid else [])
            return 0
    from fps_desktop.ui.app import run

    return run(settings, guid=guid, self_test=self_test)


def _fetch(args: argparse.Namespace, settings: Settings):
    from fps_desktop.documents.workspace import open_guid

    cache, job = open_guid(settings, args.guid, refresh=getattr(args, "refresh", False))
    return cache, run_in_terminal(job).data


def run_fetch(args: argparse.Namespace, settings: Settings) -> int:
    from fps_desktop.documents.workspace import export_files

    cache, manifest = _fetch(args, settings)
    for path in export_files(cache, manifest, args.out):
        print(path)
    return _report_problems(manifest)


def _selected(manifest, only: str | None):
    from fps_desktop.documents.models import FileRole

    wanted = {"invoices": FileRole.INVOICE, "attachments": FileRole.ATTACHMENT}.get(only or "")
    # a 数电票 XML is invoice data with nothing to print: never left out, never an error
    return [f for f in manifest.files if (wanted is None or f.role == wanted) and not f.is_data]


def _report_problems(manifest, skipped: list[str] = (), strict: bool = False) -> int:
    """Name every file left out on stderr; only ``--strict`` makes that a failure."""
    broken = [f for f in manifest.files if not f.printable and not f.is_data]
    for item in broken:
        print(f"warning: {item.name}: {item.problem_error().message}", file=sys.stderr)
    known = {item.name for item in broken}
    for name in skipped:
        if name not in known:
            print(f"warning: {name}: left out, it could not be merged", file=sys.stderr)
    return 4 if strict and (broken or skipped) else 0


def _setup(args: argparse.Namespace, settings: Settings):
    """The layout and paper asked on the command line, the settings for the rest."""
    from fps_desktop.printing.policy import sheet_setup

    layout = f"grid-{args.grid}" if args.grid else args.layout or ""
    return sheet_setup(settings, layout, args.paper or "", args.orientation or "")


def _enhance(args: argparse.Namespace, settings: Settings) -> bool:
    chosen = args.enhance_pictures
    return settings.get("print.enhance_pictures") if chosen is None else chosen


def _old_printer(args: argparse.Namespace, settings: Settings) -> bool:
    from fps_desktop.printing.policy import old_printer_default

    if args.old_printer is not None:
        return args.old_printer
    return old_printer_default(settings, getattr(args, "printer", ""))


def _warn_blurred(cache, files, setup) -> None:
    from fps_desktop.printing.pictures import blurred_pictures

    for name, dpi in blurred_pictures(cache, files, setup).items():
        print(f"warning: {name}: prints at {dpi} dpi — may be blurred", file=sys.stderr)


def _order(args: argparse.Namespace, cache, manifest, settings: Settings):
    """The sheets as they print: invoices read first, as every print does, so each page
    is laid out by its kind and a paste sheet's table is filled."""
    from fps_desktop.printing.job import PrintOrder
    from fps_desktop.printing.policy import read_invoices
    from fps_desktop.printing.spooler import PrinterOptions

    return PrintOrder(manifest.guid, _selected(manifest, args.only),
                      setup=_setup(args, settings), page_ranges=args.pages, via="cli",
                      listing=read_invoices(settings, manifest, cache.blob_path),
                      enhance=_enhance(args, settings),
                      options=PrinterOptions(old_printer=_old_printer(args, settings)))  # fmt: skip


def run_merge(args: argparse.Namespace, settings: Settings) -> int:
    laid_out = args.layout or args.grid or args.paper or args.orientation
    if laid_out:
        _setup(args, settings)  # a wrong layout or paper is said before anything is fetched
    cache, manifest = _fetch(args, settings)
    if laid_out:
        from fps_desktop.printing.job import print_ready_job

        order = _order(args, cache, manifest, settings)
        _warn_blurred(cache, order.files, order.setup)
        job = print_ready_job(cache, order, args.output)
    else:
        from fps_desktop.documents.workspace import merge_job

        job = merge_job(cache, _selected(manifest, args.only), args.output,
                        enhance=_enhance(args, settings))  # fmt: skip
    skipped = run_in_terminal(job).data.skipped
    if not laid_out and _old_printer(args, settings):
        from fps_desktop.printing.pictures import as_images
        from fps_desktop.storage import write_atomically

        write_atomically(args.output, as_images(args.output.read_bytes()))
    print(args.output)
    return _report_problems(manifest, skipped, args.strict)


def run_print(args: argparse.Namespace, settings: Settings) -> int:
    """The print policy of every caller (``printing.policy``), said on the terminal."""
    from fps_desktop.audit import AuditLog
    from fps_desktop.printing.job import PrintOrder, ensure_gui_application, print_job
    from fps_desktop.printing.policy import (
        ClaimedBefore,
        make_order,
        other_forms,
        read_invoices,
        record_claimed_refusal,
        record_refused,
    )
    from fps_desktop.printing.queue_state import COMPLETED
    from fps_desktop.printing.spooler import PrinterOptions, unhonoured

    setup = _setup(args, settings)  # a wrong layout or paper is said before anything is fetched
    options = PrinterOptions(
        printer=args.printer, to_pdf=args.to_pdf, copies=args.copies, duplex=args.duplex,
        grayscale=args.grayscale, dpi=settings.get("print.dpi"),
        old_printer=_old_printer(args, settings),
    )  # fmt: skip
    audit = AuditLog(settings.paths)
    try:
        cache, manifest = _fetch(args, settings)
    except SourceError as exc:  # a GUID that does not open is a refused print
        record_refused(audit, PrintOrder(args.guid, [], options, setup, args.pages, via="cli"),
                       exc.message)  # fmt: skip
        raise
    app = ensure_gui_application()  # noqa: F841 - QPrinter needs it alive while printing
    listing = read_invoices(settings, manifest, cache.blob_path)
    files = _selected(manifest, args.only)
    others = other_forms(files, listing)
    for name, printed in others.items():
        print(f"warning: {name}: left out, the same invoice as {printed}", file=sys.stderr)
    try:
        cover = settings.get("print.cover_sheet") and not args.no_cover
        order = make_order(manifest.guid, [f for f in files if f.name not in others], listing,
                           via="cli", options=options, setup=setup,
                           page_ranges=args.pages, cover=cover,
                           confirmed=args.confirm_duplicates)  # fmt: skip
    except ClaimedBefore as exc:
        record_claimed_refusal(audit, exc)
        raise
    order.enhance = _enhance(args, settings)
    for name in order.duplicates_confirmed:
        print(f"warning: {name}: claimed before, printed anyway", file=sys.stderr)
    _warn_blurred(cache, order.files, order.setup)
    for said in unhonoured(options):
        print(f"warning: {said}", file=sys.stderr)
    job = print_job(cache, order, audit, settings=settings)
    printed = run_in_terminal(job).data
    where = args.to_pdf or args.printer or "the default printer"
    queued = f" (job {printed.job_id}: {printed.state.state})" if printed.job_id else ""
    print(f"{printed.sheets} sheets sent to {where}{queued}")
    if printed.state.state != COMPLETED:
        said = printed.state.said_reason
        print(f"warning: not printed yet, {printed.state.state}: {said}", file=sys.stderr)
    return _report_problems(manifest, printed.skipped, args.strict)
