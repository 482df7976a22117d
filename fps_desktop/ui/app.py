"""QApplication set-up: translations, logging of Qt messages, the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMainWindow

from fps_desktop.config import Settings


def run(settings: Settings, guid: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.show()
    return app.exec()
