"""Print layout: which merged pages go where on which sheet of the chosen paper.

Pure and testable: the result is a print-ready PDF of sheets of one paper, which is
what the preview shows and what the spooler sends to the printer. The default,
automatic layout packs a GUID onto the fewest sheets at true size: each item (a page,
or every page of one invoice) whole, in rows with cuts straight through the sheet, so
a guillotine can part them; an item is shrunk only when it does not fit the sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

import pymupdf

from fps_desktop.documents.merge import turned_by_clerk
from fps_desktop.documents.models import FileRole
from fps_desktop.errors import QT_TRANSLATE_NOOP, UsageError
from fps_desktop.formats.drawing import MM, text_width, write_text
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.formats.pdf import inset, pdf_bytes
from fps_desktop.invoices.kinds import OTHER, kind_of
from fps_desktop.jobs import CancelToken, Progress, no_progress
from fps_desktop.layouts import Layout

MARGIN = 5 * MM  # what most printers cannot print on
# Between packed items: room for one cut, and wide enough that a row, its cut line and
# the next row go to the printer as separate bands (``spooler.BAND_GAP``), so blank
# paper between them is not sent.
GAP = 6 * MM
INK_BLEED = 1 * MM  # kept around what is drawn on a page when it is trimmed
BIND_MARGIN = 20.8 * MM  # a paste sheet's binding edge (粘贴单)
STUB_HEIGHT = 14 * MM  # a paste sheet's signature table
STRIP_HEIGHT = 99 * MM  # reimbursement strips: three to an A4 sheet
CUT_LINE_GREY = (0.55, 0.55, 0.55)
CUT_DASHES = "[4 3] 0"
PAPERS = ("A4", "A5", "A3", "B5", "Letter", "Legal")  # offered when no printer says


class Group:
    """What a page is, for the layout: its kind decides how it is packed by default."""

    INVOICE = "invoice"  # VAT invoices, 数电票, toll, fiscal and medical receipts
    TICKET = "ticket"  # rail and air tickets
    RECEIPT = "receipt"  # taxi and quota receipts, photos of receipts
    ATTACHMENT = "attachment"  # any other page

    ALL = (INVOICE, TICKET, RECEIPT, ATTACHMENT)


def group_of(role: FileRole, kind: str, picture: bool) -> str:
    """The layout group of a file from its role, its invoice kind (``invoices.kinds``
    code, empty when not an invoice) and whether it is a picture."""
    if kind and kind_of(kind).ticket:
        return Group.TICKET
    if kind in ("taxi", "quota") or picture:
        return Group.RECEIPT
    if role == FileRole.INVOICE or (kind and kind != OTHER):
        return Group.INVOICE
    return Group.ATTACHMENT


@dataclass(frozen=True)
class Choice:
    """One layout and its grid: ``auto``, ``actual``, ``fit``, ``two-up``, ``grid-RxC``
    (rows × columns; ``grid`` alone is 2 × 2), ``strips`` or ``paste``, as settings, the
    command line and PBMS write it."""

    layout: Layout = Layout.AUTO
    rows: int = 2
    cols: int = 2

    def __str__(self) -> str:
        if self.layout == Layout.GRID:
            return f"grid-{self.rows}x{self.cols}"
        return self.layout.value

    @classmethod
    def parse(cls, text: str) -> Choice:
        match = re.fullmatch(r"grid[-\s]*(\d{1,2})\s*[x×*]\s*(\d{1,2})", text.strip().lower())
        if match:
            rows, cols = int(match.group(1)), int(match.group(2))
            if 1 <= rows <= 10 and 1 <= cols <= 10:
                return cls(Layout.GRID, rows, cols)
        try:
            layout = Layout(text.strip().lower())
        except ValueError:
            layout = None
        if layout is None:
            raise UsageError(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "“{text}” is not a layout: use auto, actual, fit, two-up, strips, paste "
                    "or a grid of rows × columns from 1 to 10, like grid-2x2.",
                ),
                text=text[:40],
            )
        return cls(layout)


@dataclass(frozen=True)
class Paper:
    """A sheet of paper as printed on: its name, and its size in points, turned."""

    name: str = "A4"
    width: float = 595.0  # portrait, as pymupdf.paper_rect("a4")
    height: float = 842.0
    landscape: bool = False

    @property
    def rect(self) -> pymupdf.Rect:
        short, long = sorted((self.width, self.height))
        return (
            pymupdf.Rect(0, 0, long, short) if self.landscape else pymupdf.Rect(0, 0, short, long)
        )


def paper_named(name: str, landscape: bool = False) -> Paper:
    """A paper by its usual name (A4, A5, B5, Letter…); an unknown name is an error."""
    rect = pymupdf.paper_rect(name.strip().lower())
    if rect.width <= 0 or rect.height <= 0:
        raise UsageError(
            QT_TRANSLATE_NOOP("FpsError", "“{name}” is not a paper size: use one of {names}."),
            name=name[:20], names=", ".join(PAPERS),
        )  # fmt: skip
    canonical = next((p for p in PAPERS if p.lower() == name.strip().lower()), name.strip())
    return Paper(canonical, rect.width, rect.height, landscape)


A4 = Paper()


@dataclass(frozen=True)
class Setup:
    """How sheets are laid out: the layout, the paper, and the layout of each group when
    the layout is automatic (``auto`` packs it; a group not named is packed too)."""

    choice: Choice = field(default_factory=Choice)
    paper: Paper = A4
    by_group: dict = field(default_factory=dict)  # Group → Choice
    strip_height: float = STRIP_HEIGHT

    @property
    def layout(self) -> Layout:
        return self.choice.layout


@dataclass(frozen=True)
class Stub:
    """A paste sheet's signature table: the GUID's invoices and who claims them."""

    count: int = 0
    total: Decimal = Decimal(0)
    claimant: str = ""


@dataclass(frozen=True)
class Source:
    """Where a merged page came from: its file's role, layout group, and which file
    (pages of one invoice file stay together)."""

    role: FileRole
    group: str = Group.ATTACHMENT
    file: int = 0
    kept: bool = False  # the clerk turned it in the viewer: no layout turns it back


def parse_page_ranges(text: str | None, page_count: int) -> list[int]:
    """``"1-3, 5, 8-"`` → zero-based page indexes in the order given."""
    if not text or not text.strip():
        return list(range(page_count))
    pages: list[int] = []
    for part in re.split(r"[,，;\s]+", text.strip()):
        if not part:
            continue
        match = re.fullmatch(r"(\d*)\s*[-–~]\s*(\d*)|(\d+)", part)
        if not match:
            raise _bad_range(text, page_count)
        if match.group(3):
            first = last = int(match.group(3))
        else:
            first = int(match.group(1) or 1)
            last = int(match.group(2) or page_count)
        if not 1 <= first <= last <= page_count:
            raise _bad_range(text, page_count)
        pages.extend(range(first - 1, last))
    return pages


def _bad_range(text: str, page_count: int) -> UsageError:
    return UsageError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "“{text}” is not a page range of this document (pages 1 to {count}). "
            "Write it like 1-3, 5.",
        ),
        text=text[:40],
        count=page_count,
    )


# -- the plan: placements on sheets ------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """One source page drawn on a sheet: ``clip`` of it (source points) into ``target``."""

    page: int
    clip: tuple[float, float, float, float]
    target: tuple[float, float, float, float]
    turned: bool = False

    @property
    def scale(self) -> float:
        clip, target = pymupdf.Rect(self.clip), pymupdf.Rect(self.target)
        across = target.height if self.turned else target.width
        return across / clip.width


@dataclass(frozen=True)
class Sheet:
    """What one sheet holds, its cut lines ((x0, y0, x1, y1) each) and whether it is a
    paste sheet."""

    placements: tuple[Placement, ...]
    cuts: tuple[tuple[float, float, float, float], ...] = ()
    paste: bool = False

    @property
    def pages(self) -> tuple[int, ...]:
        return tuple(p.page for p in self.placements)

    @property
    def scale(self) -> float:
        """The smallest scale a page got on this sheet; 1.0 for an empty one."""
        return min((p.scale for p in self.placements), default=1.0)


@dataclass(frozen=True)
class _Item:
    """Pages packed as one: every page of one invoice, stacked; ``boxes`` are their clips."""

    pages: tuple[int, ...]
    boxes: tuple[pymupdf.Rect, ...]
    group: str
    kept: bool = False  # turned by the clerk: printed the way the viewer showed it

    @property
    def upright(self) -> bool:
        """Invoices and tickets are read upright, shrunk to the sheet's width as two-up
        always did; receipts and attachments are turned when that keeps them true size."""
        return self.group in (Group.INVOICE, Group.TICKET) or self.kept

    @property
    def size(self) -> tuple[float, float]:
        return (max(b.width for b in self.boxes),
                sum(b.height for b in self.boxes) + GAP * (len(self.boxes) - 1))  # fmt: skip


def page_boxes(doc: pymupdf.Document, trim: bool = True) -> list[tuple[pymupdf.Rect, pymupdf.Rect]]:
    """Each page's rectangle and what is drawn on it (its ink, a little wider): a picture
    on a carrier page or an invoice with white borders packs at the size of what prints.
    A page turned by its /Rotate is turned for good first (see ``plan``).

    Call with ``mupdf_lock`` held.
    """
    boxes = []
    for page in doc:
        if page.rotation:  # drawn as stored when placed: turned for good, in ``doc`` only
            page.remove_rotation()
        rect = page.rect
        ink = pymupdf.Rect()
        if trim:
            for kind, box in page.get_bboxlog():
                if kind != "ignore-text":
                    ink |= pymupdf.Rect(box)
        ink = pymupdf.Rect(ink.x0 - INK_BLEED, ink.y0 - INK_BLEED, ink.x1 + INK_BLEED,
                           ink.y1 + INK_BLEED) & rect  # fmt: skip
        boxes.append((rect, rect if ink.is_empty else ink))
    return boxes


def lay_out(
    sources: list[Source],
    boxes: list[tuple[pymupdf.Rect, pymupdf.Rect]],
    setup: Setup = Setup(),
    page_ranges: str | None = None,
) -> list[Sheet]:
    """The sheets in print order, from each page's source and boxes (``page_boxes``)."""
    pages = parse_page_ranges(page_ranges, len(boxes))
    if setup.layout == Layout.AUTO and setup.by_group:
        families: dict[Choice, list[int]] = {}
        for index in pages:
            choice = setup.by_group.get(sources[index].group, Choice())
            families.setdefault(choice, []).append(index)
        laid = [
            sheet
            for choice, members in families.items()
            for sheet in _lay_out_one(choice, members, sources, boxes, setup)
        ]
        order = {page: number for number, page in enumerate(pages)}
        return sorted(laid, key=lambda sheet: order[sheet.placements[0].page])
    return _lay_out_one(setup.choice, pages, sources, boxes, setup)


