"""The audit history: who pushed which GUID, what was printed where."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.audit import AuditLog
from fps_desktop.config import Paths


class HistoryView(QWidget):
    def __init__(self, paths: Paths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.audit = AuditLog(paths)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("Event"), self.tr("GUID"), self.tr("From / printer"),
             self.tr("Result")]
        )  # fmt: skip
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.clicked.connect(self.reload)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        entries = self.audit.entries()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            if entry.get("event") == "print":
                cells = [entry.get("time"), self.tr("Print"), entry.get("guid"),
                         entry.get("printer"),
                         self.tr("{copies} × {count} files, {layout}").format(
                             copies=entry.get("copies"), count=len(entry.get("files", [])),
                             layout=entry.get("layout"))]  # fmt: skip
            else:
                result = (
                    self.tr("Opened")
                    if entry.get("accepted")
                    else self.tr("Refused: {reason}").format(reason=entry.get("reason"))
                )
                cells = [entry.get("time"), self.tr("Push from PBMS"), entry.get("guid") or "—",
                         entry.get("origin"), result]  # fmt: skip
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(str(text or "")))
