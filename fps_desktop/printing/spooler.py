"""Sending a print-ready PDF to a QPrinter, one page at a time.

Each sheet is rendered at the printer's resolution (at most 300 dpi), only where
there is ink, drawn, and released before the next, so memory stays flat for any
page count. QPainter on
a QPrinter is allowed off the GUI thread, so this runs inside a Job.
"""

from __future__ import annotations

import itertools
import logging
import math
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pymupdf
from PySide6.QtCore import QRectF, QSize, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from fps_desktop.errors import QT_TRANSLATE_NOOP, PrintError
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.jobs import CancelToken, Progress, no_progress
from fps_desktop.printing.os_queue import os_queue, uses_cups
from fps_desktop.printing.queue_state import Submitted

log = logging.getLogger(__name__)

MAX_DPI = 300
BAND_GAP = 6  # points of blank paper between two drawings that start a new band
BLEED = 1  # points around a drawing's box, for anti-aliased edges
HAIRLINE = 2  # points: a line this thin needs no more pixels than the images beside it
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

    One sheet at a time, on this thread: Qt holds the interpreter lock while it
    compresses a band, so rendering ahead on another thread only slowed both down.
    """
    cancel = cancel or CancelToken()
    dpi = min(printer.resolution(), MAX_DPI)
    copies = 1 if printer.supportsMultipleCopies() else printer.copyCount()
    with mupdf_lock:
        doc = pymupdf.open(stream=print_pdf, filetype="pdf")
        count = doc.page_count
        paper = doc[0].rect if count else pymupdf.paper_rect("a4")
    set_paper(printer, paper.width, paper.height)
    painter = QPainter()
    if not painter.begin(printer):
        with mupdf_lock:
            doc.close()
        raise PrintError(
            QT_TRANSLATE_NOOP(
                "FpsError", "The printer could not be started. Is it switched on and connected?"
            )
        )
    device = painter.viewport().size()
    sent, total = 0, count * copies
    try:
        for _copy, index in itertools.product(range(copies), range(count)):
            cancel.check()
            if sent:
                printer.newPage()
            draw_bands(painter, sheet_bands(doc, index, dpi, grayscale, device))
            with mupdf_lock:
                pymupdf.TOOLS.store_shrink(100)  # decoded scans are not drawn twice: let go
            sent += 1
            progress(sent, total, "")
    finally:
        painter.end()
        with mupdf_lock:
            doc.close()
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
    doc, index: int, dpi: int, grayscale: bool, device: QSize | None = None
) -> list[Band]:
    """Rasterise only the inked bands of a sheet: blank paper costs nothing to send.

    A band that holds nothing but images is rendered at the images' own resolution
    when that is below ``dpi``: a 200 dpi scan sent at 300 dpi gains no detail but
    costs twice the pixels to render and to compress (the printer scales it).

    Each band is its place on a device of ``device`` pixels (the sheet at ``dpi`` when
    not given), its image, and the pixels the image points into (the image does not
    own them: keep both together).
    """
    colorspace = pymupdf.csGRAY if grayscale else pymupdf.csRGB
    fmt = QImage.Format.Format_Grayscale8 if grayscale else QImage.Format.Format_RGB888
    with mupdf_lock:
        sheet = doc[index]
        drawn = sheet.get_bboxlog()
        images = sheet.get_image_info()
        page = sheet.get_displaylist()  # parsed once, rendered per band
        bands = content_bands(drawn, page.rect)
        scale_x = device.width() / page.rect.width if device else dpi / 72
        scale_y = device.height() / page.rect.height if device else dpi / 72
    rendered = []
    for band in bands:
        zoom = _band_dpi(band, drawn, images, dpi) / 72
        with mupdf_lock:
            pix = page.get_pixmap(pymupdf.Matrix(zoom, zoom), colorspace, alpha=False, clip=band)
            pixels, width, height, stride = pix.samples, pix.width, pix.height, pix.stride
            del pix
        target = QRectF(band.x0 * scale_x, band.y0 * scale_y, band.width * scale_x,
                        band.height * scale_y)  # fmt: skip
        rendered.append((target, QImage(pixels, width, height, stride, fmt), pixels))
    return rendered


def content_bands(drawn: list, sheet: pymupdf.Rect) -> list[pymupdf.Rect]:
    """Rectangles (in points) that hold everything drawn on a sheet, top to bottom.

    Taken from MuPDF's log of drawing operations (``get_bboxlog``), not from a trial
    render: a scan is then decoded once, for its band, instead of twice.
    """
    bands: list[pymupdf.Rect] = []
    for kind, box in sorted(drawn, key=lambda item: item[1][1]):
        rect = pymupdf.Rect(box) + pymupdf.Rect(-BLEED, -BLEED, BLEED, BLEED) & sheet
        if kind == "ignore-text" or rect.is_empty:
            continue  # invisible text (a scan's OCR layer) puts no ink on paper
        if bands and rect.y0 <= bands[-1].y1 + BAND_GAP:
            bands[-1] |= rect
        else:
            bands.append(rect)
    return bands


def _band_dpi(band: pymupdf.Rect, drawn: list, images: list[dict], dpi: int) -> int:
    """``dpi``, or less when everything drawn in ``band`` is images that have fewer pixels
    (and hairlines, such as the cut lines between receipts, which print as well there)."""
    if any(kind != "fill-image" and min(pymupdf.Rect(rect).width, pymupdf.Rect(rect).height)
           > HAIRLINE for kind, rect in drawn if band.intersects(rect)):  # fmt: skip
        return dpi
    finest = 0.0
    for image in images:
        if not band.intersects(image["bbox"]):
            continue
        a, b, c, d, _e, _f = image["transform"]
        across, down = math.hypot(a, b), math.hypot(c, d)  # the image's sides, in points
        if not across or not down:
            continue
        finest = max(finest, image["width"] / across * 72, image["height"] / down * 72)
    return min(dpi, math.ceil(finest)) if finest else dpi