def _lay_out_one(choice, pages, sources, boxes, setup: Setup) -> list[Sheet]:
    sheet = setup.paper.rect
    layout = choice.layout
    if layout in (Layout.ACTUAL, Layout.FIT):
        return [_whole(i, boxes[i][0], sheet, layout == Layout.FIT, sources[i].kept)
                for i in pages]  # fmt: skip
    if layout == Layout.TWO_UP:
        return list(_two_up(pages, sources, boxes, sheet))
    items = list(_items(pages, sources, boxes))
    if layout == Layout.GRID:
        return list(_grid(items, sheet, choice.rows, choice.cols))
    if layout == Layout.STRIPS:
        return _shelves(items, sheet, inset(sheet, MARGIN), strip=setup.strip_height)
    if layout == Layout.PASTE:  # pasted in a bundle, not cut: no cut lines
        area = pymupdf.Rect(BIND_MARGIN + GAP, MARGIN + STUB_HEIGHT + GAP,
                            sheet.width - MARGIN, sheet.height - MARGIN)  # fmt: skip
        return [Sheet(s.placements, paste=True) for s in _shelves(items, sheet, area, cut=False)]
    return _shelves(items, sheet, inset(sheet, MARGIN))


def _items(pages: list[int], sources: list[Source], boxes) -> Iterator[_Item]:
    """Consecutive pages of one invoice or ticket file become one item; others one each."""
    run: list[int] = []
    for index in pages:
        source = sources[index]
        joins = (run and source.group in (Group.INVOICE, Group.TICKET)
                 and sources[run[-1]].file == source.file and run[-1] == index - 1)  # fmt: skip
        if run and not joins:
            yield _item(run, sources, boxes)
            run = []
        run.append(index)
    if run:
        yield _item(run, sources, boxes)


