"""The GUID workspace: enter a GUID, see its files, merge, print."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QModelIndex, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from fps_desktop import APP_DISPLAY_NAME
from fps_desktop.audit import AuditLog
from fps_desktop.config import Settings
from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.demo import DEMO_CASES
from fps_desktop.documents.guid import normalize_guid
from fps_desktop.documents.models import CachedFile, Manifest
from fps_desktop.documents.sources import source_from_settings
from fps_desktop.documents.workspace import cache_from_settings, fetch_job, merge_job
from fps_desktop.errors import QT_TRANSLATE_NOOP, FpsError, translated_params
from fps_desktop.formats.pdf import DECODERS
from fps_desktop.invoices.corrections import enter
from fps_desktop.invoices.fields import InvoiceFields
from fps_desktop.invoices.listing import InvoiceList, invoices_job, row_notes, write_xlsx
from fps_desktop.jobs import Job, JobResult
from fps_desktop.printing.job import clerk_name, print_job
from fps_desktop.printing.pictures import blurred_pictures
from fps_desktop.printing.policy import (
    ClaimedBefore,
    claimed_rows,
    make_order,
    other_forms,
    record_claimed_refusal,
    sheet_setup,
)
from fps_desktop.printing.queue_state import COMPLETED
from fps_desktop.resources import resources_dir
from fps_desktop.ui.correction_dialog import CorrectionDialog
from fps_desktop.ui.file_list import FileList, money
from fps_desktop.ui.job_list import JobList
from fps_desktop.ui.job_queue import JobEntry, JobQueue, JobState, run_task
from fps_desktop.ui.page_view import PageRef, PageView, ThumbnailStrip, ZoomMode
from fps_desktop.ui.print_dialog import PrintDialog
from fps_desktop.ui.renderer import PageRenderer

log = logging.getLogger(__name__)
MAX_RECENT = 15


class MainWindow(QMainWindow):
    """Emits ``documents_shown(guid)`` once the first page of a GUID is painted and every
    file's verdict is in, and ``invoices_shown(guid)`` once the invoice fields of all its
    files are listed (or could not be read)."""

    documents_shown = Signal(str)
    invoices_shown = Signal(str)

    def __init__(self, settings: Settings, jobs: JobQueue | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.jobs = jobs or JobQueue(parent=self)
        self.cache: DocumentCache = cache_from_settings(settings)
        DECODERS.warm()  # the first GUID's files are proven without waiting for a worker
        self.manifest: Manifest | None = None
        self.listing: InvoiceList | None = None
        self._invoices_due = ""  # the GUID whose fields are read once its first page shows
        self._invoices_entry: JobEntry | None = None
        self.pages: list[PageRef] = []
        self.turns: dict[tuple[str, int], int] = {}  # (file, page) -> the clerk's turn
        self.renderer = PageRenderer(self)
        self._opening_since = 0.0
        self._opening_guid = ""
        self._fetch_entry: JobEntry | None = None
        self._arriving = False  # the files shown are the GUID so far: some still examined
        self._painted = False  # the first page of the GUID being opened is on screen
        self._fields_partial = False  # the fields listed leave out a file still examined
        self._print_entries: list[JobEntry] = []  # prints whose answer the status bar says
        self.panels: dict[str, QWidget] = {}
        self.keep_running_in_tray = False  # the bridge sets it when a tray icon exists
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.setWindowIcon(QIcon(str(resources_dir() / "icons" / "fps-desktop.svg")))
        self._build_toolbar()
        self._build_body()
        self._build_docks()
        self._build_menus()
        self.jobs.ended.connect(self._on_job_ended)
        self.jobs.dataChanged.connect(self._on_job_changed)  # the files of a GUID so far
        self._place_on_screen()
        self._update_actions()
        if settings.refused:  # values in site.json or settings.json that are not allowed
            self.show_notice(" ".join(e.translated(QCoreApplication.translate)
                                      for e in settings.refused))  # fmt: skip

    # -- building -------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Document"), self)
        bar.setObjectName("document-toolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(20, 20))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(bar)
        icon = self.style().standardIcon
        self.guid_box = QComboBox(self)
        self.guid_box.setEditable(True)
        self.guid_box.setMinimumWidth(330)
        self.guid_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.guid_box.lineEdit().setPlaceholderText(self.tr("Type or paste a document GUID"))
        # Enter on a GUID that is also in the list emits both: open_guid ignores the second.
        self.guid_box.lineEdit().returnPressed.connect(self._open_typed)
        self.guid_box.activated.connect(lambda _: self._open_typed())
        self._fill_recent()
        guid_label = QLabel(self.tr("GUID"), self)
        guid_label.setContentsMargins(6, 0, 6, 0)
        bar.addWidget(guid_label)
        bar.addWidget(self.guid_box)
        self.open_action = bar.addAction(
            icon(QStyle.StandardPixmap.SP_DialogOpenButton), self.tr("Open"), self._open_typed
        )
        self.refresh_action = bar.addAction(
            icon(QStyle.StandardPixmap.SP_BrowserReload), self.tr("Refresh"), self.refresh
        )
        self.refresh_action.setShortcut(QKeySequence("F5"))
        bar.addSeparator()
        self.save_action = bar.addAction(
            icon(QStyle.StandardPixmap.SP_DialogSaveButton), self.tr("Merge && Save"),
            self.merge_and_save,
        )  # fmt: skip
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.print_action = bar.addAction(
            icon(QStyle.StandardPixmap.SP_FileDialogDetailedView), self.tr("Print…"),
            self.print_documents,
        )  # fmt: skip
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        bar.addSeparator()
        self.focus_guid_action = QAction(self.tr("Go to GUID box"), self)
        self.focus_guid_action.setShortcut(QKeySequence("Ctrl+L"))
        self.focus_guid_action.triggered.connect(self._focus_guid_box)
        self.addAction(self.focus_guid_action)
        self.zoom_actions = [
            bar.addAction(
                self.tr("Fit width"), lambda: self.page_view.set_mode(ZoomMode.FIT_WIDTH)
            ),
            bar.addAction(self.tr("Fit page"), lambda: self.page_view.set_mode(ZoomMode.FIT_PAGE)),
            bar.addAction(self.tr("Zoom in"), lambda: self.page_view.zoom_by(1.25)),
            bar.addAction(self.tr("Zoom out"), lambda: self.page_view.zoom_by(0.8)),
            bar.addAction(self.tr("Rotate right"), lambda: self.turn_page(90)),
            bar.addAction(self.tr("Rotate left"), lambda: self.turn_page(-90)),
        ]
        for action, keys in zip(
            self.zoom_actions,
            ("Ctrl+1", "Ctrl+2", QKeySequence.StandardKey.ZoomIn,
             QKeySequence.StandardKey.ZoomOut, "Ctrl+R", "Ctrl+Shift+R"),
            strict=True,
        ):  # fmt: skip
            action.setShortcut(QKeySequence(keys))

    def _build_body(self) -> None:
        self.stack = QStackedWidget(self)
        self.welcome = QLabel(self)
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setWordWrap(True)
        self.welcome.setTextFormat(Qt.TextFormat.RichText)
        self.welcome.linkActivated.connect(self.open_guid)
        self._update_welcome()
        self.file_list = FileList(self)
        self.file_list.setMinimumWidth(260)
        self.file_list.changed.connect(self._on_selection_changed)
        self.file_list.activated.connect(self._jump_to_file)
        self.file_list.correct_requested.connect(self.correct_invoice)
        self.origin_label = QLabel(self)
        self.origin_label.setStyleSheet(
            "background: #e8f0fe; color: #174ea6; padding: 6px; border-radius: 4px;"
        )
        self.origin_label.hide()
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.origin_label)
        left_layout.addWidget(self.file_list, 1)
        self.thumbnails = ThumbnailStrip(self.renderer, self)
        self.thumbnails.page_chosen.connect(self._show_page)
        self.page_view = PageView(self.renderer, self)
        self.page_view.painted.connect(self._on_painted)
        pages = QWidget(self)
        pages_layout = QHBoxLayout(pages)
        pages_layout.setContentsMargins(0, 0, 0, 0)
        pages_layout.setSpacing(0)
        pages_layout.addWidget(self.thumbnails)
        pages_layout.addWidget(self.page_view, 1)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 920])  # room for an invoice's seller and notes
        self.notice = QLabel(self)
        self.notice.setObjectName("notice")
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setWordWrap(True)
        self.notice.setContentsMargins(40, 40, 40, 40)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(splitter)
        self.stack.addWidget(self.notice)
        self.setCentralWidget(self.stack)
        self.page_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.page_label)
        self.notice_label = QLabel(self)
        self.notice_label.setStyleSheet("color: #8a4b00; font-weight: 600;")
        self.notice_label.hide()
        self.statusBar().addPermanentWidget(self.notice_label, 1)
        steps = {
            "PgDown": 1, "Right": 1, "PgUp": -1, "Left": -1,
        }  # fmt: skip
        for keys, step in steps.items():
            shortcut = QShortcut(QKeySequence(keys), pages)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(
                lambda step=step: self.go_to_page(self.thumbnails.currentRow() + step)
            )
        for keys, target in (("Home", 0), ("End", 1 << 30)):
            shortcut = QShortcut(QKeySequence(keys), pages)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda target=target: self.go_to_page(target))

    def _build_docks(self) -> None:
        self.job_list = JobList(self.jobs, self)
        self.job_dock = QDockWidget(self.tr("Jobs"), self)
        self.job_dock.setObjectName("jobs-dock")
        self.job_dock.setWidget(self.job_list)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.job_dock)
        self.resizeDocks([self.job_dock], [150], Qt.Orientation.Vertical)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.print_action)
        self.export_invoices_action = file_menu.addAction(
            self.tr("Export invoice list…"), self.export_invoice_list
        )
        file_menu.addSeparator()
        file_menu.addAction(self.tr("Open cache folder"), self._open_cache_folder)
        file_menu.addAction(self.tr("Settings…"), self._open_settings)
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("Quit"), self.quit_application)
        # Windows has no standard Quit key, and Alt+F4 only hides a window kept in the tray.
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        view_menu = menu.addMenu(self.tr("&View"))
        for action in self.zoom_actions:
            view_menu.addAction(action)
        view_menu.addAction(self.job_dock.toggleViewAction())
        tools = menu.addMenu(self.tr("&Tools"))
        tools.addAction(self.tr("Invoice export…"), lambda: self._open_panel("export"))
        tools.addAction(self.tr("Upload to OSS…"), lambda: self._open_panel("upload"))
        tools.addAction(self.tr("History…"), lambda: self._open_panel("history"))
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("Open log folder"), self._open_log_folder)
        help_menu.addAction(self.tr("About"), self._about)

    # -- opening a GUID -------------------------------------------------------------------

    def _open_typed(self) -> None:
        self.open_guid(self.guid_box.currentText())

    def open_guid(self, text: str, origin: str = "", refresh: bool = False) -> None:
        """Open a GUID typed, picked, clicked or pushed by PBMS (``origin`` says who).

        Whatever was shown goes first: until the new GUID's files are here, nothing of
        the previous one can be printed under the new GUID's name.
        """
        try:
            guid = normalize_guid(text)
            source = source_from_settings(self.settings)
        except FpsError as exc:
            message = exc.translated(QCoreApplication.translate)
            self._clear_documents(self.tr("Could not open “{text}”: {reason}").format(
                text=text.strip()[:80], reason=message))  # fmt: skip
            self.statusBar().showMessage(message, 10_000)  # said in place: no dialog for a typo
            return
        if self._fetch_entry is not None:
            if self._opening_guid == guid and not refresh:
                return  # the same request twice (Enter on a GUID that is also in the list)
            self.jobs.cancel(self._fetch_entry)
        self._opening_since = time.perf_counter()
        self._opening_guid = guid
        self._clear_documents(self.tr("Opening {guid}…").format(guid=guid))
        self.guid_box.setEditText(guid)
        if origin:
            self.origin_label.setText(self.tr("Sent by {origin}").format(origin=origin))
        self.origin_label.setVisible(bool(origin))
        self.statusBar().showMessage(self.tr("Opening {guid}…").format(guid=guid))
        job = fetch_job(self.cache, source, guid, refresh)
        self._fetch_entry = self.jobs.submit(job)

    def refresh(self) -> None:
        guid = self.manifest.guid if self.manifest is not None else self._opening_guid
        if guid:
            self.open_guid(guid, refresh=True)

    def raise_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _clear_documents(self, notice: str) -> None:
        """Show ``notice`` where the documents were; nothing is left to print."""
        if self.manifest is not None:
            self.cache.unpin(self.manifest.guid)
        self.manifest = None
        self._arriving = False
        self._painted = False  # the first page of the GUID being opened is on screen
        self._fields_partial = False
        self.turns = {}
        self._forget_invoices()
        self.renderer.forget()
        self.file_list.set_files([])
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.notice.setText(notice)
        self.stack.setCurrentWidget(self.notice)

    def _on_job_changed(self, top_left: QModelIndex, *_) -> None:
        """While a file of the GUID being opened is still examined, the cache reports the
        files so far (the job's detail): they show and print without waiting for it."""
        entry = self.jobs.entries[top_left.row()]
        if entry is self._fetch_entry and isinstance(entry.detail, Manifest):
            detail, entry.detail = entry.detail, None  # each report is shown once
            self._show_files(detail)

    def _on_fetched(self, result: JobResult) -> None:
        manifest = result.data  # the fetch asked for last: an older one is not answered
        self._fetch_entry = None
        self._show_files(manifest)
        self._shown()
        if self._fields_partial:  # read while a file was still examined: read all now
            self._forget_invoices()
            self._invoices_due = self.manifest.guid
        if not self.pages or self._painted:  # no page will be painted, or it was: read now
            self._read_invoices()

    def _show_files(self, manifest: Manifest) -> None:
        if self._arriving and self.manifest is not None:
            self.file_list.take_verdicts(manifest.files)  # the rows shown take their verdicts
        else:
            self.manifest = manifest
            self.cache.pin(manifest.guid)
            self.turns = {}
            self._remember(manifest.guid)
            self.renderer.forget()
            self.setWindowTitle(f"{manifest.guid} — {APP_DISPLAY_NAME}")
            self.stack.setCurrentIndex(1)  # lay the pages out before the first render is sized
            self._forget_invoices()
            self._invoices_due = manifest.guid
            self.file_list.set_files(manifest.files)
        self._arriving = self._fetch_entry is not None
        if not self._arriving:  # every verdict is in: the pictures that print are known
            self._check_pictures(self.manifest)
        self.statusBar().showMessage(f"{manifest.guid} · {self._files_message()}")

    def _check_pictures(self, manifest: Manifest) -> None:
        """Mark the pictures that print below 200 dpi in the default layout, off the GUI
        thread; the print dialog says it again for the layout chosen there."""
        cache, setup = self.cache, sheet_setup(self.settings)
        run_task(lambda: (manifest.guid, blurred_pictures(cache, manifest.files, setup)),
                 self._on_pictures_checked, self._on_pictures_unchecked)  # fmt: skip

    def _on_pictures_checked(self, checked: tuple[str, dict[str, int]]) -> None:
        guid, blurred = checked
        if self.manifest is not None and self.manifest.guid == guid and blurred:
            self.file_list.set_blurred(blurred)

    def _on_pictures_unchecked(self, message: str) -> None:
        log.info("resolution of the pictures not checked: %s", message)

    def _files_message(self) -> str:
        files = self.manifest.files
        broken = sum(not f.printable and not f.is_data and not f.examining for f in files)
        message = self.tr("%n file(s)", "", len(files))
        if broken:
            message += " · " + self.tr("%n cannot be printed", "", broken)
        return message

    # -- invoice fields ---------------------------------------------------------------------

    def _forget_invoices(self) -> None:
        self.listing = None
        self._invoices_due = ""
        if self._invoices_entry is not None:
            self.jobs.cancel(self._invoices_entry)
            self._invoices_entry = None

    def _read_invoices(self) -> None:
        """Fields come after the first page: opening a GUID is not slowed by reading them.
        A file still examined is not read: the others are, so they print meanwhile, and
        all are read again once every verdict is in."""
        if not self._invoices_due or self.manifest is None:
            return
        self._invoices_due = ""
        known = [f for f in self.manifest.files if not f.examining]
        self._fields_partial = len(known) < len(self.manifest.files)
        manifest = replace(self.manifest, files=known)
        job = invoices_job(self.settings, manifest, self.cache.blob_path, clerk_name())
        self._invoices_entry = self.jobs.submit(job)
        self._update_actions()

    def _on_invoices_read(self, result: JobResult) -> None:
        listing: InvoiceList = result.data
        if self.manifest is None or listing.guid != self.manifest.guid:
            return  # another GUID was opened meanwhile
        self._invoices_entry = None
        self.listing = listing
        self.file_list.set_invoices(listing)
        self.file_list.uncheck(set(other_forms(self.manifest.files, listing)))
        message = f"{listing.guid} · {self._files_message()}"
        if listing.rows:
            message += " · " + self.tr("invoices total {amount}").format(
                amount=money(str(listing.total)))  # fmt: skip
        self.statusBar().showMessage(message)
        if listing.register_error is not None:
            self.show_notice(self.tr("Duplicates not checked: {reason}").format(
                reason=listing.register_error.translated(QCoreApplication.translate)))  # fmt: skip
        self._update_actions()
        if not self._fields_partial:  # a file still examined is read with the rest later
            self.invoices_shown.emit(listing.guid)

    def correct_invoice(self, item: CachedFile) -> None:
        """The clerk types or confirms what the paper says; the fields are read again with it."""
        if self.manifest is None:
            return
        row = self.file_list.row_of(item)
        shown = row.fields if row is not None else InvoiceFields(file=item.name)
        dialog = CorrectionDialog(shown, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        kept = shown.entered + shown.from_ocr  # Enter on an OCR value confirms it
        values = {name: value for name, value in dialog.values.items()
                  if value != getattr(shown, name) or name in kept}  # fmt: skip
        if not values and not shown.entered:
            return  # nothing typed, nothing confirmed: the read values stand
        try:
            enter(self.settings.paths, self.manifest.guid, item.sha256, shown, values,
                  clerk_name())  # fmt: skip
        except FpsError as exc:
            self.show_notice(exc.translated(QCoreApplication.translate))
            return
        self._forget_invoices()
        self._invoices_due = self.manifest.guid
        self._read_invoices()

    def export_invoice_list(self) -> None:
        """The invoice list as XLSX, the same file ``fps-desktop invoices --xlsx`` writes."""
        listing = self.listing
        if listing is None:
            return
        suggested = Path.home() / f"{listing.guid}-invoices.xlsx"
        target, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export invoice list"), str(suggested), self.tr("Excel files (*.xlsx)")
        )
        if not target:
            return
        path = Path(target)

        def run(progress, cancel) -> JobResult:
            write_xlsx(listing, path)
            return JobResult(str(path), path=path)

        self.jobs.submit(Job(QT_TRANSLATE_NOOP("Jobs", "Export invoices of {guid}"), run,
                             "export", {"guid": listing.guid}))  # fmt: skip

    def _on_selection_changed(self) -> None:
        self.pages = [
            PageRef(item, self.cache.blob_path(item.sha256), page,
                    turn=self.turns.get((item.name, page), 0))
            for item in self.file_list.selected_files()
            for page in range(item.pages)
        ]  # fmt: skip
        self.thumbnails.set_pages(self.pages)
        if self.pages:  # the first page is the current one: PgDn, Ctrl+R start from it
            self.thumbnails.setCurrentRow(0)
        else:
            self._show_page(-1)
        self._update_actions()

    def go_to_page(self, index: int) -> None:
        """Move to page ``index`` of the selected pages (clamped), as the thumbnails do."""
        if self.pages:
            self.thumbnails.setCurrentRow(max(0, min(index, len(self.pages) - 1)))

    def _show_page(self, index: int) -> None:
        shown = 0 <= index < len(self.pages)
        self.page_view.show_page(self.pages[index] if shown else None)
        self.page_label.setText(
            self.tr("Page {n} / {count}").format(n=index + 1, count=len(self.pages)) if shown
            else ""
        )  # fmt: skip

    def turn_page(self, degrees: int) -> None:
        """Turn the page on screen ``degrees`` clockwise; it prints turned the same way."""
        row = self.thumbnails.currentRow()
        if not 0 <= row < len(self.pages):
            return
        ref = self.pages[row]
        turned = replace(ref, turn=(ref.turn + degrees) % 360)
        self.pages[row] = turned
        self.turns[(ref.file.name, ref.page)] = turned.turn
        self.page_view.rotate(degrees)
        self.thumbnails.replace_page(row, turned)

    def _jump_to_file(self, item) -> None:
        for index, ref in enumerate(self.pages):
            if ref.file is item:
                self.thumbnails.setCurrentRow(index)
                return

    def _on_painted(self) -> None:
        if self._opening_since and self.manifest is not None and not self._painted:
            elapsed = (time.perf_counter() - self._opening_since) * 1000
            log.info("GUID %s: first page painted after %.0f ms", self.manifest.guid, elapsed)
        self._painted = self.manifest is not None
        self._shown()
        self._read_invoices()

    def _shown(self) -> None:
        """``documents_shown``, once a GUID's first page is painted and every file's verdict
        is in (a page may show while a slow file is still examined)."""
        if self._opening_since and self._painted and not self._arriving:
            self._opening_since = 0.0
            self.documents_shown.emit(self.manifest.guid)

    # -- merge and print ------------------------------------------------------------------

    def merge_and_save(self) -> None:
        files = self.file_list.selected_files()
        if not files or self.manifest is None:
            return
        suggested = Path.home() / f"{self.manifest.guid}.pdf"
        target, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save merged PDF"), str(suggested), "PDF (*.pdf)"
        )
        if target:
            self.jobs.submit(merge_job(self.cache, files, Path(target), turns=dict(self.turns)))

    def print_documents(self) -> None:
        """Freeze the print order now (GUID, files, their invoices), then ask and print it.

        Nothing that happens while a question or the dialog is open (a PBMS push, a
        refresh) changes what prints, what the cover lists or what is audited.
        """
        files = self.file_list.selected_files()
        if not files or self.manifest is None or self._invoices_entry is not None:
            return
        guid, listing = self.manifest.guid, self.listing
        claimed = claimed_rows(listing, [f for f in files if f.printable])
        confirmed = bool(claimed) and self._confirm_duplicates(claimed)
        try:
            order = make_order(guid, files, listing, via="window", confirmed=confirmed,
                               cover=self.settings.get("print.cover_sheet"))  # fmt: skip
        except ClaimedBefore as exc:
            record_claimed_refusal(AuditLog(self.settings.paths), exc)
            return
        order.turns = {key: turn for key, turn in self.turns.items() if turn}
        dialog = PrintDialog(self.cache, order, self.settings, self)
        accepted = dialog.exec() == PrintDialog.DialogCode.Accepted
        chosen = dialog.order
        dialog.deleteLater()  # a day of prints keeps no dialog, widgets or preview behind
        if accepted:
            audit = AuditLog(self.settings.paths)
            job = print_job(self.cache, chosen, audit, settings=self.settings)
            self._print_entries.append(self.jobs.submit(job))

    def _on_printed(self, result: JobResult) -> None:
        """The print system's answer, in the status bar; a held job stays said."""
        printed = result.data
        state = printed.state
        if state.state == COMPLETED:
            self.statusBar().showMessage(self.tr("Printed: %n sheet(s)", "", printed.sheets),
                                         15_000)  # fmt: skip
            return
        said = translated_params({"state": state.said, "reason": state.said_reason},
                                 QCoreApplication.translate)  # fmt: skip
        self.show_notice(self.tr("Print job {job} not printed yet ({state}): {reason}").format(
            job=printed.job_id, **said))  # fmt: skip

    def _confirm_duplicates(self, claimed) -> bool:
        """Ask before printing invoices claimed before; the answer goes to the audit log."""
        lines = []
        for row in claimed:
            notes = [QCoreApplication.translate("Invoices", t).format(**p)
                     for t, p in row_notes(row) if t.startswith("Duplicate")]  # fmt: skip
            lines.append(f"{row.fields.file}: " + "; ".join(notes))
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Invoice claimed before"),
                          self.tr("%n invoice(s) of this GUID were claimed before:", "",
                                  len(claimed)), parent=self)  # fmt: skip
        box.setInformativeText("\n".join(lines) + "\n\n" + self.tr(
            "Print anyway? Your answer is written to the audit log."))  # fmt: skip
        anyway = box.addButton(self.tr("Print anyway"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        box.exec()
        return box.clickedButton() is anyway

    # -- small things ---------------------------------------------------------------------

    def _update_actions(self) -> None:
        has_pages = bool(self.pages)
        self.save_action.setEnabled(has_pages)
        # printing waits for the fields: a claimed invoice must be asked about first
        self.print_action.setEnabled(has_pages and self._invoices_entry is None
                                     and not self._invoices_due)  # fmt: skip
        self.export_invoices_action.setEnabled(bool(self.listing and self.listing.rows))
        self.refresh_action.setEnabled(self.manifest is not None)
        for action in self.zoom_actions:
            action.setEnabled(has_pages)

    def _focus_guid_box(self) -> None:
        self.guid_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.guid_box.lineEdit().selectAll()

    def _remember(self, guid: str) -> None:
        previous = self.settings.get("ui.recent_guids")
        recent = [guid, *(g for g in previous if g != guid)][:MAX_RECENT]
        if recent != previous:  # settings are written only when something changed
            self.settings.set("ui.recent_guids", recent)
            self._fill_recent()

    def _fill_recent(self) -> None:
        text = self.guid_box.currentText()
        self.guid_box.blockSignals(True)
        self.guid_box.clear()
        self.guid_box.addItems(self.settings.get("ui.recent_guids"))
        self.guid_box.setEditText(text)
        self.guid_box.blockSignals(False)

    def _update_welcome(self) -> None:
        heading = self.tr("Open a document GUID")
        hint = self.tr("Type or paste a GUID above, or let PBMS send one.")
        lines = [f"<h2>{heading}</h2>", f"<p>{hint}</p>"]
        if self.settings.get("source.kind") == "demo":
            try_these = self.tr("Demo documents to try:")
            lines.append(f"<p>{try_these}</p><p>")
            for guid, case in DEMO_CASES.items():
                lines.append(f'<a href="{guid}">{guid}</a> — {case.title}<br>')
            lines.append("</p>")
        self.welcome.setText("".join(lines))

    def show_notice(self, text: str) -> None:
        """A lasting warning in the status bar, for things the clerk must not miss."""
        self.notice_label.setText("⚠ " + text)
        self.notice_label.setToolTip(text)
        self.notice_label.show()

    def _on_job_ended(self, entry: JobEntry) -> None:
        """Any job's end: the answers this window waits for, and every failure said."""
        printing = any(entry is e for e in self._print_entries)
        if printing:
            self._print_entries = [e for e in self._print_entries if e is not entry]
        if entry.state == JobState.DONE:
            if entry is self._fetch_entry:
                self._on_fetched(entry.result)
            elif entry is self._invoices_entry:
                self._on_invoices_read(entry.result)
            elif printing:
                self._on_printed(entry.result)
        elif entry.state == JobState.FAILED:
            self._on_job_failed(entry, entry.error)

    def _on_job_failed(self, entry: JobEntry, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)
        if entry is self._invoices_entry:  # fields unread: printing goes on without them
            self._invoices_entry = None
            self._update_actions()
            self.invoices_shown.emit(self.manifest.guid if self.manifest else "")
        if entry is self._fetch_entry:
            self._fetch_entry = None
            self._clear_documents(self.tr("Could not open {guid}: {reason}").format(
                guid=self._opening_guid, reason=message))  # fmt: skip
            QMessageBox.warning(self, APP_DISPLAY_NAME, message)

    def _open_panel(self, name: str) -> None:
        from fps_desktop.ui.panels import open_panel

        open_panel(self, name)

    def _open_settings(self) -> None:
        from fps_desktop.ui.settings_dialog import SettingsDialog

        if SettingsDialog(self.settings, self).exec():
            self.cache = cache_from_settings(self.settings)
            self._update_welcome()

    def _open_cache_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.cache.root)))

    def _open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.settings.paths.log_dir)))

    def _about(self) -> None:
        from fps_desktop import __version__

        QMessageBox.about(
            self, APP_DISPLAY_NAME,
            self.tr("{name} {version}\nFinance Print Station").format(
                name=APP_DISPLAY_NAME, version=__version__),
        )  # fmt: skip

    def _place_on_screen(self) -> None:
        """Where the clerk left it; the first time, as large as fits this screen."""
        saved = self.settings.get("ui.window_geometry")
        if saved and self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii"))):
            return
        screen = self.screen().availableGeometry()
        width = min(1280, int(screen.width() * 0.94))
        height = min(800, int(screen.height() * 0.92))
        self.resize(width, height)
        self.move(screen.center() - self.rect().center())

    def _save_geometry(self) -> None:
        geometry = bytes(self.saveGeometry().toBase64()).decode("ascii")
        if geometry != self.settings.get("ui.window_geometry"):
            self.settings.set("ui.window_geometry", geometry)

    def closeEvent(self, event) -> None:  # noqa: N802
        """With a tray icon, closing hides the window and PBMS pushes still arrive."""
        self._save_geometry()
        if self.keep_running_in_tray:
            event.ignore()
            self.hide()
        else:
            super().closeEvent(event)

    def quit_application(self) -> None:
        QCoreApplication.quit()

    def shutdown(self) -> None:
        """Stop workers before Qt tears objects down."""
        self._save_geometry()
        self.renderer.shutdown()
        self.jobs.wait(5000)
