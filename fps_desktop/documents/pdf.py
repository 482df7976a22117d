"""Opening, checking and preparing documents for print with PyMuPDF, and the one lock
that keeps PyMuPDF single-threaded.

PyMuPDF shares one MuPDF context between threads and is not thread-safe, so
every call into it from a worker holds ``mupdf_lock`` for one short step (a
page, a file); the GUI never waits long because the steps are small.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import pymupdf

from fps_desktop.documents.images import (
    MAX_IMAGE_PIXELS,
    SHARP_DPI,
    Frame,
    damaged_image,
    prove_frames,
    read_frames,
)
from fps_desktop.documents.models import FileKind, Problem
from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError
from fps_desktop.sandbox import OutOfMemory, OutOfTime, Sandbox, WorkerCrashed

log = logging.getLogger(__name__)

mupdf_lock = threading.RLock()
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

DECODERS = Sandbox(preload=(__name__,))  # the workers that prove files at fetch


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
    """Open a cached file for the viewer, or say plainly why not.

    A PDF opens as it is; an image opens as pages of its true size, upright, as it
    prints. Call with ``mupdf_lock`` held.
    """
    data = _read(path, name, kind)
    if kind in (FileKind.PDF, FileKind.OFD):
        return _open_pdf(_as_pdf(path, kind, data), name)
    doc = pymupdf.open()
    _append_image(doc, data, name)
    return doc


def append_file(
    out: pymupdf.Document, path: Path, kind: FileKind, name: str, enhance: bool = False
) -> int:
    """Add the file's printed pages to ``out``; returns how many. Call with the lock held.

    ``enhance``: pictures are levelled and sharpened (``enhance.py``); PDFs are not.
    """
    data = _read(path, name, kind)
    before = out.page_count
    if kind == FileKind.IMAGE:
        _append_image(out, data, name, enhance)
        return out.page_count - before
    src = _open_pdf(_as_pdf(path, kind, data), name)
    try:
        prepare_for_print(src)
        out.insert_pdf(src, links=False, annots=False)  # all that prints is baked in now
    finally:
        src.close()
    return out.page_count - before


def prove_file(path: Path, kind: FileKind, name: str) -> int:
    """Do once, cheaply, what merging will do with the file: load every page and copy
    them into a scratch document, or decode every picture.

    Returns its page count; raises ``DocumentError`` naming what is wrong, so a
    damaged file is marked when it is fetched instead of failing a print later.
    """
    if kind == FileKind.XML:
        return 0  # invoice data: listed for its fields, never printed
    with mupdf_lock:
        try:
            if kind == FileKind.OFD:
                try:
                    conversion = _ofd_as_pdf(path)
                except DocumentError as exc:  # the converter's refusals name an OFD, not a PDF
                    if exc.problem == Problem.DAMAGED_PDF:
                        exc.problem = Problem.DAMAGED_OFD
                    raise
                if conversion.seal_problem:
                    raise DocumentError(SEAL_NOT_DRAWN, Problem.NO_SEAL, name=name)
                return _prove_pdf(conversion.pdf, name)
            if kind == FileKind.PDF:
                return _prove_pdf(_read(path, name, kind), name)
            frames = read_frames(_read(path, name, kind), name)
            prove_frames(frames, name)  # decoding is the risky step; placing never fails
            return len(frames)
        except (DocumentError, MemoryError):
            raise
        except Exception as exc:  # any library failure here is the file's defect
            log.info("%s fails the print check: %s: %s", name, type(exc).__name__, exc)
            raise _damaged(name, kind) from exc


def prove_isolated(path: Path, kind: FileKind, name: str) -> int:
    """``prove_file`` in a decoder worker, under its memory cap and time limit.

    A file that breaks a limit, or stops the decoder, is refused with that reason;
    the app and the other files of the GUID are not touched.
    """
    pages = isolated(prove_file, path, kind, name)
    if not isinstance(pages, int) or isinstance(pages, bool) or not 0 <= pages < 1_000_000:
        raise _damaged(name, kind)
    return pages


def isolated(task, path: Path, kind: FileKind, name: str, *args: object):
    """``task(path, kind, name, *args)`` in a decoder worker; whatever stops it there is
    a ``DocumentError`` naming the file and the true reason."""
    try:
        return DECODERS.run(task, path, kind, name, *args)
    except DocumentError as exc:
        if exc.problem not in Problem.__members__.values():
            raise _damaged(name, kind) from exc
        raise
    except OutOfMemory as exc:
        raise too_large_unpacked(name) from exc
    except OutOfTime as exc:
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "{name} took too long to read (more than {seconds} s) and is left out. "
                "Ask the sender for the file again.",
            ),
            Problem.TOO_SLOW,
            name=name,
            seconds=round(exc.seconds),
        ) from exc
    except WorkerCrashed as exc:
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "{name} stopped the program that reads it (a damaged or hostile file) and "
                "cannot be printed. Ask the sender for the file again.",
            ),
            Problem.DAMAGED_IMAGE if kind == FileKind.IMAGE else Problem.DAMAGED_PDF,
            name=name,
        ) from exc


def render_page(
    path: Path, kind: FileKind, name: str, number: int, width: int, height: int,
    rotation: int = 0, grayscale: bool = False,
) -> tuple[dict, bytes]:  # fmt: skip
    """Page ``number`` of a cached file drawn to fit ``width`` × ``height`` pixels, for
    the viewer: its size and rows of RGB (or grey) samples. Runs in a decoder worker
    (``isolated``), which keeps the last files it opened."""
    with mupdf_lock:
        page = _viewed(path, kind, name)[number]
        rect = page.rect
        if rotation % 180:
            rect = pymupdf.Rect(0, 0, rect.height, rect.width)
        zoom = min(width / rect.width, height / rect.height)
        matrix = pymupdf.Matrix(zoom, zoom).prerotate(rotation)
        colorspace = pymupdf.csGRAY if grayscale else pymupdf.csRGB
        pix = page.get_pixmap(matrix=matrix, alpha=False, colorspace=colorspace)
        return {"width": pix.width, "height": pix.height, "stride": pix.stride}, pix.samples


_VIEWED: OrderedDict[Path, pymupdf.Document] = OrderedDict()
MAX_VIEWED = 8


def _viewed(path: Path, kind: FileKind, name: str) -> pymupdf.Document:
    doc = _VIEWED.get(path)
    if doc is None:
        doc = _VIEWED[path] = open_document(path, kind, name)
        if len(_VIEWED) > MAX_VIEWED:
            _VIEWED.popitem(last=False)[1].close()
    _VIEWED.move_to_end(path)
    return doc


def too_large_unpacked(name: str) -> DocumentError:
    return DocumentError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "{name} is too large when unpacked: it holds far more than it shows (a "
            "compression bomb?). Ask the sender for the file again.",
        ),
        Problem.TOO_LARGE_UNPACKED,
        name=name,
    )


SEAL_NOT_DRAWN = QT_TRANSLATE_NOOP(
    "FpsError", "{name}: the seal could not be drawn — print it from an OFD reader."
)


def _as_pdf(path: Path, kind: FileKind, data: bytes) -> bytes:
    """The file as PDF: an OFD is drawn into PDF pages first."""
    return _ofd_as_pdf(path).pdf if kind == FileKind.OFD else data


@lru_cache(maxsize=8)
def _ofd_as_pdf(path: Path):
    """Blobs are named by their SHA-256, so a path's conversion never goes stale."""
    from fps_desktop.invoices.ofd import ofd_to_pdf

    return ofd_to_pdf(path.read_bytes())


