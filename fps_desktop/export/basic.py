"""Basic-data export (seed 001's export_basic_data.py) to the seed's folder layout.

basic-data/global/currencies.json, global/invoice-types.json
basic-data/codes/{uom-codes,tax-category-codes,payment-means}/{country}.json
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pymysql

from fps_desktop.errors import QT_TRANSLATE_NOOP
from fps_desktop.export.db import DbSettings, connect, explain
from fps_desktop.export.mapping import Mapping
from fps_desktop.jobs import CancelToken, JobResult, Progress, no_progress
from fps_desktop.storage import write_atomically

GLOBAL_TABLES = {"currencies": "currencies.json", "invoice_types": "invoice-types.json"}
CODE_TABLES = {
    "uom_codes": "uom-codes",
    "tax_category_codes": "tax-category-codes",
    "payment_means": "payment-means",
}


def export_basic_data(
    db: DbSettings,
    output_dir: Path,
    mapping: Mapping | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> JobResult:
    mapping = mapping or Mapping()
    cancel = cancel or CancelToken()
    started = time.perf_counter()
    written: list[Path] = []
    steps = len(GLOBAL_TABLES) + len(CODE_TABLES)
    connection = connect(db)
    try:
        with connection.cursor(pymysql.cursors.DictCursor) as cursor:
            for step, (table, name) in enumerate(GLOBAL_TABLES.items()):
                cancel.check()
                progress(step, steps, table)
                cursor.execute(f"SELECT * FROM {mapping.table(table)} ORDER BY 1")
                written.append(_write(output_dir / "global" / name, cursor.fetchall()))
            for step, (table, folder) in enumerate(CODE_TABLES.items(), len(GLOBAL_TABLES)):
                cancel.check()
                progress(step, steps, table)
                cursor.execute(f"SELECT * FROM {mapping.table(table)} ORDER BY 1, 2")
                by_country: dict[str, list[dict]] = {}
                for row in cursor.fetchall():
                    by_country.setdefault(row.pop("country_code"), []).append(row)
                for country, rows in sorted(by_country.items()):
                    target = output_dir / "codes" / folder / f"{country}.json"
                    written.append(_write(target, rows))
    except pymysql.Error as exc:
        raise explain(exc, db) from exc
    finally:
        connection.close()
    progress(steps, steps, "")
    seconds = time.perf_counter() - started
    return JobResult(
        QT_TRANSLATE_NOOP("Jobs", "{count} files in {folder} ({seconds} s)"), output_dir,
        data=written, summary_params={"count": len(written), "folder": output_dir,
                                      "seconds": f"{seconds:.2f}"},
    )  # fmt: skip


def _write(target: Path, rows: list[dict]) -> Path:
    text = json.dumps(rows, ensure_ascii=False, indent=2, default=_plain)
    write_atomically(target, text.encode("utf-8"))
    return target


def _plain(value):
    """Decimals and dates as JSON numbers and strings."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value) if value % 1 else int(value)
    return str(value)
