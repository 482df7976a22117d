"""Print layout: which merged pages go where on which A4 sheet.

Pure and testable: the result is a print-ready PDF of A4 portrait sheets, which
is what the preview shows and what the spooler sends to the printer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pymupdf

from fps_desktop.documents.merge import turned_by_clerk
from fps_desktop.documents.models import FileRole, Layout
from fps_desktop.errors import QT_TRANSLATE_NOOP, UsageError
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.formats.pdf import inset, pdf_bytes
from fps_desktop.jobs import CancelToken, Progress, no_progress

MM = 72 / 25.4
SHEET = pymupdf.paper_rect("a4")
MARGIN = 5 * MM
CUT_LINE_GREY = (0.55, 0.55, 0.55)


def parse_page_ranges(text: str | None, page_count: int) -> list[int]:
    """``"1-3, 5, 8-"`` → zero-based page indexes in the order given."""
    if not text or not text.strip():
        return list(range(page_count))
    pages: list[int] = []
    for part in re.split(r"[,，;\s]+", text.strip()):
        if not part:
            continue
        match = re.fullmatch(r"(\d*)\s*[-–~]\s*(\d*)|(\d+)", part)
        if not match:
            raise _bad_range(text, page_count)
        if match.group(3):
            first = last = int(match.group(3))
        else:
            first = int(match.group(1) or 1)
            last = int(match.group(2) or page_count)
        if not 1 <= first <= last <= page_count:
            raise _bad_range(text, page_count)
        pages.extend(range(first - 1, last))
    return pages


def _bad_range(text: str, page_count: int) -> UsageError:
    return UsageError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "“{text}” is not a page range of this document (pages 1 to {count}). "
            "Write it like 1-3, 5.",
        ),
        text=text[:40],
        count=page_count,
    )


@dataclass
class Imposed:
    """The print-ready PDF and its sheet count."""

    pdf: bytes
    sheets: int


def impose(
    merged_pdf: bytes,
    page_roles: list[FileRole],
    layout: Layout = Layout.ACTUAL,
    page_ranges: str | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> Imposed:
    """Build the print-ready PDF: A4 portrait sheets in print order."""
    cancel = cancel or CancelToken()
    with mupdf_lock:
        src = pymupdf.open(stream=merged_pdf, filetype="pdf")
        out = pymupdf.open()
    try:
        sheets = lay_out(page_roles, layout, page_ranges, src.page_count)
        for done, sheet in enumerate(sheets):
            cancel.check()
            progress(done, len(sheets), "")
            with mupdf_lock:
                place_sheet(out, src, sheet, layout)
        progress(len(sheets), len(sheets), "")
        with mupdf_lock:
            return Imposed(pdf_bytes(out), len(sheets))
    finally:
        with mupdf_lock:
            src.close()
            out.close()


@dataclass(frozen=True)
class Sheet:
    """The merged pages one A4 sheet holds; ``halves``: one above the other, cut between."""

    pages: tuple[int, ...]
    halves: bool


def lay_out(
    page_roles: list[FileRole],
    layout: Layout,
    page_ranges: str | None = None,
    page_count: int | None = None,
) -> list[Sheet]:
    """The sheets in print order, from the pages' roles alone: no page is opened, so a
    preview knows how many sheets there are before anything is merged."""
    count = len(page_roles) if page_count is None else page_count
    return list(_sheets(parse_page_ranges(page_ranges, count), page_roles, layout))


def place_sheet(
    out: pymupdf.Document, src: pymupdf.Document, sheet: Sheet, layout: Layout
) -> float:
    """Add ``sheet`` (its pages taken from ``src``) to ``out``; returns the smallest scale.

    Call with ``mupdf_lock`` held.
    """
    page = out.new_page(width=SHEET.width, height=SHEET.height)
    if layout == Layout.TWO_UP and sheet.halves:
        return _place_halves(page, src, list(sheet.pages))
    return _place(page, src, sheet.pages[0], SHEET, enlarge=layout == Layout.FIT)


def _sheets(pages: list[int], roles: list[FileRole], layout: Layout) -> Iterator[Sheet]:
    """Pair consecutive invoice pages in two-up; everything else gets its own sheet."""
    waiting: list[int] = []
    for index in pages:
        is_invoice = index < len(roles) and roles[index] == FileRole.INVOICE
        if layout == Layout.TWO_UP and is_invoice:
            waiting.append(index)
            if len(waiting) == 2:
                yield Sheet(tuple(waiting), halves=True)
                waiting = []
            continue
        if waiting:
            yield Sheet(tuple(waiting), halves=True)
            waiting = []
        yield Sheet((index,), halves=False)
    if waiting:
        yield Sheet(tuple(waiting), halves=True)


def _place(page, src, index: int, area: pymupdf.Rect, enlarge: bool) -> float:
    """Centre one source page in ``area``, turned to match, never enlarged unless asked.

    Returns the scale the page got, so the clerk can be told when it was shrunk.
    """
    source_rect = src[index].rect
    room = inset(area, MARGIN)
    turn = (source_rect.width > source_rect.height) != (room.width > room.height)
    turn = turn and not turned_by_clerk(src, index)  # the clerk's turn is what prints
    width, height = (
        (source_rect.height, source_rect.width) if turn else (source_rect.width, source_rect.height)
    )
    scale = min(room.width / width, room.height / height)
    if not enlarge:
        scale = min(scale, 1.0)
    width, height = width * scale, height * scale
    left = area.x0 + (area.width - width) / 2
    top = area.y0 + (area.height - height) / 2
    target = pymupdf.Rect(left, top, left + width, top + height)
    page.show_pdf_page(target, src, index, rotate=-90 if turn else 0)
    return scale


def _place_halves(page, src, indexes: list[int]) -> float:
    middle = SHEET.height / 2
    halves = (
        pymupdf.Rect(0, 0, SHEET.width, middle),
        pymupdf.Rect(0, middle, SHEET.width, SHEET.height),
    )
    scales = [
        _place(page, src, index, half, enlarge=False)
        for index, half in zip(indexes, halves, strict=False)
    ]
    page.draw_line(
        (MARGIN, middle), (SHEET.width - MARGIN, middle), color=CUT_LINE_GREY, width=0.5,
        dashes="[4 3] 0",
    )  # fmt: skip
    return min(scales)
