import os
import subprocess
import sys
import threading
from pathlib import Path

import pymupdf
import pytest
import shiboken6

from fps_desktop import __version__
from fps_desktop.cli import main
from fps_desktop.errors import Cancelled, SourceError
from fps_desktop.jobs import CancelToken, Job, JobResult
from fps_desktop.ui.job_queue import JobQueue, JobState

GUID = "c965be9f9c1d449d9e50fed330150d7a"


def test_version_and_module_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "fps_desktop", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"fps-desktop {__version__}"


def test_merge_writes_one_pdf_with_bookmarks(tmp_path, capsys):
    out = tmp_path / "merged.pdf"
    assert main(["merge", GUID, "-o", str(out)]) == 0
    doc = pymupdf.open(out)
    assert doc.page_count == 7 and len(doc.get_toc()) == 5
    assert capsys.readouterr().out.strip() == str(out)


def test_merge_two_up_of_invoices_only(tmp_path):
    out = tmp_path / "two-up.pdf"
    assert main(["merge", GUID, "-o", str(out), "--layout", "two-up", "--only", "invoices"]) == 0
    assert pymupdf.open(out).page_count == 1


def test_errors_have_stable_exit_codes(tmp_path, capsys):
    assert main(["merge", "xyz", "-o", str(tmp_path / "a.pdf")]) == 2
    assert main(["fetch", "0" * 32, "--out", str(tmp_path)]) == SourceError.exit_code
    err = capsys.readouterr().err
    assert err.count("error: ") == 2


@pytest.fixture
def refused_pdf(tmp_path):
    """A PDF the system will not let FPS Desktop replace: on Windows one open in another
    program (a viewer); elsewhere an immutable one, or one in a read-only folder."""
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "merged.pdf"
    target.write_bytes(b"the clerk's earlier copy")
    if os.name == "nt":
        with open(target, "rb"):  # Python opens without FILE_SHARE_DELETE, as viewers do
            yield target
        return
    try:
        immutable = subprocess.run(["chattr", "+i", str(target)], capture_output=True)
    except FileNotFoundError:
        immutable = None
    if immutable is None or immutable.returncode != 0:
        folder.chmod(0o500)
    probe = folder / "probe"
    try:
        try:
            probe.write_bytes(b"")
            os.replace(probe, target)
        except PermissionError:
            probe.unlink(missing_ok=True)
            yield target
        else:
            pytest.skip("this system lets the tests replace any file (chattr +i was refused)")
    finally:
        if immutable is not None and immutable.returncode == 0:
            subprocess.run(["chattr", "-i", str(target)], check=True)
        folder.chmod(0o700)


def test_a_pdf_the_system_will_not_let_us_replace_is_named_and_kept(refused_pdf, capsys):
    assert main(["merge", GUID, "-o", str(refused_pdf)]) == 5
    assert f"may not write {refused_pdf}: it is open in another program" in capsys.readouterr().err
    assert refused_pdf.read_bytes() == b"the clerk's earlier copy"
    assert [p.name for p in refused_pdf.parent.iterdir()] == ["merged.pdf"]


def test_the_clerks_commands_run_without_a_console_and_write_into_the_log(
    qapp, tmp_path, no_console
):
    no_console.detach()
    with pytest.raises(SystemExit) as help_:
        main(["--help"])
    assert help_.value.code == 0
    assert any(line.startswith("stdout: usage: fps-desktop") for line in no_console.written())
    assert main(["fetch", GUID, "--out", str(tmp_path / "files")]) == 0
    assert main(["merge", GUID, "-o", str(tmp_path / "merged.pdf")]) == 0
    assert main(["print", GUID, "--to-pdf", str(tmp_path / "printed.pdf")]) == 0
    assert main(["invoices", GUID]) == 0
    assert main(["merge", "xyz", "-o", str(tmp_path / "a.pdf")]) == 2  # exit codes as ever
    written = no_console.written()
    assert f"stdout: {tmp_path / 'merged.pdf'}" in written
    assert any(line.startswith("stdout: ") and "25442000000123456790" in line for line in written)
    assert any(line.startswith("stderr: error: ") for line in written)
    assert pymupdf.open(tmp_path / "printed.pdf").page_count > 0


def test_job_queue_runs_off_the_gui_thread_and_reports(qtbot):
    queue = JobQueue()
    seen = {}

    def run(progress, cancel):
        seen["thread"] = threading.current_thread()
        progress(1, 2, "half")
        return JobResult("ok")

    with qtbot.waitSignal(queue.ended, timeout=5000):
        entry = queue.submit(Job("demo", run))
    assert seen["thread"] is not threading.main_thread()
    assert entry.state == JobState.DONE and entry.message == "ok"


