"""Settings a clerk or IT may change: document source, cache, language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
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
    QWidget,
)

from fps_desktop.config import Settings
from fps_desktop.ui.secret_edit import SecretEdit


class SettingsDialog(QDialog):
    """Values IT set in the site file show as read-only until a user overrides them."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Settings"))
        self.source_box = QComboBox(self)
        for key, label in (
            ("demo", self.tr("Built-in demo documents")),
            ("pbms", self.tr("PBMS file service (HTTP)")),
            ("folder", self.tr("Folder or network share")),
        ):
            self.source_box.addItem(label, key)
        self.source_box.setCurrentIndex(
            max(self.source_box.findData(settings.get("source.kind")), 0)
        )
        self.list_url = QLineEdit(settings.get("source.pbms.list_url"), self)
        self.list_url.setPlaceholderText("https://pbms.example.edu/api/files?guid={guid}")
        self.download_url = QLineEdit(settings.get("source.pbms.download_url"), self)
        self.download_url.setPlaceholderText("https://pbms.example.edu/api/files/{file_id}")
        self.token = SecretEdit("pbms.token", self)
        token_where = QLabel(QCoreApplication.translate("Secrets", self.token.where()), self)
        token_where.setWordWrap(True)
        self.folder = QLineEdit(settings.get("source.folder.root"), self)
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.cache_mb = QSpinBox(self)
        self.cache_mb.setRange(100, 100_000)
        self.cache_mb.setSuffix(" MB")
        self.cache_mb.setValue(settings.get("cache.max_mb"))
        self.language = QComboBox(self)
        for code, label in (("", self.tr("Follow the system")), ("zh_CN", "简体中文"),
                            ("en", "English")):  # fmt: skip
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(self.language.findData(settings.get("ui.language")), 0))
        form = QFormLayout(self)
        form.addRow(self.tr("Document source"), self.source_box)
        form.addRow(self.tr("PBMS file list URL"), self.list_url)
        form.addRow(self.tr("PBMS download URL"), self.download_url)
        form.addRow(self.tr("PBMS access token"), self.token)
        form.addRow("", token_where)
        form.addRow(self.tr("Document folder"), folder_row)
        form.addRow(self.tr("Cache size limit"), self.cache_mb)
        form.addRow(self.tr("Language"), self.language)
        form.addRow("", QLabel(self.tr("A new language applies after a restart."), self))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Document folder"), self.folder.text()
        )
        if chosen:
            self.folder.setText(chosen)

    def _save(self) -> None:
        values = {
            "source.kind": self.source_box.currentData(),
            "source.pbms.list_url": self.list_url.text().strip(),
            "source.pbms.download_url": self.download_url.text().strip(),
            "source.folder.root": self.folder.text().strip(),
            "cache.max_mb": self.cache_mb.value(),
            "ui.language": self.language.currentData(),
        }
        for key, value in values.items():
            if value != self.settings.get(key):
                self.settings.set(key, value)
        self.token.keep()
        self.accept()