def _item(run: list[int], sources, boxes) -> _Item:
    return _Item(tuple(run), tuple(boxes[i][1] for i in run), sources[run[0]].group,
                 any(sources[i].kept for i in run))  # fmt: skip


def _fit(
    size: tuple[float, float], room: tuple[float, float], upright_only: bool = False
) -> tuple[bool, float]:
    """Whether to turn an item of ``size`` for ``room``, and its scale there (≤ 1)."""
    upright = min(1.0, room[0] / size[0], room[1] / size[1])
    turned = min(1.0, room[0] / size[1], room[1] / size[0])
    return (True, turned) if turned > upright + 1e-9 and not upright_only else (False, upright)


def _place_item(
    item: _Item, left: float, top: float, turned: bool, scale: float
) -> list[Placement]:
    """The item's pages stacked from (left, top); turned a quarter clockwise when asked."""
    height = item.size[1]
    placements, along = [], 0.0
    for page, box in zip(item.pages, item.boxes, strict=True):
        w, h = box.width * scale, box.height * scale
        if turned:  # the stack runs right to left once turned a quarter clockwise
            x1 = left + height * scale - along
            target = (x1 - h, top, x1, top + w)
        else:
            target = (left, top + along, left + w, top + along + h)
        placements.append(Placement(page, tuple(box), target, turned))
        along += (box.height + GAP) * scale
    return placements


