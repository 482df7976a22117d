"""File and folder names of exported invoices: the seed's naming rule, made safe.

Two invoices may not share a name in one folder: the lowest id keeps the plain name,
the other gets ``+{id}``. A name too long for a file system keeps its start and ends in
a hash of the whole.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from array import array

NAME_MAX = 240  # bytes; file systems allow 255
STAGING = ".{}.partial"  # a new folder's hidden name until its run publishes it
_UNSAFE = re.compile(r"[^\w.+-]")  # letters and digits of any script stay, Chinese included
_HOLDER = re.compile(rb'\{\s*"id":\s*(\d+)')
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)),
            *(f"LPT{n}" for n in range(10))}  # fmt: skip


def invoice_file_name(
    issue_date: str,
    invoice_no: str,
    compress: bool,
    invoice_id: int | None = None,
    times: int = 1,
) -> str:
    """``{YYYYMMDD}+{invoice_no}.json``, unsafe characters replaced by ``_``.

    ``invoice_id`` is given (``times`` over) to an invoice whose plain name another one
    holds. A name too long for a file system keeps its start and ends in a hash of the whole.
    """
    suffix = "" if invoice_id is None else f"+{invoice_id}" * times
    extension = ".json.gz" if compress else ".json"
    stem = _fit(f"{issue_date}+{_UNSAFE.sub('_', invoice_no)}", NAME_MAX - len(suffix) - 8)
    return stem + suffix + extension


def path_part(text: str) -> str:
    """A tenant or country as a folder name: like invoice numbers, and never ``.``, ``..``,
    hidden (which would reach the staging or state folders) or a Windows device name."""
    part = _UNSAFE.sub("_", text) or "_"
    if part.startswith("."):
        part = "_" + part[1:]
    if part.split(".")[0].upper() in _DEVICES:
        part = "_" + part
    return _fit(part, NAME_MAX - len(STAGING))


def country_folder(country: str) -> str:
    """A country's folder, in capitals: ``cn`` and ``CN`` share one, as they must on a disk
    that ignores case (Windows, macOS, exFAT), and then on every disk alike."""
    return path_part(country.upper())


def _fit(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` UTF-8 bytes, else its start and a hash of the whole."""
    if len(text) * 4 <= limit:  # no character takes more than 4 bytes
        return text
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) <= limit:
        return text
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return raw[: limit - 17].decode("utf-8", "ignore") + "~" + digest


def file_stem(name: str) -> str | None:
    """The name of an export file without its extension; ``None`` for anything else."""
    if name.startswith("."):
        return None
    for extension in (".json", ".json.gz"):
        if name.endswith(extension):
            return name[: -len(extension)]
    return None


class Names:
    """The names given in this run, per folder, at 8 bytes each (a hash); one per row.

    It tells when a second invoice would get a name already given, and which files of a
    folder no invoice claimed. Two different names with one 64-bit hash would cost one
    invoice a ``+{id}`` suffix it did not need, never a file.
    """

    def __init__(self, expected: int) -> None:
        size = 1 << max(10, (expected * 3 // 2).bit_length())
        self.mask = size - 1
        self.slots = array("q", bytes(8 * size))

    def _find(self, folder: str, stem: str) -> tuple[int, int]:
        key = hash((folder, stem.lower())) or 1  # case-blind: Windows and macOS are
        index, slots = key & self.mask, self.slots
        while slots[index] and slots[index] != key:
            index = (index + 1) & self.mask
        return index, key

    def add(self, folder: str, stem: str) -> bool:
        """Claim the name ``stem`` (no extension) in ``folder``; False if already given."""
        index, key = self._find(folder, stem)
        if self.slots[index]:
            return False
        self.slots[index] = key
        return True

    def __contains__(self, item: tuple[str, str]) -> bool:
        index, _ = self._find(*item)
        return bool(self.slots[index])

    def claims(self, folder: str, file_name: str) -> bool:
        """False only for an export file in ``folder`` that no name of this run matches."""
        stem = file_stem(file_name)
        return stem is None or (folder, stem) in self


def holder(path: str) -> int | None:
    """The invoice id a file already holds, read from its first bytes."""
    try:
        with (gzip.open if path.endswith(".gz") else open)(path, "rb") as handle:
            head = handle.read(48)
    except (OSError, EOFError):
        return None
    match = _HOLDER.match(head)
    return int(match.group(1)) if match else None
