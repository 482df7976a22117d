"""The GUID's files, grouped Invoices / Attachments, checkable, drag to reorder."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.documents.models import CachedFile, FileRole, Problem

FileRoleData = Qt.ItemDataRole.UserRole + 1


class _Group(QListWidget):
    """One group's files; drag with the mouse or Alt+Up / Alt+Down to reorder."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        for keys, step in (("Alt+Up", -1), ("Alt+Down", 1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda step=step: self.move_current(step))
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)  # invoice numbers sit at the start
        self.setWordWrap(True)  # a reason why a file cannot print stays readable

    def move_current(self, step: int) -> None:
        """Move the current file ``step`` rows, as a drag would."""
        row = self.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.count():
            return
        destination = target + 1 if step > 0 else target
        self.model().moveRow(QModelIndex(), row, QModelIndex(), destination)
        self.setCurrentRow(target)


class FileList(QWidget):
    """Emits ``changed`` when the selection or order changes, ``activated`` on a click."""

    changed = Signal()
    activated = Signal(object)  # CachedFile

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.groups: dict[FileRole, _Group] = {}
        self.headers: dict[FileRole, QLabel] = {}
        for role in FileRole:
            header = QLabel(self)
            header.setStyleSheet("font-weight: 600; padding: 6px 4px 2px 4px;")
            group = _Group(self)
            group.itemChanged.connect(lambda *_: self.changed.emit())
            group.model().rowsMoved.connect(lambda *_: self.changed.emit())
            group.itemClicked.connect(lambda item: self.activated.emit(item.data(FileRoleData)))
            layout.addWidget(header)
            layout.addWidget(group, 1)
            self.groups[role] = group
            self.headers[role] = header
        self._update_headers()

    def set_files(self, files: list[CachedFile]) -> None:
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for group in self.groups.values():
            group.blockSignals(True)
            group.clear()
        for item in files:
            row = QListWidgetItem(self._label(item))
            row.setData(FileRoleData, item)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            flags |= Qt.ItemFlag.ItemIsDragEnabled
            row.setToolTip(
                row.text() if item.printable
                else item.problem_error().translated(QCoreApplication.translate)
            )  # fmt: skip
            if item.printable:
                row.setFlags(flags | Qt.ItemFlag.ItemIsUserCheckable)
                row.setCheckState(Qt.CheckState.Checked)
            else:
                row.setFlags(flags)
                row.setIcon(warning)
                row.setForeground(QColor("#b00020"))
            self.groups[item.role].addItem(row)
        for group in self.groups.values():
            group.blockSignals(False)
        self._update_headers()
        self.changed.emit()

    def _label(self, item: CachedFile) -> str:
        if not item.printable:  # the row says why in a few words; the tooltip says it all
            kind = item.problem_kind
            reason = (
                QCoreApplication.translate("FpsError", Problem(kind).label) if kind
                else item.problem_error().translated(QCoreApplication.translate)
            )  # fmt: skip
            label = QCoreApplication.translate("FileList", "{name}\ncannot be printed: {reason}")
            return label.format(name=item.name, reason=reason)
        return self.tr("{name} · %n page(s)", "", item.pages).format(name=item.name)

    def selected_files(self) -> list[CachedFile]:
        """Checked files in the order shown: invoices first, then attachments."""
        chosen = []
        for role in FileRole:
            group = self.groups[role]
            for row in range(group.count()):
                item = group.item(row)
                if item.checkState() == Qt.CheckState.Checked:
                    chosen.append(item.data(FileRoleData))
        return chosen

    def _update_headers(self) -> None:
        titles = {
            FileRole.INVOICE: self.tr("Invoices"),
            FileRole.ATTACHMENT: self.tr("Attachments"),
        }
        for role, header in self.headers.items():
            count = self.groups[role].count()
            header.setText(self.tr("{title} ({count})").format(title=titles[role], count=count))
