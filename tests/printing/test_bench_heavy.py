"""benchmarks/bench_heavy.py keeps running: its quick mode, every figure's code path."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.usefixtures("cups")  # the benchmark starts its own; this one proves CUPS is here
def test_the_heavy_benchmark_runs_in_quick_mode():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_heavy.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Ctrl+P → first preview sheet painted" in done.stdout
    assert "open → first page painted" in done.stdout
    assert "print to a CUPS queue until it says completed" in done.stdout
    assert "Signal source has been deleted" not in done.stderr
