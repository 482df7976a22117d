"""The list of exported invoices as CSV or XLSX (seed 004: Excel from a template).

Rows are written as the export streams, so memory stays flat however many invoices there
are: CSV line by line, XLSX through openpyxl's write-only workbook.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import time
from copy import copy
from datetime import date, datetime
from pathlib import Path

from fps_desktop.errors import QT_TRANSLATE_NOOP, ExportError

HEADER = ("tenant_id", "country_code", "invoice_no", "issue_date", "buyer_name", "seller_name",
          "net_amount", "tax_amount", "gross_amount", "currency", "status", "updated_at",
          "file")  # fmt: skip
PROBLEM_HEADER = ("problem", "invoice_id", "tenant_id", "detail")
_EXCEL_DAY_ZERO = date(1899, 12, 30).toordinal()
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_BATCH = 1000  # rows handed to the XML writer at once


class IndexWriter:
    """``index-<time>.csv|xlsx`` in the output folder, with the skipped and shared-name rows."""

    # Columns the export selects for the list, after the ones it needs anyway; the query
    # adds ``updated_at`` as text.
    FROM_DATABASE = ("buyer_name", "seller_name", "net_amount", "tax_amount", "gross_amount",
                     "currency", "status")  # fmt: skip

    def __init__(self, output_dir: Path, kind: str, template: Path | None = None) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.kind = kind
        self.target = output_dir / f"index-{stamp}.{kind}"
        self.partial = output_dir / f".index-{stamp}.{kind}.partial"
        if kind == "csv":
            self._handle = open(self.partial, "w", newline="", encoding="utf-8-sig")  # noqa: SIM115
            self._csv = csv.writer(self._handle)
            self._csv.writerow(HEADER)
        else:
            self._book, self._sheet = _workbook(template)
            self._rows = _FastRows(self._book, self._sheet)

    def add(self, tenant: int, country: str, number: str, day: str, values, path: str) -> None:
        """One exported invoice: ``day`` is YYYYMMDD, ``values`` the FROM_DATABASE bytes."""
        text = [v.decode("utf-8", "replace") if v is not None else "" for v in values]
        if self.kind == "csv":
            iso = f"{day[:4]}-{day[4:6]}-{day[6:]}"
            self._csv.writerow((tenant, country, number, iso, *text, path))
            return
        self._rows.add(tenant, country, number, day, text, path)

    def close(self, skipped, collisions) -> Path:
        """Add the rows that need a look, save, and give the list its real name."""
        problems = [("skipped", s.invoice_id, s.tenant_id, s.reason) for s in skipped]
        problems += [("shared file name", c.invoice_id, c.tenant_id, c.name) for c in collisions]
        if self.kind == "csv":
            self._handle.close()
            if problems:
                with open(self.target.with_name(self.target.stem + "-problems.csv"), "w",
                          newline="", encoding="utf-8-sig") as handle:  # fmt: skip
                    csv.writer(handle).writerows([PROBLEM_HEADER, *problems])
        else:
            self._rows.close()
            sheet = self._book.create_sheet("problems")
            for row in (PROBLEM_HEADER, *problems):
                sheet.append(row)
            self._book.save(self.partial)
        os.replace(self.partial, self.target)
        return self.target

    def abandon(self) -> None:
        """Drop the list of a run that failed; openpyxl's sheet file is closed and removed."""
        if self.kind == "csv":
            self._handle.close()
        else:
            self._sheet.close()
            self._sheet._writer.cleanup()
        with contextlib.suppress(OSError):
            os.unlink(self.partial)


class _FastRows:
    """The invoice rows of a write-only sheet, as XML written straight into its stream.

    openpyxl's write-only sheet spends some 20 µs of Python per cell, 10 s per 40,000
    invoices; these rows are the same cells (inline strings, numbers, dates with a date
    style registered in the workbook) built as text and parsed by the XML library in C.
    """

    def __init__(self, book, sheet) -> None:
        """``sheet`` has its header rows: its row stream is open."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.xml.functions import fromstring

        self._fromstring = fromstring
        day, moment = WriteOnlyCell(sheet), WriteOnlyCell(sheet)
        day.number_format, moment.number_format = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
        self._day_style, self._moment_style = day.style_id, moment.style_id
        self._stream = sheet._rows.gi_frame.f_locals["xf"]
        self._row = sheet._rows.gi_frame.f_locals["row_idx"]
        self._pending: list[str] = []

    def add(self, tenant, country, number, day, text, path) -> None:
        buyer, seller, net, tax, gross, currency, status, updated = text
        serial = date(int(day[:4]), int(day[4:6]), int(day[6:])).toordinal() - _EXCEL_DAY_ZERO
        moment = ""
        if updated:
            at = datetime.fromisoformat(updated)
            fraction = (at.hour * 3600 + at.minute * 60 + at.second) / 86400
            moment = (f'<c s="{self._moment_style}"><v>'
                      f"{at.toordinal() - _EXCEL_DAY_ZERO + fraction}</v></c>")  # fmt: skip
        self._pending.append(
            f'<row r="{self._row}"><c><v>{tenant}</v></c>{_text(country)}{_text(number)}'
            f'<c s="{self._day_style}"><v>{serial}</v></c>{_text(buyer)}{_text(seller)}'
            f"{_number(net)}{_number(tax)}{_number(gross)}{_text(currency)}{_text(status)}"
            f"{moment}{_text(path)}</row>"
        )
        self._row += 1
        if len(self._pending) >= _BATCH:
            self._send()

    def _send(self) -> None:
        for row in self._fromstring("<rows>" + "".join(self._pending) + "</rows>"):
            self._stream.write(row)
        self._pending = []

    def close(self) -> None:
        self._send()


def _text(value: str) -> str:
    if not value:
        return "<c/>"
    value = _NOT_XML.sub("", value).translate(_ESCAPES)
    return f'<c t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def _number(value: str) -> str:
    return f"<c><v>{float(value)!r}</v></c>" if value else "<c/>"


def _workbook(template: Path | None):
    """A write-only workbook; a template's header rows are copied with their styles."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    if template is None:
        sheet = book.create_sheet("invoices")
        sheet.append(HEADER)
        return book, sheet
    try:
        source = openpyxl.load_workbook(template).active
    except (OSError, ValueError, KeyError) as exc:
        raise ExportError(
            QT_TRANSLATE_NOOP("FpsError", "The Excel template {name} cannot be read."),
            name=template.name,
        ) from exc
    sheet = book.create_sheet(source.title)
    for letter, dimension in source.column_dimensions.items():
        if dimension.width:
            sheet.column_dimensions[letter].width = dimension.width
    sheet.freeze_panes = source.freeze_panes
    for row in source.iter_rows():
        cells = []
        for original in row:
            cell = WriteOnlyCell(sheet, original.value)
            if original.has_style:
                cell.font, cell.fill = copy(original.font), copy(original.fill)
                cell.border, cell.alignment = copy(original.border), copy(original.alignment)
                cell.number_format = original.number_format
            cells.append(cell)
        sheet.append(cells)
    if source.max_row <= 1 and not any(c.value for c in next(source.iter_rows(), ())):
        sheet.append(HEADER)  # an empty template: our header in its styles' place
    return book, sheet
