"""Fields from the text of an invoice or ticket page, by label.

Words are regrouped into visual rows by position before the labels are matched,
so the old layout, where a label and its value are separate text blocks on one
line, reads like the new one. Text is folded with NFKC first: the tax system's
PDFs print look-alike characters (电⼦ for 电子) and full-width brackets.

The buyer's and the seller's names and tax IDs are read from their own blocks,
found by the words that head them (购买方 / 销售方): side by side on a 数电票, one
above the other on the older invoices. Only a page without those headings falls
back to reading order, buyer first.

What the kind prints besides the VAT labels is read by the kind's own patterns:
the fare of a rail ticket (票价), the total and taxes of an air itinerary, the
票据代码 / 票据号码 / 校验码 and payer of a fiscal receipt, the date and fare of a taxi
meter's slip.
"""

from __future__ import annotations

import re
from decimal import Decimal

from fps_desktop.invoices.fields import Reading, clean, norm_date
from fps_desktop.invoices.kinds import face_text, kind_from_text, kind_of, lineage

ROW_TOLERANCE = 3.0  # points between baselines that still count as one row
MIN_TEXT_CHARS = 20
SIDE_BY_SIDE = 100.0  # points between the two headings that make them columns

_MONEY = r"(-?\s*[\d,]+\.\d{2})"
_YUAN = r"\s*[:：]?\s*(?:CNY|[¥￥])?\s*"
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
# A heading, or a piece of one: the OCR reads one printed a character a line in pieces
# (买方信, 销, 售...). A piece names its party by one of the party's own characters.
_HEADINGS = {"buyer": ("购买方信息", "购买"), "seller": ("销售方信息", "销售")}
# Patterns of one kind (and the kinds it broadens to), tried before the VAT labels.
_BY_KIND: dict[str, dict[str, re.Pattern]] = {
    "rail": {
        "total": re.compile(r"票\s*价" + _YUAN + _MONEY),
        "passenger": re.compile(r"\d{6,10}\*{3,8}[\dX*]{3,4}\s*([^\s\d]{2,12})"),
        "trip": re.compile(
            r"(?P<dep>\S{1,10}?)\s*站\s+(?P<no>[GDCKTZYSL]\d{1,4})\s+(?P<arr>\S{1,10}?)\s*站.*?"
            r"(?P<day>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(?P<time>\d{1,2}:\d{2})\s*开"
        ),
    },
    "air": {
        "total": re.compile(r"合\s*计" + _YUAN + _MONEY),
        "tax": re.compile(r"增\s*值\s*税\s*税\s*额" + _YUAN + _MONEY),
        "passenger": re.compile(r"旅\s*客\s*姓\s*名\s*[:：]?\s*([^\s\d:：]{2,20})"),
        "trip": re.compile(  # each part by its label, in whatever order the rows put them
            r"^(?=.*?自\s*(?:FROM\s*)?(?P<dep>[^\s\dA-Z]{2,10}))"
            r"(?=.*?至\s*(?:TO\s*)?(?P<arr>[^\s\dA-Z]{2,10}))"
            r"(?=.*?航\s*班\s*号\s*[:：]?\s*(?P<no>[A-Z0-9]{2}\d{3,4}))"
            r"(?=.*?(?P<day>\d{4}-\d{2}-\d{2}))(?=.*?时\s*间\s*[:：]?\s*(?P<time>\d{1,2}:\d{2}))?"
        ),
    },
    "fiscal": {
        "code": re.compile(r"票\s*据\s*代\s*码\s*[:：]?\s*(\d{8})"),
        "number": re.compile(r"票\s*据\s*号\s*码\s*[:：]?\s*(\d{8,10})"),
        "check_code": re.compile(r"校\s*验\s*码\s*[:：]?\s*([0-9A-Za-z]{6})(?![0-9A-Za-z])"),
        "buyer": re.compile(r"交\s*款\s*人\s*[:：]\s*([^\s:：]+)"),
        "buyer_tax_id": re.compile(r"交款人统一社会信用代码\s*[:：]\s*([0-9A-Z]{15,20})"),
        "seller": re.compile(r"收\s*款\s*单\s*位\s*(?:[(（]\s*章\s*[)）])?\s*[:：]\s*([^\s:：]+)"),
    },
    "taxi": {  # the meter's slip: 日期 and 金额, no 开票日期 or 价税合计
        "date": re.compile(r"日\s*期\s*[:：]?\s*(\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2})"),
        "total": re.compile(r"金\s*额" + _YUAN + _MONEY),
    },
}
_RED_WORDS = ("红字", "销项负数")
_IN_WORDS = "负零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整正"
_WORDS = re.compile(r"合\s*计\s*[(（]\s*大\s*写\s*[)）]\s*([" + _IN_WORDS + r"\s]+)")
_NUMERALS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_SECTIONS = {"万": 10**4, "亿": 10**8}


def page_rows(words: list[tuple]) -> list[str]:
    """Rows of text, top to bottom, words left to right, from PyMuPDF ``words``."""
    rows: list[tuple[float, list[tuple[float, str]]]] = []
    for x0, _y0, _x1, y1, text, *_ in sorted(words, key=lambda w: w[3]):
        if rows and abs(rows[-1][0] - y1) <= ROW_TOLERANCE:
            rows[-1][1].append((x0, text))
        else:
            rows.append((y1, [(x0, text)]))
    return [" ".join(text for _, text in sorted(row)) for _, row in rows]


