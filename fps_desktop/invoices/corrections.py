"""The clerk's own values for an invoice the app could not read, or read doubtfully.

A photo of a paper invoice, a taxi receipt, a damaged file: the clerk types the
number, date and total off the paper. The values are kept with the GUID (one small
JSON file per GUID in the data folder, by file hash, with who entered them and
when), and they count everywhere the read values do: the sum, the cover sheet, the
XLSX/CSV and the duplicate register. A typed value is marked as entered by its clerk
wherever it shows.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from fps_desktop.audit import AuditLog, log_audit_failure
from fps_desktop.config import Paths
from fps_desktop.errors import QT_TRANSLATE_NOOP, UsageError
from fps_desktop.invoices.fields import CLEANERS, KEY_FIELDS, InvoiceFields, Source
from fps_desktop.invoices.kinds import BY_CODE
from fps_desktop.storage import write_atomically

log = logging.getLogger(__name__)

FIELDS = KEY_FIELDS  # what a clerk reads off any paper invoice
LABELS = {
    "code": QT_TRANSLATE_NOOP("Invoices", "Code (older invoices)"),
    "number": QT_TRANSLATE_NOOP("Invoices", "Number"),
    "date": QT_TRANSLATE_NOOP("Invoices", "Date"),
    "total": QT_TRANSLATE_NOOP("Invoices", "Total"),
}
INVALID = {
    "code": QT_TRANSLATE_NOOP("FpsError", "“{value}” is not an invoice code: 10 or 12 digits."),
    "number": QT_TRANSLATE_NOOP("FpsError", "“{value}” is not an invoice number: digits only."),
    "date": QT_TRANSLATE_NOOP("FpsError", "“{value}” is not a date, such as 2025-01-08."),
    "total": QT_TRANSLATE_NOOP("FpsError", "“{value}” is not an amount, such as 100.00."),
}
VERSION = 1
FOLDER = "corrections"


@dataclass(frozen=True)
class Correction:
    """Values one clerk entered for one file of a GUID."""

    values: dict[str, str]
    by: str
    at: str  # UTC, "YYYY-MM-DD HH:MM:SS"

    def to_json(self) -> dict:
        return {"values": self.values, "by": self.by, "at": self.at}


def checked(typed: dict[str, str]) -> dict[str, str]:
    """``typed`` normalised (``2025年8月9日`` -> ``2025-08-09``, ``¥1,280`` -> ``1280.00``);
    an empty box is no value; a value that is not one raises ``UsageError`` naming it.
    ``kind`` is one of the codes of ``kinds.KINDS``, as the form's list offers them."""
    values = {"kind": typed["kind"]} if typed.get("kind") in BY_CODE else {}
    for name in FIELDS:
        text = typed.get(name, "").strip()
        if not text:
            continue
        value = CLEANERS[name](text)
        digits = value.isdigit() and (name != "code" or len(value) in (10, 12))
        if not value or (name in ("code", "number") and not digits):
            raise UsageError(INVALID[name], value=text)
        values[name] = value
    return values


class CorrectionStore:
    """The corrections of every GUID, one file each under ``<data>/corrections``."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / FOLDER

    def load(self, guid: str) -> dict[str, Correction]:
        """sha256 -> the clerk's values; nothing when the file is missing or unreadable."""
        path = self.folder / f"{guid}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return {sha: Correction(**entry) for sha, entry in data["files"].items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("corrections of %s unreadable; ignored", guid, exc_info=True)
            return {}

    def save(self, guid: str, sha256: str, values: dict[str, str], by: str) -> Correction:
        """Keep ``values`` (already ``checked``) for one file; empty values forget it."""
        corrections = self.load(guid)
        at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        correction = Correction(values, by, at)
        if values:
            corrections[sha256] = correction
        else:
            corrections.pop(sha256, None)
        payload = {"version": VERSION, "guid": guid,
                   "files": {sha: c.to_json() for sha, c in corrections.items()}}  # fmt: skip
        write_atomically(self.folder / f"{guid}.json",
                         json.dumps(payload, ensure_ascii=False, indent=1).encode())  # fmt: skip
        return correction


def enter(paths: Paths, guid: str, sha256: str, shown: InvoiceFields, values: dict[str, str],
          by: str) -> Correction:  # fmt: skip
    """The clerk's ``values`` (already ``checked``) for the file ``shown`` kept with the
    GUID, and in the audit log: each field with the value shown before and the one entered."""
    correction = CorrectionStore(paths.data_dir).save(guid, sha256, values, by)
    names = [name for name in (*values, *shown.entered) if name != "kind" or name in values]
    changes = {name: [getattr(shown, name), values.get(name, "")] for name in dict.fromkeys(names)}
    with log_audit_failure():
        AuditLog(paths).record_correction(guid, shown.file, changes, by)
    return correction


def apply(fields: InvoiceFields, correction: Correction | None) -> None:
    """The clerk's values over the read ones, marked as entered by the clerk."""
    if correction is None or not correction.values:
        return
    for name, value in correction.values.items():
        setattr(fields, name, value)
        fields.sources[name] = Source.CLERK.value
        fields.conflicts = [c for c in fields.conflicts if c.field != name]
    fields.entered_by = correction.by or "?"
    if fields.number and fields.total:
        fields.problem = ""  # what could not be read is now known
    if fields.total.startswith("-"):
        fields.red_letter = True
