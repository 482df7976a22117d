"""A file that takes long to read does not hold back the good files of its GUID."""

from __future__ import annotations

import time

import pytest

from fps_desktop.documents.demo import demo_file_bytes
from fps_desktop.formats.pdf import DECODERS
from tests.documents import makers
from tests.journeys.conftest import A4, DEMO_GUID, SLOW, pdf_sheets, print_to_pdf, type_guid

SLOW_GUID = "5" * 32
WARM_GUID = "6" * 32
TIME_LIMIT = 10.0  # seconds: the slow file below takes longer, even on a fast PC


@pytest.fixture
def share(tmp_path, settings, monkeypatch):
    root = tmp_path / "share"
    slow = root / SLOW_GUID
    (slow / "invoices").mkdir(parents=True)
    (slow / "attachments").mkdir()
    # JBIG2 pictures a decoder must walk pixel by pixel: small on disk, long to read.
    (slow / "attachments" / "slow-scan.pdf").write_bytes(
        makers.jbig2_bomb_pdf(side=30_000, streams=6)
    )
    (slow / "invoices" / "good-invoice.pdf").write_bytes(demo_file_bytes(DEMO_GUID, "inv-1"))
    (root / WARM_GUID).mkdir()
    (root / WARM_GUID / "发票_2.pdf").write_bytes(demo_file_bytes(DEMO_GUID, "inv-2"))
    settings.set("source.kind", "folder")
    settings.set("source.folder.root", str(root))
    monkeypatch.setattr(DECODERS, "time_limit", TIME_LIMIT)
    return root


def on_screen(window, guid: str) -> bool:
    """A page of ``guid`` is drawn in the viewer."""
    shown = window.manifest is not None and window.manifest.guid == guid
    return shown and not window.page_view.label.pixmap().isNull()


def rows(window) -> list[str]:
    groups = window.file_list.groups.values()
    return [group.item(i).text() for group in groups for i in range(group.count())]


@pytest.mark.allow_log_warnings
def test_the_good_invoice_shows_and_prints_while_a_slow_file_is_examined(
    qtbot, window, share, tmp_path
):
    with qtbot.waitSignal(window.documents_shown, timeout=SLOW):  # an app already at work
        type_guid(qtbot, window, WARM_GUID)

    started = time.monotonic()
    type_guid(qtbot, window, SLOW_GUID)
    qtbot.waitUntil(lambda: on_screen(window, SLOW_GUID), timeout=SLOW)
    shown_after = time.monotonic() - started
    assert "slow-scan.pdf\nexamining…" in rows(window)  # its verdict is still to come
    assert shown_after < TIME_LIMIT, f"the good invoice waited {shown_after:.1f} s"
    assert [f.name for f in window.file_list.selected_files()] == ["good-invoice.pdf"]

    # It prints meanwhile: the fields of the files known so far are read first.
    qtbot.waitUntil(window.print_action.isEnabled, timeout=SLOW)
    assert "slow-scan.pdf\nexamining…" in rows(window)
    out = tmp_path / "printed.pdf"
    print_to_pdf(qtbot, window, out)  # then waits for every job, the slow file's too
    assert pdf_sheets(out) == [A4]

    # Its verdict: past the time limit here; a faster machine finds the pictures damaged.
    refused = "slow-scan.pdf\ncannot be printed"
    qtbot.waitUntil(lambda: any(r.startswith(refused) for r in rows(window)), timeout=SLOW)
    qtbot.waitUntil(window.print_action.isEnabled, timeout=SLOW)  # fields read with it too
    assert [f.name for f in window.file_list.selected_files()] == ["good-invoice.pdf"]
    assert "examining" not in window.statusBar().currentMessage()
