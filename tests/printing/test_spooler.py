"""Real QPrinter output, checked page by page."""

import pymupdf
import pytest

from fps_desktop.cli import main
from fps_desktop.documents.models import FileRole, Layout
from fps_desktop.errors import PrintError
from fps_desktop.printing.imposition import impose
from fps_desktop.printing.spooler import PrinterOptions, make_printer, spool
from tests.documents.conftest import GUID, pdf_with_pages


def colourful(page: pymupdf.Page) -> int:
    pix = page.get_pixmap(dpi=30)
    s = pix.samples
    return sum(1 for i in range(0, len(s), 3) if max(s[i : i + 3]) - min(s[i : i + 3]) > 60)


def test_spool_to_pdf_printer_gives_one_a4_page_per_sheet(qapp, tmp_path):
    target = tmp_path / "out.pdf"
    sheets = impose(pdf_with_pages(5), [FileRole.ATTACHMENT] * 5, Layout.ACTUAL).pdf
    assert spool(sheets, make_printer(PrinterOptions(to_pdf=target))) == 5
    out = pymupdf.open(target)
    assert out.page_count == 5
    assert all(abs(p.rect.width - 595) < 2 and abs(p.rect.height - 842) < 2 for p in out)


def test_copies_are_repeated_when_the_device_cannot(qapp, tmp_path):
    target = tmp_path / "out.pdf"
    sheets = impose(pdf_with_pages(2), [FileRole.ATTACHMENT] * 2, Layout.ACTUAL).pdf
    spool(sheets, make_printer(PrinterOptions(to_pdf=target, copies=3)))
    assert pymupdf.open(target).page_count == 6


def test_print_command_two_up_in_black_and_white(tmp_path, capsys):
    target = tmp_path / "printed.pdf"
    code = main(["print", GUID, "--to-pdf", str(target), "--layout", "two-up", "--grayscale"])
    assert code == 0
    out = pymupdf.open(target)
    assert out.page_count == 6  # 2 invoices on one sheet + 5 attachment pages
    assert colourful(out[0]) == 0
    assert "6 sheets" in capsys.readouterr().out


def test_colour_print_keeps_the_red_seal(tmp_path):
    target = tmp_path / "printed.pdf"
    assert main(["print", GUID, "--to-pdf", str(target), "--only", "invoices"]) == 0
    assert colourful(pymupdf.open(target)[0]) > 20


def test_unknown_printer_is_a_clear_error(qapp):
    with pytest.raises(PrintError, match="no printer called"):
        make_printer(PrinterOptions(printer="Nowhere-42"))


def test_bad_page_range_on_the_command_line_exits_2(tmp_path, capsys):
    code = main(["print", GUID, "--to-pdf", str(tmp_path / "x.pdf"), "--pages", "9-99"])
    assert code == 2
    assert "not a page range" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
