"""A file written to while it is uploaded is never stored wrong nor reported uploaded with
an MD5 it does not have; a task resumes into its own bucket."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time

import pytest

from fps_desktop.cli import main
from fps_desktop.jobs import CancelToken, no_progress
from fps_desktop.upload.client import OssConfig
from fps_desktop.upload.store import DONE, FAILED, error_text
from fps_desktop.upload.tasks import create_task
from fps_desktop.upload.uploader import Uploader
from tests.upload.conftest import BUCKET, KEY_ID, SECRET, make_tree
from tests.upload.oss_server import OssServer

PART = 128 * 1024
SIZE = 12 * PART


def wait_for(condition, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def start(store, config, path, progress=no_progress):
    task = create_task(store, [path], BUCKET, "", part_size=PART)
    result = {}
    thread = threading.Thread(
        target=lambda: result.setdefault("summary",
                                         Uploader(store, config).run(task.id, progress,
                                                                     CancelToken())))  # fmt: skip
    thread.start()
    return task, thread, result


def test_a_file_rewritten_during_its_upload_is_sent_again_as_it_now_is(
    tmp_path, oss, config, store
):
    path = make_tree(tmp_path, {"ledger.xlsx": SIZE}) / "ledger.xlsx"
    oss.inject("UploadPart", "slow", part=6, delay=3.0)  # the rewrite lands while it waits
    shown = []
    task, thread, result = start(
        store, config, path, lambda done, total, *_: shown.append((done, total))
    )
    wait_for(lambda: oss.count("UploadPart", 200) >= 1, "no part was sent")
    rewritten = make_tree(tmp_path / "new", {"ledger.xlsx": SIZE}, seed=7) / "ledger.xlsx"
    path.write_bytes(rewritten.read_bytes())  # same size, other bytes
    thread.join(60)
    assert result["summary"].counts.done_files == 1
    stored = oss.read_object("ledger.xlsx")
    assert stored == path.read_bytes()
    row = store.file_by_rel(task.id, "ledger.xlsx")
    assert row.state == DONE and row.md5 == hashlib.md5(stored).hexdigest()
    assert oss.count("AbortMultipartUpload") == 1  # the first try never became the object
    assert shown[-1] == (SIZE, SIZE)  # the dropped try's parts are no longer counted


def test_a_file_that_keeps_changing_fails_saying_so_and_leaves_the_object_as_it_was(
    tmp_path, oss, config, store
):
    path = make_tree(tmp_path, {"growing.log": SIZE}) / "growing.log"
    oss.put_object("growing.log", b"the version from yesterday")
    stop = threading.Event()

    def keep_writing():
        with open(path, "ab") as handle:
            while not stop.is_set():
                handle.write(b"x")
                handle.flush()
                time.sleep(0.002)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        task, thread, result = start(store, config, path)
        thread.join(120)
    finally:
        stop.set()
        writer.join()
    assert result["summary"].counts.failed_files == 1
    row = store.file_by_rel(task.id, "growing.log")
    assert row.state == FAILED and "kept changing while it was uploaded" in error_text(row.error)
    assert oss.read_object("growing.log") == b"the version from yesterday"
    assert oss.count("CompleteMultipartUpload") == 0


@pytest.fixture
def two_buckets(tmp_path):
    with OssServer(tmp_path / "oss-two", KEY_ID, SECRET, buckets=(BUCKET, "elsewhere")) as server:
        yield server


def test_retry_and_resume_go_to_the_tasks_own_bucket(tmp_path, two_buckets, store):
    oss = two_buckets
    config = OssConfig(oss.endpoint, BUCKET, KEY_ID, SECRET, backoff=0.01, timeout=5)
    folder = make_tree(tmp_path / "scans", {"a.pdf": 2000, "b.pdf": 3000})
    oss.inject("PutObject", "500", times=1000, key="scans/b.pdf")
    task = create_task(store, [folder], BUCKET, "", part_size=PART)
    Uploader(store, config).run(task.id, no_progress, CancelToken())
    oss.faults.clear()
    store.retry_failed(task.id)
    # The panel (or the settings) point at another bucket now: the task keeps its own.
    moved = OssConfig(oss.endpoint, "elsewhere", KEY_ID, SECRET, backoff=0.01, timeout=5)
    summary = Uploader(store, moved).run(task.id, no_progress, CancelToken())
    assert summary.counts.done_files == 2
    assert oss.read_object("scans/b.pdf", bucket=BUCKET) == (folder / "b.pdf").read_bytes()
    with pytest.raises(KeyError):
        oss.read_object("scans/b.pdf", bucket="elsewhere")


def run(store, config, paths):
    task = create_task(store, paths, BUCKET, "", part_size=PART)
    return task, Uploader(store, config).run(task.id, no_progress, CancelToken())


def test_two_chosen_folders_with_one_name_keep_every_file(tmp_path, oss, config, store):
    first = make_tree(tmp_path / "a" / "scans", {"1.pdf": 100, "2.pdf": 200})
    second = make_tree(tmp_path / "b" / "scans", {"1.pdf": 300})
    again = make_tree(tmp_path / "c", {"1.pdf": 400}) / "1.pdf"
    _, summary = run(store, config, [first, second, again, make_tree(tmp_path / "d", {"1.pdf": 5})
                                     / "1.pdf"])  # fmt: skip
    assert summary.counts.done_files == 5
    assert oss.read_object("scans/1.pdf") == (first / "1.pdf").read_bytes()
    assert oss.read_object("scans-2/1.pdf") == (second / "1.pdf").read_bytes()
    assert oss.read_object("1.pdf") == again.read_bytes()
    assert oss.read_object("1-2.pdf") == (tmp_path / "d" / "1.pdf").read_bytes()


def test_a_looping_link_and_an_undecodable_name_fail_alone_and_the_rest_goes_on(
    tmp_path, oss, config, store
):
    folder = make_tree(tmp_path / "share", {"good.pdf": 100, "sub/also.pdf": 50})
    (folder / "loop").symlink_to(folder / "loop")
    gbk = os.fsdecode("发票".encode("gbk") + b".pdf")  # a name from an old Windows share
    (folder / gbk).write_bytes(b"%PDF")
    task, summary = run(store, config, [folder])
    assert summary.counts.done_files == 2 and summary.counts.failed_files == 2
    reasons = {row.rel: error_text(row.error) for row in store.files(task.id, (FAILED,))}
    assert "Too many levels of symbolic links" in reasons["share/loop"]
    (undecodable,) = [rel for rel in reasons if rel != "share/loop"]
    assert "not valid UTF-8" in reasons[undecodable]
    assert oss.read_object("share/sub/also.pdf") == (folder / "sub" / "also.pdf").read_bytes()


@pytest.mark.unix_only("a folder made unreadable with chmod")
@pytest.mark.skipif(os.name == "posix" and os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_folder_is_listed_as_failed(tmp_path, oss, config, store):
    folder = make_tree(tmp_path / "share", {"good.pdf": 100, "locked/secret.pdf": 50})
    (folder / "locked").chmod(0)
    try:
        task, summary = run(store, config, [folder])
    finally:
        (folder / "locked").chmod(0o755)
    assert summary.counts.done_files == 1 and summary.counts.failed_files == 1
    (row,) = store.files(task.id, (FAILED,))
    assert "Permission denied" in error_text(row.error)


def test_oss_gone_mid_run_stops_the_task_at_once_with_exit_9(tmp_path, oss_env, capsys):
    oss = oss_env
    folder = make_tree(tmp_path / "many", {f"f{n:03}.bin": 1000 for n in range(300)})
    oss.inject("PutObject", "slow", key="many/f150.bin", delay=5.0)  # the run cannot end first

    def pull_the_plug():
        wait_for(lambda: oss.count("PutObject", 200) >= 20, "no file was uploaded")
        oss.stop()

    unplug = threading.Thread(target=pull_the_plug)
    unplug.start()
    started = time.monotonic()
    code = main(["upload", str(folder)])
    unplug.join()
    assert code == 9 and time.monotonic() - started < 30
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: Cannot reach OSS at http://127.0.0.1:")
    assert "(Connection refused). The upload stopped; resume the task" in err[-1]


@pytest.mark.parametrize("listed", [True, False], ids=["listing", "head"])
def test_the_servers_checksum_wins_over_a_recorded_md5_that_disagrees(
    tmp_path, oss, config, store, listed
):
    path = make_tree(tmp_path, {"scan.pdf": 4000}) / "scan.pdf"
    claimed = hashlib.md5(path.read_bytes()).hexdigest()
    oss.put_object("scan.pdf", b"x" * 4000, **{"x-oss-meta-md5": claimed})  # same size, other bytes
    if not listed:
        oss.no_list.add(KEY_ID)
    _, summary = run(store, config, [path])
    assert summary.counts.done_files == 1 and summary.counts.saved_files == 0
    assert oss.read_object("scan.pdf") == path.read_bytes()


def test_upload_list_into_a_closed_pipe_ends_quietly(tmp_path, oss_env, fps_home):
    make_tree(tmp_path, {"a.txt": 10})
    assert main(["upload", str(tmp_path / "a.txt")]) == 0
    read, write = os.pipe()
    os.close(read)  # as `| head -1` after its line: every write meets a closed pipe
    command = [sys.executable, "-m", "fps_desktop", "upload", "list"]
    listing = subprocess.run(command, stdout=write, stderr=subprocess.PIPE, timeout=120, text=True)
    os.close(write)
    assert listing.returncode == 0 and listing.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_the_terminal_shows_files_mebibytes_rate_and_time_left():
    import fcntl
    import pty
    import struct
    import termios

    from fps_desktop.cli.terminal import TerminalProgress
    from fps_desktop.upload.progress import UploadProgress

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    with os.fdopen(terminal, "w", encoding="utf-8") as stream:
        progress = TerminalProgress("Upload to OSS", stream)
        state = UploadProgress(3, 10, 512 * 1024**2, 1024**3, 0, 0, 8 * 1024**2, 64.0, "a.pdf")
        progress(state.bytes_done, state.bytes_total, "a.pdf", state)
        shown = os.read(controller, 4096).decode()
    os.close(controller)
    assert "Upload to OSS:  50.0% 3/10 files, 512.0 MiB of 1.0 GiB, 8.0 MiB/s, 1:04 left" in shown