def prepare_for_print(doc: pymupdf.Document) -> None:
    """Make annotations page content, as a viewer prints them.

    Form fields that rely on ``NeedAppearances`` (or have no appearance) get one
    drawn from their value, check boxes whose appearance for their state is
    missing get a standard one, fields not marked for printing and hidden
    annotations are left out. Signature fields stay whatever their print flag:
    they carry the seal.
    """
    if not (doc.has_annots() or doc.is_form_pdf):
        return
    regenerate = bool(doc.is_form_pdf) and doc.need_appearances()
    for page in doc:
        for xref in [widget.xref for widget in page.widgets()]:
            _prepare_widget(doc, page, page.load_widget(xref), regenerate)
        for annot in [a for a in page.annots() if a.flags & pymupdf.PDF_ANNOT_IS_HIDDEN]:
            page.delete_annot(annot)
    doc.bake()


_VALUE_FIELDS = {
    pymupdf.PDF_WIDGET_TYPE_TEXT,
    pymupdf.PDF_WIDGET_TYPE_COMBOBOX,
    pymupdf.PDF_WIDGET_TYPE_LISTBOX,
}


def _prepare_widget(
    doc: pymupdf.Document, page: pymupdf.Page, widget: pymupdf.Widget, regenerate: bool
) -> None:
    flags = _annot_flags(doc, widget.xref)
    signature = widget.field_type == pymupdf.PDF_WIDGET_TYPE_SIGNATURE
    printed = flags & pymupdf.PDF_ANNOT_IS_PRINT or signature
    if flags & pymupdf.PDF_ANNOT_IS_HIDDEN or not printed:
        page.delete_widget(widget)
    elif widget.field_type in _VALUE_FIELDS:
        if regenerate or not _has_appearance(doc, widget.xref):
            widget.update()
    elif widget.field_type == pymupdf.PDF_WIDGET_TYPE_CHECKBOX:
        if regenerate or not _has_state_appearance(doc, widget.xref):
            widget.update()
    elif widget.field_type == pymupdf.PDF_WIDGET_TYPE_RADIOBUTTON and not _has_state_appearance(
        doc, widget.xref
    ):
        widget.update()  # only then: redrawing a radio button that has one loses the choice


