"""benchmarks/bench_sheets.py keeps running: every GUID laid out and checked, quickly."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(600)  # as long as the run is given: a slow machine (Wine) takes minutes
def test_the_sheets_benchmark_runs_in_quick_mode():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_sheets.py"), "--quick"],
                          capture_output=True, encoding="utf-8", timeout=600, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for case in ("traveller", "taxi", "rail", "invoices"):
        assert f"\n{case} " in done.stdout
    assert "0 cut, 0 overlapping, 0 crossed by a cut" in done.stdout
    assert "of them would fit upright" in done.stdout
    assert "laying out 30 items" in done.stdout
    assert "print of a 3-item GUID into a PDF printer at 60 dpi: two-up " in done.stdout
