"""No invoice lost or silently overwritten; the state file and the folders tell the truth."""

import json
import os
import time
from datetime import datetime, timedelta

import pytest

from fps_desktop.export.state import ExportState
from tests.export.mariadb_server import client
from tests.export.test_export import months_of, run, sql

pytestmark = pytest.mark.allow_log_warnings  # collisions and skipped rows are logged on purpose

ISSUED = ("INSERT INTO invoices (tenant_id, country_code, invoice_no, issue_date, status, "
          "currency, net_amount, tax_amount, gross_amount, seller_name, seller_tax_id, "
          "buyer_name, updated_at) VALUES (%s, %s, %s, %s, 'ISSUED', 'CNY', 1, 0, 1, 's', 't', "
          "%s, '2025-06-01')")  # fmt: skip


def add_invoice(db, number, buyer="b", tenant=1, country="CN", date="2025-02-06") -> int:
    sql(db, ISSUED, (tenant, country, number, date, buyer))
    return sql(db, "SELECT MAX(id) FROM invoices")[0][0]


def document(path):
    return json.loads(path.read_text(encoding="utf-8"))


def rewind(out, tenant, when=datetime(2026, 1, 1)):
    state = ExportState(out)
    states = state.load()
    states[tenant].export_time = when
    state.save(states)


def test_two_invoices_with_one_file_name_both_keep_their_own_file(db, tmp_path):
    slash, colon = add_invoice(db, "COL/1", "first"), add_invoice(db, "COL:1", "second")
    twin_a, twin_b = add_invoice(db, "DUP-1", "twin a"), add_invoice(db, "DUP-1", "twin b")
    out = tmp_path / "out"
    summary = run(db, out)
    folder = out / "1" / "CN"
    assert document(folder / "20250206+COL_1.json")["buyer_name"] == "first"
    assert document(folder / f"20250206+COL_1+{colon}.json")["buyer_name"] == "second"
    assert document(folder / "20250206+DUP-1.json")["buyer_name"] == "twin a"
    assert document(folder / f"20250206+DUP-1+{twin_b}.json")["buyer_name"] == "twin b"
    assert summary.files == 304
    assert sorted(c.invoice_id for c in summary.collisions) == [colon, twin_b]
    assert f"20250206+COL_1+{colon}.json" in "\n".join(summary.lines())
    # The next incremental run sees only the second one change: it stays in its own file.
    rewind(out, 1)
    sql(db, "UPDATE invoices SET buyer_name = 'second, changed', updated_at = '2026-02-01' "
            "WHERE id = %s", (colon,))  # fmt: skip
    again = run(db, out, incremental=True)
    assert again.per_tenant == months_of(db, f"id = {colon}")
    assert document(folder / "20250206+COL_1.json")["buyer_name"] == "first"
    assert document(folder / f"20250206+COL_1+{colon}.json")["buyer_name"] == "second, changed"
    assert {c.invoice_id for c in again.collisions} == {colon, twin_b}  # the month again
    assert slash and twin_a


def test_a_name_too_long_for_the_file_system_is_shortened_and_the_tenant_advances(db, tmp_path):
    sql(db, "ALTER TABLE invoices MODIFY invoice_no VARCHAR(300) NULL")
    long_a, long_b = "发" * 100 + "A", "发" * 100 + "B"  # 301 bytes each, same first 300
    id_a, id_b = add_invoice(db, long_a, "a"), add_invoice(db, long_b, "b")
    out = tmp_path / "out"
    summary = run(db, out, incremental=True)
    assert summary.files == 302 and not summary.skipped and not summary.failed_files
    long_files = [p for p in (out / "1" / "CN").iterdir() if p.name.startswith("20250206+发")]
    assert len(long_files) == 2 and all(len(p.name.encode()) <= 255 for p in long_files)
    assert {document(p)["id"] for p in long_files} == {id_a, id_b}
    assert ExportState(out).load()[1].status == "SUCCESS"
    assert run(db, tmp_path / "again").files == 302  # the same names every time
    assert sorted(p.name for p in (tmp_path / "again" / "1" / "CN").iterdir()) == sorted(
        p.name for p in (out / "1" / "CN").iterdir()
    )


