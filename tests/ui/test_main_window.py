import pymupdf
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox

from fps_desktop.audit import AuditLog
from fps_desktop.documents.demo import DEMO_CASES
from fps_desktop.documents.models import Layout
from fps_desktop.documents.workspace import PrintRequest, merge_job
from fps_desktop.jobs import CancelToken
from fps_desktop.ui.job_queue import JobState
from fps_desktop.ui.print_dialog import PrintDialog
from fps_desktop.ui.spooler import PrinterOptions
from tests.documents.conftest import GUID


def open_demo(qtbot, window, guid=GUID):
    with qtbot.waitSignal(window.documents_shown, timeout=15_000):
        window.open_guid(guid)


def test_empty_window_lists_the_demo_guids(window):
    assert window.stack.currentIndex() == 0
    assert all(guid in window.welcome.text() for guid in DEMO_CASES)


def test_opening_a_guid_shows_groups_thumbnails_and_the_first_page(qtbot, window):
    open_demo(qtbot, window, "  C965BE9F-9C1D-449D-9E50-FED330150D7A ")
    assert window.stack.currentIndex() == 1
    assert window.file_list.headers[window.manifest.files[0].role].text() == "Invoices (2)"
    assert window.thumbnails.count() == 7
    assert window.page_view.label.pixmap().width() > 300
    assert window.settings.get("ui.recent_guids")[0] == GUID
    assert window.print_action.isEnabled()


def test_unchecking_a_file_removes_its_pages(qtbot, window):
    open_demo(qtbot, window)
    attachments = window.file_list.groups[window.manifest.files[-1].role]
    attachments.item(2).setCheckState(Qt.CheckState.Unchecked)
    assert window.thumbnails.count() == 4
    assert len(window.file_list.selected_files()) == 4


def test_a_bad_guid_is_refused_before_any_job(qtbot, window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    window.open_guid("not-a-guid")
    assert window.jobs.rowCount() == 0
    assert "32 hexadecimal digits" in shown[0]


@pytest.mark.allow_log_warnings
def test_a_failing_source_shows_the_message_and_keeps_the_window(qtbot, window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    with qtbot.waitSignal(window.jobs.job_failed, timeout=10_000):
        window.open_guid("0" * 32)
    assert "sample GUIDs" in shown[0]
    assert window.jobs.entries[0].state == JobState.FAILED


def test_print_dialog_preview_follows_the_layout(qtbot, window):
    open_demo(qtbot, window)
    job = merge_job(window.cache, window.file_list.selected_files())
    merged = job.run(lambda *a: None, CancelToken()).data
    dialog = PrintDialog(merged, window.settings, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Preparing" in dialog.summary_label.text()  # built off the GUI thread
    assert not dialog.print_button.isEnabled()
    qtbot.waitUntil(lambda: "sheet" in dialog.summary_label.text(), timeout=5000)
    actual_sheets = pymupdf.open(stream=dialog.print_pdf).page_count
    assert dialog.summary_label.text().startswith(str(actual_sheets))
    dialog.layout_box.setCurrentIndex(dialog.layout_box.findData(Layout.TWO_UP))
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=5000)
    assert pymupdf.open(stream=dialog.print_pdf).page_count == actual_sheets - 1
    assert dialog.summary_label.text().startswith(str(actual_sheets - 1))
    dialog.pages_edit.setText("99")
    qtbot.waitUntil(lambda: not dialog.print_button.isEnabled(), timeout=3000)
    assert "not a page range" in dialog.problem_label.text()


def test_print_job_writes_a_pdf_and_lists_the_result(qtbot, window, tmp_path):
    open_demo(qtbot, window)
    job = merge_job(window.cache, window.file_list.selected_files(), None,
                    PrintRequest(Layout.TWO_UP))  # fmt: skip
    pdf = job.run(lambda *a: None, CancelToken()).data.pdf
    target = tmp_path / "p.pdf"
    with qtbot.waitSignal(window.printed, timeout=15_000):
        window.submit_print(GUID, pdf, PrinterOptions(to_pdf=target), ["a"],
                            PrintRequest(Layout.TWO_UP))  # fmt: skip
    assert pymupdf.open(target).page_count == 6
    assert window.jobs.entries[0].state == JobState.DONE
    assert AuditLog(window.settings.paths).entries()[0]["layout"] == "two-up"
    window.job_list.view.setCurrentIndex(window.jobs.index(0))
    assert window.job_list.open_button.isEnabled()


def test_dragged_order_is_the_merge_order(qtbot, window):
    open_demo(qtbot, window)
    invoices = window.file_list.groups[window.manifest.files[0].role]
    first, second = (invoices.item(i).text() for i in range(2))
    with qtbot.waitSignal(window.file_list.changed):
        invoices.model().moveRow(QModelIndex(), 1, QModelIndex(), 0)
    names = [f.name for f in window.file_list.selected_files()]
    assert first.startswith(names[1]) and second.startswith(names[0])
