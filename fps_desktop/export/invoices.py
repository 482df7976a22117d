"""Invoice export (seed 001): one JSON file per successfully issued invoice.

The server builds each invoice's JSON (lines included) and streams the rows
through an unbuffered cursor in id order, so memory stays flat and
Python only names and writes files. Files are written under a temporary name and
renamed; the per-tenant watermarks advance only after the files are on disk.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import logging
import os
import re
import shutil
import time
from array import array
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pymysql

from fps_desktop.errors import QT_TRANSLATE_NOOP, ExportError
from fps_desktop.export.db import DbSettings, connect, explain
from fps_desktop.export.mapping import Mapping
from fps_desktop.export.state import EPOCH, ExportState, TenantState
from fps_desktop.export.tables import IndexWriter
from fps_desktop.jobs import CancelToken, Progress, no_progress
from fps_desktop.storage import DISK_FULL, disk_full_error, write_all

log = logging.getLogger(__name__)

SAFETY_MARGIN = timedelta(minutes=5)
NAME_MAX = 240  # bytes; file systems allow 255
REMOVED = ".removed"  # files of invoices that no longer qualify are moved here
_BINARY = getattr(os, "O_BINARY", 0)
_UNSAFE = re.compile(r"[^\w.+-]")  # letters and digits of any script stay, Chinese included
_HOLDER = re.compile(rb'\{\s*"id":\s*(\d+)')
_ROW_ERRORS = {errno.ENAMETOOLONG, errno.EILSEQ, errno.EINVAL}  # the name's fault, not the disk's
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)),
            *(f"LPT{n}" for n in range(10))}  # fmt: skip


@dataclass
class ExportOptions:
    output_dir: Path
    incremental: bool = False
    threads: int = 1  # the main thread builds files meanwhile: two cores busy
    compress: bool = False
    dry_run: bool = False
    limit: int | None = None  # groups, as the seed's --limit
    tenant: int | None = None
    index_format: str | None = None  # "csv" or "xlsx": a list of what was exported
    template: Path | None = None  # XLSX template for the list
    margin: timedelta = SAFETY_MARGIN  # rows changed this recently wait for the next run


@dataclass
class SkippedRow:
    invoice_id: int
    tenant_id: int
    reason: str


@dataclass
class Collision:
    """An invoice whose plain file name belongs to another one: it got ``+{id}``."""

    invoice_id: int
    tenant_id: int
    name: str


@dataclass
class ExportSummary:
    groups: int = 0
    succeeded: int = 0
    failed: int = 0
    empty: int = 0
    invoices: int = 0
    files: int = 0
    failed_files: int = 0
    seconds: float = 0.0
    skipped: list[SkippedRow] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    removed: int = 0  # stale files moved to .removed
    per_tenant: dict[int, int] = field(default_factory=dict)  # files written
    index_file: Path | None = None
    dry_run: bool = False

    @property
    def per_invoice(self) -> float:
        return self.seconds / self.invoices if self.invoices else 0.0

    @property
    def headline(self) -> str:
        """The report's title: also the job's one-line result (context ExportSummary)."""
        if self.dry_run:
            return QT_TRANSLATE_NOOP("ExportSummary", "Dry run finished (nothing written)")
        return QT_TRANSLATE_NOOP("ExportSummary", "Export finished")

    def lines(self, translate=lambda context, text: text) -> list[str]:
        """The seed's closing report, field for field; ``translate`` is Qt's in the panel."""

        def tr(text: str) -> str:
            return translate("ExportSummary", text)

        title = tr(self.headline)
        fields = [
            (QT_TRANSLATE_NOOP("ExportSummary", "Groups"), f"{self.groups}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Succeeded groups"), f"{self.succeeded}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Failed groups"), f"{self.failed}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Empty groups"), f"{self.empty}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Invoices"), f"{self.invoices:,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Files written"), f"{self.files:,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Failed files"), f"{self.failed_files:,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Shared file names"), f"{len(self.collisions):,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Moved aside"), f"{self.removed:,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Duration"), f"{self.seconds:.2f} s"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Per invoice"), f"{self.per_invoice:.5f} s"),
        ]
        if self.index_file:
            fields.append((QT_TRANSLATE_NOOP("ExportSummary", "Index"), str(self.index_file)))
        rows = ["=" * 42, title, "=" * 42]
        rows += [f"{tr(label) + ':':<21}{value}" for label, value in fields]
        skipped = tr(
            QT_TRANSLATE_NOOP(
                "ExportSummary", "Skipped invoice id {id} (tenant {tenant}): {reason}"
            )
        )
        rows += [skipped.format(id=s.invoice_id, tenant=s.tenant_id, reason=s.reason)
                 for s in self.skipped[:50]]  # fmt: skip
        shared = tr(
            QT_TRANSLATE_NOOP(
                "ExportSummary",
                "Invoice id {id} (tenant {tenant}) shares its file name with another: {name}",
            )
        )
        rows += [shared.format(id=c.invoice_id, tenant=c.tenant_id, name=c.name)
                 for c in self.collisions[:50]]  # fmt: skip
        more = len(self.skipped[50:]) + len(self.collisions[50:])
        if more:
            text = QT_TRANSLATE_NOOP("ExportSummary", "... and {count} more rows (see the log)")
            rows.append(tr(text).format(count=more))
        return [*rows, "=" * 42]


@dataclass
class _Group:
    tenant_id: int
    country: str
    rows: int


def invoice_file_name(
    issue_date: str, invoice_no: str, compress: bool, invoice_id: int | None = None
) -> str:
    """``{YYYYMMDD}+{invoice_no}.json``, unsafe characters replaced by ``_``.

    ``invoice_id`` is given to an invoice whose plain name another one holds. A name too
    long for a file system keeps its start and ends in a hash of the whole.
    """
    suffix = "" if invoice_id is None else f"+{invoice_id}"
    extension = ".json.gz" if compress else ".json"
    stem = _fit(f"{issue_date}+{_UNSAFE.sub('_', invoice_no)}", NAME_MAX - len(suffix) - 8)
    return stem + suffix + extension


def path_part(text: str) -> str:
    """A tenant or country as a folder name: like invoice numbers, and never ``.``, ``..``,
    hidden (which would reach the staging or state folders) or a Windows device name."""
    part = _UNSAFE.sub("_", text) or "_"
    if part.startswith("."):
        part = "_" + part[1:]
    if part.split(".")[0].upper() in _DEVICES:
        part = "_" + part
    return _fit(part, NAME_MAX - len(_FileWriter.STAGING))


def _fit(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` UTF-8 bytes, else its start and a hash of the whole."""
    if len(text) * 4 <= limit:  # no character takes more than 4 bytes
        return text
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) <= limit:
        return text
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return raw[: limit - 17].decode("utf-8", "ignore") + "~" + digest


