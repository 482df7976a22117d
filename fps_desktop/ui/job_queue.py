"""The one hand-off from pool threads to the GUI: ``JobQueue`` runs Jobs (one pool task
each, signals on a QObject, the list model the job list shows: seed 004's download center
on the desktop) and ``run_task`` runs a widget's short work, answering on the GUI thread.

The Qt side of ``fps_desktop.jobs``, whose Job shape stays free of Qt for the CLI.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    Qt,
    QThreadPool,
    Signal,
)

from fps_desktop.errors import (
    QT_TRANSLATE_NOOP,
    Cancelled,
    FpsError,
    Paused,
    say,
)
from fps_desktop.jobs import CancelToken, Job, JobResult

log = logging.getLogger(__name__)


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PAUSED = "paused"  # stopped where it can carry on, from the window that started it


_ACTIVE = (JobState.QUEUED, JobState.RUNNING)
STATE_LABELS = {
    JobState.QUEUED: QT_TRANSLATE_NOOP("JobQueue", "Queued"),
    JobState.RUNNING: QT_TRANSLATE_NOOP("JobQueue", "Running"),
    JobState.DONE: QT_TRANSLATE_NOOP("JobQueue", "Done"),
    JobState.FAILED: QT_TRANSLATE_NOOP("JobQueue", "Failed"),
    JobState.CANCELLED: QT_TRANSLATE_NOOP("JobQueue", "Cancelled"),
    JobState.PAUSED: QT_TRANSLATE_NOOP("JobQueue", "Paused"),
}


def state_label(state: JobState) -> str:
    return QCoreApplication.translate("JobQueue", STATE_LABELS[state])


def job_title(job: Job) -> str:
    return job.heading(QCoreApplication.translate)


def failure_message(exc: Exception) -> str:
    """What the user reads when work on a pool thread fails; the detail goes to the log."""
    if isinstance(exc, FpsError):
        log.info("%s", exc.message, exc_info=exc)
        return exc.translated(QCoreApplication.translate)
    log.error("unexpected error on a worker thread", exc_info=exc)
    return QCoreApplication.translate(
        "JobQueue", "Unexpected error; the details are in the log file."
    )


class _TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(str)
    ended = Signal(object)  # the task's key in _running (an id: past 32 bits)


class _Task:
    """Short work handed to a pool as a plain callable (a QRunnable of ours is kept by
    PySide, once run, more often than not); its signals live on in ``_running`` until
    the GUI thread has its answer."""

    def __init__(self, work: Callable[[], object], owner: QObject) -> None:
        self.work = work
        # Owned by a GUI-thread object, so the pool thread dropping the task last never
        # deletes them there (Qt deletes an object safely only in its own thread).
        self.signals = _TaskSignals(owner)

    def run(self) -> None:
        try:
            result = self.work()
        except Cancelled:
            pass
        except Exception as exc:
            self.signals.failed.emit(failure_message(exc))
        else:
            self.signals.done.emit(result)
        self.signals.ended.emit(id(self.signals))


_running: dict[int, _TaskSignals] = {}
_owner: list[QObject] = []  # the one parent of every task's and job's signals


def _signals_owner() -> QObject:
    """A GUI-thread object that outlives every task and job, made on first use: their
    signals' parent, so a pool thread dropping one last never deletes its signals, and
    deleting them never drops the last reference to a widget or model they call."""
    if not _owner:
        _owner.append(QObject())
    return _owner[0]


def _ended(key: int) -> None:
    """A plain function, not a closure over the task: a closure connected to the task's
    own signal would keep the task alive through Qt, one per page drawn, for good. The
    signals are deleted in the GUI thread, once their queued answers are delivered."""
    if (signals := _running.pop(key, None)) is not None:
        signals.deleteLater()


def run_task(
    work: Callable[[], object],
    on_done: Callable[[object], None],
    on_failed: Callable[[str], None],
    pool: QThreadPool | None = None,
    priority: int = 0,
) -> None:
    """Run ``work()`` on a pool thread; its result or error comes back on the GUI thread.

    For short work that belongs to one widget (a preview, a page) rather than to the
    job list; bind the callbacks to that widget's methods, so a closed widget simply
    stops listening. ``priority`` puts the work ahead of queued work of lower priority.
    Never ``clear()`` such a pool: a task taken off the queue never reports back; let
    queued work end early instead (a cancel check, a request no longer wanted).
    """
    task = _Task(work, _signals_owner())
    task.signals.done.connect(on_done)
    task.signals.failed.connect(on_failed)
    task.signals.ended.connect(_ended)
    _running[id(task.signals)] = task.signals
    (pool or QThreadPool.globalInstance()).start(task.run, priority)


class _RunnerSignals(QObject):
    progress = Signal(object, object, str, object)  # objects: byte counts pass 2 GB
    finished = Signal(object)
    failed = Signal(str, object)  # the message, and the JobState the job ended in


class _Runner:
    """Runs one job on a pool thread; talks to the GUI only through signals."""

    def __init__(self, job: Job, cancel: CancelToken, owner: QObject) -> None:
        self.job = job  # handed to the pool as a plain callable, like _Task
        self.cancel = cancel
        self.signals = _RunnerSignals(owner)  # deleted in the GUI thread, as _Task's are
        self._shown: tuple[int, str] | None = None  # the percentage and message last sent

    def run(self) -> None:
        try:
            result = self.job.run(self._progress, self.cancel)
        except Paused:
            self.signals.failed.emit("", JobState.PAUSED)
        except Cancelled:
            self.signals.failed.emit("", JobState.CANCELLED)
        except Exception as exc:
            log.info("job %r did not finish", self.job.title)
            self.signals.failed.emit(failure_message(exc), JobState.FAILED)
        else:
            self.signals.finished.emit(result)

    def _progress(self, done: int, total: int, message: str = "", detail: object = None) -> None:
        """Send progress when the bar, the message or the detail would change: a print of
        thousands of sheets sends a hundred signals, not thousands (each costs a repaint)."""
        message = say(message, QCoreApplication.translate)  # Qt's signal carries a plain str
        shown = (done * 100 // total if total else done, message)
        if shown == self._shown and done != total and detail is None:
            return
        self._shown = shown
        self.signals.progress.emit(done, total, message, detail)


@dataclass
class JobEntry:
    """One row of the job list."""

    job: Job
    state: JobState = JobState.QUEUED
    done: int = 0
    total: int = 0
    message: str = ""
    detail: object = None  # the job's latest progress detail, for its own window
    result: JobResult | None = None
    error: str = ""
    started: float = field(default_factory=time.monotonic)
    cancel: CancelToken = field(default_factory=CancelToken)
    runner: _Runner | None = None


def cancellable_after_end(entry: JobEntry) -> bool:
    return entry.state == JobState.DONE and entry.result is not None and bool(entry.result.cancel)


KEPT_FINISHED = 100  # finished jobs listed: a day of pushes must not grow the app's memory


class JobQueue(QAbstractListModel):
    """Starts jobs on a thread pool and lists them: every running job and the newest
    ``KEPT_FINISHED`` finished ones. A finished job keeps its summary and file; the
    data it handed back (a manifest, a merged PDF) goes once ``ended`` has delivered it.

    ``ended(entry)`` is the one way to hear that a job ended, whatever way it ended:
    ``entry.state`` says which (DONE with ``entry.result``, FAILED with ``entry.error``,
    CANCELLED, PAUSED). A widget connects one of its own methods and picks the entries it
    submitted; Qt disconnects a closed widget, so a job that outlives it ends quietly.
    """

    EntryRole = Qt.ItemDataRole.UserRole + 1
    ended = Signal(object)  # JobEntry

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self.entries: list[JobEntry] = []

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role == self.EntryRole:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{job_title(entry.job)} - {state_label(entry.state)}"
        return None

    def submit(self, job: Job) -> JobEntry:
        """Start ``job``; ``ended`` says when it is over."""
        entry = JobEntry(job=job)
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.entries.insert(0, entry)
        self.endInsertRows()
        self._start(entry)
        return entry

    def retry(self, entry: JobEntry) -> None:
        if entry.state in (JobState.FAILED, JobState.CANCELLED):
            entry.cancel = CancelToken()
            entry.error = ""
            entry.done = entry.total = 0
            self._start(entry)

    def cancel(self, entry: JobEntry) -> None:
        """Stop a running job; a finished one that can still be undone (a print held in
        the queue) is cancelled through its result, and ends again as that says."""
        entry.cancel.cancel()
        if cancellable_after_end(entry):
            withdraw = entry.result.cancel
            entry.result = replace(entry.result, cancel=None)
            entry.message = ""
            self._start(entry, replace(entry.job, run=lambda _progress, _cancel: withdraw()))

    def clear_finished(self) -> None:
        self.beginResetModel()
        self.entries = [e for e in self.entries if e.state in _ACTIVE]
        self.endResetModel()

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)

    def _start(self, entry: JobEntry, job: Job | None = None) -> None:
        runner = _Runner(job or entry.job, entry.cancel, _signals_owner())
        entry.runner = runner  # keep a reference until the job ends
        entry.state = JobState.RUNNING
        entry.started = time.monotonic()
        runner.signals.progress.connect(
            lambda d, t, m, x, e=entry: self._on_progress(e, d, t, m, x)
        )
        runner.signals.finished.connect(lambda r, e=entry: self._on_finished(e, r))
        runner.signals.failed.connect(lambda msg, s, e=entry: self._on_failed(e, msg, s))
        self._changed(entry)
        self.pool.start(runner.run)

    def _on_progress(
        self, entry: JobEntry, done: int, total: int, message: str, detail: object
    ) -> None:
        entry.done, entry.total, entry.message, entry.detail = done, total, message, detail
        self._changed(entry)

    def _on_finished(self, entry: JobEntry, result: JobResult) -> None:
        entry.state = JobState.DONE
        entry.result = result
        entry.message = result.text(QCoreApplication.translate)
        self._release(entry)
        self._changed(entry)
        self.ended.emit(entry)
        entry.result = replace(result, data=None)
        self._trim()

    def _on_failed(self, entry: JobEntry, message: str, state: JobState) -> None:
        entry.state = state
        entry.error = message
        self._release(entry)
        self._changed(entry)
        self.ended.emit(entry)
        self._trim()

    @staticmethod
    def _release(entry: JobEntry) -> None:
        """The runner's last signal is delivered: its signals go, here in the GUI thread,
        never in the pool thread that may drop the runner last."""
        if entry.runner is not None:
            entry.runner.signals.deleteLater()
            entry.runner = None

    def _trim(self) -> None:
        """Forget the oldest finished jobs beyond ``KEPT_FINISHED``."""
        finished = [row for row, e in enumerate(self.entries) if e.state not in _ACTIVE]
        for row in reversed(finished[KEPT_FINISHED:]):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.entries[row]
            self.endRemoveRows()

    def _changed(self, entry: JobEntry) -> None:
        if entry in self.entries:
            row = self.entries.index(entry)
            self.dataChanged.emit(self.index(row), self.index(row))
