"""Opening documents with PyMuPDF, and the one lock that keeps it single-threaded.

PyMuPDF shares one MuPDF context between threads and is not thread-safe, so
every call into it from a worker holds ``mupdf_lock`` for one short step (a
page, a file); the GUI never waits long because the steps are small.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import pymupdf

from fps_desktop.documents.files import image_info
from fps_desktop.documents.models import FileKind
from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError

log = logging.getLogger(__name__)

mupdf_lock = threading.RLock()
SEAL_NOT_DRAWN = QT_TRANSLATE_NOOP(
    "FpsError", "The seal could not be drawn — print it from an OFD reader."
)
MAX_IMAGE_PIXELS = 150_000_000  # 12,000 × 12,500: a 1 m² scan at 300 dpi
pymupdf.TOOLS.mupdf_display_errors(False)


def pdf_bytes(doc: pymupdf.Document) -> bytes:
    """Serialise through a temporary file: ``tobytes`` calls back into Python per chunk
    and is several times slower for documents of hundreds of pages."""
    with tempfile.TemporaryDirectory(prefix="fps-") as folder:
        path = Path(folder) / "out.pdf"
        doc.save(path, garbage=1, deflate=True)
        return path.read_bytes()


def inset(rect: pymupdf.Rect, margin: float) -> pymupdf.Rect:
    return pymupdf.Rect(rect.x0 + margin, rect.y0 + margin, rect.x1 - margin, rect.y1 - margin)


def open_document(path: Path, kind: FileKind, name: str) -> pymupdf.Document:
    """Open a cached file as a PDF or image document, or say plainly why not.

    Call with ``mupdf_lock`` held.
    """
    data = path.read_bytes()
    if not data:
        raise DocumentError(QT_TRANSLATE_NOOP("FpsError", "{name} is empty (0 bytes)."), name=name)
    if kind == FileKind.IMAGE:
        info = image_info(data)
        if info is None:
            raise DocumentError(
                QT_TRANSLATE_NOOP("FpsError", "{name} is not a readable image."), name=name
            )
        if info.width * info.height > MAX_IMAGE_PIXELS:
            raise DocumentError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "{name} is too large to print ({width} × {height} pixels). "
                    "Ask the sender for a smaller scan.",
                ),
                name=name,
                width=info.width,
                height=info.height,
            )
    elif kind == FileKind.OFD:
        data = _ofd_as_pdf(path).pdf
        kind = FileKind.PDF
    elif kind == FileKind.XML:
        raise DocumentError(
            QT_TRANSLATE_NOOP("FpsError", "{name} is invoice data (XML), not a page to print."),
            name=name,
        )
    elif kind != FileKind.PDF:
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError", "{name} is neither a PDF nor a JPG/PNG image and cannot be shown."
            ),
            name=name,
        )
    try:
        doc = pymupdf.open(stream=data, filetype="pdf" if kind == FileKind.PDF else None)
    except (pymupdf.FileDataError, RuntimeError, ValueError) as exc:
        log.info("cannot open %s: %s", name, exc)
        raise DocumentError(
            QT_TRANSLATE_NOOP("FpsError", "{name} is damaged and cannot be opened."), name=name
        ) from exc
    if doc.needs_pass:
        doc.close()
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "{name} is protected by a password. Ask the sender for an unprotected copy.",
            ),
            name=name,
        )
    if doc.page_count == 0:
        doc.close()
        raise DocumentError(QT_TRANSLATE_NOOP("FpsError", "{name} has no pages."), name=name)
    return doc


@lru_cache(maxsize=8)
def _ofd_as_pdf(path: Path):
    """Blobs are named by their SHA-256, so a path's conversion never goes stale."""
    from fps_desktop.invoices.ofd import ofd_to_pdf

    return ofd_to_pdf(path.read_bytes())


def count_pages(path: Path, kind: FileKind, name: str) -> int:
    """Pages of a file; 0 for invoice data (XML), which is listed but never printed."""
    if kind == FileKind.XML:
        return 0
    with mupdf_lock:
        if kind == FileKind.OFD:
            open_document(path, kind, name).close()  # empty, refused or undrawable: said here
            if _ofd_as_pdf(path).seal_problem:
                raise DocumentError(SEAL_NOT_DRAWN, name=name)
        if kind == FileKind.IMAGE:
            open_document(path, kind, name).close()
            return 1
        doc = open_document(path, kind, name)
        try:
            count = doc.page_count
            doc.load_page(count - 1)  # truncated files fail here, not at print time
            return count
        except (RuntimeError, ValueError) as exc:
            raise DocumentError(
                QT_TRANSLATE_NOOP("FpsError", "{name} is damaged and cannot be opened."),
                name=name,
            ) from exc
        finally:
            doc.close()


PROBE_DPI = 36
WHITE = 0xFF


def content_bands(page: pymupdf.DisplayList, probe_dpi: int = PROBE_DPI) -> list[pymupdf.Rect]:
    """Rectangles (in points) that hold everything non-white on a page's display list.

    Found on a coarse greyscale render, so rasterising for a printer can skip
    blank paper: the bands of an invoice sheet are a fraction of its area.
    Call with ``mupdf_lock`` held.
    """
    zoom = probe_dpi / 72
    probe = page.get_pixmap(pymupdf.Matrix(zoom, zoom), pymupdf.csGRAY, alpha=False)
    samples, width, height, stride = probe.samples, probe.width, probe.height, probe.stride
    blank = bytes([WHITE]) * stride
    rows = [samples[r * stride : (r + 1) * stride] for r in range(height)]
    scale = 1 / zoom
    bands, row = [], 0
    while row < height:
        if rows[row] == blank:
            row += 1
            continue
        start, gap, left, right = row, 0, width, 0
        while row < height and gap < 3:
            line = rows[row]
            if line == blank:
                gap += 1
            else:
                gap = 0
                left = min(left, len(line) - len(line.lstrip(b"\xff")))
                right = max(right, len(line.rstrip(b"\xff")))
            row += 1
        end = row - gap
        band = pymupdf.Rect(left - 1, start - 1, right + 1, end + 1) * scale
        bands.append(band & page.rect)
    return bands
