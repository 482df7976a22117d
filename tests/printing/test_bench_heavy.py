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
    figures = (
        "open → first page painted, uncached: ",
        "Ctrl+P → first preview sheet painted: ",
        "Ctrl+P → Print enabled: ",
        "peak RSS of the window process with the preview open",
        "fps-desktop print GUID --to-pdf (cached GUID, ",
        "baseline, PyMuPDF rendering",
        "print to a CUPS queue until it says completed",
        "cold start to window shown: ",
    )
    for figure in figures:
        assert figure in done.stdout
    assert "Signal source has been deleted" not in done.stderr
