"""The layouts: fewest sheets at true size, items whole, cuts a guillotine can follow."""

import json
from decimal import Decimal

import pymupdf
import pytest

from fps_desktop.cli import main
from fps_desktop.config import Settings
from fps_desktop.documents.models import FileRole, Layout
from fps_desktop.errors import UsageError
from fps_desktop.printing.imposition import (
    BIND_MARGIN,
    GAP,
    MARGIN,
    MM,
    Choice,
    Group,
    Setup,
    Source,
    Stub,
    impose,
    lay_out,
    page_boxes,
    paper_named,
)
from fps_desktop.printing.policy import sheet_setup
from tests.documents.conftest import GUID


def pages(*sizes_mm: tuple[float, float]) -> pymupdf.Document:
    """One page per size, inked all over (a filled box), so its ink is its page."""
    doc = pymupdf.open()
    for width, height in sizes_mm:
        page = doc.new_page(width=width * MM, height=height * MM)
        page.draw_rect(page.rect, color=(0, 0, 0), fill=(0.9, 0.9, 0.9))
    return doc


def sheets_of(doc, groups, setup=None, files=None):
    files = files or list(range(len(groups)))
    roles = [FileRole.INVOICE if g in (Group.INVOICE, Group.TICKET) else FileRole.ATTACHMENT
             for g in groups]  # fmt: skip
    sources = [Source(*source) for source in zip(roles, groups, files, strict=True)]
    return lay_out(sources, page_boxes(doc), setup or Setup())


def assert_guillotine(sheet):
    """Every item inside the printable area, none overlapping, none crossed by a cut, and
    every cut straight through the sheet or through its whole row."""
    rects = [pymupdf.Rect(p.target) for p in sheet.placements]
    room = (
        pymupdf.Rect(MARGIN, MARGIN, 595 - MARGIN, 842 - MARGIN) + pymupdf.Rect(-1, -1, 1, 1) * 0.01
    )
    for index, rect in enumerate(rects):
        assert rect in room
        assert all((rect & other).get_area() < 0.01 for other in rects[index + 1 :])
    for x0, y0, x1, y1 in sheet.cuts:
        assert x0 == x1 or y0 == y1  # straight
        line = pymupdf.Rect(min(x0, x1), min(y0, y1), max(x0, x1) + 0.01, max(y0, y1) + 0.01)
        assert not any(line.intersects(pymupdf.Rect(r.x0 + 0.5, r.y0 + 0.5, r.x1 - 0.5, r.y1 - 0.5))
                       for r in rects)  # fmt: skip


def test_eight_small_receipts_share_a_sheet_at_true_size():
    doc = pages(*[(57, 120)] * 8)
    sheets = sheets_of(doc, [Group.RECEIPT] * 8)
    assert [len(s.placements) for s in sheets] == [6, 2]
    for sheet in sheets:
        assert sheet.scale == pytest.approx(1.0)
        assert_guillotine(sheet)
    assert any(y0 == y1 and x0 == 0 and x1 == pytest.approx(595) for x0, y0, x1, y1
               in sheets[0].cuts), "a cut across the whole sheet between the rows"  # fmt: skip


def test_invoices_two_a_sheet_shrunk_to_its_width_never_turned():
    doc = pages(*[(241, 140)] * 3)  # the older VAT e-invoice page: wider than A4
    sheets = sheets_of(doc, [Group.INVOICE] * 3)
    assert [len(s.placements) for s in sheets] == [2, 1]
    assert not any(p.turned for s in sheets for p in s.placements)
    assert sheets[0].scale == pytest.approx((595 - 2 * MARGIN) / (241 * MM), rel=1e-3)


def test_a_full_page_attachment_gets_its_own_sheet_and_order_is_kept():
    doc = pages((57, 120), (210, 297), (57, 120))
    sheets = sheets_of(doc, [Group.RECEIPT, Group.ATTACHMENT, Group.RECEIPT])
    assert [s.pages for s in sheets] == [(0, 2), (1,)]
    assert sheets[1].scale < 1  # A4 within the printer's margins: said by how much


def test_the_pages_of_one_invoice_stay_together():
    doc = pages((200, 100), (200, 100), (200, 100), (200, 100))
    sheets = sheets_of(doc, [Group.INVOICE] * 4, files=[0, 1, 1, 2])
    holding = [s for s in sheets if 1 in s.pages]
    assert 2 in holding[0].pages  # the two pages of file 1 on one sheet, one above the other
    assert_guillotine(holding[0])


@pytest.mark.parametrize(("rows", "cols"), [(2, 1), (2, 2), (3, 2), (3, 3), (4, 5)])
def test_a_grid_holds_rows_times_columns_with_cuts_through_the_sheet(rows, cols):
    doc = pages(*[(100, 60)] * (rows * cols + 1))
    sheets = sheets_of(doc, [Group.TICKET] * (rows * cols + 1),
                       Setup(Choice(Layout.GRID, rows, cols)))  # fmt: skip
    assert [len(s.placements) for s in sheets] == [rows * cols, 1]
    assert len(sheets[0].cuts) == rows - 1 + cols - 1
    assert_guillotine(sheets[0])


def test_strips_are_rows_of_one_height():
    doc = pages(*[(90, 50)] * 7)
    sheets = sheets_of(doc, [Group.RECEIPT] * 7, Setup(Choice(Layout.STRIPS)))
    tops = sorted({p.target[1] for p in sheets[0].placements})
    assert len(tops) == 2 and tops[1] - tops[0] == pytest.approx(99 * MM + GAP)
    assert len(sheets) == 2  # 2 a strip, 2 strips of 99 mm a sheet (287 mm usable)
    assert_guillotine(sheets[0])


