"""Invoices and tickets a university reimburses, drawn in the layouts the issuers use.

Each maker returns the PDF bytes and the truth a clerk would read off the paper by
eye, so the tests and ``benchmarks/bench_invoices.py`` score every field. The
layouts follow the real documents: the 12306 rail e-ticket (电子发票（铁路电子客票）,
fare printed as ``票价:￥377.00``, QR type 51), the air itinerary, the 数电专票 with
the look-alike characters its PDFs carry (电⼦, 专⽤, ⽇ — Kangxi radicals), the
toll e-invoice in the older stacked layout, fiscal and medical e-receipts.
Photos are the pages drawn as pixels, slightly turned, in any picture format.
"""

from __future__ import annotations

import io
import random
import unicodedata
from dataclasses import dataclass, field
from functools import partial

import pymupdf
from PIL import Image

from fps_desktop.formats.drawing import draw_qr, write_text

UNIVERSITY = "香港科技大学（广州）"
UNIVERSITY_TAX_ID = "12440000MB2C12345X"
INK = (0.55, 0.3, 0.1)  # the brown of printed labels


@dataclass
class Sample:
    name: str
    kind: str
    data: bytes
    truth: dict[str, str] = field(default_factory=dict)  # field -> what the eye reads
    qr: bool = True  # an invoice QR code printed at the top left


def _page(width: float = 595, height: float = 396) -> tuple[pymupdf.Document, pymupdf.Page]:
    doc = pymupdf.open()
    return doc, doc.new_page(width=width, height=height)


# What the tax system's PDF generators write for some characters: the Kangxi radical,
# which looks the same and is another code point.
LOOKALIKES = {c: chr(r) for r in range(0x2F00, 0x2FD6)
              if len(c := unicodedata.normalize("NFKC", chr(r))) == 1
              and c in "子用日一人小金行目止"}  # fmt: skip


def _done(doc: pymupdf.Document, lookalikes: bool = True) -> bytes:
    """The PDF as issued: fonts subset; with ``lookalikes``, the text layer of the CJK
    font says 电⼦ where the page shows 电子, as the tax system's PDFs do."""
    doc.subset_fonts()
    if lookalikes:
        _swap_lookalikes(doc)
    return doc.tobytes(garbage=3, deflate=True)


def _swap_lookalikes(doc: pymupdf.Document) -> None:
    """A ToUnicode map of the CJK font (glyph id = code, Identity-H) naming each glyph
    by its look-alike where there is one."""
    cjk = pymupdf.Font("china-s")
    used = {c for page in doc for c in page.get_text() if not c.isascii()}
    pairs = sorted({(cjk.has_glyph(ord(c)), LOOKALIKES.get(c, c)) for c in used if
                    cjk.has_glyph(ord(c))})  # fmt: skip
    lines = "".join(f"<{gid:04x}> <{ord(text):04x}>\n" for gid, text in pairs)
    cmap = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo <</Registry(Adobe)/Ordering(UCS)/Supplement 0>> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            f"{len(pairs)} beginbfchar\n{lines}endbfchar\n"
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")  # fmt: skip
    for xref in range(1, doc.xref_length()):
        if "Droid" in doc.xref_get_key(xref, "BaseFont")[1]:
            kind, value = doc.xref_get_key(xref, "ToUnicode")
            if kind == "xref":
                doc.update_stream(int(value.split()[0]), cmap.encode())


def in_words(amount: str) -> str:
    """``10600.00`` -> ``壹万零陆佰圆整``, the way invoices print a total in words."""
    digits, units = "零壹贰叁肆伍陆柒捌玖", ["", "拾", "佰", "仟"]
    yuan, cents = amount.split(".")
    out, zero = "", False
    for position, char in enumerate(yuan.zfill(8)):
        place = 7 - position
        if char == "0":
            zero = zero or bool(out)
        else:
            out += ("零" if zero else "") + digits[int(char)] + units[place % 4]
            zero = False
        if place == 4 and out and not out.endswith("万"):
            out, zero = out + "万", False
    out = (out or "零") + "圆"
    if cents == "00":
        return out + "整"
    jiao, fen = int(cents[0]), int(cents[1])
    return out + (f"{digits[jiao]}角" if jiao else "零") + (f"{digits[fen]}分" if fen else "")


def _vertical(page: pymupdf.Page, x: float, y: float, text: str, step: float = 11) -> None:
    """A heading printed one character a line, as 购买方信息 is on the invoices."""
    for i, char in enumerate(text):
        write_text(page, (x, y + i * step), char, 8, INK)


