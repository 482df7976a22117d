"""Fields from an OFD invoice: its attached invoice XML, its CustomData and its tagged texts."""

from __future__ import annotations

import logging

from fps_desktop.errors import DocumentError
from fps_desktop.formats.ofd.document import OfdDocument, tagged_texts
from fps_desktop.formats.xml import parse_xml
from fps_desktop.invoices.fields import Reading, clean
from fps_desktop.invoices.xml_invoice import is_invoice_xml, read_invoice_xml

log = logging.getLogger(__name__)

# CustomData / tag names -> field
_CUSTOM_NAMES = {
    "发票代码": "code", "发票号码": "number", "开票日期": "date", "校验码": "check_code",
    "购买方名称": "buyer", "购买方纳税人识别号": "buyer_tax_id", "销售方名称": "seller",
    "销售方纳税人识别号": "seller_tax_id", "合计金额": "amount", "合计税额": "tax",
    "价税合计": "total",
    "InvoiceCode": "code", "InvoiceNo": "number", "IssueDate": "date",
    "BuyerName": "buyer", "BuyerTaxID": "buyer_tax_id", "SellerName": "seller",
    "SellerTaxID": "seller_tax_id", "TaxExclusiveTotalAmount": "amount",
    "TaxTotalAmount": "tax", "TaxInclusiveTotalAmount": "total",
    "InvoiceCheckCode": "check_code",
}  # fmt: skip


def read_ofd_fields(data: bytes) -> tuple[Reading, Reading]:
    """``(from the attached invoice XML, from OFD data and tags)``; either may be empty."""
    document = OfdDocument.open(data)
    from_xml: Reading = {}
    for path in document.attachments:
        if path.lower().endswith(".xml") and document.package.has(path):
            root = _optional(lambda p=path: parse_xml(document.package.read(p), "OFD attachment"))
            if root is not None and is_invoice_xml(root):
                from_xml = read_invoice_xml(root)
                break
    from_ofd: Reading = {}
    for name, value in document.custom_data.items():
        _put(from_ofd, _CUSTOM_NAMES.get(name), value)
    for name, value in (_optional(lambda: tagged_texts(document)) or {}).items():
        _put(from_ofd, _CUSTOM_NAMES.get(name), value)
    if from_ofd.get("total", "").startswith("-"):
        from_ofd["red_letter"] = "true"
    return from_xml, from_ofd


def _optional(read):
    """A part that only adds detail: when it is broken (real files have broken tag
    files), the rest of the invoice still reads."""
    try:
        return read()
    except DocumentError as exc:
        log.info("OFD part skipped: %s", exc.message)
        return None


def _put(reading: Reading, name: str | None, value: str) -> None:
    if name and name not in reading and (value := clean({name: value}).get(name, "")):
        reading[name] = value