@dataclass
class _Shelf:
    top: float
    height: float
    used: float = 0.0
    placed: list = field(default_factory=list)  # (item, left, turned, scale)

    def fits(self, width: float, height: float, room: float, grow: float = 0.0) -> bool:
        """Whether an item fits beside the others, the row ``grow``-ing taller if need be."""
        gap = GAP if self.placed else 0
        return height <= self.height + grow + 1e-6 and self.used + gap + width <= room + 1e-6

    def add(self, item: _Item, x0: float, turned: bool, scale: float, width: float) -> None:
        left = x0 + self.used + (GAP if self.placed else 0)
        self.placed.append((item, left, turned, scale))
        self.used = left - x0 + width


@dataclass
class _Open:
    shelves: list[_Shelf] = field(default_factory=list)
    bottom: float = 0.0

    def spot(self, way: tuple, room: tuple[float, float], fixed: bool) -> _Shelf | None:
        """A row with room for an item laid ``way``; the last row may grow into the free
        paper below it (not a strip: strips are all one height)."""
        for shelf in self.shelves:
            grow = 0.0 if fixed or shelf is not self.shelves[-1] else room[1] - self.bottom
            if shelf.fits(way[2], way[3], room[0], grow):
                if way[3] > shelf.height:
                    self.bottom += way[3] - shelf.height
                    shelf.height = way[3]
                return shelf
        return None


