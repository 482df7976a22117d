"""``read_invoice``: every field of one invoice file, from every source it carries.

The format is sniffed from the bytes (names lie) by the app's one sniffer,
``formats.sniff.sniff_kind``. Sources, best first: the
invoice XML (a 数电票 XML file, the XML attached to an OFD or embedded in a PDF),
OFD document data, the QR code, the PDF text layer; for a photo or a scan whose QR
code does not give number, date and total, the OCR (``ocr``), whose values wait for the
clerk's look.
"""

from __future__ import annotations

import logging

import pymupdf
from pymupdf.mupdf import FzErrorBase  # what MuPDF raises for a damaged page, not RuntimeError

from fps_desktop.errors import DocumentError
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.formats.sniff import FileKind, sniff_kind
from fps_desktop.formats.xml import parse_xml
from fps_desktop.invoices.fields import (
    NO_FIELDS,
    NO_FIELDS_SCAN,
    NO_NUMBER_READ,
    InvoiceFields,
    Reading,
    Source,
    combine,
)
from fps_desktop.invoices.ocr import NOT_AVAILABLE, OcrMissing, read_lines, words_of
from fps_desktop.invoices.ofd_fields import read_ofd_fields
from fps_desktop.invoices.pdf_text import (
    MIN_TEXT_CHARS,
    face_words,
    page_rows,
    party_blocks,
    read_text,
    read_words_total,
)
from fps_desktop.invoices.qr import read_image_qr, read_page_qr
from fps_desktop.invoices.xml_invoice import is_invoice_xml, read_invoice_xml

log = logging.getLogger(__name__)

SCAN_OCR_DPI = 200  # a scanned page drawn for the OCR: 9 pt text ~ 25 px high


def read_invoice(data: bytes, name: str = "", ocr: bool = True) -> InvoiceFields:
    """Fields of one file; never raises for bad content: ``problem`` says what went wrong.

    ``ocr=False`` leaves a photo or scan to its QR code: an attachment (an approval form,
    a screenshot) is not worth a second of OCR, and printing waits for the fields."""
    kind = sniff_kind(data[:2048], name)
    fmt = kind.value if kind != FileKind.UNKNOWN else ""
    try:
        readings = _READERS[kind](data, name) if kind in _READERS else []
    except DocumentError as exc:
        log.info("invoice %s: %s", name, exc.message)
        return InvoiceFields(file=name, format=fmt, problem=exc.template)
    except (ValueError, RuntimeError, KeyError, IndexError, OverflowError, FzErrorBase):
        log.warning("invoice %s could not be read", name, exc_info=True)
        return InvoiceFields(file=name, format=fmt, problem=NO_FIELDS)
    no_text = not any(source == Source.TEXT for source, _ in readings)
    scanned = kind == FileKind.IMAGE or (kind == FileKind.PDF and no_text)
    ocr_missing = False
    if ocr and scanned and not _complete(readings):
        picture = data if kind == FileKind.IMAGE else _first_page_png(data)
        try:
            readings += _ocr(picture, name) if picture else []
        except OcrMissing:
            ocr_missing = True
        except DocumentError as exc:
            log.info("invoice %s: no OCR: %s", name, exc.message)
    result = combine(name, fmt, readings)
    if not result.found:
        result.problem = NO_FIELDS_SCAN if scanned else NO_FIELDS
        if ocr_missing:
            result.problem = NOT_AVAILABLE
        elif result.from_ocr:
            result.problem = NO_NUMBER_READ
    return result


def _complete(readings: list[tuple[Source, Reading]]) -> bool:
    """Number, date and total all read (a 数电票's QR code has them; an older one's QR has
    the amount before tax only)."""
    found = {name for _, reading in readings for name in reading}
    return {"number", "date", "total"} <= found


def _ocr(data: bytes, name: str) -> list[tuple[Source, Reading]]:
    """The picture's text by OCR, read by the labels of the PDF text reader."""
    words = face_words(words_of(read_lines(data, name)))
    if not words:
        return []
    text = "\n".join(page_rows(words))
    return [(Source.OCR, read_text(text, party_blocks(words))),
            (Source.OCR_WORDS, read_words_total(text))]  # fmt: skip


def _first_page_png(data: bytes) -> bytes:
    """A scanned PDF's first page as a picture, for the OCR; ``b""`` when none can be drawn."""
    with mupdf_lock:
        try:
            with pymupdf.open("pdf", data) as doc:
                if doc.needs_pass or doc.page_count == 0:
                    return b""
                pix = doc[0].get_pixmap(dpi=SCAN_OCR_DPI, colorspace=pymupdf.csGRAY)
                return pix.tobytes("png")
        except (RuntimeError, ValueError):
            return b""


def _xml(data: bytes, name: str = "") -> list[tuple[Source, Reading]]:
    root = parse_xml(data, "XML file")
    return [(Source.XML, read_invoice_xml(root))] if is_invoice_xml(root) else []


def _ofd(data: bytes, name: str) -> list[tuple[Source, Reading]]:
    from_xml, from_ofd = read_ofd_fields(data)
    return [(Source.XML, from_xml), (Source.OFD, from_ofd)]


def _image(data: bytes, name: str) -> list[tuple[Source, Reading]]:
    return [(Source.QR, read_image_qr(data, name))]


def _pdf(data: bytes, name: str) -> list[tuple[Source, Reading]]:
    """Embedded XML, QR code and text of the first page (and totals from the last)."""
    readings: list[tuple[Source, Reading]] = []
    with mupdf_lock:
        try:
            doc = pymupdf.open("pdf", data)
        except (RuntimeError, ValueError):
            return []
        with doc:
            if doc.page_count == 0 or doc.needs_pass:
                return []
            embedded = _embedded_xml(doc)
            first = doc[0]
            words = face_words(first.get_text("words", sort=False))
            parties = party_blocks(words)
            rows = page_rows(words)
            if doc.page_count > 1:
                rows += page_rows(face_words(doc[-1].get_text("words", sort=False)))
            text = "\n".join(rows)
            has_text = len(text.replace(" ", "")) >= MIN_TEXT_CHARS
            qr = read_page_qr(first, whole_page=not has_text)
    for xml in embedded:
        try:
            readings.extend(_xml(xml))
        except DocumentError as exc:
            log.info("embedded XML ignored: %s", exc.message)
    readings.append((Source.QR, qr))
    if has_text:
        readings.append((Source.TEXT, read_text(text, parties)))
        readings.append((Source.WORDS, read_words_total(text)))
    return readings


def _embedded_xml(doc: pymupdf.Document) -> list[bytes]:
    found = []
    for index in range(doc.embfile_count()):
        info = doc.embfile_info(index)
        if str(info.get("filename", "")).lower().endswith(".xml") and info.get("size", 0) < 8e6:
            found.append(doc.embfile_get(index))
    return found


_READERS = {FileKind.PDF: _pdf, FileKind.OFD: _ofd, FileKind.XML: _xml, FileKind.IMAGE: _image}
