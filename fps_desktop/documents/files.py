"""What a file really is, whatever its name says, and a safe name for it on disk."""

from __future__ import annotations

import re
import unicodedata

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


def sniff_kind(head: bytes, name: str = "") -> FileKind:
    """Class a file by its first bytes (names from servers lie), by its name when the
    first bytes are damaged, so a broken ``.pdf`` is called a damaged PDF."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return FileKind.PDF
    if head.startswith(_IMAGE_MAGIC):
        return FileKind.IMAGE
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileKind.IMAGE
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return FileKind.IMAGE
    lowered = name.lower()
    if lowered.endswith(".pdf"):
        return FileKind.PDF
    if lowered.endswith(_IMAGE_EXTENSIONS):
        return FileKind.IMAGE
    if head.startswith(b"PK\x03\x04"):  # a zip: OFD is one; an Office file is not shown
        ofd = b"OFD.xml" in head or b"Doc_0" in head or lowered.endswith(".ofd")
        return FileKind.OFD if ofd else FileKind.UNKNOWN
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and b"einvoice" in head.lower():
        return FileKind.XML
    return FileKind.UNKNOWN


# The words that name a role: a PBMS category or a folder of the share, in both languages.
_ROLE_WORDS = {
    "invoice": FileRole.INVOICE,
    "invoices": FileRole.INVOICE,
    "发票": FileRole.INVOICE,
    "attachment": FileRole.ATTACHMENT,
    "attachments": FileRole.ATTACHMENT,
    "附件": FileRole.ATTACHMENT,
}


def role_from_label(label: object) -> FileRole | None:
    """The role a category or folder name states (``invoices/``, ``附件``), if any."""
    return _ROLE_WORDS.get(str(label).strip().lower()) if label else None


def guess_role(name: str) -> FileRole:
    """Invoice or attachment from the name, when the source does not say."""
    lowered = name.lower()
    return FileRole.INVOICE if any(w in lowered for w in _INVOICE_WORDS) else FileRole.ATTACHMENT