def _shelves(
    items: list[_Item],
    sheet: pymupdf.Rect,
    area: pymupdf.Rect,
    strip: float | None = None,
    cut: bool = True,
) -> list[Sheet]:
    """Rows of items across ``area``, first fit, in order as far as packing allows.

    A row's height is set by its first item (or is ``strip``); cuts run across the whole
    sheet between rows and across a row between items, so a guillotine parts them all.
    An item goes into an existing row if it fits there, else into a new row on the first
    sheet with room, else onto a new sheet; upright first, turned only when upright does
    not fit on any open sheet and turned keeps it true size too.
    """
    room = (area.width, min(area.height, strip) if strip is not None else area.height)
    sheets: list[_Open] = []
    for item in items:
        spot = None
        for way in _ways(item, room):  # upright anywhere it fits before turned
            spot = next(((shelf, way) for open_ in sheets if (shelf := open_.spot(
                way, (area.width, area.height), strip is not None))), None) or next(
                (_new_shelf(open_, way, strip, area.height) for open_ in sheets
                 if _has_room(open_, way, strip, area.height)), None)  # fmt: skip
            if spot is not None:
                break
        if spot is None:
            sheets.append(_Open())
            spot = _new_shelf(sheets[-1], _ways(item, room)[0], strip, area.height)
        shelf, (turned, scale, width, _height) = spot
        shelf.add(item, area.x0, turned, scale, width)
    return [_finish(open_, sheet, area, cut) for open_ in sheets]


def _ways(item: _Item, room: tuple[float, float]) -> list[tuple]:
    """(turned, scale, width, height) an item may take in ``room``: the best fit, and
    the other way round too when both are true size."""
    size = item.size
    turned, scale = _fit(size, room, item.upright)
    ways = [(turned, scale)]
    turnable = not item.upright and size[0] != size[1]
    if turnable and scale >= 1.0 and _fit(size[::-1], room) == (False, 1.0):
        ways.append((not turned, 1.0))
    return [(t, s, *(v * s for v in (size[::-1] if t else size))) for t, s in ways]


def _has_room(open_: _Open, way: tuple, strip: float | None, height: float) -> bool:
    top = open_.bottom + (GAP if open_.shelves else 0)
    return top + (strip if strip is not None else way[3]) <= height + 1e-6


def _new_shelf(open_: _Open, way: tuple, strip: float | None, height: float):
    top = open_.bottom + (GAP if open_.shelves else 0)
    shelf = _Shelf(top, strip if strip is not None else way[3])
    open_.shelves.append(shelf)
    open_.bottom = top + shelf.height
    return shelf, way


def _finish(open_: _Open, sheet: pymupdf.Rect, area: pymupdf.Rect, cut: bool) -> Sheet:
    placements, cuts = [], []
    for number, shelf in enumerate(open_.shelves):
        top = area.y0 + shelf.top
        for index, (item, left, turned, scale) in enumerate(shelf.placed):
            placements.extend(_place_item(item, left, top, turned, scale))
            if index:
                x = left - GAP / 2
                cuts.append((x, top, x, top + shelf.height))  # within its row only
        if number < len(open_.shelves) - 1:
            y = top + shelf.height + GAP / 2
            cuts.append((sheet.x0, y, sheet.x1, y))
    return Sheet(tuple(placements), tuple(cuts) if cut else ())


def _grid(items: list[_Item], sheet: pymupdf.Rect, rows: int, cols: int) -> Iterator[Sheet]:
    """``rows`` × ``cols`` equal cells; each item centred in one, shrunk only to fit it."""
    area = inset(sheet, MARGIN)
    cell_w = (area.width - GAP * (cols - 1)) / cols
    cell_h = (area.height - GAP * (rows - 1)) / rows
    per_sheet = rows * cols
    cuts = tuple(
        [(x, sheet.y0, x, sheet.y1)
         for x in (area.x0 + c * (cell_w + GAP) - GAP / 2 for c in range(1, cols))]
        + [(sheet.x0, y, sheet.x1, y)
           for y in (area.y0 + r * (cell_h + GAP) - GAP / 2 for r in range(1, rows))]
    )  # fmt: skip
    for start in range(0, len(items), per_sheet):
        placements = []
        for slot, item in enumerate(items[start : start + per_sheet]):
            row, col = divmod(slot, cols)
            turned, scale = _fit(item.size, (cell_w, cell_h), item.kept)
            w, h = item.size[::-1] if turned else item.size
            left = area.x0 + col * (cell_w + GAP) + (cell_w - w * scale) / 2
            top = area.y0 + row * (cell_h + GAP) + (cell_h - h * scale) / 2
            placements.extend(_place_item(item, left, top, turned, scale))
        yield Sheet(tuple(placements), cuts)


