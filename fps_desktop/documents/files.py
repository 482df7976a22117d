"""What a file really is, whatever its name says, and a safe name for it on disk."""

from __future__ import annotations

import re
import struct
import unicodedata
from dataclasses import dataclass

from fps_desktop.documents.models import FileKind, FileRole

MAX_NAME_CHARS = 120
_RESERVED_WINDOWS = {
    "CON", "PRN", "AUX", "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}  # fmt: skip
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_INVOICE_WORDS = ("发票", "invoice", "fapiao", "inv_", "inv-", "fp_", "fp-")


def safe_filename(name: str, fallback: str = "file") -> str:
    """A name that is safe as one path component on Windows and POSIX.

    Server-supplied names may hold ``../``, drive letters, reserved device names
    or be very long; only the last component survives, cleaned and shortened
    with its extension kept.
    """
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_CHARS.sub("_", name).strip().rstrip(". ")
    name = name.lstrip(".") or fallback
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.split(".")[0].upper() in _RESERVED_WINDOWS:
        stem = "_" + stem
    ext = ext[:10]
    room = MAX_NAME_CHARS - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(". ") or fallback
    return f"{stem}.{ext}" if ext else stem


def sniff_kind(head: bytes) -> FileKind:
    """Class a file by its first bytes: names from servers lie."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return FileKind.PDF
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return FileKind.IMAGE
    if head.startswith(b"PK\x03\x04"):  # a zip: OFD is one; an Office file is not shown
        return FileKind.OFD if b"OFD.xml" in head or b"Doc_0" in head else FileKind.UNKNOWN
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and b"<EInvoice" in head:
        return FileKind.XML
    return FileKind.UNKNOWN


def guess_role(name: str) -> FileRole:
    """Invoice or attachment from the name, when the source does not say."""
    lowered = name.lower()
    return FileRole.INVOICE if any(w in lowered for w in _INVOICE_WORDS) else FileRole.ATTACHMENT


@dataclass(frozen=True)
class ImageInfo:
    width: int
    height: int
    dpi: float | None
    orientation: int = 1

    @property
    def rotation(self) -> int:
        """Degrees clockwise that EXIF asks for (mirrored forms print unmirrored)."""
        return {3: 180, 4: 180, 5: 90, 6: 90, 7: 270, 8: 270}.get(self.orientation, 0)


def image_info(data: bytes) -> ImageInfo | None:
    """Size, resolution and EXIF orientation read from the header, without decoding."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png_info(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_info(data)
    return None


def _png_info(data: bytes) -> ImageInfo | None:
    if len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    dpi = None
    pos = data.find(b"pHYs", 0, 4096)
    if pos > 0 and len(data) >= pos + 13:
        ppu_x, _, unit = struct.unpack(">IIB", data[pos + 4 : pos + 13])
        if unit == 1 and ppu_x:
            dpi = ppu_x * 0.0254
    return ImageInfo(width, height, dpi)


def _jpeg_info(data: bytes) -> ImageInfo | None:
    pos, orientation, dpi = 2, 1, None
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segment = data[pos + 4 : pos + 2 + length]
        if marker == 0xE0 and segment.startswith(b"JFIF\x00") and len(segment) >= 12:
            unit, x_density = segment[7], struct.unpack(">H", segment[8:10])[0]
            if x_density and unit in (1, 2):
                dpi = x_density if unit == 1 else x_density * 2.54
        elif marker == 0xE1 and segment.startswith(b"Exif\x00\x00"):
            orientation = _exif_orientation(segment[6:]) or orientation
        elif 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", segment[1:5])
            return ImageInfo(width, height, dpi, orientation)
        pos += 2 + length
    return None


def _exif_orientation(tiff: bytes) -> int | None:
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return None
    endian = "<" if tiff[:2] == b"II" else ">"
    (ifd,) = struct.unpack(endian + "I", tiff[4:8])
    if ifd + 2 > len(tiff):
        return None
    (count,) = struct.unpack(endian + "H", tiff[ifd : ifd + 2])
    for i in range(count):
        entry = tiff[ifd + 2 + 12 * i : ifd + 14 + 12 * i]
        if len(entry) < 12:
            return None
        tag, _, _, value = struct.unpack(endian + "HHIH", entry[:10])
        if tag == 0x0112:
            return value if 1 <= value <= 8 else None
    return None
