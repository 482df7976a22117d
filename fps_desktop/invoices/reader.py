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
import re

import pymupdf
from pymupdf.mupdf import FzErrorBase  # what MuPDF raises for a damaged page, not RuntimeError

from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.formats.pdf import DECODERS
from fps_desktop.formats.sandbox import OutOfMemory, OutOfTime, SandboxError, WorkerCrashed
from fps_desktop.formats.sniff import FileKind, sniff_kind
from fps_desktop.formats.xml import parse_xml
from fps_desktop.invoices.fields import (
    AMOUNT_FIELDS,
    FIELD_NAMES,
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
MAX_VALUE = 500  # characters of one field or problem a worker may hand back
SOURCES = frozenset(source.value for source in Source)
_DECIMAL = re.compile(r"-?\d{1,15}(\.\d{1,4})?")

_NOT_READ = {  # why a worker gave no fields, by the limit the file broke
    OutOfMemory: QT_TRANSLATE_NOOP(
        "Invoices", "Too large once unpacked to read its fields: type them off the paper (F2)."),
    OutOfTime: QT_TRANSLATE_NOOP(
        "Invoices", "Reading its fields took too long: type them off the paper (F2)."),
    WorkerCrashed: QT_TRANSLATE_NOOP(
        "Invoices", "Its fields could not be read (a damaged file): type them off the paper (F2)."),
}  # fmt: skip


def read_invoice(data: bytes, name: str = "", ocr: bool = True) -> InvoiceFields:
    """Fields of one file; never raises for bad content: ``problem`` says what went wrong.

    The file is read in a decoder worker (``found_in``), so a file that would hang,
    exhaust or crash a decoder costs its own fields only. ``ocr=False`` leaves a photo
    or scan to its QR code: an attachment (an approval form, a screenshot) is not worth
    a second of OCR, and printing waits for the fields."""
    kind = sniff_kind(data[:2048], name)
    fmt = kind.value if kind != FileKind.UNKNOWN else ""
    if kind not in _READERS:
        return InvoiceFields(file=name, format=fmt, problem=NO_FIELDS)
    try:
        answer = DECODERS.run(found_in, data, kind, name, ocr)
    except SandboxError as exc:
        log.warning("invoice %s: its fields were not read: %s", name, exc)
        return InvoiceFields(
            file=name, format=fmt, problem=_NOT_READ.get(type(exc), _NOT_READ[WorkerCrashed])
        )
    found, page = answer if isinstance(answer, tuple) else (None, b"")
    readings, scanned, problem = _checked_found(found)
    if problem:
        return InvoiceFields(file=name, format=fmt, problem=problem)
    ocr_missing = False
    if ocr and scanned and not _complete(readings):
        picture = data if kind == FileKind.IMAGE else page
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


def found_in(data: bytes, kind: FileKind, name: str, ocr: bool) -> tuple[dict, bytes]:
    """In a decoder worker: every reading of the file, whether it is a scan, and, for a
    scanned PDF whose readings are not complete, its first page as a picture for the OCR."""
    try:
        readings = _READERS[kind](data, name)
    except DocumentError as exc:
        log.info("invoice %s: %s", name, exc.message)
        return {"problem": exc.template}, b""
    except (ValueError, RuntimeError, KeyError, IndexError, OverflowError, FzErrorBase):
        log.warning("invoice %s could not be read", name, exc_info=True)
        return {"problem": NO_FIELDS}, b""
    no_text = not any(source == Source.TEXT for source, _ in readings)
    scanned = kind == FileKind.IMAGE or (kind == FileKind.PDF and no_text)
    wanted = ocr and kind == FileKind.PDF and scanned and not _complete(readings)
    page = _first_page_png(data) if wanted else b""
    return {"readings": [[source.value, reading] for source, reading in readings],
            "scanned": scanned}, page  # fmt: skip


def _checked_found(found: object) -> tuple[list[tuple[Source, Reading]], bool, str]:
    """What a worker read, kept only where it has the shape readers give: known sources,
    known fields, short strings. Anything else reads as nothing on the file."""
    if not isinstance(found, dict):
        return [], False, NO_FIELDS
    problem = found.get("problem")
    if problem is not None:
        return [], False, problem[:MAX_VALUE] if isinstance(problem, str) else NO_FIELDS
    readings: list[tuple[Source, Reading]] = []
    for item in found.get("readings", []) if isinstance(found.get("readings"), list) else []:
        if not (isinstance(item, list) and len(item) == 2 and item[0] in SOURCES
                and isinstance(item[1], dict)):  # fmt: skip
            return [], False, NO_FIELDS
        readings.append((Source(item[0]), _checked_reading(item[1])))
    return readings, found.get("scanned") is True, ""


def _checked_reading(reading: dict) -> Reading:
    """The known fields of one reading; an amount only if it is a decimal number."""
    return {key: value for key, value in reading.items()
            if key in FIELD_NAMES and isinstance(value, str) and len(value) <= MAX_VALUE
            and (key not in AMOUNT_FIELDS or _DECIMAL.fullmatch(value))}  # fmt: skip


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
