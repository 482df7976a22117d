import functools
import subprocess
import sys
import textwrap

import pytest

from fps_desktop.config import Paths, Settings
from fps_desktop.documents.demo import demo_file_bytes
from fps_desktop.documents.workspace import cache_from_settings, fetch_job
from fps_desktop.errors import DatabaseError
from fps_desktop.export.db import DbSettings
from fps_desktop.invoices.listing import NOT_THE_UNIVERSITY, list_invoices, university
from fps_desktop.invoices.reader import read_invoice
from fps_desktop.invoices.register import (
    DUPLICATE,
    SUSPECTED,
    mysql_register,
    open_register,
    sqlite_register,
)
from fps_desktop.jobs import CancelToken
from tests.export.mariadb_server import PASSWORD, USER
from tests.invoices.conftest import CLAIMED_TWICE, THREE_FORMATS, TRAVEL


@functools.cache  # read when a test needs it, not when every test process collects
def air():
    return read_invoice(demo_file_bytes(TRAVEL, "inv-1"), "air.pdf")


@functools.cache
def hotel():
    return read_invoice(demo_file_bytes(TRAVEL, "inv-2"), "hotel.pdf")


@pytest.fixture
def register(tmp_path):
    reg = sqlite_register(tmp_path / "register.sqlite3")
    yield reg
    reg.close()


def test_the_same_invoice_in_another_guid_is_a_duplicate_naming_where_and_who(register):
    register.record("g1", "air.pdf", "a" * 64, air(), "clerk-li")
    register.record_printed("g1", ["a" * 64], "clerk-li")
    register.record("g2", "air-copy.pdf", "b" * 64, air(), "clerk-wang")
    (match,) = register.lookup("g2", "b" * 64, air())
    assert (match.kind, match.reason, match.other.guid) == (DUPLICATE, "same invoice", "g1")
    assert match.other.printed and match.other.printed_by == "clerk-li"
    assert register.lookup("g1", "a" * 64, air())[0].other.guid == "g2"


def test_the_same_file_without_readable_fields_is_a_duplicate_too(register):
    register.record("g1", "scan.pdf", "c" * 64, None)
    (match,) = register.lookup("g2", "c" * 64, None)
    assert match.reason == "same file"


def test_a_look_alike_is_suspected_only_where_one_side_has_no_number(register):
    register.record("g1", "air.pdf", "a" * 64, air())
    other_number = read_invoice(demo_file_bytes(TRAVEL, "inv-1"), "x.pdf")
    other_number.number = "25442000000999999999"
    assert register.lookup("g2", "d" * 64, other_number) == []  # two numbers: two invoices
    photo = read_invoice(demo_file_bytes(TRAVEL, "inv-1"), "photo.jpg")
    photo.number = photo.code = ""  # read without its number
    (match,) = register.lookup("g2", "e" * 64, photo)
    assert (match.kind, match.other.guid, match.other.number) == (SUSPECTED, "g1", air().number)
    register.record("g2", "photo.jpg", "e" * 64, photo)
    (match,) = register.lookup("g1", "a" * 64, air())  # and the e-invoice finds the photo
    assert (match.kind, match.other.guid, match.other.file) == (SUSPECTED, "g2", "photo.jpg")
    assert register.lookup("g2", "e" * 64, hotel()) == []


def test_recording_again_keeps_the_first_sighting(register):
    register.record("g1", "air.pdf", "a" * 64, air(), "first")
    register.record("g1", "air.pdf", "a" * 64, air(), "second")
    (match,) = register.lookup("g2", "b" * 64, air())
    assert match.other.seen_by == "first" and register.count() == 1


def test_duplicates_report_groups_and_since(register):
    register.record("g1", "air.pdf", "a" * 64, air())
    register.record("g2", "air.pdf", "b" * 64, air())
    register.record("g3", "hotel.pdf", "c" * 64, hotel())
    (group,) = register.duplicates()
    assert {s.guid for s in group} == {"g1", "g2"}
    assert register.duplicates(since="2999-01-01") == []


