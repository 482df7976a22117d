"""One atomic writer, one file-mode policy: documents readable as any saved document,
the app's own state private."""

from __future__ import annotations

import os
import stat

import pytest

from fps_desktop.config import Settings
from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.demo import DemoSource
from fps_desktop.documents.merge import merge_files, save_merged
from tests.documents.conftest import GUID


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.unix_only("file modes are POSIX")
def test_a_saved_pdf_is_readable_as_any_document_and_settings_stay_private(tmp_path, fps_home):
    cache = DocumentCache(tmp_path / "cache")
    manifest = cache.fetch(GUID, DemoSource())
    saved = save_merged(merge_files(cache, manifest.files), tmp_path / "out" / "merged.pdf")
    settings = Settings()
    settings.set("cache.max_mb", 100)
    umask = os.umask(0o022)
    os.umask(umask)
    assert mode(saved) == 0o666 & ~umask  # as any program saves a document: 0644 typically
    assert mode(settings.paths.user_settings) == 0o600
    assert mode(cache.manifests / f"{GUID}.json") == 0o600
