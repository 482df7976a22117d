"""Uploads driven through the unmodified oss2 SDK against the OSS-protocol server."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import requests

from fps_desktop.cli import main
from fps_desktop.errors import Cancelled, UploadError
from fps_desktop.jobs import CancelToken, no_progress
from fps_desktop.upload import manifest
from fps_desktop.upload.client import OssConfig, Retrying, check_access
from fps_desktop.upload.remote import ABSENT, ExistingObjects
from fps_desktop.upload.store import (
    CANCELLED,
    COMPLETED,
    DEDUPED,
    FAILED,
    PAUSED,
    STOPPED,
    WITH_FAILURES,
    error_text,
)
from fps_desktop.upload.tasks import MIB, create_task, part_size_for
from fps_desktop.upload.uploader import Uploader
from tests.net import refused_port
from tests.upload.conftest import BUCKET, KEY_ID, SECRET, make_tree

PART = 128 * 1024  # small parts keep the tests fast; the product default is 5 MB
REPO = Path(__file__).resolve().parents[2]

TREE = {
    "a.txt": 10,
    "empty.bin": 0,
    "sub/发票 001.pdf": 50_000,
    "sub/deeper/big.bin": 5 * PART + 777,
    "sub/deeper/c.csv": 3000,
}


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def run(store, config, paths, prefix="2024/", part_size=PART, **options):
    task = create_task(store, paths, BUCKET, prefix, part_size=part_size, **options)
    summary = Uploader(store, config).run(task.id, no_progress, CancelToken())
    return task, summary


def test_folder_upload_keeps_structure_records_md5_and_exports_manifests(
    tmp_path, oss, config, store
):
    folder = make_tree(tmp_path / "scans", TREE)
    task, summary = run(store, config, [folder])

    assert summary.counts.done_files == len(TREE) and summary.counts.failed_files == 0
    assert store.task(task.id).state == COMPLETED
    for rel in TREE:
        data = (folder / rel).read_bytes()
        assert oss.read_object(f"2024/scans/{rel}") == data
        stored = oss.objects[(BUCKET, f"2024/scans/{rel}")]
        assert stored.headers["x-oss-meta-md5"] == md5(data)
    assert oss.objects[(BUCKET, "2024/scans/sub/deeper/big.bin")].kind == "Multipart"

    local = list(manifest.local_rows(store, task))
    assert {(r["path"], r["size"], r["md5"]) for r in local} == {
        (f"scans/{rel}", size, md5((folder / rel).read_bytes())) for rel, size in TREE.items()
    }
    target = tmp_path / "server.csv"
    rows = manifest.server_rows(store, task, config)
    assert manifest.write_manifest(rows, manifest.SERVER_COLUMNS, target, "csv") == len(TREE)
    listed = {row["key"]: row for row in csv.DictReader(io.StringIO(target.read_text("utf-8")))}
    big = listed["2024/scans/sub/deeper/big.bin"]
    assert big["md5"] == md5((folder / "sub/deeper/big.bin").read_bytes())
    assert big["etag"].endswith("-6") and big["size"] == str(5 * PART + 777)
    assert big["last_modified"].endswith("Z")

    target = tmp_path / "server.json"
    rows = manifest.server_rows(store, task, config)
    manifest.write_manifest(rows, manifest.SERVER_COLUMNS, target, "json")
    assert len(json.loads(target.read_text(encoding="utf-8"))) == len(TREE)


def test_instant_upload_skips_content_already_at_the_target(tmp_path, oss, config, store):
    folder = make_tree(tmp_path / "scans", TREE)
    run(store, config, [folder])
    puts = oss.count("PutObject", 200) + oss.count("UploadPart", 200)
    (folder / "a.txt").write_bytes(b"changed content")

    task, summary = run(store, config, [folder])

    assert summary.counts.saved_files == len(TREE) - 1
    assert summary.counts.saved_bytes == sum(TREE.values()) - TREE["a.txt"]
    assert summary.counts.done_files == 1
    assert oss.count("PutObject", 200) + oss.count("UploadPart", 200) == puts + 2  # + the check
    assert oss.read_object("2024/scans/a.txt") == b"changed content"
    assert store.file_by_rel(task.id, "scans/sub/deeper/big.bin").state == DEDUPED


def test_one_listing_replaces_a_head_per_file_and_head_remains_when_listing_is_refused(
    tmp_path, oss, config, store
):
    folder = make_tree(tmp_path / "scans", TREE)
    run(store, config, [folder])
    assert oss.count("HeadObject") == 1  # the access check only
    assert oss.count("ListObjectsV2") == 1

    oss.no_list.add(KEY_ID)
    _, summary = run(store, config, [folder])
    assert summary.counts.saved_files == len(TREE)
    assert oss.count("ListObjectsV2", 403) == 1
    assert oss.count("HeadObject") == 1 + 1 + len(TREE)


def test_a_long_listing_stops_and_later_keys_are_asked_with_head(oss, config):
    for n in range(30):
        oss.put_object(f"p/{n:02d}.txt", b"x")
    bucket = config.connect()
    existing = ExistingObjects.listed(bucket, "p/", Retrying(config, CancelToken()), limit=10)
    assert existing.lookup("p/05.txt")[0] == 1
    assert existing.lookup("p/05a.txt") is ABSENT  # inside the listed range, not there
    assert existing.lookup("p/29.txt") is None  # past the listing: unknown


def test_multipart_is_byte_identical_and_crc_checked(tmp_path, oss, config, store):
    size = 13 * PART + 5
    make_tree(tmp_path, {"scan.tif": size})
    _, summary = run(store, config, [tmp_path / "scan.tif"], prefix="")

    data = (tmp_path / "scan.tif").read_bytes()
    assert md5(oss.read_object("scan.tif")) == md5(data)
    assert sorted(oss.stored_parts("scan.tif")) == list(range(1, 15))
    assert summary.sent_bytes == size


def test_the_proxy_from_the_environment_is_used_unless_no_proxy_exempts_oss(
    oss, config, monkeypatch
):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    with refused_port() as port:  # nobody listens
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{port}")
        with pytest.raises(UploadError, match="Cannot reach OSS"):
            check_access(config.connect(), config)

    monkeypatch.setenv("no_proxy", "127.0.0.1")
    check_access(config.connect(), config)


def test_part_size_grows_to_stay_within_10000_parts():
    assert part_size_for(4 * MIB) == 5 * MIB
    assert part_size_for(48 * 1024 * MIB) == 5 * MIB
    big = 60 * 1024 * MIB
    assert part_size_for(big) == 7 * MIB and big / part_size_for(big) <= 10_000


# A connection the server drops mid-answer is sometimes left by urllib3 for the garbage
# collector to close; that ResourceWarning is the client library's, not a failure here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(
    ("op", "kind"),
    [
        ("HeadObject", "500"),
        ("PutObject", "drop"),
        ("PutObject", "lost"),
        ("PutObject", "corrupt"),
        ("InitiateMultipartUpload", "500"),
        ("UploadPart", "drop"),
        ("UploadPart", "lost"),
        ("UploadPart", "500"),
        ("UploadPart", "corrupt"),
        ("CompleteMultipartUpload", "500"),
        ("CompleteMultipartUpload", "lost"),
    ],
)
def test_transient_faults_at_every_step_end_in_a_complete_upload(
    tmp_path, oss, config, store, op, kind
):
    folder = make_tree(tmp_path / "f", {"small.txt": 3000, "large.bin": 4 * PART + 1})
    oss.inject(op, kind, times=2, skip=1 if op == "HeadObject" else 0)

    task, summary = run(store, config, [folder])

    assert summary.counts.done_files == 2, [
        error_text(r.error) for r in store.files(task.id, (FAILED,))
    ]
    for rel in ("small.txt", "large.bin"):
        assert oss.read_object(f"2024/f/{rel}") == (folder / rel).read_bytes()
    assert summary.sent_bytes >= 4 * PART + 3001


def test_retries_stop_at_the_setting_and_one_failing_file_never_stops_the_batch(
    tmp_path, oss, config, store
):
    folder = make_tree(tmp_path / "f", {f"{n}.txt": 100 + n for n in range(6)})
    oss.inject("PutObject", "500", times=1000, key="2024/f/3.txt")
    config = OssConfig(config.endpoint, BUCKET, KEY_ID, SECRET, retries=2, backoff=0.01)

    task, summary = run(store, config, [folder])

    assert summary.counts.done_files == 5 and summary.counts.failed_files == 1
    assert oss.count("PutObject", 500) == 3  # the first try and 2 retries
    failed = store.file_by_rel(task.id, "f/3.txt")
    assert failed.state == FAILED and "500 InternalError" in error_text(failed.error)
    assert store.task(task.id).state == WITH_FAILURES

    oss.faults.clear()
    assert store.retry_failed(task.id) == 1
    summary = Uploader(store, config).run(task.id, no_progress, CancelToken())
    assert summary.counts.done_files == 6 and store.task(task.id).state == COMPLETED


def test_a_part_that_keeps_failing_leaves_a_resumable_file(tmp_path, oss, config, store):
    make_tree(tmp_path, {"big.bin": 8 * PART})
    oss.inject("UploadPart", "500", times=1000, part=5)

    task, summary = run(store, config, [tmp_path / "big.bin"], prefix="")
    assert summary.counts.failed_files == 1
    row = store.file_by_rel(task.id, "big.bin")
    assert row.upload_id and "500" in error_text(row.error)
    sent_before = oss.stored_parts("big.bin")

    oss.faults.clear()
    store.retry_failed(task.id)
    summary = Uploader(store, config).run(task.id, no_progress, CancelToken())

    assert summary.counts.done_files == 1
    assert oss.read_object("big.bin") == (tmp_path / "big.bin").read_bytes()
    resent = oss.stored_parts("big.bin")[len(sent_before) :]
    assert sorted(resent + sent_before) == list(range(1, 9))  # nothing sent twice


def test_kill_9_in_the_middle_of_a_multipart_upload_then_resume(tmp_path, oss_env, store):
    oss = oss_env
    make_tree(tmp_path, {"scan.pdf": 24 * PART + 99})
    oss.inject("UploadPart", "slow", times=1000, delay=0.25)
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fps_desktop",
            "upload",
            str(tmp_path / "scan.pdf"),
            "--prefix",
            "k9",
            "--part-size-kb",
            str(PART // 1024),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    task_id = child.stdout.readline().split()[1].rstrip(":")
    deadline = time.monotonic() + 20
    while len(oss.stored_parts("k9/scan.pdf")) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    child.kill()  # kill -9; TerminateProcess on Windows
    child.wait(5)
    child.stdout.close()
    child.stderr.close()
    oss.faults.clear()
    oss.wait_idle()
    before = oss.stored_parts("k9/scan.pdf")
    assert 5 <= len(before) < 25 and oss.objects.get((BUCKET, "k9/scan.pdf")) is None

    assert main(["upload", "--resume", task_id]) == 0

    assert md5(oss.read_object("k9/scan.pdf")) == md5((tmp_path / "scan.pdf").read_bytes())
    after = oss.stored_parts("k9/scan.pdf")[len(before) :]
    assert not set(after) & set(before), "a part OSS already had was sent again"
    assert sorted(before + after) == list(range(1, 26))
    assert oss.count("ListParts") >= 1


def test_pause_keeps_the_multipart_upload_and_cancel_aborts_it(tmp_path, oss, config, store):
    make_tree(tmp_path, {"big.bin": 12 * PART})
    oss.inject("UploadPart", "slow", times=1000, delay=0.2)
    for pause, state in ((True, PAUSED), (False, CANCELLED)):
        task = create_task(store, [tmp_path / "big.bin"], BUCKET, f"p{pause}", part_size=PART)
        uploader, cancel = Uploader(store, config), CancelToken()

        def stopped(uploader=uploader, task=task, cancel=cancel):
            with pytest.raises(Cancelled):
                uploader.run(task.id, no_progress, cancel)

        worker = threading.Thread(target=stopped)
        worker.start()
        while not oss.stored_parts(f"p{pause}/big.bin"):
            time.sleep(0.02)
        if pause:
            uploader.pause()
        cancel.cancel()
        worker.join(10)
        assert store.task(task.id).state == state
        assert bool(oss.uploads) is pause  # paused: still open at OSS; cancelled: aborted
        oss.uploads.clear()


def test_wrong_secret_is_refused_in_plain_words(
    tmp_path, oss, config, store, capsys, oss_env, monkeypatch
):
    make_tree(tmp_path, {"a.txt": 5})
    wrong = OssConfig(config.endpoint, BUCKET, KEY_ID, "not-the-secret", backoff=0.01)
    task = create_task(store, [tmp_path / "a.txt"], BUCKET, "")
    with pytest.raises(UploadError, match="refused the AccessKey secret"):
        Uploader(store, wrong).run(task.id, no_progress, CancelToken())
    assert store.task(task.id).state == STOPPED and oss.count("PutObject", 200) == 0

    monkeypatch.setenv("OSS_ACCESS_KEY_SECRET", "not-the-secret")
    assert main(["upload", str(tmp_path / "a.txt")]) == 9
    assert "error: OSS refused the AccessKey secret" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda oss, c: OssConfig(c.endpoint, "no-bucket", KEY_ID, SECRET), "There is no bucket"),
        (lambda oss, c: OssConfig(c.endpoint, BUCKET, "who", SECRET), "does not know"),
        (lambda oss, c: setattr(oss, "clock_offset", 3600) or c, "clock is more than 15"),
        (lambda oss, c: oss.read_only.add(KEY_ID) or c, "may not write"),
    ],
)
def test_setup_problems_are_named(oss, config, change, words):
    config = change(oss, config)
    with pytest.raises(UploadError, match=words):
        check_access(config.connect(), config)


def test_signature_v4_and_sts_tokens(tmp_path, oss, config, store):
    oss.add_sts("STS.ak", "sts-secret", "token-1")
    make_tree(tmp_path, {"a.txt": 300, "b.bin": 3 * PART})
    for name, cfg in {
        "v4": OssConfig(config.endpoint, BUCKET, KEY_ID, SECRET, region="cn-hangzhou"),
        "sts": OssConfig(config.endpoint, BUCKET, "STS.ak", "sts-secret", "token-1"),
        "sts-v4": OssConfig(
            config.endpoint, BUCKET, "STS.ak", "sts-secret", "token-1", region="cn-hangzhou"
        ),
    }.items():
        _, summary = run(store, cfg, [tmp_path / "a.txt", tmp_path / "b.bin"], prefix=name)
        assert summary.counts.done_files == 2, name
        assert oss.read_object(f"{name}/b.bin") == (tmp_path / "b.bin").read_bytes()
    expired = OssConfig(config.endpoint, BUCKET, "STS.ak", "sts-secret", "token-0")
    with pytest.raises(UploadError, match="security token"):
        check_access(expired.connect(), expired)


@pytest.mark.parametrize("region", [None, "cn-hangzhou"])
def test_temporary_link_works_then_expires(oss, config, region):
    oss.put_object("share/发票.pdf", b"%PDF-1.7 demo")
    config = OssConfig(config.endpoint, BUCKET, KEY_ID, SECRET, region=region)
    link = manifest.temporary_link(config, "share/发票.pdf", minutes=5)
    answer = requests.get(link, timeout=5)
    assert answer.status_code == 200 and answer.content == b"%PDF-1.7 demo"
    oss.clock_offset = 5 * 60 + 5
    assert requests.get(link, timeout=5).status_code == 403


def test_zip_task_uploads_one_archive_with_the_paths_kept(tmp_path, oss, config, store):
    folder = make_tree(tmp_path / "scans", {"a.txt": 100, "x/y.txt": 200})
    zips = store.path.parent / "upload-zips"
    oss.inject("PutObject", "500", times=1000, key="2024/scans.zip")
    task, summary = run(store, config, [folder], zip_first=True)
    assert summary.counts.files == 1 and summary.counts.failed_files == 1
    assert len(list(zips.glob("*.zip"))) == 1  # kept for the retry
    oss.faults.clear()
    store.retry_failed(task.id)
    Uploader(store, config).run(task.id, no_progress, CancelToken())
    with zipfile.ZipFile(io.BytesIO(oss.read_object("2024/scans.zip"))) as archive:
        assert sorted(archive.namelist()) == ["scans/a.txt", "scans/x/y.txt"]
        assert archive.read("scans/x/y.txt") == (folder / "x/y.txt").read_bytes()
    assert not list(zips.glob("*.zip"))  # at OSS now: not left behind on the disk


def test_progress_is_smooth_and_reaches_the_total(tmp_path, oss, config, store):
    make_tree(tmp_path, {"big.bin": 6 * PART, "small.txt": 1000})
    task = create_task(
        store, [tmp_path / "big.bin", tmp_path / "small.txt"], BUCKET, "", part_size=PART
    )
    reports = []
    uploader = Uploader(store, config)
    uploader.run(task.id, lambda d, t, m="": reports.append((d, t)), CancelToken())
    assert reports[-1] == (6 * PART + 1000, 6 * PART + 1000)
    done = [d for d, _ in reports]
    assert done == sorted(done)
    snapshot = uploader.snapshot()
    assert snapshot.files_finished == 2 and snapshot.bytes_done == snapshot.bytes_total


def test_cli_uploads_without_a_console_as_a_scheduled_task_runs_it(tmp_path, oss_env, no_console):
    make_tree(tmp_path, {"a.txt": 10})
    no_console.detach()
    assert main(["upload", str(tmp_path / "a.txt"), "--prefix", "task"]) == 0
    assert main(["upload", "list"]) == 0
    assert main(["upload", "retry", "no-such-task"]) == 2
    assert oss_env.read_object("task/a.txt", BUCKET) == (tmp_path / "a.txt").read_bytes()
    assert any(line.startswith("stderr: error: ") for line in no_console.written())


def test_cli_lists_tasks_links_and_exports(tmp_path, oss_env, capsys):
    make_tree(tmp_path, {"a.txt": 10})
    assert main(["upload", str(tmp_path / "a.txt"), "--prefix", "cli"]) == 0
    task_id = capsys.readouterr().out.split()[1].rstrip(":")
    assert main(["upload", "list"]) == 0
    assert task_id in capsys.readouterr().out
    assert main(["upload", "manifest", task_id, "--format", "csv"]) == 0
    assert "cli/a.txt,10," in capsys.readouterr().out
    assert main(["upload", "link", "cli/a.txt", "--minutes", "2"]) == 0
    link = capsys.readouterr().out.strip()
    assert requests.get(link, timeout=5).content == (tmp_path / "a.txt").read_bytes()
    assert main(["upload", "test"]) == 0


def test_cli_summaries_follow_the_language_and_the_manifest_does_not(tmp_path, oss_env):
    """``LANG=zh_CN.UTF-8 fps-desktop upload``: the report in Chinese, the CSV as it was."""
    make_tree(tmp_path / "files", {"a.txt": 10, "b.txt": 20})

    def upload(language, *args):
        return subprocess.run(
            [sys.executable, "-m", "fps_desktop", "upload", *args],
            capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=REPO,
            env={**os.environ, "FPS_HOME": str(tmp_path / "home"), "LANG": language},
        )  # fmt: skip

    sent = upload("zh_CN.UTF-8", str(tmp_path / "files"), "--prefix", "zh")
    assert sent.returncode == 0, sent.stderr
    first, headline, *_ = sent.stdout.splitlines()
    task_id = first.removeprefix("任务 ").partition("：")[0]
    assert first == f"任务 {task_id}：上传到 oss://fps-test/zh/"
    assert headline == (
        f"任务 {task_id}：共 2 个文件，已上传 2 个，已存在 0 个（节省 0 字节），失败 0 个。"
    )
    csv_lists = [upload(language, "manifest", task_id, "--format", "csv").stdout
                 for language in ("zh_CN.UTF-8", "C.UTF-8")]  # fmt: skip
    assert csv_lists[0] == csv_lists[1] and "zh/files/a.txt,10," in csv_lists[0]
    unknown = upload("zh_CN.UTF-8", "retry", "no-such-task")
    assert unknown.returncode == 2
    assert unknown.stderr == "error: 没有编号为 no-such-task 的上传任务。\n"
