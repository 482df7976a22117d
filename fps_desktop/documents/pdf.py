"""Opening documents with PyMuPDF, and the one lock that keeps it single-threaded.

PyMuPDF shares one MuPDF context between threads and is not thread-safe, so
every call into it from a worker holds ``mupdf_lock`` for one short step (a
page, a file); the GUI never waits long because the steps are small.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path

import pymupdf

from fps_desktop.documents.files import image_info
from fps_desktop.documents.models import FileKind
from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError

log = logging.getLogger(__name__)

mupdf_lock = threading.RLock()
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


def count_pages(path: Path, kind: FileKind, name: str) -> int:
    with mupdf_lock:
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