def rail_ticket(
    number: str = "25449165100001234567",
    day: str = "2025-01-08",
    fare: str = "377.00",
    passenger: str = "张三",
    dep: str = "广州南",
    arr: str = "长沙南",
    train: str = "G1234",
    time: str = "08:00",
    buyer: str = UNIVERSITY,
    buyer_tax_id: str = UNIVERSITY_TAX_ID,
) -> Sample:
    """电子发票（铁路电子客票） as 12306 issues it since November 2024."""
    doc, page = _page(595, 340)
    y, m, d = day.split("-")
    draw_qr(page, pymupdf.Rect(20, 10, 90, 80), f"01,51,,{number},{fare},{y}{m}{d},,A1B2")
    write_text(page, (190, 40), "电子发票（铁路电子客票）", 18, INK)
    write_text(page, (400, 66), f"发票号码:{number}", 9)
    write_text(page, (400, 80), f"开票日期:{y}年{m}月{d}日", 9)
    write_text(page, (60, 120), f"{dep}站", 16)
    write_text(page, (250, 120), train, 16)
    write_text(page, (400, 120), f"{arr}站", 16)
    write_text(page, (60, 136), "Guangzhounan", 8)
    write_text(page, (400, 136), "Changshanan", 8)
    write_text(page, (60, 160), f"{y}年{m}月{d}日 {time}开", 10)
    write_text(page, (250, 160), "05车12F号", 10)
    write_text(page, (400, 160), "二等座", 10)
    write_text(page, (60, 184), f"票价:￥{fare}", 10)
    write_text(page, (60, 208), f"4401011990****123X {passenger}", 10)
    write_text(page, (60, 232), "电子客票号:6510154930010000000002025", 9)
    write_text(page, (60, 256), f"购买方名称:{buyer}", 9)
    write_text(page, (330, 256), f"统一社会信用代码:{buyer_tax_id}", 9)
    write_text(page, (60, 300), "买票请到12306 发货请到95306", 9)
    write_text(page, (380, 300), "中国铁路祝您旅途愉快", 9)
    truth = {"kind": "rail", "number": number, "date": day, "total": fare, "buyer": buyer,
             "buyer_tax_id": buyer_tax_id, "passenger": passenger,
             "trip": f"{train} {dep}→{arr} {day} {time}"}  # fmt: skip
    return Sample(f"铁路电子客票_{number[-6:]}.pdf", "rail", _done(doc), truth)


def air_itinerary(
    number: str = "25447000000087654321",
    day: str = "2025-03-02",
    passenger: str = "李四",
    fare: str = "1200.00",
    fuel: str = "60.00",
    tax: str = "104.04",
    fund: str = "50.00",
    total: str = "1310.00",
) -> Sample:
    """电子发票（航空运输电子客票行程单）, the 数电 itinerary airlines issue since 2024."""
    doc, page = _page(595, 360)
    y, m, d = day.split("-")
    draw_qr(page, pymupdf.Rect(20, 10, 90, 80), f"01,61,,{number},{total},{y}{m}{d},,C3D4")
    write_text(page, (130, 40), "电子发票（航空运输电子客票行程单）", 16, INK)
    write_text(page, (400, 66), f"发票号码:{number}", 9)
    write_text(page, (400, 80), f"开票日期:{y}年{m}月{d}日", 9)
    write_text(page, (30, 104), f"旅客姓名 {passenger}", 9)
    write_text(page, (160, 104), "有效身份证件号码 440101199001011234", 9)
    write_text(page, (400, 104), "签注 不得签转", 9)
    for x, text in ((30, "自 FROM 广州 CAN"), (170, "承运人 南航"), (250, "航班号 CZ3101"),
                    (340, "座位等级 Y"), (410, f"日期 {day}"), (500, "时间 08:00")):  # fmt: skip
        write_text(page, (x, 132), text, 9)
    write_text(page, (30, 150), "至 TO 北京大兴 PKX", 9)
    row = ((30, f"票价 ¥{fare}"), (130, f"燃油附加费 ¥{fuel}"), (250, "增值税税率 9%"),
           (330, f"增值税税额 ¥{tax}"), (440, f"民航发展基金 ¥{fund}"))  # fmt: skip
    for x, text in row:
        write_text(page, (x, 186), text, 9)
    write_text(page, (30, 204), "其他税费 ¥0.00", 9)
    write_text(page, (440, 204), f"合计 ¥{total}", 9)
    write_text(page, (30, 232), "电子客票号码 7841234567890  验证码 1234", 9)
    write_text(page, (30, 256), f"购买方名称:{UNIVERSITY}", 9)
    write_text(page, (330, 256), f"统一社会信用代码:{UNIVERSITY_TAX_ID}", 9)
    write_text(page, (30, 300), "填开单位 中国南方航空股份有限公司", 9)
    truth = {"kind": "air", "number": number, "date": day, "total": total, "tax": tax,
             "buyer": UNIVERSITY, "buyer_tax_id": UNIVERSITY_TAX_ID, "passenger": passenger,
             "trip": f"CZ3101 广州→北京大兴 {day} 08:00"}  # fmt: skip
    return Sample(f"行程单_{number[-6:]}.pdf", "air", _done(doc), truth)


