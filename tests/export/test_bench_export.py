"""The export benchmark's quick mode runs here, so the script never rots; its timings are
not checked (the machine may be busy), only that every figure is printed."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.export.mariadb_server import MariaDbServer

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not MariaDbServer.available(), reason="mariadb-server is not installed")
def test_the_export_benchmark_runs_and_prints_every_figure():
    result = subprocess.run([sys.executable, "benchmarks/bench_export.py", "--quick"], cwd=REPO,
                            capture_output=True, text=True, timeout=900)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    figures = ["full export:", "lean baseline", "peak RSS of the export", "--index csv"]
    figures += ["--index xlsx", "incremental, nothing new", "reconciliation per incremental"]
    assert [f for f in figures if f not in result.stdout] == []


@pytest.mark.skipif(not MariaDbServer.available(), reason="mariadb-server is not installed")
def test_the_consistency_benchmark_converges_on_the_database():
    """5 s of hostile writers and incremental runs as a SELECT-only user, one final run."""
    result = subprocess.run([sys.executable, "benchmarks/bench_consistency.py", "--quick"],
                            cwd=REPO, capture_output=True, text=True, timeout=900)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "0 missing, 0 stale, 0 voided left, 0 from rolled-back transactions" in result.stdout