def test_a_job_that_outlives_its_window_is_not_answered(qtbot):
    """A window closed (and deleted) while its job ran: the job ends quietly, instead of
    calling into widgets Qt has already destroyed."""
    from PySide6.QtWidgets import QLabel

    class Window(QLabel):
        def answered(self, entry) -> None:
            self.setText(entry.message)

    queue = JobQueue()
    label = Window()
    queue.ended.connect(label.answered)
    release = threading.Event()

    def run(progress, cancel):
        release.wait(30)
        return JobResult("ok")

    entry = queue.submit(Job("late", run))
    label.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(label), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: entry.state == JobState.DONE, timeout=30_000)


@pytest.mark.allow_log_warnings
def test_failed_job_can_be_retried_and_a_cancelled_one_says_so(qtbot):
    queue = JobQueue()
    attempts = []

    def flaky(progress, cancel):
        attempts.append(1)
        if len(attempts) == 1:
            raise SourceError("PBMS is not working right now ({problem}).", problem="HTTP 500")
        return JobResult("fine")

    with qtbot.waitSignal(queue.ended, timeout=5000) as failed:
        entry = queue.submit(Job("flaky", flaky))
    assert failed.args == [entry] and entry.state == JobState.FAILED and "HTTP 500" in entry.error
    with qtbot.waitSignal(queue.ended, timeout=5000):
        queue.retry(entry)
    assert entry.state == JobState.DONE

    started = threading.Event()

    def slow(progress, cancel: CancelToken):
        started.set()
        while not cancel.wait(0.01):
            pass
        raise Cancelled()

    other = queue.submit(Job("slow", slow))
    started.wait(5)
    with qtbot.waitSignal(queue.ended, timeout=5000) as cancelled:  # a cancel ends it too
        queue.cancel(other)
    assert cancelled.args == [other] and other.state == JobState.CANCELLED


def test_the_job_list_keeps_a_bounded_history_and_lets_results_go(qtbot):
    """A day of PBMS pushes: running jobs stay, finished ones beyond the newest hundred
    go, and a finished job keeps its summary and file but not the data it handed back."""
    from fps_desktop.ui.job_queue import KEPT_FINISHED

    queue = JobQueue()
    release = threading.Event()
    running = queue.submit(
        Job("long", lambda progress, cancel: (release.wait(60), JobResult(""))[1])
    )
    delivered = []
    queue.ended.connect(lambda entry: delivered.append(entry.result))
    for number in range(KEPT_FINISHED + 20):
        result = JobResult(f"done {number}", path=Path(f"/tmp/{number}.pdf"), data=b"x" * 1000)
        with qtbot.waitSignal(queue.ended, timeout=10_000):
            queue.submit(Job(f"job {number}", lambda p, c, r=result: r))
    assert len(delivered) == KEPT_FINISHED + 20 and delivered[-1].data == b"x" * 1000
    assert queue.rowCount() == KEPT_FINISHED + 1
    assert running in queue.entries and running.state == JobState.RUNNING
    newest = queue.entries[0]
    assert newest.message == f"done {KEPT_FINISHED + 19}"
    assert newest.result.path == Path(f"/tmp/{KEPT_FINISHED + 19}.pdf")
    assert newest.result.data is None
    release.set()
    qtbot.waitUntil(lambda: running.state == JobState.DONE, timeout=30_000)


LEAK_CHECK = """
import gc, weakref
from PySide6.QtCore import QCoreApplication, QEventLoop, QThreadPool, QTimer
from fps_desktop.jobs import Job, JobResult
from fps_desktop.ui.job_queue import JobQueue, run_task

class Work:
    def __call__(self):
        return 1

def settle(done, seconds=20):
    for _ in range(seconds * 100):
        if done():
            return
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()

app = QCoreApplication([])
pool = QThreadPool()
pool.setMaxThreadCount(2)
answers, works = [], []
for _ in range(20):
    work = Work()
    works.append(weakref.ref(work))
    run_task(work, answers.append, answers.append, pool=pool)
del work
settle(lambda: len(answers) == 20)
queue = JobQueue(pool)
entries = [queue.submit(Job("one", lambda progress, cancel: JobResult("ok"))) for _ in range(10)]
runners = [weakref.ref(entry.runner) for entry in entries]
settle(lambda: all(entry.result is not None for entry in entries))
kept = lambda refs: sum(ref() is not None for ref in refs)  # noqa: E731
settle(lambda: gc.collect() is not None and kept(works) + kept(runners) <= 4)
print(sum(ref() is not None for ref in works), sum(ref() is not None for ref in runners))
"""


def test_finished_work_leaves_nothing_behind():
    """Pages drawn and jobs run all day: neither the short work nor a job's runner is
    kept once its answer is in (PySide kept runnables the pool did not delete, and a
    closure on a task's own signal kept the task). In a process of its own, so what
    other tests left on a pool does not count; each of the pool's two threads may hold
    on to the last work it ran until it runs more."""
    result = subprocess.run(
        [sys.executable, "-c", LEAK_CHECK], capture_output=True, text=True, timeout=120,
        cwd=Path(__file__).resolve().parent.parent, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    kept_work, kept_runners = map(int, result.stdout.split())
    assert kept_work <= 2 and kept_runners <= 2  # 20 and 10 when every one was kept
