"""Site table and column names: the reference schema unless ``export.mapping`` says otherwise.

A site whose tables differ sets, for example::

    "export.mapping": {
      "tables": {"invoices": "t_invoice", "invoice_lines": "t_invoice_item"},
      "columns": {"invoice_no": "finvoice_no", "issue_date": "fissue_date"},
      "issued_status": "SUCCESS"
    }
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fps_desktop.errors import QT_TRANSLATE_NOOP, ExportError

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,63}")


@dataclass(frozen=True)
class Mapping:
    tables: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    issued_status: str = "ISSUED"

    @classmethod
    def from_setting(cls, value: dict) -> Mapping:
        mapping = cls(
            tables=dict(value.get("tables", {})),
            columns=dict(value.get("columns", {})),
            issued_status=str(value.get("issued_status", "ISSUED")),
        )
        for name in [*mapping.tables.values(), *mapping.columns.values()]:
            if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
                raise ExportError(
                    QT_TRANSLATE_NOOP(
                        "FpsError", "“{name}” in the export mapping is not a table or column name."
                    ),
                    name=str(name)[:60],
                )
        return mapping

    def table(self, name: str) -> str:
        return f"`{self.tables.get(name, name)}`"

    def column(self, name: str, alias: str = "i") -> str:
        return f"{alias}.`{self.columns.get(name, name)}`"
