"""Upload to OSS from the command line (cron, scripts): the same tasks as the panel.

``upload PATH... --bucket B --prefix P`` creates a task and runs it; Ctrl+C pauses
it and ``upload --resume TASK`` carries on. The words ``list``, ``link``,
``manifest``, ``retry`` and ``test`` in place of PATH run those actions instead.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from fps_desktop.cli.terminal import run_in_terminal, terminal_language
from fps_desktop.config import Settings
from fps_desktop.errors import QT_TRANSLATE_NOOP, FpsError, UploadError, UsageError

log = logging.getLogger(__name__)

EPILOG = """actions (in place of PATH):
  upload list                        tasks with their state and counts
  upload link KEY [--minutes N]      print a temporary link to an object
  upload manifest TASK [--format json|csv] [--local] [-o FILE]
                                     what the task left at OSS (or its local manifest)
  upload retry TASK                  upload the failed files of a task again
  upload test [--prefix P]           check endpoint, bucket and AccessKey: what it may do
environment: OSS_ENDPOINT, OSS_BUCKET_NAME, OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and
OSS_SECURITY_TOKEN (STS) override the settings and the keyring."""


def register(subparsers: argparse._SubParsersAction) -> None:
    upload = subparsers.add_parser(
        "upload",
        help="upload files or folders to Aliyun OSS (resumable)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    upload.add_argument("paths", nargs="*", metavar="PATH", help="files or folders, or an action")
    upload.add_argument("--bucket", help="default: the oss.bucket setting")
    upload.add_argument("--prefix", help="key prefix; default: the oss.prefix setting")
    upload.add_argument("--zip", action="store_true", help="pack everything into one ZIP first")
    upload.add_argument("--resume", metavar="TASK", help="carry on with an unfinished task")
    upload.add_argument("--minutes", type=int, help="link lifetime; default: oss.link_minutes")
    upload.add_argument("--format", choices=["json", "csv"], default="json", help="manifest format")
    upload.add_argument("--local", action="store_true", help="manifest of the local files instead")
    upload.add_argument("-o", "--output", type=Path, help="manifest file; default: stdout")
    # Small parts keep the crash-and-resume tests quick; users keep the 5 MB of seed 002.
    upload.add_argument("--part-size-kb", type=int, default=5 * 1024, help=argparse.SUPPRESS)
    upload.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    upload.set_defaults(handler=run_upload)


def _store(settings: Settings):
    from fps_desktop.upload.store import TaskStore

    return TaskStore.default(settings.paths.data_dir)


def _config(settings: Settings, bucket: str | None = None):
    from fps_desktop.upload.client import OssConfig

    return OssConfig.from_settings(settings, bucket=bucket)


def _task(store, task_id: str | None):
    task = store.task(task_id or "")
    if task is None:
        raise UsageError(
            QT_TRANSLATE_NOOP("FpsError", "There is no upload task {task}."), task=task_id or "-"
        )
    return task


def run_upload(args: argparse.Namespace, settings: Settings) -> int:
    """Every upload command; whatever goes wrong ends as a message and exit code 9."""
    try:
        return _dispatch(args, settings)
    except (FpsError, BrokenPipeError):  # a closed pipe (| head) ends quietly, in main
        raise
    except Exception as exc:
        log.exception("upload command failed")
        raise UploadError(
            QT_TRANSLATE_NOOP(
                "FpsError", "The upload command failed ({reason}); the details are in the log file."
            ),
            reason=f"{type(exc).__name__}: {exc}"[:200],
        ) from exc


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    first = args.paths[0] if args.paths else None
    if first in ACTIONS and not Path(first).exists():
        return ACTIONS[first](args, settings, args.paths[1:])
    store = _store(settings)
    try:
        if args.resume:
            task = _task(store, args.resume)
        elif args.paths:
            task = _new_task(args, settings, store)
        else:
            raise UsageError(QT_TRANSLATE_NOOP("FpsError", "Name the files or folders to upload."))
        return _run_task(settings, store, task)
    finally:
        store.close()


def _new_task(args, settings: Settings, store):
    from fps_desktop.upload.tasks import create_task

    config = _config(settings, args.bucket)
    prefix = settings.get("oss.prefix") if args.prefix is None else args.prefix
    task = create_task(
        store,
        [Path(p) for p in args.paths],
        config.bucket,
        prefix,
        args.zip,
        part_size=args.part_size_kb * 1024,
    )
    created = terminal_language(settings)("Cli", QT_TRANSLATE_NOOP("Cli", "task {task}: to {url}"))
    print(created.format(task=task.id, url=f"oss://{task.bucket}/{task.prefix}"), flush=True)
    return task


def _run_task(settings: Settings, store, task) -> int:
    from fps_desktop.errors import Cancelled
    from fps_desktop.upload.jobs import upload_job
    from fps_desktop.upload.store import FAILED, error_text

    config = _config(settings, task.bucket)
    job, uploader = upload_job(store, config, settings.get("oss.parallel_parts"), task.id)
    uploader.pause()  # Ctrl+C in a terminal pauses: the task stays resumable
    translate = terminal_language(settings)
    try:
        summary = run_in_terminal(job, translate=translate).data
    except Cancelled:
        paused = translate("Cli", QT_TRANSLATE_NOOP("Cli", "paused; carry on with: {command}"))
        print(paused.format(command=f"upload --resume {task.id}"), file=sys.stderr)
        return 130
    print("\n".join(summary.lines(translate)))
    failed = translate("Cli", QT_TRANSLATE_NOOP("Cli", "failed: {name}: {reason}"))
    for row in store.files(task.id, (FAILED,)):
        print(failed.format(name=row.rel, reason=error_text(row.error, translate)))
    return 1 if summary.counts.failed_files else 0


def _run_list(args, settings: Settings, rest: list[str]) -> int:
    store = _store(settings)
    try:
        for task in store.tasks():
            c = store.counts(task.id)
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(task.created))
            print(
                f"{task.id}  {when}  {task.state:<9}  {c.finished_files}/{c.files} files  "
                f"{c.progress_bytes:,}/{c.bytes:,} bytes  "
                f"{c.failed_files} failed  oss://{task.bucket}/{task.prefix}"
            )
    finally:
        store.close()
    return 0


def _run_link(args, settings: Settings, rest: list[str]) -> int:
    from fps_desktop.upload.manifest import temporary_link

    if len(rest) != 1:
        raise UsageError(QT_TRANSLATE_NOOP("FpsError", "Name one object key for the link."))
    minutes = settings.get("oss.link_minutes") if args.minutes is None else args.minutes
    print(temporary_link(_config(settings, args.bucket), rest[0], minutes))
    return 0


def _run_manifest(args, settings: Settings, rest: list[str]) -> int:
    from fps_desktop.upload import manifest

    store = _store(settings)
    try:
        task = _task(store, rest[0] if rest else None)
        if args.local:
            rows, columns = manifest.local_rows(store, task), manifest.LOCAL_COLUMNS
        else:
            config = _config(settings, task.bucket)
            rows, columns = manifest.server_rows(store, task, config), manifest.SERVER_COLUMNS
        changed = _Changed()
        rows = changed.noted(rows)
        target = args.output or settings.paths.data_dir / f"manifest-{task.id}.{args.format}"
        count = manifest.write_manifest(rows, columns, target, args.format)
    finally:
        store.close()
    translate = terminal_language(settings)
    if args.output is None:
        sys.stdout.write(target.read_text(encoding="utf-8"))
        target.unlink()
    else:
        written = translate("Cli", QT_TRANSLATE_NOOP("Cli", "{count} entries written to {file}"))
        print(written.format(count=count, file=target), file=sys.stderr)
    if changed.count:
        differ = QT_TRANSLATE_NOOP(
            "Cli", "Objects differing from the file uploaded (overwritten since?): {count}, "
            "for example {key}"
        )  # fmt: skip
        print(translate("Cli", differ).format(count=changed.count, key=changed.first),
              file=sys.stderr)  # fmt: skip
    return 0


class _Changed:
    """Counts the manifest rows whose object differs from what the task uploaded."""

    def __init__(self) -> None:
        self.count, self.first = 0, ""

    def noted(self, rows):
        for row in rows:
            if row.get("matches") == "no":
                self.count += 1
                self.first = self.first or row["key"]
            yield row


def _run_retry(args, settings: Settings, rest: list[str]) -> int:
    store = _store(settings)
    try:
        task = _task(store, rest[0] if rest else None)
        store.retry_failed(task.id)
        return _run_task(settings, store, task)
    finally:
        store.close()


def _run_test(args, settings: Settings, rest: list[str]) -> int:
    from fps_desktop.upload.client import access_notes, describe_access
    from fps_desktop.upload.tasks import normalise_prefix

    config = _config(settings, args.bucket)
    prefix = normalise_prefix(settings.get("oss.prefix") if args.prefix is None else args.prefix)
    access = describe_access(config.connect(pool_size=1), config, prefix)
    print(
        f"OK: AccessKey {config.access_key_id} may write to oss://{config.bucket}/{prefix} "
        f"at {config.endpoint}"
    )
    print(f"  read object information (HEAD): {'allowed' if access.can_read else 'refused'}")
    print(f"  list the bucket: {'allowed' if access.can_list else 'refused'}")
    for note in access_notes(access):
        print(f"  {note}")
    return 0


ACTIONS = {
    "list": _run_list,
    "link": _run_link,
    "manifest": _run_manifest,
    "retry": _run_retry,
    "test": _run_test,
}
