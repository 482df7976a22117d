"""The seal of an OFD: where its electronic signatures stamp the pages, and the stamp
picture inside the signature (``SignedValue.dat``, an SES structure)."""

from __future__ import annotations

import posixpath

import pymupdf

from fps_desktop.errors import QT_TRANSLATE_NOOP
from fps_desktop.formats.drawing import MM
from fps_desktop.formats.ofd.document import OfdDocument, find, numbers, text_of
from fps_desktop.formats.sniff import ZIP_MAGIC, is_picture
from fps_desktop.formats.xml import local

SEAL_MISSING = QT_TRANSLATE_NOOP(
    "Invoices", "Seal could not be drawn — print it from an OFD reader."
)


def stamps(document: OfdDocument, signature_path: str, notes: list[str]):
    """``(page id, rect in pt, seal picture or b"")`` for each stamp of a signature."""
    if not document.package.has(signature_path):
        notes.append(f"signature {signature_path} missing")
        return
    root = document.package.xml(signature_path)
    value_ref = text_of(find(root, "SignedValue"))
    picture = b""
    if value_ref:
        value_path = document.package.resolve(posixpath.dirname(signature_path), value_ref)
        if document.package.has(value_path):
            picture = seal_picture(document.package.read(value_path))
    if not picture:
        notes.append(f"no seal picture in {signature_path}")
    for stamp in root.iter():
        if local(stamp.tag) != "StampAnnot":
            continue
        box = numbers(stamp.get("Boundary"))
        if len(box) == 4:
            rect = pymupdf.Rect(box[0], box[1], box[0] + box[2], box[1] + box[3]) * MM
            yield stamp.get("PageRef", ""), rect, picture


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
                    if is_picture(candidate) or candidate.startswith(ZIP_MAGIC):
                        return bytes(candidate)
            pos += length
        stack.extend(reversed(children))
    return b""
