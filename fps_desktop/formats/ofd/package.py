"""An OFD package (GB/T 33190 is a zip of XML), opened within limits.

A size cap on the file, on each entry and on everything read (zip bombs), a cap on
entries, and no path that leads outside the package (``../``).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from xml.etree.ElementTree import Element

from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError
from fps_desktop.formats.xml import parse_xml

MAX_OFD_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_ENTRY_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 160 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed beyond this, for entries over 1 MB, is a bomb


class OfdPackage:
    """The zip, read within limits; every path checked to stay inside it."""

    def __init__(self, data: bytes) -> None:
        if len(data) > MAX_OFD_BYTES:
            raise DocumentError(
                QT_TRANSLATE_NOOP("FpsError", "The OFD file is too large to be an invoice.")
            )
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise DocumentError(
                QT_TRANSLATE_NOOP("FpsError", "The OFD file is damaged: it is not a valid package.")
            ) from exc
        if len(infos) > MAX_ENTRIES:
            raise DocumentError(
                QT_TRANSLATE_NOOP("FpsError", "The OFD file holds too many parts to be an invoice.")
            )
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            if name.endswith("/"):
                continue
            if name.startswith("/") or ".." in name.split("/") or re.match(r"^[A-Za-z]:", name):
                raise DocumentError(
                    QT_TRANSLATE_NOOP(
                        "FpsError",
                        "The OFD file was refused: it holds a path leading outside it ({path}).",
                    ),
                    path=name[:80],
                )
            self.entries[name.lower()] = info
        self.read_total = 0

    def has(self, path: str) -> bool:
        return path.lower() in self.entries

    def read(self, path: str) -> bytes:
        info = self.entries.get(path.lower())
        if info is None:
            raise DocumentError(
                QT_TRANSLATE_NOOP("FpsError", "The OFD file is incomplete: {path} is missing."),
                path=path[:80],
            )
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise self._bomb()
        try:
            with self.zip.open(info) as handle:
                data = handle.read(MAX_ENTRY_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as exc:
            raise DocumentError(
                QT_TRANSLATE_NOOP("FpsError", "The OFD file is damaged ({path})."), path=path[:80]
            ) from exc
        self.read_total += len(data)
        if len(data) > MAX_ENTRY_BYTES or self.read_total > MAX_TOTAL_BYTES:
            raise self._bomb()
        return data

    @staticmethod
    def _bomb() -> DocumentError:
        return DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "The OFD file was refused: it unpacks to far more data than an invoice "
                "(a zip bomb?).",
            )
        )

    def xml(self, path: str) -> Element:
        return parse_xml(self.read(path), "OFD part")

    @staticmethod
    def resolve(base_dir: str, ref: str) -> str:
        """A reference inside the package, relative to ``base_dir`` unless absolute."""
        ref = (ref or "").strip().replace("\\", "/")
        joined = ref.lstrip("/") if ref.startswith("/") else posixpath.join(base_dir, ref)
        normal = posixpath.normpath(joined)
        if normal.startswith("../") or normal == ".." or normal.startswith("/"):
            raise DocumentError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "The OFD file was refused: it holds a path leading outside it ({path}).",
                ),
                path=ref[:80],
            )
        return normal
