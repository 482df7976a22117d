"""Where each kind of export goes: the one decision the panel, the command line and
the jobs share, so a folder set for basic data is never ignored by one of them.

For each kind, the first of: the folder the admin chose now (``-o``, the panel's
field), ``$OUTPUT_DIR`` for basic data (seed 001's script read it), the kind's setting,
and the data folder's ``export/<kind>``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from fps_desktop.config import Settings
from fps_desktop.errors import QT_TRANSLATE_NOOP, ExportError

INVOICES = "invoices"
BASIC = "basic"
# kind: (its setting, the environment variable that overrides the setting, the default)
_FOLDERS = {
    INVOICES: ("export.output_dir", None, "invoices"),
    BASIC: ("export.basic_output_dir", "OUTPUT_DIR", "basic-data"),
}


def export_folder(
    settings: Settings,
    kind: str,
    chosen: Path | None = None,
    env: Mapping[str, str] = os.environ,
) -> Path:
    """The folder an export of ``kind`` (INVOICES or BASIC) writes into."""
    key, variable, default = _FOLDERS[kind]
    if chosen is not None:
        return chosen
    configured = (variable and env.get(variable)) or settings.get(key)
    if configured:
        return Path(configured)
    return settings.paths.data_dir / "export" / default


def ensure_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            QT_TRANSLATE_NOOP("FpsError", "Cannot create the export folder {folder}: {reason}"),
            folder=str(folder),
            reason=exc.strerror or str(exc),
        ) from exc
