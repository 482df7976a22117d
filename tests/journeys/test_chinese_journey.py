"""J8: the J1 path in Chinese, Qt's own dialogs included."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel

from fps_desktop.config import Settings
from fps_desktop.ui.job_queue import JobQueue
from fps_desktop.ui.main_window import MainWindow
from fps_desktop.ui.print_dialog import PrintDialog
from tests.journeys.conftest import (
    A4,
    DEMO_GUID,
    SLOW,
    open_by_keyboard,
    pdf_sheets,
    press_ctrl_p,
    save_as,
    wait_for_jobs,
    when_shown,
)


@pytest.fixture
def window_zh(qtbot, chinese, fps_home):
    main = MainWindow(Settings(), JobQueue())
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.shutdown()


def texts(widget) -> list[str]:
    found = [b.text() for b in widget.findChildren(QAbstractButton) if b.isVisible()]
    found += [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]
    return [t for t in found if t]


def test_j8_chinese_from_guid_to_printed_sheets(qtbot, window_zh, tmp_path):
    window = window_zh
    assert window.menuBar().actions()[0].text().startswith("文件")
    open_by_keyboard(qtbot, window, DEMO_GUID)
    out = tmp_path / "printed-zh.pdf"  # typed with QTest, which only knows ASCII keys
    seen: dict[str, list[str]] = {}

    def in_save_dialog(dialog: QFileDialog) -> None:
        seen["save"] = texts(dialog)
        save_as(out)(dialog)

    def in_print_dialog(dialog: PrintDialog) -> None:
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=SLOW)
        seen["print"] = [*texts(dialog), dialog.windowTitle()]
        saving = when_shown(QFileDialog, in_save_dialog)
        QTest.keyClick(dialog, Qt.Key.Key_Return)
        saving.check()

    press_ctrl_p(qtbot, window, in_print_dialog)
    wait_for_jobs(qtbot, window)
    assert pdf_sheets(out) == [A4] * 7
    assert "打印" in seen["print"]
    assert any(text.startswith("打印 ") for text in seen["print"])  # the title names the GUID
    assert any("张 A4" in text for text in seen["print"])
    assert {"保存(&S)", "取消"} & set(seen["save"]) or any("保存" in t for t in seen["save"])
    assert any("文件名" in text for text in seen["save"]), seen["save"]
    shown = seen["print"] + seen["save"]
    english = [t for t in shown if t.isascii() and any(c.isalpha() for c in t)]
    assert not [t for t in english if t not in ("PDF", "A4")], english
