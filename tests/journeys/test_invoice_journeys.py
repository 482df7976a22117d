"""J9–J12: invoices as the clerk sees them — fields per row, duplicates, the question
before printing one, the cover sheet, OFD and XML invoices, the XLSX export."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pymupdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from fps_desktop.audit import AuditLog
from fps_desktop.documents.demo import demo_file_bytes
from fps_desktop.documents.models import FileRole
from fps_desktop.printing.job import clerk_name
from fps_desktop.ui.print_dialog import PrintDialog
from tests.invoices.conftest import qr_codes, red_share, rezip
from tests.journeys.conftest import (
    A4,
    DEMO_GUID,
    SLOW,
    click_print,
    open_by_keyboard,
    pdf_sheets,
    press_ctrl_p,
    print_jobs,
    print_to_pdf,
    save_as,
    wait_for_jobs,
    when_shown,
)

CLAIMED_TWICE = "8b4f2e6a1c9d4b7e9f3a5c7e1b2d4f6a"  # repeats the air ticket of DEMO_GUID
THREE_FORMATS = "3e7d9c1b5a2f4e6d8c0b1a2f3e4d5c6b"
AIR_TICKET = "发票_25442000000123456789.pdf"


def back_to(qtbot, window) -> None:
    """Back from a dialog, the clerk clicks into the window again."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=SLOW)


def rows(window, role=FileRole.INVOICE) -> dict[str, object]:
    group = window.file_list.groups[role]
    return {group.item(i).data(Qt.ItemDataRole.UserRole + 1).name: group.item(i)
            for i in range(group.count())}  # fmt: skip


def test_j9_an_invoice_claimed_before_is_red_with_where_and_when_it_was_printed(
    qtbot, window, tmp_path
):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    ticket = rows(window)[AIR_TICKET].text()
    assert "No. 25442000000123456789 · 2025-08-19" in ticket
    assert "广州白云机场商旅服务有限公司 · ¥1,280.00" in ticket
    assert "⚠" not in ticket  # first claim: nothing to say
    assert "total ¥2,248.00" in window.file_list.headers[FileRole.INVOICE].text()
    print_to_pdf(qtbot, window, tmp_path / "first-claim.pdf")
    back_to(qtbot, window)

    open_by_keyboard(qtbot, window, CLAIMED_TWICE)
    shown = rows(window)
    ticket = shown[AIR_TICKET]
    assert f"Duplicate: also in GUID {DEMO_GUID} ({AIR_TICKET}), printed " in ticket.text()
    assert f" by {clerk_name()}" in ticket.text()
    assert ticket.foreground().color().name() == "#b00020"
    assert "The buyer is not the university." in shown["发票_25442000000789000011.pdf"].text()
    assert "Red-letter invoice" in shown["发票_25442000000789000012.pdf"].text()
    assert "total ¥948.00" in window.file_list.headers[FileRole.INVOICE].text()
    assert "¥948.00" in window.statusBar().currentMessage()


def confirm(answer: str, seen: list[str]):
    def act(box: QMessageBox) -> None:
        seen.append(box.text() + "\n" + box.informativeText())
        button = next(b for b in box.buttons() if b.text() == answer)
        qtbot_click(button)

    return act


