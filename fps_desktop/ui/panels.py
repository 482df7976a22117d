"""The admin panels (export, upload, history) as windows of their own."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget


def _make_panel(window, name: str) -> tuple[QWidget, str]:
    if name == "export":
        from fps_desktop.ui.export_panel import ExportPanel

        return ExportPanel(window.settings, window.jobs), QCoreApplication.translate(
            "MainWindow", "Invoice export"
        )
    if name == "upload":
        from fps_desktop.ui.upload_panel import UploadPanel

        return UploadPanel(window.settings, window.jobs), QCoreApplication.translate(
            "MainWindow", "Upload to OSS"
        )
    from fps_desktop.ui.history_view import HistoryView

    return HistoryView(window.settings.paths), QCoreApplication.translate("MainWindow", "History")


def open_panel(window, name: str) -> QDialog:
    """Show panel ``name`` non-modally; one window per panel, raised if already open."""
    dialog = window.panels.get(name)
    if dialog is None:
        panel, title = _make_panel(window, name)
        dialog = QDialog(window, Qt.WindowType.Window)
        dialog.setWindowTitle(title)
        layout = QVBoxLayout(dialog)
        layout.addWidget(panel)
        closing = getattr(panel, "window_closed", None)
        if closing is not None:  # close button and Esc both end in finished
            dialog.finished.connect(closing)
        dialog.resize(900, 620)
        window.panels[name] = dialog
    dialog.show()
    dialog.raise_()
    return dialog
