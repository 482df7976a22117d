"""Print-time enhancement of phone photos and scans: even levels, white paper, crisp text.

A photo of a receipt is often grey and tinted (the paper in room light) and soft. Each
of red, green and blue is stretched from the darkest ink (black, the same point for
all three) to the paper's own value in it (white): the paper turns white, the ink
black, and colours keep their hue, so a red seal stays red and nothing turns grey.
Then Pillow's 3 × 3 sharpening kernel brings back the strokes (an unsharp mask looked
alike on paper and took four times as long). Only pictures go through here; vector
PDFs print as they are.
"""

from __future__ import annotations

from PIL import Image, ImageFilter

DARKEST_SHARE = 0.05  # the darkest 5 % become black: the print of a receipt, its frame
PAPER_FROM = 128  # the paper is the commonest tone brighter than this
MAX_BLACK = 96  # a pale picture's mid-tones are never crushed
MIN_RANGE = 64  # a picture already this even is left as it is


def enhanced(image: Image.Image) -> Image.Image:
    """``image`` (RGB or grey, as ``images._flatten`` leaves it) levelled and sharpened."""
    if image.mode not in ("RGB", "L"):
        return image  # 1-bit scans: black and white already
    black = _black_point(image.convert("L").histogram())
    curves = []
    for band in image.split():
        paper = _paper(band.histogram())
        if paper - black < MIN_RANGE:
            curves.extend(range(256))  # nothing to stretch in this colour
            continue
        stretch = 255 / (paper - black)
        curves.extend(min(255, max(0, round((value - black) * stretch))) for value in range(256))
    return image.point(curves).filter(ImageFilter.SHARPEN)


def _black_point(histogram: list[int]) -> int:
    wanted, seen = sum(histogram) * DARKEST_SHARE, 0
    for value, count in enumerate(histogram):
        seen += count
        if seen >= wanted:
            return min(value, MAX_BLACK)
    return 0


def _paper(histogram: list[int]) -> int:
    bright = histogram[PAPER_FROM:]
    if not any(bright):
        return 255  # a dark picture has no paper to whiten
    return PAPER_FROM + bright.index(max(bright))