def digital_special(
    number: str = "25442000000345678901",
    day: str = "2025-06-18",
    seller: str = "广州市天河区实验仪器有限公司",
    seller_tax_id: str = "91440106MA59C8XK3L",
    buyer: str = UNIVERSITY,
    buyer_tax_id: str = UNIVERSITY_TAX_ID,
    amount: str = "8849.56",
    tax: str = "1150.44",
    total: str = "10000.00",
) -> Sample:
    """电子发票（增值税专用发票）: parties side by side under vertical headings, the tax
    ID label spelt out in full, look-alike characters in the title and labels."""
    doc, page = _page(660, 400)
    y, m, d = day.split("-")
    draw_qr(page, pymupdf.Rect(20, 4, 84, 68), f"01,31,,{number},{total},{y}{m}{d},,E5F6")
    write_text(page, (200, 40), "电子发票（增值税专用发票）", 18, INK)
    write_text(page, (470, 30), f"发票号码：{number}", 9)
    write_text(page, (470, 44), f"开票日期：{y}年{m}月{d}日", 9)
    page.draw_rect(pymupdf.Rect(20, 70, 640, 340), color=INK, width=0.8)
    _vertical(page, 26, 84, "购买方信息")
    write_text(page, (44, 92), f"名称：{buyer}", 9)
    if buyer_tax_id:
        write_text(page, (44, 116), f"统一社会信用代码/纳税人识别号：{buyer_tax_id}", 9)
    _vertical(page, 332, 84, "销售方信息")
    write_text(page, (350, 92), f"名称：{seller}", 9)
    write_text(page, (350, 116), f"统一社会信用代码/纳税人识别号：{seller_tax_id}", 9)
    for x, head, value in ((30, "项目名称", "*实验仪器*离心机"), (330, "金额", amount),
                           (420, "税率/征收率", "13%"), (520, "税额", tax)):  # fmt: skip
        write_text(page, (x, 150), head, 9, INK)
        write_text(page, (x, 168), value, 9)
    write_text(page, (40, 290), "合 计", 9, INK)
    write_text(page, (330, 290), f"¥{amount}", 9)
    write_text(page, (520, 290), f"¥{tax}", 9)
    write_text(page, (30, 320), "价税合计（大写）", 9, INK)
    write_text(page, (160, 320), in_words(total), 9)
    write_text(page, (470, 320), f"（小写）¥{total}", 9)
    write_text(page, (30, 370), "开票人：王会计", 9)
    truth = {"kind": "digital-special", "number": number, "date": day, "total": total,
             "amount": amount, "tax": tax, "buyer": buyer, "buyer_tax_id": buyer_tax_id,
             "seller": seller, "seller_tax_id": seller_tax_id}  # fmt: skip
    return Sample(f"数电专票_{number[-6:]}.pdf", "digital-special", _done(doc), truth)


