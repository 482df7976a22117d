"""J2–J7: saving, choosing files, pushes, failed opens, damaged files, keyboard only."""

from __future__ import annotations

import pymupdf
import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from fps_desktop.audit import AuditLog
from fps_desktop.config import set_secret
from fps_desktop.documents.demo import demo_file_bytes
from fps_desktop.documents.models import FileRole
from fps_desktop.ui.bridge import Bridge
from tests.journeys.conftest import (
    A4,
    DEMO_GUID,
    SLOW,
    merge_and_save,
    open_by_keyboard,
    pdf_sheets,
    print_jobs,
    print_to_pdf,
    type_guid,
    wait_for_jobs,
    when_shown,
)
from tests.listener.test_listener import signed

OTHER_DEMO_GUID = "5f0c3b2a9d8e4f7a8b6c1d2e3f4a5b6c"


def test_j2_pasted_dashed_guid_saved_as_one_pdf_with_a_bookmark_per_file(qtbot, window, tmp_path):
    QGuiApplication.clipboard().setText("  C965BE9F-9C1D-449D-9E50-FED330150D7A\n")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    box = window.guid_box.lineEdit()
    with qtbot.waitSignal(window.documents_shown, timeout=SLOW):
        qtbot.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert DEMO_GUID in window.windowTitle()
    out = tmp_path / "merged.pdf"
    merge_and_save(qtbot, window, out)
    with pymupdf.open(out) as doc:
        titles = [title for _, title, _ in doc.get_toc()]
        assert doc.page_count == 7
    assert titles == [f.name for f in window.manifest.files]


