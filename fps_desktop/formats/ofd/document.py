"""The document model of an OFD: its first document's pages, resources, templates,
annotations, signatures, attachments and tags, as drawing and reading need them."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from fps_desktop.errors import QT_TRANSLATE_NOOP, DocumentError
from fps_desktop.formats.ofd.package import OfdPackage
from fps_desktop.formats.xml import local


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local(child.tag) == name]


def child(element: Element, name: str) -> Element | None:
    return next((child for child in element if local(child.tag) == name), None)


def find(element: Element, name: str) -> Element | None:
    return next((e for e in element.iter() if local(e.tag) == name), None)


def text_of(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def numbers(text: str | None) -> list[float]:
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
            raise DocumentError(
                QT_TRANSLATE_NOOP("FpsError", "This file is not an OFD document (no OFD.xml).")
            )
        root = package.xml("OFD.xml")
        body = find(root, "DocBody")
        doc_root = text_of(child(body, "DocRoot")) if body is not None else ""
        if not doc_root:
            raise DocumentError(
                QT_TRANSLATE_NOOP("FpsError", "The OFD file names no document to show.")
            )
        doc_path = package.resolve("", doc_root)
        doc_dir = posixpath.dirname(doc_path)
        custom = {
            element.get("Name", ""): text_of(element)
            for element in root.iter()
            if local(element.tag) == "CustomData"
        }
        signatures_ref = text_of(child(body, "Signatures"))
        document = package.xml(doc_path)
        common = child(document, "CommonData")
        box = numbers(text_of(find(common, "PhysicalBox")) if common is not None else "")
        resources = Resources()
        templates = {}
        if common is not None:
            for name in ("PublicRes", "DocumentRes"):
                for element in children(common, name):
                    cls._load_resources(package, package.resolve(doc_dir, text_of(element)),
                                        resources)  # fmt: skip
            for element in children(common, "TemplatePage"):
                templates[element.get("ID", "")] = package.resolve(
                    doc_dir, element.get("BaseLoc", "")
                )
        pages_element = child(document, "Pages")
        pages = [
            PageRef(page.get("ID", ""), package.resolve(doc_dir, page.get("BaseLoc", "")))
            for page in (children(pages_element, "Page") if pages_element is not None else [])
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
            tags=package.resolve(doc_dir, text_of(child(document, "CustomTags")))
            if child(document, "CustomTags") is not None
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
                font_file = text_of(child(element, "FontFile"))
                resources.fonts[element.get("ID", "")] = (
                    element.get("FontName", "") + " " + element.get("FamilyName", ""),
                    package.resolve(base, font_file) if font_file else "",
                )
            elif name == "MultiMedia":
                media = text_of(child(element, "MediaFile"))
                if media:
                    resources.media[element.get("ID", "")] = package.resolve(base, media)
            elif name == "DrawParam":
                resources.draw_params[element.get("ID", "")] = element
            elif name == "ColorSpace":
                resources.color_spaces[element.get("ID", "")] = element.get("Type", "RGB")

    @staticmethod
    def _annotations(package: OfdPackage, document: Element, doc_dir: str) -> dict:
        ref = text_of(child(document, "Annotations"))
        if not ref:
            return {}
        path = package.resolve(doc_dir, ref)
        if not package.has(path):
            return {}
        found: dict[str, list[str]] = {}
        for page in children(package.xml(path), "Page"):
            location = text_of(child(page, "FileLoc"))
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
            for signature in children(package.xml(path), "Signature")
        ]

    @staticmethod
    def _attachments(package: OfdPackage, document: Element, doc_dir: str) -> list[str]:
        ref = text_of(child(document, "Attachments"))
        path = package.resolve(doc_dir, ref) if ref else ""
        found = []
        if path and package.has(path):
            for attachment in children(package.xml(path), "Attachment"):
                location = text_of(child(attachment, "FileLoc"))
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
    for custom in children(document.package.xml(document.tags), "CustomTag"):
        location = text_of(child(custom, "FileLoc"))
        if not location:
            continue
        path = document.package.resolve(tag_dir, location)
        if not document.package.has(path):
            continue
        for element in document.package.xml(path).iter():
            refs = [text_of(r) for r in element if local(r.tag) == "ObjectRef"]
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