@pytest.mark.unix_only("the process ends itself with SIGKILL")
def test_a_killed_process_loses_no_recorded_entry(tmp_path):
    path = tmp_path / "register.sqlite3"
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from fps_desktop.invoices.register import sqlite_register
        register = sqlite_register(Path({str(path)!r}))
        for i in range(50):
            register.record("g1", f"f{{i}}.pdf", f"{{i:064d}}", None)
        print("recorded", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.stdout.strip() == "recorded" and result.returncode == -9
    assert sqlite_register(path).count() == 50


def _fetched(settings, guid):
    cache = cache_from_settings(settings)
    from fps_desktop.documents.demo import DemoSource

    manifest = fetch_job(cache, DemoSource(), guid).run(lambda *a: None, CancelToken()).data
    return cache, manifest


def test_listing_flags_duplicates_other_buyer_red_letter_and_counts_formats_once(tmp_path):
    settings = Settings(Paths.default(), site_files=[])
    register = open_register(settings)
    cache, travel = _fetched(settings, TRAVEL)
    list_invoices(travel, cache.blob_path, register, university(settings), "li")
    cache, twice = _fetched(settings, CLAIMED_TWICE)
    listing = list_invoices(twice, cache.blob_path, register, university(settings), "wang")
    air, foreign, red = listing.rows
    assert air.duplicates[0].other.guid == TRAVEL
    assert not air.is_duplicate  # TRAVEL only opened it: "also in", nobody claimed it yet
    register.record_printed(TRAVEL, [f.sha256 for f in travel.files], "li")
    air = list_invoices(twice, cache.blob_path, register, university(settings), "wang").rows[0]
    assert air.is_duplicate and air.claims[0].other.printed_by == "li"
    assert foreign.buyer_problem == NOT_THE_UNIVERSITY and not air.buyer_problem
    assert red.fields.red_letter and str(listing.total) == "948.00"
    cache, three = _fetched(settings, THREE_FORMATS)
    formats = list_invoices(three, cache.blob_path, register, university(settings))
    assert [r.counted for r in formats.rows] == [True, False, False, True]
    assert not any(r.is_duplicate for r in formats.rows)
    assert str(formats.total) == "6890.00"
    register.close()


def test_a_renamed_copy_inside_one_guid_is_flagged(tmp_path):
    from fps_desktop.documents.models import FileRole, Manifest

    settings = Settings(Paths.default(), site_files=[])
    cache, manifest = _fetched(settings, TRAVEL)
    copy = type(manifest.files[0])(**{**manifest.files[0].to_json(), "name": "copy.pdf",
                                      "role": FileRole.INVOICE})  # fmt: skip
    doubled = Manifest(manifest.guid, manifest.source, 0, [*manifest.files, copy])
    listing = list_invoices(doubled, cache.blob_path, None)
    first, _, twin = listing.rows
    assert first.twins == ["copy.pdf"] and twin.twins == [first.fields.file]
    assert not twin.counted and str(listing.total) == "2248.00"
    payload = listing.to_json()
    assert payload["invoices"][0]["duplicates"][0]["file"] == "copy.pdf"


# -- the shared register in MariaDB ------------------------------------------------------------


def _site(tmp_path, name, db: DbSettings):
    """An app home of its own (another workstation) pointing at the shared database."""
    home = tmp_path / name
    paths = Paths(home / "config", home / "data", home / "cache", home / "logs")
    settings = Settings(paths, site_files=[])
    for key, value in {"invoices.register": "mysql", "db.host": db.host, "db.port": db.port,
                       "db.user": db.user, "db.name": db.database}.items():  # fmt: skip
        settings.set(key, value)
    return settings


@pytest.fixture
def shared_db(mariadb, memory_keyring):
    db = DbSettings("127.0.0.1", mariadb.port, USER, PASSWORD, "fps_register")
    with mariadb.admin().cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS fps_register")
        cursor.execute("CREATE DATABASE fps_register")
    from fps_desktop.config import set_secret
    from fps_desktop.export.db import PASSWORD_SECRET

    set_secret(PASSWORD_SECRET, PASSWORD)
    return db


@pytest.mark.mariadb
def test_two_workstations_share_one_register_in_mariadb(tmp_path, shared_db):
    office, annex = _site(tmp_path, "office", shared_db), _site(tmp_path, "annex", shared_db)
    first, second = open_register(office), open_register(annex)  # the table is created once
    assert first.mysql and second.mysql
    cache, travel = _fetched(office, TRAVEL)
    list_invoices(travel, cache.blob_path, first, clerk="li")
    first.record_printed(TRAVEL, [f.sha256 for f in travel.files], "li")
    cache, twice = _fetched(annex, CLAIMED_TWICE)
    listing = list_invoices(twice, cache.blob_path, second, clerk="wang")
    (match,) = listing.rows[0].duplicates
    assert match.other.guid == TRAVEL and match.other.printed_by == "li"
    assert len(second.duplicates()) == 1 and first.count() == second.count() == 5
    first.close()
    second.close()


@pytest.mark.mariadb
@pytest.mark.allow_log_warnings  # a refusing database is worth a warning in the log
def test_a_database_user_without_create_rights_gets_a_clear_message(mariadb, shared_db):
    with mariadb.admin().cursor() as cursor:
        cursor.execute("GRANT SELECT ON fps_register.* TO 'reader'@'127.0.0.1'")
    reader = DbSettings("127.0.0.1", mariadb.port, "reader", "reader-pw", "fps_register")
    with pytest.raises(DatabaseError, match="may not create or use the invoice register"):
        mysql_register(reader, "another_table")


@pytest.mark.mariadb
@pytest.mark.allow_log_warnings  # the vanished table is logged
def test_a_register_lost_midway_still_lists_the_fields(tmp_path, mariadb, shared_db):
    office = _site(tmp_path, "office", shared_db)
    register = open_register(office)
    with mariadb.admin().cursor() as cursor:
        cursor.execute("DROP TABLE fps_register.fps_invoice_register")
    cache, travel = _fetched(office, TRAVEL)
    listing = list_invoices(travel, cache.blob_path, register)
    assert isinstance(listing.register_error, DatabaseError)
    assert str(listing.total) == "2248.00" and listing.to_json()["duplicates_checked"] is False
    register.close()
