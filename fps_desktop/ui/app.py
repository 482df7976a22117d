"""QApplication set-up: translations, Qt messages into logging, crash dialog, window."""

from __future__ import annotations

import logging
import sys
import tempfile
import traceback
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from fps_desktop import APP_DISPLAY_NAME, APP_NAME, __version__
from fps_desktop.config import Settings
from fps_desktop.resources import resources_dir

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")


def catalogues(language: str) -> tuple[tuple[str, str], ...]:
    """The (name, folder) of each catalogue for ``language``, in the order they install.

    English needs only ours, for its plural forms ("1 file", "2 files").
    """
    ours = str(resources_dir() / "translations")
    if language == "en":
        return ((f"fps_desktop_{language}", ours),)
    return (
        (f"fps_desktop_{language}", ours),
        (f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        (f"qt_supplement_{language}", ours),  # installed last, so asked first
    )


def install_translations(app: QApplication, language: str) -> str:
    """Load our catalogue and Qt's own for ``language`` (empty: the system locale)."""
    locale = QLocale(language) if language else QLocale.system()
    chosen = "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"
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
        _run_self_test(window, bridge, app)
    elif guid:
        QTimer.singleShot(0, lambda: window.open_guid(guid))
    try:
        return app.exec()
    finally:
        bridge.stop()
        window.shutdown()


def _run_self_test(window, bridge, app: QApplication) -> None:
    """Check the PBMS listener listens (unless IT switched it off) and every kind of file
    the app opens reads, then open the first demo GUID and print it two-up into a PDF,
    then quit (for packaging)."""
    from fps_desktop.documents.demo import DEMO_CASES
    from fps_desktop.printing.job import new_print_id
    from fps_desktop.printing.policy import requested_print_job, sheet_setup
    from fps_desktop.printing.spooler import PrinterOptions
    from fps_desktop.ui.job_queue import JobEntry, JobState
    from fps_desktop.ui.self_check import SHIPPED, failures

    if window.settings.get("listener.enabled") and bridge.listener is None:
        print(f"self-test: FAILED (PBMS listener: {bridge.listener_error})")
        QTimer.singleShot(0, lambda: app.exit(1))
        return
    missing = [name for name in SHIPPED if not (resources_dir() / name).is_file()]
    if missing:
        print(f"self-test: FAILED (missing resources: {', '.join(missing)})")
        QTimer.singleShot(0, lambda: app.exit(1))
        return
    unreadable = failures()
    if unreadable:
        print(f"self-test: FAILED (cannot read {'; '.join(unreadable)})")
        QTimer.singleShot(0, lambda: app.exit(1))
        return
    target = Path(tempfile.mkdtemp()) / "self-test.pdf"
    guid = next(iter(DEMO_CASES))

    printing: list[JobEntry] = []

    def ended(entry: JobEntry) -> None:
        if entry.state == JobState.FAILED:
            print(entry.error)
            app.exit(1)
        elif entry.state == JobState.DONE and printing and entry is printing[0]:
            ok = target.exists() and target.stat().st_size > 0
            sheets = entry.result.data.sheets
            print(f"self-test: {'ok' if ok else 'FAILED'} ({sheets} sheets, {target})")
            app.exit(0 if ok else 1)

    def shown(_guid: str) -> None:  # printed by the one print policy, as PBMS would
        job = requested_print_job(window.settings, window.cache, guid,
                                  PrinterOptions(to_pdf=target),
                                  sheet_setup(window.settings, "two-up"), True,
                                  new_print_id(), lambda *said: None, via="self-test")  # fmt: skip
        printing.append(window.jobs.submit(job))

    window.documents_shown.connect(shown)
    window.jobs.ended.connect(ended)
    window.open_guid(guid)
