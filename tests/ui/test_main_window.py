import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from fps_desktop.documents.demo import DEMO_CASES
from fps_desktop.ui.job_queue import JobState
from tests.documents.conftest import GUID
from tests.menus import menu_action


def open_demo(qtbot, window, guid=GUID):
    with qtbot.waitSignal(window.documents_shown, timeout=15_000):
        window.open_guid(guid)


def test_empty_window_lists_the_demo_guids(window):
    assert window.stack.currentIndex() == 0
    assert all(guid in window.welcome.text() for guid in DEMO_CASES)


def test_ctrl_q_quits_from_the_file_menu_on_windows_too(qtbot, window):
    """The offscreen platform has Windows' standard keys, where Quit has none."""
    quit_action = menu_action(window, "Quit")
    assert quit_action.shortcut() == QKeySequence("Ctrl+Q")
    with qtbot.waitSignal(quit_action.triggered, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def test_opening_a_guid_shows_groups_thumbnails_and_the_first_page(qtbot, window):
    open_demo(qtbot, window, "  C965BE9F-9C1D-449D-9E50-FED330150D7A ")
    assert window.stack.currentIndex() == 1
    assert window.file_list.headers[window.manifest.files[0].role].text().startswith("Invoices (2)")
    assert window.thumbnails.count() == 7
    assert window.page_view.label.pixmap().width() >= window.page_view.viewport().width() - 30
    assert window.settings.get("ui.recent_guids")[0] == GUID
    # printing waits for the invoice fields, read after the first page
    qtbot.waitUntil(window.print_action.isEnabled, timeout=15_000)
    assert "total ¥2,248.00" in window.file_list.headers[window.manifest.files[0].role].text()


def test_unchecking_a_file_removes_its_pages(qtbot, window):
    open_demo(qtbot, window)
    attachments = window.file_list.groups[window.manifest.files[-1].role]
    attachments.item(2).setCheckState(Qt.CheckState.Unchecked)
    assert window.thumbnails.count() == 4
    assert len(window.file_list.selected_files()) == 4


def test_a_bad_guid_is_refused_before_any_job(qtbot, window, monkeypatch):
    window.open_guid("not-a-guid")
    assert window.jobs.rowCount() == 0
    assert "32 hexadecimal digits" in window.notice.text()


@pytest.mark.allow_log_warnings
def test_a_failing_source_shows_the_message_and_keeps_the_window(qtbot, window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    with qtbot.waitSignal(window.jobs.ended, timeout=10_000):
        window.open_guid("0" * 32)
    assert "sample GUIDs" in shown[0]
    assert window.jobs.entries[0].state == JobState.FAILED


def test_dragged_order_is_the_merge_order(qtbot, window):
    open_demo(qtbot, window)
    invoices = window.file_list.groups[window.manifest.files[0].role]
    first, second = (invoices.item(i).text() for i in range(2))
    with qtbot.waitSignal(window.file_list.changed):
        invoices.model().moveRow(QModelIndex(), 1, QModelIndex(), 0)
    names = [f.name for f in window.file_list.selected_files()]
    assert first.startswith(names[1]) and second.startswith(names[0])


@pytest.mark.allow_log_warnings
def test_a_setting_refused_in_the_site_file_is_said_in_the_window(qtbot, tmp_path, fps_home):
    import json

    from fps_desktop.config import Paths, Settings
    from fps_desktop.ui.job_queue import JobQueue
    from fps_desktop.ui.main_window import MainWindow

    site = tmp_path / "site.json"
    site.write_text(json.dumps({"invoices.register": "MySQL"}), encoding="utf-8")
    window = MainWindow(Settings(Paths.default(), site_files=[site]), JobQueue())
    qtbot.addWidget(window)
    window.show()
    assert window.notice_label.isVisible()
    assert "setting invoices.register cannot be “MySQL”: allowed are sqlite, mysql" in (
        window.notice_label.text()
    )
