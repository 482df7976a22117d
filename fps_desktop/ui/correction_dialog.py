"""The clerk types or confirms an invoice's number, date and total off the paper."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.errors import FpsError
from fps_desktop.invoices.corrections import FIELDS, LABELS, checked
from fps_desktop.invoices.fields import InvoiceFields
from fps_desktop.invoices.kinds import KINDS


class CorrectionDialog(QDialog):
    """Keyboard only: Tab between the boxes, Enter keeps, Esc leaves everything as it was.

    ``values`` holds the checked values once accepted; all boxes emptied forget them.
    """

    def __init__(self, fields: InvoiceFields, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Enter invoice values — {file}").format(file=fields.file))
        self.setMinimumWidth(400)
        self.values: dict[str, str] = {}
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Type what the paper says. The values count in the sum, the "
                               "cover sheet, the list and the duplicate check, marked as "
                               "entered by you."), self)  # fmt: skip
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.kind = QComboBox(self)
        self.kind.addItem(self.tr("(as read)"), "")
        for kind in KINDS:
            self.kind.addItem(QCoreApplication.translate("Invoices", kind.label), kind.code)
        self.kind.setCurrentIndex(max(self.kind.findData(fields.kind), 0))
        form.addRow(self.tr("Kind"), self.kind)
        self.boxes: dict[str, QLineEdit] = {}
        hints = {"code": "044002000111", "number": "12345678", "date": "2025-01-08",
                 "total": "100.00"}  # fmt: skip
        for name in FIELDS:
            box = QLineEdit(getattr(fields, name), self)
            box.setPlaceholderText(hints[name])
            box.setClearButtonEnabled(True)
            form.addRow(QCoreApplication.translate("Invoices", LABELS[name]), box)
            self.boxes[name] = box
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.boxes["number" if not fields.number else "total"].setFocus()

    def accept(self) -> None:
        try:
            typed = {name: box.text() for name, box in self.boxes.items()}
            self.values = checked({**typed, "kind": self.kind.currentData()})
        except FpsError as exc:
            self.error.setText(exc.translated(QCoreApplication.translate))
            self.error.show()
            return
        super().accept()
