"""A file written to while it is uploaded is never stored wrong nor reported uploaded with
an MD5 it does not have; a task resumes into its own bucket."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest

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


def start(store, config, path):
    task = create_task(store, [path], BUCKET, "", part_size=PART)
    result = {}
    thread = threading.Thread(
        target=lambda: result.setdefault("summary",
                                         Uploader(store, config).run(task.id, no_progress,
                                                                     CancelToken())))  # fmt: skip
    thread.start()
    return task, thread, result


def test_a_file_rewritten_during_its_upload_is_sent_again_as_it_now_is(
    tmp_path, oss, config, store
):
    path = make_tree(tmp_path, {"ledger.xlsx": SIZE}) / "ledger.xlsx"
    oss.inject("UploadPart", "slow", part=6, delay=3.0)  # the rewrite lands while it waits
    task, thread, result = start(store, config, path)
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
