"""The pixels a printer gets, drawn in a decoder worker: only the inked bands of a sheet.

A sheet holds pages of the clerk's files, so drawing it decodes what they carry (scans,
photos, fonts): that runs in the decoder workers (``formats.sandbox``), under their memory
cap and time limit, like every other decoding of an untrusted file. What comes back is a
list of bands and their pixels, checked by the spooler before it paints them. No Qt here:
the workers do not load it.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pymupdf

from fps_desktop.errors import QT_TRANSLATE_NOOP, PrintError
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.formats.pdf import DECODERS, MAX_DPI, open_document
from fps_desktop.formats.sniff import FileKind

BAND_GAP = 6  # points of blank paper between two drawings that start a new band
BLEED = 1  # points around a drawing's box, for anti-aliased edges
HAIRLINE = 2  # points: a line this thin needs no more pixels than the images beside it

_printing: dict[Path, pymupdf.Document] = {}  # a worker's one print at a time


@contextmanager
def drawn_in_order(
    pdf: bytes, draw: Callable[[Path, int], object], sheets: Iterable[int]
) -> Iterator[Iterator]:
    """``draw(path, index)`` for each of ``sheets``, on the decoder workers' threads, one
    ahead on each, the drawings in order; ``pdf`` is saved at ``path`` for as long as a
    worker may read it."""
    with tempfile.TemporaryDirectory(prefix="fps-sheets-") as folder:
        path = Path(folder) / "sheets.pdf"
        path.write_bytes(pdf)
        drawings = DECODERS.ordered(draw, ((path, index) for index in sheets))
        try:
            yield drawings
        finally:
            drawings.close()  # before the folder goes: a worker may still read the sheets


def sheet_bands_task(
    path: Path, kind: FileKind, name: str, index: int, dpi: int, grayscale: bool,
    width: int, height: int,
) -> tuple[dict, bytes]:  # fmt: skip
    """In a decoder worker: sheet ``index`` of the print PDF at ``path`` as bands, each its
    place on a device of ``width`` × ``height`` pixels (the sheet at ``dpi`` when 0), its
    size and its rows of samples, all bands' samples one after the other.

    A band that holds nothing but images is rendered at the images' own resolution when
    that is below ``dpi``: a 200 dpi scan sent at 300 dpi gains no detail but costs twice
    the pixels to render and to compress (the printer scales it)."""
    colorspace = pymupdf.csGRAY if grayscale else pymupdf.csRGB
    dpi = min(dpi, MAX_DPI)
    with mupdf_lock:
        sheet = _opened(path, kind, name)[index]
        drawn = sheet.get_bboxlog()
        images = sheet.get_image_info()
        page = sheet.get_displaylist()  # parsed once, rendered per band
        scale_x = width / page.rect.width if width else dpi / 72
        scale_y = height / page.rect.height if height else dpi / 72
        bands, samples = [], []
        for band in content_bands(drawn, page.rect):
            zoom = _band_dpi(band, drawn, images, dpi) / 72
            pix = page.get_pixmap(pymupdf.Matrix(zoom, zoom), colorspace, alpha=False, clip=band)
            target = [band.x0 * scale_x, band.y0 * scale_y, band.width * scale_x,
                      band.height * scale_y]  # fmt: skip
            bands.append({"target": target, "width": pix.width, "height": pix.height,
                          "stride": pix.stride})  # fmt: skip
            samples.append(pix.samples)
            del pix
        pymupdf.TOOLS.store_shrink(100)  # decoded scans are not drawn twice: let go
    return {"bands": bands}, b"".join(samples)


def sheet_picture_task(
    path: Path, kind: FileKind, name: str, index: int, dpi: int, quality: int
) -> tuple[dict, bytes]:
    """In a decoder worker: sheet ``index`` as one JPEG picture at ``dpi``, for a printer
    that cannot be trusted with anything else (``pictures.as_images``)."""
    with mupdf_lock:
        picture = _opened(path, kind, name)[index].get_pixmap(dpi=min(dpi, MAX_DPI), alpha=False)
        jpeg = picture.tobytes("jpeg", jpg_quality=quality)
        del picture
        pymupdf.TOOLS.store_shrink(100)
    return {}, jpeg


def not_drawn(index: int) -> PrintError:
    """Sheet ``index`` (from 0) broke a worker's limit or came back wrong: the print stops."""
    return PrintError(
        QT_TRANSLATE_NOOP(
            "FpsError", "Sheet {sheet} could not be drawn for the printer: a file on it is "
            "damaged or too large. Nothing after it was sent."
        ),
        sheet=index + 1,
    )  # fmt: skip


def _opened(path: Path, kind: FileKind, name: str) -> pymupdf.Document:
    """The print being drawn; a new print closes the one before (a worker keeps one)."""
    doc = _printing.get(path)
    if doc is None:
        for old in _printing.values():
            old.close()
        _printing.clear()
        doc = _printing[path] = open_document(path, kind, name)
    return doc


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
