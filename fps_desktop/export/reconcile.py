"""Reconciliation: each run compares a fingerprint of what the database holds with the
one recorded for what was exported, and exports again exactly the buckets that differ.

The watermark trusts ``updated_at`` and commit order. A transaction held open past the
margin by a user without ``PROCESS``, a write that waited behind a backup lock, a writer
in another time zone, a change to an invoice's lines alone or a voided invoice slips
past it; none of them slips past a fingerprint of the rows themselves.

Buckets are cheap to compute and map straight onto files:

- issued invoices per tenant, country and issue month: the files of one folder whose
  names start with that month, so a bucket that differs is written again and its files
  that no invoice claims any more are moved to ``.removed/``;
- invoice lines per range of ``LINE_RANGE`` invoice ids (lines carry neither a tenant nor
  a change time): a range that differs writes its issued invoices again.

Each bucket is (rows, BIT_XOR of one CRC32 a row over every exported column), the
cheapest hash the server offers. Built from the row it costs a pass over every row of both
tables (about 1.7 s of server time at 525,230 invoices); where the tables carry the stored
``row_hash`` column of the reference schema, kept by the server on each write, and its
index, the fingerprint reads those narrow indexes instead. An invoice's hash is taken
over its id and the hash of its other columns, since a generated column may not read an
AUTO_INCREMENT id; with or without the column the value is the same. The fingerprint is
measured before the run reads its rows, so a recorded one never claims more than the
files hold: a change landing in between differs again next run.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pymysql

from fps_desktop.export.db import DbSettings, connect, explain
from fps_desktop.export.mapping import Mapping
from fps_desktop.export.state import write_state_file

log = logging.getLogger(__name__)

LINE_RANGE = 4096  # invoice ids per bucket of lines
VERSION = 2  # 2: an invoice's hash is CRC32(id | the hash of its other columns)
ROW_HASH = "row_hash"  # the optional stored column holding a row's hash (schema.sql)
CHAR_COLUMNS = ("country_code", "currency")  # hashed as RTRIM(...), as the stored column must
INVOICE_COLUMNS = ("invoice_no", "tenant_id", "country_code", "invoice_type",
                   "issue_date", "status", "currency", "net_amount", "tax_amount",
                   "gross_amount", "seller_name", "seller_tax_id", "buyer_name",
                   "buyer_tax_id", "updated_at")  # fmt: skip
LINE_COLUMNS = ("invoice_id", "line_no", "description", "quantity", "uom_code", "unit_price",
                "tax_category", "tax_rate", "line_amount")  # fmt: skip

Digest = tuple[int, int]  # rows, BIT_XOR(CRC32)
Month = tuple[str, int | None]  # country, YYYYMM of the issue date


@dataclass
class Fingerprint:
    invoices: dict[int, dict[Month, Digest]] = field(default_factory=dict)
    lines: dict[int, Digest] = field(default_factory=dict)
    tenants: set[int] = field(default_factory=set)  # recorded, those without invoices too


@dataclass
class Changes:
    """What differs between the database and the files of one run."""

    whole: set[int]  # tenants never recorded: everything of them
    months: dict[int, set[Month]]  # per tenant, the months that differ
    ranges: set[int]  # ranges of invoice ids whose lines differ


def measure(db: DbSettings, mapping: Mapping, tenant: int | None) -> Fingerprint:
    """The database's fingerprint now; invoices and lines on two connections at once."""
    m = mapping
    kept = _hashed_tables(db, m)
    invoice_hash = (
        m.column(ROW_HASH)
        if "invoices" in kept
        else _hash(
            f"RTRIM({m.column(c)})" if c in CHAR_COLUMNS else m.column(c) for c in INVOICE_COLUMNS
        )
    )
    line_hash = (
        m.column(ROW_HASH, "l")
        if "invoice_lines" in kept
        else _hash(m.column(c, "l") for c in LINE_COLUMNS)
    )
    invoices = (
        f"SELECT {m.column('tenant_id')}, {m.column('country_code')}, "
        f"{m.column('issue_date')} DIV 100, "
        f"COUNT(*), BIT_XOR({_hash([m.column('id'), invoice_hash])}) "
        f"FROM {m.table('invoices')} i WHERE {m.column('status')} = %s"
    )
    params: list = [m.issued_status]
    if tenant is not None:
        invoices += f" AND {m.column('tenant_id')} = %s"
        params.append(tenant)
    lines = (
        f"SELECT {m.column('invoice_id', 'l')} DIV {LINE_RANGE}, COUNT(*), BIT_XOR({line_hash}) "
        f"FROM {m.table('invoice_lines')} l"
    )
    with ThreadPoolExecutor(1, "export-fingerprint") as pool:
        lines_rows = pool.submit(_rows, db, lines + " GROUP BY 1", [])
        invoice_rows = _rows(db, invoices + " GROUP BY 1, 2, 3", params)
        fingerprint = Fingerprint()
        for tenant_id, country, month, *digest in invoice_rows:
            bucket = (str(country), None if month is None else int(month))
            fingerprint.invoices.setdefault(int(tenant_id), {})[bucket] = _ints(digest)
        fingerprint.lines = {int(r): _ints(digest) for r, *digest in lines_rows.result()}
    return fingerprint


