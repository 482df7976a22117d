"""Sending a print-ready PDF to a QPrinter, one page at a time.

Each sheet is rendered at the printer's resolution (at most 300 dpi), only where
there is ink, in the decoder workers (``bands``), a sheet or two ahead; painted, and
released before the next, so memory stays flat for any page count. QPainter on a
QPrinter is allowed off the GUI thread, so this runs inside a Job.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pymupdf
from PySide6.QtCore import QRectF, QSize, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError, PrintError
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.formats.pdf import MAX_DPI, isolated
from fps_desktop.formats.sniff import FileKind
from fps_desktop.jobs import CancelToken, Progress, no_progress
from fps_desktop.printing.bands import drawn_in_order, not_drawn, sheet_bands_task
from fps_desktop.printing.os_queue import os_queue, uses_cups
from fps_desktop.printing.queue_state import Submitted

log = logging.getLogger(__name__)

Band = tuple[QRectF, QImage, bytes]


@dataclass
class PrinterOptions:
    """The clerk's choices in the print dialog; remembered per printer, but for copies."""

    printer: str = ""  # empty: the system default printer
    to_pdf: Path | None = None
    copies: int = 1
    duplex: bool = False
    grayscale: bool = False
    dpi: int = MAX_DPI
    old_printer: bool = False  # every sheet sent as one 300 dpi picture (``pictures.py``)

    def remembered(self) -> dict:
        """What the dialog offers again next time; copies are not carried over (IT may set
        a printer's copies in the site file)."""
        return {"duplex": self.duplex, "grayscale": self.grayscale,
                "old_printer": self.old_printer}  # fmt: skip


def printer_info(name: str) -> QPrinterInfo | None:
    """The named printer (None for the system default); a name not known is an error."""
    info = QPrinterInfo.printerInfo(name) if name else None
    if name and (info is None or info.isNull()):
        raise PrintError(
            QT_TRANSLATE_NOOP("FpsError", "There is no printer called “{name}”."), name=name
        )
    return info


def unhonoured(options: PrinterOptions) -> list[str]:
    """The chosen options the printer says it cannot do, in words to show before printing."""
    if options.to_pdf is not None:
        return []
    info = printer_info(options.printer) or QPrinterInfo.defaultPrinter()
    if info.isNull():
        return []
    said = []
    if options.duplex and not set(info.supportedDuplexModes()) - {QPrinter.DuplexMode.DuplexNone}:
        said.append(QT_TRANSLATE_NOOP("Printing", "This printer cannot print on both sides: "
                                      "every sheet prints on one side."))  # fmt: skip
    if not options.grayscale and QPrinter.ColorMode.Color not in info.supportedColorModes():
        said.append(QT_TRANSLATE_NOOP("Printing", "This printer prints in black and white only."))
    return said


def make_printer(options: PrinterOptions) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if options.to_pdf is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(options.to_pdf))
    else:
        info = printer_info(options.printer)
        if info is not None:
            printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    printer.setResolution(min(options.dpi, MAX_DPI))
    printer.setCopyCount(options.copies)
    printer.setDuplex(
        QPrinter.DuplexMode.DuplexLongSide if options.duplex else QPrinter.DuplexMode.DuplexNone
    )
    printer.setColorMode(
        QPrinter.ColorMode.GrayScale if options.grayscale else QPrinter.ColorMode.Color
    )
    return printer


def set_paper(printer: QPrinter, width: float, height: float) -> None:
    """The paper the sheets were laid out on (points), so every sheet prints as previewed."""
    short, long = sorted((width, height))
    size = QPageSize(QSizeF(short, long), QPageSize.Unit.Point, "",
                     QPageSize.SizeMatchPolicy.FuzzyMatch)  # fmt: skip
    printer.setPageSize(size)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if width > height
                               else QPageLayout.Orientation.Portrait)  # fmt: skip


