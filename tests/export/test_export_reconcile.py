"""Incremental runs reconcile with the database: whatever the privileges, time zones, lock
waits or transaction lengths, the files match the database one run after the writes settle."""

import threading
import time
from datetime import timedelta

import pytest

from fps_desktop.cli import main
from fps_desktop.errors import DatabaseError
from fps_desktop.export.db import DbSettings
from fps_desktop.export.report import HELD_BACK_EXIT_CODE
from tests.export.mariadb_server import client
from tests.export.proxy import HangingProxy
from tests.export.test_export import run, sql
from tests.export.test_export_integrity import ISSUED, add_invoice, document

pytestmark = pytest.mark.allow_log_warnings  # a held-back boundary is a warning on purpose

MARGIN = timedelta(0)  # the window alone would miss every change below: the fingerprint must not


def select_only(mariadb, db) -> DbSettings:
    """The export as a user who may only read the database: no PROCESS privilege."""
    admin = mariadb.admin()
    with admin.cursor() as cursor:
        cursor.execute(f"GRANT SELECT ON `{db.database}`.* TO 'reader'@'127.0.0.1'")
    admin.close()
    return DbSettings(db.host, db.port, "reader", "reader-pw", db.database)


def exported(out, invoice_id):
    found = [p for p in out.rglob("*.json") if ".removed" not in p.parts
             and document(p)["id"] == invoice_id]  # fmt: skip
    return document(found[0]) if found else None


# InnoDB refreshes what it lists of open transactions only after 0.1 s without a reader:
# asked more often, it lists the same (empty) answer for ever.
TRX_LIST_IDLE = 0.2


def wait_for(condition, what, timeout=30.0, every=0.02):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(every)


def test_without_process_a_transaction_open_across_runs_is_exported_after_it_commits(
    mariadb, db, tmp_path
):
    reader = select_only(mariadb, db)
    out = tmp_path / "out"
    run(reader, out, incremental=True, margin=MARGIN)
    writer = client(db, autocommit=False)
    with writer.cursor() as cursor:  # rows stamped long before the watermark, committed later
        cursor.execute(ISSUED, (1, "CN", "LONG-1", "2025-03-03", "long transaction"))
        cursor.execute("SELECT LAST_INSERT_ID()")
        (new,) = cursor.fetchone()
        cursor.execute("UPDATE invoices SET buyer_name = 'late', updated_at = '2025-01-01' "
                       "WHERE id = 5")  # fmt: skip
    assert run(reader, out, incremental=True, margin=MARGIN).invoices == 0  # not committed yet
    writer.commit()
    writer.close()
    run(reader, out, incremental=True, margin=MARGIN)
    assert exported(out, new)["buyer_name"] == "long transaction"
    assert exported(out, 5)["buyer_name"] == "late"


def test_a_write_that_waited_behind_a_backup_lock_is_exported(mariadb, db, tmp_path):
    out = tmp_path / "out"
    run(db, out, incremental=True, margin=MARGIN)
    locker = mariadb.admin()
    with locker.cursor() as cursor:
        cursor.execute("FLUSH TABLES WITH READ LOCK")
    writer = client(db, autocommit=True)
    thread_id = writer.thread_id()
    blocked = threading.Thread(target=lambda: writer.cursor().execute(
        "UPDATE invoices SET buyer_name = 'behind the lock' WHERE id = 7"))  # fmt: skip
    blocked.start()
    try:
        wait_for(lambda: "lock" in str(sql(db, "SELECT STATE FROM information_schema.PROCESSLIST "
                                               "WHERE ID = %s", (thread_id,))),
                 "the writer never waited for the lock")  # fmt: skip
        run(db, out, incremental=True, margin=MARGIN)  # the watermark passes its time stamp
    finally:
        with locker.cursor() as cursor:
            cursor.execute("UNLOCK TABLES")
        locker.close()
        blocked.join(30)
    writer.close()
    run(db, out, incremental=True, margin=MARGIN)
    assert exported(out, 7)["buyer_name"] == "behind the lock"


def test_a_writer_in_another_time_zone_is_exported(db, tmp_path):
    out = tmp_path / "out"
    run(db, out, incremental=True, margin=MARGIN)
    writer = client(db, autocommit=True)
    with writer.cursor() as cursor:  # its CURRENT_TIMESTAMP lands 12 h below the watermark
        cursor.execute("SET time_zone = '-12:00'")
        cursor.execute("UPDATE invoices SET buyer_name = 'far west', updated_at = NOW(6) "
                       "WHERE id = 9")  # fmt: skip
    writer.close()
    run(db, out, incremental=True, margin=MARGIN)
    assert exported(out, 9)["buyer_name"] == "far west"


