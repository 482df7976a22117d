"""J1, J7, J8: from a typed GUID to printed sheets, the way a clerk does it."""

from __future__ import annotations

import socket

import pymupdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog

from fps_desktop.audit import AuditLog
from fps_desktop.ui.print_dialog import PrintDialog
from tests.journeys.conftest import (
    A4,
    DEMO_GUID,
    SLOW,
    click_print,
    open_by_keyboard,
    pdf_sheets,
    press_ctrl_p,
    print_jobs,
    save_as,
    wait_for_jobs,
    when_shown,
)

# The demo GUID: 2 one-page invoices, then attachments of 1 + 1 + 3 pages.
SHEETS = {"auto": 5, "actual": 7, "fit": 7, "two-up": 6}


def choose(combo, label_start: str) -> None:
    """Pick an entry of a combo box with the keyboard, as a clerk tabbing through does."""
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText().startswith(label_start):
            return
        QTest.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"no entry {label_start!r} in {combo.objectName()}")


@pytest.mark.parametrize(
    ("layout_label", "layout"),
    [
        ("Automatic", "auto"),
        ("Actual size", "actual"),
        ("Fit to page", "fit"),
        ("Two invoices", "two-up"),
    ],
)
def test_j1_typed_guid_printed_to_pdf_in_each_layout(qtbot, window, tmp_path, layout_label, layout):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    out = tmp_path / f"{layout}.pdf"

    def in_print_dialog(dialog: PrintDialog) -> None:
        assert DEMO_GUID in dialog.windowTitle()
        choose(dialog.layout_box, layout_label)
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=SLOW)
        assert dialog.sheet_label.text() == f"Sheet 1 / {SHEETS[layout]}"
        click_print(qtbot, dialog, out)

    press_ctrl_p(qtbot, window, in_print_dialog)
    wait_for_jobs(qtbot, window)
    assert pdf_sheets(out) == [A4] * SHEETS[layout]
    qtbot.waitUntil(lambda: not window.findChildren(PrintDialog))  # a day of prints keeps none


def test_j1_page_range_two_copies_black_and_white(qtbot, window, tmp_path):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    out = tmp_path / "range.pdf"

    def in_print_dialog(dialog: PrintDialog) -> None:
        choose(dialog.layout_box, "Actual size")  # one page a sheet: the range is the sheets
        dialog.pages_edit.setFocus()
        QTest.keyClicks(dialog.pages_edit, "1-3")
        dialog.copies_spin.setFocus()
        dialog.copies_spin.selectAll()
        QTest.keyClicks(dialog.copies_spin, "2")
        dialog.gray_check.setFocus()
        QTest.keyClick(dialog.gray_check, Qt.Key.Key_Space)
        assert dialog.gray_check.isChecked()
        qtbot.waitUntil(lambda: dialog.sheet_label.text() == "Sheet 1 / 3", timeout=SLOW)
        saving = when_shown(QFileDialog, save_as(out))
        qtbot.keyClick(dialog.print_button, Qt.Key.Key_Return)
        saving.check()

    press_ctrl_p(qtbot, window, in_print_dialog)
    wait_for_jobs(qtbot, window)
    assert pdf_sheets(out) == [A4] * 6  # three sheets, twice
    with pymupdf.open(out) as doc:
        pix = doc[0].get_pixmap(dpi=30)
    colours = {pix.pixel(x, y) for x in range(pix.width) for y in range(pix.height)}
    assert len(colours) > 2  # something is printed
    assert all(r == g == b for r, g, b in colours)  # and only in greys


