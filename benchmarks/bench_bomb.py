"""Figures for a hostile file: the JBIG2 bomb GUID, and an ordinary GUID beside it.

Run: .venv/bin/python benchmarks/bench_bomb.py [--baseline REF] [--runs N] [--quick]

The bomb GUID holds pdf.js's ``bomb_giant.pdf`` (made by ``tests/documents/makers.py``:
three JBIG2 content streams, 1.25 GB each once decoded) beside a good invoice; the
ordinary GUID holds five files (two invoices, a phone photo, a screenshot, a two-page
attachment). Each GUID is fetched into an empty cache, in a process of its own, so the
time is a first open (after another GUID, as in an app already at work) and the peak
is the app process's own (decoder workers apart).
The baseline is the same code at REF (default ``main``), exported with ``git archive``
and measured in the same run. ``--quick`` (run by the test suite) measures this tree
only, once, and fails unless the bomb is refused as too large when unpacked.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOMB_GUID = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"
WARM_GUID = "0123456789abcdef0123456789abcdef"
ORDINARY_GUID = "c965be9f9c1d449d9e50fed330150d7a"
BOMB_SECONDS, BOMB_PEAK_MB, OPEN_RATIO = 10.0, 600, 1.1
DEADLINE = 900.0  # seconds; only a hung fetch gets here

FETCH = textwrap.dedent(
    """
    import re, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from fps_desktop.documents.cache import DocumentCache
    from fps_desktop.documents.sources import FolderSource

    def main():
        share, guid = Path(sys.argv[2]), sys.argv[3]
        cache = DocumentCache(Path(sys.argv[4]))
        cache.fetch(sys.argv[5], FolderSource(share))  # the app at work: warm, as in the window
        start = time.perf_counter()
        files = cache.fetch(guid, FolderSource(share)).files
        elapsed = time.perf_counter() - start
        status = Path("/proc/self/status").read_text()
        peak = int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) // 1024
        verdicts = ",".join(f"{f.name}={f.problem_kind or f.pages}" for f in files)
        print(f"{elapsed:.3f} {peak} {verdicts}")

    if __name__ == "__main__":
        main()
    """
)


def make_share(share: Path) -> None:
    from fps_desktop.documents.demo import demo_file_bytes
    from tests.documents import makers

    bomb = share / BOMB_GUID
    bomb.mkdir(parents=True)
    (bomb / "bomb_giant.pdf").write_bytes(makers.jbig2_bomb_pdf())
    (bomb / "发票_1.pdf").write_bytes(demo_file_bytes(ORDINARY_GUID, "inv-1"))
    (share / WARM_GUID).mkdir()
    (share / WARM_GUID / "发票_2.pdf").write_bytes(demo_file_bytes(ORDINARY_GUID, "inv-2"))
    ordinary = share / ORDINARY_GUID
    ordinary.mkdir()
    for file_id, name in [("inv-1", "发票_1.pdf"), ("inv-2", "发票_2.pdf"),
                          ("receipt", "receipt.jpg"), ("payment", "payment.png"),
                          ("approval", "approval.pdf")]:  # fmt: skip
        (ordinary / name).write_bytes(demo_file_bytes(ORDINARY_GUID, file_id))


def export_tree(ref: str, target: Path) -> Path:
    """The app as it is at ``ref``, without touching the work tree."""
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "fps_desktop", "resources"],
        capture_output=True, check=True,
    )  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def fetch(tree: Path, share: Path, guid: str, cache: Path) -> tuple[float, int, str]:
    env = {**os.environ, "FPS_HOME": str(cache.parent / "home")}
    result = subprocess.run(
        [sys.executable, "-c", FETCH, str(tree), str(share), guid, str(cache), WARM_GUID],
        capture_output=True, text=True, env=env, timeout=DEADLINE, check=False, cwd=tree,
    )  # fmt: skip
    if result.returncode:
        sys.exit(f"fetch of {guid} with {tree} failed:\n{result.stderr}")
    seconds, peak, verdicts = result.stdout.split()
    return float(seconds), int(peak), verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git ref to compare with")
    parser.add_argument("--runs", type=int, default=5, help="fetches of the ordinary GUID")
    parser.add_argument("--quick", action="store_true", help="this tree only, once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fps-bench-bomb-") as tmp:
        tmp_path = Path(tmp)
        share = tmp_path / "share"
        make_share(share)
        trees = {"this tree": ROOT}
        if not args.quick:
            trees[f"baseline {args.baseline}"] = export_tree(args.baseline, tmp_path / "base")
        runs = 1 if args.quick else args.runs
        refused = False
        for label, tree in trees.items():
            seconds, peak, verdicts = fetch(tree, share, BOMB_GUID, tmp_path / f"c-{label}-b")
            if tree == ROOT:
                refused = "bomb_giant.pdf=too-large-unpacked" in verdicts
            print(f"{label}: bomb GUID first open {seconds:.2f} s, app peak {peak} MB "
                  f"(targets <= {BOMB_SECONDS:g} s, <= {BOMB_PEAK_MB} MB): {verdicts}")  # fmt: skip
        times: dict[str, list[float]] = {label: [] for label in trees}
        for run in range(runs):  # interleaved, so both meet the same load on the machine
            for label, tree in trees.items():
                cache = tmp_path / f"c-{label}-{run}"
                times[label].append(fetch(tree, share, ORDINARY_GUID, cache)[0])
        medians = {label: statistics.median(values) for label, values in times.items()}
        for label, values in times.items():
            print(f"{label}: ordinary 5-file GUID first open median {medians[label]:.3f} s"
                  f" (runs: {', '.join(f'{t:.3f}' for t in values)})")  # fmt: skip
        if len(medians) == 2:
            ours, base = medians.values()
            print(f"ordinary open, this tree / baseline: {ours / base:.2f} (target <= "
                  f"{OPEN_RATIO})")  # fmt: skip
    return 0 if refused else 1


if __name__ == "__main__":
    sys.exit(main())
