"""Real QPrinter output, checked page by page."""

from pathlib import Path

import pymupdf
import pytest

from fps_desktop.cli import main
from fps_desktop.documents.models import FileRole
from fps_desktop.errors import PrintError
from fps_desktop.layouts import Layout
from fps_desktop.printing.imposition import Choice, Setup, impose, sources_for
from fps_desktop.printing.spooler import PrinterOptions, make_printer, sheet_bands, spool
from tests.documents.conftest import GUID, pdf_with_pages


def colourful(page: pymupdf.Page) -> int:
    pix = page.get_pixmap(dpi=30)
    s = pix.samples
    return sum(1 for i in range(0, len(s), 3) if max(s[i : i + 3]) - min(s[i : i + 3]) > 60)


def test_spool_to_pdf_printer_gives_one_a4_page_per_sheet(qapp, tmp_path):
    target = tmp_path / "out.pdf"
    sheets = impose(
        pdf_with_pages(5), sources_for([FileRole.ATTACHMENT] * 5), Setup(Choice(Layout.ACTUAL))
    ).pdf
    assert spool(sheets, make_printer(PrinterOptions(to_pdf=target))) == 5
    out = pymupdf.open(target)
    assert out.page_count == 5
    assert all(abs(p.rect.width - 595) < 2 and abs(p.rect.height - 842) < 2 for p in out)


def test_copies_are_repeated_when_the_device_cannot(qapp, tmp_path):
    target = tmp_path / "out.pdf"
    sheets = impose(
        pdf_with_pages(2), sources_for([FileRole.ATTACHMENT] * 2), Setup(Choice(Layout.ACTUAL))
    ).pdf
    spool(sheets, make_printer(PrinterOptions(to_pdf=target, copies=3)))
    assert pymupdf.open(target).page_count == 6


def test_print_command_two_up_in_black_and_white(tmp_path, capsys):
    target = tmp_path / "printed.pdf"
    code = main(["print", GUID, "--to-pdf", str(target), "--layout", "two-up", "--grayscale"])
    assert code == 0
    out = pymupdf.open(target)
    assert out.page_count == 7  # the cover, 2 invoices on one sheet, 5 attachment pages
    assert colourful(out[1]) == 0
    assert "7 sheets" in capsys.readouterr().out


def test_print_command_without_the_cover_sheet(tmp_path, capsys):
    target = tmp_path / "printed.pdf"
    assert main(["print", GUID, "--to-pdf", str(target), "--layout", "two-up", "--no-cover"]) == 0
    assert pymupdf.open(target).page_count == 6


def test_colour_print_keeps_the_red_seal(tmp_path):
    target = tmp_path / "printed.pdf"
    assert main(["print", GUID, "--to-pdf", str(target), "--only", "invoices", "--no-cover"]) == 0
    assert colourful(pymupdf.open(target)[0]) > 20


def test_unknown_printer_is_a_clear_error(qapp):
    with pytest.raises(PrintError, match="no printer called"):
        make_printer(PrinterOptions(printer="Nowhere-42"))


def test_bad_page_range_on_the_command_line_exits_2(tmp_path, capsys):
    code = main(["print", GUID, "--to-pdf", str(tmp_path / "x.pdf"), "--pages", "9-99"])
    assert code == 2
    assert "not a page range" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def saved(doc: pymupdf.Document, folder: Path) -> Path:
    """The sheets as the spooler hands them to its decoder workers: a file, a new name each
    time (a worker keeps the print it is drawing open)."""
    path = folder / f"sheets-{len(list(folder.iterdir()))}.pdf"
    doc.save(path)
    return path


def test_a_scan_is_sent_at_its_own_resolution_and_text_at_the_printers(qapp, tmp_path):
    """A 100 dpi photo alone gains nothing at 300 dpi; next to text it must not blur it."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    photo = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 400, 600), False)
    photo.clear_with(128)
    page.insert_image(pymupdf.Rect(100, 100, 388, 532), pixmap=photo)  # 288 pt: 100 dpi
    (band,) = sheet_bands(saved(doc, tmp_path), 0, 300, False)
    assert 400 <= band[1].width() <= 420  # the photo's own pixels, not 1,200 of them
    page.insert_text((120, 300), "发票号码 24440000", fontname="china-s", fontsize=12)
    (band,) = sheet_bands(saved(doc, tmp_path), 0, 300, False)
    assert band[1].width() >= 1200  # text on it: the printer's resolution


def test_receipts_with_cut_lines_between_are_sent_at_their_own_resolution(qapp, tmp_path):
    """The automatic layout's cut lines run through a row of photos: a hairline needs no
    more pixels than the photos beside it, so the row is not rendered at 300 dpi."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    photo = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 400, 600), False)
    photo.clear_with(128)
    page.insert_image(pymupdf.Rect(100, 100, 388, 532), pixmap=photo)  # 288 pt: 100 dpi
    page.draw_line((394, 95), (394, 537), color=(0.55, 0.55, 0.55), width=0.5, dashes="[4 3] 0")
    (band,) = sheet_bands(saved(doc, tmp_path), 0, 300, False)
    assert band[1].width() < 500  # 100 dpi across the photo and the line
    page.draw_rect(pymupdf.Rect(395, 100, 420, 200), color=(0, 0, 0), width=4)  # not a hairline
    (band,) = sheet_bands(saved(doc, tmp_path), 0, 300, False)
    assert band[1].width() >= 1200
