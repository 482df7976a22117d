"""Admin commands: invoice and basic-data export (seed 001's flags), demo database."""

from __future__ import annotations

import argparse
from pathlib import Path

from fps_desktop.cli.terminal import quiet_stdout, run_in_terminal
from fps_desktop.config import Settings

INVOICES_EPILOG = """\
database (the settings, or for cron these environment variables):
  DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME
  DB_TIMEOUT   seconds of silence before a server counts as hung (default 60)

incremental runs:
  Per tenant, rows changed after the last run's time and up to 5 minutes ago (the
  margin), held back further by any transaction still open. Every run also compares a
  fingerprint of each tenant, country and issue month (and of the invoice lines) with
  what was exported, and writes again exactly the months that differ, so changes the
  time window cannot see (long transactions, lock waits, other time zones, line edits,
  voided invoices) arrive in the next run. Files of voided invoices go to .removed/.
  With the PROCESS privilege (GRANT PROCESS ON *.* TO export) open transactions are
  seen and one that holds the time back over 30 minutes is named in a warning;
  without it only the margin applies, and nothing is lost either way.

exit codes:
  0 every invoice written   1 some skipped or failed (listed)   2 bad input
  5 disk full               7 database error                    8 export folder or lock
  130 cancelled (Ctrl+C)
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser("export", help="export invoices or basic data from MySQL")
    kinds = export.add_subparsers(dest="export_kind", metavar="KIND", required=True)

    invoices = kinds.add_parser(
        "invoices", help="one JSON file per issued invoice (seed 001)",
        description="One JSON file per issued invoice: "
                    "OUTPUT/{tenant}/{COUNTRY}/{YYYYMMDD}+{invoice_no}.json",
        epilog=INVOICES_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    invoices.add_argument("-o", "--output-dir", type=Path,
                          help="default: the export.output_dir setting, else the data folder's "
                               "export/invoices")  # fmt: skip
    invoices.add_argument("-t", "--threads", type=_at_least_one,
                          help="file writer threads (default: the setting, 1)")  # fmt: skip
    invoices.add_argument("-c", "--compress", action="store_true",
                          help="write .json.gz (default: plain .json)")  # fmt: skip
    invoices.add_argument("-i", "--incremental", action="store_true",
                          help="only invoices changed since the last run, per tenant")  # fmt: skip
    invoices.add_argument("-d", "--dry-run", action="store_true", help="count, write nothing")
    invoices.add_argument("-l", "--limit", type=_at_least_one,
                          help="process at most this many groups (default: all)")  # fmt: skip
    invoices.add_argument("--tenant", type=int, help="only this tenant (default: every one)")
    invoices.add_argument("--index", choices=["csv", "xlsx"],
                          help="also write a list of the exported invoices")  # fmt: skip
    invoices.add_argument("--template", type=Path, help="XLSX template for --index xlsx")
    invoices.set_defaults(handler=run_export_invoices)

    basic = kinds.add_parser("basic", help="currencies, invoice types and code tables")
    basic.add_argument("-o", "--output-dir", type=Path,
                       help="default: $OUTPUT_DIR, then the setting")  # fmt: skip
    basic.set_defaults(handler=run_export_basic)

    demo = subparsers.add_parser("demo-db", help="create and fill the reference schema")
    demo.add_argument("--invoices", type=int, default=52523,
                      help="issued invoices to make (default: 52523)")  # fmt: skip
    demo.add_argument("--replace", "--force", action="store_true",
                      help="drop and refill the tables even if the database holds tables "
                           "demo-db did not create")  # fmt: skip
    demo.set_defaults(handler=run_demo_db)

    for parser in (invoices, basic, demo):
        parser.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                            help="log details to stderr")  # fmt: skip


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _print_report(text: str) -> None:
    """Print for the admin; a reader that stopped early (``| head``) is no error."""
    try:
        print(text, flush=True)
    except BrokenPipeError:  # the export's own exit code still counts
        quiet_stdout()


def _db(settings: Settings):
    from fps_desktop.export.db import DbSettings

    return DbSettings.from_settings(settings)


def _mapping(settings: Settings):
    from fps_desktop.export.mapping import Mapping

    return Mapping.from_setting(settings.get("export.mapping"))


def run_export_invoices(args: argparse.Namespace, settings: Settings) -> int:
    from fps_desktop.export.folders import INVOICES, ensure_writable, export_folder
    from fps_desktop.export.invoices import ExportOptions
    from fps_desktop.export.jobs import invoice_export_job

    output_dir = export_folder(settings, INVOICES, args.output_dir)
    if not args.dry_run:
        ensure_writable(output_dir)
    options = ExportOptions(
        output_dir, incremental=args.incremental, compress=args.compress, dry_run=args.dry_run,
        threads=args.threads or settings.get("export.threads"), limit=args.limit,
        tenant=args.tenant, index_format=args.index, template=args.template,
    )  # fmt: skip
    summary = run_in_terminal(invoice_export_job(_db(settings), options, _mapping(settings))).data
    _print_report("\n".join(summary.lines()))
    return 0 if not (summary.failed or summary.failed_files) else 1


def run_export_basic(args: argparse.Namespace, settings: Settings) -> int:
    from fps_desktop.export.folders import BASIC, export_folder
    from fps_desktop.export.jobs import basic_export_job

    output_dir = export_folder(settings, BASIC, args.output_dir)
    result = run_in_terminal(basic_export_job(_db(settings), output_dir, _mapping(settings)))
    _print_report(result.summary)
    return 0


def run_demo_db(args: argparse.Namespace, settings: Settings) -> int:
    from fps_desktop.export.jobs import demo_database_job

    result = run_in_terminal(demo_database_job(_db(settings), args.invoices, args.replace))
    _print_report(result.summary)
    return 0