def face_words(words: list[tuple]) -> list[tuple]:
    """PyMuPDF ``words`` with their text folded by ``face_text``."""
    return [(*w[:4], face_text(w[4]), *w[5:]) for w in words]


def party_blocks(words: list[tuple]) -> tuple[str, str] | None:
    """The rows of the buyer's and of the seller's part of a page, or ``None`` when the
    page has no 购买方 / 销售方 headings to tell them apart."""
    found = {}
    for party, (heading, own) in _HEADINGS.items():
        heads = [w for w in words if _heading_piece(w[4].strip(), heading, own)]
        if not heads:
            return None
        found[party] = min(heads, key=lambda w: (w[1], w[0]))
    buyer, seller = found["buyer"], found["seller"]
    if seller[0] - buyer[0] > SIDE_BY_SIDE and abs(seller[1] - buyer[1]) < SIDE_BY_SIDE:
        first = [w for w in words if w[0] < seller[0] - 1]
        second = [w for w in words if w[0] >= seller[0] - 1]
    elif seller[1] > buyer[1] + 2 * ROW_TOLERANCE:
        # a heading printed one character a line sits a little below its block's first row
        top = seller[1] - (seller[3] - seller[1]) / 2
        first = [w for w in words if (w[1] + w[3]) / 2 < top]
        second = [w for w in words if (w[1] + w[3]) / 2 >= top]
    else:
        return None
    return "\n".join(page_rows(first)), "\n".join(page_rows(second))


def _heading_piece(text: str, heading: str, own: str) -> bool:
    chars = set(text)
    return 0 < len(text) <= len(heading) and chars <= set(heading) and bool(chars & set(own))


def read_text(text: str, parties: tuple[str, str] | None = None) -> Reading:
    """Fields found by label in the rows of one page (joined with newlines).

    ``parties`` is the buyer's and the seller's part of the page (``party_blocks``).
    """
    text = face_text(text)
    flat = text.replace("\n", " ")
    reading: Reading = {}
    kind = kind_from_text(text)
    if kind:
        reading["kind"] = kind
    for broader in lineage(kind):
        for name, pattern in _BY_KIND.get(broader, {}).items():
            if name not in reading and (match := pattern.search(flat)):
                reading[name] = _trip(match) if name == "trip" else match.group(1)
    for name, pattern in _PATTERNS.items():
        if name not in reading and (match := pattern.search(flat)):
            reading[name] = match.group(1)
    if not _is_ticket(kind) and (match := _AMOUNT_AND_TAX.search(flat)):
        reading.setdefault("amount", match.group(1))
        reading.setdefault("tax", match.group(2))
    _read_parties(reading, text, parties)
    normalised = clean(reading)
    if any(word in flat for word in _RED_WORDS) or normalised.get("total", "").startswith("-"):
        normalised["red_letter"] = "true"
    return normalised


def read_words_total(text: str) -> Reading:
    """The total as printed in words (价税合计（大写）壹万零陆佰圆整): a second reading of the
    total, so a 小写 that was edited or misread shows as a disagreement."""
    match = _WORDS.search(face_text(text).replace("\n", " "))
    amount = words_amount(match.group(1)) if match else None
    return {} if amount is None else clean({"total": str(amount)})


def words_amount(words: str) -> Decimal | None:
    """``壹万零陆佰圆整`` -> 10600, ``叁佰伍拾陆元捌角`` -> 356.8; ``None`` when not an amount."""
    words = words.replace(" ", "").replace("圆", "元")
    sign = -1 if words.startswith("负") else 1
    whole, found, cents = words.lstrip("负").partition("元")
    if not found and not cents:
        return None
    total = section = digit = 0
    for char in whole:
        if char in _NUMERALS:
            digit = _NUMERALS[char]
        elif char in _UNITS:
            section += (digit or 1) * _UNITS[char]
            digit = 0
        elif char in _SECTIONS:
            total += (section + digit) * _SECTIONS[char]
            section = digit = 0
        else:
            return None
    value = Decimal(total + section + digit)
    for char, unit in re.findall(r"([零壹贰叁肆伍陆柒捌玖])([角分])", cents):
        value += Decimal(_NUMERALS[char]) / (10 if unit == "角" else 100)
    return sign * value


def _is_ticket(kind: str) -> bool:
    return bool(kind) and kind_of(kind).ticket


def _trip(match: re.Match) -> str:
    """``G1234 广州南→长沙南 2025-01-08 08:00``: train or flight, stations, departure."""
    parts = match.groupdict()
    when = " ".join(p for p in (norm_date(parts["day"]), parts.get("time")) if p)
    return f"{parts['no']} {parts['dep']}→{parts['arr']} {when}"


def _read_parties(reading: Reading, text: str, parties: tuple[str, str] | None) -> None:
    """Buyer and seller name and tax ID, each from its own block when the page has them."""
    if parties is not None:
        blocks = {"buyer": face_text(parties[0]), "seller": face_text(parties[1])}
        for party, block in blocks.items():
            names, tax_ids = _NAME.findall(block), _TAX_ID.findall(block)
            if names:
                reading.setdefault(party, names[0])
            if tax_ids and tax_ids[0]:
                reading.setdefault(f"{party}_tax_id", tax_ids[0])
        return
    names, tax_ids = _NAME.findall(text), _TAX_ID.findall(text)
    for index, party in enumerate(("buyer", "seller")):
        if len(names) > index:
            reading.setdefault(party, names[index])
        if len(tax_ids) > index and tax_ids[index]:
            reading.setdefault(f"{party}_tax_id", tax_ids[index])
