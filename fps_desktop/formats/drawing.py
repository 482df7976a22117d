"""Drawing on PyMuPDF pages: Chinese and Latin text and QR codes, shared by the cover
sheet and the demo, and the millimetre in PDF points for everything that measures paper."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pymupdf

MM = 72 / 25.4  # points in a millimetre: PDF measures in points, paper and OFD in millimetres


@cache
def _fonts() -> tuple[pymupdf.Font, pymupdf.Font]:
    return pymupdf.Font("china-s"), pymupdf.Font("helv")


def write_text(page: pymupdf.Page, point, text: str, size: float = 9, color=(0, 0, 0)) -> float:
    """Write mixed text: CJK glyphs from china-s, the rest from Helvetica; returns the end x."""
    cjk, latin = _fonts()
    writer = pymupdf.TextWriter(page.rect, color=color)
    position = pymupdf.Point(point)
    for is_ascii, run in _runs(text):
        _, position = writer.append(position, run, font=latin if is_ascii else cjk, fontsize=size)
    writer.write_text(page)
    return position.x


def text_width(text: str, size: float) -> float:
    cjk, latin = _fonts()
    return sum(
        (latin if is_ascii else cjk).text_length(run, fontsize=size)
        for is_ascii, run in _runs(text)
    )


def _runs(text: str) -> Iterator[tuple[bool, str]]:
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or text[i].isascii() != text[start].isascii():
            yield text[start].isascii(), text[start:i]
            start = i


def draw_qr(page: pymupdf.Page, rect: pymupdf.Rect, data: str, error: str = "m") -> None:
    """A QR code (segno) as filled vector squares, crisp at any printer resolution."""
    import segno

    code = segno.make(data, error=error, micro=False)
    matrix = code.matrix
    quiet = 2
    modules = len(matrix) + 2 * quiet
    step = min(rect.width, rect.height) / modules
    shape = page.new_shape()
    for row, line in enumerate(matrix):
        run_start = None
        for col, dark in enumerate([*line, 0]):
            if dark and run_start is None:
                run_start = col
            elif not dark and run_start is not None:
                x0 = rect.x0 + (quiet + run_start) * step
                y0 = rect.y0 + (quiet + row) * step
                shape.draw_rect(pymupdf.Rect(x0, y0, rect.x0 + (quiet + col) * step, y0 + step))
                run_start = None
    shape.finish(color=None, fill=(0, 0, 0), width=0)
    shape.commit()
