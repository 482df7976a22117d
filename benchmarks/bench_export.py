"""Figures for the invoice export against a lean baseline.

Run: .venv/bin/python benchmarks/bench_export.py
Starts a private MariaDB server, fills it with `demo-db`, and measures, alternating
each round into empty folders (a file system slows as files pile up):
- the lean baseline: the server builds the same JSON with the same query, the `mariadb`
  client streams it, and a ten-line writer saves one file per row, then `sync`;
- the full export (`fps-desktop export invoices`), its time and peak RSS;
- the export with `--index csv` and `--index xlsx` (time and peak RSS);
- incremental runs with nothing new and with 1,000 changed invoices, and the cost of the
  reconciliation each incremental run makes (the database's fingerprint; target <= 1 s at
  525,230 invoices): read from the row hashes the reference schema keeps, then, as the
  baseline, computed from the rows once those columns are dropped.
INVOICES sets the size (default 52,523), BENCH_DIR the disk (e.g. /dev/shm for tmpfs),
ROUNDS the number of baseline/export pairs (the best of each is compared); with the argument
``fingerprint`` only the reconciliation's cost is measured. ``--quick``
(run by the test suite so the script never rots) prints every figure from 200 invoices,
one round without the warm-up export, 40 changed invoices and one fingerprint of each kind.
Peak RSS comes from GNU time (/usr/bin/time, Debian package `time`): a child forked from
this process would count this process's own memory. CPU seconds (user + system of the
commands, not of the server) are printed beside wall times: on a shared machine they hold
still while wall times swing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from fps_desktop.export.db import DbSettings  # noqa: E402
from fps_desktop.export.invoices import ExportOptions, InvoiceExporter  # noqa: E402
from fps_desktop.export.mapping import Mapping  # noqa: E402
from fps_desktop.export.query import Group, InvoiceQueries  # noqa: E402
from fps_desktop.export.reconcile import measure  # noqa: E402
from fps_desktop.export.state import ExportState  # noqa: E402
from tests.export.mariadb_server import PASSWORD, USER, MariaDbServer, client  # noqa: E402

QUICK = "--quick" in sys.argv
INVOICES = 200 if QUICK else int(os.environ.get("INVOICES", "52523"))
ROUNDS = 1 if QUICK else int(os.environ.get("ROUNDS", "3"))
CHANGED = 40 if QUICK else 1000  # invoices changed for the second incremental run
FINGERPRINTS = 1 if QUICK else ROUNDS + 2  # measurements of each kind of fingerprint

# The baseline's writer: what anyone would write in ten lines, with no checks at all.
WRITER = """
import os, sys
out, made = sys.argv[1], set()
for line in sys.stdin.buffer:
    tenant, country, day, number, document = line.rstrip(b"\\n").split(b"\\t", 4)
    folder = os.path.join(out, tenant.decode(), country.decode())
    if folder not in made:
        os.makedirs(folder, exist_ok=True); made.add(folder)
    with open(os.path.join(folder, f"{day.decode()}+{number.decode()}.json"), "wb") as f:
        f.write(document)
os.sync()
"""


def environment(db: DbSettings) -> dict[str, str]:
    return {**os.environ, "DB_HOST": db.host, "DB_PORT": str(db.port), "DB_USER": db.user,
            "DB_PASSWORD": db.password, "DB_NAME": db.database,
            "FPS_HOME": str(Path(tempfile.gettempdir()) / "fps-bench-home")}  # fmt: skip


GNU_TIME = "/usr/bin/time"


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall time, CPU seconds and the command's own peak RSS in MB."""
    with tempfile.NamedTemporaryFile("r") as report:
        wrapped = [GNU_TIME, "-f", "%M", "-o", report.name, *command]
        start = time.perf_counter()
        process = subprocess.Popen(wrapped, env=env, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"{command[:6]} failed")
        peak = int(report.read().split()[-1]) / 1024
    return seconds, usage.ru_utime + usage.ru_stime, peak


def export(db: DbSettings, out: Path, *extra: str) -> tuple[float, float, float]:
    command = [sys.executable, "-m", "fps_desktop", "export", "invoices", "-o", str(out), *extra]
    return measured(command, environment(db))


def baseline(db: DbSettings, out: Path) -> tuple[float, float]:
    """The same query through the `mariadb` client into the ten-line writer."""
    queries = InvoiceQueries(Mapping())
    connection = client(db)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tenant_id, country_code FROM invoices ORDER BY 1, 2")
        groups = [Group(int(t), c, 1) for t, c in cursor.fetchall()]
        windows = dict.fromkeys(g.tenant_id for g in groups)
        sql, params = queries.select(groups, windows, True, False)
        query = cursor.mogrify(sql, params)
    connection.close()
    command = ["mariadb", "--batch", "--raw", "--skip-column-names", "--quick",
              f"--host={db.host}", f"--port={db.port}", f"--user={db.user}",
              f"--database={db.database}", "-e", query]  # fmt: skip
    env = {**os.environ, "MYSQL_PWD": db.password}
    start = time.perf_counter()
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(out)], stdin=server.stdout)
    server.stdout.close()
    cpu = 0.0
    for process in (server, writer):
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit("the baseline failed")
        cpu += usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, cpu


