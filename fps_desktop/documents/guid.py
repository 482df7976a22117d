"""Document GUIDs as PBMS writes them: 32 hex digits, or the dashed UUID form."""

from __future__ import annotations

import re

from fps_desktop.errors import QT_TRANSLATE_NOOP, UsageError

_HEX32 = re.compile(r"[0-9a-f]{32}")
_DASHED = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def normalize_guid(text: str) -> str:
    """Return the 32 lowercase hex digits of ``text`` or raise ``UsageError``.

    Checked before any network call, so a typo never reaches the server.
    """
    candidate = text.strip().lower()
    if candidate.startswith("{") and candidate.endswith("}"):
        candidate = candidate[1:-1]
    if _HEX32.fullmatch(candidate):
        return candidate
    if _DASHED.fullmatch(candidate):
        return candidate.replace("-", "")
    raise UsageError(
        QT_TRANSLATE_NOOP(
            "FpsError",
            "“{text}” is not a document GUID. A GUID has 32 hexadecimal digits, "
            "for example c965be9f9c1d449d9e50fed330150d7a.",
        ),
        text=text.strip()[:60],
    )