def toll_invoice(
    code: str = "044002000111",
    number: str = "30712345",
    day: str = "2025-02-14",
    amount: str = "97.09",
    tax: str = "2.91",
    total: str = "100.00",
) -> Sample:
    """增值税电子普通发票（通行费）: the older layout, buyer above and seller below."""
    doc, page = _page(660, 400)
    y, m, d = day.split("-")
    qr = f"01,10,{code},{number},{amount},{y}{m}{d},12345678901234567890,9F2A"
    draw_qr(page, pymupdf.Rect(20, 4, 84, 68), qr)
    write_text(page, (100, 30), "通行费", 12, INK)
    write_text(page, (200, 40), "广东增值税电子普通发票", 18, INK)
    write_text(page, (470, 30), f"发票代码: {code}", 9)
    write_text(page, (470, 44), f"发票号码: {number}", 9)
    write_text(page, (470, 58), f"开票日期: {y}年{m}月{d}日", 9)
    write_text(page, (470, 72), "校 验 码: 12345 67890 12345 67890", 9)
    _vertical(page, 26, 96, "购买方", 14)
    write_text(page, (44, 96), f"名 称: {UNIVERSITY}", 9)
    write_text(page, (44, 110), f"纳税人识别号: {UNIVERSITY_TAX_ID}", 9)
    write_text(page, (44, 124), "地址、电话:", 9)
    write_text(page, (30, 160), "项目名称 车牌号 类型 通行日期起 通行日期止 金额 税率 税额", 9, INK)
    write_text(page, (30, 176), f"*经营租赁*通行费 粤A12345 客车 {day} {day} {amount} 3% {tax}",
               9)  # fmt: skip
    write_text(page, (40, 240), f"合 计 ¥{amount} ¥{tax}", 9)
    write_text(page, (30, 262), f"价税合计(大写) {in_words(total)} (小写) ¥{total}", 9)
    _vertical(page, 26, 290, "销售方", 14)
    write_text(page, (44, 286), "名 称: 广东联合电子服务股份有限公司", 9)
    write_text(page, (44, 300), "纳税人识别号: 914400007536877950", 9)
    truth = {"kind": "toll", "code": code, "number": number, "date": day, "total": total,
             "amount": amount, "tax": tax, "buyer": UNIVERSITY, "buyer_tax_id": UNIVERSITY_TAX_ID,
             "seller": "广东联合电子服务股份有限公司",
             "seller_tax_id": "914400007536877950"}  # fmt: skip
    return Sample(f"通行费_{number}.pdf", "toll", _done(doc), truth)


def fiscal_receipt(
    medical: bool = False,
    code: str = "44060122",
    number: str = "0012345678",
    check: str = "a1b2c3",
    day: str = "2025-04-09",
    payer: str = "王五",
    total: str = "356.80",
) -> Sample:
    """财政电子票据: a non-tax receipt or a hospital's 医疗门诊收费票据（电子）."""
    doc, page = _page(595, 380)
    title = "广东省医疗门诊收费票据（电子）" if medical else "广东省非税收入统一票据（电子）"
    write_text(page, (150, 40), title, 16, (0.7, 0.1, 0.1))
    write_text(page, (30, 72), f"票据代码：{code}", 9)
    write_text(page, (200, 72), f"票据号码：{number}", 9)
    write_text(page, (420, 72), f"校验码：{check}", 9)
    write_text(page, (30, 90), "交款人统一社会信用代码：", 9)
    write_text(page, (200, 90), f"交款人：{payer}", 9)
    write_text(page, (420, 90), f"开票日期：{day}", 9)
    write_text(page, (30, 120), "项目编码 项目名称 单位 数量 标准 金额（元） 备注", 9)
    item = "西药费" if medical else "考试报名费"
    write_text(page, (30, 138), f"0101 {item} 次 1 {total} {total}", 9)
    write_text(page, (30, 300), f"金额合计（大写）{in_words(total)} （小写）{total}", 9)
    unit = "广州市第一人民医院" if medical else "广州市人力资源考试中心"
    write_text(page, (30, 330), f"收款单位（章）：{unit}", 9)
    write_text(page, (300, 330), "复核人：赵六  收款人：钱七", 9)
    write_text(page, (200, 360), "财政部监制", 8, (0.7, 0.1, 0.1))
    kind = "medical" if medical else "fiscal"
    truth = {"kind": kind, "code": code, "number": number, "check_code": check.upper(),
             "date": day, "total": total, "buyer": payer, "seller": unit}  # fmt: skip
    return Sample(f"{'医疗' if medical else '非税'}票据_{number}.pdf", kind, _done(doc), truth,
                  qr=False)  # fmt: skip


def taxi_receipt(
    code: str = "144011925061",
    number: str = "01234567",
    day: str = "2025-01-08",
    total: str = "56.00",
) -> Sample:
    """A city's 出租汽车统一发票 as the meter prints it: a narrow slip, code and number
    printed, no QR code, the fare as 金额."""
    doc, page = _page(230, 340)
    write_text(page, (22, 30), "广州市出租汽车统一发票", 13, (0.7, 0.1, 0.1))
    write_text(page, (20, 60), f"发票代码：{code}", 9)
    write_text(page, (20, 76), f"发票号码：{number}", 9)
    for i, line in enumerate(("电话：020-96900", "车号：粤A·D1234", f"日期：{day}",
                              "上车：08:12", "下车：08:47", "单价：2.60元", "里程：18.3km",
                              "等候：00:03:20", f"金额：¥{total}")):  # fmt: skip
        write_text(page, (20, 104 + 20 * i), line, 10)
    truth = {"kind": "taxi", "code": code, "number": number, "date": day, "total": total}
    return Sample(f"出租车票_{number}.pdf", "taxi", _done(doc, lookalikes=False), truth, qr=False)


