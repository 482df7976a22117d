"""The demo's OFD invoice: a real-style GB/T 33190 package with CustomData, the 数电票 XML
attached, a QR code image, and an electronic signature whose SES value holds the seal.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pymupdf
import segno

from fps_desktop.formats.drawing import write_text
from fps_desktop.formats.mupdf import mupdf_lock

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
BROWN = "128 64 0"


def demo_invoice_ofd(inv, xml: bytes) -> bytes:
    """``inv`` is a ``documents.demo.DemoInvoice``; its ``xml`` rides along as an attachment."""
    net = inv.amount - inv.tax
    custom = {
        "发票号码": inv.number, "开票日期": "{}年{}月{}日".format(*inv.date.split("-")),
        "购买方名称": inv.buyer, "购买方纳税人识别号": inv.buyer_tax_id,
        "销售方名称": inv.seller, "销售方纳税人识别号": inv.seller_tax_id,
        "合计金额": f"{net:.2f}", "合计税额": f"{inv.tax:.2f}", "价税合计": f"{inv.amount:.2f}",
    }  # fmt: skip
    parts = {
        "OFD.xml": _ofd_xml(inv.number, custom),
        "Doc_0/Document.xml": _document_xml(),
        "Doc_0/PublicRes.xml": (
            f'{HEADER}<ofd:Res {NS} BaseLoc="Res"><ofd:Fonts>'
            '<ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/>'
            '<ofd:Font ID="3" FontName="楷体" FamilyName="楷体"/>'
            '<ofd:Font ID="4" FontName="Courier New"/></ofd:Fonts></ofd:Res>'
        ),
        "Doc_0/DocumentRes.xml": (
            f'{HEADER}<ofd:Res {NS} BaseLoc="Res"><ofd:MultiMedias>'
            '<ofd:MultiMedia ID="5" Type="Image" Format="PNG"><ofd:MediaFile>qr.png'
            "</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias></ofd:Res>"
        ),
        "Doc_0/Res/qr.png": _qr_png(inv.qr_text),
        "Doc_0/Pages/Page_0/Content.xml": _page_xml(inv, net),
        "Doc_0/Attachs/Attachments.xml": (
            f'{HEADER}<ofd:Attachments {NS}><ofd:Attachment ID="90" Name="original_invoice" '
            'Format="xml"><ofd:FileLoc>original_invoice.xml</ofd:FileLoc></ofd:Attachment>'
            "</ofd:Attachments>"
        ),
        "Doc_0/Attachs/original_invoice.xml": xml,
        "Doc_0/Signs/Signatures.xml": (
            f"{HEADER}<ofd:Signatures {NS}><ofd:MaxSignId>1</ofd:MaxSignId>"
            '<ofd:Signature ID="1" BaseLoc="Sign_0/Signature.xml"/></ofd:Signatures>'
        ),
        "Doc_0/Signs/Sign_0/Signature.xml": (
            f"{HEADER}<ofd:Signature {NS}><ofd:SignedInfo>"
            '<ofd:Provider ProviderName="FPS demo" Version="4.0"/>'
            '<ofd:StampAnnot ID="1" PageRef="1" Boundary="152 22 38 25"/>'
            "</ofd:SignedInfo><ofd:SignedValue>SignedValue.dat</ofd:SignedValue>"
            "</ofd:Signature>"
        ),
        "Doc_0/Signs/Sign_0/SignedValue.dat": _ses_signature(_seal_png(inv.seller_tax_id)),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            info = zipfile.ZipInfo(name, date_time=(2025, 11, 3, 10, 21, 7))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    return out.getvalue()


def _ofd_xml(number: str, custom: dict[str, str]) -> str:
    datas = "".join(
        f'<ofd:CustomData Name="{name}">{escape(value)}</ofd:CustomData>'
        for name, value in custom.items()
    )
    return (
        f'{HEADER}<ofd:OFD {NS} DocType="OFD" Version="1.0"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>{number}</ofd:DocID><ofd:Author>China Tax</ofd:Author>"
        f"<ofd:CustomDatas>{datas}</ofd:CustomDatas></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>"
        "</ofd:DocBody></ofd:OFD>"
    )


def _document_xml() -> str:
    return (
        f"{HEADER}<ofd:Document {NS}><ofd:CommonData><ofd:MaxUnitID>200</ofd:MaxUnitID>"
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData>"
        '<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
        "<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments></ofd:Document>"
    )


def _page_xml(inv, net: float) -> str:
    units = []
    next_id = iter(range(10, 200))

    def text(x: float, y: float, value: str, size: float = 3.175, font: int = 2,
             color: str = "0 0 0") -> None:  # fmt: skip
        width = max(len(value), 1) * size
        units.append(
            f'<ofd:TextObject ID="{next(next_id)}" Boundary="{x} {y - size} {width} {size * 1.4}"'
            f' Font="{font}" Size="{size}"><ofd:FillColor Value="{color}"/>'
            f'<ofd:TextCode X="0" Y="{size}">{escape(value)}</ofd:TextCode></ofd:TextObject>'
        )

    def line(x0: float, y0: float, x1: float, y1: float) -> None:
        units.append(
            f'<ofd:PathObject ID="{next(next_id)}" Boundary="0 0 210 140" LineWidth="0.25">'
            f'<ofd:StrokeColor Value="{BROWN}"/>'
            f"<ofd:AbbreviatedData>M {x0} {y0} L {x1} {y1}</ofd:AbbreviatedData>"
            "</ofd:PathObject>"
        )

    units.append(
        f'<ofd:ImageObject ID="{next(next_id)}" CTM="20 0 0 20 0 0" Boundary="6 5 20 20" '
        'ResourceID="5"/>'
    )
    text(68, 16, "电子发票（普通发票）", 6, 3, BROWN)
    text(150, 12, f"发票号码：{inv.number}", 3)
    text(150, 18, f"开票日期：{inv.date}", 3)
    for x0, y0, x1, y1 in ((5, 28, 205, 28), (5, 50, 205, 50), (5, 112, 205, 112),
                           (5, 28, 5, 112), (205, 28, 205, 112), (105, 28, 105, 50),
                           (5, 104, 205, 104)):  # fmt: skip
        line(x0, y0, x1, y1)
    text(8, 34, "购买方信息", 3, 2, BROWN)
    text(8, 40, f"名称：{inv.buyer}", 3)
    text(8, 46, f"统一社会信用代码/纳税人识别号：{inv.buyer_tax_id}", 2.8)
    text(108, 34, "销售方信息", 3, 2, BROWN)
    text(108, 40, f"名称：{inv.seller}", 3)
    text(108, 46, f"统一社会信用代码/纳税人识别号：{inv.seller_tax_id}", 2.8)
    for x, heading, value in ((8, "项目名称", inv.item), (120, "金额", f"{net:.2f}"),
                              (150, "税率", "6%"), (175, "税额", f"{inv.tax:.2f}")):  # fmt: skip
        text(x, 56, heading, 3, 2, BROWN)
        text(x, 62, value, 3)
    text(20, 101, "合 计", 3, 2, BROWN)
    text(120, 101, f"¥{net:.2f}", 3, 4)
    text(175, 101, f"¥{inv.tax:.2f}", 3, 4)
    text(8, 109, "价税合计（大写）", 3, 2, BROWN)
    text(140, 109, f"（小写）¥{inv.amount:.2f}", 3.2)
    text(10, 122, "开票人：李会计", 3)
    return (
        f'{HEADER}<ofd:Page {NS}><ofd:Content><ofd:Layer ID="9">{"".join(units)}'
        "</ofd:Layer></ofd:Content></ofd:Page>"
    )


def _qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=4, border=1)
    return out.getvalue()


def _seal_png(tax_id: str) -> bytes:
    """A red oval 发票专用章 on a transparent ground, as stamp pictures are."""
    with mupdf_lock:
        doc = pymupdf.open()
        page = doc.new_page(width=160, height=104)
        page.draw_oval(pymupdf.Rect(4, 4, 156, 100), color=(0.85, 0.1, 0.1), width=4)
        write_text(page, (40, 48), "发票专用章", 16, (0.85, 0.1, 0.1))
        write_text(page, (34, 70), tax_id, 8, (0.85, 0.1, 0.1))
        png = page.get_pixmap(dpi=144, alpha=True).tobytes("png")
        doc.close()
    return png


def _der(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    size = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + length.to_bytes(size, "big") + content


def _ses_signature(picture: bytes) -> bytes:
    """A GB/T 38540-shaped SES_Signature holding the seal picture (signature bytes void)."""
    picture_info = _der(0x30, _der(0x16, b"png") + _der(0x04, picture)
                        + _der(0x02, b"\x28") + _der(0x02, b"\x1a"))  # fmt: skip
    seal = _der(0x30, _der(0x16, b"ES") + _der(0x0C, "发票专用章".encode()) + picture_info)
    to_sign = _der(0x30, _der(0x02, b"\x04") + seal + _der(0x18, b"20251103102107Z"))
    return _der(0x30, to_sign + _der(0x06, b"\x2a\x81\x1c\xcf\x55\x01\x83\x75")
                + _der(0x03, b"\x00" + bytes(64)))  # fmt: skip
