"""The clerk's operations as Jobs, shared by the window and the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

from fps_desktop.config import Settings
from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.guid import normalize_guid
from fps_desktop.documents.merge import Turns, merge_files, save_merged
from fps_desktop.documents.models import CachedFile, Manifest
from fps_desktop.documents.sources import DocumentSource, source_from_settings
from fps_desktop.errors import QT_TRANSLATE_NOOP
from fps_desktop.jobs import CancelToken, Job, JobResult, Progress

MB = 1024 * 1024


def cache_from_settings(settings: Settings) -> DocumentCache:
    return DocumentCache(settings.paths.cache_dir / "documents", settings.get("cache.max_mb") * MB)


def fetch_job(
    cache: DocumentCache, source: DocumentSource, guid: str, refresh: bool = False
) -> Job:
    guid = normalize_guid(guid)

    def run(progress: Progress, cancel: CancelToken) -> JobResult:
        manifest = cache.fetch(guid, source, progress, cancel, refresh=refresh)
        return JobResult(
            QT_TRANSLATE_NOOP("Jobs", "Files: {files} · pages: {pages}"),
            data=manifest,
            summary_params={
                "files": len(manifest.files),
                "pages": sum(f.pages for f in manifest.files),
            },
        )

    return Job(QT_TRANSLATE_NOOP("Jobs", "Open {guid}"), run, "fetch", {"guid": guid})


def export_files(cache: DocumentCache, manifest: Manifest, out_dir: Path) -> list[Path]:
    """Copy a GUID's files out under safe, unique names (``fetch --out``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    taken: set[str] = set()
    for item in manifest.files:
        name = _unique(item.name, taken)
        target = out_dir / name
        shutil.copyfile(cache.blob_path(item.sha256), target)
        written.append(target)
    return written


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate = f"{stem} ({number}){dot}{ext}"
        number += 1
    taken.add(candidate.lower())
    return candidate


def merge_job(
    cache: DocumentCache, files: list[CachedFile], target: Path | None = None,
    enhance: bool = False, turns: Turns | None = None,
) -> Job:  # fmt: skip
    """Merge ``files`` into one PDF (saved to ``target`` when given); ``enhance``: pictures
    levelled and sharpened; ``turns``: pages turned as the clerk turned them."""

    def run(progress: Progress, cancel: CancelToken) -> JobResult:
        result = merge_files(cache, files, progress, cancel, enhance=enhance, turns=turns)
        if target is not None:
            save_merged(result, target)
        return JobResult(summary=str(target or ""), path=target, data=result)

    return Job(
        QT_TRANSLATE_NOOP("Jobs", "Merge files ({count})"), run, "merge", {"count": len(files)}
    )


def open_guid(settings: Settings, guid: str, refresh: bool = False) -> tuple[DocumentCache, Job]:
    cache = cache_from_settings(settings)
    return cache, fetch_job(cache, source_from_settings(settings), guid, refresh)
