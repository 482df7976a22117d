"""Merging a GUID's files into one PDF, one bookmark per source file.

Images become A4 pages at their true printed size (pixels ÷ dpi, never pixels
as points), turned as EXIF says, shrunk only when they do not fit, and
downsampled to 300 dpi when finer. Annotations (seals, stamps) are baked into
the page content so every later step and every viewer keeps them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.files import ImageInfo, image_info
from fps_desktop.documents.models import CachedFile, FileKind, FileRole
from fps_desktop.documents.pdf import inset, mupdf_lock, open_document, pdf_bytes
from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError, UsageError
from fps_desktop.jobs import CancelToken, Progress, no_progress
from fps_desktop.storage import write_atomically

log = logging.getLogger(__name__)

A4 = pymupdf.paper_rect("a4")
MM = 72 / 25.4
IMAGE_MARGIN = 10 * MM
ASSUMED_DPI = 150  # scans that do not say their resolution
MAX_DPI = 300


@dataclass
class MergedDocument:
    """The merged PDF and, for each of its pages, the role of the file it came from."""

    pdf: bytes
    page_roles: list[FileRole]
    skipped: list[str]


def merge_files(
    cache: DocumentCache,
    files: list[CachedFile],
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> MergedDocument:
    """Merge ``files`` in the given order; unreadable files are skipped and named."""
    cancel = cancel or CancelToken()
    printable = [f for f in files if f.printable]
    skipped = [f.name for f in files if not f.printable]
    if not printable:
        raise UsageError(QT_TRANSLATE_NOOP("FpsError", "No printable file is selected."))
    with mupdf_lock:
        out = pymupdf.open()
    toc, roles = [], []
    for done, item in enumerate(printable):
        cancel.check()
        progress(done, len(printable), item.name)
        with mupdf_lock:
            first_page = out.page_count + 1
            try:
                _append(out, cache.blob_path(item.sha256), item)
            except DocumentError:
                skipped.append(item.name)
                continue
            added = out.page_count + 1 - first_page
        toc.append([1, item.name, first_page])
        roles.extend([item.role] * added)
    progress(len(printable), len(printable), "")
    with mupdf_lock:
        out.bake()
        out.set_toc(toc)
        data = pdf_bytes(out)
        out.close()
    return MergedDocument(data, roles, skipped)


def save_merged(merged: MergedDocument, target: Path) -> Path:
    write_atomically(target, merged.pdf)
    return target


def _append(out: pymupdf.Document, path: Path, item: CachedFile) -> None:
    if item.kind in (FileKind.PDF, FileKind.OFD):
        src = open_document(path, item.kind, item.name)
        try:
            out.insert_pdf(src)
        finally:
            src.close()
        return
    data = path.read_bytes()
    info = image_info(data)
    open_document(path, item.kind, item.name).close()  # size and format checks
    _append_image(out, data, info)


def _append_image(out: pymupdf.Document, data: bytes, info: ImageInfo) -> None:
    turned = info.rotation in (90, 270)
    width_px, height_px = (info.height, info.width) if turned else (info.width, info.height)
    dpi = info.dpi if info.dpi and info.dpi >= 30 else ASSUMED_DPI
    width_pt, height_pt = width_px / dpi * 72, height_px / dpi * 72
    page_rect = A4 if height_pt >= width_pt else pymupdf.Rect(0, 0, A4.height, A4.width)
    page = out.new_page(width=page_rect.width, height=page_rect.height)
    room = inset(page_rect, IMAGE_MARGIN)
    scale = min(1.0, room.width / width_pt, room.height / height_pt)
    width_pt, height_pt = width_pt * scale, height_pt * scale
    left = (page_rect.width - width_pt) / 2
    top = (page_rect.height - height_pt) / 2
    target = pymupdf.Rect(left, top, left + width_pt, top + height_pt)
    printed_dpi = width_px / (width_pt / 72)
    if printed_dpi > MAX_DPI * 1.05:
        data = _downsample(data, info, MAX_DPI / printed_dpi)
    page.insert_image(target, stream=data, rotate=(360 - info.rotation) % 360)


def _downsample(data: bytes, info: ImageInfo, factor: float) -> bytes:
    """Re-encode at ``factor`` of the pixel size, so a huge scan stays a small page."""
    source = pymupdf.Pixmap(data)
    if source.alpha:
        source = pymupdf.Pixmap(source, 0)
    width, height = max(1, round(info.width * factor)), max(1, round(info.height * factor))
    smaller = pymupdf.Pixmap(source, width, height, None)
    log.debug("downsampled image %dx%d to %dx%d", info.width, info.height, width, height)
    return smaller.tobytes("jpeg", jpg_quality=88)
