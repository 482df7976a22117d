"""Uploads against answers real OSS (or a proxy in front of it) gives and ours used to hide.

Status-only HEAD errors, write-only keys, listings oss2 cannot read, parts without an
ETag, ListParts refused or unimplemented, uploads that vanish, corruption in transit.
"""

from __future__ import annotations

import csv
import hashlib
import io

import pytest

from fps_desktop.cli import main
from fps_desktop.errors import UploadError
from fps_desktop.jobs import CancelToken, no_progress
from fps_desktop.upload import manifest
from fps_desktop.upload.client import OssConfig, Retrying, check_access, describe_access
from fps_desktop.upload.remote import ExistingObjects
from fps_desktop.upload.store import COMPLETED, FAILED, STOPPED, error_text
from fps_desktop.upload.tasks import create_task
from fps_desktop.upload.uploader import Uploader
from tests.upload.conftest import BUCKET, KEY_ID, SECRET, make_tree

PART = 128 * 1024
TREE = {"a.txt": 10, "sub/b.pdf": 5000, "sub/big.bin": 4 * PART + 3}


def run(store, config, paths, prefix="in/"):
    task = create_task(store, paths, BUCKET, prefix, part_size=PART)
    return task, Uploader(store, config).run(task.id, no_progress, CancelToken())


def failures(store, task) -> list[str]:
    return [f"{r.rel}: {error_text(r.error)}" for r in store.files(task.id, (FAILED,))]


# -- listings ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["no-token", "garbled"])
def test_a_listing_oss2_cannot_read_falls_back_to_head(tmp_path, oss, config, store, kind):
    folder = make_tree(tmp_path / "f", TREE)
    run(store, config, [folder])
    heads = oss.count("HeadObject")
    oss.inject("ListObjectsV2", kind, times=1000)

    task, summary = run(store, config, [folder])

    assert store.task(task.id).state == COMPLETED, failures(store, task)
    assert summary.counts.saved_files == len(TREE)
    assert oss.count("HeadObject") - heads == 1 + len(TREE)  # the access check, each file


def test_listing_pages_of_1000_with_opaque_tokens_find_every_object(oss, config):
    for n in range(2345):
        oss.put_object(f"many/{n:05d}", b"x")
    existing = ExistingObjects.listed(
        config.connect(), "many/", Retrying(config, CancelToken()), limit=10_000
    )
    assert len(existing.objects) == 2345 and existing.listed_to is None
    assert oss.count("ListObjectsV2") == 3


def test_a_manifest_whose_listing_cannot_be_read_is_a_clear_error(
    tmp_path, oss_env, capsys, caplog
):
    oss = oss_env
    make_tree(tmp_path, {"a.txt": 10})
    assert main(["upload", str(tmp_path / "a.txt"), "--prefix", "m"]) == 0
    task_id = capsys.readouterr().out.split()[1].rstrip(":")
    oss.inject("ListObjectsV2", "no-token", times=1000)

    assert main(["upload", "manifest", task_id]) == 9

    err = capsys.readouterr().err
    assert "error: OSS answered" in err and "cannot read" in err
    assert "Traceback" not in err


# -- odd answers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "kind", "words"),
    [
        ("InitiateMultipartUpload", "garbled", "cannot read"),
        ("UploadPart", "no-etag", "without an ETag"),
    ],
)
def test_an_odd_answer_fails_the_file_saying_what_the_server_did_wrong(
    tmp_path, oss, config, store, op, kind, words
):
    make_tree(tmp_path, {"big.bin": 3 * PART})
    oss.inject(op, kind, times=1000)
    task, _ = run(store, config, [tmp_path / "big.bin"])
    [failure] = failures(store, task)
    assert words in failure and "Unexpected" not in failure


def _half_sent(tmp_path, oss, config, store):
    """A file whose part 5 kept failing: its multipart upload is open, 7 of 8 parts sent."""
    make_tree(tmp_path, {"big.bin": 8 * PART})
    oss.inject("UploadPart", "500", times=1000, part=5)
    task, summary = run(store, config, [tmp_path / "big.bin"], prefix="")
    assert summary.counts.failed_files == 1
    oss.faults.clear()
    store.retry_failed(task.id)
    return task


