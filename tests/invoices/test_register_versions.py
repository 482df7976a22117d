"""The register carries its version: one written before versions is upgraded in place, and
one upgraded by a newer FPS Desktop is refused with a message, untouched."""

from __future__ import annotations

import sqlite3

import pytest

from fps_desktop.errors import StorageError
from fps_desktop.export.db import DbSettings
from fps_desktop.invoices.register import MIGRATIONS, mysql_register, sqlite_register
from tests.export.mariadb_server import PASSWORD, USER

# The register as FPS Desktop wrote it before versions, in both homes.
SQLITE_BEFORE_VERSIONS = [
    """CREATE TABLE IF NOT EXISTS fps_invoice_register (
      id INTEGER PRIMARY KEY, guid TEXT NOT NULL, file_name TEXT NOT NULL,
      sha256 TEXT NOT NULL, inv_key TEXT NOT NULL DEFAULT '', number TEXT NOT NULL DEFAULT '',
      seller_tax_id TEXT NOT NULL DEFAULT '', total TEXT NOT NULL DEFAULT '',
      issue_date TEXT NOT NULL DEFAULT '', first_seen TEXT NOT NULL,
      seen_by TEXT NOT NULL DEFAULT '', printed_at TEXT NOT NULL DEFAULT '',
      printed_by TEXT NOT NULL DEFAULT '', UNIQUE (guid, sha256))""",
    "CREATE INDEX IF NOT EXISTS ix_fps_invoice_register_key ON fps_invoice_register (inv_key)",
    "CREATE INDEX IF NOT EXISTS ix_fps_invoice_register_sha ON fps_invoice_register (sha256)",
    "CREATE INDEX IF NOT EXISTS ix_fps_invoice_register_suspect ON fps_invoice_register "
    "(seller_tax_id, total, issue_date)",
    "CREATE INDEX IF NOT EXISTS ix_fps_invoice_register_seen ON fps_invoice_register (first_seen)",
]
MYSQL_BEFORE_VERSIONS = """CREATE TABLE IF NOT EXISTS fps_invoice_register (
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
SIGHTING = (
    "INSERT INTO fps_invoice_register (guid, file_name, sha256, inv_key, number, "
    "first_seen, seen_by, printed_at, printed_by) VALUES ('g1', 'air.pdf', '{sha}', "
    "'|25442000000123456789', '25442000000123456789', '2025-08-19 10:00:00', 'li', "
    "'2025-08-19 10:05:00', 'li')"
).format(sha="a" * 64)


def _claimed_before(register) -> None:
    """The sighting written before versions is still found: same file in another GUID."""
    (match,) = register.lookup("g2", "a" * 64, None)
    assert match.other.guid == "g1" and match.other.printed_by == "li"
    assert register.count() == 1


def test_a_register_from_before_versions_is_upgraded_and_keeps_its_sightings(tmp_path):
    path = tmp_path / "register.sqlite3"
    with sqlite3.connect(path) as old:
        for statement in [*SQLITE_BEFORE_VERSIONS, SIGHTING]:
            old.execute(statement)
    register = sqlite_register(path)
    _claimed_before(register)
    register.close()
    register = sqlite_register(path)  # opened again: nothing left to do
    register.close()
    with sqlite3.connect(path) as db:
        versions = [v for (v,) in db.execute("SELECT version FROM fps_invoice_register_schema")]
    assert versions == list(range(1, len(MIGRATIONS) + 1))


def test_a_register_upgraded_by_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "register.sqlite3"
    sqlite_register(path).close()
    newer = len(MIGRATIONS) + 1
    with sqlite3.connect(path) as db:
        db.execute(f"INSERT INTO fps_invoice_register_schema VALUES ({newer})")
    before = path.read_bytes()
    with pytest.raises(StorageError) as refused:
        sqlite_register(path)
    assert str(refused.value) == (
        f"The invoice register fps_invoice_register was upgraded by a newer FPS Desktop "
        f"(version {newer}; this one knows up to {len(MIGRATIONS)}). Update FPS Desktop on "
        "this computer; nothing was changed."
    )
    assert path.read_bytes() == before


@pytest.fixture
def old_shared_register(mariadb):
    """The office's shared register as workstations wrote it before versions."""
    with mariadb.admin().cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS fps_old_register")
        cursor.execute("CREATE DATABASE fps_old_register")
        cursor.execute("USE fps_old_register")
        cursor.execute(MYSQL_BEFORE_VERSIONS)
        cursor.execute(SIGHTING)
    return DbSettings("127.0.0.1", mariadb.port, USER, PASSWORD, "fps_old_register")


@pytest.mark.mariadb
def test_the_shared_register_is_upgraded_once_and_a_newer_one_refused(mariadb, old_shared_register):
    first, second = mysql_register(old_shared_register), mysql_register(old_shared_register)
    _claimed_before(second)
    first.close()
    second.close()
    admin = mariadb.admin(database="fps_old_register")
    with admin.cursor() as cursor:
        cursor.execute("SELECT MAX(version) FROM fps_invoice_register_schema")
        assert cursor.fetchone() == (len(MIGRATIONS),)
        cursor.execute(f"INSERT INTO fps_invoice_register_schema VALUES ({len(MIGRATIONS) + 5})")
    admin.close()
    with pytest.raises(StorageError, match="upgraded by a newer FPS Desktop"):
        mysql_register(old_shared_register)
