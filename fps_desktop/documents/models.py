"""The shapes documents take between the source, the cache and the viewer."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field

from fps_desktop.errors import DocumentError
from fps_desktop.formats.sniff import FileKind


class FileRole(enum.StrEnum):
    INVOICE = "invoice"
    ATTACHMENT = "attachment"


@dataclass(frozen=True)
class RemoteFile:
    """A file as the source lists it; ``name`` is untrusted text from a server."""

    file_id: str
    name: str
    role: FileRole | None = None
    size: int | None = None


@dataclass
class CachedFile:
    """A downloaded file: a blob in the cache plus what the viewer needs."""

    file_id: str
    name: str
    role: FileRole
    kind: FileKind
    sha256: str
    size: int
    pages: int = 0
    problem: str = ""
    problem_params: dict = field(default_factory=dict)
    problem_kind: str = ""  # a ``Problem`` code: what the row says in a few words
    examining: bool = False  # its proof is still running: neither printable nor refused yet

    @property
    def printable(self) -> bool:
        return not self.problem and self.pages > 0

    @property
    def is_data(self) -> bool:
        """Read for its fields only: not a print problem, never ticked for printing."""
        return self.kind == FileKind.XML and not self.problem

    def problem_error(self) -> DocumentError:
        """Why this file cannot be shown, as the error it was when it was cached."""
        return DocumentError(self.problem, self.problem_kind, **self.problem_params)

    def mark_unprintable(self, error: DocumentError) -> None:
        self.pages = 0
        self.problem, self.problem_params = error.template, error.params
        self.problem_kind = error.problem

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> CachedFile:
        return cls(
            **{
                **data,
                "role": FileRole(data["role"]),
                "kind": FileKind(data["kind"]),
            }
        )


@dataclass
class Manifest:
    """Every file of one GUID, in the source's order."""

    guid: str
    source: str
    fetched_at: float
    files: list[CachedFile] = field(default_factory=list)
    checks: int = 0  # the version of the file checks its files passed (``FILE_CHECKS``)

    def to_json(self) -> dict:
        return {
            "guid": self.guid,
            "source": self.source,
            "fetched_at": self.fetched_at,
            "checks": self.checks,
            "files": [f.to_json() for f in self.files],
        }

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        return cls(
            guid=data["guid"],
            source=data["source"],
            fetched_at=data["fetched_at"],
            files=[CachedFile.from_json(f) for f in data["files"]],
            checks=data.get("checks", 0),
        )
