"""Every ticket a university reimburses: rail, air, toll, 数电专票, fiscal and medical
receipts — drawn in their real layouts (``layouts.py``) and read field by field."""

import csv
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from fps_desktop.cli import main
from fps_desktop.config import Paths, Settings
from fps_desktop.documents.models import FileRole
from fps_desktop.documents.sources import FolderSource
from fps_desktop.documents.workspace import cache_from_settings, fetch_job
from fps_desktop.formats.drawing import write_text
from fps_desktop.invoices.cover import cover_sheet_pdf
from fps_desktop.invoices.listing import InvoiceRow, list_invoices, row_notes, write_csv
from fps_desktop.invoices.reader import read_invoice
from fps_desktop.invoices.register import open_register
from fps_desktop.jobs import CancelToken
from tests.invoices import layouts
from tests.invoices.conftest import THREE_FORMATS

UNIVERSITY = (layouts.UNIVERSITY, layouts.UNIVERSITY_TAX_ID)


@pytest.mark.parametrize("make", layouts.SAMPLE_MAKERS,
                         ids=lambda make: getattr(make, "func", make).__name__)  # fmt: skip
def test_every_kind_reads_every_field_a_clerk_reads_by_eye(make):
    sample = make()
    fields = read_invoice(sample.data, sample.name)
    assert {name: getattr(fields, name) for name in sample.truth} == sample.truth
    assert not fields.conflicts  # 电⼦ (a look-alike) and 电子 are one title: no "disagree"


def test_a_rail_ticket_is_its_fare_tax_inclusive_and_its_kind_is_rail():
    fields = read_invoice(layouts.rail_ticket(fare="377.00").data, "t.pdf")
    assert (fields.kind, fields.total, fields.amount) == ("rail", "377.00", "")
    assert fields.sources["total"] == "qr"  # type 51 carries the fare; the text agrees


def test_the_buyer_tax_id_is_never_taken_from_the_seller():
    personal = layouts.digital_special("25442000000345678903", buyer="张老师", buyer_tax_id="")
    fields = read_invoice(personal.data, "p.pdf")
    assert (fields.buyer, fields.buyer_tax_id) == ("张老师", "")
    assert fields.seller_tax_id == "91440106MA59C8XK3L"


def test_amounts_that_do_not_add_up_are_flagged():
    sample = layouts.digital_special(amount="8849.56", tax="1150.44", total="10010.00")
    row = InvoiceRow(read_invoice(sample.data, sample.name), "sha")
    assert row.fields.sums_wrong
    (note,) = [params for template, params in row_notes(row) if template.startswith("Amount")]
    assert note == {"amount": "8849.56", "tax": "1150.44", "total": "10010.00"}
    assert not read_invoice(layouts.digital_special().data, "ok.pdf").sums_wrong


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "TIFF", "BMP", "GIF"])
def test_photos_in_every_picture_format_read_number_date_and_total_from_the_qr(fmt):
    shot = layouts.photo(layouts.rail_ticket(), fmt)
    fields = read_invoice(shot.data, shot.name)
    assert (fields.kind, fields.number, fields.date, fields.total) == (
        "rail", "25449165100001234567", "2025-01-08", "377.00")  # fmt: skip
    assert fields.format == "image" and fields.source == "qr"


def test_a_heic_phone_photo_of_a_ticket_reads_from_its_qr_code():
    photo = Path(__file__).parents[1] / "corpus" / "heic" / "rail-ticket.heic"
    fields = read_invoice(photo.read_bytes(), photo.name)
    assert (fields.kind, fields.number, fields.total) == ("rail", "25449165100001234567", "377.00")


def _folder_guid(root, settings, files: dict[str, bytes], guid: str = "7" * 32) -> tuple:
    """``files`` on a share at ``root``, fetched as the GUID ``guid``."""
    for relative, data in files.items():
        path = root / guid / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    cache = cache_from_settings(settings)
    manifest = fetch_job(cache, FolderSource(root), guid).run(lambda *a: None, CancelToken())
    return cache, manifest.data


def traveller(tmp_path, settings):
    """A trip: two train tickets, a toll, a 数电专票 in ``invoices/``; the flight's
    itinerary filed among the ``attachments/`` beside an approval form."""
    there, back = layouts.all_samples()[:2]
    approval = pymupdf.open()
    approval.new_page().insert_text((72, 72), "Travel approval form, signed.")
    files = {
        f"invoices/{there.name}": there.data,
        f"invoices/{back.name}": back.data,
        "invoices/toll.pdf": layouts.toll_invoice().data,
        "invoices/lab.pdf": layouts.digital_special().data,
        "attachments/itinerary.pdf": layouts.air_itinerary().data,
        "attachments/approval.pdf": approval.tobytes(),
    }
    return _folder_guid(tmp_path / "share", settings, files)