def _annot_flags(doc: pymupdf.Document, xref: int) -> int:
    kind, value = doc.xref_get_key(xref, "F")
    return int(value) if kind == "int" else 0


def _has_appearance(doc: pymupdf.Document, xref: int) -> bool:
    return doc.xref_get_key(xref, "AP/N")[0] in ("xref", "dict")


def _has_state_appearance(doc: pymupdf.Document, xref: int) -> bool:
    """A check box draws ``/AP /N /<state>``; a name or nothing there draws nothing."""
    kind, state = doc.xref_get_key(xref, "AS")
    if kind != "name":
        return False
    return doc.xref_get_key(xref, f"AP/N/{state.lstrip('/')}")[0] == "xref"


def _read(path: Path, name: str, kind: FileKind) -> bytes:
    data = path.read_bytes()
    if not data:
        raise DocumentError(
            QT_TRANSLATE_NOOP("FpsError", "{name} is empty (0 bytes)."), Problem.EMPTY, name=name
        )
    if kind == FileKind.UNKNOWN:
        raise _unsupported(name)
    return data


def _unsupported(name: str) -> DocumentError:
    return DocumentError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "{name} is neither a PDF, an OFD nor a picture (JPG, PNG, TIFF, BMP, WebP, GIF, HEIC) "
            "and cannot be printed.",
        ),
        Problem.UNSUPPORTED,
        name=name,
    )


def _open_pdf(data: bytes, name: str) -> pymupdf.Document:
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # MuPDF raises several types for bad files
        log.info("cannot open %s: %s", name, exc)
        raise _damaged(name, FileKind.PDF, data) from exc
    if doc.needs_pass:
        doc.close()
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "{name} is protected by a password. Ask the sender for an unprotected copy.",
            ),
            Problem.PASSWORD,
            name=name,
        )
    if doc.page_count == 0:
        repaired = doc.is_repaired
        doc.close()
        if repaired or _cut_short(data):
            raise _damaged(name, FileKind.PDF, data)
        raise DocumentError(
            QT_TRANSLATE_NOOP("FpsError", "{name} has no pages."), Problem.NO_PAGES, name=name
        )
    return doc


def _prove_pdf(data: bytes, name: str) -> int:
    """Every page and its content loads, no picture is too large to render, and the pages
    copy into another document (where cut-short files fail). A file that lost only its
    index at the end (a viewer shows it whole) passes; one cut inside its objects does
    not. Baking annotations is left to the merge: it costs more than all this, and a
    failure there is still caught and named per file."""
    pymupdf.TOOLS.reset_mupdf_warnings()
    doc = _open_pdf(data, name)
    try:
        for number in range(doc.page_count):
            page = doc.load_page(number)
            for xref in page.get_contents():
                doc.xref_stream(xref)
            for image in doc.get_page_images(number):
                width, height = image[2], image[3]
                if width * height > MAX_IMAGE_PIXELS:
                    raise DocumentError(
                        QT_TRANSLATE_NOOP(
                            "FpsError",
                            "{name} holds a picture too large to print ({width} × {height} "
                            "pixels). Ask the sender for a smaller scan.",
                        ),
                        Problem.TOO_LARGE,
                        name=name,
                        width=width,
                        height=height,
                    )
                if image[8] in _SELF_SIZED:
                    pymupdf.Pixmap(doc, image[0])  # decoded once here, not first in the viewer
        warnings = pymupdf.TOOLS.mupdf_warnings()
        if _OUT_OF_MEMORY.search(warnings):  # MuPDF gives up a stream and says so only here
            raise too_large_unpacked(name)
        if doc.is_repaired and _CUT_OBJECTS.search(warnings):
            raise _damaged(name, FileKind.PDF, data)
        scratch = pymupdf.open()
        scratch.insert_pdf(doc, links=False, annots=False)  # as the merge copies it
        scratch.close()
        return doc.page_count
    except (DocumentError, MemoryError):
        raise
    except Exception as exc:  # MuPDF's many error types: the file's defect
        log.info("%s fails the print check: %s: %s", name, type(exc).__name__, exc)
        if _OUT_OF_MEMORY.search(str(exc)):
            raise too_large_unpacked(name) from exc
        raise _damaged(name, FileKind.PDF, data) from exc
    finally:
        doc.close()


