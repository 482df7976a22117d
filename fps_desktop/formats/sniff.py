"""What a file really is, whatever its name says."""

from __future__ import annotations

import enum


class FileKind(enum.StrEnum):
    PDF = "pdf"
    OFD = "ofd"  # GB/T 33190, drawn as PDF pages
    IMAGE = "image"
    XML = "xml"  # a 数电票 XML: invoice data, nothing to print
    UNKNOWN = "unknown"


_IMAGE_MAGIC = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
)
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp",
                     ".heic", ".heif")  # fmt: skip


ZIP_MAGIC = b"PK\x03\x04"  # an OFD is a zip


def is_picture(head: bytes) -> bool:
    """The first bytes are those of a picture format the app reads."""
    return (
        head.startswith(_IMAGE_MAGIC)
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS)
    )


def sniff_kind(head: bytes, name: str = "") -> FileKind:
    """Class a file by its first bytes (names from servers lie), by its name when the
    first bytes are damaged, so a broken ``.pdf`` is called a damaged PDF."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return FileKind.PDF
    if is_picture(head):
        return FileKind.IMAGE
    lowered = name.lower()
    if lowered.endswith(".pdf"):
        return FileKind.PDF
    if lowered.endswith(_IMAGE_EXTENSIONS):
        return FileKind.IMAGE
    if head.startswith(ZIP_MAGIC):  # a zip: OFD is one; an Office file is not shown
        ofd = b"OFD.xml" in head or b"Doc_0" in head or lowered.endswith(".ofd")
        return FileKind.OFD if ofd else FileKind.UNKNOWN
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and b"einvoice" in head.lower():
        return FileKind.XML
    return FileKind.UNKNOWN