@pytest.mark.parametrize("kind", ["501", "403", "garbled", "no-token"])
def test_resume_restarts_the_file_when_list_parts_is_unavailable(
    tmp_path, oss, config, store, kind
):
    task = _half_sent(tmp_path, oss, config, store)
    old_upload = store.file_by_rel(task.id, "big.bin").upload_id
    oss.inject("ListParts", kind, times=1000)

    summary = Uploader(store, config).run(task.id, no_progress, CancelToken())

    assert summary.counts.done_files == 1, failures(store, task)
    assert oss.read_object("big.bin") == (tmp_path / "big.bin").read_bytes()
    assert oss.count("ListParts") == 1  # not retried: it will not get better
    assert old_upload not in oss.uploads  # the old parts do not linger at OSS


def test_resume_restarts_the_file_when_its_upload_is_gone(tmp_path, oss, config, store):
    task = _half_sent(tmp_path, oss, config, store)
    oss.uploads.clear()  # a lifecycle rule removed the unfinished upload
    summary = Uploader(store, config).run(task.id, no_progress, CancelToken())
    assert summary.counts.done_files == 1, failures(store, task)
    assert oss.read_object("big.bin") == (tmp_path / "big.bin").read_bytes()


def test_an_upload_that_vanishes_while_parts_are_sent_starts_again_once(
    tmp_path, oss, config, store
):
    make_tree(tmp_path, {"big.bin": 6 * PART})
    oss.inject("UploadPart", "gone", skip=2)
    task = create_task(store, [tmp_path / "big.bin"], BUCKET, "", part_size=PART)
    uploader, reports = Uploader(store, config), []
    summary = uploader.run(task.id, lambda d, t, m="": reports.append((d, t)), CancelToken())

    assert summary.counts.done_files == 1, failures(store, task)
    assert oss.read_object("big.bin") == (tmp_path / "big.bin").read_bytes()
    assert oss.count("InitiateMultipartUpload") == 2
    assert reports[-1] == (6 * PART, 6 * PART)  # what was sent before is not counted twice
    assert all(done <= total for done, total in reports)
    assert summary.reused_bytes == 0


# -- corruption in transit ---------------------------------------------------------------


@pytest.mark.parametrize("op", ["PutObject", "UploadPart"])
def test_corruption_every_time_is_a_failure_in_plain_words(tmp_path, oss, config, store, op):
    folder = make_tree(tmp_path / "f", {"small.txt": 3000, "large.bin": 4 * PART + 1})
    oss.inject(op, "corrupt", times=1000, part=2 if op == "UploadPart" else None)
    task, _ = run(store, config, [folder])
    [failure] = failures(store, task)
    assert failure.startswith("f/small.txt" if op == "PutObject" else "f/large.bin")
    assert "changed on the way" in failure
    assert oss.count(op, 400) == 4  # the first try and 3 retries


# -- the access check --------------------------------------------------------------------


def test_a_write_only_key_passes_the_check_and_uploads_everything(tmp_path, oss, config, store):
    oss.write_only.add(KEY_ID)
    access = describe_access(config.connect(), config, "in/")
    assert (access.can_read, access.can_list) == (False, False)

    folder = make_tree(tmp_path / "f", TREE)
    task, summary = run(store, config, [folder])
    assert summary.counts.done_files == len(TREE), failures(store, task)
    for rel in TREE:
        assert oss.read_object(f"in/f/{rel}") == (folder / rel).read_bytes()
    assert oss.count("HeadObject", 200) == 0


def test_a_write_only_key_resumes_by_restarting_the_file(tmp_path, oss, config, store):
    task = _half_sent(tmp_path, oss, config, store)
    oss.write_only.add(KEY_ID)
    summary = Uploader(store, config).run(task.id, no_progress, CancelToken())
    assert summary.counts.done_files == 1, failures(store, task)
    assert oss.read_object("big.bin") == (tmp_path / "big.bin").read_bytes()


def test_a_head_refused_for_one_key_sends_that_file_instead_of_failing_it(
    tmp_path, oss, config, store
):
    oss.no_list.add(KEY_ID)  # every file is checked with HEAD
    folder = make_tree(tmp_path / "f", TREE)
    run(store, config, [folder])
    oss.inject("HeadObject", "403", times=1000, key="in/f/a.txt")  # a policy by prefix

    task, summary = run(store, config, [folder])

    assert (summary.counts.done_files, summary.counts.saved_files) == (1, 2), failures(store, task)


def test_a_read_only_key_is_refused_by_the_check_naming_the_write_right(
    tmp_path, oss, config, store
):
    oss.read_only.add(KEY_ID)
    with pytest.raises(UploadError, match="may not write to oss://fps-test/in/"):
        check_access(config.connect(), config, "in/")
    make_tree(tmp_path, {"a.txt": 5})
    task = create_task(store, [tmp_path / "a.txt"], BUCKET, "in")
    with pytest.raises(UploadError, match="PutObject"):
        Uploader(store, config).run(task.id, no_progress, CancelToken())
    assert store.task(task.id).state == STOPPED


