"""The duplicate register: every invoice seen or printed, by key, file hash and GUID.

One table, two homes: SQLite in the data folder (one workstation), or the
finance MySQL/MariaDB when the office shares it (every workstation sees every
other's invoices). Each write is one transaction, so a killed process loses
nothing it reported as recorded. Lookups use indexes on the strong key
(``code|number``), the file SHA-256 and (seller tax ID, total, date).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fps_desktop.config import Settings
from fps_desktop.errors import (
    QT_TRANSLATE_NOOP,
    DatabaseError,
    FpsError,
    StorageError,
    UsageError,
)
from fps_desktop.invoices.fields import InvoiceFields

log = logging.getLogger(__name__)

DEFAULT_TABLE = "fps_invoice_register"
SQLITE_NAME = "invoice-register.sqlite3"
_COLUMNS = (
    "guid, file_name, sha256, inv_key, number, seller_tax_id, total, issue_date, "
    "first_seen, seen_by, printed_at, printed_by"
)
_LIMIT = 20


@dataclass(frozen=True)
class Sighting:
    """One file of one GUID as the register holds it."""

    guid: str
    file: str
    sha256: str
    key: str
    number: str
    seller_tax_id: str
    total: str
    date: str
    seen: str  # UTC, "YYYY-MM-DD HH:MM:SS"
    seen_by: str
    printed: str  # "" when never printed
    printed_by: str

    def to_json(self) -> dict:
        return {"guid": self.guid, "file": self.file, "seen": self.seen, "printed": self.printed,
                "printed_by": self.printed_by}  # fmt: skip


@dataclass(frozen=True)
class Match:
    """Another sighting that makes this invoice a duplicate or a suspected one."""

    kind: str  # "duplicate" or "suspected"
    reason: str  # "same invoice", "same file", "same seller, total and date"
    other: Sighting


DUPLICATE, SUSPECTED = "duplicate", "suspected"


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _tables(table: str, mysql: bool) -> list[str]:
    """Migration 1: the register as it was before versions (so a register from then has it)."""
    if mysql:
        return [
            f"""CREATE TABLE IF NOT EXISTS {table} (
              id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
              guid VARCHAR(64) NOT NULL, file_name VARCHAR(255) NOT NULL,
              sha256 CHAR(64) NOT NULL, inv_key VARCHAR(64) NOT NULL DEFAULT '',
              number VARCHAR(32) NOT NULL DEFAULT '',
              seller_tax_id VARCHAR(32) NOT NULL DEFAULT '',
              total VARCHAR(24) NOT NULL DEFAULT '', issue_date VARCHAR(10) NOT NULL DEFAULT '',
              first_seen CHAR(19) NOT NULL, seen_by VARCHAR(64) NOT NULL DEFAULT '',
              printed_at CHAR(19) NOT NULL DEFAULT '', printed_by VARCHAR(64) NOT NULL DEFAULT '',
              UNIQUE KEY uq_guid_sha (guid, sha256),
              KEY ix_key (inv_key), KEY ix_sha (sha256),
              KEY ix_suspect (seller_tax_id, total, issue_date),
              KEY ix_seen (first_seen)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"""
        ]
    return [
        f"""CREATE TABLE IF NOT EXISTS {table} (
          id INTEGER PRIMARY KEY, guid TEXT NOT NULL, file_name TEXT NOT NULL,
          sha256 TEXT NOT NULL, inv_key TEXT NOT NULL DEFAULT '', number TEXT NOT NULL DEFAULT '',
          seller_tax_id TEXT NOT NULL DEFAULT '', total TEXT NOT NULL DEFAULT '',
          issue_date TEXT NOT NULL DEFAULT '', first_seen TEXT NOT NULL,
          seen_by TEXT NOT NULL DEFAULT '', printed_at TEXT NOT NULL DEFAULT '',
          printed_by TEXT NOT NULL DEFAULT '', UNIQUE (guid, sha256))""",
        f"CREATE INDEX IF NOT EXISTS ix_{table}_key ON {table} (inv_key)",
        f"CREATE INDEX IF NOT EXISTS ix_{table}_sha ON {table} (sha256)",
        f"CREATE INDEX IF NOT EXISTS ix_{table}_suspect ON {table} "
        "(seller_tax_id, total, issue_date)",
        f"CREATE INDEX IF NOT EXISTS ix_{table}_seen ON {table} (first_seen)",
    ]


# How the register evolves: migration n (1-based) turns a register at version n - 1 into
# version n; ``<table>_schema`` holds one row per version reached, so its highest is the
# register's. A register from before versions is at 0. Workstations sharing a register in
# MySQL may upgrade it at the same moment: each migration must be safe to run twice.
# Append a migration, never edit one that shipped.
MIGRATIONS = (_tables,)


class Register:
    """Record sightings and find the other GUIDs an invoice appears in.

    Thread-safe: one connection behind a lock; each call is one transaction.
    """

    def __init__(self, connect, table: str = DEFAULT_TABLE, mysql: bool = False,
                 explain=None) -> None:  # fmt: skip
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,56}", table):  # "_schema" fits in 64
            raise UsageError(
                QT_TRANSLATE_NOOP("FpsError", "The register table name {table} is not valid."),
                table=table,
            )
        self.table = table
        self.mysql = mysql
        self._connect = connect
        self._explain = explain
        self._lock = threading.Lock()
        self._conn = None
        self._migrate()

    def _migrate(self) -> None:
        """Bring the register to the last migration; one from a newer build is refused."""
        versions = f"{self.table}_schema"
        with self._transaction() as cursor:
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {versions} (version INTEGER NOT NULL)")
            cursor.execute(f"SELECT MAX(version) FROM {versions}")
            (version,) = cursor.fetchone()
        version = version or 0
        if version > len(MIGRATIONS):
            self.close()
            raise StorageError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "The invoice register {table} was upgraded by a newer FPS Desktop (version "
                    "{found}; this one knows up to {known}). Update FPS Desktop on this "
                    "computer; nothing was changed.",
                ),
                table=self.table,
                found=version,
                known=len(MIGRATIONS),
            )
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._transaction() as cursor:
                for statement in migration(self.table, self.mysql):
                    cursor.execute(statement)
                cursor.execute(self._sql(f"INSERT INTO {versions} (version) VALUES (?)"), (number,))
            log.info("invoice register %s upgraded to version %d", self.table, number)

    # -- writing -----------------------------------------------------------------------------

    def record(self, guid: str, file: str, sha256: str, fields: InvoiceFields | None,
               by: str = "") -> None:  # fmt: skip
        """Note that ``guid`` holds this file (and invoice); the first sighting is kept."""
        self.record_many(guid, [(file, sha256, fields)], by)

    def record_many(self, guid: str, files: list[tuple[str, str, InvoiceFields | None]],
                    by: str = "") -> None:  # fmt: skip
        """All files of a GUID in one transaction."""
        self.record_all([(guid, *entry) for entry in files], by)

    def record_all(self, entries: list[tuple[str, str, str, InvoiceFields | None]],
                   by: str = "") -> None:  # fmt: skip
        """``(guid, file, sha256, fields)`` sightings of any GUIDs, in one transaction."""
        if not entries:
            return
        if self.mysql:
            upsert = (
                f"INSERT INTO {self.table} ({_COLUMNS}) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '') ON DUPLICATE KEY UPDATE "
                "file_name = VALUES(file_name), inv_key = VALUES(inv_key), "
                "number = VALUES(number), seller_tax_id = VALUES(seller_tax_id), "
                "total = VALUES(total), issue_date = VALUES(issue_date)"
            )
        else:
            upsert = (
                f"INSERT INTO {self.table} ({_COLUMNS}) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '') ON CONFLICT (guid, sha256) DO UPDATE SET "
                "file_name = excluded.file_name, inv_key = excluded.inv_key, "
                "number = excluded.number, seller_tax_id = excluded.seller_tax_id, "
                "total = excluded.total, issue_date = excluded.issue_date"
            )
        seen = now()
        rows = []
        for guid, file, sha256, fields in entries:
            f = fields or InvoiceFields()
            rows.append((guid, file[:255], sha256, f.key, f.number, f.seller_tax_id, f.total,
                         f.date, seen, by[:64]))  # fmt: skip
        with self._transaction() as cursor:
            cursor.executemany(self._sql(upsert), rows)

    def record_printed(self, guid: str, sha256s: list[str], by: str = "") -> None:
        """Stamp the files of ``guid`` as printed now by ``by``."""
        when = now()
        with self._transaction() as cursor:
            cursor.executemany(
                self._sql(
                    f"UPDATE {self.table} SET printed_at = ?, printed_by = ? "
                    "WHERE guid = ? AND sha256 = ?"
                ),
                [(when, by[:64], guid, sha) for sha in sha256s],
            )

    # -- reading -----------------------------------------------------------------------------

    def lookup(self, guid: str, sha256: str, fields: InvoiceFields | None) -> list[Match]:
        """Sightings in other GUIDs of the same invoice or file, then suspected ones.

        One round trip: the shared register sits across the network.
        """
        f = fields or InvoiceFields()
        parts = [(DUPLICATE, "same file", "sha256 = ? AND guid <> ?", (sha256, guid))]
        if f.key:
            parts.insert(0, (DUPLICATE, "same invoice", "inv_key = ? AND guid <> ?", (f.key, guid)))
        if f.seller_tax_id and f.total and f.date:
            # Numbers from the tax system are unique: two different ones are two invoices,
            # however alike. A look-alike means something only where one side has no
            # number (a photo, a damaged file).
            where = "seller_tax_id = ? AND total = ? AND issue_date = ? AND guid <> ?"
            if f.number:
                where += " AND number = ''"
            values = (f.seller_tax_id, f.total, f.date, guid)
            parts.append((SUSPECTED, "same seller, total and date", where, values))
        sql = " UNION ALL ".join(
            f"SELECT * FROM (SELECT {rank} AS rnk, {_COLUMNS} FROM {self.table} "
            f"WHERE {where} LIMIT {_LIMIT}) AS part{rank}"
            for rank, (_, _, where, _) in enumerate(parts)
        )
        params = tuple(value for *_, values in parts for value in values)
        matches: list[Match] = []
        seen: set[tuple[str, str]] = set()
        with self._transaction() as cursor:
            cursor.execute(self._sql(sql + " ORDER BY rnk"), params)
            rows = cursor.fetchall()
        for rank, *values in rows:
            sighting = Sighting(*(str(v) if v is not None else "" for v in values))
            if (sighting.guid, sighting.sha256) not in seen:
                seen.add((sighting.guid, sighting.sha256))
                kind, reason, _, _ = parts[int(rank)]
                matches.append(Match(kind, reason, sighting))
        return matches

    def duplicates(self, since: str = "") -> list[list[Sighting]]:
        """Groups of sightings of one invoice (or file) in more than one GUID.

        ``since`` (YYYY-MM-DD) keeps groups with a sighting on or after that day.
        """
        groups: dict[tuple[str, str], list[Sighting]] = {}
        with self._transaction() as cursor:
            for column in ("inv_key", "sha256"):
                inner = (
                    f"SELECT {column} FROM {self.table} WHERE {column} <> '' GROUP BY {column} "
                    "HAVING COUNT(DISTINCT guid) > 1 AND MAX(first_seen) >= ?"
                )
                sql = (
                    f"SELECT {_COLUMNS} FROM {self.table} WHERE {column} IN ({inner}) "
                    f"ORDER BY {column}, first_seen"
                )
                for row in self._rows(cursor, sql, (since or "",)):
                    value = row.key if column == "inv_key" else row.sha256
                    if column == "sha256" and row.key and ("inv_key", row.key) in groups:
                        continue
                    groups.setdefault((column, value), []).append(row)
        return [rows for rows in groups.values() if len({r.guid for r in rows}) > 1]

    def count(self) -> int:
        with self._transaction() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.table}")
            return int(cursor.fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- plumbing ----------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.mysql else sql

    def _rows(self, cursor, sql: str, params: tuple) -> list[Sighting]:
        cursor.execute(self._sql(sql), params)
        return [Sighting(*(str(v) if v is not None else "" for v in row)) for row in cursor]

    def _alive(self) -> bool:
        """A server connection idle for hours may be gone: check before each use."""
        try:
            self._conn.ping(False)
        except Exception:
            log.info("register connection lost, reconnecting", exc_info=True)
            return False
        return True

    @contextmanager
    def _transaction(self) -> Iterator:
        with self._lock:
            if self._conn is not None and self.mysql and not self._alive():
                self._conn = None
            if self._conn is None:
                self._conn = self._connect()
            cursor = self._conn.cursor()
            try:
                yield cursor
                self._conn.commit()
            except BaseException as exc:
                self._conn.rollback()
                if self._explain is not None and not isinstance(exc, FpsError):
                    mapped = self._explain(exc)
                    if mapped is not None:
                        raise mapped from exc
                raise
            finally:
                cursor.close()


def sqlite_register(path: Path, table: str = DEFAULT_TABLE) -> Register:
    """The register of one workstation, in its data folder."""

    def connect():
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=15, check_same_thread=False, isolation_level="")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def explain(exc: BaseException) -> FpsError | None:
        if not isinstance(exc, sqlite3.Error):
            return None
        log.warning("register %s unusable: %s", path, exc)
        return StorageError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "The invoice register at {path} cannot be opened ({detail}). Duplicate checks "
                "are off until it can.",
            ),
            path=str(path),
            detail=str(exc)[:80],
        )

    try:
        return Register(connect, table, explain=explain)
    except sqlite3.Error as exc:
        raise explain(exc) from exc


def mysql_register(db, table: str = DEFAULT_TABLE) -> Register:
    """The register shared by every workstation, in the finance database."""
    import pymysql

    from fps_desktop.export.db import connect as connect_db
    from fps_desktop.export.db import explain

    def connect():
        conn = connect_db(db)
        conn.autocommit(False)
        return conn

    def explain_error(exc: BaseException) -> FpsError | None:
        if not isinstance(exc, pymysql.Error):
            return None
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
        if code in (1044, 1142, 1143):
            log.warning("register table %s refused: %s", table, exc)
            return DatabaseError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "User {user} may not create or use the invoice register tables {table} and "
                    "{table}_schema in {database}. Ask the DBA to grant CREATE, SELECT, INSERT "
                    "and UPDATE on them.",
                ),
                user=db.user,
                table=table,
                database=db.database,
            )
        return explain(exc, db)

    return Register(connect, table, mysql=True, explain=explain_error)


def open_register(settings: Settings) -> Register:
    """The register the office configured: SQLite here, or the shared database."""
    table = settings.get("invoices.register_table")
    if settings.get("invoices.register") == "mysql":
        from fps_desktop.export.db import DbSettings

        return mysql_register(DbSettings.from_settings(settings), table)
    return sqlite_register(settings.paths.data_dir / SQLITE_NAME, table)
