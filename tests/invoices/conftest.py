from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pymupdf
import pytest

from fps_desktop.documents.demo import demo_file_bytes
from tests.export.conftest import mariadb  # noqa: F401 - the real MariaDB fixture, shared

CORPUS = Path(__file__).parent / "corpus"
TRAVEL = "c965be9f9c1d449d9e50fed330150d7a"
THREE_FORMATS = "3e7d9c1b5a2f4e6d8c0b1a2f3e4d5c6b"
CLAIMED_TWICE = "8b4f2e6a1c9d4b7e9f3a5c7e1b2d4f6a"


def ofdrw(name: str) -> bytes:
    return (CORPUS / "ofdrw" / name).read_bytes()


def demo_ofd() -> bytes:
    return demo_file_bytes(THREE_FORMATS, "inv-1-ofd")


def rezip(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """The same OFD with some parts replaced (or removed, for ``None``) or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info, source.read(info))
        for name, content in replace.items():
            if content is not None:
                target.writestr(name, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def red_share(page: pymupdf.Page, rect: pymupdf.Rect) -> float:
    """The share of clearly red pixels inside ``rect`` (a drawn seal is red)."""
    pix = page.get_pixmap(dpi=72, clip=rect, alpha=False, colorspace=pymupdf.csRGB)
    samples = pix.samples
    red = sum(
        1
        for i in range(0, len(samples), 3)
        if samples[i] > 150 and samples[i + 1] < 110 and samples[i + 2] < 110
    )
    return red / max(pix.width * pix.height, 1)


@pytest.fixture
def blob_dir(tmp_path):
    """A stand-in for the cache's blob store: files by SHA-256."""
    return tmp_path / "blobs"
