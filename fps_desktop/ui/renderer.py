"""Page rendering off the GUI thread, in the decoder workers: urgent requests first.

Pages are drawn in the worker processes that proved the files (``formats.pdf
.render_page``), so a page that would exhaust or crash a decoder costs that page
only; what comes back is checked pixels. Requests that went out of view are dropped
before they cost anything. Work reaches the GUI through ``run_task``, like all short work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QImage

from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError
from fps_desktop.formats.pdf import isolated, render_page
from fps_desktop.formats.sandbox import WORKERS
from fps_desktop.formats.sniff import FileKind
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

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(WORKERS)  # one request per decoder worker
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

    def _render(self, request: PageRequest) -> tuple[PageRequest, QImage | None, str] | None:
        """Runs on the pool: the image, or why there is none (a damaged page must not
        take the worker down); None when the page went out of view meanwhile."""
        if request not in self._wanted:
            return None
        self._wanted.discard(request)
        try:
            size, samples = isolated(
                render_page, request.path, request.kind, request.name, request.page,
                request.width, request.height, request.rotation, request.grayscale,
            )  # fmt: skip
            image = _image(size, samples, request)
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


def _image(size: object, samples: bytes, request: PageRequest) -> QImage:
    """The worker's pixels as an image, if they are what a page of that size holds."""
    width, height, stride = (size.get(k) if isinstance(size, dict) else None
                             for k in ("width", "height", "stride"))  # fmt: skip
    channels = 1 if request.grayscale else 3
    if not all(isinstance(v, int) and v > 0 for v in (width, height, stride)) or (
        stride < width * channels or len(samples) != stride * height
    ):
        raise DocumentError(
            QT_TRANSLATE_NOOP("FpsError", "{name}: this page could not be drawn."),
            name=request.name,
        )
    fmt = QImage.Format.Format_Grayscale8 if request.grayscale else QImage.Format.Format_RGB888
    return QImage(samples, width, height, stride, fmt).copy()
