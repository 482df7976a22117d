"""Figures for uploads to the loopback OSS-protocol server (run in its own process).

1. 1 GiB of mixed file sizes through an upload task vs one plain single-stream PUT of
   the same bytes to the same server (target: >= 80 %).
2. The same 1 GiB again, everything deduplicated, vs the time to MD5 it (target <= 1.2x).
3. A task of 20,000 small files: peak memory of the uploading process (target <= 300 MB).
4. A 120 MB file sent by ``fps-desktop upload`` in a real process, killed with SIGKILL
   halfway and resumed with ``upload --resume``: parts sent again = parts OSS lacked
   (target: equal, none sent twice). The server runs in this process to count parts.

5. A 40 MB file rewritten while it is uploaded, 20 times: how often OSS ends up holding
   something that is not the file as it now is, or an MD5 it does not have (target: 0).
6. OSS gone in the middle of a 20,000-file task: seconds from the server's death to the
   command's exit, and its exit code (target: exit 9 within 30 s).

Run: .venv/bin/python benchmarks/bench_upload.py [all|throughput|kill-resume|truth] [--quick]
``--quick`` (run by the test suite so the script never rots) prints every figure from
less: the mix of sizes with an eighth as many files of each size (one at least), each a
64th of its size, a 256th of the small files, a 20 MB file to kill and resume and 2
rewrites of a 640 KB file.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="fps-bench-upload-", dir=os.environ.get("BENCH_DIR")))
os.environ["FPS_HOME"] = str(WORK / "home")
os.environ["FPS_SITE_CONFIG"] = str(WORK / "none.json")

import oss2  # noqa: E402

from fps_desktop.config import Paths  # noqa: E402
from fps_desktop.jobs import CancelToken, no_progress  # noqa: E402
from fps_desktop.upload.client import OssConfig  # noqa: E402
from fps_desktop.upload.store import TaskStore  # noqa: E402
from fps_desktop.upload.tasks import create_task  # noqa: E402
from fps_desktop.upload.uploader import Uploader, file_md5  # noqa: E402
from tests.upload.oss_server import OssServer  # noqa: E402

MIB = 1024 * 1024
QUICK = "--quick" in sys.argv
SCALE, FEWER = (64, 8) if QUICK else (1, 1)  # sizes, counts of files
MIXED = [(max(1, count // FEWER), size // SCALE) for count, size in
         [(3, 128 * MIB), (8, 32 * MIB), (64, 4 * MIB), (512, 256 * 1024)]]  # = 1 GiB  # fmt: skip
SMALL_FILES = 20_000 // (256 if QUICK else 1)
REWRITES = 2 if QUICK else 20
BUCKET, KEY_ID, SECRET = "fps-test", "test-ak", "test-secret"


def make_files(folder: Path) -> list[Path]:
    block = random.Random(7).randbytes(MIB)
    paths = []
    for count, size in MIXED:
        for n in range(count):
            path = folder / f"{size // 1024}k" / f"{n:04d}.bin"
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                stamp = f"{size}-{n}-".encode()  # distinct content per file
                left = size
                while left:
                    chunk = (stamp + block)[: min(MIB, left)]
                    handle.write(chunk)
                    left -= len(chunk)
            paths.append(path)
    return paths


def plain_put(endpoint: str, paths: list[Path]) -> float:
    """One PUT streaming every byte in a row: no hashing, no CRC, one connection."""

    def stream():
        for path in paths:
            with open(path, "rb") as handle:
                while chunk := handle.read(MIB):
                    yield chunk

    bucket = oss2.Bucket(oss2.Auth(KEY_ID, SECRET), endpoint, BUCKET, enable_crc=False)
    started = time.perf_counter()
    bucket.put_object("baseline/all.bin", stream())
    return time.perf_counter() - started


def upload(store: TaskStore, config: OssConfig, folder: Path, prefix: str) -> float:
    started = time.perf_counter()
    task = create_task(store, [folder], BUCKET, prefix)
    summary = Uploader(store, config).run(task.id, no_progress, CancelToken())
    assert summary.counts.failed_files == 0
    return time.perf_counter() - started


def cli_env(endpoint: str) -> dict[str, str]:
    return {
        **os.environ,
        "OSS_ENDPOINT": endpoint,
        "OSS_BUCKET_NAME": BUCKET,
        "OSS_ACCESS_KEY_ID": KEY_ID,
        "OSS_ACCESS_KEY_SECRET": SECRET,
    }


def peak_rss_of_cli_upload(endpoint: str, folder: Path) -> tuple[float, float]:
    env = cli_env(endpoint)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "fps_desktop", "upload", str(folder), "--prefix", "small"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, child.returncode
    return usage.ru_maxrss / 1024, time.perf_counter() - started  # Linux: KiB


def kill_and_resume(size: int = 120 * MIB) -> None:
    """SIGKILL a real upload process halfway, resume it, count the parts sent again."""
    source = WORK / "kill9" / "scan-archive.bin"
    source.parent.mkdir(parents=True)
    block = random.Random(9).randbytes(MIB)
    with open(source, "wb") as handle:
        for n in range(size // MIB):
            handle.write(n.to_bytes(4, "big") + block[4:])
    key = "k9/scan-archive.bin"
    with OssServer(WORK / "kill9-server") as oss:
        env = cli_env(oss.endpoint)
        # Parts land one at a time about every 0.1 s, so the kill falls mid-upload.
        oss.inject("UploadPart", "slow", times=10_000, delay=0.4)
        command = [sys.executable, "-m", "fps_desktop", "upload"]
        child = subprocess.Popen(
            [*command, str(source), "--prefix", "k9"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        task_id = child.stdout.readline().split()[1].rstrip(":")
        total = -(-size // (5 * MIB))
        deadline = time.monotonic() + 120
        while len(oss.stored_parts(key)) < total // 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        child.stdout.close()
        oss.faults.clear()
        oss.wait_idle(30)
        held = set(oss.stored_parts(key))
        records = len(oss.stored_parts(key))

        started = time.perf_counter()
        resumed = subprocess.run(
            [*command, "--resume", task_id],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        resent = oss.stored_parts(key)[records:]
        whole = hashlib.md5(oss.read_object(key)).hexdigest() == file_md5(
            str(source), CancelToken()
        )
    missing = total - len(held)
    twice = len(set(resent) & held) + len(resent) - len(set(resent))
    print(f"kill -9 and resume of {size / MIB:.0f} MB ({total} parts of 5 MB):")
    print(f"  parts at OSS when killed : {len(held)}")
    print(f"  parts missing            : {missing}")
    print(
        f"  parts re-sent on resume  : {len(resent)} ({twice} of them sent twice)  -> "
        f"re-sent = missing: {'yes' if len(resent) == missing and not twice else 'NO'}"
    )
    print(
        f"  resume: exit {resumed.returncode}, {seconds:.1f} s, object identical: "
        f"{'yes' if whole else 'NO'}"
    )
    for line in resumed.stdout.splitlines()[-2:]:
        print(f"  {line}")


def main() -> None:
    which = next((a for a in sys.argv[1:] if not a.startswith("--")), "all")
    try:
        if which in ("all", "throughput"):
            throughput()
        if which in ("all", "kill-resume"):
            kill_and_resume(20 * MIB if QUICK else 120 * MIB)
        if which in ("all", "truth"):
            rewritten_while_sent(40 * MIB // SCALE)
            oss_gone_mid_run()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


def rewritten_while_sent(size: int) -> None:
    """Rewrite a file once its first part landed; OSS must then hold the new version."""
    import threading

    part = max(256 * 1024, size // 8)
    source = WORK / "changing" / "ledger.bin"
    source.parent.mkdir(parents=True)
    wrong = 0
    with OssServer(WORK / "changing-server", KEY_ID, SECRET, buckets=(BUCKET,)) as oss:
        config = OssConfig(oss.endpoint, BUCKET, KEY_ID, SECRET, backoff=0.01)
        store = TaskStore.default(Paths.default().data_dir)
        for attempt in range(REWRITES):
            source.write_bytes(random.Random(attempt).randbytes(size))
            sent = oss.count("UploadPart", 200)
            task = create_task(store, [source], BUCKET, f"change{attempt}", part_size=part)
            oss.inject("UploadPart", "slow", skip=1, delay=0.5)  # room for the rewrite

            def rewrite(seed=attempt, before=sent):
                while oss.count("UploadPart", 200) == before:
                    time.sleep(0.005)
                source.write_bytes(random.Random(1000 + seed).randbytes(size))

            writer = threading.Thread(target=rewrite)
            writer.start()
            Uploader(store, config).run(task.id, no_progress, CancelToken())
            writer.join()
            oss.faults.clear()
            key = f"change{attempt}/ledger.bin"
            stored = oss.read_object(key)
            recorded = oss.objects[(BUCKET, key)].headers.get("x-oss-meta-md5", "")
            now = hashlib.md5(source.read_bytes()).hexdigest()
            wrong += hashlib.md5(stored).hexdigest() != now or recorded.lower() != now
        store.close()
    print(f"file rewritten during its upload, {REWRITES} tries of {size / MIB:.1f} MB: "
          f"{wrong} stored wrong (target 0)")  # fmt: skip


def oss_gone_mid_run() -> None:
    """Stop the server under a running ``fps-desktop upload`` of many small files."""
    folder = WORK / "gone"
    for n in range(SMALL_FILES):
        path = folder / f"d{n // 500:03d}" / f"f{n:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(512))
    with OssServer(WORK / "gone-server", KEY_ID, SECRET, buckets=(BUCKET,)) as oss:
        child = subprocess.Popen(
            [sys.executable, "-m", "fps_desktop", "upload", str(folder), "--prefix", "gone"],
            cwd=ROOT, env=cli_env(oss.endpoint), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        while oss.count("PutObject", 200) < SMALL_FILES // 10 and child.poll() is None:
            time.sleep(0.01)
        oss.stop()
        stopped = time.perf_counter()
        _, error = child.communicate(timeout=600)
        seconds = time.perf_counter() - stopped
    print(f"OSS gone during a {SMALL_FILES:,}-file task: exit {child.returncode} "
          f"{seconds:.1f} s after (target: exit 9 within 30 s): {error.strip()[:90]}")  # fmt: skip


def throughput() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.upload.oss_server", str(WORK / "server")],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        endpoint = server.stdout.readline().strip()
        config = OssConfig(endpoint, BUCKET, KEY_ID, SECRET)
        store = TaskStore.default(Paths.default().data_dir)
        folder = WORK / "mixed"
        paths = make_files(folder)
        total = sum(p.stat().st_size for p in paths)
        print(f"data: {len(paths)} files, {total / MIB:,.0f} MiB (mixed sizes)")

        baseline = plain_put(endpoint, paths)
        ours = upload(store, config, folder, "task1")
        print(f"plain single-stream PUT : {baseline:6.2f} s  {total / MIB / baseline:7.1f} MiB/s")
        print(
            f"upload task             : {ours:6.2f} s  {total / MIB / ours:7.1f} MiB/s"
            f"  -> {100 * baseline / ours:.0f} % of the plain PUT (target >= 80 %)"
        )

        started = time.perf_counter()
        for path in paths:
            file_md5(str(path), CancelToken())
        hashing = time.perf_counter() - started
        again = upload(store, config, folder, "task1")
        print(f"MD5 of all files        : {hashing:6.2f} s")
        print(
            f"re-upload, all deduped  : {again:6.2f} s  -> {again / hashing:.2f}x the hashing "
            "time (target <= 1.2x)"
        )
        store.close()
        shutil.rmtree(folder)

        small = WORK / "small"
        for n in range(SMALL_FILES):
            path = small / f"d{n // 500:03d}" / f"f{n:05d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(os.urandom(512 + n % 3000))
        rss, seconds = peak_rss_of_cli_upload(endpoint, small)
        print(
            f"{SMALL_FILES:,} small files : {seconds:6.2f} s, peak RSS of the uploading "
            f"process {rss:.0f} MB (target <= 300 MB)"
        )
    finally:
        server.stdin.close()
        server.wait(30)


if __name__ == "__main__":
    main()