def test_a_row_the_file_system_refuses_is_skipped_without_holding_its_tenant_back(db, tmp_path):
    """Under a deep folder a long name passes the system's path limit even when shortened."""
    sql(db, "ALTER TABLE invoices MODIFY invoice_no VARCHAR(300) NULL")
    refused = add_invoice(db, "X" * 250)
    out = tmp_path
    while (room := 4096 - 250 - len(str(out).encode())) > 1:
        out = out / ("d" * min(200, room - 1))
    summary = run(db, out, incremental=True)
    assert [s.invoice_id for s in summary.skipped] == [refused]
    assert "too long" in summary.skipped[0].reason()
    assert summary.files == 300
    state = ExportState(out).load()[1]
    assert state.status == "SUCCESS" and state.export_time > datetime(2026, 1, 1)


def test_an_invoice_committed_after_the_margin_is_still_exported(db, tmp_path):
    out = tmp_path / "out"
    margin = timedelta(seconds=1)
    run(db, out, incremental=True, margin=margin)
    writer = client(db, autocommit=False)
    with writer.cursor() as cursor:
        cursor.execute("UPDATE invoices SET buyer_name = 'late' WHERE id = 5")
        cursor.execute("SELECT updated_at FROM invoices WHERE id = 5")
        (changed_at,) = cursor.fetchone()
    # Wait (on the server's clock) until the change is older than the margin.
    while sql(db, "SELECT NOW(6)")[0][0] <= changed_at + margin + timedelta(seconds=1):
        time.sleep(0.05)
    run(db, out, incremental=True, margin=margin)  # the change is not committed yet
    writer.commit()
    writer.close()
    # However long the server keeps listing it (and whatever other transactions are open on
    # a shared server), the fingerprint finds the change in the first run after the commit.
    run(db, out, incremental=True, margin=margin)
    (path,) = out.rglob("*+CN-FP-0000004.json")
    assert document(path)["buyer_name"] == "late"


def test_state_says_failed_keeps_the_last_good_time_and_lists_every_tenant(db, tmp_path):
    sql(db, "INSERT INTO tenants VALUES (9, 'no invoices yet')")
    out = tmp_path / "out"
    run(db, out)
    states = ExportState(out).load()
    assert states[9].status == "SUCCESS" and states[9].record_count == 0
    rewind(out, 2)
    sql(db, "UPDATE invoices SET updated_at = '2026-02-01' WHERE tenant_id = 2")
    victim = next((out / "2" / "CN").iterdir())
    victim.unlink()
    victim.mkdir()  # a folder where the file should go: this file cannot be written
    summary = run(db, out, incremental=True)
    assert summary.failed_files == 1
    after = ExportState(out).load()
    assert after[2].status == "FAILED" and after[2].export_time == datetime(2026, 1, 1)
    assert after[1].status == "SUCCESS" and after[1].export_time > datetime(2026, 1, 1)
    victim.rmdir()
    assert run(db, out, incremental=True).per_tenant == {2: 60}
    assert ExportState(out).load()[2].status == "SUCCESS"


def test_hostile_tenant_and_country_values_stay_inside_their_folders(db, tmp_path):
    sql(db, "UPDATE invoices SET country_code = '..' WHERE id IN (1, 2)")
    sql(db, "UPDATE invoices SET country_code = '.' WHERE id = 3")
    sql(db, "UPDATE invoices SET country_code = '.e' WHERE id = 4")
    out = tmp_path / "out"
    summary = run(db, out)
    assert summary.files == 300
    assert sorted(os.listdir(tmp_path)) == ["out"]
    for path in out.rglob("*.json"):
        parts = path.relative_to(out).parts
        assert len(parts) == 3 and not any(part.startswith(".") for part in parts), parts


def test_full_runs_move_files_of_voided_and_renumbered_invoices_aside(db, tmp_path):
    out = tmp_path / "out"
    run(db, out)
    (out / "1" / "CN" / "notes.txt").write_text("mine")
    sql(db, "UPDATE invoices SET status = 'VOID' WHERE id = 1")
    sql(db, "UPDATE invoices SET invoice_no = 'RENUMBERED' WHERE id = 16")
    sql(db, "UPDATE invoices SET status = 'VOID' WHERE tenant_id = 5 AND country_code = 'SG'")
    summary = run(db, out)
    assert summary.removed == 2 + 20
    folder = out / "1" / "CN"
    assert not (folder / "20250101+CN-FP-0000000.json").exists()
    assert (out / ".removed" / "1" / "CN" / "20250101+CN-FP-0000000.json").exists()
    assert (folder / "20250116+RENUMBERED.json").exists()
    assert (folder / "notes.txt").read_text() == "mine"
    assert not list((out / "5" / "SG").glob("*.json"))
    assert len(list(out.rglob("*.json"))) == 300 - 21 + 22  # live ones plus those moved aside
    assert "Moved aside" in "\n".join(summary.lines())
    assert run(db, out).removed == 0


