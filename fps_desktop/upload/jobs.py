"""Upload tasks as Jobs, shared by the upload panel and the command line.

The job reports the bytes of the task as its progress, with an ``UploadProgress``
(files, saved and failed counts, rate, time left) as the detail, so a window shows
everything from progress events and never reads the uploader across threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fps_desktop.errors import QT_TRANSLATE_NOOP
from fps_desktop.jobs import CancelToken, Job, JobResult, Progress
from fps_desktop.upload.client import OssConfig
from fps_desktop.upload.store import TaskStore
from fps_desktop.upload.tasks import DEFAULT_PART_SIZE, create_task
from fps_desktop.upload.uploader import Uploader


@dataclass(frozen=True)
class NewUpload:
    """Files and folders for a task the job creates first (its manifest or its ZIP)."""

    sources: list[Path]
    prefix: str = ""
    zip_first: bool = False
    part_size: int = DEFAULT_PART_SIZE


def upload_job(
    store: TaskStore, config: OssConfig, parallel_parts: int, task: str | NewUpload
) -> tuple[Job, Uploader]:
    """Run task ``task`` (an id), or create one from a ``NewUpload`` and run it.

    The uploader comes back too: ``uploader.pause()`` before cancelling the job keeps
    the task resumable.
    """
    uploader = Uploader(store, config, parallel_parts)

    def run(progress: Progress, cancel: CancelToken) -> JobResult:
        if isinstance(task, NewUpload):
            task_id = create_task(store, task.sources, config.bucket, task.prefix,
                                  task.zip_first, task.part_size, progress, cancel).id  # fmt: skip
        else:
            task_id = task

        def report(done: int, total: int, message: str = "", detail: object = None) -> None:
            progress(done, total, message, uploader.snapshot())

        summary = uploader.run(task_id, report, cancel)
        return JobResult(summary.HEADLINE, data=summary, summary_params=summary.headline_params)

    return Job(QT_TRANSLATE_NOOP("Jobs", "Upload to OSS"), run, "upload"), uploader