def test_a_travellers_guid_sums_fares_tolls_and_invoices_in_window_cover_and_csv(
    tmp_path, settings
):
    cache, manifest = traveller(tmp_path, settings)
    there = layouts.all_samples()[0]
    roles = {f.name: f.role for f in manifest.files}
    assert roles["toll.pdf"] == FileRole.INVOICE  # the README's folder word invoices/
    assert roles["itinerary.pdf"] == FileRole.ATTACHMENT  # ... and attachments/
    listing = list_invoices(manifest, cache.blob_path, None, UNIVERSITY)
    by_file = {row.fields.file: row for row in listing.rows}
    assert "approval.pdf" not in by_file  # an attachment with no invoice on it is no row
    assert by_file["itinerary.pdf"].attachment and by_file["itinerary.pdf"].fields.kind == "air"
    assert listing.total == pytest.approx(377 + 412.50 + 100 + 10000 + 1310)
    assert listing.count == 5 and not any(row.buyer_problem for row in listing.rows)
    out = tmp_path / "list.csv"
    write_csv(listing, out)
    lines = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    header, body, totals = lines[0], lines[1:-1], lines[-1]
    column = {name: header.index(name) for name in ("类型", "金额", "价税合计", "行程")}
    rail = next(line for line in body if line[column["类型"]] == "铁路电子客票")
    assert rail[column["价税合计"]] == "377.00" and rail[column["金额"]] == ""
    assert rail[column["行程"]] == "G1234 广州南→长沙南 2025-01-08 08:00"
    assert totals[column["价税合计"]] == "12199.50"
    entry = next(e for e in listing.to_json()["invoices"] if e["file"] == there.name)
    assert (entry["kind"], entry["kind_detail"], entry["kind_name"]) == ("other", "rail",
                                                                       "铁路电子客票")  # fmt: skip
    assert entry["passenger"] == "张三" and entry["total"] == "377.00"
    special = next(e for e in listing.to_json()["invoices"] if e["file"] == "lab.pdf")
    assert special["kind"] == "digital"  # what scripts have known, kept
    cover = pymupdf.open("pdf", cover_sheet_pdf(listing, "李会计", 1, 7))[0].get_text()
    assert "铁路电子客票" in cover and "通行费发票" in cover and "¥12,199.50" in cover
    assert "发票 5 张" in cover


def test_an_invoice_filed_among_the_attachments_is_in_the_duplicate_register(tmp_path, settings):
    register = open_register(settings)
    itinerary = layouts.air_itinerary().data
    cache, first = _folder_guid(tmp_path / "a", settings, {"attachments/flight.pdf": itinerary})
    list_invoices(first, cache.blob_path, register, clerk="li")
    register.record_printed(first.guid, [f.sha256 for f in first.files], "li")
    cache, second = _folder_guid(tmp_path / "b", settings, {"invoices/flight.pdf": itinerary},
                                 guid="8" * 32)  # fmt: skip
    (row,) = list_invoices(second, cache.blob_path, register, clerk="wang").rows
    register.close()
    assert row.is_duplicate and row.claims[0].other.guid == first.guid


def test_distinct_numbers_from_the_tax_system_are_never_suspected_look_alikes(tmp_path, settings):
    register = open_register(Settings(Paths.default(), site_files=[]))
    fuel = layouts.fuel_invoices(19)
    files = {f"invoices/fuel-{i}.pdf": s.data for i, s in enumerate(fuel)}
    firsts, rest = dict(list(files.items())[:10]), dict(list(files.items())[10:])
    cache, manifest = _folder_guid(tmp_path, settings, firsts)
    list_invoices(manifest, cache.blob_path, register, UNIVERSITY)
    cache, manifest = _folder_guid(tmp_path, settings, rest, "8" * 32)
    listing = list_invoices(manifest, cache.blob_path, register, UNIVERSITY)
    register.close()
    assert len(listing.rows) == 9
    assert not any(row.suspected or row.duplicates for row in listing.rows)
    assert not any(template.startswith("Suspected") for row in listing.rows
                   for template, _ in row_notes(row))  # fmt: skip


def test_a_digital_invoice_xml_is_data_not_a_file_left_out(tmp_path, capsys):
    out = tmp_path / "merged.pdf"
    assert main(["merge", THREE_FORMATS, "-o", str(out), "--strict"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_the_benchmark_of_fields_per_kind_runs_in_its_quick_mode():
    bench = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_invoices.py"
    done = subprocess.run([sys.executable, str(bench), "--parts", "kinds", "--quick"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "rail/total" in done.stdout and "photo-ocr taxi/total" in done.stdout
    assert "after: electronic kinds 72/72 right (100 %), 0 wrong; photos (QR) " in done.stdout
    assert "after: paper photos by OCR, number/date/total " in done.stdout
    assert " s CPU of one core (slowest " in done.stdout
    assert "look-alike warnings on 3 fuel invoices with distinct numbers: 0 " in done.stdout


def test_a_total_edited_in_figures_disagrees_with_the_total_in_words():
    doc = pymupdf.open("pdf", layouts.digital_special(total="10000.00").data)
    page = doc[0]
    page.add_redact_annot(pymupdf.Rect(20, 4, 84, 68))  # the QR code, gone
    page.add_redact_annot(pymupdf.Rect(460, 308, 640, 326))  # （小写）¥10000.00
    page.apply_redactions()
    write_text(page, (470, 320), "（小写）¥19000.00", 9)
    fields = read_invoice(doc.tobytes(), "edited.pdf")
    assert fields.total == "19000.00" and fields.sources["total"] == "text"
    (conflict,) = fields.conflicts
    assert conflict.field == "total" and conflict.values["words"] == "10000.00"


def test_a_kind_and_the_kinds_it_narrows_agree_and_two_unrelated_kinds_disagree():
    from fps_desktop.invoices.fields import Source, combine

    def kind_of_readings(*kinds):
        sources = (Source.QR, Source.TEXT)
        return combine(
            "x.pdf", "pdf", [(s, {"kind": k}) for s, k in zip(sources, kinds, strict=True)]
        )

    for pair in (("ordinary", "toll"), ("digital-ordinary", "toll"), ("digital", "toll"),
                 ("digital", "digital-special"), ("fiscal", "medical")):  # fmt: skip
        fields = kind_of_readings(*pair)
        assert fields.kind == pair[1] and not fields.conflicts
    fields = kind_of_readings("special", "rail")
    assert fields.kind == "special" and fields.conflicts[0].field == "kind"
