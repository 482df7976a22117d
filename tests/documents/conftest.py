from __future__ import annotations

import pymupdf
import pytest

from fps_desktop.config import Settings
from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.demo import demo_file_bytes
from fps_desktop.documents.sources import FolderSource
from tests.documents.pbms_server import PbmsFile, PbmsServer

GUID = "c965be9f9c1d449d9e50fed330150d7a"
OTHER_GUID = "0123456789abcdef0123456789abcdef"


def invoice_bytes(n: int = 1) -> bytes:
    return demo_file_bytes(GUID, f"inv-{n}")


def pdf_with_pages(count: int, width: float = 595, height: float = 842) -> bytes:
    doc = pymupdf.open()
    for number in range(count):
        page = doc.new_page(width=width, height=height)
        page.insert_text((72, 72), f"page {number + 1}")
    return doc.tobytes()


@pytest.fixture
def pbms():
    server = PbmsServer().start()
    server.state.files[GUID] = [
        PbmsFile("a1", "发票_1.pdf", invoice_bytes(1), "invoice"),
        PbmsFile("a2", "发票_2.pdf", invoice_bytes(2), "发票"),
        PbmsFile("r1", "receipt.jpg", demo_file_bytes(GUID, "receipt"), "attachment"),
    ]
    yield server
    server.stop()


@pytest.fixture
def pbms_settings(pbms, fps_home):
    settings = Settings()
    settings.set("source.kind", "pbms")
    settings.set("source.pbms.list_url", pbms.list_url)
    settings.set("source.pbms.download_url", pbms.download_url)
    settings.set("source.pbms.timeout", 1.0)
    settings.set("source.pbms.retries", 2)
    return settings


@pytest.fixture
def cache(tmp_path):
    return DocumentCache(tmp_path / "cache")


@pytest.fixture
def share(tmp_path):
    """A folder source whose GUID holds the files a test puts there."""
    root = tmp_path / "share"
    (root / GUID).mkdir(parents=True)

    def put(name: str, data: bytes) -> None:
        (root / GUID / name).write_bytes(data)

    put.source = FolderSource(root)
    return put


def fetch(cache, share):
    return cache.fetch(GUID, share.source, refresh=True)
