"""Untrusted files are decoded in worker processes, each task under a memory cap and a
time limit, so no file can freeze, exhaust or crash the clerk's app.

A small pool of warm workers (the ``spawn`` start method: the same on Windows, macOS,
Linux and in the frozen app) runs module-level functions on file paths. The parent
sends work with pickle (it trusts itself); a worker answers with JSON only, and the
parent checks what it gets, so a decoder taken over by a hostile file cannot hand the
app anything but plain data. A task past its time limit has its worker killed and
replaced; a worker that dies costs that task only; the pool carries on.

Memory: on Linux and macOS each worker caps its own address space with
``RLIMIT_AS``; on Windows the parent puts each worker in a job object with a
process memory limit (which also kills the worker when the app goes). Either way a
decompression bomb fails its allocation at once instead of swapping the machine. Where
neither can be set, the time limit alone stops a bomb, and the log says so.
"""

from __future__ import annotations

import atexit
import ctypes
import importlib
import json
import logging
import multiprocessing
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from itertools import islice

from fps_desktop.errors import DocumentError

try:
    import resource
except ImportError:  # Windows
    resource = None

log = logging.getLogger(__name__)

WORKERS = 2
MEMORY_LIMIT = 1 << 30  # address space of a worker: a 150 MP scan decodes in it, a bomb not
TIME_LIMIT = 15.0  # seconds for one task; the largest real scan takes a few
STARTUP_LIMIT = 120.0  # seconds for a new worker to load its decoders on a busy PC
READY = b"ready"  # a worker's first message: its decoders are loaded
MAX_ANSWER_BYTES = 1 << 20
MAX_PIXEL_BYTES = 256 << 20  # a rendered page: 4,000 × 5,000 RGB is 60 MB
MAX_TEXT = 2000


class SandboxError(Exception):
    """A task did not finish in its worker; the file is to blame, not the app."""


class OutOfMemory(SandboxError):
    """The task needed more memory than a worker may have."""


class OutOfTime(SandboxError):
    """The task ran past its time limit; its worker was killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no answer within {seconds:g} s")
        self.seconds = seconds


class WorkerCrashed(SandboxError):
    """The worker died or answered nonsense while running the task."""


class Sandbox:
    """A pool of worker processes that run ``task(*args)`` under limits.

    Workers start on first use (or ``warm()``), stay warm between tasks and are
    stopped at exit. ``run`` blocks; ``submit`` runs a function of the caller's on the
    pool's own threads, one per worker, so several files are examined at once.
    """

    def __init__(
        self,
        preload: tuple[str, ...] = (),
        workers: int = WORKERS,
        memory_limit: int = MEMORY_LIMIT,
        time_limit: float = TIME_LIMIT,
    ) -> None:
        self.preload = preload
        self.memory_limit = memory_limit
        self.time_limit = time_limit
        self._size = workers
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._guard = threading.Lock()
        self._workers: list[_Worker] = []
        self._threads: ThreadPoolExecutor | None = None

    def warm(self) -> None:
        """Start a worker now, so the first file does not wait for it. The others start
        when two tasks first run at once: the idle queue hands out the worker used last,
        so work that comes one task at a time (a command line run) keeps to one."""
        with self._guard:
            if self._workers:
                return
            self._workers = [_Worker(self) for _ in range(self._size)]
            self._threads = ThreadPoolExecutor(self._size, thread_name_prefix="sandbox")
            self._workers[0].start()
            for worker in reversed(self._workers):  # the started one on top
                self._idle.put(worker)
            atexit.register(self.close)

    def run(self, task: Callable[..., object], *args: object, time_limit: float | None = None):
        """``task(*args)`` in a worker: its JSON-able result, or the ``DocumentError`` it
        raised, or a ``SandboxError`` saying which limit it broke.

        A task that returns ``(result, bytes)`` (pixels) has both handed back, the bytes
        apart from the JSON and no longer than they were announced."""
        self.warm()
        worker = self._idle.get()
        try:
            return worker.call(task, args, time_limit or self.time_limit)
        finally:
            self._idle.put(worker)

    def submit(self, fn: Callable[..., object], *args: object) -> Future:
        """``fn(*args)`` on one of the pool's threads (``fn`` typically calls ``run``)."""
        self.warm()
        assert self._threads is not None
        return self._threads.submit(fn, *args)

    def ordered(self, fn: Callable[..., object], calls: Iterable[tuple]) -> Iterator:
        """``fn(*args)`` for each ``args`` of ``calls`` on the pool's threads, one in flight
        per worker, the results in order: the next sheet is drawn while this one is used.
        Closing the iterator early cancels the calls not started and waits for the running
        ones (they may still read a file the caller is about to delete)."""
        calls = iter(calls)
        running: deque[Future] = deque()
        try:
            running.extend(self.submit(fn, *args) for args in islice(calls, self._size))
            while running:
                result = running.popleft().result()
                running.extend(self.submit(fn, *args) for args in islice(calls, 1))
                yield result
        finally:
            for call in running:
                call.cancel()
            wait(running)

    def close(self) -> None:
        with self._guard:
            workers, self._workers = self._workers, []
            threads, self._threads = self._threads, None
        if threads is not None:
            threads.shutdown(wait=True)
        for worker in workers:
            worker.stop()
        self._idle = queue.LifoQueue()


