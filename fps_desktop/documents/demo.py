"""A built-in demo document source: realistic Chinese e-invoices and attachments.

The files are drawn by the program itself (nothing binary is shipped), so a
fresh machine with no network can try every feature.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pymupdf

from fps_desktop.documents.demo_ofd import demo_invoice_ofd
from fps_desktop.documents.models import FileRole, RemoteFile
from fps_desktop.errors import QT_TRANSLATE_NOOP, SourceError
from fps_desktop.formats.drawing import MM, draw_qr
from fps_desktop.formats.drawing import write_text as _text
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.jobs import CancelToken

INVOICE_SIZE = (241 * MM, 140 * MM)  # the national e-invoice page size
RED = (0.85, 0.1, 0.1)
INK = (0.55, 0.3, 0.1)


UNIVERSITY = "香港科技大学（广州）"
UNIVERSITY_TAX_ID = "12440000MB2C12345X"


@dataclass(frozen=True)
class DemoInvoice:
    number: str
    date: str
    seller: str
    item: str
    amount: float  # tax included; negative on a red-letter invoice
    buyer: str = UNIVERSITY
    buyer_tax_id: str = UNIVERSITY_TAX_ID
    seller_tax_id: str = "91440101MA5C67890Y"
    formats: tuple[str, ...] = ("pdf",)  # the 数电票 comes as PDF, OFD and XML

    @property
    def red_letter(self) -> bool:
        return self.amount < 0

    @property
    def tax(self) -> float:
        return round(self.amount * 0.06 / 1.06, 2)

    @property
    def qr_text(self) -> str:
        """The QR text of a 数电票 (type 32): version, type, code, number, total, date, ..."""
        check = zlib.crc32(self.number.encode()) & 0xFFFF
        return f"01,32,,{self.number},{self.amount:.2f},{self.date.replace('-', '')},,{check:04X}"


@dataclass(frozen=True)
class DemoCase:
    title: str
    invoices: tuple[DemoInvoice, ...]
    receipt: bool = False
    screenshot: bool = False
    attachment_pages: int = 0


AIR_TICKET = DemoInvoice("25442000000123456789", "2025-08-19", "广州白云机场商旅服务有限公司",
                         "*经纪代理服务*机票代理费", 1280.00)  # fmt: skip
DEMO_CASES: dict[str, DemoCase] = {
    "c965be9f9c1d449d9e50fed330150d7a": DemoCase(
        "差旅报销 Travel claim",
        (
            AIR_TICKET,
            DemoInvoice("25442000000123456790", "2025-08-20", "广州南沙酒店管理有限公司",
                        "*住宿服务*住宿费", 968.00),
        ),
        receipt=True,
        screenshot=True,
        attachment_pages=3,
    ),
    "5f0c3b2a9d8e4f7a8b6c1d2e3f4a5b6c": DemoCase(
        "办公用品采购 Office supplies",
        tuple(
            DemoInvoice(f"2544200000020000{i:04d}", "2025-09-0" + str(i % 9 + 1),
                        "广州番禺文具有限公司", "*纸制品*打印纸 A4 70g", 150.0 * i)
            for i in range(1, 6)
        ),
    ),
    "0a1b2c3d4e5f40718293a4b5c6d7e8f9": DemoCase(
        "会议费 Conference",
        (
            DemoInvoice("25442000000300000001", "2025-10-11", "广州国际会议中心有限公司",
                        "*会展服务*会议场地费", 12800.00),
        ),
        attachment_pages=1,
    ),
    "3e7d9c1b5a2f4e6d8c0b1a2f3e4d5c6b": DemoCase(
        "数电票 PDF·OFD·XML Digital invoice in three formats",
        (
            DemoInvoice("25442000000456700001", "2025-11-03", "广州大学城实验设备有限公司",
                        "*仪器仪表*示波器", 5830.00, seller_tax_id="91440101MA9X45678K",
                        formats=("pdf", "ofd", "xml")),
            DemoInvoice("25442000000456700002", "2025-11-04", "广州大学城实验设备有限公司",
                        "*仪器仪表*探头", 1060.00, seller_tax_id="91440101MA9X45678K",
                        formats=("ofd",)),
        ),
    ),
    "8b4f2e6a1c9d4b7e9f3a5c7e1b2d4f6a": DemoCase(
        "重复报销与红字 Claimed twice, other buyer, red-letter",
        (
            AIR_TICKET,  # the same invoice as in the travel claim above
            DemoInvoice("25442000000789000011", "2025-11-12", "广州天河餐饮管理有限公司",
                        "*餐饮服务*餐费", 636.00, buyer="广州某某贸易有限公司",
                        buyer_tax_id="91440106MA5D11111Q"),
            DemoInvoice("25442000000789000012", "2025-11-15", "广州南沙酒店管理有限公司",
                        "*住宿服务*住宿费", -968.00),
        ),
        attachment_pages=1,
    ),
}  # fmt: skip


_EXTENSIONS = {"pdf": "pdf", "ofd": "ofd", "xml": "xml"}


def _files_of(case: DemoCase) -> list[RemoteFile]:
    files = [
        RemoteFile(_file_id(i, fmt), f"发票_{inv.number}.{fmt}", FileRole.INVOICE)
        for i, inv in enumerate(case.invoices, 1)
        for fmt in inv.formats
    ]
    if case.receipt:
        files.append(RemoteFile("receipt", "出租车票_扫描件.jpg", FileRole.ATTACHMENT))
    if case.screenshot:
        files.append(RemoteFile("payment", "支付记录截图.png", FileRole.ATTACHMENT))
    if case.attachment_pages:
        files.append(RemoteFile("approval", "审批单及行程说明.pdf", FileRole.ATTACHMENT))
    return files


def _file_id(index: int, fmt: str) -> str:
    """``inv-1`` for the PDF (the ids older caches hold), ``inv-1-ofd`` for the rest."""
    return f"inv-{index}" if fmt == "pdf" else f"inv-{index}-{fmt}"


class DemoSource:
    """Serves the demo GUIDs; any other GUID is 'not found', as PBMS would say."""

    name = "demo"

    def list_files(self, guid: str, cancel: CancelToken) -> list[RemoteFile]:
        return _files_of(self._case(guid))

    def open_file(self, guid: str, remote: RemoteFile, cancel: CancelToken) -> Iterator[bytes]:
        yield demo_file_bytes(guid, remote.file_id)

    @staticmethod
    def _case(guid: str) -> DemoCase:
        if guid not in DEMO_CASES:
            raise SourceError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "The demo source only knows the sample GUIDs shown in the empty window.",
                )
            )
        return DEMO_CASES[guid]


@cache
def demo_file_bytes(guid: str, file_id: str) -> bytes:
    case = DEMO_CASES[guid]
    if file_id.startswith("inv-"):
        number, _, fmt = file_id[4:].partition("-")
        invoice = case.invoices[int(number) - 1]
        if fmt == "xml":
            return demo_invoice_xml(invoice)
        if fmt == "ofd":
            return demo_invoice_ofd(invoice, demo_invoice_xml(invoice))
    with mupdf_lock:
        if file_id.startswith("inv-"):
            return _invoice_pdf(invoice)
        if file_id == "receipt":
            return _receipt_jpeg()
        if file_id == "payment":
            return _payment_png(case)
        return _attachment_pdf(case)


def _invoice_pdf(inv: DemoInvoice) -> bytes:
    """A 数电票 PDF as the tax system draws it: QR code, parties, items, totals, seal."""
    doc = pymupdf.open()
    width, height = INVOICE_SIZE
    page = doc.new_page(width=width, height=height)
    draw_qr(page, pymupdf.Rect(20, 2, 78, 60), inv.qr_text)
    _text(page, (width / 2 - 110, 40), "电子发票（普通发票）", 18, INK)
    page.draw_line((width / 2 - 110, 46), (width / 2 + 75, 46), color=INK, width=1)
    if inv.red_letter:
        _text(page, (width / 2 - 30, 56), "红字发票", 9, RED)
    _text(page, (width - 200, 30), f"发票号码：{inv.number}", 8)
    _text(page, (width - 200, 44), f"开票日期：{inv.date}", 8)
    box = pymupdf.Rect(20, 60, width - 20, height - 50)
    page.draw_rect(box, color=INK, width=0.8)
    page.draw_line((box.x0, 120), (box.x1, 120), color=INK, width=0.6)
    page.draw_line((width / 2, box.y0), (width / 2, 120), color=INK, width=0.6)
    _text(page, (28, 78), "购买方信息", 8, INK)
    _text(page, (28, 94), f"名称：{inv.buyer}", 8)
    _text(page, (28, 108), f"统一社会信用代码：{inv.buyer_tax_id}", 8)
    _text(page, (width / 2 + 8, 78), "销售方信息", 8, INK)
    _text(page, (width / 2 + 8, 94), f"名称：{inv.seller}", 8)
    _text(page, (width / 2 + 8, 108), f"统一社会信用代码：{inv.seller_tax_id}", 8)
    net = inv.amount - inv.tax
    columns = (28, 250, 320, 370, 430, 520, 590)
    headings = ("项目名称", "单位", "数量", "单价", "金额", "税率", "税额")
    quantity = "-1" if inv.red_letter else "1"
    values = (inv.item, "次", quantity, f"{abs(net):.2f}", f"{net:.2f}", "6%", f"{inv.tax:.2f}")
    for x, heading, value in zip(columns, headings, values, strict=True):
        _text(page, (x, 138), heading, 8, INK)
        _text(page, (x, 156), value, 8)
    _text(page, (60, box.y1 - 50), "合 计", 8, INK)
    _text(page, (430, box.y1 - 50), f"¥{net:.2f}", 8)
    _text(page, (590, box.y1 - 50), f"¥{inv.tax:.2f}", 8)
    page.draw_line((box.x0, box.y1 - 40), (box.x1, box.y1 - 40), color=INK, width=0.6)
    _text(page, (28, box.y1 - 22), "价税合计（大写）", 9, INK)
    _text(page, (width - 200, box.y1 - 22), f"（小写）¥{inv.amount:,.2f}", 9)
    _text(page, (28, height - 28), "开票人：李会计", 8)
    seal = pymupdf.Rect(width - 150, 64, width - 70, 114)
    ring = page.add_circle_annot(seal)
    ring.set_colors(stroke=RED)
    ring.set_border(width=2)
    ring.set_info(title="seal", content="发票专用章")
    ring.update()
    _text(page, (seal.x0 + 12, seal.y0 + 24), "发票专用章", 9, RED)
    _text(page, (seal.x0 + 8, seal.y0 + 38), inv.seller_tax_id, 5, RED)
    return _finished(doc)


def demo_invoice_xml(inv: DemoInvoice) -> bytes:
    """The 数电票 XML (``EInvoice``) the tax system issues beside the PDF."""
    net = inv.amount - inv.tax
    root = ET.Element("EInvoice")
    header = ET.SubElement(root, "Header")
    ET.SubElement(header, "EIid").text = inv.number
    ET.SubElement(header, "EInvoiceTag").text = "SWEI4400"
    ET.SubElement(header, "Version").text = "0.1"
    data = ET.SubElement(root, "EInvoiceData")
    seller = ET.SubElement(data, "SellerInformation")
    ET.SubElement(seller, "SellerIdNum").text = inv.seller_tax_id
    ET.SubElement(seller, "SellerName").text = inv.seller
    buyer = ET.SubElement(data, "BuyerInformation")
    ET.SubElement(buyer, "BuyerIdNum").text = inv.buyer_tax_id
    ET.SubElement(buyer, "BuyerName").text = inv.buyer
    basic = ET.SubElement(data, "BasicInformation")
    ET.SubElement(basic, "TotalAmWithoutTax").text = f"{net:.2f}"
    ET.SubElement(basic, "TotalTaxAm").text = f"{inv.tax:.2f}"
    ET.SubElement(basic, "TotalTax-includedAmount").text = f"{inv.amount:.2f}"
    ET.SubElement(basic, "Drawer").text = "李会计"
    items = ET.SubElement(data, "IssuItemInformation")
    ET.SubElement(items, "ItemName").text = inv.item
    ET.SubElement(items, "Amount").text = f"{net:.2f}"
    ET.SubElement(items, "TaxRate").text = "0.06"
    ET.SubElement(items, "ComTaxAm").text = f"{inv.tax:.2f}"
    supervision = ET.SubElement(root, "TaxSupervisionInfo")
    ET.SubElement(supervision, "InvoiceNumber").text = inv.number
    ET.SubElement(supervision, "IssueTime").text = f"{inv.date} 10:21:07"
    ET.SubElement(supervision, "TaxBureauCode").text = "14400000000"
    ET.SubElement(supervision, "TaxBureauName").text = "国家税务总局广东省税务局"
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _attachment_pdf(case: DemoCase) -> bytes:
    doc = pymupdf.open()
    for number in range(1, case.attachment_pages + 1):
        page = doc.new_page(width=595, height=842)
        _text(page, (60, 80), f"{case.title} — 审批单 第 {number} 页", 16)
        for line in range(12):
            _text(
                page,
                (60, 130 + 24 * line),
                f"{line + 1}. 事项说明：经费卡号 2025-{line:03d}，已审核。",
                10,
            )
        _text(page, (400, 760), "审批人签字：王主任", 10)
    return _finished(doc)


def _finished(doc: pymupdf.Document) -> bytes:
    """Embed only the glyphs used, as real e-invoices do: a few KB, not a whole CJK font."""
    doc.subset_fonts()
    return doc.tobytes(garbage=3, deflate=True)


def _render(page_size, draw, dpi: int, rotate: int = 0) -> pymupdf.Pixmap:
    doc = pymupdf.open()
    page = doc.new_page(width=page_size[0], height=page_size[1])
    draw(page)
    pix = page.get_pixmap(matrix=pymupdf.Matrix(dpi / 72, dpi / 72).prerotate(rotate))
    pix.set_dpi(dpi, dpi)
    return pix


def _receipt_jpeg() -> bytes:
    """A taxi receipt as a phone camera saves it: stored sideways, EXIF says turn it."""

    def draw(page):
        page.draw_rect(page.rect, color=None, fill=(0.97, 0.96, 0.9))
        _text(page, (20, 30), "广州市出租汽车专用发票", 11)
        for i, line in enumerate(("车号：粤A·D1234", "日期：2025-08-19", "上车 08:12 下车 08:47",
                                  "里程 23.6 km", "金额 ¥ 86.00")):  # fmt: skip
            _text(page, (20, 60 + 20 * i), line, 10)

    pix = _render((80 * MM, 120 * MM), draw, dpi=150, rotate=-90)
    return _with_exif_orientation(pix.tobytes("jpeg", jpg_quality=85), orientation=6)


def _payment_png(case: DemoCase) -> bytes:
    total = sum(inv.amount for inv in case.invoices)

    def draw(page):
        page.draw_rect(page.rect, color=None, fill=(0.93, 0.97, 0.93))
        _text(page, (20, 40), "支付成功", 16, (0.1, 0.55, 0.2))
        _text(page, (20, 70), f"付款金额 ¥{total:,.2f}", 12)
        _text(page, (20, 95), "收款方：广州白云机场商旅服务有限公司", 9)

    return _render((90 * MM, 60 * MM), draw, dpi=150).tobytes("png")


def _with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    """Insert a minimal EXIF block holding only the Orientation tag."""
    ifd = struct.pack("<2sHI", b"II", 42, 8) + struct.pack("<H", 1)
    ifd += struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack("<I", 0)
    payload = b"Exif\x00\x00" + ifd
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]
