"""Each benchmark's quick mode runs here, so a benchmark never rots unseen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_quick(bench: str, timeout: int) -> subprocess.CompletedProcess:
    """``benchmarks/<bench>.py --quick``, which must succeed."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / f"{bench}.py"), "--quick"],
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.unix_only("the app's peak memory is read from /proc")
def test_the_bomb_benchmark_runs_and_the_bomb_is_refused():
    result = run_quick("bench_bomb", timeout=300)
    assert "bomb_giant.pdf=too-large-unpacked" in result.stdout
    assert "ordinary 5-file GUID first open" in result.stdout


@pytest.mark.unix_only("resident memory, threads and descriptors are read from /proc")
def test_the_soak_benchmark_runs_and_every_push_and_print_is_answered():
    result = run_quick("bench_soak", timeout=300)
    assert result.stdout.startswith("5 pushes: resident memory")
    assert "prints 1 sent, 1 completed in CUPS" in result.stdout


def test_the_fuzz_benchmark_runs_and_no_mutated_file_hurts_the_app():
    result = run_quick("bench_fuzz", timeout=600)
    assert "fuzz: 24 cases" in result.stdout
    assert "0 app crashes, 0 hangs, 0 unexpected errors" in result.stdout


def test_the_listener_fuzz_runs_and_every_hostile_request_is_answered():
    out = run_quick("fuzz_listener", timeout=100).stdout  # within pytest's own 120 s
    assert out.startswith("300 cases in ")
    for line in ("crashes (errors in the listener's log): 0", "requests without an answer: 0",
                 "answers that are not HTTP/1.1 + JSON: 0", "statuses: ", "pushes accepted: ",
                 "after: health 200, real push 200"):  # fmt: skip
        assert f"\n{line}" in out
    assert out.rstrip().endswith("\nverdict: no crash, no hang, every answer well formed")


@pytest.mark.timeout(300)  # beyond the run's own limit: a slow machine fails the test, not the run
def test_the_listener_benchmark_runs_and_a_push_gets_through_an_attack():
    from tests.listener.attacks import PATTERNS

    out = run_quick("bench_listener", timeout=240).stdout
    for pattern in ["no attack", next(iter(PATTERNS))]:  # quick: the first pattern only
        assert f"real push under {pattern}: 2/2 answered 200, median " in out
    assert "/api/health, 8 keep-alive clients in another process, 0.2 s: " in out
    assert "window event loop meanwhile: timer lag p99 " in out
    assert "push to first page painted, cached GUID: median " in out


@pytest.mark.unix_only("the benchmark's processes read their peak memory with resource")
@pytest.mark.timeout(300)  # beyond the run's own limit: a slow machine fails the test, not the run
def test_the_documents_benchmark_runs_every_figure():
    out = run_quick("bench_documents", timeout=240).stdout
    for figure in ("open cached GUID to first page painted: median ",
                   "open 2 files uncached from loopback PBMS: median ",
                   "merge 5 files (PDF, JPG, PNG; 7 pages): ",
                   "spool 2 pages at 100 dpi to the PDF printer: ",
                   "cold start to window shown: best "):  # fmt: skip
        assert figure in out
