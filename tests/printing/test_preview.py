"""The preview's sheets are the printed sheets: built one at a time, the same pixels."""

import pymupdf
import pytest

from fps_desktop.documents.cache import DocumentCache
from fps_desktop.documents.demo import DemoSource
from fps_desktop.jobs import CancelToken
from fps_desktop.printing.imposition import Choice, Setup, paper_named
from fps_desktop.printing.job import PrintOrder, build_print_pdf
from fps_desktop.printing.preview import SheetPreview
from tests.documents.conftest import GUID


def pixels(page: pymupdf.Page) -> bytes:
    return page.get_pixmap(dpi=40).samples


@pytest.mark.parametrize("paper", ["A4", "A5"])
@pytest.mark.parametrize(
    "layout", ["auto", "actual", "fit", "two-up", "grid-2x2", "grid-3x1", "strips", "paste"]
)
def test_each_preview_sheet_is_the_sheet_that_prints(tmp_path, layout, paper):
    cache = DocumentCache(tmp_path / "cache")
    files = cache.fetch(GUID, DemoSource()).files
    setup = Setup(Choice.parse(layout), paper_named(paper))
    order = PrintOrder(GUID, files, setup=setup, page_ranges="2-")
    printed, _skipped = build_print_pdf(cache, order, lambda *_: None, CancelToken())
    preview = SheetPreview(cache, order, tmp_path)
    with pymupdf.open(stream=printed) as sheets:
        assert preview.prepare(CancelToken()) == sheets.page_count
        for index, sheet in enumerate(sheets):
            assert sheet.rect == setup.paper.rect
            path, _scale = preview.build(index, CancelToken())
            with pymupdf.open(path) as built:
                assert pixels(built[0]) == pixels(sheet), f"sheet {index + 1}"
    preview.close()
