"""Print-time enhancement of phone photos and scans: even levels, white paper, crisp text.

A photo of a receipt is often grey (the paper in room light) and soft. One tone curve,
the same for red, green and blue, stretches the darkest ink to black and the paper to
white: colours keep their hue, so a red seal stays red, and nothing turns grey. Then a
gentle unsharp mask brings back the strokes. Only pictures go through here; vector
PDFs print as they are.
"""

from __future__ import annotations

from PIL import Image, ImageFilter

DARKEST_SHARE = 0.01  # the darkest 1 % of pixels become black: ink, not noise
PAPER_FROM = 128  # the paper is the commonest tone brighter than this
MAX_BLACK = 96  # a pale picture's mid-tones are never crushed
MIN_RANGE = 64  # a picture already this even is left as it is
SHARPEN = ImageFilter.UnsharpMask(radius=1.5, percent=70, threshold=2)


def enhanced(image: Image.Image) -> Image.Image:
    """``image`` (RGB or grey, as ``images._flatten`` leaves it) levelled and sharpened."""
    if image.mode not in ("RGB", "L"):
        return image  # 1-bit scans: black and white already
    histogram = image.convert("L").histogram()
    black, paper = _black_point(histogram), _paper(histogram)
    if paper - black >= MIN_RANGE and (black > 0 or paper < 255):
        stretch = 255 / (paper - black)
        curve = [min(255, max(0, round((value - black) * stretch))) for value in range(256)]
        image = image.point(curve * len(image.getbands()))
    return image.filter(SHARPEN)


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
