"""Fields from invoice XML: the 数电票 ``EInvoice`` and the older ``eInvoice`` inside OFDs.

XML from outside is parsed by ``formats.xml.parse_xml``, which refuses what attacks use.
"""

from __future__ import annotations

import logging
from xml.etree.ElementTree import Element

from fps_desktop.formats.xml import local
from fps_desktop.invoices.fields import Reading, clean
from fps_desktop.invoices.kinds import face_text, kind_from_text
from fps_desktop.invoices.qr import parse_qr_text

log = logging.getLogger(__name__)

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
