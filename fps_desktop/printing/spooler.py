"""Sending a print-ready PDF to a QPrinter, one page at a time.

Each sheet is rendered at the printer's resolution (at most 300 dpi), only where
there is ink, drawn, and released before the next, so memory stays flat for any
page count. QPainter on
a QPrinter is allowed off the GUI thread, so this runs inside a Job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pymupdf
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from fps_desktop.documents.pdf import content_bands, mupdf_lock
from fps_desktop.errors import QT_TRANSLATE_NOOP, PrintError
from fps_desktop.jobs import CancelToken, Progress, no_progress

log = logging.getLogger(__name__)

MAX_DPI = 300
Band = tuple[QRectF, QImage, bytes]


@dataclass
class PrinterOptions:
    """The clerk's choices in the print dialog; remembered per printer."""

    printer: str = ""  # empty: the system default printer
    to_pdf: Path | None = None
    copies: int = 1
    duplex: bool = False
    grayscale: bool = False
    dpi: int = MAX_DPI

    def remembered(self) -> dict:
        return {"copies": self.copies, "duplex": self.duplex, "grayscale": self.grayscale}


def make_printer(options: PrinterOptions) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if options.to_pdf is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(options.to_pdf))
    else:
        info = QPrinterInfo.printerInfo(options.printer) if options.printer else None
        if options.printer and (info is None or info.isNull()):
            raise PrintError(
                QT_TRANSLATE_NOOP("FpsError", "There is no printer called “{name}”."),
                name=options.printer,
            )
        if info is not None:
            printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setResolution(min(options.dpi, MAX_DPI))
    printer.setCopyCount(options.copies)
    printer.setDuplex(
        QPrinter.DuplexMode.DuplexLongSide if options.duplex else QPrinter.DuplexMode.DuplexNone
    )
    printer.setColorMode(
        QPrinter.ColorMode.GrayScale if options.grayscale else QPrinter.ColorMode.Color
    )
    return printer


def spool(
    print_pdf: bytes,
    printer: QPrinter,
    grayscale: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Paint every sheet; copies are repeated here when the device cannot. Returns sheets sent."""
    cancel = cancel or CancelToken()
    dpi = min(printer.resolution(), MAX_DPI)
    copies = 1 if printer.supportsMultipleCopies() else printer.copyCount()
    with mupdf_lock:
        doc = pymupdf.open(stream=print_pdf, filetype="pdf")
        count = doc.page_count
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(
            QT_TRANSLATE_NOOP(
                "FpsError", "The printer could not be started. Is it switched on and connected?"
            )
        )
    viewport = painter.viewport()
    sent = 0
    try:
        total = count * copies
        for _ in range(copies):
            for index in range(count):
                cancel.check()
                if sent:
                    printer.newPage()
                draw_bands(painter, sheet_bands(doc, index, dpi, grayscale, viewport.size()))
                sent += 1
                progress(sent, total, "")
    finally:
        painter.end()
        with mupdf_lock:
            doc.close()
    return sent


def render_sheets(
    print_pdf: bytes, dpi: int, grayscale: bool, cancel: CancelToken
) -> list[list[Band]]:
    """Every sheet's bands, rendered ahead so a preview paints them without waiting."""
    with mupdf_lock:
        doc = pymupdf.open(stream=print_pdf, filetype="pdf")
    try:
        sheets = []
        for index in range(doc.page_count):
            cancel.check()
            sheets.append(sheet_bands(doc, index, dpi, grayscale))
        return sheets
    finally:
        with mupdf_lock:
            doc.close()


def draw_bands(painter: QPainter, bands: list[Band]) -> None:
    for target, image, _pixels in bands:
        painter.drawImage(target, image)


def sheet_bands(
    doc, index: int, dpi: int, grayscale: bool, device: QSize | None = None
) -> list[Band]:
    """Rasterise only the inked bands of a sheet: blank paper costs nothing to send.

    Each band is its place on a device of ``device`` pixels (the sheet at ``dpi`` when
    not given), its image, and the pixels the image points into (the image does not
    own them: keep both together).
    """
    colorspace = pymupdf.csGRAY if grayscale else pymupdf.csRGB
    fmt = QImage.Format.Format_Grayscale8 if grayscale else QImage.Format.Format_RGB888
    zoom = pymupdf.Matrix(dpi / 72, dpi / 72)
    with mupdf_lock:
        page = doc[index].get_displaylist()  # parsed once, rendered per band
        bands = content_bands(page)
        scale_x = device.width() / page.rect.width if device else dpi / 72
        scale_y = device.height() / page.rect.height if device else dpi / 72
    rendered = []
    for band in bands:
        with mupdf_lock:
            pix = page.get_pixmap(zoom, colorspace, alpha=False, clip=band)
            pixels, width, height, stride = pix.samples, pix.width, pix.height, pix.stride
            del pix
        target = QRectF(band.x0 * scale_x, band.y0 * scale_y, band.width * scale_x,
                        band.height * scale_y)  # fmt: skip
        rendered.append((target, QImage(pixels, width, height, stride, fmt), pixels))
    return rendered
