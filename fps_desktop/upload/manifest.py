"""What a task left at OSS, as JSON or CSV, and temporary links to share it.

Seed 002 keeps two manifests: the client's (relative path, size, MD5: the task in
the local store) and the server's (key, size, MD5, ETag, time: read back from
OSS). Both are written row by row, so a task of any size exports in flat memory.
The server's MD5 is the object's own (its ETag, or the MD5 recorded with a multipart
object), next to the MD5 the task uploaded: another client's overwrite shows.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path

import oss2
from oss2.exceptions import NotFound, OssError

from fps_desktop.errors import QT_TRANSLATE_NOOP, UsageError
from fps_desktop.jobs import CancelToken
from fps_desktop.upload.client import OssConfig, Retrying, is_refused, listed_objects, plain_error
from fps_desktop.upload.remote import META_MD5
from fps_desktop.upload.store import DEDUPED, DONE, FAILED, PENDING, Task, TaskStore

SERVER_COLUMNS = ["key", "size", "md5", "etag", "last_modified", "local_md5", "matches"]
LOCAL_COLUMNS = ["path", "size", "md5", "state"]
FORMATS = ("json", "csv")
MAX_LINK_MINUTES = 7 * 24 * 60  # OSS signs a V4 link for 7 days at most


def server_rows(store: TaskStore, task: Task, config: OssConfig) -> Iterator[dict]:
    """Objects under the task's prefix that belong to the task, as OSS lists them.

    ``matches`` is "yes" when the object's MD5 and size are the uploaded file's, "no"
    when either differs, "unknown" when OSS does not say (a multipart object without
    our MD5, or a key that may not read object information).
    """
    bucket = config.connect(pool_size=2)
    retrying = Retrying(config, CancelToken())
    try:
        for obj in listed_objects(bucket, task.prefix, retrying):
            row = store.file_by_rel(task.id, obj.key[len(task.prefix) :])
            if row is None:
                continue
            md5 = _object_md5(bucket, obj, retrying)
            if md5 is None:
                continue  # deleted since the listing
            same = obj.size == row.size and (not md5 or md5 == row.md5)
            yield {
                "key": obj.key,
                "size": obj.size,
                "md5": md5,
                "etag": obj.etag,
                "last_modified": time.strftime(
                    "%Y-%m-%dT%H:%M:%SZ", time.gmtime(obj.last_modified)
                ),
                "local_md5": row.md5 or "",
                "matches": "no" if not same else "yes" if md5 else "unknown",
            }
    except OssError as exc:
        raise plain_error(exc, config) from exc


def _object_md5(bucket: oss2.Bucket, obj, retrying: Retrying) -> str | None:
    """A plain object's ETag is its MD5; a multipart one's is recorded in its metadata."""
    if obj.type == "Normal" and len(obj.etag) == 32:
        return obj.etag.lower()
    try:
        head = retrying(f"HEAD {obj.key}", lambda: bucket.head_object(obj.key))
    except NotFound:
        return None
    except OssError as exc:
        if not is_refused(exc):
            raise
        return ""
    head.resp.read()  # no body; reading hands the connection back to the pool
    return (head.headers.get(META_MD5) or "").lower()


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
    if not 1 <= minutes <= MAX_LINK_MINUTES:
        raise UsageError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "A link lives between 1 and {most} minutes (7 days); {minutes} is outside.",
            ),
            most=MAX_LINK_MINUTES,
            minutes=minutes,
        )
    bucket = config.connect(pool_size=1)
    return bucket.sign_url("GET", key, minutes * 60, slash_safe=True)
