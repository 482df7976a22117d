"""The window driven as a clerk drives it: keys, clicks and the real dialogs.

Nothing here calls a private method or runs a job by hand. A modal dialog blocks
the key press that opened it, so what the clerk does inside it is scheduled first
with ``when_shown`` and runs from the dialog's own event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLineEdit, QWidget

from fps_desktop.ui.job_queue import JobState
from fps_desktop.ui.main_window import MainWindow
from fps_desktop.ui.print_dialog import PrintDialog

DEMO_GUID = "c965be9f9c1d449d9e50fed330150d7a"
A4 = (595, 842)
SLOW = 30_000  # ms: generous, so a machine busy with other work does not fail a journey


@pytest.fixture
def settings(settings):
    """Journeys about files and layouts count sheets without the cover sheet, one page
    a sheet (the automatic layout's packing is chosen where a journey is about it)."""
    settings.set("print.cover_sheet", False)
    settings.set("print.layout", "actual")
    return settings


class Pending:
    """What a clerk will do in a dialog once it shows; errors surface in the test."""

    def __init__(self, kind: type[QWidget], act: Callable[[QWidget], None]) -> None:
        self.kind, self.act = kind, act
        self.error: BaseException | None = None
        self.done = False
        self.timer = QTimer()
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self) -> None:
        dialog = next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, self.kind) and w.isVisible()
            ),
            None,
        )
        if dialog is None or QApplication.activeWindow() is not dialog:
            return  # keys go to the window in front: wait until the dialog is
        self.timer.stop()
        try:
            self.act(dialog)
        except BaseException as exc:  # re-raised by check(): a failed step must fail the test
            self.error = exc
            if isinstance(dialog, QDialog) and dialog.isVisible():
                dialog.reject()
        self.done = True

    def check(self) -> None:
        self.timer.stop()
        if self.error is not None:
            raise self.error
        assert self.done, f"no {self.kind.__name__} was shown"


def when_shown(kind: type[QWidget], act: Callable[[QWidget], None]) -> Pending:
    return Pending(kind, act)


def type_guid(qtbot, window: MainWindow, text: str) -> None:
    """Select the GUID box with Ctrl+L, type, press Enter."""
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    box = window.guid_box.lineEdit()
    assert box.hasFocus()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def open_by_keyboard(qtbot, window: MainWindow, text: str) -> None:
    """Type a GUID and wait until its first page and its invoice fields are shown."""
    signals = [window.documents_shown, window.invoices_shown]
    with qtbot.waitSignals(signals, timeout=SLOW):
        type_guid(qtbot, window, text)


def click_print(qtbot, dialog: PrintDialog, out: Path) -> None:
    """Click Print with "Save as PDF file…" chosen and type ``out`` in the save dialog."""
    saving = when_shown(QFileDialog, save_as(out))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    saving.check()


def print_to_pdf(qtbot, window, out) -> str:
    """Ctrl+P, Enter on Print, the file name typed into Qt's save dialog; the dialog's title."""
    seen = {}

    def in_print_dialog(dialog: PrintDialog) -> None:
        seen["dialog"] = dialog.windowTitle()
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=SLOW)
        saving = when_shown(QFileDialog, save_as(out))
        QTest.keyClick(dialog, Qt.Key.Key_Return)  # Print is the default button
        saving.check()

    press_ctrl_p(qtbot, window, in_print_dialog)
    wait_for_jobs(qtbot, window)
    return seen["dialog"]


def print_jobs(window: MainWindow) -> list:
    return [e for e in window.jobs.entries if e.job.kind == "print"]


def save_as(path: Path) -> Callable[[QWidget], None]:
    """Answer Qt's own save dialog as a clerk does: type the file name, press Enter."""

    def act(dialog: QFileDialog) -> None:
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        name.selectAll()
        QTest.keyClicks(name, str(path))
        deadline = time.monotonic() + SLOW / 1000
        while dialog.isVisible() and time.monotonic() < deadline:
            popup = name.completer().popup() if name.completer() else None
            if popup is not None and popup.isVisible():
                QTest.keyClick(popup, Qt.Key.Key_Escape)  # the clerk closes the suggestions
            QTest.keyClick(name, Qt.Key.Key_Return)
            QTest.qWait(100)

    return act


def wait_for_jobs(qtbot, window: MainWindow, timeout: int = SLOW) -> None:
    qtbot.waitUntil(
        lambda: all(
            e.state not in (JobState.QUEUED, JobState.RUNNING) for e in window.jobs.entries
        ),
        timeout=timeout,
    )
    failed = [e.error for e in window.jobs.entries if e.state == JobState.FAILED]
    assert not failed, failed


def merge_and_save(qtbot, window: MainWindow, out: Path) -> None:
    """Ctrl+S, the file dialog answered with ``out``, and the merge finished."""
    saving = when_shown(QFileDialog, save_as(out))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saving.check()
    wait_for_jobs(qtbot, window)


def pdf_sheets(path: Path) -> list[tuple[int, int]]:
    with pymupdf.open(path) as doc:
        return [(round(page.rect.width), round(page.rect.height)) for page in doc]


def press_ctrl_p(qtbot, window: MainWindow, act: Callable[[QWidget], None]) -> None:
    """Ctrl+P, then ``act`` in the print dialog (which blocks until it closes)."""
    from fps_desktop.ui.print_dialog import PrintDialog

    printing = when_shown(PrintDialog, act)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    printing.check()