def fingerprint_costs(db: DbSettings) -> tuple[object, list[float]]:
    """The database's fingerprint and the seconds each of FINGERPRINTS measurements took."""
    costs = []
    for _ in range(FINGERPRINTS):
        start = time.perf_counter()
        fingerprint = measure(db, Mapping(), None)
        costs.append(time.perf_counter() - start)
    return fingerprint, costs


def reconciliation(db: DbSettings) -> None:
    """The fingerprint read from the row hashes the reference schema keeps, then computed
    from the rows (the columns dropped, as at a site whose schema has none): the same value."""
    kept, kept_costs = fingerprint_costs(db)
    connection = client(db, autocommit=True)
    with connection.cursor() as cursor:
        for table in ("invoices", "invoice_lines"):
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN row_hash")
    connection.close()
    computed, computed_costs = fingerprint_costs(db)
    assert kept == computed, "the kept and the computed fingerprints differ"
    print(f"reconciliation per incremental run (fingerprint of {INVOICES:,} invoices and "
          f"their lines): {min(kept_costs):.2f} s from the row hashes the server keeps "
          f"({', '.join(f'{c:.2f}' for c in kept_costs)}; target <= 1 s at 525,230), "
          f"{min(computed_costs):.2f} s computed from the rows where a schema has none "
          f"({', '.join(f'{c:.2f}' for c in computed_costs)})")  # fmt: skip


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="fps-export-bench-", dir=os.environ.get("BENCH_DIR")))
    server = MariaDbServer(work / "mariadb").start()
    db = DbSettings("127.0.0.1", server.port, USER, PASSWORD, "fps_bench")
    try:
        fill, _, _ = measured([sys.executable, "-m", "fps_desktop", "demo-db", "--invoices",
                            str(INVOICES)], environment(db))  # fmt: skip
        print(f"{INVOICES:,} invoices under {work}; demo-db: {fill:.1f} s")
        if "fingerprint" in sys.argv:  # the reconciliation's cost alone
            reconciliation(db)
            return
        out, lean = work / "invoices", work / "baseline"
        if not QUICK:  # warm-up: the server's buffers hold the tables from here on
            export(db, out)
        leans, fulls = [], []
        for _ in range(ROUNDS):
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(lean, ignore_errors=True)
            leans.append(baseline(db, lean))
            fulls.append(export(db, out))
        count = len(list(out.rglob("*.json")))
        full, best = min(f[0] for f in fulls), min(b[0] for b in leans)
        cpu, lean_cpu = min(f[1] for f in fulls), min(b[1] for b in leans)
        print(f"full export: {full:.2f} s for {count:,} files (rounds: "
              f"{', '.join(f'{f[0]:.2f}' for f in fulls)}); lean baseline {best:.2f} s "
              f"({', '.join(f'{b[0]:.2f}' for b in leans)}); export/baseline {full / best:.2f} "
              f"(target <= 1.0); CPU {cpu:.2f} s vs the baseline's {lean_cpu:.2f} s")  # fmt: skip
        print(f"peak RSS of the export: {max(f[2] for f in fulls):.0f} MB (target <= 60 MB)")
        for kind in ("csv", "xlsx"):
            listed = []
            for _ in range(ROUNDS):
                shutil.rmtree(out)
                listed.append(export(db, out, "--index", kind))
            seconds, used = min(r[0] for r in listed), min(r[1] for r in listed)
            print(f"export with --index {kind}: {seconds:.2f} s (best of "
                  f"{', '.join(f'{r[0]:.2f}' for r in listed)}), {seconds / full:.2f}x the "
                  f"export (target <= 1.5x); CPU {used:.2f} s, {used / cpu:.2f}x the export's; "
                  f"peak RSS {max(r[2] for r in listed):.0f} MB (target <= 200 MB)")  # fmt: skip
        incremental = InvoiceExporter(db, ExportOptions(out, incremental=True))
        start = time.perf_counter()
        incremental.run()
        nothing = time.perf_counter() - start
        state = ExportState(out)
        states = state.load()
        for tenant in states.values():
            tenant.export_time = datetime(2026, 1, 1)
        state.save(states)
        connection = client(db, autocommit=True)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE invoices SET updated_at = '2026-01-02' WHERE status = 'ISSUED' "
                           f"ORDER BY id LIMIT {CHANGED}")  # fmt: skip
        connection.close()
        start = time.perf_counter()
        incremental.run()
        changed = time.perf_counter() - start
        print(f"incremental, nothing new: {nothing:.2f} s; {CHANGED:,} changed: {changed:.2f} s")
        reconciliation(db)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