def qtbot_click(button) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def test_j10_printing_a_claimed_invoice_asks_first_and_the_answer_is_audited(
    qtbot, window, tmp_path
):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    open_by_keyboard(qtbot, window, CLAIMED_TWICE)  # opening is not claiming: nothing to ask
    assert "Also in GUID " + DEMO_GUID in rows(window)[AIR_TICKET].text()
    assert rows(window)[AIR_TICKET].foreground().color().name() != "#b00020"
    open_by_keyboard(qtbot, window, DEMO_GUID)
    print_to_pdf(qtbot, window, tmp_path / "claims.pdf")  # DEMO_GUID claims the air ticket
    back_to(qtbot, window)
    open_by_keyboard(qtbot, window, CLAIMED_TWICE)

    asked: list[str] = []
    question = when_shown(QMessageBox, confirm("Cancel", asked))
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    question.check()
    assert AIR_TICKET in asked[0] and DEMO_GUID in asked[0]
    assert len(print_jobs(window)) == 1  # Cancel: no print dialog, nothing printed
    refused = AuditLog(window.settings.paths).entries()[0]
    assert (refused["state"], refused["reason"], refused["guid"]) == (
        "refused", "claimed_before", CLAIMED_TWICE)  # fmt: skip
    back_to(qtbot, window)

    out = tmp_path / "anyway.pdf"
    question = when_shown(QMessageBox, confirm("Print anyway", asked))
    print_to_pdf(qtbot, window, out)
    question.check()
    assert len(pdf_sheets(out)) == 4  # three invoices and the approval page
    printed = AuditLog(window.settings.paths).entries()[0]
    assert printed["event"] == "print" and printed["guid"] == CLAIMED_TWICE
    assert printed["duplicates_confirmed"] == [AIR_TICKET]
    back_to(qtbot, window)

    open_by_keyboard(qtbot, window, DEMO_GUID)  # the register now knows the second print
    note = rows(window)[AIR_TICKET].text()
    assert f"Duplicate: also in GUID {CLAIMED_TWICE} ({AIR_TICKET}), printed " in note


@pytest.fixture
def with_cover(settings):
    settings.set("print.cover_sheet", True)
    return settings


def test_j11_the_cover_sheet_prints_first_and_its_qr_code_is_the_guid(
    qtbot, with_cover, window, tmp_path
):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    out = tmp_path / "with-cover.pdf"

    def in_print_dialog(dialog: PrintDialog) -> None:
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=SLOW)
        assert dialog.cover_check.isChecked()
        assert dialog.sheet_label.text() == "Sheet 1 / 8"  # the 7 sheets of J1 and the cover
        dialog.cover_check.setFocus()
        QTest.keyClick(dialog.cover_check, Qt.Key.Key_Space)  # off, and on again
        qtbot.waitUntil(lambda: dialog.sheet_label.text() == "Sheet 1 / 7", timeout=SLOW)
        QTest.keyClick(dialog.cover_check, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: dialog.sheet_label.text() == "Sheet 1 / 8", timeout=SLOW)
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=SLOW)
        click_print(qtbot, dialog, out)

    press_ctrl_p(qtbot, window, in_print_dialog)
    wait_for_jobs(qtbot, window)
    assert pdf_sheets(out) == [A4] * 8
    with pymupdf.open(out) as doc:  # printed sheets are pictures: the QR code is read
        assert qr_codes(doc[0]) == [DEMO_GUID]


def test_j11_a_push_while_the_claimed_question_is_open_does_not_change_the_print(
    qtbot, with_cover, window, tmp_path
):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    print_to_pdf(qtbot, window, tmp_path / "claims.pdf")
    back_to(qtbot, window)
    open_by_keyboard(qtbot, window, CLAIMED_TWICE)
    pushed = THREE_FORMATS

    def push_then_print_anyway(box: QMessageBox) -> None:
        with qtbot.waitSignals([window.documents_shown, window.invoices_shown], timeout=SLOW):
            window.open_guid(pushed, origin="https://pbms.example.edu")  # as the bridge does
        qtbot_click(next(b for b in box.buttons() if b.text() == "Print anyway"))

    out = tmp_path / "frozen.pdf"
    seen = {}

    def in_print_dialog(dialog: PrintDialog) -> None:
        seen["title"] = dialog.windowTitle()
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=SLOW)
        click_print(qtbot, dialog, out)

    question = when_shown(QMessageBox, push_then_print_anyway)
    press_ctrl_p(qtbot, window, in_print_dialog)
    question.check()
    wait_for_jobs(qtbot, window)
    assert window.manifest.guid == pushed  # the window shows the pushed GUID...
    assert CLAIMED_TWICE in seen["title"]  # ...the print stayed the one asked about
    with pymupdf.open(out) as doc:
        assert qr_codes(doc[0]) == [CLAIMED_TWICE]
        assert doc.page_count == 5  # the cover, three invoices, the approval page
    printed = AuditLog(window.settings.paths).entries()[0]
    assert printed["guid"] == CLAIMED_TWICE and printed["duplicates_confirmed"] == [AIR_TICKET]
    assert len(printed["files"]) == 4


