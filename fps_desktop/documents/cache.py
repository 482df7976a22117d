"""The content-addressed document cache: blobs by SHA-256, a manifest per GUID.

A file is downloaded once however many callers ask for a GUID at the same time
(single flight per GUID), written to a temporary name and renamed into place, so
a killed process never leaves half a file. Cached GUIDs open offline.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, wait
from dataclasses import replace
from pathlib import Path

from fps_desktop.documents.files import safe_filename
from fps_desktop.documents.models import CachedFile, FileRole, Manifest, RemoteFile
from fps_desktop.documents.sources import DocumentSource
from fps_desktop.errors import DocumentError
from fps_desktop.formats.pdf import DECODERS, prove_isolated
from fps_desktop.formats.sniff import sniff_kind
from fps_desktop.jobs import CancelToken, Progress, no_progress
from fps_desktop.storage import DISK_FULL, disk_full_error, write_atomically

log = logging.getLogger(__name__)

STALE_DOWNLOAD_SECONDS = 600
FILE_CHECKS = 4  # raise when the file checks change: cached GUIDs are checked again
SNIFFED_BYTES = 2048  # what sniff_kind reads of a file
EXAMINING_PATIENCE = 0.2  # seconds; files still examined past this are reported apart


class DocumentCache:
    """Blobs under ``blobs/ab/abcdef…``, manifests under ``guids/<guid>.json``."""

    def __init__(self, root: Path, max_bytes: int = 2 << 30) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.blobs = root / "blobs"
        self.manifests = root / "guids"
        self.tmp = root / "tmp"
        for folder in (self.blobs, self.manifests, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)
        self._guard = threading.Lock()
        self._flights: dict[str, threading.Lock] = {}
        self._pins: dict[str, int] = {}
        self._sweep_stale_downloads()

    # -- public ---------------------------------------------------------------------------

    def blob_path(self, sha256: str) -> Path:
        return self.blobs / sha256[:2] / sha256

    def cached(self, guid: str, source_name: str | None = None) -> Manifest | None:
        """The stored manifest of ``guid`` (from ``source_name`` if given), blobs present."""
        path = self.manifests / f"{guid}.json"
        try:
            manifest = Manifest.from_json(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("dropping unreadable manifest %s: %s", path, exc)
            return None
        if source_name is not None and manifest.source != source_name:
            return None
        if not all(self.blob_path(f.sha256).exists() for f in manifest.files):
            return None
        if manifest.checks < FILE_CHECKS:
            try:
                self._check_again(manifest)
            except OSError as exc:  # a blob gone meanwhile: fetch the GUID again
                log.info("cached %s cannot be checked again: %s", guid, exc)
                return None
        with contextlib.suppress(OSError):
            os.utime(path)  # last use, for LRU eviction
        return manifest

    def fetch(
        self,
        guid: str,
        source: DocumentSource,
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
        refresh: bool = False,
    ) -> Manifest:
        """Every file of ``guid``, from the cache or downloaded once."""
        cancel = cancel or CancelToken()
        with self._flight(guid):
            if not refresh and (manifest := self.cached(guid, source.name)) is not None:
                progress(len(manifest.files), len(manifest.files), "")
                return manifest
            remote_files = source.list_files(guid, cancel)
            files, proofs = [], []
            for done, remote in enumerate(remote_files):
                progress(done, len(remote_files), remote.name)
                files.append(self._download(guid, source, remote, cancel))
                proofs.append(self._prove(files[-1]))  # examined while the next downloads
            manifest = Manifest(guid, source.name, time.time(), files, FILE_CHECKS)
            self._await_proofs(manifest, proofs, progress)
            progress(len(files), len(files), "")
            self._save(manifest)
        self.evict()
        return manifest

    @contextlib.contextmanager
    def pinned(self, guid: str) -> Iterator[None]:
        """Keep ``guid``'s files from eviction while a window shows them."""
        self.pin(guid)
        try:
            yield
        finally:
            self.unpin(guid)

    def pin(self, guid: str) -> None:
        with self._guard:
            self._pins[guid] = self._pins.get(guid, 0) + 1

    def unpin(self, guid: str) -> None:
        with self._guard:
            left = self._pins.get(guid, 0) - 1
            if left > 0:
                self._pins[guid] = left
            else:
                self._pins.pop(guid, None)

    def evict(self) -> list[str]:
        """Drop least recently used GUIDs until under the cap; pinned ones stay."""
        manifests = sorted(self.manifests.glob("*.json"), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in self.blobs.glob("*/*"))
        evicted = []
        for path in manifests:
            if total <= self.max_bytes:
                break
            guid = path.stem
            with self._guard:
                if guid in self._pins:
                    continue
            path.unlink(missing_ok=True)
            evicted.append(guid)
            total -= self._drop_unreferenced()
        if evicted:
            log.info("cache evicted %d GUIDs to stay under %d bytes", len(evicted), self.max_bytes)
        return evicted

    # -- internals ------------------------------------------------------------------------

    def _save(self, manifest: Manifest) -> None:
        manifest.checks = FILE_CHECKS
        write_atomically(
            self.manifests / f"{manifest.guid}.json",
            json.dumps(manifest.to_json(), ensure_ascii=False).encode("utf-8"),
            private=True,
        )

    def _check_again(self, manifest: Manifest) -> None:
        """Files cached by an older version: classed again (it may not have known OFD)
        and proved again with today's checks."""
        proofs = []
        for item in manifest.files:
            with self.blob_path(item.sha256).open("rb") as blob:
                item.kind = sniff_kind(blob.read(SNIFFED_BYTES), item.name)
            proofs.append(self._prove(item))
        self._await_proofs(manifest, proofs, no_progress)
        self._save(manifest)

    def _prove(self, item: CachedFile) -> Future:
        """Start proving the file prints as merging will print it, in a decoder worker."""
        return DECODERS.submit(prove_isolated, self.blob_path(item.sha256), item.kind, item.name)

    def _await_proofs(self, manifest: Manifest, proofs: list[Future], progress: Progress) -> None:
        """Record each file's verdict as it comes. While a file is still being examined
        (a hostile one may take the whole time limit), the GUID so far is reported as
        ``progress``'s detail, a copy of the manifest in which that file is
        ``examining``: a window shows the files already proved instead of waiting."""
        waiting = dict(zip(proofs, manifest.files, strict=True))
        for item in manifest.files:
            item.examining = True
        reported = False
        while waiting:
            done, _ = wait(waiting, timeout=EXAMINING_PATIENCE)
            for proof in done:
                self._record(manifest.guid, waiting.pop(proof), proof)
            if waiting and (done or not reported):
                count = len(manifest.files)
                progress(count - len(waiting), count, "", _snapshot(manifest))
                reported = True

    @staticmethod
    def _record(guid: str, item: CachedFile, proof: Future) -> None:
        """The file's page count, or why it cannot print."""
        item.examining = False
        try:
            item.pages = proof.result()
            item.problem, item.problem_params, item.problem_kind = "", {}, ""
        except DocumentError as exc:
            item.mark_unprintable(exc)
            log.info("GUID %s file %s: %s", guid, item.name, exc.message)

    def _sweep_stale_downloads(self) -> None:
        """Remove downloads a killed process left behind (untouched for a while)."""
        cutoff = time.time() - STALE_DOWNLOAD_SECONDS
        for leftover in self.tmp.glob("dl-*"):
            with contextlib.suppress(OSError):
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()

    @contextlib.contextmanager
    def _flight(self, guid: str) -> Iterator[None]:
        with self._guard:
            lock = self._flights.setdefault(guid, threading.Lock())
        with lock:
            yield

    def _referenced(self) -> set[str]:
        hashes = set()
        for path in self.manifests.glob("*.json"):
            with contextlib.suppress(OSError, ValueError, KeyError):
                data = json.loads(path.read_text(encoding="utf-8"))
                hashes.update(f["sha256"] for f in data["files"])
        return hashes

    def _drop_unreferenced(self) -> int:
        keep = self._referenced()
        freed = 0
        for blob in self.blobs.glob("*/*"):
            if blob.name not in keep:
                freed += blob.stat().st_size
                blob.unlink(missing_ok=True)
        return freed

    def _download(
        self, guid: str, source: DocumentSource, remote: RemoteFile, cancel: CancelToken
    ) -> CachedFile:
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="dl-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in source.open_file(guid, remote, cancel):
                    if len(head) < SNIFFED_BYTES:
                        head += chunk[: SNIFFED_BYTES - len(head)]
                    digest.update(chunk)
                    size += len(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            sha = digest.hexdigest()
            target = self.blob_path(sha)
            target.parent.mkdir(exist_ok=True)
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if exc.errno in DISK_FULL:
                raise disk_full_error(self.root) from exc
            raise
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        name = safe_filename(remote.name)
        kind = sniff_kind(head, name)
        return CachedFile(remote.file_id, name, remote.role or FileRole.ATTACHMENT, kind, sha, size)


def _snapshot(manifest: Manifest) -> Manifest:
    """A copy another thread can read while the verdicts still come in."""
    return replace(manifest, files=[replace(f) for f in manifest.files])
