import io
import struct
import zipfile

import pymupdf
import pytest

from fps_desktop.documents.demo import DEMO_CASES, demo_file_bytes
from fps_desktop.formats.drawing import draw_qr
from fps_desktop.invoices.fields import NO_FIELDS, NO_FIELDS_SCAN, norm_amount, norm_date
from fps_desktop.invoices.qr import parse_qr_text
from fps_desktop.invoices.reader import read_invoice
from tests.invoices.conftest import CLAIMED_TWICE, THREE_FORMATS, TRAVEL, demo_ofd, ofdrw


def test_demo_pdf_fields_come_from_qr_and_text_and_agree():
    fields = read_invoice(demo_file_bytes(TRAVEL, "inv-1"), "a.pdf")
    assert (fields.number, fields.date, fields.total) == ("25442000000123456789", "2025-08-19",
                                                          "1280.00")  # fmt: skip
    assert fields.sources["number"] == "qr" and fields.sources["seller"] == "text"
    assert fields.seller == "广州白云机场商旅服务有限公司"
    assert fields.buyer_tax_id == "12440000MB2C12345X"
    assert (fields.amount, fields.tax) == ("1207.55", "72.45")
    assert fields.kind == "digital-ordinary" and not fields.conflicts and not fields.problem
    assert fields.key == "|25442000000123456789"


def test_a_qr_code_that_contradicts_the_text_is_reported():
    doc = pymupdf.open("pdf", demo_file_bytes(TRAVEL, "inv-1"))
    page = doc[0]
    page.draw_rect(pymupdf.Rect(20, 2, 78, 60), color=None, fill=(1, 1, 1))
    draw_qr(page, pymupdf.Rect(20, 2, 78, 60), "01,32,,25442000000123456789,9999.00,20250819,,0")
    fields = read_invoice(doc.tobytes(), "tampered.pdf")
    assert fields.total == "9999.00"  # the QR is the better source...
    (conflict,) = fields.conflicts  # ...but the printed total is not hidden
    assert conflict.field == "total" and conflict.values == {"qr": "9999.00", "text": "1280.00"}


def test_a_scan_with_its_qr_code_still_reads_number_date_and_total():
    page = pymupdf.open("pdf", demo_file_bytes(TRAVEL, "inv-2"))[0]
    scan = pymupdf.open()
    scan.new_page(width=page.rect.width, height=page.rect.height).insert_image(
        page.rect, pixmap=page.get_pixmap(dpi=200)
    )
    fields = read_invoice(scan.tobytes(), "scan.pdf")
    assert (fields.number, fields.total, fields.source) == ("25442000000123456790", "968.00",
                                                            "qr")  # fmt: skip
    assert fields.seller == ""  # no text layer: the seller cannot be read, and that is said


def test_a_scan_without_qr_code_has_empty_fields_and_says_so():
    scan = pymupdf.open()
    page = scan.new_page()
    page.insert_image(page.rect, pixmap=pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 80)))
    fields = read_invoice(scan.tobytes(), "photo.pdf")
    assert not fields.found and fields.problem == NO_FIELDS_SCAN


def test_a_photographed_invoice_reads_from_its_qr_code():
    page = pymupdf.open("pdf", demo_file_bytes(TRAVEL, "inv-1"))[0]
    fields = read_invoice(page.get_pixmap(dpi=150).tobytes("png"), "photo.png")
    assert fields.number == "25442000000123456789" and fields.format == "image"


def test_the_digital_invoice_xml_is_the_best_source():
    fields = read_invoice(demo_file_bytes(THREE_FORMATS, "inv-1-xml"), "a.xml")
    assert fields.kind == "digital" and fields.source == "xml"
    assert (fields.number, fields.date, fields.total, fields.tax) == (
        "25442000000456700001", "2025-11-03", "5830.00", "330.00")  # fmt: skip
    assert fields.seller_tax_id == "91440101MA9X45678K" and fields.buyer == "香港科技大学（广州）"


def test_ofd_fields_from_the_attached_xml_and_the_document_data():
    fields = read_invoice(ofdrw("999.ofd"), "999.ofd")
    assert (fields.code, fields.number, fields.total, fields.check_code) == (
        "050001700111", "12235358", "10600.00", "16630282980991510014")  # fmt: skip
    assert fields.key == "050001700111|12235358" and fields.source == "xml"
    demo = read_invoice(demo_ofd(), "demo.ofd")
    assert demo.number == "25442000000456700001" and demo.total == "5830.00"


def test_an_ofd_with_a_broken_tag_file_still_reads_from_its_other_parts():
    fields = read_invoice(ofdrw("1.ofd"), "1.ofd")
    assert fields.number == "83089647" and fields.seller == "兰溪市悦济舫餐厅"