def _whole(index: int, page_rect, sheet: pymupdf.Rect, enlarge: bool, kept: bool) -> Sheet:
    return Sheet((_centred(index, page_rect, sheet, enlarge, kept),))


def _centred(index: int, page_rect, area: pymupdf.Rect, enlarge: bool, kept: bool) -> Placement:
    """A whole page centred in ``area``, turned to match (unless the clerk turned it),
    never enlarged unless asked."""
    room = inset(area, MARGIN)
    turn = (page_rect.width > page_rect.height) != (room.width > room.height) and not kept
    width, height = (
        (page_rect.height, page_rect.width) if turn else (page_rect.width, page_rect.height)
    )
    scale = min(room.width / width, room.height / height)
    if not enlarge:
        scale = min(scale, 1.0)
    width, height = width * scale, height * scale
    left = area.x0 + (area.width - width) / 2
    top = area.y0 + (area.height - height) / 2
    return Placement(index, tuple(page_rect), (left, top, left + width, top + height), turn)


def _two_up(pages: list[int], sources: list[Source], boxes, sheet: pymupdf.Rect) -> Iterator[Sheet]:
    """Pair consecutive invoice pages, one above the other; everything else on its own."""
    middle = sheet.height / 2
    halves = (pymupdf.Rect(0, 0, sheet.width, middle),
              pymupdf.Rect(0, middle, sheet.width, sheet.height))  # fmt: skip
    cut = ((MARGIN, middle, sheet.width - MARGIN, middle),)

    def pair(indexes: list[int]) -> Sheet:
        return Sheet(tuple(_centred(i, boxes[i][0], half, False, sources[i].kept)
                           for i, half in zip(indexes, halves, strict=False)), cut)  # fmt: skip

    waiting: list[int] = []
    for index in pages:
        if sources[index].role == FileRole.INVOICE:
            waiting.append(index)
            if len(waiting) == 2:
                yield pair(waiting)
                waiting = []
            continue
        if waiting:
            yield pair(waiting)
            waiting = []
        yield _whole(index, boxes[index][0], sheet, False, sources[index].kept)
    if waiting:
        yield pair(waiting)


# -- drawing the plan ---------------------------------------------------------------------


def place_sheet(
    out: pymupdf.Document, src: pymupdf.Document, sheet: Sheet, paper: Paper, stub: Stub = Stub()
) -> float:
    """Add ``sheet`` (its pages taken from ``src``) to ``out``; returns the smallest scale.

    Call with ``mupdf_lock`` held.
    """
    rect = paper.rect
    page = out.new_page(width=rect.width, height=rect.height)
    for placement in sheet.placements:
        page.show_pdf_page(pymupdf.Rect(placement.target), src, placement.page,
                           clip=pymupdf.Rect(placement.clip),
                           rotate=-90 if placement.turned else 0)  # fmt: skip
    for x0, y0, x1, y1 in sheet.cuts:
        page.draw_line((x0, y0), (x1, y1), color=CUT_LINE_GREY, width=0.5, dashes=CUT_DASHES)
    if sheet.paste:
        _draw_paste(page, stub)
    return sheet.scale


