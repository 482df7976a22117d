"""The admin's export panel: database connection, invoice or basic-data export, progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fps_desktop.config import Settings
from fps_desktop.errors import FpsError
from fps_desktop.export.db import PASSWORD_SECRET, DbSettings, check_connection
from fps_desktop.export.folders import BASIC, INVOICES, export_folder
from fps_desktop.export.invoices import ExportOptions
from fps_desktop.export.jobs import basic_export_job, invoice_export_job
from fps_desktop.export.mapping import Mapping
from fps_desktop.ui.connection_test import ConnectionTest
from fps_desktop.ui.job_list import rate_text
from fps_desktop.ui.job_queue import JobEntry, JobQueue, JobState
from fps_desktop.ui.secret_edit import SecretEdit


class ExportPanel(QWidget):
    def __init__(self, settings: Settings, jobs: JobQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.jobs = jobs
        self.entry: JobEntry | None = None

        self.host = QLineEdit(settings.get("db.host"), self)
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(settings.get("db.port"))
        self.user = QLineEdit(settings.get("db.user"), self)
        self.database = QLineEdit(settings.get("db.name"), self)
        self.tls = QCheckBox(self.tr("Use TLS"), self)
        self.tls.setChecked(settings.get("db.tls"))
        self.password = SecretEdit(PASSWORD_SECRET, self)
        self.connection = ConnectionTest(self)
        self.connection.button.clicked.connect(self.test_connection)
        connection = QGroupBox(self.tr("Database"), self)
        form = QFormLayout(connection)
        form.addRow(self.tr("Host"), self.host)
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("User"), self.user)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Database"), self.database)
        form.addRow("", self.tls)
        form.addRow(self.connection)

        self.kind = QComboBox(self)
        self.kind.addItem(self.tr("Invoices (one JSON file each)"), INVOICES)
        self.kind.addItem(self.tr("Basic data (currencies, types, codes)"), BASIC)
        self.output = QLineEdit(str(export_folder(settings, INVOICES)), self)
        self.kind.currentIndexChanged.connect(self._show_kind)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output, 1)
        output_row.addWidget(browse)
        self.incremental = QCheckBox(self.tr("Only what changed since the last export"), self)
        self.compress = QCheckBox(self.tr("Compress (.json.gz)"), self)
        self.dry_run = QCheckBox(self.tr("Dry run: count only, write nothing"), self)
        self.tenant = QSpinBox(self)
        self.tenant.setRange(0, 1_000_000)
        self.tenant.setSpecialValueText(self.tr("All tenants"))
        self.index = QComboBox(self)
        self.index.addItem(self.tr("No list"), None)
        self.index.addItem("CSV", "csv")
        self.index.addItem("Excel (XLSX)", "xlsx")
        options = QGroupBox(self.tr("Export"), self)
        self.options_form = form = QFormLayout(options)
        form.addRow(self.tr("What"), self.kind)
        form.addRow(self.tr("Folder"), output_row)
        form.addRow(self.tr("Tenant"), self.tenant)
        form.addRow(self.tr("List of exported invoices"), self.index)
        form.addRow("", self.incremental)
        form.addRow("", self.compress)
        form.addRow("", self.dry_run)
        # what applies to the invoice export only (basic data is always written whole)
        self.invoice_options = (self.tenant, self.index, self.incremental, self.compress,
                                self.dry_run)  # fmt: skip
        widest = form.labelForField(self.index).sizeHint().width()  # the fields stay in place
        form.labelForField(self.kind).setMinimumWidth(widest)

        self.run_button = QPushButton(self.tr("Start export"), self)
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(lambda: self.entry and self.jobs.cancel(self.entry))
        self.progress = QProgressBar(self)
        self.progress_label = QLabel(self)
        self.report = QPlainTextEdit(self)
        self.report.setReadOnly(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)

        top = QHBoxLayout()
        for box in (connection, options):  # each as tall as its shown rows, no empty space
            top.addWidget(box, 1, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.report, 1)
        jobs.dataChanged.connect(self._show_progress)
        jobs.ended.connect(self._ended)

    def db_settings(self) -> DbSettings:
        """Save what the form says (the password to the keyring) and return it."""
        for key, value in (("db.host", self.host.text().strip()), ("db.port", self.port.value()),
                           ("db.user", self.user.text().strip()),
                           ("db.name", self.database.text().strip()),
                           ("db.tls", self.tls.isChecked())):  # fmt: skip
            if self.settings.get(key) != value:
                self.settings.set(key, value)
        self.password.keep()
        return DbSettings.from_settings(self.settings, env={})

    def test_connection(self) -> None:
        """The server answers and the invoices table can be read (up to 10 s to fail)."""
        try:
            db = self.db_settings()
        except FpsError as exc:  # the settings could not be saved (a full disk)
            self.connection.say(exc.translated(QCoreApplication.translate), False)
            return
        self.connection.start(lambda _cancel: check_connection(db), self._connected_text)

    def _connected_text(self, version: str) -> str:
        text = self.tr("Connected: {version}").format(version=version)
        return f"{text} {self.password.kept}" if self.password.kept else text

    def start(self) -> None:
        try:
            db = self.db_settings()
            mapping = Mapping.from_setting(self.settings.get("export.mapping"))
        except FpsError as exc:
            self.report.setPlainText(exc.translated(QCoreApplication.translate))
            return
        chosen = self.output.text().strip()
        output = export_folder(
            self.settings, self.kind.currentData(), Path(chosen) if chosen else None
        )
        if self.kind.currentData() == BASIC:
            job = basic_export_job(db, output, mapping)
        else:
            options = ExportOptions(
                output, incremental=self.incremental.isChecked(),
                compress=self.compress.isChecked(), dry_run=self.dry_run.isChecked(),
                tenant=self.tenant.value() or None, index_format=self.index.currentData(),
                threads=self.settings.get("export.threads"),
            )  # fmt: skip
            job = invoice_export_job(db, options, mapping)
        self.report.clear()
        self.entry = self.jobs.submit(job)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)

    def _show_progress(self, *_) -> None:
        entry = self.entry
        if entry is None:
            return
        self.progress.setMaximum(max(entry.total, 1))
        self.progress.setValue(entry.done)
        self.progress_label.setText(
            f"{entry.done:,} / {entry.total:,}  {rate_text(entry)}  {entry.message}"
        )

    def _ended(self, entry: JobEntry) -> None:
        if entry is not self.entry:
            return
        if entry.state == JobState.DONE:
            summary = entry.result.data
            translate = QCoreApplication.translate
            lines = summary.lines(translate) if hasattr(summary, "lines") else [entry.message]
            self.report.setPlainText("\n".join(lines))
        else:
            self.report.setPlainText(entry.error or self.tr("Cancelled; nothing was marked as "
                                                            "exported."))  # fmt: skip
        self._idle()

    def _idle(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _show_kind(self) -> None:
        """Each kind of export has its own folder; the field shows the one for the kind.
        Basic data is written whole, for all tenants: the invoice export's choices are
        hidden while it is chosen, so none seems to apply when it does not."""
        kind = self.kind.currentData()
        for widget in self.invoice_options:
            self.options_form.setRowVisible(widget, kind == INVOICES)
        self.output.setText(str(export_folder(self.settings, kind)))

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Export folder"), self.output.text()
        )
        if chosen:
            self.output.setText(chosen)
