import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
from datetime import datetime

import pytest

from fps_desktop.cli import main
from fps_desktop.errors import Cancelled, DatabaseError, ExportError
from fps_desktop.export.basic import export_basic_data
from fps_desktop.export.db import DbSettings, check_connection
from fps_desktop.export.demo_data import create_demo_database
from fps_desktop.export.invoices import ExportOptions, InvoiceExporter
from fps_desktop.export.names import invoice_file_name
from fps_desktop.export.state import ExportState
from fps_desktop.jobs import CancelToken
from tests.export.mariadb_server import client

pytestmark = pytest.mark.allow_log_warnings  # refusals and skipped rows are logged on purpose


def run(db, out, **options):
    return InvoiceExporter(db, ExportOptions(out, **options)).run()


def files_of(folder):
    return {
        str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and ".export_state" not in p.parts and not p.name.startswith("index-")
    }


def sql(db, statement, params=None):
    connection = client(db, autocommit=True)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    connection.close()
    return rows


def months_of(db, where) -> dict[int, int]:
    """Per tenant, the issued invoices in the tenant/country/months of the rows ``where``."""
    month = "tenant_id, country_code, issue_date DIV 100"
    rows = sql(
        db,
        f"SELECT tenant_id, COUNT(*) FROM invoices WHERE status = 'ISSUED' AND "
        f"({month}) IN (SELECT {month} FROM invoices WHERE {where}) GROUP BY 1",
    )
    return {int(tenant): int(count) for tenant, count in rows}


def test_full_export_layout_names_and_state(db, tmp_path, capsys, db_env):
    out = tmp_path / "invoices"
    assert main(["export", "invoices", "-o", str(out)]) == 0
    files = sorted(p for p in out.rglob("*.json"))
    assert len(files) == 300  # only the issued ones; the demo also has pending/failed/void
    tenant, country, name = files[0].relative_to(out).parts
    assert tenant == "1" and country == "CN" and name == "20250101+CN-FP-0000000.json"
    document = json.loads(files[0].read_text(encoding="utf-8"))
    assert document["status"] == "ISSUED" and len(document["lines"]) == 2
    lines = (out / ".export_state" / ".last_export_time").read_text().splitlines()
    assert len(lines) == 5
    tenant_id, stamp, count, status = lines[0].split("|")
    assert tenant_id == "1" and status == "SUCCESS" and int(count) == 60
    datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
    report = capsys.readouterr().out
    for field in ("Groups:", "Succeeded groups:", "Failed groups:", "Empty groups:",
                  "Invoices:", "Files written:", "Duration:", "Per invoice:"):  # fmt: skip
        assert field in report
    assert not (out / ".export_state" / ".export.lock").exists()


def test_unsafe_characters_in_numbers_become_underscores():
    assert invoice_file_name("20250819", "CN/FP:0005*?", False) == "20250819+CN_FP_0005__.json"
    assert invoice_file_name("20250819", "../x", True) == "20250819+.._x.json.gz"


def test_compressed_files_hold_the_same_json(db, tmp_path):
    run(db, tmp_path / "plain")
    run(db, tmp_path / "gz", compress=True)
    plain = next((tmp_path / "plain").rglob("*.json"))
    packed = tmp_path / "gz" / plain.relative_to(tmp_path / "plain")
    packed = packed.with_name(packed.name + ".gz")
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()


def test_several_writer_threads_write_the_same_files_as_one(db, tmp_path):
    one, several = run(db, tmp_path / "one"), run(db, tmp_path / "several", threads=3)
    assert several.files == one.files == 300
    assert files_of(tmp_path / "several") == files_of(tmp_path / "one")


def test_dry_run_writes_nothing(db, tmp_path):
    summary = run(db, tmp_path / "out", dry_run=True)
    assert summary.invoices == 300 and summary.groups == 15
    assert not (tmp_path / "out").exists()


def test_tenant_and_limit_narrow_the_run(db, tmp_path):
    summary = run(db, tmp_path / "t2", tenant=2)
    assert {p.parts[-3] for p in (tmp_path / "t2").rglob("*.json")} == {"2"}
    assert summary.invoices == 60
    limited = run(db, tmp_path / "limit", limit=2)
    assert limited.groups == 2 and len(list((tmp_path / "limit").rglob("*.json"))) == 40


