"""The list of exported invoices as CSV or XLSX (seed 004: Excel from a template).

Rows are written as the export streams, so memory stays flat however many invoices there
are: CSV line by line, XLSX through openpyxl's write-only workbook.
"""

from __future__ import annotations

import contextlib
import csv
import os
import time
from copy import copy
from datetime import date, datetime
from pathlib import Path

from fps_desktop.errors import QT_TRANSLATE_NOOP, ExportError

HEADER = ("tenant_id", "country_code", "invoice_no", "issue_date", "buyer_name", "seller_name",
          "net_amount", "tax_amount", "gross_amount", "currency", "status", "updated_at",
          "file")  # fmt: skip
PROBLEM_HEADER = ("problem", "invoice_id", "tenant_id", "detail")
_AMOUNTS = slice(2, 5)  # net, tax and gross among the database values


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

    def add(self, tenant: int, country: str, number: str, day: str, values, path: str) -> None:
        """One exported invoice: ``day`` is YYYYMMDD, ``values`` the FROM_DATABASE bytes."""
        text = [v.decode("utf-8", "replace") if v is not None else "" for v in values]
        if self.kind == "csv":
            iso = f"{day[:4]}-{day[4:6]}-{day[6:]}"
            self._csv.writerow((tenant, country, number, iso, *text, path))
            return
        amounts = [float(v) if v else None for v in text[_AMOUNTS]]
        updated = datetime.fromisoformat(text[7]) if text[7] else None
        self._sheet.append((tenant, country, number, date(int(day[:4]), int(day[4:6]),
                            int(day[6:])), text[0], text[1], *amounts, text[5], text[6],
                            updated, path))  # fmt: skip

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
            sheet = self._book.create_sheet("problems")
            for row in (PROBLEM_HEADER, *problems):
                sheet.append(row)
            self._book.save(self.partial)
        os.replace(self.partial, self.target)
        return self.target

    def abandon(self) -> None:
        if self.kind == "csv":
            self._handle.close()
        with contextlib.suppress(OSError):
            os.unlink(self.partial)


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
