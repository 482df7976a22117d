"""The kinds of invoice and ticket a finance clerk files, declared once.

Each kind says how the window names it (translatable), how the finance office's
spreadsheet and cover sheet name it (Chinese, whatever the UI language), which
printed titles and QR types announce it, and which broader kind it narrows: a
toll invoice is an ordinary VAT e-invoice whose QR says "ordinary", a 数电专票
is a 数电票 whose XML may not say which sort. Sources that name a kind and a
narrower one agree; only kinds that neither narrows disagree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from fps_desktop.errors import QT_TRANSLATE_NOOP


@dataclass(frozen=True)
class Kind:
    code: str  # what the JSON and the corrections store
    label: str  # the window's name, a template of the "Invoices" context
    chinese: str  # the spreadsheet's and the cover sheet's name
    titles: tuple[str, ...] = ()  # words on the face that announce it (NFKC)
    qr_types: tuple[str, ...] = ()  # the second field of the invoice QR code
    qr_total: bool = False  # its QR's money is the tax-inclusive total, not the pre-tax amount
    broader: tuple[str, ...] = ()  # the kinds this one narrows
    ticket: bool = False  # a passenger's ticket: passenger and trip matter
    family: str = "other"  # the JSON's ``kind`` as scripts have known it (docs/invoices.md)


OTHER = "other"

# Order matters for titles: the first kind whose title is on the face wins, so the
# narrow kinds (a toll invoice also says 增值税电子普通发票) come before the broad ones.
KINDS: tuple[Kind, ...] = (
    Kind("rail", QT_TRANSLATE_NOOP("Invoices", "Rail e-ticket"), "铁路电子客票",
         ("电子发票(铁路电子客票)", "铁路电子客票"), ("51",), qr_total=True, ticket=True),
    Kind("air", QT_TRANSLATE_NOOP("Invoices", "Air e-ticket itinerary"), "航空运输电子客票行程单",
         ("电子发票(航空运输电子客票行程单)", "航空运输电子客票行程单"), ("61",), qr_total=True,
         ticket=True),
    Kind("toll", QT_TRANSLATE_NOOP("Invoices", "Road toll"), "通行费发票", ("通行费",), ("14",),
         broader=("ordinary", "digital-ordinary"), family="e-ordinary"),
    Kind("medical", QT_TRANSLATE_NOOP("Invoices", "Medical receipt"), "医疗收费票据",
         ("医疗门诊收费票据", "医疗住院收费票据", "医疗收费票据"), broader=("fiscal",)),
    Kind("fiscal", QT_TRANSLATE_NOOP("Invoices", "Fiscal e-receipt"), "财政电子票据",
         ("非税收入", "财政电子票据", "财政部监制", "票据代码")),
    Kind("quota", QT_TRANSLATE_NOOP("Invoices", "Quota invoice"), "定额发票", ("定额发票",)),
    Kind("digital-special", QT_TRANSLATE_NOOP("Invoices", "Digital VAT special (数电专票)"),
         "数电专票", ("电子发票(增值税专用发票)",), ("31", "85"), qr_total=True,
         broader=("digital",), family="digital"),
    Kind("digital-ordinary", QT_TRANSLATE_NOOP("Invoices", "Digital ordinary (数电普票)"),
         "数电普票", ("电子发票(普通发票)",), ("32", "86"), qr_total=True,
         broader=("digital",), family="digital"),
    Kind("digital", QT_TRANSLATE_NOOP("Invoices", "Digital invoice (数电票)"), "数电票",
         family="digital"),
    Kind("special", QT_TRANSLATE_NOOP("Invoices", "VAT special invoice"), "增值税专用发票",
         ("增值税电子专用发票", "增值税专用发票"), ("01", "08"), family="special"),
    Kind("ordinary", QT_TRANSLATE_NOOP("Invoices", "VAT ordinary invoice"), "增值税普通发票",
         ("增值税电子普通发票", "增值税普通发票"), ("04", "10", "11"),
         family="e-ordinary"),
    Kind("taxi", QT_TRANSLATE_NOOP("Invoices", "Taxi receipt"), "出租车票",
         ("出租汽车", "出租车", "网约车")),
    Kind(OTHER, QT_TRANSLATE_NOOP("Invoices", "Other"), "其他"),
)  # fmt: skip
BY_CODE = {kind.code: kind for kind in KINDS}


def kind_of(code: str) -> Kind:
    """The kind of ``code``; an unknown or empty code is "other"."""
    return BY_CODE.get(code, BY_CODE[OTHER])


def kind_from_qr(qr_type: str) -> str:
    return next((k.code for k in KINDS if qr_type in k.qr_types), OTHER)


def kind_from_text(text: str) -> str:
    """The first kind whose title is printed in ``text`` (normalised with ``face_text``)."""
    flat = text.replace(" ", "").replace("\n", "")
    return next((k.code for k in KINDS if any(t in flat for t in k.titles)), "")


def face_text(text: str) -> str:
    """Text as printed, with look-alike characters folded: PDFs of the tax system write
    电⼦ (a Kangxi radical) for 电子 and full-width brackets; NFKC makes them one."""
    return unicodedata.normalize("NFKC", text)


def lineage(code: str) -> list[str]:
    """``code`` and every kind it narrows, nearest first (a toll invoice may be an older
    ordinary e-invoice or a 数电普票, both of which it narrows)."""
    chain = [code] if code else []
    for current in chain:  # grows while it is walked: breadth first
        broader = BY_CODE[current].broader if current in BY_CODE else ()
        chain.extend(b for b in broader if b not in chain)
    return chain


def narrowest(codes: list[str]) -> str | None:
    """The kind of ``codes`` that narrows all the others, else ``None`` (a disagreement)."""
    return next((c for c in codes if all(o in lineage(c) for o in codes)), None)
