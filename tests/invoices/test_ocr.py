"""Photos of paper invoices and tickets, read by the offline OCR in its worker process:
the values count, are marked as read by OCR and wait for the clerk's look."""

import math
from functools import partial

import pymupdf
import pytest

from fps_desktop.audit import AuditLog, described_changes
from fps_desktop.invoices.corrections import checked, enter
from fps_desktop.invoices.cover import cover_sheet_pdf
from fps_desktop.invoices.listing import InvoiceRow, row_notes
from fps_desktop.invoices.ocr import LINE_HEIGHT, READERS, words_of
from fps_desktop.invoices.pdf_text import page_rows
from fps_desktop.invoices.reader import read_invoice
from tests.invoices import layouts
from tests.invoices.test_corrections import _listing
from tests.invoices.test_tickets import _folder_guid

KEY = ("number", "date", "total")


@pytest.mark.parametrize(
    "make",
    [layouts.rail_ticket, layouts.digital_special, partial(layouts.fiscal_receipt, True)],
    ids=["rail", "digital-special", "medical"],
)
def test_a_photo_without_a_readable_qr_code_is_read_by_ocr_and_needs_a_look(make):
    sample = make()
    shot = layouts.paper_photo(sample, seed=len(sample.name))
    fields = read_invoice(shot.data, shot.name)
    assert {name: getattr(fields, name) for name in KEY} == {n: sample.truth[n] for n in KEY}
    assert fields.kind == sample.kind
    assert {fields.sources[name] for name in KEY} == {"ocr"}
    assert fields.needs_look and not fields.conflicts and not fields.sums_wrong
    notes = dict(row_notes(InvoiceRow(fields, "sha")))
    read = [sample.truth[n] for n in ("code", *KEY) if n in fields.from_ocr]
    assert notes["From OCR, check against the paper (F2): {values}"] == {"values": " · ".join(read)}


def test_a_misread_that_breaks_the_sums_is_flagged():
    # as if the OCR had read 10000.00 as 10080.00: amount + tax no longer make the total,
    # and the total in words disagrees
    printed = layouts.digital_special(total="10080.00")
    fields = read_invoice(layouts.paper_photo(printed, seed=3).data, "misread.jpg")
    assert fields.total == "10080.00" and fields.sums_wrong
    notes = [template for template, _ in row_notes(InvoiceRow(fields, "sha"))]
    assert any(t.startswith("Amount {amount} + tax {tax} is not the total") for t in notes)


@pytest.mark.allow_log_warnings  # the read stopped by its time limit
def test_a_photo_once_read_is_not_read_again_and_a_stopped_read_is_tried_again(monkeypatch):
    """A GUID opened again, or read again after the clerk typed a correction, costs no OCR:
    the lines are remembered by the photo's content. A read a limit stopped is not."""
    receipt = layouts.taxi_receipt()
    first, second = (layouts.paper_photo(receipt, seed, dpi=120) for seed in (41, 42))
    truth = receipt.truth["total"]
    assert read_invoice(first.data, first.name).total == truth
    monkeypatch.setattr(READERS, "time_limit", 0.001)  # from now on no photo is read in time
    assert read_invoice(first.data, "renamed.jpg").total == truth  # remembered by content
    assert read_invoice(second.data, second.name).total == ""  # stopped by the limit
    monkeypatch.undo()
    assert read_invoice(second.data, second.name).total == truth  # not remembered as empty


def test_lines_at_a_slant_are_levelled_into_rows_at_the_scale_of_pdf_words():
    angle = math.radians(4)

    def line(x, y, width, text, height=24):
        points = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
        turned = [[px * math.cos(angle) - py * math.sin(angle),
                   px * math.sin(angle) + py * math.cos(angle)] for px, py in points]  # fmt: skip
        return turned, text

    lines = [line(900, 100, 400, "发票号码：12345678"), line(100, 100, 500, "电子发票（普通发票）"),
             line(100, 160, 300, "合计"), line(700, 160, 200, "¥100.00")]  # fmt: skip
    words = words_of(lines)
    assert page_rows(words) == ["电子发票（普通发票） 发票号码：12345678", "合计 ¥100.00"]
    assert all(abs((w[3] - w[1]) - LINE_HEIGHT) < 2 for w in words)


def test_a_corrected_ocr_value_is_audited_and_shown_as_entered(tmp_path, settings):
    rail = layouts.rail_ticket()
    shot = layouts.paper_photo(layouts.toll_invoice(), seed=5)
    cache, manifest = _folder_guid(tmp_path, settings, {
        "invoices/toll.jpg": shot.data, f"invoices/{rail.name}": rail.data})  # fmt: skip
    listing = _listing(settings, manifest, cache)
    photo = next(r for r in listing.rows if r.fields.file == "toll.jpg")
    assert photo.fields.total == "100.00" and listing.total == 477
    assert [r.fields.file for r in listing.needing_look] == ["toll.jpg"]
    cover = pymupdf.open("pdf", cover_sheet_pdf(listing, "王会计", 0, 2))[0].get_text()
    assert "1 张待核" in cover and "待核" in cover
    values = checked({name: getattr(photo.fields, name) for name in ("code", *KEY)})
    values["total"] = "108.00"  # the clerk corrects one value and confirms the others
    enter(settings.paths, manifest.guid, photo.sha256, photo.fields, values, "王会计")
    (entry,) = [e for e in AuditLog(settings.paths).entries() if e["event"] == "correction"]
    assert (entry["guid"], entry["file"], entry["user"]) == (manifest.guid, "toll.jpg", "王会计")
    assert entry["changes"]["total"] == ["100.00", "108.00"]
    assert entry["changes"]["number"] == ["30712345", "30712345"]  # confirmed as read
    assert "total 100.00 → 108.00" in described_changes(entry)
    listing = _listing(settings, manifest, cache)
    photo = next(r for r in listing.rows if r.fields.file == "toll.jpg")
    assert not set(KEY) & set(photo.fields.from_ocr) and listing.total == 485
    assert not listing.needing_look and photo.fields.entered_by == "王会计"
    cover = pymupdf.open("pdf", cover_sheet_pdf(listing, "王会计", 0, 2))[0].get_text()
    assert "手填:王会计" in cover and "待核" not in cover


def test_tax_ids_of_a_photo_come_from_their_party_even_when_the_buyer_has_none():
    personal = layouts.digital_special("25442000000345678902", buyer="张老师", buyer_tax_id="")
    fields = read_invoice(layouts.paper_photo(personal, seed=1).data, "personal.jpg")
    assert (fields.buyer, fields.buyer_tax_id) == ("张老师", "")
    assert (fields.seller_tax_id, fields.sources["seller_tax_id"]) == ("91440106MA59C8XK3L", "ocr")
