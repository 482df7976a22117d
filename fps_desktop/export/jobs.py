"""Export work as Jobs, shared by the export panel and the command line.

Each job's one-line result (the job list's message) is the summary's own headline;
the full report stays in ``JobResult.data`` for whoever shows it.
"""

from __future__ import annotations

from pathlib import Path

from fps_desktop.errors import QT_TRANSLATE_NOOP
from fps_desktop.export.basic import export_basic_data
from fps_desktop.export.db import DbSettings
from fps_desktop.export.demo_data import create_demo_database
from fps_desktop.export.invoices import ExportOptions, InvoiceExporter
from fps_desktop.export.mapping import Mapping
from fps_desktop.jobs import CancelToken, Job, JobResult, Progress


def invoice_export_job(db: DbSettings, options: ExportOptions, mapping: Mapping) -> Job:
    """One JSON file per issued invoice; ``data`` is the ``ExportSummary``."""
    exporter = InvoiceExporter(db, options, mapping)

    def run(progress: Progress, cancel: CancelToken) -> JobResult:
        summary = exporter.run(progress, cancel)
        return JobResult(summary.headline, options.output_dir, data=summary)

    return Job(QT_TRANSLATE_NOOP("Jobs", "Export invoices"), run, "export")


def basic_export_job(db: DbSettings, output_dir: Path, mapping: Mapping) -> Job:
    """Currencies, invoice types and code tables; ``data`` lists the files written."""
    return Job(
        QT_TRANSLATE_NOOP("Jobs", "Export basic data"),
        lambda progress, cancel: export_basic_data(db, output_dir, mapping, progress, cancel),
        "export",
    )


def demo_database_job(db: DbSettings, invoices: int, replace: bool = False) -> Job:
    """Drop and refill the reference schema with ``invoices`` issued invoices."""
    return Job(
        QT_TRANSLATE_NOOP("Jobs", "Demo database"),
        lambda progress, cancel: create_demo_database(db, invoices, progress, cancel, replace),
        "export",
    )
