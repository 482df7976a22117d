import os
import subprocess
import sys
import threading
import time

import pytest

from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.demo import DemoSource
from fps_desktop.documents.models import FileRole
from fps_desktop.documents.sources import PbmsSource
from fps_desktop.errors import SourceError
from fps_desktop.formats.sniff import FileKind
from fps_desktop.jobs import CancelToken
from tests.documents.conftest import GUID, OTHER_GUID, pdf_with_pages
from tests.documents.pbms_server import PbmsFile


def pbms_source(server, **kwargs) -> PbmsSource:
    return PbmsSource(server.list_url, server.download_url, backoff=0.01, **kwargs)


def test_fetch_classes_files_and_counts_pages(cache):
    manifest = cache.fetch(GUID, DemoSource())
    by_name = {f.name: f for f in manifest.files}
    assert [f.role for f in manifest.files].count(FileRole.INVOICE) == 2
    assert by_name["出租车票_扫描件.jpg"].kind == FileKind.IMAGE
    assert by_name["审批单及行程说明.pdf"].pages == 3
    assert all(cache.blob_path(f.sha256).exists() for f in manifest.files)


def test_cached_guid_opens_without_the_source(cache, pbms):
    cache.fetch(GUID, pbms_source(pbms))
    pbms.stop()
    again = cache.fetch(GUID, PbmsSource(pbms.list_url, pbms.download_url, retries=0))
    assert len(again.files) == 3


def test_fifty_simultaneous_opens_download_each_file_once(cache, pbms):
    source = pbms_source(pbms)
    results, errors = [], []
    start = threading.Barrier(50)

    def open_it():
        start.wait()
        try:
            results.append(cache.fetch(GUID, source))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 50
    assert set(pbms.state.downloads.values()) == {1}


def test_refresh_asks_the_source_again(cache, pbms):
    source = pbms_source(pbms)
    cache.fetch(GUID, source)
    pbms.state.files[GUID].append(PbmsFile("new", "附件.pdf", pdf_with_pages(2), "attachment"))
    assert len(cache.fetch(GUID, source).files) == 3
    assert len(cache.fetch(GUID, source, refresh=True).files) == 4


def test_eviction_drops_least_recent_but_never_pinned(tmp_path, pbms):
    big = os.urandom(300_000)
    pbms.state.files = {
        guid: [PbmsFile("f", f"{guid[:4]}.pdf", big + guid.encode())]
        for guid in (GUID, OTHER_GUID, "f" * 32)
    }
    cache = DocumentCache(tmp_path / "c", max_bytes=700_000)
    source = pbms_source(pbms)
    with cache.pinned(GUID):
        cache.fetch(GUID, source)
        time.sleep(0.01)
        cache.fetch(OTHER_GUID, source)
        time.sleep(0.01)
        cache.fetch("f" * 32, source)
        assert cache.cached(GUID) is not None
        assert cache.cached(OTHER_GUID) is None
    assert sum(p.stat().st_size for p in cache.blobs.glob("*/*")) <= 700_000


def test_cancel_stops_a_download_and_leaves_no_temp_file(cache, pbms):
    pbms.state.files[GUID] = [PbmsFile("big", "big.pdf", os.urandom(4_000_000))]
    pbms.state.download_delay = 0.02
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()
    with pytest.raises(Exception, match="Cancelled"):
        cache.fetch(GUID, pbms_source(pbms), cancel=cancel)
    assert list(cache.tmp.iterdir()) == []
    assert cache.cached(GUID) is None


def test_killed_process_leaves_no_half_file_and_the_rerun_completes(tmp_path, pbms):
    payload = os.urandom(3_000_000)
    pbms.state.files[GUID] = [PbmsFile("big", "big.pdf", payload)]
    pbms.state.download_delay = 0.05
    root = tmp_path / "cache"
    script = (
        "import sys; from pathlib import Path;"
        "from fps_desktop.documents.cache import DocumentCache;"
        "from fps_desktop.documents.sources import PbmsSource;"
        "DocumentCache(Path(sys.argv[1])).fetch(sys.argv[2], PbmsSource(sys.argv[3], sys.argv[4]))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(root), GUID, pbms.list_url, pbms.download_url]
    )
    deadline = time.monotonic() + 20
    while not any((root / "tmp").glob("dl-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    process.kill()  # kill -9; TerminateProcess on Windows
    process.wait()
    cache = DocumentCache(root)
    assert list(cache.blobs.glob("*/*")) == []
    assert cache.cached(GUID) is None
    pbms.state.download_delay = 0
    manifest = cache.fetch(GUID, pbms_source(pbms))
    assert cache.blob_path(manifest.files[0].sha256).read_bytes() == payload


def test_unknown_guid_on_the_demo_source_says_which_to_try(cache):
    with pytest.raises(SourceError, match="sample GUIDs"):
        cache.fetch(OTHER_GUID, DemoSource())