# Pictures whose stream, not their dictionary, says how large they unpack.
_SELF_SIZED = {"JBIG2Decode", "JPXDecode"}
# What MuPDF says when a stream would unpack past the memory a decoder worker may use.
_OUT_OF_MEMORY = re.compile(r"failed to allocate|malloc|out of memory|cannot allocate", re.I)
# What MuPDF says while repairing a file whose objects were cut, not only its index.
_CUT_OBJECTS = re.compile(r"missing 'endobj'|expected 'endobj'|Length incorrect|premature", re.I)


def _cut_short(data: bytes) -> bool:
    """A whole PDF ends with ``%%EOF`` (give or take some padding)."""
    return b"%%EOF" not in data[-1024:]


def _damaged(name: str, kind: FileKind, data: bytes = b"") -> DocumentError:
    if kind == FileKind.IMAGE:
        return damaged_image(name)
    if data and _cut_short(data):
        return DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "{name} is incomplete: the PDF is cut short (an interrupted download or "
                "copy). Ask the sender for the file again.",
            ),
            Problem.CUT_SHORT,
            name=name,
        )
    return DocumentError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "{name} is a damaged PDF and cannot be printed. Ask the sender for the file again.",
        ),
        Problem.DAMAGED_PDF,
        name=name,
    )


A4 = pymupdf.paper_rect("a4")
# A picture that does not say its resolution (a phone screenshot, a messenger's copy of
# a photo) has no true size. It is given the resolution the print check calls sharp: at
# that size it prints sharp and is not marked, a 1080-pixel-wide screenshot comes out
# 137 mm wide, and a camera photo is larger than the sheet either way (shrunk to fit).
ASSUMED_DPI = SHARP_DPI
MAX_DPI = 300
MAX_PAGE_SIDE = 14_400  # points (5 m): the largest page PDF readers accept


def picture_size(frame: Frame) -> tuple[float, float]:
    """The picture's true printed size in points: its pixels at its resolution."""
    dpi = frame.dpi if frame.dpi and frame.dpi >= 30 else ASSUMED_DPI
    width, height = frame.width / dpi * 72, frame.height / dpi * 72
    fits = min(1.0, MAX_PAGE_SIDE / max(width, height))
    return width * fits, height * fits


def _append_image(out: pymupdf.Document, data: bytes, name: str, enhance: bool = False) -> None:
    """Each picture a page of its own true size (pixels ÷ dpi), upright, so every layout
    places it at 100 %; pixels finer than 300 dpi at the largest size it can print (an
    A4 sheet filled) are dropped."""
    for frame in read_frames(data, name):
        _place_frame(out, frame, enhance)


def _place_frame(out: pymupdf.Document, frame: Frame, enhance: bool) -> None:
    width_pt, height_pt = picture_size(frame)
    page = out.new_page(width=width_pt, height=height_pt)
    largest = max(min(A4.width / width_pt, A4.height / height_pt),
                  min(A4.height / width_pt, A4.width / height_pt))  # fmt: skip
    printed_dpi = frame.width / (width_pt * largest / 72)
    shrink = MAX_DPI / printed_dpi if printed_dpi > MAX_DPI * 1.05 else 1.0
    stream, turn = frame.stream(shrink, enhance=enhance)
    try:
        page.insert_image(page.rect, stream=stream, rotate=(360 - turn) % 360)
    except Exception as exc:  # MuPDF refuses some PNGs viewers show (data past the end)
        if stream is not frame.data:
            raise
        log.info("%s: embedding as decoded by Pillow: %s", frame.name, exc)
        page.insert_image(page.rect, stream=frame.stream(shrink, reencode=True)[0])