def test_a_change_to_the_lines_alone_reaches_the_next_incremental_run(db, tmp_path):
    out = tmp_path / "out"
    run(db, out)
    sql(db, "UPDATE invoice_lines SET description = '*纸制品*打印纸 A3' WHERE invoice_id = 11 "
            "AND line_no = 2")  # fmt: skip
    summary = run(db, out, incremental=True, margin=MARGIN)
    assert summary.invoices > 0
    assert exported(out, 11)["lines"][1]["description"] == "*纸制品*打印纸 A3"
    assert run(db, out, incremental=True, margin=MARGIN).invoices == 0  # settled


def test_voided_invoices_leave_under_incremental_runs_alone(db, tmp_path):
    out = tmp_path / "out"
    run(db, out, incremental=True, margin=MARGIN)  # never a full run
    (voided,) = [p for p in out.rglob("*.json") if document(p)["id"] == 1]
    sql(db, "UPDATE invoices SET status = 'VOID' WHERE id = 1")
    sql(db, "UPDATE invoices SET status = 'VOID' WHERE tenant_id = 5 AND country_code = 'SG'")
    summary = run(db, out, incremental=True, margin=MARGIN)
    assert summary.removed == 1 + 20
    assert not voided.exists()
    assert (out / ".removed" / voided.relative_to(out)).exists()
    assert not list((out / "5" / "SG").glob("*.json"))
    live = sql(db, "SELECT COUNT(*) FROM invoices WHERE status = 'ISSUED'")[0][0]
    assert len([p for p in out.rglob("*.json") if ".removed" not in p.parts]) == live


