"""The upload benchmark's quick mode runs here, so the script never rots; its claims that
hold at any size are checked, its timings are not (the machine may be busy)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_upload_benchmark_runs_and_its_truths_hold():
    result = subprocess.run([sys.executable, "benchmarks/bench_upload.py", "--quick"], cwd=REPO,
                            capture_output=True, text=True, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "re-sent = missing: yes" in out and "object identical: yes" in out
    assert "0 stored wrong" in out
    assert "task: exit 9 " in out
