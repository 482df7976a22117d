"""The export's SQL: where a run stops, which tenants and groups it covers, and the one
streamed query whose rows become files.

Table and column names come from the ``Mapping``, so a site with other names needs
only a setting.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pymysql

from fps_desktop.export.mapping import Mapping
from fps_desktop.export.tables import LISTED, MOMENT

log = logging.getLogger(__name__)


@dataclass
class Group:
    tenant_id: int
    country: str
    rows: int


@dataclass(frozen=True)
class Selection:
    """What a run reads of one tenant, besides the id ranges whose lines differ: rows
    changed in the watermark's window and the months whose fingerprint differs."""

    window: tuple[datetime, datetime]
    months: frozenset[tuple[str, int | None]] = frozenset()


@dataclass(frozen=True)
class Holder:
    """The open transaction that holds the boundary back, as the DBA would look it up."""

    since: datetime
    age: timedelta  # how long it has held the boundary back
    thread: int
    user: str
    host: str
    database: str

    def __str__(self) -> str:
        return (f"thread {self.thread} ({self.user}@{self.host}, database "
                f"{self.database or '-'}) open since {self.since:%Y-%m-%d %H:%M:%S}")  # fmt: skip


class InvoiceQueries:
    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping

    def boundary(self, cursor, margin: timedelta) -> tuple[datetime, Holder | None]:
        """Export changes up to here: the safety margin ago, and before any open transaction.

        A transaction still open may commit rows whose ``updated_at`` lies long before its
        commit; the boundary stays before its start, and the transaction is named. Rows it
        commits later are found by the fingerprint in any case (``reconcile``), so without
        ``PROCESS`` (no list of transactions) only the margin applies and nothing is lost.
        """
        cursor.execute("SELECT NOW()")
        (now,) = cursor.fetchone()
        boundary = now - margin
        try:
            cursor.execute(
                "SELECT t.trx_started, t.trx_mysql_thread_id, p.USER, p.HOST, p.DB "
                "FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p "
                "ON p.ID = t.trx_mysql_thread_id WHERE t.trx_mysql_thread_id <> CONNECTION_ID() "
                "AND (t.trx_rows_modified > 0 OR t.trx_query IS NOT NULL) "
                "ORDER BY t.trx_started LIMIT 1"
            )
            oldest = cursor.fetchone()
        except pymysql.Error as exc:
            log.info("open transactions cannot be seen (%s); relying on the %s margin and the "
                     "fingerprint", exc, margin)  # fmt: skip
            oldest = None
        holder = None
        if oldest is not None and oldest[0] - timedelta(seconds=1) < boundary:
            since, thread, *who = oldest
            holder = Holder(since, now - since, int(thread), *(str(v or "") for v in who))
            log.info("%s holds the boundary back", holder)
            boundary = oldest[0] - timedelta(seconds=1)
        return boundary.replace(microsecond=0), holder

    def tenants(self, cursor, only: int | None) -> list[int]:
        """Every tenant: those with invoices, and those of the tenants table without any."""
        if only is not None:
            return [only]
        m = self.mapping
        cursor.execute(f"SELECT DISTINCT {m.column('tenant_id')} FROM {m.table('invoices')} i")
        tenants = {int(row[0]) for row in cursor.fetchall()}
        try:
            cursor.execute(f"SELECT {m.column('id', 't')} FROM {m.table('tenants')} t")
            tenants.update(int(row[0]) for row in cursor.fetchall())
        except (pymysql.Error, ValueError, TypeError) as exc:
            log.info("no tenants table to list tenants without invoices: %s", exc)
        return sorted(tenants)

    def where(self, selections: dict[int, Selection | None], ranges=()) -> tuple[str, list]:
        """Issued invoices of the tenants: all of those with ``None``, else their window,
        their differing months and the invoice id ranges (``reconcile.LINE_RANGE``)."""
        m = self.mapping
        tenant, country, issued = m.column("tenant_id"), m.column("country_code"), m.column("id")
        clauses, params = [], [m.issued_status]
        partial = []
        for tenant_id, selection in selections.items():
            if selection is None:
                clauses.append(f"{tenant} = %s")
                params.append(tenant_id)
                continue
            partial.append(tenant_id)
            clauses.append(f"({tenant} = %s AND {m.column('updated_at')} > %s "
                           f"AND {m.column('updated_at')} <= %s)")  # fmt: skip
            params += [tenant_id, *selection.window]
            for code, month in sorted(selection.months, key=str):
                clauses.append(f"({tenant} = %s AND {country} = %s AND "
                               f"{m.column('issue_date')} DIV 100 <=> %s)")  # fmt: skip
                params += [tenant_id, code, month]
        if partial and ranges:
            spans = " OR ".join(f"{issued} BETWEEN %s AND %s" for _ in ranges)
            clauses.append(f"({tenant} IN ({', '.join(['%s'] * len(partial))}) AND ({spans}))")
            params += partial
            for first, last in ranges:
                params += [first, last]
        condition = " OR ".join(clauses) or "FALSE"
        return f"{m.column('status')} = %s AND ({condition})", params

    def groups(self, cursor, tenants, selections, ranges=()) -> list[Group]:
        m = self.mapping
        where, params = self.where(selections, ranges)
        every = {t: None for t in tenants}
        all_where, all_params = self.where(every)
        cursor.execute(
            f"SELECT g.tenant, g.country, COALESCE(c.n, 0) FROM "
            f"(SELECT DISTINCT {m.column('tenant_id')} tenant, {m.column('country_code')} country "
            f" FROM {m.table('invoices')} i WHERE {all_where}) g LEFT JOIN "
            f"(SELECT {m.column('tenant_id')} tenant, {m.column('country_code')} country, "
            f" COUNT(*) n FROM {m.table('invoices')} i WHERE {where} GROUP BY 1, 2) c "
            f"ON c.tenant = g.tenant AND c.country = g.country ORDER BY 1, 2",
            all_params + params,
        )
        return [Group(int(t), str(c), int(n)) for t, c, n in cursor.fetchall()]

    def select(
        self, groups: list[Group], selections, mariadb: bool, with_index: bool, ranges=()
    ) -> tuple[str, list]:
        """One streamed query; the server builds each file's JSON, in id order.

        Id order comes free from the primary key and makes the lowest id keep a shared
        name. The lines' array must be marked as JSON to nest unescaped: MariaDB's
        JSON_COMPACT does it at half the cost of JSON_EXTRACT.
        """
        m = self.mapping
        where, params = self.where({g.tenant_id: selections[g.tenant_id] for g in groups}, ranges)
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
        if with_index:
            # one column, fields apart by the unit separator: a column costs the driver more
            values = [
                f"COALESCE(DATE_FORMAT({c(column.name)}, '%%Y-%%m-%%d %%H:%%i:%%s'), '')"
                if column.kind == MOMENT
                else f"COALESCE(CAST({c(column.name)} AS CHAR), '')"
                for column in LISTED
            ]
            listed = f", CONCAT_WS(CHAR(31 USING utf8mb4), {', '.join(values)})"
        sql = (
            f"SELECT {c('tenant_id')}, {c('country_code')}, "
            f"DATE_FORMAT({c('issue_date')}, '%%Y%%m%%d'), {c('invoice_no')}, {c('id')}, "
            f"JSON_OBJECT({fields}, 'lines', {lines}){listed} "
            f"FROM {m.table('invoices')} i WHERE {where} AND ({pairs}) ORDER BY {c('id')}"
        )
        return sql, params


def log_plan(connection, sql: str, params: list) -> None:
    """The query plan, for ``--verbose``."""
    if not log.isEnabledFor(logging.DEBUG):
        return
    with connection.cursor(pymysql.cursors.Cursor) as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        for row in cursor.fetchall():
            log.debug("query plan: %s", [v.decode() if isinstance(v, bytes) else v
                                         for v in row])  # fmt: skip


def abandon_stream(connection, cursor) -> None:
    """Drop an unbuffered stream at once: closing its cursor would first read every row.

    pymysql has no public way to abandon a stream, so its result is told it is done.
    """
    result = getattr(cursor, "_result", None)
    if result is not None:
        result.unbuffered_active = False
    cursor.connection = None
    with contextlib.suppress(pymysql.Error, OSError):
        connection.close()


def stream_rows(cursor) -> Iterator[tuple]:
    while batch := cursor.fetchmany(1000):
        yield from batch
