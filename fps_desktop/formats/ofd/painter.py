"""OFD pages drawn as PDF with PyMuPDF: paths, text (in the embedded font when it has
every glyph, else a CJK fallback), images, annotations and the seal. After drawing,
``seal_problem`` says whether a signed page came out without its seal, so such a file
is never printed silently without it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import pymupdf

from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError
from fps_desktop.formats.drawing import MM
from fps_desktop.formats.images import MAX_IMAGE_PIXELS, pixel_size
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.formats.ofd.document import (
    OfdDocument,
    PageRef,
    child,
    children,
    find,
    numbers,
    text_of,
)
from fps_desktop.formats.ofd.seal import SEAL_MISSING, stamps
from fps_desktop.formats.sniff import ZIP_MAGIC
from fps_desktop.formats.xml import local

log = logging.getLogger(__name__)

MAX_NESTING = 2  # a seal may itself be an OFD; one inside that is enough


@dataclass
class OfdConversion:
    """The PDF of an OFD, and what could not be drawn."""

    pdf: bytes
    pages: int
    signed_pages: set[int] = field(default_factory=set)  # page indexes with a signature
    sealed_pages: set[int] = field(default_factory=set)  # page indexes a seal was drawn on
    notes: list[str] = field(default_factory=list)  # details for the log

    @property
    def seal_problem(self) -> str:
        """``SEAL_MISSING`` when a signed page came out without a seal, else ``""``."""
        return SEAL_MISSING if self.signed_pages - self.sealed_pages else ""


def ofd_to_pdf(data: bytes, depth: int = 0) -> OfdConversion:
    """Draw every page of an OFD into a PDF, holding ``mupdf_lock`` for the file."""
    document = OfdDocument.open(data)
    if not document.pages:
        raise DocumentError(QT_TRANSLATE_NOOP("FpsError", "The OFD file has no pages."))
    try:
        with mupdf_lock:
            return _draw(document, depth)
    except (ValueError, RuntimeError, KeyError, IndexError, OverflowError) as exc:
        log.warning("OFD could not be drawn", exc_info=True)
        raise DocumentError(
            QT_TRANSLATE_NOOP("FpsError", "The OFD file could not be drawn ({detail})."),
            detail=str(exc)[:80],
        ) from exc


def _draw(document: OfdDocument, depth: int) -> OfdConversion:
    pdf = pymupdf.open()
    painter = _Painter(document, depth)
    index_of = {page.page_id: i for i, page in enumerate(document.pages)}
    for page_ref in document.pages:
        painter.draw_page(pdf, page_ref)
    signed: set[int] = set()
    for path in document.signatures:
        for page_id, rect, picture in stamps(document, path, painter.notes):
            index = index_of.get(page_id)
            if index is None:
                continue
            signed.add(index)
            if picture and painter.draw_seal(pdf[index], rect, picture):
                painter.sealed.add(index)
    conversion = OfdConversion(
        pdf.tobytes(garbage=3, deflate=True), len(document.pages), signed, painter.sealed,
        painter.notes,
    )  # fmt: skip
    pdf.close()
    if conversion.notes:
        log.info("OFD drawn with notes: %s", "; ".join(conversion.notes[:10]))
    return conversion


def _color(element: Element | None, spaces: dict[str, str]) -> tuple[float, ...] | None:
    if element is None:
        return None
    values = []
    for token in element.get("Value", "").split():
        try:
            values.append(int(token[1:], 16) if token.startswith("#") else float(token))
        except ValueError:
            return None
    space = spaces.get(element.get("ColorSpace", ""), "")
    if len(values) == 1 or space == "GRAY":
        return (values[0] / 255,) * 3
    if len(values) == 4 or space == "CMYK":
        c, m, y, k = (v / 255 for v in values[:4])
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    if len(values) >= 3:
        return tuple(min(max(v / 255, 0.0), 1.0) for v in values[:3])
    return None


def _delta(spec: str | None, count: int) -> list[float | None]:
    """Expand ``DeltaX``/``DeltaY`` (``g n d`` repeats ``d`` n times) to ``count`` gaps."""
    tokens = (spec or "").split()
    gaps: list[float | None] = []
    i = 0
    try:
        while i < len(tokens) and len(gaps) < count:
            if tokens[i] == "g" and i + 2 < len(tokens):
                gaps.extend([float(tokens[i + 2])] * min(int(tokens[i + 1]), count))
                i += 3
            else:
                gaps.append(float(tokens[i]))
                i += 1
    except ValueError:
        pass
    last = gaps[-1] if gaps else None
    return (gaps + [last] * count)[:count]


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


_PATH_TOKEN = re.compile(r"[A-Za-z]|-?\d*\.?\d+(?:[eE][-+]?\d+)?")
_CJK_FONTS = {"serif": "china-ss", "sans": "china-s"}


class _Painter:
    """Writes OFD graphic units as PDF content operators, in their order.

    Each unit becomes ``q <matrix> cm ... Q`` in its own OFD object space (mm, y
    down), so line widths, text sizes and coordinates are taken as they are.
    Text uses the embedded OFD font when it has every glyph, else a CJK Song or
    Hei face (Adobe-GB1, UTF-16 codes) that every PDF reader, and MuPDF when
    printing, supplies. Images are placed with PyMuPDF between content runs.
    """

    def __init__(self, document: OfdDocument, depth: int) -> None:
        self.doc = document
        self.depth = depth
        self.notes: list[str] = []
        self.sealed: set[int] = set()
        self._embedded: dict[str, pymupdf.Font | None] = {}
        self._page: pymupdf.Page | None = None
        self._ops: list[str] = []
        self._page_fonts: set[str] = set()
        self._alphas: set[int] = set()

    # -- pages -------------------------------------------------------------------------------

    def draw_page(self, pdf: pymupdf.Document, page_ref: PageRef) -> None:
        root = self.doc.package.xml(page_ref.content)
        area = find(root, "PhysicalBox")
        box = numbers(text_of(area)) if area is not None else self.doc.page_box
        if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
            box = self.doc.page_box
        self._page = pdf.new_page(width=box[2] * MM, height=box[3] * MM)
        self._page_fonts, self._alphas = set(), set()
        origin = (-box[0], -box[1])
        foreground = []
        for template in children(root, "Template"):
            path = self.doc.templates.get(template.get("TemplateID", ""))
            if path and self.doc.package.has(path):
                if template.get("ZOrder", "Background") == "Foreground":
                    foreground.append(path)
                else:
                    self._content(self.doc.package.xml(path), origin)
        self._content(root, origin)
        for path in foreground:
            self._content(self.doc.package.xml(path), origin)
        for path in self.doc.annotations.get(page_ref.page_id, []):
            if self.doc.package.has(path):
                self._annotations(self.doc.package.xml(path), origin)
        self._flush()

    def _content(self, root: Element, origin: tuple[float, float]) -> None:
        content = child(root, "Content")
        if content is None:
            return
        for layer in children(content, "Layer"):
            self._units(layer, origin, self._param(layer.get("DrawParam")))

    def _annotations(self, root: Element, origin: tuple[float, float]) -> None:
        for annot in children(root, "Annot"):
            appearance = child(annot, "Appearance")
            if appearance is None or annot.get("Visible", "true") == "false":
                continue
            box = numbers(appearance.get("Boundary"))
            shift = (origin[0] + box[0], origin[1] + box[1]) if len(box) == 4 else origin
            self._units(appearance, shift, {})

    def _units(self, parent: Element, origin: tuple[float, float], inherited: dict) -> None:
        for unit in parent:
            name = local(unit.tag)
            params = {**inherited, **self._param(unit.get("DrawParam"))}
            if name == "PathObject":
                self._path(unit, origin, params)
            elif name == "TextObject":
                self._text(unit, origin, params)
            elif name == "ImageObject":
                self._image(unit, origin)
            elif name in ("PageBlock", "CompositeObject"):
                box = numbers(unit.get("Boundary"))
                inner = (origin[0] + box[0], origin[1] + box[1]) if len(box) == 4 else origin
                self._units(unit, inner, params)

    def _param(self, param_id: str | None, depth: int = 0) -> dict:
        element = self.doc.resources.draw_params.get(param_id or "")
        if element is None or depth > 8:
            return {}
        base = self._param(element.get("Relative"), depth + 1)
        spaces = self.doc.resources.color_spaces
        own = {
            "line_width": numbers(element.get("LineWidth"))[:1],
            "fill": _color(child(element, "FillColor"), spaces),
            "stroke": _color(child(element, "StrokeColor"), spaces),
        }
        return {**base, **{k: v for k, v in own.items() if v}}

    # -- content stream ----------------------------------------------------------------------

    @staticmethod
    def _matrix(unit: Element, origin: tuple[float, float]) -> pymupdf.Matrix:
        """Object space (mm, y down) to page space (pt, y down): CTM, Boundary, mm -> pt."""
        box = numbers(unit.get("Boundary"))
        x, y = (box[0], box[1]) if len(box) == 4 else (0.0, 0.0)
        ctm = numbers(unit.get("CTM"))
        a, b, c, d, e, f = ctm if len(ctm) == 6 else (1, 0, 0, 1, 0, 0)
        return pymupdf.Matrix(a, b, c, d, e + x + origin[0], f + y + origin[1]) * pymupdf.Matrix(
            MM, MM
        )

    def _begin(self, unit: Element, origin: tuple[float, float]) -> None:
        m = self._matrix(unit, origin)
        alpha = int((numbers(unit.get("Alpha")) or [255])[0])
        self._ops.append("q " + " ".join(_num(v) for v in (m.a, m.b, m.c, m.d, m.e, m.f)) + " cm")
        if 0 <= alpha < 255:
            self._alphas.add(alpha)
            self._ops.append(f"/GSa{alpha} gs")

    def _flush(self) -> None:
        if not self._ops:
            return
        page = self._page
        doc = page.parent
        if self._alphas:
            kind, value = doc.xref_get_key(page.xref, "Resources")
            states = "".join(
                f"/GSa{a} <</ca {a / 255:.3f}/CA {a / 255:.3f}>>" for a in sorted(self._alphas)
            )
            if kind == "xref":
                doc.xref_set_key(int(value.split()[0]), "ExtGState", f"<<{states}>>")
            else:
                doc.xref_set_key(page.xref, "Resources/ExtGState", f"<<{states}>>")
        flip = f"q 1 0 0 -1 0 {_num(page.rect.height)} cm\n"
        stream = (flip + "\n".join(self._ops) + "\nQ").encode("latin-1")
        xref = doc.get_new_xref()
        doc.update_object(xref, "<<>>")
        doc.update_stream(xref, stream)
        contents = [*page.get_contents(), xref]
        doc.xref_set_key(page.xref, "Contents", "[" + " ".join(f"{c} 0 R" for c in contents) + "]")
        self._ops = []

    # -- paths -------------------------------------------------------------------------------

    def _path(self, unit: Element, origin: tuple[float, float], params: dict) -> None:
        data = text_of(child(unit, "AbbreviatedData"))
        drawing = self._trace(data) if data else ""
        if not drawing:
            return
        spaces = self.doc.resources.color_spaces
        stroke_on = unit.get("Stroke", "true") != "false"
        fill_on = unit.get("Fill", "false") == "true"
        stroke = _color(child(unit, "StrokeColor"), spaces) or params.get("stroke") or (0, 0, 0)
        # A fill without a colour is left empty: invoices rely on it for ⊗ and ○ marks.
        fill = _color(child(unit, "FillColor"), spaces) or params.get("fill")
        fill_on = fill_on and fill is not None
        if not (stroke_on or fill_on):
            return
        width = (numbers(unit.get("LineWidth")) or params.get("line_width") or [0.353])[0]
        self._begin(unit, origin)
        self._ops.append(
            f"{_num(max(width, 0.05))} w "
            + " ".join(_num(v) for v in stroke) + " RG "
            + " ".join(_num(v) for v in fill or (0, 0, 0)) + " rg"
        )  # fmt: skip
        self._ops.append(drawing)
        self._ops.append(("B" if stroke_on else "f") if fill_on else "S")
        self._ops.append("Q")

    @staticmethod
    def _trace(data: str) -> str:
        """``AbbreviatedData`` as PDF path operators; arcs are drawn as their chord."""
        tokens = _PATH_TOKEN.findall(data)
        ops: list[str] = []
        current: tuple[float, float] | None = None
        i = 0
        counts = {"S": 2, "M": 2, "L": 2, "B": 6, "Q": 4, "A": 7, "C": 0}
        while i < len(tokens):
            op = tokens[i]
            need = counts.get(op)
            if need is None:
                i += 1
                continue
            try:
                values = [float(v) for v in tokens[i + 1 : i + 1 + need]]
            except ValueError:
                return ""
            if len(values) < need:
                break
            i += 1 + need
            text = " ".join(_num(v) for v in values)
            if op in ("S", "M"):
                ops.append(f"{text} m")
                current = (values[0], values[1])
            elif current is None:
                continue
            elif op == "L":
                ops.append(f"{text} l")
                current = (values[0], values[1])
            elif op == "B":
                ops.append(f"{text} c")
                current = (values[4], values[5])
            elif op == "Q":
                (x0, y0), (qx, qy), (x3, y3) = current, values[:2], values[2:]
                c1 = (x0 + 2 / 3 * (qx - x0), y0 + 2 / 3 * (qy - y0))
                c2 = (x3 + 2 / 3 * (qx - x3), y3 + 2 / 3 * (qy - y3))
                ops.append(" ".join(_num(v) for v in (*c1, *c2, x3, y3)) + " c")
                current = (x3, y3)
            elif op == "A":
                ops.append(f"{_num(values[5])} {_num(values[6])} l")
                current = (values[5], values[6])
            elif op == "C":
                ops.append("h")
        return "\n".join(ops) if any(not o.endswith(" m") for o in ops) else ""

    # -- text --------------------------------------------------------------------------------

    def _font_for(self, font_id: str, chars: str) -> tuple[str, pymupdf.Font | None]:
        """``(PDF font name, embedded font or None)``; None means UTF-16 codes."""
        name, path = self.doc.resources.fonts.get(font_id, ("", ""))
        if path and font_id not in self._embedded:
            try:
                self._embedded[font_id] = pymupdf.Font(fontbuffer=self.doc.package.read(path))
            except (RuntimeError, ValueError, DocumentError) as exc:
                self.notes.append(f"font {name.strip()} unusable ({exc}); fallback used")
                self._embedded[font_id] = None
        font = self._embedded.get(font_id)
        if font is not None and all(font.has_glyph(ord(ch)) for ch in chars if ch.strip()):
            pdf_name = f"FE{font_id}"
            if pdf_name not in self._page_fonts:
                self._page.insert_font(fontname=pdf_name, fontbuffer=font.buffer)
                self._page_fonts.add(pdf_name)
            return pdf_name, font
        face = "sans" if any(w in name for w in ("黑", "Hei", "hei", "Arial")) else "serif"
        pdf_name = _CJK_FONTS[face]
        if pdf_name not in self._page_fonts:
            self._page.insert_font(fontname=pdf_name)
            self._page_fonts.add(pdf_name)
        return pdf_name, None

    def _text(self, unit: Element, origin: tuple[float, float], params: dict) -> None:
        if unit.get("Fill", "true") == "false" and unit.get("Stroke", "false") != "true":
            return
        size = (numbers(unit.get("Size")) or [3.5])[0]
        spaces = self.doc.resources.color_spaces
        color = _color(child(unit, "FillColor"), spaces) or params.get("fill") or (0, 0, 0)
        codes = [c for c in children(unit, "TextCode") if c.text]
        if not codes:
            return
        self._begin(unit, origin)
        self._ops.append("BT " + " ".join(_num(v) for v in color) + " rg")
        font_id = unit.get("Font", "")
        x = y = 0.0
        current_font = ""
        for code in codes:
            chars = code.text or ""
            x = float(code.get("X", x))
            y = float(code.get("Y", y))
            pdf_name, embedded = self._font_for(font_id, chars)
            if pdf_name != current_font:
                self._ops.append(f"/{pdf_name} {_num(size)} Tf")
                current_font = pdf_name
            dx = _delta(code.get("DeltaX"), len(chars) - 1)
            dy = _delta(code.get("DeltaY"), len(chars) - 1)
            for index, char in enumerate(chars):
                if char.strip():
                    glyph = (
                        f"{embedded.has_glyph(ord(char)):04X}"
                        if embedded is not None
                        else char.encode("utf-16-be").hex().upper()
                    )
                    self._ops.append(f"1 0 0 -1 {_num(x)} {_num(y)} Tm <{glyph}> Tj")
                if index < len(chars) - 1:
                    step = dx[index]
                    x += step if step is not None else (size if not char.isascii() else size / 2)
                    y += dy[index] or 0.0
        self._ops.append("ET Q")

    # -- images and seals --------------------------------------------------------------------

    def _image(self, unit: Element, origin: tuple[float, float]) -> None:
        path = self.doc.resources.media.get(unit.get("ResourceID", ""))
        if not path or not self.doc.package.has(path):
            self.notes.append(f"image {unit.get('ResourceID')} missing")
            return
        rect = pymupdf.Rect(0, 0, 1, 1) * self._matrix(unit, origin)
        self._place_image(self._page, rect, self.doc.package.read(path), path)

    def _place_image(self, page: pymupdf.Page, rect: pymupdf.Rect, data: bytes, what: str) -> bool:
        jbig2 = data.startswith(_JBIG2_MAGIC)
        size = _jbig2_size(data) if jbig2 else pixel_size(data)
        if jbig2 and size is None:
            self.notes.append(f"image {what} is JBIG2 without page size, left out")
            return False
        if size is not None and size[0] * size[1] > MAX_IMAGE_PIXELS:
            self.notes.append(f"image {what} too large ({size[0]}x{size[1]}), left out")
            return False
        if page == self._page:
            self._flush()
        try:
            if jbig2:  # invoice QR codes often come as JBIG2 files, which PDF cannot embed as is
                page.insert_image(rect, pixmap=pymupdf.Pixmap(data), keep_proportion=False)
            else:
                page.insert_image(rect, stream=data, keep_proportion=False)
        except Exception as exc:  # MuPDF's own errors too (limits, formats): leave it out
            self.notes.append(f"image {what} unreadable ({exc})")
            return False
        return True

    def draw_seal(self, page: pymupdf.Page, rect: pymupdf.Rect, picture: bytes) -> bool:
        if picture.startswith(ZIP_MAGIC):
            if self.depth >= MAX_NESTING:
                return False
            try:
                inner = ofd_to_pdf(picture, self.depth + 1)
            except DocumentError as exc:
                self.notes.append(f"seal OFD unreadable: {exc.message}")
                return False
            with pymupdf.open("pdf", inner.pdf) as seal:
                page.show_pdf_page(rect, seal, 0, keep_proportion=False)
            return True
        return self._place_image(page, rect, picture, "seal")


_JBIG2_MAGIC = b"\x97JB2\r\n\x1a\n"


def _jbig2_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the page information segment that opens a JBIG2 file."""
    start = 9 if data[8:9] and data[8] & 2 else 13  # header, then the page count if known
    segment = data[start : start + 19]
    if len(segment) < 19 or segment[4] & 0x3F != 48 or segment[5] >> 5:
        return None
    page_size = 4 if segment[4] & 0x40 else 1
    offset = start + 6 + page_size + 4
    if len(data) < offset + 8:
        return None
    return int.from_bytes(data[offset : offset + 4], "big"), int.from_bytes(
        data[offset + 4 : offset + 8], "big"
    )
