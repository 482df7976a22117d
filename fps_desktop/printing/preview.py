"""Preview sheets built one at a time, as the clerk pages to them.

The number of sheets follows from the files' page counts and roles, so the preview
knows it (and Print can be pressed) before anything is merged. A sheet is built by
merging only the files it holds and placing them exactly as the print job does; the
last merge is kept, so paging through a long scan merges it once.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from bisect import bisect_right
from pathlib import Path

import pymupdf

from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.merge import Turns, merge_files
from fps_desktop.documents.models import CachedFile, Layout
from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.jobs import CancelToken
from fps_desktop.printing.imposition import Sheet, lay_out, place_sheet
from fps_desktop.printing.pictures import as_images


class SheetPreview:
    """The sheets ``files`` print as; ``build`` writes one of them to its own PDF file.

    Not thread-safe: build from one worker at a time.
    """

    def __init__(
        self,
        cache: DocumentCache,
        files: list[CachedFile],
        layout: Layout,
        page_ranges: str,
        folder: Path,
        *,
        turns: Turns | None = None,
        enhance: bool = False,
        old_printer: bool = False,
    ) -> None:
        self.cache = cache
        self.files = [item for item in files if item.printable]
        self.layout = layout
        self.folder = folder
        self.turns, self.enhance, self.old_printer = turns or {}, enhance, old_printer
        roles = [item.role for item in self.files for _ in range(item.pages)]
        self.sheets: list[Sheet] = lay_out(roles, layout, page_ranges)
        self._starts = list(itertools.accumulate((item.pages for item in self.files), initial=0))
        self._merged_files: list[CachedFile] = []
        self._merged: pymupdf.Document | None = None

    def build(self, index: int, cancel: CancelToken) -> tuple[Path, float]:
        """Sheet ``index`` as a one-page PDF file, and the smallest scale a page got on it."""
        sheet = self.sheets[index]
        first = bisect_right(self._starts, min(sheet.pages)) - 1
        last = bisect_right(self._starts, max(sheet.pages)) - 1
        source = self._merge(self.files[first : last + 1], cancel)
        offset = self._starts[first]
        local = Sheet(tuple(page - offset for page in sheet.pages), sheet.halves)
        handle, name = tempfile.mkstemp(".pdf", f"sheet-{index + 1}-", self.folder)
        os.close(handle)  # a fresh name each time: a renderer may hold an older one open
        target = Path(name)
        with mupdf_lock:
            out = pymupdf.open()
            try:
                scale = place_sheet(out, source, local, self.layout)
                out.save(target)
            finally:
                out.close()
        if self.old_printer:  # the picture the printer gets, as it gets it
            target.write_bytes(as_images(target.read_bytes(), cancel))
        return target, scale

    def close(self) -> None:
        with mupdf_lock:
            if self._merged is not None:
                self._merged.close()
            self._merged = None

    def _merge(self, files: list[CachedFile], cancel: CancelToken) -> pymupdf.Document:
        if files == self._merged_files and self._merged is not None:
            return self._merged
        merged = merge_files(self.cache, files, cancel=cancel, turns=self.turns,
                             enhance=self.enhance)  # fmt: skip
        if merged.skipped:
            raise DocumentError(
                QT_TRANSLATE_NOOP("FpsError", "{names} could not be merged and cannot be printed."),
                names=", ".join(merged.skipped),
            )
        self.close()
        with mupdf_lock:
            self._merged = pymupdf.open(stream=merged.pdf, filetype="pdf")
        self._merged_files = files
        return self._merged
