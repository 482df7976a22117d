"""Invoice export (seed 001): one JSON file per successfully issued invoice.

The run, start to end: the database's fingerprint is measured and compared with the
one recorded for the files (``reconcile``), which decides what an incremental run
reads besides its time window; the server builds each invoice's JSON (lines included)
and streams the rows through an unbuffered cursor in id order (``query``), so memory
stays flat and Python only names (``names``) and writes files (``writer``). New
folders appear whole and stale files are moved aside (``publish``); the fingerprint and
the per-tenant watermarks are recorded only after the files are on disk (``state``);
``report`` is the closing summary.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pymysql

from fps_desktop.export.db import DbSettings, connect, explain
from fps_desktop.export.mapping import Mapping
from fps_desktop.export.names import (
    Names,
    country_folder,
    holder,
    invoice_file_name,
    path_part,
)
from fps_desktop.export.publish import move_aside_stale, subfolders
from fps_desktop.export.query import (
    InvoiceQueries,
    Selection,
    abandon_stream,
    log_plan,
    stream_rows,
)
from fps_desktop.export.reconcile import (
    LINE_RANGE,
    Fingerprint,
    FingerprintFile,
    compare,
    measure,
    month_prefix,
    recorded,
)
from fps_desktop.export.report import (
    BAD_DATE,
    MISSING_NUMBER,
    NOT_UTF8,
    NOT_WRITTEN,
    Collision,
    ExportSummary,
    SkippedRow,
)
from fps_desktop.export.state import EPOCH, ExportState, TenantState
from fps_desktop.export.tables import IndexWriter
from fps_desktop.export.writer import CountingWriter, FileWriter, flush_to_disk
from fps_desktop.jobs import CancelToken, Progress, no_progress

log = logging.getLogger(__name__)

SAFETY_MARGIN = timedelta(minutes=5)
HOLD_WARNING = timedelta(minutes=30)  # a boundary held back longer is worth a DBA's look
_ROW_ERRORS = {errno.ENAMETOOLONG, errno.EILSEQ, errno.EINVAL}  # the name's fault, not the disk's


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
    hold_warning: timedelta = HOLD_WARNING  # an open transaction holding the boundary longer


class InvoiceExporter:
    def __init__(self, db: DbSettings, options: ExportOptions, mapping: Mapping | None = None):
        self.db = db
        self.options = options
        self.mapping = mapping or Mapping()
        self.state = ExportState(options.output_dir)
        self.fingerprints = FingerprintFile(self.state.folder)
        self.queries = InvoiceQueries(self.mapping)

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
        stored = self.fingerprints.load()
        started = time.perf_counter()
        # Measured before any row is read: the record never claims more than the files hold.
        current = measure(self.db, self.mapping, self.options.tenant)
        log.info("fingerprint measured in %.2f s", time.perf_counter() - started)
        connection = connect(self.db)
        try:
            with connection.cursor() as cursor:
                boundary, holder = self.queries.boundary(cursor, self.options.margin)
                tenants = self.queries.tenants(cursor, self.options.tenant)
                changes = compare(stored if self.options.incremental else Fingerprint(),
                                  current, tenants)  # fmt: skip
                selections = self._selections(states, tenants, boundary, changes)
                ranges = [(r * LINE_RANGE, r * LINE_RANGE + LINE_RANGE - 1)
                          for r in sorted(changes.ranges)]  # fmt: skip
                groups = self.queries.groups(cursor, tenants, selections, ranges)
        except pymysql.Error as exc:
            raise explain(exc, self.db) from exc
        finally:
            connection.close()
        log.info("%d tenants, %d groups, changes up to %s, %d tenants whole, %d months and "
                 "%d line ranges differ (%.2f s)", len(tenants), len(groups), boundary,
                 len(changes.whole), sum(map(len, changes.months.values())),
                 len(changes.ranges), time.perf_counter() - started)  # fmt: skip
        summary = ExportSummary(groups=len(groups))
        if holder is not None and holder.age >= self.options.hold_warning:
            summary.held_back = str(holder)
            log.warning("the export boundary is held back by an open transaction: %s; its rows "
                        "are exported after it commits", holder)  # fmt: skip
        left_out: set[int] = set()
        if self.options.limit is not None:
            left_out = {g.tenant_id for g in groups[self.options.limit :]}
            groups = groups[: self.options.limit]
        if not self.options.dry_run:
            self.state.backup()
        summary.groups = len(groups)
        summary.empty = sum(1 for g in groups if g.rows == 0)
        busy = [g for g in groups if g.rows]
        total = sum(g.rows for g in busy)
        names = Names(total)
        failed: dict[int, set[str]] = {}  # tenant -> folders with a file not written
        created: set[str] = set()  # folders new to this run: every file in them is claimed
        if busy:
            failed, created = self._stream(busy, selections, ranges, summary, total, names,
                                           progress, cancel)  # fmt: skip
        dry = self.options.dry_run
        if not dry:
            flush_to_disk()
        done = [t for t in tenants if t not in left_out and t not in failed]
        places = self._stale_places(done, changes)
        incomplete = set().union(created, *failed.values())  # claims not whole: left alone
        summary.removed = move_aside_stale(str(self.options.output_dir), places, incomplete,
                                           names, dry)  # fmt: skip
        if dry:  # the same counts as the real run, and nothing written
            return summary
        lines_done = len(done) == len(tenants) and self.options.tenant is None
        self.fingerprints.save(recorded(stored, current, done, lines_done))
        self._advance(states, tenants, set(failed), left_out, boundary, summary)
        return summary

    def _selections(self, states, tenants, boundary, changes) -> dict[int, Selection | None]:
        """Per tenant: ``None`` for everything (full runs, tenants never recorded), else
        the watermark's window and the months whose fingerprint differs."""
        if not self.options.incremental:
            return dict.fromkeys(tenants)
        return {
            t: None if t in changes.whole else Selection(
                (self.state.watermark(states, t), boundary), frozenset(changes.months.get(t, ())))
            for t in tenants
        }  # fmt: skip

    def _stale_places(self, tenants: list[int], changes) -> list[tuple[str, str]]:
        """Where files no invoice claims any more are looked for: every folder of a tenant
        read whole, the month's files of a bucket that differs."""
        out = str(self.options.output_dir)
        places: list[tuple[str, str]] = []
        for tenant in tenants:
            root = os.path.join(out, path_part(str(tenant)))
            if not self.options.incremental or tenant in changes.whole:
                places += [(folder, "") for folder in subfolders(root)]
                continue
            for country, month in sorted(changes.months.get(tenant, ()), key=str):
                if prefix := month_prefix(month):
                    places.append((os.path.join(root, country_folder(country)), prefix))
        return places

    def _stream(self, groups, selections, ranges, summary, total, names, progress, cancel):
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
            if self.options.index_format and not self.options.dry_run
            else None
        )
        folders: dict[tuple[int, str], tuple[str, bool, str]] = {}  # path, existed, relative
        cut = -len(".json.gz") if compress else -len(".json")
        started = time.perf_counter()
        connection = connect(self.db, streaming=True)
        mariadb = "MariaDB" in connection.get_server_info()
        sql, params = self.queries.select(groups, selections, mariadb, index is not None, ranges)
        writer = (
            CountingWriter()
            if self.options.dry_run
            else FileWriter(out, max(1, self.options.threads), compress)
        )
        cursor = connection.cursor()
        try:
            log_plan(connection, sql, params)
            cursor.execute(sql, params)
            for row in stream_rows(cursor):
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
                    relative = os.path.join(path_part(str(key[0])), country_folder(key[1]))
                    path = os.path.join(out, relative)
                    place = folders[key] = (path, os.path.isdir(path), relative + os.sep)
                folder, existed, relative = place
                number, date = number.decode(), date.decode()
                name = invoice_file_name(date, number, compress)
                on_disk = incremental and existed
                if not _claim(names, folder, name, cut, invoice_id, on_disk):
                    # another invoice has this name: this one adds its id, again if another
                    # invoice's number already ends in it ("A+7" beside "A" with id 7)
                    times = 1
                    name = invoice_file_name(date, number, compress, invoice_id)
                    while not _claim(names, folder, name, cut, invoice_id, on_disk):
                        times += 1
                        name = invoice_file_name(date, number, compress, invoice_id, times)
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
            abandon_stream(connection, cursor)
            if index is not None:
                index.abandon()
            raise explain(exc, self.db) from exc
        except BaseException:
            writer.abandon()
            abandon_stream(connection, cursor)
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
                self._skip(summary, invoice_id, key[0], NOT_WRITTEN, exc.strerror or str(exc))
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
    def _skip(
        summary: ExportSummary, invoice_id: int, tenant: int, template: str, detail: str = ""
    ) -> None:
        row = SkippedRow(invoice_id, tenant, template, detail)
        summary.skipped.append(row)
        reason = row.reason()
        summary.failed_files += 1
        log.warning("export skipped invoice id %s: %s", invoice_id, reason)

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


def _claim(names: Names, folder: str, name: str, cut: int, invoice_id, on_disk: bool) -> bool:
    """Give ``name`` to this invoice unless this run or, on disk, another invoice has it."""
    if on_disk and holder(os.path.join(folder, name)) not in (None, invoice_id):
        return False
    return names.add(folder, name[:cut])


def _problem(number: bytes | None, date: bytes | None, document: bytes | None) -> str:
    if not number or not number.strip():
        return MISSING_NUMBER
    if not date or date.startswith(b"0000"):
        return BAD_DATE
    try:
        number.decode("utf-8")
        (document or b"").decode("utf-8")
    except UnicodeDecodeError:
        return NOT_UTF8
    return ""
