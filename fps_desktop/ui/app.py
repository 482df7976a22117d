"""QApplication set-up: translations, Qt messages into logging, crash dialog, window."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtCore import QLocale, QTimer, QTranslator, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from fps_desktop import APP_DISPLAY_NAME, APP_NAME, __version__
from fps_desktop.config import Settings
from fps_desktop.languages import catalogues, chosen_language
from fps_desktop.resources import resources_dir

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")


def install_translations(app: QApplication, language: str) -> str:
    """Load our catalogue and Qt's own for ``language`` (empty: the system locale)."""
    chosen = chosen_language(language)
    QLocale.setDefault(QLocale(chosen))
    for name, folder in catalogues(chosen):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
        else:
            log.info("no translation %s in %s", name, folder)
    return chosen


def _qt_message(mode, context, message: str) -> None:
    qt_log.debug("%s", message)


def _excepthook(kind, value, tb) -> None:
    log.critical("unhandled error", exc_info=(kind, value, tb))
    if QApplication.instance() is not None:
        QMessageBox.critical(
            None,
            APP_DISPLAY_NAME,
            QApplication.translate(
                "App", "Something went wrong. The details are in the log file; the app goes on."
            ),
        )
    else:
        traceback.print_exception(kind, value, tb)


def create_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "fps-desktop.svg")))
    return app


def run(settings: Settings, guid: str | None = None, self_test: bool = False) -> int:
    qInstallMessageHandler(_qt_message)
    app = create_application()
    install_translations(app, settings.get("ui.language"))
    sys.excepthook = _excepthook

    from fps_desktop.ui.bridge import Bridge
    from fps_desktop.ui.main_window import MainWindow

    window = MainWindow(settings)
    bridge = Bridge(window, settings)
    window.show()
    bridge.start()
    if self_test:
        from fps_desktop.ui.self_check import run_self_test  # a build's smoke test only

        run_self_test(window, bridge, app)
    elif guid:
        QTimer.singleShot(0, lambda: window.open_guid(guid))
    try:
        return app.exec()
    finally:
        bridge.stop()
        window.shutdown()
