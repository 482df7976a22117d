"""The job list: every long task of the session with status, progress and result."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QModelIndex, QRect, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.ui.job_queue import (
    JobEntry,
    JobQueue,
    JobState,
    cancellable_after_end,
    job_title,
    state_label,
)
from fps_desktop.upload.progress import UploadProgress, duration_text, size_text


def rate_text(entry: JobEntry) -> str:
    """How fast and how long still: an upload's current rate and time left, as its window
    and the command line say them; other jobs' average steps per second."""
    elapsed = max(time.monotonic() - entry.started, 1e-3)
    if entry.state != JobState.RUNNING or not entry.total or not entry.done:
        return ""
    if isinstance(entry.detail, UploadProgress):
        return QCoreApplication.translate("JobList", "{rate}/s · {left} left").format(
            rate=size_text(entry.detail.rate), left=duration_text(entry.detail.seconds_left)
        )
    left = (entry.total - entry.done) * elapsed / entry.done
    return f"{entry.done / elapsed:,.1f}/s · {left:,.0f}s"


class _JobDelegate(QStyledItemDelegate):
    ROW_HEIGHT = 46

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        return QSize(option.rect.width(), self.ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        entry: JobEntry = index.data(JobQueue.EntryRole)
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter)
        rect = option.rect.adjusted(8, 4, -8, -4)
        top = QRect(rect.left(), rect.top(), rect.width(), 18)
        painter.save()
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft, job_title(entry.job))
        font.setBold(False)
        painter.setFont(font)
        status = state_label(entry.state)
        detail = entry.error or entry.message
        if entry.state == JobState.RUNNING:
            detail = f"{detail}  {rate_text(entry)}".strip()
        painter.drawText(top, Qt.AlignmentFlag.AlignRight, status)
        bottom = QRect(rect.left(), rect.top() + 22, rect.width(), 16)
        if entry.state == JobState.RUNNING:
            bar = QStyleOptionProgressBar()
            bar.rect = QRect(bottom.left(), bottom.top(), min(220, bottom.width() // 3), 14)
            bar.minimum, bar.maximum = 0, max(entry.total, 1)
            bar.progress = entry.done if entry.total else 0
            bar.textVisible = False
            style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)
            bottom.setLeft(bar.rect.right() + 10)
        if entry.state == JobState.FAILED:
            painter.setPen(Qt.GlobalColor.darkRed)
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft, detail)
        painter.restore()


class JobList(QWidget):
    """Shows a JobQueue; buttons act on the selected job."""

    def __init__(self, queue: JobQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.view = QListView(self)
        self.view.setModel(queue)
        self.view.setItemDelegate(_JobDelegate(self.view))
        self.view.setUniformItemSizes(True)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.retry_button = QPushButton(self.tr("Retry"), self)
        self.open_button = QPushButton(self.tr("Open folder"), self)
        self.clear_button = QPushButton(self.tr("Clear finished"), self)
        buttons = QHBoxLayout()
        for button in (self.cancel_button, self.retry_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        self.empty_label = QLabel(
            self.tr("Nothing yet. Opening, printing, exports and uploads are listed here."),
            self.view,
        )
        self.empty_label.setStyleSheet("color: palette(mid); padding: 10px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(lambda: self._act(queue.cancel))
        self.retry_button.clicked.connect(lambda: self._act(queue.retry))
        self.open_button.clicked.connect(lambda: self._act(self._open_folder))
        self.clear_button.clicked.connect(queue.clear_finished)
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        queue.dataChanged.connect(self._update_buttons)
        for change in (queue.rowsInserted, queue.rowsRemoved, queue.modelReset):
            change.connect(self._update_buttons)
        self._update_buttons()

    def _selected(self) -> JobEntry | None:
        index = self.view.currentIndex()
        return index.data(JobQueue.EntryRole) if index.isValid() else None

    def _act(self, action) -> None:
        entry = self._selected()
        if entry is not None:
            action(entry)
            self._update_buttons()

    def _update_buttons(self, *_) -> None:
        self.empty_label.setVisible(self.queue.rowCount() == 0)
        self.empty_label.adjustSize()
        entry = self._selected()
        state = entry.state if entry else None
        self.cancel_button.setEnabled(state == JobState.RUNNING
                                      or bool(entry and cancellable_after_end(entry)))  # fmt: skip
        self.retry_button.setEnabled(state in (JobState.FAILED, JobState.CANCELLED))
        has_file = bool(entry and entry.result and entry.result.path)
        self.open_button.setEnabled(has_file)

    @staticmethod
    def _open_folder(entry: JobEntry) -> None:
        if entry.result and entry.result.path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(entry.result.path.parent)))
