"""The list of exported invoices as CSV or XLSX (seed 004: Excel from a template).

Its columns are one table, ``COLUMNS``: the header, the query's selection and every cell
of both files follow it. Rows are written as the export streams, so memory stays flat
however many invoices there are: CSV line by line; for XLSX, openpyxl's write-only
workbook makes the book (template header, styles, the problems sheet) and the invoice
rows, written as sheet XML beside it, are spliced into its first sheet when the list is
closed.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fps_desktop.errors import QT_TRANSLATE_NOOP, ExportError

# What a cell holds: how it is written in each file.
WHOLE, TEXT, NUMBER, DAY, MOMENT = "whole", "text", "number", "day", "moment"


@dataclass(frozen=True)
class IndexColumn:
    """One column of the list. ``listed``: the query selects it for the list alone, as
    text; the others come with every exported row (tenant, country, number, day) or are
    the file written (file). The listed columns sit together before ``file``: each row
    hands them over as one text."""

    name: str
    kind: str
    listed: bool = False


COLUMNS = (
    IndexColumn("tenant_id", WHOLE),
    IndexColumn("country_code", TEXT),
    IndexColumn("invoice_no", TEXT),
    IndexColumn("issue_date", DAY),
    IndexColumn("buyer_name", TEXT, listed=True),
    IndexColumn("seller_name", TEXT, listed=True),
    IndexColumn("net_amount", NUMBER, listed=True),
    IndexColumn("tax_amount", NUMBER, listed=True),
    IndexColumn("gross_amount", NUMBER, listed=True),
    IndexColumn("currency", TEXT, listed=True),
    IndexColumn("status", TEXT, listed=True),
    IndexColumn("updated_at", MOMENT, listed=True),
    IndexColumn("file", TEXT),
)
HEADER = tuple(column.name for column in COLUMNS)
LISTED = tuple(column for column in COLUMNS if column.listed)
PROBLEM_HEADER = ("problem", "invoice_id", "tenant_id", "detail")
_EXCEL_DAY_ZERO = date(1899, 12, 30).toordinal()
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1e\ufffe\uffff]")  # \x1f: separator
_BATCH = 1000  # rows handed to the XML writer at once
_FORMULA_START = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")


class IndexWriter:
    """``index-<time>.csv|xlsx`` in the output folder, with the skipped and shared-name rows."""

    def __init__(self, output_dir: Path, kind: str, template: Path | None = None) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.kind = kind
        self.target = output_dir / f"index-{stamp}.{kind}"
        self.partial = output_dir / f".index-{stamp}.{kind}.partial"
        if kind == "csv":
            self._handle = open(self.partial, "w", newline="", encoding="utf-8-sig")  # noqa: SIM115
            self._csv = csv.writer(self._handle)
            self._csv.writerow(HEADER)
            self._csv_cells = [_CSV_CELL[column.kind] for column in COLUMNS]
        else:
            self._book, self._sheet, header_rows = _workbook(template)
            self._rows = _SheetRows(self._sheet, header_rows, self.partial.with_suffix(".rows"))

    def add(self, tenant: int, country: str, number: str, day: str, values: bytes, path: str):
        """One exported invoice: ``day`` is YYYYMMDD, ``values`` the LISTED columns as text,
        apart by the unit separator (U+001F)."""
        cells = (tenant, country, number, day,
                 *values.decode("utf-8", "replace").split("\x1f"), path)  # fmt: skip
        if self.kind == "csv":
            writers = self._csv_cells
            self._csv.writerow([write(cell) for write, cell in zip(writers, cells, strict=True)])
        else:
            self._rows.add(cells)

    def close(self, skipped, collisions) -> Path:
        """Add the rows that need a look, save, and give the list its real name."""
        problems = [("skipped", s.invoice_id, s.tenant_id, s.reason()) for s in skipped]
        problems += [("shared file name", c.invoice_id, c.tenant_id, c.name) for c in collisions]
        if self.kind == "csv":
            self._handle.close()
            if problems:
                with open(self.target.with_name(self.target.stem + "-problems.csv"), "w",
                          newline="", encoding="utf-8-sig") as handle:  # fmt: skip
                    csv.writer(handle).writerows(
                        [PROBLEM_HEADER, *((p, i, t, inert(d)) for p, i, t, d in problems)]
                    )
        else:
            sheet = self._book.create_sheet("problems")
            for row in (PROBLEM_HEADER, *problems):
                sheet.append(row)
            book = self.partial.with_suffix(".book")
            self._book.save(book)
            self._rows.splice(book, self.partial)
            book.unlink()
        os.replace(self.partial, self.target)
        return self.target

    def abandon(self) -> None:
        """Drop the list of a run that failed; openpyxl's sheet file is closed and removed."""
        if self.kind == "csv":
            self._handle.close()
        else:
            self._sheet.close()
            self._sheet._writer.cleanup()
            self._rows.abandon()
        for leftover in (self.partial, self.partial.with_suffix(".book")):
            with contextlib.suppress(OSError):
                os.unlink(leftover)


