"""The export's closing report (seed 001's summary, field for field) and what it lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fps_desktop.errors import QT_TRANSLATE_NOOP

# Every invoice written, but an open transaction held the boundary back past the warning
# time: its rows arrive in a later run. A cron job sees "finished with a warning", as
# rsync's 24 says "finished, some files vanished" (0 would hide it, 1 would call it a loss).
HELD_BACK_EXIT_CODE = 12


@dataclass
class SkippedRow:
    invoice_id: int
    tenant_id: int
    template: str  # marked for translation; ``{detail}`` is the system's own words
    detail: str = ""

    def reason(self, translate=lambda context, text: text) -> str:
        return translate("ExportSummary", self.template).format(detail=self.detail)


MISSING_NUMBER = QT_TRANSLATE_NOOP("ExportSummary", "missing invoice number")
BAD_DATE = QT_TRANSLATE_NOOP("ExportSummary", "invalid issue date")
NOT_UTF8 = QT_TRANSLATE_NOOP("ExportSummary", "text is not valid UTF-8")
NOT_WRITTEN = QT_TRANSLATE_NOOP("ExportSummary", "cannot be written: {detail}")


@dataclass
class Collision:
    """An invoice whose plain file name belongs to another one: it got ``+{id}``."""

    invoice_id: int
    tenant_id: int
    name: str


@dataclass
class ExportSummary:
    groups: int = 0
    succeeded: int = 0
    failed: int = 0
    empty: int = 0
    invoices: int = 0
    files: int = 0
    failed_files: int = 0
    seconds: float = 0.0
    skipped: list[SkippedRow] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    removed: int = 0  # stale files moved to .removed
    per_tenant: dict[int, int] = field(default_factory=dict)  # files written
    index_file: Path | None = None
    dry_run: bool = False
    held_back: str = ""  # the open transaction that held the boundary back too long

    @property
    def per_invoice(self) -> float:
        return self.seconds / self.invoices if self.invoices else 0.0

    @property
    def exit_code(self) -> int:
        """What the command returns: 1 when a file is missing, then 12 when held back."""
        if self.failed or self.failed_files:
            return 1
        return HELD_BACK_EXIT_CODE if self.held_back else 0

    @property
    def headline(self) -> str:
        """The report's title: also the job's one-line result, hence context Jobs."""
        if self.dry_run:
            return QT_TRANSLATE_NOOP("Jobs", "Dry run finished (nothing written)")
        return QT_TRANSLATE_NOOP("Jobs", "Export finished")

    def lines(self, translate=lambda context, text: text) -> list[str]:
        """The seed's closing report, field for field; ``translate`` is Qt's in the panel."""

        def tr(text: str) -> str:
            return translate("ExportSummary", text)

        title = translate("Jobs", self.headline)
        fields = [
            (QT_TRANSLATE_NOOP("ExportSummary", "Groups"), f"{self.groups}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Succeeded groups"), f"{self.succeeded}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Failed groups"), f"{self.failed}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Empty groups"), f"{self.empty}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Invoices"), f"{self.invoices:,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Files written"), f"{self.files:,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Failed files"), f"{self.failed_files:,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Shared file names"), f"{len(self.collisions):,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Moved aside"), f"{self.removed:,}"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Duration"), f"{self.seconds:.2f} s"),
            (QT_TRANSLATE_NOOP("ExportSummary", "Per invoice"), f"{self.per_invoice:.5f} s"),
        ]
        if self.index_file:
            fields.append((QT_TRANSLATE_NOOP("ExportSummary", "Index"), str(self.index_file)))
        if self.held_back:
            fields.append((QT_TRANSLATE_NOOP("ExportSummary", "Held back by"), self.held_back))
        rows = ["=" * 42, title, "=" * 42]
        rows += [f"{tr(label) + ':':<21}{value}" for label, value in fields]
        skipped = tr(
            QT_TRANSLATE_NOOP(
                "ExportSummary", "Skipped invoice id {id} (tenant {tenant}): {reason}"
            )
        )
        rows += [skipped.format(id=s.invoice_id, tenant=s.tenant_id, reason=s.reason(translate))
                 for s in self.skipped[:50]]  # fmt: skip
        shared = tr(
            QT_TRANSLATE_NOOP(
                "ExportSummary",
                "Invoice id {id} (tenant {tenant}) shares its file name with another: {name}",
            )
        )
        rows += [shared.format(id=c.invoice_id, tenant=c.tenant_id, name=c.name)
                 for c in self.collisions[:50]]  # fmt: skip
        more = len(self.skipped[50:]) + len(self.collisions[50:])
        if more:
            text = QT_TRANSLATE_NOOP("ExportSummary", "... and {count} more rows (see the log)")
            rows.append(tr(text).format(count=more))
        return [*rows, "=" * 42]