def fuel_invoices(count: int = 19) -> list[Sample]:
    """A month of fuel at one station: same seller, same amount, same day, distinct numbers."""
    return [
        digital_special(
            number=f"2544200000056789{i:04d}",
            day="2025-05-20",
            seller="中国石化销售股份有限公司广东广州石油分公司",
            seller_tax_id="91440101MA5AL0D1XU",
            amount="265.49",
            tax="34.51",
            total="300.00",
        )
        for i in range(count)
    ]


def photo(sample: Sample, fmt: str, dpi: int = 200, turn: float = 1.5) -> Sample:
    """The first page photographed: drawn as pixels, a little turned, saved as ``fmt``."""
    page = pymupdf.open("pdf", sample.data)[0]
    pix = page.get_pixmap(dpi=dpi)
    image = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    image = image.rotate(turn, expand=True, fillcolor=(235, 235, 230))
    out = io.BytesIO()
    image.save(out, fmt)
    suffix = {"JPEG": "jpg", "TIFF": "tif"}.get(fmt, fmt.lower())
    return Sample(sample.name.rsplit(".", 1)[0] + f".{suffix}", sample.kind, out.getvalue(),
                  sample.truth)  # fmt: skip


def paper_photo(sample: Sample, seed: int = 0, dpi: int = 150) -> Sample:
    """The paper copy photographed by a phone: no readable QR code (covered, folded or
    not printed), the sheet seen at a slant and a little turned, slightly out of focus,
    sensor noise, saved as a JPEG of middling quality. ``seed`` makes each shot its own."""
    import numpy as np
    from PIL import ImageDraw, ImageFilter

    rnd = random.Random(seed)
    pix = pymupdf.open("pdf", sample.data)[0].get_pixmap(dpi=dpi)
    image = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    if sample.qr:
        ImageDraw.Draw(image).rectangle((0, 0, 90 * dpi / 72, 82 * dpi / 72), fill="white")
    width, height = image.size
    table = (200, 195, 185)

    def shift() -> float:
        return rnd.uniform(-0.03, 0.03)

    corners = (width * shift(), height * shift(), width * shift(), height * (1 + shift()),
               width * (1 + shift()), height * (1 + shift()), width * (1 + shift()),
               height * shift())  # fmt: skip
    image = image.transform(image.size, Image.Transform.QUAD, corners,
                            Image.Resampling.BICUBIC, fillcolor=table)  # fmt: skip
    image = image.rotate(rnd.uniform(-3, 3), Image.Resampling.BICUBIC, expand=True,
                         fillcolor=table)  # fmt: skip
    image = image.filter(ImageFilter.GaussianBlur(rnd.uniform(0.6, 1.2)))
    noise = np.random.default_rng(seed).normal(0, 8, (image.height, image.width, 3))
    image = Image.fromarray((np.asarray(image) + noise).clip(0, 255).astype("uint8"))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rnd.randint(55, 80))
    name = sample.name.rsplit(".", 1)[0] + "_photo.jpg"
    return Sample(name, sample.kind, out.getvalue(), sample.truth, qr=False)


def paper_samples() -> list[Sample]:
    """What is photographed rather than downloaded: every kind, and a taxi receipt."""
    return [*all_samples(), taxi_receipt()]


# One of every electronic kind: made when a test asks, not when every test process collects
# the tests.
SAMPLE_MAKERS = (
    rail_ticket,
    partial(rail_ticket, "25449165100001234568", "2025-01-12", "412.50", "张三", "长沙南",
            "广州南", "G1235", "17:42"),
    air_itinerary,
    digital_special,
    partial(digital_special, "25442000000345678902", buyer="张老师", buyer_tax_id=""),
    toll_invoice,
    fiscal_receipt,
    partial(fiscal_receipt, True, "44060222", "0087654321", "9x8y7z", total="128.00"),
)  # fmt: skip


def all_samples() -> list[Sample]:
    """One of every electronic kind, as its PDF."""
    return [make() for make in SAMPLE_MAKERS]