def test_j12_ofd_invoices_print_like_pdfs_and_the_xml_is_listed_as_data(qtbot, window, tmp_path):
    open_by_keyboard(qtbot, window, THREE_FORMATS)
    shown = rows(window)
    xml = shown["发票_25442000000456700001.xml"]
    assert "invoice data, nothing to print" in xml.text()
    assert not xml.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert xml.foreground().color().name() != "#b00020"
    assert "cannot be printed" not in window.statusBar().currentMessage()
    chosen = [f.name for f in window.file_list.selected_files()]  # one form of each invoice
    assert chosen == ["发票_25442000000456700001.pdf", "发票_25442000000456700002.ofd"]
    assert "Also here as 发票_25442000000456700001.pdf" in (
        shown["发票_25442000000456700001.ofd"].text())  # fmt: skip
    assert "No. 25442000000456700002 · 2025-11-04" in shown["发票_25442000000456700002.ofd"].text()
    # the same invoice as PDF, OFD and XML counts once: 5,830 + 1,060
    assert "total ¥6,890.00" in window.file_list.headers[FileRole.INVOICE].text()
    out = tmp_path / "ofd.pdf"
    print_to_pdf(qtbot, window, out)
    assert len(pdf_sheets(out)) == 2  # the PDF and the OFD of one invoice print once
    assert AuditLog(window.settings.paths).entries()[0]["files"] == chosen
    with pymupdf.open(out) as doc:  # the OFD pages are drawn, their seals too
        assert all(red_share(page, page.rect) > 0.001 for page in doc)


@pytest.fixture
def unsealed_folder(tmp_path, settings):
    guid = "e" * 32
    folder = tmp_path / "share" / guid
    folder.mkdir(parents=True)
    ofd = demo_file_bytes(THREE_FORMATS, "inv-1-ofd")
    (folder / "发票_sealed.ofd").write_bytes(ofd)
    broken = rezip(ofd, {"Doc_0/Signs/Sign_0/SignedValue.dat": bytes(300)})
    (folder / "发票_unsealed.ofd").write_bytes(broken)
    settings.set("source.kind", "folder")
    settings.set("source.folder.root", str(tmp_path / "share"))
    return guid


@pytest.mark.allow_log_warnings  # the converter logs the seal it could not find
def test_j12_an_ofd_whose_seal_cannot_be_drawn_is_marked_not_printed(
    qtbot, window, unsealed_folder
):
    open_by_keyboard(qtbot, window, unsealed_folder)
    shown = rows(window)
    assert "cannot be printed: seal not drawn" in shown["发票_unsealed.ofd"].text()
    assert "print it from an OFD reader" in shown["发票_unsealed.ofd"].toolTip()
    assert "cannot be printed" not in shown["发票_sealed.ofd"].text()
    assert [f.name for f in window.file_list.selected_files()] == ["发票_sealed.ofd"]


def test_j13_the_invoice_list_exported_to_xlsx_from_the_file_menu(qtbot, window, tmp_path):
    open_by_keyboard(qtbot, window, CLAIMED_TWICE)
    out = tmp_path / "invoices.xlsx"
    saving = when_shown(QFileDialog, save_as(out))
    file_menu = window.menuBar().actions()[0].menu()
    export = next(a for a in file_menu.actions() if a.text() == "Export invoice list…")
    assert export.isEnabled()
    export.trigger()
    saving.check()
    wait_for_jobs(qtbot, window)
    sheet = openpyxl.load_workbook(out).active
    assert sheet["D1"].value == "发票号码" and sheet["L1"].value == "价税合计"
    assert sheet["D2"].value == "25442000000123456789" and sheet["L2"].value == 1280.0
    assert sheet["P1"].value == "红字" and sheet["P4"].value == "是"  # the red-letter invoice
    assert [sheet.cell(sheet.max_row, c).value for c in (1, 12)] == ["合计", 948.0]