def test_the_paste_sheet_has_its_binding_edge_and_a_filled_table():
    doc = pages((57, 120), (57, 120))
    setup = Setup(Choice(Layout.PASTE), paper_named("A5"))
    sources = [Source(FileRole.ATTACHMENT, Group.RECEIPT, n) for n in range(2)]
    imposed = impose(doc.tobytes(), sources, setup, stub=Stub(3, Decimal("1234.5"), "王会计"))
    sheet = pymupdf.open(stream=imposed.pdf)[0]
    assert sheet.rect == paper_named("A5").rect
    text = sheet.get_text()
    for words in ("票据张数", "3", "金额", "¥1,234.50", "报销人", "王会计", "装", "订", "线"):
        assert words in text
    bind = [d for d in sheet.get_drawings() if d["rect"].width < 1 and d["rect"].height > 400]
    assert bind and bind[0]["rect"].x0 == pytest.approx(BIND_MARGIN, abs=0.5)
    for _xref, name, invoker, bbox in sheet.get_xobjects():
        if invoker == 0 and name.startswith("fzFrm"):
            assert bbox[0] > BIND_MARGIN  # nothing pasted over the binding edge


def test_each_kind_its_own_layout_in_one_run():
    doc = pages((210, 297), (100, 60), (100, 60), (100, 60), (57, 120))
    groups = [Group.ATTACHMENT, Group.TICKET, Group.TICKET, Group.TICKET, Group.RECEIPT]
    setup = Setup(by_group={Group.TICKET: Choice(Layout.GRID, 2, 2)})
    sheets = sheets_of(doc, groups, setup)
    assert [s.pages for s in sheets] == [(0,), (1, 2, 3), (4,)]
    assert len(sheets[1].cuts) == 2  # the grid's


def test_landscape_paper_turns_the_sheet():
    setup = Setup(paper=paper_named("A4", landscape=True))
    sheets = sheets_of(pages((120, 57), (120, 57), (120, 57)), [Group.RECEIPT] * 3, setup)
    assert len(sheets) == 1 and max(p.target[2] for p in sheets[0].placements) > 595


@pytest.mark.parametrize("layout", ["auto", "actual"])
def test_a_page_turned_by_its_rotate_prints_as_it_is_seen(layout):
    doc = pymupdf.open()
    page = doc.new_page(width=120 * MM, height=60 * MM)
    page.draw_rect(pymupdf.Rect(0, 0, 40 * MM, 60 * MM), fill=(0, 0, 0), color=None)
    page.set_rotation(90)  # seen: 60 wide, 120 high, the black third on top
    sources = [Source(FileRole.ATTACHMENT, Group.RECEIPT, 0)]
    sheet = pymupdf.open(stream=impose(doc.tobytes(), sources, Setup(Choice.parse(layout))).pdf)[0]
    pix = sheet.get_pixmap(dpi=20, colorspace=pymupdf.csGRAY)
    dark = [(n % pix.width, n // pix.width) for n, v in enumerate(pix.samples) if v < 128]
    width = max(x for x, _ in dark) - min(x for x, _ in dark)
    height = max(y for _, y in dark) - min(y for _, y in dark)
    assert width > height * 1.2  # 60 × 40 mm, not 40 × 60


def test_choices_and_papers_are_named_or_refused():
    assert Choice.parse("grid-3x2") == Choice(Layout.GRID, 3, 2)
    assert str(Choice.parse("Grid 2×1")) == "grid-2x1"
    assert Choice.parse("paste").layout == Layout.PASTE
    with pytest.raises(UsageError, match="not a layout"):
        Choice.parse("grid-11x2")
    with pytest.raises(UsageError, match="not a paper size"):
        paper_named("A11")
    assert paper_named("letter").name == "Letter"


def test_merge_on_the_command_line_in_a_grid_on_a5(tmp_path):
    target = tmp_path / "sheets.pdf"
    assert main(["merge", GUID, "-o", str(target), "--grid", "2x2", "--paper", "A5"]) == 0
    with pymupdf.open(target) as doc:
        assert {page.rect for page in doc} == {paper_named("A5").rect}


def test_merge_on_the_command_line_fills_the_paste_sheet_from_the_invoices(tmp_path):
    target = tmp_path / "paste.pdf"
    assert main(["merge", GUID, "-o", str(target), "--layout", "paste"]) == 0
    with pymupdf.open(target) as doc:
        text = doc[0].get_text()
    assert "票据张数" in text and "¥2,248.00" in text  # the demo's two invoices


def test_a_wrong_layout_on_the_command_line_is_one_line(tmp_path, capsys):
    code = main(["print", GUID, "--to-pdf", str(tmp_path / "x.pdf"), "--layout", "four-up"])
    assert code == 2
    err = capsys.readouterr().err
    assert "not a layout" in err and len(err.strip().splitlines()) == 1


@pytest.mark.allow_log_warnings  # the refused value is logged, as it should be
def test_it_sets_a_layout_per_kind_and_a_value_not_allowed_is_refused(tmp_path, settings):
    site = tmp_path / "site.json"
    site.write_text(json.dumps({"print.layout.ticket": "grid-2x2", "print.paper": "A5",
                                "print.layout.receipt": "grid-5x5"}))  # fmt: skip
    it_set = Settings(settings.paths, [site])
    setup = sheet_setup(it_set)
    assert setup.layout == Layout.AUTO and setup.paper.name == "A5"
    assert setup.by_group == {Group.TICKET: Choice(Layout.GRID, 2, 2)}
    assert any("print.layout.receipt" in error.message for error in it_set.refused)
