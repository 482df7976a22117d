"""Preview sheets built one at a time, as the clerk pages to them.

Laying a GUID out by kind and true size needs what is drawn on each page, so the
selection is merged and measured once (``prepare``, on a worker) with the very code the
print job uses; then a sheet is placed on its own one-page PDF only when the clerk
pages to it, so a GUID of hundreds of pages previews as fast as one of three.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pymupdf

from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.merge import merge_files
from fps_desktop.documents.pdf import mupdf_lock
from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError
from fps_desktop.jobs import CancelToken
from fps_desktop.printing.imposition import Sheet, place_sheet, plan
from fps_desktop.printing.job import PrintOrder, page_sources, paste_stub
from fps_desktop.printing.pictures import as_images


class SheetPreview:
    """The sheets ``order`` prints as; ``build`` writes one of them to its own PDF file.

    Not thread-safe: prepare and build from one worker at a time.
    """

    def __init__(self, cache: DocumentCache, order: PrintOrder, folder: Path) -> None:
        self.cache = cache
        self.order = order
        self.folder = folder
        self.sheets: list[Sheet] = []
        self._merged: pymupdf.Document | None = None
        self._stub = paste_stub(order)

    def prepare(self, cancel: CancelToken) -> int:
        """Merge and measure the selection and lay it out; returns the number of sheets."""
        merged = merge_files(self.cache, [f for f in self.order.files if f.printable],
                             cancel=cancel, turns=self.order.turns,
                             enhance=self.order.enhance)  # fmt: skip
        if merged.skipped:
            raise DocumentError(
                QT_TRANSLATE_NOOP("FpsError", "{names} could not be merged and cannot be printed."),
                names=", ".join(merged.skipped),
            )
        with mupdf_lock:
            self._merged = pymupdf.open(stream=merged.pdf, filetype="pdf")
        self.sheets = plan(self._merged, page_sources(self.order, merged), self.order.setup,
                           self.order.page_ranges)  # fmt: skip
        return len(self.sheets)

    def build(self, index: int, cancel: CancelToken) -> tuple[Path, float]:
        """Sheet ``index`` as a one-page PDF file, and the smallest scale a page got on it."""
        cancel.check()
        handle, name = tempfile.mkstemp(".pdf", f"sheet-{index + 1}-", self.folder)
        os.close(handle)  # a fresh name each time: a renderer may hold an older one open
        target = Path(name)
        with mupdf_lock:
            out = pymupdf.open()
            try:
                scale = place_sheet(out, self._merged, self.sheets[index], self.order.setup.paper,
                                    self._stub)  # fmt: skip
                out.save(target)
            finally:
                out.close()
        if self.order.options.old_printer:  # the picture the printer gets, as it gets it
            target.write_bytes(as_images(target.read_bytes(), cancel))
        return target, scale

    def close(self) -> None:
        with mupdf_lock:
            if self._merged is not None:
                self._merged.close()
            self._merged = None
