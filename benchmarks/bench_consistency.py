"""Does the incremental export converge on the database, whatever the writers do?

Run: .venv/bin/python benchmarks/bench_consistency.py [--quick]
A private MariaDB with demo data; writer threads for DURATION seconds (default 600;
``--quick``, run by the test suite: 5, long enough for the backup lock, over 200 invoices
instead of 20,000) commit plain updates, hold transactions open for
seconds with rows stamped long before their commit, roll transactions back, write from a
session in another time zone, wait behind a backup lock (FLUSH TABLES WITH READ LOCK),
edit invoice lines alone and void or re-issue invoices. Meanwhile the export runs
incrementally every few seconds as a user who may only SELECT (no PROCESS). After the
writers stop, one final run; then every issued invoice's file is compared with the
database. Targets: 0 missing, 0 stale, 0 voided files left, 0 rows of rolled-back
transactions.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pymysql  # noqa: E402

from fps_desktop.export.db import DbSettings  # noqa: E402
from fps_desktop.export.demo_data import create_demo_database  # noqa: E402
from fps_desktop.export.invoices import ExportOptions, InvoiceExporter  # noqa: E402
from tests.export.mariadb_server import PASSWORD, USER, MariaDbServer, client  # noqa: E402

QUICK = "--quick" in sys.argv
DURATION = 5 if QUICK else int(os.environ.get("DURATION", "600"))
INVOICES = 200 if QUICK else int(os.environ.get("INVOICES", "20000"))
EVERY = 2.0  # seconds between incremental runs
NEW = (
    "INSERT INTO invoices (tenant_id, country_code, invoice_no, issue_date, status, currency, "
    "net_amount, tax_amount, gross_amount, seller_name, seller_tax_id, buyer_name, updated_at) "
    "VALUES (%s, 'CN', %s, '2025-03-03', 'ISSUED', 'CNY', 1, 0, 1, 's', 't', %s, %s)"
)
KINDS = ("plain", "long", "rolled_back", "elsewhere", "lines", "void", "backup_lock")


class Writers:
    """Writer threads until ``stop``; counts what each kind committed or rolled back."""

    def __init__(self, db: DbSettings, admin) -> None:
        self.db, self.admin = db, admin
        self.stop = threading.Event()
        self.counts: dict[str, int] = {}
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def connect(self, autocommit: bool):
        return client(self.db, autocommit=autocommit)

    def count(self, kind: str) -> None:
        with self.lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1

    def run(self, kind: str, step) -> threading.Thread:
        def loop():
            rng = random.Random(kind)
            connection = self.connect(autocommit=False)
            n = 0
            while not self.stop.is_set():
                n += 1
                try:
                    with connection.cursor() as cursor:
                        step(cursor, connection, rng, n)
                    self.count(kind)
                except pymysql.Error as exc:
                    connection.rollback()
                    self.errors.append(f"{kind}: {exc}")
            connection.close()

        thread = threading.Thread(target=loop, name=kind)
        thread.start()
        return thread

    def pick(self, cursor, rng) -> int:
        cursor.execute("SELECT MAX(id) FROM invoices")
        return rng.randint(1, cursor.fetchone()[0])

    def plain(self, cursor, connection, rng, n) -> None:
        cursor.execute("UPDATE invoices SET buyer_name = %s WHERE id = %s",
                       (f"plain {n}", self.pick(cursor, rng)))  # fmt: skip
        connection.commit()
        self.stop.wait(0.02)

    def long(self, cursor, connection, rng, n) -> None:
        """Open for seconds, rows stamped at its start and before: past any margin."""
        cursor.execute("UPDATE invoices SET buyer_name = %s, updated_at = NOW() - INTERVAL 1 DAY "
                       "WHERE id = %s", (f"long {n}", self.pick(cursor, rng)))  # fmt: skip
        cursor.execute(NEW, (1 + n % 5, f"LONG-{n}", f"long new {n}", "2025-01-01"))
        self.stop.wait(rng.uniform(3, 8))
        connection.commit()

    def rolled_back(self, cursor, connection, rng, n) -> None:
        cursor.execute("UPDATE invoices SET buyer_name = %s WHERE id = %s",
                       (f"ROLLBACK-{n}", self.pick(cursor, rng)))  # fmt: skip
        cursor.execute(NEW, (1 + n % 5, f"ROLLBACK-{n}", f"ROLLBACK-{n}", "2025-01-01"))
        self.stop.wait(rng.uniform(0.5, 4))
        connection.rollback()

    def elsewhere(self, cursor, connection, rng, n) -> None:
        """A session 10 hours behind: its NOW() lands far below any watermark."""
        if n == 1:
            cursor.execute("SET time_zone = '-10:00'")
        cursor.execute("UPDATE invoices SET buyer_name = %s, updated_at = NOW(6) WHERE id = %s",
                       (f"elsewhere {n}", self.pick(cursor, rng)))  # fmt: skip
        connection.commit()
        self.stop.wait(0.2)

    def lines(self, cursor, connection, rng, n) -> None:
        cursor.execute("UPDATE invoice_lines SET description = %s WHERE invoice_id = %s",
                       (f"line {n}", self.pick(cursor, rng)))  # fmt: skip
        connection.commit()
        self.stop.wait(0.1)

    def void(self, cursor, connection, rng, n) -> None:
        status = "VOID" if n % 3 else "ISSUED"
        cursor.execute("UPDATE invoices SET status = %s WHERE id = %s",
                       (status, self.pick(cursor, rng)))  # fmt: skip
        connection.commit()
        self.stop.wait(0.1)

    def backup_lock(self, cursor, connection, rng, n) -> None:
        """A backup's global read lock for a moment: writes queue behind it."""
        self.stop.wait(rng.uniform(2, 5))
        with self.admin.cursor() as admin:
            admin.execute("FLUSH TABLES WITH READ LOCK")
            time.sleep(rng.uniform(0.5, 1.5))
            admin.execute("UNLOCK TABLES")


