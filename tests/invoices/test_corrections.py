"""The clerk's values for a photo the app could not read: checked, kept with the GUID,
counted in the sum, the cover, the list and the duplicate register."""

import json

import pymupdf
import pytest

from fps_desktop.errors import UsageError
from fps_desktop.invoices.corrections import CorrectionStore, checked
from fps_desktop.invoices.cover import cover_sheet_pdf
from fps_desktop.invoices.listing import invoices_job, row_notes
from fps_desktop.invoices.register import open_register
from fps_desktop.jobs import CancelToken
from tests.invoices import layouts
from tests.invoices.test_tickets import _folder_guid


def test_typed_values_are_normalised_and_a_wrong_one_is_named():
    assert checked({"number": " 3071 2345 ", "date": "2025年2月4日", "total": "¥1,280"}) == {
        "number": "30712345", "date": "2025-02-04", "total": "1280.00"}  # fmt: skip
    assert checked({"number": "", "total": "56"}) == {"total": "56.00"}
    assert checked({"kind": "taxi", "total": "56"}) == {"kind": "taxi", "total": "56.00"}
    assert checked({"kind": "no such kind"}) == {}
    with pytest.raises(UsageError) as refused:
        checked({"date": "yesterday"})
    assert refused.value.message == "“yesterday” is not a date, such as 2025-01-08."
    with pytest.raises(UsageError):
        checked({"number": "NO.12"})


def test_corrections_are_kept_per_guid_by_file_and_forgotten_when_emptied(tmp_path):
    store = CorrectionStore(tmp_path)
    store.save("g" * 32, "sha1", {"total": "56.00"}, "李会计")
    saved = json.loads((tmp_path / "corrections" / f"{'g' * 32}.json").read_text("utf-8"))
    assert saved["version"] == 1 and saved["files"]["sha1"]["by"] == "李会计"
    assert store.load("g" * 32)["sha1"].values == {"total": "56.00"}
    store.save("g" * 32, "sha1", {}, "李会计")
    assert store.load("g" * 32) == {} and store.load("h" * 32) == {}


def _listing(settings, manifest, cache):
    job = invoices_job(settings, manifest, cache.blob_path, "王会计")
    return job.run(lambda *a: None, CancelToken()).data


def test_a_photo_without_qr_code_needs_a_look_until_the_clerk_types_its_values(tmp_path, settings):
    paper = layouts.photo(layouts.toll_invoice(), "JPEG", dpi=30)  # too coarse to read
    rail = layouts.rail_ticket()
    cache, manifest = _folder_guid(tmp_path, settings, {
        "invoices/toll-photo.jpg": paper.data, f"invoices/{rail.name}": rail.data})  # fmt: skip
    listing = _listing(settings, manifest, cache)
    photo = next(r for r in listing.rows if r.fields.file == "toll-photo.jpg")
    assert photo.fields.needs_look and listing.total == 377
    assert [r.fields.file for r in listing.needing_look] == ["toll-photo.jpg"]
    cover = pymupdf.open("pdf", cover_sheet_pdf(listing, "王会计", 0, 2))[0].get_text()
    assert "1 张待核" in cover  # never a silent sum
    values = checked({"number": "30712345", "date": "2025-02-14", "total": "100"})
    CorrectionStore(settings.paths.data_dir).save(manifest.guid, photo.sha256, values, "王会计")
    listing = _listing(settings, manifest, cache)
    photo = next(r for r in listing.rows if r.fields.file == "toll-photo.jpg")
    assert (photo.fields.number, photo.fields.total, photo.fields.entered_by) == (
        "30712345", "100.00", "王会计")  # fmt: skip
    assert photo.fields.sources["total"] == "clerk" and not photo.fields.problem
    assert listing.total == 477 and not listing.needing_look
    typed = {"by": "王会计", "values": "30712345 · 2025-02-14 · 100.00"}
    assert ("Entered by {by}: {values}", typed) in row_notes(photo)
    cover = pymupdf.open("pdf", cover_sheet_pdf(listing, "王会计", 0, 2))[0].get_text()
    assert "手填:王会计" in cover and "¥477.00" in cover
    typed = [entry for entry in listing.to_json()["invoices"] if entry["entered_by"]]
    assert [entry["file"] for entry in typed] == ["toll-photo.jpg"]


def test_a_typed_number_is_checked_against_the_register_like_a_read_one(tmp_path, settings):
    toll = layouts.toll_invoice()
    cache, first = _folder_guid(tmp_path, settings, {"invoices/toll.pdf": toll.data})
    _listing(settings, first, cache)  # the e-invoice, claimed in one GUID
    paper = layouts.photo(toll, "PNG", dpi=50)
    cache, second = _folder_guid(tmp_path, settings, {"invoices/photo.png": paper.data},
                                 "9" * 32)  # fmt: skip
    sha = second.files[0].sha256
    values = checked({"code": "044002000111", "number": "30712345", "total": "100.00"})
    CorrectionStore(settings.paths.data_dir).save(second.guid, sha, values, "王会计")
    (row,) = _listing(settings, second, cache).rows
    ((match,),) = [row.duplicates]
    assert (match.other.guid, match.other.file) == (first.guid, "toll.pdf")
    register = open_register(settings)
    assert register.count() == 2
    register.close()