def test_j14_the_clerk_types_a_taxi_receipts_values_by_keyboard_and_they_count(qtbot, window):
    from fps_desktop.invoices.cover import cover_sheet_pdf
    from fps_desktop.ui.correction_dialog import CorrectionDialog

    open_by_keyboard(qtbot, window, DEMO_GUID)
    header = window.file_list.headers[FileRole.INVOICE]
    assert "Invoices (2) · total ¥2,248.00" in header.text()
    attachments = window.file_list.groups[FileRole.ATTACHMENT]
    receipt = rows(window, FileRole.ATTACHMENT)["出租车票_扫描件.jpg"]
    qtbot.waitUntil(lambda: "150 dpi" in receipt.text(), timeout=SLOW)  # marked may blur
    ticket_tip = rows(window)[AIR_TICKET].toolTip()
    attachments.setFocus()
    attachments.setCurrentItem(receipt)

    def type_values(dialog):
        assert QApplication.focusWidget() is dialog.boxes["number"]  # no code on a receipt
        for _ in range(2):  # back past the code to the kind
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
        assert QApplication.focusWidget() is dialog.kind
        qtbot.keyClicks(dialog.kind, "Taxi")
        assert dialog.kind.currentData() == "taxi"
        for _ in range(2):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        for text in ("8801 2345", "2025/8/19", "56"):  # the box makes them 2025-08-19, 56.00
            qtbot.keyClicks(QApplication.focusWidget(), text)
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    typing = when_shown(CorrectionDialog, type_values)
    with qtbot.waitSignal(window.invoices_shown, timeout=SLOW):
        qtbot.keyClick(attachments, Qt.Key.Key_F2)
    typing.check()
    assert "Invoices (3) · total ¥2,304.00" in header.text()
    text = rows(window, FileRole.ATTACHMENT)["出租车票_扫描件.jpg"].text()
    assert f"Entered by {clerk_name()}: 88012345 · 2025-08-19 · 56.00" in text
    assert "Taxi receipt · No. 88012345 · 2025-08-19" in text
    # the fields were read again: each tooltip says what its row holds now, once
    assert rows(window)[AIR_TICKET].toolTip() == ticket_tip
    tip = rows(window, FileRole.ATTACHMENT)["出租车票_扫描件.jpg"].toolTip()
    assert tip.count("Taxi receipt · No. 88012345") == tip.count("may be blurred") == 1
    cover = cover_sheet_pdf(window.listing, clerk_name(), 2, 8)  # what Print puts first
    text = pymupdf.open("pdf", cover)[0].get_text()
    assert f"手填:{clerk_name()}" in text and "¥2,304.00" in text and "出租车票" in text


@pytest.fixture
def traveller_guid(tmp_path, settings):
    """A trip as a traveller hands it in: two rail e-tickets, a toll e-invoice, a 数电专票
    and a phone photo of the taxi's paper slip, all in ``invoices/``."""
    from tests.invoices import layouts

    guid = "f" * 32
    folder = tmp_path / "share" / guid / "invoices"
    folder.mkdir(parents=True)
    for sample in (*layouts.all_samples()[:2], layouts.toll_invoice(), layouts.digital_special()):
        (folder / sample.name).write_bytes(sample.data)
    (folder / TAXI_PHOTO).write_bytes(layouts.paper_photo(layouts.taxi_receipt(), seed=2).data)
    settings.set("source.kind", "folder")
    settings.set("source.folder.root", str(tmp_path / "share"))
    return guid


TAXI_PHOTO = "出租车票_照片.jpg"


def laid_out(qtbot, window):
    """The Invoices header laid out to its new lines, as the next paint shows it."""
    header = window.file_list.headers[FileRole.INVOICE]
    qtbot.waitUntil(lambda: header.height() >= header.sizeHint().height(), timeout=SLOW)