def compare(db: DbSettings, out: Path) -> dict[str, int]:
    connection = client(db)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, buyer_name, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') "
                       "FROM invoices WHERE status = 'ISSUED'")  # fmt: skip
        issued = {i: (b, u) for i, b, u in cursor.fetchall()}
        cursor.execute("SELECT invoice_id, GROUP_CONCAT(description ORDER BY line_no SEPARATOR "
                       "'|') FROM invoice_lines GROUP BY 1")  # fmt: skip
        lines = dict(cursor.fetchall())
    connection.close()
    files: dict[int, dict] = {}
    rolled_back = 0
    for path in out.rglob("*.json"):
        if ".removed" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        rolled_back += "ROLLBACK-" in text
        document = json.loads(text)
        files[document["id"]] = document
    stale = 0
    for invoice_id, (buyer, updated) in issued.items():
        document = files.get(invoice_id)
        if document is None:
            continue
        shown = "|".join(line["description"] for line in document["lines"])
        stale += (document["buyer_name"], str(document["updated_at"])[:26], shown) != (
            buyer, updated[:26], lines.get(invoice_id, "")
        )  # fmt: skip
    return {"issued": len(issued), "missing": len(issued.keys() - files.keys()), "stale": stale,
            "voided left": len(files.keys() - issued.keys()),
            "from rolled-back transactions": rolled_back}  # fmt: skip


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="fps-consistency-", dir=os.environ.get("BENCH_DIR")))
    server = MariaDbServer(work / "mariadb").start()
    db = DbSettings("127.0.0.1", server.port, USER, PASSWORD, "fps_consistency")
    try:
        create_demo_database(db, INVOICES)
        admin = server.admin()
        with admin.cursor() as cursor:
            cursor.execute(f"GRANT SELECT ON `{db.database}`.* TO 'reader'@'127.0.0.1'")
        reader = DbSettings(db.host, db.port, "reader", "reader-pw", db.database)
        out = work / "invoices"
        options = ExportOptions(out, incremental=True, margin=timedelta(seconds=1))
        InvoiceExporter(reader, options).run()
        writers = Writers(db, admin)
        threads = [writers.run(kind, getattr(writers, kind)) for kind in KINDS]
        runs, costs = 0, []
        deadline = time.monotonic() + DURATION
        while time.monotonic() < deadline:
            started = time.perf_counter()
            InvoiceExporter(reader, options).run()
            costs.append(time.perf_counter() - started)
            runs += 1
            time.sleep(max(0.0, EVERY - costs[-1]))
        writers.stop.set()
        for thread in threads:
            thread.join(60)
        InvoiceExporter(reader, options).run()  # the writes have settled: one final run
        found = compare(db, out)
        admin.close()
        done = ", ".join(f"{kind} {count}" for kind, count in sorted(writers.counts.items()))
        median = sorted(costs)[len(costs) // 2]
        print(f"{DURATION} s of writers ({done}; {len(writers.errors)} writer errors), "
              f"{runs} incremental runs as a SELECT-only user (median {median:.2f} s), "
              "then one final run")  # fmt: skip
        result = ", ".join(f"{v} {k}" for k, v in found.items() if k != "issued")
        print(f"{found['issued']:,} issued invoices: {result} (target: 0 each)")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
