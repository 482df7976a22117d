"""A safe name for a file on disk, and the role (invoice or attachment) its name or folder says."""

from __future__ import annotations

import re
import unicodedata

from fps_desktop.documents.models import FileRole

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