def test_preview_follows_the_layout_and_refuses_a_bad_range(qtbot, english, window):
    open_by_keyboard(qtbot, window, DEMO_GUID)

    def in_print_dialog(dialog: PrintDialog) -> None:
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=SLOW)
        assert dialog.summary_label.text().startswith("7 sheets of A4")
        choose(dialog.layout_box, "Automatic")
        qtbot.waitUntil(lambda: dialog.summary_label.text().startswith("5 sheets"), timeout=SLOW)
        # no way into the system's own print dialog, whose printer and pages would be ignored
        assert not [b for b in dialog.findChildren(QAbstractButton) if "Properties" in b.text()]
        choose(dialog.layout_box, "Two invoices")
        qtbot.waitUntil(lambda: dialog.sheet_label.text() == "Sheet 1 / 6", timeout=SLOW)
        assert dialog.print_button.isEnabled()
        qtbot.keyClick(dialog, Qt.Key.Key_PageDown)
        assert dialog.sheet_label.text() == "Sheet 2 / 6"
        dialog.pages_edit.setFocus()
        QTest.keyClicks(dialog.pages_edit, "99")
        qtbot.waitUntil(lambda: "not a page range" in dialog.problem_label.text(), timeout=SLOW)
        assert not dialog.print_button.isEnabled()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    press_ctrl_p(qtbot, window, in_print_dialog)
    assert print_jobs(window) == []  # Cancel: nothing printed


def print_to_queue(qtbot, window, queue: str, until_ended: bool = True) -> None:
    """Ctrl+P, the queue chosen in the printer box, Print; then wait for the job to end."""

    def in_print_dialog(dialog: PrintDialog) -> None:
        dialog.printer_box.setCurrentIndex(dialog.printer_box.findData(queue))
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=SLOW)
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)

    window.activateWindow()  # back from the last dialog, the clerk clicks into the window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=SLOW)
    press_ctrl_p(qtbot, window, in_print_dialog)
    if until_ended:
        qtbot.waitUntil(lambda: print_jobs(window) and print_jobs(window)[0].state.name
                        not in ("QUEUED", "RUNNING"), timeout=SLOW)  # fmt: skip


def printed_to_a_paused_queue(qtbot, window, cups) -> str:
    """The demo GUID opened and printed by keyboard to a queue that holds its jobs."""
    open_by_keyboard(qtbot, window, DEMO_GUID)
    paused = cups.add_queue()
    cups.run("cupsdisable", paused)
    print_to_queue(qtbot, window, paused)
    return paused


def test_j14_the_clerk_sees_what_the_print_queue_did(qtbot, window, cups):
    paused = printed_to_a_paused_queue(qtbot, window, cups)
    (held,) = print_jobs(window)
    assert held.message.startswith("Held in the print queue: the printer is paused")
    assert "not printed yet (held): the printer is paused" in window.notice_label.text()
    assert AuditLog(window.settings.paths).entries()[0]["state"] == "held"

    rejecting = cups.add_queue()
    cups.run("cupsreject", rejecting)
    print_to_queue(qtbot, window, rejecting)
    refused = print_jobs(window)[0]
    assert refused.state.name == "FAILED" and "not accepting jobs" in refused.error
    assert "not accepting jobs" in window.statusBar().currentMessage()
    assert AuditLog(window.settings.paths).entries()[0]["state"] == "refused"
    assert cups.jobs(rejecting) == []
    cups.run("cupsenable", paused)


@pytest.mark.parametrize(
    ("layout_label", "paper", "sheets"),
    [("Grid 2 × 2", "A5", 2), ("Paste sheet", "A4", 5), ("Automatic", "A5", 5)],
)
def test_j15_layout_and_paper_chosen_by_keys_print_to_cups_as_previewed(
    qtbot, english, window, cups, layout_label, paper, sheets
):
    """Ctrl+P, then the printer, a layout and a paper picked with the keyboard: CUPS gets
    the sheets the preview counted, every one on that paper."""
    queue = cups.add_queue()
    open_by_keyboard(qtbot, window, DEMO_GUID)

    def in_print_dialog(dialog: PrintDialog) -> None:
        choose(dialog.printer_box, queue)
        choose(dialog.layout_box, layout_label)
        choose(dialog.paper_box, paper)
        summary = f"{sheets} sheets of {paper}"
        qtbot.waitUntil(lambda: dialog.summary_label.text() == summary, timeout=SLOW)
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=SLOW)
        qtbot.keyClick(dialog.print_button, Qt.Key.Key_Return)

    press_ctrl_p(qtbot, window, in_print_dialog)
    qtbot.waitUntil(lambda: print_jobs(window) and print_jobs(window)[0].state.name
                    not in ("QUEUED", "RUNNING"), timeout=SLOW)  # fmt: skip
    (job,) = cups.jobs(queue)
    assert job["job-state"] == "completed"
    size = pymupdf.paper_rect(paper.lower())
    with pymupdf.open(stream=cups.document(int(job["job-id"])), filetype="pdf") as spooled:
        assert spooled.page_count == sheets
        assert all(abs(p.rect.width - size.width) < 2 and abs(p.rect.height - size.height) < 2
                   for p in spooled)  # fmt: skip
    entry = AuditLog(window.settings.paths).entries()[0]
    assert entry["sheets"] == sheets and entry["layout"] != "actual"


