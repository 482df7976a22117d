"""Fields from invoice XML: the 数电票 ``EInvoice`` and the older ``eInvoice`` inside OFDs.

XML from outside is parsed with defusedxml: no DTDs, no entity expansion, no
external resources, and a size cap, so a hostile file is refused, not obeyed.
"""

from __future__ import annotations

import logging
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError
from fps_desktop.invoices.fields import Reading, clean
from fps_desktop.invoices.kinds import face_text, kind_from_text
from fps_desktop.invoices.qr import parse_qr_text

log = logging.getLogger(__name__)

MAX_XML_BYTES = 8 * 1024 * 1024

# local element name -> field, best first where several name the same field
_TAGS: dict[str, tuple[str, ...]] = {
    "number": ("InvoiceNumber", "InvoiceNo", "EIid"),
    "code": ("InvoiceCode",),
    "date": ("IssueTime", "IssueDate", "RequestTime"),
    "buyer": ("BuyerName",),
    "buyer_tax_id": ("BuyerIdNum", "BuyerTaxID"),
    "seller": ("SellerName",),
    "seller_tax_id": ("SellerIdNum", "SellerTaxID"),
    "amount": ("TotalAmWithoutTax", "TaxExclusiveTotalAmount"),
    "tax": ("TotalTaxAm", "TaxTotalAmount"),
    "total": ("TotalTax-includedAmount", "TaxInclusiveTotalAmount"),
    "check_code": ("InvoiceCheckCode", "CheckCode"),
}

_KIND_LABELS = {"LabelName", "InvoiceTypeName", "EInvoiceName"}


def parse_xml(data: bytes, what: str = "XML") -> Element:
    """Parse untrusted XML or raise a DocumentError that says why; ``what`` is for the log."""
    if len(data) > MAX_XML_BYTES:
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError", "The invoice XML is too large to be an invoice ({mb} MB)."
            ),
            mb=len(data) // (1024 * 1024),
        )
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        log.warning("refused %s: %s", what, exc)
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "The invoice XML was refused: it declares entities or a DTD, which invoices "
                "never need and attacks use.",
            )
        ) from exc
    except SafeET.ParseError as exc:
        raise DocumentError(
            QT_TRANSLATE_NOOP(
                "FpsError", "The invoice XML is damaged and cannot be read ({detail})."
            ),
            detail=str(exc)[:80],
        ) from exc


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def is_invoice_xml(root: Element) -> bool:
    return local(root.tag).lower() == "einvoice"


def _digital_kind(root: Element) -> str:
    """专用 or 普通 (or a ticket) is only a label name in a 数电票 XML, when it is there."""
    labels = [face_text(e.text or "").strip() for e in root.iter() if local(e.tag) in _KIND_LABELS]
    found = [kind_from_text(f"电子发票({label})") or kind_from_text(label) for label in labels]
    return next((kind for kind in found if kind), "digital")


def read_invoice_xml(root: Element) -> Reading:
    """Fields of an ``EInvoice`` / ``eInvoice`` tree (namespaces ignored)."""
    texts: dict[str, str] = {}
    red = False
    for element in root.iter():
        name = local(element.tag)
        text = (element.text or "").strip()
        if text and name not in texts:
            texts[name] = text
        if "红字" in text or name.lower().startswith("redinvoice"):
            red = True
    reading: Reading = {}
    for field_name, tags in _TAGS.items():
        for tag in tags:
            value = clean({field_name: texts.get(tag, "")}).get(field_name)
            if value:
                reading[field_name] = value
                break
    if "GraphCode" in texts:  # the QR text of the older e-invoice, stored in its XML
        from_qr = parse_qr_text(texts["GraphCode"])
        for name in ("code", "number", "check_code"):
            if from_qr.get(name) and not reading.get(name):
                reading[name] = from_qr[name]
    if local(root.tag) == "EInvoice" or "TaxSupervisionInfo" in texts:
        reading["kind"] = _digital_kind(root)
    if red or reading.get("total", "").startswith("-"):
        reading["red_letter"] = "true"
    return reading
