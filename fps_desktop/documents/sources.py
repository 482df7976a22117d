"""Where a GUID's files come from: PBMS over HTTP, a folder share, or the demo set."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from fps_desktop.config import Settings, get_secret
from fps_desktop.documents.files import guess_role, role_from_label
from fps_desktop.documents.models import RemoteFile
from fps_desktop.errors import QT_TRANSLATE_NOOP, SourceError
from fps_desktop.jobs import CancelToken
from fps_desktop.logs import escape_for_log

log = logging.getLogger(__name__)

CHUNK = 256 * 1024


class DocumentSource(Protocol):
    """A place that lists a GUID's files and streams each one."""

    name: str

    def list_files(self, guid: str, cancel: CancelToken) -> list[RemoteFile]: ...

    def open_file(self, guid: str, remote: RemoteFile, cancel: CancelToken) -> Iterator[bytes]: ...


class FolderSource:
    """``<root>/<guid>/...`` on a local disk or a mounted share."""

    name = "folder"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _guid_dir(self, guid: str) -> Path:
        folder = self.root / guid
        if not folder.is_dir():
            raise SourceError(
                QT_TRANSLATE_NOOP("FpsError", "No folder for GUID {guid} under {root}."),
                guid=guid,
                root=str(self.root),
            )
        return folder

    def list_files(self, guid: str, cancel: CancelToken) -> list[RemoteFile]:
        folder = self._guid_dir(guid)
        found = []
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            relative = path.relative_to(folder)
            role = role_from_label(relative.parts[0]) if len(relative.parts) > 1 else None
            found.append(RemoteFile(relative.as_posix(), path.name, role or guess_role(path.name)))
        return found

    def open_file(self, guid: str, remote: RemoteFile, cancel: CancelToken) -> Iterator[bytes]:
        path = (self._guid_dir(guid) / remote.file_id).resolve()
        if not path.is_relative_to(self._guid_dir(guid).resolve()):
            raise SourceError(QT_TRANSLATE_NOOP("FpsError", "Refused a path outside the share."))
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                cancel.check()
                yield chunk


class PbmsSource:
    """The finance system's file service, through two configurable URL templates.

    ``list_url`` answers JSON: a list, or ``{"files": [...]}``, of objects with an id,
    a name and optionally a category (invoice / attachment) and a size.
    """

    name = "pbms"

    def __init__(
        self,
        list_url: str,
        download_url: str,
        timeout: float = 15.0,
        retries: int = 3,
        token: str | None = None,
        backoff: float = 0.5,
    ) -> None:
        import requests

        if not list_url or not download_url:
            raise SourceError(
                QT_TRANSLATE_NOOP(
                    "FpsError", "The PBMS addresses are not set. Ask IT to fill them in Settings."
                )
            )
        self.list_url = list_url
        self.download_url = download_url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "fps-desktop"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def list_files(self, guid: str, cancel: CancelToken) -> list[RemoteFile]:
        url = self.list_url.format(guid=guid)
        response = self._get(url, cancel, stream=False)
        try:
            payload = response.json()
        except ValueError:
            log.warning(
                "PBMS list for %s is not JSON: %s", guid, escape_for_log(response.text[:200])
            )
            raise SourceError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "PBMS answered with a web page instead of a file list. "
                    "The address in Settings may be wrong, or a login page is in the way.",
                )
            ) from None
        entries = payload.get("files") if isinstance(payload, dict) else payload
        if not isinstance(entries, list):
            raise SourceError(
                QT_TRANSLATE_NOOP("FpsError", "PBMS sent a file list we cannot read.")
            )
        return [self._remote(entry) for entry in entries if isinstance(entry, dict)]

    @staticmethod
    def _remote(entry: dict) -> RemoteFile:
        file_id = str(entry.get("id") or entry.get("file_id") or entry.get("fileId") or "")
        name = str(entry.get("name") or entry.get("file_name") or entry.get("fileName") or file_id)
        label = entry.get("category") or entry.get("type") or entry.get("role")
        size = entry.get("size")
        return RemoteFile(
            file_id=file_id,
            name=name,
            role=role_from_label(label) or guess_role(name),
            size=size if isinstance(size, int) else None,
        )

    def open_file(self, guid: str, remote: RemoteFile, cancel: CancelToken) -> Iterator[bytes]:
        url = self.download_url.format(
            guid=guid, file_id=quote(remote.file_id, safe=""), name=quote(remote.name, safe="")
        )
        response = self._get(url, cancel, stream=True)
        with response:
            import requests

            try:
                for chunk in response.iter_content(CHUNK):
                    cancel.check()
                    yield chunk
            except requests.RequestException as exc:
                log.warning("download of %s broke off: %s", url, exc)
                raise SourceError(
                    QT_TRANSLATE_NOOP(
                        "FpsError", "The download of {name} broke off. Try again in a moment."
                    ),
                    name=remote.name,
                ) from exc

    def _get(self, url: str, cancel: CancelToken, stream: bool):
        """GET with retries on timeouts, resets and 5xx; 4xx fail at once."""
        import requests

        last_problem = ""
        for attempt in range(self.retries + 1):
            cancel.check()
            try:
                response = self.session.get(url, timeout=self.timeout, stream=stream)
            except requests.Timeout:
                last_problem = "timeout"
            except requests.ConnectionError as exc:
                last_problem = f"connection: {exc}"
            else:
                if response.status_code < 400:
                    return response
                if response.status_code == 404:
                    raise SourceError(
                        QT_TRANSLATE_NOOP(
                            "FpsError", "PBMS does not know this document (HTTP 404)."
                        )
                    )
                if response.status_code in (401, 403):
                    raise SourceError(
                        QT_TRANSLATE_NOOP(
                            "FpsError",
                            "PBMS refused access (HTTP {status}). Check the access token in "
                            "Settings.",
                        ),
                        status=response.status_code,
                    )
                last_problem = f"HTTP {response.status_code}"
                response.close()
                if response.status_code < 500 and response.status_code != 429:
                    break
            log.info("PBMS request %s failed (%s), attempt %d", url, last_problem, attempt + 1)
            if attempt < self.retries and cancel.wait(self.backoff * 2**attempt):
                cancel.check()
        log.warning("PBMS request %s gave up: %s", url, last_problem)
        if last_problem == "timeout":
            raise SourceError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "PBMS did not answer in time. Check the network and try again.",
                )
            )
        raise SourceError(
            QT_TRANSLATE_NOOP(
                "FpsError", "PBMS is not working right now ({problem}). Try again later."
            ),
            problem=last_problem.split(":")[0],
        )


def source_from_settings(settings: Settings) -> DocumentSource:
    """The source the clerk chose in Settings (the demo set by default)."""
    kind = settings.get("source.kind")
    if kind == "pbms":
        return PbmsSource(
            settings.get("source.pbms.list_url"),
            settings.get("source.pbms.download_url"),
            timeout=settings.get("source.pbms.timeout"),
            retries=settings.get("source.pbms.retries"),
            token=get_secret("pbms.token"),
        )
    if kind == "folder":
        root = settings.get("source.folder.root")
        if not root:
            raise SourceError(
                QT_TRANSLATE_NOOP("FpsError", "No document folder is set. Choose one in Settings.")
            )
        return FolderSource(Path(root))
    from fps_desktop.documents.demo import DemoSource

    return DemoSource()
