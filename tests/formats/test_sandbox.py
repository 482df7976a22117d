"""The decoder workers: limits hold, a dead worker costs one task, the pool carries on.

Tasks are plain library functions (``time.sleep``, ``os.abort``, ``bytearray``), so
what is tested is the pool itself, in real worker processes.
"""

from __future__ import annotations

import operator
import os
import time
from concurrent.futures import wait
from functools import partial

import pytest

from fps_desktop.errors import DocumentError
from fps_desktop.formats.pdf import prove_file
from fps_desktop.formats.problems import Problem
from fps_desktop.formats.sandbox import OutOfMemory, OutOfTime, Sandbox, WorkerCrashed
from fps_desktop.formats.sniff import FileKind


@pytest.fixture
def sandbox():
    pool = Sandbox(time_limit=60)
    yield pool
    pool.close()


def test_a_task_runs_in_another_process(sandbox):
    assert sandbox.run(os.getpid) != os.getpid()
    assert sandbox.run(operator.add, 2, 3) == 5


def test_a_task_past_its_time_limit_is_stopped_and_the_pool_goes_on(sandbox):
    started = time.monotonic()
    with pytest.raises(OutOfTime):
        sandbox.run(time.sleep, 60, time_limit=0.5)
    assert time.monotonic() - started < 30  # not the minute the task asked for
    assert sandbox.run(operator.add, 1, 1) == 2


def test_a_worker_that_starts_slowly_does_not_use_up_the_tasks_time():
    """The time limit is the file's: a worker still loading its decoders is waited for."""
    pool = Sandbox(preload=("tests.slow_start",), time_limit=1)
    try:
        assert pool.run(operator.add, 2, 3) == 5
    finally:
        pool.close()


@pytest.mark.allow_log_warnings
def test_a_crashing_decoder_costs_its_task_only(sandbox):
    with pytest.raises(WorkerCrashed):
        sandbox.run(os.abort)
    assert sandbox.run(operator.add, 1, 2) == 3


def test_a_task_past_the_memory_cap_is_named_so(sandbox):
    """The address-space limit on Linux and macOS, a job object on Windows."""
    with pytest.raises(OutOfMemory):
        sandbox.run(bytearray, 4 << 30)
    assert sandbox.run(len, "still here") == 10


def test_a_refusal_crosses_back_as_the_same_error(sandbox, tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(DocumentError) as refused:
        sandbox.run(prove_file, empty, FileKind.PDF, "empty.pdf")
    assert refused.value.problem == Problem.EMPTY
    assert refused.value.message == "empty.pdf is empty (0 bytes)."


def test_a_slow_task_does_not_hold_up_the_others(sandbox):
    both = [sandbox.submit(sandbox.run, time.sleep, 0.2) for _ in range(2)]  # both started
    wait(both, timeout=60)
    slow = sandbox.submit(partial(sandbox.run, time.sleep, 60, time_limit=3))
    quick = sandbox.submit(sandbox.run, operator.mul, 6, 7)
    assert quick.result(timeout=60) == 42
    assert not slow.done()
    assert isinstance(slow.exception(timeout=60), OutOfTime)


def test_ordered_calls_come_back_in_the_order_asked(sandbox):
    """The first call is the slowest: its answer still comes first (a print's sheets)."""
    calls = [(time.sleep, 0.5), (operator.add, 1, 2), (operator.mul, 2, 3)]
    assert list(sandbox.ordered(sandbox.run, calls)) == [None, 3, 6]
