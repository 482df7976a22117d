"""The cover sheet printed first: the GUID as QR code and text, the invoice table, the sum,
counts and signature boxes, so the paper bundle and the document in PBMS match by a scan.
"""

from __future__ import annotations

import datetime as dt

import pymupdf

from fps_desktop.formats.drawing import draw_qr, text_width, write_text
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.invoices.kinds import kind_of
from fps_desktop.invoices.listing import InvoiceList, InvoiceRow

A4 = pymupdf.paper_rect("a4")
MARGIN = 48
ROW = 18
GREY = (0.35, 0.35, 0.35)
RED = (0.8, 0.1, 0.1)
COLUMNS = (("序号", 24), ("类型", 62), ("发票号码", 112), ("开票日期", 56), ("销售方 / 行程", 112),
           ("价税合计", 68))  # fmt: skip
# the last 65 pt of a row hold its notes: 重复, 红字, 购买方不符, 手填 (typed by the clerk), 待核
SIGNATURES = ("经办人", "部门负责人", "审核", "财务负责人")


def cover_sheet_pdf(
    listing: InvoiceList,
    clerk: str,
    attachments: int,
    pages: int,
    date: dt.date | None = None,
) -> bytes:
    """One A4 page (more when the invoice table runs over) ready to print first."""
    date = date or dt.date.today()
    with mupdf_lock:
        doc = pymupdf.open()
        page = _new_page(doc, listing.guid)
        y = _header(page, listing, clerk, attachments, pages, date)
        y = _table_head(page, y)
        rows = [r for r in listing.rows if r.counted]
        for number, row in enumerate(rows, 1):
            if y > A4.height - 230:
                page = _new_page(doc, listing.guid)
                y = _table_head(page, 90)
            y = _table_row(page, y, number, row)
        y = _sum(page, y, listing, len(rows))
        _signatures(page, max(y + 30, A4.height - 150))
        doc.subset_fonts()
        data = doc.tobytes(garbage=3, deflate=True)
        doc.close()
    return data


def _new_page(doc: pymupdf.Document, guid: str) -> pymupdf.Page:
    page = doc.new_page(width=A4.width, height=A4.height)
    write_text(page, (MARGIN, A4.height - 24), f"GUID {guid}", 7, GREY)
    write_text(page, (A4.width - MARGIN - 60, A4.height - 24),
               f"第 {doc.page_count} 页", 7, GREY)  # fmt: skip
    return page


def _header(page, listing: InvoiceList, clerk: str, attachments: int, pages: int, date) -> float:
    qr = pymupdf.Rect(A4.width - MARGIN - 110, MARGIN - 8, A4.width - MARGIN, MARGIN + 102)
    draw_qr(page, qr, listing.guid)
    write_text(page, (MARGIN, MARGIN + 22), "报销单据封面", 22)
    write_text(page, (MARGIN, MARGIN + 40), "Reimbursement cover sheet", 10, GREY)
    lines = (
        f"单据 GUID：{listing.guid}",
        f"日期：{date:%Y-%m-%d}        经办人：{clerk or '—'}",
        f"发票 {listing.count} 张    附件 {attachments} 份    共 {pages} 页",
    )
    for i, line in enumerate(lines):
        write_text(page, (MARGIN, MARGIN + 68 + 16 * i), line, 10)
    return MARGIN + 130


def _table_head(page, y: float) -> float:
    x = MARGIN
    page.draw_rect(pymupdf.Rect(MARGIN, y, A4.width - MARGIN, y + ROW), color=None,
                   fill=(0.92, 0.92, 0.92))  # fmt: skip
    for title, width in COLUMNS:
        write_text(page, (x + 4, y + 13), title, 9)
        x += width
    write_text(page, (x + 4, y + 13), "备注", 9)
    return y + ROW


def _table_row(page, y: float, number: int, row: InvoiceRow) -> float:
    f = row.fields
    seller, kind = _fit(f.seller or f.trip, 106), _fit(kind_of(f.kind).chinese, 56)
    cells = (str(number), kind, f.number or "（未识别）", f.date, seller, f.total)
    x = MARGIN
    flagged = row.is_duplicate or f.red_letter or row.buyer_problem
    for (_, width), value in zip(COLUMNS, cells, strict=True):
        right = value == f.total and value
        at = x + width - 4 - text_width(value, 8) if right else x + 4
        write_text(page, (at, y + 12), value, 8, RED if flagged and right else (0, 0, 0))
        x += width
    notes = [n for n, on in (("重复", row.is_duplicate), ("红字", f.red_letter),
                             ("购买方不符", bool(row.buyer_problem)),
                             (f"手填:{f.entered_by}", bool(f.entered_by)),
                             ("待核", f.needs_look)) if on]  # fmt: skip
    if notes:
        write_text(page, (x + 4, y + 12), " ".join(notes), 7, RED)
    page.draw_line((MARGIN, y + ROW), (A4.width - MARGIN, y + ROW), color=(0.8, 0.8, 0.8),
                   width=0.5)  # fmt: skip
    return y + ROW


def _fit(text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` points at 8 pt."""
    if text_width(text, 8) <= width:
        return text
    while text and text_width(text + "…", 8) > width:
        text = text[:-1]
    return text + "…"


def _sum(page, y: float, listing: InvoiceList, count: int) -> float:
    page.draw_line((MARGIN, y + 2), (A4.width - MARGIN, y + 2), color=(0, 0, 0), width=1)
    # never a silent ¥0.00: the sum says how many of its invoices are unread or read by OCR
    unread = len(listing.needing_look)
    label = f"合计（{count} 张，{unread} 张待核）" if unread else f"合计（{count} 张）"
    write_text(page, (MARGIN + 4, y + 18), label, 10, RED if unread else (0, 0, 0))
    total = f"¥{listing.total:,.2f}"
    right = MARGIN + sum(width for _, width in COLUMNS)
    write_text(page, (right - 4 - text_width(total, 11), y + 18), total, 11)
    return y + 28


def _signatures(page, y: float) -> None:
    width = (A4.width - 2 * MARGIN) / len(SIGNATURES)
    for i, title in enumerate(SIGNATURES):
        box = pymupdf.Rect(MARGIN + i * width + 4, y, MARGIN + (i + 1) * width - 4, y + 70)
        page.draw_rect(box, color=(0, 0, 0), width=0.7)
        write_text(page, (box.x0 + 6, box.y0 + 14), title, 9)
        write_text(page, (box.x0 + 6, box.y1 - 8), "日期：", 7, GREY)
