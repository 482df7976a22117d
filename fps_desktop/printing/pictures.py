"""Pictures on paper: the resolution a photo prints at, and sheets sent as pictures.

A photo has as many pixels as it has; the layout decides how large it prints, so its
resolution on paper is known only once the layout is chosen. ``may_blur`` is the one
rule for "may print blurred", used by the file row, the print dialog and the command
line alike. An old printer that chokes on PDFs full of fonts, forms and transparency
gets every sheet as one 300 dpi picture instead (``as_images``).
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.models import CachedFile, FileRole
from fps_desktop.errors import DocumentError
from fps_desktop.formats.images import SHARP_DPI, read_frames
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.formats.pdf import isolated, pdf_bytes, picture_size
from fps_desktop.formats.sniff import FileKind
from fps_desktop.jobs import CancelToken
from fps_desktop.printing.bands import drawn_in_order, not_drawn, sheet_picture_task
from fps_desktop.printing.imposition import Group, Setup, Source, plan

OLD_PRINTER_DPI = 300
OLD_PRINTER_QUALITY = 90  # JPEG: what PostScript level 2 printers decode themselves


def may_blur(dpi: int) -> bool:
    """The rule: a picture printed at fewer than 200 dots per inch may look blurred."""
    return dpi < SHARP_DPI


def printed_dpi(pixels: tuple[int, int], printed: tuple[float, float]) -> int:
    """Dots per inch of a picture of ``pixels`` printed ``printed`` points large: the
    coarser of its two sides."""
    return round(min(pixels[0] / printed[0], pixels[1] / printed[1]) * 72)


def picture_resolutions(
    cache: DocumentCache, files: list[CachedFile], setup: Setup
) -> dict[str, int]:
    """The lowest resolution each picture of ``files`` prints at in ``setup``, by name.

    Read from the pictures' headers (nothing is decoded) and placed by the layout's own
    code, so a picture the layout enlarges is caught as well as a small scan.
    """
    found = {}
    for item in files:
        if item.kind != FileKind.IMAGE or not item.printable:
            continue
        frames = read_frames(cache.blob_path(item.sha256).read_bytes(), item.name)
        found[item.name] = min(_printed_dpi(frame, setup) for frame in frames)
    return found


def blurred_pictures(cache: DocumentCache, files: list[CachedFile], setup: Setup) -> dict[str, int]:
    """The pictures that ``may_blur`` in ``setup``, by name, with the dpi they print at."""
    resolutions = picture_resolutions(cache, files, setup)
    return {name: dpi for name, dpi in resolutions.items() if may_blur(dpi)}


def _printed_dpi(frame, setup: Setup) -> int:
    width, height = picture_size(frame)
    scale = layout_scale(width, height, setup)
    return printed_dpi((frame.width, frame.height), (width * scale, height * scale))


def layout_scale(width: float, height: float, setup: Setup) -> float:
    """The scale ``setup`` gives a picture of ``width`` × ``height`` points alone on a sheet:
    asked of the layout's own code with a blank page of that size."""
    with mupdf_lock:
        page_of_it = pymupdf.open()
        page_of_it.new_page(width=width, height=height)
    try:
        (sheet,) = plan(page_of_it, [Source(FileRole.ATTACHMENT, Group.RECEIPT)], setup)
        return sheet.scale
    finally:
        with mupdf_lock:
            page_of_it.close()


def as_images(pdf: bytes, cancel: CancelToken | None = None, dpi: int = OLD_PRINTER_DPI) -> bytes:
    """``pdf`` with every page replaced by one picture of it at ``dpi``, same page size,
    each drawn in a decoder worker."""
    cancel = cancel or CancelToken()
    with mupdf_lock, pymupdf.open(stream=pdf, filetype="pdf") as src:
        sizes = [(page.rect.width, page.rect.height) for page in src]
    pictures_of = drawn_in_order(pdf, lambda path, index: _picture(path, index, dpi),
                                 range(len(sizes)))  # fmt: skip
    with pictures_of as pictures:
        with mupdf_lock:
            out = pymupdf.open()
        try:
            for (width, height), jpeg in zip(sizes, pictures, strict=True):
                cancel.check()
                with mupdf_lock:
                    sheet = out.new_page(width=width, height=height)
                    sheet.insert_image(sheet.rect, stream=jpeg)
            with mupdf_lock:
                return pdf_bytes(out)
        finally:
            with mupdf_lock:
                out.close()


def _picture(path: Path, index: int, dpi: int) -> bytes:
    """Sheet ``index`` as a JPEG from a decoder worker, believed only if it is one."""
    try:
        answer = isolated(sheet_picture_task, path, FileKind.PDF, f"sheet {index + 1}", index,
                          dpi, OLD_PRINTER_QUALITY)  # fmt: skip
    except DocumentError as exc:
        raise not_drawn(index) from exc
    jpeg = answer[1] if isinstance(answer, tuple) else b""
    if not jpeg.startswith(b"\xff\xd8"):
        raise not_drawn(index)
    return jpeg