def test_incremental_exports_only_what_changed_per_tenant(db, tmp_path):
    out = tmp_path / "out"
    run(db, out)
    state = ExportState(out)
    assert run(db, out, incremental=True).invoices == 0
    assert list(state.folder.glob(".last_export_time.backup.*"))
    # Rewind tenant 3's watermark and touch 7 of its invoices inside the window.
    states = state.load()
    states[3].export_time = datetime(2025, 12, 31)  # after every demo row
    state.save(states)
    sql(db, "UPDATE invoices SET updated_at = '2026-01-01' WHERE tenant_id = 3 AND "
            "status = 'ISSUED' ORDER BY id LIMIT 7")  # fmt: skip
    # Changed within the margin: the fingerprint finds them all the same.
    sql(db, "UPDATE invoices SET updated_at = NOW() WHERE tenant_id = 4 AND status = 'ISSUED' "
            "ORDER BY id LIMIT 3")  # fmt: skip
    summary = run(db, out, incremental=True)
    # Each changed invoice's month is read again: its files are checked, unchanged ones kept.
    expected = months_of(db, "updated_at >= '2026-01-01'")
    assert summary.per_tenant == expected and summary.invoices == sum(expected.values())
    after = state.load()
    assert after[3].record_count == expected[3] and after[3].export_time > datetime(2026, 1, 1)
    assert after[4].record_count == expected[4]
    assert run(db, out, incremental=True).invoices == 0


def test_seed_env_vars_and_basic_data_layout(db_env, tmp_path, monkeypatch):
    monkeypatch.setenv("OUTPUT_DIR", str(tmp_path / "basic-data"))
    assert main(["export", "basic"]) == 0
    base = tmp_path / "basic-data"
    currencies = json.loads((base / "global" / "currencies.json").read_text(encoding="utf-8"))
    assert {c["code"] for c in currencies} >= {"CNY", "HKD", "SGD"}
    assert (base / "global" / "invoice-types.json").exists()
    for folder in ("uom-codes", "tax-category-codes", "payment-means"):
        assert sorted(p.name for p in (base / "codes" / folder).iterdir()) == [
            "CN.json", "HK.json", "SG.json"]  # fmt: skip


def test_demo_db_command_honours_the_environment(mariadb, db_env, monkeypatch, capsys):
    monkeypatch.setenv("DB_NAME", "fps_demo_cli")
    assert main(["demo-db", "--invoices", "1000"]) == 0
    assert "1,000 issued invoices" in capsys.readouterr().out
    target = DbSettings(db_env.host, db_env.port, db_env.user, db_env.password, "fps_demo_cli")
    assert sql(target, "SELECT COUNT(*) FROM invoices WHERE status='ISSUED'")[0][0] == 1000


def test_demo_db_leaves_a_database_with_tables_of_its_own_alone(db_env, capsys):
    sql(db_env, "CREATE TABLE payroll (id INT PRIMARY KEY)")
    sql(db_env, "INSERT INTO payroll VALUES (1)")
    sql(db_env, "UPDATE invoices SET buyer_name = 'real data' WHERE id = 1")
    assert main(["demo-db", "--invoices", "10"]) == 2
    error = capsys.readouterr().err
    assert f"The database {db_env.database} on 127.0.0.1 holds tables demo-db did not " \
           "create (currencies, invoice_lines, invoice_types, invoices, payment_means, ...)" \
           in error and "--replace" in error  # fmt: skip
    assert sql(db_env, "SELECT buyer_name FROM invoices WHERE id = 1")[0][0] == "real data"
    sql(db_env, "DROP TABLE payroll")
    assert main(["demo-db", "--invoices", "10"]) == 0  # made by demo-db: refilled
    sql(db_env, "CREATE TABLE payroll (id INT PRIMARY KEY)")
    assert main(["demo-db", "--invoices", "10", "--replace"]) == 0
    assert sql(db_env, "SELECT COUNT(*) FROM payroll")[0][0] == 0  # not one of demo-db's


