"""The shapes documents take between the source, the cache and the viewer."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field

from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError


class Layout(enum.StrEnum):
    AUTO = "auto"  # fewest sheets at true size, by kind (``printing.imposition``)
    ACTUAL = "actual"  # one page a sheet, true size, shrink only when it does not fit
    FIT = "fit"  # one page a sheet, scaled to fill it
    TWO_UP = "two-up"  # two invoices per sheet, one above the other, cut line between
    GRID = "grid"  # rows × columns of equal cells
    STRIPS = "strips"  # reimbursement strips of a fixed height, cut lines between
    PASTE = "paste"  # 粘贴单: binding margin, signature table, items packed below


GRID_PRESETS = ("grid-2x1", "grid-2x2", "grid-3x2", "grid-3x3")  # rows × columns
# the layouts a setting may name: the whole print's, and each kind's within "auto"
LAYOUT_CHOICES = ("auto", "actual", "fit", "two-up", *GRID_PRESETS, "strips", "paste")
KIND_LAYOUT_CHOICES = ("auto", "actual", "fit", *GRID_PRESETS, "strips")


class FileRole(enum.StrEnum):
    INVOICE = "invoice"
    ATTACHMENT = "attachment"


class FileKind(enum.StrEnum):
    PDF = "pdf"
    OFD = "ofd"  # GB/T 33190, drawn as PDF pages
    IMAGE = "image"
    XML = "xml"  # a 数电票 XML: invoice data, nothing to print
    UNKNOWN = "unknown"


class Problem(enum.StrEnum):
    """Why a file cannot be printed: a stable code, stored in the manifest."""

    EMPTY = "empty"
    DAMAGED_PDF = "damaged-pdf"
    DAMAGED_OFD = "damaged-ofd"
    CUT_SHORT = "cut-short"  # an incomplete download or copy
    PASSWORD = "password"
    DAMAGED_IMAGE = "damaged-image"
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too-large"
    NO_PAGES = "no-pages"
    NO_SEAL = "no-seal"  # an OFD whose seal could not be drawn
    TOO_LARGE_UNPACKED = "too-large-unpacked"  # small on disk, too large once decoded
    TOO_SLOW = "too-slow"  # reading it ran past the time limit

    @property
    def label(self) -> str:
        """A few words for the file's row (translate in context ``FpsError``)."""
        return PROBLEM_LABELS[self]


PROBLEM_LABELS = {
    Problem.EMPTY: QT_TRANSLATE_NOOP("FpsError", "empty file"),
    Problem.DAMAGED_PDF: QT_TRANSLATE_NOOP("FpsError", "damaged PDF"),
    Problem.DAMAGED_OFD: QT_TRANSLATE_NOOP("FpsError", "damaged OFD file"),
    Problem.CUT_SHORT: QT_TRANSLATE_NOOP("FpsError", "incomplete file"),
    Problem.PASSWORD: QT_TRANSLATE_NOOP("FpsError", "password-protected"),
    Problem.DAMAGED_IMAGE: QT_TRANSLATE_NOOP("FpsError", "damaged image"),
    Problem.UNSUPPORTED: QT_TRANSLATE_NOOP("FpsError", "unsupported format"),
    Problem.TOO_LARGE: QT_TRANSLATE_NOOP("FpsError", "too large to print"),
    Problem.NO_PAGES: QT_TRANSLATE_NOOP("FpsError", "no pages"),
    Problem.NO_SEAL: QT_TRANSLATE_NOOP("FpsError", "seal not drawn"),
    Problem.TOO_LARGE_UNPACKED: QT_TRANSLATE_NOOP("FpsError", "too large when unpacked"),
    Problem.TOO_SLOW: QT_TRANSLATE_NOOP("FpsError", "took too long to read"),
}


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
