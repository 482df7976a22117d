"""Thumbnails of every selected page and one large page with zoom and rotate."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QWidget,
)

from fps_desktop.documents.models import CachedFile
from fps_desktop.ui.renderer import PageRenderer, PageRequest

THUMB = QSize(150, 150)


@dataclass(frozen=True)
class PageRef:
    file: CachedFile
    path: Path
    page: int

    grayscale: bool = False
    turn: int = 0  # degrees clockwise the clerk turned it: it prints turned too

    def request(self, width: int, height: int, rotation: int | None = None) -> PageRequest:
        turned = self.turn if rotation is None else rotation
        return PageRequest(self.path, self.file.kind, self.file.name, self.page, width, height,
                           turned, self.grayscale)  # fmt: skip


class ZoomMode(enum.Enum):
    FIT_WIDTH = "fit-width"
    FIT_PAGE = "fit-page"
    CUSTOM = "custom"


class ThumbnailStrip(QListWidget):
    """A vertical strip of page thumbnails; emits ``page_chosen(index)``.

    Only thumbnails in view (and a screen ahead) are rendered, when they come into
    view, so a GUID of hundreds of pages does not keep the renderer busy for seconds.
    """

    page_chosen = Signal(int)

    def __init__(self, renderer: PageRenderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.renderer = renderer
        self._pages: list[PageRef] = []
        self._requests: dict[PageRequest, QListWidgetItem] = {}
        self._asked: set[int] = set()
        self._scrolled = QTimer(self, singleShot=True, interval=50)
        self._scrolled.timeout.connect(self._request_visible)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(THUMB)
        self.setSpacing(6)
        self.setUniformItemSizes(True)
        self.setFixedWidth(THUMB.width() + 44)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.currentRowChanged.connect(self.page_chosen)
        self.verticalScrollBar().valueChanged.connect(self._scrolled.start)
        renderer.rendered.connect(self._on_rendered)
        blank = QPixmap(THUMB)
        blank.fill(QColor("#f1f1f1"))
        self._blank = blank

    def set_pages(self, pages: list[PageRef]) -> None:
        self.blockSignals(True)
        self.clear()
        self._requests.clear()
        self._asked.clear()
        self._pages = pages
        for number, ref in enumerate(pages, 1):
            item = QListWidgetItem(self._blank, str(number))
            item.setToolTip(f"{ref.file.name} — {ref.page + 1}")
            self.addItem(item)
        self.blockSignals(False)
        self._request_visible()

    def replace_page(self, row: int, ref: PageRef) -> None:
        """Page ``row`` is now ``ref`` (turned, say): its thumbnail is drawn again."""
        self._pages[row] = ref
        self._asked.discard(row)
        self._request_visible()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._scrolled.start()

    def _request_visible(self) -> None:
        view = self.viewport().rect()
        ahead = view.adjusted(0, -view.height(), 0, view.height())
        for row, ref in enumerate(self._pages):
            if row in self._asked:
                continue
            item = self.item(row)
            rect = self.visualItemRect(item)
            if rect.top() > ahead.bottom():
                break  # one column, top to bottom: the rest is further down
            if rect.bottom() >= ahead.top() or row < 2:
                self._asked.add(row)
                request = ref.request(THUMB.width(), THUMB.height())
                self._requests[request] = item
                self.renderer.request(request, urgent=row < 2)

    def _on_rendered(self, request: PageRequest, image: QImage) -> None:
        item = self._requests.pop(request, None)
        if item is not None:
            item.setIcon(QPixmap.fromImage(image))


class PageView(QScrollArea):
    """The current page, large; renders again when the size or zoom changes."""

    painted = Signal()

    def __init__(self, renderer: PageRenderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.renderer = renderer
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet("QScrollArea { background: #5f6368; }")
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet("background: white;")
        self.setWidget(self.label)
        self.setWidgetResizable(False)
        self.ref: PageRef | None = None
        self.mode = ZoomMode.FIT_WIDTH
        self.zoom = 1.0
        self.rotation = 0
        self._pending: PageRequest | None = None
        self._resize_timer = QTimer(self, singleShot=True, interval=60)
        self._resize_timer.timeout.connect(self._request)
        renderer.rendered.connect(self._on_rendered)
        renderer.failed.connect(self._on_failed)

    def show_page(self, ref: PageRef | None) -> None:
        self.ref = ref
        self.rotation = ref.turn if ref is not None else 0
        if ref is None:
            self.label.clear()
            self.label.resize(0, 0)
            return
        self._request()

    def set_mode(self, mode: ZoomMode) -> None:
        self.mode = mode
        self._request()

    def zoom_by(self, factor: float) -> None:
        if self.mode != ZoomMode.CUSTOM:
            self.zoom = self.label.width() / max(self.viewport().width(), 1)
        self.zoom = max(0.1, min(8.0, self.zoom * factor))
        self.mode = ZoomMode.CUSTOM
        self._request()

    def rotate(self, degrees: int = 90) -> None:
        """Turn the view clockwise by ``degrees`` (negative: anticlockwise)."""
        self.rotation = (self.rotation + degrees) % 360
        self._request()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.mode != ZoomMode.CUSTOM:
            self._resize_timer.start()

    def _request(self) -> None:
        if self.ref is None:
            return
        view = self.viewport().size()
        ratio = self.devicePixelRatioF()
        margin = 24
        if self.mode == ZoomMode.FIT_PAGE:
            width, height = view.width() - margin, view.height() - margin
        elif self.mode == ZoomMode.FIT_WIDTH:
            width, height = view.width() - margin, 100_000
        else:
            width = height = int(view.width() * self.zoom)
        width, height = max(int(width * ratio), 50), max(int(height * ratio), 50)
        self._pending = self.ref.request(width, height, self.rotation)
        self.renderer.request(self._pending, urgent=True)

    def _on_rendered(self, request: PageRequest, image: QImage) -> None:
        if request != self._pending:
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.label.setPixmap(pixmap)
        self.label.resize(pixmap.deviceIndependentSize().toSize())
        self.painted.emit()

    def _on_failed(self, request: PageRequest | None, reason: str) -> None:
        if request is None or request != self._pending:
            return
        self.label.setText(self.tr("This page cannot be shown: {reason}").format(reason=reason))
        self.label.setWordWrap(True)
        self.label.resize(self.viewport().size() * 0.8)
        self.painted.emit()
