"""Figures for hostile files: the JBIG2 bomb GUID, a GUID with a file that takes the whole
time limit, and ordinary and heavy GUIDs opened and printed beside them.

Run: .venv/bin/python benchmarks/bench_bomb.py [--baseline REF] [--runs N] [--quick]

The bomb GUID holds pdf.js's ``bomb_giant.pdf`` (made by ``tests/documents/makers.py``:
three JBIG2 content streams, 1.25 GB each once decoded) beside a good invoice; the slow
GUID holds JBIG2 pictures a decoder walks pixel by pixel for longer than the time limit,
beside a good invoice; the ordinary GUID holds five files (two invoices, a phone photo, a
screenshot, a two-page attachment); the heavy GUID is ``bench_heavy.py``'s (60 invoices,
a 150-page scan). Each GUID is fetched into an empty cache, in a process of its own, so
the time is a first open (after another GUID, as in an app already at work) and the peak
is the app process's own (decoder workers apart). "Good invoice ready" is when the cache
hands the window a proved invoice to show (its page is drawn a moment later); "print" is
the merge every print and saved PDF runs, after the open.
The baseline is the same code at REF (default ``main``), exported with ``git archive``
and measured in the same run, interleaved. ``--quick`` (run by the test suite) measures
this tree only, once, without the slow and heavy GUIDs, and fails unless the bomb is
refused as too large when unpacked.
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
SLOW_GUID = "5105105105105105105105105105105a"
WARM_GUID = "0123456789abcdef0123456789abcdef"
ORDINARY_GUID = "c965be9f9c1d449d9e50fed330150d7a"
BOMB_SECONDS, BOMB_PEAK_MB, OPEN_RATIO, GOOD_SECONDS = 10.0, 600, 1.1, 1.0
HEAVY_RUNS = 5
DEADLINE = 900.0  # seconds; only a hung fetch gets here

FETCH = textwrap.dedent(
    """
    import re, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from fps_desktop.documents.cache import DocumentCache
    from fps_desktop.documents.merge import merge_files
    from fps_desktop.documents.sources import FolderSource

    def main():
        share, guid = Path(sys.argv[2]), sys.argv[3]
        cache = DocumentCache(Path(sys.argv[4]))
        cache.fetch(sys.argv[5], FolderSource(share))  # the app at work: warm, as in the window
        ready = []

        def progress(done, total, message="", detail=None):
            if not ready and detail is not None and any(f.pages for f in detail.files):
                ready.append(time.perf_counter() - start)

        start = time.perf_counter()
        files = cache.fetch(guid, FolderSource(share), progress).files
        opened = time.perf_counter() - start
        status = Path("/proc/self/status").read_text()
        peak = int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) // 1024
        printed = 0.0
        if sys.argv[6] == "print":
            start = time.perf_counter()
            merge_files(cache, [f for f in files if f.printable])
            printed = time.perf_counter() - start
        verdicts = ",".join(f"{f.name}={f.problem_kind or f.pages}" for f in files)
        print(f"{opened:.3f} {ready[0] if ready else opened:.3f} {printed:.3f} {peak} {verdicts}")

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
    (share / WARM_GUID).mkdir()  # two files: both decoder workers are up, as in a window
    (share / WARM_GUID / "发票_2.pdf").write_bytes(demo_file_bytes(ORDINARY_GUID, "inv-2"))
    (share / WARM_GUID / "approval.pdf").write_bytes(demo_file_bytes(ORDINARY_GUID, "approval"))
    slow = share / SLOW_GUID
    slow.mkdir()
    (slow / "slow-scan.pdf").write_bytes(makers.jbig2_bomb_pdf(side=30_000, streams=3))
    (slow / "发票_1.pdf").write_bytes(demo_file_bytes(ORDINARY_GUID, "inv-1"))
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


def fetch(
    tree: Path, share: Path, guid: str, cache: Path, then: str = "open"
) -> tuple[float, float, float, int, str]:
    """``(open s, good invoice ready s, print s, app peak MB, verdicts)``."""
    env = {**os.environ, "FPS_HOME": str(cache.parent / "home")}
    result = subprocess.run(
        [sys.executable, "-c", FETCH, str(tree), str(share), guid, str(cache), WARM_GUID, then],
        capture_output=True, text=True, env=env, timeout=DEADLINE, check=False, cwd=tree,
    )  # fmt: skip
    if result.returncode:
        sys.exit(f"fetch of {guid} with {tree} failed:\n{result.stderr}")
    opened, ready, printed, peak, verdicts = result.stdout.split()
    return float(opened), float(ready), float(printed), int(peak), verdicts


def add_heavy(share: Path) -> str:
    """``bench_heavy.py``'s GUID in the share (its scan is made once and kept in /tmp)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_heavy

    for role, name, data in bench_heavy.heavy_files(bench_heavy.INVOICES, bench_heavy.SCAN_PAGES):
        target = share / bench_heavy.GUID / role / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return bench_heavy.GUID


def compare(trees: dict, share: Path, guid: str, what: str, runs: int, tmp_path: Path) -> None:
    """Open and print ``guid`` ``runs`` times with each tree, interleaved."""
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
    for run in range(runs):  # interleaved, so both meet the same load on the machine
        for label, tree in trees.items():
            cache = tmp_path / f"c-{label}-{guid}-{run}"
            opened, _, printed, _, _ = fetch(tree, share, guid, cache, "print")
            times[label].append((opened, printed))
    totals = {}
    for label, values in times.items():
        opened = statistics.median(o for o, _ in values)
        printed = statistics.median(p for _, p in values)
        totals[label] = statistics.median(o + p for o, p in values)
        print(f"{label}: {what} first open median {opened:.3f} s, print {printed:.3f} s, "
              f"open+print {totals[label]:.3f} s (runs: "
              f"{', '.join(f'{o:.3f}+{p:.3f}' for o, p in values)})")  # fmt: skip
    if len(totals) == 2:
        ours, base = totals.values()
        print(f"{what} open+print, this tree / baseline: {ours / base:.2f} "
              f"(target <= {OPEN_RATIO})")  # fmt: skip


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
            opened, ready, _, peak, verdicts = fetch(
                tree, share, BOMB_GUID, tmp_path / f"c-{label}-b"
            )
            if tree == ROOT:
                refused = "bomb_giant.pdf=too-large-unpacked" in verdicts
            print(f"{label}: bomb GUID first open {opened:.2f} s, good invoice ready "
                  f"{ready:.2f} s, app peak {peak} MB (targets <= {BOMB_SECONDS:g} s, "
                  f"<= {GOOD_SECONDS:g} s, <= {BOMB_PEAK_MB} MB): {verdicts}")  # fmt: skip
        if not args.quick:
            for label, tree in trees.items():
                opened, ready, _, peak, verdicts = fetch(
                    tree, share, SLOW_GUID, tmp_path / f"c-{label}-s"
                )
                print(f"{label}: slow-file GUID good invoice ready {ready:.2f} s (target <= "
                      f"{GOOD_SECONDS:g} s), every verdict {opened:.2f} s, app peak {peak} MB: "
                      f"{verdicts}")  # fmt: skip
        compare(trees, share, ORDINARY_GUID, "ordinary 5-file GUID", runs, tmp_path)
        if not args.quick:
            compare(trees, share, add_heavy(share), "heavy GUID", HEAVY_RUNS, tmp_path)
    return 0 if refused else 1


if __name__ == "__main__":
    sys.exit(main())
