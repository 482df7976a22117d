"""Page rendering off the GUI thread: one worker pool, urgent requests first.

PyMuPDF is not thread-safe, so rendering goes through a pool of one thread and
the shared ``mupdf_lock``; requests that went out of view are dropped before
they cost anything. Work reaches the GUI through ``run_task``, like all short work.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pymupdf
from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QImage

from fps_desktop.documents.models import FileKind
from fps_desktop.documents.pdf import mupdf_lock, open_document
from fps_desktop.ui.job_queue import failure_message, run_task

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageRequest:
    """One page of one cached file, rendered to fit ``width`` × ``height`` pixels."""

    path: Path
    kind: FileKind
    name: str
    page: int
    width: int
    height: int
    rotation: int = 0
    grayscale: bool = False


class PageRenderer(QObject):
    """Turns ``PageRequest`` into ``QImage`` on a worker; results come back as signals.

    ``failed(request, reason)`` names why a page cannot be shown, in the user's words.
    """

    rendered = Signal(object, QImage)
    failed = Signal(object, str)

    def __init__(self, parent: QObject | None = None, max_open: int = 8) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._open: OrderedDict[Path, pymupdf.Document] = OrderedDict()
        self._max_open = max_open
        self._wanted: set[PageRequest] = set()
        self._closed = False

    def request(self, request: PageRequest, urgent: bool = False) -> None:
        if self._closed:
            return  # a view repainting after its dialog closed: its files may be gone
        self._wanted.add(request)
        run_task(
            lambda: self._render(request),
            self._deliver,
            self._lost,
            pool=self.pool,
            priority=1 if urgent else 0,
        )

    def forget(self) -> None:
        """Drop queued requests (a new GUID replaced the old one): they end unrendered."""
        self._wanted.clear()

    def shutdown(self) -> None:
        self._closed = True
        self.forget()
        self.pool.waitForDone()
        with mupdf_lock:
            for doc in self._open.values():
                doc.close()
            self._open.clear()

    def _document(self, request: PageRequest) -> pymupdf.Document:
        doc = self._open.get(request.path)
        if doc is None:
            doc = open_document(request.path, request.kind, request.name)
            self._open[request.path] = doc
            if len(self._open) > self._max_open:
                self._open.popitem(last=False)[1].close()
        self._open.move_to_end(request.path)
        return doc

    def _render(self, request: PageRequest) -> tuple[PageRequest, QImage | None, str] | None:
        """Runs on the pool: the image, or why there is none (a damaged page must not
        take the worker down); None when the page went out of view meanwhile."""
        if request not in self._wanted:
            return None
        self._wanted.discard(request)
        try:
            with mupdf_lock:
                page = self._document(request)[request.page]
                rect = page.rect
                if request.rotation % 180:
                    rect = pymupdf.Rect(0, 0, rect.height, rect.width)
                zoom = min(request.width / rect.width, request.height / rect.height)
                matrix = pymupdf.Matrix(zoom, zoom).prerotate(request.rotation)
                gray = request.grayscale
                pix = page.get_pixmap(
                    matrix=matrix, alpha=False, colorspace=pymupdf.csGRAY if gray else pymupdf.csRGB
                )
                fmt = QImage.Format.Format_Grayscale8 if gray else QImage.Format.Format_RGB888
                image = QImage(pix.samples, pix.width, pix.height, pix.stride, fmt).copy()
        except Exception as exc:  # failure_message logs it
            return request, None, failure_message(exc)
        return request, image, ""

    def _deliver(self, outcome: tuple[PageRequest, QImage | None, str] | None) -> None:
        if outcome is None:
            return
        request, image, reason = outcome
        if image is None:
            self.failed.emit(request, reason)
        else:
            self.rendered.emit(request, image)

    def _lost(self, message: str) -> None:
        """Only if saying the outcome failed: no page to name, so views ignore it."""
        self.failed.emit(None, message)
