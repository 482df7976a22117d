"""Command line: every job headless, the GUI as the default command.

Each area registers its subcommands from its own module; imports of heavy
libraries stay inside the handlers so ``--version`` and the GUI start fast.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from fps_desktop import APP_NAME, __version__
from fps_desktop.cli import documents, export, invoices, listener, upload
from fps_desktop.config import Paths, Settings
from fps_desktop.errors import FpsError
from fps_desktop.logs import setup_logging

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_NAME, description="FPS Desktop - finance print station."
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in (documents, listener, export, upload, invoices):
        area.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = Paths.default()
    setup_logging(paths.log_dir, verbose=args.verbose)
    settings = Settings(paths)
    handler = getattr(args, "handler", None) or documents.run_gui
    try:
        return handler(args, settings)
    except FpsError as exc:
        log.debug("command failed", exc_info=True)
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
