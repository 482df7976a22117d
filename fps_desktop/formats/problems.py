"""Why a file cannot be printed: the stable codes and their few words for a file's row."""

from __future__ import annotations

import enum

from fps_desktop.errors import QT_TRANSLATE_NOOP


class Problem(enum.StrEnum):
    """Why a file cannot be printed: a stable code, stored in the manifest."""

    EMPTY = "empty"
    DAMAGED_PDF = "damaged-pdf"
    DAMAGED_OFD = "damaged-ofd"
    CUT_SHORT = "cut-short"  # an incomplete download or copy
    PASSWORD = "password"
    DAMAGED_IMAGE = "damaged-image"
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too-large"
    NO_PAGES = "no-pages"
    NO_SEAL = "no-seal"  # an OFD whose seal could not be drawn
    TOO_LARGE_UNPACKED = "too-large-unpacked"  # small on disk, too large once decoded
    TOO_SLOW = "too-slow"  # reading it ran past the time limit

    @property
    def label(self) -> str:
        """A few words for the file's row (translate in context ``FpsError``)."""
        return PROBLEM_LABELS[self]


PROBLEM_LABELS = {
    Problem.EMPTY: QT_TRANSLATE_NOOP("FpsError", "empty file"),
    Problem.DAMAGED_PDF: QT_TRANSLATE_NOOP("FpsError", "damaged PDF"),
    Problem.DAMAGED_OFD: QT_TRANSLATE_NOOP("FpsError", "damaged OFD file"),
    Problem.CUT_SHORT: QT_TRANSLATE_NOOP("FpsError", "incomplete file"),
    Problem.PASSWORD: QT_TRANSLATE_NOOP("FpsError", "password-protected"),
    Problem.DAMAGED_IMAGE: QT_TRANSLATE_NOOP("FpsError", "damaged image"),
    Problem.UNSUPPORTED: QT_TRANSLATE_NOOP("FpsError", "unsupported format"),
    Problem.TOO_LARGE: QT_TRANSLATE_NOOP("FpsError", "too large to print"),
    Problem.NO_PAGES: QT_TRANSLATE_NOOP("FpsError", "no pages"),
    Problem.NO_SEAL: QT_TRANSLATE_NOOP("FpsError", "seal not drawn"),
    Problem.TOO_LARGE_UNPACKED: QT_TRANSLATE_NOOP("FpsError", "too large when unpacked"),
    Problem.TOO_SLOW: QT_TRANSLATE_NOOP("FpsError", "took too long to read"),
}