class _Worker:
    """One worker process and its pipe; replaced whenever it is killed or dies."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.process = None
        self.conn = None
        self.job = None  # Windows: the job object holding the memory limit
        self.ready = False

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self.process = context.Process(
            target=serve,
            args=(theirs, self.sandbox.memory_limit, self.sandbox.preload),
            name="fps-decoder",
            daemon=True,
        )
        self.process.start()
        theirs.close()
        self.conn = ours
        self.ready = False
        if os.name == "nt" and self.sandbox.memory_limit:
            self.job = _job_with_memory_limit(self.process.sentinel, self.sandbox.memory_limit)

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        try:
            if not kill:
                self.conn.send(None)
                self.process.join(2)
        except OSError:
            pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()
        if self.job is not None:
            ctypes.windll.kernel32.CloseHandle(ctypes.c_void_p(self.job))
        self.process = self.conn = self.job = None

    def call(self, task: Callable[..., object], args: tuple, time_limit: float):
        if self.process is None or not self.process.is_alive():
            self.stop(kill=True)
            self.start()
        try:
            self._wait_until_ready()
            self.conn.send((task, args))
            if not self.conn.poll(time_limit):
                log.info("%s: no answer within %g s; worker killed", task.__name__, time_limit)
                self._replace()
                raise OutOfTime(time_limit)
            answer = json.loads(self.conn.recv_bytes(MAX_ANSWER_BYTES))
            size = answer.pop("bytes", None) if isinstance(answer, dict) else None
            if isinstance(size, int) and 0 <= size <= MAX_PIXEL_BYTES:
                pixels = self.conn.recv_bytes(max(size, 1))
                if len(pixels) != size:
                    raise ValueError("pixels of another size than announced")
                return _checked(answer), pixels
            if size is not None:
                raise ValueError(f"{size!r} bytes of pixels announced")
        except (EOFError, OSError, ValueError) as exc:
            code = self.process.exitcode if self.process else None
            log.warning("%s: the decoder stopped (exit code %s): %s", task.__name__, code, exc)
            self._replace()
            raise WorkerCrashed(f"exit code {code}") from exc
        return _checked(answer)

    def _wait_until_ready(self) -> None:
        """The time limit is the task's alone: a worker still starting (seconds on a busy
        PC) is waited for apart, so a file is never blamed for a slow start."""
        if self.ready:
            return
        if not self.conn.poll(STARTUP_LIMIT) or self.conn.recv_bytes(len(READY)) != READY:
            raise ValueError(f"no decoder ready within {STARTUP_LIMIT:g} s")
        self.ready = True

    def _replace(self) -> None:
        self.stop(kill=True)
        self.start()


class _BasicLimits(ctypes.Structure):  # JOBOBJECT_BASIC_LIMIT_INFORMATION
    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_int64),
        ("PerJobUserTimeLimit", ctypes.c_int64),
        ("LimitFlags", ctypes.c_uint32),
        ("MinimumWorkingSetSize", ctypes.c_size_t),
        ("MaximumWorkingSetSize", ctypes.c_size_t),
        ("ActiveProcessLimit", ctypes.c_uint32),
        ("Affinity", ctypes.c_size_t),
        ("PriorityClass", ctypes.c_uint32),
        ("SchedulingClass", ctypes.c_uint32),
    ]


class _ExtendedLimits(ctypes.Structure):  # JOBOBJECT_EXTENDED_LIMIT_INFORMATION
    _fields_ = [
        ("BasicLimitInformation", _BasicLimits),
        ("IoInfo", ctypes.c_uint64 * 6),  # IO_COUNTERS
        ("ProcessMemoryLimit", ctypes.c_size_t),
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x100
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
EXTENDED_INFO = 9  # JobObjectExtendedLimitInformation


def _job_with_memory_limit(process_handle: int, limit: int) -> int | None:
    """A job object capping the process's committed memory at ``limit`` (Windows);
    None, logged, when Windows refuses: the time limit then stands alone."""
    kernel32 = ctypes.windll.kernel32
    kernel32.CreateJobObjectW.restype = ctypes.c_void_p
    job = kernel32.CreateJobObjectW(None, None)
    limits = _ExtendedLimits()
    limits.BasicLimitInformation.LimitFlags = (
        JOB_OBJECT_LIMIT_PROCESS_MEMORY | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    )
    limits.ProcessMemoryLimit = limit
    handle, size = ctypes.c_void_p(job), ctypes.sizeof(limits)
    if (
        job
        and kernel32.SetInformationJobObject(handle, EXTENDED_INFO, ctypes.byref(limits), size)
        and kernel32.AssignProcessToJobObject(handle, ctypes.c_void_p(process_handle))
    ):
        return job
    log.warning("no memory limit for decoder workers (Windows error %d)", ctypes.GetLastError())
    if job:
        kernel32.CloseHandle(handle)
    return None


def _checked(answer: object):
    """The worker's answer, only if it has the shape a worker sends."""
    if not isinstance(answer, dict) or len(answer) != 1:
        raise WorkerCrashed("an answer of the wrong shape")
    [(key, value)] = answer.items()
    if key == "result":
        return value
    if key == "memory":
        raise OutOfMemory(str(value)[:MAX_TEXT])
    if key == "refused" and isinstance(value, dict):
        template, problem, params = value.get("template"), value.get("problem"), value.get("params")
        if (
            isinstance(template, str)
            and isinstance(problem, str)
            and isinstance(params, dict)
            and len(template) < MAX_TEXT
            and all(isinstance(v, (str, int, float)) for v in params.values())
        ):
            return_params = {str(k): v[:MAX_TEXT] if isinstance(v, str) else v
                             for k, v in params.items()}  # fmt: skip
            raise DocumentError(template, problem, **return_params)
    if key == "failed":
        raise WorkerCrashed(str(value)[:MAX_TEXT])
    raise WorkerCrashed("an answer of the wrong shape")


def serve(conn, memory_limit: int, preload: tuple[str, ...]) -> None:
    """A worker's life: limits first, decoders loaded, then tasks until told to stop."""
    if resource is not None and memory_limit:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, hard))
    for module in preload:
        importlib.import_module(module)
    conn.send_bytes(READY)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, args = message
        answer, pixels = _answer(task, args)
        conn.send_bytes(json.dumps(answer, default=str).encode("utf-8"))
        if pixels is not None:
            conn.send_bytes(pixels)


def _answer(task: Callable[..., object], args: tuple) -> tuple[dict, bytes | None]:
    try:
        result = task(*args)
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], bytes):
            return {"result": result[0], "bytes": len(result[1])}, result[1]
        return {"result": result}, None
    except MemoryError as exc:
        return {"memory": str(exc)}, None
    except DocumentError as exc:
        return {"refused": {"template": exc.template, "problem": exc.problem,
                            "params": exc.params}}, None  # fmt: skip
    except Exception as exc:  # the task's own failure: the parent hears it as a crash
        return {"failed": f"{type(exc).__name__}: {exc}"}, None