def spool(
    print_pdf: bytes,
    printer: QPrinter,
    grayscale: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Paint every sheet; copies are repeated here when the device cannot. Returns sheets sent.

    The sheets are drawn in the decoder workers, one ahead on each, while Qt compresses
    the bands of the one painted here.
    """
    cancel = cancel or CancelToken()
    dpi = min(printer.resolution(), MAX_DPI)
    copies = 1 if printer.supportsMultipleCopies() else printer.copyCount()
    with mupdf_lock, pymupdf.open(stream=print_pdf, filetype="pdf") as doc:
        count = doc.page_count
        paper = doc[0].rect if count else pymupdf.paper_rect("a4")
    set_paper(printer, paper.width, paper.height)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(
            QT_TRANSLATE_NOOP(
                "FpsError", "The printer could not be started. Is it switched on and connected?"
            )
        )
    device = painter.viewport().size()
    sent = 0
    every_copy = (index for _copy in range(copies) for index in range(count))
    drawn = drawn_in_order(
        print_pdf, lambda path, index: sheet_bands(path, index, dpi, grayscale, device), every_copy
    )
    with drawn as sheets:
        try:
            for bands in sheets:
                cancel.check()
                if sent:
                    printer.newPage()
                draw_bands(painter, bands)
                sent += 1
                progress(sent, count * copies, "")
        finally:
            painter.end()
    return sent


def spool_to_system(
    print_pdf: bytes,
    options: PrinterOptions,
    title: str,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[int, Submitted | None]:
    """Send the sheets to the system's print queue under ``title``; sheets sent and the job.

    With CUPS the sheets are painted into a PDF, as Qt's own CUPS engine does, and
    submitted by this app, so the job id and a refusal come back (``os_queue``). On
    Windows Qt spools natively and the job is found in the spooler by its title; None
    when the spooler no longer lists it (printed already).
    """
    queue = os_queue()
    if uses_cups():
        with tempfile.TemporaryDirectory(prefix="fps-print-") as folder:
            path = Path(folder) / "sheets.pdf"
            sheets = spool(print_pdf, make_printer(replace(options, to_pdf=path, copies=1)),
                           options.grayscale, progress, cancel)  # fmt: skip
            return sheets, queue.submit(options.printer, path, title, options.copies,
                                        options.duplex, options.grayscale)  # fmt: skip
    printer = make_printer(options)
    printer.setDocName(title)
    sheets = spool(print_pdf, printer, options.grayscale, progress, cancel)
    return sheets, queue.find(printer.printerName(), title)


def draw_bands(painter: QPainter, bands: list[Band]) -> None:
    for target, image, _pixels in bands:
        painter.drawImage(target, image)


def sheet_bands(
    path: Path, index: int, dpi: int, grayscale: bool, device: QSize | None = None
) -> list[Band]:
    """Sheet ``index`` of the print PDF at ``path``, drawn in a decoder worker: each inked
    band as its place on a device of ``device`` pixels (the sheet at ``dpi`` when not
    given), its image, and the pixels the image points into (keep both together).

    The worker's answer is believed only where it adds up: bands of sane sizes whose
    pixels are all there."""
    width, height = (device.width(), device.height()) if device else (0, 0)
    try:
        drawn = isolated(sheet_bands_task, path, FileKind.PDF, f"sheet {index + 1}",
                         index, dpi, grayscale, width, height)  # fmt: skip
    except DocumentError as exc:
        raise not_drawn(index) from exc
    answer, pixels = drawn if isinstance(drawn, tuple) else (None, b"")
    fmt, channels = ((QImage.Format.Format_Grayscale8, 1) if grayscale
                     else (QImage.Format.Format_RGB888, 3))  # fmt: skip
    bands, offset = [], 0
    for band in answer.get("bands", []) if isinstance(answer, dict) else [None]:
        try:
            x, y, w, h = (float(v) for v in band["target"])
            columns, rows, stride = (int(band[k]) for k in ("width", "height", "stride"))
        except (TypeError, KeyError, ValueError):
            raise not_drawn(index) from None
        size = stride * rows
        if not (columns > 0 and rows > 0 and stride >= columns * channels
                and offset + size <= len(pixels)):  # fmt: skip
            raise not_drawn(index)
        samples = pixels[offset : offset + size]
        offset += size
        bands.append((QRectF(x, y, w, h), QImage(samples, columns, rows, stride, fmt), samples))
    return bands
