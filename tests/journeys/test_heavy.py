"""A heavy GUID (hundreds of scanned pages): the preview is ready at once and stays lazy,
and printing it through the real dialog gives every sheet."""

from __future__ import annotations

import io

import pymupdf
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from fps_desktop.documents.demo import demo_file_bytes
from fps_desktop.ui.print_dialog import PrintDialog
from tests.journeys import conftest as clerk

HEAVY_GUID = "0b5e6f7a8c9d4e1f2a3b4c5d6e7f8a90"
SCANNED_PAGES = 300
SHEETS = SCANNED_PAGES + 2  # two one-page invoices, then the scan, one sheet a page
PRINTING = 180_000  # ms: 302 sheets at 300 dpi on a machine busy with other work


def scanned_pdf(pages: int) -> bytes:
    """A long scan: every page a small photo-like image, so the test stays quick."""
    doc = pymupdf.open()
    for number in range(pages):
        image = Image.new("RGB", (120, 90), (number % 256, 90, 200 - number % 200))
        data = io.BytesIO()
        image.save(data, "JPEG", quality=80)
        page = doc.new_page(width=clerk.A4[0], height=clerk.A4[1])
        page.insert_image(pymupdf.Rect(100, 100, 340, 280), stream=data.getvalue())
    return doc.tobytes()


def heavy_share(root):
    folder = root / HEAVY_GUID
    (folder / "attachment").mkdir(parents=True)
    (folder / "invoice").mkdir()
    for number in (1, 2):
        (folder / "invoice" / f"发票_{number}.pdf").write_bytes(
            demo_file_bytes(clerk.DEMO_GUID, f"inv-{number}")
        )
    (folder / "attachment" / "扫描件.pdf").write_bytes(scanned_pdf(SCANNED_PAGES))
    return root


@pytest.mark.timeout(300)
def test_heavy_guid_previews_only_what_is_shown_and_prints_every_sheet(
    qtbot, window, settings, tmp_path
):
    settings.set("source.kind", "folder")
    settings.set("source.folder.root", str(heavy_share(tmp_path / "share")))
    window_renders = []
    window.renderer.rendered.connect(lambda request, _image: window_renders.append(request))
    clerk.open_by_keyboard(qtbot, window, HEAVY_GUID)
    assert window.page_label.text() == f"Page 1 / {SHEETS}"
    out = tmp_path / "heavy.pdf"

    def in_print_dialog(dialog: PrintDialog) -> None:
        sheets_rendered = []
        dialog.renderer.rendered.connect(lambda request, _image: sheets_rendered.append(request))
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=clerk.SLOW)
        assert dialog.sheet_label.text() == f"Sheet 1 / {SHEETS}"
        qtbot.waitUntil(lambda: bool(sheets_rendered), timeout=clerk.SLOW)
        qtbot.keyClick(dialog, Qt.Key.Key_PageDown)
        assert dialog.sheet_label.text() == f"Sheet 2 / {SHEETS}"
        qtbot.waitUntil(lambda: len({r.path for r in sheets_rendered}) == 2, timeout=clerk.SLOW)
        saving = clerk.when_shown(QFileDialog, clerk.save_as(out))
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
        saving.check()
        assert len({request.path for request in sheets_rendered}) == 2  # only the sheets shown

    printing = clerk.when_shown(PrintDialog, in_print_dialog)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    printing.check()
    clerk.wait_for_jobs(qtbot, window, timeout=PRINTING)
    assert clerk.pdf_sheets(out) == [clerk.A4] * SHEETS
    assert len(window_renders) < 40  # the first page and the thumbnails in view, not 302