def test_j3_unticked_attachment_and_moved_invoice_change_what_prints(qtbot, window, tmp_path):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    invoices = window.file_list.groups[FileRole.INVOICE]
    attachments = window.file_list.groups[FileRole.ATTACHMENT]
    first_invoice = invoices.item(0).text().split(" · ")[0]
    invoices.setFocus()
    QTest.keyClick(invoices, Qt.Key.Key_Home)
    QTest.keyClick(invoices, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert invoices.item(1).text().startswith(first_invoice)
    attachments.setFocus()
    QTest.keyClick(attachments, Qt.Key.Key_End)  # the 3-page PDF attachment
    QTest.keyClick(attachments, Qt.Key.Key_Space)
    assert window.page_label.text() == "Page 1 / 4"
    out = tmp_path / "chosen.pdf"
    print_to_pdf(qtbot, window, out)
    assert pdf_sheets(out) == [A4] * 4
    printed = AuditLog(window.settings.paths).entries()[0]
    assert printed["files"][1] == first_invoice  # the moved invoice printed second
    assert len(printed["files"]) == 4


@pytest.mark.allow_log_warnings  # the listener logs that it has no allowed origins set
def test_j4_pbms_push_replaces_the_open_guid_and_raises_the_window(qtbot, window, settings):
    settings.set("listener.port", 0)
    settings.set("listener.fallback_ports", [])
    bridge = Bridge(window, settings)
    bridge.start()
    try:
        open_by_keyboard(qtbot, window, DEMO_GUID)
        window.showMinimized()
        with qtbot.waitSignal(window.documents_shown, timeout=SLOW) as shown:
            answer = requests.post(
                f"http://127.0.0.1:{bridge.listener.port}/api/set_guid",
                json={"guid": OTHER_DEMO_GUID},
                timeout=10,
            )
            assert answer.status_code == 200
        assert shown.args == [OTHER_DEMO_GUID]
        assert OTHER_DEMO_GUID in window.windowTitle()
        assert not window.isMinimized()
        assert window.origin_label.isVisible()
    finally:
        bridge.stop()


def dismiss_warning(found: list[str]):
    def act(box: QMessageBox) -> None:
        found.append(box.text())
        QTest.keyClick(box, Qt.Key.Key_Return)

    return act


@pytest.mark.allow_log_warnings
@pytest.mark.parametrize("bad", ["0" * 32, "not-a-guid"])
def test_j5_a_failed_open_leaves_nothing_of_the_old_guid_to_print(qtbot, window, bad):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    assert window.print_action.isEnabled()
    warnings: list[str] = []
    if bad.startswith("0"):  # a GUID the source does not know: the clerk is told in a dialog
        warned = when_shown(QMessageBox, dismiss_warning(warnings))
        type_guid(qtbot, window, bad)
        qtbot.waitUntil(lambda: bool(warnings), timeout=SLOW)
        warned.check()
    else:  # a typo is said in place, without a dialog in the way
        type_guid(qtbot, window, bad)
        assert "32 hexadecimal digits" in window.notice.text()
    assert window.file_list.selected_files() == []
    assert window.thumbnails.count() == 0
    assert not window.print_action.isEnabled()
    assert not window.save_action.isEnabled()
    assert DEMO_GUID not in window.windowTitle()
    assert window.notice.isVisible() and "Could not open" in window.notice.text()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert print_jobs(window) == []
    assert window.settings.get("ui.recent_guids") == [DEMO_GUID]


@pytest.fixture
def damaged_folder(tmp_path, settings):
    guid = "d" * 32
    folder = tmp_path / "share" / guid
    (folder / "invoices").mkdir(parents=True)
    (folder / "attachments").mkdir()
    good = demo_file_bytes(DEMO_GUID, "inv-1")
    (folder / "invoices" / "good-invoice.pdf").write_bytes(good)
    (folder / "invoices" / "truncated-invoice.pdf").write_bytes(good[: len(good) // 2])
    (folder / "attachments" / "receipt.jpg").write_bytes(demo_file_bytes(DEMO_GUID, "receipt"))
    (folder / "attachments" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    settings.set("source.kind", "folder")
    settings.set("source.folder.root", str(tmp_path / "share"))
    return guid


@pytest.mark.allow_log_warnings
def test_j6_damaged_files_are_named_and_the_rest_prints(qtbot, window, damaged_folder, tmp_path):
    open_by_keyboard(qtbot, window, damaged_folder)
    groups = window.file_list.groups.values()
    rows = [group.item(i).text() for group in groups for i in range(group.count())]
    broken = [row for row in rows if "cannot be printed" in row]
    assert len(broken) == 2, rows
    assert any(row.startswith("truncated-invoice.pdf") for row in broken)
    assert any(row.startswith("broken.png") for row in broken)
    chosen = [f.name for f in window.file_list.selected_files()]
    assert chosen == ["good-invoice.pdf", "receipt.jpg"]
    out = tmp_path / "printed.pdf"
    print_to_pdf(qtbot, window, out)
    assert pdf_sheets(out) == [A4] * 2


def test_j7_keyboard_only_from_guid_to_printed_sheets(qtbot, window, tmp_path):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    out = tmp_path / "keyboard.pdf"
    title = print_to_pdf(qtbot, window, out)
    assert DEMO_GUID in title
    assert pdf_sheets(out) == [A4] * 7


def test_j4_signed_print_from_pbms_opens_and_prints_when_it_allows(qtbot, window, settings, cups):
    queue = cups.add_queue()
    settings.set("listener.port", 0)
    settings.set("listener.fallback_ports", [])
    settings.set("listener.allow_silent_print", True)
    set_secret("listener.hmac_secret", "shared-secret-of-the-office")
    bridge = Bridge(window, settings)
    bridge.start()
    try:
        with qtbot.waitSignal(window.documents_shown, timeout=SLOW):
            answer = requests.post(
                f"http://127.0.0.1:{bridge.listener.port}/api/print",
                json=signed(
                    "shared-secret-of-the-office",
                    guid=DEMO_GUID,
                    path="/api/print",
                    printer=queue,
                    copies=2,
                    layout="two-up",
                ),
                timeout=10,
            )
            assert answer.status_code == 202
        wait_for_jobs(qtbot, window)
    finally:
        bridge.stop()
    assert window.manifest.guid == DEMO_GUID  # the clerk sees what PBMS printed
    (job,) = cups.jobs(queue)
    assert job["copies"] == "2" and job["job-state"] == "completed"
    entry = AuditLog(settings.paths).entries()[0]
    assert (entry["via"], entry["state"], entry["layout"]) == ("pbms", "completed", "two-up")