def test_bad_rows_are_reported_and_skipped(db, tmp_path):
    sql(db, "UPDATE invoices SET invoice_no = NULL WHERE id = 1")
    sql(db, "UPDATE invoices SET issue_date = NULL WHERE id = 2")
    sql(db, "ALTER TABLE invoices MODIFY buyer_name VARBINARY(200) NOT NULL")
    sql(db, "UPDATE invoices SET buyer_name = X'E4B8ADFF' WHERE id = 3")
    summary = run(db, tmp_path / "out")
    reasons = {s.invoice_id: s.reason() for s in summary.skipped}
    assert reasons == {1: "missing invoice number", 2: "invalid issue date",
                       3: "text is not valid UTF-8"}  # fmt: skip
    assert summary.files == 297 and summary.failed_files == 3
    assert "Skipped invoice id 3" in "\n".join(summary.lines())


def test_a_second_export_is_blocked_and_a_stale_lock_recovered(db, tmp_path):
    out = tmp_path / "out"
    lock = ExportState(out).lock_path
    lock.parent.mkdir(parents=True)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    lock.write_text(str(sleeper.pid))
    with pytest.raises(ExportError, match=f"process {sleeper.pid}"):
        run(db, out)
    sleeper.kill()
    sleeper.wait()
    assert run(db, out).files == 300  # the holder is gone: the lock is taken over
    assert not lock.exists()


def test_cancel_leaves_no_half_files_and_no_new_state(db, tmp_path):
    out = tmp_path / "out"
    cancel = CancelToken()
    seen = []

    def progress(done, total, message=""):
        seen.append(done)
        if done >= 256:
            cancel.cancel()

    create_demo_database(db, invoices=3000)
    with pytest.raises(Cancelled):
        InvoiceExporter(db, ExportOptions(out)).run(progress, cancel)
    assert not list(out.rglob("*.tmp")) and not list(out.rglob("*.partial"))
    assert not (out / ".export_state" / ".last_export_time").exists()
    assert all(json.loads(p.read_bytes()) for p in out.rglob("*.json"))


def test_a_folder_that_appears_during_the_run_gets_its_files_and_keeps_its_own(db, tmp_path):
    run(db, tmp_path / "clean")
    out = tmp_path / "out"

    def progress(done, total, message=""):
        if done == 256:  # staged by now; someone makes the real folder by hand
            (out / "1" / "CN").mkdir(parents=True)
            (out / "1" / "CN" / "notes.txt").write_text("mine")

    InvoiceExporter(db, ExportOptions(out)).run(progress, CancelToken())
    assert (out / "1" / "CN" / "notes.txt").read_text() == "mine"
    (out / "1" / "CN" / "notes.txt").unlink()
    assert files_of(out) == files_of(tmp_path / "clean")


def test_database_going_away_is_a_clear_error_with_state_unchanged(db, mariadb, tmp_path):
    out = tmp_path / "out"
    run(db, out)
    before = (out / ".export_state" / ".last_export_time").read_text()
    create_demo_database(db, invoices=3000)

    def kill_stream(done, total, message=""):
        if done >= 256:
            admin = mariadb.admin()
            with admin.cursor() as cursor:
                cursor.execute("SELECT ID FROM information_schema.PROCESSLIST "
                               "WHERE INFO LIKE 'SELECT%JSON_OBJECT%'")  # fmt: skip
                for (thread,) in cursor.fetchall():
                    cursor.execute(f"KILL {thread}")
            admin.close()

    with pytest.raises(DatabaseError, match="connection to the database was lost"):
        InvoiceExporter(db, ExportOptions(out)).run(kill_stream, CancelToken())
    assert (out / ".export_state" / ".last_export_time").read_text() == before


