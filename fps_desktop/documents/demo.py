"""A built-in demo document source: realistic Chinese e-invoices and attachments.

The files are drawn by the program itself (nothing binary is shipped), so a
fresh machine with no network can try every feature.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pymupdf

from fps_desktop.documents.models import FileRole, RemoteFile
from fps_desktop.documents.pdf import mupdf_lock
from fps_desktop.errors import QT_TRANSLATE_NOOP, SourceError
from fps_desktop.jobs import CancelToken

MM = 72 / 25.4
INVOICE_SIZE = (241 * MM, 140 * MM)  # the national e-invoice page size
RED = (0.85, 0.1, 0.1)
INK = (0.55, 0.3, 0.1)


@dataclass(frozen=True)
class DemoInvoice:
    number: str
    date: str
    seller: str
    item: str
    amount: float


@dataclass(frozen=True)
class DemoCase:
    title: str
    invoices: tuple[DemoInvoice, ...]
    receipt: bool = False
    screenshot: bool = False
    attachment_pages: int = 0


UNIVERSITY = "香港科技大学（广州）"
DEMO_CASES: dict[str, DemoCase] = {
    "c965be9f9c1d449d9e50fed330150d7a": DemoCase(
        "差旅报销 Travel claim",
        (
            DemoInvoice("25442000000123456789", "2025-08-19", "广州白云机场商旅服务有限公司",
                        "*经纪代理服务*机票代理费", 1280.00),
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
}  # fmt: skip


def _files_of(case: DemoCase) -> list[RemoteFile]:
    files = [
        RemoteFile(f"inv-{i}", f"发票_{inv.number}.pdf", FileRole.INVOICE)
        for i, inv in enumerate(case.invoices, 1)
    ]
    if case.receipt:
        files.append(RemoteFile("receipt", "出租车票_扫描件.jpg", FileRole.ATTACHMENT))
    if case.screenshot:
        files.append(RemoteFile("payment", "支付记录截图.png", FileRole.ATTACHMENT))
    if case.attachment_pages:
        files.append(RemoteFile("approval", "审批单及行程说明.pdf", FileRole.ATTACHMENT))
    return files


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
    with mupdf_lock:
        if file_id.startswith("inv-"):
            return _invoice_pdf(case.invoices[int(file_id[4:]) - 1])
        if file_id == "receipt":
            return _receipt_jpeg()
        if file_id == "payment":
            return _payment_png(case)
        return _attachment_pdf(case)


@cache
def _fonts() -> tuple[pymupdf.Font, pymupdf.Font]:
    return pymupdf.Font("china-s"), pymupdf.Font("helv")


def _text(page: pymupdf.Page, point, text: str, size: float = 9, color=(0, 0, 0)) -> None:
    """Write mixed Chinese and Latin text: CJK glyphs from china-s, the rest from Helvetica."""
    cjk, latin = _fonts()
    writer = pymupdf.TextWriter(page.rect, color=color)
    position = pymupdf.Point(point)
    for is_ascii, run in _runs(text):
        _, position = writer.append(position, run, font=latin if is_ascii else cjk, fontsize=size)
    writer.write_text(page)


def _runs(text: str) -> Iterator[tuple[bool, str]]:
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or text[i].isascii() != text[start].isascii():
            yield text[start].isascii(), text[start:i]
            start = i


def _invoice_pdf(inv: DemoInvoice) -> bytes:
    doc = pymupdf.open()
    width, height = INVOICE_SIZE
    page = doc.new_page(width=width, height=height)
    _text(page, (width / 2 - 110, 40), "电子发票（普通发票）", 18, INK)
    page.draw_line((width / 2 - 110, 46), (width / 2 + 75, 46), color=INK, width=1)
    _text(page, (width - 200, 30), f"发票号码：{inv.number}", 8)
    _text(page, (width - 200, 44), f"开票日期：{inv.date}", 8)
    box = pymupdf.Rect(20, 60, width - 20, height - 50)
    page.draw_rect(box, color=INK, width=0.8)
    page.draw_line((box.x0, 120), (box.x1, 120), color=INK, width=0.6)
    page.draw_line((width / 2, box.y0), (width / 2, 120), color=INK, width=0.6)
    _text(page, (28, 78), "购买方信息", 8, INK)
    _text(page, (28, 94), f"名称：{UNIVERSITY}", 8)
    _text(page, (28, 108), "统一社会信用代码：12440000MB2C12345X", 8)
    _text(page, (width / 2 + 8, 78), "销售方信息", 8, INK)
    _text(page, (width / 2 + 8, 94), f"名称：{inv.seller}", 8)
    _text(page, (width / 2 + 8, 108), "统一社会信用代码：91440101MA5C67890Y", 8)
    tax = round(inv.amount * 0.06 / 1.06, 2)
    columns = (28, 250, 320, 370, 430, 520, 590)
    headings = ("项目名称", "单位", "数量", "单价", "金额", "税率", "税额")
    values = (inv.item, "次", "1", f"{inv.amount - tax:.2f}", f"{inv.amount - tax:.2f}", "6%",
              f"{tax:.2f}")  # fmt: skip
    for x, heading, value in zip(columns, headings, values, strict=True):
        _text(page, (x, 138), heading, 8, INK)
        _text(page, (x, 156), value, 8)
    page.draw_line((box.x0, box.y1 - 40), (box.x1, box.y1 - 40), color=INK, width=0.6)
    _text(page, (28, box.y1 - 22), f"价税合计（大写）   ¥{inv.amount:,.2f}", 9)
    _text(page, (width - 200, box.y1 - 22), f"（小写）¥{inv.amount:,.2f}", 9)
    _text(page, (28, height - 28), "开票人：李会计", 8)
    seal = pymupdf.Rect(width - 150, 64, width - 70, 114)
    ring = page.add_circle_annot(seal)
    ring.set_colors(stroke=RED)
    ring.set_border(width=2)
    ring.set_info(title="seal", content="发票专用章")
    ring.update()
    _text(page, (seal.x0 + 12, seal.y0 + 24), "发票专用章", 9, RED)
    _text(page, (seal.x0 + 8, seal.y0 + 38), "91440101MA5C67890Y", 5, RED)
    return _finished(doc)


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
