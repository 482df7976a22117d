"""The list an admin opens in Excel: every exported invoice with what identifies it."""

import csv
import gc
from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill

from fps_desktop.errors import Cancelled
from fps_desktop.export.invoices import ExportOptions, InvoiceExporter
from fps_desktop.export.tables import HEADER
from fps_desktop.jobs import CancelToken
from tests.export.test_export import run, sql

pytestmark = pytest.mark.allow_log_warnings  # the skipped and shared-name rows are logged

EXPECTED = ("tenant_id", "country_code", "invoice_no", "issue_date", "buyer_name",
            "seller_name", "net_amount", "tax_amount", "gross_amount", "currency", "status",
            "updated_at", "file")  # fmt: skip


@pytest.fixture
def awkward(db):
    """One row without a number (skipped) and two that share a file name."""
    sql(db, "UPDATE invoices SET invoice_no = NULL WHERE id = 6")  # tenant 1
    sql(db, "UPDATE invoices SET buyer_name = 'Tom & Jerry <Ltd>\x01' WHERE id = 11")
    sql(db, "UPDATE invoices SET invoice_no = 'SAME/1', issue_date = '2025-03-01' "
            "WHERE id IN (1, 16)")  # fmt: skip
    return db


def test_csv_index_lists_parties_amounts_status_and_problems(awkward, tmp_path):
    summary = run(awkward, tmp_path / "out", index_format="csv", tenant=1)
    with open(summary.index_file, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == EXPECTED == HEADER
    assert len(rows) == 59
    first = next(r for r in rows if r["invoice_no"] == "CN-FP-0000030")
    assert first["issue_date"] == "2025-01-31" and first["currency"] == "CNY"
    assert first["buyer_name"] == "香港科技大学（广州）" and first["seller_name"].startswith(
        "供应商"
    )
    assert float(first["gross_amount"]) == pytest.approx(float(first["net_amount"]) * 1.06, 0.01)
    assert first["status"] == "ISSUED" and datetime.fromisoformat(first["updated_at"])
    assert (tmp_path / "out" / first["file"]).exists()
    problems = summary.index_file.with_name(summary.index_file.stem + "-problems.csv")
    listed = problems.read_text(encoding="utf-8-sig")
    assert "missing invoice number" in listed and "20250301+SAME_1+16.json" in listed


def test_xlsx_index_has_typed_cells_and_a_problems_sheet(awkward, tmp_path):
    summary = run(awkward, tmp_path / "out", index_format="xlsx", tenant=1)
    book = openpyxl.load_workbook(summary.index_file)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == EXPECTED and len(rows) == 1 + 59
    row = dict(zip(EXPECTED, next(r for r in rows if r[2] == "CN-FP-0000030"), strict=True))
    assert row["issue_date"].date() == date(2025, 1, 31)
    assert isinstance(row["updated_at"], datetime)
    assert all(
        isinstance(row[k], int | float) for k in ("net_amount", "tax_amount", "gross_amount")
    )
    hostile = next(r for r in rows if r[2] == "SG-FP-0000010")
    assert hostile[4] == "Tom & Jerry <Ltd>"  # markup kept as text, a control character dropped
    problems = list(book["problems"].iter_rows(values_only=True))
    assert problems[0] == ("problem", "invoice_id", "tenant_id", "detail")
    assert {p[1] for p in problems[1:]} == {6, 16}


def test_xlsx_template_keeps_its_header_rows_styles_and_widths(db, tmp_path):
    template = tmp_path / "report.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "发票清单"
    sheet.append(["Invoice list of the finance office"])
    sheet.append(["租户", "国家", "发票号", "开票日期"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFDDEEFF")
    sheet.column_dimensions["C"].width = 30
    book.save(template)
    summary = run(db, tmp_path / "out", index_format="xlsx", template=template, tenant=2)
    result = openpyxl.load_workbook(summary.index_file)
    filled = result["发票清单"]
    assert filled["A1"].value == "Invoice list of the finance office"
    assert filled["C2"].value == "发票号" and filled["C2"].font.bold
    assert filled["C2"].fill.fgColor.rgb == "FFDDEEFF"
    assert filled.column_dimensions["C"].width == pytest.approx(30, abs=1)
    assert filled.max_row == 2 + 60 and filled["A3"].value == 2 and filled.max_column == 13


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_cancelled_run_leaves_no_list_behind(db, tmp_path, kind):
    cancel = CancelToken()

    def progress(done, total, message=""):
        cancel.cancel()  # seen at the next check, 256 rows on

    exporter = InvoiceExporter(db, ExportOptions(tmp_path / "out", index_format=kind))
    with pytest.raises(Cancelled):
        exporter.run(progress, cancel)
    gc.collect()  # a sheet left open would complain now
    assert not [p.name for p in (tmp_path / "out").iterdir() if "index" in p.name]


def test_csv_cells_that_excel_would_run_as_formulas_are_text(db, tmp_path):
    sql(db, "UPDATE invoices SET buyer_name = '=HYPERLINK(\"http://x\",\"pay\")', "
            "seller_name = '@SUM(A1)', invoice_no = '+1-FP' WHERE id = 1")  # fmt: skip
    sql(db, "UPDATE invoices SET buyer_name = '-2+3', seller_name = '\tx', "
            "net_amount = -5.5 WHERE id = 16")  # fmt: skip
    summary = run(db, tmp_path / "out", index_format="csv", tenant=1)
    with open(summary.index_file, encoding="utf-8-sig", newline="") as handle:
        rows = {r["invoice_no"]: r for r in csv.DictReader(handle)}
    first = rows["'+1-FP"]
    assert first["buyer_name"] == '\'=HYPERLINK("http://x","pay")'
    assert first["seller_name"] == "'@SUM(A1)"
    assert first["file"] == "1/CN/20250101++1-FP.json"  # a path never starts like a formula
    second = rows["CN-FP-0000015"]
    assert (second["buyer_name"], second["seller_name"]) == ("'-2+3", "'\tx")
    assert second["net_amount"] == "-5.50"  # a negative amount stays a number


def test_the_csv_and_xlsx_lists_say_the_same_cell_for_cell(awkward, tmp_path):
    """Both files come from one column table: same columns, same rows, each cell typed."""
    csv_list = run(awkward, tmp_path / "csv", index_format="csv", tenant=1).index_file
    xlsx_list = run(awkward, tmp_path / "xlsx", index_format="xlsx", tenant=1).index_file
    with open(csv_list, encoding="utf-8-sig", newline="") as handle:
        texts = list(csv.reader(handle))
    cells = list(openpyxl.load_workbook(xlsx_list).worksheets[0].iter_rows(values_only=True))
    assert tuple(texts[0]) == cells[0] == EXPECTED and len(texts) == len(cells) == 60
    for text_row, row in zip(texts[1:], cells[1:], strict=True):
        line = dict(zip(EXPECTED, row, strict=True))
        kept = [text.replace("\x01", "") for text in text_row]  # XML cannot hold a \x01
        assert kept == [
            str(line["tenant_id"]), line["country_code"], line["invoice_no"],
            line["issue_date"].date().isoformat(), line["buyer_name"] or "",
            line["seller_name"], f"{line['net_amount']:.2f}", f"{line['tax_amount']:.2f}",
            f"{line['gross_amount']:.2f}", line["currency"], line["status"],
            line["updated_at"].isoformat(sep=" "), line["file"],
        ]  # fmt: skip
