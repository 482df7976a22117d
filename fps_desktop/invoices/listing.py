"""The invoice list of one GUID: fields, duplicates, buyer check, sum; JSON, XLSX, CSV.

``list_invoices`` is what the window, the CLI and PBMS integrators share: it reads
every invoice file of a fetched GUID, records them in the register, and says for
each which other GUIDs hold it. Attachments are read too: an invoice filed among
them is listed, counted and checked like the others. The same invoice as PDF, OFD
and XML in one GUID is one invoice (counted once in the sum); the same format twice
is a duplicate.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from fps_desktop.config import Settings
from fps_desktop.documents.models import CachedFile, FileRole, Manifest
from fps_desktop.errors import QT_TRANSLATE_NOOP, FpsError
from fps_desktop.invoices.corrections import Correction, CorrectionStore
from fps_desktop.invoices.corrections import apply as apply_correction
from fps_desktop.invoices.fields import KEY_FIELDS, InvoiceFields, norm_id, norm_name
from fps_desktop.invoices.kinds import kind_of
from fps_desktop.invoices.reader import read_invoice
from fps_desktop.invoices.register import (
    DUPLICATE,
    SUSPECTED,
    Match,
    Register,
    Sighting,
    open_register,
)
from fps_desktop.jobs import CancelToken, Job, JobResult, Progress, no_progress

INVOICE_SUFFIXES = (".ofd", ".xml")
NOT_THE_UNIVERSITY = QT_TRANSLATE_NOOP("Invoices", "The buyer is not the university.")
# Demo documents are made out to this buyer; it stands in until IT sets the real one.
DEMO_UNIVERSITY = ("香港科技大学（广州）", "12440000MB2C12345X")


@dataclass
class InvoiceRow:
    fields: InvoiceFields
    sha256: str
    matches: list[Match] = field(default_factory=list)  # in other GUIDs
    twins: list[str] = field(default_factory=list)  # files of this GUID with the same invoice
    other_formats: list[str] = field(default_factory=list)  # same invoice as PDF/OFD/XML here
    buyer_problem: str = ""
    counted: bool = True  # in the GUID's sum (False for a second format or a twin)
    attachment: bool = False  # an invoice found among the attachments

    @property
    def duplicates(self) -> list[Match]:
        return [m for m in self.matches if m.kind == DUPLICATE]

    @property
    def suspected(self) -> list[Match]:
        return [m for m in self.matches if m.kind == SUSPECTED]

    @property
    def claims(self) -> list[Match]:
        """Sightings that claimed this invoice: printed in another GUID. Opening is not
        claiming: a GUID that only holds it too is "also in", not a duplicate."""
        return [m for m in self.duplicates if m.other.printed]

    @property
    def is_duplicate(self) -> bool:
        return bool(self.claims or self.twins)

    def to_json(self, guid: str) -> dict:
        f = self.fields
        return {
            "file": f.file, "kind": kind_of(f.kind).family if f.kind else "",
            "kind_detail": f.kind, "kind_name": kind_of(f.kind).chinese if f.kind else "",
            "code": f.code, "number": f.number, "date": f.date,
            "buyer": f.buyer, "buyer_tax_id": f.buyer_tax_id, "seller": f.seller,
            "seller_tax_id": f.seller_tax_id, "amount": f.amount, "tax": f.tax,
            "total": f.total, "check_code": f.check_code, "passenger": f.passenger,
            "trip": f.trip, "red_letter": f.red_letter, "entered_by": f.entered_by,
            "source": f.source,
            "duplicates": [m.other.to_json() for m in self.duplicates]
            + [{"guid": guid, "file": twin, "seen": "", "printed": "", "printed_by": ""}
               for twin in self.twins],
            "suspected": [m.other.to_json() for m in self.suspected],
            "sources": dict(f.sources),
            "conflicts": [{"field": c.field, "values": c.values} for c in f.conflicts],
            "buyer_ok": not self.buyer_problem,
            "counted": self.counted,
            "problem": f.problem,
        }  # fmt: skip


@dataclass
class InvoiceList:
    guid: str
    rows: list[InvoiceRow]
    register_error: FpsError | None = None  # why duplicates could not be checked

    @property
    def total(self) -> Decimal:
        return sum(
            (r.fields.total_decimal() or Decimal(0) for r in self.rows if r.counted), Decimal(0)
        ).quantize(Decimal("0.01"))

    @property
    def count(self) -> int:
        """Invoices, not files: the same invoice as PDF, OFD and XML counts once."""
        return sum(r.counted for r in self.rows)

    @property
    def needing_look(self) -> list[InvoiceRow]:
        """Invoices that cannot be summed or checked until the clerk enters their values."""
        return [r for r in self.rows if r.counted and r.fields.needs_look]

    @property
    def duplicate_rows(self) -> list[InvoiceRow]:
        return [r for r in self.rows if r.is_duplicate]

    def to_json(self) -> dict:
        return {
            "guid": self.guid,
            "invoices": [row.to_json(self.guid) for row in self.rows],
            "total": str(self.total),
            "duplicates_checked": self.register_error is None,
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)


Note = tuple[str, dict]  # a translatable template ("Invoices" context) and its parameters


def row_notes(row: InvoiceRow) -> list[Note]:
    """What the window and the CLI say about a row, worst first."""
    f = row.fields
    notes: list[Note] = []
    for match in row.duplicates:
        other = match.other
        if other.printed:
            notes.append((QT_TRANSLATE_NOOP(
                "Invoices", "Duplicate: also in GUID {guid} ({file}), printed {printed} by {by}"),
                {"guid": other.guid, "file": other.file, "printed": other.printed[:10],
                 "by": other.printed_by or "?"}))  # fmt: skip
        else:
            notes.append((QT_TRANSLATE_NOOP("Invoices",
                                            "Also in GUID {guid} ({file}), not printed there"),
                          {"guid": other.guid, "file": other.file}))  # fmt: skip
    notes.extend((QT_TRANSLATE_NOOP("Invoices", "Duplicate: the same invoice as {file}"),
                  {"file": twin}) for twin in row.twins)  # fmt: skip
    if row.suspected:  # once per invoice, naming the first look-alike
        first = row.suspected[0]
        notes.append((QT_TRANSLATE_NOOP("Invoices", "Suspected: like {what} in GUID {guid}"),
                      {"what": first.other.number or first.other.file,
                       "guid": first.other.guid[:8]}))  # fmt: skip
    if f.red_letter:
        notes.append((QT_TRANSLATE_NOOP("Invoices", "Red-letter invoice"), {}))
    if row.buyer_problem:
        notes.append((row.buyer_problem, {}))
    notes.extend((QT_TRANSLATE_NOOP("Invoices", "Sources disagree on {field}: {values}"),
                  {"field": c.field, "values": ", ".join(f"{k} {v}" for k, v in c.values.items())})
                 for c in f.conflicts)  # fmt: skip
    if f.sums_wrong:
        notes.append((QT_TRANSLATE_NOOP(
            "Invoices", "Amount {amount} + tax {tax} is not the total {total}: check the paper"),
            {"amount": f.amount, "tax": f.tax, "total": f.total}))  # fmt: skip
    if f.from_ocr:
        notes.append((QT_TRANSLATE_NOOP(
            "Invoices", "From OCR, check against the paper (F2): {values}"),
            {"values": ocr_values(f)}))  # fmt: skip
    if f.entered_by:
        notes.append((QT_TRANSLATE_NOOP("Invoices", "Entered by {by}: {values}"),
                      {"by": f.entered_by, "values": entered_values(f)}))  # fmt: skip
    if row.other_formats:
        notes.append((QT_TRANSLATE_NOOP("Invoices", "Also here as {files}"),
                      {"files": ", ".join(row.other_formats)}))  # fmt: skip
    if f.problem:
        notes.append((f.problem, {}))
    return notes


def entered_values(f: InvoiceFields) -> str:
    """The values the clerk typed, as they read on paper: ``12345678 · 2025-01-08 · 100.00``
    (a kind chosen from the list shows as the row's kind)."""
    return " · ".join(getattr(f, name) for name in KEY_FIELDS if name in f.entered)


def ocr_values(f: InvoiceFields) -> str:
    """The key values the OCR read, for the clerk to hold against the paper."""
    return " · ".join(getattr(f, name) for name in KEY_FIELDS if name in f.from_ocr)


def university(settings: Settings) -> tuple[str, str]:
    name = settings.get("invoices.university_name")
    tax_id = settings.get("invoices.university_tax_id")
    if not name and not tax_id and settings.get("source.kind") == "demo":
        return DEMO_UNIVERSITY
    return name, tax_id


def buyer_problem(fields: InvoiceFields, expected: tuple[str, str]) -> str:
    """``NOT_THE_UNIVERSITY`` when the buyer is known and differs from the site's buyer."""
    name, tax_id = expected
    if tax_id and fields.buyer_tax_id and norm_id(tax_id) != fields.buyer_tax_id:
        return NOT_THE_UNIVERSITY
    if (
        name
        and fields.buyer
        and norm_name(name) != fields.buyer
        and not (tax_id and fields.buyer_tax_id)
    ):
        return NOT_THE_UNIVERSITY
    return ""


def invoice_files(manifest: Manifest) -> list[tuple[CachedFile, bool]]:
    """Every file that may hold an invoice, and whether it is an attachment: those are
    listed only when an invoice is found on them."""
    found = []
    for f in manifest.files:
        declared = f.role == FileRole.INVOICE or f.name.lower().endswith(INVOICE_SUFFIXES)
        if declared or f.printable:
            found.append((f, not declared))
    return found


def list_invoices(
    manifest: Manifest,
    blob_path,
    register: Register | None,
    expected_buyer: tuple[str, str] = ("", ""),
    clerk: str = "",
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    corrections: dict[str, Correction] | None = None,
) -> InvoiceList:
    """Read, register and check every invoice file of ``manifest``.

    ``blob_path(sha256) -> Path`` finds a file's bytes (``DocumentCache.blob_path``);
    ``corrections`` (by sha256) are the clerk's values, which count over the read ones.
    """
    corrections = corrections or {}
    cancel = cancel or CancelToken()
    files = invoice_files(manifest)
    rows = []
    for done, (item, attachment) in enumerate(files):
        cancel.check()
        progress(done, len(files), item.name)
        fields = read_invoice(Path(blob_path(item.sha256)).read_bytes(), item.name,
                              ocr=not attachment)  # fmt: skip
        apply_correction(fields, corrections.get(item.sha256))
        if attachment and not fields.found:
            continue
        rows.append(InvoiceRow(fields, item.sha256, buyer_problem=buyer_problem(
            fields, expected_buyer), attachment=attachment))  # fmt: skip
    progress(len(files), len(files), "")
    _mark_within_guid(rows)
    listing = InvoiceList(manifest.guid, rows)
    if register is not None:
        try:
            # an invoice filed among the attachments is claimed like any other
            seen = [(r.fields.file, r.sha256, r.fields) for r in rows]
            register.record_many(manifest.guid, seen, clerk)
            for row in rows:
                row.matches = register.lookup(manifest.guid, row.sha256, row.fields)
        except FpsError as exc:  # the shared database went away: the fields still count
            listing.register_error = exc
    return listing


def invoices_job(settings: Settings, manifest: Manifest, blob_path, clerk: str = "") -> Job:
    """The invoice list of a fetched GUID as a Job for the window and the CLI.

    When the register cannot be opened (the shared database is down), the fields
    are still listed and ``register_error`` says why duplicates were not checked.
    """

    def run(progress: Progress, cancel: CancelToken) -> JobResult:
        register, error = None, None
        try:
            register = open_register(settings)
        except FpsError as exc:
            error = exc
        try:
            corrections = CorrectionStore(settings.paths.data_dir).load(manifest.guid)
            listing = list_invoices(manifest, blob_path, register, university(settings), clerk,
                                    progress, cancel, corrections)  # fmt: skip
        finally:
            if register is not None:
                register.close()
        listing.register_error = listing.register_error or error
        return JobResult(
            QT_TRANSLATE_NOOP("Jobs", "Invoices: {count} · duplicates: {duplicates}"),
            data=listing,
            summary_params={
                "count": len(listing.rows),
                "duplicates": len(listing.duplicate_rows),
            },
        )

    return Job(QT_TRANSLATE_NOOP("Jobs", "Read invoices of {guid}"), run, "invoices",
               {"guid": manifest.guid})  # fmt: skip


def _mark_within_guid(rows: list[InvoiceRow]) -> None:
    """Renamed copies (same file, or same invoice in the same format) are twins."""
    first_by_identity: dict[tuple[str, str], InvoiceRow] = {}
    first_by_key: dict[str, InvoiceRow] = {}
    for row in rows:
        identities = [("sha", row.sha256)]
        if row.fields.key:
            identities.append((row.fields.format, row.fields.key))
        twin_of = next((first_by_identity[i] for i in identities if i in first_by_identity), None)
        if twin_of is not None:
            row.twins.append(twin_of.fields.file)
            twin_of.twins.append(row.fields.file)
            row.counted = False
            continue
        for identity in identities:
            first_by_identity[identity] = row
        if row.fields.key and row.fields.key in first_by_key:
            first = first_by_key[row.fields.key]
            first.other_formats.append(row.fields.file)
            row.other_formats.append(first.fields.file)
            row.counted = False
        elif row.fields.key:
            first_by_key[row.fields.key] = row


# -- files ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the invoice list, for XLSX and CSV alike: the writers loop over these.

    ``money``: a number with two decimals (``#,##0.00`` in Excel, ``1.00`` in CSV);
    ``total``: what the totals row shows under this column, if anything.
    """

    header: str
    width: int
    value: Callable[[InvoiceRow], object]
    money: bool = False
    total: Callable[[InvoiceList], object] | None = None


# The spreadsheet is for the finance office: Chinese names, whatever the UI language.
COLUMNS: tuple[Column, ...] = (
    Column("文件", 28, lambda r: r.fields.file, total=lambda listing: "合计"),
    Column("类型", 14, lambda r: kind_of(r.fields.kind).chinese),
    Column("发票代码", 14, lambda r: r.fields.code),
    Column("发票号码", 22, lambda r: r.fields.number),
    Column("开票日期", 12, lambda r: r.fields.date),
    Column("购买方", 28, lambda r: r.fields.buyer),
    Column("购买方税号", 22, lambda r: r.fields.buyer_tax_id),
    Column("销售方", 28, lambda r: r.fields.seller),
    Column("销售方税号", 22, lambda r: r.fields.seller_tax_id),
    Column("金额", 12, lambda r: _number(r.fields.amount), money=True),
    Column("税额", 12, lambda r: _number(r.fields.tax), money=True),
    Column("价税合计", 12, lambda r: _number(r.fields.total), money=True,
           total=lambda listing: listing.total),
    Column("校验码", 22, lambda r: r.fields.check_code),
    Column("乘车人", 10, lambda r: r.fields.passenger),
    Column("行程", 32, lambda r: r.fields.trip),
    Column("红字", 6, lambda r: "是" if r.fields.red_letter else ""),
    Column("手填", 24, lambda r: r.fields.entered_by and
           f"{r.fields.entered_by}: {entered_values(r.fields)}"),
    Column("OCR待核", 24, lambda r: ocr_values(r.fields)),
    Column("来源", 6, lambda r: r.fields.source),
    Column("重复", 40, lambda r: "; ".join(
        [f"{m.other.guid} {m.other.file}" for m in r.duplicates] + r.twins)),
)  # fmt: skip


def _number(text: str) -> float | str:
    return float(text) if text else ""


def _lines(listing: InvoiceList) -> list[list]:
    """Every row's cells, then the totals row (None under a column without a total)."""
    lines = [[column.value(row) for column in COLUMNS] for row in listing.rows]
    totals = [column.total(listing) if column.total else None for column in COLUMNS]
    return [*lines, totals]


def _csv_cell(column: Column, cell: object) -> object:
    if cell is None or cell == "":
        return ""
    return f"{cell:.2f}" if column.money else cell


def write_csv(listing: InvoiceList, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.header for column in COLUMNS])
        for cells in _lines(listing):
            writer.writerow(_csv_cell(c, cell) for c, cell in zip(COLUMNS, cells, strict=True))


def write_xlsx(listing: InvoiceList, path: Path) -> None:
    """Chinese headers, amounts as numbers with two decimals, a totals row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "发票"
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in _lines(listing):
        sheet.append(
            float(cell) if column.money and cell not in ("", None) else cell
            for column, cell in zip(COLUMNS, cells, strict=True)
        )
    sheet[sheet.max_row][0].font = Font(bold=True)
    for index, column in enumerate(COLUMNS, 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.money:
            for cell in sheet[letter][1:]:
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    book.save(path)


def duplicates_rows(groups: list[list[Sighting]]) -> list[list[str]]:
    """One line per sighting of a duplicated invoice, groups one after another."""
    lines = []
    for number, group in enumerate(groups, 1):
        for s in group:
            lines.append([str(number), s.number or s.sha256[:12], s.guid, s.file, s.seen,
                          s.seen_by, s.printed, s.printed_by, s.total, s.date])  # fmt: skip
    return lines


DUPLICATE_HEADERS = ("组", "发票号码", "GUID", "文件", "首次登记", "登记人", "打印时间", "打印人",
                     "价税合计", "开票日期")  # fmt: skip