class _SheetRows:
    """The invoice rows of the first sheet, as sheet XML in a file beside the list.

    openpyxl spends some 20 µs of Python per cell, and its XML library some 70 µs per row
    even when handed finished rows; this writes the same cells (inline strings, numbers,
    dates in a date style registered in the workbook) as text at a few µs a row.
    """

    ENTRY = "xl/worksheets/sheet1.xml"

    def __init__(self, sheet, header_rows: int, path: Path) -> None:
        from openpyxl.cell import WriteOnlyCell

        day, moment = WriteOnlyCell(sheet), WriteOnlyCell(sheet)
        day.number_format, moment.number_format = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
        day_style, moment_style = day.style_id, moment.style_id
        cell_of = {
            WHOLE: lambda value: f"<c><v>{value}</v></c>",
            TEXT: _text,
            NUMBER: _number,
            DAY: lambda value: f'<c s="{day_style}"><v>{_day_serial(value)}</v></c>',
            MOMENT: lambda value: (
                f'<c s="{moment_style}"><v>{_moment_serial(value)}</v></c>' if value else "<c/>"
            ),
        }
        self._cells = [cell_of[column.kind] for column in COLUMNS]
        self._path = path
        self._file = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in splice()
        self._row = header_rows + 1

    def add(self, cells: tuple) -> None:
        """One row's cells, in column order, as they came from the database."""
        written = "".join([write(cell) for write, cell in zip(self._cells, cells, strict=True)])
        self._file.write(f'<row r="{self._row}">{written}</row>')
        self._row += 1

    def splice(self, book: Path, target: Path) -> None:
        """Copy ``book`` to ``target`` with the rows at the end of its first sheet's data."""
        self._file.close()
        with (
            zipfile.ZipFile(book) as source,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as result,
        ):
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename != self.ENTRY:
                    result.writestr(info.filename, data)
                    continue
                head, tail = data.split(b"</sheetData>", 1)
                with result.open(info.filename, "w", force_zip64=True) as entry:
                    entry.write(head)
                    with open(self._path, "rb") as rows:
                        shutil.copyfileobj(rows, entry, 1 << 20)
                    entry.write(b"</sheetData>" + tail)
        self._path.unlink()

    def abandon(self) -> None:
        self._file.close()
        self._path.unlink(missing_ok=True)


def _day_serial(day: str) -> int:
    """YYYYMMDD as Excel counts days."""
    return date(int(day[:4]), int(day[4:6]), int(day[6:])).toordinal() - _EXCEL_DAY_ZERO


def _moment_serial(text: str) -> float:
    """ISO date and time as Excel counts days and their fractions."""
    at = datetime.fromisoformat(text)
    fraction = (at.hour * 3600 + at.minute * 60 + at.second) / 86400
    return at.toordinal() - _EXCEL_DAY_ZERO + fraction


def inert(cell: str) -> str:
    """A CSV cell Excel shows as text: one starting like a formula (``=``, ``+``, ``-``,
    ``@``, tab, carriage return) gets a leading ``'``; plain numbers stay numbers."""
    if cell and cell[0] in _FORMULA_START and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _xml(text: str) -> str:
    """Text as XML character data: markup escaped, characters XML forbids dropped."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text or ">" in text:
        text = text.replace("<", "&lt;").replace(">", "&gt;")
    return text if text.isprintable() else _NOT_XML.sub("", text)  # the common case first


# How each kind of cell is written in CSV: text that Excel would run is made inert.
_CSV_CELL: dict[str, Callable[[str], object]] = {
    WHOLE: lambda value: value,
    TEXT: inert,
    NUMBER: inert,
    DAY: lambda day: f"{day[:4]}-{day[4:6]}-{day[6:]}",
    MOMENT: inert,
}


def _text(value: str) -> str:
    """An inline-string cell."""
    if not value:
        return "<c/>"
    return f'<c t="inlineStr"><is><t xml:space="preserve">{_xml(value)}</t></is></c>'


def _number(value: str) -> str:
    return f"<c><v>{float(value)!r}</v></c>" if value else "<c/>"


def _workbook(template: Path | None):
    """A write-only workbook, its first sheet and its number of header rows; a template's
    header rows are copied with their styles."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    if template is None:
        sheet = book.create_sheet("invoices")
        sheet.append(HEADER)
        return book, sheet, 1
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
        return book, sheet, source.max_row + 1
    return book, sheet, source.max_row
