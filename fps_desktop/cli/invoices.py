"""Invoice commands: a GUID's invoice list (table, JSON, XLSX, CSV) and the duplicates report."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

from fps_desktop.cli.terminal import run_in_terminal
from fps_desktop.config import Settings
from fps_desktop.errors import QT_TRANSLATE_NOOP, UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    invoices = subparsers.add_parser(
        "invoices", help="list a GUID's invoices: fields, duplicates, sum"
    )
    invoices.add_argument("guid")
    output = invoices.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON (see docs/invoices.md)")
    output.add_argument("--xlsx", type=Path, metavar="FILE", help="write the list to XLSX")
    output.add_argument("--csv", type=Path, metavar="FILE", help="write the list to CSV")
    invoices.add_argument("--refresh", action="store_true", help="ask the source again")
    invoices.set_defaults(handler=run_invoices)

    duplicates = subparsers.add_parser(
        "duplicates", help="invoices registered under more than one GUID"
    )
    duplicates.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                            help="only duplicates seen on or after this day")  # fmt: skip
    duplicates.add_argument("--xlsx", type=Path, metavar="FILE", help="write the list to XLSX")
    duplicates.set_defaults(handler=run_duplicates)


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def _clerk() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def run_invoices(args: argparse.Namespace, settings: Settings) -> int:
    from fps_desktop.documents.workspace import open_guid
    from fps_desktop.invoices.listing import invoices_job, write_csv, write_xlsx

    cache, job = open_guid(settings, args.guid, refresh=args.refresh)
    manifest = run_in_terminal(job).data
    listing = run_in_terminal(invoices_job(settings, manifest, cache.blob_path, _clerk())).data
    if listing.register_error is not None:
        print(f"warning: duplicates not checked: {listing.register_error.message}",
              file=sys.stderr)  # fmt: skip
    if args.json:
        print(listing.dumps())
    elif args.xlsx or args.csv:
        target = args.xlsx or args.csv
        _check_target(target)
        (write_xlsx if args.xlsx else write_csv)(listing, target)
        print(target)
    else:
        _print_table(listing)
    return 0


def _check_target(target: Path) -> None:
    if not target.parent.is_dir():
        raise UsageError(
            QT_TRANSLATE_NOOP("FpsError", "The folder {folder} does not exist."),
            folder=str(target.parent),
        )


def _print_table(listing) -> None:
    from fps_desktop.invoices.listing import row_notes

    print(f"GUID {listing.guid}")
    for row in listing.rows:
        f = row.fields
        print(f"  {f.number or '-':<20} {f.date or '-':<10} {f.total or '-':>12}  "
              f"{f.seller or '-'}  [{f.file}]")  # fmt: skip
        for template, params in row_notes(row):
            print(f"      ! {template.format(**params)}")
    print(f"  total {listing.total}")


def run_duplicates(args: argparse.Namespace, settings: Settings) -> int:
    from fps_desktop.invoices.listing import DUPLICATE_HEADERS, duplicates_rows
    from fps_desktop.invoices.register import open_register

    register = open_register(settings)
    try:
        groups = register.duplicates(args.since or "")
    finally:
        register.close()
    lines = duplicates_rows(groups)
    if args.xlsx:
        _check_target(args.xlsx)
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "重复报销"
        sheet.append(list(DUPLICATE_HEADERS))
        for line in lines:
            sheet.append(line)
        book.save(args.xlsx)
        print(args.xlsx)
    else:
        for line in lines:
            print("\t".join(line))
    print(f"{len(groups)} invoices registered under more than one GUID", file=sys.stderr)
    return 0
