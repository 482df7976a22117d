"""benchmarks/bench_pictures.py keeps running: its quick mode, every way it times."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_pictures_benchmark_runs_in_quick_mode():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_pictures.py"), "--quick"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    for way in ("plain", "enhanced", "old printer", "enhanced + old printer"):
        assert f"  {way} " in done.stdout