def test_an_open_transaction_holding_the_boundary_is_named_in_a_warning(db, tmp_path, caplog):
    out = tmp_path / "out"
    writer = client(db, autocommit=False)
    with writer.cursor() as cursor:
        cursor.execute("UPDATE invoices SET buyer_name = 'idle' WHERE id = 13")
    thread_id = writer.thread_id()
    try:  # the server lists open transactions with a delay: wait for this one, not for others
        wait_for(lambda: sql(db, "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE "
                                 "trx_mysql_thread_id = %s", (thread_id,))[0][0] == 1,
                 "the transaction is never listed", every=TRX_LIST_IDLE)  # fmt: skip
        summary = run(db, out, incremental=True, margin=MARGIN, hold_warning=timedelta(0))
    finally:
        writer.rollback()
        writer.close()
    assert f"thread {thread_id} (fps@" in summary.held_back
    assert db.database in summary.held_back
    assert "Held back by" in "\n".join(summary.lines())
    assert any("held back" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    assert exported(out, 13)["buyer_name"] != "idle"  # rolled back: never exported


def test_a_held_back_boundary_finishes_with_its_own_exit_code_for_cron(db_env, tmp_path, capsys):
    out = str(tmp_path / "out")

    def export(warn_after_minutes: str) -> int:
        return main(["export", "invoices", "-i", "-o", out, "--margin", "0",
                     "--warn-held", warn_after_minutes])  # fmt: skip

    writer = client(db_env, autocommit=False)
    with writer.cursor() as cursor:
        cursor.execute("UPDATE invoices SET buyer_name = 'idle' WHERE id = 13")
    thread_id = writer.thread_id()
    try:
        wait_for(lambda: sql(db_env, "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE "
                                     "trx_mysql_thread_id = %s", (thread_id,))[0][0] == 1,
                 "the transaction is never listed", every=TRX_LIST_IDLE)  # fmt: skip
        assert export("0") == HELD_BACK_EXIT_CODE
    finally:
        writer.rollback()
        writer.close()
    shown = capsys.readouterr()
    assert f"thread {thread_id} (fps@" in shown.out  # the report's "Held back by"
    assert "held back by an open transaction" in shown.err and db_env.database in shown.err
    # Other tests' transactions on this shared server may hold it a moment: none for an hour.
    assert export("60") == 0
    assert "Held back by" not in capsys.readouterr().out


def test_an_id_suffix_never_lands_on_another_invoices_number(db, tmp_path):
    first = add_invoice(db, "X")
    middle = add_invoice(db, "placeholder")
    last = add_invoice(db, "X")  # gets X+{last}, which the middle one's number will be
    sql(db, "UPDATE invoices SET invoice_no = %s WHERE id = %s", (f"X+{last}", middle))
    out = tmp_path / "out"
    summary = run(db, out)
    assert summary.files == 303
    folder = out / "1" / "CN"
    assert document(folder / "20250206+X.json")["id"] == first
    assert document(folder / f"20250206+X+{last}.json")["id"] == middle
    assert document(folder / f"20250206+X+{last}+{last}.json")["id"] == last
    run(db, out, incremental=True, margin=MARGIN)
    assert document(folder / f"20250206+X+{last}.json")["id"] == middle


@pytest.mark.parametrize("collation", ["utf8mb4_general_ci", "utf8mb4_bin"])
def test_countries_differing_only_in_case_share_one_folder_and_lose_nothing(
    db, tmp_path, collation
):
    sql(db, f"ALTER TABLE invoices MODIFY country_code CHAR(2) COLLATE {collation} NOT NULL")
    sql(db, "UPDATE invoices SET country_code = 'cn' WHERE tenant_id = 1 AND country_code = 'CN' "
            "AND MOD(id, 2) = 0")  # fmt: skip
    twin = add_invoice(db, "CN-FP-0000000", country="cn", date="2025-01-01")  # also 1/CN's name
    out = tmp_path / "out"
    summary = run(db, out, incremental=True, margin=MARGIN)
    assert summary.files == 301 and not summary.failed_files
    assert sorted(p.name for p in (out / "1").iterdir()) == ["CN", "HK", "SG"]
    assert len(list((out / "1" / "CN").glob("*.json"))) == 21
    assert exported(out, twin)["country_code"] == "cn"
    sql(db, "UPDATE invoices SET buyer_name = 'changed' WHERE id = %s", (twin,))
    again = run(db, out, incremental=True, margin=MARGIN)
    assert again.removed == 0 and exported(out, twin)["buyer_name"] == "changed"
    assert len(list((out / "1" / "CN").glob("*.json"))) == 21


def test_a_server_that_stops_answering_ends_the_run_within_its_deadline(db, tmp_path):
    proxy = HangingProxy(db.port, b"JSON_OBJECT")  # silent once the rows are asked for
    hung = DbSettings(db.host, proxy.port, db.user, db.password, db.database, timeout=2)
    started = time.monotonic()
    try:
        with pytest.raises(DatabaseError) as raised:
            run(hung, tmp_path / "out", incremental=True)
    finally:
        proxy.close()
    assert proxy.hung.is_set() and time.monotonic() - started < 30
    assert raised.value.message == (
        f"The database at 127.0.0.1:{proxy.port} stopped answering (nothing for 2 s). Nothing "
        "was marked as exported; check the server and run the export again."
    )
    assert not (tmp_path / "out" / ".export_state" / ".last_export_time").exists()


def fingerprint_reader(mariadb, db) -> DbSettings:
    """A user who may read only what the fingerprint needs when the server keeps the row
    hashes: the indexed columns, not the rows' contents."""
    admin = mariadb.admin()
    with admin.cursor() as cursor:
        cursor.execute("CREATE USER IF NOT EXISTS 'hashes'@'127.0.0.1' IDENTIFIED BY 'hashes-pw'")
        cursor.execute("GRANT SELECT (id, tenant_id, country_code, issue_date, status, row_hash) "
                       f"ON `{db.database}`.invoices TO 'hashes'@'127.0.0.1'")  # fmt: skip
        cursor.execute("GRANT SELECT (invoice_id, row_hash) "
                       f"ON `{db.database}`.invoice_lines TO 'hashes'@'127.0.0.1'")  # fmt: skip
    admin.close()
    return DbSettings(db.host, db.port, "hashes", "hashes-pw", db.database)


def test_the_fingerprint_reads_the_hashes_the_server_keeps_not_the_rows(mariadb, db):
    """With the reference schema's row_hash columns the fingerprint is taken from their
    indexes alone (a user who may read nothing else measures it), and it equals the one
    computed from the rows where the columns are missing, so either kind of site reconciles."""
    from fps_desktop.export.mapping import Mapping
    from fps_desktop.export.reconcile import measure

    kept = measure(fingerprint_reader(mariadb, db), Mapping(), None)
    assert kept.invoices and kept.lines
    assert kept == measure(db, Mapping(), None)
    for table in ("invoices", "invoice_lines"):
        sql(db, f"ALTER TABLE {table} DROP COLUMN row_hash")
    computed = measure(db, Mapping(), None)
    assert computed == kept

    # A change that leaves the change time alone still shows, with the column or without.
    sql(db, "UPDATE invoice_lines SET description = 'changed' ORDER BY invoice_id LIMIT 1")
    assert measure(db, Mapping(), None).lines != kept.lines
