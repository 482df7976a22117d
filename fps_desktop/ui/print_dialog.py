"""The print dialog: printer, copies, duplex, colour, layout, paper, pages, and a preview
of the very sheets that will print.

The selection is merged and laid out once on a worker (the layout needs each page's
kind and true size); the preview then builds and renders only the sheet on screen, so
a GUID of hundreds of pages stays as small as one of three. The print job builds the
print-ready PDF itself, with the same layout and placing code.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pymupdf
from PySide6.QtCore import QCoreApplication, QSignalBlocker, QThreadPool, QTimer
from PySide6.QtGui import QKeySequence, QPageSize, QShortcut
from PySide6.QtPrintSupport import QPrinterInfo
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
    QProgressBar,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.config import Settings
from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.models import CachedFile, FileRole
from fps_desktop.errors import FpsError
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.formats.sniff import FileKind
from fps_desktop.jobs import CancelToken
from fps_desktop.layouts import Layout
from fps_desktop.printing.imposition import PAPERS, Choice, Paper, Setup, paper_named
from fps_desktop.printing.job import PrintOrder, cover_pdf
from fps_desktop.printing.pictures import blurred_pictures
from fps_desktop.printing.policy import old_printer_default, sheet_setup
from fps_desktop.printing.preview import SheetPreview
from fps_desktop.printing.spooler import PrinterOptions, unhonoured
from fps_desktop.ui.job_queue import run_task
from fps_desktop.ui.page_view import PageRef, PageView, ZoomMode
from fps_desktop.ui.renderer import PageRenderer

PDF_TARGET = "\x00pdf"  # the "Save as PDF file" entry; no printer can have this name
CUSTOM_GRID = "grid"  # the layout entry whose rows and columns the clerk sets
SHRUNK_NOTICE = 0.995  # below this the clerk is told pages print smaller than they are


class PrintDialog(QDialog):
    """Asks how to print ``order``; when accepted, ``order`` says what and how."""

    def __init__(
        self,
        cache: DocumentCache,
        order: PrintOrder,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Print {guid}").format(guid=order.guid))
        self.cache = cache
        self.order = order
        self.settings = settings
        self._folder = Path(tempfile.mkdtemp(prefix="fps-preview-"))
        self._plan: SheetPreview | None = None
        self._built: dict[int, tuple[PageRef, float]] = {}
        self._sheet = 0
        self._cancel = CancelToken()
        self._builder = QThreadPool(self)
        self._builder.setMaxThreadCount(1)  # a SheetPreview builds one sheet at a time

        guid_label = QLabel(
            self.tr("GUID {guid} · %n file(s)", "", len(order.files)).format(guid=order.guid), self
        )
        guid_label.setObjectName("print-guid")
        self.printer_box = QComboBox(self)
        allowed = set(settings.get("print.allowed_printers"))
        default = QPrinterInfo.defaultPrinterName()
        for name in QPrinterInfo.availablePrinterNames():
            if not allowed or name in allowed:
                self.printer_box.addItem(name, name)
        self.printer_box.addItem(self.tr("Save as PDF file…"), PDF_TARGET)
        last = settings.get("print.last_printer")
        index = self.printer_box.findData(last) if last else -1
        if index < 0:
            index = self.printer_box.findData(default) if default else -1
        self.printer_box.setCurrentIndex(max(index, 0))
        self.layout_box = QComboBox(self)
        for label, value in (
            (self.tr("Automatic: fewest sheets, true size"), "auto"),
            (self.tr("Actual size (shrink to fit only)"), "actual"),
            (self.tr("Fit to page"), "fit"),
            (self.tr("Two invoices per sheet (cut line)"), "two-up"),
            *((self.tr("Grid {rows} × {cols}").format(rows=r, cols=c), f"grid-{r}x{c}")
              for r, c in ((2, 1), (2, 2), (3, 2), (3, 3))),
            (self.tr("Grid of rows × columns…"), CUSTOM_GRID),
            (self.tr("Reimbursement strips (cut lines)"), "strips"),
            (self.tr("Paste sheet (粘贴单)"), "paste"),
        ):  # fmt: skip
            self.layout_box.addItem(label, value)
        self.rows_spin, self.cols_spin = QSpinBox(self), QSpinBox(self)
        for spin, tip in ((self.rows_spin, self.tr("Rows")), (self.cols_spin, self.tr("Columns"))):
            spin.setRange(1, 10)
            spin.setValue(2)
            spin.setToolTip(tip)
            spin.setAccessibleName(tip)
        self.grid_row = QWidget(self)
        grid_layout = QHBoxLayout(self.grid_row)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_layout.addWidget(self.rows_spin)
        grid_layout.addWidget(QLabel("×", self))
        grid_layout.addWidget(self.cols_spin)
        grid_layout.addStretch(1)
        self.paper_box = QComboBox(self)  # filled from the printer's own list
        self.orientation_box = QComboBox(self)
        self.orientation_box.addItem(self.tr("Portrait"), "portrait")
        self.orientation_box.addItem(self.tr("Landscape"), "landscape")
        self.pages_edit = QLineEdit(self)
        self.pages_edit.setPlaceholderText(self.tr("All pages, or e.g. 1-3, 5"))
        self.copies_spin = QSpinBox(self)
        self.copies_spin.setRange(1, 99)
        self.duplex_check = QCheckBox(self.tr("Print on both sides"), self)
        self.gray_check = QCheckBox(self.tr("Black and white"), self)
        self.enhance_check = QCheckBox(self.tr("Enhance photos (levels, sharpening)"), self)
        self.enhance_check.setToolTip(self.tr(
            "Photos and scans print with white paper, black ink and crisp strokes; colours "
            "and red seals stay. PDFs print as they are."))  # fmt: skip
        self.enhance_check.setChecked(settings.get("print.enhance_pictures"))
        self.old_printer_check = QCheckBox(self.tr("Old printer: each sheet as one picture"), self)
        self.old_printer_check.setToolTip(self.tr(
            "For printers that print PDFs wrongly or not at all: every sheet is sent as one "
            "300 dpi picture."))  # fmt: skip
        self._cover = order.cover  # the invoices a cover sheet lists, while it is ticked
        self._covers = 0  # cover sheets before the document's sheets
        self.cover_check = QCheckBox(self.tr("Cover sheet first"), self)
        self.cover_check.setToolTip(
            self.tr("The GUID as a QR code, the invoice list, the sum and boxes for signatures")
        )
        self.cover_check.setChecked(order.cover is not None)
        self.cover_check.setVisible(order.cover is not None)
        self.problem_label = QLabel(self)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b00020;")
        self.blurred_label = QLabel(self)  # pictures that print below 200 dpi in this layout
        self.blurred_label.setObjectName("blurred-pictures")
        self.blurred_label.setWordWrap(True)
        self.blurred_label.setStyleSheet("color: #8a4b00;")
        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        self.caveat_label = QLabel(self)  # what the chosen printer cannot do, said before
        self.caveat_label.setWordWrap(True)
        self.caveat_label.setStyleSheet("color: #8a4b00;")
        self.look_label = QLabel(self)  # never a silent sum: unread invoices said before
        self.look_label.setObjectName("print-look")
        self.look_label.setWordWrap(True)
        self.look_label.setStyleSheet("color: #8a4b00;")
        unread = len(order.listing.needing_look) if order.listing is not None else 0
        self.look_label.setText(self.tr(
            "%n invoice(s) need a look: values not read, or read by OCR and not yet "
            "confirmed (F2 in the window). The cover sheet marks them 待核.", "",
            unread))  # fmt: skip
        self.look_label.setVisible(unread > 0)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)

        form = QFormLayout()
        form.addRow(guid_label)
        form.addRow(self.look_label)
        form.addRow(self.tr("&Printer"), self.printer_box)
        form.addRow(self.tr("&Layout"), self.layout_box)
        form.addRow(self.tr("&Grid"), self.grid_row)
        form.addRow(self.tr("Pap&er"), self.paper_box)
        form.addRow(self.tr("&Orientation"), self.orientation_box)
        self._form = form
        form.addRow(self.tr("P&ages"), self.pages_edit)
        form.addRow(self.tr("&Copies"), self.copies_spin)
        form.addRow("", self.duplex_check)
        form.addRow("", self.gray_check)
        form.addRow("", self.cover_check)
        form.addRow("", self.enhance_check)
        form.addRow("", self.old_printer_check)
        form.addRow(self.busy)
        form.addRow(self.summary_label)
        form.addRow(self.caveat_label)
        form.addRow(self.blurred_label)
        form.addRow(self.problem_label)

        self.renderer = PageRenderer(self)
        self.preview = PageView(self.renderer, self)
        self.preview.mode = ZoomMode.FIT_PAGE
        self.preview.setMinimumSize(360, 420)
        self.previous_button = QToolButton(self)
        self.previous_button.setText("◀")
        self.previous_button.setToolTip(self.tr("Previous sheet (Page Up)"))
        self.next_button = QToolButton(self)
        self.next_button.setText("▶")
        self.next_button.setToolTip(self.tr("Next sheet (Page Down)"))
        self.sheet_label = QLabel(self)
        self.scale_label = QLabel(self)  # says when the sheet on screen is printed smaller
        zoom_in = QToolButton(self)
        zoom_in.setText("+")
        zoom_in.setToolTip(self.tr("Zoom in"))
        zoom_out = QToolButton(self)
        zoom_out.setText("−")
        zoom_out.setToolTip(self.tr("Zoom out"))
        fit = QToolButton(self)
        fit.setText(self.tr("Fit page"))
        nav = QHBoxLayout()
        nav.addWidget(self.previous_button)
        nav.addWidget(self.sheet_label)
        nav.addWidget(self.next_button)
        nav.addWidget(self.scale_label)
        nav.addStretch(1)
        nav.addWidget(zoom_out)
        nav.addWidget(zoom_in)
        nav.addWidget(fit)
        right = QVBoxLayout()
        right.addLayout(nav)
        right.addWidget(self.preview, 1)

        self.buttons = QDialogButtonBox(self)
        self.print_button = self.buttons.addButton(
            self.tr("Print"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.print_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        left.addWidget(self.buttons)
        main = QHBoxLayout(self)
        main.addLayout(left)
        main.addLayout(right, 1)

        self.previous_button.clicked.connect(lambda: self.show_sheet(self._sheet - 1))
        self.next_button.clicked.connect(lambda: self.show_sheet(self._sheet + 1))
        zoom_in.clicked.connect(lambda: self.preview.zoom_by(1.25))
        zoom_out.clicked.connect(lambda: self.preview.zoom_by(0.8))
        fit.clicked.connect(lambda: self.preview.set_mode(ZoomMode.FIT_PAGE))
        for key, step in ((QKeySequence.StandardKey.MoveToNextPage, 1),
                          (QKeySequence.StandardKey.MoveToPreviousPage, -1)):  # fmt: skip
            QShortcut(key, self, lambda step=step: self.show_sheet(self._sheet + step))
        self._rebuild_timer = QTimer(self, singleShot=True, interval=250)
        self._rebuild_timer.timeout.connect(self._rebuild)
        for box in (self.layout_box, self.paper_box, self.orientation_box):
            box.currentIndexChanged.connect(self._rebuild)
        for spin in (self.rows_spin, self.cols_spin):
            spin.valueChanged.connect(self._rebuild_timer.start)
        self.pages_edit.textChanged.connect(self._rebuild_timer.start)
        self.gray_check.toggled.connect(self._regray)
        for box in (self.duplex_check, self.gray_check):
            box.toggled.connect(self._say_caveats)
        self.cover_check.toggled.connect(self._rebuild)
        self.enhance_check.toggled.connect(self._rebuild)
        self.old_printer_check.toggled.connect(self._rebuild)
        self.printer_box.currentIndexChanged.connect(self._load_remembered)
        self.printer_box.currentIndexChanged.connect(self._rebuild)  # its paper may differ
        self.resize(980, 680)
        self._load_remembered()
        self._rebuild()

    def current_layout(self) -> str:
        """The chosen layout as settings write it: auto, fit, grid-2x2..."""
        value = self.layout_box.currentData()
        if value == CUSTOM_GRID:
            return str(Choice(Layout.GRID, self.rows_spin.value(), self.cols_spin.value()))
        return value

    def current_setup(self) -> Setup:
        paper = self.paper_box.currentData() or paper_named("A4")
        return sheet_setup(self.settings, self.current_layout(), paper,
                           self.orientation_box.currentData())  # fmt: skip

    def _fill_papers(self, name: str, wanted: str) -> None:
        """The printer's own paper sizes (a PDF file: the usual ones), ``wanted`` chosen."""
        info = QPrinterInfo.printerInfo(name) if name != PDF_TARGET else None
        sizes = info.supportedPageSizes() if info is not None and not info.isNull() else []
        papers = [Paper(size.name(), *size.size(QPageSize.Unit.Point).toTuple()) for size in sizes
                  if size.isValid()] or [paper_named(p) for p in PAPERS]  # fmt: skip
        with QSignalBlocker(self.paper_box):
            self.paper_box.clear()
            for paper in papers:
                self.paper_box.addItem(paper.name, paper)
            index = next((i for i, p in enumerate(papers) if p.name.split()[0] == wanted), 0)
            self.paper_box.setCurrentIndex(index)

    def _printer_name(self) -> str:
        return self.printer_box.currentData()

    def _load_remembered(self) -> None:
        name = self._printer_name()
        remembered = self.settings.get("print.printers").get(name, {})
        self.copies_spin.setValue(int(remembered.get("copies", 1)))
        self.duplex_check.setChecked(bool(remembered.get("duplex", False)))
        self.gray_check.setChecked(bool(remembered.get("grayscale", False)))
        self.old_printer_check.setChecked(old_printer_default(self.settings, name))
        layout = remembered.get("layout", self.settings.get("print.layout"))
        index = self.layout_box.findData(layout)
        if index < 0 and layout.startswith("grid"):
            choice = Choice.parse(layout)
            self.rows_spin.setValue(choice.rows)
            self.cols_spin.setValue(choice.cols)
            index = self.layout_box.findData(CUSTOM_GRID)
        self._fill_papers(name, remembered.get("paper", self.settings.get("print.paper")))
        orientation = remembered.get("orientation", self.settings.get("print.orientation"))
        self.orientation_box.setCurrentIndex(max(self.orientation_box.findData(orientation), 0))
        self.layout_box.setCurrentIndex(max(index, 0))
        self._say_caveats()

    def _say_caveats(self) -> None:
        name = self._printer_name()
        if name == PDF_TARGET:
            self.caveat_label.clear()
            return
        options = PrinterOptions(printer=name, duplex=self.duplex_check.isChecked(),
                                 grayscale=self.gray_check.isChecked())  # fmt: skip
        try:
            said = [QCoreApplication.translate("Printing", text) for text in unhonoured(options)]
        except FpsError as exc:  # the printer went away since the list was made
            said = [exc.translated(QCoreApplication.translate)]
        self.caveat_label.setText("\n".join(said))

    # -- preparing the sheets ---------------------------------------------------------------

    def _rebuild(self) -> None:
        """Lay the sheets out again for the current layout and pages; nothing is merged."""
        self._stop_building()
        self._built.clear()
        self.problem_label.clear()
        left_out = [item.name for item in self.order.left_out]
        if left_out:
            self.problem_label.setText(
                self.tr("Left out because they cannot be printed: {names}").format(
                    names=", ".join(left_out)
                )
            )
        self.print_button.setEnabled(False)
        self.summary_label.clear()
        self._form.setRowVisible(self.grid_row, self.layout_box.currentData() == CUSTOM_GRID)
        try:
            options = replace(self.order.options, old_printer=self.old_printer_check.isChecked())
            self.order = replace(self.order, setup=self.current_setup(), options=options,
                                 page_ranges=self.pages_edit.text().strip(),
                                 enhance=self.enhance_check.isChecked())  # fmt: skip
        except FpsError as exc:
            self._plan = None
            self._failed(exc.translated(QCoreApplication.translate))
            self.show_sheet(0)
            return
        self._add_cover()
        plan, cancel = SheetPreview(self.cache, self.order, self._folder), self._cancel
        self._plan = plan

        def prepare() -> tuple[SheetPreview, int, FpsError | None]:
            try:
                return plan, plan.prepare(cancel), None
            except FpsError as exc:  # said only if still the plan on screen
                return plan, 0, exc

        self.busy.show()
        self.sheet_label.setText(self.tr("Laying out…"))
        run_task(prepare, self._on_planned, self._failed, self._builder)

    def _on_planned(self, planned: tuple[SheetPreview, int, FpsError | None]) -> None:
        plan, sheets, error = planned
        if plan is not self._plan:
            return  # the clerk changed the layout or pages since
        if error is not None:
            self._plan = None
            self._failed(error.translated(QCoreApplication.translate))
            self.show_sheet(0)
            return
        count = self._covers + sheets
        self.print_button.setEnabled(count > 0)
        summary = self.tr("%n sheet(s) of {paper}", "", count).format(
            paper=self.order.setup.paper.name)  # fmt: skip
        if self.order.turns:
            summary += " · " + self.tr("%n page(s) turned as in the viewer", "",
                                       len(self.order.turns))  # fmt: skip
        self.summary_label.setText(summary)
        self._check_pictures()
        self.show_sheet(min(self._sheet, count - 1))

    def _check_pictures(self) -> None:
        """Name the pictures this layout prints below 200 dpi; worked out off the GUI thread."""
        files, setup, cache = self.order.files, self.order.setup, self.cache
        run_task(lambda: (setup, blurred_pictures(cache, files, setup)),
                 self._on_pictures_checked, self._failed)  # fmt: skip

    def _on_pictures_checked(self, checked: tuple[Setup, dict[str, int]]) -> None:
        setup, blurred = checked
        if setup != self.order.setup:
            return  # the clerk chose another layout or paper since
        self.blurred_label.setText(
            self.tr("May print blurred: {pictures}").format(pictures=", ".join(
                self.tr("{name} ({dpi} dpi)").format(name=name, dpi=dpi)
                for name, dpi in blurred.items()))
            if blurred else ""
        )  # fmt: skip

    def _add_cover(self) -> None:
        """The cover sheet, small and quick to draw, is ready before any other sheet."""
        self.order = replace(
            self.order, cover=self._cover if self.cover_check.isChecked() else None
        )
        self._covers = 0
        if self.order.cover is None:
            return
        handle, name = tempfile.mkstemp(".pdf", "cover-", self._folder)
        os.close(handle)
        path = Path(name)
        path.write_bytes(cover_pdf(self.order))
        with mupdf_lock, pymupdf.open(path) as doc:
            self._covers = doc.page_count
        cover = CachedFile("cover", path.name, FileRole.ATTACHMENT, FileKind.PDF, "", 0,
                           self._covers)  # fmt: skip
        for page in range(self._covers):
            self._built[page] = (PageRef(cover, path, page), 1.0)

    def _stop_building(self) -> None:
        self._cancel.cancel()
        self._cancel = CancelToken()
        self._builder.waitForDone()  # queued builds end at their first cancel check
        if self._plan is not None:
            self._plan.close()

    def _build(self, index: int) -> None:
        plan, cancel, covers = self._plan, self._cancel, self._covers

        def build() -> tuple[SheetPreview, int, Path, float]:
            cancel.check()
            return plan, index, *plan.build(index - covers, cancel)

        self.busy.show()
        run_task(build, self._on_built, self._failed, self._builder)

    def _on_built(self, built: tuple[SheetPreview, int, Path, float]) -> None:
        plan, index, path, scale = built
        if plan is not self._plan:
            return  # the clerk changed the layout or pages since
        sheet_file = CachedFile("print", path.name, FileRole.ATTACHMENT, FileKind.PDF, "", 0, 1)
        self._built[index] = (PageRef(sheet_file, path, 0), scale)
        if index == self._sheet:
            self.show_sheet(index)

    def _failed(self, message: str) -> None:
        self.busy.hide()
        self.problem_label.setText(message)

    def _regray(self) -> None:
        self.show_sheet(self._sheet)

    def show_sheet(self, index: int) -> None:
        """Show sheet ``index`` (0-based) of the preview, building it first if need be."""
        count = self._covers + len(self._plan.sheets) if self._plan is not None else 0
        if not count:
            self.preview.show_page(None)
            self.sheet_label.clear()
            return
        self._sheet = max(0, min(index, count - 1))
        self.sheet_label.setText(
            self.tr("Sheet {n} / {count}").format(n=self._sheet + 1, count=count)
        )
        self.previous_button.setEnabled(self._sheet > 0)
        self.next_button.setEnabled(self._sheet < count - 1)
        built = self._built.get(self._sheet)
        if built is None:
            self._build(self._sheet)
            return
        self.busy.hide()
        ref, scale = built
        self.preview.show_page(replace(ref, grayscale=self.gray_check.isChecked()))
        self.scale_label.setText(
            self.tr("printed at {percent} % of its size").format(percent=round(scale * 100))
            if scale < SHRUNK_NOTICE
            else ""
        )

    def done(self, result: int) -> None:
        self._stop_building()
        self._plan = None  # sheets still on their way are dropped
        self.renderer.shutdown()
        shutil.rmtree(self._folder, ignore_errors=True)
        super().done(result)

    # -- answering ------------------------------------------------------------------------

    def _accept(self) -> None:
        name = self._printer_name()
        to_pdf = None
        if name == PDF_TARGET:
            suggested = Path.home() / f"{self.order.guid}-print.pdf"
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save as PDF file"), str(suggested), self.tr("PDF files (*.pdf)")
            )
            if not chosen:
                return
            to_pdf = Path(chosen)
        options = PrinterOptions(
            printer="" if to_pdf else name,
            to_pdf=to_pdf,
            copies=self.copies_spin.value(),
            duplex=self.duplex_check.isChecked(),
            grayscale=self.gray_check.isChecked(),
            dpi=self.settings.get("print.dpi"),
            old_printer=self.old_printer_check.isChecked(),
        )
        self.order = replace(
            self.order,
            options=options,
            enhance=self.enhance_check.isChecked(),
            setup=self.current_setup(),
            page_ranges=self.pages_edit.text().strip(),
        )
        remembered = dict(self.settings.get("print.printers"))
        kept = {k: v for k, v in remembered.get(name, {}).items() if k == "copies"}  # IT's
        remembered[name] = {**kept, **options.remembered(), "layout": self.current_layout(),
                            "paper": self.order.setup.paper.name.split()[0],
                            "orientation": self.orientation_box.currentData()}  # fmt: skip
        self.settings.set("print.printers", remembered)
        self.settings.set("print.last_printer", name)
        if self._cover is not None:
            self.settings.set("print.cover_sheet", self.cover_check.isChecked())
        self.accept()