def test_j14_in_chinese_the_jobs_list_says_the_reason_in_chinese(qtbot, chinese, window, cups):
    """The Jobs list, the status bar and the error say the print system's reason through
    one translation: no English reason under a Chinese window."""
    paused = printed_to_a_paused_queue(qtbot, window, cups)
    (held,) = print_jobs(window)
    assert held.message == "在打印队列中被挂起：打印机已暂停"
    assert "尚未打印（已挂起）：打印机已暂停" in window.notice_label.text()

    rejecting = cups.add_queue()
    cups.run("cupsreject", rejecting)
    print_to_queue(qtbot, window, rejecting)
    refused = print_jobs(window)[0]
    assert refused.state.name == "FAILED"
    assert "打印系统拒绝了发往" in refused.error and "：打印机不接受任务（" in refused.error
    assert "accepting" not in refused.error.split("（")[0]  # CUPS's own words in brackets only
    cups.run("cupsenable", paused)


@pytest.fixture
def unanswering_printer():
    """A printer's address whose port refuses: CUPS keeps a job there printing (its
    backend waits for the printer) until someone cancels it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"socket://127.0.0.1:{sock.getsockname()[1]}"


def cancel_in_jobs_list(qtbot, window, entry) -> None:
    """Select the print in the Jobs list and press its Cancel button, as a clerk does."""
    view = window.job_list.view
    view.setCurrentIndex(window.jobs.index(window.jobs.entries.index(entry)))
    qtbot.waitUntil(window.job_list.cancel_button.isEnabled, timeout=SLOW)
    qtbot.mouseClick(window.job_list.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: entry.state.name == "CANCELLED", timeout=SLOW)


def test_cancelling_a_print_the_queue_is_printing_cancels_it_there(
    qtbot, window, cups, unanswering_printer
):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    queue = cups.add_queue(device=unanswering_printer)
    print_to_queue(qtbot, window, queue, until_ended=False)
    qtbot.waitUntil(lambda: [j["job-state"] for j in cups.jobs(queue)] == ["processing"],
                    timeout=SLOW)  # fmt: skip
    (entry,) = print_jobs(window)
    assert entry.state.name == "RUNNING"
    cancel_in_jobs_list(qtbot, window, entry)
    (job,) = cups.jobs(queue)
    assert job["job-state"] == "canceled"
    audited = AuditLog(window.settings.paths).entries()[0]
    assert (audited["state"], audited["job_id"]) == ("cancelled", int(job["job-id"]))


def test_a_print_held_in_a_paused_queue_can_be_cancelled_there_from_the_jobs_list(
    qtbot, window, cups
):
    """Held is not printed: the clerk can still take the job back, so it does not come
    out later after the bundle was printed elsewhere."""
    paused = printed_to_a_paused_queue(qtbot, window, cups)
    (entry,) = print_jobs(window)
    assert entry.message.startswith("Held in the print queue")
    cancel_in_jobs_list(qtbot, window, entry)
    (job,) = cups.jobs(paused)
    assert job["job-state"] == "canceled"
    cancelled, held = AuditLog(window.settings.paths).entries()[:2]
    assert (held["state"], cancelled["state"]) == ("held", "cancelled")
    assert cancelled["print_id"] == held["print_id"] and cancelled["job_id"] == int(job["job-id"])
    assert not window.job_list.cancel_button.isEnabled()
    assert window.job_list.retry_button.isEnabled()  # print it again, here or elsewhere
    cups.run("cupsenable", paused)
