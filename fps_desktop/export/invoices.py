"""Invoice export (seed 001): one JSON file per successfully issued invoice.

The server builds each invoice's JSON (lines included) and streams the rows
through an unbuffered cursor in tenant/country order, so memory stays flat and
Python only names and writes files. Files are written under a temporary name and
renamed; the per-tenant watermarks advance only after the files are on disk.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import os
import re
import shutil
import time
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
from fps_desktop.export.state import ExportState, TenantState
from fps_desktop.export.tables import write_index
from fps_desktop.jobs import CancelToken, Progress, no_progress
from fps_desktop.storage import DISK_FULL, disk_full_error, write_all

log = logging.getLogger(__name__)

SAFETY_MARGIN = timedelta(minutes=5)
_BINARY = getattr(os, "O_BINARY", 0)
_UNSAFE = re.compile(r"[^\w.+-]")  # letters and digits of any script stay, Chinese included


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


@dataclass
class SkippedRow:
    invoice_id: int
    tenant_id: int
    reason: str


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
    per_tenant: dict[int, int] = field(default_factory=dict)  # files written
    index_file: Path | None = None
    dry_run: bool = False

    @property
    def per_invoice(self) -> float:
        return self.seconds / self.invoices if self.invoices else 0.0

    def lines(self, translate=lambda context, text: text) -> list[str]:
        """The seed's closing report, field for field; ``translate`` is Qt's in the panel."""

        def tr(text: str) -> str:
            return translate("ExportSummary", text)

        title = tr(
            QT_TRANSLATE_NOOP("ExportSummary", "Dry run finished (nothing written)")
            if self.dry_run
            else QT_TRANSLATE_NOOP("ExportSummary", "Export finished")
        )
        fields = [
            (QT_TRANSLATE_NOOP("ExportSummary", "Groups"), f"{self.groups}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Succeeded groups"), f"{self.succeeded}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Failed groups"), f"{self.failed}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Empty groups"), f"{self.empty}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Invoices"), f"{self.invoices:,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Files written"), f"{self.files:,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Failed files"), f"{self.failed_files:,}"),
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
        if len(self.skipped) > 50:
            more = tr(
                QT_TRANSLATE_NOOP(
                    "ExportSummary", "... and {count} more skipped rows (see the log)"
                )
            )
            rows.append(more.format(count=len(self.skipped) - 50))
        return [*rows, "=" * 42]


@dataclass
class _Group:
    tenant_id: int
    country: str
    rows: int


def invoice_file_name(issue_date: str, invoice_no: str, compress: bool) -> str:
    """``{YYYYMMDD}+{invoice_no}.json``, unsafe characters replaced by ``_``."""
    return f"{issue_date}+{_UNSAFE.sub('_', invoice_no)}.json" + (".gz" if compress else "")


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
        return summary

    # -- the run --------------------------------------------------------------------------

    def _run(self, progress: Progress, cancel: CancelToken) -> ExportSummary:
        states = self.state.load()
        connection = connect(self.db)
        try:
            with connection.cursor() as cursor:
                tenants, boundary = self._tenants_and_boundary(cursor)
                windows = self._windows(states, tenants, boundary)
                groups = self._groups(cursor, tenants, windows)
        except pymysql.Error as exc:
            raise explain(exc, self.db) from exc
        finally:
            connection.close()
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
        if self.options.dry_run or not busy:
            summary.invoices = total
            summary.succeeded = len(groups) - summary.empty
            if not self.options.dry_run:
                self._advance(states, tenants, left_out, boundary)
            return summary
        failed_tenants = self._stream(busy, windows, summary, total, progress, cancel)
        _flush_to_disk()
        self._advance(states, tenants, failed_tenants | left_out, boundary, summary)
        return summary

    def _tenants_and_boundary(self, cursor) -> tuple[list[int], datetime]:
        cursor.execute("SELECT NOW()")
        (now,) = cursor.fetchone()
        boundary = (now - SAFETY_MARGIN).replace(microsecond=0)
        if self.options.tenant is not None:
            return [self.options.tenant], boundary
        cursor.execute(
            f"SELECT DISTINCT {self.mapping.column('tenant_id')} FROM "
            f"{self.mapping.table('invoices')} i ORDER BY 1"
        )
        return [int(row[0]) for row in cursor.fetchall()], boundary

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
        """One streamed query; the server builds each file's JSON, in table order.

        No ORDER BY: rows are keyed by group as they come, and sorting 50,000 documents
        costs the server more than it saves. The lines' array must be marked as JSON to
        nest unescaped: MariaDB's JSON_COMPACT does it at half the cost of JSON_EXTRACT.
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
                "invoice_no", "tenant_id", "country_code", "invoice_type", "issue_date",
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
        sql = (
            f"SELECT {c('tenant_id')}, {c('country_code')}, "
            f"DATE_FORMAT({c('issue_date')}, '%%Y%%m%%d'), {c('invoice_no')}, {c('id')}, "
            f"JSON_OBJECT({fields}, 'lines', {lines}) "
            f"FROM {m.table('invoices')} i WHERE {where} AND ({pairs})"
        )
        return sql, params

    def _stream(self, groups, windows, summary, total, progress, cancel) -> set[int]:
        """Write every row's file; returns tenants with a failed group (not advanced)."""
        failed_tenants: set[int] = set()
        group_failed: dict[tuple[int, str], bool] = {}
        written = 0
        index: list[tuple] | None = [] if self.options.index_format else None
        folders: dict[tuple[int, str], str] = {}
        connection = connect(self.db, streaming=True)
        sql, params = self._select(groups, windows, "MariaDB" in connection.get_server_info())
        writer = _FileWriter(
            self.options.output_dir, max(1, self.options.threads), self.options.compress
        )
        cursor = connection.cursor()
        try:
            cursor.execute(sql, params)
            for row in _rows(cursor):
                tenant, country, date, number, invoice_id, document = row
                key = (int(tenant), country.decode())
                group_failed.setdefault(key, False)
                if written % 256 == 0:
                    cancel.check()
                    progress(written, total, f"{key[0]}/{key[1]}")
                written += 1
                summary.invoices += 1
                problem = _problem(number, date, document)
                if problem:
                    summary.skipped.append(SkippedRow(int(invoice_id), key[0], problem))
                    summary.failed_files += 1
                    log.warning("export skipped invoice id %s: %s", invoice_id, problem)
                    continue
                folder = folders.get(key)
                if folder is None:  # plain strings here: pathlib costs more than the write
                    folder = folders[key] = os.path.join(
                        self.options.output_dir, str(key[0]), _UNSAFE.sub("_", key[1])
                    )
                name = invoice_file_name(date.decode(), number.decode(), self.options.compress)
                writer.submit(folder, name, document)
                summary.per_tenant[key[0]] = summary.per_tenant.get(key[0], 0) + 1
                if index is not None:
                    index.append((key[0], key[1], number.decode(), date.decode(),
                                  os.path.join(folder, name)))  # fmt: skip
            writer.finish()
        except pymysql.Error as exc:
            writer.abandon()
            _abort(connection, cursor)
            raise explain(exc, self.db) from exc
        except BaseException:
            writer.abandon()
            _abort(connection, cursor)
            raise
        cursor.close()
        connection.close()
        progress(written, total, "")
        summary.files = writer.written
        for target, exc in writer.failures:
            target = Path(target)
            tenant = int(target.relative_to(self.options.output_dir).parts[0])
            failed_tenants.add(tenant)
            group_failed[(tenant, target.parent.name)] = True
            summary.failed_files += 1
            summary.per_tenant[tenant] -= 1
            log.warning("cannot write %s: %s", target, exc)
        summary.failed = sum(group_failed.values())
        summary.succeeded = len(group_failed) - summary.failed
        if index is not None:
            summary.index_file = write_index(
                index, self.options.output_dir, self.options.index_format, self.options.template
            )
        return failed_tenants

    def _advance(self, states, tenants, held_back, boundary, summary=None) -> None:
        """Record the new watermarks once the files are on disk.

        Tenants in ``held_back`` (a failed file, or groups cut by --limit) keep their old
        watermark, so their invoices are exported again next time, never skipped.
        """
        counts = summary.per_tenant if summary is not None else {}
        for tenant in tenants:
            if tenant in held_back:
                old = states.get(tenant)
                if old is None:
                    continue
                failed = summary is not None and tenant not in summary.per_tenant
                states[tenant] = TenantState(tenant, old.export_time, old.record_count,
                                             old.status if not failed else "FAILED")  # fmt: skip
            else:
                states[tenant] = TenantState(tenant, boundary, counts.get(tenant, 0), "SUCCESS")
        self.state.save(states)


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
        self.batch: list[tuple[str, str, bytes, str | None]] = []
        self.written = 0
        self.failures: list[tuple[str, OSError]] = []
        self._staging: dict[str, str | None] = {}  # folder -> its staging folder, if new
        self._batches = 0
        for leftover in output_dir.glob("*/" + self.STAGING.format("*")):  # a killed run's
            shutil.rmtree(leftover, ignore_errors=True)

    def submit(self, folder: str, name: str, data: bytes) -> None:
        if folder not in self._staging:
            if os.path.isdir(folder):
                self._staging[folder] = None
                for leftover in Path(folder).glob(".*.tmp"):  # from a killed run
                    leftover.unlink(missing_ok=True)
            else:
                head, tail = os.path.split(folder)
                staging = self._staging[folder] = os.path.join(head, self.STAGING.format(tail))
                os.makedirs(staging)
        self.batch.append((folder, name, data, self._staging[folder]))
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

    def _write(self, number: int, batch: list[tuple[str, str, bytes, str | None]]):
        done, failures = 0, []
        for index, (folder, name, data, staging) in enumerate(batch):
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
                failures.append((target, exc))
                if exc.errno in DISK_FULL:
                    break
        return done, failures

    def _count(self, done: int, failures: list[tuple[str, OSError]]) -> None:
        self.written += done
        self.failures += failures
        if any(exc.errno in DISK_FULL for _, exc in failures):
            raise disk_full_error(Path(failures[0][0]).parent)

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
