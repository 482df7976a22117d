"""The list of exported invoices as CSV or XLSX (seed 004: Excel from a template)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from fps_desktop.errors import QT_TRANSLATE_NOOP, ExportError

HEADER = ("tenant_id", "country_code", "invoice_no", "issue_date", "file")


def write_index(rows: list[tuple], output_dir: Path, kind: str, template: Path | None) -> Path:
    """Write ``index-<time>.csv|xlsx``; an XLSX template keeps its styles and header rows."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"index-{stamp}.{kind}"
    if kind == "csv":
        with open(target, "w", newline="", encoding="utf-8-sig") as handle:  # Excel-friendly
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(rows)
        return target
    import openpyxl

    if template is not None:
        try:
            book = openpyxl.load_workbook(template)
        except (OSError, ValueError, KeyError) as exc:
            raise ExportError(
                QT_TRANSLATE_NOOP("FpsError", "The Excel template {name} cannot be read."),
                name=template.name,
            ) from exc
        sheet = book.active
    else:
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("invoices")
        sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(target)
    return target
