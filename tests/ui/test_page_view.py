"""The large page view over the real renderer: a page that renders, and one that cannot."""

from __future__ import annotations

import pymupdf

from fps_desktop.documents.models import CachedFile, FileRole
from fps_desktop.formats.sniff import FileKind
from fps_desktop.ui.page_view import PageRef, PageView
from fps_desktop.ui.renderer import PageRenderer


def _ref(path, name: str) -> PageRef:
    size = path.stat().st_size
    cached = CachedFile("f1", name, FileRole.INVOICE, FileKind.PDF, "0" * 64, size, 1)
    return PageRef(cached, path, 0)


def _view(qtbot) -> PageView:
    renderer = PageRenderer()
    view = PageView(renderer)
    qtbot.addWidget(view)
    view.resize(600, 800)
    view.show()
    qtbot.waitExposed(view)
    view.destroyed.connect(renderer.shutdown)
    return view


def test_a_page_is_drawn(qtbot, tmp_path):
    path = tmp_path / "good.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Invoice")
    doc.save(path)
    view = _view(qtbot)
    with qtbot.waitSignal(view.painted, timeout=30_000):
        view.show_page(_ref(path, "good.pdf"))
    assert not view.label.pixmap().isNull()


def test_a_page_that_cannot_be_drawn_says_why(qtbot, tmp_path):
    """A file that went bad in the cache after it was proved: the page names the reason
    instead of staying blank, and the worker lives on for the next page."""
    path = tmp_path / "gone-bad.pdf"
    path.write_bytes(b"%PDF-1.7\n this is not a PDF any more")
    view = _view(qtbot)
    with qtbot.waitSignal(view.painted, timeout=30_000):
        view.show_page(_ref(path, "gone-bad.pdf"))
    assert "cannot be shown" in view.label.text()
    assert "gone-bad.pdf" in view.label.text()

    good = tmp_path / "good.pdf"
    doc = pymupdf.open()
    doc.new_page()
    doc.save(good)
    with qtbot.waitSignal(view.painted, timeout=30_000):
        view.show_page(_ref(good, "good.pdf"))
    assert not view.label.pixmap().isNull()


def test_a_page_that_takes_too_long_to_draw_costs_that_page_only(qtbot, tmp_path, monkeypatch):
    """Pages are drawn in the decoder workers: one past the time limit is named so, its
    worker is replaced and the next page draws."""
    from fps_desktop.formats.pdf import DECODERS
    from tests.documents import makers

    slow = tmp_path / "slow.pdf"
    slow.write_bytes(makers.bomb_pdf())  # a 40,000² picture: seconds of decoding
    view = _view(qtbot)
    monkeypatch.setattr(DECODERS, "time_limit", 0.3)
    with qtbot.waitSignal(view.painted, timeout=30_000):
        view.show_page(_ref(slow, "slow.pdf"))
    assert "slow.pdf took too long to read" in view.label.text()

    monkeypatch.setattr(DECODERS, "time_limit", 60)
    good = tmp_path / "good.pdf"
    doc = pymupdf.open()
    doc.new_page()
    doc.save(good)
    with qtbot.waitSignal(view.painted, timeout=30_000):
        view.show_page(_ref(good, "good.pdf"))
    assert not view.label.pixmap().isNull()
