import pytest

from fps_desktop.documents.files import guess_role, role_from_label, safe_filename
from fps_desktop.documents.guid import normalize_guid
from fps_desktop.documents.models import FileRole
from fps_desktop.errors import UsageError
from fps_desktop.formats.images import read_frames
from fps_desktop.formats.sniff import FileKind, sniff_kind
from tests.documents.conftest import GUID

from fps_desktop.documents.demo import demo_file_bytes  # isort: skip


@pytest.mark.parametrize(
    "text",
    [
        "c965be9f9c1d449d9e50fed330150d7a",
        "  C965BE9F9C1D449D9E50FED330150D7A \n",
        "c965be9f-9c1d-449d-9e50-fed330150d7a",
        "{C965BE9F-9C1D-449D-9E50-FED330150D7A}",
    ],
)
def test_guid_forms_normalise_to_32_lowercase_hex(text):
    assert normalize_guid(text) == GUID


@pytest.mark.parametrize(
    "text", ["", "c965be9f", "c965be9f9c1d449d9e50fed330150d7g", "../../etc/passwd", GUID + "0"]
)
def test_bad_guids_are_refused_with_an_example(text):
    with pytest.raises(UsageError) as caught:
        normalize_guid(text)
    assert "32 hexadecimal digits" in caught.value.message


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("lpt1", "_lpt1"),
        ("a<b>c:d|e?.pdf", "a_b_c_d_e_.pdf"),
        ("report. ", "report"),
        ("..", "file"),
        ("名字\x00\x1b.pdf", "名字__.pdf"),
    ],
)
def test_server_file_names_become_safe_single_components(hostile, expected):
    assert safe_filename(hostile) == expected


def test_long_names_are_shortened_keeping_the_extension():
    name = safe_filename("发" * 300 + ".pdf")
    assert len(name) <= 120 and name.endswith(".pdf")


def test_kind_comes_from_content_not_name():
    assert sniff_kind(b"%PDF-1.7\n...") == FileKind.PDF
    assert sniff_kind(demo_file_bytes(GUID, "receipt")[:64]) == FileKind.IMAGE
    assert sniff_kind(b"<html>") == FileKind.UNKNOWN
    assert sniff_kind(b"II*\x00", "scan.dat") == FileKind.IMAGE
    assert sniff_kind(b"\x00\x00\x00\x18ftypheic", "IMG_0001") == FileKind.IMAGE


def test_a_damaged_header_falls_back_to_the_name():
    assert sniff_kind(b"\x00" * 64, "发票.pdf") == FileKind.PDF
    assert sniff_kind(b"\x00" * 64, "photo.JPG") == FileKind.IMAGE
    assert sniff_kind(b"PK\x03\x04", "notes.docx") == FileKind.UNKNOWN


def test_role_from_name_rules():
    assert guess_role("增值税发票_001.pdf") == FileRole.INVOICE
    assert guess_role("Invoice-2025.pdf") == FileRole.INVOICE
    assert guess_role("行程单.jpg") == FileRole.ATTACHMENT


def test_the_folder_and_category_words_in_both_languages_and_both_numbers():
    for word in ("invoice", "invoices", "Invoices ", "发票"):
        assert role_from_label(word) == FileRole.INVOICE
    for word in ("attachment", "attachments", "附件"):
        assert role_from_label(word) == FileRole.ATTACHMENT
    assert role_from_label("scans") is None and role_from_label(None) is None


def test_image_header_gives_upright_size_dpi_and_exif_turn():
    (frame,) = read_frames(demo_file_bytes(GUID, "receipt"), "receipt.jpg")
    assert (frame.width, frame.height, frame.dpi) == (473, 709, 150)
    assert frame.turn == 90