def test_kill_9_then_rerun_gives_exactly_the_clean_files(db, tmp_path):
    create_demo_database(db, invoices=8000)
    clean = tmp_path / "clean"
    run(db, clean)
    out = tmp_path / "killed"
    env = {**os.environ, "DB_HOST": db.host, "DB_PORT": str(db.port), "DB_USER": db.user,
           "DB_PASSWORD": db.password, "DB_NAME": db.database}  # fmt: skip
    command = [sys.executable, "-m", "fps_desktop", "export", "invoices", "-o", str(out)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(out.rglob("*.json"))) < 300:
        time.sleep(0.05)
    process.kill()  # kill -9; TerminateProcess on Windows
    process.wait()
    assert 0 < len(list(out.rglob("*.json"))) < 8000, "killed in the middle"
    assert not (out / ".export_state" / ".last_export_time").exists()
    assert subprocess.run([*command, "--incremental"], env=env, capture_output=True).returncode == 0
    assert files_of(out) == files_of(clean)


def export_with_file_limit(tmp_path, out, limit):
    """The file size limit makes the kernel refuse writes just as a full disk does."""
    script = (
        "import resource, signal, sys;"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}));"
        "from fps_desktop.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {**os.environ, "FPS_HOME": str(tmp_path / "home")}
    return subprocess.run([sys.executable, "-c", script, "export", "invoices", "-o", str(out)],
                          capture_output=True, text=True, env=env, timeout=60)  # fmt: skip


@pytest.mark.unix_only("a file size limit (RLIMIT_FSIZE) stands in for a full disk")
def test_full_disk_ends_with_a_clear_error_no_half_files_and_no_state(db, db_env, tmp_path):
    out = tmp_path / "out"
    result = export_with_file_limit(tmp_path, out, 300)
    assert result.returncode == 5, result.stderr
    assert "is full. Free some space and run the export again" in result.stderr
    assert "cache" not in result.stderr
    assert [p.name for p in out.rglob("*") if p.is_file()] == []
    assert run(db, out).files == 300  # space freed: the next run exports everything


@pytest.mark.unix_only("a file size limit (RLIMIT_FSIZE) stands in for a full disk")
def test_a_disk_full_while_saving_the_state_is_said_and_the_next_run_catches_up(
    db, db_env, tmp_path
):
    out = tmp_path / "out"
    result = export_with_file_limit(tmp_path, out, 4096)  # every invoice fits, the record not
    assert result.returncode == 5, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: The disk holding ") and "nothing was marked as exported" in line
    assert not (out / ".export_state" / ".last_export_time").exists()
    assert not list((out / ".export_state").glob("*.tmp"))
    assert run(db, out, incremental=True).files == 300


def test_an_export_folder_it_cannot_write_is_said_plainly(db_env, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".export_state").write_text("a file where the state folder should be")
    assert main(["export", "invoices", "-o", str(out)]) == 8
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: Cannot write the export's state in {out}")
    assert "unexpected" not in line


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "wrong"}, "wrong user name or password"),
        ({"port": 1}, "Cannot reach the database"),
        ({"database": "no_such_db"}, "does not exist"),
        ({"user": "reader", "password": "reader-pw"}, "may not read"),
    ],
)
def test_connection_problems_in_plain_words(db, change, message):
    broken = DbSettings(**{**db.__dict__, **change})
    with pytest.raises(DatabaseError, match=message):
        check_connection(broken)


def test_missing_table_is_named(db, tmp_path):
    sql(db, "DROP TABLE invoice_lines")
    with pytest.raises(DatabaseError, match="table the export needs is missing"):
        run(db, tmp_path / "out")
    assert not (tmp_path / "out" / ".export_state" / ".last_export_time").exists()


def test_basic_export_function_returns_files(db, tmp_path):
    result = export_basic_data(db, tmp_path / "b")
    assert len(result.data) == 2 + 9


def test_limit_never_lets_the_watermark_skip_left_out_groups(db, tmp_path):
    out = tmp_path / "out"
    assert run(db, out, incremental=True, limit=2).files == 40  # tenant 1's CN and HK only
    assert ExportState(out).load() == {}  # tenant 1's SG group was left out: nobody advanced
    assert run(db, out, incremental=True).invoices == 300


def test_chinese_invoice_numbers_stay_readable():
    assert invoice_file_name("20250819", "发票 001/2", False) == "20250819+发票_001_2.json"
