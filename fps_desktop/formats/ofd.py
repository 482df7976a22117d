"""OFD (GB/T 33190) documents: opened safely, their pages drawn as PDF.

An OFD is a zip of XML. It is opened with limits: a size cap on the file, on
each entry and on everything read (zip bombs), a cap on entries, and no path
that leads outside the package (``../``). Pages are drawn with PyMuPDF: paths,
text (in the embedded font when it has every glyph, else a CJK fallback),
images, annotations and the seal, which lives in the electronic signature
(``SignedValue.dat``, an SES structure holding the stamp picture). After drawing,
``seal_problem`` says whether a signed page came out without its seal, so such a
file is never printed silently without it.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import pymupdf
from PIL import Image

from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError
from fps_desktop.formats.mupdf import mupdf_lock
from fps_desktop.formats.xml import local, parse_xml

log = logging.getLogger(__name__)

MM = 72 / 25.4
MAX_OFD_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_ENTRY_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 160 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed beyond this, for entries over 1 MB, is a bomb
MAX_IMAGE_PIXELS = 40_000_000
MAX_NESTING = 2  # a seal may itself be an OFD; one inside that is enough

SEAL_MISSING = QT_TRANSLATE_NOOP(
    "Invoices", "Seal could not be drawn — print it from an OFD reader."
)
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")
_OFD_MAGIC = b"PK\x03\x04"


def _refused(reason: str, **params: object) -> DocumentError:
    return DocumentError(reason, **params)


class OfdPackage:
    """The zip, read within limits; every path checked to stay inside it."""

    def __init__(self, data: bytes) -> None:
        if len(data) > MAX_OFD_BYTES:
            raise _refused(
                QT_TRANSLATE_NOOP("FpsError", "The OFD file is too large to be an invoice.")
            )
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise _refused(
                QT_TRANSLATE_NOOP("FpsError", "The OFD file is damaged: it is not a valid package.")
            ) from exc
        if len(infos) > MAX_ENTRIES:
            raise _refused(
                QT_TRANSLATE_NOOP("FpsError", "The OFD file holds too many parts to be an invoice.")
            )
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            if name.endswith("/"):
                continue
            if name.startswith("/") or ".." in name.split("/") or re.match(r"^[A-Za-z]:", name):
                raise _refused(
                    QT_TRANSLATE_NOOP(
                        "FpsError",
                        "The OFD file was refused: it holds a path leading outside it ({path}).",
                    ),
                    path=name[:80],
                )
            self.entries[name.lower()] = info
        self.read_total = 0

    def has(self, path: str) -> bool:
        return path.lower() in self.entries

    def read(self, path: str) -> bytes:
        info = self.entries.get(path.lower())
        if info is None:
            raise _refused(
                QT_TRANSLATE_NOOP("FpsError", "The OFD file is incomplete: {path} is missing."),
                path=path[:80],
            )
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise self._bomb()
        try:
            with self.zip.open(info) as handle:
                data = handle.read(MAX_ENTRY_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise _refused(
                QT_TRANSLATE_NOOP("FpsError", "The OFD file is damaged ({path})."), path=path[:80]
            ) from exc
        self.read_total += len(data)
        if len(data) > MAX_ENTRY_BYTES or self.read_total > MAX_TOTAL_BYTES:
            raise self._bomb()
        return data

    @staticmethod
    def _bomb() -> DocumentError:
        return _refused(
            QT_TRANSLATE_NOOP(
                "FpsError",
                "The OFD file was refused: it unpacks to far more data than an invoice "
                "(a zip bomb?).",
            )
        )

    def xml(self, path: str) -> Element:
        return parse_xml(self.read(path), "OFD part")

    @staticmethod
    def resolve(base_dir: str, ref: str) -> str:
        """A reference inside the package, relative to ``base_dir`` unless absolute."""
        ref = (ref or "").strip().replace("\\", "/")
        joined = ref.lstrip("/") if ref.startswith("/") else posixpath.join(base_dir, ref)
        normal = posixpath.normpath(joined)
        if normal.startswith("../") or normal == ".." or normal.startswith("/"):
            raise _refused(
                QT_TRANSLATE_NOOP(
                    "FpsError",
                    "The OFD file was refused: it holds a path leading outside it ({path}).",
                ),
                path=ref[:80],
            )
        return normal


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local(child.tag) == name]


def _child(element: Element, name: str) -> Element | None:
    return next((child for child in element if local(child.tag) == name), None)


def _find(element: Element, name: str) -> Element | None:
    return next((e for e in element.iter() if local(e.tag) == name), None)


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _numbers(text: str | None) -> list[float]:
    values = []
    for token in (text or "").split():
        try:
            values.append(float(token))
        except ValueError:
            continue
    return values


@dataclass
class PageRef:
    page_id: str
    content: str  # path of Content.xml


@dataclass
class Resources:
    fonts: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (name, file path)
    media: dict[str, str] = field(default_factory=dict)  # id -> file path
    draw_params: dict[str, Element] = field(default_factory=dict)
    color_spaces: dict[str, str] = field(default_factory=dict)  # id -> type


@dataclass
class OfdDocument:
    """The parts of the first document of an OFD that drawing and reading need."""

    package: OfdPackage
    doc_dir: str
    custom_data: dict[str, str]
    page_box: list[float]
    pages: list[PageRef]
    templates: dict[str, str]
    resources: Resources
    annotations: dict[str, list[str]]  # page id -> annotation files
    signatures: list[str]  # Signature.xml paths
    tags: str  # CustomTags.xml path or ""
    attachments: list[str]  # attached file paths

    @classmethod
    def open(cls, data: bytes) -> OfdDocument:
        package = OfdPackage(data)
        if not package.has("OFD.xml"):
            raise _refused(
                QT_TRANSLATE_NOOP("FpsError", "This file is not an OFD document (no OFD.xml).")
            )
        root = package.xml("OFD.xml")
        body = _find(root, "DocBody")
        doc_root = _text(_child(body, "DocRoot")) if body is not None else ""
        if not doc_root:
            raise _refused(QT_TRANSLATE_NOOP("FpsError", "The OFD file names no document to show."))
        doc_path = package.resolve("", doc_root)
        doc_dir = posixpath.dirname(doc_path)
        custom = {
            element.get("Name", ""): _text(element)
            for element in root.iter()
            if local(element.tag) == "CustomData"
        }
        signatures_ref = _text(_child(body, "Signatures"))
        document = package.xml(doc_path)
        common = _child(document, "CommonData")
        box = _numbers(_text(_find(common, "PhysicalBox")) if common is not None else "")
        resources = Resources()
        templates = {}
        if common is not None:
            for name in ("PublicRes", "DocumentRes"):
                for element in _children(common, name):
                    cls._load_resources(package, package.resolve(doc_dir, _text(element)),
                                        resources)  # fmt: skip
            for element in _children(common, "TemplatePage"):
                templates[element.get("ID", "")] = package.resolve(
                    doc_dir, element.get("BaseLoc", "")
                )
        pages_element = _child(document, "Pages")
        pages = [
            PageRef(page.get("ID", ""), package.resolve(doc_dir, page.get("BaseLoc", "")))
            for page in (_children(pages_element, "Page") if pages_element is not None else [])
        ]
        return cls(
            package=package,
            doc_dir=doc_dir,
            custom_data=custom,
            page_box=box if len(box) == 4 else [0, 0, 210, 140],
            pages=pages,
            templates=templates,
            resources=resources,
            annotations=cls._annotations(package, document, doc_dir),
            signatures=cls._signatures(package, signatures_ref),
            tags=package.resolve(doc_dir, _text(_child(document, "CustomTags")))
            if _child(document, "CustomTags") is not None
            else "",
            attachments=cls._attachments(package, document, doc_dir),
        )

    @staticmethod
    def _load_resources(package: OfdPackage, path: str, resources: Resources) -> None:
        if not package.has(path):
            return
        root = package.xml(path)
        base = package.resolve(posixpath.dirname(path), root.get("BaseLoc", ""))
        for element in root.iter():
            name = local(element.tag)
            if name == "Font":
                font_file = _text(_child(element, "FontFile"))
                resources.fonts[element.get("ID", "")] = (
                    element.get("FontName", "") + " " + element.get("FamilyName", ""),
                    package.resolve(base, font_file) if font_file else "",
                )
            elif name == "MultiMedia":
                media = _text(_child(element, "MediaFile"))
                if media:
                    resources.media[element.get("ID", "")] = package.resolve(base, media)
            elif name == "DrawParam":
                resources.draw_params[element.get("ID", "")] = element
            elif name == "ColorSpace":
                resources.color_spaces[element.get("ID", "")] = element.get("Type", "RGB")

    @staticmethod
    def _annotations(package: OfdPackage, document: Element, doc_dir: str) -> dict:
        ref = _text(_child(document, "Annotations"))
        if not ref:
            return {}
        path = package.resolve(doc_dir, ref)
        if not package.has(path):
            return {}
        found: dict[str, list[str]] = {}
        for page in _children(package.xml(path), "Page"):
            location = _text(_child(page, "FileLoc"))
            if location:
                found.setdefault(page.get("PageID", ""), []).append(
                    package.resolve(posixpath.dirname(path), location)
                )
        return found

    @staticmethod
    def _signatures(package: OfdPackage, ref: str) -> list[str]:
        if not ref:
            return []
        path = package.resolve("", ref)
        if not package.has(path):
            return []
        return [
            package.resolve(posixpath.dirname(path), signature.get("BaseLoc", ""))
            for signature in _children(package.xml(path), "Signature")
        ]

    @staticmethod
    def _attachments(package: OfdPackage, document: Element, doc_dir: str) -> list[str]:
        ref = _text(_child(document, "Attachments"))
        path = package.resolve(doc_dir, ref) if ref else ""
        found = []
        if path and package.has(path):
            for attachment in _children(package.xml(path), "Attachment"):
                location = _text(_child(attachment, "FileLoc"))
                if location:
                    found.append(package.resolve(posixpath.dirname(path), location))
        return found


# -- custom tags ------------------------------------------------------------------------------


def tagged_texts(document: OfdDocument) -> dict[str, str]:
    """CustomTag elements pointing at text objects by ID, resolved to the text shown."""
    if not document.tags or not document.package.has(document.tags):
        return {}
    tag_dir = posixpath.dirname(document.tags)
    wanted: dict[str, list[str]] = {}
    for custom in _children(document.package.xml(document.tags), "CustomTag"):
        location = _text(_child(custom, "FileLoc"))
        if not location:
            continue
        path = document.package.resolve(tag_dir, location)
        if not document.package.has(path):
            continue
        for element in document.package.xml(path).iter():
            refs = [_text(r) for r in element if local(r.tag) == "ObjectRef"]
            if refs:
                wanted.setdefault(local(element.tag), refs)
    if not wanted:
        return {}
    texts: dict[str, str] = {}
    for page in document.pages[:1]:
        for element in document.package.xml(page.content).iter():
            if local(element.tag) == "TextObject":
                texts[element.get("ID", "")] = "".join(
                    code.text or "" for code in element if local(code.tag) == "TextCode"
                )
    return {
        name: "".join(texts.get(ref, "") for ref in refs).strip()
        for name, refs in wanted.items()
        if any(ref in texts for ref in refs)
    }


# -- drawing ----------------------------------------------------------------------------------


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
        raise _refused(QT_TRANSLATE_NOOP("FpsError", "The OFD file has no pages."))
    try:
        with mupdf_lock:
            return _draw(document, depth)
    except (ValueError, RuntimeError, KeyError, IndexError, OverflowError) as exc:
        log.warning("OFD could not be drawn", exc_info=True)
        raise _refused(
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
        for page_id, rect, picture in painter.stamps(path):
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
        area = _find(root, "PhysicalBox")
        box = _numbers(_text(area)) if area is not None else self.doc.page_box
        if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
            box = self.doc.page_box
        self._page = pdf.new_page(width=box[2] * MM, height=box[3] * MM)
        self._page_fonts, self._alphas = set(), set()
        origin = (-box[0], -box[1])
        foreground = []
        for template in _children(root, "Template"):
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
        content = _child(root, "Content")
        if content is None:
            return
        for layer in _children(content, "Layer"):
            self._units(layer, origin, self._param(layer.get("DrawParam")))

    def _annotations(self, root: Element, origin: tuple[float, float]) -> None:
        for annot in _children(root, "Annot"):
            appearance = _child(annot, "Appearance")
            if appearance is None or annot.get("Visible", "true") == "false":
                continue
            box = _numbers(appearance.get("Boundary"))
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
                box = _numbers(unit.get("Boundary"))
                inner = (origin[0] + box[0], origin[1] + box[1]) if len(box) == 4 else origin
                self._units(unit, inner, params)

    def _param(self, param_id: str | None, depth: int = 0) -> dict:
        element = self.doc.resources.draw_params.get(param_id or "")
        if element is None or depth > 8:
            return {}
        base = self._param(element.get("Relative"), depth + 1)
        spaces = self.doc.resources.color_spaces
        own = {
            "line_width": _numbers(element.get("LineWidth"))[:1],
            "fill": _color(_child(element, "FillColor"), spaces),
            "stroke": _color(_child(element, "StrokeColor"), spaces),
        }
        return {**base, **{k: v for k, v in own.items() if v}}

    # -- content stream ----------------------------------------------------------------------

    @staticmethod
    def _matrix(unit: Element, origin: tuple[float, float]) -> pymupdf.Matrix:
        """Object space (mm, y down) to page space (pt, y down): CTM, Boundary, mm -> pt."""
        box = _numbers(unit.get("Boundary"))
        x, y = (box[0], box[1]) if len(box) == 4 else (0.0, 0.0)
        ctm = _numbers(unit.get("CTM"))
        a, b, c, d, e, f = ctm if len(ctm) == 6 else (1, 0, 0, 1, 0, 0)
        return pymupdf.Matrix(a, b, c, d, e + x + origin[0], f + y + origin[1]) * pymupdf.Matrix(
            MM, MM
        )

    def _begin(self, unit: Element, origin: tuple[float, float]) -> None:
        m = self._matrix(unit, origin)
        alpha = int((_numbers(unit.get("Alpha")) or [255])[0])
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
        data = _text(_child(unit, "AbbreviatedData"))
        drawing = self._trace(data) if data else ""
        if not drawing:
            return
        spaces = self.doc.resources.color_spaces
        stroke_on = unit.get("Stroke", "true") != "false"
        fill_on = unit.get("Fill", "false") == "true"
        stroke = _color(_child(unit, "StrokeColor"), spaces) or params.get("stroke") or (0, 0, 0)
        # A fill without a colour is left empty: invoices rely on it for ⊗ and ○ marks.
        fill = _color(_child(unit, "FillColor"), spaces) or params.get("fill")
        fill_on = fill_on and fill is not None
        if not (stroke_on or fill_on):
            return
        width = (_numbers(unit.get("LineWidth")) or params.get("line_width") or [0.353])[0]
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
        size = (_numbers(unit.get("Size")) or [3.5])[0]
        spaces = self.doc.resources.color_spaces
        color = _color(_child(unit, "FillColor"), spaces) or params.get("fill") or (0, 0, 0)
        codes = [c for c in _children(unit, "TextCode") if c.text]
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
        size = _jbig2_size(data) if jbig2 else _pixel_size(data)
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

    def stamps(self, signature_path: str):
        """``(page id, rect in pt, seal picture or b"")`` for each stamp of a signature."""
        if not self.doc.package.has(signature_path):
            self.notes.append(f"signature {signature_path} missing")
            return
        root = self.doc.package.xml(signature_path)
        value_ref = _text(_find(root, "SignedValue"))
        picture = b""
        if value_ref:
            value_path = self.doc.package.resolve(posixpath.dirname(signature_path), value_ref)
            if self.doc.package.has(value_path):
                picture = seal_picture(self.doc.package.read(value_path))
        if not picture:
            self.notes.append(f"no seal picture in {signature_path}")
        for stamp in root.iter():
            if local(stamp.tag) != "StampAnnot":
                continue
            box = _numbers(stamp.get("Boundary"))
            if len(box) == 4:
                rect = pymupdf.Rect(box[0], box[1], box[0] + box[2], box[1] + box[3]) * MM
                yield stamp.get("PageRef", ""), rect, picture

    def draw_seal(self, page: pymupdf.Page, rect: pymupdf.Rect, picture: bytes) -> bool:
        if picture.startswith(_OFD_MAGIC):
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


def seal_picture(der: bytes) -> bytes:
    """The stamp picture inside an SES signature (GM/T 0031 v1 or GB/T 38540 v4).

    The picture is an OCTET STRING somewhere in the DER tree; the walk looks at
    every primitive value and keeps the first that starts like an image or an OFD.
    """
    stack = [(0, len(der), 0)]
    while stack:
        pos, end, depth = stack.pop()
        children = []
        while pos + 2 <= end:
            tag = der[pos]
            pos += 1
            if tag & 0x1F == 0x1F:
                while pos < end and der[pos] & 0x80:
                    pos += 1
                pos += 1
            if pos >= end:
                break
            length = der[pos]
            pos += 1
            if length & 0x80:
                size = length & 0x7F
                if not 0 < size <= 4:
                    break
                length = int.from_bytes(der[pos : pos + size], "big")
                pos += size
            if pos + length > end:
                break
            if tag & 0x20 and depth < 16:
                children.append((pos, pos + length, depth + 1))
            else:
                value = der[pos : pos + length]
                for candidate in (value, value[1:]):  # BIT STRINGs lead with a pad byte
                    if candidate.startswith((*_IMAGE_MAGIC, _OFD_MAGIC)):
                        return bytes(candidate)
            pos += length
        stack.extend(reversed(children))
    return b""


def _pixel_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the image header (nothing decoded); None when unreadable."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # any failure to parse untrusted bytes means "unknown"
        return None
