import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import pymupdf
import pytest

from fps_desktop.errors import DocumentError
from fps_desktop.formats.drawing import MM
from fps_desktop.formats.ofd.painter import ofd_to_pdf
from fps_desktop.formats.ofd.seal import SEAL_MISSING, seal_picture
from tests.invoices.conftest import demo_ofd, ofdrw, red_share, rezip

SIGNED_SAMPLES = [("999.ofd", 5, 0), ("1.ofd", 1, 0), ("n.ofd", 2, 1), ("SESV4SignDoc.ofd", 1, 0)]


@pytest.mark.parametrize(("name", "pages", "signed_page"), SIGNED_SAMPLES)
def test_public_samples_become_pdf_pages_with_a_red_seal(name, pages, signed_page):
    conversion = ofd_to_pdf(ofdrw(name))
    assert conversion.pages == pages and not conversion.seal_problem
    assert conversion.signed_pages == conversion.sealed_pages == {signed_page}
    doc = pymupdf.open("pdf", conversion.pdf)
    assert doc.page_count == pages
    seal_area = _seal_rect(ofdrw(name))
    assert red_share(doc[signed_page], seal_area) > 0.02


def _seal_rect(data: bytes) -> pymupdf.Rect:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        name = next(n for n in package.namelist() if n.endswith("Signature.xml"))
        text = package.read(name).decode()
    x, y, w, h = (float(v) for v in text.split('Boundary="')[1].split('"')[0].split())
    return pymupdf.Rect(x, y, x + w, y + h) * MM


def test_the_invoice_text_comes_out_readable_in_a_cjk_font():
    doc = pymupdf.open("pdf", ofd_to_pdf(ofdrw("999.ofd")).pdf)
    text = doc[0].get_text()
    assert "财天下科技有限公司" in text and "12235358" in text


def test_the_demo_ofd_invoice_keeps_its_seal():
    conversion = ofd_to_pdf(demo_ofd())
    page = pymupdf.open("pdf", conversion.pdf)[0]
    assert conversion.sealed_pages == {0}
    assert red_share(page, pymupdf.Rect(152, 22, 190, 47) * MM) > 0.05
    assert "25442000000456700001" in page.get_text()


def test_a_signature_without_a_seal_picture_is_marked_not_printed_silently():
    broken = rezip(demo_ofd(), {"Doc_0/Signs/Sign_0/SignedValue.dat": bytes(300)})
    conversion = ofd_to_pdf(broken)
    assert conversion.signed_pages == {0} and conversion.sealed_pages == set()
    assert conversion.seal_problem == SEAL_MISSING


def test_seal_picture_is_found_in_both_ses_versions():
    with zipfile.ZipFile(io.BytesIO(ofdrw("SESV4SignDoc.ofd"))) as package:
        value = package.read("Doc_0/Signs/Sign_0/SignedValue.dat")
    assert seal_picture(value).startswith(b"\x89PNG")
    with zipfile.ZipFile(io.BytesIO(ofdrw("999.ofd"))) as package:
        value = package.read("Doc_0/Signs/Sign_0/SignedValue.dat")
    assert seal_picture(value).startswith(b"PK\x03\x04")  # the seal is an OFD itself
    assert seal_picture(b"\x30\x84\xff\xff\xff\xff") == b""


def test_a_zip_bomb_is_refused():
    bomb = rezip(demo_ofd(), {"Doc_0/Pages/Page_0/Content.xml": b"<a>" + b" " * (40 << 20)})
    with pytest.raises(DocumentError, match="zip bomb"):
        ofd_to_pdf(bomb)


def test_a_path_leading_outside_the_package_is_refused():
    hostile = rezip(demo_ofd(), {"../../evil.xml": b"<x/>"})
    with pytest.raises(DocumentError, match="outside"):
        ofd_to_pdf(hostile)
    sneaky = demo_ofd().replace(b"Sign_0/Signature.xml", b"../../../Signature.x")
    with pytest.raises(DocumentError):
        ofd_to_pdf(rezip(sneaky, {}))


def test_a_missing_font_falls_back_and_a_huge_image_is_left_out_with_a_note():
    res = (
        '<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" '
        'BaseLoc="Res"><ofd:Fonts><ofd:Font ID="2" FontName="宋体"><ofd:FontFile>gone.ttf'
        '</ofd:FontFile></ofd:Font><ofd:Font ID="3" FontName="楷体"/><ofd:Font ID="4" '
        'FontName="Courier New"/></ofd:Fonts></ofd:Res>'
    ).encode()
    parts = {"Doc_0/PublicRes.xml": res, "Doc_0/Res/qr.png": _png_header(30000, 30000)}
    conversion = ofd_to_pdf(rezip(demo_ofd(), parts))
    page = pymupdf.open("pdf", conversion.pdf)[0]
    assert "发票号码" in page.get_text()
    assert any("too large" in note or "unreadable" in note for note in conversion.notes)
    assert any("unusable" in note for note in conversion.notes)


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


def test_not_an_ofd_is_refused_with_a_reason():
    with pytest.raises(DocumentError, match="not a valid package"):
        ofd_to_pdf(b"PK\x03\x04 garbage")
    with pytest.raises(DocumentError, match=r"no OFD\.xml"):
        ofd_to_pdf(rezip(demo_ofd(), {"OFD.xml": None}))


@pytest.mark.skipif(not os.environ.get("FPS_OFD_CORPUS"), reason="FPS_OFD_CORPUS not set")
def test_every_ofd_of_an_outside_corpus_converts_or_is_refused_with_a_reason():
    for path in sorted(Path(os.environ["FPS_OFD_CORPUS"]).glob("*.ofd")):
        try:
            conversion = ofd_to_pdf(path.read_bytes())
        except DocumentError as exc:
            assert exc.message, path
            continue
        assert pymupdf.open("pdf", conversion.pdf).page_count == conversion.pages, path


@pytest.mark.allow_log_warnings  # damaged drawings are logged with their traceback
def test_damaged_ofd_content_converts_or_is_refused_never_crashes():
    import random

    rng = random.Random(3)
    with zipfile.ZipFile(io.BytesIO(demo_ofd())) as package:
        content = package.read("Doc_0/Pages/Page_0/Content.xml")
    garbled = content.replace(b'X="0"', b'X="0,5"', 1)
    with pytest.raises(DocumentError, match="could not be drawn"):
        ofd_to_pdf(rezip(demo_ofd(), {"Doc_0/Pages/Page_0/Content.xml": garbled}))
    for _ in range(40):
        damaged = bytearray(content)
        for _ in range(5):
            damaged[rng.randrange(len(damaged))] = rng.choice(b'0.-x"<> ')
        try:
            ofd_to_pdf(rezip(demo_ofd(), {"Doc_0/Pages/Page_0/Content.xml": bytes(damaged)}))
        except DocumentError as exc:
            assert exc.message


def test_a_jbig2_qr_code_is_drawn_and_reads_back():
    from fps_desktop.invoices.reader import read_invoice

    conversion = ofd_to_pdf(ofdrw("1.ofd"))  # its QR code is a JBIG2 file
    assert not conversion.notes
    fields = read_invoice(conversion.pdf, "1.pdf")
    assert fields.sources["number"] == "qr" and fields.number == "83089647"
