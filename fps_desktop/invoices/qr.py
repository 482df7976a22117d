"""The invoice QR code: decoded from page pixels with zxing-cpp, its text split into fields.

The text is comma-separated: version, type, code, number, amount, date (YYYYMMDD),
check code, CRC. Which kind a type announces, and whether its amount is the
tax-inclusive total (数电票, rail e-tickets, air itineraries) or the amount before tax
(the older invoices), is said by ``kinds.KINDS``. Photos are decoded by
``formats.images``, the one reader of every picture format the app takes.
"""

from __future__ import annotations

import pymupdf
import zxingcpp

from fps_desktop.formats.images import read_frames
from fps_desktop.invoices.fields import Reading, norm_amount, norm_date, norm_id
from fps_desktop.invoices.kinds import OTHER, kind_from_qr, kind_of

QR_DPI = 110  # a 20 mm invoice QR at ~3 px per module, small enough to scan in ~2 ms
SCAN_DPI = 150
PHOTO_SIDES = (1600, 3200)  # a phone photo shrunk first (fast), then finer if nothing read


def parse_qr_text(text: str) -> Reading:
    """Fields of an invoice QR text; ``{}`` when it is not an invoice QR."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 7 or parts[0] != "01" or not parts[3].isdigit():
        return {}
    kind_code = parts[1]
    kind = kind_from_qr(kind_code)
    reading: Reading = {
        "kind": "" if kind == OTHER else kind,
        "code": norm_id(parts[2]),
        "number": norm_id(parts[3]),
        "date": norm_date(parts[5]),
        "check_code": norm_id(parts[6]),
    }
    money = norm_amount(parts[4])
    reading["total" if kind_of(kind).qr_total else "amount"] = money
    return {k: v for k, v in reading.items() if v}


def decode_pixmap(pix: pymupdf.Pixmap) -> Reading:
    """The first invoice QR code in a grey pixmap, read as fields."""
    lum = zxingcpp.ImageFormat.Lum
    return _decode(zxingcpp.ImageView(pix.samples_mv, pix.width, pix.height, lum, pix.stride))


def _decode(view: zxingcpp.ImageView) -> Reading:
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


def read_image_qr(data: bytes, name: str = "") -> Reading:
    """An invoice photographed or scanned, in any picture format the app reads.

    Raises ``DocumentError`` when the picture cannot be decoded.
    """
    for frame in read_frames(data, name)[:4]:  # a multi-page TIFF scan: its first pages
        for side in PHOTO_SIDES:
            pixels, width, height = frame.grey(side)
            lum = zxingcpp.ImageFormat.Lum
            reading = _decode(zxingcpp.ImageView(pixels, width, height, lum))
            if reading:
                return reading
            if max(width, height) < side:
                break  # the picture is no larger: a finer look sees nothing new
    return {}