def _hash(columns) -> str:
    return f"CRC32(CONCAT_WS('|', {', '.join(columns)}))"


def _hashed_tables(db: DbSettings, m: Mapping) -> set[str]:
    """The tables (by their reference names) that carry the ``row_hash`` column."""
    names = {m.tables.get(t, t).lower(): t for t in ("invoices", "invoice_lines")}
    rows = _rows(
        db,
        "SELECT TABLE_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
        "AND COLUMN_NAME = %s AND LOWER(TABLE_NAME) IN (%s, %s)",
        [m.columns.get(ROW_HASH, ROW_HASH), *names],
    )
    return {names[name.lower()] for (name,) in rows}


def _ints(values) -> Digest:
    return (int(values[0]), int(values[1]))


def _rows(db: DbSettings, sql: str, params: list) -> list[tuple]:
    connection = connect(db)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
    except pymysql.Error as exc:
        raise explain(exc, db) from exc
    finally:
        connection.close()


def compare(stored: Fingerprint, current: Fingerprint, tenants: list[int]) -> Changes:
    whole = {t for t in tenants if t not in stored.tenants}
    months = {}
    for tenant in tenants:
        if tenant in whole:
            continue
        old, new = stored.invoices.get(tenant, {}), current.invoices.get(tenant, {})
        buckets = old.keys() | new.keys()
        differing = {b for b in buckets if old.get(b) != new.get(b)}
        # Countries that differ only in case share a folder: a month is read for all of them,
        # or the files of the others would look unclaimed.
        folders = {(country.upper(), month) for country, month in differing}
        differing |= {b for b in buckets if (b[0].upper(), b[1]) in folders}
        if differing:
            months[tenant] = differing
    ranges = {r for r in stored.lines.keys() | current.lines.keys()
              if stored.lines.get(r) != current.lines.get(r)}  # fmt: skip
    return Changes(whole, months, ranges)


class FingerprintFile:
    """``.export_state/.fingerprint``: what the exported files hold, per bucket."""

    def __init__(self, state_folder: Path) -> None:
        self.path = state_folder / ".fingerprint"

    def load(self) -> Fingerprint:
        """The recorded fingerprint; an empty one (everything differs) if none is readable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != VERSION:
                raise ValueError(f"version {data.get('version')}")
            fingerprint = Fingerprint(tenants=set(data["tenants"]))
            for tenant, country, month, *digest in data["invoices"]:
                fingerprint.invoices.setdefault(tenant, {})[(country, month)] = _ints(digest)
            fingerprint.lines = {r: _ints(digest) for r, *digest in data["lines"]}
            return fingerprint
        except FileNotFoundError:
            return Fingerprint()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s cannot be read (%s): every tenant is exported again", self.path, exc)
            return Fingerprint()

    def save(self, fingerprint: Fingerprint) -> None:
        data = {
            "version": VERSION,
            "tenants": sorted(fingerprint.tenants),
            "invoices": [
                [tenant, country, month, *digest]
                for tenant, buckets in sorted(fingerprint.invoices.items())
                for (country, month), digest in sorted(buckets.items(), key=str)
            ],
            "lines": [[r, *digest] for r, digest in sorted(fingerprint.lines.items())],
        }
        write_state_file(self.path, json.dumps(data, separators=(",", ":")))


def recorded(
    stored: Fingerprint, current: Fingerprint, done: list[int], lines_done: bool
) -> Fingerprint:
    """The fingerprint to record after a run: ``done`` tenants as measured, the others
    as before; the lines' only when every tenant of the run was written."""
    result = Fingerprint(
        invoices=dict(stored.invoices),
        lines=dict(current.lines if lines_done else stored.lines),
        tenants=stored.tenants | set(done),
    )
    for tenant in done:
        result.invoices[tenant] = current.invoices.get(tenant, {})
    return result


def month_prefix(month: int | None) -> str | None:
    """The start of the file names of one issue month (``202502``); none for no date."""
    return None if not month or month < 10000 else f"{month:06d}"