def test_a_thousand_invoices_with_one_number_get_a_thousand_files(db, tmp_path):
    """More names than the run expected (each shared one adds a second): none lost."""
    copies = (
        "(SELECT 0 UNION ALL SELECT 1) x, (SELECT 0 UNION ALL SELECT 1) y, "
        "(SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) z"
    )  # 2 * 5 * 2 = 20 copies of each of tenant 1's invoices
    sql(db, "INSERT INTO invoices (tenant_id, country_code, invoice_no, issue_date, status, "
            "currency, net_amount, tax_amount, gross_amount, seller_name, seller_tax_id, "
            "buyer_name, updated_at) SELECT tenant_id, country_code, 'SAME', '2025-05-05', "
            "status, currency, net_amount, tax_amount, gross_amount, seller_name, seller_tax_id, "
            f"buyer_name, updated_at FROM invoices a, {copies} WHERE a.tenant_id = 1")  # fmt: skip
    summary = run(db, tmp_path / "out", tenant=1)
    same = sql(db, "SELECT COUNT(*) FROM invoices WHERE invoice_no = 'SAME' AND "
                   "status = 'ISSUED' AND country_code = 'CN'")[0][0]  # fmt: skip
    assert summary.files == 60 + 20 * 60 and summary.failed_files == 0
    assert len(list((tmp_path / "out" / "1" / "CN").glob("20250505+SAME*.json"))) == same
    assert len(summary.collisions) == 20 * 60 - 3  # one plain name per country


def test_a_stale_file_that_cannot_be_moved_aside_stays_and_the_run_ends(db, tmp_path):
    out = tmp_path / "out"
    run(db, out)
    (out / ".removed").write_text("a file where the folder should be")
    sql(db, "UPDATE invoices SET status = 'VOID' WHERE id = 1")
    summary = run(db, out)
    assert summary.removed == 0 and summary.files == 299
    assert (out / "1" / "CN" / "20250101+CN-FP-0000000.json").exists()
    assert ExportState(out).load()[1].status == "SUCCESS"


@pytest.mark.parametrize("incremental", [False, True], ids=["full", "incremental"])
def test_a_dry_run_reports_what_the_real_run_then_does(db, tmp_path, incremental):
    out = tmp_path / "out"
    run(db, out)
    sql(db, "UPDATE invoices SET invoice_no = NULL WHERE id = 6")  # skipped
    sql(db, "UPDATE invoices SET status = 'VOID' WHERE id = 1")  # moved aside
    add_invoice(db, "CN-FP-0000030", date="2025-01-31")  # shares id 31's name
    before = sorted(str(p) for p in out.rglob("*"))
    dry = run(db, out, dry_run=True, incremental=incremental, index_format="csv")
    assert sorted(str(p) for p in out.rglob("*")) == before  # nothing written, moved or listed
    real = run(db, out, incremental=incremental)
    counted = ("groups", "succeeded", "failed", "empty", "invoices", "files", "failed_files",
               "removed")  # fmt: skip
    assert [getattr(dry, f) for f in counted] == [getattr(real, f) for f in counted]
    assert (len(dry.skipped), len(dry.collisions)) == (len(real.skipped), len(real.collisions))
    assert (len(real.skipped), len(real.collisions), real.removed) == (1, 1, 1 + 1)


def test_the_report_follows_the_language(db, tmp_path, chinese):
    from PySide6.QtCore import QCoreApplication

    sql(db, "UPDATE invoices SET invoice_no = NULL WHERE id = 6")
    report = "\n".join(run(db, tmp_path / "out", dry_run=True).lines(QCoreApplication.translate))
    assert "缺少发票号码" in report and "missing invoice number" not in report
    assert "Groups" not in report