def _draw_paste(page: pymupdf.Page, stub: Stub) -> None:
    """The binding edge (a dashed line and 装订线) and the signature table of a 粘贴单."""
    rect = page.rect
    page.draw_line((BIND_MARGIN, MARGIN), (BIND_MARGIN, rect.height - MARGIN),
                   color=CUT_LINE_GREY, width=0.6, dashes=CUT_DASHES)  # fmt: skip
    middle = rect.height / 2
    for number, char in enumerate("装订线"):
        write_text(page, (BIND_MARGIN / 2 - 5, middle - 30 + number * 30), char, 10, CUT_LINE_GREY)
    table = pymupdf.Rect(BIND_MARGIN + GAP, MARGIN, rect.width - MARGIN, MARGIN + STUB_HEIGHT)
    page.draw_rect(table, color=(0, 0, 0), width=0.6)
    cells = (("票据张数", str(stub.count) if stub.count else ""),
             ("金额", f"¥{stub.total:,.2f}" if stub.count else ""),
             ("报销人", stub.claimant))  # fmt: skip
    step = table.width / (2 * len(cells))
    baseline = table.y0 + table.height / 2 + 3.5
    for number, (label, value) in enumerate(cells):
        x = table.x0 + 2 * number * step
        if number:
            page.draw_line((x, table.y0), (x, table.y1), color=(0, 0, 0), width=0.6)
        page.draw_line((x + step, table.y0), (x + step, table.y1), color=(0, 0, 0), width=0.3)
        write_text(page, (x + (step - text_width(label, 10)) / 2, baseline), label, 10)
        write_text(page, (x + step + (step - text_width(value, 10)) / 2, baseline), value, 10)


def on_paper(pdf: bytes, paper: Paper) -> bytes:
    """``pdf``'s pages (a cover sheet) drawn on ``paper``, scaled to fit: one paper for all."""
    with mupdf_lock:
        src = pymupdf.open(stream=pdf, filetype="pdf")
        if all(abs(p.rect.width - paper.rect.width) < 1
               and abs(p.rect.height - paper.rect.height) < 1 for p in src):  # fmt: skip
            src.close()
            return pdf
        out = pymupdf.open()
        for page in src:
            target = out.new_page(width=paper.rect.width, height=paper.rect.height)
            target.show_pdf_page(target.rect, src, page.number)
        data = pdf_bytes(out)
        out.close()
        src.close()
    return data


@dataclass
class Imposed:
    """The print-ready PDF and its sheet count."""

    pdf: bytes
    sheets: int


def plan(
    src: pymupdf.Document, sources: list[Source], setup: Setup, page_ranges: str | None = None
) -> list[Sheet]:
    """Measure ``src``'s pages and lay them out; the one plan for print and preview alike.

    A page turned by its /Rotate is turned for good in ``src`` as it is measured:
    placing a page on a sheet draws it as stored, so it would print the wrong way round.
    """
    trim = setup.layout not in (Layout.ACTUAL, Layout.FIT, Layout.TWO_UP)
    with mupdf_lock:
        boxes = page_boxes(src, trim)
        sources = [replace(source, kept=True) if turned_by_clerk(src, index) else source
                   for index, source in enumerate(sources)]  # fmt: skip
    return lay_out(sources, boxes, setup, page_ranges)


def impose(
    merged_pdf: bytes,
    sources: list[Source],
    setup: Setup = Setup(),
    page_ranges: str | None = None,
    stub: Stub = Stub(),
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> Imposed:
    """Build the print-ready PDF: sheets of ``setup.paper`` in print order."""
    cancel = cancel or CancelToken()
    with mupdf_lock:
        src = pymupdf.open(stream=merged_pdf, filetype="pdf")
        out = pymupdf.open()
    try:
        sheets = plan(src, sources, setup, page_ranges)
        for done, sheet in enumerate(sheets):
            cancel.check()
            progress(done, len(sheets), "")
            with mupdf_lock:
                place_sheet(out, src, sheet, setup.paper, stub)
        progress(len(sheets), len(sheets), "")
        with mupdf_lock:
            return Imposed(pdf_bytes(out), len(sheets))
    finally:
        with mupdf_lock:
            src.close()
            out.close()


def sources_for(roles: Iterable[FileRole]) -> list[Source]:
    """Sources known by role alone, each page a file of its own (a PDF merged elsewhere)."""
    return [
        Source(role, Group.INVOICE if role == FileRole.INVOICE else Group.ATTACHMENT, index)
        for index, role in enumerate(roles)
    ]
