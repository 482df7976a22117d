"""The invoice QR code: decoded from page pixels with zxing-cpp, its text split into fields.

The text is comma-separated: version, type, code, number, amount, date (YYYYMMDD),
check code, CRC. For the 数电票 types (31, 32) the amount is the tax-inclusive
total, for the older types the amount before tax.
"""

from __future__ import annotations

import pymupdf
import zxingcpp

from fps_desktop.invoices.fields import InvoiceKind, Reading, norm_amount, norm_date, norm_id

_KINDS = {
    "01": InvoiceKind.SPECIAL, "08": InvoiceKind.SPECIAL,
    "04": InvoiceKind.ORDINARY, "10": InvoiceKind.ORDINARY,
    "31": InvoiceKind.DIGITAL, "32": InvoiceKind.DIGITAL,
    "85": InvoiceKind.DIGITAL, "86": InvoiceKind.DIGITAL,
}  # fmt: skip
_TOTAL_IN_QR = {"31", "32", "85", "86"}
QR_DPI = 110  # a 20 mm invoice QR at ~3 px per module, small enough to scan in ~2 ms
SCAN_DPI = 150


def parse_qr_text(text: str) -> Reading:
    """Fields of an invoice QR text; ``{}`` when it is not an invoice QR."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 7 or parts[0] != "01" or not parts[3].isdigit():
        return {}
    kind_code = parts[1]
    reading: Reading = {
        "kind": _KINDS.get(kind_code, InvoiceKind.OTHER).value,
        "code": norm_id(parts[2]),
        "number": norm_id(parts[3]),
        "date": norm_date(parts[5]),
        "check_code": norm_id(parts[6]),
    }
    money = norm_amount(parts[4])
    reading["total" if kind_code in _TOTAL_IN_QR else "amount"] = money
    return {k: v for k, v in reading.items() if v}


def decode_pixmap(pix: pymupdf.Pixmap) -> Reading:
    """The first invoice QR code in a grey pixmap, read as fields."""
    view = zxingcpp.ImageView(
        pix.samples_mv, pix.width, pix.height, zxingcpp.ImageFormat.Lum, pix.stride
    )
    for barcode in zxingcpp.read_barcodes(view, formats=zxingcpp.BarcodeFormat.QRCode):
        reading = parse_qr_text(barcode.text)
        if reading:
            return reading
    return {}


def read_page_qr(page: pymupdf.Page, whole_page: bool = False) -> Reading:
    """Look where invoices print the QR (top left) first, then the whole page."""
    rect = page.rect
    corner = pymupdf.Rect(0, 0, rect.width * 0.4, rect.height * 0.45)
    clips = [rect] if whole_page else [corner, rect]
    for clip in clips:
        dpi = SCAN_DPI if clip is rect else QR_DPI
        pix = page.get_pixmap(dpi=dpi, clip=clip, colorspace=pymupdf.csGRAY, alpha=False)
        reading = decode_pixmap(pix)
        if reading:
            return reading
    return {}


def read_image_qr(data: bytes) -> Reading:
    """An invoice photographed or scanned as JPEG/PNG."""
    pix = pymupdf.Pixmap(data)
    if pix.n - pix.alpha != 1:
        pix = pymupdf.Pixmap(pymupdf.csGRAY, pix)
    if pix.alpha:
        pix = pymupdf.Pixmap(pix, 0)
    return decode_pixmap(pix)
