"""Fields from the text of an invoice page, by label.

Words are regrouped into visual rows by position before the labels are matched,
so the old layout, where a label and its value are separate text blocks on one
line, reads like the new one. On rows holding both parties (buyer left, seller
right) the first name and tax ID are the buyer's.
"""

from __future__ import annotations

import re

from fps_desktop.invoices.fields import InvoiceKind, Reading, clean

ROW_TOLERANCE = 3.0  # points between baselines that still count as one row
MIN_TEXT_CHARS = 20

_MONEY = r"(-?\s*[\d,]+\.\d{2})"
_PATTERNS = {
    "number": re.compile(r"发\s*票\s*号\s*码\s*[:：]?\s*(\d{8,20})"),
    "code": re.compile(r"发\s*票\s*代\s*码\s*[:：]?\s*(\d{10,12})"),
    "date": re.compile(
        r"开\s*票\s*日\s*期\s*[:：]?\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{2}-\d{2})"
    ),
    "check_code": re.compile(r"校\s*验\s*码\s*[:：]?\s*([\d ]{20,32})"),
    "total": re.compile(r"[（(]\s*小\s*写\s*[)）]\s*[¥￥]?\s*" + _MONEY),
}
_AMOUNT_AND_TAX = re.compile(r"合\s*计\s*[¥￥]?\s*" + _MONEY + r"\s*[¥￥]?\s*" + _MONEY)
_NAME = re.compile(r"名\s*称\s*[:：]\s*([^\s:：]+)")
# The value is optional so that an empty buyer tax ID keeps its place: the second
# label found is then still the seller's.
_TAX_ID = re.compile(
    r"(?:统一社会信用代码\s*/\s*纳税人识别号|纳\s*税\s*人\s*识\s*别\s*号|统一社会信用代码)"
    r"\s*[:：]\s*([0-9A-Z]{15,20}(?![0-9A-Z]))?"
)
_KINDS = (
    ("电子发票（增值税专用发票）", InvoiceKind.DIGITAL),
    ("电子发票（普通发票）", InvoiceKind.DIGITAL),
    ("增值税电子普通发票", InvoiceKind.ORDINARY),
    ("增值税电子专用发票", InvoiceKind.SPECIAL),
    ("增值税专用发票", InvoiceKind.SPECIAL),
)
_RED_WORDS = ("红字", "销项负数")


def page_rows(words: list[tuple]) -> list[str]:
    """Rows of text, top to bottom, words left to right, from PyMuPDF ``words``."""
    rows: list[tuple[float, list[tuple[float, str]]]] = []
    for x0, _y0, _x1, y1, text, *_ in sorted(words, key=lambda w: w[3]):
        if rows and abs(rows[-1][0] - y1) <= ROW_TOLERANCE:
            rows[-1][1].append((x0, text))
        else:
            rows.append((y1, [(x0, text)]))
    return [" ".join(text for _, text in sorted(row)) for _, row in rows]


def read_text(text: str) -> Reading:
    """Fields found by label in the rows of one invoice (joined with newlines)."""
    flat = text.replace("\n", " ")
    reading: Reading = {}
    for name, pattern in _PATTERNS.items():
        match = pattern.search(flat)
        if match:
            reading[name] = match.group(1)
    if match := _AMOUNT_AND_TAX.search(flat):
        reading["amount"], reading["tax"] = match.group(1), match.group(2)
    names = _NAME.findall(text)
    tax_ids = _TAX_ID.findall(text)
    if names:
        reading["buyer"] = names[0]
    if len(names) > 1:
        reading["seller"] = names[1]
    if tax_ids:
        reading["buyer_tax_id"] = tax_ids[0]
    if len(tax_ids) > 1:
        reading["seller_tax_id"] = tax_ids[1]
    for title, kind in _KINDS:
        if title in flat.replace(" ", ""):
            reading["kind"] = kind.value
            break
    normalised = clean(reading)
    if any(word in flat for word in _RED_WORDS) or normalised.get("total", "").startswith("-"):
        normalised["red_letter"] = "true"
    return normalised
