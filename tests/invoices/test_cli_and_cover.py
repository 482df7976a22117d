import datetime as dt
import json

import pymupdf
import pytest
from openpyxl import load_workbook

from fps_desktop.cli import main
from fps_desktop.config import Paths, Settings
from fps_desktop.invoices.cover import cover_sheet_pdf
from fps_desktop.invoices.listing import list_invoices
from tests.invoices.conftest import CLAIMED_TWICE, TRAVEL, qr_codes
from tests.invoices.test_register import _fetched

KEYS = {"file", "kind", "code", "number", "date", "buyer", "buyer_tax_id", "seller",
        "seller_tax_id", "amount", "tax", "total", "check_code", "red_letter", "source",
        "duplicates"}  # fmt: skip


def test_invoices_json_lists_fields_duplicates_and_the_total(capsys):
    assert main(["invoices", TRAVEL, "--json"]) == 0
    capsys.readouterr()
    assert main(["invoices", CLAIMED_TWICE, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["guid"] == CLAIMED_TWICE and payload["total"] == "948.00"
    air = payload["invoices"][0]
    assert set(air) >= KEYS and air["date"] == "2025-08-19" and air["total"] == "1280.00"
    (duplicate,) = air["duplicates"]
    assert duplicate["guid"] == TRAVEL and duplicate["file"].endswith(".pdf") and duplicate["seen"]
    assert payload["invoices"][2]["red_letter"] is True
    assert payload["invoices"][1]["buyer_ok"] is False


def test_invoices_table_names_the_other_guid_and_tells_claimed_from_opened(tmp_path, capsys):
    main(["invoices", TRAVEL])
    assert main(["invoices", CLAIMED_TWICE]) == 0
    out = capsys.readouterr().out
    assert f"Also in GUID {TRAVEL} (发票_25442000000123456789.pdf), not printed there" in out
    assert "Duplicate:" not in out  # opening is not claiming
    assert "Red-letter invoice" in out and "The buyer is not the university." in out
    assert "total 948.00" in out
    assert main(["print", TRAVEL, "--to-pdf", str(tmp_path / "claimed.pdf")]) == 0
    capsys.readouterr()
    assert main(["invoices", CLAIMED_TWICE]) == 0
    assert f"Duplicate: also in GUID {TRAVEL} (发票_25442000000123456789.pdf), printed " in (
        capsys.readouterr().out)  # fmt: skip


def test_invoices_xlsx_and_csv_have_chinese_headers_numbers_and_a_totals_row(tmp_path):
    xlsx, csv_file = tmp_path / "list.xlsx", tmp_path / "list.csv"
    assert main(["invoices", TRAVEL, "--xlsx", str(xlsx)]) == 0
    sheet = load_workbook(xlsx).active
    assert sheet["D1"].value == "发票号码" and sheet["L1"].value == "价税合计"
    assert sheet["B2"].value == "数电普票"
    assert sheet["L2"].value == 1280.0 and sheet["L2"].number_format == "#,##0.00"
    assert sheet["A4"].value == "合计" and sheet["L4"].value == 2248.0
    assert main(["invoices", TRAVEL, "--csv", str(csv_file)]) == 0
    lines = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("文件,类型") and lines[-1] == "合计" + "," * 11 + "2248.00" + "," * 8


# The list as the finance office has known it: header, width, and whether it is money.
LIST_COLUMNS = [("文件", 28, False), ("类型", 14, False), ("发票代码", 14, False),
                ("发票号码", 22, False), ("开票日期", 12, False), ("购买方", 28, False),
                ("购买方税号", 22, False), ("销售方", 28, False), ("销售方税号", 22, False),
                ("金额", 12, True), ("税额", 12, True), ("价税合计", 12, True),
                ("校验码", 22, False), ("乘车人", 10, False), ("行程", 32, False),
                ("红字", 6, False), ("手填", 24, False), ("OCR待核", 24, False),
                ("来源", 6, False), ("重复", 40, False)]  # fmt: skip


def test_the_xlsx_and_csv_lists_share_one_column_table(tmp_path):
    """Headers, widths, money formats and the totals row, cell by cell, in both files."""
    import csv

    xlsx, csv_file = tmp_path / "list.xlsx", tmp_path / "list.csv"
    main(["invoices", TRAVEL, "--json"])  # claimed before: the 重复 column is filled
    assert main(["invoices", CLAIMED_TWICE, "--xlsx", str(xlsx)]) == 0
    assert main(["invoices", CLAIMED_TWICE, "--csv", str(csv_file)]) == 0
    sheet = load_workbook(xlsx).active
    assert sheet.title == "发票" and sheet.freeze_panes == "A2"
    assert sheet.max_column == len(LIST_COLUMNS) and sheet.max_row == 5
    for index, (header, width, money) in enumerate(LIST_COLUMNS, 1):
        column = [row[index - 1] for row in sheet.iter_rows()]
        assert column[0].value == header and column[0].font.b
        assert sheet.column_dimensions[column[0].column_letter].width == width
        for cell in column[1:]:
            assert (cell.number_format == "#,##0.00") == money, cell.coordinate
    totals = [cell.value for cell in sheet[5]]
    assert totals[0] == "合计" and sheet["A5"].font.b
    assert totals[11] == 948.0 and not any(totals[1:11] + totals[12:])
    assert [cell.value for cell in sheet["J"][1:4]] == [1207.55, 600.0, -913.21]
    assert sheet["T2"].value == f"{TRAVEL} 发票_25442000000123456789.pdf"

    rows = list(csv.reader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == [header for header, _, _ in LIST_COLUMNS]
    assert all(len(row) == len(LIST_COLUMNS) for row in rows)  # the totals row too
    assert rows[1][9:12] == ["1207.55", "72.45", "1280.00"] and rows[3][11] == "-968.00"
    assert rows[-1] == ["合计", *[""] * 10, "948.00", *[""] * 8]
    for row, xlsx_row in zip(rows[1:-1], sheet.iter_rows(min_row=2, max_row=4), strict=True):
        for (_, _, money), text, cell in zip(LIST_COLUMNS, row, xlsx_row, strict=True):
            assert text == (f"{cell.value:.2f}" if money else (cell.value or "")), cell.coordinate


def test_duplicates_report_with_since_and_xlsx(tmp_path, capsys):
    main(["invoices", TRAVEL, "--json"])
    main(["invoices", CLAIMED_TWICE, "--json"])
    capsys.readouterr()
    assert main(["duplicates"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2 and TRAVEL in captured.out
    assert "1 invoices registered under more than one GUID" in captured.err
    assert main(["duplicates", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == ""
    out = tmp_path / "dups.xlsx"
    assert main(["duplicates", "--xlsx", str(out)]) == 0
    assert load_workbook(out).active.max_row == 3
    with pytest.raises(SystemExit) as refused:
        main(["duplicates", "--since", "yesterday"])
    assert refused.value.code == 2


def test_cover_sheet_carries_the_guid_qr_table_sum_and_signature_boxes():
    settings = Settings(Paths.default(), site_files=[])
    cache, manifest = _fetched(settings, TRAVEL)
    listing = list_invoices(manifest, cache.blob_path, None)
    pdf = cover_sheet_pdf(listing, "李会计", attachments=3, pages=7, date=dt.date(2026, 3, 2))
    page = pymupdf.open("pdf", pdf)[0]
    text = page.get_text()
    wanted = ("报销单据封面", TRAVEL, "李会计", "2026-03-02", "25442000000123456790",
              "广州南沙酒店管理有限公司", "¥2,248.00", "附件 3 份", "共 7 页",
              "财务负责人")  # fmt: skip
    for expected in wanted:
        assert expected in text, expected
    assert qr_codes(page) == [TRAVEL]


def test_a_long_invoice_table_runs_onto_a_second_page():
    settings = Settings(Paths.default(), site_files=[])
    cache, manifest = _fetched(settings, TRAVEL)
    listing = list_invoices(manifest, cache.blob_path, None)
    listing.rows = listing.rows * 40
    doc = pymupdf.open("pdf", cover_sheet_pdf(listing, "", 0, 80))
    assert doc.page_count >= 2 and "¥" in doc[-1].get_text()


@pytest.mark.allow_log_warnings  # the unreachable database is logged
def test_fields_are_listed_when_the_shared_register_is_down(capsys):
    from tests.net import refused_port

    settings = Settings(Paths.default())
    settings.set("invoices.register", "mysql")
    with refused_port() as port:
        settings.set("db.port", port)
        assert main(["invoices", TRAVEL, "--json"]) == 0
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert payload["duplicates_checked"] is False and payload["total"] == "2248.00"
    assert "duplicates not checked: Cannot reach the database at 127.0.0.1:" in captured.err
