"""What is on an invoice: the fields, where each came from, and where sources disagree.

Every reader (数电票 XML, OFD tags, QR code, PDF text) produces a ``Reading``: a
plain dict of normalised values. ``combine`` takes readings best first, keeps the
first value of each field and lists every field on which a later source says
something else, so a QR code that contradicts the printed text is never hidden.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from fps_desktop.errors import QT_TRANSLATE_NOOP
from fps_desktop.invoices.kinds import OTHER, face_text, narrowest


class Source(enum.StrEnum):
    XML = "xml"  # the 数电票 / e-invoice XML, alone or inside an OFD
    OFD = "ofd"  # OFD document data (CustomData, tagged text)
    QR = "qr"  # the QR code printed on the invoice
    TEXT = "text"  # the PDF text layer
    WORDS = "words"  # the total as printed in words (大写), a check on the figures
    OCR = "ocr"  # the text of a photo or scan, read by the OCR: to be checked by eye
    OCR_WORDS = "ocr-words"  # the 大写 total of a photo, a check on the OCR's figures
    CLERK = "clerk"  # typed by the clerk off the paper (``corrections``)


FIELD_NAMES = (
    "kind", "code", "number", "date", "buyer", "buyer_tax_id", "seller", "seller_tax_id",
    "amount", "tax", "total", "check_code", "passenger", "trip", "red_letter",
)  # fmt: skip
AMOUNT_FIELDS = ("amount", "tax", "total")
KEY_FIELDS = ("code", "number", "date", "total")  # what the sum and the duplicate check use
OCR_SOURCES = (Source.OCR.value, Source.OCR_WORDS.value)

NO_FIELDS_SCAN = QT_TRANSLATE_NOOP(
    "Invoices", "No text layer and no readable QR code (a scan?): fields are empty."
)
NO_FIELDS = QT_TRANSLATE_NOOP("Invoices", "Nothing on this file reads as an invoice.")
NO_NUMBER_READ = QT_TRANSLATE_NOOP(
    "Invoices", "No invoice number read from the picture: type it off the paper (F2)."
)

Reading = dict[str, str]


@dataclass
class Conflict:
    """One field on which two sources disagree."""

    field: str
    values: dict[str, str]  # source -> value, the one kept first

    def describe(self) -> str:
        shown = ", ".join(f"{source}: {value}" for source, value in self.values.items())
        return f"{self.field} ({shown})"


@dataclass
class InvoiceFields:
    """Every field of §1 of one file; ``""`` means not found. Amounts are decimal strings."""

    file: str = ""
    format: str = ""  # pdf, ofd, xml, image
    kind: str = ""
    code: str = ""
    number: str = ""
    date: str = ""  # YYYY-MM-DD
    buyer: str = ""
    buyer_tax_id: str = ""
    seller: str = ""
    seller_tax_id: str = ""
    amount: str = ""
    tax: str = ""
    total: str = ""
    check_code: str = ""
    passenger: str = ""  # on a ticket: who travelled
    trip: str = ""  # on a ticket: train or flight, from, to, when
    red_letter: bool = False
    sources: dict[str, str] = field(default_factory=dict)  # field -> Source
    conflicts: list[Conflict] = field(default_factory=list)
    problem: str = ""  # why fields are empty or doubtful, a translatable template
    entered_by: str = ""  # the clerk who typed some of the values, when one did

    @property
    def found(self) -> bool:
        return bool(self.number)

    @property
    def needs_look(self) -> bool:
        """Without number or total, the invoice cannot be summed or checked; with one of
        them read by the OCR, it may be misread until the clerk confirms it."""
        return not (self.number and self.total) or any(name in KEY_FIELDS for name in self.from_ocr)

    @property
    def from_ocr(self) -> list[str]:
        """The fields read by the OCR and not yet confirmed by the clerk."""
        return [name for name, source in self.sources.items() if source in OCR_SOURCES]

    @property
    def sums_wrong(self) -> bool:
        """金额 + 税额 ≠ 价税合计: something was misread, typed wrong or printed wrong."""
        if not (self.amount and self.tax and self.total):
            return False
        return Decimal(self.amount) + Decimal(self.tax) != Decimal(self.total)

    @property
    def entered(self) -> list[str]:
        """The fields the clerk typed."""
        return [name for name, source in self.sources.items() if source == Source.CLERK]

    @property
    def key(self) -> str:
        """The strong key of the register: ``code|number``, upper-cased, no spaces."""
        return invoice_key(self.code, self.number)

    @property
    def source(self) -> str:
        """The best source any field came from (what the JSON's ``source`` says)."""
        used = set(self.sources.values())
        return next((s.value for s in Source if s.value in used), "")

    def total_decimal(self) -> Decimal | None:
        return Decimal(self.total) if self.total else None


def invoice_key(code: str, number: str) -> str:
    if not number:
        return ""
    return f"{code}|{number}".upper().replace(" ", "")


def combine(file: str, fmt: str, readings: list[tuple[Source, Reading]]) -> InvoiceFields:
    """Merge readings given best first; the first value wins, differences are listed."""
    result = InvoiceFields(file=file, format=fmt)
    seen: dict[str, dict[str, str]] = {}
    for source, reading in readings:
        for name in FIELD_NAMES:
            value = reading.get(name, "")
            if value == "":
                continue
            seen.setdefault(name, {})
            if source.value not in seen[name]:
                seen[name][source.value] = value
    for name, by_source in seen.items():
        first_source, first_value = next(iter(by_source.items()))
        if name == "red_letter":
            result.red_letter = any(v == "true" for v in by_source.values())
            result.sources[name] = first_source
            continue
        if name == "kind" and (narrow := narrowest(list(by_source.values()))):
            first_source, first_value = next((s, v) for s, v in by_source.items() if v == narrow)
            by_source = {first_source: first_value}
        setattr(result, name, first_value)
        result.sources[name] = first_source
        if len(set(by_source.values())) > 1:
            result.conflicts.append(Conflict(name, by_source))
    if result.total.startswith("-"):
        result.red_letter = True
    if not result.kind and result.number:
        result.kind = guess_kind(result.code, result.number)
    return result


def guess_kind(code: str, number: str) -> str:
    """The kind a bare number tells: 20 digits and no code is a 数电票."""
    if len(number) == 20 and not code:
        return "digital"
    if len(code) in (10, 12):
        return "ordinary"
    return OTHER


# -- normalisers shared by the readers -------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s*[-年/.]?\s*(\d{1,2})\s*[-月/.]?\s*(\d{1,2})")


def norm_date(text: str) -> str:
    """``2025年08月19日``, ``2025-08-19 10:00:00``, ``20250819`` -> ``2025-08-19``."""
    match = _DATE.search(text or "")
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def norm_amount(text: str) -> str:
    """``¥1,280.00`` / ``-968`` -> ``1280.00`` / ``-968.00``; nonsense -> ``""``."""
    cleaned = re.sub(r"[¥￥,\s，元]", "", text or "")
    cleaned = cleaned.replace("－", "-").replace("—", "-")
    if not cleaned:
        return ""
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return ""
    if not value.is_finite():
        return ""
    return str(value.quantize(Decimal("0.01")))


def norm_id(text: str) -> str:
    """Tax IDs, codes, numbers: no spaces, upper case, full-width digits as ASCII."""
    return re.sub(r"\s+", "", face_text(text or "")).upper()


def norm_spaces(text: str) -> str:
    return " ".join((text or "").split())


def norm_name(text: str) -> str:
    """Names folded alike whatever the source: look-alikes as NFKC, brackets full-width."""
    return re.sub(r"\s+", "", face_text(text or "")).replace("(", "（").replace(")", "）")


CLEANERS = {
    "kind": str, "code": norm_id, "number": norm_id, "date": norm_date, "check_code": norm_id,
    "buyer": norm_name, "seller": norm_name, "buyer_tax_id": norm_id, "seller_tax_id": norm_id,
    "amount": norm_amount, "tax": norm_amount, "total": norm_amount,
    "passenger": norm_name, "trip": norm_spaces,
}  # fmt: skip


def clean(reading: Reading) -> Reading:
    """Every field normalised (dates, amounts, IDs, names); empty ones dropped."""
    cleaned = {name: CLEANERS[name](value) for name, value in reading.items() if name in CLEANERS}
    return {name: value for name, value in cleaned.items() if value}