def shots_folder(tmp_path):
    """Where a journey keeps its screenshots: FPS_SCREENSHOTS when set, to look at them."""
    folder = Path(os.environ.get("FPS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_j15_a_travellers_photo_is_read_by_ocr_and_the_clerk_corrects_it_by_keyboard(
    qtbot, english, window, traveller_guid, tmp_path
):
    from fps_desktop.invoices.cover import cover_sheet_pdf
    from fps_desktop.ui.correction_dialog import CorrectionDialog

    shots = shots_folder(tmp_path)
    window.resize(1366, 768)
    open_by_keyboard(qtbot, window, traveller_guid)
    header = window.file_list.headers[FileRole.INVOICE]
    assert "Invoices (5) · total ¥10,945.50\n1 invoice needs a look" in header.text()
    shown = rows(window)
    kinds = {name: row.text().split("\n")[1].split(" · ")[0] for name, row in shown.items()}
    assert sorted(kinds.values()) == ["Digital VAT special (数电专票)", "Rail e-ticket",
                                      "Rail e-ticket", "Road toll", "Taxi receipt"]  # fmt: skip
    taxi = shown[TAXI_PHOTO]
    assert ("From OCR, check against the paper (F2): "
            "144011925061 · 01234567 · 2025-01-08 · 56.00") in taxi.text()  # fmt: skip
    invoices = window.file_list.groups[FileRole.INVOICE]
    invoices.setFocus()
    invoices.setCurrentItem(taxi)
    laid_out(qtbot, window)
    window.grab().save(str(shots / "j15-ocr-row.png"))

    def before_printing(dialog: PrintDialog) -> None:
        assert dialog.look_label.isVisible()
        assert dialog.look_label.text().startswith("1 invoice needs a look")
        dialog.grab().save(str(shots / "j15-print-dialog.png"))
        dialog.reject()

    press_ctrl_p(qtbot, window, before_printing)
    back_to(qtbot, window)
    invoices.setFocus()

    def correct_the_total(dialog):
        assert QApplication.focusWidget() is dialog.boxes["total"]  # the number was read
        assert dialog.boxes["total"].text() == "56.00"
        dialog.grab().save(str(shots / "j15-correction-dialog.png"))
        QApplication.focusWidget().selectAll()
        qtbot.keyClicks(QApplication.focusWidget(), "58")  # the slip's surcharge, misread
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    typing = when_shown(CorrectionDialog, correct_the_total)
    with qtbot.waitSignal(window.invoices_shown, timeout=SLOW):
        qtbot.keyClick(invoices, Qt.Key.Key_F2)
    typing.check()
    assert "Invoices (5) · total ¥10,947.50" in header.text() and "look" not in header.text()
    taxi = rows(window)[TAXI_PHOTO].text()
    assert f"Entered by {clerk_name()}: 144011925061 · 01234567 · 2025-01-08 · 58.00" in taxi
    assert "From OCR" not in taxi
    laid_out(qtbot, window)
    window.grab().save(str(shots / "j15-entered-row.png"))
    (entry,) = [e for e in AuditLog(window.settings.paths).entries()
                if e["event"] == "correction"]  # fmt: skip
    assert entry["changes"]["total"] == ["56.00", "58.00"] and entry["user"] == clerk_name()
    cover = cover_sheet_pdf(window.listing, clerk_name(), 0, 5)  # what Print puts first
    text = pymupdf.open("pdf", cover)[0].get_text()
    assert f"手填:{clerk_name()}" in text and "¥10,947.50" in text and "出租车票" in text
    assert "待核" not in text


def test_j15_in_chinese_the_ocr_row_the_form_and_the_print_dialog_say_it(
    qtbot, chinese, window, traveller_guid, tmp_path
):
    from fps_desktop.ui.correction_dialog import CorrectionDialog

    shots = shots_folder(tmp_path)
    window.resize(1366, 768)
    open_by_keyboard(qtbot, window, traveller_guid)
    header = window.file_list.headers[FileRole.INVOICE].text()
    assert "合计 ¥10,945.50\n1 张发票待核" in header
    taxi = rows(window)[TAXI_PHOTO]
    assert "OCR 识别，请对照纸质票据核对（F2）：144011925061 · 01234567" in taxi.text()
    invoices = window.file_list.groups[FileRole.INVOICE]
    invoices.setFocus()
    invoices.setCurrentItem(taxi)
    laid_out(qtbot, window)
    window.grab().save(str(shots / "j15-zh-ocr-row.png"))

    def look(dialog):
        dialog.grab().save(str(shots / "j15-zh-correction-dialog.png"))
        dialog.reject()

    looking = when_shown(CorrectionDialog, look)
    qtbot.keyClick(invoices, Qt.Key.Key_F2)
    looking.check()
    back_to(qtbot, window)

    def before_printing(dialog: PrintDialog) -> None:
        assert dialog.look_label.text().startswith("1 张发票待核")
        dialog.grab().save(str(shots / "j15-zh-print-dialog.png"))
        dialog.reject()

    press_ctrl_p(qtbot, window, before_printing)
