"""The print dialog: printer, copies, duplex, colour, layout, pages, and a preview
drawn by the same spooler that prints, so it shows exactly what will come out.

Imposing and rendering the preview happen on a pool thread: a hundred sheets take
about a second, and the dialog stays responsive meanwhile.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPrintSupport import (
    QPrintDialog,
    QPrinter,
    QPrinterInfo,
    QPrintPreviewWidget,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.config import Settings
from fps_desktop.documents.imposition import Layout, impose
from fps_desktop.documents.merge import MergedDocument
from fps_desktop.errors import Cancelled, FpsError
from fps_desktop.jobs import CancelToken
from fps_desktop.ui.spooler import PrinterOptions, draw_bands, render_sheets

PDF_TARGET = "\x00pdf"  # the "Save as PDF file" entry; no printer can have this name
PREVIEW_DPI = 110


def layout_labels() -> dict[Layout, str]:
    return {
        Layout.ACTUAL: QCoreApplication.translate(
            "PrintDialog", "Actual size (shrink to fit only)"
        ),
        Layout.FIT: QCoreApplication.translate("PrintDialog", "Fit to page"),
        Layout.TWO_UP: QCoreApplication.translate("PrintDialog", "Two invoices per A4 (cut line)"),
    }


class _PreviewSignals(QObject):
    ready = Signal(int, object, object)  # generation, print-ready PDF, sheets' bands
    failed = Signal(int, str)


class _PreviewTask(QRunnable):
    """Imposes the merged PDF and renders its sheets for the preview."""

    def __init__(self, signals: _PreviewSignals, generation: int, merged: MergedDocument,
                 layout: Layout, pages: str, grayscale: bool,
                 cancel: CancelToken) -> None:  # fmt: skip
        super().__init__()
        self.signals = signals  # the dialog's: queued to it, alive as long as it is
        self.args = (generation, merged, layout, pages, grayscale, cancel)

    def run(self) -> None:
        generation, merged, layout, pages, grayscale, cancel = self.args
        try:
            print_pdf = impose(merged.pdf, merged.page_roles, layout, pages)
            sheets = render_sheets(print_pdf, PREVIEW_DPI, grayscale, cancel)
        except Cancelled:
            return
        except FpsError as exc:
            self.signals.failed.emit(generation, exc.translated(QCoreApplication.translate))
            return
        self.signals.ready.emit(generation, print_pdf, sheets)


class PrintDialog(QDialog):
    """Returns the chosen PrinterOptions and the print-ready PDF when accepted."""

    def __init__(
        self, merged: MergedDocument, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Print"))
        self.merged = merged
        self.settings = settings
        self.print_pdf = b""
        self.options = PrinterOptions()
        self._sheets: list = []
        self._generation = 0
        self._cancel = CancelToken()
        self._preview_signals = _PreviewSignals(self)
        self._preview_signals.ready.connect(self._show_preview)
        self._preview_signals.failed.connect(self._show_problem)

        self.printer_box = QComboBox(self)
        allowed = set(settings.get("print.allowed_printers"))
        default = QPrinterInfo.defaultPrinterName()
        for name in QPrinterInfo.availablePrinterNames():
            if not allowed or name in allowed:
                self.printer_box.addItem(name, name)
        self.printer_box.addItem(self.tr("Save as PDF file…"), PDF_TARGET)
        index = self.printer_box.findData(default) if default else -1
        self.printer_box.setCurrentIndex(max(index, 0))
        self.properties_button = QPushButton(self.tr("Properties…"), self)
        self.layout_box = QComboBox(self)
        for layout, label in layout_labels().items():
            self.layout_box.addItem(label, layout)
        self.pages_edit = QLineEdit(self)
        self.pages_edit.setPlaceholderText(self.tr("All pages, or e.g. 1-3, 5"))
        self.copies_spin = QSpinBox(self)
        self.copies_spin.setRange(1, 99)
        self.duplex_check = QCheckBox(self.tr("Print on both sides"), self)
        self.gray_check = QCheckBox(self.tr("Black and white"), self)
        self.problem_label = QLabel(self)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b00020;")
        self.summary_label = QLabel(self)

        printer_row = QHBoxLayout()
        printer_row.addWidget(self.printer_box, 1)
        printer_row.addWidget(self.properties_button)
        form = QFormLayout()
        form.addRow(self.tr("Printer"), printer_row)
        form.addRow(self.tr("Layout"), self.layout_box)
        form.addRow(self.tr("Pages"), self.pages_edit)
        form.addRow(self.tr("Copies"), self.copies_spin)
        form.addRow("", self.duplex_check)
        form.addRow("", self.gray_check)
        form.addRow("", self.problem_label)
        form.addRow("", self.summary_label)

        self.preview_printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        self.preview_printer.setFullPage(True)
        self.preview_printer.setResolution(PREVIEW_DPI)
        self.preview_printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        self.preview = QPrintPreviewWidget(self.preview_printer, self)
        self.preview.setMinimumSize(420, 520)
        self.preview.paintRequested.connect(self._paint_preview)

        self.buttons = QDialogButtonBox(self)
        self.print_button = self.buttons.addButton(
            self.tr("Print"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        left.addWidget(self.buttons)
        main = QHBoxLayout(self)
        main.addLayout(left)
        main.addWidget(self.preview, 1)

        self._rebuild_timer = QTimer(self, singleShot=True, interval=250)
        self._rebuild_timer.timeout.connect(self._rebuild)
        self.layout_box.currentIndexChanged.connect(self._rebuild)
        self.pages_edit.textChanged.connect(self._rebuild_timer.start)
        self.gray_check.toggled.connect(self._rebuild)
        self.printer_box.currentIndexChanged.connect(self._load_remembered)
        self.properties_button.clicked.connect(self._native_properties)
        self._load_remembered()
        self._rebuild()

    def current_layout(self) -> Layout:
        return self.layout_box.currentData()

    def _printer_name(self) -> str:
        return self.printer_box.currentData()

    def _load_remembered(self) -> None:
        name = self._printer_name()
        self.properties_button.setEnabled(name != PDF_TARGET)
        remembered = self.settings.get("print.printers").get(name, {})
        self.copies_spin.setValue(int(remembered.get("copies", 1)))
        self.duplex_check.setChecked(bool(remembered.get("duplex", False)))
        self.gray_check.setChecked(bool(remembered.get("grayscale", False)))
        layout = remembered.get("layout", self.settings.get("print.layout"))
        known = {item.value for item in Layout}
        index = self.layout_box.findData(Layout(layout) if layout in known else Layout.ACTUAL)
        self.layout_box.setCurrentIndex(max(index, 0))

    def _rebuild(self) -> None:
        self._cancel.cancel()
        self._cancel = CancelToken()
        self._generation += 1
        self.print_button.setEnabled(False)
        self.summary_label.setText(self.tr("Preparing the preview…"))
        task = _PreviewTask(self._preview_signals, self._generation, self.merged,
                            self.current_layout(), self.pages_edit.text(),
                            self.gray_check.isChecked(), self._cancel)  # fmt: skip
        QThreadPool.globalInstance().start(task)

    def _show_preview(self, generation: int, print_pdf: bytes, sheets: list) -> None:
        if generation != self._generation:
            return  # the clerk changed something since
        self.print_pdf, self._sheets = print_pdf, sheets
        self.problem_label.clear()
        self.print_button.setEnabled(True)
        self.summary_label.setText(self.tr("%n sheet(s) of A4", "", len(sheets)))
        self.preview.updatePreview()

    def _show_problem(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.problem_label.setText(message)
            self.summary_label.clear()

    def _paint_preview(self, printer: QPrinter) -> None:
        painter = QPainter(printer)
        for index, bands in enumerate(self._sheets):
            if index:
                printer.newPage()
            draw_bands(painter, bands)
        painter.end()

    def done(self, result: int) -> None:
        self._cancel.cancel()
        super().done(result)

    def _native_properties(self) -> None:
        info = QPrinterInfo.printerInfo(self._printer_name())
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        printer.setCopyCount(self.copies_spin.value())
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.copies_spin.setValue(printer.copyCount())
            self.duplex_check.setChecked(printer.duplex() != QPrinter.DuplexMode.DuplexNone)
            self.gray_check.setChecked(printer.colorMode() == QPrinter.ColorMode.GrayScale)

    def _accept(self) -> None:
        name = self._printer_name()
        to_pdf = None
        if name == PDF_TARGET:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save as PDF file"), str(Path.home() / "print.pdf"), "PDF (*.pdf)"
            )
            if not chosen:
                return
            to_pdf = Path(chosen)
        self.options = PrinterOptions(
            printer="" if to_pdf else name,
            to_pdf=to_pdf,
            copies=self.copies_spin.value(),
            duplex=self.duplex_check.isChecked(),
            grayscale=self.gray_check.isChecked(),
            dpi=self.settings.get("print.dpi"),
        )
        remembered = dict(self.settings.get("print.printers"))
        remembered[name] = {**self.options.remembered(), "layout": self.current_layout().value}
        self.settings.set("print.printers", remembered)
        self.accept()
