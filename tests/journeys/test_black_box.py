"""The clerk's first minute as a black box: the real app under Xvfb, keyboard only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.unix_only("Xvfb, xdotool and bash drive the real app")
@pytest.mark.timeout(240)
def test_clerk_smoke_types_a_guid_prints_and_gets_a4_sheets(tmp_path):
    missing = [tool for tool in ("Xvfb", "xdotool", "import") if shutil.which(tool) is None]
    assert not missing, f"install them (scripts/dev.sh test does): {missing}"
    app = Path(sys.executable).parent / "fps-desktop"
    env = {**os.environ, "SMOKE_DIR": str(tmp_path), "LANG": "en_US.UTF-8"}
    env.pop("QT_QPA_PLATFORM", None)
    run = subprocess.run(
        ["bash", str(ROOT / "scripts" / "clerk-smoke.sh"), str(app)],
        env=env, capture_output=True, text=True, timeout=200,
    )  # fmt: skip
    assert "clerk-smoke: ok" in run.stdout, run.stdout + run.stderr
