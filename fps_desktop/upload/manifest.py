"""What a task left at OSS, as JSON or CSV, and temporary links to share it.

Seed 002 keeps two manifests: the client's (relative path, size, MD5: the task in
the local store) and the server's (key, size, MD5, ETag, time: read back from
OSS). Both are written row by row, so a task of any size exports in flat memory.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path

import oss2
from oss2.exceptions import OssError

from fps_desktop.errors import QT_TRANSLATE_NOOP, UsageError
from fps_desktop.upload.client import OssConfig, plain_error
from fps_desktop.upload.store import DEDUPED, DONE, FAILED, PENDING, Task, TaskStore

SERVER_COLUMNS = ["key", "size", "md5", "etag", "last_modified"]
LOCAL_COLUMNS = ["path", "size", "md5", "state"]
FORMATS = ("json", "csv")


def server_rows(store: TaskStore, task: Task, config: OssConfig) -> Iterator[dict]:
    """Objects under the task's prefix that belong to the task, as OSS lists them."""
    bucket = config.connect(pool_size=2)
    try:
        for obj in oss2.ObjectIteratorV2(bucket, prefix=task.prefix, max_keys=1000):
            rel = obj.key[len(task.prefix) :]
            md5 = store.md5_of(task.id, rel)
            if md5 is None:
                continue
            yield {
                "key": obj.key,
                "size": obj.size,
                "md5": md5,
                "etag": obj.etag,
                "last_modified": time.strftime(
                    "%Y-%m-%dT%H:%M:%SZ", time.gmtime(obj.last_modified)
                ),
            }
    except OssError as exc:
        raise plain_error(exc, config) from exc


def local_rows(store: TaskStore, task: Task) -> Iterator[dict]:
    for row in store.files(task.id, (PENDING, DONE, DEDUPED, FAILED)):
        yield {"path": row.rel, "size": row.size, "md5": row.md5 or "", "state": row.state}


def write_manifest(rows: Iterator[dict], columns: list[str], target: Path, fmt: str) -> int:
    """Write ``rows`` to ``target`` as a JSON array or CSV; return how many."""
    if fmt not in FORMATS:
        raise UsageError(QT_TRANSLATE_NOOP("FpsError", "Unknown manifest format {fmt}."), fmt=fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    tmp = target.with_name(target.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        if fmt == "csv":
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
                count += 1
        else:
            handle.write("[")
            for row in rows:
                handle.write(
                    ("\n  " if count == 0 else ",\n  ") + json.dumps(row, ensure_ascii=False)
                )
                count += 1
            handle.write("\n]\n")
    tmp.replace(target)
    return count


def temporary_link(config: OssConfig, key: str, minutes: int) -> str:
    """A signed GET URL that stops working after ``minutes`` (seed 004: 5 by default)."""
    if minutes < 1:
        raise UsageError(QT_TRANSLATE_NOOP("FpsError", "A link must live at least one minute."))
    bucket = config.connect(pool_size=1)
    return bucket.sign_url("GET", key, minutes * 60, slash_safe=True)
