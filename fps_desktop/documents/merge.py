"""Merging a GUID's files into one PDF, one bookmark per source file.

Each file goes in as ``pdf.append_file`` prints it: images at their true size,
upright; annotations (seals, stamps, filled forms) baked into the page content
so every later step and every viewer keeps them; a page the clerk turned in the
viewer turned that way. A file that cannot go in is skipped and named; it never
stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.models import CachedFile, FileKind, FileRole, Problem
from fps_desktop.documents.pdf import append_file, mupdf_lock, pdf_bytes
from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError, UsageError
from fps_desktop.jobs import CancelToken, Progress, no_progress
from fps_desktop.storage import write_atomically

log = logging.getLogger(__name__)

TURNED = "FPSTurned"  # page key of a page the clerk turned: layouts print it as it is
Turns = Mapping[tuple[str, int], int]  # (file name, page of the file) -> degrees clockwise


@dataclass
class MergedDocument:
    """The merged PDF, for each of its pages the role and the name of the file it came
    from, and the names of the files left out (each file's row and the log say why)."""

    pdf: bytes
    page_roles: list[FileRole]
    skipped: list[str]
    page_files: list[str] = field(default_factory=list)


def merge_files(
    cache: DocumentCache,
    files: list[CachedFile],
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    *,
    turns: Turns | None = None,
    enhance: bool = False,
) -> MergedDocument:
    """Merge ``files`` in the given order; unreadable files are skipped and named.

    ``turns``: the clerk's turns in the viewer; ``enhance``: pictures levelled and
    sharpened for print.
    """
    cancel = cancel or CancelToken()
    if not files:
        raise UsageError(QT_TRANSLATE_NOOP("FpsError", "No file is selected."))
    printable = [f for f in files if f.printable]
    skipped = [f.name for f in files if not f.printable]
    failures: dict[str, DocumentError] = {}
    with mupdf_lock:
        out = pymupdf.open()
    toc, roles, names = [], [], []
    for done, item in enumerate(printable):
        cancel.check()
        progress(done, len(printable), item.name)
        with mupdf_lock:
            first_page = out.page_count + 1
            try:
                added = append_file(out, cache.blob_path(item.sha256), item.kind, item.name,
                                    enhance)  # fmt: skip
            except Exception as exc:  # one bad file never stops the others
                log.warning("%s could not be merged: %s: %s", item.name, type(exc).__name__, exc)
                skipped.append(item.name)
                failures[item.name] = exc if isinstance(exc, DocumentError) else _failed(item)
                continue
            for number in range(added):
                if degrees := (turns or {}).get((item.name, number), 0) % 360:
                    _turn(out, first_page - 1 + number, degrees)
        toc.append([1, item.name, first_page])
        roles.extend([item.role] * added)
        names.extend([item.name] * added)
    progress(len(printable), len(printable), "")
    if not toc:
        with mupdf_lock:
            out.close()
        raise _nothing_printable(files, failures)
    with mupdf_lock:
        out.set_toc(toc)
        data = pdf_bytes(out)
        out.close()
    return MergedDocument(data, roles, skipped, names)


def _turn(out: pymupdf.Document, index: int, degrees: int) -> None:
    """Draw page ``index`` turned ``degrees`` clockwise into a page of the turned size, in
    its place, marked ``TURNED``. Call with ``mupdf_lock`` held."""
    page = pymupdf.open()
    page.insert_pdf(out, from_page=index, to_page=index, links=False, annots=False)
    size = page[0].rect
    across, down = (size.height, size.width) if degrees % 180 else (size.width, size.height)
    turned = out.new_page(index, width=across, height=down)
    turned.show_pdf_page(turned.rect, page, 0, rotate=-degrees)
    out.xref_set_key(turned.xref, TURNED, "true")
    page.close()
    out.delete_page(index + 1)


def turned_by_clerk(doc: pymupdf.Document, index: int) -> bool:
    """Whether the clerk turned page ``index``: then no layout turns it back to fit."""
    return doc.xref_get_key(doc[index].xref, TURNED) == ("bool", "true")


def save_merged(merged: MergedDocument, target: Path) -> Path:
    write_atomically(target, merged.pdf)
    return target


def _failed(item: CachedFile) -> DocumentError:
    return DocumentError(
        QT_TRANSLATE_NOOP("FpsError", "{name} could not be added to the print (see the log)."),
        Problem.DAMAGED_IMAGE if item.kind == FileKind.IMAGE else Problem.DAMAGED_PDF,
        name=item.name,
    )


def _nothing_printable(
    files: list[CachedFile], failures: dict[str, DocumentError]
) -> DocumentError:
    """The reason itself when one file was asked for; the names when several were."""
    if len(files) == 1:
        item = files[0]
        return item.problem_error() if item.problem else failures[item.name]
    names = ", ".join(f.name for f in files[:5]) + (" …" if len(files) > 5 else "")
    return DocumentError(
        QT_TRANSLATE_NOOP(
            "FpsError", "None of the {count} selected files can be printed: {names}."
        ),
        files[0].problem_kind or Problem.DAMAGED_PDF,
        count=len(files),
        names=names,
    )