def test_a_missing_bucket_is_found_by_status_alone(oss, config):
    missing = OssConfig(config.endpoint, "no-bucket", KEY_ID, SECRET)
    with pytest.raises(UploadError, match="There is no bucket no-bucket"):
        check_access(missing.connect(), missing)


def test_cli_test_names_each_right(oss_env, capsys, monkeypatch):
    oss_env.write_only.add(KEY_ID)
    assert main(["upload", "test", "--prefix", "in"]) == 0
    out = capsys.readouterr().out
    assert "OK: AccessKey test-ak may write to oss://fps-test/in/" in out
    assert "read object information (HEAD): refused" in out
    assert "list the bucket: refused" in out
    assert "ask the OSS administrator for oss:GetObject or oss:ListObjects" in out

    oss_env.write_only.clear()
    oss_env.elsewhere[BUCKET] = "oss-cn-beijing.aliyuncs.com"
    assert main(["upload", "test"]) == 9
    err = capsys.readouterr().err
    assert "is in another region" in err and "Set the endpoint to oss-cn-beijing" in err
    assert "may not write" not in err
    oss_env.elsewhere.clear()

    oss_env.write_only.clear()
    oss_env.read_only.add(KEY_ID)
    assert main(["upload", "test"]) == 9
    assert "write access (oss:PutObject)" in capsys.readouterr().err


# -- honest numbers ----------------------------------------------------------------------


def test_after_a_resume_only_the_missing_parts_count_as_sent(tmp_path, oss, config, store):
    task = _half_sent(tmp_path, oss, config, store)
    summary = Uploader(store, config).run(task.id, no_progress, CancelToken())
    assert summary.counts.done_files == 1
    assert summary.sent_bytes == PART  # part 5 alone
    assert summary.reused_bytes == 7 * PART
    assert "917,504 bytes were already at OSS" in "\n".join(summary.lines())


def test_server_manifest_reads_the_md5_from_the_object_and_flags_a_change(
    tmp_path, oss, config, store
):
    folder = make_tree(tmp_path / "f", {**TREE, "sub/big2.bin": 2 * PART})
    task, _ = run(store, config, [folder])
    other = b"someone else's content"
    oss.put_object("in/f/a.txt", other)  # a plain object: its ETag is its MD5
    oss.put_object("in/f/sub/b.pdf", b"x" * 5000, multipart=True, **{"x-oss-meta-md5": "0" * 32})
    oss.put_object("in/f/sub/big2.bin", b"y" * 2 * PART, multipart=True)  # no MD5 recorded

    rows = {r["key"][len("in/f/") :]: r for r in manifest.server_rows(store, task, config)}

    assert rows["a.txt"]["md5"] == hashlib.md5(other).hexdigest()
    assert rows["a.txt"]["matches"] == "no"
    assert rows["sub/b.pdf"]["md5"] == "0" * 32 and rows["sub/b.pdf"]["matches"] == "no"
    assert rows["sub/big2.bin"]["md5"] == "" and rows["sub/big2.bin"]["matches"] == "unknown"
    big = rows["sub/big.bin"]
    assert big["md5"] == big["local_md5"] != "" and big["matches"] == "yes"
    assert big["etag"].endswith("-5")


def test_cli_manifest_warns_about_objects_that_changed(tmp_path, oss_env, capsys):
    make_tree(tmp_path, {"a.txt": 10})
    assert main(["upload", str(tmp_path / "a.txt"), "--prefix", "m"]) == 0
    task_id = capsys.readouterr().out.split()[1].rstrip(":")
    oss_env.put_object("m/a.txt", b"other")
    assert main(["upload", "manifest", task_id, "--format", "csv"]) == 0
    captured = capsys.readouterr()
    [row] = csv.DictReader(io.StringIO(captured.out))
    assert row["matches"] == "no"
    assert "differing from the file uploaded (overwritten since?): 1, for example m/a.txt" in (
        captured.err
    )


@pytest.mark.parametrize("minutes", ["0", "-3", "10081"])
def test_link_minutes_out_of_range_are_refused(oss_env, capsys, minutes):
    assert main(["upload", "link", "a.txt", "--minutes", minutes]) == 2
    assert "between 1 and 10080 minutes" in capsys.readouterr().err
