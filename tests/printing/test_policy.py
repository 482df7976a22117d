"""The one print policy, as the command line applies it: read first, ask for claims, one form."""

from dataclasses import replace

import pymupdf
import pytest

from fps_desktop.audit import AuditLog
from fps_desktop.cli import main
from fps_desktop.config import Paths, Settings
from fps_desktop.documents.workspace import open_guid
from fps_desktop.jobs import CancelToken
from fps_desktop.printing.job import clerk_name, cover_pdf
from fps_desktop.printing.policy import make_order, read_invoices
from tests.invoices.conftest import CLAIMED_TWICE, THREE_FORMATS, TRAVEL, qr_codes

pytestmark = pytest.mark.usefixtures("qapp")
AIR_TICKET = "发票_25442000000123456789.pdf"


def audit_prints() -> list[dict]:
    return [e for e in AuditLog(Paths.default()).entries() if e["event"] == "print"]


def test_a_claimed_invoice_is_refused_with_exit_11_unless_confirmed(tmp_path, capsys):
    assert main(["print", TRAVEL, "--to-pdf", str(tmp_path / "first.pdf")]) == 0
    capsys.readouterr()
    second = tmp_path / "second.pdf"
    assert main(["print", CLAIMED_TWICE, "--to-pdf", str(second)]) == 11
    err = capsys.readouterr().err
    assert "claimed before" in err and AIR_TICKET in err and len(err.splitlines()) == 1
    assert not second.exists()
    refused = audit_prints()[0]
    assert (refused["state"], refused["reason"], refused["guid"], refused["via"]) == (
        "refused", "claimed_before", CLAIMED_TWICE, "cli")  # fmt: skip
    assert refused["claimed"] == [AIR_TICKET] and refused["duplicates_confirmed"] == []
    assert (refused["printer"], refused["user"], refused["sheets"]) == (
        str(second),
        clerk_name(),
        0,
    )

    assert main(["print", CLAIMED_TWICE, "--to-pdf", str(second), "--confirm-duplicates"]) == 0
    assert f"{AIR_TICKET}: claimed before, printed anyway" in capsys.readouterr().err
    printed = audit_prints()[0]
    assert printed["state"] == "completed" and printed["duplicates_confirmed"] == [AIR_TICKET]
    # the refusal is audited in a print's shape: what would have printed, and how
    assert refused.keys() == printed.keys()
    same = ("files", "printer", "copies", "layout", "pages", "duplex", "grayscale", "user")
    assert [refused[k] for k in same] == [printed[k] for k in same]
    assert refused["print_id"] and refused["print_id"] != printed["print_id"]


def test_a_guid_that_does_not_open_is_a_refused_print_in_the_audit(tmp_path, capsys):
    out = tmp_path / "none.pdf"
    assert main(["print", "f" * 32, "--to-pdf", str(out), "--copies", "2", "--layout", "fit"]) == 3
    assert "demo source only knows" in capsys.readouterr().err
    refused = audit_prints()[0]
    assert (refused["state"], refused["guid"], refused["via"], refused["files"]) == (
        "refused", "f" * 32, "cli", [])  # fmt: skip
    assert (refused["printer"], refused["copies"], refused["layout"]) == (str(out), 2, "fit")
    assert "demo source only knows" in refused["reason"] and refused["print_id"]


def test_opening_elsewhere_is_not_claiming(tmp_path, capsys):
    assert main(["invoices", TRAVEL]) == 0  # opened, never printed
    assert main(["print", CLAIMED_TWICE, "--to-pdf", str(tmp_path / "out.pdf")]) == 0


def test_the_pdf_and_the_ofd_of_one_invoice_print_once(tmp_path, capsys):
    out = tmp_path / "formats.pdf"
    assert main(["print", THREE_FORMATS, "--to-pdf", str(out)]) == 0
    err = capsys.readouterr().err
    assert (
        "发票_25442000000456700001.ofd: left out, the same invoice as 发票_25442000000456700001.pdf"
        in err
    )
    entry = audit_prints()[0]
    assert entry["files"] == ["发票_25442000000456700001.pdf", "发票_25442000000456700002.ofd"]
    assert qr_codes(pymupdf.open(out)[0]) == [THREE_FORMATS]


def test_the_cover_lists_and_sums_only_what_prints(qapp):
    settings = Settings()
    cache, fetch = open_guid(settings, TRAVEL)
    manifest = fetch.run(lambda *a: None, CancelToken()).data
    listing = read_invoices(settings, manifest, cache.blob_path)
    everything = make_order(TRAVEL, manifest.files, listing, via="window")
    text = pymupdf.open(stream=cover_pdf(everything))[0].get_text()
    assert "合计（2 张）" in text and "¥2,248.00" in text
    unticked = [f for f in manifest.files if f.name != AIR_TICKET]
    text = pymupdf.open(stream=cover_pdf(make_order(TRAVEL, unticked, listing, via="window")))[
        0].get_text()  # fmt: skip
    assert "合计（1 张）" in text and "¥968.00" in text and "25442000000123456789" not in text
    damaged = [replace(f, problem="damaged") if f.name == AIR_TICKET else f
               for f in manifest.files]  # fmt: skip
    order = make_order(TRAVEL, damaged, listing, via="window")
    assert AIR_TICKET not in [f.name for f in order.files]
    assert "合计（1 张）" in pymupdf.open(stream=cover_pdf(order))[0].get_text()


def test_without_a_cover_the_invoices_are_still_read_and_registered(tmp_path):
    assert main(["print", TRAVEL, "--to-pdf", str(tmp_path / "a.pdf"), "--no-cover"]) == 0
    assert main(["print", CLAIMED_TWICE, "--to-pdf", str(tmp_path / "b.pdf")]) == 11