def _stem(name: str) -> str | None:
    """The name of an export file without its extension; ``None`` for anything else."""
    if name.startswith("."):
        return None
    for extension in (".json", ".json.gz"):
        if name.endswith(extension):
            return name[: -len(extension)]
    return None


class _Names:
    """The names given in this run, per folder, at 8 bytes each (a hash); one per row.

    It tells when a second invoice would get a name already given, and which files of a
    folder no invoice claimed. Two different names with one 64-bit hash would cost one
    invoice a ``+{id}`` suffix it did not need, never a file.
    """

    def __init__(self, expected: int) -> None:
        size = 1 << max(10, (expected * 3 // 2).bit_length())
        self.mask = size - 1
        self.slots = array("q", bytes(8 * size))

    def _find(self, folder: str, stem: str) -> tuple[int, int]:
        key = hash((folder, stem.lower())) or 1  # case-blind: Windows and macOS are
        index, slots = key & self.mask, self.slots
        while slots[index] and slots[index] != key:
            index = (index + 1) & self.mask
        return index, key

    def add(self, folder: str, stem: str) -> bool:
        """Claim the name ``stem`` (no extension) in ``folder``; False if already given."""
        index, key = self._find(folder, stem)
        if self.slots[index]:
            return False
        self.slots[index] = key
        return True

    def __contains__(self, item: tuple[str, str]) -> bool:
        index, _ = self._find(*item)
        return bool(self.slots[index])


def _holder(path: str) -> int | None:
    """The invoice id a file already holds, read from its first bytes."""
    try:
        with (gzip.open if path.endswith(".gz") else open)(path, "rb") as handle:
            head = handle.read(48)
    except (OSError, EOFError):
        return None
    match = _HOLDER.match(head)
    return int(match.group(1)) if match else None


class InvoiceExporter:
    def __init__(self, db: DbSettings, options: ExportOptions, mapping: Mapping | None = None):
        self.db = db
        self.options = options
        self.mapping = mapping or Mapping()
        self.state = ExportState(options.output_dir)

    def run(self, progress: Progress = no_progress, cancel: CancelToken | None = None):
        cancel = cancel or CancelToken()
        started = time.perf_counter()
        lock = contextlib.nullcontext() if self.options.dry_run else self.state.locked()
        with lock:
            summary = self._run(progress, cancel)
        summary.seconds = time.perf_counter() - started
        summary.dry_run = self.options.dry_run
        log.info("export finished in %.2f s: %d invoices, %d files, %d skipped, %d sharing a "
                 "name, %d moved aside", summary.seconds, summary.invoices, summary.files,
                 len(summary.skipped), len(summary.collisions), summary.removed)  # fmt: skip
        return summary

    # -- the run --------------------------------------------------------------------------

    def _run(self, progress: Progress, cancel: CancelToken) -> ExportSummary:
        states = self.state.load()
        started = time.perf_counter()
        connection = connect(self.db)
        try:
            with connection.cursor() as cursor:
                boundary = self._boundary(cursor)
                tenants = self._tenants(cursor)
                windows = self._windows(states, tenants, boundary)
                groups = self._groups(cursor, tenants, windows)
        except pymysql.Error as exc:
            raise explain(exc, self.db) from exc
        finally:
            connection.close()
        log.info("%d tenants, %d groups, changes up to %s (%.2f s)", len(tenants), len(groups),
                 boundary, time.perf_counter() - started)  # fmt: skip
        left_out: set[int] = set()
        if self.options.limit is not None:
            left_out = {g.tenant_id for g in groups[self.options.limit :]}
            groups = groups[: self.options.limit]
        if not self.options.dry_run:
            self.state.backup()
        summary = ExportSummary(groups=len(groups))
        summary.empty = sum(1 for g in groups if g.rows == 0)
        busy = [g for g in groups if g.rows]
        total = sum(g.rows for g in busy)
        if self.options.dry_run:
            summary.invoices = total
            summary.succeeded = len(groups) - summary.empty
            return summary
        names = _Names(total)
        failed: dict[int, set[str]] = {}  # tenant -> folders with a file not written
        created: set[str] = set()  # folders new to this run: every file in them is claimed
        if busy:
            failed, created = self._stream(busy, windows, summary, total, names, progress,
                                           cancel)  # fmt: skip
        _flush_to_disk()
        if not self.options.incremental:
            swept = [t for t in tenants if t not in left_out]
            summary.removed = self._move_aside_stale(swept, names, failed, created)
        self._advance(states, tenants, set(failed), left_out, boundary, summary)
        return summary

    def _boundary(self, cursor) -> datetime:
        """Export changes up to here: the safety margin ago, and before any open transaction.

        A transaction still open may commit rows whose ``updated_at`` lies long before its
        commit; no boundary past its start is safe, however long it stays open.
        """
        cursor.execute("SELECT NOW()")
        (now,) = cursor.fetchone()
        boundary = now - self.options.margin
        try:
            cursor.execute(
                "SELECT MIN(trx_started) FROM information_schema.INNODB_TRX "
                "WHERE trx_mysql_thread_id <> CONNECTION_ID() "
                "AND (trx_rows_modified > 0 OR trx_query IS NOT NULL)"
            )
            (oldest,) = cursor.fetchone()
        except pymysql.Error as exc:
            log.info("open transactions cannot be seen (%s); relying on the %s margin", exc,
                     self.options.margin)  # fmt: skip
            oldest = None
        if oldest is not None and oldest - timedelta(seconds=1) < boundary:
            log.info("a transaction open since %s holds the boundary back", oldest)
            boundary = oldest - timedelta(seconds=1)
        return boundary.replace(microsecond=0)

    def _tenants(self, cursor) -> list[int]:
        """Every tenant: those with invoices, and those of the tenants table without any."""
        if self.options.tenant is not None:
            return [self.options.tenant]
        m = self.mapping
        cursor.execute(f"SELECT DISTINCT {m.column('tenant_id')} FROM {m.table('invoices')} i")
        tenants = {int(row[0]) for row in cursor.fetchall()}
        try:
            cursor.execute(f"SELECT {m.column('id', 't')} FROM {m.table('tenants')} t")
            tenants.update(int(row[0]) for row in cursor.fetchall())
        except (pymysql.Error, ValueError, TypeError) as exc:
            log.info("no tenants table to list tenants without invoices: %s", exc)
        return sorted(tenants)

    def _windows(self, states, tenants, boundary) -> dict[int, tuple[datetime, datetime] | None]:
        """Per tenant: (after, up to) for incremental runs, ``None`` for everything."""
        if not self.options.incremental:
            return dict.fromkeys(tenants)
        return {t: (self.state.watermark(states, t), boundary) for t in tenants}

    def _where(self, windows) -> tuple[str, list]:
        m = self.mapping
        clauses, params = [], [m.issued_status]
        for tenant, window in windows.items():
            if window is None:
                clauses.append(f"{m.column('tenant_id')} = %s")
                params.append(tenant)
            else:
                clauses.append(f"({m.column('tenant_id')} = %s AND {m.column('updated_at')} > %s "
                               f"AND {m.column('updated_at')} <= %s)")  # fmt: skip
                params += [tenant, window[0], window[1]]
        condition = " OR ".join(clauses) or "FALSE"
        return f"{m.column('status')} = %s AND ({condition})", params

    def _groups(self, cursor, tenants, windows) -> list[_Group]:
        m = self.mapping
        where, params = self._where(windows)
        every = {t: None for t in tenants}
        all_where, all_params = self._where(every)
        cursor.execute(
            f"SELECT g.tenant, g.country, COALESCE(c.n, 0) FROM "
            f"(SELECT DISTINCT {m.column('tenant_id')} tenant, {m.column('country_code')} country "
            f" FROM {m.table('invoices')} i WHERE {all_where}) g LEFT JOIN "
            f"(SELECT {m.column('tenant_id')} tenant, {m.column('country_code')} country, "
            f" COUNT(*) n FROM {m.table('invoices')} i WHERE {where} GROUP BY 1, 2) c "
            f"ON c.tenant = g.tenant AND c.country = g.country ORDER BY 1, 2",
            all_params + params,
        )
        return [_Group(int(t), str(c), int(n)) for t, c, n in cursor.fetchall()]

    def _select(self, groups: list[_Group], windows, mariadb: bool) -> tuple[str, list]:
        """One streamed query; the server builds each file's JSON, in id order.

        Id order comes free from the primary key and makes the lowest id keep a shared
        name. The lines' array must be marked as JSON to nest unescaped: MariaDB's
        JSON_COMPACT does it at half the cost of JSON_EXTRACT.
        """
        m = self.mapping
        where, params = self._where({g.tenant_id: windows[g.tenant_id] for g in groups})
        pairs = " OR ".join(
            f"({m.column('tenant_id')} = %s AND {m.column('country_code')} = %s)" for _ in groups
        )
        for group in groups:
            params += [group.tenant_id, group.country]
        c = m.column
        fields = ", ".join(
            f"'{name}', {c(name)}" for name in (
                "id", "invoice_no", "tenant_id", "country_code", "invoice_type", "issue_date",
                "status", "currency", "net_amount", "tax_amount", "gross_amount",
                "seller_name", "seller_tax_id", "buyer_name", "buyer_tax_id", "updated_at")
        )  # fmt: skip
        line_fields = ", ".join(
            f"'{name}', {c(name, 'l')}" for name in (
                "line_no", "description", "quantity", "uom_code", "unit_price",
                "tax_category", "tax_rate", "line_amount")
        )  # fmt: skip
        lines = (
            f"COALESCE((SELECT JSON_ARRAYAGG(JSON_OBJECT({line_fields})) "
            f"FROM {m.table('invoice_lines')} l WHERE {c('invoice_id', 'l')} = {c('id')}), '[]')"
        )
        lines = f"JSON_COMPACT({lines})" if mariadb else f"JSON_EXTRACT({lines}, '$')"
        listed = ""
        if self.options.index_format:
            # one column, fields apart by the unit separator: a column costs the driver more
            values = [f"COALESCE(CAST({c(n)} AS CHAR), '')" for n in IndexWriter.FROM_DATABASE]
            values.append(
                f"COALESCE(DATE_FORMAT({c('updated_at')}, '%%Y-%%m-%%d %%H:%%i:%%s'), '')"
            )
            listed = f", CONCAT_WS(CHAR(31 USING utf8mb4), {', '.join(values)})"
        sql = (
            f"SELECT {c('tenant_id')}, {c('country_code')}, "
            f"DATE_FORMAT({c('issue_date')}, '%%Y%%m%%d'), {c('invoice_no')}, {c('id')}, "
            f"JSON_OBJECT({fields}, 'lines', {lines}){listed} "
            f"FROM {m.table('invoices')} i WHERE {where} AND ({pairs}) ORDER BY {c('id')}"
        )
        return sql, params

    def _stream(self, groups, windows, summary, total, names, progress, cancel):
        """Write every row's file.

        Returns the tenants with a failed file (and those folders), and the folders created.
        """
        out = self.options.output_dir
        compress, incremental = self.options.compress, self.options.incremental
        group_failed: dict[tuple[int, str], bool] = {}
        per_group: dict[tuple[int, str], int] = {}
        written = 0
        index = (
            IndexWriter(out, self.options.index_format, self.options.template)
            if self.options.index_format
            else None
        )
        folders: dict[tuple[int, str], tuple[str, bool, str]] = {}  # path, existed, relative
        cut = -len(".json.gz") if compress else -len(".json")
        started = time.perf_counter()
        connection = connect(self.db, streaming=True)
        sql, params = self._select(groups, windows, "MariaDB" in connection.get_server_info())
        writer = _FileWriter(out, max(1, self.options.threads), compress)
        cursor = connection.cursor()
        try:
            self._explain(connection, sql, params)
            cursor.execute(sql, params)
            for row in _rows(cursor):
                tenant, country, date, number, invoice_id, document = row[:6]
                key = (int(tenant), (country or b"").decode("utf-8", "replace"))
                group_failed.setdefault(key, False)
                if written % 256 == 0:
                    cancel.check()
                    progress(written, total, f"{key[0]}/{key[1]}")
                written += 1
                summary.invoices += 1
                problem = _problem(number, date, document)
                if problem:
                    self._skip(summary, int(invoice_id), key[0], problem)
                    continue
                place = folders.get(key)
                if place is None:  # plain strings here: pathlib costs more than the write
                    relative = os.path.join(path_part(str(key[0])), path_part(key[1]))
                    path = os.path.join(out, relative)
                    place = folders[key] = (path, os.path.isdir(path), relative + os.sep)
                folder, existed, relative = place
                number, date = number.decode(), date.decode()
                name = invoice_file_name(date, number, compress)
                held = incremental and existed and _holder(os.path.join(folder, name))
                if held not in (None, False, invoice_id) or not names.add(folder, name[:cut]):
                    # another invoice has this name: this one gets its own (one slot a row)
                    name = invoice_file_name(date, number, compress, invoice_id)
                    names.add(folder, name[:cut])
                    summary.collisions.append(Collision(invoice_id, key[0], name))
                    log.warning("invoice id %s shares its file name; written as %s", invoice_id,
                                os.path.join(folder, name))  # fmt: skip
                writer.submit(folder, name, document, (invoice_id, key))
                per_group[key] = per_group.get(key, 0) + 1
                if index is not None:
                    index.add(key[0], key[1], number, date, row[6], relative + name)
            writer.finish()
        except pymysql.Error as exc:
            writer.abandon()
            _abort(connection, cursor)
            if index is not None:
                index.abandon()
            raise explain(exc, self.db) from exc
        except BaseException:
            writer.abandon()
            _abort(connection, cursor)
            if index is not None:
                index.abandon()
            raise
        cursor.close()
        connection.close()
        progress(written, total, "")
        log.info("%d rows streamed and written in %.2f s", written, time.perf_counter() - started)
        summary.files = writer.written
        failed: dict[int, set[str]] = {}
        for target, exc, (invoice_id, key) in writer.failures:
            per_group[key] -= 1
            if exc.errno in _ROW_ERRORS:  # this row's name: others must not wait for it
                self._skip(summary, invoice_id, key[0], f"cannot be written: {exc.strerror}")
                continue
            failed.setdefault(key[0], set()).add(os.path.dirname(target))
            group_failed[key] = True
            summary.failed_files += 1
            log.warning("cannot write %s: %s", target, exc)
        for key, count in sorted(per_group.items()):
            summary.per_tenant[key[0]] = summary.per_tenant.get(key[0], 0) + count
            log.info("group %s/%s: %d files%s", key[0], key[1], count,
                     " (some failed)" if group_failed[key] else "")  # fmt: skip
        summary.failed = sum(group_failed.values())
        summary.succeeded = len(group_failed) - summary.failed
        if index is not None:
            started = time.perf_counter()
            summary.index_file = index.close(summary.skipped, summary.collisions)
            log.info("index %s written in %.2f s", summary.index_file,
                     time.perf_counter() - started)  # fmt: skip
        return failed, writer.created

    @staticmethod
    def _skip(summary: ExportSummary, invoice_id: int, tenant: int, reason: str) -> None:
        summary.skipped.append(SkippedRow(invoice_id, tenant, reason))
        summary.failed_files += 1
        log.warning("export skipped invoice id %s: %s", invoice_id, reason)

    @staticmethod
    def _explain(connection, sql: str, params: list) -> None:
        """The query plan, for ``--verbose``."""
        if not log.isEnabledFor(logging.DEBUG):
            return
        with connection.cursor(pymysql.cursors.Cursor) as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            for row in cursor.fetchall():
                log.debug("query plan: %s", [v.decode() if isinstance(v, bytes) else v
                                             for v in row])  # fmt: skip

    def _move_aside_stale(self, tenants: list[int], names: _Names, failed, created) -> int:
        """Move files no qualifying invoice claims to ``.removed/`` (full runs only).

        A folder where a file failed is left alone: its claims are not complete.
        """
        out = str(self.options.output_dir)
        skip = set().union(created, *failed.values())
        moved = 0
        for tenant in tenants:
            tenant_dir = os.path.join(out, path_part(str(tenant)))
            for folder in _subfolders(tenant_dir):
                if folder in skip:
                    continue
                for entry in os.scandir(folder):
                    stem = _stem(entry.name)
                    if stem is None or (folder, stem) in names or not entry.is_file():
                        continue
                    target = os.path.join(out, REMOVED, os.path.relpath(entry.path, out))
                    try:
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        os.replace(entry.path, target)
                    except OSError as exc:  # it stays where it is; the next full run retries
                        log.warning("cannot move aside %s: %s", entry.path, exc)
                        continue
                    moved += 1
                    log.info("moved aside %s: no qualifying invoice has this name", entry.path)
        return moved

    def _advance(self, states, tenants, failed, left_out, boundary, summary) -> None:
        """Record the new watermarks once the files are on disk; a line for every tenant.

        A tenant with a file not written says FAILED and keeps the time of its last good
        run, so its invoices are exported again next time; tenants cut by --limit keep
        their line as it was.
        """
        for tenant in tenants:
            old = states.get(tenant)
            count = summary.per_tenant.get(tenant, 0)
            if tenant in failed:
                since = old.export_time if old else EPOCH
                states[tenant] = TenantState(tenant, since, count, "FAILED")
            elif tenant not in left_out:
                states[tenant] = TenantState(tenant, boundary, count, "SUCCESS")
        self.state.save(states)


def _subfolders(folder: str) -> list[str]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return [e.path for e in entries if not e.name.startswith(".") and e.is_dir()]


def _abort(connection, cursor) -> None:
    """Drop an unbuffered stream at once: closing its cursor would first read every row.

    pymysql has no public way to abandon a stream, so its result is told it is done.
    """
    result = getattr(cursor, "_result", None)
    if result is not None:
        result.unbuffered_active = False
    cursor.connection = None
    with contextlib.suppress(pymysql.Error, OSError):
        connection.close()


def _rows(cursor) -> Iterator[tuple]:
    while batch := cursor.fetchmany(1000):
        yield from batch


def _problem(number: bytes | None, date: bytes | None, document: bytes | None) -> str:
    if not number or not number.strip():
        return "missing invoice number"
    if not date or date.startswith(b"0000"):
        return "invalid issue date"
    try:
        number.decode("utf-8")
        (document or b"").decode("utf-8")
    except UnicodeDecodeError:
        return "text is not valid UTF-8"
    return ""


class _FileWriter:
    """Writes files in batches, so that a file under its real name is always whole.

    A folder new to this run is filled under a hidden staging name and renamed into
    place when the run's files are all written: one rename for the folder instead of
    one per file, which halves the cost of a first export. In a folder that already
    exists each file goes to a temporary name and is renamed over the old one.
    """

    BATCH = 512
    STAGING = ".{}.partial"

    def __init__(self, output_dir: Path, threads: int, compress: bool) -> None:
        self.compress = compress
        # One writer is the export's own thread: no GIL hand-off per file, and the server
        # builds the next rows meanwhile. More writers help only where each file waits.
        self.pool = (
            ThreadPoolExecutor(threads, thread_name_prefix="export-writer") if threads > 1 else None
        )
        self.in_flight: deque = deque()
        self.max_in_flight = threads * 2
        self.batch: list[tuple[str, str, bytes, str | None, object]] = []
        self.written = 0
        self.failures: list[tuple[str, OSError, object]] = []  # target, error, caller's tag
        self._staging: dict[str, str | None] = {}  # folder -> its staging folder, if new
        self._batches = 0
        for leftover in output_dir.glob("*/" + self.STAGING.format("*")):  # a killed run's
            shutil.rmtree(leftover, ignore_errors=True)

    def submit(self, folder: str, name: str, data: bytes, tag: object = None) -> None:
        if folder not in self._staging:
            if os.path.isdir(folder):
                self._staging[folder] = None
                for leftover in Path(folder).glob(".*.tmp"):  # from a killed run
                    leftover.unlink(missing_ok=True)
            else:
                head, tail = os.path.split(folder)
                staging = self._staging[folder] = os.path.join(head, self.STAGING.format(tail))
                os.makedirs(staging)
        self.batch.append((folder, name, data, self._staging[folder], tag))
        if len(self.batch) >= self.BATCH:
            self._send()

    def _send(self) -> None:
        if not self.batch:
            return
        self._batches += 1
        if self.pool is None:
            self._count(*self._write(self._batches, self.batch))
        else:
            self.in_flight.append(self.pool.submit(self._write, self._batches, self.batch))
        self.batch = []
        while len(self.in_flight) > self.max_in_flight:  # bounded memory
            self._count(*self.in_flight.popleft().result())

    def _write(self, number: int, batch: list[tuple[str, str, bytes, str | None, object]]):
        done, failures = 0, []
        for index, (folder, name, data, staging, tag) in enumerate(batch):
            target = os.path.join(folder, name)
            # same folder: cheapest rename; a staging folder is hidden as a whole
            path = os.path.join(staging, name) if staging else f"{folder}/.{number}-{index}.tmp"
            try:
                if self.compress:
                    data = gzip.compress(data, compresslevel=6, mtime=0)
                if not staging and _same_content(target, data):  # reading beats writing
                    done += 1
                    continue
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o644)
                try:
                    write_all(fd, data)
                    if not hasattr(os, "sync"):  # no system-wide flush here: one file at a time
                        os.fsync(fd)
                finally:
                    os.close(fd)
                if not staging:
                    os.replace(path, target)
                done += 1
            except OSError as exc:
                with contextlib.suppress(OSError):
                    os.unlink(path)
                failures.append((target, exc, tag))
                if exc.errno in DISK_FULL:
                    break
        return done, failures

    def _count(self, done: int, failures: list[tuple[str, OSError, object]]) -> None:
        self.written += done
        self.failures += failures
        if any(exc.errno in DISK_FULL for _, exc, _ in failures):
            raise disk_full_error(Path(failures[0][0]).parent)

    @property
    def created(self) -> set[str]:
        return {folder for folder, staging in self._staging.items() if staging}

    def finish(self) -> None:
        self._send()
        while self.in_flight:
            self._count(*self.in_flight.popleft().result())
        if self.pool is not None:
            self.pool.shutdown()
        for folder, staging in self._staging.items():
            if staging:
                _publish(staging, folder)

    def abandon(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        self.in_flight.clear()
        for staging in filter(None, self._staging.values()):
            shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: str, folder: str) -> None:
    """Give a staged folder its real name; file by file when the folder cannot be renamed.

    Windows refuses to rename a folder while a virus scanner still reads a file in it,
    and the real folder may have appeared meanwhile (created by hand, or a share's sync).
    """
    for pause in (0.05, 0.2, 0.5):
        try:
            os.rename(staging, folder)
            return
        except OSError:
            if os.path.exists(folder):
                break
            time.sleep(pause)
    os.makedirs(folder, exist_ok=True)
    for entry in os.scandir(staging):
        os.replace(entry.path, os.path.join(folder, entry.name))
    os.rmdir(staging)


def _same_content(target: str, data: bytes) -> bool:
    try:
        if os.stat(target).st_size != len(data):
            return False
        with open(target, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _flush_to_disk() -> None:
    """Make the written files durable before any watermark moves (files fsync'd on Windows)."""
    if hasattr(os, "sync"):
        os.sync()


def output_dir_from(settings, override: Path | None) -> Path:
    if override is not None:
        return override
    configured = settings.get("export.output_dir")
    if configured:
        return Path(configured)
    return settings.paths.data_dir / "export" / "invoices"


def ensure_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            QT_TRANSLATE_NOOP("FpsError", "Cannot create the export folder {folder}: {reason}"),
            folder=str(folder),
            reason=exc.strerror or str(exc),
        ) from exc
