"""A photo turned in the viewer is what prints; pictures that may print blurred are said."""

from __future__ import annotations

import pymupdf
from PIL import Image
from PySide6.QtCore import Qt

from fps_desktop.ui.print_dialog import PrintDialog
from tests.journeys.conftest import (
    DEMO_GUID,
    SLOW,
    merge_and_save,
    open_by_keyboard,
    press_ctrl_p,
    print_jobs,
)
from tests.journeys.test_print_journeys import choose

RECEIPT_SHEET = 2  # the demo GUID: two invoices, then the taxi receipt photo


def receipt_on(page: pymupdf.Page) -> tuple[float, float, float]:
    """The taxi receipt's width and height on ``page`` (points), and where its text sits
    across it (0 left, 1 right): found by its cream paper and dark print."""
    pix = page.get_pixmap(dpi=50, alpha=False)
    pixels = Image.frombytes("RGB", (pix.width, pix.height), pix.samples).load()

    def cream(x: int, y: int) -> bool:
        red, _green, blue = pixels[x, y]
        return red > 225 and blue < 240 and red - blue > 8

    paper = [(x, y) for y in range(pix.height) for x in range(pix.width) if cream(x, y)]
    xs, ys = [x for x, _ in paper], [y for _, y in paper]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    ink = [x for y in range(top, bottom) for x in range(left, right)
           if sum(pixels[x, y]) < 300]  # fmt: skip
    across = (sum(ink) / len(ink) - left) / (right - left)
    return (right - left) * 72 / 50, (bottom - top) * 72 / 50, across


def test_a_photo_turned_in_the_viewer_prints_turned(qtbot, english, window, cups):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    queue = cups.add_queue()
    qtbot.mouseClick(window.page_view.viewport(), Qt.MouseButton.LeftButton)
    for _ in range(RECEIPT_SHEET):
        qtbot.keyClick(window.page_view, Qt.Key.Key_PageDown)
    assert window.page_label.text() == "Page 3 / 7"
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # right
    assert window.page_view.rotation == 90

    def in_print_dialog(dialog: PrintDialog) -> None:
        dialog.printer_box.setCurrentIndex(dialog.printer_box.findData(queue))
        choose(dialog.layout_box, "Actual size")
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=SLOW)
        assert "1 page turned as in the viewer" in dialog.summary_label.text()
        qtbot.keyClick(dialog.print_button, Qt.Key.Key_Return)

    press_ctrl_p(qtbot, window, in_print_dialog)
    qtbot.waitUntil(lambda: print_jobs(window) and print_jobs(window)[0].state.name
                    not in ("QUEUED", "RUNNING"), timeout=SLOW)  # fmt: skip
    (job,) = cups.jobs(queue)
    with pymupdf.open(stream=cups.document(int(job["job-id"])), filetype="pdf") as received:
        width, height, text_across = receipt_on(received[RECEIPT_SHEET])
    assert abs(width - 120 * 72 / 25.4) < 6 and abs(height - 80 * 72 / 25.4) < 6  # on its side
    assert text_across > 0.6  # turned right: the top of the receipt, its text, is on the right


def test_pictures_that_may_print_blurred_are_marked_and_named(qtbot, english, window):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    rows = window.file_list.groups
    receipt = next(group.item(i) for group in rows.values() for i in range(group.count())
                   if group.item(i).text().startswith("出租车票"))  # fmt: skip
    qtbot.waitUntil(lambda: "150 dpi" in receipt.text(), timeout=SLOW)
    assert "prints at 150 dpi — may be blurred" in receipt.toolTip()

    def in_print_dialog(dialog: PrintDialog) -> None:
        qtbot.waitUntil(lambda: "出租车票_扫描件.jpg (150 dpi)" in dialog.blurred_label.text(),
                        timeout=SLOW)  # fmt: skip
        assert dialog.blurred_label.text().startswith("May print blurred: ")
        choose(dialog.layout_box, "Fit to page")  # enlarged: coarser still
        qtbot.waitUntil(lambda: "出租车票_扫描件.jpg (63 dpi)" in dialog.blurred_label.text(),
                        timeout=SLOW)  # fmt: skip
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    press_ctrl_p(qtbot, window, in_print_dialog)


def test_a_page_turned_in_the_viewer_is_saved_turned(qtbot, window, tmp_path):
    open_by_keyboard(qtbot, window, DEMO_GUID)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # the invoice
    out = tmp_path / "merged.pdf"
    merge_and_save(qtbot, window, out)
    with pymupdf.open(out) as doc:
        first, second = doc[0].rect, doc[1].rect  # two invoices of the same size
    assert (first.width, first.height) == (second.height, second.width)