def test_red_letter_and_foreign_buyer_demo_invoices():
    red = read_invoice(demo_file_bytes(CLAIMED_TWICE, "inv-3"), "red.pdf")
    assert red.red_letter and red.total == "-968.00"
    other = read_invoice(demo_file_bytes(CLAIMED_TWICE, "inv-2"), "b.pdf")
    assert other.buyer == "广州某某贸易有限公司" and not other.red_letter


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<EInvoice><InvoiceNumber>&b;</InvoiceNumber></EInvoice>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<EInvoice><InvoiceNumber>&e;</InvoiceNumber></EInvoice>",
    ],
    ids=["entity-expansion", "external-entity"],
)
@pytest.mark.allow_log_warnings  # a hostile file is worth a warning in the log
def test_hostile_xml_is_refused_with_the_reason(payload):
    fields = read_invoice(payload, "evil.xml")
    assert not fields.found and "entities or a DTD" in fields.problem


def test_huge_and_broken_xml_are_refused():
    huge = read_invoice(b"<EInvoice>" + b" " * (9 * 1024 * 1024) + b"</EInvoice>", "big.xml")
    assert "too large" in huge.problem
    broken = read_invoice(b"<EInvoice><InvoiceNumber>1", "cut.xml")
    assert "damaged" in broken.problem


def test_every_demo_invoice_reads():
    for guid, case in DEMO_CASES.items():
        for index, invoice in enumerate(case.invoices, 1):
            fields = read_invoice(demo_file_bytes(guid, f"inv-{index}"), "x")
            assert fields.number == invoice.number, (guid, index)


def test_names_and_ids_are_folded_alike_from_every_source():
    from fps_desktop.invoices.fields import norm_id, norm_name

    written = "香港科技大学（广州）"
    assert norm_name("香港科技⼤学 (⼴州)") == norm_name(written) == written
    assert norm_id("９１４４ｍａ") == "9144MA"


def test_normalisers():
    assert norm_date("2025年8月9日") == "2025-08-09" and norm_date("20250809") == "2025-08-09"
    assert norm_date("2025-13-01") == "" and norm_amount("¥1,280.5") == "1280.50"
    assert norm_amount("-968") == "-968.00" and norm_amount("NaN") == ""
    assert parse_qr_text("01,10,050001700111,12235358,10000.00,20200805,1663,7257") == {
        "kind": "ordinary", "code": "050001700111", "number": "12235358",
        "date": "2020-08-05", "check_code": "1663", "amount": "10000.00"}  # fmt: skip
    assert parse_qr_text("https://example.com") == {}


def test_the_old_layout_reads_by_position_and_an_empty_buyer_tax_id_stays_empty():
    from fps_desktop.formats.ofd.painter import ofd_to_pdf

    fields = read_invoice(ofd_to_pdf(ofdrw("999.ofd")).pdf, "999.pdf")  # labels apart from values
    assert (fields.buyer, fields.buyer_tax_id) == ("个人", "")
    assert (fields.seller, fields.seller_tax_id) == ("财天下科技有限公司", "91500102563638729E")
    assert fields.sources["seller_tax_id"] == "text" and fields.code == "050001700111"
    assert (fields.amount, fields.tax, fields.total) == ("10000.00", "600.00", "10600.00")
    assert not fields.conflicts


def _deflate_broken(ofd: bytes) -> bytes:
    """The same package, every part's compressed data starting with an invalid block."""
    data = bytearray(ofd)
    for info in zipfile.ZipFile(io.BytesIO(ofd)).infolist():
        if info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size:
            name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
            # block type 3 is reserved: inflating fails at once
            data[info.header_offset + 30 + name_length + extra_length] = 0xFF
    return bytes(data)


def test_an_ofd_whose_parts_do_not_inflate_is_named_damaged():
    fields = read_invoice(_deflate_broken(demo_ofd()), "damaged.ofd")
    assert fields.problem == "The OFD file is damaged ({path})." and not fields.found


@pytest.mark.allow_log_warnings  # a file that cannot be read is worth a warning in the log
def test_a_pdf_whose_page_tree_lies_reads_as_no_fields():
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [] >>"]
    data, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o
                                                         for o in offsets)  # fmt: skip
    data += b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    fields = read_invoice(bytes(data), "damaged.pdf")
    assert fields.problem == NO_FIELDS and not fields.found


@pytest.mark.parametrize(
    "forged",
    [
        "not a dict",
        {"readings": [["made-up-source", {"number": "1"}]], "scanned": False},
        {"readings": [["qr"]], "scanned": False},
        {"problem": 42},
    ],
)
def test_a_worker_answer_of_the_wrong_shape_reads_as_nothing(forged):
    """A decoder taken over by a hostile file can hand back only plain data, and the app
    believes none of it unless it has the shape a reader gives."""
    from fps_desktop.invoices.reader import _checked_found

    readings, _, problem = _checked_found(forged)
    assert readings == [] and problem == NO_FIELDS


def test_a_worker_answer_keeps_only_known_fields_and_real_amounts():
    from fps_desktop.invoices.reader import _checked_found

    forged = {"number": "123", "total": "1e9999", "tax": "12.50", "evil": "x", "date": 7}
    readings, scanned, problem = _checked_found({"scanned": True, "readings": [["qr", forged]]})
    assert readings == [("qr", {"number": "123", "tax": "12.50"})]
    assert scanned and not problem
